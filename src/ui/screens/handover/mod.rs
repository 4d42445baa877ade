//! 交付 wizard screens and the completion screen. This file draws what every step shares
//! (the step bar, the physician's line) and the done page; each step's view is in the file
//! named as in `app/screens/handover/`: `identity`, `card`, `handoff`, `mail`, `confirm`.

mod card;
mod confirm;
mod handoff;
mod identity;
mod mail;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::app::{DoneInfo, Flow, Handover, OfficerInfo, Step};
use crate::domain::handover::HandoverRoute;
use crate::domain::iddocs::IdDocuments;
use crate::ui::render_para;
use crate::ui::text::{display, fit, wareki, wareki_short};
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed;
use card::draw_card;
use confirm::draw_confirm;
use handoff::draw_handoff;
use identity::draw_identity;
use mail::draw_mail;

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

/// The style of a ticked box or a chosen radio button.
fn ticked(on: bool) -> Style {
    if on { theme::ok() } else { Style::new() }
}

/// One line of a checklist: the key (and cursor) in `head`, then the box `mark` and `text`,
/// green once ticked.
fn check_line(head: String, mark: &str, text: &str, on: bool) -> Line<'static> {
    Line::from(vec![
        Span::raw(head),
        Span::styled(format!("{mark} {text}"), ticked(on)),
    ])
}

/// The last line of a step: its error, or what to press when there is none.
fn error_or_hint(error: Option<&str>, hint: &'static str) -> Line<'static> {
    match error {
        Some(e) => Line::styled(e.to_string(), theme::error()),
        None => Line::styled(hint, theme::dim()),
    }
}

/// How the card went out, for the confirmation and the done page.
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
