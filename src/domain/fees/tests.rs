use super::*;

const SHIPPED: &str = include_str!("../../../data/fees.toml");

use crate::domain::date::test_date as d;

fn table() -> FeeTable {
    FeeTable::from_toml(SHIPPED).unwrap()
}

fn case(kind: IssueKind, membership: Membership) -> FeeCase {
    FeeCase {
        kind,
        membership,
        exam_year: None,
        postmark: None,
        via_mynaportal: false,
    }
}

const ON: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 1) {
    Some(d) => d,
    None => panic!(),
};

fn fee(c: &FeeCase) -> (u32, String) {
    let decision = table().decide(c, ON).unwrap();
    (decision.amount_yen, decision.rule_id)
}

use IssueKind::*;
use Membership::*;

#[test]
fn domain_md_fee_table() {
    for (kind, membership, yen, rule) in [
        // initial issue, 5-yearly renewal: member free, non-member 5,500
        (Initial, Member, 0, "member_initial_renewal"),
        (Initial, NonMember, 5500, "non_member_initial_renewal"),
        (Renewal, Member, 0, "member_initial_renewal"),
        (Renewal, NonMember, 5500, "non_member_initial_renewal"),
        // reissue, loss or damage: 5,500 for both
        (ReissueLossDamage, Member, 5500, "reissue_loss_damage"),
        (ReissueLossDamage, NonMember, 5500, "reissue_loss_damage"),
        // reissue, name change: free for both
        (ReissueNameChange, Member, 0, "reissue_name_change"),
        (ReissueNameChange, NonMember, 0, "reissue_name_change"),
        // reissue, non-member became member: member free, non-member not applicable
        (ReissueBecameMember, Member, 0, "reissue_became_member"),
    ] {
        assert_eq!(
            fee(&case(kind, membership)),
            (yen, rule.to_string()),
            "{kind:?} {membership:?}"
        );
    }
    let err = table()
        .decide(&case(ReissueBecameMember, NonMember), ON)
        .unwrap_err();
    assert_eq!(err, FeeError::BecameMemberButNonMember);
    assert!(err.to_string().contains("会員"), "{err}");
}

#[test]
fn within_one_year_of_licence() {
    let mut c = case(Initial, NonMember);
    c.exam_year = Some(2022);
    c.postmark = Some(d(2023, 2, 28));
    let decision = table().decide(&c, d(2023, 2, 28)).unwrap();
    assert_eq!(decision.amount_yen, 0);
    assert_eq!(decision.rule_id, "initial_within_one_year");
    assert_eq!(decision.category, "医師免許取得から1年以内の初回発行");
    assert!(
        decision
            .reasons
            .iter()
            .any(|r| r.contains("令和4年") && r.contains("令和5年2月28日") && r.contains("期限内")),
        "{:?}",
        decision.reasons
    );

    // One day late: the non-member fee applies, and the officer is told why.
    c.postmark = Some(d(2023, 3, 1));
    let decision = table().decide(&c, d(2023, 3, 1)).unwrap();
    assert_eq!(decision.amount_yen, 5500);
    assert!(
        decision
            .reasons
            .iter()
            .any(|r| r.contains("期限を過ぎている")),
        "{:?}",
        decision.reasons
    );

    // Member: free either way, within-one-year also applies to members.
    c.membership = Member;
    c.postmark = Some(d(2023, 1, 10));
    assert_eq!(table().decide(&c, ON).unwrap().amount_yen, 0);

    // Only the initial issue is covered.
    let mut r = case(Renewal, NonMember);
    r.exam_year = Some(2022);
    r.postmark = Some(d(2023, 1, 10));
    assert_eq!(table().decide(&r, ON).unwrap().amount_yen, 5500);
}

#[test]
fn missing_facts_are_explained() {
    // A blank postmark is judged as today, as the field's hint says (issue 11 #8): the
    // note never claims the check was skipped.
    let mut c = case(Initial, NonMember);
    c.exam_year = Some(2022);
    let decision = table().decide(&c, ON).unwrap();
    assert_eq!(decision.amount_yen, 5500);
    assert!(
        decision
            .reasons
            .iter()
            .any(|r| r.contains("消印日が空欄のため判定日で判定")
                && r.contains("期限を過ぎている")
                && !r.contains("判定していません")),
        "{:?}",
        decision.reasons
    );
    // No ASCII arrow in the Japanese note (issue 11 #13).
    assert!(
        decision
            .reasons
            .iter()
            .all(|r| !r.contains("->") && !r.contains('→')),
        "{:?}",
        decision.reasons
    );
    // Within the deadline, today counts: free.
    let mut c = case(Initial, NonMember);
    c.exam_year = Some(2023);
    let decision = table().decide(&c, d(2024, 2, 10)).unwrap();
    assert_eq!(decision.amount_yen, 0, "{:?}", decision.reasons);
    let decision = table().decide(&case(Initial, NonMember), ON).unwrap();
    assert!(
        decision
            .reasons
            .iter()
            .any(|r| r.contains("合格年が未入力")),
        "{:?}",
        decision.reasons
    );
    // Members pay nothing anyway: no noise about the exemption.
    let decision = table().decide(&case(Initial, Member), ON).unwrap();
    assert_eq!(
        decision.reasons,
        vec!["日医会員の初回及び5年毎の発行時費用は無料です".to_string()]
    );
    c.exam_year = Some(22);
    assert_eq!(table().decide(&c, ON), Err(FeeError::BadExamYear(22)));
}

#[test]
fn licence_deadline() {
    assert_eq!(licence_free_deadline(2022), d(2023, 2, 28));
    assert_eq!(licence_free_deadline(2023), d(2024, 2, 29));
    assert_eq!(licence_free_deadline(2099), d(2100, 2, 28));
    assert_eq!(licence_free_deadline(i32::MAX), NaiveDate::MAX);
}

#[test]
fn mynaportal_non_member() {
    let mut c = case(Initial, NonMember);
    c.via_mynaportal = true;
    let decision = table().decide(&c, ON).unwrap();
    assert_eq!(decision.amount_yen, 0);
    assert_eq!(decision.rule_id, "mynaportal_non_member");
    assert!(
        decision.reasons[0].contains("当面の間"),
        "{:?}",
        decision.reasons
    );
    // Loss reissue is not covered by the exemption.
    let mut l = case(ReissueLossDamage, NonMember);
    l.via_mynaportal = true;
    assert_eq!(table().decide(&l, ON).unwrap().amount_yen, 5500);
    // Before the entry's effective date the normal fee applies.
    assert_eq!(
        table().decide(&c, d(2021, 12, 31)).unwrap().amount_yen,
        5500
    );
}

#[test]
fn a_later_entry_supersedes_from_its_effective_date() {
    let text = format!(
        "{SHIPPED}\n[[fee]]\nid = \"non_member_2027\"\nkinds = [\"initial\", \"renewal\"]\n\
         membership = \"non_member\"\namount_yen = 6600\ncategory = \"日医非会員・初回発行／更新（改定後）\"\n\
         effective_from = 2027-04-01\n"
    );
    let table = FeeTable::from_toml(&text).unwrap();
    let c = case(Renewal, NonMember);
    assert_eq!(table.decide(&c, d(2027, 3, 31)).unwrap().amount_yen, 5500);
    let after = table.decide(&c, d(2027, 4, 1)).unwrap();
    assert_eq!(
        (after.amount_yen, after.rule_id.as_str()),
        (6600, "non_member_2027")
    );
    // Members are untouched by the change.
    assert_eq!(
        table
            .decide(&case(Renewal, Member), d(2027, 4, 1))
            .unwrap()
            .amount_yen,
        0
    );
}

#[test]
fn no_entry_in_effect_is_an_error() {
    let err = table()
        .decide(&case(Initial, Member), d(2013, 1, 1))
        .unwrap_err();
    assert!(matches!(err, FeeError::NoRule { .. }));
    assert!(
        err.to_string()
            .contains("当てはまる手数料の定めがありません"),
        "{err}"
    );
}

#[test]
fn rejects_bad_fee_files() {
    let one = "[[fee]]\nid = \"a\"\nkinds = [\"initial\"]\namount_yen = 0\ncategory = \"x\"\neffective_from = 2014-02-01\n";
    assert!(FeeTable::from_toml(one).is_ok());
    assert!(matches!(
        FeeTable::from_toml(&one.replace("initial", "first")),
        Err(FeeTableError::BadValue { field: "kinds", .. })
    ));
    assert!(matches!(
        FeeTable::from_toml(&format!("{one}membership = \"vip\"\n")),
        Err(FeeTableError::BadValue {
            field: "membership",
            ..
        })
    ));
    assert!(matches!(
        FeeTable::from_toml(&format!("{one}condition = \"sometimes\"\n")),
        Err(FeeTableError::BadValue {
            field: "condition",
            ..
        })
    ));
    assert!(matches!(
        FeeTable::from_toml(&one.replace("amount_yen = 0\n", "")),
        Err(FeeTableError::MissingField {
            field: "amount_yen",
            ..
        })
    ));
    assert!(matches!(
        FeeTable::from_toml(&format!("{one}until = 2014-01-01\n")),
        Err(FeeTableError::BadRange { .. })
    ));
    let conflict = format!("{one}{}", one.replace("\"a\"", "\"b\""));
    let err = FeeTable::from_toml(&conflict).unwrap_err();
    assert_eq!(
        err,
        FeeTableError::Conflict {
            a: "a".into(),
            b: "b".into()
        }
    );
    assert!(err.to_string().contains("重なっています"), "{err}");
    let dup = format!("{one}{}", one.replace("initial", "renewal"));
    assert_eq!(
        FeeTable::from_toml(&dup),
        Err(FeeTableError::DuplicateId("a".into()))
    );
    assert_eq!(FeeTable::from_toml(""), Err(FeeTableError::Empty));
    assert!(matches!(
        FeeTable::from_toml("[[fee]]\nid = 3"),
        Err(FeeTableError::Toml(_))
    ));
}

#[test]
fn issue_kind_names_round_trip() {
    for kind in IssueKind::ALL {
        assert_eq!(IssueKind::parse(kind.as_str()), Some(kind));
        assert_eq!(IssueKind::parse(kind.label()), Some(kind));
    }
    assert_eq!(IssueKind::parse(" reissue-loss "), Some(ReissueLossDamage));
    assert_eq!(IssueKind::parse("reissue"), None);
}

#[test]
fn fee_formatting() {
    assert_eq!(format_fee(0), "無料");
    assert_eq!(format_fee(5500), "5,500円（税込）");
    assert_eq!(format_fee(500), "500円（税込）");
    assert_eq!(format_fee(1_234_567), "1,234,567円（税込）");
    let decision = table().decide(&case(Initial, NonMember), ON).unwrap();
    assert_eq!(
        decision.summary(),
        "日医非会員・初回発行／5年毎の更新: 5,500円（税込）"
    );
}
