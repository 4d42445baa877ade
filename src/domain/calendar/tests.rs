use super::*;

use crate::domain::date::test_date as d;

fn cal() -> DeskCalendar {
    DeskCalendar::shipped().expect("shipped calendar.toml parses")
}

#[test]
fn shipped_calendar_knows_holidays_weekends_and_year_end() {
    let c = cal();
    assert_eq!(c.holiday_years(), (2024, 2027));
    assert_eq!(c.closure(d(2026, 11, 25)), None, "a Wednesday");
    assert_eq!(
        c.closure(d(2026, 11, 28)),
        Some(Closure::Weekday(Weekday::Sat))
    );
    assert_eq!(c.closure(d(2026, 11, 29)).unwrap().label(), "日曜日");
    assert_eq!(
        c.closure(d(2026, 11, 23)).unwrap().label(),
        "祝日（勤労感謝の日）"
    );
    assert_eq!(c.closure(d(2026, 9, 22)).unwrap().label(), "休日");
    assert_eq!(
        c.closure(d(2027, 3, 22)).unwrap().label(),
        "休日（振替休日）"
    );
    for day in [
        d(2026, 12, 29),
        d(2026, 12, 31),
        d(2027, 1, 1),
        d(2027, 1, 3),
    ] {
        assert_eq!(c.closure(day).unwrap().label(), "年末年始休業", "{day}");
    }
    assert!(c.is_open(d(2026, 12, 28)));
    assert!(c.is_open(d(2027, 1, 4)));
    assert!(!c.beyond_holidays(d(2027, 12, 31)));
    assert!(c.beyond_holidays(d(2028, 1, 4)));
    assert!(
        c.holiday_warning(d(2028, 5, 3))
            .unwrap()
            .contains("2028年の祝日")
    );
    assert_eq!(c.holiday_warning(d(2026, 5, 3)), None);
}

/// Every holiday that falls on a Sunday is followed by a 振替休日 on the next day that is no
/// holiday (祝日法 第3条第2項): a check on the typed list.
#[test]
fn substitute_holidays_follow_every_sunday_holiday() {
    let c = cal();
    for (day, name) in &c.holidays {
        if day.weekday() == Weekday::Sun {
            let mut next = day.succ_opt().unwrap();
            while c.holidays.get(&next).is_some_and(|n| !n.contains("振替")) {
                next = next.succ_opt().unwrap();
            }
            assert_eq!(
                c.holidays.get(&next).map(String::as_str),
                Some("休日（振替休日）"),
                "{day} {name} is a Sunday"
            );
        }
    }
    for (day, name) in &c.holidays {
        if name.contains("振替") {
            assert_ne!(day.weekday(), Weekday::Sun, "{day}");
        }
    }
    // 16 named holidays a year, as 祝日法 lists them.
    for y in 2024..=2027 {
        let named = c
            .holidays
            .iter()
            .filter(|(k, n)| k.year() == y && !n.starts_with("休日"))
            .count();
        assert_eq!(named, 16, "{y}");
    }
}

#[test]
fn counting_open_days_across_the_new_year() {
    let c = cal();
    // From Fri 2026-12-25: open days are 12-28 (Mon), then 01-04 (Mon) … 01-08; 01-11 is 成人の日.
    let from = d(2026, 12, 25);
    for (n, count, want) in [
        (1, DayCount::OpenDays, d(2026, 12, 28)),
        (2, DayCount::OpenDays, d(2027, 1, 4)),
        (7, DayCount::OpenDays, d(2027, 1, 12)),
        (7, DayCount::CalendarDays, d(2027, 1, 1)),
        (0, DayCount::OpenDays, d(2026, 12, 25)),
    ] {
        assert_eq!(c.add_days(from, n, count), Some(want), "{n} {count:?}");
    }
    for (a, b, count, want) in [
        (from, d(2027, 1, 12), DayCount::OpenDays, 7),
        (d(2027, 1, 12), from, DayCount::OpenDays, -7),
        (from, d(2027, 1, 12), DayCount::CalendarDays, 18),
        (from, from, DayCount::OpenDays, 0),
    ] {
        assert_eq!(c.days_between(a, b, count), want, "{a} {b} {count:?}");
    }
}

#[test]
fn refusal_names_the_day() {
    let c = cal();
    let m = c.refusal(d(2027, 1, 1)).unwrap();
    assert!(
        m.contains("2027-01-01") && m.contains("年末年始休業"),
        "{m}"
    );
    let m = c.refusal(d(2026, 5, 5)).unwrap();
    assert!(m.contains("祝日（こどもの日）"), "{m}");
    assert_eq!(c.refusal(d(2026, 11, 25)), None);
}

#[test]
fn desk_days_weekdays_and_bad_files() {
    let text = "closed_weekdays = [\"日曜\", \"sat\"]\nholidays_from_year = 2026\nholidays_until_year = 2026\n\
                [year_end]\nfrom = \"12-30\"\nuntil = \"01-02\"\n\
                [holidays]\n2026-01-01 = \"元日\"\n\
                [[desk_closed]]\ndate = 2026-08-14\nlabel = \"夏季休業\"\n";
    let c = DeskCalendar::from_toml(text).unwrap();
    assert_eq!(c.closure(d(2026, 8, 14)).unwrap().label(), "夏季休業");
    assert!(c.is_open(d(2026, 12, 29)));
    assert_eq!(c.closure(d(2027, 1, 2)).unwrap().label(), "年末年始休業");
    assert_eq!(
        c.closure(d(2026, 11, 28)),
        Some(Closure::Weekday(Weekday::Sat))
    );

    let bad = text.replace("\"sat\"", "\"someday\"");
    assert_eq!(
        DeskCalendar::from_toml(&bad),
        Err(CalendarError::Weekday("someday".into()))
    );
    let bad = text.replace("2026-01-01 = ", "2025-01-01 = ");
    assert!(matches!(
        DeskCalendar::from_toml(&bad),
        Err(CalendarError::HolidayOutOfRange { .. })
    ));
    let bad = text.replace("2026-01-01 = ", "2026-13-01 = ");
    assert!(matches!(
        DeskCalendar::from_toml(&bad),
        Err(CalendarError::HolidayDate(_))
    ));
    let bad = text.replace("\"12-30\"", "\"12/30\"");
    assert!(matches!(
        DeskCalendar::from_toml(&bad),
        Err(CalendarError::MonthDay(_))
    ));
    let bad = text.replace("label = \"夏季休業\"", "label = 3");
    let e = DeskCalendar::from_toml(&bad).unwrap_err().to_string();
    assert!(e.contains("11行"), "{e}");
}
