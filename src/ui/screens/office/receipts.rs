//! 受領書返送 (view of `app::screens::office::receipts`).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{batch_status_style, date_text, exported_line, status_line};
use crate::app::screens::office::{ReceiptPane, ReceiptsView};
use crate::ui::render_para;
use crate::ui::text::{display, fit_marked};
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

    // Pending receipts.
    let title = format!(
        "返送待ちの受領書 {}通（印 {}）",
        v.pending.len(),
        v.marked.len()
    );
    let focus_pending = v.pane == ReceiptPane::Pending;
    let inner = pane(frame, top, &title, focus_pending, g);
    if let Some(l) = status_line(v.loading && v.pending.is_empty(), &v.error) {
        frame.render_widget(Paragraph::new(l), inner);
    } else if v.pending.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                " 返送待ちの受領書はありません。",
                theme::dim(),
            )),
            inner,
        );
    } else {
        let wide = inner.width >= 100;
        let name_w: u16 = if wide { 20 } else { 14 };
        let kana_w: u16 = if wide { 24 } else { 16 };
        let rows = v.pending.iter().map(|c| {
            Row::new(vec![
                Cell::from(g.check(v.marked.contains(&c.id))),
                Cell::from(display(&c.card_id)),
                Cell::from(fit_marked(
                    &display(&c.name),
                    usize::from(name_w),
                    g.ellipsis,
                )),
                Cell::from(fit_marked(
                    &display(&c.kana),
                    usize::from(kana_w),
                    g.ellipsis,
                )),
                Cell::from(format!("{:>4}日", (today - c.arrived_on).num_days())),
            ])
        });
        let widths = [
            Constraint::Length(3),
            Constraint::Length(14),
            Constraint::Length(name_w),
            Constraint::Length(kana_w),
            Constraint::Min(6),
        ];
        let cols = ["印", "カードID", "氏名", "フリガナ", "到着から"];
        super::draw_table(
            frame,
            inner,
            rows,
            &widths,
            &cols,
            focus_pending,
            v.sel_pending,
            g,
        );
    }

    // Batches.
    let focus_batches = v.pane == ReceiptPane::Batches;
    let title = format!("返送バッチ {}件", v.batches.len());
    let inner = pane(frame, bottom, &title, focus_batches, g);
    if v.batches.is_empty() {
        if !v.loading {
            frame.render_widget(
                Paragraph::new(Line::styled(" まだバッチはありません。", theme::dim())),
                inner,
            );
        }
    } else {
        let rows = v.batches.iter().map(|b| {
            let st = batch_status_style(b.status);
            Row::new(vec![
                Cell::from(b.number.clone()),
                Cell::from(date_text(b.created_on)),
                Cell::from(format!("{:>3}通", b.live_items().count())),
                Cell::from(Span::styled(b.status.label(), st)),
                Cell::from(b.sent_on.map(date_text).unwrap_or_default()),
                Cell::from(fit_marked(
                    &display(b.tracking_no.as_deref().unwrap_or("")),
                    16,
                    g.ellipsis,
                )),
            ])
        });
        let widths = [
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(5),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Min(8),
        ];
        let cols = [
            "番号",
            "作成日",
            "件数",
            "状態",
            "送付日",
            "お問い合わせ番号",
        ];
        super::draw_table(
            frame,
            inner,
            rows,
            &widths,
            &cols,
            focus_batches,
            v.sel_batch,
            g,
        );
    }
    let foot_line = match v.exported.first() {
        Some(f) => exported_line(f),
        None => Line::styled(
            " バッチを選んで s 送付済 / o 送付状（HTML・CSV）出力 / r 訂正",
            theme::dim(),
        ),
    };
    render_para(frame, foot, vec![foot_line]);
}
