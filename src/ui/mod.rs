//! Pure rendering of `&App` with ratatui. Nothing here touches the store or the card.
//!
//! [`draw`] renders one frame and places the terminal cursor at the caret of the focused
//! field (so the IME's pre-edit window appears there). [`render_to_text`] renders into a
//! test backend and dumps the buffer as text, skipping the trailing cell of wide characters;
//! snapshot tests and the screenshot generator share it.

mod dialogs;
pub mod qr;
mod screens;
pub mod text;
pub mod theme;
pub(crate) mod widgets;

use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::app::keymap::{self, Context};
use crate::app::{App, CardSlot, Screen, ServiceState};
use theme::Glyphs;
use widgets::boxed;

/// Smallest usable terminal (the rule lives in `app`, which ignores keys below it).
pub use crate::app::{MIN_HEIGHT, MIN_WIDTH};
/// Largest area used; a bigger terminal gets margins.
pub const MAX_WIDTH: u16 = 200;
pub const MAX_HEIGHT: u16 = 60;

/// Render one frame.
pub fn draw(frame: &mut Frame, app: &App) {
    if let Some(pos) = draw_inner(frame, app) {
        frame.set_cursor_position(pos);
    }
}

fn draw_inner(frame: &mut Frame, app: &App) -> Option<Position> {
    let full = frame.area();
    let g = Glyphs::new(app.session.desk.ascii);
    if !crate::app::screen_fits(full.width, full.height) {
        let msg = vec![
            Line::from("画面を広げてください"),
            Line::from(format!(
                "（{MIN_WIDTH}x{MIN_HEIGHT} 以上が必要です。いまは {}x{}）",
                full.width, full.height
            )),
        ];
        let y = full.height / 2;
        let area = Rect::new(
            full.x,
            full.y + y.saturating_sub(1),
            full.width,
            2.min(full.height),
        );
        frame.render_widget(Paragraph::new(msg).alignment(Alignment::Center), area);
        return None;
    }
    let area = Rect::new(
        full.x + full.width.saturating_sub(MAX_WIDTH) / 2,
        full.y + full.height.saturating_sub(MAX_HEIGHT) / 2,
        full.width.min(MAX_WIDTH),
        full.height.min(MAX_HEIGHT),
    );
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    draw_header(frame, app, header);
    draw_footer(frame, app, footer, &g);
    // With nobody on duty (at start, or after the idle lock) no personal data is on screen:
    // only the officer picker over an empty body.
    let mut cursor = match &app.screen {
        _ if app.session.officer.is_none() => {
            let block = boxed("ロック中", &g);
            let inner = block.inner(body);
            frame.render_widget(block, body);
            frame.render_widget(
                Paragraph::new("担当者を選ぶと画面を表示します。").alignment(Alignment::Center),
                inner,
            );
            None
        }
        Screen::Queue => {
            let env = screens::queue::Env {
                today: app.session.today,
                calendar: &app.session.rules.calendar,
                focused: app.dialogs.is_empty(),
            };
            screens::queue::draw(frame, &app.queue, &env, body, &g)
        }
        Screen::Handover(h) => {
            let env = screens::handover::Env {
                id_docs: &app.session.rules.id_docs,
                ascii: app.session.desk.ascii,
                officer: app.session.officer.as_ref(),
                reader_down: app.session.reader.service == ServiceState::Unavailable,
            };
            screens::handover::draw(frame, &env, h, body, &g)
        }
        Screen::Done(d) => {
            screens::handover::draw_done(frame, d, body, &g);
            None
        }
        Screen::Office(o) => {
            screens::office::draw(frame, o, app.session.today, body, &g);
            None
        }
    };
    if !app.dialogs.is_empty() {
        cursor = None;
        let env = dialogs::desk::Env {
            ticks: app.session.ticks,
            handover: app.handover().map(|h| (h.flow, &h.record)),
            tray_record: app.demo_target(),
            officers: &app.session.officers,
            locked: app.desk_locked(),
            rules: &app.session.rules,
            today: app.session.today,
            demo: app.session.desk.demo,
            ascii: app.session.desk.ascii,
        };
        for (i, m) in app.dialogs.iter().enumerate() {
            let c = dialogs::desk::draw(frame, &env, m, body, &g);
            if i + 1 == app.dialogs.len() {
                cursor = c;
            }
        }
    }
    cursor
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let style = theme::header_bar();
    let officer = app
        .session
        .officer
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_else(|| "（未選択）".into());
    let date = format!(
        "{}（{}）",
        text::wareki(app.session.today),
        text::weekday(app.session.today)
    );
    let demo = match (app.session.desk.demo, app.session.desk.fixed_clock) {
        (true, true) => " [デモ] [時計固定]",
        (true, false) => " [デモ]",
        (false, true) => " [時計固定]",
        (false, false) => "",
    };
    let w = usize::from(area.width);
    let room = w.saturating_sub(date.width() + 2);
    // The officer on duty always shows; the desk name gets what is left.
    let head = format!(" kofu{demo}  ");
    let duty = format!("  担当: {}", text::display(&officer));
    let desk_room = room.saturating_sub(head.width() + duty.width());
    let desk = text::fit(&text::display(&app.session.desk.desk_name), desk_room);
    let left = text::pad(&format!("{head}{desk}{duty}"), room);
    let line1 = Line::from(vec![
        Span::raw(left),
        Span::raw(" "),
        Span::raw(date),
        Span::raw(" "),
    ])
    .style(style);

    let r = &app.session.reader;
    let reader = match r.service {
        ServiceState::Unavailable => {
            "リーダのサービスが動いていません（再接続を待っています）".to_string()
        }
        ServiceState::Unknown if r.active.is_none() => "リーダ: 確認中".to_string(),
        _ => match &r.active {
            Some(name) => format!("リーダ: {name}"),
            None => "リーダ: 未接続（リーダをつないでください）".to_string(),
        },
    };
    let (card, card_style) = match &r.card {
        CardSlot::Absent => ("カード: なし".to_string(), Style::new()),
        CardSlot::Present => ("カード: あり".to_string(), Style::new()),
        CardSlot::Reading => ("カード: 読み取り中".to_string(), theme::warn()),
        CardSlot::Read(_) if app.session.officer.is_none() => {
            ("カード: 読取済".to_string(), theme::ok())
        }
        CardSlot::Read(rd) => (
            format!(
                "カード: 読取済 {}",
                rd.certificate
                    .name_kanji
                    .clone()
                    .unwrap_or_else(|| rd.certificate.subject_cn.clone())
            ),
            theme::ok(),
        ),
        CardSlot::Failed(_) => ("カード: 読取エラー".to_string(), theme::error()),
    };
    let card_w = card.width() + 2;
    // A ledger disagreement found at start-up stays in the header: it takes the reader's place.
    let (reader, reader_style) = match &app.session.ledger_alert {
        Some(alert) => (alert.clone(), theme::error()),
        None => (reader, Style::new()),
    };
    let reader = text::pad(
        &text::fit(
            &text::display(&format!(" {reader}")),
            w.saturating_sub(card_w),
        ),
        w.saturating_sub(card_w),
    );
    let line2 = Line::from(vec![
        Span::styled(reader, reader_style),
        Span::styled(card, card_style),
        Span::raw("  "),
    ]);
    frame.render_widget(Paragraph::new(vec![line1, line2]), area);
}

/// Footer hints for a context: its own bindings, then the global ones.
pub fn footer_hints(app: &App) -> Vec<(String, &'static str)> {
    let ctx = app.context();
    let ascii = app.session.desk.ascii;
    let focus = app.text_focus();
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let mut push = |key: String, label: &'static str| {
        if !out.iter().any(|(_, l)| *l == label) {
            out.push((key, label));
        }
    };
    for bd in
        keymap::bindings(ctx, app.session.desk.demo).filter(|b| b.footer && app.binding_relevant(b))
    {
        push(bd.key.display(ascii), bd.label);
    }
    if app.dialogs.is_empty() {
        for bd in keymap::bindings(Context::Global, app.session.desk.demo).filter(|b| b.footer) {
            if focus && bd.key.is_plain_char() {
                continue;
            }
            push(bd.key.display(ascii), bd.label);
        }
    }
    out
}

fn draw_footer(frame: &mut Frame, app: &App, area: Rect, _g: &Glyphs) {
    let w = usize::from(area.width);
    let status = match &app.session.flash {
        Some(f) => Line::from(Span::styled(
            text::fit(&format!(" {}", f.text), w),
            if f.error { theme::error() } else { theme::ok() },
        )),
        None => Line::from(""),
    };
    // Context hints first, then the global ones (help, quit, 窓口案内); when they do not all
    // fit, context hints are dropped from the end so that the global ones stay visible.
    let mut hints = footer_hints(app);
    let need = |k: &str, l: &str| k.width() + 1 + l.width() + 2;
    // 窓口案内 is asked for all day at the counter: it stays too when there is room for it
    // (100 columns or more; at 80 the step's own keys, such as "Enter 次へ", come first).
    let keep_reference = w >= 100;
    let global: Vec<&'static str> = keymap::bindings(Context::Global, app.session.desk.demo)
        .filter(|b| match b.action {
            keymap::Action::Help | keymap::Action::Quit => true,
            keymap::Action::OpenReference => keep_reference,
            _ => false,
        })
        .map(|b| b.label)
        .collect();
    while 1 + hints.iter().map(|(k, l)| need(k, l)).sum::<usize>() > w {
        match hints.iter().rposition(|(_, l)| !global.contains(l)) {
            Some(i) => {
                hints.remove(i);
            }
            None => {
                hints.pop();
            }
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, label) in hints {
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    frame.render_widget(Paragraph::new(vec![status, Line::from(spans)]), area);
}

/// Wrap lines to `width` cells (see [`text::wrap_lines`]: phrase boundaries, numbers and codes
/// kept whole, kinsoku).
pub(crate) fn wrap_lines(lines: Vec<Line<'_>>, width: u16) -> Vec<Line<'static>> {
    text::wrap_lines(lines, width)
}

/// Render lines into an area, wrapped by [`wrap_lines`].
pub(crate) fn render_para(frame: &mut Frame, area: Rect, lines: Vec<Line<'_>>) {
    frame.render_widget(Paragraph::new(wrap_lines(lines, area.width)), area);
}

/// Render into an off-screen buffer of the given size; returns the buffer and the cursor.
pub fn render_with_cursor(app: &App, width: u16, height: u16) -> (Buffer, Option<Position>) {
    let backend = TestBackend::new(width, height);
    let mut cursor = None;
    let Ok(mut terminal) = Terminal::new(backend);
    let Ok(_) = terminal.draw(|f| {
        cursor = draw_inner(f, app);
        if let Some(pos) = cursor {
            f.set_cursor_position(pos);
        }
    });
    (terminal.backend().buffer().clone(), cursor)
}

/// Render into an off-screen buffer of the given size.
pub fn render_to_buffer(app: &App, width: u16, height: u16) -> Buffer {
    render_with_cursor(app, width, height).0
}

/// Text dump of a buffer: one line per row, the trailing cell of each wide character
/// skipped, trailing spaces trimmed.
pub fn buffer_to_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            let w = sym.width();
            line.push_str(if sym.is_empty() { " " } else { sym });
            skip = w.saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Render `app` at `width`x`height` and dump it as text (wide-character aware).
pub fn render_to_text(app: &App, width: u16, height: u16) -> String {
    buffer_to_text(&render_to_buffer(app, width, height))
}

/// Every binding of the help screen as (context heading, key, label).
pub fn help_entries(app: &App) -> Vec<(&'static str, String, &'static str)> {
    help_entries_for(app.session.desk.demo, app.session.desk.ascii)
}

/// [`help_entries`] of a desk with or without the demo keys, in either glyph set.
pub(crate) fn help_entries_for(
    demo: bool,
    ascii: bool,
) -> Vec<(&'static str, String, &'static str)> {
    let mut out = Vec::new();
    for ctx in Context::ALL {
        for bd in keymap::bindings(ctx, demo) {
            out.push((ctx.label(), bd.key.display(ascii), bd.label));
        }
    }
    out
}
