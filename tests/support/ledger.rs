//! Helpers for the ledger tests: a database with a bit of every kind of history, changed behind
//! kofu's back the way `sqlite3` would (foreign keys off, triggers droppable).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use kofu::domain::handover::HandoverRoute;
use kofu::domain::matching::match_identity;
use kofu::store::Store;

use super::office::*;

/// Card IDs of the history below.
pub const RECEIPT_SENT: usize = 0; // handed over with a receipt, receipt sent in batch R…-0001
pub const RECEIPT_OPEN: usize = 1; // handed over with a receipt, in the open batch R…-0002
pub const RECEIPT_PENDING: usize = 2; // handed over with a receipt, in no batch
pub const POSTCARD: usize = 3; // handed over against the postcard
pub const MAILED: usize = 4; // dispatched by mail, outcome unknown
pub const DELIVERED: usize = 5; // dispatched by mail, delivered
pub const CANCELLED: usize = 6; // handed over, then cancelled (at the desk again)
pub const HELD: usize = 7; // at the desk, on hold, with an appointment
pub const RETURNED: usize = 8; // returned to JMACA in card batch C…-0001 (sent)
pub const AWAITING: usize = 9; // at the desk, never touched
pub const CARDS: usize = 12;

pub fn id(i: usize) -> String {
    format!("T{i:011}")
}

/// A database at `dir/kofu.db` with one of every change the desk makes.
pub fn history_db(dir: &Path) -> PathBuf {
    let mut s = store_in(dir, CARDS, today());
    let a = s.add_officer_with_passphrase("受付A", None).unwrap();
    let b = s
        .add_officer_with_passphrase("受付B", Some("kagi-1234"))
        .unwrap();
    let gone = s.add_officer_with_passphrase("退職C", None).unwrap();
    s.set_officer_active(gone.id, false).unwrap();
    let officer = Some(a.id);
    let row = |s: &Store, i: usize| card(s, i).id;
    for i in [RECEIPT_SENT, RECEIPT_OPEN, RECEIPT_PENDING, CANCELLED] {
        let r = row(&s, i);
        s.commit_handover(&commit(r, HandoverRoute::CounterWithReceipt), officer)
            .unwrap();
    }
    let r = row(&s, POSTCARD);
    s.commit_handover(&commit(r, HandoverRoute::CounterWithPostcard), officer)
        .unwrap();
    for (i, t) in [(MAILED, "1234-5678-9012"), (DELIVERED, "1234-5678-9013")] {
        let r = row(&s, i);
        s.commit_handover(&commit(r, mail(t)), officer).unwrap();
    }
    s.record_mail_delivered(row(&s, DELIVERED), today(), officer)
        .unwrap();
    s.cancel_handover(row(&s, CANCELLED), "別の方のカードでした", officer)
        .unwrap();
    let sent = s
        .create_receipt_batch(Some(&[row(&s, RECEIPT_SENT)]), today(), None, officer)
        .unwrap();
    s.mark_batch_sent(&sent.number, today(), Some("1111-2222-3333"), officer)
        .unwrap();
    s.create_receipt_batch(Some(&[row(&s, RECEIPT_OPEN)]), today(), None, officer)
        .unwrap();
    let r = row(&s, HELD);
    s.set_hold(r, "入院中", Some(b.id)).unwrap();
    let at = NaiveDateTime::parse_from_str("2026-11-27 10:30", "%Y-%m-%d %H:%M").unwrap();
    s.set_appointment(r, at, Some("午前"), officer).unwrap();
    s.record_contact(
        r,
        kofu::store::office::ContactMethod::Phone,
        today(),
        None,
        officer,
    )
    .unwrap();
    let back = s
        .create_card_return_batch(&[row(&s, RETURNED)], today(), None, officer)
        .unwrap();
    let rec = card(&s, RETURNED);
    s.verify_return_card(&back.number, &facts_for(&rec), officer)
        .unwrap();
    s.mark_batch_sent(&back.number, today(), None, officer)
        .unwrap();
    // Arrival checks: one verified, one failed and resolved.
    let known = issuers();
    let rec = card(&s, AWAITING);
    let outcome = match_identity(&rec, &facts_for(&rec), None, &ctx(&known));
    s.record_arrival_check(rec.id, &facts_for(&rec), &outcome, officer)
        .unwrap();
    let rec = card(&s, 10);
    let mut wrong = facts_for(&rec);
    wrong.name_kanji = Some("別人　太郎".into());
    let outcome = match_identity(&rec, &wrong, None, &ctx(&known));
    s.record_arrival_check(rec.id, &wrong, &outcome, officer)
        .unwrap();
    s.resolve_arrival_problem(rec.id, "JMACAに確認済み", officer)
        .unwrap();
    s.path().to_path_buf()
}

/// A raw connection as `sqlite3 kofu.db` gives it (foreign keys off).
pub fn sqlite3(db: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db).unwrap();
    c.pragma_update(None, "foreign_keys", false).unwrap();
    c
}

/// SHA-256 of a file's bytes.
pub fn file_sha256(p: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(p).unwrap()))
}
