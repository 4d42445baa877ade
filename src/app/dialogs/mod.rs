//! Dialogs that a screen opens on top of itself, one file each. A dialog owns its state and its
//! `update`; `App` takes it off the stack for the update and puts it back unless it closed.
//! ([`officer`] (the officer picker's passphrase) and [`reference`] (窓口案内, full screen) still
//! work on `App` itself; help, messages, the commit confirmation and the cancel reason are
//! handled in `app/mod.rs`; see README.)

pub mod appointment;
pub mod contact;
pub mod officer;
pub mod prompt;
pub mod reference;

pub use appointment::AppointmentDialog;
pub use contact::ContactDialog;
pub use prompt::{Confirm, ConfirmText, Prompt, PromptText};

use crate::app::Effect;

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
