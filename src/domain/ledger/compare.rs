//! The comparison of the replayed state with the state tables, table by table.

use std::collections::{BTreeMap, BTreeSet};

use super::{CardFacts, DeskState, Finding, Replay};
use crate::domain::CardState;

fn opt<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(|x| x.to_string())
}

struct Out<'a> {
    found: Vec<Finding>,
    cards: &'a BTreeMap<i64, CardFacts>,
}

impl Out<'_> {
    /// The card ID of a row for messages (from the table, else the ledger, else the row).
    fn card_label(&self, row: i64, fallback: &BTreeMap<i64, CardFacts>) -> String {
        self.cards
            .get(&row)
            .and_then(|c| c.card_id.clone())
            .or_else(|| fallback.get(&row).and_then(|c| c.card_id.clone()))
            .unwrap_or_else(|| format!("（行 {row}）"))
    }
    fn push(
        &mut self,
        code: &str,
        subject: &'static str,
        id: String,
        field: &'static str,
        ledger: Option<String>,
        table: Option<String>,
    ) {
        self.found.push(Finding {
            code: code.to_string(),
            subject,
            id,
            field,
            ledger,
            table,
        });
    }
    fn diff<T: PartialEq + ToString>(
        &mut self,
        subject: &'static str,
        id: &str,
        field: &'static str,
        ledger: &Option<T>,
        table: &Option<T>,
    ) {
        if ledger != table {
            self.push(
                &format!("{subject}_{field}"),
                subject,
                id.to_string(),
                field,
                opt(ledger),
                opt(table),
            );
        }
    }
}

/// Compare the replayed state with the state tables; every disagreement, cards first.
pub fn compare(replay: &Replay, table: &DeskState) -> Vec<Finding> {
    let led = &replay.state;
    let mut out = Out {
        found: replay.inconsistencies.clone(),
        cards: &table.cards,
    };
    for t in &table.missing_tables {
        out.push("table_missing", "table", t.clone(), "row", None, None);
    }
    let missing = |t: &str| table.missing_tables.iter().any(|m| m == t);

    // Cards.
    if !missing("cards") {
        let implicit = CardFacts {
            card_id: None,
            state: CardState::Awaiting,
            receipt: None,
            digest: None,
        };
        for (row, have) in &table.cards {
            let id = out.card_label(*row, &led.cards);
            let want = match led.cards.get(row) {
                Some(w) => w,
                None if replay.cards_complete => {
                    out.push("card_not_in_ledger", "card", id, "row", None, None);
                    continue;
                }
                // Imported before the ledger and never changed since: still at the desk.
                None => &implicit,
            };
            if want.card_id.is_some() && want.card_id != have.card_id {
                out.diff("card", &id, "card_id", &want.card_id, &have.card_id);
            }
            out.diff(
                "card",
                &id,
                "state",
                &Some(want.state.as_str()),
                &Some(have.state.as_str()),
            );
            out.diff(
                "card",
                &id,
                "receipt",
                &want.receipt.map(|r| r.as_str()),
                &have.receipt.map(|r| r.as_str()),
            );
            if want.digest.is_some() && want.digest != have.digest {
                out.diff("card", &id, "identity", &want.digest, &have.digest);
            }
        }
        for (row, want) in &led.cards {
            if !table.cards.contains_key(row) {
                let id = want
                    .card_id
                    .clone()
                    .unwrap_or_else(|| format!("（行 {row}）"));
                out.push("card_missing", "card", id, "row", None, None);
            }
        }
    }

    // Handovers (with their corrections and mail outcomes).
    if !missing("handovers") {
        for (hid, have) in &table.handovers {
            let id = format!(
                "{hid}（カード {}）",
                out.card_label(have.card_row, &led.cards)
            );
            let Some(want) = led.handovers.get(hid) else {
                out.push("handover_not_in_ledger", "handover", id, "row", None, None);
                continue;
            };
            out.diff(
                "handover",
                &id,
                "card",
                &Some(want.card_row),
                &Some(have.card_row),
            );
            out.diff(
                "handover",
                &id,
                "route",
                &Some(&want.route),
                &Some(&have.route),
            );
            out.diff(
                "handover",
                &id,
                "cancelled",
                &Some(want.cancelled),
                &Some(have.cancelled),
            );
            out.diff("handover", &id, "outcome", &want.outcome, &have.outcome);
            if want.match_result.is_some() {
                out.diff(
                    "handover",
                    &id,
                    "match",
                    &want.match_result,
                    &have.match_result,
                );
            }
            if want.exception.is_some() {
                out.diff(
                    "handover",
                    &id,
                    "exception",
                    &want.exception,
                    &have.exception,
                );
            }
            out.diff(
                "handover",
                &id,
                "confirmed_by",
                &want.confirmed_by,
                &have.confirmed_by,
            );
            if want.tracking.is_some() {
                out.diff("handover", &id, "tracking", &want.tracking, &have.tracking);
            }
        }
        for (hid, want) in &led.handovers {
            if !table.handovers.contains_key(hid) {
                let id = format!(
                    "{hid}（カード {}）",
                    out.card_label(want.card_row, &led.cards)
                );
                out.push("handover_missing", "handover", id, "row", None, None);
            }
        }
    }

    // Return batches and their items.
    if !missing("return_batches") {
        for (bid, have) in &table.batches {
            let id = have.number.clone();
            let Some(want) = led.batches.get(bid) else {
                out.push("batch_not_in_ledger", "batch", id, "row", None, None);
                continue;
            };
            out.diff(
                "batch",
                &id,
                "number",
                &Some(&want.number),
                &Some(&have.number),
            );
            out.diff("batch", &id, "kind", &Some(&want.kind), &Some(&have.kind));
            out.diff(
                "batch",
                &id,
                "status",
                &Some(&want.status),
                &Some(&have.status),
            );
            out.diff(
                "batch",
                &id,
                "tracking",
                &want.tracking_no,
                &have.tracking_no,
            );
            for (row, w) in &want.items {
                let card = out.card_label(*row, &led.cards);
                match have.items.get(row) {
                    None => out.push(
                        "batch_items",
                        "batch",
                        id.clone(),
                        "items",
                        Some(card),
                        None,
                    ),
                    Some(h) => {
                        if w.0 != h.0 {
                            out.push(
                                "batch_item_active",
                                "batch",
                                format!("{id}（カード {card}）"),
                                "active",
                                Some(w.0.to_string()),
                                Some(h.0.to_string()),
                            );
                        }
                        if w.1 != h.1 {
                            out.push(
                                "batch_item_verified",
                                "batch",
                                format!("{id}（カード {card}）"),
                                "verified",
                                Some(w.1.to_string()),
                                Some(h.1.to_string()),
                            );
                        }
                    }
                }
            }
            for row in have.items.keys() {
                if !want.items.contains_key(row) {
                    let card = out.card_label(*row, &led.cards);
                    out.push(
                        "batch_items",
                        "batch",
                        id.clone(),
                        "items",
                        None,
                        Some(card),
                    );
                }
            }
        }
        for (bid, want) in &led.batches {
            if !table.batches.contains_key(bid) {
                out.push(
                    "batch_missing",
                    "batch",
                    want.number.clone(),
                    "row",
                    None,
                    None,
                );
            }
        }
    }

    // Holds, appointments, arrival checks, strays, contacts.
    if !missing("uncollected_holds") {
        for (hid, have) in &table.holds {
            let id = format!(
                "{hid}（カード {}）",
                out.card_label(have.card_row, &led.cards)
            );
            match led.holds.get(hid) {
                None => out.push("hold_not_in_ledger", "hold", id, "row", None, None),
                Some(want) => {
                    out.diff(
                        "hold",
                        &id,
                        "card",
                        &Some(want.card_row),
                        &Some(have.card_row),
                    );
                    out.diff(
                        "hold",
                        &id,
                        "lifted",
                        &Some(want.lifted),
                        &Some(have.lifted),
                    );
                }
            }
        }
        for (hid, want) in &led.holds {
            if !table.holds.contains_key(hid) {
                let id = format!(
                    "{hid}（カード {}）",
                    out.card_label(want.card_row, &led.cards)
                );
                out.push("hold_missing", "hold", id, "row", None, None);
            }
        }
    }
    if !missing("appointments") {
        let rows: BTreeSet<i64> = led
            .appointments
            .keys()
            .chain(table.appointments.keys())
            .copied()
            .collect();
        for row in rows {
            let id = out.card_label(row, &led.cards);
            let (w, h) = (led.appointments.get(&row), table.appointments.get(&row));
            match (w, h) {
                (Some(_), None) => {
                    out.push("appointment_missing", "appointment", id, "at", None, None)
                }
                (None, Some(_)) => out.push(
                    "appointment_not_in_ledger",
                    "appointment",
                    id,
                    "at",
                    None,
                    None,
                ),
                (w, h) => out.diff("appointment", &id, "at", &w.cloned(), &h.cloned()),
            }
        }
    }
    if !missing("arrival_checks") {
        for (aid, have) in &table.arrivals {
            let id = format!(
                "{aid}（カード {}）",
                out.card_label(have.card_row, &led.cards)
            );
            match led.arrivals.get(aid) {
                None => out.push("arrival_not_in_ledger", "arrival", id, "row", None, None),
                Some(want) => {
                    out.diff(
                        "arrival",
                        &id,
                        "card",
                        &Some(want.card_row),
                        &Some(have.card_row),
                    );
                    out.diff(
                        "arrival",
                        &id,
                        "result",
                        &Some(&want.result),
                        &Some(&have.result),
                    );
                    out.diff(
                        "arrival",
                        &id,
                        "resolved",
                        &Some(want.resolved),
                        &Some(have.resolved),
                    );
                }
            }
        }
        for (aid, want) in &led.arrivals {
            if !table.arrivals.contains_key(aid) {
                let id = format!(
                    "{aid}（カード {}）",
                    out.card_label(want.card_row, &led.cards)
                );
                out.push("arrival_missing", "arrival", id, "row", None, None);
            }
        }
    }
    if !missing("arrival_strays") {
        for id in table.strays.difference(&led.strays) {
            out.push(
                "stray_not_in_ledger",
                "stray",
                id.to_string(),
                "row",
                None,
                None,
            );
        }
        for id in led.strays.difference(&table.strays) {
            out.push("stray_missing", "stray", id.to_string(), "row", None, None);
        }
    }
    if !missing("uncollected_contacts") {
        for (cid, have) in &table.contacts {
            let id = format!(
                "{cid}（カード {}）",
                out.card_label(have.card_row, &led.cards)
            );
            match led.contacts.get(cid) {
                None => out.push("contact_not_in_ledger", "contact", id, "row", None, None),
                Some(want) => {
                    out.diff(
                        "contact",
                        &id,
                        "card",
                        &Some(want.card_row),
                        &Some(have.card_row),
                    );
                    out.diff(
                        "contact",
                        &id,
                        "method",
                        &Some(&want.method),
                        &Some(&have.method),
                    );
                }
            }
        }
        for (cid, want) in &led.contacts {
            if !table.contacts.contains_key(cid) {
                let id = format!(
                    "{cid}（カード {}）",
                    out.card_label(want.card_row, &led.cards)
                );
                out.push("contact_missing", "contact", id, "row", None, None);
            }
        }
    }

    // Officers.
    if !missing("officers") {
        for (oid, have) in &table.officers {
            let id = oid.to_string();
            match led.officers.get(oid) {
                None => out.push("officer_not_in_ledger", "officer", id, "row", None, None),
                Some(want) => {
                    out.diff(
                        "officer",
                        &id,
                        "active",
                        &Some(want.active),
                        &Some(have.active),
                    );
                    out.diff(
                        "officer",
                        &id,
                        "passphrase",
                        &Some(want.has_passphrase),
                        &Some(have.has_passphrase),
                    );
                    if want.name.is_some() {
                        out.diff("officer", &id, "name", &want.name, &have.name);
                    }
                }
            }
        }
        for oid in led.officers.keys() {
            if !table.officers.contains_key(oid) {
                out.push(
                    "officer_missing",
                    "officer",
                    oid.to_string(),
                    "row",
                    None,
                    None,
                );
            }
        }
    }
    out.found
}
