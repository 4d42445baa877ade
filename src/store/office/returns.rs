//! Batches sent back to JMACA: signed 対面交付用受領書 (受領書返送) and uncollected cards (返却).
//!
//! A receipt or card is in at most one live batch (a partial unique index, and a check with a
//! Japanese message first). Marking a batch sent moves each receipt to `returned_to_jmaca` or each
//! card to `returned`; reopening a receipt batch is an audited correction (receipts back to
//! `captured`, the batch's items no longer live).

use chrono::{Datelike, NaiveDate};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{OfficerChange, required_text};
use crate::domain::calendar::DeskCalendar;
use crate::domain::card_facts::CertificateFacts;
use crate::domain::office::ReceiptRules;
pub use crate::domain::office::returns::{
    BatchItem, BatchKind, BatchStatus, PendingReceipt, ReturnBatch,
};
use crate::domain::record::CardRecord;
use crate::domain::search::search_key;
use crate::domain::state::{CardAction, ReceiptAction};
use crate::domain::{CardState, ReceiptStatus};
use crate::store::handover::normalise_tracking_no;
use crate::store::{
    CARD_COLUMN_COUNT, CARD_COLUMNS, Store, StoreError, card_from_row, first_value,
    normalise_serial, query_all,
};

fn tracking(t: Option<&str>) -> Result<Option<String>, StoreError> {
    t.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| normalise_tracking_no(t).map_err(StoreError::Refused))
        .transpose()
}

fn next_number(tx: &Transaction<'_>, kind: BatchKind, on: NaiveDate) -> Result<String, StoreError> {
    let prefix = format!("{}{}-", kind.prefix(), on.year());
    let n: i64 = tx.query_row(
        "SELECT count(*) FROM return_batches WHERE kind = ?1 AND substr(number, 1, length(?2)) = ?2",
        params![kind.as_str(), prefix],
        |r| r.get(0),
    )?;
    Ok(format!("{prefix}{:04}", n + 1))
}

/// The live batch a card (or its receipt) is in.
fn live_batch_of(
    tx: &rusqlite::Connection,
    kind: BatchKind,
    card_row: i64,
) -> Result<Option<String>, StoreError> {
    first_value(
        tx,
        "SELECT b.number FROM return_batch_items i JOIN return_batches b ON b.id = i.batch_id
             WHERE i.kind = ?1 AND i.card_row = ?2 AND i.active = 1",
        params![kind.as_str(), card_row],
    )
}

impl Store {
    /// Captured receipts of handed-over cards that are in no live batch yet.
    pub fn pending_receipts(&self) -> Result<Vec<CardRecord>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM cards c
             WHERE c.state = 'handed_over' AND c.receipt = 'captured'
               AND NOT EXISTS (SELECT 1 FROM return_batch_items i
                               WHERE i.card_row = c.id AND i.kind = 'receipts' AND i.active = 1)
             ORDER BY c.card_id"
        );
        query_all(self.conn(), &sql, [], card_from_row)
    }

    /// [`pending_receipts`](Self::pending_receipts) with the JST day of each card's live
    /// handover and the day its receipt is due back ([`PendingReceipt`]), in one query.
    pub fn pending_receipts_due(
        &self,
        rules: &ReceiptRules,
        calendar: &DeskCalendar,
    ) -> Result<Vec<PendingReceipt>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS},
                    (SELECT h.at FROM handovers h WHERE h.card_row = c.id
                       AND NOT EXISTS (SELECT 1 FROM handover_corrections x
                                       WHERE x.handover_id = h.id)
                     ORDER BY h.id DESC LIMIT 1)
             FROM cards c
             WHERE c.state = 'handed_over' AND c.receipt = 'captured'
               AND NOT EXISTS (SELECT 1 FROM return_batch_items i
                               WHERE i.card_row = c.id AND i.kind = 'receipts' AND i.active = 1)
             ORDER BY c.card_id"
        );
        query_all(self.conn(), &sql, [], |r| {
            let at: Option<String> = r.get(CARD_COLUMN_COUNT)?;
            // `at` is RFC 3339 in JST (+09:00): its first ten characters are the JST day.
            let handed_on = at
                .as_deref()
                .and_then(|a| a.get(..10))
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            Ok(PendingReceipt::new(
                card_from_row(r)?,
                handed_on,
                rules,
                calendar,
            ))
        })
    }

    /// Make a receipt return batch of `cards` (rows), or of every pending receipt when None.
    pub fn create_receipt_batch(
        &mut self,
        cards: Option<&[i64]>,
        on: NaiveDate,
        tracking_no: Option<&str>,
        officer_id: Option<i64>,
    ) -> Result<ReturnBatch, StoreError> {
        let rows: Vec<i64> = match cards {
            None => self.pending_receipts()?.into_iter().map(|c| c.id).collect(),
            Some(list) => {
                for &row in list {
                    let c = self.require_card(row)?;
                    if c.state != CardState::HandedOver
                        || c.receipt != Some(ReceiptStatus::Captured)
                    {
                        return Err(StoreError::Refused(format!(
                            "カード {} には返送待ちの受領書がありません（受領書: {}）",
                            c.card_id,
                            c.receipt.map(|r| r.label()).unwrap_or("なし")
                        )));
                    }
                }
                list.to_vec()
            }
        };
        self.create_batch(BatchKind::Receipts, &rows, on, tracking_no, officer_id)
    }

    /// Make a batch of uncollected cards to go back to JMACA. Every card must be at the desk
    /// (交付待ち) and not on hold.
    pub fn create_card_return_batch(
        &mut self,
        cards: &[i64],
        on: NaiveDate,
        tracking_no: Option<&str>,
        officer_id: Option<i64>,
    ) -> Result<ReturnBatch, StoreError> {
        for &row in cards {
            let c = self.require_card(row)?;
            if c.state != CardState::Awaiting {
                return Err(StoreError::Refused(format!(
                    "カード {} は「{}」のため返却できません",
                    c.card_id,
                    c.state.label()
                )));
            }
            if let Some(h) = self.hold(row)? {
                return Err(StoreError::Refused(format!(
                    "カード {} は保留中です（{}）。保留を解除してから返却してください",
                    c.card_id, h
                )));
            }
        }
        self.create_batch(BatchKind::Cards, cards, on, tracking_no, officer_id)
    }

    fn create_batch(
        &mut self,
        kind: BatchKind,
        rows: &[i64],
        on: NaiveDate,
        tracking_no: Option<&str>,
        officer_id: Option<i64>,
    ) -> Result<ReturnBatch, StoreError> {
        if rows.is_empty() {
            return Err(StoreError::Refused(match kind {
                BatchKind::Receipts => "返送する受領書がありません".to_string(),
                BatchKind::Cards => "返却するカードがありません".to_string(),
            }));
        }
        let mut sorted = rows.to_vec();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return Err(StoreError::Refused(
                "同じカードが2回指定されています".to_string(),
            ));
        }
        let tracking_no = tracking(tracking_no)?;
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        for &row in rows {
            if let Some(number) = live_batch_of(&tx, kind, row)? {
                let card_id: String =
                    tx.query_row("SELECT card_id FROM cards WHERE id = ?1", [row], |r| {
                        r.get(0)
                    })?;
                return Err(StoreError::Refused(match kind {
                    BatchKind::Receipts => {
                        format!("カード {card_id} の受領書は既に返送バッチ {number} に入っています")
                    }
                    BatchKind::Cards => {
                        format!("カード {card_id} は既に返却バッチ {number} に入っています")
                    }
                }));
            }
        }
        let number = next_number(&tx, kind, on)?;
        tx.execute(
            "INSERT INTO return_batches (kind, number, created_at, created_on, officer_id, tracking_no)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                kind.as_str(),
                number,
                self.clock.stamp(),
                on.to_string(),
                officer_id,
                tracking_no
            ],
        )?;
        let batch_id = tx.last_insert_rowid();
        {
            let mut ins = tx.prepare(
                "INSERT INTO return_batch_items (batch_id, card_row, kind) VALUES (?1, ?2, ?3)",
            )?;
            for &row in rows {
                ins.execute(params![batch_id, row, kind.as_str()])?;
            }
        }
        tx.audit(
            "return_batch_created",
            serde_json::json!({
                "batch_id": batch_id,
                "number": number,
                "kind": kind.as_str(),
                "count": rows.len(),
                "card_rows": rows,
                "tracking_no": tracking_no,
            }),
        )?;
        tx.commit()?;
        tracing::info!(batch_id, count = rows.len(), "return batch created");
        self.require_batch(&number)
    }

    /// Mark an open batch sent on `sent_on`: receipts → 返送済, cards → 返却済.
    pub fn mark_batch_sent(
        &mut self,
        number: &str,
        sent_on: NaiveDate,
        tracking_no: Option<&str>,
        officer_id: Option<i64>,
    ) -> Result<ReturnBatch, StoreError> {
        let batch = self.require_batch(number)?;
        if batch.status != BatchStatus::Open {
            return Err(StoreError::Refused(format!(
                "バッチ {} は「{}」のため送付済にできません",
                batch.number,
                batch.status.label()
            )));
        }
        let tracking_no = tracking(tracking_no)?.or(batch.tracking_no.clone());
        let now = self.clock.stamp();
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        for item in batch.live_items() {
            // Re-read inside the transaction: the card may have changed since the batch was made.
            let c = tx.query_row(
                &format!("SELECT {CARD_COLUMNS} FROM cards c WHERE c.id = ?1"),
                [item.card.id],
                card_from_row,
            )?;
            let (kind, detail) = match batch.kind {
                BatchKind::Receipts => {
                    let from = c.receipt.ok_or_else(|| {
                        StoreError::Refused(format!(
                            "カード {} の受領書がありません（交付が取り消された可能性があります）。バッチを取り消して作り直してください",
                            c.card_id
                        ))
                    })?;
                    let to = from
                        .apply(ReceiptAction::ReturnInBatch)
                        .map_err(|e| StoreError::Refused(format!("カード {}: {e}", c.card_id)))?;
                    tx.execute(
                        "UPDATE cards SET receipt = ?2, updated_at = ?3 WHERE id = ?1",
                        params![c.id, to.as_str(), now],
                    )?;
                    (
                        "receipt_returned",
                        serde_json::json!({"card_id": c.card_id, "batch": batch.number, "from": from.as_str(), "to": to.as_str()}),
                    )
                }
                BatchKind::Cards => {
                    let to = c.state.apply(CardAction::ReturnToJmaca)?;
                    tx.execute(
                        "UPDATE cards SET state = ?2, updated_at = ?3 WHERE id = ?1",
                        params![c.id, to.as_str(), now],
                    )?;
                    (
                        "card_returned",
                        serde_json::json!({"card_id": c.card_id, "batch": batch.number, "from": c.state.as_str(), "to": to.as_str()}),
                    )
                }
            };
            tx.audit_card(kind, c.id, detail)?;
        }
        tx.execute(
            "UPDATE return_batches SET status = 'sent', sent_on = ?2, sent_at = ?3, tracking_no = ?4 WHERE id = ?1",
            params![batch.id, sent_on.to_string(), now, tracking_no],
        )?;
        tx.audit(
            "return_batch_sent",
            serde_json::json!({
                "batch_id": batch.id,
                "number": batch.number,
                "kind": batch.kind.as_str(),
                "count": batch.live_items().count(),
                "sent_on": sent_on.to_string(),
                "tracking_no": tracking_no,
            }),
        )?;
        tx.commit()?;
        tracing::info!(batch_id = batch.id, "return batch sent");
        self.require_batch(number)
    }

    /// Correct a batch: an open batch is cancelled; a sent receipt batch is reopened (receipts
    /// back to 回収済・未返送, free for a new batch). A sent card batch cannot be reopened: the
    /// cards are at JMACA.
    pub fn reopen_batch(
        &mut self,
        number: &str,
        reason: &str,
        officer_id: Option<i64>,
    ) -> Result<ReturnBatch, StoreError> {
        let reason = required_text(reason, "訂正の理由")?;
        let batch = self.require_batch(number)?;
        match (batch.kind, batch.status) {
            (_, BatchStatus::Reopened) => {
                return Err(StoreError::Refused(format!(
                    "バッチ {} は既に取り消されています",
                    batch.number
                )));
            }
            (BatchKind::Cards, BatchStatus::Sent) => {
                return Err(StoreError::Refused(format!(
                    "返却バッチ {} は送付済です。カードは JMACA にあるため取り消せません",
                    batch.number
                )));
            }
            _ => {}
        }
        let now = self.clock.stamp();
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        if batch.kind == BatchKind::Receipts && batch.status == BatchStatus::Sent {
            for item in batch.live_items() {
                let receipt: Option<String> = tx.query_row(
                    "SELECT receipt FROM cards WHERE id = ?1",
                    [item.card.id],
                    |r| r.get(0),
                )?;
                let from = receipt
                    .as_deref()
                    .and_then(ReceiptStatus::parse)
                    .ok_or_else(|| {
                        StoreError::Refused(format!(
                            "カード {} の受領書の状態が不明です",
                            item.card.card_id
                        ))
                    })?;
                let to = from.apply(ReceiptAction::ReopenBatch).map_err(|e| {
                    StoreError::Refused(format!("カード {}: {e}", item.card.card_id))
                })?;
                tx.execute(
                    "UPDATE cards SET receipt = ?2, updated_at = ?3 WHERE id = ?1",
                    params![item.card.id, to.as_str(), now],
                )?;
                tx.audit_card("receipt_return_reopened", item.card.id, serde_json::json!({"card_id": item.card.card_id, "batch": batch.number, "from": from.as_str(), "to": to.as_str()}))?;
            }
        }
        tx.execute(
            "UPDATE return_batch_items SET active = 0 WHERE batch_id = ?1",
            [batch.id],
        )?;
        tx.execute(
            "UPDATE return_batches SET status = 'reopened', reopened_at = ?2, reopen_reason = ?3 WHERE id = ?1",
            params![batch.id, now, reason],
        )?;
        tx.audit(
            "return_batch_reopened",
            serde_json::json!({
                "batch_id": batch.id,
                "number": batch.number,
                "kind": batch.kind.as_str(),
                "was": batch.status.as_str(),
                "reason": reason,
            }),
        )?;
        tx.commit()?;
        tracing::info!(batch_id = batch.id, "return batch reopened");
        self.require_batch(number)
    }

    /// Before a card goes into the envelope: the card read must belong to the open card batch
    /// `number` (by certificate serial, else by kanji name among the batch's cards). Records the
    /// check; refuses a card that is not in the batch.
    pub fn verify_return_card(
        &mut self,
        number: &str,
        cert: &CertificateFacts,
        officer_id: Option<i64>,
    ) -> Result<CardRecord, StoreError> {
        let batch = self.require_batch(number)?;
        if batch.kind != BatchKind::Cards || batch.status != BatchStatus::Open {
            return Err(StoreError::Refused(format!(
                "バッチ {} は未送付の返却バッチではありません",
                batch.number
            )));
        }
        let serial = normalise_serial(&cert.serial_hex);
        let by_serial = batch.live_items().find(|i| {
            i.card
                .cert_serial
                .as_deref()
                .is_some_and(|s| normalise_serial(s) == serial)
        });
        let found = by_serial.or_else(|| {
            let kanji = cert.name_kanji.as_deref().map(search_key)?;
            let mut same = batch
                .live_items()
                .filter(|i| i.card.cert_serial.is_none() && search_key(&i.card.name) == kanji);
            let first = same.next();
            if same.next().is_some() { None } else { first }
        });
        let Some(item) = found else {
            tracing::warn!(batch_id = batch.id, "card read is not in the return batch");
            return Err(StoreError::Refused(format!(
                "このカードは返却バッチ {} に含まれていません。封入しないでください",
                batch.number
            )));
        };
        let card = item.card.clone();
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        tx.execute(
            "UPDATE return_batch_items SET verified_at = ?3 WHERE batch_id = ?1 AND card_row = ?2",
            params![batch.id, card.id, self.clock.stamp()],
        )?;
        tx.audit_card("return_card_verified", card.id, serde_json::json!({"card_id": card.card_id, "batch": batch.number, "cert_serial": serial}))?;
        tx.commit()?;
        Ok(card)
    }

    /// A batch by number, or a refusal naming it.
    pub fn require_batch(&self, number: &str) -> Result<ReturnBatch, StoreError> {
        self.return_batch(number)?
            .ok_or_else(|| StoreError::Refused(format!("バッチ「{}」はありません", number.trim())))
    }

    pub fn return_batch(&self, number: &str) -> Result<Option<ReturnBatch>, StoreError> {
        let number = number.trim().to_ascii_uppercase();
        let head = self
            .conn()
            .query_row(
                &format!("SELECT {BATCH_COLUMNS} FROM return_batches WHERE number = ?1"),
                [&number],
                batch_from_row,
            )
            .optional()?;
        let Some(mut b) = head else { return Ok(None) };
        let sql = format!(
            "SELECT {CARD_COLUMNS}, i.active, i.verified_at FROM return_batch_items i
             JOIN cards c ON c.id = i.card_row WHERE i.batch_id = ?1 ORDER BY c.card_id"
        );
        b.items = query_all(self.conn(), &sql, [b.id], |r| {
            Ok(BatchItem {
                card: card_from_row(r)?,
                active: r.get(CARD_COLUMN_COUNT)?,
                verified_at: r.get(CARD_COLUMN_COUNT + 1)?,
            })
        })?;
        Ok(Some(b))
    }

    /// All batches of a kind (or all), newest first, with their items.
    pub fn return_batches(&self, kind: Option<BatchKind>) -> Result<Vec<ReturnBatch>, StoreError> {
        let numbers: Vec<String> = query_all(
            self.conn(),
            "SELECT number FROM return_batches WHERE ?1 IS NULL OR kind = ?1 ORDER BY id DESC",
            [kind.map(|k| k.as_str())],
            |r| r.get(0),
        )?;
        let mut out = Vec::with_capacity(numbers.len());
        for n in numbers {
            out.extend(self.return_batch(&n)?);
        }
        Ok(out)
    }
}

/// The columns of a batch's head, in the order [`batch_from_row`] reads them.
const BATCH_COLUMNS: &str =
    "id, kind, number, created_on, created_at, officer_id, tracking_no, status,
                        sent_on, reopen_reason";

fn batch_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReturnBatch> {
    let date = |idx: usize, s: String| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    Ok(ReturnBatch {
        id: r.get(0)?,
        kind: BatchKind::parse(&r.get::<_, String>(1)?),
        number: r.get(2)?,
        created_on: date(3, r.get(3)?)?,
        created_at: r.get(4)?,
        officer_id: r.get(5)?,
        tracking_no: r.get(6)?,
        status: BatchStatus::parse(&r.get::<_, String>(7)?),
        sent_on: r
            .get::<_, Option<String>>(8)?
            .map(|s| date(8, s))
            .transpose()?,
        reopen_reason: r.get(9)?,
        items: Vec::new(),
    })
}
