//! 予約: a physician's booked pickup time.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::domain::record::CardRecord;

/// A card's appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appointment {
    /// JST date and time.
    pub at: NaiveDateTime,
    pub note: Option<String>,
    pub card: CardRecord,
}
