//! The ledger (issue 12): the state tables are a fold of the audit events. Each test changes a
//! database behind kofu's back, as `sqlite3 kofu.db` would, and checks what `kofu db check` and
//! `kofu restore` say — the same checks a desk officer runs.

use std::path::Path;

use kofu::domain::handover::{Confirmation, HandoverRoute};
use kofu::domain::ledger::replay;
use kofu::store::Store;
use kofu::store::ledger::{ledger_events, observed_state};
use predicates::prelude::*;

use crate::support::common::kofu;
use crate::support::ledger::*;
use crate::support::office::*;

fn row_of(db: &Path, i: usize) -> i64 {
    sqlite3(db)
        .query_row("SELECT id FROM cards WHERE card_id = ?1", [id(i)], |r| {
            r.get(0)
        })
        .unwrap()
}

/// `kofu db check` on `db`: (exit code, stdout, the JSON findings' codes).
fn db_check(db: &Path) -> (i32, String, Vec<String>) {
    let out = kofu(db).args(["db", "check"]).output().unwrap();
    let human = String::from_utf8_lossy(&out.stdout).to_string();
    let json = kofu(db).args(["db", "check", "--json"]).output().unwrap();
    assert_eq!(json.status.code(), out.status.code());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let codes = v["ledger"]["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    (out.status.code().unwrap_or(-1), human, codes)
}

fn assert_caught(db: &Path, code: &str, line: &str) {
    let (exit, human, codes) = db_check(db);
    assert_eq!(exit, 1, "db check passed:\n{human}");
    assert!(codes.iter().any(|c| c == code), "{codes:?}\n{human}");
    assert!(human.contains(line), "want 「{line}」 in:\n{human}");
}

fn fresh() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = history_db(dir.path());
    (dir, db)
}

#[test]
fn an_untouched_history_passes_and_replay_equals_the_tables() {
    let (_dir, db) = fresh();
    let (exit, human, codes) = db_check(&db);
    assert_eq!(exit, 0, "{human}");
    assert!(codes.is_empty());
    assert!(human.contains("台帳: 正常"), "{human}");
    // No check is unsupported on a database that always had the ledger.
    assert!(!human.contains("台帳（参考）"), "{human}");
    let s = Store::open(&db, &clock()).unwrap();
    let replayed = replay(&ledger_events(s.conn()).unwrap());
    let observed = observed_state(s.conn()).unwrap();
    assert_eq!(replayed.state.cards, observed.cards);
    assert_eq!(replayed.state.handovers, observed.handovers);
    assert_eq!(replayed.state.batches, observed.batches);
    assert_eq!(replayed.state.officers, observed.officers);
}

#[test]
fn a_state_update_on_cards_is_caught_with_the_card_id_and_field() {
    let (_dir, db) = fresh();
    sqlite3(&db)
        .execute(
            "UPDATE cards SET state = 'handed_over', receipt = 'captured' WHERE card_id = ?1",
            [id(AWAITING)],
        )
        .unwrap();
    assert_caught(
        &db,
        "card_state",
        &format!(
            "カード {}: 状態が台帳と違います（台帳: 交付待ち / 表: 交付済）",
            id(AWAITING)
        ),
    );
    assert_caught(&db, "card_receipt", "受領書が台帳と違います");
    // `audit verify` alone still says the chain is fine: the chain is not the ledger.
    kofu(&db).args(["audit", "verify"]).assert().success();
}

#[test]
fn a_changed_name_or_birth_date_is_caught_without_either_in_the_events() {
    let (_dir, db) = fresh();
    sqlite3(&db)
        .execute(
            "UPDATE cards SET birth_date = '1960-01-01' WHERE card_id = ?1",
            [id(AWAITING)],
        )
        .unwrap();
    assert_caught(&db, "card_identity", "氏名・生年月日などが台帳と違います");
    let s = Store::open(&db, &clock()).unwrap();
    for e in s.audit_events().unwrap() {
        assert!(!e.detail.contains("山田"), "{}", e.detail);
        assert!(!e.detail.contains("1950-01-01"), "{}", e.detail);
        assert!(
            !e.detail.contains("123456789012"),
            "tracking no: {}",
            e.detail
        );
    }
}

#[test]
fn a_deleted_or_inserted_handover_row_is_caught() {
    let (_dir, db) = fresh();
    let pending = row_of(&db, RECEIPT_PENDING);
    sqlite3(&db)
        .execute("DELETE FROM handovers WHERE card_row = ?1", [pending])
        .unwrap();
    assert_caught(&db, "handover_missing", "台帳にある記録が表にありません");

    let (_dir2, db) = fresh();
    let awaiting = row_of(&db, AWAITING);
    sqlite3(&db)
        .execute(
            "INSERT INTO handovers (card_row, at, route, id_documents, photo_checked,
                details_confirmed, match_result, match_reasons, exception, qr)
             VALUES (?1, '2026-11-25T10:00:00+09:00', 'counter_postcard', '[]', 1, 1, 'match', '[]', 0, 'printed_sheet')",
            [awaiting],
        )
        .unwrap();
    assert_caught(
        &db,
        "handover_not_in_ledger",
        &format!(
            "（カード {}）: 表にある記録が台帳にありません",
            id(AWAITING)
        ),
    );
}

#[test]
fn a_changed_handover_route_or_receipt_status_is_caught() {
    let (_dir, db) = fresh();
    let r = row_of(&db, RECEIPT_PENDING);
    sqlite3(&db)
        .execute(
            "UPDATE handovers SET route = 'counter_postcard' WHERE card_row = ?1",
            [r],
        )
        .unwrap();
    assert_caught(&db, "handover_route", "交付方法が台帳と違います");

    let (_dir2, db) = fresh();
    sqlite3(&db)
        .execute(
            "UPDATE cards SET receipt = 'not_required_postcard' WHERE card_id = ?1",
            [id(RECEIPT_PENDING)],
        )
        .unwrap();
    assert_caught(
        &db,
        "card_receipt",
        &format!(
            "カード {}: 受領書が台帳と違います（台帳: 受領書回収済（未返送） / 表: 不要（はがき提出））",
            id(RECEIPT_PENDING)
        ),
    );
}

#[test]
fn a_receipt_moved_between_batches_or_a_batch_sent_by_hand_is_caught() {
    let (_dir, db) = fresh();
    let r = row_of(&db, RECEIPT_OPEN);
    let c = sqlite3(&db);
    let (sent_id, open_id): (i64, i64) = c
        .query_row(
            "SELECT (SELECT id FROM return_batches WHERE kind = 'receipts' AND status = 'sent'),
                    (SELECT id FROM return_batches WHERE kind = 'receipts' AND status = 'open')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    c.execute(
        "UPDATE return_batch_items SET batch_id = ?1 WHERE batch_id = ?2 AND card_row = ?3",
        [sent_id, open_id, r],
    )
    .unwrap();
    drop(c);
    assert_caught(&db, "batch_items", "中身が台帳と違います");

    let (_dir2, db) = fresh();
    sqlite3(&db)
        .execute(
            "UPDATE return_batches SET status = 'sent', sent_on = '2026-11-25' WHERE status = 'open'",
            [],
        )
        .unwrap();
    assert_caught(
        &db,
        "batch_status",
        "状態が台帳と違います（台帳: 未送付 / 表: 送付済）",
    );
}

#[test]
fn a_deleted_officer_and_a_dropped_table_are_caught() {
    let (_dir, db) = fresh();
    sqlite3(&db)
        .execute("DELETE FROM officers WHERE name = '退職C'", [])
        .unwrap();
    assert_caught(&db, "officer_missing", "担当者 ");

    for table in ["appointments", "uncollected_holds", "handovers", "officers"] {
        let (_dir2, db) = fresh();
        sqlite3(&db)
            .execute_batch(&format!("DROP TABLE {table};"))
            .unwrap();
        assert_caught(&db, "table_missing", &format!("表 {table}: 表がありません"));
    }
}

#[test]
fn a_changed_event_and_removed_newest_events_are_caught() {
    let (_dir, db) = fresh();
    let c = sqlite3(&db);
    c.execute_batch("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;")
        .unwrap();
    let head: String = c
        .query_row(
            "SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // The newest event is the resolution of the failed arrival check: remove it and the row.
    c.execute_batch(
        "DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events);
         DELETE FROM arrival_resolutions;",
    )
    .unwrap();
    drop(c);
    let out = kofu(&db)
        .args(["db", "check", "--expect-head", &head[..16]])
        .assert()
        .code(1);
    assert!(
        String::from_utf8_lossy(&out.get_output().stdout).contains("先頭ハッシュと一致しません")
    );
    // Removing the event alone (the row kept) is a ledger finding even without the head.
    let (_dir2, db) = fresh();
    let c = sqlite3(&db);
    c.execute_batch(
        "DROP TRIGGER audit_events_no_delete;
         DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events);",
    )
    .unwrap();
    drop(c);
    assert_caught(&db, "arrival_resolved", "解決が台帳と違います");

    let (_dir3, db) = fresh();
    let c = sqlite3(&db);
    c.execute_batch(
        "DROP TRIGGER audit_events_no_update;
         UPDATE audit_events SET detail = replace(detail, 'captured', 'not_required_postcard')
         WHERE kind = 'handed_over';",
    )
    .unwrap();
    drop(c);
    let (exit, human, _) = db_check(&db);
    assert_eq!(exit, 1);
    assert!(human.contains("監査ログ: 異常"), "{human}");
}

#[test]
fn restore_refuses_a_tampered_backup_and_leaves_the_live_file_byte_identical() {
    let tampers: &[(&str, &str)] = &[
        (
            "UPDATE cards SET state = 'handed_over' WHERE card_id = 'T00000000009'",
            "状態が台帳と違います",
        ),
        (
            "DELETE FROM handovers WHERE id = (SELECT max(id) FROM handovers)",
            "台帳にある記録が表にありません",
        ),
        (
            "UPDATE handovers SET route = 'counter_postcard' WHERE route = 'counter_receipt'",
            "交付方法",
        ),
        (
            "UPDATE return_batches SET status = 'sent' WHERE status = 'open'",
            "状態が台帳と違います",
        ),
        ("DELETE FROM officers WHERE name = '退職C'", "担当者"),
        ("DROP TABLE appointments", "表がありません"),
    ];
    let (dir, live) = fresh();
    // Fold the WAL in so the live file's bytes are the whole database.
    sqlite3(&live)
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let before = file_sha256(&live);
    for (n, (sql, why)) in tampers.iter().enumerate() {
        let backup = dir.path().join(format!("b{n}.db"));
        kofu(&live).arg("backup").arg(&backup).assert().success();
        sqlite3(&backup).execute_batch(sql).unwrap();
        let out = kofu(&live).arg("restore").arg(&backup).assert().code(1);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains("台帳") && err.contains(why), "{sql}: {err}");
        assert_eq!(file_sha256(&live), before, "{sql}: the live file changed");
    }
    // An untouched backup is accepted.
    let good = dir.path().join("good.db");
    kofu(&live).arg("backup").arg(&good).assert().success();
    kofu(&live).arg("restore").arg(&good).assert().success();
    kofu(&live).args(["db", "check"]).assert().success();
}

/// A schema-4 database written the way kofu wrote it before the ledger (an import event with
/// no card list, a handover event without digests), then opened by this kofu.
#[test]
fn an_old_database_is_migrated_and_says_which_checks_its_events_cannot_support() {
    use kofu::store::{audit, migrations};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kofu.db");
    {
        let mut c = rusqlite::Connection::open(&db).unwrap();
        for (i, sql) in migrations::MIGRATIONS.iter().enumerate().take(4) {
            c.execute_batch(sql).unwrap();
            c.pragma_update(None, "user_version", (i + 1) as u32)
                .unwrap();
        }
        let tx = c.transaction().unwrap();
        tx.execute_batch(
            "INSERT INTO shipments (id, imported_at, arrived_on, file_name, file_sha256, profile, row_count)
               VALUES (1, '2026-11-01T10:00:00+09:00', '2026-11-01', 'm.csv', 'ab', 'default', 2);
             INSERT INTO cards (id, card_id, shipment_id, line_no, name, kana, birth_date, issue_date,
                 expiry_date, arrived_on, updated_at, state, receipt)
               VALUES (1, 'T00000000001', 1, 2, '山田　太郎', 'ヤマダ タロウ', '1980-01-02', '2025-01-01',
                 '2030-01-02', '2026-11-01', '2026-11-01T10:00:00+09:00', 'handed_over', 'captured'),
                      (2, 'T00000000002', 1, 3, '佐藤　花子', 'サトウ ハナコ', '1981-02-03', '2025-01-01',
                 '2030-02-03', '2026-11-01', '2026-11-01T10:00:00+09:00', 'awaiting', NULL);
             INSERT INTO card_search (card_row, key) VALUES (1, 'x'), (2, 'y');
             INSERT INTO handovers (id, card_row, at, route, id_documents, photo_checked, details_confirmed,
                 match_result, match_reasons, exception, qr)
               VALUES (1, 1, '2026-11-02T10:00:00+09:00', 'counter_receipt', '[]', 1, 1, 'match', '[]', 0, 'printed_sheet');",
        )
        .unwrap();
        let clock = clock();
        for (kind, row, detail) in [
            (
                "shipment_imported",
                None,
                serde_json::json!({"shipment_id": 1, "file_sha256": "ab", "rows": 2, "profile": "default", "with_registration_qr": 0}),
            ),
            (
                "handed_over",
                Some(1),
                serde_json::json!({"handover_id": 1, "card_id": "T00000000001", "route": "counter_receipt",
                    "receipt": "captured", "match": "match", "exception": false, "id_documents": [],
                    "qr": "printed_sheet", "qr_sha256": null, "from": "awaiting", "to": "handed_over"}),
            ),
        ] {
            audit::append(
                &tx,
                &clock,
                audit::NewEvent {
                    kind,
                    officer_id: None,
                    card_row: row,
                    detail,
                },
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let (exit, human, _) = db_check(&db);
    assert_eq!(exit, 0, "{human}");
    assert!(
        human.contains("台帳（参考）: カードの追加・削除の検出"),
        "{human}"
    );
    assert!(human.contains("台帳導入前のイベント 1 件では確認できません"));
    let v: serde_json::Value = serde_json::from_slice(
        &kofu(&db)
            .args(["db", "check", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["ledger"]["unsupported"][0]["code"], "card_set");
    // What the old events do hold is still checked: the state of both cards.
    sqlite3(&db)
        .execute("UPDATE cards SET state = 'returned' WHERE id = 2", [])
        .unwrap();
    assert_caught(
        &db,
        "card_state",
        "カード T00000000002: 状態が台帳と違います",
    );
}

#[test]
fn a_second_officers_confirmation_is_checked_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 4, today());
    let a = s.add_officer_with_passphrase("受付A", None).unwrap();
    let b = s
        .add_officer_with_passphrase("受付B", Some("kagi-1234"))
        .unwrap();
    let c = s.add_officer_with_passphrase("受付C", None).unwrap();
    s.set_officer_active(c.id, false).unwrap();
    let exception = |card: i64, by: i64, pass: Option<&str>| {
        let mut x = commit(card, HandoverRoute::CounterWithReceipt);
        x.match_result = "mismatch".into();
        x.exception = true;
        x.officer_note = Some("旧姓のまま発行、JMACAに確認済み".into());
        x.confirmation = Some(Confirmation {
            officer_id: by,
            passphrase: pass.map(str::to_string),
        });
        x
    };
    let r = card(&s, 0).id;
    for (by, pass, why) in [
        (a.id, None, "別の担当者"),
        (c.id, None, "無効化"),
        (b.id, None, "パスフレーズが違います"),
        (b.id, Some("nope"), "パスフレーズが違います"),
        (999, None, "登録されていません"),
    ] {
        let err = s
            .commit_handover(&exception(r, by, pass), Some(a.id))
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{err}");
    }
    assert_eq!(card(&s, 0).state, kofu::domain::CardState::Awaiting);
    s.commit_handover(&exception(r, b.id, Some("kagi-1234")), Some(a.id))
        .unwrap();
    let confirmed: Option<i64> = s
        .conn()
        .query_row(
            "SELECT confirmed_by FROM handovers WHERE card_row = ?1",
            [r],
            |x| x.get(0),
        )
        .unwrap();
    assert_eq!(confirmed, Some(b.id));
    let ev = s.audit_events().unwrap().pop().unwrap();
    let d: serde_json::Value = serde_json::from_str(&ev.detail).unwrap();
    assert_eq!(d["confirmed_by"], b.id);
    assert!(!ev.detail.contains("kagi"));
    assert!(s.ledger_check().unwrap().ok());
    // Changing who confirmed, behind kofu's back, is caught.
    s.conn()
        .execute("UPDATE handovers SET confirmed_by = ?1", [a.id])
        .unwrap();
    let f = s.ledger_check().unwrap().findings;
    assert_eq!(f[0].code, "handover_confirmed_by", "{f:?}");
}

#[test]
fn a_counter_read_that_ended_in_a_mismatch_is_an_audit_event_with_codes_only() {
    use kofu::domain::ledger::counter_read_codes;
    use kofu::domain::matching::match_identity;
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 2, today());
    let rec = card(&s, 0);
    let mut other = facts_for(&rec);
    other.name_kanji = Some("別人　次郎".into());
    let known = issuers();
    let outcome = match_identity(&rec, &other, None, &ctx(&known));
    let codes = counter_read_codes(&outcome);
    assert!(
        codes.contains(&"name_kanji_different".to_string()),
        "{codes:?}"
    );
    s.record_counter_read(rec.id, outcome.result.as_str(), &codes, None)
        .unwrap();
    let ev = s.audit_events().unwrap().pop().unwrap();
    assert_eq!(ev.kind, "counter_read");
    assert_eq!(ev.card_row, Some(rec.id));
    let d: serde_json::Value = serde_json::from_str(&ev.detail).unwrap();
    assert_eq!(d["card_id"], rec.card_id);
    assert_eq!(d["verdict"], "mismatch");
    assert!(!ev.detail.contains("別人") && !ev.detail.contains(&rec.name));
    // Only problems are recorded, and only as codes.
    assert!(s.record_counter_read(rec.id, "match", &[], None).is_err());
    assert!(
        s.record_counter_read(rec.id, "near_match", &["氏名が違う".into()], None)
            .is_err()
    );
    assert!(s.ledger_check().unwrap().ok());
}

/// Issue 11 #3: a handover abandoned at the idle lock is an audit event; the card stays as it
/// was and the ledger still agrees.
#[test]
fn an_abandoned_handover_is_an_audit_event_and_changes_no_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 2, today());
    let officer = s.add_officer("受付 一郎").unwrap().id;
    let rec = card(&s, 0);
    s.record_handover_abandoned(rec.id, Some(officer), "idle_lock_other_officer")
        .unwrap();
    let ev = s.audit_events().unwrap().pop().unwrap();
    assert_eq!(ev.kind, "handover_abandoned");
    assert_eq!(ev.card_row, Some(rec.id));
    assert_eq!(ev.officer_id, Some(officer));
    assert!(!ev.detail.contains(&rec.name));
    assert_eq!(card(&s, 0).state, rec.state);
    assert!(s.ledger_check().unwrap().ok());
    assert!(s.check().unwrap().ok());
}

#[test]
fn db_check_lists_every_disagreement_not_only_the_first() {
    let (_dir, db) = fresh();
    sqlite3(&db)
        .execute_batch(
            "UPDATE cards SET state = 'returned' WHERE card_id IN ('T00000000009', 'T00000000011');
             DELETE FROM appointments;",
        )
        .unwrap();
    let (exit, human, codes) = db_check(&db);
    assert_eq!(exit, 1);
    assert_eq!(
        codes
            .iter()
            .filter(|c| *c == "card_state" || *c == "appointment_missing")
            .count(),
        3,
        "{codes:?}"
    );
    assert!(human.contains("台帳: 不一致 3 件"), "{human}");
    kofu(&db)
        .args(["db", "check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("予約（カード T00000000007）"));
}

#[test]
fn a_mismatch_exception_without_a_second_officer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 2, today());
    let a = s.add_officer_with_passphrase("受付A", None).unwrap();
    let b = s.add_officer_with_passphrase("受付B", None).unwrap();
    let r = card(&s, 0).id;
    let mut x = commit(r, HandoverRoute::CounterWithReceipt);
    x.match_result = "mismatch".into();
    x.exception = true;
    x.officer_note = Some("旧姓のまま発行".into());
    let events = s.audit_events().unwrap().len();
    let err = s.commit_handover(&x, Some(a.id)).unwrap_err().to_string();
    assert!(err.contains("別の担当者の確認が必要"), "{err}");
    assert_eq!(s.audit_events().unwrap().len(), events);
    assert_eq!(card(&s, 0).state, kofu::domain::CardState::Awaiting);
    x.confirmation = Some(Confirmation {
        officer_id: b.id,
        passphrase: None,
    });
    s.commit_handover(&x, Some(a.id)).unwrap();
    // A near match (要確認) still needs only the officer's reason.
    let mut y = commit(card(&s, 1).id, HandoverRoute::CounterWithPostcard);
    y.match_result = "near_match".into();
    y.officer_note = Some("異体字".into());
    s.commit_handover(&y, Some(a.id)).unwrap();
    assert!(s.ledger_check().unwrap().ok());
}
