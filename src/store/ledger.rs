//! The ledger check: replay the audit trail ([`crate::domain::ledger::replay`]) and compare the
//! result with every state table. `kofu db check`, `restore` (before it accepts a file) and the
//! desk screen's start-up check call [`Store::ledger_check`].
//!
//! This module reads; the digests the events carry are written where each change is made
//! (import, handover, officers) with [`salt`] and the domain's digest functions.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::office::OfficerChange;
use super::officers::{OFFICER_COLUMNS, officer_from_row};
use super::{Store, StoreError, query_all};
use crate::domain::ledger::{
    ArrivalFacts, BatchFacts, CardFacts, ContactFacts, DeskState, Finding, HandoverFacts,
    HoldFacts, LedgerEvent, OfficerFacts, Unsupported, card_digest, compare, replay, salted_digest,
};
use crate::domain::{CardState, ReceiptStatus};

/// The outcome of the ledger check.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LedgerReport {
    pub events: u64,
    pub cards: u64,
    /// Every disagreement between the replayed events and the state tables.
    pub findings: Vec<Finding>,
    /// Checks the older events (before the ledger) cannot support: not failures.
    pub unsupported: Vec<Unsupported>,
}

impl LedgerReport {
    pub fn ok(&self) -> bool {
        self.findings.is_empty()
    }
}

/// The database's salt for the digests in events (None before migration 5, e.g. an old backup).
pub fn salt(conn: &Connection) -> Result<Option<String>, StoreError> {
    if !table_exists(conn, "ledger_salt")? {
        return Ok(None);
    }
    Ok(conn
        .query_row("SELECT salt FROM ledger_salt WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?)
}

fn table_exists(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Whether the audit trail's table is there at all (a dropped table is a finding, not an error).
pub(crate) fn audit_table_exists(conn: &Connection) -> Result<bool, StoreError> {
    table_exists(conn, "audit_events")
}

fn column_exists(conn: &Connection, table: &str, column: &str) -> Result<bool, StoreError> {
    let names = query_all(conn, &format!("PRAGMA table_info({table})"), [], |r| {
        r.get::<_, String>(1)
    })?;
    Ok(names.iter().any(|n| n == column))
}

/// The columns of a card that its identity digest covers, in order.
pub(crate) const CARD_IDENTITY_COLUMNS: &str = "card_id, name, kana, romaji, birth_date, issue_date, \
     expiry_date, membership, route, cert_serial, CAST(shipment_id AS TEXT), issue_type, previous_expiry";

/// The identity digest of one card from the [`CARD_IDENTITY_COLUMNS`] of its row (starting at
/// column `from`). A NULL and an empty text differ.
pub(crate) fn identity_digest(
    salt: &str,
    r: &rusqlite::Row<'_>,
    from: usize,
) -> rusqlite::Result<String> {
    let mut parts: [Option<&str>; 13] = [None; 13];
    for (k, part) in parts.iter_mut().enumerate() {
        *part = r.get_ref(from + k)?.as_str_or_null()?;
    }
    Ok(card_digest(salt, &parts))
}

/// The `[[row, card ID, digest], …]` JSON array of a shipment's cards for its
/// `shipment_imported` event, written as text (100 000 cards make about 4 MB).
pub(crate) fn shipment_card_list(
    conn: &Connection,
    salt: &str,
    shipment_id: i64,
) -> Result<String, StoreError> {
    use std::fmt::Write;
    let mut stmt = conn.prepare(&format!(
        "SELECT id, {CARD_IDENTITY_COLUMNS} FROM cards WHERE shipment_id = ?1 ORDER BY id"
    ))?;
    let mut rows = stmt.query([shipment_id])?;
    let mut out = String::from("[");
    while let Some(r) = rows.next()? {
        if out.len() > 1 {
            out.push(',');
        }
        let row: i64 = r.get(0)?;
        let card_id: String = r.get(1)?;
        let card_id = serde_json::to_string(&card_id).unwrap_or_default();
        let _ = write!(
            out,
            "[{row},{card_id},\"{}\"]",
            identity_digest(salt, r, 1)?
        );
    }
    out.push(']');
    Ok(out)
}

/// Every audit event, oldest first, as the replay reads them.
pub fn ledger_events(conn: &Connection) -> Result<Vec<LedgerEvent>, StoreError> {
    query_all(
        conn,
        "SELECT seq, kind, officer_id, card_row, detail FROM audit_events ORDER BY seq",
        [],
        |r| {
            Ok(LedgerEvent::new(
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get_ref(4)?.as_str()?,
            ))
        },
    )
}

/// The state tables, read into the shape the replay produces.
pub fn observed_state(conn: &Connection) -> Result<DeskState, StoreError> {
    let salt = salt(conn)?;
    let mut st = DeskState::default();
    for t in [
        "cards",
        "handovers",
        "handover_corrections",
        "mail_outcomes",
        "return_batches",
        "return_batch_items",
        "uncollected_holds",
        "appointments",
        "arrival_checks",
        "arrival_resolutions",
        "arrival_strays",
        "uncollected_contacts",
        "officers",
    ] {
        if !table_exists(conn, t)? {
            st.missing_tables.push(t.to_string());
        }
    }
    let missing = |t: &str| st.missing_tables.iter().any(|m| m == t);
    if !missing("cards") {
        insert_rows(
            conn,
            &format!("SELECT id, state, receipt, {CARD_IDENTITY_COLUMNS} FROM cards"),
            &mut st.cards,
            |r| {
                let state: String = r.get(1)?;
                let receipt: Option<String> = r.get(2)?;
                Ok(CardFacts {
                    card_id: r.get(3)?,
                    state: CardState::parse(&state).unwrap_or(CardState::Awaiting),
                    receipt: receipt.as_deref().and_then(ReceiptStatus::parse),
                    digest: salt
                        .as_deref()
                        .map(|s| identity_digest(s, r, 3))
                        .transpose()?,
                })
            },
        )?;
    }
    if !missing("handovers") {
        let confirmed = if column_exists(conn, "handovers", "confirmed_by")? {
            "h.confirmed_by"
        } else {
            "NULL"
        };
        // A side table that is gone is reported as missing; the handovers are still compared.
        let cancelled = if missing("handover_corrections") {
            "0"
        } else {
            "EXISTS (SELECT 1 FROM handover_corrections x WHERE x.handover_id = h.id)"
        };
        let outcome = if missing("mail_outcomes") {
            "NULL"
        } else {
            "(SELECT m.outcome FROM mail_outcomes m WHERE m.handover_id = h.id)"
        };
        let sql = format!(
            "SELECT h.id, h.card_row, h.route, h.match_result, h.exception, {confirmed}, h.tracking_no,
                    {cancelled}, {outcome}
             FROM handovers h"
        );
        insert_rows(conn, &sql, &mut st.handovers, |r| {
            let tracking: Option<String> = r.get(6)?;
            Ok(HandoverFacts {
                card_row: r.get(1)?,
                route: r.get(2)?,
                match_result: r.get(3)?,
                exception: r.get(4)?,
                confirmed_by: r.get(5)?,
                tracking: match (&salt, tracking) {
                    (Some(s), Some(t)) => Some(salted_digest(s, &[&t])),
                    _ => None,
                },
                cancelled: r.get(7)?,
                outcome: r.get(8)?,
            })
        })?;
    }
    if !missing("return_batches") {
        let mut items: BTreeMap<i64, BTreeMap<i64, (bool, bool)>> = BTreeMap::new();
        if !missing("return_batch_items") {
            for_each_row(
                conn,
                "SELECT batch_id, card_row, active, verified_at IS NOT NULL FROM return_batch_items",
                |r| {
                    items
                        .entry(r.get(0)?)
                        .or_default()
                        .insert(r.get(1)?, (r.get(2)?, r.get(3)?));
                    Ok(())
                },
            )?;
        }
        insert_rows(
            conn,
            "SELECT id, number, kind, status, tracking_no FROM return_batches",
            &mut st.batches,
            |r| {
                let id: i64 = r.get(0)?;
                Ok(BatchFacts {
                    number: r.get(1)?,
                    kind: r.get(2)?,
                    status: r.get(3)?,
                    tracking_no: r.get(4)?,
                    items: items.remove(&id).unwrap_or_default(),
                })
            },
        )?;
    }
    if !missing("uncollected_holds") {
        insert_rows(
            conn,
            "SELECT id, card_row, lifted_at IS NOT NULL FROM uncollected_holds",
            &mut st.holds,
            |r| {
                Ok(HoldFacts {
                    card_row: r.get(1)?,
                    lifted: r.get(2)?,
                })
            },
        )?;
    }
    if !missing("appointments") {
        insert_rows(
            conn,
            "SELECT card_row, at FROM appointments",
            &mut st.appointments,
            |r| Ok(r.get(1)?),
        )?;
    }
    if !missing("arrival_checks") {
        let resolved = if missing("arrival_resolutions") {
            "0"
        } else {
            "EXISTS (SELECT 1 FROM arrival_resolutions x WHERE x.check_id = a.id)"
        };
        insert_rows(
            conn,
            &format!("SELECT a.id, a.card_row, a.result, {resolved} FROM arrival_checks a"),
            &mut st.arrivals,
            |r| {
                Ok(ArrivalFacts {
                    card_row: r.get(1)?,
                    result: r.get(2)?,
                    resolved: r.get(3)?,
                })
            },
        )?;
    }
    if !missing("arrival_strays") {
        for_each_row(conn, "SELECT id FROM arrival_strays", |r| {
            st.strays.insert(r.get(0)?);
            Ok(())
        })?;
    }
    if !missing("uncollected_contacts") {
        insert_rows(
            conn,
            "SELECT id, card_row, method FROM uncollected_contacts",
            &mut st.contacts,
            |r| {
                Ok(ContactFacts {
                    card_row: r.get(1)?,
                    method: r.get(2)?,
                })
            },
        )?;
    }
    if !missing("officers") {
        insert_rows(
            conn,
            &format!("SELECT {OFFICER_COLUMNS} FROM officers"),
            &mut st.officers,
            |r| {
                let o = officer_from_row(r)?;
                Ok(OfficerFacts {
                    active: o.active,
                    has_passphrase: o.has_passphrase,
                    name: salt.as_deref().map(|s| salted_digest(s, &[&o.name])),
                })
            },
        )?;
    }
    Ok(st)
}

/// Hand each row of `sql` (a query without parameters) to `read`, in order.
fn for_each_row(
    conn: &Connection,
    sql: &str,
    mut read: impl FnMut(&rusqlite::Row<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        read(r)?;
    }
    Ok(())
}

/// Read each row of `sql` (a query without parameters) into `map`, keyed by its first column
/// and valued by `value`, in order (a later row with the same key replaces an earlier one).
fn insert_rows<V>(
    conn: &Connection,
    sql: &str,
    map: &mut BTreeMap<i64, V>,
    mut value: impl FnMut(&rusqlite::Row<'_>) -> Result<V, StoreError>,
) -> Result<(), StoreError> {
    for_each_row(conn, sql, |r| {
        let key = r.get(0)?;
        map.insert(key, value(r)?);
        Ok(())
    })
}

/// Replay the trail and compare it with the state tables of `conn`.
pub fn check(conn: &Connection) -> Result<LedgerReport, StoreError> {
    let events = ledger_events(conn)?;
    let replayed = replay(&events);
    let observed = observed_state(conn)?;
    let findings = compare(&replayed, &observed);
    Ok(LedgerReport {
        events: replayed.events,
        cards: observed.cards.len() as u64,
        findings,
        unsupported: replayed.unsupported,
    })
}

impl Store {
    /// The ledger check (read only): replay every audit event and compare with every state
    /// table. `db check` and `restore` run it; the desk screen runs it at start-up. Measured
    /// (`cargo bench --bench ledger`, release, loaded 2-core machine): 60–130 ms at 10 000 cards
    /// (14 000 events), 0.8–1.3 s at 100 000 cards (140 000 events) — at a large desk, run it
    /// off the UI thread (e.g. on the store thread after the first frame) and show a banner with
    /// the findings when it is not [`LedgerReport::ok`].
    pub fn ledger_check(&self) -> Result<LedgerReport, StoreError> {
        check(self.conn())
    }

    /// Record that a card read at the counter ended in 不一致 (`mismatch`) or 要確認
    /// (`near_match`): an audit event with the card ID, the verdict and the reason codes
    /// ([`crate::domain::ledger::counter_read_codes`]); never names or values. A `match` is
    /// refused (only problems are recorded). One transaction.
    pub fn record_counter_read(
        &mut self,
        card_row: i64,
        verdict: &str,
        reason_codes: &[String],
        officer_id: Option<i64>,
    ) -> Result<i64, StoreError> {
        if !matches!(verdict, "mismatch" | "near_match") {
            return Err(StoreError::Refused(format!(
                "記録するのは不一致・要確認の読取だけです（{verdict}）"
            )));
        }
        if reason_codes.iter().any(|c| {
            c.is_empty()
                || !c
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        }) {
            return Err(StoreError::Refused(
                "理由はコード（英小文字・数字・_）で渡してください".into(),
            ));
        }
        let card = self.require_card(card_row)?;
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        tx.audit_card(
            "counter_read",
            card_row,
            serde_json::json!({
                "card_id": card.card_id,
                "verdict": verdict,
                "reasons": reason_codes,
            }),
        )?;
        let seq: i64 = tx.query_row("SELECT max(seq) FROM audit_events", [], |r| r.get(0))?;
        tx.commit()?;
        tracing::info!(card_row, verdict, "counter read recorded");
        Ok(seq)
    }

    /// Record that a handover in progress was abandoned without being recorded (the desk
    /// locked while it was open and another officer took over): an audit event with the card
    /// ID, the officer who had it open and why (a code). The card's state does not change.
    pub fn record_handover_abandoned(
        &mut self,
        card_row: i64,
        officer_id: Option<i64>,
        reason: &str,
    ) -> Result<(), StoreError> {
        let card = self.require_card(card_row)?;
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        tx.audit_card(
            "handover_abandoned",
            card_row,
            serde_json::json!({
                "card_id": card.card_id,
                "reason": reason,
            }),
        )?;
        tx.commit()?;
        tracing::info!(card_row, reason, "handover abandoned");
        Ok(())
    }
}

/// Used by the import and officer code: the salted digest of one value, when the database has
/// a salt.
pub(crate) fn digest_of(conn: &Connection, value: &str) -> Result<Option<String>, StoreError> {
    Ok(salt(conn)?.map(|s| salted_digest(&s, &[value])))
}
