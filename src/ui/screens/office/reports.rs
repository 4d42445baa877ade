//! 日報・月報 (view of `app::screens::office::reports`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{exported_line, status_line};
use crate::ui::render_para;
use crate::ui::text::display;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed_area;

pub fn draw(
    frame: &mut Frame,
    v: &crate::app::screens::office::reports::ReportView,
    area: Rect,
    g: &Glyphs,
) {
    use crate::app::screens::office::reports::ReportKind;
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
            crate::ui::text::wareki(v.day),
            crate::ui::text::weekday(v.day)
        ),
        ReportKind::Monthly => format!(
            "月報 {}",
            crate::app::screens::office::reports::month_of(v.day)
        ),
    };
    let inner = boxed_area(frame, body, &title, g);
    let (summary, audit) = match v.kind {
        ReportKind::Daily => match &v.daily {
            Some(r) if r.date == v.day => (
                Some(crate::domain::office::reports::daily_summary_lines(r)),
                Some((r.audit_events, r.audit_head.clone())),
            ),
            _ => (None, None),
        },
        ReportKind::Monthly => match &v.monthly {
            Some(r) if r.month == crate::app::screens::office::reports::month_of(v.day) => (
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
                    Span::raw(crate::ui::text::pad(&k, 36)),
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
        // Nothing is cut without a mark: a report longer than the box scrolls (↑↓ PgUp PgDn)
        // and its last row says which lines are shown.
        let height = usize::from(inner.height);
        if lines.len() > height && height > 1 {
            let room = height - 1;
            let start = v.scroll.min(lines.len() - room);
            let end = start + room;
            let total = lines.len();
            let mut shown: Vec<Line> = lines.drain(start..end).collect();
            shown.push(Line::styled(
                format!(
                    " （全 {total} 行中 {}〜{end} 行目。↑↓ PgUp PgDn でスクロール）",
                    start + 1
                ),
                theme::warn(),
            ));
            frame.render_widget(Paragraph::new(shown), inner);
        } else {
            render_para(frame, inner, lines);
        }
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
