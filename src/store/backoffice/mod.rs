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
