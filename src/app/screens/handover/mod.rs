//! The handover (交付): a wizard whose each step is a variant carrying only the data valid at
//! that step. Drafts live beside the step so that Esc (back) and Enter (forward again) lose no
//! input. The screen owns its state and `update` / `on_card` / `on_qr` / `on_committed`;
//! everything else comes through the [`Cx`].
//!
//! This file is the wizard: its state, the order of the steps and the routing of keys and card
//! events to the step on display. Each step is a file of its own, named as [`Step`] names it,
//! with its draft, its update and the rules only it uses: `identity` (本人確認), `card`
//! (カード読取と照合), `handoff` (受け渡し and the registration QR), `mail` (発送情報) and
//! `confirm` (確認 and the commit).

mod card;
mod confirm;
mod handoff;
mod identity;
mod mail;
#[cfg(test)]
mod tests;

pub use card::{CardConfirmed, CardPhase, Decision};
pub use handoff::{
    HandoffDraft, QR_QUIET, QR_TEXT_MIN_WIDTH, QrFit, QrView, ReceiptChoice, qr_cells, qr_fit,
    qr_not_shown, qr_side,
};
pub use identity::{IdentityChecked, IdentityDraft};
pub use mail::{MailDraft, MailField, parse_dispatch_date, validate_tracking};

use chrono::NaiveDate;

use crate::app::cx::Cx;
use crate::app::{Action, CardEvent, Context, Effect, LineEdit};
use crate::domain::handover::HandoverCommit;
use crate::domain::record::CardRecord;

/// Counter handover (identity check at the desk) or dispatch by restricted-delivery mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Counter,
    Mail,
}

/// Rows of the screen around the step's content: header 2, footer 2, step bar and name 2.
pub const SCREEN_CHROME_ROWS: u16 = 6;
/// The drawing area is capped at this size and nothing at all is drawn below the minimum
/// (the same numbers as `ui::MAX_WIDTH` … `ui::MIN_HEIGHT`; a test checks it).
pub const SCREEN_MAX: (u16, u16) = (200, 60);
pub const SCREEN_MIN: (u16, u16) = (80, 24);

/// The wizard's current step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Identity,
    Card {
        identity: Option<IdentityChecked>,
        phase: CardPhase,
    },
    Handoff {
        identity: IdentityChecked,
        card: CardConfirmed,
        qr: QrView,
    },
    Mail {
        card: CardConfirmed,
    },
    Confirm {
        commit: Box<HandoverCommit>,
        identity: Option<IdentityChecked>,
        card: CardConfirmed,
        committing: bool,
    },
}

/// One handover in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub record: CardRecord,
    pub flow: Flow,
    pub step: Step,
    pub identity_draft: IdentityDraft,
    pub card_note: LineEdit,
    /// The card step as it was left, restored when coming back.
    pub card_stash: Option<CardPhase>,
    pub handoff_draft: HandoffDraft,
    pub mail_draft: MailDraft,
    /// Message shown under the card step (e.g. why Enter does nothing yet).
    pub card_error: Option<String>,
    /// The officer acknowledged (`k`) that the card read has a locked PIN and told the
    /// physician whom to call; reset with every new reading.
    pub pin_acknowledged: bool,
    /// The preset reason (data/reasons.toml) now in the reason field, if one was picked.
    pub preset: Option<usize>,
}

impl Handover {
    /// `doc_count` identity documents and `required_count` required ones (`data/id-documents.toml`).
    pub fn new(
        record: CardRecord,
        flow: Flow,
        (doc_count, required_count): (usize, usize),
        today: NaiveDate,
    ) -> Self {
        let step = match flow {
            Flow::Counter => Step::Identity,
            Flow::Mail => Step::Card {
                identity: None,
                phase: CardPhase::Waiting,
            },
        };
        Handover {
            record,
            flow,
            step,
            identity_draft: IdentityDraft::new(doc_count, required_count),
            card_note: LineEdit::new(100),
            card_stash: None,
            handoff_draft: HandoffDraft::default(),
            mail_draft: MailDraft::new(today),
            card_error: None,
            pin_acknowledged: false,
            preset: None,
        }
    }

    pub fn context(&self) -> Context {
        match &self.step {
            Step::Identity => Context::Identity,
            Step::Card {
                phase:
                    CardPhase::Result {
                        note_focus: true, ..
                    },
                ..
            } => Context::CardNote,
            Step::Card { .. } => Context::CardCheck,
            Step::Handoff { .. } => Context::Handoff,
            Step::Mail { .. } => Context::MailDetails,
            Step::Confirm { .. } => Context::Confirm,
        }
    }

    /// 1-based step number and total, for the step bar.
    pub fn step_number(&self) -> (usize, usize) {
        match (self.flow, &self.step) {
            (Flow::Counter, Step::Identity) => (1, 4),
            (Flow::Counter, Step::Card { .. }) => (2, 4),
            (Flow::Counter, Step::Handoff { .. }) => (3, 4),
            (Flow::Counter, _) => (4, 4),
            (Flow::Mail, Step::Card { .. }) => (1, 3),
            (Flow::Mail, Step::Mail { .. }) => (2, 3),
            (Flow::Mail, _) => (3, 3),
        }
    }

    pub fn focused_field(&self) -> Option<&LineEdit> {
        match &self.step {
            Step::Card {
                phase:
                    CardPhase::Result {
                        note_focus: true, ..
                    },
                ..
            } => Some(&self.card_note),
            Step::Mail { .. } => Some(match self.mail_draft.focus {
                MailField::Date => &self.mail_draft.date,
                MailField::Tracking => &self.mail_draft.tracking,
            }),
            _ => None,
        }
    }

    pub fn focused_field_mut(&mut self) -> Option<&mut LineEdit> {
        match &self.step {
            Step::Card {
                phase:
                    CardPhase::Result {
                        note_focus: true, ..
                    },
                ..
            } => Some(&mut self.card_note),
            Step::Mail { .. } => Some(match self.mail_draft.focus {
                MailField::Date => &mut self.mail_draft.date,
                MailField::Tracking => &mut self.mail_draft.tracking,
            }),
            _ => None,
        }
    }

    pub fn clear_errors(&mut self) {
        self.mail_draft.error = None;
        self.card_error = None;
    }

    /// A key action on the step on display.
    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match self.step {
            Step::Identity => self.identity_update(action, cx),
            Step::Card { .. } => self.card_update(action, cx),
            Step::Handoff { .. } => self.handoff_update(action, cx),
            Step::Mail { .. } => self.mail_update(action, cx),
            Step::Confirm { .. } => self.confirm_update(action, cx),
        }
    }

    /// A card event: only the card step follows the reader.
    pub fn on_card(&mut self, sig: &CardEvent, cx: &mut Cx) -> Vec<Effect> {
        match self.step {
            Step::Card { .. } => self.card_event(sig, cx),
            _ => Vec::new(),
        }
    }
}
