//! The desk-wide dialogs: help, messages, the quit question, the demo tray, the commit
//! confirmation, the cancel reason and the officer picker. They change the session itself
//! (the officer on duty, quitting), so they work on `App`; dialogs a screen opens are routed to
//! their own `update` from here.

use crate::app::cx::Nav;
use crate::app::dialogs::officer;
use crate::app::dialogs::second_officer::{SecondOfficerAnswer, SecondOfficerDialog};
use crate::app::{
    Action, App, CONFIRM_ARM_TICKS, Context, DemoCardKind, Dialog, Effect, KEYMAP, demo,
};

impl App {
    pub(in crate::app) fn dialog_action(&mut self, action: Action) -> Vec<Effect> {
        if matches!(
            self.dialogs.last(),
            Some(
                Dialog::Prompt(_)
                    | Dialog::Confirm(_)
                    | Dialog::Contact(_)
                    | Dialog::Appointment(_)
            )
        ) {
            return self.screen_dialog_action(action);
        }
        let Some(top) = self.dialogs.last_mut() else {
            return Vec::new();
        };
        match top {
            Dialog::Reference(_) => self.reference_action(action),
            Dialog::Passphrase(_) => self.passphrase_action(action),
            Dialog::Prompt(_)
            | Dialog::Confirm(_)
            | Dialog::Contact(_)
            | Dialog::Appointment(_) => Vec::new(),
            Dialog::Help { scroll } => {
                // Headings and blank lines included; the renderer clamps to the window.
                let lines = KEYMAP.len() + 2 * Context::ALL.len();
                let max = u16::try_from(lines).unwrap_or(u16::MAX);
                match action {
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::Down => *scroll = scroll.saturating_add(1).min(max),
                    Action::PageUp => *scroll = scroll.saturating_sub(10),
                    Action::PageDown => *scroll = scroll.saturating_add(10).min(max),
                    Action::Close => {
                        self.dialogs.pop();
                    }
                    _ => {}
                }
                Vec::new()
            }
            Dialog::Message { .. } => {
                if action == Action::Close {
                    self.dialogs.pop();
                }
                Vec::new()
            }
            Dialog::QuitConfirm => match action {
                Action::Yes => {
                    self.dialogs.pop();
                    self.session.should_quit = true;
                    vec![Effect::Quit]
                }
                Action::No => {
                    self.dialogs.pop();
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Dialog::AbandonConfirm { notice } => match action {
                Action::Yes => {
                    let notice = *notice;
                    self.dialogs.pop();
                    self.handover_update(|_, cx| {
                        cx.nav = Some(Nav::Abandon(notice));
                        Vec::new()
                    })
                }
                Action::No => {
                    self.dialogs.pop();
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Dialog::DemoTray => {
                let fx = match action {
                    Action::DemoPlace(n) => {
                        let Some(kind) = DemoCardKind::from_digit(n) else {
                            return Vec::new();
                        };
                        match self.demo_target().cloned() {
                            Some(r) => vec![Effect::DemoPlace(Box::new(demo::card_for(kind, &r)))],
                            None => {
                                self.dialogs.pop();
                                self.dialogs.push(Dialog::message(
                                    "デモカード",
                                    &["一覧でカードの記録を選んでから置いてください。"],
                                    false,
                                ));
                                return Vec::new();
                            }
                        }
                    }
                    Action::DemoLift => vec![Effect::DemoLift],
                    Action::Close => Vec::new(),
                    _ => return Vec::new(),
                };
                self.dialogs.pop();
                fx
            }
            Dialog::ConfirmCommit { opened_tick } => match action {
                Action::Yes => {
                    if self.session.ticks < *opened_tick + CONFIRM_ARM_TICKS {
                        // Too soon after opening: part of an input burst, not a decision.
                        return Vec::new();
                    }
                    self.dialogs.pop();
                    if self.handover().is_some_and(|h| h.needs_second_officer()) {
                        let on_duty = self.session.officer.as_ref().map(|o| o.id);
                        let dialog = SecondOfficerDialog::new(&self.session.officers, on_duty);
                        self.dialogs.push(Dialog::SecondOfficer(Box::new(dialog)));
                        return vec![Effect::LoadOfficers];
                    }
                    self.handover_update(|h, cx| h.commit(cx))
                }
                Action::No => {
                    self.dialogs.pop();
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Dialog::SecondOfficer(d) => match d.update(action) {
                SecondOfficerAnswer::Stay => Vec::new(),
                SecondOfficerAnswer::Cancel => {
                    self.dialogs.pop();
                    Vec::new()
                }
                SecondOfficerAnswer::Confirmed(c) => {
                    self.dialogs.pop();
                    self.flash("記録しています…", false);
                    self.handover_update(|h, cx| h.commit_with(Some(c), cx))
                }
            },
            Dialog::CancelReason {
                record,
                reason,
                error,
            } => match action {
                Action::Yes => {
                    if reason.is_blank() {
                        *error = Some("取消の理由を入力してください。".to_string());
                        return Vec::new();
                    }
                    let Some(officer) = &self.session.officer else {
                        *error = Some("担当者が選ばれていません。".to_string());
                        return Vec::new();
                    };
                    let fx = Effect::CancelHandover {
                        card: record.id,
                        reason: reason.value().trim().to_string(),
                        officer_id: officer.id,
                    };
                    self.dialogs.pop();
                    self.flash("取消を記録しています…", false);
                    vec![fx]
                }
                Action::No => {
                    self.dialogs.pop();
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Dialog::OfficerPicker {
                selected,
                name,
                error,
            } => match action {
                Action::Up => {
                    *selected = selected.saturating_sub(1);
                    Vec::new()
                }
                Action::Down => {
                    if *selected + 1 < self.session.officers.len() {
                        *selected += 1;
                    }
                    Vec::new()
                }
                Action::Yes => {
                    if !name.is_blank() {
                        // With passphrases in use, the lock must not be passed by adding a
                        // new officer: at the lock only registered officers can be chosen.
                        if self.session.officer.is_none()
                            && self.session.officers.iter().any(|o| o.has_passphrase)
                        {
                            *error = Some(
                                "ロック中は担当者を追加できません。登録済みの担当者を選んでください（追加は担当者を選んだあと F3 から）。"
                                    .into(),
                            );
                            return Vec::new();
                        }
                        let n = name.value().trim().to_string();
                        return vec![Effect::AddOfficer(n)];
                    }
                    match self.session.officers.get(*selected) {
                        Some(o) if officer::needs_passphrase(self.session.officer.as_ref(), o) => {
                            let o = o.clone();
                            self.open_passphrase(o);
                        }
                        Some(o) => {
                            self.session.officer = Some(o.clone());
                            let msg = format!("担当者: {}", o.name);
                            self.dialogs.pop();
                            self.flash(msg, false);
                            return self.after_unlock();
                        }
                        None => {
                            *error =
                                Some("担当者の名前を入力して Enter で追加してください。".into())
                        }
                    }
                    Vec::new()
                }
                Action::No => {
                    if self.session.officer.is_some() {
                        self.dialogs.pop();
                    } else {
                        *error = Some("担当者を選ぶまで操作できません。".into());
                    }
                    Vec::new()
                }
                _ => Vec::new(),
            },
        }
    }
}
