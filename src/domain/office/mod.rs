//! The back office's value types (業務メニュー: 受領書返送, 本人限定受取郵便, 予約, 未交付カード,
//! 入荷確認, 日報・月報): what the store returns and the screens show. Pure data and rules; the
//! queries that fill them live in `store::office`, one file of the same name each.

pub mod appointments;
pub mod arrival;
pub mod mail;
pub mod reports;
pub mod returns;
pub mod uncollected;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::calendar::DayCount;

pub use appointments::Appointment;
pub use arrival::{
    ArrivalCheck, ArrivalOutcome, ArrivalProblem, ArrivalRead, ArrivalResolution, ArrivalSummary,
    CardBrief, Stray,
};
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

    /// The day the receipt of a card handed over on `handed_on` should be sent by.
    pub fn due(
        &self,
        handed_on: NaiveDate,
        calendar: &crate::domain::calendar::DeskCalendar,
    ) -> Option<NaiveDate> {
        calendar.add_days(handed_on, self.return_within_days, self.count)
    }
}
