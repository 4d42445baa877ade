//! Dialogs, one file each. A dialog with state owns it and its `update`: a screen's dialogs
//! ([`prompt`], [`contact`], [`appointment`]) are taken off the stack for the update and put
//! back unless they closed; the desk-wide ones ([`cancel`], [`officer`]'s picker and
//! passphrase, [`second_officer`]) answer with what they ask of the session, which `desk.rs`
//! applies. [`reference`](mod@reference) (窓口案内, full screen) works on `App` itself; the
//! stateless ones (help, messages, questions, the demo tray) are handled in `desk.rs`.

pub mod appointment;
pub mod cancel;
pub mod contact;
mod desk;
pub mod officer;
pub mod prompt;
pub mod reference;
pub mod second_officer;

pub use appointment::AppointmentDialog;
pub use contact::ContactDialog;
pub use prompt::{Confirm, ConfirmText, Prompt, PromptText};

use crate::app::{Context, Effect, ReferenceState};
use crate::domain::failure::Failure;

/// Under the message of a fault (the database or a file failed, not the officer's input).
pub const FAULT_ADVICE: &str =
    "記録は変わっていません。続く場合はシステム管理者に連絡してください。";

/// Title of the reader-diagnostics dialog (Ctrl+R in the queue).
pub const DIAGNOSIS_TITLE: &str = "リーダ診断（サポートへの連絡用・氏名や生年月日は含みません）";

/// A dialog on top of the screen. The top one gets every key first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    Help {
        scroll: u16,
    },
    Message {
        title: String,
        lines: Vec<String>,
        error: bool,
    },
    ConfirmCommit {
        opened_tick: u64,
    },
    /// 取消/訂正: the reason for cancelling a handover.
    CancelReason(Box<cancel::CancelReasonDialog>),
    /// 担当者の選択.
    OfficerPicker(Box<officer::OfficerPickerDialog>),
    DemoTray,
    QuitConfirm,
    /// Esc on the first step of a handover: leave it (nothing recorded)?
    AbandonConfirm {
        /// The notice shown on the queue afterwards.
        notice: &'static str,
    },
    /// 窓口案内, full screen over whatever was open (Esc returns there).
    Reference(Box<ReferenceState>),
    /// The passphrase of the officer chosen in the picker.
    Passphrase(Box<officer::PassphraseDialog>),
    /// 別の担当者の確認 before a 不一致 is recorded as an exception.
    SecondOfficer(Box<second_officer::SecondOfficerDialog>),
    /// A one-line question of a back-office screen (reason, tracking number, date).
    Prompt(Box<Prompt>),
    /// A yes/no question of a back-office screen.
    Confirm(Box<Confirm>),
    Contact(Box<ContactDialog>),
    Appointment(Box<AppointmentDialog>),
}

impl Dialog {
    pub fn context(&self) -> Context {
        match self {
            Dialog::Help { .. } => Context::Help,
            Dialog::Message { .. } => Context::Message,
            Dialog::ConfirmCommit { .. } => Context::ConfirmCommit,
            Dialog::CancelReason(_) => Context::CancelReason,
            Dialog::OfficerPicker(_) => Context::OfficerPicker,
            Dialog::DemoTray => Context::DemoTray,
            Dialog::QuitConfirm => Context::QuitConfirm,
            Dialog::AbandonConfirm { .. } => Context::AbandonConfirm,
            Dialog::Reference(r) => r.context(),
            Dialog::Passphrase(_) => Context::Passphrase,
            Dialog::SecondOfficer(_) => Context::SecondOfficer,
            Dialog::Prompt(_) => Context::OfficeInput,
            Dialog::Confirm(_) => Context::OfficeConfirm,
            Dialog::Contact(c) if c.method_focus => Context::OfficeContactMethod,
            Dialog::Contact(_) => Context::OfficeContact,
            Dialog::Appointment(_) => Context::OfficeAppointment,
        }
    }

    pub fn message(title: &str, lines: &[&str], error: bool) -> Self {
        Dialog::Message {
            title: title.to_string(),
            lines: lines.iter().map(|s| s.to_string()).collect(),
            error,
        }
    }

    /// A refused or failed request in a message box: the store's message, and for a fault of
    /// the database or a file (not the officer's input) [`FAULT_ADVICE`].
    pub fn failed(title: &str, f: Failure) -> Self {
        let fault = f.is_fault();
        let mut lines = vec![f.message];
        if fault {
            lines.push(FAULT_ADVICE.into());
        }
        Dialog::Message {
            title: title.to_string(),
            lines,
            error: true,
        }
    }
}

/// What a dialog's update asks of `App`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The dialog is done: take it off the stack.
    pub close: bool,
    pub effects: Vec<Effect>,
}

impl Answer {
    /// The dialog stays open (an error is shown in it, or a field moved).
    pub fn stay() -> Self {
        Answer {
            close: false,
            effects: Vec::new(),
        }
    }

    pub fn close(effects: Vec<Effect>) -> Self {
        Answer {
            close: true,
            effects,
        }
    }
}
