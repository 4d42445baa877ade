//! What the officer commits at the end of a handover (pure data shared by the app and the store).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How the card left the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum HandoverRoute {
    /// 窓口交付・受領書あり: the signed 対面交付用受領書 was collected (signature and date checked).
    CounterWithReceipt,
    /// 窓口交付・発行完了通知はがき提出: the postcard was collected; no receipt goes back.
    CounterWithPostcard,
    /// 本人限定受取郵便: dispatched; no receipt goes back.
    Mail {
        dispatch_date: NaiveDate,
        /// お問い合わせ番号 (digits only, validated).
        tracking_no: String,
    },
}

impl HandoverRoute {
    pub fn as_str(&self) -> &'static str {
        match self {
            HandoverRoute::CounterWithReceipt => "counter_receipt",
            HandoverRoute::CounterWithPostcard => "counter_postcard",
            HandoverRoute::Mail { .. } => "mail",
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            HandoverRoute::CounterWithReceipt => "窓口交付（受領書あり）",
            HandoverRoute::CounterWithPostcard => "窓口交付（発行完了通知はがき提出）",
            HandoverRoute::Mail { .. } => "本人限定受取郵便で発送",
        }
    }
}

/// How the 初期登録用QRコード was handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QrHandover {
    /// The payload from the manifest was shown on the kiosk screen (then erased).
    ShownOnScreen,
    /// The printed QR sheet was handed over with the card.
    PrintedSheet,
    /// Enclosed with the card in the restricted-delivery envelope.
    EnclosedInMail,
}

impl QrHandover {
    pub fn as_str(self) -> &'static str {
        match self {
            QrHandover::ShownOnScreen => "shown_on_screen",
            QrHandover::PrintedSheet => "printed_sheet",
            QrHandover::EnclosedInMail => "enclosed_in_mail",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            QrHandover::ShownOnScreen => "画面に表示して読み取り",
            QrHandover::PrintedSheet => "印刷物を手渡し",
            QrHandover::EnclosedInMail => "郵便に同封",
        }
    }
}

/// Everything the officer confirmed, committed in one transaction with its audit event.
/// Holds no ID-document numbers, no PIN and no QR payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverCommit {
    /// Card row id.
    pub card: i64,
    pub route: HandoverRoute,
    /// IDs of the ID documents checked (from `data/id-documents.toml`); never their numbers.
    pub id_documents: Vec<String>,
    pub photo_checked: bool,
    /// The physician confirmed the card's printed details.
    pub details_confirmed: bool,
    /// `match` / `near_match` / `mismatch` as decided by the identity match.
    pub match_result: String,
    /// The reasons shown to the officer (Japanese).
    pub match_reasons: Vec<String>,
    /// The officer's reason when confirming a near match or recording an exception.
    pub officer_note: Option<String>,
    /// True when a mismatch was recorded as an exception.
    pub exception: bool,
    pub qr: QrHandover,
    /// Certificate serial read from the card at the counter (hex).
    pub cert_serial_read: Option<String>,
    /// A second active officer who confirmed this handover (required for a 不一致 recorded as
    /// an exception). None for an ordinary handover.
    #[serde(default)]
    pub confirmation: Option<Confirmation>,
}

/// A second officer's confirmation: who, and their passphrase when they have one. The
/// passphrase is checked by the store and never serialised or shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub officer_id: i64,
    #[serde(skip)]
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for Confirmation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Confirmation")
            .field("officer_id", &self.officer_id)
            .field("passphrase", &self.passphrase.as_ref().map(|_| "***"))
            .finish()
    }
}
