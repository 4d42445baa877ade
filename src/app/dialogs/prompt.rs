//! The two small dialogs a screen opens to ask something: a one-line [`Prompt`] and a yes/no
//! [`Confirm`]. Each carries the purpose of the screen that opened it (the data-only form of
//! helix's prompt callback): when the officer answers, `App` hands the purpose and the text back
//! to that screen, which alone knows what to do with it. The words come from the purpose too.

use crate::app::LineEdit;
use crate::app::screens::office::{ConfirmPurpose, Purpose};

/// The words of a prompt, given by its purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptText {
    pub title: &'static str,
    pub lines: Vec<String>,
    /// The field's label.
    pub label: &'static str,
    /// Shown under the field while there is no error.
    pub hint: &'static str,
}

/// The words of a yes/no question, given by its purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmText {
    pub title: &'static str,
    pub lines: Vec<String>,
}

/// A one-line text dialog (tracking number, reason, date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub purpose: Purpose,
    pub field: LineEdit,
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(purpose: Purpose, max_chars: usize) -> Self {
        Prompt {
            purpose,
            field: LineEdit::new(max_chars),
            error: None,
        }
    }

    /// A prompt whose field starts with `text` (a default the officer may keep).
    pub fn prefilled(purpose: Purpose, max_chars: usize, text: &str) -> Self {
        Prompt {
            purpose,
            field: LineEdit::with_text(max_chars, text),
            error: None,
        }
    }

    /// A prompt for a code (tracking number): typed input is normalised (NFKC).
    pub fn code(purpose: Purpose, max_chars: usize) -> Self {
        Prompt {
            purpose,
            field: LineEdit::code(max_chars),
            error: None,
        }
    }

    pub fn text(&self) -> PromptText {
        self.purpose.text()
    }
}

/// A yes/no question before recorded work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub purpose: ConfirmPurpose,
}

impl Confirm {
    pub fn text(&self) -> ConfirmText {
        self.purpose.text()
    }
}
