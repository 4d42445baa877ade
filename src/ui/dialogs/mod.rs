//! Views of the dialogs in `app/dialogs/`, file for file.

pub mod appointment;
pub mod cancel;
pub mod contact;
pub mod desk;
pub mod officer;
pub mod prompt;
pub mod reference;
pub mod second_officer;
