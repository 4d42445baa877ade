//! The one key table: every binding is labelled, shown in help, and unambiguous.

use crate::support::scenes::{press, sample_app};
use crossterm::event::{KeyCode, KeyModifiers};
use kofu::app::keymap::{Context, KEYMAP, KeySpec};
use kofu::ui::{help_entries, render_to_text};

#[test]
fn every_binding_has_a_japanese_label() {
    for b in KEYMAP {
        assert!(!b.label.trim().is_empty(), "{:?} {:?}", b.context, b.key);
        assert!(!b.label.is_ascii(), "label {:?} is not Japanese", b.label);
    }
}

#[test]
fn every_binding_appears_in_the_rendered_help_screen() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(1)));
    for _ in 0..40 {
        app.handle(press(KeyCode::PageUp));
    }
    // Scroll through the help screen and collect everything it shows.
    let mut seen = String::new();
    for _ in 0..40 {
        seen.push_str(&render_to_text(&app, 120, 40));
        app.handle(press(KeyCode::PageDown));
    }
    let entries = help_entries(&app);
    assert_eq!(entries.len(), KEYMAP.len(), "demo mode shows every binding");
    for (ctx, key, label) in entries {
        let row = format!("{key:<10}{label}");
        let found = seen.lines().any(|l| {
            let l = l.replace('│', " ");
            l.split_whitespace().collect::<Vec<_>>().join(" ") == format!("{key} {label}")
                || l.contains(&row)
        });
        assert!(found, "[{ctx}] {key} {label} not in help");
        assert!(seen.contains(&format!("[{ctx}]")), "{ctx} heading missing");
    }
}

#[test]
fn no_plain_character_shortcut_where_a_field_has_focus() {
    for b in KEYMAP {
        if b.context.has_text_focus() {
            assert!(
                !b.key.is_plain_char(),
                "{:?} binds a plain character {:?} while a field has focus",
                b.context,
                b.key
            );
        }
    }
}

#[test]
fn no_key_is_bound_twice_in_one_context() {
    for (i, a) in KEYMAP.iter().enumerate() {
        for b in &KEYMAP[i + 1..] {
            // One key may carry two labels for one action, shown by state (the picker's
            // Enter at the lock); never two actions.
            if a.context == b.context && a.action != b.action {
                assert!(a.key != b.key, "{:?} binds {:?} twice", a.context, a.key);
            }
        }
    }
}

#[test]
fn every_context_has_a_way_out_or_forward() {
    for ctx in Context::ALL {
        if ctx == Context::Global {
            continue;
        }
        let keys: Vec<KeySpec> = KEYMAP
            .iter()
            .filter(|b| b.context == ctx)
            .map(|b| b.key)
            .collect();
        assert!(
            keys.contains(&KeySpec::Key(KeyCode::Esc, KeyModifiers::NONE))
                || keys.contains(&KeySpec::Key(KeyCode::Enter, KeyModifiers::NONE)),
            "{ctx:?} has neither Esc nor Enter"
        );
    }
}

#[test]
fn footer_shows_help_and_quit_at_80_columns() {
    let app = sample_app(false);
    let text = render_to_text(&app, 80, 24);
    let footer = text.lines().nth(23).unwrap_or_default();
    assert!(footer.contains("F1 ヘルプ"), "{footer}");
    assert!(footer.contains("F10 終了"), "{footer}");
    assert!(footer.contains("Enter 交付へ"), "{footer}");
}

/// F9 予約 and F12 業務メニュー are in the queue footer at 120 and at 80 columns.
#[test]
fn queue_footer_offers_appointments_and_the_office_menu() {
    let app = sample_app(false);
    for (w, h) in [(120u16, 40u16), (80, 24)] {
        let text = render_to_text(&app, w, h);
        let footer = text.lines().nth(usize::from(h) - 1).unwrap_or_default();
        assert!(footer.contains("F9 予約"), "{w}: {footer}");
        assert!(footer.contains("F12 業務メニュー"), "{w}: {footer}");
        assert!(footer.contains("Enter 交付へ"), "{w}: {footer}");
    }
}

/// F1 opens the help at the keys of the screen in use.
#[test]
fn f1_opens_at_the_current_screens_keys() {
    use crate::support::scenes::ch;
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(1)));
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("[受付待ち一覧]"), "{text}");
    assert!(!text.contains("[全画面共通]"), "{text}");
    app.handle(press(KeyCode::Esc));
    for e in [press(KeyCode::Enter), ch('1')] {
        app.handle(e);
    }
    app.handle(press(KeyCode::F(1)));
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("[交付 1 本人確認]"), "{text}");
    assert!(!text.contains("[受付待ち一覧]"), "{text}");
}
