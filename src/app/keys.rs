//! Keys: the context in force, which bindings do something, the focused text field, and
//! where a key goes — the dialog on top, the screen's action, a text field, the global keys.

use crossterm::event::KeyEvent;

use super::keymap;
use super::{Action, App, Binding, Context, Dialog, EditOutcome, Effect, LineEdit, Screen};

impl App {
    /// The key context in force: the top dialog's, else the screen's.
    pub fn context(&self) -> Context {
        if let Some(m) = self.dialogs.last() {
            return m.context();
        }
        self.screen_context()
    }

    fn screen_context(&self) -> Context {
        match &self.screen {
            Screen::Queue => Context::Queue,
            Screen::Done(_) => Context::Done,
            Screen::Handover(h) => h.context(),
            Screen::Office(o) => o.context(),
        }
    }

    /// Whether a binding does something right now (the footer shows only those; the help
    /// screen shows every binding).
    pub fn binding_relevant(&self, b: &Binding) -> bool {
        if let Some(Dialog::Reference(r)) = self.dialogs.last() {
            return r.binding_relevant(b);
        }
        if let Some(Dialog::OfficerPicker(_)) = self.dialogs.last() {
            // Nobody on duty: Esc cannot close the picker; at the lock (passphrases in use)
            // no officer can be added either (issue 11 #15).
            return match b.action {
                Action::No => self.session.officer.is_some(),
                Action::Yes => (b.label == keymap::PICK_LOCKED) == self.desk_locked(),
                _ => true,
            };
        }
        match &self.screen {
            Screen::Handover(h) if self.dialogs.is_empty() => {
                h.binding_relevant(b, &self.session.reader.card)
            }
            _ => true,
        }
    }

    /// [`super::Session::desk_locked`].
    pub fn desk_locked(&self) -> bool {
        self.session.desk_locked()
    }

    /// True when a text field has keyboard focus (single-key shortcuts are off).
    pub fn text_focus(&self) -> bool {
        self.context().has_text_focus()
    }

    /// The focused text field, if any.
    pub fn focused_field(&self) -> Option<&LineEdit> {
        if let Some(m) = self.dialogs.last() {
            return match m {
                Dialog::CancelReason(d) => Some(&d.reason),
                Dialog::OfficerPicker(_) if self.desk_locked() => None,
                Dialog::OfficerPicker(d) => Some(&d.name),
                Dialog::Reference(r) => r.focused_field(),
                Dialog::Passphrase(d) => Some(&d.field.0),
                Dialog::SecondOfficer(d) => d.field(),
                Dialog::Prompt(p) => Some(&p.field),
                Dialog::Contact(c) => (!c.method_focus).then_some(&c.note),
                Dialog::Appointment(a) => Some(a.field()),
                _ => None,
            };
        }
        match &self.screen {
            Screen::Queue => Some(&self.queue.search),
            Screen::Done(_) | Screen::Office(_) => None,
            Screen::Handover(h) => h.focused_field(),
        }
    }

    pub(super) fn focused_field_mut(&mut self) -> Option<&mut LineEdit> {
        let locked = self.desk_locked();
        if let Some(m) = self.dialogs.last_mut() {
            return match m {
                Dialog::CancelReason(d) => Some(&mut d.reason),
                Dialog::OfficerPicker(_) if locked => None,
                Dialog::OfficerPicker(d) => Some(&mut d.name),
                Dialog::Reference(r) => r.focused_field_mut(),
                Dialog::Passphrase(d) => Some(&mut d.field.0),
                Dialog::SecondOfficer(d) => d.field_mut(),
                Dialog::Prompt(p) => Some(&mut p.field),
                Dialog::Contact(c) => (!c.method_focus).then_some(&mut c.note),
                Dialog::Appointment(a) => Some(a.field_mut()),
                _ => None,
            };
        }
        match &mut self.screen {
            Screen::Queue => Some(&mut self.queue.search),
            Screen::Done(_) | Screen::Office(_) => None,
            Screen::Handover(h) => h.focused_field_mut(),
        }
    }

    /// A key while 「画面を広げてください」 hides the desk: nothing the officer cannot see
    /// happens. Only quitting works (in the middle of a handover it still asks first, and the
    /// question waits until the screen is large enough to read it).
    pub(super) fn handle_key_hidden(&mut self, key: KeyEvent) -> Vec<Effect> {
        let quit = keymap::lookup(Context::Global, &key, self.session.desk.demo, true)
            == Some(Action::Quit);
        if quit && !matches!(self.dialogs.last(), Some(Dialog::QuitConfirm)) {
            return self.global_action(Action::Quit);
        }
        Vec::new()
    }

    pub(super) fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let demo = self.session.desk.demo;
        let ctx = self.context();
        let focus = ctx.has_text_focus();
        if !self.dialogs.is_empty() {
            if let Some(action) = keymap::lookup(ctx, &key, demo, focus) {
                return self.dialog_action(action);
            }
            let mut edited = EditOutcome::Ignored;
            if let Some(field) = self.focused_field_mut() {
                edited = field.handle_key(&key);
                match self.dialogs.last_mut() {
                    Some(Dialog::CancelReason(d)) => d.error = None,
                    Some(Dialog::OfficerPicker(d)) => d.error = None,
                    Some(Dialog::Passphrase(d)) => d.error = None,
                    Some(Dialog::Prompt(p)) => p.error = None,
                    Some(Dialog::Contact(c)) => c.error = None,
                    Some(Dialog::Appointment(a)) => a.error = None,
                    _ => {}
                }
            }
            // Quitting works from every dialog (the officer picker at start has no other way
            // out); in the middle of a handover it still asks first.
            if edited == EditOutcome::Ignored
                && keymap::lookup(Context::Global, &key, demo, true) == Some(Action::Quit)
                && !matches!(self.dialogs.last(), Some(Dialog::QuitConfirm))
            {
                return self.global_action(Action::Quit);
            }
            // Otherwise the top dialog consumes every key.
            return Vec::new();
        }
        if let Some(action) = keymap::lookup(ctx, &key, demo, focus) {
            return self.screen_action(action);
        }
        if focus {
            let on_queue = matches!(self.screen, Screen::Queue);
            let outcome = match self.focused_field_mut() {
                Some(field) => field.handle_key(&key),
                None => EditOutcome::Ignored,
            };
            match outcome {
                EditOutcome::Changed => {
                    if on_queue {
                        return vec![self.queue.search_effect()];
                    }
                    if let Screen::Handover(h) = &mut self.screen {
                        h.clear_errors();
                    }
                    return Vec::new();
                }
                EditOutcome::Moved => return Vec::new(),
                EditOutcome::Ignored => {}
            }
        }
        if let Some(action) = keymap::lookup(Context::Global, &key, demo, focus) {
            return self.global_action(action);
        }
        Vec::new()
    }

    /// F1: the help screen, scrolled to the keys of the context in use.
    pub(crate) fn open_help(&mut self) {
        let scroll = keymap::help_line(self.context(), self.session.desk.demo);
        self.dialogs.push(Dialog::Help { scroll });
    }

    fn global_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Help => {
                self.open_help();
                Vec::new()
            }
            Action::OpenReference => self.open_reference(),
            Action::Quit => {
                if matches!(self.screen, Screen::Handover(_)) {
                    self.dialogs.push(Dialog::QuitConfirm);
                    Vec::new()
                } else {
                    self.session.should_quit = true;
                    vec![Effect::Quit]
                }
            }
            _ => Vec::new(),
        }
    }

    fn screen_action(&mut self, action: Action) -> Vec<Effect> {
        if action == Action::DemoTray {
            if self.session.desk.demo {
                self.dialogs.push(Dialog::DemoTray);
            }
            return Vec::new();
        }
        match &self.screen {
            Screen::Queue => self.queue_update(action),
            Screen::Done(_) => match action {
                Action::Close => {
                    self.screen = Screen::Queue;
                    vec![self.queue.search_effect(), Effect::LoadCounts]
                }
                _ => Vec::new(),
            },
            Screen::Handover(_) => self.handover_update(|h, cx| h.update(action, cx)),
            Screen::Office(_) => self.office_update(|o, cx| o.update(action, cx)),
        }
    }
}
