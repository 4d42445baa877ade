use super::*;

#[test]
fn qr_fit_at_80x24() {
    // The demo's payload: version 3, 33 modules with the quiet zone.
    let demo = qr_side("KOFU-DEMO-REG:D2610000124:7Q3X-9KMP-22HD-V8NC");
    assert_eq!(demo, Some(33));
    let demo = demo.unwrap_or(0);
    assert_eq!(qr_cells(demo, false), (33, 17));
    assert_eq!(qr_fit(demo, false, (80, 24), false), QrFit::Beside);
    assert_eq!(qr_fit(demo, false, (80, 24), true), QrFit::FullScreen);
    // ASCII: two cells and one row per module, too tall for 24 rows even alone.
    assert_eq!(
        qr_fit(demo, true, (80, 24), true),
        QrFit::TooSmall { need: (66, 34) }
    );
    assert_eq!(qr_fit(demo, true, (120, 40), false), QrFit::Beside);
    // About 100 bytes: version 6, 45 modules; only the full-screen view holds it at 80x24.
    let long = qr_side(&format!(
        "https://reg.example.jp/activate?t={}",
        "A1b2".repeat(16)
    ));
    assert_eq!(long, Some(45));
    let long = long.unwrap_or(0);
    assert!(matches!(
        qr_fit(long, false, (80, 24), false),
        QrFit::TooSmall { .. }
    ));
    assert_eq!(qr_fit(long, false, (80, 24), true), QrFit::FullScreen);
    // Below 80x24 nothing but 「画面を広げてください」 is drawn.
    assert!(matches!(
        qr_fit(demo, false, (79, 24), true),
        QrFit::TooSmall { .. }
    ));
}

#[test]
fn dispatch_dates() {
    let d = NaiveDate::from_ymd_opt(2026, 11, 25);
    assert_eq!(parse_dispatch_date("2026-11-25"), d);
    assert_eq!(parse_dispatch_date("２０２６/11/25"), d);
    assert_eq!(parse_dispatch_date("R8.11.25"), d);
    assert_eq!(parse_dispatch_date("令和8年11月25日"), d);
    assert_eq!(parse_dispatch_date("20261125"), d);
    assert_eq!(parse_dispatch_date("11/25"), None);
}

#[test]
fn tracking_numbers() {
    assert_eq!(validate_tracking("1234-5678-9012").unwrap(), "123456789012");
    assert_eq!(
        validate_tracking("１２３４５６７８９０１").unwrap(),
        "12345678901"
    );
    assert!(validate_tracking("1234567890").is_err());
    assert!(validate_tracking("12345678901234").is_err());
    let e = validate_tracking("あいう").unwrap_err();
    assert!(e.contains("IMEをオフ"), "{e}");
    assert!(validate_tracking("12345abcde1").is_err());
}
