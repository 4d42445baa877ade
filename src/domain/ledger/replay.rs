//! The fold of the events (oldest first) into the [`DeskState`] they imply, with the checks
//! older events cannot support and the contradictions inside the events themselves.

use serde::Serialize;

use super::{
    ArrivalFacts, BatchFacts, CardFacts, ContactFacts, DeskState, Finding, HandoverFacts,
    HoldFacts, LedgerEvent, OfficerFacts,
};
use crate::domain::{CardState, ReceiptStatus};

/// A check the older events cannot support, with how many events lack what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    pub code: &'static str,
    pub events: u64,
}

impl Unsupported {
    pub fn message(&self) -> String {
        let what = match self.code {
            "card_set" => "カードの追加・削除の検出（取り込みイベントにカード一覧がありません）",
            "card_identity" => "カードの氏名・生年月日などの変更の検出",
            "mail_tracking" => "お問い合わせ番号の変更の検出",
            "officer_names" => "担当者名の変更の検出",
            _ => self.code,
        };
        format!(
            "{what}: 台帳導入前のイベント {} 件では確認できません",
            self.events
        )
    }
}

/// What the replay produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replay {
    pub state: DeskState,
    /// Every shipment's cards are listed in its event: cards not in the ledger are insertions.
    pub cards_complete: bool,
    pub unsupported: Vec<Unsupported>,
    /// The events contradict themselves (a transition from a state the ledger did not hold).
    pub inconsistencies: Vec<Finding>,
    pub events: u64,
}

#[derive(Default)]
struct Counts {
    card_set: u64,
    card_identity: u64,
    mail_tracking: u64,
    officer_names: u64,
}

/// Fold the events (oldest first) into the state they imply.
pub fn replay(events: &[LedgerEvent]) -> Replay {
    let mut st = DeskState::default();
    let mut lack = Counts::default();
    let mut bad = Vec::new();
    let mut shipments_listed = true;
    for ev in events {
        let d = &ev.detail;
        let card_row = ev.card_row.or(d.card_row);
        // A card-changing event: check `from` against the ledger, then apply `to`.
        let mut transition = |st: &mut DeskState, row: i64| {
            let card = st.cards.entry(row).or_insert_with(|| CardFacts {
                card_id: None,
                state: CardState::Awaiting,
                receipt: None,
                digest: None,
            });
            if card.card_id.is_none() {
                card.card_id = d.card_id.clone();
            }
            let receipt_event = matches!(
                ev.kind.as_str(),
                "receipt_returned" | "receipt_return_reopened"
            );
            if receipt_event {
                card.receipt = d.to.as_deref().and_then(ReceiptStatus::parse);
                return;
            }
            if let Some(from) = d.from.as_deref().and_then(CardState::parse)
                && from != card.state
            {
                bad.push(Finding {
                    code: "event_inconsistent".into(),
                    subject: "event",
                    id: ev.seq.to_string(),
                    field: "from",
                    ledger: Some(card.state.as_str().into()),
                    table: Some(from.as_str().into()),
                });
            }
            if let Some(t) = d.to.as_deref().and_then(CardState::parse) {
                card.state = t;
            }
        };
        match ev.kind.as_str() {
            "shipment_imported" => match &d.cards {
                Some(list) => {
                    for (row, id, digest) in list {
                        st.cards.insert(
                            *row,
                            CardFacts {
                                card_id: Some(id.clone()),
                                state: CardState::Awaiting,
                                receipt: None,
                                digest: digest.clone(),
                            },
                        );
                    }
                }
                None => {
                    shipments_listed = false;
                    lack.card_set += 1;
                    lack.card_identity += 1;
                }
            },
            "handed_over" | "mail_dispatched" => {
                let Some(row) = card_row else { continue };
                transition(&mut st, row);
                if let Some(c) = st.cards.get_mut(&row) {
                    c.receipt = d.receipt.as_deref().and_then(ReceiptStatus::parse);
                }
                if let Some(h) = d.handover_id {
                    if ev.kind == "mail_dispatched" && d.tracking_sha256.is_none() {
                        lack.mail_tracking += 1;
                    }
                    st.handovers.insert(
                        h,
                        HandoverFacts {
                            card_row: row,
                            route: d.route.clone().unwrap_or_default(),
                            cancelled: false,
                            outcome: None,
                            match_result: d.match_result.clone(),
                            exception: d.exception,
                            confirmed_by: d.confirmed_by,
                            tracking: d.tracking_sha256.clone(),
                        },
                    );
                }
            }
            "handover_cancelled" => {
                let Some(row) = card_row else { continue };
                transition(&mut st, row);
                if let Some(c) = st.cards.get_mut(&row) {
                    c.receipt = None;
                }
                if let Some(h) = d.handover_id.and_then(|h| st.handovers.get_mut(&h)) {
                    h.cancelled = true;
                }
            }
            "mail_delivered" | "mail_returned_undelivered" => {
                let Some(row) = card_row else { continue };
                transition(&mut st, row);
                let returned = ev.kind == "mail_returned_undelivered";
                if returned && let Some(c) = st.cards.get_mut(&row) {
                    c.receipt = None;
                }
                if let Some(h) = d.handover_id.and_then(|h| st.handovers.get_mut(&h)) {
                    h.outcome = Some(if returned { "returned" } else { "delivered" }.into());
                }
            }
            "receipt_returned" | "receipt_return_reopened" | "card_returned" => {
                let Some(row) = card_row else { continue };
                transition(&mut st, row);
            }
            "return_batch_created" => {
                let Some(id) = d.batch_id else { continue };
                let items = d
                    .card_rows
                    .iter()
                    .flatten()
                    .map(|r| (*r, (true, false)))
                    .collect();
                st.batches.insert(
                    id,
                    BatchFacts {
                        number: d.number.clone().unwrap_or_default(),
                        kind: d.kind.clone().unwrap_or_default(),
                        status: "open".into(),
                        tracking_no: d.tracking_no.clone(),
                        items,
                    },
                );
            }
            "return_batch_sent" => {
                if let Some(bt) = d.batch_id.and_then(|id| st.batches.get_mut(&id)) {
                    bt.status = "sent".into();
                    if let Some(t) = &d.tracking_no {
                        bt.tracking_no = Some(t.clone());
                    }
                }
            }
            "return_batch_reopened" => {
                if let Some(bt) = d.batch_id.and_then(|id| st.batches.get_mut(&id)) {
                    bt.status = "reopened".into();
                    for item in bt.items.values_mut() {
                        item.0 = false;
                    }
                }
            }
            "return_card_verified" => {
                let (Some(row), Some(number)) = (card_row, &d.batch) else {
                    continue;
                };
                if let Some(bt) = st.batches.values_mut().find(|bt| &bt.number == number)
                    && let Some(item) = bt.items.get_mut(&row)
                {
                    item.1 = true;
                }
            }
            "uncollected_hold_set" => {
                let (Some(row), Some(id)) = (card_row, d.hold_id) else {
                    continue;
                };
                if let Some(p) = d.replaces.and_then(|p| st.holds.get_mut(&p)) {
                    p.lifted = true;
                }
                st.holds.insert(
                    id,
                    HoldFacts {
                        card_row: row,
                        lifted: false,
                    },
                );
            }
            "uncollected_hold_cleared" => {
                if let Some(h) = d.hold_id.and_then(|h| st.holds.get_mut(&h)) {
                    h.lifted = true;
                }
            }
            "appointment_set" => {
                if let (Some(row), Some(at)) = (card_row, &d.at) {
                    st.appointments.insert(row, at.clone());
                }
            }
            "appointment_cleared" => {
                if let Some(row) = card_row {
                    st.appointments.remove(&row);
                }
            }
            "arrival_checked" => {
                if let (Some(row), Some(id)) = (card_row, d.check_id) {
                    st.arrivals.insert(
                        id,
                        ArrivalFacts {
                            card_row: row,
                            result: d.result.clone().unwrap_or_default(),
                            resolved: false,
                        },
                    );
                }
            }
            "arrival_problem_resolved" => {
                if let Some(a) = d.check_id.and_then(|c| st.arrivals.get_mut(&c)) {
                    a.resolved = true;
                }
            }
            "arrival_not_in_list" => {
                if let Some(id) = d.stray_id {
                    st.strays.insert(id);
                }
            }
            "uncollected_contact" => {
                if let (Some(row), Some(id)) = (card_row, d.contact_id) {
                    st.contacts.insert(
                        id,
                        ContactFacts {
                            card_row: row,
                            method: d.method.clone().unwrap_or_default(),
                        },
                    );
                }
            }
            "officer_added" => {
                let Some(id) = d.officer_id.or(ev.officer_id) else {
                    continue;
                };
                if d.name_sha256.is_none() {
                    lack.officer_names += 1;
                }
                st.officers.insert(
                    id,
                    OfficerFacts {
                        active: true,
                        has_passphrase: d.passphrase.unwrap_or(false),
                        name: d.name_sha256.clone(),
                    },
                );
            }
            "officer_enabled" | "officer_disabled" => {
                if let Some(o) = d.officer_id.and_then(|id| st.officers.get_mut(&id)) {
                    o.active = ev.kind == "officer_enabled";
                }
            }
            "officer_passphrase_changed" => {
                if let Some(o) = d.officer_id.and_then(|id| st.officers.get_mut(&id)) {
                    o.has_passphrase = d.passphrase.unwrap_or(false);
                }
            }
            _ => {}
        }
    }
    let mut unsupported = Vec::new();
    for (code, n) in [
        ("card_set", lack.card_set),
        ("card_identity", lack.card_identity),
        ("mail_tracking", lack.mail_tracking),
        ("officer_names", lack.officer_names),
    ] {
        if n > 0 {
            unsupported.push(Unsupported { code, events: n });
        }
    }
    Replay {
        state: st,
        cards_complete: shipments_listed,
        unsupported,
        inconsistencies: bad,
        events: events.len() as u64,
    }
}
