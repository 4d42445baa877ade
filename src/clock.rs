//! The one clock of the program.
//!
//! Time is an input: the shell (`cli::main`) makes one [`Clock`] and hands it to the store, the
//! logger and the desk screen's runtime; nothing else reads the wall clock (an architecture test
//! greps `src/` for `Utc::now`, `Local::now` and `SystemTime::now` outside this file). Tests make a
//! [`Clock::fixed`] clock and move it with [`Clock::set`] / [`Clock::advance`].
//!
//! Every calendar day is a JST day (UTC+09:00, no daylight saving), whatever the machine's time
//! zone: [`Clock::now`] is in JST and [`Clock::today`] is its date.
//!
//! `KOFU_NOW` (an RFC 3339 instant, e.g. `2027-01-01T00:30:00+09:00`) fixes the clock of the
//! whole program: for tests that drive the binary and for training sessions. Events recorded under
//! a fixed clock carry that time; the desk screen says so in its header, and the log says so at
//! start, so a fixed clock is never in use unnoticed.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, TimeDelta, Utc};

use crate::domain::date::jst;

/// The environment variable that fixes the clock.
pub const NOW_ENV: &str = "KOFU_NOW";

/// A clock: the real one, or a fixed one that tests set. Cheap to clone (clones share the time).
#[derive(Clone, Debug)]
pub struct Clock(Source);

#[derive(Clone, Debug)]
enum Source {
    System,
    Fixed(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    /// The real clock.
    pub fn system() -> Clock {
        Clock(Source::System)
    }

    /// A clock that stands still at `at` until set or advanced.
    pub fn fixed<Tz: chrono::TimeZone>(at: DateTime<Tz>) -> Clock {
        Clock(Source::Fixed(Arc::new(Mutex::new(at.with_timezone(&Utc)))))
    }

    /// A fixed clock at a JST wall time, e.g. `Clock::at_jst("2027-01-01 00:30:00")`.
    /// Panics on a malformed literal: for unit tests only.
    #[cfg(test)]
    pub(crate) fn at_jst(wall: &str) -> Clock {
        let naive = chrono::NaiveDateTime::parse_from_str(wall, "%Y-%m-%d %H:%M:%S")
            .unwrap_or_else(|e| panic!("bad JST wall time {wall:?}: {e}"));
        match naive.and_local_timezone(jst()).single() {
            Some(t) => Clock::fixed(t),
            None => panic!("JST has no gaps: {wall}"),
        }
    }

    /// The program's clock: fixed by `KOFU_NOW` when it is set, otherwise the real one.
    pub fn from_env() -> Result<Clock, String> {
        match std::env::var(NOW_ENV) {
            Ok(v) if !v.trim().is_empty() => DateTime::parse_from_rfc3339(v.trim())
                .map(Clock::fixed)
                .map_err(|e| {
                    format!(
                        "{NOW_ENV} を時刻として読めません: 「{v}」（例: 2027-01-01T00:30:00+09:00）: {e}"
                    )
                }),
            _ => Ok(Clock::system()),
        }
    }

    /// True for a fixed (test or `KOFU_NOW`) clock.
    pub fn is_fixed(&self) -> bool {
        matches!(self.0, Source::Fixed(_))
    }

    /// The current instant in UTC.
    pub fn now_utc(&self) -> DateTime<Utc> {
        match &self.0 {
            // The one wall-clock read of the program.
            Source::System => Utc::now(),
            Source::Fixed(t) => match t.lock() {
                Ok(t) => *t,
                Err(poisoned) => *poisoned.into_inner(),
            },
        }
    }

    /// The current instant in JST.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.now_utc().with_timezone(&jst())
    }

    /// Today's JST calendar date.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// The current instant as stored in the database and the audit trail: RFC 3339 in JST with
    /// milliseconds (`2027-01-01T00:30:00.000+09:00`); text order is time order.
    pub fn stamp(&self) -> String {
        self.now().to_rfc3339_opts(SecondsFormat::Millis, false)
    }

    /// Move a fixed clock to `at` (no effect on the real clock).
    pub fn set<Tz: chrono::TimeZone>(&self, at: DateTime<Tz>) {
        if let Source::Fixed(t) = &self.0 {
            let mut guard = match t.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            *guard = at.with_timezone(&Utc);
        }
    }

    /// Move a fixed clock forward by `by` (no effect on the real clock).
    pub fn advance(&self, by: TimeDelta) {
        if let Source::Fixed(_) = &self.0 {
            self.set(self.now_utc() + by);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_gives_the_jst_date_of_its_instant() {
        // 2026-12-31 15:30 UTC is already 2027-01-01 00:30 in Japan.
        let c =
            Clock::fixed(DateTime::parse_from_rfc3339("2026-12-31T15:30:00Z").expect("literal"));
        assert_eq!(
            c.today(),
            NaiveDate::from_ymd_opt(2027, 1, 1).expect("date")
        );
        assert_eq!(c.stamp(), "2027-01-01T00:30:00.000+09:00");
        assert_eq!(c.now().offset().local_minus_utc(), 9 * 3600);
    }

    #[test]
    fn set_and_advance_move_every_clone() {
        let c = Clock::at_jst("2026-12-31 23:59:59");
        let other = c.clone();
        assert_eq!(
            other.today(),
            NaiveDate::from_ymd_opt(2026, 12, 31).expect("date")
        );
        c.advance(TimeDelta::seconds(1));
        assert_eq!(
            other.today(),
            NaiveDate::from_ymd_opt(2027, 1, 1).expect("date")
        );
        c.set(DateTime::parse_from_rfc3339("2028-02-29T12:00:00+09:00").expect("literal"));
        assert_eq!(other.stamp(), "2028-02-29T12:00:00.000+09:00");
    }

    #[test]
    fn the_real_clock_is_in_jst_and_not_fixed() {
        let c = Clock::system();
        assert!(!c.is_fixed());
        assert_eq!(c.now().offset().local_minus_utc(), 9 * 3600);
    }
}
