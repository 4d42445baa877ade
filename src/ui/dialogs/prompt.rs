//! A screen's one-line prompt and its yes/no question; the words come from the purpose.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;

use crate::app::{Confirm, Prompt};
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{dialog_box, draw_field, error_or_hint, form_rows, yes_or_esc};

/// Draw a prompt; returns the caret of its field.
pub fn draw_prompt(frame: &mut Frame, p: &Prompt, area: Rect, g: &Glyphs) -> Option<Position> {
    let text = p.text();
    let inner = dialog_box(frame, area, (72, 12), text.title, theme::warn(), g);
    let (top, [f], bottom) = form_rows(inner, 4);
    let mut out = vec![Line::from("")];
    out.extend(text.lines.into_iter().map(|l| Line::from(format!(" {l}"))));
    render_para(frame, top, out);
    let c = draw_field(frame, f, text.label, &p.field, true, g);
    let msg = error_or_hint(p.error.as_deref(), &format!(" {}", text.hint));
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
    out.push(yes_or_esc("記録する", "やめる"));
    render_para(frame, inner, out);
}
