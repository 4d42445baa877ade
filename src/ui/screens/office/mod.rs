//! The 業務メニュー screens, one view per screen with the file name of its state in
//! `app/screens/office/`; each draws only its own state. Shared bits of the tables here.

pub mod appointments;
pub mod arrival;
pub mod mail;
pub mod menu;
pub mod receipts;
pub mod reports;
pub mod uncollected;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use crate::app::Office;
use crate::domain::office::BatchStatus;
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

/// A table in a pane: its column header, the cursor on `selected`, marked only while the pane
/// has the focus.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_table<'a>(
    frame: &mut Frame,
    inner: Rect,
    rows: impl IntoIterator<Item = Row<'a>>,
    widths: &[ratatui::layout::Constraint],
    cols: &[&'static str],
    focused: bool,
    selected: usize,
    g: &Glyphs,
) {
    let t = ratatui::widgets::Table::new(rows, widths.iter().copied())
        .header(header(cols))
        .column_spacing(1);
    let t = crate::ui::widgets::focused_table(t, focused, g);
    let mut st = ratatui::widgets::TableState::default();
    st.select(Some(selected));
    frame.render_stateful_widget(t, inner, &mut st);
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
