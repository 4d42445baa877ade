//! Dates as the desk sees them: Japan Standard Time, 和暦 (Japanese era) and Gregorian input.
//!
//! Officers type dates in many shapes (`2024-04-01`, `令和6年4月1日`, `R6.4.1`, full-width
//! digits from an IME …). [`parse_date`] accepts all of them and rejects impossible dates and
//! dates outside an era with a Japanese message. Only 昭和・平成・令和 are supported: every
//! physician card holder was born after 1926-12-25.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

const JST_OFFSET_SECS: i32 = 9 * 3600;

const JST: FixedOffset = match FixedOffset::east_opt(JST_OFFSET_SECS) {
    Some(offset) => offset,
    None => panic!("+09:00 is a valid offset"),
};

/// A date known at compile time (only ever evaluated in `const` items).
const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => panic!("constant date must exist"),
    }
}

/// Japan Standard Time, UTC+09:00 (no daylight saving).
pub fn jst() -> FixedOffset {
    JST
}

/// The JST calendar date of an instant, e.g. a certificate's `notAfter`
/// (`2029-04-02T14:59:59Z` is 2029-04-02 23:59:59 JST → 2029-04-02).
pub fn to_jst_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&JST).date_naive()
}

/// Why a typed date was rejected. The Display text is shown to the officer as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("日付が入力されていません（例: 2024-04-01, 令和6年4月1日, R6.4.1）")]
    Empty,
    #[error("日付として読めません: 「{0}」（例: 2024-04-01, 令和6年4月1日, R6.4.1）")]
    Unreadable(String),
    #[error("存在しない日付です: 「{0}」")]
    Nonexistent(String),
    #[error("元号の範囲外です: 「{input}」（{era}は{range}）")]
    EraOutOfRange {
        input: String,
        era: &'static str,
        range: String,
    },
    #[error(
        "元号の範囲外です: 「{input}」（{era}には対応していません。昭和・平成・令和または西暦で入力してください）"
    )]
    UnsupportedEra { input: String, era: &'static str },
}

/// The eras the desk needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    pub const ALL: [Era; 3] = [Era::Showa, Era::Heisei, Era::Reiwa];

    /// Kanji name: 昭和 / 平成 / 令和.
    pub fn name(self) -> &'static str {
        match self {
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// One-letter abbreviation used in short forms: S / H / R.
    pub fn letter(self) -> char {
        match self {
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// First day of the era.
    pub fn first_day(self) -> NaiveDate {
        const SHOWA: NaiveDate = ymd(1926, 12, 25);
        const HEISEI: NaiveDate = ymd(1989, 1, 8);
        const REIWA: NaiveDate = ymd(2019, 5, 1);
        match self {
            Era::Showa => SHOWA,
            Era::Heisei => HEISEI,
            Era::Reiwa => REIWA,
        }
    }

    /// Last day of the era (inclusive); `None` for the current era.
    pub fn last_day(self) -> Option<NaiveDate> {
        const SHOWA_END: NaiveDate = ymd(1989, 1, 7);
        const HEISEI_END: NaiveDate = ymd(2019, 4, 30);
        match self {
            Era::Showa => Some(SHOWA_END),
            Era::Heisei => Some(HEISEI_END),
            Era::Reiwa => None,
        }
    }

    /// Gregorian year of the era's first year (元年).
    fn first_year(self) -> i32 {
        self.first_day().year()
    }

    fn contains(self, d: NaiveDate) -> bool {
        d >= self.first_day() && self.last_day().is_none_or(|last| d <= last)
    }

    fn range_text(self) -> String {
        let first = format_kanji_gregorian(self.first_day());
        match self.last_day() {
            Some(last) => format!("{first}〜{}", format_kanji_gregorian(last)),
            None => format!("{first}以降"),
        }
    }

    /// The era a date falls in, if any of the supported ones.
    pub fn of(d: NaiveDate) -> Option<Era> {
        Era::ALL.into_iter().find(|era| era.contains(d))
    }
}

fn format_kanji_gregorian(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// ISO 8601 calendar date: `2024-04-01`.
pub fn format_iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Long 和暦: `令和6年4月1日`, `令和元年5月1日`. Dates before 昭和 fall back to `1920年1月1日`.
pub fn format_wareki(d: NaiveDate) -> String {
    match Era::of(d) {
        Some(era) => {
            let n = d.year() - era.first_year() + 1;
            let year = if n == 1 {
                "元".to_string()
            } else {
                n.to_string()
            };
            format!("{}{}年{}月{}日", era.name(), year, d.month(), d.day())
        }
        None => format_kanji_gregorian(d),
    }
}

/// Short 和暦: `R6.4.1`, `H31.4.30`, `S50.1.2` (元年 is `R1`). Dates before 昭和 fall back to ISO.
pub fn format_wareki_short(d: NaiveDate) -> String {
    match Era::of(d) {
        Some(era) => format!(
            "{}{}.{}.{}",
            era.letter(),
            d.year() - era.first_year() + 1,
            d.month(),
            d.day()
        ),
        None => format_iso(d),
    }
}

/// The 和暦 year a date falls in: `令和4年`, `令和元年` (Gregorian `1920年` before 昭和).
pub fn format_wareki_year(d: NaiveDate) -> String {
    match Era::of(d) {
        Some(era) => match d.year() - era.first_year() + 1 {
            1 => format!("{}元年", era.name()),
            n => format!("{}{n}年", era.name()),
        },
        None => format!("{}年", d.year()),
    }
}

/// Parse a year alone, e.g. the year a national exam was passed: `2022`, `2022年`, `令和4年`,
/// `令和4`, `R4`, `令和元年`. An era year must overlap the era (平成31 yes, 平成32 no).
pub fn parse_year(s: &str) -> Result<i32, DateError> {
    let input = s.trim();
    if input.is_empty() {
        return Err(DateError::Empty);
    }
    let norm = normalise(input);
    let body = norm.strip_suffix('年').unwrap_or(&norm);
    let unreadable = || DateError::Unreadable(input.to_string());
    let (calendar, rest) = strip_era(body).map_err(|era| DateError::UnsupportedEra {
        input: input.to_string(),
        era,
    })?;
    match calendar {
        Calendar::Gregorian => digits(rest, 4, 4)
            .and_then(|y| i32::try_from(y).ok())
            .ok_or_else(unreadable),
        Calendar::Era(era) => {
            let n = if rest == "元" {
                1
            } else {
                digits(rest, 1, 2).ok_or_else(unreadable)?
            };
            let year = era.first_year() + i32::try_from(n).map_err(|_| unreadable())? - 1;
            let last_year = era.last_day().map(|d| d.year());
            if n == 0 || last_year.is_some_and(|last| year > last) {
                return Err(DateError::EraOutOfRange {
                    input: input.to_string(),
                    era: era.name(),
                    range: era.range_text(),
                });
            }
            Ok(year)
        }
    }
}

/// Both forms for display: `令和6年4月1日（2024-04-01）`.
pub fn format_both(d: NaiveDate) -> String {
    format!("{}（{}）", format_wareki(d), format_iso(d))
}

/// Which calendar the typed text uses.
enum Calendar {
    Gregorian,
    Era(Era),
}

/// Normalise what an officer typed: NFKC (full-width → ASCII, ㋿ → 令和), no whitespace,
/// every dash-like character → `-`, letters upper-case.
fn normalise(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}' => '-',
            other => other.to_ascii_uppercase(),
        })
        .collect()
}

fn strip_era(s: &str) -> Result<(Calendar, &str), &'static str> {
    const PREFIXES: [(&str, Option<Era>, &str); 10] = [
        ("令和", Some(Era::Reiwa), "令和"),
        ("平成", Some(Era::Heisei), "平成"),
        ("昭和", Some(Era::Showa), "昭和"),
        ("大正", None, "大正"),
        ("明治", None, "明治"),
        ("R", Some(Era::Reiwa), "令和"),
        ("H", Some(Era::Heisei), "平成"),
        ("S", Some(Era::Showa), "昭和"),
        ("T", None, "大正"),
        ("M", None, "明治"),
    ];
    for (prefix, era, name) in PREFIXES {
        if let Some(rest) = s.strip_prefix(prefix)
            && rest.starts_with(|c: char| c.is_ascii_digit() || c == '元')
        {
            return match era {
                Some(era) => Ok((Calendar::Era(era), rest)),
                None => Err(name),
            };
        }
    }
    Ok((Calendar::Gregorian, s))
}

fn digits(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Split the part after the era into (year, month, day) numbers, checking the shape only.
fn split_ymd(body: &str, era: bool) -> Option<(u32, u32, u32)> {
    let year = |y: &str| -> Option<u32> {
        if era {
            if y == "元" { Some(1) } else { digits(y, 1, 2) }
        } else {
            digits(y, 4, 4)
        }
    };
    let (y, m, d) = if let Some((y, rest)) = body.split_once('年') {
        let (m, rest) = rest.split_once('月')?;
        let d = rest.strip_suffix('日').unwrap_or(rest);
        (y, m, d)
    } else if body.bytes().all(|b| b.is_ascii_digit()) {
        // Compact forms: 20240401, or R060401 after an era letter.
        let year_len = if era { 2 } else { 4 };
        if body.len() != year_len + 4 {
            return None;
        }
        let (y, md) = body.split_at(year_len);
        let (m, d) = md.split_at(2);
        (y, m, d)
    } else {
        let sep = body
            .chars()
            .find(|c| !c.is_ascii_digit() && *c != '元')
            .filter(|c| matches!(c, '-' | '/' | '.'))?;
        let mut parts = body.split(sep);
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    Some((year(y)?, digits(m, 1, 2)?, digits(d, 1, 2)?))
}

/// Parse a date typed by an officer or read from a file.
///
/// Accepts ISO `2024-04-01`, `2024/4/1`, `2024.4.1`, `20240401`, `2024年4月1日`, and 和暦
/// `令和6年4月1日`, `令和元年5月1日`, `R6.4.1`, `R06/04/01`, `R060401`, `H31.4.30`, `S50.1.2`
/// (letters in either case, full-width characters, surrounding spaces).
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let input = s.trim();
    if input.is_empty() {
        return Err(DateError::Empty);
    }
    let norm = normalise(input);
    let unreadable = || DateError::Unreadable(input.to_string());
    let (calendar, body) = strip_era(&norm).map_err(|era| DateError::UnsupportedEra {
        input: input.to_string(),
        era,
    })?;
    let is_era = matches!(calendar, Calendar::Era(_));
    let (y, m, d) = split_ymd(body, is_era).ok_or_else(unreadable)?;
    let year = match calendar {
        Calendar::Gregorian => i32::try_from(y).map_err(|_| unreadable())?,
        Calendar::Era(era) => {
            if y == 0 {
                return Err(DateError::EraOutOfRange {
                    input: input.to_string(),
                    era: era.name(),
                    range: era.range_text(),
                });
            }
            era.first_year() + i32::try_from(y).map_err(|_| unreadable())? - 1
        }
    };
    let date = NaiveDate::from_ymd_opt(year, m, d)
        .ok_or_else(|| DateError::Nonexistent(input.to_string()))?;
    if let Calendar::Era(era) = calendar
        && !era.contains(date)
    {
        return Err(DateError::EraOutOfRange {
            input: input.to_string(),
            era: era.name(),
            range: era.range_text(),
        });
    }
    Ok(date)
}

/// Parse a date typed in a back-office field, where the year may be left out: `12/3`,
/// `12-3`, `12.3`, `12月3日` take the year of `today` (the clock's JST day); every form
/// [`parse_date`] takes is accepted as well.
pub fn parse_date_in_year(s: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let full = parse_date(s);
    if full.is_ok() {
        return full;
    }
    let input = s.trim();
    let norm = normalise(input);
    let md = if let Some((m, rest)) = norm.split_once('月') {
        let d = rest.strip_suffix('日').unwrap_or(rest);
        Some((m, d))
    } else {
        ['/', '-', '.']
            .iter()
            .find_map(|sep| norm.split_once(*sep))
            .filter(|(_, d)| !d.contains(['/', '-', '.']))
    };
    let Some((m, d)) = md else {
        return full;
    };
    let (Some(m), Some(d)) = (digits(m, 1, 2), digits(d, 1, 2)) else {
        return full;
    };
    NaiveDate::from_ymd_opt(today.year(), m, d).ok_or(DateError::Nonexistent(input.to_string()))
}

/// Parse a time of day typed by an officer: `14:00`, `9:30`, `1400`, `930`, `14時`,
/// `14時30分`, `14時半` (full-width digits accepted).
pub fn parse_time(s: &str) -> Result<chrono::NaiveTime, String> {
    let t = normalise(s);
    if t.is_empty() {
        return Err("時刻を入力してください（例: 10:30, 1030, 10時半）。".into());
    }
    let bad = || {
        format!(
            "時刻「{}」を読み取れません（例: 10:30, 1030, 10時半）。",
            s.trim()
        )
    };
    let (h, m) = if let Some((h, rest)) = t.split_once('時') {
        let m = match rest {
            "" => "0",
            "半" => "30",
            r => r.strip_suffix('分').unwrap_or(r),
        };
        (h, m)
    } else if let Some((h, m)) = t.split_once(':') {
        if m.len() != 2 {
            return Err(bad());
        }
        (h, m)
    } else if t.len() == 3 || t.len() == 4 {
        if !t.is_ascii() {
            return Err(bad());
        }
        t.split_at(t.len() - 2)
    } else if t.len() <= 2 {
        (t.as_str(), "0")
    } else {
        return Err(bad());
    };
    let (Some(h), Some(m)) = (digits(h, 1, 2), digits(m, 1, 2)) else {
        return Err(bad());
    };
    chrono::NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

/// Parse a date and time typed in one field: `2026-12-03 14:00`, `12/3 1400`, `12月3日 14時`,
/// `2026-12-03T14:00` (the date as [`parse_date_in_year`], the time as [`parse_time`]).
pub fn parse_date_time_in_year(s: &str, today: NaiveDate) -> Result<chrono::NaiveDateTime, String> {
    let t: String = s.nfkc().collect();
    let t = t.trim();
    let split = t
        .rsplit_once(char::is_whitespace)
        .or_else(|| t.rsplit_once('T'))
        .or_else(|| t.find('日').map(|i| t.split_at(i + '日'.len_utf8())));
    let Some((date, time)) = split else {
        return Err(format!(
            "日時「{}」を読み取れません。日付と時刻を空白で区切って入力してください（例: 2026-12-03 14:00, 12/3 1400）。",
            s.trim()
        ));
    };
    let date = parse_date_in_year(date, today).map_err(|e| e.to_string())?;
    let time = parse_time(time)?;
    Ok(date.and_time(time))
}

/// A stored RFC 3339 timestamp as JST to the second (`2026-11-25 10:00:00`), for exports and
/// screens; text that is not a timestamp is returned as is.
pub fn format_stamp_jst(stamp: &str) -> String {
    match DateTime::parse_from_rfc3339(stamp) {
        Ok(t) => t
            .with_timezone(&JST)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        Err(_) => stamp.to_string(),
    }
}

/// Serde helper for data files: a date given either as a TOML local date (`from = 2021-07-01`)
/// or as a string in any form [`parse_date`] accepts (`from = "令和3年7月1日"`).
pub(crate) fn de_date<'de, D>(deserializer: D) -> Result<NaiveDate, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value = toml::Value::deserialize(deserializer)?;
    date_from_toml(&value).map_err(serde::de::Error::custom)
}

/// Like [`de_date`] for an optional field (use with `#[serde(default)]`).
pub(crate) fn de_opt_date<'de, D>(deserializer: D) -> Result<Option<NaiveDate>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value = Option::<toml::Value>::deserialize(deserializer)?;
    value
        .map(|v| date_from_toml(&v))
        .transpose()
        .map_err(serde::de::Error::custom)
}

fn date_from_toml(value: &toml::Value) -> Result<NaiveDate, String> {
    match value {
        toml::Value::String(s) => parse_date(s).map_err(|e| e.to_string()),
        toml::Value::Datetime(dt) => match (dt.date, dt.time) {
            (Some(date), None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(|| format!("存在しない日付です: 「{dt}」")),
            _ => Err(format!(
                "日付だけを書いてください（時刻は不要です）: 「{dt}」"
            )),
        },
        other => Err(format!(
            "日付として読めません（{}）: 2024-04-01 または \"令和6年4月1日\" の形で書いてください",
            other.type_str()
        )),
    }
}

/// `test_date(2026, 4, 1)`: a date the domain's tests know to be valid.
#[cfg(test)]
pub(crate) fn test_date(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

#[cfg(test)]
mod tests;
