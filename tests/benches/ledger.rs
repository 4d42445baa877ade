//! Ledger benchmark (run with `cargo bench --bench ledger`; release build): the replay of the
//! audit trail and the comparison with every state table (`Store::ledger_check`, what the desk
//! screen runs at start-up) and the whole `db check` (integrity, chain, ledger), at 10 000 and
//! 100 000 cards with a realistic history: about 60 % handed over (most with a receipt, the
//! receipts returned in batches of 500), 10 % dispatched by mail (most delivered, some
//! returned), 2 % cancelled, holds, appointments, contacts and arrival checks.

#[path = "../support/common.rs"]
mod common;

use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use kofu::domain::handover::{HandoverCommit, HandoverRoute, QrHandover};
use kofu::store::Store;
use kofu::store::import::{ImportOptions, import_bytes};
use kofu::store::office::ContactMethod;

fn commit(card: i64, route: HandoverRoute) -> HandoverCommit {
    HandoverCommit {
        card,
        route,
        id_documents: vec!["drivers_license".into()],
        photo_checked: true,
        details_confirmed: true,
        match_result: "match".into(),
        match_reasons: vec![],
        officer_note: None,
        exception: false,
        qr: QrHandover::PrintedSheet,
        cert_serial_read: None,
        confirmation: None,
    }
}

fn build(dir: &std::path::Path, n: usize) -> Store {
    let clock = common::clock();
    let today = clock.today();
    let mut s = Store::open(&dir.join(format!("ledger{n}.db")), &clock).expect("open");
    s.conn()
        .pragma_update(None, "synchronous", "OFF")
        .expect("pragma");
    let data = kofu::data::DataSet::load(Some(std::path::Path::new("/nonexistent"))).expect("data");
    let none =
        |_: chrono::NaiveDate, _: chrono::NaiveDate, _: &kofu::domain::expiry::IssueContext| None;
    // Ten shipments.
    for k in 0..10 {
        let csv = common::manifest(n / 10, k * (n / 10));
        import_bytes(
            &mut s,
            &format!("m{k}.csv"),
            csv.as_bytes(),
            &ImportOptions {
                profile: data.profile("default").expect("profile"),
                dry_run: false,
                officer_id: None,
                arrived_on: today,
                expected_expiry: &none,
            },
        )
        .expect("import");
    }
    let officer = s
        .add_officer_with_passphrase("担当", None)
        .expect("officer")
        .id;
    let rows: Vec<i64> = {
        let mut st = s
            .conn()
            .prepare("SELECT id FROM cards ORDER BY id")
            .expect("sql");
        st.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let at = NaiveDateTime::parse_from_str("2026-11-27 10:30", "%Y-%m-%d %H:%M").expect("at");
    for (i, &row) in rows.iter().enumerate() {
        let who = Some(officer);
        match i % 50 {
            0..=24 => {
                s.commit_handover(&commit(row, HandoverRoute::CounterWithReceipt), who)
                    .expect("handover");
            }
            25..=29 => {
                s.commit_handover(&commit(row, HandoverRoute::CounterWithPostcard), who)
                    .expect("handover");
            }
            30..=34 => {
                let route = HandoverRoute::Mail {
                    dispatch_date: today,
                    tracking_no: format!("{:012}", 300_000_000_000u64 + i as u64),
                };
                s.commit_handover(&commit(row, route), who).expect("mail");
                if i % 50 == 34 {
                    s.record_mail_returned(row, today, "保管期間経過", who)
                        .expect("returned");
                } else {
                    s.record_mail_delivered(row, today, who).expect("delivered");
                }
            }
            35 => {
                s.commit_handover(&commit(row, HandoverRoute::CounterWithReceipt), who)
                    .expect("handover");
                s.cancel_handover(row, "訂正", who).expect("cancel");
            }
            36 => s.set_hold(row, "入院中", who).expect("hold"),
            37 => {
                s.set_appointment(row, at, None, who).expect("appointment");
            }
            38 => {
                s.record_contact(row, ContactMethod::Phone, today, None, who)
                    .expect("contact");
            }
            _ => {}
        }
    }
    // Receipts back to JMACA in batches of 500.
    let pending: Vec<i64> = s
        .pending_receipts()
        .expect("pending")
        .into_iter()
        .map(|c| c.id)
        .collect();
    for chunk in pending.chunks(500) {
        let b = s
            .create_receipt_batch(Some(chunk), today, None, Some(officer))
            .expect("batch");
        s.mark_batch_sent(&b.number, today, None, Some(officer))
            .expect("sent");
    }
    s
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in [10_000usize, 100_000] {
        let t = Instant::now();
        let s = build(dir.path(), n);
        let built = t.elapsed();
        let events = s.audit_events().expect("events").len();
        let mut ledger = Vec::new();
        let mut check = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let r = s.ledger_check().expect("ledger");
            ledger.push(t.elapsed());
            assert!(r.ok(), "{:?}", r.findings.first());
            let t = Instant::now();
            let r = s.check().expect("check");
            check.push(t.elapsed());
            assert!(r.ok());
        }
        println!(
            "{n} cards, {events} events (built in {:.0} s): ledger_check (replay + compare) {:.0} ms, \
             db check (integrity + chain + ledger) {:.0} ms (medians of 3; desk start-up target <= 300 ms)",
            built.as_secs_f64(),
            median(ledger).as_secs_f64() * 1e3,
            median(check).as_secs_f64() * 1e3,
        );
    }
}
