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

use rusqlite::{OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};

pub use appointments::Appointment;
pub use arrival::{ArrivalCheck, ArrivalOutcome, ArrivalSummary};
pub use mail::MailItem;
pub use returns::{BatchKind, BatchStatus, ReturnBatch};

use chrono::NaiveDate;

use crate::domain::calendar::DayCount;
pub use uncollected::{Contact, ContactMethod, DueAction, UncollectedCard};

/// Deadlines for uncollected cards, from the `[uncollected]` table of `data/rules.toml`.
/// UNVERIFIED: no JMACA rule is known; the defaults follow My Number card desks (DOMAIN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncollectedRules {
    /// Days after arrival when the first notice (連絡) is due.
    pub notice_days: u32,
    /// Days after arrival when a re-notice (再連絡) is due.
    pub renotice_days: u32,
    /// Days after arrival when the card is to go back to JMACA.
    pub return_days: u32,
    /// How the days are counted: "calendar_days" (default) or "open_days" (days the desk is
    /// open, from data/calendar.toml).
    #[serde(default)]
    pub count: DayCount,
}

impl Default for UncollectedRules {
    fn default() -> Self {
        UncollectedRules {
            notice_days: 30,
            renotice_days: 90,
            return_days: 180,
            count: DayCount::CalendarDays,
        }
    }
}

#[derive(Deserialize)]
struct RulesFileUncollected {
    uncollected: Option<UncollectedRules>,
}

impl UncollectedRules {
    /// Parse the `[uncollected]` table from the text of `rules.toml` (other tables are ignored).
    /// A file without the table gives the defaults; deadlines must grow notice < re-notice < return.
    pub fn from_rules_toml(text: &str) -> Result<UncollectedRules, String> {
        let f: RulesFileUncollected =
            toml::from_str(text).map_err(|e| format!("[uncollected]: {}", e.message()))?;
        let r = f.uncollected.unwrap_or_default();
        if !(r.notice_days < r.renotice_days && r.renotice_days < r.return_days) {
            return Err(format!(
                "[uncollected]: 日数は notice_days < renotice_days < return_days にしてください（{} / {} / {}）",
                r.notice_days, r.renotice_days, r.return_days
            ));
        }
        Ok(r)
    }
}

impl UncollectedRules {
    /// Load from `rules.toml` of the data source (the override folder, else the built-in copy).
    /// The error names the file.
    pub fn load(source: &crate::data::DataSource) -> Result<UncollectedRules, String> {
        let (text, origin) = source.read("rules.toml").map_err(|e| e.to_string())?;
        Self::from_rules_toml(&text).map_err(|e| format!("{origin}: {e}"))
    }
}

/// When signed receipts should go back to JMACA (`[receipts]` of `data/rules.toml`).
/// UNVERIFIED: no JMACA deadline is known; this is a desk reminder, never a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRules {
    /// Days after the handover by which the receipt should be in a return batch.
    pub return_within_days: u32,
    /// "calendar_days" or "open_days" (data/calendar.toml).
    #[serde(default)]
    pub count: DayCount,
}

impl Default for ReceiptRules {
    fn default() -> Self {
        ReceiptRules {
            return_within_days: 14,
            count: DayCount::CalendarDays,
        }
    }
}

#[derive(Deserialize)]
struct RulesFileReceipts {
    receipts: Option<ReceiptRules>,
}

impl ReceiptRules {
    /// Parse the `[receipts]` table from the text of `rules.toml` (defaults when absent).
    pub fn from_rules_toml(text: &str) -> Result<ReceiptRules, String> {
        let f: RulesFileReceipts =
            toml::from_str(text).map_err(|e| format!("[receipts]: {}", e.message()))?;
        let r = f.receipts.unwrap_or_default();
        if r.return_within_days == 0 {
            return Err("[receipts]: return_within_days は1以上にしてください".into());
        }
        Ok(r)
    }

    /// Load from `rules.toml` of the data source; the error names the file.
    pub fn load(source: &crate::data::DataSource) -> Result<ReceiptRules, String> {
        let (text, origin) = source.read("rules.toml").map_err(|e| e.to_string())?;
        Self::from_rules_toml(&text).map_err(|e| format!("{origin}: {e}"))
    }

    /// The day the receipt of a card handed over on `handed_on` should be sent by.
    pub fn due(
        &self,
        handed_on: NaiveDate,
        calendar: &crate::domain::calendar::DeskCalendar,
    ) -> Option<NaiveDate> {
        calendar.add_days(handed_on, self.return_within_days, self.count)
    }
}

/// Refuse an officer that does not exist or is disabled (disabled officers cannot be chosen).
pub(crate) fn check_officer(tx: &Transaction<'_>, officer: Option<i64>) -> Result<(), StoreError> {
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

/// A required free-text field: trimmed, not empty.
pub(crate) fn required_text(s: &str, what: &str) -> Result<String, StoreError> {
    let t = s.trim();
    if t.is_empty() {
        Err(StoreError::Refused(format!("{what}を入力してください")))
    } else {
        Ok(t.to_string())
    }
}

pub(crate) fn now_text() -> String {
    crate::domain::date::now_jst().to_rfc3339()
}

impl Store {
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
