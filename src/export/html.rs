//! Printable HTML pages: batch cover lists, appointment day lists, daily and monthly reports,
//! each a self-contained A4 page written owner-only like the CSV files.

use std::path::Path;

use super::{
    ExportError, batch_table, daily_summary_lines, monthly_summary_lines, route_label,
    write_private_atomic,
};
use crate::domain::date::format_both;
use crate::store::office::appointments::Appointment;
use crate::store::office::reports::{DailyReport, MonthlyReport};
use crate::store::office::returns::{BatchKind, ReturnBatch};

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

const STYLE: &str = r#"@page { size: A4; margin: 18mm 15mm; }
* { box-sizing: border-box; }
body { font-family: "Yu Gothic", YuGothic, Meiryo, "IPAexGothic", "IPAGothic", "Noto Sans CJK JP", sans-serif;
       font-size: 10.5pt; color: #000; margin: 0; line-height: 1.5; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 6mm; letter-spacing: 0.2em; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #000; }
.meta { display: flex; justify-content: space-between; margin-bottom: 4mm; }
.meta div { white-space: pre-line; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #000; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num, th.num { text-align: right; width: 12mm; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
.total { margin-top: 4mm; font-size: 12pt; font-weight: bold; text-align: right; }
.hash { font-family: monospace; font-size: 8pt; word-break: break-all; }
.cancelled { text-decoration: line-through; color: #555; }
.foot { margin-top: 8mm; font-size: 9pt; }
"#;

/// A self-contained printable page (A4, Japanese font stack, no external resources).
pub fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

fn table_html(headers: &[&str], rows: &[Vec<String>], num_cols: &[usize]) -> String {
    let class = |i: usize| {
        if num_cols.contains(&i) {
            " class=\"num\""
        } else {
            ""
        }
    };
    let mut s = String::from("<table>\n<thead><tr>");
    for (i, h) in headers.iter().enumerate() {
        s.push_str(&format!("<th{}>{}</th>", class(i), esc(h)));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        s.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            s.push_str(&format!("<td{}>{}</td>", class(i), esc(c)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    s
}

/// 送付状: the cover list of a return batch, for A4.
pub fn batch_cover_html(batch: &ReturnBatch, desk_name: &str) -> String {
    let t = batch_table(batch);
    let what = match batch.kind {
        BatchKind::Receipts => "対面交付用受領書",
        BatchKind::Cards => "医師資格証（未交付のため返却）",
    };
    let unit = match batch.kind {
        BatchKind::Receipts => "通",
        BatchKind::Cards => "枚",
    };
    let date = batch.sent_on.unwrap_or(batch.created_on);
    let mut body = String::new();
    body.push_str("<h1>送 付 状</h1>\n<div class=\"meta\">\n");
    body.push_str(&format!(
        "<div>日本医師会電子認証センター 御中</div>\n<div>{}\n{}\nバッチ番号 {}{}</div>\n</div>\n",
        esc(&format_both(date)),
        esc(desk_name),
        esc(&batch.number),
        batch
            .tracking_no
            .as_deref()
            .map(|t| format!("\nお問い合わせ番号 {}", esc(t)))
            .unwrap_or_default()
    ));
    body.push_str(&format!(
        "<p>下記の{}を送付いたします。ご査収ください。</p>\n",
        esc(what)
    ));
    let headers: Vec<&str> = t.headers.iter().map(String::as_str).collect();
    body.push_str(&table_html(&headers, &t.rows, &[0]));
    body.push_str(&format!(
        "<div class=\"total\">合計 {} {unit}</div>\n",
        t.rows.len()
    ));
    html_page(&format!("送付状 {}", batch.number), &body)
}

/// The printable list of one day's appointments.
pub fn appointments_html(day: chrono::NaiveDate, list: &[Appointment], desk_name: &str) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            vec![
                a.at.format("%H:%M").to_string(),
                a.card.card_id.clone(),
                a.card.name.clone(),
                a.card.kana.clone(),
                a.note.clone().unwrap_or_default(),
                String::new(),
            ]
        })
        .collect();
    let mut body = format!(
        "<h1>来庁予約一覧</h1>\n<div class=\"meta\"><div>{}</div><div>{}</div></div>\n",
        esc(&format_both(day)),
        esc(desk_name)
    );
    body.push_str(&table_html(
        &["時刻", "カードID", "氏名", "フリガナ", "備考", "確認"],
        &rows,
        &[],
    ));
    body.push_str(&format!(
        "<div class=\"total\">予約 {} 件</div>\n",
        list.len()
    ));
    html_page(&format!("来庁予約一覧 {day}"), &body)
}

pub fn daily_html(r: &DailyReport, desk_name: &str) -> String {
    let mut body = format!(
        "<h1>日 報</h1>\n<div class=\"meta\"><div>{}</div><div>{}</div></div>\n<h2>件数</h2>\n",
        esc(&format_both(r.date)),
        esc(desk_name)
    );
    body.push_str(&summary_table(daily_summary_lines(r)));
    if !r.batches_sent.is_empty() {
        body.push_str("<h2>送付したバッチ</h2>\n");
        let rows: Vec<Vec<String>> = r
            .batches_sent
            .iter()
            .map(|b| {
                vec![
                    b.number.clone(),
                    if b.kind == "cards" {
                        "カード返却"
                    } else {
                        "受領書返送"
                    }
                    .to_string(),
                    b.count.to_string(),
                ]
            })
            .collect();
        body.push_str(&table_html(&["バッチ番号", "種別", "件数"], &rows, &[2]));
    }
    body.push_str("<h2>交付・発送・返却したカード</h2>\n<table>\n<thead><tr><th>時刻</th><th>カードID</th><th>氏名</th><th>交付方法</th><th>担当者</th></tr></thead>\n<tbody>\n");
    for l in &r.lines {
        let class = if l.cancelled {
            " class=\"cancelled\""
        } else {
            ""
        };
        body.push_str(&format!(
            "<tr{class}><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>\n",
            esc(&l.time),
            esc(&l.card_id),
            esc(&l.name),
            esc(route_label(&l.route)),
            if l.cancelled { "（取消）" } else { "" },
            esc(l.officer.as_deref().unwrap_or(""))
        ));
    }
    body.push_str("</tbody>\n</table>\n");
    body.push_str(&audit_foot(r.audit_events, r.audit_head.as_deref()));
    html_page(&format!("日報 {}", r.date), &body)
}

pub fn monthly_html(r: &MonthlyReport, desk_name: &str) -> String {
    let mut body = format!(
        "<h1>月 報</h1>\n<div class=\"meta\"><div>{}〜{}</div><div>{}</div></div>\n",
        esc(&format_both(r.first_day)),
        esc(&format_both(r.last_day)),
        esc(desk_name)
    );
    body.push_str(&summary_table(monthly_summary_lines(r)));
    body.push_str(&audit_foot(r.audit_events, r.audit_head.as_deref()));
    html_page(&format!("月報 {}", r.month), &body)
}

/// A report's 区分/件数 table.
fn summary_table(lines: Vec<(String, u64)>) -> String {
    let rows: Vec<Vec<String>> = lines
        .into_iter()
        .map(|(k, v)| vec![k, v.to_string()])
        .collect();
    table_html(&["区分", "件数"], &rows, &[1])
}

fn audit_foot(events: u64, head: Option<&str>) -> String {
    format!(
        "<div class=\"foot\">監査ログ {} 件 ／ 先頭ハッシュ（控えとして保管してください）:<div class=\"hash\">{}</div></div>\n",
        events,
        esc(head.unwrap_or("（イベントなし）"))
    )
}

/// Write an HTML page owner-only through a temporary file.
pub fn write_html(path: &Path, html: &str) -> Result<(), ExportError> {
    write_private_atomic(path, html.as_bytes())
}
