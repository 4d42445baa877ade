//! Step 2 of the dispatch by mail, 発送情報: the dispatch date and the お問い合わせ番号.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;

use super::error_or_hint;
use crate::app::{Handover, MailField};
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{boxed, draw_field};

pub(super) fn draw_mail(
    frame: &mut Frame,
    h: &Handover,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    let block = boxed("2 発送情報（本人限定受取郵便）", g);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [intro, date, tracking, rest] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    render_para(
        frame,
        intro,
        vec![Line::styled(
            "照合済みのカードと初期登録用QRコードの印刷物を封入し、発送日とお問い合わせ番号を入力します。",
            theme::dim(),
        )],
    );
    let d = &h.mail_draft;
    let half = |r: Rect| Rect::new(r.x, r.y, r.width.min(40), r.height);
    let c1 = draw_field(
        frame,
        half(date),
        "発送日（例 2026-04-01、R8.4.1）",
        &d.date,
        d.focus == MailField::Date,
        g,
    );
    let c2 = draw_field(
        frame,
        half(tracking),
        "お問い合わせ番号（数字11から13桁）",
        &d.tracking,
        d.focus == MailField::Tracking,
        g,
    );
    let hint = error_or_hint(d.error.as_deref(), "Tab で欄を移動、Enter で次へ（確認）。");
    render_para(frame, rest, vec![hint]);
    c1.or(c2)
}
