//! The passphrase dialog shown when an officer with a passphrase takes over the desk.
//! The field is drawn masked (one `*` per character); its text never reaches the screen.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::dialogs::officer::PassphraseDialog;
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{dialog_box, form_rows, pane};

pub fn draw(
    frame: &mut Frame,
    d: &PassphraseDialog,
    officers_listed: usize,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    // At least as tall as the officer picker underneath, so that it is fully covered.
    let picker_h = u16::try_from(officers_listed).unwrap_or(8).clamp(1, 8) + 10;
    let inner = dialog_box(
        frame,
        area,
        (60, picker_h.max(11)),
        "パスフレーズ",
        theme::title(),
        g,
    );
    let (top, [input], bottom) = form_rows(inner, 3);
    render_para(
        frame,
        top,
        vec![
            Line::styled(format!(" 担当者: {}", d.officer.name), theme::title()),
            Line::from(" パスフレーズを入力して Enter を押してください。"),
        ],
    );
    let caret = masked_field(frame, input, &d.field.0, !d.checking, g);
    let msg = if d.checking {
        Line::styled(" 確認しています。お待ちください。", theme::dim())
    } else {
        match &d.error {
            Some(e) => Line::styled(format!(" {e}"), theme::error()),
            None => Line::from(""),
        }
    };
    render_para(
        frame,
        bottom,
        vec![msg, Line::styled(" Esc で担当者の選択へ戻る", theme::dim())],
    );
    caret
}

/// A boxed field showing one `*` per character; the caret follows the field's cursor.
pub(crate) fn masked_field(
    frame: &mut Frame,
    area: Rect,
    field: &crate::app::LineEdit,
    focused: bool,
    g: &Glyphs,
) -> Option<Position> {
    let inner = pane(frame, area, "パスフレーズ（表示されません）", focused, g);
    let width = usize::from(inner.width);
    if width == 0 || inner.height == 0 {
        return None;
    }
    let n = field.value().chars().count();
    let cursor = field.cursor().min(n);
    // Keep one cell free for the caret at the end.
    let start = cursor.saturating_sub(width.saturating_sub(1));
    let shown = "*".repeat(n.saturating_sub(start).min(width));
    frame.render_widget(Paragraph::new(shown), inner);
    if !focused {
        return None;
    }
    let x = inner.x
        + u16::try_from(cursor - start)
            .unwrap_or(0)
            .min(inner.width - 1);
    Some(Position::new(x, inner.y))
}
