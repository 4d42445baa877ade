//! Screenshots for the README, rendered by the real drawing code.
//!
//! Every scene of `crate::support::scenes::all` is drawn into a `TestBackend` buffer and turned into
//! SVG (one rectangle per background run, one `<text>` per character, at its cell). This test
//! always checks that the SVG holds the scene's text; with `KOFU_SCREENSHOTS=DIR` it also writes
//! `DIR/NAME.svg` and converts it to `DIR/NAME.png` with `rsvg-convert` (Debian `librsvg2-bin`,
//! font `fonts-ipafont-gothic`). `./screenshots.sh` regenerates `screenshots/`.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

const CELL_W: f32 = 9.0;
const CELL_H: f32 = 20.0;
const FONT_SIZE: f32 = 17.0;
const DEFAULT_FG: &str = "#d8d8d8";
const DEFAULT_BG: &str = "#1d2025";

fn color(c: Color, fg: bool) -> String {
    let named = |s: &str| s.to_string();
    match c {
        Color::Reset => named(if fg { DEFAULT_FG } else { DEFAULT_BG }),
        Color::Black => named("#1d2025"),
        Color::Red => named("#e06c75"),
        Color::Green => named("#98c379"),
        Color::Yellow => named("#e5c07b"),
        Color::Blue => named("#61afef"),
        Color::Magenta => named("#c678dd"),
        Color::Cyan => named("#56b6c2"),
        Color::Gray => named("#b0b0b0"),
        Color::DarkGray => named("#6b717d"),
        Color::LightRed => named("#ff8b94"),
        Color::LightGreen => named("#b5e890"),
        Color::LightYellow => named("#ffe08a"),
        Color::LightBlue => named("#8cc8ff"),
        Color::LightMagenta => named("#e0a0f0"),
        Color::LightCyan => named("#8de0ea"),
        Color::White => named("#ffffff"),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => {
            let v = i as u32;
            format!(
                "#{:02x}{:02x}{:02x}",
                (v * 37) % 256,
                (v * 67) % 256,
                (v * 97) % 256
            )
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Render a buffer as SVG text.
fn buffer_to_svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (area.width as f32 * CELL_W, area.height as f32 * CELL_H);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"{DEFAULT_BG}\"/>\n\
         <g font-family=\"IPAGothic, 'IPAexGothic', 'Noto Sans Mono CJK JP', monospace\" font-size=\"{FONT_SIZE}\">\n"
    );
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let cell = &buf[(x, y)];
            let sym = cell.symbol();
            let width = sym.width().max(1) as u16;
            let style = cell.style();
            let reversed = style.add_modifier.contains(Modifier::REVERSED);
            let (mut fg, mut bg) = (
                color(style.fg.unwrap_or(Color::Reset), true),
                color(style.bg.unwrap_or(Color::Reset), false),
            );
            if reversed {
                std::mem::swap(&mut fg, &mut bg);
                if fg == DEFAULT_BG {
                    fg = DEFAULT_BG.into();
                }
            }
            let px = (x - area.left()) as f32 * CELL_W;
            let py = (y - area.top()) as f32 * CELL_H;
            if bg != DEFAULT_BG {
                s.push_str(&format!(
                    "<rect x=\"{px}\" y=\"{py}\" width=\"{}\" height=\"{CELL_H}\" fill=\"{bg}\"/>\n",
                    width as f32 * CELL_W
                ));
            }
            // Block elements (the QR code) are drawn as rectangles: a font glyph leaves gaps.
            let half = |top: bool, s: &mut String| {
                s.push_str(&format!(
                    "<rect x=\"{px}\" y=\"{}\" width=\"{CELL_W}\" height=\"{}\" fill=\"{fg}\"/>\n",
                    if top { py } else { py + CELL_H / 2.0 },
                    CELL_H / 2.0
                ));
            };
            if sym == "▀" || sym == "█" {
                half(true, &mut s);
            }
            if sym == "▄" || sym == "█" {
                half(false, &mut s);
            }
            if matches!(sym, "▀" | "▄" | "█") {
                x += width;
                continue;
            }
            if !sym.trim().is_empty() {
                let bold = style.add_modifier.contains(Modifier::BOLD);
                let underline = style.add_modifier.contains(Modifier::UNDERLINED);
                s.push_str(&format!(
                    "<text x=\"{px}\" y=\"{}\" fill=\"{fg}\"{}{}>{}</text>\n",
                    py + CELL_H * 0.78,
                    if bold { " font-weight=\"bold\"" } else { "" },
                    if underline {
                        " text-decoration=\"underline\""
                    } else {
                        ""
                    },
                    escape(sym)
                ));
            }
            x += width;
        }
    }
    s.push_str("</g>\n</svg>\n");
    s
}

/// The scenes shown in the README, at the size they are shown.
const SHOWN: &[(&str, u16, u16)] = &[
    ("queue", 120, 36),
    ("queue_search", 120, 36),
    ("identity", 120, 36),
    ("card_match", 120, 36),
    ("card_near", 120, 36),
    ("card_mismatch", 120, 36),
    ("handoff_qr", 120, 44),
    ("confirm_modal", 120, 36),
    ("done_receipt", 120, 36),
    ("help", 120, 40),
    ("reference_expiry", 120, 40),
    ("reference_fee", 120, 40),
    ("reference_procedures", 120, 44),
    ("office_menu", 120, 36),
    ("office_receipts", 120, 36),
    ("office_uncollected", 120, 36),
    ("office_uncollected_wrong_card", 120, 36),
    ("office_arrival", 120, 36),
    ("office_report", 120, 40),
    ("queue", 80, 24),
    ("handoff_qr", 80, 24),
    ("handoff_qr_full", 80, 24),
    ("handoff_qr_long", 80, 24),
    ("handoff_qr_long_full", 80, 24),
];

#[test]
fn screenshots_render_every_shown_scene() {
    let scenes = crate::support::scenes::all(false);
    let out_dir = std::env::var_os("KOFU_SCREENSHOTS").map(std::path::PathBuf::from);
    let mut missing = Vec::new();
    for (name, w, h) in SHOWN {
        let Some((_, app)) = scenes.iter().find(|(n, _)| n == name) else {
            missing.push(*name);
            continue;
        };
        let buf = kofu::ui::render_to_buffer(app, *w, *h);
        let svg = buffer_to_svg(&buf);
        // The SVG carries the screen's text: every non-space character of the dump appears.
        let text = kofu::ui::buffer_to_text(&buf);
        let first_word = text
            .split_whitespace()
            .find(|w| w.chars().any(|c| c > '\u{3000}'))
            .unwrap_or_default();
        for c in first_word.chars() {
            assert!(svg.contains(&escape(&c.to_string())), "{name}: {c} missing");
        }
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        if let Some(dir) = &out_dir {
            std::fs::create_dir_all(dir).unwrap();
            let stem = if *w == 80 {
                format!("{name}_80x24")
            } else {
                name.to_string()
            };
            let svg_path = dir.join(format!("{stem}.svg"));
            std::fs::write(&svg_path, &svg).unwrap();
            let png = dir.join(format!("{stem}.png"));
            let st = std::process::Command::new("rsvg-convert")
                .arg("-o")
                .arg(&png)
                .arg(&svg_path)
                .status()
                .expect("rsvg-convert (Debian librsvg2-bin) is needed to write PNG screenshots");
            assert!(st.success(), "rsvg-convert failed for {stem}");
            std::fs::remove_file(&svg_path).unwrap();
        }
    }
    assert!(
        missing.is_empty(),
        "scenes missing from ui::scenes::all: {missing:?}"
    );
}
