//! Dialogs that a screen opens on top of itself, one file each. A dialog owns its state and its
//! `update`; `App` takes it off the stack for the update and puts it back unless it closed.
//! ([`officer`] (the officer picker's passphrase) and [`reference`] (窓口案内, full screen) still
//! work on `App` itself; the desk-wide ones (help, messages, commit confirmation, cancel reason,
//! officer picker) are in [`desk`]; see README.)

pub mod appointment;
pub mod contact;
mod desk;
pub mod officer;
pub mod prompt;
pub mod reference;
pub mod second_officer;

pub use appointment::AppointmentDialog;
pub use contact::ContactDialog;
pub use prompt::{Confirm, ConfirmText, Prompt, PromptText};

use crate::app::{CardRecord, Context, Effect, LineEdit, OfficerInfo, ReferenceState, SecretField};

/// Title of the reader-diagnostics dialog (Ctrl+R in the queue).
pub const DIAGNOSIS_TITLE: &str = "リーダ診断（サポートへの連絡用・氏名や生年月日は含みません）";

/// A dialog on top of the screen. The top one gets every key first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
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
    CancelReason {
        record: Box<CardRecord>,
        reason: LineEdit,
        error: Option<String>,
    },
    OfficerPicker {
        selected: usize,
        name: LineEdit,
        error: Option<String>,
    },
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
    Passphrase {
        officer: OfficerInfo,
        field: SecretField,
        error: Option<String>,
        checking: bool,
    },
    /// 別の担当者の確認 before a 不一致 is recorded as an exception.
    SecondOfficer(Box<second_officer::SecondOfficerDialog>),
    /// A one-line question of a back-office screen (reason, tracking number, date).
    Prompt(Box<Prompt>),
    /// A yes/no question of a back-office screen.
    Confirm(Box<Confirm>),
    Contact(Box<ContactDialog>),
    Appointment(Box<AppointmentDialog>),
}

impl Modal {
    pub fn context(&self) -> Context {
        match self {
            Modal::Help { .. } => Context::Help,
            Modal::Message { .. } => Context::Message,
            Modal::ConfirmCommit { .. } => Context::ConfirmCommit,
            Modal::CancelReason { .. } => Context::CancelReason,
            Modal::OfficerPicker { .. } => Context::OfficerPicker,
            Modal::DemoTray => Context::DemoTray,
            Modal::QuitConfirm => Context::QuitConfirm,
            Modal::AbandonConfirm { .. } => Context::AbandonConfirm,
            Modal::Reference(r) => r.context(),
            Modal::Passphrase { .. } => Context::Passphrase,
            Modal::SecondOfficer(_) => Context::SecondOfficer,
            Modal::Prompt(_) => Context::OfficeInput,
            Modal::Confirm(_) => Context::OfficeConfirm,
            Modal::Contact(c) if c.method_focus => Context::OfficeContactMethod,
            Modal::Contact(_) => Context::OfficeContact,
            Modal::Appointment(_) => Context::OfficeAppointment,
        }
    }

    pub fn message(title: &str, lines: &[&str], error: bool) -> Self {
        Modal::Message {
            title: title.to_string(),
            lines: lines.iter().map(|s| s.to_string()).collect(),
            error,
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
