//! 入荷確認: the outcome of reading each card of a shipment on arrival.

use serde::Serialize;

use crate::domain::matching::MatchOutcome;

/// Result of one arrival check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalOutcome {
    /// 入荷確認済: the card matches its list row (a near match is recorded with its reasons).
    Verified,
    /// 入荷確認で不一致: the card does not match; handover is blocked until resolved.
    Failed,
}

impl ArrivalOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ArrivalOutcome::Verified => "verified",
            ArrivalOutcome::Failed => "failed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ArrivalOutcome::Verified => "入荷確認済",
            ArrivalOutcome::Failed => "入荷確認で不一致",
        }
    }
    pub(crate) fn parse(s: &str) -> ArrivalOutcome {
        if s == "verified" {
            ArrivalOutcome::Verified
        } else {
            ArrivalOutcome::Failed
        }
    }
}

/// One stored arrival check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArrivalCheck {
    pub id: i64,
    pub card_row: i64,
    pub card_id: String,
    pub at: String,
    pub officer_id: Option<i64>,
    pub result: ArrivalOutcome,
    /// `match` / `near_match` / `mismatch`.
    pub match_result: String,
    /// Japanese reasons shown to the officer.
    pub reasons: Vec<String>,
    pub cert_serial_read: Option<String>,
    /// The resolution note of a failed check, once resolved.
    pub resolution: Option<String>,
}

impl ArrivalCheck {
    /// Failed and not yet resolved: the card may not be handed over.
    pub fn blocks_handover(&self) -> bool {
        self.result == ArrivalOutcome::Failed && self.resolution.is_none()
    }
}

/// A list row in a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardBrief {
    pub card_row: i64,
    pub card_id: String,
    pub name: String,
}

/// A card read on arrival that is not in the shipping list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stray {
    pub id: i64,
    pub shipment_id: Option<i64>,
    pub at: String,
    pub cert_serial: String,
    pub subject_cn: String,
    pub name_kanji: Option<String>,
}

/// What reading one card on arrival did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrivalRead {
    /// The card belongs to a list row; the check is recorded.
    Checked {
        check: ArrivalCheck,
        outcome: MatchOutcome,
    },
    /// No list row for this card: recorded as a stray.
    NotInList(Stray),
}

/// The state of a shipment's arrival check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArrivalSummary {
    pub shipment_id: Option<i64>,
    /// List rows (cards) considered.
    pub total: u64,
    pub verified: Vec<ArrivalCheck>,
    /// Failed and not resolved.
    pub failed: Vec<ArrivalCheck>,
    /// Failed, then resolved with a note.
    pub resolved: Vec<ArrivalCheck>,
    /// List rows still at the desk with no card read yet.
    pub not_read: Vec<CardBrief>,
    /// Cards read that are not in the list.
    pub strays: Vec<Stray>,
}

/// An imported shipment (発送リスト).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentInfo {
    pub id: i64,
    pub arrived_on: String,
    pub file_name: String,
    pub row_count: i64,
}
