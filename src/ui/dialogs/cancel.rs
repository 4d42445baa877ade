//! 取消/訂正 (view of `app::dialogs::cancel`): the card, what the correction does, the reason.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;

use crate::app::dialogs::cancel::CancelReasonDialog;
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{card_heading, dialog_box, draw_field, error_or_hint, form_rows};

pub fn draw(frame: &mut Frame, d: &CancelReasonDialog, area: Rect, g: &Glyphs) -> Option<Position> {
    let inner = dialog_box(frame, area, (70, 12), "取消/訂正", theme::warn(), g);
    let (top, [field], bottom) = form_rows(inner, 4);
    render_para(
        frame,
        top,
        vec![
            card_heading(&d.record.name, &d.record.card_id),
            Line::from(format!(
                " 状態「{}」を取り消して交付待ちに戻します。",
                d.record.state.label()
            )),
            Line::styled(
                " 取消は監査記録に残ります。理由を入力してください。",
                theme::dim(),
            ),
        ],
    );
    let c = draw_field(frame, field, "理由（必須）", &d.reason, true, g);
    let msg = error_or_hint(d.error.as_deref(), " Enter で取消を記録、Esc でやめる");
    render_para(frame, bottom, vec![msg]);
    c
}
