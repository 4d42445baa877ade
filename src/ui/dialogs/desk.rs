//! Dialog dialogs, drawn centred over the screen.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use chrono::NaiveDate;

use crate::app::{CONFIRM_ARM_TICKS, Dialog, Flow, OfficerInfo, demo::DemoCardKind};
use crate::domain::record::CardRecord;
use crate::domain::rules::Rules;
use crate::ui::text::{pad, wareki};
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::{dialog_box, yes_or_esc};
use crate::ui::{help_entries_for, render_para};

/// What the desk-wide dialogs read besides their own state (built by the frame's view).
pub struct Env<'a> {
    /// Ticks since start (the commit confirmation arms after [`CONFIRM_ARM_TICKS`]).
    pub ticks: u64,
    /// The handover on display: its flow and its record (the commit confirmation names them).
    pub handover: Option<(Flow, &'a CardRecord)>,
    /// The record the demo tray puts a card for.
    pub tray_record: Option<&'a CardRecord>,
    /// The registered officers (the officer picker, the passphrase dialog).
    pub officers: &'a [OfficerInfo],
    /// The desk is locked: the officer picker offers no new-officer field.
    pub locked: bool,
    pub rules: &'a Rules,
    pub today: NaiveDate,
    pub demo: bool,
    pub ascii: bool,
}

pub fn draw(frame: &mut Frame, env: &Env, m: &Dialog, area: Rect, g: &Glyphs) -> Option<Position> {
    match m {
        Dialog::SecondOfficer(d) => super::second_officer::draw(frame, d, area, g),
        Dialog::Prompt(p) => super::prompt::draw_prompt(frame, p, area, g),
        Dialog::Confirm(c) => {
            super::prompt::draw_confirm(frame, c, area, g);
            None
        }
        Dialog::Contact(d) => super::contact::draw(frame, d, area, g),
        Dialog::Appointment(d) => super::appointment::draw(frame, d, area, g),
        Dialog::Help { scroll } => {
            let inner = dialog_box(
                frame,
                area,
                (76.max(area.width * 2 / 3), area.height),
                "ヘルプ（キー一覧）",
                ratatui::style::Style::new(),
                g,
            );
            let mut lines: Vec<Line> = Vec::new();
            let mut last = "";
            for (ctx, key, label) in help_entries_for(env.demo, env.ascii) {
                if ctx != last {
                    if !last.is_empty() {
                        lines.push(Line::from(""));
                    }
                    lines.push(Line::styled(format!("[{ctx}]"), theme::title()));
                    last = ctx;
                }
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    Span::styled(pad(&key, 10), theme::title()),
                    Span::raw(label),
                ]));
            }
            let max = u16::try_from(lines.len())
                .unwrap_or(u16::MAX)
                .saturating_sub(inner.height);
            frame.render_widget(Paragraph::new(lines).scroll(((*scroll).min(max), 0)), inner);
            None
        }
        Dialog::Message {
            title,
            lines,
            error,
        } => {
            let w = lines
                .iter()
                .map(|l| l.width())
                .max()
                .unwrap_or(0)
                .max(title.width())
                + 6;
            let h = u16::try_from(lines.len()).unwrap_or(10) + 5;
            let border = if *error {
                theme::error()
            } else {
                theme::title()
            };
            let size = (u16::try_from(w).unwrap_or(70).clamp(40, 76), h + 2);
            let inner = dialog_box(frame, area, size, title, border, g);
            let mut out = vec![Line::from("")];
            for l in lines {
                out.push(Line::styled(
                    format!(" {l}"),
                    if *error {
                        theme::error()
                    } else {
                        ratatui::style::Style::new()
                    },
                ));
            }
            out.push(Line::from(""));
            out.push(Line::styled(" Enter で閉じる", theme::dim()));
            render_para(frame, inner, out);
            None
        }
        Dialog::ConfirmCommit { opened_tick } => {
            let inner = dialog_box(frame, area, (60, 9), "確定の確認", theme::warn(), g);
            let armed = env.ticks >= opened_tick + CONFIRM_ARM_TICKS;
            let what = match env.handover.map(|(flow, _)| flow) {
                Some(Flow::Mail) => "発送",
                _ => "交付",
            };
            let name = env
                .handover
                .map(|(_, record)| record.name.clone())
                .unwrap_or_default();
            let lines = vec![
                Line::from(""),
                Line::styled(
                    format!(" {name} さんの{what}を確定しますか？"),
                    theme::title(),
                ),
                Line::from(" 記録後の取消は一覧の F8（取消/訂正）で行います。"),
                Line::from(""),
                if armed {
                    yes_or_esc("確定する", "やめる")
                } else {
                    Line::styled(
                        " 確認中です。少し待ってから y を押してください。",
                        theme::dim(),
                    )
                },
            ];
            render_para(frame, inner, lines);
            None
        }
        Dialog::CancelReason(d) => super::cancel::draw(frame, d, area, g),
        Dialog::OfficerPicker(d) => {
            super::officer::draw_picker(frame, d, env.officers, env.locked, area, g)
        }
        Dialog::DemoTray => {
            let inner = dialog_box(
                frame,
                area,
                (56, 13),
                "デモ用カードトレイ",
                ratatui::style::Style::new(),
                g,
            );
            let mut lines = vec![match env.tray_record {
                Some(t) => Line::from(format!(" 対象: {}（{}生）", t.name, wareki(t.birth_date))),
                None => Line::styled(" 一覧で記録を選んでください", theme::warn()),
            }];
            lines.push(Line::from(""));
            for (k, kind) in [
                (1u8, DemoCardKind::Matching),
                (2, DemoCardKind::OtherPerson),
                (3, DemoCardKind::VariantKanji),
                (4, DemoCardKind::PinBlocked),
                (5, DemoCardKind::NonHpki),
            ] {
                let label = match kind {
                    DemoCardKind::Matching => "本人のカードを置く",
                    DemoCardKind::OtherPerson => "別人のカードを置く",
                    DemoCardKind::VariantKanji => "異体字で印字されたカードを置く",
                    DemoCardKind::PinBlocked => "暗証番号がロックされたカードを置く",
                    DemoCardKind::NonHpki => "HPKIでないICカードを置く",
                };
                lines.push(Line::from(vec![
                    Span::raw(" "),
                    Span::styled(k.to_string(), theme::key()),
                    Span::raw(format!(" {label}")),
                ]));
            }
            lines.push(Line::from(vec![
                Span::raw(" "),
                Span::styled("0", theme::key()),
                Span::raw(" カードを外す"),
            ]));
            lines.push(Line::from(""));
            lines.push(Line::styled(" Esc で閉じる", theme::dim()));
            render_para(frame, inner, lines);
            None
        }
        Dialog::Reference(r) => {
            let reference_env = super::reference::Env {
                rules: env.rules,
                today: env.today,
                ascii: env.ascii,
            };
            super::reference::draw(frame, &reference_env, r, area, g)
        }
        Dialog::Passphrase(d) => super::officer::draw(frame, d, env.officers.len(), area, g),
        Dialog::QuitConfirm => {
            let question = " 交付の途中です。記録せずに終了しますか？";
            draw_question(frame, area, "終了の確認", question, "終了する", g);
            None
        }
        Dialog::AbandonConfirm { .. } => {
            let question = " この交付を中止して一覧へ戻りますか？（記録は変わりません）";
            draw_question(frame, area, "交付中止の確認", question, "中止する", g);
            None
        }
    }
}

/// A question about leaving the handover: one line, answered `yes` (y) or 続ける (Esc).
fn draw_question(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    question: &str,
    yes: &str,
    g: &Glyphs,
) {
    let inner = dialog_box(frame, area, (56, 7), title, theme::warn(), g);
    render_para(
        frame,
        inner,
        vec![
            Line::from(""),
            Line::from(question),
            Line::from(""),
            yes_or_esc(yes, "続ける"),
        ],
    );
}
