//! Batches sent back to JMACA: 受領書返送 (signed receipts) and 返却 (uncollected cards).

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::calendar::DeskCalendar;
use crate::domain::office::ReceiptRules;
use crate::domain::record::CardRecord;

/// A signed 対面交付用受領書 collected at the counter and in no return batch yet: its card, the
/// JST day of the handover, and the day it should go back to JMACA by (`[receipts]` of
/// `rules.toml`, counted in the desk calendar's open or calendar days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReceipt {
    pub card: CardRecord,
    /// None only if the handover row cannot be read (never for a receipt the desk captured).
    pub handed_on: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
}

impl PendingReceipt {
    pub fn new(
        card: CardRecord,
        handed_on: Option<NaiveDate>,
        rules: &ReceiptRules,
        calendar: &DeskCalendar,
    ) -> Self {
        let due = handed_on.and_then(|d| rules.due(d, calendar));
        PendingReceipt {
            card,
            handed_on,
            due,
        }
    }

    /// Past its return day on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.due.is_some_and(|d| today > d)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    /// 受領書返送: batch numbers R2026-0001, …
    Receipts,
    /// 未交付カードの返却: batch numbers C2026-0001, …
    Cards,
}

impl BatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchKind::Receipts => "receipts",
            BatchKind::Cards => "cards",
        }
    }
    pub(crate) fn prefix(self) -> char {
        match self {
            BatchKind::Receipts => 'R',
            BatchKind::Cards => 'C',
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            BatchKind::Receipts => "対面交付用受領書の返送",
            BatchKind::Cards => "未交付カードの返却",
        }
    }
    pub(crate) fn parse(s: &str) -> BatchKind {
        if s == "cards" {
            BatchKind::Cards
        } else {
            BatchKind::Receipts
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Made up, not yet sent.
    Open,
    Sent,
    /// Cancelled or corrected: its items are free again.
    Reopened,
}

impl BatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Open => "open",
            BatchStatus::Sent => "sent",
            BatchStatus::Reopened => "reopened",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            BatchStatus::Open => "未送付",
            BatchStatus::Sent => "送付済",
            BatchStatus::Reopened => "取消（訂正）",
        }
    }
    pub(crate) fn parse(s: &str) -> BatchStatus {
        match s {
            "sent" => BatchStatus::Sent,
            "reopened" => BatchStatus::Reopened,
            _ => BatchStatus::Open,
        }
    }
}

/// One card (or its receipt) in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchItem {
    pub card: CardRecord,
    /// False once the batch was reopened.
    pub active: bool,
    /// When the card was read and matched before going into the envelope (card batches).
    pub verified_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnBatch {
    pub id: i64,
    pub kind: BatchKind,
    pub number: String,
    pub created_on: NaiveDate,
    pub created_at: String,
    pub officer_id: Option<i64>,
    pub tracking_no: Option<String>,
    pub status: BatchStatus,
    pub sent_on: Option<NaiveDate>,
    pub reopen_reason: Option<String>,
    /// Items in card-ID order.
    pub items: Vec<BatchItem>,
}

impl ReturnBatch {
    /// The items that belong to the batch now (all of them unless it was reopened).
    pub fn live_items(&self) -> impl Iterator<Item = &BatchItem> {
        self.items.iter().filter(|i| i.active)
    }
}
