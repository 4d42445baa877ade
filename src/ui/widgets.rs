//! Small drawing helpers every view shares (boxes, panes, fields, centring). A leaf: it knows
//! no screen and no `App`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::{self, Glyphs};
use crate::app::LineEdit;

/// A rectangle of at most `width` x `height` in the middle of `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clear an area for a dialog. A wide character that starts just left of the area would
/// have its right half covered by the dialog's border: blank it so that the terminal and
/// the text dump both show the border.
pub(crate) fn clear_area(frame: &mut Frame, r: Rect) {
    frame.render_widget(ratatui::widgets::Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in r.top()..r.bottom() {
        let cell = &mut buf[(r.x - 1, y)];
        if cell.symbol().width() > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// A dialog: a cleared box of at most `size` (width, height) in the middle of `area`, with a
/// title and a border style; returns the area inside the border.
pub(crate) fn dialog_box(
    frame: &mut Frame,
    area: Rect,
    size: (u16, u16),
    title: &str,
    border: Style,
    g: &Glyphs,
) -> Rect {
    let r = centered(area, size.0, size.1);
    clear_area(frame, r);
    let block = boxed(title, g).border_style(border);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    inner
}

/// The rows of a form dialog inside its border: `intro` rows of text, one boxed field (3 rows)
/// per entry of the array, then the rest for the message line.
pub(crate) fn form_rows<const N: usize>(inner: Rect, intro: u16) -> (Rect, [Rect; N], Rect) {
    let mut rows = vec![Constraint::Length(intro)];
    rows.extend([Constraint::Length(3); N]);
    rows.push(Constraint::Min(1));
    let areas = Layout::vertical(rows).split(inner);
    (
        areas[0],
        std::array::from_fn(|i| areas[i + 1]),
        areas[N + 1],
    )
}

/// " NAME（カードID ID）": the heading of a dialog about one card.
pub(crate) fn card_heading(name: &str, card_id: &str) -> Line<'static> {
    Line::styled(format!(" {name}（カードID {card_id}）"), theme::title())
}

/// The message line of a form dialog: its error, or `hint` (dim) while there is none.
pub(crate) fn error_or_hint(error: Option<&str>, hint: &str) -> Line<'static> {
    match error {
        Some(e) => Line::styled(format!(" {e}"), theme::error()),
        None => Line::styled(hint.to_string(), theme::dim()),
    }
}

/// " y YES   Esc NO": the keys of a yes/no question.
pub(crate) fn yes_or_esc(yes: &str, no: &str) -> Line<'static> {
    Line::from(vec![
        Span::raw(" "),
        Span::styled("y", theme::key()),
        Span::raw(format!(" {yes}   ")),
        Span::styled("Esc", theme::key()),
        Span::raw(format!(" {no}")),
    ])
}

/// A bordered box with a title, in the glyph set.
pub(crate) fn boxed<'a>(title: &'a str, g: &Glyphs) -> Block<'a> {
    let b = Block::default().borders(Borders::ALL).border_set(g.border);
    if title.is_empty() {
        b
    } else {
        b.title(Span::styled(format!(" {title} "), theme::title()))
    }
}

/// Draw a bordered box with a title over `area`; returns the area inside the border.
pub(crate) fn boxed_area(frame: &mut Frame, area: Rect, title: &str, g: &Glyphs) -> Rect {
    let block = boxed(title, g);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// A boxed pane whose border shows whether it has the focus; returns the inner area.
pub(crate) fn pane(frame: &mut Frame, area: Rect, title: &str, focused: bool, g: &Glyphs) -> Rect {
    let block = boxed(title, g).border_style(if focused {
        theme::title()
    } else {
        theme::dim()
    });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// A table that marks its selected row only while its pane has the focus.
pub(crate) fn focused_table<'a>(
    t: ratatui::widgets::Table<'a>,
    focused: bool,
    g: &Glyphs,
) -> ratatui::widgets::Table<'a> {
    t.row_highlight_style(if focused {
        theme::selected()
    } else {
        Style::new()
    })
    .highlight_symbol(format!("{} ", if focused { g.pointer } else { " " }))
}

/// Draw a single-line field in a box and return the caret position.
pub(crate) fn draw_field(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    field: &LineEdit,
    focused: bool,
    g: &Glyphs,
) -> Option<Position> {
    let inner = pane(frame, area, title, focused, g);
    let (shown, caret) = field.view(usize::from(inner.width));
    // An untouched prefill shows as selected text: typing replaces it.
    let style = if focused && field.is_prefilled() {
        theme::selected()
    } else {
        Style::new()
    };
    frame.render_widget(Paragraph::new(shown).style(style), inner);
    if !focused || inner.width == 0 || inner.height == 0 {
        return None;
    }
    let x = inner.x
        + u16::try_from(caret)
            .unwrap_or(0)
            .min(inner.width.saturating_sub(1));
    Some(Position::new(x, inner.y))
}
