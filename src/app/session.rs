//! [`Session`]: what belongs to the desk for as long as kofu runs, whatever screen is shown.

use std::sync::Arc;

use chrono::NaiveDate;

use super::cx::Cx;
use super::{DeskInfo, Dialog, Flash, OfficerInfo, ReaderState};
use crate::domain::rules::Rules;

/// The desk session: the desk's settings and rule tables, the date, who is on duty, the reader,
/// the terminal, the footer notice, the clock ticks, the idle lock and whether to quit.
///
/// These are the facts every screen and dialog reads (through a [`Cx`]) but none owns: they
/// outlive any one screen, and changing them (an officer taking over, the lock, a card put on
/// the reader, a resize) never depends on which screen is on display. The screen, the queue's
/// state and the dialog stack are not in here: they are what the officer works on, and
/// `App` routes between them. `locked` is here although it holds dialogs: it is the lock,
/// a fact about who may work at the desk, and the dialogs it holds are out of sight until
/// the same officer comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub desk: DeskInfo,
    pub today: NaiveDate,
    pub officer: Option<OfficerInfo>,
    pub officers: Vec<OfficerInfo>,
    /// Every rule table of `data/` (the data set's shared copy: expiry, fees, identity
    /// documents, issuers, calendar, reasons…).
    pub rules: Arc<Rules>,
    pub reader: ReaderState,
    /// The terminal's size (columns, rows).
    pub size: (u16, u16),
    pub flash: Option<Flash>,
    /// Ticks (about 250 ms each) since start.
    pub ticks: u64,
    /// Ticks since the last key or paste (the idle lock).
    pub(in crate::app) idle_ticks: u64,
    pub should_quit: bool,
    /// What the start-up ledger check found (shown in the header until the desk restarts).
    pub ledger_alert: Option<String>,
    /// The desk is locked with work left open (see `App::after_unlock`).
    pub locked: Option<Locked>,
}

/// What the idle lock put away: whose it was, and the dialogs that were open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub officer_id: i64,
    pub dialogs: Vec<Dialog>,
}

impl Session {
    /// A one-line notice in the footer.
    pub fn flash(&mut self, text: impl Into<String>, error: bool) {
        self.flash = Some(Flash::new(text, error));
    }

    /// The desk is locked: nobody on duty and passphrases in use, so only a registered officer
    /// (with their passphrase) can open it; the picker offers no new-officer field.
    pub fn desk_locked(&self) -> bool {
        self.officer.is_none() && self.officers.iter().any(|o| o.has_passphrase)
    }

    /// The [`Cx`] of one update: the session's facts read-only, the notice and the dialog
    /// stack to change.
    pub(in crate::app) fn cx<'a>(&'a mut self, dialogs: &'a mut Vec<Dialog>) -> Cx<'a> {
        let Session {
            today,
            officer,
            rules,
            reader,
            ticks,
            size,
            desk,
            flash,
            ..
        } = self;
        Cx {
            today: *today,
            officer: officer.as_ref(),
            rules,
            card: &reader.card,
            ticks: *ticks,
            term: *size,
            ascii: desk.ascii,
            flash,
            dialogs,
            nav: None,
        }
    }
}
