//! Taking over the desk (view of `app::dialogs::officer`): the officer picker, and the
//! passphrase dialog shown when an officer with a passphrase takes over. The passphrase field is
//! drawn masked (one `*` per character); its text never reaches the screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::OfficerInfo;
use crate::app::dialogs::officer::{OfficerPickerDialog, PassphraseDialog};
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{dialog_box, draw_field, form_rows, pane};

/// 担当者の選択: the registered officers (a lock mark on those with a passphrase) and, unless
/// the desk is `locked`, a field to add a new one.
pub fn draw_picker(
    frame: &mut Frame,
    d: &OfficerPickerDialog,
    officers: &[OfficerInfo],
    locked: bool,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    let list_h = u16::try_from(officers.len()).unwrap_or(10).clamp(1, 8);
    let inner = dialog_box(
        frame,
        area,
        (60, list_h + 10),
        "担当者の選択",
        ratatui::style::Style::new(),
        g,
    );
    let [list, field, bottom] = Layout::vertical([
        Constraint::Min(list_h + 1),
        Constraint::Length(3),
        Constraint::Length(2),
    ])
    .areas(inner);
    let mut lines = vec![Line::styled(" 本日の担当者を選んで Enter", theme::dim())];
    if officers.is_empty() {
        lines.push(Line::from(" （登録された担当者はいません）"));
    }
    for (i, o) in officers.iter().enumerate() {
        let on = i == d.selected;
        let lock = if o.has_passphrase {
            "（パスフレーズ）"
        } else {
            ""
        };
        let text = format!(" {} {}{lock}", if on { g.pointer } else { " " }, o.name);
        lines.push(if on {
            Line::styled(text, theme::selected())
        } else {
            Line::from(text)
        });
    }
    render_para(frame, list, lines);
    // At the lock no officer can be added: no field is offered (issue 11 #15).
    let c = if locked {
        render_para(
            frame,
            field,
            vec![Line::styled(
                " ロック中は登録済みの担当者だけを選べます（追加は担当者を選んだあと F3 から）。",
                theme::dim(),
            )],
        );
        None
    } else {
        draw_field(
            frame,
            field,
            "新しい担当者の名前（入力して Enter で追加）",
            &d.name,
            true,
            g,
        )
    };
    let msg = match &d.error {
        Some(e) => Line::styled(format!(" {e}"), theme::error()),
        None => Line::from(""),
    };
    render_para(frame, bottom, vec![msg]);
    c
}

/// The passphrase of the officer chosen in the picker.
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
