//! Append-only, hash-chained audit trail.
//!
//! Each event's hash is SHA-256 over its canonical fields and the previous event's hash, so a
//! changed or removed row breaks the chain from that point on. Triggers refuse UPDATE and DELETE.
//! Removing the newest events leaves a valid but shorter chain: the head hash printed on the daily
//! report (and checked with `audit verify --expect-head`) anchors against that.
//!
//! Event details carry record IDs, card IDs, hashes and counts — never names or birth dates.
//! They also carry what the ledger ([`super::ledger`]) needs to rebuild each state change, so
//! a state table changed behind the store's back is caught although the chain still verifies.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{StoreError, first_value, query_all};
use crate::clock::Clock;

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append (inside the caller's transaction).
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub officer_id: Option<i64>,
    pub card_row: Option<i64>,
    /// JSON object with the facts of the change (no personal data).
    pub detail: serde_json::Value,
}

fn event_hash(
    seq: i64,
    at: &str,
    officer_id: Option<i64>,
    kind: &str,
    card_row: Option<i64>,
    detail: &str,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    let officer = officer_id.map(|v| v.to_string()).unwrap_or_default();
    let card = card_row.map(|v| v.to_string()).unwrap_or_default();
    for part in [
        seq.to_string().as_str(),
        at,
        officer.as_str(),
        kind,
        card.as_str(),
        detail,
        prev_hash,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Append one event in the given transaction; returns its hash.
pub fn append(tx: &Transaction<'_>, clock: &Clock, ev: NewEvent<'_>) -> Result<String, StoreError> {
    let detail = ev.detail.to_string();
    append_text(tx, clock, ev.kind, ev.officer_id, ev.card_row, detail)
}

/// [`append`] with the detail already serialised as a JSON object (for a large detail such as
/// an import's card list, written without building a JSON tree first).
pub fn append_text(
    tx: &Transaction<'_>,
    clock: &Clock,
    kind: &str,
    officer_id: Option<i64>,
    card_row: Option<i64>,
    detail: String,
) -> Result<String, StoreError> {
    let ev = (kind, officer_id, card_row);
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at = clock.stamp();
    let (kind, officer_id, card_row) = ev;
    let hash = event_hash(seq, &at, officer_id, kind, card_row, &detail, &prev);
    tx.execute(
        "INSERT INTO audit_events (seq, at, officer_id, kind, card_row, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, officer_id, kind, card_row, detail, prev, hash],
    )?;
    Ok(hash)
}

/// Outcome of recomputing the chain.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VerifyReport {
    pub events: u64,
    /// Hash of the newest event (None for an empty log).
    pub head: Option<String>,
    /// The first event that does not verify, with the reason.
    pub first_bad: Option<BadEvent>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BadEvent {
    pub seq: i64,
    pub reason: String,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// Recompute every hash in order. Stops at the first bad event.
pub fn verify(conn: &Connection) -> Result<VerifyReport, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, officer_id, kind, card_row, detail, prev_hash, hash
         FROM audit_events ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_string();
    let mut count = 0u64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let officer: Option<i64> = r.get(2)?;
        let kind: String = r.get(3)?;
        let card_row: Option<i64> = r.get(4)?;
        let detail: String = r.get(5)?;
        let prev_hash: String = r.get(6)?;
        let hash: String = r.get(7)?;
        let bad = |reason: String| {
            Ok(VerifyReport {
                events: count,
                head: Some(prev.clone()).filter(|_| count > 0),
                first_bad: Some(BadEvent { seq, reason }),
            })
        };
        if seq != expected_seq {
            return bad(format!(
                "監査イベント #{expected_seq} が見つかりません（削除された可能性があります）"
            ));
        }
        if prev_hash != prev {
            return bad(format!(
                "監査イベント #{seq} の前イベントハッシュが一致しません（前のイベントが変更または削除されています）"
            ));
        }
        let computed = event_hash(seq, &at, officer, &kind, card_row, &detail, &prev_hash);
        if computed != hash {
            return bad(format!(
                "監査イベント #{seq} の内容がハッシュと一致しません（変更されています）"
            ));
        }
        prev = hash;
        expected_seq += 1;
        count += 1;
    }
    Ok(VerifyReport {
        events: count,
        head: (count > 0).then_some(prev),
        first_bad: None,
    })
}

/// Hash of the newest event.
pub fn head(conn: &Connection) -> Result<Option<String>, StoreError> {
    first_value(
        conn,
        "SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1",
        [],
    )
}

/// One stored event, for listings and exports.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub officer_id: Option<i64>,
    pub kind: String,
    pub card_row: Option<i64>,
    pub detail: String,
    pub hash: String,
}

pub fn events(conn: &Connection, limit: Option<u64>) -> Result<Vec<AuditEvent>, StoreError> {
    let lim = limit.map(|l| l as i64).unwrap_or(-1);
    let mut v = query_all(
        conn,
        "SELECT seq, at, officer_id, kind, card_row, detail, hash FROM audit_events
         ORDER BY seq DESC LIMIT ?1",
        [lim],
        |r| {
            Ok(AuditEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                officer_id: r.get(2)?,
                kind: r.get(3)?,
                card_row: r.get(4)?,
                detail: r.get(5)?,
                hash: r.get(6)?,
            })
        },
    )?;
    v.reverse();
    Ok(v)
}
