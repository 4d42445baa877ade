//! 本人限定受取郵便 (view of `app::screens::office::mail`).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row};

use super::{draw_list_notice, draw_table, fitted_cell};
use crate::app::screens::office::MailView;
use crate::ui::render_para;
use crate::ui::text::display;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed_area;

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
    let inner = boxed_area(frame, list, &title, g);
    let empty = v.items.is_empty();
    if draw_list_notice(
        frame,
        inner,
        v.loading && empty,
        &v.error,
        empty.then_some(" 郵送中のカードはありません。"),
    ) {
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
            fitted_cell(&m.card.name, name_w, g),
            Cell::from(days),
        ])
    });
    let columns = [
        ("発送日", Constraint::Length(10)),
        ("お問い合わせ番号", Constraint::Length(16)),
        ("カードID", Constraint::Length(13)),
        ("氏名", Constraint::Length(name_w)),
        ("経過", Constraint::Min(5)),
    ];
    draw_table(frame, inner, rows, &columns, true, v.selected, g);
}
