//! 窓口案内 (counter reference), drawn over the whole body: a tab bar of sections, then the
//! section. The procedures section carries a QR code of JMACA's procedures page.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{ExpiryAnswer, FeeRow, LineEdit, RefSection, ReferenceState};
use crate::domain::date::format_both;
use crate::domain::reference::Points;
use crate::domain::rules::Rules;
use crate::ui::qr::QrPicture;
use crate::ui::text::{display, pad};
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::clear_area;
use crate::ui::wrap_lines;

/// Cells of the label column in the forms.
const LABEL_W: usize = 16;
/// Cells inside the brackets of a form field.
const FIELD_W: usize = 26;
/// Narrowest text column beside the QR code.
const MIN_TEXT_BESIDE_QR: u16 = 30;

/// What the reference reads besides its own state: the rule tables (its texts, the expiry
/// rules, the fees), today's date and the glyph set.
pub struct Env<'a> {
    pub rules: &'a Rules,
    pub today: NaiveDate,
    pub ascii: bool,
}

pub fn draw(
    frame: &mut Frame,
    env: &Env,
    r: &ReferenceState,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    clear_area(frame, area);
    let [bar, content] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    draw_tabs(frame, r.section, bar);
    let content = Rect {
        x: content.x + 1,
        width: content.width.saturating_sub(2),
        ..content
    };
    let reference = &env.rules.reference;
    let points = match r.section {
        RefSection::Expiry => return draw_expiry(frame, env, r, content, g),
        RefSection::Fee => return draw_fee(frame, env, r, content, g),
        RefSection::Procedures => {
            draw_procedures(frame, env, r, content);
            return None;
        }
        RefSection::Pin => &reference.pin,
        RefSection::Renewal => &reference.renewal,
    };
    draw_points(frame, points, r.scroll, content, env.ascii);
    None
}

fn draw_tabs(frame: &mut Frame, current: RefSection, area: Rect) {
    let mut spans = vec![Span::styled(" 窓口案内 ", theme::header_bar())];
    for s in RefSection::ALL {
        spans.push(Span::raw(" "));
        let style = if s == current {
            theme::selected().add_modifier(ratatui::style::Modifier::BOLD)
        } else {
            theme::dim()
        };
        let text = if s == current {
            format!("[{}]", s.label())
        } else {
            format!(" {} ", s.label())
        };
        spans.push(Span::styled(text, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Rows of `area`, one line each (as many as fit).
fn row(area: Rect, i: u16) -> Option<Rect> {
    (i < area.height).then(|| Rect::new(area.x, area.y + i, area.width, 1))
}

/// One form row: pointer, label, `[field]`, hint. Returns the caret when focused.
fn field_row(
    frame: &mut Frame,
    area: Option<Rect>,
    label: &str,
    field: &LineEdit,
    focused: bool,
    hint: &str,
    g: &Glyphs,
) -> Option<Position> {
    let area = area?;
    let (shown, caret) = field.view(FIELD_W);
    let lead = row_lead(label, focused, g);
    let lead_width = lead.width();
    let line = Line::from(vec![
        lead,
        Span::raw("["),
        // An untouched prefill shows as selected text: typing replaces it.
        Span::styled(
            pad(&display(&shown), FIELD_W),
            if focused && field.is_prefilled() {
                theme::selected()
            } else {
                Style::new()
            },
        ),
        Span::raw("] "),
        Span::styled(hint.to_string(), theme::dim()),
    ]);
    frame.render_widget(Paragraph::new(wrap_lines(vec![line], area.width)), area);
    if !focused {
        return None;
    }
    let x = usize::from(area.x) + lead_width + 1 + caret;
    let x = u16::try_from(x)
        .unwrap_or(u16::MAX)
        .min(area.right().saturating_sub(1));
    Some(Position::new(x, area.y))
}

/// The head of a form row: the pointer on the focused row and the label padded to its column,
/// in the title style while focused.
fn row_lead(label: &str, focused: bool, g: &Glyphs) -> Span<'static> {
    let lead = format!(
        "{} {}",
        if focused { g.pointer } else { " " },
        pad(label, LABEL_W)
    );
    let style = if focused {
        theme::title()
    } else {
        Style::new()
    };
    Span::styled(lead, style)
}

/// One choice row: pointer, label, `< value >`.
fn choice_row(
    frame: &mut Frame,
    area: Option<Rect>,
    label: &str,
    value: &str,
    focused: bool,
    g: &Glyphs,
) {
    let Some(area) = area else { return };
    let value_style = if focused {
        theme::selected()
    } else {
        Style::new()
    };
    let mut spans = vec![
        row_lead(label, focused, g),
        Span::styled(format!("< {value} >"), value_style),
    ];
    if focused {
        spans.push(Span::styled("  Space で選択", theme::dim()));
    }
    frame.render_widget(
        Paragraph::new(wrap_lines(vec![Line::from(spans)], area.width)),
        area,
    );
}

fn para(frame: &mut Frame, ascii: bool, area: Rect, lines: Vec<Line<'_>>) {
    if area.height > 0 {
        let lines = ascii_safe(lines, ascii);
        frame.render_widget(Paragraph::new(wrap_lines(lines, area.width)), area);
    }
}

/// Text from `data/` and the domain may hold East-Asian-ambiguous symbols (→, ※ …); the
/// ASCII glyph set replaces them, as conhost would draw them two cells wide.
fn ascii_safe(lines: Vec<Line<'_>>, ascii: bool) -> Vec<Line<'_>> {
    use unicode_width::UnicodeWidthChar;
    if !ascii {
        return lines;
    }
    let fix = |s: &str| -> String {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c.width() == c.width_cjk() {
                out.push(c);
                continue;
            }
            out.push_str(match c {
                '→' => "->",
                '←' => "<-",
                '※' => "*",
                '…' => "...",
                '×' => "x",
                '○' => "o",
                '─' | '―' | '‐' => "-",
                _ => "?",
            });
        }
        out
    };
    lines
        .into_iter()
        .map(|l| {
            let style = l.style;
            let spans: Vec<Span> = l
                .spans
                .into_iter()
                .map(|sp| Span::styled(fix(&sp.content), sp.style))
                .collect();
            Line::from(spans).style(style)
        })
        .collect()
}

/// Draw a calculator section's intro (with a blank row under it) and return the areas of its
/// form (`form_rows` high) and of the answer below.
fn draw_intro(
    frame: &mut Frame,
    ascii: bool,
    area: Rect,
    intro: Vec<Line<'_>>,
    form_rows: u16,
) -> (Rect, Rect) {
    let intro_rows = u16::try_from(intro.len() + 1).unwrap_or(u16::MAX);
    let [top, form, answer] = Layout::vertical([
        Constraint::Length(intro_rows),
        Constraint::Length(form_rows),
        Constraint::Min(1),
    ])
    .areas(area);
    para(frame, ascii, top, intro);
    (form, answer)
}

fn draw_expiry(
    frame: &mut Frame,
    env: &Env,
    r: &ReferenceState,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    let intro = vec![
        Line::from("発行日と生年月日から医師資格証の有効期限を計算します。"),
        Line::styled(
            "西暦・和暦のどちらでも（例: 2024-04-01 / 令和6年4月1日 / R6.4.1）",
            theme::dim(),
        ),
    ];
    let (fields, result) = draw_intro(frame, env.ascii, area, intro, 5);
    let hint = "";
    let c1 = field_row(
        frame,
        row(fields, 0),
        "発行日",
        &r.issued,
        r.expiry_focus == 0,
        hint,
        g,
    );
    let c2 = field_row(
        frame,
        row(fields, 1),
        "生年月日",
        &r.born,
        r.expiry_focus == 1,
        hint,
        g,
    );
    let c3 = field_row(
        frame,
        row(fields, 2),
        "旧有効期限",
        &r.previous,
        r.expiry_focus == 2,
        "更新のときだけ（任意）",
        g,
    );
    if let (Some(p), Some(a)) = (&r.prefill, row(fields, 3)) {
        para(
            frame,
            env.ascii,
            a,
            vec![Line::styled(
                format!("  （カードID {} の記録から入力しました）", p.card_id),
                theme::dim(),
            )],
        );
    }
    let mut lines = Vec::new();
    match r.expiry(&env.rules.expiry) {
        ExpiryAnswer::Incomplete => lines.push(Line::styled(
            "発行日と生年月日を入力してください。",
            theme::dim(),
        )),
        ExpiryAnswer::Computed(c) => {
            lines.push(Line::from(vec![
                Span::styled(pad("有効期限", LABEL_W + 2), theme::title()),
                Span::styled(format_both(c.date), theme::ok()),
            ]));
            lines.push(Line::from(vec![
                Span::raw(pad("ルール", LABEL_W + 2)),
                Span::raw(c.rule_label),
            ]));
            if let Some(d) = c.detail {
                lines.push(Line::styled(d, theme::warn()));
            }
            lines.push(Line::from(""));
            lines.push(Line::styled(
                "カードの印字や証明書の期限と違うときは、電子認証センターに確認してください。",
                theme::dim(),
            ));
        }
        ExpiryAnswer::Error(e) => lines.push(Line::styled(e, theme::error())),
    }
    para(frame, env.ascii, result, lines);
    c1.or(c2).or(c3)
}

fn draw_fee(
    frame: &mut Frame,
    env: &Env,
    r: &ReferenceState,
    area: Rect,
    g: &Glyphs,
) -> Option<Position> {
    let intro = vec![Line::from(
        "申請の内容を選ぶと、当てはまる発行時費用の区分を表示します。",
    )];
    let (form, result) = draw_intro(frame, env.ascii, area, intro, 6);
    let mut caret = None;
    for (i, fr) in FeeRow::ALL.into_iter().enumerate() {
        let a = row(form, u16::try_from(i).unwrap_or(u16::MAX));
        let focused = r.fee_row == fr;
        match fr {
            FeeRow::Kind => choice_row(frame, a, fr.label(), r.fee_kind.label(), focused, g),
            FeeRow::Membership => {
                let v = match r.membership {
                    crate::domain::Membership::Member => "日医会員",
                    crate::domain::Membership::NonMember => "日医非会員",
                };
                choice_row(frame, a, fr.label(), v, focused, g);
            }
            FeeRow::Mynaportal => choice_row(
                frame,
                a,
                fr.label(),
                if r.mynaportal {
                    "はい（マイナポータルから申請）"
                } else {
                    "いいえ"
                },
                focused,
                g,
            ),
            FeeRow::ExamYear => {
                caret = caret.or(field_row(
                    frame,
                    a,
                    fr.label(),
                    &r.exam_year,
                    focused,
                    "例: 令和4 / R4 / 2022",
                    g,
                ))
            }
            FeeRow::Postmark => {
                caret = caret.or(field_row(
                    frame,
                    a,
                    fr.label(),
                    &r.postmark,
                    focused,
                    "空欄なら本日で判定",
                    g,
                ))
            }
        }
    }
    let mut lines = Vec::new();
    match r.fee(&env.rules.fees, env.today) {
        Ok(d) => {
            lines.push(Line::from(vec![
                Span::styled("区分  ", theme::title()),
                Span::styled(d.summary(), theme::ok()),
            ]));
            for reason in &d.reasons {
                lines.push(Line::from(format!("・{reason}")));
            }
        }
        Err(e) => lines.push(Line::styled(e.to_string(), theme::error())),
    }
    lines.push(Line::styled(
        "窓口では費用を受け取りません（区分のご案内のみです）。",
        theme::warn(),
    ));
    para(frame, env.ascii, result, lines);
    caret
}

/// Lines scrolled by `scroll` (clamped); a last line says when more follows.
fn scrolled(frame: &mut Frame, area: Rect, lines: Vec<Line<'_>>, scroll: u16, ascii: bool) {
    let wrapped = wrap_lines(ascii_safe(lines, ascii), area.width);
    let total = wrapped.len();
    let height = usize::from(area.height);
    if total <= height {
        frame.render_widget(Paragraph::new(wrapped), area);
        return;
    }
    let room = height.saturating_sub(1);
    let max = total.saturating_sub(room);
    let start = usize::from(scroll).min(max);
    let mut shown: Vec<Line> = wrapped.into_iter().skip(start).take(room).collect();
    if start < max {
        shown.push(Line::styled("（下キーで続きを表示）", theme::dim()));
    } else {
        shown.push(Line::styled("（ここまで。上キーで戻る）", theme::dim()));
    }
    frame.render_widget(Paragraph::new(shown), area);
}

fn draw_points(frame: &mut Frame, points: &Points, scroll: u16, area: Rect, ascii: bool) {
    let mut lines = vec![
        Line::styled(points.title.clone(), theme::title()),
        Line::from(""),
    ];
    for p in &points.points {
        lines.push(Line::from(format!("・{p}")));
    }
    scrolled(frame, area, lines, scroll, ascii);
}

fn draw_procedures(frame: &mut Frame, env: &Env, r: &ReferenceState, area: Rect) {
    let reference = &env.rules.reference;
    let contact = &reference.contact;
    let picture = QrPicture::new(&contact.procedures_url, env.ascii);
    let full = frame.area();
    let mut text_area = area;
    let mut too_small = None;
    if let Some(p) = &picture {
        let (qw, qh) = p.size();
        if area.width >= qw + 1 + MIN_TEXT_BESIDE_QR && area.height >= qh {
            let [left, right] =
                Layout::horizontal([Constraint::Min(MIN_TEXT_BESIDE_QR), Constraint::Length(qw)])
                    .areas(area);
            text_area = Rect {
                width: left.width.saturating_sub(1),
                ..left
            };
            p.render(Rect::new(right.x, right.y, qw, qh), frame.buffer_mut());
        } else {
            too_small = Some((
                qw + 1 + MIN_TEXT_BESIDE_QR + full.width.saturating_sub(area.width),
                qh + full.height.saturating_sub(area.height),
            ));
        }
    }
    let mut lines = vec![
        Line::styled(contact.name.clone(), theme::title()),
        Line::from(vec![
            Span::raw("電話 "),
            Span::styled(contact.phone.clone(), theme::title()),
        ]),
        Line::from(contact.procedures_note.clone()),
        Line::styled(contact.procedures_url.clone(), theme::dim()),
    ];
    match (&picture, too_small) {
        (Some(_), None) => lines.push(Line::styled(
            "右のQRコードを読み取ると手続きのページを開けます。",
            theme::dim(),
        )),
        (Some(_), Some((w, h))) => {
            lines.push(Line::styled(
                format!(
                    "画面を広げてください。手続きページのQRコードの表示には 横{w} x 縦{h} 以上が必要です（いまは {} x {}）。",
                    full.width, full.height
                ),
                theme::warn(),
            ));
            if env.ascii {
                lines.push(Line::styled(
                    "（Windows Terminal などでは desk.toml の glyphs = \"unicode\" で小さく表示できます）",
                    theme::dim(),
                ));
            }
        }
        (None, _) => lines.push(Line::styled(
            "QRコードを作れませんでした。上のアドレスをご案内ください。",
            theme::warn(),
        )),
    }
    for p in &reference.procedures {
        lines.push(Line::from(""));
        lines.push(Line::styled(format!("【{}】", p.title), theme::title()));
        lines.push(Line::from(format!("  いつ: {}", p.when)));
        lines.push(Line::from(format!("  同封: {}", p.enclose.join("、"))));
        if !p.note.is_empty() {
            lines.push(Line::styled(format!("  備考: {}", p.note), theme::dim()));
        }
    }
    scrolled(frame, text_area, lines, r.scroll, env.ascii);
}
