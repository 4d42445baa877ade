//! Width-aware text helpers and date formatting for the screens.

use chrono::{Datelike, NaiveDate};
use unicode_width::UnicodeWidthStr;

/// Truncate to at most `width` display cells (never splits a character).
pub fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.to_string().width();
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// Pad with spaces to exactly `width` cells (truncating if longer).
pub fn pad(s: &str, width: usize) -> String {
    let mut out = fit(s, width);
    let w = out.width();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// 令和8年11月25日.
pub fn wareki(d: NaiveDate) -> String {
    crate::domain::date::format_wareki(d)
}

/// S60.4.2 — compact form for table columns.
pub fn wareki_short(d: NaiveDate) -> String {
    crate::domain::date::format_wareki_short(d)
}

/// Day of the week in Japanese.
pub fn weekday(d: NaiveDate) -> &'static str {
    ["月", "火", "水", "木", "金", "土", "日"][d.weekday().num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_and_pad_count_cells() {
        assert_eq!(fit("山田太郎", 5), "山田");
        assert_eq!(pad("山田", 6), "山田  ");
        assert_eq!(pad("ab", 1), "a");
    }
}
