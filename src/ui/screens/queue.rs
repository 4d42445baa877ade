//! 受付待ち queue screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::app::QueueState;
use crate::domain::CardState;
use crate::ui::text::{display, fit_marked, wareki_short};
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{boxed, draw_field};

/// What the queue's view needs besides the queue itself.
pub struct Env<'a> {
    pub today: chrono::NaiveDate,
    pub calendar: &'a crate::domain::calendar::DeskCalendar,
    /// No dialog is open (the search field shows its caret).
    pub focused: bool,
}

pub fn draw(
    frame: &mut Frame,
    q: &QueueState,
    env: &Env<'_>,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    // 予約: today's and tomorrow's appointments in a small band.
    let band = appointments_band(q, env.today);
    let band_h = if band.is_empty() {
        0
    } else {
        u16::try_from(band.len()).unwrap_or(3).min(3) + 2
    };
    // 本日休業日 (data/calendar.toml), or a warning when today's holidays are not listed.
    let calendar = env.calendar;
    let day_note = match calendar.closure(env.today) {
        Some(c) => Some(Line::styled(
            format!(" 本日休業日（{}）", c.label()),
            theme::warn(),
        )),
        None => calendar
            .holiday_warning(env.today)
            .map(|w| Line::styled(format!(" {w}"), theme::warn())),
    };
    let [closed, search, counts, appts, table] = Layout::vertical([
        Constraint::Length(u16::from(day_note.is_some())),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Length(band_h),
        Constraint::Min(3),
    ])
    .areas(area);
    if let Some(line) = day_note {
        frame.render_widget(Paragraph::new(line), closed);
    }
    if !band.is_empty() {
        let title = format!("本日・明日の予約 {}件", band.len());
        let block = boxed(&title, g);
        let inner = block.inner(appts);
        frame.render_widget(block, appts);
        crate::ui::render_para(frame, inner, band);
    }
    let cursor = draw_field(
        frame,
        search,
        "検索（氏名・フリガナ・ローマ字・カードID・生年月日）",
        &q.search,
        env.focused,
        g,
    );

    let mut spans: Vec<Span> = vec![Span::raw(" ")];
    for st in CardState::ALL {
        let style = if q.filter == Some(st) {
            theme::selected()
        } else {
            ratatui::style::Style::new()
        };
        spans.push(Span::styled(
            format!("{} {}", st.label(), q.count(st)),
            style,
        ));
        spans.push(Span::raw("  "));
    }
    let shown = match q.filter {
        Some(st) => st.label(),
        None => "すべて",
    };
    spans.push(Span::styled(format!("表示: {shown}（F2）"), theme::dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), counts);

    let title = if q.loading {
        format!("カード一覧 {}件（検索中）", q.rows.len())
    } else {
        format!("カード一覧 {}件", q.rows.len())
    };
    let block = boxed(&title, g);
    let inner = block.inner(table);
    frame.render_widget(block, table);
    if let Some(e) = &q.error {
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!("検索できませんでした: {e}"),
                theme::error(),
            )),
            inner,
        );
        return cursor;
    }
    if q.rows.is_empty() {
        let msg = if q.search.value().trim().is_empty() {
            "該当するカードはありません。"
        } else {
            "該当するカードはありません。検索語を変えるか、F2 で状態を切り替えてください。"
        };
        frame.render_widget(Paragraph::new(Line::styled(msg, theme::dim())), inner);
        return cursor;
    }
    let wide = inner.width >= 110;
    let name_w: u16 = if wide { 20 } else { 12 };
    let kana_w: u16 = if wide { 24 } else { 14 };
    let widths = [
        Constraint::Length(name_w),
        Constraint::Length(kana_w),
        Constraint::Length(9),
        Constraint::Length(if wide { 14 } else { 11 }),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Min(6),
    ];
    let header = Row::new(
        [
            "氏名",
            "フリガナ",
            "生年月日",
            "カードID",
            "到着日",
            "経過日数",
            "状態",
        ]
        .map(|h| Cell::from(Span::styled(h, theme::title()))),
    );
    let rows = q.rows.iter().map(|r| {
        let days = (env.today - r.arrived_on).num_days();
        let state_style = match r.state {
            CardState::Awaiting if days >= 90 => theme::warn(),
            CardState::Awaiting => ratatui::style::Style::new(),
            _ => theme::dim(),
        };
        Row::new(vec![
            Cell::from(fit_marked(
                &display(&r.name),
                usize::from(name_w),
                g.ellipsis,
            )),
            Cell::from(fit_marked(
                &display(&r.kana),
                usize::from(kana_w),
                g.ellipsis,
            )),
            Cell::from(wareki_short(r.birth_date)),
            Cell::from(display(&r.card_id)),
            Cell::from(r.arrived_on.format("%m/%d").to_string()),
            Cell::from(format!("{days:>4}日")),
            Cell::from(Span::styled(r.state.label(), state_style)),
        ])
    });
    let table_widget = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme::selected())
        .highlight_symbol(format!("{} ", g.pointer));
    let mut state = TableState::default();
    state.select(Some(q.selected.min(q.rows.len().saturating_sub(1))));
    frame.render_stateful_widget(table_widget, inner, &mut state);
    cursor
}

/// The band of today's and tomorrow's appointments above the queue .
fn appointments_band(q: &QueueState, today: chrono::NaiveDate) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for a in &q.appointments {
        let day = match (a.at.date() - today).num_days() {
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
