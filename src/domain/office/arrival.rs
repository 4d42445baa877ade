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
    /// How the officer resolved it (e.g. 「JMACAに返送」), once resolved.
    #[serde(default)]
    pub resolution: Option<String>,
}

/// A problem of the arrival check that the officer resolves with a note: a failed check of
/// a list row, or a card that is not in the list (every kind has a way out, issue 11 #7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalProblem {
    /// The failed check of the card in this row.
    Failed { card_row: i64 },
    /// Every unresolved read of the card with this certificate serial (not in the list).
    NotInList { cert_serial: String },
}

/// What resolving an arrival problem recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArrivalResolution {
    pub problem: ArrivalProblem,
    /// Card ID (failed check) or 「シリアル …」 (not in the list), for messages.
    pub label: String,
    pub note: String,
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
    /// List rows with no card read that are no longer at the desk (handed over, mailed or
    /// returned before the arrival check): counted so that the rows add up to `total`.
    #[serde(default)]
    pub left_unread: Vec<CardBrief>,
    /// Cards read that are not in the list and not resolved, one per certificate serial.
    pub strays: Vec<Stray>,
    /// Cards not in the list, resolved with a note.
    #[serde(default)]
    pub strays_resolved: Vec<Stray>,
    /// Every read recorded (list rows and cards not in the list, re-reads included).
    #[serde(default)]
    pub reads: u64,
}

impl ArrivalSummary {
    /// Open problems: failed checks and cards not in the list, both unresolved.
    pub fn open_problems(&self) -> usize {
        self.failed.len() + self.strays.len()
    }

    /// One line of counts that add up: the list rows split by state (their sum is
    /// `total`), then the reads and the cards not in the list, which are not list rows.
    pub fn count_line(&self) -> String {
        format!(
            "{}枚 = 確認済{}+不一致{}+解決済{}+未読取{}+読まずに交付等{} | 読取{}回 | 名簿にない{}",
            self.total,
            self.verified.len(),
            self.failed.len(),
            self.resolved.len(),
            self.not_read.len(),
            self.left_unread.len(),
            self.reads,
            self.strays.len() + self.strays_resolved.len(),
        )
    }

    /// The counts with what each one is (the summary dialog and the CLI).
    pub fn breakdown(&self) -> Vec<String> {
        vec![
            format!("発送リストのカード {} 枚の内訳:", self.total),
            format!("  確認済 {}（読み取って名簿と一致）", self.verified.len()),
            format!(
                "  不一致 {}（未解決。解決を記録するまで交付できません）",
                self.failed.len()
            ),
            format!(
                "  解決済 {}（不一致を確認して記録済み）",
                self.resolved.len()
            ),
            format!(
                "  未読取 {}（窓口にあり、まだ読み取っていない）",
                self.not_read.len()
            ),
            format!(
                "  読まずに交付等 {}（入荷確認の前に交付・郵送・返却されたカード）",
                self.left_unread.len()
            ),
            format!(
                "読取 {} 回（読み直しと名簿にないカードの読取を含む）",
                self.reads
            ),
            format!(
                "名簿にないカード {} 枚（未解決 {}、解決済 {}）",
                self.strays.len() + self.strays_resolved.len(),
                self.strays.len(),
                self.strays_resolved.len()
            ),
            "  名簿にないカードは発送リストの枚数に含まれません。".to_string(),
        ]
    }
}

/// An imported shipment (発送リスト).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentInfo {
    pub id: i64,
    pub arrived_on: String,
    pub file_name: String,
    pub row_count: i64,
}
