//! 窓口案内 (F7) and the officer passphrase at the idle lock, driven through `App::handle`.

use crate::support::scenes::{self, ch, feed, press, sample_app, sample_records};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kofu::app::{
    App, Dialog, Effect, Event, ExpiryAnswer, Loaded, OfficerInfo, RefSection, Screen, Step,
    TICKS_PER_MINUTE, WRONG_PASSPHRASE,
};
use kofu::ui::render_to_text;
use unicode_width::UnicodeWidthStr;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// The next / previous 窓口案内 section from anywhere in it (Ctrl+Right / Ctrl+Left; without a
/// field focused Right / Left and 1-5 do it too).
fn next_section() -> Event {
    Event::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::CONTROL))
}

fn prev_section() -> Event {
    Event::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL))
}

fn typed(app: &mut App, s: &str) {
    feed(app, s.chars().map(ch));
}

/// The queue with no record selected (empty search result).
fn empty_queue() -> App {
    let mut app = sample_app(false);
    let fx = feed(&mut app, "該当なし".chars().map(ch));
    let seq = scenes::search_seq(&fx).unwrap();
    app.handle(Event::Loaded(Loaded::Search {
        seq,
        result: Ok(Vec::new()),
    }));
    app.handle(press(KeyCode::F(7)));
    assert!(app.reference().is_some());
    app
}

fn expiry(app: &App) -> ExpiryAnswer {
    app.reference().unwrap().expiry(&app.session.rules.expiry)
}

#[test]
fn f7_from_the_queue_prefills_the_selected_record_and_esc_returns_intact() {
    let mut app = sample_app(false);
    let fx = feed(&mut app, "山田".chars().map(ch));
    let seq = scenes::search_seq(&fx).unwrap();
    let rec = sample_records()[0].clone();
    app.handle(Event::Loaded(Loaded::Search {
        seq,
        result: Ok(vec![rec.clone()]),
    }));
    let before = app.clone();

    let fx = app.handle(press(KeyCode::F(7)));
    assert!(fx.is_empty(), "opening the reference needs no I/O: {fx:?}");
    let r = app.reference().expect("reference open");
    assert_eq!(r.section, RefSection::Expiry);
    assert_eq!(r.issued.value(), "2026-10-01");
    assert_eq!(r.born.value(), "1985-04-02");
    assert_eq!(
        expiry(&app),
        match app
            .session
            .rules
            .expiry
            .compute(rec.issue_date, rec.birth_date)
        {
            Ok(c) => ExpiryAnswer::Computed(c),
            Err(e) => panic!("{e}"),
        }
    );
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("令和13年4月2日（2031-04-02）"), "{text}");
    assert!(text.contains("D2610000123 の記録から"), "{text}");
    // The terminal caret sits at the end of the focused 発行日 field.
    let (_, caret) = kofu::ui::render_with_cursor(&app, 80, 24);
    let caret = caret.expect("a caret in the focused field");
    let row = text.lines().nth(usize::from(caret.y)).unwrap_or_default();
    let end = row
        .find("2026-10-01")
        .expect("issue date on the caret's row")
        + 10;
    assert_eq!(usize::from(caret.x), row[..end].width(), "{row}");

    // Typing goes to the reference, not to the queue's search field.
    typed(&mut app, "x");
    assert_eq!(app.queue.search.value(), "山田");

    let fx = app.handle(press(KeyCode::Esc));
    assert!(fx.is_empty());
    assert!(app.dialogs.is_empty());
    assert_eq!(app.screen, before.screen);
    assert_eq!(app.queue, before.queue);
    assert_eq!(app.queue.search.value(), "山田");
}

#[test]
fn f7_from_the_identity_step_keeps_the_ticks_and_prefills_the_open_record() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::Down));
    feed(&mut app, [press(KeyCode::Enter), ch('1'), ch('p')]);
    let Screen::Handover(h) = &app.screen else {
        panic!("not in the handover")
    };
    assert_eq!(h.step, Step::Identity);
    let before = app.screen.clone();
    let rec = sample_records()[1].clone();

    app.handle(press(KeyCode::F(7)));
    let r = app.reference().expect("reference open");
    assert_eq!(r.born.value(), "1978-12-01");
    assert_eq!(
        r.prefill.as_ref().map(|p| p.card_id.as_str()),
        Some("D2610000124")
    );
    assert_eq!(
        r.issued.value(),
        rec.issue_date.format("%Y-%m-%d").to_string()
    );

    // Document keys and 'p'/'d' type into the field here: the identity step is untouched.
    app.handle(ctrl('u'));
    typed(&mut app, "12pd");
    assert_eq!(app.reference().unwrap().issued.value(), "12pd");
    assert!(matches!(expiry(&app), ExpiryAnswer::Error(e) if e.starts_with("発行日: ")));
    feed(&mut app, [next_section(), next_section()]);
    assert_eq!(app.reference().unwrap().section, RefSection::Pin);

    app.handle(press(KeyCode::Esc));
    assert!(app.dialogs.is_empty());
    assert_eq!(app.screen, before, "the handover is exactly as it was");
    // And it still works: Enter goes on from the identity step as before.
    let text = render_to_text(&app, 120, 40);
    assert!(text.contains("本人確認"), "{text}");
}

#[test]
fn f7_works_while_a_text_field_of_the_handover_has_focus() {
    // Mail route, tracking number field focused with text in it.
    let mut app = sample_app(false);
    feed(
        &mut app,
        [
            press(KeyCode::Down),
            press(KeyCode::Down),
            press(KeyCode::Down),
            press(KeyCode::Enter),
        ],
    );
    let recs = sample_records();
    scenes::place(
        &mut app,
        scenes::reading_for(&recs[3], "渡邊\u{3000}健", scenes::FULL_PIN),
    );
    app.handle(press(KeyCode::Enter));
    typed(&mut app, "1234");
    assert_eq!(app.focused_field().map(|f| f.value()), Some("1234"));
    let before = app.screen.clone();
    app.handle(press(KeyCode::F(7)));
    assert!(app.reference().is_some());
    typed(&mut app, "5678");
    app.handle(press(KeyCode::F(7)));
    assert!(app.reference().is_none(), "F7 closes it again");
    assert_eq!(app.screen, before);
    assert_eq!(app.focused_field().map(|f| f.value()), Some("1234"));
}

#[test]
fn expiry_of_the_domain_test_vector_in_any_date_form() {
    let mut app = empty_queue();
    assert_eq!(expiry(&app), ExpiryAnswer::Incomplete);
    for (issued, born) in [
        ("2024-04-01", "1990-04-02"),
        ("令和6年4月1日", "平成2年4月2日"),
        ("R6.4.1", "H2.4.2"),
    ] {
        feed(&mut app, [press(KeyCode::Up), ctrl('u')]);
        typed(&mut app, issued);
        feed(&mut app, [press(KeyCode::Enter), ctrl('u')]);
        typed(&mut app, born);
        match expiry(&app) {
            ExpiryAnswer::Computed(c) => assert_eq!(c.date, date(2028, 4, 2), "{issued} {born}"),
            other => panic!("{issued} {born}: {other:?}"),
        }
        let text = render_to_text(&app, 80, 24);
        assert!(text.contains("令和10年4月2日（2028-04-02）"), "{text}");
    }

    // Born after the issue date: the domain's Japanese error is shown.
    feed(&mut app, [ctrl('u')]);
    typed(&mut app, "2025-01-01");
    let ExpiryAnswer::Error(e) = expiry(&app) else {
        panic!("expected an error")
    };
    assert!(e.contains("より後"), "{e}");
    assert!(render_to_text(&app, 120, 40).contains(&e));
    // Unreadable text names the field.
    feed(&mut app, [ctrl('u')]);
    typed(&mut app, "そのうち");
    assert!(matches!(expiry(&app), ExpiryAnswer::Error(e) if e.starts_with("生年月日: ")));
}

/// The 旧有効期限 field makes the card a 更新: less than 3 months before the old expiry, the
/// renewal rule (6th birthday, 未確認) applies, and the screen says which rule and why.
#[test]
fn expiry_of_a_renewal_shows_which_rule_applied() {
    let mut app = empty_queue();
    typed(&mut app, "2029-01-03");
    feed(&mut app, [press(KeyCode::Enter)]);
    typed(&mut app, "1990-04-02");
    match expiry(&app) {
        ExpiryAnswer::Computed(c) => assert_eq!(c.date, date(2033, 4, 2)),
        other => panic!("{other:?}"),
    }
    feed(&mut app, [press(KeyCode::Enter)]);
    assert_eq!(app.reference().unwrap().expiry_focus, 2);
    typed(&mut app, "令和11年4月2日");
    match expiry(&app) {
        ExpiryAnswer::Computed(c) => {
            assert_eq!(c.date, date(2034, 4, 2));
            assert_eq!(c.rule_id, "sixth_birthday_renewal");
        }
        other => panic!("{other:?}"),
    }
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("令和16年4月2日（2034-04-02）"), "{text}");
    assert!(text.contains("6回目の誕生日"), "{text}");
    assert!(text.contains("未確認"), "{text}");
    // Exactly 3 months before: the 5th birthday, and the reason is shown.
    feed(
        &mut app,
        [press(KeyCode::Up), press(KeyCode::Up), ctrl('u')],
    );
    typed(&mut app, "2029-01-02");
    match expiry(&app) {
        ExpiryAnswer::Computed(c) => {
            assert_eq!(c.date, date(2033, 4, 2));
            assert!(c.detail.unwrap().contains("ではないため"));
        }
        other => panic!("{other:?}"),
    }
    // An unreadable old expiry names the field.
    feed(
        &mut app,
        [press(KeyCode::Down), press(KeyCode::Down), ctrl('u')],
    );
    typed(&mut app, "そのうち");
    assert!(matches!(expiry(&app), ExpiryAnswer::Error(e) if e.starts_with("旧有効期限: ")));
}

#[test]
fn fee_for_a_non_member_initial_issue_and_its_exemptions() {
    let mut app = empty_queue();
    app.handle(next_section());
    assert_eq!(app.reference().unwrap().section, RefSection::Fee);
    // Kind row: initial by default; membership: non-member.
    feed(&mut app, [press(KeyCode::Down), ch(' ')]);
    let fee = |app: &App| {
        app.reference()
            .unwrap()
            .fee(&app.session.rules.fees, app.session.today)
            .map(|d| (d.amount_yen, d.summary()))
    };
    let (amount, summary) = fee(&app).unwrap();
    assert_eq!(amount, 5500);
    assert!(summary.contains("5,500円（税込）"), "{summary}");
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("5,500円"), "{text}");
    assert!(text.contains("窓口では費用を受け取りません"), "{text}");

    // Exam passed 令和7年, postmark 令和8年2月20日: within one year, free.
    app.handle(press(KeyCode::Down));
    typed(&mut app, "令和7");
    app.handle(press(KeyCode::Down));
    typed(&mut app, "R8.2.20");
    assert_eq!(fee(&app).unwrap().0, 0);
    // A postmark in March is too late.
    feed(&mut app, [ctrl('u')]);
    typed(&mut app, "2026-03-02");
    assert_eq!(fee(&app).unwrap().0, 5500);
    // Through マイナポータル: free for non-members.
    feed(&mut app, [press(KeyCode::Down), ch(' ')]);
    assert!(app.reference().unwrap().mynaportal);
    assert_eq!(fee(&app).unwrap().0, 0);
    // A bad exam year says which field.
    feed(
        &mut app,
        [press(KeyCode::Up), press(KeyCode::Up), ctrl('u')],
    );
    typed(&mut app, "平成40");
    let e = fee(&app).unwrap_err().to_string();
    assert!(e.starts_with("合格年: "), "{e}");

    // Reissue after loss: 5,500 for members too.
    let mut app = empty_queue();
    feed(&mut app, [next_section(), ch(' '), ch(' ')]);
    let (amount, summary) = fee(&app).unwrap();
    assert_eq!(amount, 5500, "{summary}");
    assert!(summary.contains("紛失"), "{summary}");
}

#[test]
fn pin_procedures_and_renewal_sections_show_the_data() {
    let mut app = empty_queue();
    feed(&mut app, [next_section(), next_section()]);
    let text = render_to_text(&app, 120, 40);
    assert!(text.contains("15回"), "{text}");
    app.handle(next_section());
    assert_eq!(app.reference().unwrap().section, RefSection::Procedures);
    let text = render_to_text(&app, 120, 40);
    assert!(text.contains("03-6634-0904"), "{text}");
    assert!(text.contains("【紛失届】"), "{text}");
    assert!(text.contains("住民票"), "{text}");
    app.handle(next_section());
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("更新のお知らせ"), "{text}");
    // Ctrl+Right wraps round to the first section; Ctrl+Left goes back.
    app.handle(next_section());
    assert_eq!(app.reference().unwrap().section, RefSection::Expiry);
    app.handle(prev_section());
    assert_eq!(app.reference().unwrap().section, RefSection::Renewal);
}

#[test]
fn procedures_qr_is_drawn_when_it_fits_and_otherwise_says_so() {
    for (ascii, w, h, drawn) in [
        (false, 80, 24, true),
        (false, 120, 40, true),
        (true, 80, 24, false),
        (true, 120, 40, false),
    ] {
        let mut app = sample_app(ascii);
        app.handle(press(KeyCode::F(7)));
        feed(&mut app, [next_section(), next_section(), next_section()]);
        let text = render_to_text(&app, w, h);
        let asks = text.contains("画面を広げてください");
        let buf = kofu::ui::render_to_buffer(&app, w, h);
        let black = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| buf[(x, y)].bg == ratatui::style::Color::Black)
            .count();
        if drawn {
            assert!(!asks && black > 100, "{ascii} {w}x{h}\n{text}");
        } else {
            assert!(asks && black == 0, "{ascii} {w}x{h}\n{text}");
        }
        if ascii {
            assert!(!text.contains('█'), "{text}");
        }
    }
}

#[test]
fn idle_lock_closes_an_open_reference_over_the_queue() {
    let mut app = sample_app(false);
    app.session.desk.idle_lock_minutes = 1;
    app.handle(press(KeyCode::F(7)));
    for _ in 0..TICKS_PER_MINUTE {
        app.handle(Event::Tick);
    }
    assert!(app.session.officer.is_none());
    assert!(app.reference().is_none());
    assert!(matches!(app.dialogs.last(), Some(Dialog::OfficerPicker(_))));
}

fn officers(first_has_passphrase: bool) -> Vec<OfficerInfo> {
    vec![
        OfficerInfo {
            id: 1,
            name: "受付 一郎".into(),
            has_passphrase: first_has_passphrase,
        },
        OfficerInfo {
            id: 2,
            name: "窓口 花子".into(),
            has_passphrase: false,
        },
    ]
}

/// The demo desk, idle-locked, with the officer list answered.
fn locked(first_has_passphrase: bool) -> App {
    let mut app = sample_app(false);
    app.session.desk.idle_lock_minutes = 1;
    for _ in 0..TICKS_PER_MINUTE {
        app.handle(Event::Tick);
    }
    assert!(app.session.officer.is_none());
    app.handle(Event::Loaded(Loaded::Officers(Ok(officers(
        first_has_passphrase,
    )))));
    assert!(
        app.session.officer.is_none(),
        "the demo desk stays locked too"
    );
    assert!(matches!(app.dialogs.last(), Some(Dialog::OfficerPicker(_))));
    app
}

fn verify_effect(fx: &[Effect]) -> Option<(i64, String)> {
    fx.iter().find_map(|e| match e {
        Effect::VerifyPassphrase {
            officer_id,
            passphrase,
        } => Some((*officer_id, passphrase.expose().to_string())),
        _ => None,
    })
}

#[test]
fn lock_with_a_passphrase_wrong_then_right() {
    let mut app = locked(true);
    assert!(render_to_text(&app, 80, 24).contains("受付 一郎（パスフレーズ）"));
    let fx = app.handle(press(KeyCode::Enter));
    assert!(fx.is_empty());
    assert!(app.session.officer.is_none());
    assert!(matches!(app.dialogs.last(), Some(Dialog::Passphrase(_))));

    // Plain letters type into the masked field (no shortcuts), shown as stars only.
    typed(&mut app, "open sesame");
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("***********"), "{text}");
    assert!(!text.contains("sesame"), "{text}");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(verify_effect(&fx), Some((1, "open sesame".into())));
    // The passphrase left the app with the effect: nothing of it is kept.
    assert!(!format!("{app:?}").contains("sesame"));
    assert!(
        !format!("{fx:?}").contains("sesame"),
        "Debug of the effect hides it"
    );
    // Enter while the check runs sends nothing more.
    assert!(app.handle(press(KeyCode::Enter)).is_empty());

    app.handle(Event::Loaded(Loaded::PassphraseChecked {
        officer_id: 1,
        result: Ok(false),
    }));
    assert!(app.session.officer.is_none());
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains(WRONG_PASSPHRASE), "{text}");
    assert_eq!(WRONG_PASSPHRASE, "パスフレーズが違います");

    typed(&mut app, "right one");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(verify_effect(&fx), Some((1, "right one".into())));
    app.handle(Event::Loaded(Loaded::PassphraseChecked {
        officer_id: 1,
        result: Ok(true),
    }));
    assert_eq!(app.session.officer.as_ref().map(|o| o.id), Some(1));
    assert!(app.dialogs.is_empty(), "{:?}", app.dialogs);
}

#[test]
fn an_empty_passphrase_is_not_sent_and_a_late_answer_after_esc_unlocks_nothing() {
    let mut app = locked(true);
    app.handle(press(KeyCode::Enter));
    assert!(app.handle(press(KeyCode::Enter)).is_empty());
    typed(&mut app, "late");
    let fx = app.handle(press(KeyCode::Enter));
    assert!(verify_effect(&fx).is_some());
    app.handle(press(KeyCode::Esc));
    assert!(matches!(app.dialogs.last(), Some(Dialog::OfficerPicker(_))));
    app.handle(Event::Loaded(Loaded::PassphraseChecked {
        officer_id: 1,
        result: Ok(true),
    }));
    assert!(
        app.session.officer.is_none(),
        "an answer nobody waits for is ignored"
    );
    // F7 does not open over the lock.
    app.handle(press(KeyCode::F(7)));
    assert!(app.reference().is_none());
}

#[test]
fn without_a_passphrase_unlocking_stays_as_it_was_and_switching_is_allowed() {
    let mut app = locked(false);
    let fx = app.handle(press(KeyCode::Enter));
    assert!(fx.is_empty());
    assert_eq!(app.session.officer.as_ref().map(|o| o.id), Some(1));
    assert!(app.dialogs.is_empty());

    // Switch officer from the lock: the other officer, no passphrase.
    let mut app = locked(true);
    feed(&mut app, [press(KeyCode::Down), press(KeyCode::Enter)]);
    assert_eq!(app.session.officer.as_ref().map(|o| o.id), Some(2));
    assert!(app.dialogs.is_empty());
    // Switching back to the officer with a passphrase (F3) asks for it.
    feed(
        &mut app,
        [
            press(KeyCode::F(3)),
            press(KeyCode::Up),
            press(KeyCode::Enter),
        ],
    );
    assert!(matches!(app.dialogs.last(), Some(Dialog::Passphrase(_))));
    assert_eq!(app.session.officer.as_ref().map(|o| o.id), Some(2));
}

#[test]
fn long_sections_scroll_to_the_end_and_back_without_piling_up() {
    let mut app = empty_queue();
    feed(&mut app, [prev_section(), prev_section()]);
    assert_eq!(app.reference().unwrap().section, RefSection::Procedures);
    let first = render_to_text(&app, 80, 24);
    assert!(first.contains("下キーで続きを表示"), "{first}");
    assert!(!first.contains("【連絡先等変更】"), "{first}");
    for _ in 0..200 {
        app.handle(press(KeyCode::Down));
    }
    let r = app.reference().unwrap();
    assert!(
        r.scroll <= r.max_scroll(&app.session.rules) && r.scroll < 100,
        "{}",
        r.scroll
    );
    let end = render_to_text(&app, 80, 24);
    assert!(end.contains("【連絡先等変更】"), "{end}");
    assert!(end.contains("ここまで"), "{end}");
    for _ in 0..100 {
        app.handle(press(KeyCode::Up));
    }
    assert_eq!(render_to_text(&app, 80, 24), first);
    // Changing section starts at the top.
    app.handle(next_section());
    assert_eq!(app.reference().unwrap().scroll, 0);
}

#[test]
fn at_the_lock_a_new_officer_cannot_be_added_when_passphrases_are_in_use() {
    let mut app = locked(true);
    typed(&mut app, "新人 三郎");
    let fx = app.handle(press(KeyCode::Enter));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::AddOfficer(_))),
        "{fx:?}"
    );
    assert!(app.session.officer.is_none());
    // The typing went nowhere (there is no field), and Enter chose the registered officer,
    // who is asked for the passphrase.
    assert!(
        matches!(app.dialogs.last(), Some(Dialog::Passphrase(_))),
        "{:?}",
        app.dialogs.last()
    );
    // Without passphrases in use the lock guards nothing more, and adding stays possible.
    let mut app = locked(false);
    typed(&mut app, "新人 三郎");
    let fx = app.handle(press(KeyCode::Enter));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::AddOfficer(n) if n == "新人 三郎"))
    );
}

/// Issue 11 #16: typing into a prefilled field replaces the prefill (it appended:
/// `[2026-10-01R6.4.1]`), in 窓口案内, the dispatch date and the appointment dialog; an arrow or
/// Backspace keeps it for editing.
#[test]
fn typing_into_a_prefilled_field_replaces_it() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(7)));
    assert_eq!(app.reference().unwrap().issued.value(), "2026-10-01");
    typed(&mut app, "R6.4.1");
    assert_eq!(app.reference().unwrap().issued.value(), "R6.4.1");
    assert!(!render_to_text(&app, 80, 24).contains("2026-10-01R6"));
    // The next prefilled field: Backspace edits the prefill instead.
    app.handle(press(KeyCode::Down));
    app.handle(press(KeyCode::Backspace));
    typed(&mut app, "3");
    assert_eq!(app.reference().unwrap().born.value(), "1985-04-03");
    app.handle(press(KeyCode::Esc));

    // The dispatch date of the mail route starts as today and is replaced by typing.
    let recs = sample_records();
    let mut app = sample_app(false);
    feed(
        &mut app,
        [
            press(KeyCode::Down),
            press(KeyCode::Down),
            press(KeyCode::Down),
            press(KeyCode::Enter),
        ],
    );
    crate::support::scenes::place(
        &mut app,
        crate::support::scenes::reading_for(
            &recs[3],
            "渡邊\u{3000}健",
            crate::support::scenes::FULL_PIN,
        ),
    );
    app.handle(press(KeyCode::Enter));
    let date_of = |app: &App| match app.handover() {
        Some(h) if matches!(h.step, Step::Mail { .. }) => h.mail_draft.date.value().to_string(),
        other => panic!("not at the mail step: {other:?}"),
    };
    let today = date_of(&app);
    assert!(!today.is_empty());
    app.handle(press(KeyCode::Tab));
    typed(&mut app, "R8.11.2");
    assert_eq!(date_of(&app), "R8.11.2");

    // The appointment dialog's prefilled fields too.
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(9)));
    let Some(Dialog::Appointment(a)) = app.dialogs.last() else {
        panic!("no appointment dialog")
    };
    let prefilled = a.field().value().to_string();
    typed(&mut app, "12/3");
    let Some(Dialog::Appointment(a)) = app.dialogs.last() else {
        panic!("no appointment dialog")
    };
    assert_eq!(
        a.field().value(),
        "12/3",
        "was prefilled with {prefilled:?}"
    );
}

/// Issue 11 #15: the lock offers only what works: no `Esc 閉じる` (nobody is on duty), no
/// 「新しい担当者」 field while passphrases are in use, and Enter says it chooses.
#[test]
fn the_lock_screen_offers_only_what_works() {
    let app = locked(true);
    let text = render_to_text(&app, 80, 24);
    let footer = text.lines().nth(23).unwrap_or_default();
    assert!(!footer.contains("閉じる"), "{footer}");
    assert!(!text.contains("新しい担当者"), "{text}");
    assert!(footer.contains("Enter 選択（ロック中）"), "{footer}");
    assert!(
        text.contains("ロック中は登録済みの担当者だけを選べます"),
        "{text}"
    );
    assert_eq!(
        kofu::ui::render_with_cursor(&app, 80, 24).1,
        None,
        "no caret"
    );
    // Without passphrases an officer can still be added from the picker, but Esc cannot
    // close it while nobody is on duty.
    let app = locked(false);
    let text = render_to_text(&app, 80, 24);
    let footer = text.lines().nth(23).unwrap_or_default();
    assert!(text.contains("新しい担当者"), "{text}");
    assert!(footer.contains("Enter 選択/追加"), "{footer}");
    assert!(!footer.contains("閉じる"), "{footer}");
    // With an officer on duty (F3) Esc closes it.
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(3)));
    let text = render_to_text(&app, 80, 24);
    assert!(
        text.lines()
            .nth(23)
            .unwrap_or_default()
            .contains("Esc 閉じる"),
        "{text}"
    );
}

/// Tab always means the next field; the sections change with Right/Left or 1-5 (Ctrl+Right
/// in a field, where Right moves the caret).
#[test]
fn tab_is_the_next_field_and_sections_change_with_arrows_or_digits() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(7)));
    let r = app.reference().unwrap();
    assert_eq!((r.section, r.expiry_focus), (RefSection::Expiry, 0));
    app.handle(press(KeyCode::Tab));
    let r = app.reference().unwrap();
    assert_eq!(
        (r.section, r.expiry_focus),
        (RefSection::Expiry, 1),
        "Tab: next field"
    );
    app.handle(press(KeyCode::BackTab));
    assert_eq!(app.reference().unwrap().expiry_focus, 0);
    // In a field Right moves the caret; Ctrl+Right changes the section.
    app.handle(press(KeyCode::Right));
    assert_eq!(app.reference().unwrap().section, RefSection::Expiry);
    app.handle(next_section());
    assert_eq!(app.reference().unwrap().section, RefSection::Fee);
    // Fee form, kind row (a choice): Tab goes to the next row, Space changes the choice.
    app.handle(press(KeyCode::Tab));
    assert_eq!(
        app.reference().unwrap().fee_row,
        kofu::app::FeeRow::Membership
    );
    // Without a field: Right and digits change the section.
    app.handle(press(KeyCode::Right));
    assert_eq!(app.reference().unwrap().section, RefSection::Pin);
    app.handle(ch('4'));
    assert_eq!(app.reference().unwrap().section, RefSection::Procedures);
    app.handle(press(KeyCode::Left));
    assert_eq!(app.reference().unwrap().section, RefSection::Pin);
    app.handle(ch('1'));
    assert_eq!(app.reference().unwrap().section, RefSection::Expiry);
    let text = render_to_text(&app, 120, 40);
    let footer = text.lines().nth(39).unwrap_or_default();
    assert!(footer.contains("Tab 次の欄"), "{footer}");
    assert!(!footer.contains("Tab 次の項目"), "{footer}");
}
