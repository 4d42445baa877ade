//! The card step (2 カード読取と照合 at the counter, 1 カード照合 for mail): what the reader
//! does, then the record and the card side by side with the verdict and, after a decision, the
//! reason field.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::{CardPhase, Decision, Flow, Handover, MatchResult, Severity, Verdict};
use crate::ui::render_para;
use crate::ui::text::{display, pad};
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{boxed, draw_field};

fn mark_text(v: Verdict) -> (&'static str, Style) {
    let style = match v {
        Verdict::Same => theme::ok(),
        Verdict::Near => theme::warn(),
        Verdict::Different => theme::error(),
        Verdict::Missing | Verdict::NotChecked => theme::dim(),
    };
    (v.label(), style)
}

pub(super) fn draw_card(
    frame: &mut Frame,
    h: &Handover,
    phase: &CardPhase,
    reader_down: bool,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    let title = match h.flow {
        Flow::Counter => "2 カード読取と照合",
        Flow::Mail => "1 カード照合（封入するカード）",
    };
    let block = boxed(title, g);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let big = |s: &str, st: Style| vec![Line::from(""), Line::styled(format!("  {s}"), st)];
    let mut lines: Vec<Line> = match phase {
        CardPhase::Waiting if reader_down => {
            let mut l = big("リーダのサービスが動いていません", theme::error());
            l.push(Line::from(""));
            l.push(Line::from(
                "  カードを読み取れません。リーダの接続とサービス（pcscd / スマートカード）を確認してください。",
            ));
            l.push(Line::styled(
                "  サービスが戻ると自動で再接続します（kofu reader diagnose で詳しく確認できます）。",
                theme::dim(),
            ));
            l
        }
        CardPhase::Waiting => {
            let mut l = big("カードをリーダに置いてください", theme::title());
            l.push(Line::from(""));
            l.push(Line::styled(
                "  置くと自動で読み取り、記録と照合します。",
                theme::dim(),
            ));
            l
        }
        CardPhase::Reading => big(
            "読み取り中です。カードを動かさないでください。",
            theme::warn(),
        ),
        CardPhase::Lifted => big(
            "読み取り中にカードが外されました。もう一度置いてください。",
            theme::warn(),
        ),
        CardPhase::Failed(e) => {
            let mut l = big("カードを読み取れませんでした。", theme::error());
            l.push(Line::from(format!("  {e}")));
            l.push(Line::styled(
                "  置き直すか r で再読取してください。",
                theme::dim(),
            ));
            l
        }
        CardPhase::Result {
            outcome, decision, ..
        } => {
            let fw = 17usize;
            let vw = usize::from(inner.width).saturating_sub(fw + 10) / 2;
            let mut l = vec![Line::styled(
                format!(
                    "{}{}{}判定",
                    pad("項目", fw),
                    pad("記録", vw + 1),
                    pad("カード", vw + 1)
                ),
                theme::title(),
            )];
            for line in &outcome.lines {
                let (m, st) = mark_text(line.verdict);
                l.push(Line::from(vec![
                    Span::raw(pad(line.field, fw)),
                    Span::raw(pad(&display(&line.record), vw)),
                    Span::raw(" "),
                    Span::raw(pad(&display(&line.card), vw)),
                    Span::raw(" "),
                    Span::styled(m, st),
                ]));
            }
            let (verdict, vs) = match outcome.result {
                MatchResult::Match => ("照合結果: 一致", theme::ok()),
                MatchResult::NearMatch => ("照合結果: 要確認（担当者の確認が必要）", theme::warn()),
                MatchResult::Mismatch => ("照合結果: 不一致（交付できません）", theme::error()),
            };
            l.push(Line::styled(verdict, vs));
            for r in &outcome.reasons {
                let st = match r.severity {
                    Severity::Notice => theme::dim(),
                    Severity::Warning | Severity::Near => theme::warn(),
                    Severity::Block => theme::error(),
                };
                l.push(Line::styled(
                    format!("- [{}] {}", r.severity.label(), r.message),
                    st,
                ));
            }
            match (outcome.result, decision) {
                (MatchResult::NearMatch, None) => l.push(Line::from(
                    "同一人物と確認できたら y を押して理由を入力。違うときは x で中止。",
                )),
                (MatchResult::NearMatch, Some(Decision::NearConfirmed)) => l.push(Line::styled(
                    "同一人物として承認します。理由を入力して Enter。",
                    theme::warn(),
                )),
                (MatchResult::Mismatch, None) => l.push(Line::from(match h.flow {
                    Flow::Counter => {
                        "x で交付を中止、または e で例外として記録（理由と別の担当者の確認が必要）。"
                    }
                    Flow::Mail => {
                        "x で発送を中止、または e で例外として記録（理由と別の担当者の確認が必要）。"
                    }
                })),
                (MatchResult::Mismatch, Some(_)) => l.push(Line::styled(
                    "例外として記録します。理由を入力して Enter（記録の前に別の担当者が確認します）。",
                    theme::error(),
                )),
                (MatchResult::Match, _) => {
                    l.push(Line::styled(
                        match h.flow {
                            Flow::Counter => "Enter で次へ（受け渡し）。",
                            Flow::Mail => "Enter で次へ（発送情報）。",
                        },
                        theme::dim(),
                    ))
                }
                _ => {}
            }
            l
        }
    };
    if let Some(e) = &h.card_error {
        lines.push(Line::styled(e.clone(), theme::error()));
    }
    let needs_note = matches!(
        phase,
        CardPhase::Result {
            decision: Some(_),
            ..
        }
    );
    if needs_note && inner.height > 4 {
        let [text_area, note_area] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(3)]).areas(inner);
        render_para(frame, text_area, lines);
        let focused = matches!(
            phase,
            CardPhase::Result {
                note_focus: true,
                ..
            }
        );
        let title = match h.preset {
            Some(_) => "理由（必須・定型文。上下キーで選び直し、書き換えも可）",
            None => "理由（必須。上下キーで定型文から選べます）",
        };
        return draw_field(frame, note_area, title, &h.card_note, focused, g);
    }
    render_para(frame, inner, lines);
    None
}
