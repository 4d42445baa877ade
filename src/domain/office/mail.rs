//! 本人限定受取郵便: a card out by restricted-delivery mail.

use serde::Serialize;

use crate::domain::record::CardRecord;

/// A card out by restricted-delivery mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailItem {
    pub card: CardRecord,
    pub handover_id: i64,
    pub dispatch_date: Option<String>,
    /// お問い合わせ番号 (digits).
    pub tracking_no: Option<String>,
}
