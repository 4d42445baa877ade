//! 本人限定受取郵便: cards dispatched by restricted-delivery mail and their outcome.
//!
//! Delivered: 郵送中 → 郵送済. Returned undelivered: 郵送中 → 交付待ち; the dispatch (handover row)
//! and the outcome row stay, so the history shows both.

use chrono::NaiveDate;
use rusqlite::params;

use super::{OfficerChange, required_text};
pub use crate::domain::office::mail::MailItem;
use crate::domain::record::CardRecord;
use crate::domain::state::CardAction;
use crate::store::{
    CARD_COLUMN_COUNT, CARD_COLUMNS, Store, StoreError, card_from_row, first_value, query_all,
};

impl Store {
    /// Cards now 郵送中, with the dispatch that sent them, oldest dispatch first.
    pub fn mailed_cards(&self) -> Result<Vec<MailItem>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS}, h.id, h.dispatch_date, h.tracking_no FROM cards c
             JOIN handovers h ON h.id = (SELECT max(x.id) FROM handovers x WHERE x.card_row = c.id)
             WHERE c.state = 'mailed' ORDER BY h.dispatch_date, c.card_id"
        );
        query_all(self.conn(), &sql, [], |r| {
            Ok(MailItem {
                card: card_from_row(r)?,
                handover_id: r.get(CARD_COLUMN_COUNT)?,
                dispatch_date: r.get(CARD_COLUMN_COUNT + 1)?,
                tracking_no: r.get(CARD_COLUMN_COUNT + 2)?,
            })
        })
    }

    fn mail_item(&self, card_row: i64) -> Result<MailItem, StoreError> {
        let card = self.require_card(card_row)?;
        self.mailed_cards()?
            .into_iter()
            .find(|m| m.card.id == card_row)
            .ok_or_else(|| {
                StoreError::Refused(format!(
                    "カード {} は郵送中ではありません（状態: {}）",
                    card.card_id,
                    card.state.label()
                ))
            })
    }

    /// The post office handed the card over: 郵送中 → 郵送済.
    pub fn record_mail_delivered(
        &mut self,
        card_row: i64,
        on: NaiveDate,
        officer_id: Option<i64>,
    ) -> Result<CardRecord, StoreError> {
        self.record_mail_outcome(card_row, on, None, officer_id)
    }

    /// The card came back undelivered: 郵送中 → 交付待ち, with the reason (e.g. 保管期間経過).
    pub fn record_mail_returned(
        &mut self,
        card_row: i64,
        on: NaiveDate,
        reason: &str,
        officer_id: Option<i64>,
    ) -> Result<CardRecord, StoreError> {
        let reason = required_text(reason, "返送の理由")?;
        self.record_mail_outcome(card_row, on, Some(reason), officer_id)
    }

    fn record_mail_outcome(
        &mut self,
        card_row: i64,
        on: NaiveDate,
        returned_reason: Option<String>,
        officer_id: Option<i64>,
    ) -> Result<CardRecord, StoreError> {
        let item = self.mail_item(card_row)?;
        let (action, outcome, kind) = match returned_reason {
            None => (CardAction::MailDelivered, "delivered", "mail_delivered"),
            Some(_) => (
                CardAction::MailReturnedUndelivered,
                "returned",
                "mail_returned_undelivered",
            ),
        };
        let next = item.card.state.apply(action)?;
        let now = self.clock.stamp();
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        let already: Option<String> = first_value(
            &tx,
            "SELECT outcome FROM mail_outcomes WHERE handover_id = ?1",
            [item.handover_id],
        )?;
        if already.is_some() {
            return Err(StoreError::Refused(format!(
                "カード {} の郵送結果は既に記録されています",
                item.card.card_id
            )));
        }
        tx.execute(
            "INSERT INTO mail_outcomes (handover_id, card_row, outcome, on_date, at, officer_id, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                item.handover_id,
                card_row,
                outcome,
                on.to_string(),
                now,
                officer_id,
                returned_reason
            ],
        )?;
        // Back at the desk, the card has no receipt status until its next handover.
        tx.execute(
            "UPDATE cards SET state = ?2, updated_at = ?3,
                receipt = CASE WHEN ?2 = 'awaiting' THEN NULL ELSE receipt END
             WHERE id = ?1",
            params![card_row, next.as_str(), now],
        )?;
        tx.audit_card(
            kind,
            card_row,
            serde_json::json!({
                "card_id": item.card.card_id,
                "handover_id": item.handover_id,
                "on": on.to_string(),
                "from": item.card.state.as_str(),
                "to": next.as_str(),
                "reason": returned_reason,
            }),
        )?;
        tx.commit()?;
        tracing::info!(
            card_row,
            handover_id = item.handover_id,
            outcome,
            "mail outcome"
        );
        self.require_card(card_row)
    }
}
