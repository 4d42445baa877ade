//! 予約一覧 (view of `app::screens::office::appointments`).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row};

use super::{draw_list_notice, draw_table, exported_line, fitted_cell};
use crate::app::screens::office::AppointmentsView;
use crate::ui::render_para;
use crate::ui::text::display;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed_area;

pub fn draw(frame: &mut Frame, today: NaiveDate, v: &AppointmentsView, area: Rect, g: &Glyphs) {
    let [help, list, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let rel = match (v.day - today).num_days() {
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
        crate::ui::text::wareki(v.day),
        crate::ui::text::weekday(v.day),
        v.list.len()
    );
    let inner = boxed_area(frame, list, &title, g);
    let empty = v.list.is_empty();
    if !draw_list_notice(
        frame,
        inner,
        v.loading && empty,
        &v.error,
        empty.then_some(" この日の予約はありません。予約は受付待ち一覧で F9 から登録します。"),
    ) {
        let wide = inner.width >= 100;
        let name_w: u16 = if wide { 20 } else { 14 };
        let kana_w: u16 = if wide { 24 } else { 16 };
        let rows = v.list.iter().map(|a| {
            Row::new(vec![
                Cell::from(a.at.format("%H:%M").to_string()),
                Cell::from(display(&a.card.card_id)),
                fitted_cell(&a.card.name, name_w, g),
                fitted_cell(&a.card.kana, kana_w, g),
                Cell::from(display(a.note.as_deref().unwrap_or(""))),
            ])
        });
        let columns = [
            ("時刻", Constraint::Length(5)),
            ("カードID", Constraint::Length(13)),
            ("氏名", Constraint::Length(name_w)),
            ("フリガナ", Constraint::Length(kana_w)),
            ("備考", Constraint::Min(4)),
        ];
        draw_table(frame, inner, rows, &columns, true, v.selected, g);
    }
    if let Some(f) = v.exported.first() {
        render_para(frame, foot, vec![exported_line(f)]);
    }
}
