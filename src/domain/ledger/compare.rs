//! The comparison of the replayed state with the state tables, table by table.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    ArrivalFacts, BatchFacts, CardFacts, ContactFacts, DeskState, Finding, HandoverFacts,
    HoldFacts, OfficerFacts, Replay,
};
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
    /// `7（カード C-001）`: a row's id with the card it belongs to.
    fn row_label(&self, id: i64, card_row: i64, fallback: &BTreeMap<i64, CardFacts>) -> String {
        format!("{id}（カード {}）", self.card_label(card_row, fallback))
    }
    /// [`Out::diff`] of two values both sides always hold.
    fn same<T: PartialEq + ToString>(
        &mut self,
        subject: &'static str,
        id: &str,
        field: &'static str,
        ledger: T,
        table: T,
    ) {
        self.diff(subject, id, field, &Some(ledger), &Some(table));
    }
    /// One table's rows against the ledger's, keyed by row id: a row only in the table is
    /// `{subject}_not_in_ledger`, one only in the ledger `{subject}_missing`, and `fields`
    /// compares a row both hold. `label` names a row in the findings.
    fn rows<T>(
        &mut self,
        subject: &'static str,
        ledger: &BTreeMap<i64, T>,
        table: &BTreeMap<i64, T>,
        label: impl Fn(&Self, i64, &T) -> String,
        mut fields: impl FnMut(&mut Self, &str, &T, &T),
    ) {
        for (key, have) in table {
            let id = label(self, *key, have);
            match ledger.get(key) {
                None => {
                    let code = format!("{subject}_not_in_ledger");
                    self.push(&code, subject, id, "row", None, None);
                }
                Some(want) => fields(self, &id, want, have),
            }
        }
        for (key, want) in ledger {
            if !table.contains_key(key) {
                let id = label(self, *key, want);
                let code = format!("{subject}_missing");
                self.push(&code, subject, id, "row", None, None);
            }
        }
    }
    /// [`Out::rows`] of a table whose rows each belong to a card (`card_row`): a row is named
    /// with its card, and the card it belongs to is compared before `fields`.
    fn card_rows<T>(
        &mut self,
        subject: &'static str,
        ledger: &BTreeMap<i64, T>,
        table: &BTreeMap<i64, T>,
        fallback: &BTreeMap<i64, CardFacts>,
        card_row: impl Fn(&T) -> i64,
        mut fields: impl FnMut(&mut Self, &str, &T, &T),
    ) {
        let label = |out: &Self, id, row: &T| out.row_label(id, card_row(row), fallback);
        self.rows(subject, ledger, table, label, |out, id, want, have| {
            out.same(subject, id, "card", card_row(want), card_row(have));
            fields(out, id, want, have);
        });
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
        out.card_rows(
            "handover",
            &led.handovers,
            &table.handovers,
            &led.cards,
            |h: &HandoverFacts| h.card_row,
            |out, id, want, have| {
                out.same("handover", id, "route", &want.route, &have.route);
                out.same("handover", id, "cancelled", want.cancelled, have.cancelled);
                out.diff("handover", id, "outcome", &want.outcome, &have.outcome);
                if want.match_result.is_some() {
                    out.diff(
                        "handover",
                        id,
                        "match",
                        &want.match_result,
                        &have.match_result,
                    );
                }
                if want.exception.is_some() {
                    out.diff(
                        "handover",
                        id,
                        "exception",
                        &want.exception,
                        &have.exception,
                    );
                }
                out.diff(
                    "handover",
                    id,
                    "confirmed_by",
                    &want.confirmed_by,
                    &have.confirmed_by,
                );
                if want.tracking.is_some() {
                    out.diff("handover", id, "tracking", &want.tracking, &have.tracking);
                }
            },
        );
    }

    // Return batches and their items.
    if !missing("return_batches") {
        let label = |_: &Out, _, b: &BatchFacts| b.number.clone();
        out.rows(
            "batch",
            &led.batches,
            &table.batches,
            label,
            |out, id, want, have| {
                out.same("batch", id, "number", &want.number, &have.number);
                out.same("batch", id, "kind", &want.kind, &have.kind);
                out.same("batch", id, "status", &want.status, &have.status);
                out.diff(
                    "batch",
                    id,
                    "tracking",
                    &want.tracking_no,
                    &have.tracking_no,
                );
                for (row, w) in &want.items {
                    let card = out.card_label(*row, &led.cards);
                    let Some(h) = have.items.get(row) else {
                        out.push(
                            "batch_items",
                            "batch",
                            id.to_string(),
                            "items",
                            Some(card),
                            None,
                        );
                        continue;
                    };
                    let item = format!("{id}（カード {card}）");
                    if w.0 != h.0 {
                        let (w, h) = (Some(w.0.to_string()), Some(h.0.to_string()));
                        out.push("batch_item_active", "batch", item.clone(), "active", w, h);
                    }
                    if w.1 != h.1 {
                        let (w, h) = (Some(w.1.to_string()), Some(h.1.to_string()));
                        out.push("batch_item_verified", "batch", item, "verified", w, h);
                    }
                }
                for row in have.items.keys() {
                    if !want.items.contains_key(row) {
                        let card = out.card_label(*row, &led.cards);
                        out.push(
                            "batch_items",
                            "batch",
                            id.to_string(),
                            "items",
                            None,
                            Some(card),
                        );
                    }
                }
            },
        );
    }

    // Holds, appointments, arrival checks, strays, contacts.
    if !missing("uncollected_holds") {
        out.card_rows(
            "hold",
            &led.holds,
            &table.holds,
            &led.cards,
            |h: &HoldFacts| h.card_row,
            |out, id, want, have| {
                out.same("hold", id, "lifted", want.lifted, have.lifted);
            },
        );
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
        out.card_rows(
            "arrival",
            &led.arrivals,
            &table.arrivals,
            &led.cards,
            |a: &ArrivalFacts| a.card_row,
            |out, id, want, have| {
                out.same("arrival", id, "result", &want.result, &have.result);
                out.same("arrival", id, "resolved", want.resolved, have.resolved);
            },
        );
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
        out.card_rows(
            "contact",
            &led.contacts,
            &table.contacts,
            &led.cards,
            |c: &ContactFacts| c.card_row,
            |out, id, want, have| {
                out.same("contact", id, "method", &want.method, &have.method);
            },
        );
    }

    // Officers.
    if !missing("officers") {
        let label = |_: &Out, oid: i64, _: &OfficerFacts| oid.to_string();
        out.rows(
            "officer",
            &led.officers,
            &table.officers,
            label,
            |out, id, want, have| {
                out.same("officer", id, "active", want.active, have.active);
                out.same(
                    "officer",
                    id,
                    "passphrase",
                    want.has_passphrase,
                    have.has_passphrase,
                );
                if want.name.is_some() {
                    out.diff("officer", id, "name", &want.name, &have.name);
                }
            },
        );
    }
    out.found
}
