//! 受領書返送 (view of `app::screens::office::receipts`).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{batches, draw_list_notice, export_foot, fitted_cell};
use crate::app::screens::office::ReceiptsView;
use crate::ui::render_para;
use crate::ui::text::display;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::pane;

pub fn draw(frame: &mut Frame, today: NaiveDate, v: &ReceiptsView, area: Rect, g: &Glyphs) {
    let [help, top, bottom, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(50),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(area);
    let hint = if v.marked.is_empty() {
        " Space で印を付けて n で返送バッチ（印がなければ全件）。Tab でバッチ一覧へ。"
    } else {
        " n で印を付けた受領書だけの返送バッチを作ります。a で全件に印/解除。"
    };
    render_para(frame, help, vec![Line::styled(hint, theme::dim())]);

    // Pending receipts, each with the day it is due back to JMACA.
    let overdue = v.pending.iter().filter(|p| p.overdue(today)).count();
    let late = match overdue {
        0 => String::new(),
        n => format!("・目安超過 {n}"),
    };
    let title = format!(
        "返送待ちの受領書 {}通（印 {}{late}）",
        v.pending.len(),
        v.marked.len()
    );
    let focus_pending = !v.batches.focused;
    let inner = pane(frame, top, &title, focus_pending, g);
    let empty = v.pending.is_empty();
    if !draw_list_notice(
        frame,
        inner,
        v.loading && empty,
        &v.error,
        empty.then_some(" 返送待ちの受領書はありません。"),
    ) {
        let wide = inner.width >= 100;
        let name_w: u16 = if wide { 20 } else { 14 };
        let kana_w: u16 = if wide { 24 } else { 16 };
        // An unknown day is `-` (ASCII: no ambiguous-width glyph in the conhost glyph set).
        let day = |d: Option<NaiveDate>| {
            d.map_or_else(|| "-".to_string(), |d| d.format("%m/%d").to_string())
        };
        let rows = v.pending.iter().map(|p| {
            let due = if p.overdue(today) {
                Cell::from(Span::styled(
                    format!("{}（超過）", day(p.due)),
                    theme::warn(),
                ))
            } else {
                Cell::from(day(p.due))
            };
            Row::new(vec![
                Cell::from(g.check(v.marked.contains(&p.card.id))),
                Cell::from(display(&p.card.card_id)),
                fitted_cell(&p.card.name, name_w, g),
                fitted_cell(&p.card.kana, kana_w, g),
                Cell::from(day(p.handed_on)),
                due,
            ])
        });
        let columns = [
            ("印", Constraint::Length(3)),
            ("カードID", Constraint::Length(14)),
            ("氏名", Constraint::Length(name_w)),
            ("フリガナ", Constraint::Length(kana_w)),
            ("交付", Constraint::Length(5)),
            ("返送の目安", Constraint::Min(11)),
        ];
        super::draw_table(
            frame,
            inner,
            rows,
            &columns,
            focus_pending,
            v.sel_pending,
            g,
        );
    }

    batches::draw(frame, bottom, &v.batches, v.loading, None, g);
    let foot_line = export_foot(
        &v.batches.exported,
        " バッチを選んで s 送付済 / o 送付状（HTML・CSV）出力 / r 訂正",
    );
    render_para(frame, foot, vec![foot_line]);
}
