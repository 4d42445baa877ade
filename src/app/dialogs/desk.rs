//! Where a key on a desk-wide dialog goes. The stateless ones (help, messages, the quit and
//! abandon questions, the demo tray, the commit confirmation) are handled here; the ones with
//! state (the cancel reason, the officer picker and passphrase, the second officer) answer from
//! their own `update`, and this applies what they ask of the session — the officer on duty,
//! quitting, a commit. Dialogs a screen opens are routed to their own `update` from here.

use crate::app::cx::Nav;
use crate::app::dialogs::cancel::CancelStep;
use crate::app::dialogs::officer::PickerStep;
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
            Dialog::CancelReason(d) => match d.update(action, self.session.officer.as_ref()) {
                CancelStep::Stay => Vec::new(),
                CancelStep::Close => {
                    self.dialogs.pop();
                    Vec::new()
                }
                CancelStep::Send(fx) => {
                    self.dialogs.pop();
                    self.flash("取消を記録しています…", false);
                    vec![fx]
                }
            },
            Dialog::OfficerPicker(d) => {
                let on_duty = self.session.officer.as_ref();
                match d.update(action, &self.session.officers, on_duty) {
                    PickerStep::Stay(fx) => fx,
                    PickerStep::Close => {
                        self.dialogs.pop();
                        Vec::new()
                    }
                    PickerStep::AskPassphrase(o) => {
                        self.open_passphrase(o);
                        Vec::new()
                    }
                    PickerStep::TakeOver(o) => {
                        let msg = format!("担当者: {}", o.name);
                        self.session.officer = Some(o);
                        self.dialogs.pop();
                        self.flash(msg, false);
                        self.after_unlock()
                    }
                }
            }
        }
    }
}
