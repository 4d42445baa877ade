//! 本人限定受取郵便 (view of `app::screens::office::mail`).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::{header, status_line};
use crate::app::screens::office::MailView;
use crate::ui::render_para;
use crate::ui::text::{display, fit_marked};
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed;

pub fn draw(frame: &mut Frame, today: NaiveDate, v: &MailView, area: Rect, g: &Glyphs) {
    let [help, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    render_para(
        frame,
        help,
        vec![Line::styled(
            " 配達結果が分かったら d 配達済、u 返送（不達・カードは交付待ちに戻ります）。",
            theme::dim(),
        )],
    );
    let title = format!("郵送中のカード {}件", v.items.len());
    let block = boxed(&title, g);
    let inner = block.inner(list);
    frame.render_widget(block, list);
    if let Some(l) = status_line(v.loading && v.items.is_empty(), &v.error) {
        frame.render_widget(Paragraph::new(l), inner);
        return;
    }
    if v.items.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(" 郵送中のカードはありません。", theme::dim())),
            inner,
        );
        return;
    }
    let wide = inner.width >= 100;
    let name_w: u16 = if wide { 20 } else { 12 };
    let rows = v.items.iter().map(|m| {
        let days = m
            .dispatch_date
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(|d| format!("{:>3}日", (today - d).num_days()))
            .unwrap_or_default();
        Row::new(vec![
            Cell::from(display(m.dispatch_date.as_deref().unwrap_or("-"))),
            Cell::from(display(m.tracking_no.as_deref().unwrap_or("（なし）"))),
            Cell::from(display(&m.card.card_id)),
            Cell::from(fit_marked(
                &display(&m.card.name),
                usize::from(name_w),
                g.ellipsis,
            )),
            Cell::from(days),
        ])
    });
    let t = Table::new(
        rows,
        [
            Constraint::Length(10),
            Constraint::Length(16),
            Constraint::Length(13),
            Constraint::Length(name_w),
            Constraint::Min(5),
        ],
    )
    .header(header(&[
        "発送日",
        "お問い合わせ番号",
        "カードID",
        "氏名",
        "経過",
    ]))
    .column_spacing(1)
    .row_highlight_style(theme::selected())
    .highlight_symbol(format!("{} ", g.pointer));
    let mut st = TableState::default();
    st.select(Some(v.selected));
    frame.render_stateful_widget(t, inner, &mut st);
}
