//! 交付 wizard screens and the completion screen.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::app::OfficerInfo;
use crate::app::keymap::doc_key;
use crate::app::screens::handover::{QrFit, qr_fit, qr_not_shown};
use crate::app::{
    CardPhase, Decision, DoneInfo, Flow, Handover, MailField, MatchResult, QrView, ReceiptChoice,
    Severity, Step, Verdict,
};
use crate::domain::handover::HandoverRoute;
use crate::domain::iddocs::{IdDocuments, IdList};
use crate::ui::qr::QrPicture;
use crate::ui::render_para;
use crate::ui::text::{display, fit, pad, wareki, wareki_short};
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{boxed, draw_field};

/// What the handover's view needs besides the handover itself.
pub struct Env<'a> {
    pub id_docs: &'a IdDocuments,
    /// The ASCII glyph set is in use.
    pub ascii: bool,
    pub officer: Option<&'a OfficerInfo>,
    /// The reader service (pcscd / winscard) does not answer.
    pub reader_down: bool,
}

const COUNTER_STEPS: [&str; 4] = ["本人確認", "カード読取", "受け渡し", "確認"];
const MAIL_STEPS: [&str; 3] = ["カード照合", "発送情報", "確認"];

pub fn draw(
    frame: &mut Frame,
    env: &Env<'_>,
    h: &Handover,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    let [bar, who, content] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    let (n, _) = h.step_number();
    let (title, steps): (&str, &[&str]) = match h.flow {
        Flow::Counter => ("交付", &COUNTER_STEPS),
        Flow::Mail => ("本人限定受取郵便で発送", &MAIL_STEPS),
    };
    let mut spans = vec![Span::styled(format!(" {title}  "), theme::title())];
    for (i, s) in steps.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(g.step_sep));
        }
        let style = if i + 1 == n {
            theme::selected()
        } else if i + 1 < n {
            theme::dim()
        } else {
            Style::new()
        };
        spans.push(Span::styled(format!("{} {}", i + 1, s), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), bar);
    let r = &h.record;
    // Drop trailing parts that do not fit rather than cutting one in half.
    let parts = [
        format!(" {}（{}）", r.name, r.kana),
        format!("  生年月日 {}", wareki(r.birth_date)),
        format!("  カードID {}", r.card_id),
        format!("  有効期限 {}", wareki_short(r.expiry_date)),
    ];
    let mut who_line = String::new();
    for p in parts.map(|p| display(&p)) {
        if who_line.width() + p.width() <= usize::from(who.width) {
            who_line.push_str(&p);
        }
    }
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(&who_line, usize::from(who.width)),
            theme::title(),
        )),
        who,
    );
    match &h.step {
        Step::Identity => {
            draw_identity(frame, env, h, content, g);
            None
        }
        Step::Card { phase, .. } => draw_card(frame, h, phase, env.reader_down, content, g),
        Step::Handoff { qr, .. } => {
            draw_handoff(frame, env, h, qr, content, g);
            None
        }
        Step::Mail { .. } => draw_mail(frame, h, content, g),
        Step::Confirm {
            commit, committing, ..
        } => {
            draw_confirm(frame, env, h, commit, *committing, content, g);
            None
        }
    }
}

fn draw_identity(frame: &mut Frame, env: &Env<'_>, h: &Handover, area: Rect, g: &Glyphs) {
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
        let style = if on { theme::ok() } else { Style::new() };
        let head = format!("{}{} ", mark(i), key);
        let body = format!("{} {}", g.check(on), doc.label);
        let used = head.width() + body.width();
        let mut spans = vec![
            Span::raw(head),
            Span::styled(fit(&body, room.saturating_sub(used - body.width())), style),
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
    let on_style = |on: bool| if on { theme::ok() } else { Style::new() };
    // 医師免許証（原本）: always seen (key m for the first; Space on the cursor for others).
    for (j, r) in required.iter().enumerate() {
        let on = d.required.get(j).copied().unwrap_or(false);
        let key = if j == 0 { "m" } else { " " };
        lines.push(Line::from(vec![
            Span::raw(format!("{}{key} ", mark(n + 2 + j))),
            Span::styled(
                format!("{} {}を確認した（必須）", g.check(on), r.label),
                on_style(on),
            ),
        ]));
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
    lines.push(Line::from(vec![
        Span::raw(format!("{}p ", mark(n))),
        Span::styled(
            format!("{} 写真と本人を照合した", g.check(d.photo)),
            on_style(d.photo),
        ),
        Span::styled(photo_note, theme::dim()),
    ]));
    lines.push(Line::from(vec![
        Span::raw(format!("{}d ", mark(n + 1))),
        Span::styled(
            format!(
                "{} 本人がカードの記載事項（氏名・生年月日）を確認した",
                g.check(d.details)
            ),
            on_style(d.details),
        ),
    ]));
    if let Some(e) = &d.error {
        lines.push(Line::styled(e.clone(), theme::error()));
    } else {
        lines.push(Line::styled(
            "書類のキー・m・p・d で切り替え、Enter で次へ（カード読取）。",
            theme::dim(),
        ));
    }
    render_para(frame, inner, lines);
}

fn mark_text(v: Verdict) -> (&'static str, Style) {
    let style = match v {
        Verdict::Same => theme::ok(),
        Verdict::Near => theme::warn(),
        Verdict::Different => theme::error(),
        Verdict::Missing | Verdict::NotChecked => theme::dim(),
    };
    (v.label(), style)
}

fn draw_card(
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

fn draw_handoff(
    frame: &mut Frame,
    env: &Env<'_>,
    h: &Handover,
    qr: &QrView,
    area: Rect,
    g: &Glyphs,
) {
    let d = &h.handoff_draft;
    let picture = match qr {
        QrView::Payload(p) => QrPicture::new(p, env.ascii),
        _ => None,
    };
    let qr_label = match qr {
        QrView::Payload(_) => "QRコードを本人のスマートフォンで読み取ってもらった",
        _ => "QRコードの印刷物をカードと一緒に手渡した",
    };
    let on_style = |on: bool| if on { theme::ok() } else { Style::new() };
    let mut lines = vec![
        Line::styled("カードと初期登録用QRコードを本人に渡します。", theme::dim()),
        Line::from(""),
        Line::from(vec![
            Span::raw("q "),
            Span::styled(
                format!("{} {qr_label}", g.check(d.qr_handed)),
                on_style(d.qr_handed),
            ),
        ]),
        Line::from(""),
        Line::styled("受領書", theme::title()),
        Line::from(vec![
            Span::raw("r "),
            Span::styled(
                format!(
                    "{} 受領書あり（署名と日付を確認して回収）",
                    g.radio(d.receipt == Some(ReceiptChoice::Receipt))
                ),
                on_style(d.receipt == Some(ReceiptChoice::Receipt)),
            ),
        ]),
        Line::from(vec![
            Span::raw("h "),
            Span::styled(
                format!(
                    "{} 受領書不要（発行完了通知はがきを提出）",
                    g.radio(d.receipt == Some(ReceiptChoice::Postcard))
                ),
                on_style(d.receipt == Some(ReceiptChoice::Postcard)),
            ),
        ]),
        Line::from(""),
    ];
    match qr {
        QrView::Loading => lines.push(Line::styled("QRコードを読み込んでいます。", theme::warn())),
        QrView::Error(e) => lines.push(Line::styled(
            format!("QRコードを読み込めませんでした: {e}"),
            theme::error(),
        )),
        QrView::Payload(_) if picture.is_none() => lines.push(Line::styled(
            "QRコードを作れませんでした。印刷物で渡してください。",
            theme::error(),
        )),
        _ => {}
    }
    if let Some(e) = &d.error {
        lines.push(Line::styled(e.clone(), theme::error()));
    } else if picture.as_ref().is_some_and(|p| {
        let term = (frame.area().width, frame.area().height);
        qr_fit(p.side(), env.ascii, term, true) == QrFit::FullScreen
    }) {
        lines.push(Line::styled(
            "v でQRを全画面に、Enter で次へ（確認）。",
            theme::dim(),
        ));
    } else {
        lines.push(Line::styled("Enter で次へ（確認）。", theme::dim()));
    }
    // The QR code is drawn only here, beside the checklist without a frame around it, or
    // alone on the whole screen (`v`); where is the app's rule (`qr_fit`), so that `q` is
    // accepted exactly when the QR is on screen.
    let full = frame.area();
    let term = (full.width, full.height);
    let mut text_area = area;
    if let Some(pic) = &picture {
        let (qw, qh) = pic.size();
        match qr_fit(pic.side(), env.ascii, term, d.full_screen) {
            QrFit::FullScreen => {
                draw_qr_full_screen(frame, pic, d.error.as_deref(), full);
                return;
            }
            QrFit::Beside if qw < area.width && qh <= area.height => {
                text_area = Rect::new(area.x, area.y, area.width - qw - 1, area.height);
                let x = area.x + area.width - qw;
                pic.render(Rect::new(x, area.y, qw, qh), frame.buffer_mut());
            }
            _ => {
                lines.push(Line::from(""));
                lines.push(Line::styled(
                    qr_not_shown(pic.side(), d.full_screen, term, env.ascii),
                    theme::warn(),
                ));
            }
        }
    }
    let block = boxed("3 受け渡し", g);
    let inner = block.inner(text_area);
    frame.render_widget(block, text_area);
    render_para(frame, inner, lines);
}

/// The registration QR alone on the screen, one line of instructions under it; nothing else
/// (no name, no header, no footer) is drawn.
fn draw_qr_full_screen(frame: &mut Frame, pic: &QrPicture, error: Option<&str>, full: Rect) {
    frame.render_widget(Clear, full);
    let (qw, qh) = pic.size();
    let top = full.y + full.height.saturating_sub(qh + 1) / 2;
    let x = full.x + full.width.saturating_sub(qw) / 2;
    pic.render(Rect::new(x, top, qw, qh), frame.buffer_mut());
    let line = match error {
        Some(e) => Line::styled(e.to_string(), theme::error()),
        None => Line::styled(
            "本人のスマートフォンで読み取ってもらったら q。Esc で戻ります。",
            theme::title(),
        ),
    };
    let text = Rect::new(full.x, top + qh, full.width, 1);
    frame.render_widget(Paragraph::new(line).alignment(Alignment::Center), text);
}

fn draw_mail(frame: &mut Frame, h: &Handover, area: Rect, g: &Glyphs) -> Option<Position> {
    let block = boxed("2 発送情報（本人限定受取郵便）", g);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [intro, date, tracking, rest] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    render_para(
        frame,
        intro,
        vec![Line::styled(
            "照合済みのカードと初期登録用QRコードの印刷物を封入し、発送日とお問い合わせ番号を入力します。",
            theme::dim(),
        )],
    );
    let d = &h.mail_draft;
    let half = |r: Rect| Rect::new(r.x, r.y, r.width.min(40), r.height);
    let c1 = draw_field(
        frame,
        half(date),
        "発送日（例 2026-04-01、R8.4.1）",
        &d.date,
        d.focus == MailField::Date,
        g,
    );
    let c2 = draw_field(
        frame,
        half(tracking),
        "お問い合わせ番号（数字11から13桁）",
        &d.tracking,
        d.focus == MailField::Tracking,
        g,
    );
    let mut lines = vec![];
    if let Some(e) = &d.error {
        lines.push(Line::styled(e.clone(), theme::error()));
    } else {
        lines.push(Line::styled(
            "Tab で欄を移動、Enter で次へ（確認）。",
            theme::dim(),
        ));
    }
    render_para(frame, rest, lines);
    c1.or(c2)
}

fn route_line(route: &HandoverRoute) -> String {
    match route {
        HandoverRoute::Mail {
            dispatch_date,
            tracking_no,
        } => format!(
            "{}（発送日 {}、お問い合わせ番号 {}）",
            route.label(),
            wareki(*dispatch_date),
            tracking_no
        ),
        _ => route.label().to_string(),
    }
}

fn draw_confirm(
    frame: &mut Frame,
    env: &Env<'_>,
    h: &Handover,
    commit: &crate::domain::handover::HandoverCommit,
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

pub fn draw_done(frame: &mut Frame, d: &DoneInfo, area: Rect, g: &Glyphs) {
    let title = match d.route {
        HandoverRoute::Mail { .. } => "発送を記録しました",
        _ => "交付を記録しました",
    };
    let block = boxed(title, g);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let r = &d.record;
    let mut lines = vec![
        Line::from(""),
        Line::styled(
            format!("  {}（{}）  カードID {}", r.name, r.kana, r.card_id),
            theme::title(),
        ),
        Line::from(format!(
            "  {}  状態: {}",
            route_line(&d.route),
            r.state.label()
        )),
        Line::from(""),
        Line::styled("  次にすること", theme::title()),
    ];
    for s in d.next_steps() {
        lines.push(Line::from(format!("  - {s}")));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled("  Enter で一覧に戻ります。", theme::dim()));
    render_para(frame, inner, lines);
}
