//! Taking over the desk (at start, after the idle lock, or F3 to switch officer): the officer
//! picker, and the officer's passphrase when they have one.
//!
//! Choosing an officer who has a passphrase, unless that officer is already on duty, asks for
//! it in a masked field. The typed text leaves the app at once in
//! [`Effect::VerifyPassphrase`] (the field is cleared as it is sent); the runtime checks it on
//! the store thread and answers with [`crate::app::Loaded::PassphraseChecked`]. Nothing here
//! keeps or prints it: [`Secret`] and [`SecretField`] hide their text from `Debug`.

use crate::app::input::LineEdit;
use crate::app::keymap::Action;
use crate::app::{App, Dialog, Effect, OfficerInfo};
use crate::domain::failure::Reply;

/// A passphrase on its way to the store. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The text, for the one place that checks it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The masked passphrase field. `Debug` shows only the length.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretField(pub LineEdit);

impl std::fmt::Debug for SecretField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretField({} chars)", self.0.value().chars().count())
    }
}

/// Longest passphrase accepted in the field.
pub const PASSPHRASE_MAX_CHARS: usize = 128;

/// Shown when the store says no.
pub const WRONG_PASSPHRASE: &str = "パスフレーズが違います";

/// Whether taking over as `o` needs the passphrase first: it has one and is not already the
/// officer on duty (after the idle lock nobody is on duty).
pub(crate) fn needs_passphrase(on_duty: Option<&OfficerInfo>, o: &OfficerInfo) -> bool {
    o.has_passphrase && on_duty.map(|x| x.id) != Some(o.id)
}

/// Longest new officer name accepted in the picker.
pub const NAME_MAX_CHARS: usize = 40;

/// At the lock with passphrases in use, only registered officers can be chosen.
const NO_ADDING_AT_THE_LOCK: &str = "ロック中は担当者を追加できません。登録済みの担当者を選んでください（追加は担当者を選んだあと F3 から）。";

/// 担当者の選択: the registered officers, and a field to add a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerPickerDialog {
    /// Index into the session's officers.
    pub selected: usize,
    /// A new officer's name (not offered at the lock when passphrases are in use).
    pub name: LineEdit,
    pub error: Option<String>,
}

/// What a key on the picker asks of the app.
pub(crate) enum PickerStep {
    Stay(Vec<Effect>),
    Close,
    /// This officer has a passphrase: ask it first.
    AskPassphrase(OfficerInfo),
    /// This officer takes over the desk now.
    TakeOver(OfficerInfo),
}

impl OfficerPickerDialog {
    pub fn new(selected: usize) -> Self {
        OfficerPickerDialog {
            selected,
            name: LineEdit::new(NAME_MAX_CHARS),
            error: None,
        }
    }

    /// A key, given the registered officers and the one on duty (None at the lock or at start).
    pub(crate) fn update(
        &mut self,
        action: Action,
        officers: &[OfficerInfo],
        on_duty: Option<&OfficerInfo>,
    ) -> PickerStep {
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down if self.selected + 1 < officers.len() => self.selected += 1,
            // With passphrases in use, the lock must not be passed by adding a new officer.
            Action::Yes
                if !self.name.is_blank()
                    && on_duty.is_none()
                    && officers.iter().any(|o| o.has_passphrase) =>
            {
                self.error = Some(NO_ADDING_AT_THE_LOCK.into());
            }
            Action::Yes if !self.name.is_blank() => {
                let name = self.name.value().trim().to_string();
                return PickerStep::Stay(vec![Effect::AddOfficer(name)]);
            }
            Action::Yes => match officers.get(self.selected) {
                Some(o) if needs_passphrase(on_duty, o) => {
                    return PickerStep::AskPassphrase(o.clone());
                }
                Some(o) => return PickerStep::TakeOver(o.clone()),
                None => {
                    self.error = Some("担当者の名前を入力して Enter で追加してください。".into())
                }
            },
            Action::No if on_duty.is_some() => return PickerStep::Close,
            Action::No => self.error = Some("担当者を選ぶまで操作できません。".into()),
            _ => {}
        }
        PickerStep::Stay(Vec::new())
    }
}

/// The passphrase of the officer chosen in the picker: a masked field, its error, and whether
/// the store is checking what was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassphraseDialog {
    pub officer: OfficerInfo,
    pub field: SecretField,
    pub error: Option<String>,
    /// Sent and not answered yet: Enter does nothing meanwhile.
    pub checking: bool,
}

/// What a key on the passphrase dialog asks of the app.
pub(crate) enum PassphraseStep {
    /// Stay open; run these effects (the check).
    Stay(Vec<Effect>),
    /// Back to the officer picker (still locked).
    Close,
}

impl PassphraseDialog {
    pub fn new(officer: OfficerInfo) -> Self {
        PassphraseDialog {
            officer,
            field: SecretField(LineEdit::code(PASSPHRASE_MAX_CHARS)),
            error: None,
            checking: false,
        }
    }

    pub(crate) fn update(&mut self, action: Action) -> PassphraseStep {
        match action {
            Action::Yes if self.checking => PassphraseStep::Stay(Vec::new()),
            Action::Yes if self.field.0.is_blank() => {
                self.error = Some("パスフレーズを入力してください。".into());
                PassphraseStep::Stay(Vec::new())
            }
            Action::Yes => {
                let secret = Secret::new(self.field.0.value());
                self.field.0.clear();
                self.checking = true;
                self.error = None;
                PassphraseStep::Stay(vec![Effect::VerifyPassphrase {
                    officer_id: self.officer.id,
                    passphrase: secret,
                }])
            }
            Action::No => PassphraseStep::Close,
            _ => PassphraseStep::Stay(Vec::new()),
        }
    }

    /// The store's answer for `officer_id`: the officer who may take over the desk, or the
    /// error shown under the field. An answer this dialog did not ask for changes nothing.
    pub(crate) fn on_checked(
        &mut self,
        officer_id: i64,
        result: Reply<bool>,
    ) -> Option<OfficerInfo> {
        if self.officer.id != officer_id || !self.checking {
            return None;
        }
        self.checking = false;
        self.field.0.clear();
        match result {
            Ok(true) => return Some(self.officer.clone()),
            Ok(false) => self.error = Some(WRONG_PASSPHRASE.into()),
            Err(e) => self.error = Some(e.message),
        }
        None
    }
}

impl App {
    pub(crate) fn open_passphrase(&mut self, officer: OfficerInfo) {
        self.dialogs
            .push(Dialog::Passphrase(Box::new(PassphraseDialog::new(officer))));
    }

    pub(crate) fn passphrase_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(Dialog::Passphrase(d)) = self.dialogs.last_mut() else {
            return Vec::new();
        };
        match d.update(action) {
            PassphraseStep::Stay(fx) => fx,
            PassphraseStep::Close => {
                self.dialogs.pop();
                Vec::new()
            }
        }
    }

    /// The store's answer. Ignored unless the dialog that asked is still on top.
    pub(crate) fn passphrase_checked(
        &mut self,
        officer_id: i64,
        result: Reply<bool>,
    ) -> Vec<Effect> {
        let Some(Dialog::Passphrase(d)) = self.dialogs.last_mut() else {
            return Vec::new();
        };
        let Some(o) = d.on_checked(officer_id, result) else {
            return Vec::new();
        };
        self.dialogs.pop();
        if matches!(self.dialogs.last(), Some(Dialog::OfficerPicker(_))) {
            self.dialogs.pop();
        }
        self.flash(format!("担当者: {}", o.name), false);
        self.session.officer = Some(o);
        self.after_unlock()
    }
}
