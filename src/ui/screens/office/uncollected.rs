//! 未交付カード (view of `app::screens::office::uncollected`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{BatchPane, batch_status_style, date_text, draw_list_notice, export_foot, fitted_cell};
use crate::app::screens::office::UncollectedView;
use crate::app::screens::office::uncollected::Pane;
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
    let focus_cards = v.pane == Pane::Cards;
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

    let batches = BatchPane {
        title: format!("返却バッチ {}件", v.batches.len()),
        empty: " まだ返却バッチはありません。",
        batches: &v.batches,
        loading: v.loading,
        focused: v.pane == Pane::Batches,
        selected: v.sel_batch,
    };
    let columns = [
        ("番号", Constraint::Length(12)),
        ("作成日", Constraint::Length(10)),
        ("枚数", Constraint::Length(5)),
        ("読取確認", Constraint::Length(18)),
        ("状態", Constraint::Length(12)),
        ("送付日", Constraint::Min(10)),
    ];
    batches.draw(
        frame,
        bottom,
        &columns,
        |b| {
            let st = batch_status_style(b.status);
            let live = b.live_items().count();
            let verified = b.live_items().filter(|i| i.verified_at.is_some()).count();
            let mark = if v.verifying.as_deref() == Some(b.number.as_str()) {
                " 確認中"
            } else {
                ""
            };
            Row::new(vec![
                Cell::from(b.number.clone()),
                Cell::from(date_text(b.created_on)),
                Cell::from(format!("{live:>3}枚")),
                Cell::from(format!("確認 {verified}/{live}{mark}")),
                Cell::from(Span::styled(b.status.label(), st)),
                Cell::from(b.sent_on.map(date_text).unwrap_or_default()),
            ])
        },
        g,
    );
    let foot_line = export_foot(
        &v.exported,
        " バッチを選んで k 読取確認 / s 送付済 / o 送付状出力 / r 訂正（Tab で切替）",
    );
    render_para(frame, foot, vec![foot_line]);
}
