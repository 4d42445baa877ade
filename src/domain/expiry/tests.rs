use super::*;

const SHIPPED: &str = include_str!("../../../data/rules.toml");

use crate::domain::date::test_date as d;

fn shipped() -> ExpiryRules {
    ExpiryRules::from_toml(SHIPPED).unwrap()
}

fn expiry(issued: NaiveDate, born: NaiveDate) -> NaiveDate {
    shipped().compute(issued, born).unwrap().date
}

#[test]
fn domain_md_vectors() {
    assert_eq!(expiry(d(2024, 4, 1), d(1990, 4, 2)), d(2028, 4, 2));
    assert_eq!(expiry(d(2024, 4, 2), d(1990, 4, 2)), d(2029, 4, 2));
    assert_eq!(expiry(d(2024, 4, 3), d(1990, 4, 2)), d(2029, 4, 2));
    assert_eq!(expiry(d(2024, 3, 1), d(1992, 2, 29)), d(2029, 2, 28));
}

#[test]
fn birthday_rule_details() {
    let c = shipped().compute(d(2021, 7, 1), d(1980, 12, 31)).unwrap();
    assert_eq!(c.date, d(2025, 12, 31));
    assert_eq!(c.rule_id, "fifth_birthday_2021");
    assert!(c.rule_label.contains("誕生日"), "{}", c.rule_label);
    // Feb 29 birthday, 5th birthday after issue falls in a leap year: stays Feb 29.
    assert_eq!(expiry(d(2023, 3, 1), d(1992, 2, 29)), d(2028, 2, 29));
    // Issued on Feb 28 of a common year to a Feb 29 baby: that day counts as the birthday.
    assert_eq!(expiry(d(2025, 2, 28), d(1992, 2, 29)), d(2030, 2, 28));
    assert_eq!(expiry(d(2025, 2, 27), d(1992, 2, 29)), d(2029, 2, 28));
}

#[test]
fn years_rules() {
    let rules = shipped();
    for (issued, want, rule) in [
        (d(2016, 4, 1), d(2021, 3, 31), "five_years_2016"),
        (d(2021, 6, 30), d(2026, 6, 29), "five_years_2016"),
        (d(2014, 2, 1), d(2020, 1, 31), "six_years_2014"),
        (d(2016, 3, 31), d(2022, 3, 30), "six_years_2014"),
    ] {
        let c = rules.compute(issued, d(1970, 1, 1)).unwrap();
        assert_eq!((c.date, c.rule_id.as_str()), (want, rule), "{issued}");
    }
    // Issued on Feb 29: the period ends on the last day of February (feb29 = "mar1", minus 1 day).
    assert_eq!(expiry(d(2016, 2, 29), d(1970, 1, 1)), d(2022, 2, 28));
    assert_eq!(expiry(d(2020, 2, 29), d(1970, 1, 1)), d(2025, 2, 28));
}

#[test]
fn uncovered_issue_dates_are_errors() {
    let err = shipped()
        .compute(d(2014, 1, 31), d(1970, 1, 1))
        .unwrap_err();
    assert!(matches!(err, ExpiryError::NoRule(_)));
    assert!(
        err.to_string()
            .contains("当てはまる有効期限ルールがありません"),
        "{err}"
    );
    let err = shipped().compute(d(2024, 4, 1), d(2024, 4, 2)).unwrap_err();
    assert!(matches!(err, ExpiryError::BornAfterIssue { .. }), "{err}");
}

#[test]
fn shipped_rules_are_contiguous() {
    let rules = shipped();
    assert_eq!(rules.rules().len(), 3);
    for pair in rules.rules().windows(2) {
        let until = pair[0].until.unwrap();
        assert_eq!(until.succ_opt().unwrap(), pair[1].from);
    }
    assert_eq!(rules.rules().last().unwrap().until, None);
}

const RULE_2021: &str = r#"
[[expiry]]
id = "b"
label = "誕生日"
from = 2021-07-01
kind = "nth_birthday_after"
n = 5
"#;

#[test]
fn ignores_other_tables_and_accepts_text_dates() {
    let text = format!(
        "[uncollected]\nnotice_days = 30\nrenotice_days = 90\nreturn_days = 180\n{RULE_2021}\
         [[expiry]]\nid = \"a\"\nlabel = \"5年\"\nfrom = \"平成28年4月1日\"\nuntil = \"R3.6.30\"\n\
         kind = \"years\"\nyears = 5\nminus_days = 1\n"
    );
    let rules = ExpiryRules::from_toml(&text).unwrap();
    assert_eq!(rules.rules()[0].id, "a");
    assert_eq!(rules.rules()[0].from, d(2016, 4, 1));
    assert_eq!(rules.rules()[1].feb29, Feb29::Feb28);
}

#[test]
fn rejects_bad_rule_files() {
    let overlap = format!(
        "{RULE_2021}[[expiry]]\nid = \"a\"\nlabel = \"5年\"\nfrom = 2016-04-01\nuntil = 2021-07-01\nkind = \"years\"\nyears = 5\n"
    );
    let err = ExpiryRules::from_toml(&overlap).unwrap_err();
    assert_eq!(
        err,
        RulesError::Overlap {
            a: "a".into(),
            b: "b".into()
        }
    );
    assert!(err.to_string().contains("重なっています"), "{err}");

    let open_ended_twice = format!("{RULE_2021}{}", RULE_2021.replace("\"b\"", "\"c\""));
    assert!(matches!(
        ExpiryRules::from_toml(&open_ended_twice),
        Err(RulesError::Overlap { .. })
    ));

    let unknown = RULE_2021.replace("nth_birthday_after", "months");
    let err = ExpiryRules::from_toml(&unknown).unwrap_err();
    assert!(matches!(err, RulesError::UnknownKind { .. }));
    assert!(
        err.to_string().contains("不明な種類です: 「months」"),
        "{err}"
    );

    let missing_n = RULE_2021.replace("n = 5", "");
    assert_eq!(
        ExpiryRules::from_toml(&missing_n),
        Err(RulesError::MissingField {
            id: "b".into(),
            field: "n"
        })
    );
    let bad_feb29 = format!("{RULE_2021}feb29 = \"mar2\"\n");
    assert!(matches!(
        ExpiryRules::from_toml(&bad_feb29),
        Err(RulesError::BadValue { field: "feb29", .. })
    ));
    let backwards = RULE_2021.replace("from = 2021-07-01", "from = 2021-07-01\nuntil = 2021-06-30");
    assert!(matches!(
        ExpiryRules::from_toml(&backwards),
        Err(RulesError::BadRange { .. })
    ));
    let dup = format!(
        "{RULE_2021}[[expiry]]\nid = \"b\"\nlabel = \"x\"\nfrom = 2014-01-01\nuntil = 2014-12-31\nkind = \"years\"\nyears = 5\n"
    );
    assert_eq!(
        ExpiryRules::from_toml(&dup),
        Err(RulesError::DuplicateId("b".into()))
    );
    assert_eq!(ExpiryRules::from_toml(""), Err(RulesError::Empty));
    assert!(matches!(
        ExpiryRules::from_toml("[[expiry]]\nid = 1"),
        Err(RulesError::Toml(_))
    ));
}

fn renewal(issued: NaiveDate, born: NaiveDate, previous: Option<NaiveDate>) -> ComputedExpiry {
    let ctx = IssueContext {
        issue_type: Some(IssueType::Renewal),
        previous_expiry: previous,
    };
    shipped().compute_with(issued, born, &ctx).unwrap()
}

#[test]
fn sixth_birthday_renewal_vectors() {
    let born = d(1990, 4, 2);
    // Previous card expires 2029-04-02. Renewal issued 2029-01-03: less than 3 months left
    // → the 6th birthday after issue (2029-04-02 is the 1st) = 2034-04-02.
    let c = renewal(d(2029, 1, 3), born, Some(d(2029, 4, 2)));
    assert_eq!(c.date, d(2034, 4, 2));
    assert_eq!(c.rule_id, "sixth_birthday_renewal");
    assert!(c.rule_label.contains("6回目"), "{c:?}");
    assert!(
        c.detail
            .as_deref()
            .unwrap()
            .contains("3か月未満の更新のため"),
        "{c:?}"
    );
    // Issued on the previous expiry day itself: still within the window.
    assert_eq!(
        renewal(d(2029, 4, 2), born, Some(d(2029, 4, 2))).date,
        d(2035, 4, 2)
    );
    // Exactly 3 months before (01-02 → 04-02 is 3 months, not less): the 5th birthday.
    let c = renewal(d(2029, 1, 2), born, Some(d(2029, 4, 2)));
    assert_eq!(c.date, d(2033, 4, 2));
    assert_eq!(c.rule_id, "fifth_birthday_2021");
    assert!(
        c.detail.as_deref().unwrap().contains("ではないため"),
        "{c:?}"
    );
    // Issued after the previous card expired: not a renewal of a valid card → 5th.
    assert_eq!(
        renewal(d(2029, 5, 1), born, Some(d(2029, 4, 2))).date,
        d(2034, 4, 2)
    );
    assert_eq!(
        renewal(d(2029, 5, 1), born, Some(d(2029, 4, 2))).rule_id,
        "fifth_birthday_2021"
    );
    // Renewal without the previous expiry: the 5th birthday, and the officer is told why.
    let c = renewal(d(2029, 1, 3), born, None);
    assert_eq!(c.date, d(2033, 4, 2));
    assert!(
        c.detail
            .as_deref()
            .unwrap()
            .contains("旧有効期限が分からない"),
        "{c:?}"
    );
    // A new issue or a reissue with a previous expiry: the renewal rule does not apply.
    for t in [IssueType::New, IssueType::Reissue] {
        let ctx = IssueContext {
            issue_type: Some(t),
            previous_expiry: Some(d(2029, 4, 2)),
        };
        let c = shipped().compute_with(d(2029, 1, 3), born, &ctx).unwrap();
        assert_eq!((c.date, c.detail), (d(2033, 4, 2), None));
    }
    // Feb 29 birthday under the renewal rule (feb28 in common years).
    assert_eq!(
        renewal(d(2028, 1, 10), d(1992, 2, 29), Some(d(2028, 2, 29))).date,
        d(2033, 2, 28)
    );
    // The "years" rules of 2014–2021 are never changed by it.
    let ctx = IssueContext {
        issue_type: Some(IssueType::Renewal),
        previous_expiry: Some(d(2016, 5, 1)),
    };
    let c = shipped().compute_with(d(2016, 4, 1), born, &ctx).unwrap();
    assert_eq!(
        (c.date, c.rule_id.as_str()),
        (d(2021, 3, 31), "five_years_2016")
    );
    // Every DOMAIN.md vector still holds without a context.
    domain_md_vectors();
}

#[test]
fn renewal_table_is_validated() {
    let base = format!(
        "{RULE_2021}[renewal]\nid = \"r\"\nlabel = \"6\"\nkind = \"nth_birthday_after\"\napplies_to = [\"b\"]\nissue_types = [\"更新\"]\nwindow_months = 3\nn = 6\nneeds = \"previous_expiry\"\n"
    );
    let rules = ExpiryRules::from_toml(&base).unwrap();
    assert_eq!(rules.renewal().unwrap().issue_types, [IssueType::Renewal]);
    let bad = base.replace("applies_to = [\"b\"]", "applies_to = [\"zz\"]");
    assert!(matches!(
        ExpiryRules::from_toml(&bad),
        Err(RulesError::BadValue {
            field: "applies_to",
            ..
        })
    ));
    let bad = base.replace("[\"更新\"]", "[\"延長\"]");
    assert!(matches!(
        ExpiryRules::from_toml(&bad),
        Err(RulesError::BadValue {
            field: "issue_types",
            ..
        })
    ));
    let bad = base.replace("window_months = 3", "window_months = 0");
    assert!(ExpiryRules::from_toml(&bad).is_err());
    let bad = base.replace("needs = \"previous_expiry\"", "needs = \"nothing\"");
    assert!(ExpiryRules::from_toml(&bad).is_err());
}

#[test]
fn compare_reports_each_disagreeing_pair_once() {
    let (x, y) = (d(2028, 4, 2), d(2029, 4, 2));
    assert!(compare_expiry(Some(x), Some(x), Some(x)).is_empty());
    assert!(compare_expiry(Some(x), None, Some(x)).is_empty());
    assert!(compare_expiry(None, None, None).is_empty());
    assert!(compare_expiry(Some(x), None, None).is_empty());

    let diffs = compare_expiry(Some(x), Some(y), Some(y));
    assert_eq!(
        diffs,
        vec![
            ExpiryDisagreement {
                a: ExpirySource::Computed,
                a_date: x,
                b: ExpirySource::Printed,
                b_date: y
            },
            ExpiryDisagreement {
                a: ExpirySource::Computed,
                a_date: x,
                b: ExpirySource::Certificate,
                b_date: y
            },
        ]
    );
    let diffs = compare_expiry(None, Some(x), Some(y));
    assert_eq!(diffs.len(), 1);
    assert_eq!(
        diffs[0].message(),
        "券面の有効期限 令和10年4月2日（2028-04-02）と証明書の有効期限 令和11年4月2日（2029-04-02）が一致しません"
    );
    let all_differ = compare_expiry(Some(x), Some(y), Some(d(2030, 1, 1)));
    assert_eq!(all_differ.len(), 3);
}
