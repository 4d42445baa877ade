//! The 業務メニュー screens, one view per screen with the file name of its state in
//! `app/screens/office/`; each draws only its own state. Shared bits of the tables here.

pub mod appointments;
pub mod arrival;
pub mod batches;
pub mod mail;
pub mod menu;
pub mod receipts;
pub mod reports;
pub mod uncollected;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use crate::app::Office;
use crate::domain::office::BatchStatus;
use crate::ui::text::{display, fit_marked};
use crate::ui::theme::{self, Glyphs};

/// Draw the back-office screen.
pub fn draw(frame: &mut Frame, o: &Office, today: NaiveDate, area: Rect, g: &Glyphs) {
    match o {
        Office::Menu { selected } => menu::draw(frame, *selected, area, g),
        Office::Receipts(v) => receipts::draw(frame, today, v, area, g),
        Office::Mail(v) => mail::draw(frame, today, v, area, g),
        Office::Appointments(v) => appointments::draw(frame, today, v, area, g),
        Office::Uncollected(v) => uncollected::draw(frame, v, area, g),
        Office::Arrival(v) => arrival::draw(frame, v, area, g),
        Office::Report(v) => reports::draw(frame, v, area, g),
    }
}

/// A table's columns: the header of each and its width.
pub(crate) type Columns = [(&'static str, Constraint)];

/// A table in a pane: its column header, the cursor on `selected`, marked only while the pane
/// has the focus.
pub(crate) fn draw_table<'a>(
    frame: &mut Frame,
    inner: Rect,
    rows: impl IntoIterator<Item = Row<'a>>,
    columns: &Columns,
    focused: bool,
    selected: usize,
    g: &Glyphs,
) {
    let names: Vec<&'static str> = columns.iter().map(|(name, _)| *name).collect();
    let t = ratatui::widgets::Table::new(rows, columns.iter().map(|(_, width)| *width))
        .header(header(&names))
        .column_spacing(1);
    let t = crate::ui::widgets::focused_table(t, focused, g);
    let mut st = ratatui::widgets::TableState::default();
    st.select(Some(selected));
    frame.render_stateful_widget(t, inner, &mut st);
}

/// Draw what a list shows instead of its rows, if anything: the load error, " 読み込み中…"
/// while `loading`, or `empty` (dim) when there is nothing to list. True when it drew one.
pub(crate) fn draw_list_notice(
    frame: &mut Frame,
    inner: Rect,
    loading: bool,
    error: &Option<String>,
    empty: Option<&'static str>,
) -> bool {
    let notice =
        status_line(loading, error).or_else(|| empty.map(|text| Line::styled(text, theme::dim())));
    match notice {
        Some(l) => {
            frame.render_widget(Paragraph::new(l), inner);
            true
        }
        None => false,
    }
}

/// A cell of `text`, cut to `width` with the glyph set's ellipsis.
pub(crate) fn fitted_cell(text: &str, width: u16, g: &Glyphs) -> Cell<'static> {
    Cell::from(fit_marked(&display(text), usize::from(width), g.ellipsis))
}

/// The foot line of a screen that exports: where the last export went, or `hint`.
pub(crate) fn export_foot(exported: &[String], hint: &'static str) -> Line<'static> {
    match exported.first() {
        Some(f) => exported_line(f),
        None => Line::styled(hint, theme::dim()),
    }
}

pub(crate) fn header(cells: &[&'static str]) -> Row<'static> {
    Row::new(
        cells
            .iter()
            .map(|h| Cell::from(Span::styled(*h, theme::title())))
            .collect::<Vec<_>>(),
    )
}

pub(crate) fn date_text(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn status_line(loading: bool, error: &Option<String>) -> Option<Line<'static>> {
    if let Some(e) = error {
        return Some(Line::styled(
            format!(" 読み込めませんでした: {e}"),
            theme::error(),
        ));
    }
    loading.then(|| Line::styled(" 読み込み中…", theme::dim()))
}

/// Colour of a return batch's status: open (to do), sent (done), reopened (history).
pub(crate) fn batch_status_style(status: BatchStatus) -> Style {
    match status {
        BatchStatus::Open => theme::warn(),
        BatchStatus::Sent => theme::ok(),
        BatchStatus::Reopened => theme::dim(),
    }
}

/// " 出力先: PATH" after an export.
pub(crate) fn exported_line(path: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(" 出力先: ", theme::dim()),
        Span::raw(path.to_string()),
    ])
}
