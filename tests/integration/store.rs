//! Store behaviour on real SQLite files: migrations, pragmas, permissions, handovers, corrections,
//! officers and the audit chain.

use crate::support::common;

use chrono::NaiveDate;
use kofu::domain::CardState;
use kofu::domain::ReceiptStatus;
use kofu::domain::handover::{HandoverCommit, HandoverRoute, QrHandover};
use kofu::store::import::{ImportOptions, import_bytes};
use kofu::store::migrations;
use kofu::store::{CardQuery, Store, StoreError};
use rusqlite::Connection;

fn store_with(n: usize, qr: bool) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("kofu.db"), &common::clock()).unwrap();
    let data = kofu::data::DataSet::load(Some(&dir.path().join("none"))).unwrap();
    let mut csv = common::manifest(n, 0);
    if qr {
        csv.push_str("Q0000001,山田　太郎,ヤマダ タロウ,1990-04-02,2024-04-01,2028-04-02,,,,,,KOFU-DEMO-QR-SECRET\n");
    }
    let none = |_: NaiveDate, _: NaiveDate, _: &kofu::domain::expiry::IssueContext| None;
    import_bytes(
        &mut store,
        "m.csv",
        csv.as_bytes(),
        &ImportOptions {
            profile: data.profile("default").unwrap(),
            dry_run: false,
            officer_id: None,
            arrived_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            expected_expiry: &none,
        },
    )
    .unwrap();
    (dir, store)
}

fn commit(card: i64, route: HandoverRoute, result: &str) -> HandoverCommit {
    HandoverCommit {
        card,
        route,
        id_documents: vec!["drivers_license".into()],
        photo_checked: true,
        details_confirmed: true,
        match_result: result.into(),
        match_reasons: vec![],
        officer_note: None,
        exception: false,
        qr: QrHandover::PrintedSheet,
        cert_serial_read: Some("01ab".into()),
        confirmation: None,
    }
}

#[test]
fn every_migration_applies_to_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::File::create(&path).unwrap();
    for upto in 1..=migrations::latest() {
        let mut c = Connection::open(dir.path().join(format!("v{upto}.db"))).unwrap();
        for (i, sql) in migrations::MIGRATIONS
            .iter()
            .take(upto as usize)
            .enumerate()
        {
            c.execute_batch(sql).unwrap();
            c.pragma_update(None, "user_version", (i + 1) as u32)
                .unwrap();
        }
        // And the migrator brings a partly migrated file to the latest version.
        assert_eq!(migrations::migrate(&mut c).unwrap(), migrations::latest());
    }
    let s = Store::open(&path, &common::clock()).unwrap();
    assert_eq!(s.schema_version().unwrap(), migrations::latest());
    let mode: String = s
        .conn()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = s
        .conn()
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = s
        .conn()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn a_database_from_a_newer_kofu_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let c = Connection::open(&path).unwrap();
    c.pragma_update(None, "user_version", 999).unwrap();
    drop(c);
    match Store::open(&path, &common::clock()) {
        Err(e @ StoreError::TooNew { .. }) => assert!(e.to_string().contains("新しい版")),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("opened a newer schema"),
    }
}

/// What reaches the app: a desk rule's "no" is a refusal, a broken or foreign database file a
/// fault, each with the store's own Japanese message.
#[test]
fn store_errors_reach_the_app_as_refusals_or_faults() {
    use kofu::domain::failure::{Failure, FailureKind};
    let (_d, mut s) = store_with(2, false);
    let card = s.card_by_card_id("T00000000001").unwrap().unwrap();
    let refused = s.clear_hold(card.id, None).expect_err("no hold to clear");
    let text = refused.to_string();
    let f = Failure::from(refused);
    assert_eq!((f.kind, f.message), (FailureKind::Refused, text));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.db");
    std::fs::write(&path, b"this is not an SQLite database, but a text file").unwrap();
    let broken = Store::open(&path, &common::clock())
        .err()
        .expect("garbage opened");
    let text = broken.to_string();
    let f = Failure::from(broken);
    assert_eq!((f.kind, f.message), (FailureKind::Fault, text));
}

#[cfg(unix)]
#[test]
fn database_is_created_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("kofu.db");
    let _s = Store::open(&path, &common::clock()).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn handover_is_committed_once_with_its_audit_event() {
    let (_d, mut s) = store_with(5, false);
    let card = s.card_by_card_id("T00000000001").unwrap().unwrap();
    let after = s
        .commit_handover(
            &commit(card.id, HandoverRoute::CounterWithReceipt, "match"),
            None,
        )
        .unwrap();
    assert_eq!(after.state, CardState::HandedOver);
    assert_eq!(after.receipt, Some(ReceiptStatus::Captured));
    let err = s
        .commit_handover(
            &commit(card.id, HandoverRoute::CounterWithReceipt, "match"),
            None,
        )
        .unwrap_err();
    assert!(err.to_string().contains("既に交付済み"), "{err}");
    let events = kofu::store::audit::events(s.conn(), None).unwrap();
    assert_eq!(events.last().unwrap().kind, "handed_over");
    assert_eq!(events.last().unwrap().card_row, Some(card.id));
    assert!(s.audit_verify().unwrap().ok());
}

#[test]
fn postcard_and_mail_routes_set_the_receipt_status() {
    let (_d, mut s) = store_with(5, false);
    let a = s.card_by_card_id("T00000000001").unwrap().unwrap();
    let b = s.card_by_card_id("T00000000002").unwrap().unwrap();
    let a = s
        .commit_handover(
            &commit(a.id, HandoverRoute::CounterWithPostcard, "match"),
            None,
        )
        .unwrap();
    assert_eq!(a.receipt, Some(ReceiptStatus::NotRequiredPostcard));
    let mail = HandoverRoute::Mail {
        dispatch_date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        tracking_no: "１２３４-５６７８-９０１２".into(),
    };
    let b = s
        .commit_handover(&commit(b.id, mail, "match"), None)
        .unwrap();
    assert_eq!(b.state, CardState::Mailed);
    assert_eq!(b.receipt, Some(ReceiptStatus::NotRequiredMail));
    let stored: String = s
        .conn()
        .query_row(
            "SELECT tracking_no FROM handovers WHERE card_row = ?1",
            [b.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "123456789012");
}

#[test]
fn invalid_tracking_numbers_and_unconfirmed_mismatches_are_refused_without_writing() {
    let (_d, mut s) = store_with(3, false);
    let a = s.card_by_card_id("T00000000001").unwrap().unwrap();
    let events_before = kofu::store::audit::events(s.conn(), None).unwrap().len();
    for (tracking, msg) in [
        ("12345", "11〜13桁"),
        ("ｱｲｳｴｵ12345678", "IMEをオフ"),
        ("abc", "数字"),
    ] {
        let mail = HandoverRoute::Mail {
            dispatch_date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            tracking_no: tracking.into(),
        };
        let err = s
            .commit_handover(&commit(a.id, mail, "match"), None)
            .unwrap_err();
        assert!(err.to_string().contains(msg), "{tracking}: {err}");
    }
    let err = s
        .commit_handover(
            &commit(a.id, HandoverRoute::CounterWithReceipt, "mismatch"),
            None,
        )
        .unwrap_err();
    assert!(err.to_string().contains("一致しない"), "{err}");
    let err = s
        .commit_handover(
            &commit(a.id, HandoverRoute::CounterWithReceipt, "near_match"),
            None,
        )
        .unwrap_err();
    assert!(err.to_string().contains("確認理由"), "{err}");
    assert_eq!(s.card(a.id).unwrap().unwrap().state, CardState::Awaiting);
    assert_eq!(
        kofu::store::audit::events(s.conn(), None).unwrap().len(),
        events_before
    );
}

#[test]
fn registration_qr_is_erased_at_handover_and_only_its_fingerprint_stays() {
    let (_d, mut s) = store_with(2, true);
    let c = s.card_by_card_id("Q0000001").unwrap().unwrap();
    assert!(c.has_registration_qr);
    assert_eq!(
        s.registration_qr(c.id).unwrap().as_deref(),
        Some("KOFU-DEMO-QR-SECRET")
    );
    let mut h = commit(c.id, HandoverRoute::CounterWithReceipt, "match");
    h.qr = QrHandover::ShownOnScreen;
    let after = s.commit_handover(&h, None).unwrap();
    assert!(!after.has_registration_qr);
    assert_eq!(s.registration_qr(c.id).unwrap(), None);
    let ev = kofu::store::audit::events(s.conn(), None).unwrap();
    let last = ev.last().unwrap();
    assert!(!last.detail.contains("KOFU-DEMO-QR-SECRET"));
    use sha2::Digest;
    let fp = hex::encode(sha2::Sha256::digest(b"KOFU-DEMO-QR-SECRET"));
    assert!(last.detail.contains(&fp), "{}", last.detail);
}

#[test]
fn correction_returns_the_card_to_the_desk_and_keeps_the_history() {
    let (_d, mut s) = store_with(3, false);
    let c = s.card_by_card_id("T00000000002").unwrap().unwrap();
    let err = s.cancel_handover(c.id, "誤操作", None).unwrap_err();
    assert!(err.to_string().contains("できません"), "{err}");
    s.commit_handover(
        &commit(c.id, HandoverRoute::CounterWithReceipt, "match"),
        None,
    )
    .unwrap();
    assert!(s.cancel_handover(c.id, "  ", None).is_err());
    let back = s.cancel_handover(c.id, "別の方に誤って記録", None).unwrap();
    assert_eq!(back.state, CardState::Awaiting);
    assert_eq!(back.receipt, None);
    let (handovers, corrections): (i64, i64) = s
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM handovers), (SELECT count(*) FROM handover_corrections)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((handovers, corrections), (1, 1));
    // It can be handed over again, properly.
    s.commit_handover(
        &commit(c.id, HandoverRoute::CounterWithPostcard, "match"),
        None,
    )
    .unwrap();
    let kinds: Vec<String> = kofu::store::audit::events(s.conn(), None)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "shipment_imported",
            "handed_over",
            "handover_cancelled",
            "handed_over"
        ]
    );
    assert!(s.audit_verify().unwrap().ok());
}

#[test]
fn officers_are_added_disabled_and_kept() {
    let (_d, mut s) = store_with(1, false);
    let a = s.add_officer("窓口 一郎").unwrap();
    assert!(s.add_officer("窓口 一郎").is_err());
    assert!(s.add_officer("  ").is_err());
    s.add_officer("窓口 二郎").unwrap();
    s.set_officer_active(a.id, false).unwrap();
    let active: Vec<String> = s
        .officers(false)
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(active, ["窓口 二郎"]);
    assert_eq!(s.officers(true).unwrap().len(), 2);
}

#[test]
fn search_by_card_id_birth_date_and_state() {
    let (_d, mut s) = store_with(50, false);
    let q = |text: &str, state| CardQuery {
        text: text.into(),
        state,
        limit: 0,
    };
    assert_eq!(s.search_cards(&q("t00000000007", None)).unwrap().len(), 1);
    let c = s.card_by_card_id("T00000000007").unwrap().unwrap();
    let by_birth = s
        .search_cards(&q(&c.birth_date.format("%Y/%m/%d").to_string(), None))
        .unwrap();
    assert!(by_birth.iter().any(|x| x.id == c.id));
    assert!(by_birth.iter().all(|x| x.birth_date == c.birth_date));
    s.commit_handover(
        &commit(c.id, HandoverRoute::CounterWithReceipt, "match"),
        None,
    )
    .unwrap();
    assert_eq!(
        s.search_cards(&q("", Some(CardState::HandedOver)))
            .unwrap()
            .len(),
        1
    );
    let counts = s.state_counts().unwrap();
    assert_eq!(counts[0], (CardState::Awaiting, 49));
    assert_eq!(counts[1], (CardState::HandedOver, 1));
    let limited = s
        .search_cards(&CardQuery {
            text: String::new(),
            state: None,
            limit: 10,
        })
        .unwrap();
    assert_eq!(limited.len(), 10);
}

#[test]
fn search_folds_kana_width_variant_kanji_and_romaji_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("kofu.db"), &common::clock()).unwrap();
    let data = kofu::data::DataSet::load(Some(&dir.path().join("none"))).unwrap();
    let csv = format!(
        "{}\nV0000001,髙橋　花子,ﾀｶﾊｼ ﾊﾅｺ,1980-05-05,2025-01-10,2030-05-05,Hanako Takahashi,,,,,\nV0000002,𠮷田　太郎,よしだ たろう,1975-07-07,2025-01-10,2030-07-07,,,,,,\nV0000003,神楽坂　三十四,カグラザカ サンジュウシ,1970-03-04,2025-01-10,2030-03-04,Sanjushi Kagurazaka,,,,,\nV0000004,斎藤　一,サイトウ ハジメ,1971-03-04,2025-01-10,2030-03-04,Hajime Saito,,,,,\nV0000005,大豆生田　健,オオマメウダ ケン,1972-03-04,2025-01-10,2030-03-04,,,,,,\n",
        common::HEADER
    );
    let none = |_: NaiveDate, _: NaiveDate, _: &kofu::domain::expiry::IssueContext| None;
    import_bytes(
        &mut store,
        "v.csv",
        csv.as_bytes(),
        &ImportOptions {
            profile: data.profile("default").unwrap(),
            dry_run: false,
            officer_id: None,
            arrived_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            expected_expiry: &none,
        },
    )
    .unwrap();
    let ids = |text: &str| -> Vec<String> {
        store
            .search_cards(&CardQuery {
                text: text.into(),
                state: None,
                limit: 0,
            })
            .unwrap()
            .into_iter()
            .map(|c| c.card_id)
            .collect()
    };
    assert_eq!(ids("高橋"), ["V0000001"]);
    assert_eq!(ids("たかはし"), ["V0000001"]);
    assert_eq!(ids("タカハシハナコ"), ["V0000001"]);
    assert_eq!(ids("ﾀｶﾊｼ"), ["V0000001"]);
    assert_eq!(ids("吉田"), ["V0000002"]);
    assert_eq!(ids("𠮷田"), ["V0000002"]);
    assert_eq!(ids("ヨシダ"), ["V0000002"]);
    assert_eq!(ids("kagurazaka sanjushi"), ["V0000003"]);
    assert_eq!(ids("KAGURAZAKA"), ["V0000003"]);
    assert_eq!(ids("1980/5/5"), ["V0000001"]);
    assert_eq!(ids("S50.7.7"), ["V0000002"]);
    assert!(ids("別人").is_empty());
    // Issue 11: romaji typed as an IME user types it, against the printed romaji and against
    // the kana reading (V0000002 has no romaji in the list).
    assert_eq!(ids("hanako"), ["V0000001"]);
    assert_eq!(ids("tarou"), ["V0000002"]);
    assert_eq!(ids("yoshida tarou"), ["V0000002"]);
    assert_eq!(ids("sanjuushi"), ["V0000003"]);
    assert_eq!(ids("saitou"), ["V0000004"]);
    assert_eq!(ids("oomameuda"), ["V0000005"]);
    assert_eq!(ids("omameuda"), ["V0000005"]);
    // The stored name is untouched by the folding.
    assert_eq!(
        store.card_by_card_id("V0000002").unwrap().unwrap().name,
        "𠮷田　太郎"
    );
}

#[test]
fn search_with_a_rare_state_walks_every_chunk_and_keeps_row_order() {
    let (_d, mut s) = store_with(1500, false);
    let late: Vec<i64> = (1400..1410)
        .map(|i| s.card_by_card_id(&format!("T{i:011}")).unwrap().unwrap().id)
        .collect();
    for id in &late {
        s.commit_handover(
            &commit(*id, HandoverRoute::CounterWithReceipt, "match"),
            None,
        )
        .unwrap();
    }
    let q = |state, limit| CardQuery {
        text: "t0000000".into(),
        state,
        limit,
    };
    let ids =
        |v: Vec<kofu::domain::record::CardRecord>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s
            .search_cards(&q(Some(CardState::HandedOver), 200))
            .unwrap()),
        late
    );
    assert_eq!(
        ids(s.search_cards(&q(Some(CardState::HandedOver), 3)).unwrap()),
        late[..3]
    );
    let all = ids(s.search_cards(&q(None, 0)).unwrap());
    assert_eq!(all.len(), 1500);
    assert!(all.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        s.search_cards(&q(Some(CardState::Awaiting), 0))
            .unwrap()
            .len(),
        1490
    );
    // A card imported after the first search is found: the in-memory keys grow.
    let find = |s: &Store| {
        s.search_cards(&CardQuery {
            text: "ｸﾞﾗﾝﾄﾞ".into(),
            state: None,
            limit: 0,
        })
        .unwrap()
        .len()
    };
    assert_eq!(find(&s), 0);
    let data = kofu::data::DataSet::load(Some(std::path::Path::new("/nonexistent"))).unwrap();
    let none = |_: NaiveDate, _: NaiveDate, _: &kofu::domain::expiry::IssueContext| None;
    let csv = format!(
        "{}\nG0000001,大地　太郎,グランド タロウ,1990-04-02,2024-04-01,2028-04-02,,,,,,\n",
        common::HEADER
    );
    import_bytes(
        &mut s,
        "g.csv",
        csv.as_bytes(),
        &ImportOptions {
            profile: data.profile("default").unwrap(),
            dry_run: false,
            officer_id: None,
            arrived_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            expected_expiry: &none,
        },
    )
    .unwrap();
    assert_eq!(find(&s), 1);
}

#[test]
fn search_keys_are_rebuilt_when_the_key_rules_change() {
    let (dir, s) = store_with(5, false);
    let path = s.path().to_path_buf();
    drop(s);
    // As if the keys had been made by an older table (髙 not folded) under another fingerprint.
    let c = Connection::open(&path).unwrap();
    c.execute_batch(
        "UPDATE card_search SET key = replace(key, '高', '髙');
         UPDATE meta SET value = 'older' WHERE key = 'search_key_fingerprint';",
    )
    .unwrap();
    drop(c);
    let s = Store::open(&path, &common::clock()).unwrap();
    let q = CardQuery {
        text: "高橋".into(),
        state: None,
        limit: 0,
    };
    assert_eq!(s.search_cards(&q).unwrap().len(), 1, "keys rebuilt at open");
    let events = kofu::store::audit::events(s.conn(), None).unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.kind, "search_keys_rebuilt");
    assert!(last.detail.contains("\"changed\":1"), "{}", last.detail);
    assert!(s.audit_verify().unwrap().ok());
    drop(s);
    // Opening again changes nothing more.
    let s = Store::open(&path, &common::clock()).unwrap();
    assert_eq!(
        kofu::store::audit::events(s.conn(), None).unwrap().len(),
        events.len()
    );
    drop(dir);
}
