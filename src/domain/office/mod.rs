//! The back office's value types (業務メニュー: 受領書返送, 本人限定受取郵便, 予約, 未交付カード,
//! 入荷確認, 日報・月報): what the store returns and the screens show. Pure data and rules; the
//! queries that fill them live in `store::backoffice`, one file of the same name each.

pub mod appointments;
pub mod arrival;
pub mod mail;
pub mod reports;
pub mod returns;
pub mod uncollected;

use serde::{Deserialize, Serialize};

pub use appointments::Appointment;
pub use arrival::{ArrivalCheck, ArrivalOutcome, ArrivalRead, ArrivalSummary, CardBrief, Stray};
pub use mail::MailItem;
pub use reports::{DailyReport, MonthlyReport, ReportLine, SentBatch};
pub use returns::{BatchItem, BatchKind, BatchStatus, ReturnBatch};
pub use uncollected::{Contact, ContactMethod, DueAction, UncollectedCard, due_action};

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
}

impl Default for UncollectedRules {
    fn default() -> Self {
        UncollectedRules {
            notice_days: 30,
            renotice_days: 90,
            return_days: 180,
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
