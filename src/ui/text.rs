//! Width-aware text helpers and date formatting for the screens.

use chrono::{Datelike, NaiveDate};
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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
/// [`fit`], with a mark when something was cut: nothing is cut silently (a long name in a
/// column ends in `mark`).
pub fn fit_marked(s: &str, width: usize, mark: &str) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = fit(s, width.saturating_sub(mark.width()));
    if width >= mark.width() {
        out.push_str(mark);
    }
    out
}

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

/// How good a line break between two characters is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    /// Never: inside a number, date or code, or against kinsoku (禁則).
    Never,
    /// Allowed, but inside a word (e.g. before okurigana or a particle).
    Allowed,
    /// A phrase boundary: after a space or punctuation, before a word after kana.
    Good,
}

/// Characters a line may not start with (行頭禁則): closing brackets and punctuation, small
/// kana, the long-vowel mark, iteration marks.
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | ','
            | '.'
            | ')'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | ']'
            | '}'
            | '］'
            | '｝'
            | '／'
            | '・'
            | '：'
            | '；'
            | ':'
            | ';'
            | '!'
            | '?'
            | '！'
            | '？'
            | 'ー'
            | '～'
            | '〜'
            | '%'
            | '％'
            | '々'
            | 'ゝ'
            | 'ゞ'
            | 'ヽ'
            | 'ヾ'
            | '゛'
            | '゜'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ゎ'
            | 'ゕ'
            | 'ゖ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
    )
}

/// Characters a line may not end with (行末禁則): opening brackets, currency signs.
fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '(' | '（'
            | '「'
            | '『'
            | '【'
            | '〔'
            | '〈'
            | '《'
            | '['
            | '{'
            | '［'
            | '｛'
            | '¥'
            | '￥'
            | '$'
            | '＄'
            | '#'
            | '＃'
    )
}

/// Part of a number or a code: ASCII letters, digits and the punctuation inside codes and
/// dates (`R6.4.1`, `03-6634-0904`, `D2610000123`, `10:30`), and their full-width forms.
fn in_token(c: char) -> bool {
    (c.is_ascii_graphic() && !matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | '"' | '\''))
        || ('０'..='９').contains(&c)
        || ('Ａ'..='Ｚ').contains(&c)
        || ('ａ'..='ｚ').contains(&c)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c)
}

/// The break before `chars[i]` (1 ≤ i < len).
fn break_before(chars: &[char], i: usize) -> Break {
    let a = chars[i - 1];
    let b = chars[i];
    let before_a = i.checked_sub(2).map(|j| chars[j]);
    if b.is_whitespace() {
        // Break after the spaces instead (they are dropped at the line's end).
        return Break::Never;
    }
    if no_line_start(b) || no_line_end(a) {
        return Break::Never;
    }
    if a.is_whitespace() {
        // Keep 「80 x 24」 whole: no break around a lone `x` between numbers.
        let lone_x = |c: Option<char>| matches!(c, Some('x' | '×'));
        let next = chars.get(i + 1).copied();
        if (lone_x(Some(b)) && next.is_some_and(char::is_whitespace))
            || (lone_x(before_a) && i >= 3 && chars[i - 3].is_whitespace())
        {
            return Break::Never;
        }
        return Break::Good;
    }
    if in_token(a) && in_token(b) {
        return Break::Never;
    }
    // A number with its unit or date part: 8年11月25日, 10時30分, 5,500円, 令和8, 第3.
    const UNITS: &str = "年月日時分秒円件枚回歳人通週号点個名";
    if is_digit(a) && UNITS.contains(b) {
        return Break::Never;
    }
    if is_digit(b)
        && ("年月日時分".contains(a) && before_a.is_some_and(is_digit)
            || "和成正治第約計全".contains(a))
    {
        return Break::Never;
    }
    if matches!(
        a,
        '、' | '。' | '，' | '．' | '）' | '」' | '』' | '】' | '〕' | '・' | '：'
    ) || (is_hiragana(a) && !is_hiragana(b))
        || matches!(b, '（' | '「' | '『' | '【' | '〔')
    {
        return Break::Good;
    }
    Break::Allowed
}

/// Where to split `chars` (with display widths `widths`) into lines of at most `width` cells:
/// the `(start, end)` char range of each line, spaces at a break left out. Breaks prefer phrase
/// boundaries, never split numbers, dates and codes, and follow kinsoku; only a run that fits
/// nowhere is cut at a character boundary.
pub fn line_ranges(chars: &[char], widths: &[usize], width: usize) -> Vec<(usize, usize)> {
    let width = width.max(2);
    let n = chars.len();
    // Bracket depth before each char: a phrase boundary inside brackets is only "allowed", so
    // a bracketed aside such as 「（祝日（成人の日））」 moves to the next line whole if it can.
    let mut depth = vec![0usize; n + 1];
    for (k, c) in chars.iter().enumerate() {
        depth[k + 1] = match c {
            '（' | '「' | '『' | '【' | '〔' | '(' => depth[k] + 1,
            '）' | '」' | '』' | '】' | '〕' | ')' => depth[k].saturating_sub(1),
            _ => depth[k],
        };
    }
    let level_at = |b: usize| match break_before(chars, b) {
        Break::Good if depth[b] > 0 => Break::Allowed,
        level => level,
    };
    let mut out = Vec::new();
    let mut start = 0usize;
    while start < n {
        let mut used = 0usize;
        let mut i = start;
        while i < n && used + widths[i] <= width {
            used += widths[i];
            i += 1;
        }
        if i >= n {
            out.push((start, trim_end(chars, start, n)));
            break;
        }
        let end = if chars[i].is_whitespace() {
            i
        } else {
            let mut best: Option<(Break, usize)> = None;
            let mut cells = 0usize;
            let mut cells_at = vec![0usize; i - start + 1];
            for (k, j) in (start..i).enumerate() {
                cells += widths[j];
                cells_at[k + 1] = cells;
            }
            for b in (start + 1..=i).rev() {
                let level = level_at(b);
                if level == Break::Never {
                    continue;
                }
                // A phrase boundary is taken unless it leaves the line under a third full.
                if level == Break::Good && cells_at[b - start] * 3 >= width {
                    best = Some((level, b));
                    break;
                }
                if best.is_none() {
                    best = Some((level, b));
                }
            }
            best.map(|(_, b)| b).unwrap_or(i.max(start + 1))
        };
        out.push((start, trim_end(chars, start, end)));
        start = end;
        while start < n && chars[start].is_whitespace() {
            start += 1;
        }
    }
    if out.is_empty() {
        out.push((0, 0));
    }
    out
}

fn trim_end(chars: &[char], start: usize, mut end: usize) -> usize {
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    end
}

/// Wrap lines to `width` cells with [`line_ranges`], keeping each span's style. Never lets a
/// wide character straddle the right edge (which breaks a border in a real terminal).
pub fn wrap_lines(lines: Vec<Line<'_>>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width).max(2);
    let mut out = Vec::new();
    for line in lines {
        let line_style = line.style;
        let mut chars = Vec::new();
        let mut styles = Vec::new();
        for span in &line.spans {
            for c in display(&span.content).chars() {
                chars.push(c);
                styles.push(span.style);
            }
        }
        let widths: Vec<usize> = chars.iter().map(|c| c.width().unwrap_or(0)).collect();
        for (start, end) in line_ranges(&chars, &widths, width) {
            let mut spans: Vec<Span<'static>> = Vec::new();
            let mut piece = String::new();
            let mut style = None;
            for k in start..end {
                if style.is_some_and(|s| s != styles[k]) {
                    spans.push(Span::styled(
                        std::mem::take(&mut piece),
                        style.unwrap_or_default(),
                    ));
                }
                style = Some(styles[k]);
                piece.push(chars[k]);
            }
            if !piece.is_empty() {
                spans.push(Span::styled(piece, style.unwrap_or_default()));
            }
            out.push(Line::from(spans).style(line_style));
        }
    }
    out
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
        // Nothing is cut silently: a cut name ends in the mark; one that fits stays as it is.
        assert_eq!(fit_marked("神楽坂三十四", 9, "…"), "神楽坂三…");
        assert_eq!(fit_marked("神楽坂三十四", 9, "~"), "神楽坂三~");
        assert_eq!(fit_marked("山田太郎", 8, "…"), "山田太郎");
        assert_eq!(pad("山田", 6), "山田  ");
        assert_eq!(pad("ab", 1), "a");
    }

    fn wrapped(s: &str, width: u16) -> Vec<String> {
        wrap_lines(vec![Line::from(s.to_string())], width)
            .iter()
            .map(|l| l.spans.iter().map(|sp| sp.content.as_ref()).collect())
            .collect()
    }

    /// Issue 11 #13: the breaks seen on screen (`R6|.4.1`, `8|0 x 24`, `期限|を`, `だけで|す`).
    #[test]
    fn numbers_dates_and_codes_stay_whole() {
        for (text, width) in [
            (
                "例: 2024-04-01, 令和6年4月1日, R6.4.1 のように入力します",
                24,
            ),
            ("QRコードを表示するには 80 x 24 以上の端末が必要です", 22),
            ("カードID D2610000123 の照合", 16),
            ("有効期限は令和13年4月2日です", 14),
        ] {
            for l in wrapped(text, width) {
                assert!(l.width() <= usize::from(width), "{l}");
            }
        }
        let w = wrapped("カードID D2610000123 の照合", 16);
        assert!(w.iter().any(|l| l.contains("D2610000123")), "{w:?}");
        let w = wrapped("QRコードを表示するには 80 x 24 以上の端末が必要です", 22);
        assert!(w.iter().any(|l| l.contains("80 x 24")), "{w:?}");
        let w = wrapped(
            "例: 2024-04-01, 令和6年4月1日, R6.4.1 のように入力します",
            24,
        );
        assert!(w.iter().any(|l| l.contains("R6.4.1")), "{w:?}");
        assert!(w.iter().any(|l| l.contains("令和6年4月1日")), "{w:?}");
        let w = wrapped("有効期限は令和13年4月2日です", 14);
        assert!(w.iter().any(|l| l.contains("令和13年4月2日")), "{w:?}");
    }

    #[test]
    fn japanese_breaks_at_phrases_and_follows_kinsoku() {
        // No line starts with a small kana, a closing bracket or punctuation.
        for width in 6..30 {
            for text in [
                "カードを読み取ってください。（確認済）「写真照合」は不要です",
                "更新期限を過ぎたカードは交付できません、ご注意ください",
                "解決を記録できるのは不一致の行だけです",
            ] {
                let w = wrapped(text, width);
                assert_eq!(w.concat(), text.replace(' ', ""), "width {width}");
                for l in &w[1..] {
                    let first = l.chars().next().unwrap_or(' ');
                    assert!(
                        !no_line_start(first),
                        "width {width}: line starts with {first}: {w:?}"
                    );
                }
            }
        }
        // A phrase boundary is preferred to a break inside a word.
        let w = wrapped("更新期限を過ぎたカードは交付できません", 12);
        assert_eq!(w[0], "更新期限を", "{w:?}");
        let w = wrapped("解決を記録できるのは不一致の行だけです", 16);
        assert!(!w.iter().any(|l| l.ends_with("だけで")), "{w:?}");
    }
}
