//! Shipment import through real SQLite files: encodings, every error kind, all-or-nothing,
//! idempotent re-import, and exact round-trip of names outside the BMP and with IVS.

use crate::support::common;

use chrono::NaiveDate;
use kofu::data::DataSet;
use kofu::store::import::{ImportError, ImportOptions, ImportReport, import_bytes};
use kofu::store::{CardQuery, Store};

fn no_rule(_: NaiveDate, _: NaiveDate) -> Option<NaiveDate> {
    None
}

fn rule(i: NaiveDate, b: NaiveDate) -> Option<NaiveDate> {
    Some(common::expiry_rule(i, b))
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    data: DataSet,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("kofu.db"), &common::clock()).unwrap();
    let data = DataSet::load(Some(&dir.path().join("no-data"))).unwrap();
    Fixture {
        _dir: dir,
        store,
        data,
    }
}

fn import(
    f: &mut Fixture,
    bytes: &[u8],
    dry_run: bool,
    expected: &dyn Fn(NaiveDate, NaiveDate) -> Option<NaiveDate>,
) -> Result<ImportReport, ImportError> {
    let profile = f.data.profile("default").unwrap().clone();
    let opts = ImportOptions {
        profile: &profile,
        dry_run,
        officer_id: None,
        arrived_on: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        expected_expiry: &|i, b, _| expected(i, b),
    };
    import_bytes(&mut f.store, "m.csv", bytes, &opts)
}

/// Counts of the tables an import writes: nothing may change on a failed import.
fn counts(s: &Store) -> (i64, i64, i64, i64) {
    let q = |t: &str| {
        s.conn()
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    (
        q("cards"),
        q("shipments"),
        q("audit_events"),
        q("card_search"),
    )
}

fn errors_of(r: Result<ImportReport, ImportError>) -> Vec<kofu::store::import::ImportIssue> {
    match r {
        Err(ImportError::Invalid { errors, .. }) => errors,
        other => panic!("expected validation errors, got {other:?}"),
    }
}

#[test]
fn utf8_bom_and_cp932_files_import_the_same_cards() {
    let text = common::manifest(30, 0).replace("𠮷田", "吉田"); // CP932 cannot hold 𠮷
    let mut outputs = Vec::new();
    for (label, bytes) in [
        ("utf8", text.as_bytes().to_vec()),
        (
            "bom",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
        ("cp932", encoding_rs::SHIFT_JIS.encode(&text).0.into_owned()),
    ] {
        let mut f = fixture();
        let r = import(&mut f, &bytes, false, &no_rule).unwrap();
        assert_eq!(r.rows, 30, "{label}");
        let expected_enc = match label {
            "utf8" => "UTF-8",
            "bom" => "UTF-8 (BOM)",
            _ => "CP932",
        };
        assert_eq!(r.encoding, expected_enc);
        let cards = f
            .store
            .search_cards(&CardQuery::default())
            .unwrap()
            .into_iter()
            .map(|c| (c.card_id, c.name, c.kana, c.birth_date))
            .collect::<Vec<_>>();
        outputs.push(cards);
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
    assert_eq!(outputs[0][3].1, "髙橋　太郎");
}

#[test]
fn names_outside_the_bmp_and_with_ivs_round_trip_unchanged() {
    let ivs_name = "葛\u{E0100}城　一郎";
    let csv = format!(
        "{}\nA0000001,𠮷田　太郎,ﾖｼﾀﾞ ﾀﾛｳ,1990-04-02,2024-04-01,2028-04-02,,,,,,\nA0000002,{ivs_name},カツラギ イチロウ,S55.1.3,令和6年4月1日,2029-01-03,,,,,,\n",
        common::HEADER
    );
    let mut f = fixture();
    import(&mut f, csv.as_bytes(), false, &no_rule).unwrap();
    let a = f.store.card_by_card_id("A0000001").unwrap().unwrap();
    assert_eq!(a.name, "𠮷田　太郎");
    assert_eq!(a.kana, "ﾖｼﾀﾞ ﾀﾛｳ");
    let b = f.store.card_by_card_id("A0000002").unwrap().unwrap();
    assert_eq!(b.name, ivs_name);
    assert_eq!(b.name.chars().count(), 6);
    assert_eq!(b.issue_date, NaiveDate::from_ymd_opt(2024, 4, 1).unwrap());
    assert_eq!(b.birth_date, NaiveDate::from_ymd_opt(1980, 1, 3).unwrap());
}

#[test]
fn every_error_kind_is_reported_with_line_and_column_and_nothing_is_written() {
    let mut f = fixture();
    import(&mut f, common::manifest(3, 0).as_bytes(), false, &no_rule).unwrap();
    let before = counts(&f.store);
    let h = common::HEADER;
    // (file, expected code, line, column)
    let cases: Vec<(String, &str, u64, Option<usize>)> = vec![
        (String::new(), "empty_file", 1, None),
        (format!("{h},年齢\n"), "unknown_column", 1, Some(13)),
        (h.replace("フリガナ,", ""), "missing_column", 1, None),
        (format!("{h},氏名\n"), "duplicate_column", 1, Some(13)),
        (format!("{h}\n"), "no_rows", 2, None),
        (
            format!("{h}\nB0000001,,ヤマダ,1990-01-01,2025-01-01,2030-01-01,,,,,,\n"),
            "required",
            2,
            Some(2),
        ),
        (
            format!("{h}\nB0000001,山田,ヤマダ,1990-13-01,2025-01-01,2030-01-01,,,,,,\n"),
            "bad_date",
            2,
            Some(4),
        ),
        (
            format!("{h}\nB0000001,山田,ヤマダ,1990-01-01,2023-02-29,2030-01-01,,,,,,\n"),
            "bad_date",
            2,
            Some(5),
        ),
        (
            format!("{h}\nB0000001,山田,ヤマダ,1990-01-01,2025-01-01,2024-01-01,,,,,,\n"),
            "issue_after_expiry",
            2,
            Some(6),
        ),
        (
            format!("{h}\nB0000001,山田,ヤマダ,2026-01-01,2025-01-01,2030-01-01,,,,,,\n"),
            "birth_after_issue",
            2,
            Some(4),
        ),
        (
            format!("{h}\nB-01,山田,ヤマダ,1990-01-01,2025-01-01,2030-01-01,,,,,,\n"),
            "bad_card_id",
            2,
            Some(1),
        ),
        (
            format!(
                "{h}\nB0000001,山田,ヤマダ,1990-01-01,2025-01-01,2030-01-01,,,,,,\nB0000001,山田,ヤマダ,1990-01-01,2025-01-01,2030-01-01,,,,,,\n"
            ),
            "duplicate_in_file",
            3,
            Some(1),
        ),
        (
            format!("{h}\nT00000000001,山田,ヤマダ,1990-01-01,2025-01-01,2030-01-01,,,,,,\n"),
            "duplicate_in_db",
            2,
            Some(1),
        ),
        (
            format!("{h}\nB0000001,山田,ヤマダ,1990-01-01,2025-01-01,2030-01-01,,準会員,,,,\n"),
            "bad_membership",
            2,
            Some(8),
        ),
        (
            format!("{h}\nB0000001,山田,ヤマダ,1990-01-01,2025-01-01,2030-01-01,,,宅配,,,\n"),
            "bad_route",
            2,
            Some(9),
        ),
        (
            format!("{h}\nB0000001,山田,ヤマダ,1990-01-01,2025-01-01,2030-01-01,,,,XYZ,,\n"),
            "bad_serial",
            2,
            Some(10),
        ),
        (
            format!("{h}\nB0000001,山田,ヤマダ,1990-01-01\n"),
            "field_count",
            2,
            None,
        ),
    ];
    for (csv, code, line, column) in cases {
        let errs = errors_of(import(&mut f, csv.as_bytes(), false, &no_rule));
        let e = errs
            .iter()
            .find(|e| e.code == code)
            .unwrap_or_else(|| panic!("no {code} in {errs:?}"));
        assert_eq!((e.line, e.column), (line, column), "{code}: {e:?}");
        assert!(
            e.message.chars().any(|c| c > '\u{3000}'),
            "{code}: message must be Japanese: {}",
            e.message
        );
        assert_eq!(counts(&f.store), before, "{code} changed the database");
    }
}

#[test]
fn one_bad_row_among_many_writes_nothing_and_lists_every_error() {
    let mut f = fixture();
    let mut csv = common::manifest(200, 0);
    csv.push_str("X1,山田,ヤマダ,1990-01-01,2025-01-01,2030-01-01,,,,,,\n");
    csv.push_str("X2000000,山田,ヤマダ,1990-02-30,2025-01-01,2030-01-01,,,,,,\n");
    let errs = errors_of(import(&mut f, csv.as_bytes(), false, &no_rule));
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(errs[0].line, 202);
    assert_eq!(errs[1].line, 203);
    assert_eq!(counts(&f.store), (0, 0, 0, 0));
}

/// The cards go into the database many at a time: every card of two shipments that are not
/// a multiple of that batch lands in its own row, under its own search key, in file order, and
/// the ledger agrees with the tables.
#[test]
fn cards_of_two_large_shipments_are_each_found_by_their_own_key() {
    let mut f = fixture();
    import(&mut f, common::manifest(130, 0).as_bytes(), false, &no_rule).unwrap();
    import(
        &mut f,
        common::manifest(70, 130).as_bytes(),
        false,
        &no_rule,
    )
    .unwrap();
    assert_eq!(counts(&f.store), (200, 2, 2, 200));
    for i in [0usize, 1, 63, 64, 65, 127, 128, 129, 130, 131, 193, 199] {
        let card_id = format!("T{i:011}");
        let found = f
            .store
            .search_cards(&CardQuery {
                text: card_id.clone(),
                state: None,
                limit: 10,
            })
            .unwrap();
        assert_eq!(found.len(), 1, "{card_id}: {found:?}");
        assert_eq!(found[0].card_id, card_id);
        // The row's line in its file: line 1 is the header.
        let expected_line = if i < 130 { i + 2 } else { i - 130 + 2 };
        let line: i64 = f
            .store
            .conn()
            .query_row(
                "SELECT line_no FROM cards WHERE id = ?1",
                [found[0].id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(line as usize, expected_line, "{card_id}");
        let row = common::row(i);
        let name = row.split(',').nth(1).unwrap();
        assert_eq!(found[0].name, name, "{card_id}");
    }
    // Row ids follow the files' order.
    let ids: Vec<(i64, String)> = f
        .store
        .conn()
        .prepare("SELECT id, card_id FROM cards ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (n, (id, card_id)) in ids.iter().enumerate() {
        assert_eq!(*id, n as i64 + 1);
        assert_eq!(*card_id, format!("T{n:011}"));
    }
    let report = f.store.ledger_check().unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.cards, 200);
}

#[test]
fn reimporting_the_same_file_changes_nothing() {
    let mut f = fixture();
    let csv = common::manifest(10, 0);
    let first = import(&mut f, csv.as_bytes(), false, &no_rule).unwrap();
    assert!(!first.already_imported);
    let after_first = counts(&f.store);
    assert_eq!(after_first, (10, 1, 1, 10));
    let again = import(&mut f, csv.as_bytes(), false, &no_rule).unwrap();
    assert!(again.already_imported);
    assert_eq!(again.shipment_id, first.shipment_id);
    assert_eq!(counts(&f.store), after_first);
}

#[test]
fn dry_run_validates_and_writes_nothing() {
    let mut f = fixture();
    let r = import(&mut f, common::manifest(5, 0).as_bytes(), true, &no_rule).unwrap();
    assert_eq!(r.rows, 5);
    assert!(r.dry_run);
    assert_eq!(counts(&f.store), (0, 0, 0, 0));
}

#[test]
fn printed_expiry_that_disagrees_with_the_rule_is_a_warning_not_an_error() {
    let mut f = fixture();
    let csv = format!(
        "{}\nC0000001,山田　太郎,ヤマダ タロウ,1990-04-02,2024-04-01,2029-04-02,,,,,,\nC0000002,山田　花子,ヤマダ ハナコ,1990-04-02,2024-04-01,2028-04-02,,,,,,\n",
        common::HEADER
    );
    let r = import(&mut f, csv.as_bytes(), false, &rule).unwrap();
    assert_eq!(r.rows, 2);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].line, 2);
    assert_eq!(r.warnings[0].code, "expiry_differs");
    assert!(r.warnings[0].message.contains("2028-04-02"));
}

#[test]
fn import_writes_one_audit_event_that_holds_no_personal_data() {
    let mut f = fixture();
    let csv = common::manifest(5, 0);
    import(&mut f, csv.as_bytes(), false, &no_rule).unwrap();
    let events = kofu::store::audit::events(f.store.conn(), None).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "shipment_imported");
    for c in f.store.search_cards(&CardQuery::default()).unwrap() {
        assert!(!events[0].detail.contains(&c.name));
        assert!(!events[0].detail.contains(&c.birth_date.to_string()));
    }
    assert!(f.store.audit_verify().unwrap().ok());
}

#[test]
fn undecodable_bytes_are_refused_with_a_line() {
    let mut f = fixture();
    let mut bytes = common::manifest(3, 0).into_bytes();
    bytes.extend_from_slice(b"\xFF\xFE\xFD,\x80\n");
    match import(&mut f, &bytes, false, &no_rule) {
        Err(ImportError::Decode(m)) => assert!(m.contains("文字コード"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(counts(&f.store), (0, 0, 0, 0));
}

/// 発行区分 and 旧有効期限 feed the renewal rule: a 更新 issued less than 3 months before the old
/// card's expiry runs to the 6th birthday (data/rules.toml [renewal], 未確認), so a printed 6th
/// birthday is no warning there, while the same date on a 新規 card is; bad values are errors
/// naming the column, and nothing is written.
#[test]
fn issue_type_and_previous_expiry_feed_the_renewal_rule() {
    let mut f = fixture();
    let header = format!("{},発行区分,旧有効期限", common::HEADER);
    let csv = format!(
        "{header}\nR0000001,山田　太郎,ヤマダ タロウ,1990-04-02,2029-01-03,2034-04-02,,,,,,,更新,2029-04-02\n\
         R0000002,山田　花子,ヤマダ ハナコ,1990-04-02,2029-01-03,2034-04-02,,,,,,,新規,\n\
         R0000003,山田　次郎,ヤマダ ジロウ,1990-04-02,2029-01-03,2033-04-02,,,,,,,,\n"
    );
    let data = f.data.clone();
    let profile = data.profile("default").unwrap().clone();
    let expected = |i, b, ctx: &_| kofu::cli::import::data_expiry(&data, i, b, ctx);
    let opts = ImportOptions {
        profile: &profile,
        dry_run: false,
        officer_id: None,
        arrived_on: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        expected_expiry: &expected,
    };
    let r = import_bytes(&mut f.store, "m.csv", csv.as_bytes(), &opts).unwrap();
    assert_eq!(r.rows, 3);
    let lines: Vec<u64> = r.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [3], "{:?}", r.warnings);
    let card = f.store.card_by_card_id("R0000001").unwrap().unwrap();
    assert_eq!(
        card.issue_type,
        Some(kofu::domain::expiry::IssueType::Renewal)
    );
    assert_eq!(card.previous_expiry, NaiveDate::from_ymd_opt(2029, 4, 2));
    let plain = f.store.card_by_card_id("R0000003").unwrap().unwrap();
    assert_eq!((plain.issue_type, plain.previous_expiry), (None, None));

    let bad = format!(
        "{header}\nR0000004,山田　三郎,ヤマダ サブロウ,1990-04-02,2029-01-03,2034-04-02,,,,,,,延長,2029-13-01\n"
    );
    let errs = errors_of(import_bytes(&mut f.store, "bad.csv", bad.as_bytes(), &opts));
    let codes: Vec<(&str, Option<String>)> = errs
        .iter()
        .map(|e| (e.code, e.column_name.clone()))
        .collect();
    assert_eq!(
        codes,
        [
            ("bad_issue_type", Some("発行区分".to_string())),
            ("bad_date", Some("旧有効期限".to_string()))
        ]
    );
    assert!(errs[0].message.contains("「延長」"), "{:?}", errs[0]);
    assert!(f.store.card_by_card_id("R0000004").unwrap().is_none());
}

#[test]
fn shipments_other_than_a_given_file_are_counted() {
    let mut f = fixture();
    let csv = common::manifest(3, 0);
    import(&mut f, csv.as_bytes(), false, &no_rule).unwrap();
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(csv.as_bytes()));
    assert_eq!(f.store.count_shipments_except(&hash).unwrap(), 0);
    assert_eq!(f.store.count_shipments_except("demo").unwrap(), 1);
}
