//! 入荷確認 (view of `app::screens::office::arrival`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{draw_list_notice, draw_table, fitted_cell, status_line};
use crate::app::screens::office::{ArrivalRow, ArrivalView};
use crate::domain::office::ArrivalOutcome;
use crate::domain::office::arrival::ArrivalRead;
use crate::ui::render_para;
use crate::ui::text::display;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed_area;

pub fn draw(frame: &mut Frame, v: &ArrivalView, area: Rect, g: &Glyphs) {
    let Some(chosen) = v.chosen else {
        let [help, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        render_para(
            frame,
            help,
            vec![Line::styled(
                " 確認する発送リストを選んで Enter。",
                theme::dim(),
            )],
        );
        let inner = boxed_area(frame, list, "発送リスト", g);
        let empty = v.shipments.is_empty();
        if draw_list_notice(
            frame,
            inner,
            v.loading && empty,
            &v.error,
            empty.then_some(" 取り込んだ発送リストはありません（kofu import で取り込みます）。"),
        ) {
            return;
        }
        let rows = v.shipments.iter().map(|sh| {
            Row::new(vec![
                Cell::from(format!("#{}", sh.id)),
                Cell::from(display(&sh.arrived_on)),
                Cell::from(format!("{:>4}枚", sh.row_count)),
                fitted_cell(&sh.file_name, 60, g),
            ])
        });
        let columns = [
            ("番号", Constraint::Length(6)),
            ("到着日", Constraint::Length(10)),
            ("枚数", Constraint::Length(6)),
            ("ファイル", Constraint::Min(10)),
        ];
        draw_table(frame, inner, rows, &columns, true, v.sel_shipment, g);
        return;
    };
    let [last, counts, list] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    let title = format!("入荷確認 発送リスト #{chosen}");
    let inner = boxed_area(frame, last, &title, g);
    let lines = match v.last.as_deref() {
        None => vec![Line::styled(
            " カードを1枚ずつリーダに置いてください。読み取ると発送リストと照合して記録します。",
            theme::dim(),
        )],
        Some(ArrivalRead::Checked { check, .. }) => {
            let (label, style) = match check.result {
                ArrivalOutcome::Verified if check.reasons.is_empty() => ("確認済", theme::ok()),
                ArrivalOutcome::Verified => ("確認済（要確認）", theme::warn()),
                ArrivalOutcome::Failed => ("不一致", theme::error()),
            };
            let mut l = vec![Line::from(vec![
                Span::styled(format!(" {label}"), style),
                Span::raw(format!("  カードID {}", check.card_id)),
            ])];
            for r in &check.reasons {
                l.push(Line::styled(format!("   {r}"), style));
            }
            l
        }
        Some(ArrivalRead::NotInList(x)) => vec![
            Line::styled(" 名簿にないカードです（記録しました）", theme::error()),
            Line::from(format!(
                "   {}  シリアル {}",
                x.name_kanji.clone().unwrap_or_else(|| x.subject_cn.clone()),
                x.cert_serial
            )),
        ],
    };
    render_para(frame, inner, lines);
    if let Some(s) = &v.summary {
        // The list rows add up to the total; reads and cards not in the list follow (S explains).
        render_para(
            frame,
            counts,
            vec![Line::raw(format!(" {}", s.count_line()))],
        );
    }
    let rows_data = v.rows();
    let inner = boxed_area(frame, list, "要確認と未読取", g);
    if let Some(l) = status_line(v.loading && v.summary.is_none(), &v.error) {
        frame.render_widget(Paragraph::new(l), inner);
        return;
    }
    if rows_data.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(" 問題はありません。", theme::ok())),
            inner,
        );
        return;
    }
    let rows = rows_data.iter().map(|r| {
        let (kind, style, id, detail) = match r {
            ArrivalRow::Failed {
                card_id, reasons, ..
            } => (
                "不一致",
                theme::error(),
                card_id.clone(),
                reasons.join(" / "),
            ),
            ArrivalRow::Stray { serial, name } => (
                "名簿にない",
                theme::error(),
                String::new(),
                format!("{name}  シリアル {serial}"),
            ),
            ArrivalRow::NotRead { card_id, name } => {
                ("未読取", theme::warn(), card_id.clone(), name.clone())
            }
            ArrivalRow::Resolved { card_id, note } => {
                ("解決済", theme::dim(), card_id.clone(), note.clone())
            }
        };
        Row::new(vec![
            Cell::from(Span::styled(kind, style)),
            Cell::from(display(&id)),
            Cell::from(display(&detail)),
        ])
    });
    let columns = [
        ("区分", Constraint::Length(10)),
        ("カードID", Constraint::Length(12)),
        ("内容", Constraint::Min(10)),
    ];
    draw_table(frame, inner, rows, &columns, true, v.sel_row, g);
}
