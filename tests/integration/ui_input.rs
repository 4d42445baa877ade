//! Keyboard and rendering traps: key release events, input bursts, the caret with wide
//! characters, and the ASCII glyph set.

use crate::support::scenes::{
    self, FULL_PIN, ch, feed, place, press, reading_for, release, sample_app, sample_records,
};
use crossterm::event::KeyCode;
use kofu::app::{Effect, Event, Screen, Step};
use kofu::ui::{render_to_buffer, render_with_cursor};
use unicode_width::UnicodeWidthStr;

#[test]
fn press_and_release_insert_once() {
    let mut app = sample_app(false);
    app.handle(ch('a'));
    app.handle(release(KeyCode::Char('a')));
    app.handle(ch('b'));
    app.handle(release(KeyCode::Char('b')));
    assert_eq!(app.queue.search.value(), "ab");
    // A release of Enter does not open anything either.
    app.handle(release(KeyCode::Enter));
    assert!(matches!(app.screen, Screen::Queue));
}

#[test]
fn caret_is_at_display_cell_9_after_yamada_taro_and_left() {
    let mut app = sample_app(false);
    feed(&mut app, "山田ﾀﾛｳ".chars().map(ch));
    app.handle(press(KeyCode::Left));
    assert_eq!(
        app.queue.search.value(),
        "山田タロウ",
        "half-width kana normalised"
    );
    let (_, cursor) = render_with_cursor(&app, 80, 24);
    let pos = cursor.expect("cursor shown in the search field");
    // Search box at row 2 (its text on row 3), text starting after the left border.
    assert_eq!((pos.x, pos.y), (9, 3));
}

#[test]
fn caret_is_hidden_without_a_focused_field() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::Enter));
    let (_, cursor) = render_with_cursor(&app, 80, 24);
    assert_eq!(cursor, None);
}

fn commits(fx: &[Effect]) -> usize {
    fx.iter()
        .filter(|e| {
            matches!(
                e,
                Effect::CommitHandover { .. } | Effect::CancelHandover { .. }
            )
        })
        .count()
}

/// Bring the app to the confirm step of a matched counter handover.
fn at_confirm() -> kofu::app::App {
    let mut app = sample_app(false);
    let recs = sample_records();
    feed(
        &mut app,
        [
            press(KeyCode::Enter),
            ch('1'),
            ch('m'),
            ch('p'),
            ch('d'),
            press(KeyCode::Enter),
        ],
    );
    place(
        &mut app,
        reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN),
    );
    feed(
        &mut app,
        [
            press(KeyCode::Enter),
            ch('q'),
            ch('r'),
            press(KeyCode::Enter),
        ],
    );
    assert!(matches!(
        app.handover().map(|h| &h.step),
        Some(Step::Confirm { .. })
    ));
    app
}

#[test]
fn burst_of_digits_and_enter_commits_nothing_at_any_step() {
    let burst: Vec<Event> = "1234567890\n"
        .chars()
        .map(|c| {
            if c == '\n' {
                press(KeyCode::Enter)
            } else {
                ch(c)
            }
        })
        .collect();
    // From the queue, from every wizard step, and with the confirmation open.
    let mut starts = vec![sample_app(false), at_confirm()];
    let mut modal = at_confirm();
    modal.handle(press(KeyCode::F(9)));
    starts.push(modal);
    let mut modal_y = at_confirm();
    modal_y.handle(press(KeyCode::F(9)));
    starts.push(modal_y);
    for mut app in starts {
        let mut fx = Vec::new();
        for _ in 0..3 {
            fx.extend(feed(&mut app, burst.clone()));
        }
        // Even a 'y' inside the burst does not confirm: the dialog is not armed yet.
        fx.extend(feed(&mut app, [ch('y'), press(KeyCode::Enter), ch('y')]));
        assert_eq!(commits(&fx), 0, "{fx:?}");
    }
}

#[test]
fn burst_of_forty_japanese_characters_commits_nothing() {
    let text: String = "交付確定はいイエスワイ".chars().cycle().take(40).collect();
    assert_eq!(text.chars().count(), 40);
    for mut app in [sample_app(false), at_confirm()] {
        app.handle(press(KeyCode::F(9)));
        let mut fx = feed(&mut app, text.chars().map(ch));
        fx.extend(app.handle(Event::Paste(text.clone())));
        fx.extend(app.handle(press(KeyCode::Enter)));
        assert_eq!(commits(&fx), 0, "{fx:?}");
    }
}

#[test]
fn pasted_newline_does_not_submit_the_search() {
    let mut app = sample_app(false);
    let fx = app.handle(Event::Paste("山田\r\n".into()));
    assert_eq!(app.queue.search.value(), "山田");
    assert!(matches!(app.screen, Screen::Queue));
    assert!(fx.iter().all(|e| matches!(e, Effect::Search(_))));
}

#[test]
fn confirmation_accepts_y_only_after_a_pause() {
    let mut app = at_confirm();
    app.handle(press(KeyCode::F(9)));
    assert_eq!(commits(&app.handle(ch('y'))), 0);
    app.handle(Event::Tick);
    assert_eq!(commits(&app.handle(ch('y'))), 0);
    app.handle(Event::Tick);
    assert_eq!(commits(&app.handle(ch('y'))), 1);
}

#[test]
fn single_key_shortcuts_are_off_while_a_field_has_focus() {
    // On the queue the search field has focus: '?' and 'q' are text, not help or anything else.
    let mut app = sample_app(false);
    feed(&mut app, [ch('?'), ch('q'), ch('x')]);
    assert!(app.dialogs.is_empty());
    assert_eq!(app.queue.search.value(), "?qx");
    // Outside a field, '?' opens help.
    let mut app = sample_app(false);
    app.handle(press(KeyCode::Enter));
    app.handle(ch('?'));
    assert!(matches!(
        app.dialogs.last(),
        Some(kofu::app::Dialog::Help { .. })
    ));
}

/// Every rendered cell must have the same width whether ambiguous characters count as 1
/// (Western terminals) or 2 (conhost with a CJK font).
#[test]
fn ascii_glyph_set_renders_no_ambiguous_width_character() {
    let mut checked = 0;
    for (name, app) in scenes::all(true) {
        for (w, h) in [(80u16, 24u16), (120, 40)] {
            let buf = render_to_buffer(&app, w, h);
            for y in 0..h {
                for x in 0..w {
                    let sym = buf[(x, y)].symbol();
                    assert_eq!(
                        sym.width(),
                        sym.width_cjk(),
                        "{name} {w}x{h} at ({x},{y}): {sym:?} is East-Asian ambiguous"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100_000);
    // The Unicode set does use ambiguous glyphs (so the check above is not vacuous).
    let (_, app) = scenes::all(false).into_iter().next().expect("scene");
    let buf = render_to_buffer(&app, 80, 24);
    let ambiguous = (0..24u16)
        .flat_map(|y| (0..80u16).map(move |x| (x, y)))
        .filter(|&(x, y)| buf[(x, y)].symbol().width() != buf[(x, y)].symbol().width_cjk())
        .count();
    assert!(ambiguous > 0);
}

#[test]
fn no_wide_character_straddles_the_screen_edge_or_a_border() {
    for ascii in [false, true] {
        for (name, app) in scenes::all(ascii) {
            for (w, h) in [(80u16, 24u16), (120, 40)] {
                let buf = render_to_buffer(&app, w, h);
                for y in 0..h {
                    let mut x = 0u16;
                    while x < w {
                        let sym = buf[(x, y)].symbol();
                        let cw = u16::try_from(sym.width()).unwrap_or(1).max(1);
                        assert!(
                            x + cw <= w,
                            "{name} {w}x{h}: {sym:?} at ({x},{y}) passes the edge"
                        );
                        if cw == 2 {
                            let next = buf[(x + 1, y)].symbol();
                            assert!(
                                next == " " || next.is_empty(),
                                "{name} {w}x{h}: {sym:?} at ({x},{y}) hides {next:?}"
                            );
                        }
                        x += cw;
                    }
                }
            }
        }
    }
}

/// Issue 11 #2: while 「画面を広げてください」 hides the desk, no key changes anything (a whole
/// step, and F9 y at the confirmation, did so blind); quitting still works.
#[test]
fn keys_do_nothing_while_the_screen_is_too_small() {
    let mut app = sample_app(false);
    app.handle(Event::Resize(50, 12));
    assert!(kofu::ui::render_to_text(&app, 50, 12).contains("画面を広げてください"));
    let before = app.clone();
    let mut fx = feed(
        &mut app,
        [
            press(KeyCode::Enter),
            ch('1'),
            ch('m'),
            ch('p'),
            ch('d'),
            press(KeyCode::Enter),
            press(KeyCode::F(2)),
            Event::Paste("山田".into()),
        ],
    );
    assert_eq!(app, before, "nothing changed behind the hidden screen");
    assert!(fx.is_empty(), "{fx:?}");

    let mut app = at_confirm();
    app.handle(Event::Resize(50, 12));
    fx = feed(&mut app, [press(KeyCode::F(9))]);
    for _ in 0..4 {
        fx.extend(app.handle(Event::Tick));
    }
    fx.extend(feed(&mut app, [ch('y'), press(KeyCode::Enter)]));
    assert_eq!(commits(&fx), 0, "{fx:?}");
    assert!(app.dialogs.is_empty());
    // Back at full size the same keys work again.
    app.handle(Event::Resize(80, 24));
    app.handle(press(KeyCode::F(9)));
    assert!(!app.dialogs.is_empty());
    // Quitting is the one key that works while hidden (from the queue it quits at once).
    let mut app = sample_app(false);
    app.handle(Event::Resize(50, 12));
    let fx = app.handle(press(KeyCode::F(10)));
    assert!(fx.contains(&Effect::Quit), "{fx:?}");
}
