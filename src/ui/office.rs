//! 業務メニュー screens and their dialogs (rendering only).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::text::{display, fit};
use super::theme::{self, Glyphs};
use super::{boxed, clear_area, draw_field, focused_table, pane, render_para};
use crate::app::App;
use crate::app::office::UncollectedView;
use crate::app::office::arrival::{ArrivalRow, ArrivalView};
use crate::app::office::uncollected::Pane;
use crate::app::office::{
    AppointmentsView, MailView, Office, OfficeConfirmPurpose, OfficeInputPurpose, OfficeItem,
    OfficeModal, ReceiptPane, ReceiptsView,
};
use crate::domain::office::ArrivalOutcome;
use crate::domain::office::arrival::ArrivalRead;
use crate::domain::office::{BatchKind, BatchStatus, DueAction};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn header(cells: &[&'static str]) -> Row<'static> {
    Row::new(
        cells
            .iter()
            .map(|h| Cell::from(Span::styled(*h, theme::title())))
            .collect::<Vec<_>>(),
    )
}

fn date_text(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Draw the back-office screen.
pub fn draw(frame: &mut Frame, app: &App, o: &Office, area: Rect, g: &Glyphs) -> Option<Position> {
    match o {
        Office::Menu { selected } => draw_menu(frame, *selected, area, g),
        Office::Receipts(v) => draw_receipts(frame, app, v, area, g),
        Office::Mail(v) => draw_mail(frame, app, v, area, g),
        Office::Appointments(v) => draw_appointments(frame, app, v, area, g),
        Office::Uncollected(v) => draw_uncollected(frame, app, v, area, g),
        Office::Arrival(v) => draw_arrival(frame, v, area, g),
        Office::Report(v) => draw_report(frame, v, area, g),
    }
    None
}

fn draw_menu(frame: &mut Frame, selected: usize, area: Rect, g: &Glyphs) {
    let block = boxed("業務メニュー", g);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![
        Line::styled(
            " 業務を選んで Enter（数字キーでも選べます）。Esc で受付待ち一覧に戻ります。",
            theme::dim(),
        ),
        Line::from(""),
    ];
    for (i, item) in OfficeItem::ALL.iter().enumerate() {
        let on = i == selected;
        let ptr = if on { g.pointer } else { " " };
        let style = if on { theme::selected() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(format!(" {ptr} "), style),
            Span::styled(format!("{}", i + 1), theme::key()),
            Span::styled(format!(" {}", item.label()), style),
        ]));
        lines.push(Line::styled(
            format!("       {}", item.description()),
            theme::dim(),
        ));
    }
    render_para(frame, inner, lines);
}

fn status_line(loading: bool, error: &Option<String>) -> Option<Line<'static>> {
    if let Some(e) = error {
        return Some(Line::styled(
            format!(" 読み込めませんでした: {e}"),
            theme::error(),
        ));
    }
    loading.then(|| Line::styled(" 読み込み中…", theme::dim()))
}

fn draw_receipts(frame: &mut Frame, app: &App, v: &ReceiptsView, area: Rect, g: &Glyphs) {
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
                Cell::from(fit(&display(&c.name), usize::from(name_w))),
                Cell::from(fit(&display(&c.kana), usize::from(kana_w))),
                Cell::from(format!("{:>4}日", (app.today - c.arrived_on).num_days())),
            ])
        });
        let t = Table::new(
            rows,
            [
                Constraint::Length(3),
                Constraint::Length(14),
                Constraint::Length(name_w),
                Constraint::Length(kana_w),
                Constraint::Min(6),
            ],
        )
        .header(header(&["印", "カードID", "氏名", "フリガナ", "到着から"]))
        .column_spacing(1);
        let t = focused_table(t, focus_pending, g);
        let mut st = TableState::default();
        st.select(Some(v.sel_pending));
        frame.render_stateful_widget(t, inner, &mut st);
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
                Cell::from(fit(&display(b.tracking_no.as_deref().unwrap_or("")), 16)),
            ])
        });
        let t = Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Length(5),
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Min(8),
            ],
        )
        .header(header(&[
            "番号",
            "作成日",
            "件数",
            "状態",
            "送付日",
            "お問い合わせ番号",
        ]))
        .column_spacing(1);
        let t = focused_table(t, focus_batches, g);
        let mut st = TableState::default();
        st.select(Some(v.sel_batch));
        frame.render_stateful_widget(t, inner, &mut st);
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

fn draw_mail(frame: &mut Frame, app: &App, v: &MailView, area: Rect, g: &Glyphs) {
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
            .map(|d| format!("{:>3}日", (app.today - d).num_days()))
            .unwrap_or_default();
        Row::new(vec![
            Cell::from(display(m.dispatch_date.as_deref().unwrap_or("-"))),
            Cell::from(display(m.tracking_no.as_deref().unwrap_or("（なし）"))),
            Cell::from(display(&m.card.card_id)),
            Cell::from(fit(&display(&m.card.name), usize::from(name_w))),
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

fn draw_appointments(frame: &mut Frame, app: &App, v: &AppointmentsView, area: Rect, g: &Glyphs) {
    let [help, list, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let rel = match (v.day - app.today).num_days() {
        0 => "（今日）",
        1 => "（明日）",
        -1 => "（昨日）",
        _ => "",
    };
    render_para(
        frame,
        help,
        vec![Line::styled(
            " 左右キーで日付を移動、t で今日、o で印刷用の一覧（HTML）を書き出します。",
            theme::dim(),
        )],
    );
    let title = format!(
        "来庁予約 {}（{}）{rel} {}件",
        super::text::wareki(v.day),
        super::text::weekday(v.day),
        v.list.len()
    );
    let block = boxed(&title, g);
    let inner = block.inner(list);
    frame.render_widget(block, list);
    if let Some(l) = status_line(v.loading && v.list.is_empty(), &v.error) {
        frame.render_widget(Paragraph::new(l), inner);
    } else if v.list.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                " この日の予約はありません。予約は受付待ち一覧で F9 から登録します。",
                theme::dim(),
            )),
            inner,
        );
    } else {
        let wide = inner.width >= 100;
        let name_w: u16 = if wide { 20 } else { 14 };
        let kana_w: u16 = if wide { 24 } else { 16 };
        let rows = v.list.iter().map(|a| {
            Row::new(vec![
                Cell::from(a.at.format("%H:%M").to_string()),
                Cell::from(display(&a.card.card_id)),
                Cell::from(fit(&display(&a.card.name), usize::from(name_w))),
                Cell::from(fit(&display(&a.card.kana), usize::from(kana_w))),
                Cell::from(display(a.note.as_deref().unwrap_or(""))),
            ])
        });
        let t = Table::new(
            rows,
            [
                Constraint::Length(5),
                Constraint::Length(13),
                Constraint::Length(name_w),
                Constraint::Length(kana_w),
                Constraint::Min(4),
            ],
        )
        .header(header(&["時刻", "カードID", "氏名", "フリガナ", "備考"]))
        .column_spacing(1)
        .row_highlight_style(theme::selected())
        .highlight_symbol(format!("{} ", g.pointer));
        let mut st = TableState::default();
        st.select(Some(v.selected));
        frame.render_stateful_widget(t, inner, &mut st);
    }
    if let Some(f) = v.exported.first() {
        render_para(frame, foot, vec![exported_line(f)]);
    }
}

fn draw_uncollected(frame: &mut Frame, _app: &App, v: &UncollectedView, area: Rect, g: &Glyphs) {
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
    if let Some(l) = status_line(v.loading && v.list.is_empty(), &v.error) {
        frame.render_widget(Paragraph::new(l), inner);
    } else if shown.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(" 該当するカードはありません。", theme::dim())),
            inner,
        );
    } else {
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
                Cell::from(fit(&display(&u.card.name), usize::from(name_w))),
                Cell::from(u.card.arrived_on.format("%m/%d").to_string()),
                Cell::from(format!("{:>4}日", u.days)),
                Cell::from(Span::styled(due, style)),
                Cell::from(contact),
                Cell::from(display(&status)),
            ])
        });
        let t = Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Length(name_w),
                Constraint::Length(5),
                Constraint::Length(6),
                Constraint::Length(6),
                Constraint::Length(16),
                Constraint::Min(6),
            ],
        )
        .header(header(&[
            "カードID",
            "氏名",
            "到着",
            "経過",
            "対応",
            "連絡",
            "状況",
        ]))
        .column_spacing(1);
        let t = focused_table(t, focus_cards, g);
        let mut st = TableState::default();
        st.select(Some(v.sel_card));
        frame.render_stateful_widget(t, inner, &mut st);
    }

    let focus_batches = v.pane == Pane::Batches;
    let title = format!("返却バッチ {}件", v.batches.len());
    let inner = pane(frame, bottom, &title, focus_batches, g);
    if v.batches.is_empty() {
        if !v.loading {
            frame.render_widget(
                Paragraph::new(Line::styled(" まだ返却バッチはありません。", theme::dim())),
                inner,
            );
        }
    } else {
        let rows = v.batches.iter().map(|b| {
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
        });
        let t = Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Length(5),
                Constraint::Length(18),
                Constraint::Length(12),
                Constraint::Min(10),
            ],
        )
        .header(header(&[
            "番号",
            "作成日",
            "枚数",
            "読取確認",
            "状態",
            "送付日",
        ]))
        .column_spacing(1);
        let t = focused_table(t, focus_batches, g);
        let mut st = TableState::default();
        st.select(Some(v.sel_batch));
        frame.render_stateful_widget(t, inner, &mut st);
    }
    let foot_line = match v.exported.first() {
        Some(f) => exported_line(f),
        None => Line::styled(
            " バッチを選んで k 読取確認 / s 送付済 / o 送付状出力 / r 訂正（Tab で切替）",
            theme::dim(),
        ),
    };
    render_para(frame, foot, vec![foot_line]);
}

fn draw_arrival(frame: &mut Frame, v: &ArrivalView, area: Rect, g: &Glyphs) {
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
        let block = boxed("発送リスト", g);
        let inner = block.inner(list);
        frame.render_widget(block, list);
        if let Some(l) = status_line(v.loading && v.shipments.is_empty(), &v.error) {
            frame.render_widget(Paragraph::new(l), inner);
            return;
        }
        if v.shipments.is_empty() {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    " 取り込んだ発送リストはありません（kofu import で取り込みます）。",
                    theme::dim(),
                )),
                inner,
            );
            return;
        }
        let rows = v.shipments.iter().map(|sh| {
            Row::new(vec![
                Cell::from(format!("#{}", sh.id)),
                Cell::from(display(&sh.arrived_on)),
                Cell::from(format!("{:>4}枚", sh.row_count)),
                Cell::from(fit(&display(&sh.file_name), 60)),
            ])
        });
        let t = Table::new(
            rows,
            [
                Constraint::Length(6),
                Constraint::Length(10),
                Constraint::Length(6),
                Constraint::Min(10),
            ],
        )
        .header(header(&["番号", "到着日", "枚数", "ファイル"]))
        .column_spacing(1)
        .row_highlight_style(theme::selected())
        .highlight_symbol(format!("{} ", g.pointer));
        let mut st = TableState::default();
        st.select(Some(v.sel_shipment));
        frame.render_stateful_widget(t, inner, &mut st);
        return;
    };
    let [last, counts, list] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    let title = format!("入荷確認 発送リスト #{chosen}");
    let block = boxed(&title, g);
    let inner = block.inner(last);
    frame.render_widget(block, last);
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
    let block = boxed("要確認と未読取", g);
    let inner = block.inner(list);
    frame.render_widget(block, list);
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
    let t = Table::new(
        rows,
        [
            Constraint::Length(10),
            Constraint::Length(12),
            Constraint::Min(10),
        ],
    )
    .header(header(&["区分", "カードID", "内容"]))
    .column_spacing(1)
    .row_highlight_style(theme::selected())
    .highlight_symbol(format!("{} ", g.pointer));
    let mut st = TableState::default();
    st.select(Some(v.sel_row));
    frame.render_stateful_widget(t, inner, &mut st);
}

fn draw_report(
    frame: &mut Frame,
    v: &crate::app::office::report::ReportView,
    area: Rect,
    g: &Glyphs,
) {
    use crate::app::office::report::ReportKind;
    let [help, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(3),
    ])
    .areas(area);
    render_para(
        frame,
        help,
        vec![Line::styled(
            " m で日報/月報、左右キーで日（月）を移動、d で日付指定、o で HTML 出力。",
            theme::dim(),
        )],
    );
    let title = match v.kind {
        ReportKind::Daily => format!(
            "日報 {}（{}）",
            super::text::wareki(v.day),
            super::text::weekday(v.day)
        ),
        ReportKind::Monthly => format!("月報 {}", crate::app::office::report::month_of(v.day)),
    };
    let block = boxed(&title, g);
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let (summary, audit) = match v.kind {
        ReportKind::Daily => match &v.daily {
            Some(r) if r.date == v.day => (
                Some(crate::domain::office::reports::daily_summary_lines(r)),
                Some((r.audit_events, r.audit_head.clone())),
            ),
            _ => (None, None),
        },
        ReportKind::Monthly => match &v.monthly {
            Some(r) if r.month == crate::app::office::report::month_of(v.day) => (
                Some(crate::domain::office::reports::monthly_summary_lines(r)),
                Some((r.audit_events, r.audit_head.clone())),
            ),
            _ => (None, None),
        },
    };
    if let Some(l) = status_line(v.loading || summary.is_none(), &v.error) {
        frame.render_widget(Paragraph::new(l), inner);
    } else if let Some(summary) = summary {
        let mut lines: Vec<Line> = summary
            .into_iter()
            .map(|(k, n)| {
                Line::from(vec![
                    Span::raw(" "),
                    Span::raw(super::text::pad(&k, 36)),
                    Span::styled(format!("{n:>5} 件"), theme::title()),
                ])
            })
            .collect();
        if let (ReportKind::Daily, Some(r)) = (v.kind, &v.daily) {
            for b in &r.batches_sent {
                lines.push(Line::from(format!(
                    " 送付したバッチ {}（{} 件）",
                    b.number, b.count
                )));
            }
            if !r.lines.is_empty() {
                lines.push(Line::from(""));
                lines.push(Line::styled(" 交付・発送の記録", theme::title()));
            }
            for l in &r.lines {
                let cancelled = if l.cancelled { "（取消）" } else { "" };
                lines.push(Line::from(format!(
                    " {}  {}  {}  {}  {}{cancelled}",
                    l.time,
                    l.card_id,
                    display(&l.name),
                    crate::domain::office::reports::route_label(&l.route),
                    display(l.officer.as_deref().unwrap_or(""))
                )));
            }
        }
        render_para(frame, inner, lines);
    }
    let mut foot_lines = Vec::new();
    if let Some((events, head)) = audit {
        foot_lines.push(Line::styled(
            format!(" 監査ログ {events} 件  先頭ハッシュ（控えとして保管）:"),
            theme::dim(),
        ));
        foot_lines.push(Line::from(format!(
            " {}",
            head.unwrap_or_else(|| "（イベントなし）".into())
        )));
    }
    if let Some(f) = v.exported.first() {
        foot_lines.push(exported_line(f));
    }
    render_para(frame, foot, foot_lines);
}

/// Colour of a return batch's status: open (to do), sent (done), reopened (history).
fn batch_status_style(status: BatchStatus) -> Style {
    match status {
        BatchStatus::Open => theme::warn(),
        BatchStatus::Sent => theme::ok(),
        BatchStatus::Reopened => theme::dim(),
    }
}

/// " 出力先: PATH" after an export.
fn exported_line(path: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(" 出力先: ", theme::dim()),
        Span::raw(path.to_string()),
    ])
}

/// The band of today's and tomorrow's appointments above the queue (drawn by `ui::queue`).
pub fn appointments_band(app: &App) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for a in &app.queue.appointments {
        let day = match (a.at.date() - app.today).num_days() {
            0 => "今日",
            1 => "明日",
            _ => continue,
        };
        out.push(Line::from(vec![
            Span::styled(format!(" {day} {}", a.at.format("%H:%M")), theme::title()),
            Span::raw(format!(
                "  {}  {}  {}",
                display(&a.card.name),
                display(&a.card.kana),
                display(&a.card.card_id)
            )),
        ]));
    }
    out
}

/// Draw a back-office dialog; returns the caret of its field.
pub fn draw_modal(
    frame: &mut Frame,
    _app: &App,
    m: &OfficeModal,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    match m {
        OfficeModal::Input {
            purpose,
            field,
            error,
        } => {
            let (title, lines, label, hint): (&str, Vec<String>, &str, &str) = match purpose {
                OfficeInputPurpose::NewReceiptBatch { cards } => (
                    "返送バッチの作成",
                    vec![
                        match cards {
                            Some(c) => {
                                format!("印を付けた受領書 {} 通でバッチを作ります。", c.len())
                            }
                            None => "返送待ちの受領書すべてでバッチを作ります。".to_string(),
                        },
                        "お問い合わせ番号があれば入力してください（後からでも構いません）。".into(),
                    ],
                    "お問い合わせ番号（任意）",
                    "Enter で作成、Esc でやめる",
                ),
                OfficeInputPurpose::ReopenBatch { number, kind } => (
                    "バッチの訂正",
                    vec![
                        match kind {
                            BatchKind::Receipts => {
                                format!("バッチ {number} を取り消し、受領書を返送待ちに戻します。")
                            }
                            BatchKind::Cards => format!(
                                "バッチ {number} を取り消し、カードを未交付の一覧に戻します。"
                            ),
                        },
                        "訂正は監査記録に残ります。理由を入力してください。".into(),
                    ],
                    "理由（必須）",
                    "Enter で訂正を記録、Esc でやめる",
                ),
                OfficeInputPurpose::Hold { card } => (
                    "保留",
                    vec![
                        format!("{}（カードID {}）", card.name, card.card_id),
                        "保留中は連絡・返却の期限に数えません。理由を入力してください。".into(),
                    ],
                    "理由（必須。例: 本人入院中、来庁日調整中）",
                    "Enter で保留にする、Esc でやめる",
                ),
                OfficeInputPurpose::ReportDate => (
                    "日報の日付",
                    vec![
                        "表示する日付を入力してください。".into(),
                        "2026-11-25、令和8年11月25日、R8.11.25 などで入力できます。".into(),
                    ],
                    "日付",
                    "Enter で表示、Esc でやめる",
                ),
                OfficeInputPurpose::ResolveArrival {
                    card_id, reasons, ..
                } => (
                    "入荷確認の不一致の解決",
                    vec![
                        format!("カード {card_id}: {}", reasons.join(" / ")),
                        "確認した内容を記録すると交付できるようになります。".into(),
                    ],
                    "解決の内容（必須。例: JMACAに確認済、名簿を訂正）",
                    "Enter で記録、Esc でやめる",
                ),
                OfficeInputPurpose::NewCardBatch { cards } => (
                    "返却バッチの作成",
                    vec![
                        format!(
                            "返却期限を過ぎたカード {} 枚で返却バッチを作ります。",
                            cards.len()
                        ),
                        "お問い合わせ番号があれば入力してください（後からでも構いません）。".into(),
                    ],
                    "お問い合わせ番号（任意）",
                    "Enter で作成、Esc でやめる",
                ),
                OfficeInputPurpose::MailReturned { card } => (
                    "返送（不達）の記録",
                    vec![
                        format!("{}（カードID {}）", card.name, card.card_id),
                        "カードは「交付待ち」に戻ります。返送の理由を入力してください。".into(),
                    ],
                    "理由（必須。例: 保管期間経過）",
                    "Enter で記録、Esc でやめる",
                ),
            };
            let r = centered(area, 72, 12);
            clear_area(frame, r);
            let block = boxed(title, g).border_style(theme::warn());
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [top, f, bottom] = Layout::vertical([
                Constraint::Length(4),
                Constraint::Length(3),
                Constraint::Min(1),
            ])
            .areas(inner);
            let mut out = vec![Line::from("")];
            out.extend(lines.into_iter().map(|l| Line::from(format!(" {l}"))));
            render_para(frame, top, out);
            let c = draw_field(frame, f, label, field, true, g);
            let msg = match error {
                Some(e) => Line::styled(format!(" {e}"), theme::error()),
                None => Line::styled(format!(" {hint}"), theme::dim()),
            };
            render_para(frame, bottom, vec![msg]);
            c
        }
        OfficeModal::Appointment {
            card,
            date,
            time,
            time_focus,
            error,
        } => {
            let r = centered(area, 64, 15);
            clear_area(frame, r);
            let block = boxed("予約の登録", g).border_style(theme::title());
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [top, fd, ft, bottom] = Layout::vertical([
                Constraint::Length(3),
                Constraint::Length(3),
                Constraint::Length(3),
                Constraint::Min(1),
            ])
            .areas(inner);
            render_para(
                frame,
                top,
                vec![
                    Line::from(""),
                    Line::styled(
                        format!(" {}（カードID {}）", card.name, card.card_id),
                        theme::title(),
                    ),
                ],
            );
            let [fd, _] =
                Layout::horizontal([Constraint::Length(40), Constraint::Min(0)]).areas(fd);
            let [ft, _] =
                Layout::horizontal([Constraint::Length(20), Constraint::Min(0)]).areas(ft);
            let c1 = draw_field(
                frame,
                fd,
                "日付（2026-12-01 / 令和8年12月1日）",
                date,
                !*time_focus,
                g,
            );
            let c2 = draw_field(frame, ft, "時刻（10:30）", time, *time_focus, g);
            let msg = match error {
                Some(e) => Line::styled(format!(" {e}"), theme::error()),
                None => Line::styled(
                    " Enter で登録、Tab で欄の移動、F8 で予約を取消、Esc でやめる",
                    theme::dim(),
                ),
            };
            render_para(frame, bottom, vec![msg]);
            c1.or(c2)
        }
        OfficeModal::Contact {
            card,
            method,
            note,
            error,
        } => {
            let r = centered(area, 68, 13);
            clear_area(frame, r);
            let block = boxed("連絡の記録", g).border_style(theme::title());
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let [top, fnote, bottom] = Layout::vertical([
                Constraint::Length(4),
                Constraint::Length(3),
                Constraint::Min(1),
            ])
            .areas(inner);
            let mut methods = vec![Span::raw(" 方法: ")];
            for m in [
                crate::domain::office::ContactMethod::Phone,
                crate::domain::office::ContactMethod::Letter,
                crate::domain::office::ContactMethod::Mail,
            ] {
                let on = m == *method;
                methods.push(Span::styled(
                    format!("{} {}  ", g.radio(on), m.label()),
                    if on { theme::selected() } else { Style::new() },
                ));
            }
            methods.push(Span::styled("（Tab で切替）", theme::dim()));
            render_para(
                frame,
                top,
                vec![
                    Line::from(""),
                    Line::styled(
                        format!(" {}（カードID {}）", card.name, card.card_id),
                        theme::title(),
                    ),
                    Line::from(methods),
                ],
            );
            let c = draw_field(
                frame,
                fnote,
                "メモ（任意。例: 来週来庁予定）",
                note,
                true,
                g,
            );
            let msg = match error {
                Some(e) => Line::styled(format!(" {e}"), theme::error()),
                None => Line::styled(" Enter で記録、Esc でやめる", theme::dim()),
            };
            render_para(frame, bottom, vec![msg]);
            c
        }
        OfficeModal::Confirm { purpose } => {
            let (title, lines) = match purpose {
                OfficeConfirmPurpose::BatchSent {
                    number,
                    count,
                    kind,
                    unverified,
                } => (
                    "送付済の記録",
                    vec![
                        format!("バッチ {number}（{count} 件）を本日送付済にしますか？"),
                        match (kind, unverified) {
                            (BatchKind::Receipts, _) => {
                                "受領書は「返送済」になります。".to_string()
                            }
                            (BatchKind::Cards, 0) => {
                                "カードは「返却済」になります（全件読取確認済）。".to_string()
                            }
                            (BatchKind::Cards, n) => format!(
                                "注意: 読取確認をしていないカードが {n} 枚あります（k で確認）。"
                            ),
                        },
                    ],
                ),
                OfficeConfirmPurpose::Unhold { card } => (
                    "保留の解除",
                    vec![
                        format!("{}（カードID {}）", card.name, card.card_id),
                        "保留を解除しますか？期限の計算に戻ります。".to_string(),
                    ],
                ),
                OfficeConfirmPurpose::MailDelivered { card } => (
                    "配達済の記録",
                    vec![
                        format!("{}（カードID {}）", card.name, card.card_id),
                        "本日配達済として記録しますか？".to_string(),
                    ],
                ),
            };
            let r = centered(area, 64, 9);
            clear_area(frame, r);
            let block = boxed(title, g).border_style(theme::warn());
            let inner = block.inner(r);
            frame.render_widget(block, r);
            let mut out = vec![Line::from("")];
            out.extend(lines.into_iter().map(|l| Line::from(format!(" {l}"))));
            out.push(Line::from(""));
            out.push(Line::from(vec![
                Span::raw(" "),
                Span::styled("y", theme::key()),
                Span::raw(" 記録する   "),
                Span::styled("Esc", theme::key()),
                Span::raw(" やめる"),
            ]));
            render_para(frame, inner, out);
            None
        }
    }
}
