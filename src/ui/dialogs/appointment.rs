//! 予約の登録 (view of `app::dialogs::appointment`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;

use crate::app::AppointmentDialog;
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{card_heading, dialog_box, draw_field, error_or_hint, form_rows};

/// Draw the dialog; returns the caret of the focused field.
pub fn draw(frame: &mut Frame, d: &AppointmentDialog, area: Rect, g: &Glyphs) -> Option<Position> {
    let inner = dialog_box(frame, area, (64, 15), "予約の登録", theme::title(), g);
    let (top, [fd, ft], bottom) = form_rows(inner, 3);
    render_para(
        frame,
        top,
        vec![Line::from(""), card_heading(&d.card.name, &d.card.card_id)],
    );
    let [fd, _] = Layout::horizontal([Constraint::Length(40), Constraint::Min(0)]).areas(fd);
    let [ft, _] = Layout::horizontal([Constraint::Length(20), Constraint::Min(0)]).areas(ft);
    let c1 = draw_field(
        frame,
        fd,
        "日付（2026-12-01 / 令和8年12月1日）",
        &d.date,
        !d.time_focus,
        g,
    );
    let c2 = draw_field(frame, ft, "時刻（10:30）", &d.time, d.time_focus, g);
    let msg = error_or_hint(
        d.error.as_deref(),
        " Enter で登録、Tab で欄の移動、F8 で予約を取消、Esc でやめる",
    );
    render_para(frame, bottom, vec![msg]);
    c1.or(c2)
}
