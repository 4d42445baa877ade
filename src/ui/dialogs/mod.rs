//! Views of the dialogs in `app/dialogs/`, file for file.

pub mod appointment;
pub mod contact;
pub mod prompt;
