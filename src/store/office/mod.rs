//! The back office of the desk: arrival checks, appointments, receipt and card return batches,
//! restricted-delivery outcomes, uncollected cards, reports, automatic backups and restore, and
//! officer passphrases.
//!
//! Every state change runs in one transaction together with its audit event; refusals are
//! Japanese [`StoreError::Refused`] messages; logs carry record IDs only.

pub mod appointments;
pub mod arrival;
pub mod backups;
pub mod mail;
pub mod officers;
pub mod reports;
pub mod returns;
pub mod uncollected;

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{Store, StoreError, audit};
use crate::clock::Clock;

pub use appointments::Appointment;
pub use arrival::{ArrivalCheck, ArrivalOutcome, ArrivalSummary};
pub use mail::MailItem;
pub use returns::{BatchKind, BatchStatus, ReturnBatch};

pub use uncollected::{Contact, ContactMethod, DueAction, UncollectedCard};

pub use crate::domain::office::UncollectedRules;

pub use crate::domain::office::ReceiptRules;

/// Refuse an officer that does not exist or is disabled (disabled officers cannot be chosen).
fn check_officer(tx: &Transaction<'_>, officer: Option<i64>) -> Result<(), StoreError> {
    let Some(id) = officer else { return Ok(()) };
    let active: Option<bool> = tx
        .query_row("SELECT active FROM officers WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match active {
        None => Err(StoreError::Refused(format!(
            "担当者 {id} は登録されていません"
        ))),
        Some(false) => Err(StoreError::Refused(format!(
            "担当者 {id} は無効化されています。別の担当者を選んでください"
        ))),
        Some(true) => Ok(()),
    }
}

/// Begin a change made by `officer`: refused, before anything is written, when the officer is
/// unknown or disabled.
fn officer_transaction(
    conn: &mut Connection,
    officer: Option<i64>,
) -> Result<Transaction<'_>, StoreError> {
    let tx = conn.transaction()?;
    check_officer(&tx, officer)?;
    Ok(tx)
}

/// A change made by one officer, in one transaction: begun (like [`officer_transaction`]) only
/// when the officer may act, its audit events carry that officer and the store's clock. Reads
/// and writes go through the transaction it derefs to.
pub(crate) struct OfficerChange<'c> {
    tx: Transaction<'c>,
    clock: &'c Clock,
    officer_id: Option<i64>,
}

impl<'c> OfficerChange<'c> {
    pub(crate) fn begin(
        conn: &'c mut Connection,
        clock: &'c Clock,
        officer_id: Option<i64>,
    ) -> Result<Self, StoreError> {
        Ok(OfficerChange {
            tx: officer_transaction(conn, officer_id)?,
            clock,
            officer_id,
        })
    }

    /// Append this change's audit event about the card in `card_row`.
    pub(crate) fn audit_card(
        &self,
        kind: &str,
        card_row: i64,
        detail: serde_json::Value,
    ) -> Result<String, StoreError> {
        self.append(kind, Some(card_row), detail)
    }

    /// Append this change's audit event about no single card (a batch, a shipment read).
    pub(crate) fn audit(
        &self,
        kind: &str,
        detail: serde_json::Value,
    ) -> Result<String, StoreError> {
        self.append(kind, None, detail)
    }

    fn append(
        &self,
        kind: &str,
        card_row: Option<i64>,
        detail: serde_json::Value,
    ) -> Result<String, StoreError> {
        let event = audit::NewEvent {
            kind,
            officer_id: self.officer_id,
            card_row,
            detail,
        };
        audit::append(&self.tx, self.clock, event)
    }

    pub(crate) fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit()?)
    }
}

impl<'c> std::ops::Deref for OfficerChange<'c> {
    type Target = Transaction<'c>;

    fn deref(&self) -> &Transaction<'c> {
        &self.tx
    }
}

/// A required free-text field: trimmed, not empty.
pub(crate) fn required_text(s: &str, what: &str) -> Result<String, StoreError> {
    let t = s.trim();
    if t.is_empty() {
        Err(StoreError::Refused(format!("{what}を入力してください")))
    } else {
        Ok(t.to_string())
    }
}

impl Store {
    /// The record of `card_row`, refused unless it is waiting at the desk: "カード … は「…」のため
    /// {refusal}" (e.g. `予約できません`).
    pub(crate) fn awaiting_card(
        &self,
        card_row: i64,
        refusal: &str,
    ) -> Result<crate::domain::record::CardRecord, StoreError> {
        let card = self.require_card(card_row)?;
        if card.state != crate::domain::CardState::Awaiting {
            return Err(StoreError::Refused(format!(
                "カード {} は「{}」のため{refusal}",
                card.card_id,
                card.state.label()
            )));
        }
        Ok(card)
    }

    /// The record for a JMACA card ID, or a Japanese refusal naming it.
    pub fn require_card_id(
        &self,
        card_id: &str,
    ) -> Result<crate::domain::record::CardRecord, StoreError> {
        self.card_by_card_id(card_id)?.ok_or_else(|| {
            StoreError::Refused(format!(
                "カードID「{}」は登録されていません",
                card_id.trim()
            ))
        })
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn receipt_reminder_counts_open_days_over_the_new_year() {
        let cal = crate::domain::calendar::DeskCalendar::shipped().unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let r = ReceiptRules::from_rules_toml(include_str!("../../../data/rules.toml")).unwrap();
        assert_eq!((r.return_within_days, r.count), (10, DayCount::OpenDays));
        // Handed over Fri 2026-12-25: open days 12-28, 01-04..08, 01-12..15 → the 10th is 01-15.
        assert_eq!(r.due(d(2026, 12, 25), &cal), Some(d(2027, 1, 15)));
        let calendar_days = ReceiptRules {
            count: DayCount::CalendarDays,
            ..r
        };
        assert_eq!(
            calendar_days.due(d(2026, 12, 25), &cal),
            Some(d(2027, 1, 4))
        );
        assert!(ReceiptRules::from_rules_toml("[receipts]\nreturn_within_days = 0\n").is_err());
        assert_eq!(
            ReceiptRules::from_rules_toml("").unwrap(),
            ReceiptRules::default()
        );
    }

    use super::*;
    use crate::domain::calendar::DayCount;
    use chrono::NaiveDate;

    #[test]
    fn shipped_rules_carry_the_uncollected_table() {
        let r =
            UncollectedRules::from_rules_toml(include_str!("../../../data/rules.toml")).unwrap();
        assert_eq!(r, UncollectedRules::default());
    }

    #[test]
    fn missing_table_gives_defaults_and_bad_order_is_refused() {
        assert_eq!(
            UncollectedRules::from_rules_toml("").unwrap(),
            UncollectedRules::default()
        );
        let err = UncollectedRules::from_rules_toml(
            "[uncollected]\nnotice_days = 90\nrenotice_days = 30\nreturn_days = 180\n",
        )
        .unwrap_err();
        assert!(err.contains("notice_days"), "{err}");
        assert!(UncollectedRules::from_rules_toml("[uncollected]\nnotice_days = 1\n").is_err());
    }
}
