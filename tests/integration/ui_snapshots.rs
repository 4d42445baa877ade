//! Snapshot of every screen and dialog at 80x24 and 120x40, as a wide-character-aware text
//! dump of the rendered buffer (the trailing cell of each wide character is skipped).

use crate::support::scenes;
use kofu::ui::render_to_text;

#[test]
fn every_scene_at_80x24_and_120x40() {
    let mut names = Vec::new();
    for (name, app) in scenes::all(false) {
        for (w, h) in [(80u16, 24u16), (120, 40)] {
            let text = render_to_text(&app, w, h);
            if std::env::var("KOFU_PRINT_SCENES").is_ok() {
                println!("===== {name} {w}x{h}\n{text}");
            }
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
        }
        names.push(name);
    }
    // The list itself is part of the contract: a screen that disappears fails here.
    assert!(names.len() >= 25, "{names:?}");
}

#[test]
fn ascii_glyph_set_scenes() {
    for (name, app) in scenes::all(true) {
        if [
            "queue",
            "card_match",
            "handoff_qr",
            "handoff_qr_full",
            "help",
        ]
        .contains(&name)
        {
            insta::assert_snapshot!(format!("ascii_{name}_80x24"), render_to_text(&app, 80, 24));
        }
    }
}

#[test]
fn too_small_terminal_asks_to_widen() {
    let (_, app) = scenes::all(false).into_iter().next().unwrap();
    let text = render_to_text(&app, 60, 20);
    assert!(text.contains("画面を広げてください"), "{text}");
    insta::assert_snapshot!("too_small_60x20", text);
}
