//! The card record as the desk knows it (one row of a JMACA shipment).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::expiry::{IssueContext, IssueType};
use super::{CardState, Membership, ReceiptStatus, Route};

/// One card at (or once at) the desk. Never holds a registration-QR payload: only whether one exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRecord {
    /// Database row id (used in logs instead of names).
    pub id: i64,
    /// JMACA card ID (letters and digits).
    pub card_id: String,
    /// 氏名 in kanji as in the manifest, exactly as imported (non-BMP and IVS kept).
    pub name: String,
    /// フリガナ (stored as imported; compare through `search::search_key`).
    pub kana: String,
    pub romaji: Option<String>,
    pub birth_date: NaiveDate,
    pub issue_date: NaiveDate,
    /// 有効期限 printed on the card (from the manifest).
    pub expiry_date: NaiveDate,
    pub membership: Option<Membership>,
    /// Planned route from the manifest (窓口/郵送), if given.
    pub route: Option<Route>,
    /// Certificate serial (hex, lower case) when the manifest carries it.
    pub cert_serial: Option<String>,
    pub note: Option<String>,
    pub has_registration_qr: bool,
    pub state: CardState,
    pub receipt: Option<ReceiptStatus>,
    /// Date the shipment was imported (到着日), JST.
    pub arrived_on: NaiveDate,
    pub shipment_id: i64,
    /// 発行区分 from the shipping list, when given.
    #[serde(default)]
    pub issue_type: Option<IssueType>,
    /// 旧有効期限 (the previous card's expiry) from the shipping list, when given.
    #[serde(default)]
    pub previous_expiry: Option<NaiveDate>,
}

impl CardRecord {
    /// What the expiry rules need besides the dates.
    pub fn issue_context(&self) -> IssueContext {
        IssueContext {
            issue_type: self.issue_type,
            previous_expiry: self.previous_expiry,
        }
    }
}
