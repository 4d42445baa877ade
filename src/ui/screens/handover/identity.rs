//! Step 1, 本人確認: the identity documents in two columns (list A, list B), the required
//! documents and the photo and details checks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::{Env, check_line, error_or_hint, ticked};
use crate::app::Handover;
use crate::app::keymap::doc_key;
use crate::domain::iddocs::IdList;
use crate::ui::render_para;
use crate::ui::text::{fit, pad};
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed;

pub(super) fn draw_identity(
    frame: &mut Frame,
    env: &Env<'_>,
    h: &Handover,
    area: Rect,
    g: &Glyphs,
) {
    let block = boxed("1 本人確認（書類の番号は記録しません）", g);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let d = &h.identity_draft;
    let docs = env.id_docs.all();
    let n = docs.len();
    let mark = |i: usize| if d.cursor == i { g.pointer } else { " " };
    let col_w = usize::from(inner.width) / 2 + 5;
    // One document: key, checkbox, label, and "（期限内）" when the document has an expiry
    // and there is room; never wider than its column.
    let doc_line = |i: usize, room: usize| -> Vec<Span<'static>> {
        let doc = &docs[i];
        let key = doc_key(i).map(String::from).unwrap_or_else(|| " ".into());
        let on = d.checked.get(i).copied().unwrap_or(false);
        let head = format!("{}{} ", mark(i), key);
        let body = format!("{} {}", g.check(on), doc.label);
        let used = head.width() + body.width();
        let mut spans = vec![
            Span::raw(head),
            Span::styled(
                fit(&body, room.saturating_sub(used - body.width())),
                ticked(on),
            ),
        ];
        if doc.has_expiry && used + 10 <= room {
            spans.push(Span::styled("（期限内）", theme::dim()));
        }
        spans
    };
    let rule = if inner.width >= 110 {
        env.id_docs.rule().to_string()
    } else {
        "医師免許証と、A欄1点またはB欄2点（原本。期限のあるものは期限内）".to_string()
    };
    // List A on the left, list B on the right.
    let a: Vec<usize> = (0..n).filter(|&i| docs[i].list == IdList::A).collect();
    let b: Vec<usize> = (0..n).filter(|&i| docs[i].list == IdList::B).collect();
    // A long document list first gives up the rule line, then the column headings, so that
    // the photo/details checks and the message stay on screen.
    let required = env.id_docs.required();
    let rows = a.len().max(b.len()) + required.len();
    let spare = usize::from(inner.height).saturating_sub(rows + 3);
    let mut lines = Vec::new();
    if spare >= 2 {
        lines.push(Line::styled(rule, theme::dim()));
    }
    // 医師免許証（原本）: always seen (key m for the first; Space on the cursor for others).
    for (j, r) in required.iter().enumerate() {
        let on = d.required.get(j).copied().unwrap_or(false);
        let key = if j == 0 { "m" } else { " " };
        lines.push(check_line(
            format!("{}{key} ", mark(n + 2 + j)),
            g.check(on),
            &format!("{}を確認した（必須）", r.label),
            on,
        ));
    }
    if spare >= 1 {
        lines.push(Line::from(vec![
            Span::styled(pad(IdList::A.label(), col_w), theme::title()),
            Span::styled(IdList::B.label(), theme::title()),
        ]));
    }
    let right_w = usize::from(inner.width).saturating_sub(col_w);
    for row in 0..a.len().max(b.len()) {
        let mut spans: Vec<Span> = Vec::new();
        let mut used = 0;
        if let Some(&i) = a.get(row) {
            for sp in doc_line(i, col_w - 1) {
                used += sp.content.width();
                spans.push(sp);
            }
        }
        if let Some(&i) = b.get(row) {
            spans.push(Span::raw(" ".repeat(col_w.saturating_sub(used))));
            spans.extend(doc_line(i, right_w));
        }
        lines.push(Line::from(spans));
    }
    let chosen: Vec<&str> = docs
        .iter()
        .zip(&d.checked)
        .filter(|(_, c)| **c)
        .map(|(o, _)| o.id.as_str())
        .collect();
    let photo_note = if chosen.is_empty() || env.id_docs.needs_photo(&chosen) {
        ""
    } else {
        "（写真のない書類のため不要）"
    };
    let mut photo = check_line(
        format!("{}p ", mark(n)),
        g.check(d.photo),
        "写真と本人を照合した",
        d.photo,
    );
    photo.push_span(Span::styled(photo_note, theme::dim()));
    lines.push(photo);
    lines.push(check_line(
        format!("{}d ", mark(n + 1)),
        g.check(d.details),
        "本人がカードの記載事項（氏名・生年月日）を確認した",
        d.details,
    ));
    lines.push(error_or_hint(
        d.error.as_deref(),
        "書類のキー・m・p・d で切り替え、Enter で次へ（カード読取）。",
    ));
    render_para(frame, inner, lines);
}
