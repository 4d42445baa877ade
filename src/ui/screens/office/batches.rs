//! The return batches pane of the two batch screens (view of
//! `app::screens::office::batches::BatchesPane`): `empty` (once loaded) until the first batch
//! is made, then a table with a row per batch, its columns by the kind of batch.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::{batch_status_style, date_text, draw_table, fitted_cell};
use crate::app::screens::office::batches::BatchesPane;
use crate::domain::office::BatchKind;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::pane;

const NUMBER: (&str, Constraint) = ("番号", Constraint::Length(12));
const CREATED: (&str, Constraint) = ("作成日", Constraint::Length(10));
const STATUS: (&str, Constraint) = ("状態", Constraint::Length(12));

/// Draw the pane; `checking` is the card return batch being read before packing, if any.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    p: &BatchesPane,
    loading: bool,
    checking: Option<&str>,
    g: &Glyphs,
) {
    let (title, empty, count) = match p.kind {
        BatchKind::Receipts => ("返送バッチ", " まだバッチはありません。", "件数"),
        BatchKind::Cards => ("返却バッチ", " まだ返却バッチはありません。", "枚数"),
    };
    let title = format!("{title} {}件", p.list.len());
    let inner = pane(frame, area, &title, p.focused, g);
    if p.list.is_empty() {
        if !loading {
            frame.render_widget(Paragraph::new(Line::styled(empty, theme::dim())), inner);
        }
        return;
    }
    let count = (count, Constraint::Length(5));
    let columns = match p.kind {
        BatchKind::Receipts => [
            NUMBER,
            CREATED,
            count,
            STATUS,
            ("送付日", Constraint::Length(10)),
            ("お問い合わせ番号", Constraint::Min(8)),
        ],
        BatchKind::Cards => [
            NUMBER,
            CREATED,
            count,
            ("読取確認", Constraint::Length(18)),
            STATUS,
            ("送付日", Constraint::Min(10)),
        ],
    };
    let rows = p.list.iter().map(|b| {
        let live = b.live_items().count();
        let number = Cell::from(b.number.clone());
        let created = Cell::from(date_text(b.created_on));
        let status = Cell::from(Span::styled(b.status.label(), batch_status_style(b.status)));
        let sent = Cell::from(b.sent_on.map(date_text).unwrap_or_default());
        Row::new(match p.kind {
            BatchKind::Receipts => vec![
                number,
                created,
                Cell::from(format!("{live:>3}通")),
                status,
                sent,
                fitted_cell(b.tracking_no.as_deref().unwrap_or(""), 16, g),
            ],
            BatchKind::Cards => {
                let verified = b.live_items().filter(|i| i.verified_at.is_some()).count();
                let mark = if checking == Some(b.number.as_str()) {
                    " 確認中"
                } else {
                    ""
                };
                vec![
                    number,
                    created,
                    Cell::from(format!("{live:>3}枚")),
                    Cell::from(format!("確認 {verified}/{live}{mark}")),
                    status,
                    sent,
                ]
            }
        })
    });
    draw_table(frame, inner, rows, &columns, p.focused, p.sel, g);
}
