use super::*;
use chrono::{Days, TimeZone};
use proptest::prelude::*;

use super::test_date as d;

#[test]
fn accepts_gregorian_forms() {
    for s in [
        "2024-04-01",
        "2024/4/1",
        "2024.4.1",
        "20240401",
        "2024年4月1日",
        "2024年04月01日",
        "  2024-04-01 ",
        "２０２４／４／１",
        "２０２４－０４－０１",
        "2024ー04ー01",
    ] {
        assert_eq!(parse_date(s), Ok(d(2024, 4, 1)), "{s}");
    }
}

#[test]
fn accepts_wareki_forms() {
    let cases = [
        ("令和6年4月1日", d(2024, 4, 1)),
        ("令和元年5月1日", d(2019, 5, 1)),
        ("令和1年5月1日", d(2019, 5, 1)),
        ("平成31年4月30日", d(2019, 4, 30)),
        ("昭和64年1月7日", d(1989, 1, 7)),
        ("平成元年1月8日", d(1989, 1, 8)),
        ("昭和元年12月25日", d(1926, 12, 25)),
        ("R6.4.1", d(2024, 4, 1)),
        ("R06/04/01", d(2024, 4, 1)),
        ("R060401", d(2024, 4, 1)),
        ("r6.4.1", d(2024, 4, 1)),
        ("H31.4.30", d(2019, 4, 30)),
        ("h31-4-30", d(2019, 4, 30)),
        ("S50.1.2", d(1975, 1, 2)),
        ("Ｒ６．４．１", d(2024, 4, 1)),
        ("令和６年４月１日", d(2024, 4, 1)),
        ("令和 6 年 4 月 1 日", d(2024, 4, 1)),
        ("㋿6年4月1日", d(2024, 4, 1)),
        ("㍻31年4月30日", d(2019, 4, 30)),
        ("令和6年4月1", d(2024, 4, 1)),
    ];
    for (s, want) in cases {
        assert_eq!(parse_date(s), Ok(want), "{s}");
    }
}

#[test]
fn rejects_impossible_dates() {
    for s in [
        "2023-02-29",
        "2024-04-31",
        "2024/13/1",
        "2024-00-10",
        "令和5年2月29日",
        "R6.4.31",
    ] {
        assert!(
            matches!(parse_date(s), Err(DateError::Nonexistent(_))),
            "{s}: {:?}",
            parse_date(s)
        );
    }
    assert_eq!(parse_date("2024-02-29"), Ok(d(2024, 2, 29)));
}

#[test]
fn rejects_dates_outside_their_era() {
    for s in [
        "平成31年5月1日",
        "令和元年4月30日",
        "昭和64年1月8日",
        "昭和元年12月24日",
        "R0.5.1",
        "H32.1.1",
    ] {
        assert!(
            matches!(parse_date(s), Err(DateError::EraOutOfRange { .. })),
            "{s}: {:?}",
            parse_date(s)
        );
    }
    let msg = parse_date("平成31年5月1日").unwrap_err().to_string();
    assert!(
        msg.starts_with("元号の範囲外です: 「平成31年5月1日」"),
        "{msg}"
    );
    assert!(msg.contains("2019年4月30日"), "{msg}");
    assert!(matches!(
        parse_date("大正10年1月1日"),
        Err(DateError::UnsupportedEra { .. })
    ));
}

#[test]
fn rejects_garbage_with_a_japanese_hint() {
    for s in [
        "abc",
        "2024-4/1",
        "24-4-1",
        "2024-04",
        "2024-04-01-02",
        "令和",
        "R6",
        "2024041",
        "平成元.1",
        "2024年元月1日",
    ] {
        assert!(
            matches!(parse_date(s), Err(DateError::Unreadable(_))),
            "{s}: {:?}",
            parse_date(s)
        );
    }
    assert_eq!(parse_date("   "), Err(DateError::Empty));
    assert_eq!(
        parse_date("abc").unwrap_err().to_string(),
        "日付として読めません: 「abc」（例: 2024-04-01, 令和6年4月1日, R6.4.1）"
    );
    assert_eq!(
        parse_date("2023-02-29").unwrap_err().to_string(),
        "存在しない日付です: 「2023-02-29」"
    );
}

#[test]
fn formats() {
    assert_eq!(format_wareki(d(2024, 4, 1)), "令和6年4月1日");
    assert_eq!(format_wareki(d(2019, 5, 1)), "令和元年5月1日");
    assert_eq!(format_wareki(d(2019, 4, 30)), "平成31年4月30日");
    assert_eq!(format_wareki(d(1989, 1, 7)), "昭和64年1月7日");
    assert_eq!(format_wareki(d(1989, 1, 8)), "平成元年1月8日");
    assert_eq!(format_wareki(d(1920, 1, 1)), "1920年1月1日");
    assert_eq!(format_wareki_short(d(2024, 4, 1)), "R6.4.1");
    assert_eq!(format_wareki_short(d(2019, 5, 1)), "R1.5.1");
    assert_eq!(format_wareki_short(d(2019, 4, 30)), "H31.4.30");
    assert_eq!(format_wareki_short(d(1975, 1, 2)), "S50.1.2");
    assert_eq!(format_iso(d(2024, 4, 1)), "2024-04-01");
    assert_eq!(format_both(d(2024, 4, 1)), "令和6年4月1日（2024-04-01）");
    assert_eq!(parse_date(&format_wareki(d(1920, 1, 1))), Ok(d(1920, 1, 1)));
}

#[test]
fn years() {
    assert_eq!(format_wareki_year(d(2022, 2, 1)), "令和4年");
    assert_eq!(format_wareki_year(d(2019, 5, 1)), "令和元年");
    assert_eq!(format_wareki_year(d(2019, 2, 1)), "平成31年");
    for (s, want) in [
        ("2022", 2022),
        ("2022年", 2022),
        ("令和4年", 2022),
        ("令和4", 2022),
        ("R4", 2022),
        ("r04", 2022),
        ("令和元年", 2019),
        ("平成31年", 2019),
        ("Ｈ３１", 2019),
        ("昭和64年", 1989),
    ] {
        assert_eq!(parse_year(s), Ok(want), "{s}");
    }
    assert!(matches!(
        parse_year("平成32年"),
        Err(DateError::EraOutOfRange { .. })
    ));
    assert!(matches!(
        parse_year("令和0年"),
        Err(DateError::EraOutOfRange { .. })
    ));
    assert!(matches!(parse_year("22"), Err(DateError::Unreadable(_))));
    assert!(matches!(parse_year("R"), Err(DateError::Unreadable(_))));
}

#[test]
fn jst_conversion() {
    assert_eq!(jst().local_minus_utc(), 9 * 3600);
    // 2029-04-02 23:59:59 JST is 14:59:59 UTC the same day.
    let not_after = Utc.with_ymd_and_hms(2029, 4, 2, 14, 59, 59).unwrap();
    assert_eq!(to_jst_date(not_after), d(2029, 4, 2));
    // 15:00 UTC is already the next day in Japan.
    let next = Utc.with_ymd_and_hms(2029, 4, 2, 15, 0, 0).unwrap();
    assert_eq!(to_jst_date(next), d(2029, 4, 3));
}

#[derive(Deserialize)]
struct Probe {
    #[serde(deserialize_with = "de_date")]
    a: NaiveDate,
    #[serde(default, deserialize_with = "de_opt_date")]
    b: Option<NaiveDate>,
}

#[test]
fn toml_dates_native_or_text() {
    let p: Probe = toml::from_str("a = 2021-07-01\nb = \"令和3年7月1日\"").unwrap();
    assert_eq!(p.a, d(2021, 7, 1));
    assert_eq!(p.b, Some(d(2021, 7, 1)));
    let p: Probe = toml::from_str("a = \"R3.7.1\"").unwrap();
    assert_eq!((p.a, p.b), (d(2021, 7, 1), None));
    let err = toml::from_str::<Probe>("a = \"2023-02-29\"")
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("存在しない日付です"), "{err}");
    assert!(toml::from_str::<Probe>("a = 2021-07-01T00:00:00").is_err());
    assert!(toml::from_str::<Probe>("a = 5").is_err());
}

const FIRST: NaiveDate = ymd(1926, 12, 25);
const LAST: NaiveDate = ymd(2100, 12, 31);

proptest! {
    #[test]
    fn wareki_round_trips(offset in 0u64..=(LAST - FIRST).num_days() as u64) {
        let date = FIRST.checked_add_days(Days::new(offset)).unwrap();
        prop_assert_eq!(parse_date(&format_wareki(date)), Ok(date));
        prop_assert_eq!(parse_date(&format_wareki_short(date)), Ok(date));
        prop_assert_eq!(parse_date(&format_iso(date)), Ok(date));
    }
}

#[test]
fn back_office_dates_may_leave_out_the_year() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let dec3 = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    assert_eq!(parse_date_in_year("12/3", today), Ok(dec3));
    assert_eq!(parse_date_in_year("１２月３日", today), Ok(dec3));
    assert_eq!(parse_date_in_year("12-3", today), Ok(dec3));
    assert_eq!(parse_date_in_year("2026-12-03", today), Ok(dec3));
    assert_eq!(parse_date_in_year("R8.12.3", today), Ok(dec3));
    assert!(parse_date_in_year("2/30", today).is_err());
    assert!(parse_date_in_year("12/3/4/5", today).is_err());
    assert!(parse_date_in_year("あした", today).is_err());
}

#[test]
fn date_and_time_in_one_field() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let at = NaiveDate::from_ymd_opt(2026, 12, 3)
        .unwrap()
        .and_hms_opt(14, 0, 0)
        .unwrap();
    assert_eq!(parse_date_time_in_year("2026-12-03 14:00", today), Ok(at));
    assert_eq!(parse_date_time_in_year("12/3 1400", today), Ok(at));
    assert_eq!(parse_date_time_in_year("12月3日14時", today), Ok(at));
    assert_eq!(parse_date_time_in_year("2026-12-03T14:00", today), Ok(at));
    assert!(parse_date_time_in_year("明日", today).is_err());
}

#[test]
fn stamps_are_shown_in_jst_to_the_second() {
    assert_eq!(
        format_stamp_jst("2026-11-25T10:00:00.123456789+09:00"),
        "2026-11-25 10:00:00"
    );
    assert_eq!(
        format_stamp_jst("2026-11-25T01:02:03Z"),
        "2026-11-25 10:02:03"
    );
    assert_eq!(format_stamp_jst(""), "");
}

#[test]
fn times_in_the_shapes_officers_type() {
    let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
    assert_eq!(parse_time("14:00"), Ok(t(14, 0)));
    assert_eq!(parse_time("1400"), Ok(t(14, 0)));
    assert_eq!(parse_time("930"), Ok(t(9, 30)));
    assert_eq!(parse_time("14時"), Ok(t(14, 0)));
    assert_eq!(parse_time("１４時３０分"), Ok(t(14, 30)));
    assert_eq!(parse_time("10時半"), Ok(t(10, 30)));
    assert_eq!(parse_time("9"), Ok(t(9, 0)));
    assert!(parse_time("2500").is_err());
    assert!(parse_time("14:5").is_err());
    assert!(parse_time("").unwrap_err().contains("時刻を入力"));
    assert!(parse_time("ごご").unwrap_err().contains("「ごご」"));
}
