//! The last step, 確認: everything that will be recorded, one row each.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Env, route_line};
use crate::app::{Flow, Handover, MatchResult};
use crate::domain::handover::HandoverCommit;
use crate::ui::render_para;
use crate::ui::text::pad;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed;

pub(super) fn draw_confirm(
    frame: &mut Frame,
    env: &Env<'_>,
    h: &Handover,
    commit: &HandoverCommit,
    committing: bool,
    area: Rect,
    g: &Glyphs,
) {
    let (n, _) = h.step_number();
    let title = format!("{n} 確認");
    let block = boxed(&title, g);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let kw = 18usize;
    let row =
        |k: &str, v: String| Line::from(vec![Span::styled(pad(k, kw), theme::dim()), Span::raw(v)]);
    let docs: Vec<String> = commit
        .id_documents
        .iter()
        .map(|id| {
            env.id_docs
                .label_of(id)
                .map(str::to_string)
                .unwrap_or_else(|| id.clone())
        })
        .collect();
    let done = |b: bool| if b { "確認済" } else { "未確認" }.to_string();
    let result = match commit.match_result.as_str() {
        "match" => MatchResult::Match,
        "near_match" => MatchResult::NearMatch,
        _ => MatchResult::Mismatch,
    };
    let mut lines = vec![
        Line::styled("以下の内容で記録します。", theme::title()),
        Line::from(""),
        row("交付方法", route_line(&commit.route)),
    ];
    if h.flow == Flow::Counter {
        lines.push(row("本人確認書類", docs.join("、")));
        lines.push(row(
            "写真照合/記載確認",
            format!(
                "{} / {}",
                if env.id_docs.needs_photo(
                    &commit
                        .id_documents
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                ) {
                    done(commit.photo_checked)
                } else {
                    "不要（写真のない書類）".to_string()
                },
                done(commit.details_confirmed)
            ),
        ));
    }
    let mut match_text = result.label().to_string();
    if commit.exception {
        match_text.push_str("（例外として記録・記録時に別の担当者が確認）");
    }
    if let Some(s) = &commit.cert_serial_read {
        match_text.push_str(&format!("  証明書シリアル {s}"));
    }
    lines.push(row("カード照合", match_text));
    if let Some(note) = &commit.officer_note {
        lines.push(row("理由", note.clone()));
    }
    lines.push(row("QRコード", commit.qr.label().to_string()));
    lines.push(row(
        "担当者",
        env.officer
            .map(|o| o.name.clone())
            .unwrap_or_else(|| "（未選択）".into()),
    ));
    lines.push(Line::from(""));
    if committing {
        lines.push(Line::styled("記録しています。", theme::warn()));
    } else {
        lines.push(Line::styled(
            "F9 で確定（確認があります）。Esc で戻って直せます。",
            theme::title(),
        ));
    }
    render_para(frame, inner, lines);
}
