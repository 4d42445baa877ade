//! Why the store (or a file it wrote) could not do what the desk asked, as the app keeps it.
//!
//! The store's own error ([`crate::store::StoreError`]) holds SQLite's and the OS's errors,
//! which are neither `Clone` nor `Eq`; the app's state must be both. So every reply that comes
//! back to the app carries a [`Failure`]: its [`FailureKind`] (typed, so a screen can tell a
//! refusal from a fault) and the Japanese message the store or the export made for it. The one
//! conversion from the store's error is `From<StoreError> for Failure` in `store`.

use std::fmt;

/// What kind of "no" it was. In both cases nothing was written (every change is one
/// transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// A desk rule refused it (a state the card is not in, an unknown card or officer, a
    /// value out of range): the officer can correct what was asked and try again.
    Refused,
    /// The database or a file could not be used (SQLite, disk, permissions, a database from a
    /// newer kofu): it is not the officer's input, and trying again may not help.
    Fault,
}

/// A refused or failed request: the kind and the message shown to the officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// Japanese, for the screen: what was wrong and with what (card ID, file, line).
    pub message: String,
}

impl Failure {
    /// A desk rule said no.
    pub fn refused(message: impl Into<String>) -> Self {
        Failure {
            kind: FailureKind::Refused,
            message: message.into(),
        }
    }

    /// The database or a file failed.
    pub fn fault(message: impl Into<String>) -> Self {
        Failure {
            kind: FailureKind::Fault,
            message: message.into(),
        }
    }

    pub fn is_fault(&self) -> bool {
        self.kind == FailureKind::Fault
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// What the store thread replies to one request: the value, or why not.
pub type Reply<T> = Result<T, Failure>;
