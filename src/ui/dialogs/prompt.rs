//! A screen's one-line prompt and its yes/no question; the words come from the purpose.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};

use crate::app::{Confirm, Prompt};
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{dialog_box, draw_field};

/// Draw a prompt; returns the caret of its field.
pub fn draw_prompt(frame: &mut Frame, p: &Prompt, area: Rect, g: &Glyphs) -> Option<Position> {
    let text = p.text();
    let inner = dialog_box(frame, area, (72, 12), text.title, theme::warn(), g);
    let [top, f, bottom] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    let mut out = vec![Line::from("")];
    out.extend(text.lines.into_iter().map(|l| Line::from(format!(" {l}"))));
    render_para(frame, top, out);
    let c = draw_field(frame, f, text.label, &p.field, true, g);
    let msg = match &p.error {
        Some(e) => Line::styled(format!(" {e}"), theme::error()),
        None => Line::styled(format!(" {}", text.hint), theme::dim()),
    };
    render_para(frame, bottom, vec![msg]);
    c
}

/// Draw a yes/no question.
pub fn draw_confirm(frame: &mut Frame, c: &Confirm, area: Rect, g: &Glyphs) {
    let text = c.text();
    let inner = dialog_box(frame, area, (64, 9), text.title, theme::warn(), g);
    let mut out = vec![Line::from("")];
    out.extend(text.lines.into_iter().map(|l| Line::from(format!(" {l}"))));
    out.push(Line::from(""));
    out.push(Line::from(vec![
        Span::raw(" "),
        Span::styled("y", theme::key()),
        Span::raw(" 記録する   "),
        Span::styled("Esc", theme::key()),
        Span::raw(" やめる"),
    ]));
    render_para(frame, inner, out);
}
