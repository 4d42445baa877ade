//! The desk calendar (`data/calendar.toml`): closed weekdays, national holidays, the year-end
//! closure and the desk's own closed days. Every day is a JST calendar day; nothing here reads
//! the clock: callers pass the day.
//!
//! National holidays are a published list (内閣府), not computed: a day in a year past the last
//! listed year is answered as if no holiday fell on it, and [`DeskCalendar::beyond_holidays`]
//! says so, so the caller shows a warning instead of a guess.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

use super::date::format_both;

/// Why the desk is closed on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closure {
    /// A closed weekday (e.g. 土曜日).
    Weekday(Weekday),
    /// A national holiday with its name (e.g. 元日, 休日（振替休日）).
    Holiday(String),
    /// The year-end closure (年末年始).
    YearEnd(String),
    /// A day the desk closes (e.g. 創立記念日), with its label.
    Desk(String),
}

impl Closure {
    /// The name shown to the officer, e.g. 「日曜日」「祝日（元日）」「年末年始休業」.
    pub fn label(&self) -> String {
        match self {
            Closure::Weekday(w) => format!("{}曜日", weekday_kanji(*w)),
            // 内閣府's list calls a substitute holiday and a 国民の休日 「休日」.
            Closure::Holiday(name) if name.starts_with("休日") => name.clone(),
            Closure::Holiday(name) => format!("祝日（{name}）"),
            Closure::YearEnd(label) | Closure::Desk(label) => label.clone(),
        }
    }
}

/// 日, 月, … for a weekday.
pub fn weekday_kanji(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    match s.trim().trim_end_matches("曜日").trim_end_matches('曜') {
        "月" | "mon" | "monday" => Some(Weekday::Mon),
        "火" | "tue" | "tuesday" => Some(Weekday::Tue),
        "水" | "wed" | "wednesday" => Some(Weekday::Wed),
        "木" | "thu" | "thursday" => Some(Weekday::Thu),
        "金" | "fri" | "friday" => Some(Weekday::Fri),
        "土" | "sat" | "saturday" => Some(Weekday::Sat),
        "日" | "sun" | "sunday" => Some(Weekday::Sun),
        _ => None,
    }
}

/// How a deadline counts days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Every calendar day (the default).
    #[default]
    CalendarDays,
    /// Only days the desk is open.
    OpenDays,
}

/// (month, day).
type MonthDay = (u32, u32);

/// The year-end closure: from, until (inclusive; may wrap over New Year) and its label.
type YearEnd = (MonthDay, MonthDay, String);

/// The loaded calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskCalendar {
    closed_weekdays: Vec<Weekday>,
    holidays: BTreeMap<NaiveDate, String>,
    /// Years covered by the holiday list (inclusive).
    holiday_years: (i32, i32),
    /// Year-end closure: (month, day) from and until (inclusive; may wrap over New Year).
    year_end: Option<YearEnd>,
    desk_closed: BTreeMap<NaiveDate, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    #[serde(default)]
    closed_weekdays: Vec<String>,
    holidays_from_year: i32,
    holidays_until_year: i32,
    #[serde(default)]
    holidays_source: String,
    year_end: Option<RawYearEnd>,
    #[serde(default)]
    holidays: BTreeMap<String, String>,
    #[serde(default)]
    desk_closed: Vec<RawDeskDay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYearEnd {
    from: String,
    until: String,
    #[serde(default = "default_year_end_label")]
    label: String,
}

fn default_year_end_label() -> String {
    "年末年始休業".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeskDay {
    #[serde(deserialize_with = "super::date::de_date")]
    date: NaiveDate,
    label: String,
}

/// A problem in `data/calendar.toml` (Japanese, shown at start-up with the file name).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{0}")]
    Toml(String),
    #[error("closed_weekdays: 曜日が読めません: 「{0}」（例: \"土\", \"日\"）")]
    Weekday(String),
    #[error("holidays: 日付が読めません: 「{0}」（例: 2026-01-01 = \"元日\"）")]
    HolidayDate(String),
    #[error(
        "holidays: {date} は holidays_from_year〜holidays_until_year（{from}〜{until}年）の範囲外です"
    )]
    HolidayOutOfRange { date: String, from: i32, until: i32 },
    #[error("holidays_from_year が holidays_until_year より後です")]
    YearRange,
    #[error("year_end: 「{0}」は月-日（例: \"12-29\"）で書いてください")]
    MonthDay(String),
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn month_day(s: &str) -> Result<(u32, u32), CalendarError> {
    let bad = || CalendarError::MonthDay(s.to_string());
    let (m, d) = s.trim().split_once('-').ok_or_else(bad)?;
    let (m, d): (u32, u32) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    // 2024 is a leap year, so 02-29 is accepted.
    NaiveDate::from_ymd_opt(2024, m, d).ok_or_else(bad)?;
    Ok((m, d))
}

impl DeskCalendar {
    /// Parse the text of `calendar.toml`. TOML errors carry the line and column.
    pub fn from_toml(text: &str) -> Result<DeskCalendar, CalendarError> {
        let raw: RawCalendar = toml::from_str(text).map_err(|e| {
            let pos = e
                .span()
                .map(|s| line_col(text, s.start))
                .map(|(l, c)| format!("{l}行{c}列: "))
                .unwrap_or_default();
            CalendarError::Toml(format!("{pos}{}", e.message()))
        })?;
        let _ = raw.holidays_source;
        if raw.holidays_from_year > raw.holidays_until_year {
            return Err(CalendarError::YearRange);
        }
        let closed_weekdays = raw
            .closed_weekdays
            .iter()
            .map(|w| {
                parse_weekday(&w.to_lowercase()).ok_or_else(|| CalendarError::Weekday(w.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut holidays = BTreeMap::new();
        for (k, name) in raw.holidays {
            let d = NaiveDate::parse_from_str(k.trim(), "%Y-%m-%d")
                .map_err(|_| CalendarError::HolidayDate(k.clone()))?;
            if d.year() < raw.holidays_from_year || d.year() > raw.holidays_until_year {
                return Err(CalendarError::HolidayOutOfRange {
                    date: k,
                    from: raw.holidays_from_year,
                    until: raw.holidays_until_year,
                });
            }
            holidays.insert(d, name);
        }
        let year_end = match raw.year_end {
            None => None,
            Some(y) => Some((month_day(&y.from)?, month_day(&y.until)?, y.label)),
        };
        let desk_closed = raw
            .desk_closed
            .into_iter()
            .map(|d| (d.date, d.label))
            .collect();
        Ok(DeskCalendar {
            closed_weekdays,
            holidays,
            holiday_years: (raw.holidays_from_year, raw.holidays_until_year),
            year_end,
            desk_closed,
        })
    }

    /// The calendar shipped in `data/calendar.toml` (for scenes and tests; the app loads the
    /// data folder's copy).
    pub fn shipped() -> Result<DeskCalendar, CalendarError> {
        Self::from_toml(include_str!("../../data/calendar.toml"))
    }

    /// The first and last year of the holiday list.
    pub fn holiday_years(&self) -> (i32, i32) {
        self.holiday_years
    }

    /// Why the desk is closed on `day`, or `None` when it is open. The desk's own days first,
    /// then the year-end closure, holidays, closed weekdays.
    pub fn closure(&self, day: NaiveDate) -> Option<Closure> {
        if let Some(label) = self.desk_closed.get(&day) {
            return Some(Closure::Desk(label.clone()));
        }
        if let Some((from, until, label)) = &self.year_end {
            let md = (day.month(), day.day());
            let inside = if from <= until {
                *from <= md && md <= *until
            } else {
                md >= *from || md <= *until
            };
            if inside {
                return Some(Closure::YearEnd(label.clone()));
            }
        }
        if let Some(name) = self.holidays.get(&day) {
            return Some(Closure::Holiday(name.clone()));
        }
        if self.closed_weekdays.contains(&day.weekday()) {
            return Some(Closure::Weekday(day.weekday()));
        }
        None
    }

    pub fn is_open(&self, day: NaiveDate) -> bool {
        self.closure(day).is_none()
    }

    /// Whether `day` lies outside the years whose national holidays are listed: the answer for
    /// it does not know its holidays.
    pub fn beyond_holidays(&self, day: NaiveDate) -> bool {
        day.year() < self.holiday_years.0 || day.year() > self.holiday_years.1
    }

    /// The officer's warning for a day outside the holiday list, if it is.
    pub fn holiday_warning(&self, day: NaiveDate) -> Option<String> {
        self.beyond_holidays(day).then(|| {
            format!(
                "{}年の祝日は data/calendar.toml にまだありません（{}〜{}年のみ）。祝日かどうか確認してください",
                day.year(),
                self.holiday_years.0,
                self.holiday_years.1
            )
        })
    }

    /// The message refusing `day` for an appointment, e.g.
    /// 「令和9年1月1日（2027-01-01）は休業日です（年末年始休業）。別の日を選んでください」.
    pub fn refusal(&self, day: NaiveDate) -> Option<String> {
        self.closure(day).map(|c| {
            format!(
                "{}は休業日です（{}）。別の日を選んでください",
                format_both(day),
                c.label()
            )
        })
    }

    /// Days from `from` to `to` (exclusive of `from`, inclusive of `to`), counted as `count`
    /// says. Negative when `to` is before `from`. Open days are counted day by day (bounded:
    /// deadlines are months, not centuries).
    pub fn days_between(&self, from: NaiveDate, to: NaiveDate, count: DayCount) -> i64 {
        match count {
            DayCount::CalendarDays => (to - from).num_days(),
            DayCount::OpenDays => {
                let (a, b, sign) = if to >= from {
                    (from, to, 1)
                } else {
                    (to, from, -1)
                };
                let mut n = 0i64;
                let mut d = a;
                while d < b {
                    let Some(next) = d.succ_opt() else { break };
                    d = next;
                    if self.is_open(d) {
                        n += 1;
                    }
                }
                sign * n
            }
        }
    }

    /// The day `n` days after `from`, counted as `count` says (with open days: the `n`th open
    /// day after `from`; `n = 0` gives `from`). `None` past the end of the calendar.
    pub fn add_days(&self, from: NaiveDate, n: u32, count: DayCount) -> Option<NaiveDate> {
        match count {
            DayCount::CalendarDays => from.checked_add_days(Days::new(u64::from(n))),
            DayCount::OpenDays => {
                let mut d = from;
                let mut left = n;
                while left > 0 {
                    d = d.succ_opt()?;
                    if self.is_open(d) {
                        left -= 1;
                    }
                }
                Some(d)
            }
        }
    }
}

#[cfg(test)]
mod tests;
