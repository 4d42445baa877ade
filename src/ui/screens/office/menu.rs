//! 業務メニュー: the list of back-office screens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::screens::office::OfficeItem;
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed_area;

pub fn draw(frame: &mut Frame, selected: usize, area: Rect, g: &Glyphs) {
    let inner = boxed_area(frame, area, "業務メニュー", g);
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
