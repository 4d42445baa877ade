//! Property: whatever sequence of desk operations runs (imports, handovers by each route,
//! corrections, mail outcomes, receipt and card batches, holds, appointments, contacts, arrival
//! checks, officer changes; refused ones included), replaying the audit trail gives exactly the
//! state tables.

use chrono::NaiveDateTime;
use kofu::domain::handover::HandoverRoute;
use kofu::domain::ledger::{compare, replay};
use kofu::domain::matching::match_identity;
use kofu::store::Store;
use kofu::store::ledger::{ledger_events, observed_state};
use kofu::store::office::ContactMethod;
use proptest::prelude::*;

use crate::support::common;
use crate::support::office::*;

#[derive(Debug, Clone)]
enum Op {
    Import(usize),
    HandOver(usize, u8),
    Cancel(usize),
    MailDelivered(usize),
    MailReturned(usize),
    ReceiptBatch,
    BatchSent(bool),
    BatchReopen(bool),
    CardBatch(usize),
    Hold(usize),
    Unhold(usize),
    Appointment(usize, u8),
    ClearAppointment(usize),
    Contact(usize),
    Arrival(usize, bool),
    Resolve(usize),
    OfficerAdd,
    OfficerToggle(usize),
    ReturnVerify(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let c = 0usize..12;
    prop_oneof![
        (1usize..4).prop_map(Op::Import),
        (c.clone(), 0u8..3).prop_map(|(i, r)| Op::HandOver(i, r)),
        (c.clone(), 0u8..3).prop_map(|(i, r)| Op::HandOver(i, r)),
        c.clone().prop_map(Op::Cancel),
        c.clone().prop_map(Op::MailDelivered),
        c.clone().prop_map(Op::MailReturned),
        Just(Op::ReceiptBatch),
        any::<bool>().prop_map(Op::BatchSent),
        any::<bool>().prop_map(Op::BatchReopen),
        c.clone().prop_map(Op::CardBatch),
        c.clone().prop_map(Op::Hold),
        c.clone().prop_map(Op::Unhold),
        (c.clone(), 0u8..4).prop_map(|(i, h)| Op::Appointment(i, h)),
        c.clone().prop_map(Op::ClearAppointment),
        c.clone().prop_map(Op::Contact),
        (c.clone(), any::<bool>()).prop_map(|(i, ok)| Op::Arrival(i, ok)),
        c.clone().prop_map(Op::Resolve),
        Just(Op::OfficerAdd),
        (0usize..4).prop_map(Op::OfficerToggle),
        c.prop_map(Op::ReturnVerify),
    ]
}

struct World {
    store: Store,
    cards: usize,
    officers: Vec<i64>,
    tracking: u64,
}

impl World {
    fn row(&self, i: usize) -> Option<i64> {
        (self.cards > 0).then(|| card(&self.store, i % self.cards).id)
    }
    fn officer(&self, i: usize) -> Option<i64> {
        self.officers.get(i % self.officers.len().max(1)).copied()
    }
    /// Run one operation; a refusal is fine (the desk refuses many of these), an error that is
    /// not a refusal is not.
    fn run(&mut self, op: &Op) {
        let today = today();
        // The first officer is never disabled (a disabled one is refused everywhere).
        let who = self.officers.first().copied();
        let r = match op {
            Op::Import(n) => {
                import_into(&mut self.store, &common::manifest(*n, self.cards), today);
                self.cards += n;
                Ok(())
            }
            Op::HandOver(i, route) => {
                let Some(row) = self.row(*i) else { return };
                self.tracking += 1;
                let route = match route {
                    0 => HandoverRoute::CounterWithReceipt,
                    1 => HandoverRoute::CounterWithPostcard,
                    _ => mail(&format!("{:012}", 100_000_000_000 + self.tracking)),
                };
                self.store
                    .commit_handover(&commit(row, route), who)
                    .map(|_| ())
            }
            Op::Cancel(i) => {
                let Some(row) = self.row(*i) else { return };
                self.store.cancel_handover(row, "訂正", who).map(|_| ())
            }
            Op::MailDelivered(i) => {
                let Some(row) = self.row(*i) else { return };
                self.store
                    .record_mail_delivered(row, today, who)
                    .map(|_| ())
            }
            Op::MailReturned(i) => {
                let Some(row) = self.row(*i) else { return };
                self.store
                    .record_mail_returned(row, today, "保管期間経過", who)
                    .map(|_| ())
            }
            Op::ReceiptBatch => self
                .store
                .create_receipt_batch(None, today, None, who)
                .map(|_| ()),
            Op::BatchSent(receipts) | Op::BatchReopen(receipts) => {
                let kind = if *receipts {
                    kofu::store::office::BatchKind::Receipts
                } else {
                    kofu::store::office::BatchKind::Cards
                };
                let Some(b) = self
                    .store
                    .return_batches(Some(kind))
                    .unwrap()
                    .into_iter()
                    .next()
                else {
                    return;
                };
                if matches!(op, Op::BatchSent(_)) {
                    self.store
                        .mark_batch_sent(&b.number, today, None, who)
                        .map(|_| ())
                } else {
                    self.store.reopen_batch(&b.number, "訂正", who).map(|_| ())
                }
            }
            Op::CardBatch(i) => {
                let Some(row) = self.row(*i) else { return };
                self.store
                    .create_card_return_batch(&[row], today, None, who)
                    .map(|_| ())
            }
            Op::ReturnVerify(i) => {
                let Some(row) = self.row(*i) else { return };
                let rec = self.store.card(row).unwrap().unwrap();
                let Some(b) = self
                    .store
                    .return_batches(Some(kofu::store::office::BatchKind::Cards))
                    .unwrap()
                    .into_iter()
                    .next()
                else {
                    return;
                };
                self.store
                    .verify_return_card(&b.number, &facts_for(&rec), who)
                    .map(|_| ())
            }
            Op::Hold(i) => {
                let Some(row) = self.row(*i) else { return };
                self.store.set_hold(row, "入院中", who)
            }
            Op::Unhold(i) => {
                let Some(row) = self.row(*i) else { return };
                self.store.clear_hold(row, who)
            }
            Op::Appointment(i, h) => {
                let Some(row) = self.row(*i) else { return };
                let at = NaiveDateTime::parse_from_str(
                    &format!("2026-11-27 {:02}:00", 9 + h),
                    "%Y-%m-%d %H:%M",
                )
                .unwrap();
                self.store.set_appointment(row, at, None, who).map(|_| ())
            }
            Op::ClearAppointment(i) => {
                let Some(row) = self.row(*i) else { return };
                self.store.clear_appointment(row, who)
            }
            Op::Contact(i) => {
                let Some(row) = self.row(*i) else { return };
                self.store
                    .record_contact(row, ContactMethod::Letter, today, None, who)
                    .map(|_| ())
            }
            Op::Arrival(i, ok) => {
                let Some(row) = self.row(*i) else { return };
                let rec = self.store.card(row).unwrap().unwrap();
                let mut facts = facts_for(&rec);
                if !ok {
                    facts.name_kanji = Some("別人　太郎".into());
                }
                let known = issuers();
                let outcome = match_identity(&rec, &facts, None, &ctx(&known));
                self.store
                    .record_arrival_check(row, &facts, &outcome, who)
                    .map(|_| ())
            }
            Op::Resolve(i) => {
                let Some(row) = self.row(*i) else { return };
                self.store
                    .resolve_arrival_problem(row, "確認済み", who)
                    .map(|_| ())
            }
            Op::OfficerAdd => {
                let n = self.officers.len();
                let o = self
                    .store
                    .add_officer_with_passphrase(&format!("担当{n}"), None)
                    .unwrap();
                self.officers.push(o.id);
                Ok(())
            }
            Op::OfficerToggle(i) => {
                let Some(id) = self
                    .officer(*i)
                    .filter(|id| Some(*id) != self.officers.first().copied())
                else {
                    return;
                };
                let active = self.store.officer(id).unwrap().unwrap().active;
                self.store.set_officer_active(id, !active)
            }
        };
        match r {
            Ok(()) | Err(kofu::store::StoreError::Refused(_)) => {}
            Err(kofu::store::StoreError::Transition(_)) => {}
            Err(e) => panic!("{op:?}: {e}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn replay_of_any_sequence_of_operations_equals_the_stored_state(
        ops in proptest::collection::vec(op(), 1..60)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("kofu.db"), &clock()).unwrap();
        store.conn().pragma_update(None, "synchronous", "OFF").unwrap();
        let first = store.add_officer_with_passphrase("担当A", None).unwrap();
        let mut w = World { store, cards: 0, officers: vec![first.id], tracking: 0 };
        w.run(&Op::Import(3));
        for op in &ops {
            w.run(op);
        }
        let replayed = replay(&ledger_events(w.store.conn()).unwrap());
        let observed = observed_state(w.store.conn()).unwrap();
        prop_assert!(replayed.inconsistencies.is_empty(), "{:?}", replayed.inconsistencies);
        prop_assert_eq!(&replayed.state.cards, &observed.cards);
        prop_assert_eq!(&replayed.state.handovers, &observed.handovers);
        prop_assert_eq!(&replayed.state.batches, &observed.batches);
        prop_assert_eq!(&replayed.state.holds, &observed.holds);
        prop_assert_eq!(&replayed.state.appointments, &observed.appointments);
        prop_assert_eq!(&replayed.state.arrivals, &observed.arrivals);
        prop_assert_eq!(&replayed.state.contacts, &observed.contacts);
        prop_assert_eq!(&replayed.state.officers, &observed.officers);
        prop_assert!(compare(&replayed, &observed).is_empty());
        prop_assert!(replayed.unsupported.is_empty());
    }
}
