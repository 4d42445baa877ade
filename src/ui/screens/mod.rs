//! Views of the screens in `app/screens/`, file for file.

pub mod handover;
pub mod office;
pub mod queue;
