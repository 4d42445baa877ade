//! The screens under the dialogs, one module each, and how `App` routes to them: it splits
//! itself into the screen on display and a [`Cx`] (disjoint borrows), runs the screen's hook,
//! and applies the [`Nav`] the screen asked for. The queue's state lives in `App::queue` for the whole
//! session (search and selection survive every screen); the done page is a few lines in
//! `app/keys.rs` and `app/routing.rs`.

pub mod handover;
pub mod office;
pub mod queue;

use super::cx::{Cx, Nav};
use super::dialogs::Answer;
use super::{Action, App, Dialog, Effect, Screen};
use handover::Handover;
use office::{Office, OfficeLoaded};
use queue::QueueState;

impl App {
    /// Split `App` into the screen and the [`Cx`] its update gets (disjoint borrows).
    pub(super) fn split(&mut self) -> (&mut Screen, Cx<'_>) {
        let (screen, _, cx) = self.split_all();
        (screen, cx)
    }

    /// [`App::split`], with the queue's state too.
    fn split_all(&mut self) -> (&mut Screen, &mut QueueState, Cx<'_>) {
        let App {
            session,
            queue,
            screen,
            dialogs,
        } = self;
        (screen, queue, session.cx(dialogs))
    }

    /// A key action on the queue.
    pub(super) fn queue_update(&mut self, action: Action) -> Vec<Effect> {
        let (_, queue, mut cx) = self.split_all();
        let mut fx = queue.update(action, &mut cx);
        if let Some(nav) = cx.nav.take() {
            fx.extend(self.go(nav));
        }
        fx
    }

    /// Today's and tomorrow's appointments for the band above the queue.
    pub fn upcoming_effect(&self) -> Effect {
        queue::upcoming_effect(self.session.today)
    }

    /// Run `f` on the screen and go where it asks.
    pub(super) fn on_screen(
        &mut self,
        f: impl FnOnce(&mut Screen, &mut Cx) -> Vec<Effect>,
    ) -> Vec<Effect> {
        let (screen, mut cx) = self.split();
        let mut fx = f(screen, &mut cx);
        if let Some(nav) = cx.nav.take() {
            fx.extend(self.go(nav));
        }
        fx
    }

    /// Run `f` on the back-office screen, if it is on display.
    pub(super) fn office_update(
        &mut self,
        f: impl FnOnce(&mut Office, &mut Cx) -> Vec<Effect>,
    ) -> Vec<Effect> {
        self.on_screen(|s, cx| match s {
            Screen::Office(o) => f(o, cx),
            _ => Vec::new(),
        })
    }

    /// Run `f` on the handover, if it is on display.
    pub(super) fn handover_update(
        &mut self,
        f: impl FnOnce(&mut Handover, &mut Cx) -> Vec<Effect>,
    ) -> Vec<Effect> {
        self.on_screen(|s, cx| match s {
            Screen::Handover(h) => f(h, cx),
            _ => Vec::new(),
        })
    }

    /// Go where a screen asked.
    fn go(&mut self, nav: Nav) -> Vec<Effect> {
        match nav {
            Nav::Queue => {
                self.screen = Screen::Queue;
                self.session.flash = None;
                vec![
                    self.queue.search_effect(),
                    Effect::LoadCounts,
                    self.upcoming_effect(),
                ]
            }
            // Handled by `Office::update` (the menu is a back-office screen).
            Nav::Menu(item) => {
                self.screen = Screen::Office(Box::new(Office::menu_at(item)));
                self.session.flash = None;
                Vec::new()
            }
            Nav::Abandon(msg) => {
                self.screen = Screen::Queue;
                self.queue.reset_search();
                self.flash(msg, false);
                vec![self.queue.search_effect()]
            }
            Nav::Done(info) => {
                self.screen = Screen::Done(info);
                self.queue.reset_search();
                self.session.flash = None;
                vec![self.queue.search_effect(), Effect::LoadCounts]
            }
            Nav::PickOfficer => {
                self.open_officer_picker();
                vec![Effect::LoadOfficers]
            }
            Nav::OpenHandover { record, flow } => {
                // F4 on a card planned for the counter: say that the route changes.
                let warn = flow == Some(handover::Flow::Mail)
                    && record.route == Some(crate::domain::Route::Counter);
                let fx = self.open_handover(*record, flow);
                if warn && matches!(self.screen, Screen::Handover(_)) {
                    self.flash(
                        "注意: このカードは窓口交付の予定です。本人限定受取郵便で発送します（窓口で渡すときは Esc で戻り Enter）。",
                        true,
                    );
                }
                fx
            }
            Nav::OfficeMenu => self.open_office_menu(),
        }
    }

    /// F12 from the queue.
    pub(crate) fn open_office_menu(&mut self) -> Vec<Effect> {
        self.screen = Screen::Office(Box::new(Office::Menu { selected: 0 }));
        self.session.flash = None;
        Vec::new()
    }

    /// A key on a dialog that a screen opened (prompt, question, contact, appointment).
    /// The dialog is taken off the stack for its update and put back unless it is done.
    pub(super) fn screen_dialog_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(mut dialog) = self.dialogs.pop() else {
            return Vec::new();
        };
        let at = self.dialogs.len();
        let (screen, mut cx) = self.split();
        let office = match screen {
            Screen::Office(o) => Some(&mut **o),
            _ => None,
        };
        let answer = match &mut dialog {
            Dialog::Contact(d) => d.update(action, &mut cx),
            Dialog::Appointment(d) => d.update(action, &mut cx),
            Dialog::Confirm(c) => match action {
                Action::No => Answer::close(Vec::new()),
                Action::Yes => {
                    let fx = match office {
                        Some(o) => o.on_confirm(c.purpose.clone(), &mut cx),
                        None => Vec::new(),
                    };
                    Answer::close(fx)
                }
                _ => Answer::stay(),
            },
            Dialog::Prompt(p) => match action {
                Action::No => Answer::close(Vec::new()),
                Action::Yes => {
                    let text = p.field.value().trim().to_string();
                    let result = match office {
                        Some(o) => o.on_prompt(p.purpose.clone(), text, &mut cx),
                        None => Ok(Vec::new()),
                    };
                    match result {
                        Ok(fx) => Answer::close(fx),
                        Err(e) => {
                            p.error = Some(e);
                            Answer::stay()
                        }
                    }
                }
                _ => Answer::stay(),
            },
            _ => Answer::stay(),
        };
        if !answer.close {
            self.dialogs.insert(at, dialog);
        }
        answer.effects
    }

    /// A store answer for the back office. The appointments band of the queue listens
    /// whatever is on screen; the rest goes to the back-office screen on display.
    pub(super) fn office_loaded(&mut self, loaded: OfficeLoaded) -> Vec<Effect> {
        match loaded {
            OfficeLoaded::Upcoming(result) => {
                match result {
                    Ok(list) => self.queue.appointments = list,
                    Err(e) => self.flash(format!("予約を読み込めませんでした: {e}"), true),
                }
                Vec::new()
            }
            OfficeLoaded::AppointmentSaved { name, at, result } => {
                match result {
                    Ok(()) => {
                        let msg = match at {
                            Some(at) => format!(
                                "{name} さんの予約を {} に登録しました。",
                                at.format("%Y-%m-%d %H:%M")
                            ),
                            None => format!("{name} さんの予約を取り消しました。"),
                        };
                        self.flash(msg, false);
                    }
                    Err(e) => {
                        let (_, mut cx) = self.split();
                        cx.error("予約を記録できませんでした", e);
                    }
                }
                vec![self.upcoming_effect()]
            }
            other => {
                if matches!(self.screen, Screen::Office(_)) {
                    return self.office_update(|o, cx| o.on_loaded(other, cx));
                }
                let (_, mut cx) = self.split();
                office::orphan_loaded(other, &mut cx);
                Vec::new()
            }
        }
    }
}
