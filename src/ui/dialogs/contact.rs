//! 連絡の記録 (view of `app::dialogs::contact`).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::ContactDialog;
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{card_heading, dialog_box, draw_field, error_or_hint, form_rows};

/// Draw the dialog; returns the caret of the note field.
pub fn draw(frame: &mut Frame, d: &ContactDialog, area: Rect, g: &Glyphs) -> Option<Position> {
    let inner = dialog_box(frame, area, (68, 13), "連絡の記録", theme::title(), g);
    let (top, [fnote], bottom) = form_rows(inner, 4);
    let mut methods = vec![Span::styled(
        format!(" {} 方法: ", if d.method_focus { g.pointer } else { " " }),
        if d.method_focus {
            theme::title()
        } else {
            Style::new()
        },
    )];
    for m in [
        crate::domain::office::ContactMethod::Phone,
        crate::domain::office::ContactMethod::Letter,
        crate::domain::office::ContactMethod::Mail,
    ] {
        let on = m == d.method;
        methods.push(Span::styled(
            format!("{} {}  ", g.radio(on), m.label()),
            if on { theme::selected() } else { Style::new() },
        ));
    }
    methods.push(Span::styled(
        if d.method_focus {
            "（Space・左右キーで変える）"
        } else {
            "（Tab でここへ）"
        },
        theme::dim(),
    ));
    render_para(
        frame,
        top,
        vec![
            Line::from(""),
            card_heading(&d.card.name, &d.card.card_id),
            Line::from(methods),
        ],
    );
    let c = draw_field(
        frame,
        fnote,
        "メモ（任意。例: 来週来庁予定）",
        &d.note,
        !d.method_focus,
        g,
    );
    let msg = error_or_hint(d.error.as_deref(), " Enter で記録、Esc でやめる");
    render_para(frame, bottom, vec![msg]);
    c
}
