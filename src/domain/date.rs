//! TEMPORARY minimal version (replaced by the rules branch).
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap())
}
pub fn now_jst() -> DateTime<FixedOffset> {
    Utc::now().with_timezone(&jst())
}
pub fn today_jst() -> NaiveDate {
    now_jst().date_naive()
}
#[derive(Debug, thiserror::Error)]
#[error("日付として読めません: 「{0}」")]
pub struct DateError(String);
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| DateError(s.to_string()))
}
pub fn format_wareki(d: NaiveDate) -> String {
    d.to_string()
}
