//! [`Cx`]: what a screen or dialog may touch besides its own state.
//!
//! A screen's `update` gets its own state as `&mut self` and everything else through a `Cx`:
//! the session's facts (read-only), the footer notice, the dialog stack, and a [`Nav`] to leave
//! the screen. The router (`screens/mod.rs`) splits `App` into the screen and a `Cx` built by
//! `Session::cx` from disjoint borrows of the session and the dialog stack, runs the screen,
//! and applies the `Nav` afterwards, so no screen ever re-looks itself up in `App`.

use chrono::NaiveDate;

use super::screens::office::OfficeItem;
use super::{CardSlot, Dialog, DoneInfo, Flash, Flow, OfficerInfo};
use crate::domain::failure::Failure;
use crate::domain::record::CardRecord;

/// Shown when work needs an officer on duty and none is.
pub const NO_OFFICER: &str = "担当者が選ばれていません。F3 で担当者を選んでください。";

/// Where a screen asks to go (applied by `App` after the screen's update).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nav {
    /// Back to the queue (reloads the list, the counts and the appointments band).
    Queue,
    /// Back to the 業務メニュー with this item selected.
    Menu(OfficeItem),
    /// A handover left without recording anything: back to the queue with this notice.
    Abandon(&'static str),
    /// A handover recorded: the done page.
    Done(Box<DoneInfo>),
    /// Work that needs an officer on duty: open the officer picker.
    PickOfficer,
    /// Open the handover of a record (by its planned route unless a flow is given).
    OpenHandover {
        record: Box<CardRecord>,
        flow: Option<Flow>,
    },
    /// The 業務メニュー (F12 in the queue).
    OfficeMenu,
}

/// The context of one update.
pub struct Cx<'a> {
    pub today: NaiveDate,
    pub officer: Option<&'a OfficerInfo>,
    /// The data set's rule tables (identity documents, expiry, fees, calendar…).
    pub rules: &'a crate::domain::rules::Rules,
    /// What is on the reader.
    pub card: &'a CardSlot,
    /// Ticks since start (dialogs that must not accept a key too soon).
    pub ticks: u64,
    /// The terminal's size (columns, rows) and whether the ASCII glyph set is in use: what
    /// the screens need to know what the view can draw (the registration QR).
    pub term: (u16, u16),
    pub ascii: bool,
    pub flash: &'a mut Option<Flash>,
    pub dialogs: &'a mut Vec<Dialog>,
    pub nav: Option<Nav>,
}

impl Cx<'_> {
    /// A one-line notice in the footer.
    pub fn flash(&mut self, text: impl Into<String>, error: bool) {
        *self.flash = Some(Flash::new(text, error));
    }

    pub fn clear_flash(&mut self) {
        *self.flash = None;
    }

    /// The officer on duty; without one, says so in the footer.
    pub fn officer_id(&mut self) -> Option<i64> {
        match self.officer {
            Some(o) => Some(o.id),
            None => {
                self.flash(NO_OFFICER, true);
                None
            }
        }
    }

    pub fn push(&mut self, dialog: Dialog) {
        self.dialogs.push(dialog);
    }

    /// A failed piece of recorded work: the notice goes, an error dialog says why.
    /// A refused or failed request, in a message box ([`Dialog::failed`]).
    pub fn error(&mut self, title: &str, e: Failure) {
        self.clear_flash();
        self.dialogs.push(Dialog::failed(title, e));
    }
}
