//! Width-aware text helpers and date formatting for the screens.

use chrono::{Datelike, NaiveDate};
use unicode_width::UnicodeWidthStr;

/// Text as it is safe to draw: runs of half-width katakana (U+FF61–U+FF9F) become
/// full-width. A half-width (semi-)voiced mark is a separate terminal column but ratatui
/// counts it inside the previous character's cell, which leaves stray marks on screen.
/// Everything else (kanji variants, non-BMP characters, variation selectors) is kept.
pub fn display(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let is_hw = |c: char| ('\u{FF61}'..='\u{FF9F}').contains(&c);
    if !s.chars().any(is_hw) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars() {
        if is_hw(c) {
            run.push(c);
        } else {
            if !run.is_empty() {
                out.extend(run.nfkc());
                run.clear();
            }
            out.push(c);
        }
    }
    out.extend(run.nfkc());
    out
}

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
    fn half_width_kana_is_drawn_full_width() {
        assert_eq!(display("ﾜﾀﾅﾍﾞ  ｹﾝﾀ"), "ワタナベ  ケンタ");
        assert_eq!(display("山﨑　𠮷田"), "山﨑　𠮷田");
        assert_eq!(display("ﾊﾟｰﾄ"), "パート");
    }

    #[test]
    fn fit_and_pad_count_cells() {
        assert_eq!(fit("山田太郎", 5), "山田");
        assert_eq!(pad("山田", 6), "山田  ");
        assert_eq!(pad("ab", 1), "a");
    }
}
