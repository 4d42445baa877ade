//! 未交付カード (view of `app::screens::office::uncollected`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{batches, draw_list_notice, export_foot, fitted_cell};
use crate::app::screens::office::UncollectedView;
use crate::domain::office::DueAction;
use crate::ui::render_para;
use crate::ui::text::display;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::pane;

pub fn draw(frame: &mut Frame, v: &UncollectedView, area: Rect, g: &Glyphs) {
    let [help, top, bottom, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(55),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(area);
    let hint = match &v.verifying {
        Some(n) => Line::styled(
            format!(" 読取確認中（{n}）: 封入するカードをリーダに置いてください（k で終了）"),
            theme::warn(),
        ),
        None => Line::styled(
            " c 連絡 / h 保留 / b 返却期限のカードで返却バッチ / F2 期限のあるカードのみ",
            theme::dim(),
        ),
    };
    render_para(frame, help, vec![hint]);

    let shown = v.shown();
    let focus_cards = !v.batches.focused;
    let title = format!(
        "未交付カード {}枚{}",
        shown.len(),
        if v.only_due {
            "（期限のあるもの）"
        } else {
            ""
        }
    );
    let inner = pane(frame, top, &title, focus_cards, g);
    if !draw_list_notice(
        frame,
        inner,
        v.loading && v.list.is_empty(),
        &v.error,
        shown.is_empty().then_some(" 該当するカードはありません。"),
    ) {
        let wide = inner.width >= 100;
        let name_w: u16 = if wide { 20 } else { 12 };
        let rows = shown.iter().map(|u| {
            let (due, style) = match u.due {
                Some(DueAction::Return) => ("返却", theme::error()),
                Some(d) => (d.label(), theme::warn()),
                None => ("", Style::new()),
            };
            let contact = match u.contacts.last() {
                Some(c) => format!(
                    "{}回 {} {}",
                    u.contacts.len(),
                    c.on.format("%m/%d"),
                    c.method.label()
                ),
                None => "なし".to_string(),
            };
            let status = if let Some(h) = &u.hold {
                format!("保留: {h}")
            } else if let Some(b) = &u.in_batch {
                format!("バッチ {b}")
            } else if let Some(a) = u.appointment {
                format!("予約 {}", a.format("%m/%d %H:%M"))
            } else {
                String::new()
            };
            Row::new(vec![
                Cell::from(display(&u.card.card_id)),
                fitted_cell(&u.card.name, name_w, g),
                Cell::from(u.card.arrived_on.format("%m/%d").to_string()),
                Cell::from(format!("{:>4}日", u.days)),
                Cell::from(Span::styled(due, style)),
                Cell::from(contact),
                Cell::from(display(&status)),
            ])
        });
        let columns = [
            ("カードID", Constraint::Length(12)),
            ("氏名", Constraint::Length(name_w)),
            ("到着", Constraint::Length(5)),
            ("経過", Constraint::Length(6)),
            ("対応", Constraint::Length(6)),
            ("連絡", Constraint::Length(16)),
            ("状況", Constraint::Min(6)),
        ];
        super::draw_table(frame, inner, rows, &columns, focus_cards, v.sel_card, g);
    }

    let checking = v.verifying.as_deref();
    batches::draw(frame, bottom, &v.batches, v.loading, checking, g);
    let foot_line = export_foot(
        &v.batches.exported,
        " バッチを選んで k 読取確認 / s 送付済 / o 送付状出力 / r 訂正（Tab で切替）",
    );
    render_para(frame, foot, vec![foot_line]);
}
