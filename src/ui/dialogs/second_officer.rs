//! 別の担当者の確認 (view of `app::dialogs::second_officer`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::officer::masked_field;
use crate::app::dialogs::second_officer::SecondOfficerDialog;
use crate::ui::render_para;
use crate::ui::text::display;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{dialog_box, error_or_hint};

pub fn draw(
    frame: &mut Frame,
    d: &SecondOfficerDialog,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    let listed = u16::try_from(d.candidates.len()).unwrap_or(6).clamp(1, 6);
    let inner = dialog_box(
        frame,
        area,
        (66, listed + 13),
        "別の担当者の確認",
        theme::warn(),
        g,
    );
    let [top, list, input, bottom] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(listed),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    render_para(
        frame,
        top,
        vec![
            Line::from(" 不一致のカードを例外として交付します。"),
            Line::from(" その場にいる別の担当者が確認してください（↑↓で選択）。"),
        ],
    );
    let mut rows = Vec::new();
    if d.candidates.is_empty() {
        rows.push(Line::styled(
            " 確認できる担当者がいません（F3 で登録）。",
            theme::error(),
        ));
    }
    for (i, o) in d.candidates.iter().enumerate() {
        let on = i == d.selected;
        rows.push(Line::from(vec![
            Span::styled(
                format!(" {} {}", if on { g.pointer } else { " " }, display(&o.name)),
                if on { theme::selected() } else { Style::new() },
            ),
            Span::styled(
                if o.has_passphrase {
                    ""
                } else {
                    "（パスフレーズなし）"
                },
                theme::dim(),
            ),
        ]));
    }
    render_para(frame, list, rows);
    let caret = match d.field() {
        Some(f) => masked_field(frame, input, f, true, g),
        None => None,
    };
    let msg = error_or_hint(d.error.as_deref(), " Enter で確認して記録、Esc でやめる");
    render_para(frame, bottom, vec![msg]);
    caret
}
