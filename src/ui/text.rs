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

/// (era name, one-letter abbreviation, first day)
const ERAS: [(&str, &str, (i32, u32, u32)); 5] = [
    ("令和", "R", (2019, 5, 1)),
    ("平成", "H", (1989, 1, 8)),
    ("昭和", "S", (1926, 12, 25)),
    ("大正", "T", (1912, 7, 30)),
    ("明治", "M", (1868, 1, 25)),
];

fn era(d: NaiveDate) -> Option<(&'static str, &'static str, i32)> {
    for (name, abbr, (y, m, day)) in ERAS {
        let start = NaiveDate::from_ymd_opt(y, m, day)?;
        if d >= start {
            return Some((name, abbr, d.year() - y + 1));
        }
    }
    None
}

/// 令和8年11月25日 (元年 for the first year).
pub fn wareki(d: NaiveDate) -> String {
    match era(d) {
        Some((name, _, 1)) => format!("{name}元年{}月{}日", d.month(), d.day()),
        Some((name, _, y)) => format!("{name}{y}年{}月{}日", d.month(), d.day()),
        None => d.format("%Y-%m-%d").to_string(),
    }
}

/// S60.04.02 — compact form for table columns.
pub fn wareki_short(d: NaiveDate) -> String {
    match era(d) {
        Some((_, abbr, y)) => format!("{abbr}{y:02}.{:02}.{:02}", d.month(), d.day()),
        None => d.format("%Y.%m.%d").to_string(),
    }
}

/// Day of the week in Japanese.
pub fn weekday(d: NaiveDate) -> &'static str {
    ["月", "火", "水", "木", "金", "土", "日"][d.weekday().num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eras() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(wareki(d(2026, 11, 25)), "令和8年11月25日");
        assert_eq!(wareki(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(wareki(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(wareki_short(d(1985, 4, 2)), "S60.04.02");
        assert_eq!(wareki_short(d(1989, 1, 7)), "S64.01.07");
        assert_eq!(wareki_short(d(1989, 1, 8)), "H01.01.08");
    }

    #[test]
    fn fit_and_pad_count_cells() {
        assert_eq!(fit("山田太郎", 5), "山田");
        assert_eq!(pad("山田", 6), "山田  ");
        assert_eq!(pad("ab", 1), "a");
    }
}
