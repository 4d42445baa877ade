//! The last step, 確認: what will be recorded, F9 to record it (after the confirmation dialog
//! and, for an exception, a second officer), and the store's answer.

use super::{CardConfirmed, Flow, Handover, IdentityChecked, Step};
use crate::app::cx::{Cx, Nav};
use crate::app::{Action, Dialog, DoneInfo, Effect};
use crate::domain::failure::Reply;
use crate::domain::handover::{Confirmation, HandoverCommit, HandoverRoute, QrHandover};
use crate::domain::record::CardRecord;

/// The confirmation step for the handover of card `card_id` by `route`: at the counter with
/// the identity checked (the physician confirmed the printed details there), by mail without.
pub(super) fn step(
    card_id: i64,
    route: HandoverRoute,
    qr: QrHandover,
    identity: Option<IdentityChecked>,
    card: CardConfirmed,
) -> Step {
    let commit = HandoverCommit {
        card: card_id,
        route,
        id_documents: identity
            .as_ref()
            .map(|i| i.documents.clone())
            .unwrap_or_default(),
        photo_checked: identity.as_ref().is_some_and(|i| i.photo_checked),
        details_confirmed: identity.is_some(),
        match_result: card.result.as_str().into(),
        match_reasons: card.reasons.clone(),
        officer_note: card.note.clone(),
        exception: card.exception,
        qr,
        cert_serial_read: Some(card.serial.clone()),
        confirmation: None,
    };
    Step::Confirm {
        commit: Box::new(commit),
        identity,
        card,
        committing: false,
    }
}

impl Handover {
    /// A key on the confirmation: F9 asks to record (an officer must be on duty), Esc goes
    /// back to the step before; nothing while the commit is on its way.
    pub(super) fn confirm_update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let h = self;
        let Step::Confirm {
            identity,
            card,
            committing,
            ..
        } = &mut h.step
        else {
            return Vec::new();
        };
        if *committing {
            return Vec::new();
        }
        match action {
            Action::Commit => {
                if cx.officer.is_none() {
                    cx.nav = Some(Nav::PickOfficer);
                    return Vec::new();
                }
                cx.push(Dialog::ConfirmCommit {
                    opened_tick: cx.ticks,
                });
                Vec::new()
            }
            Action::Back => {
                let card = card.clone();
                match (h.flow, identity.take()) {
                    (Flow::Counter, Some(identity)) => h.enter_handoff_step(identity, card),
                    _ => {
                        h.step = Step::Mail { card };
                        Vec::new()
                    }
                }
            }
            _ => Vec::new(),
        }
    }

    /// The commit itself (after the confirmation dialog accepted).
    pub fn commit(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.commit_with(None, cx)
    }

    /// The handover to be recorded is a 不一致 recorded as an exception: it needs a second
    /// officer's confirmation (`dialogs::second_officer`).
    pub fn needs_second_officer(&self) -> bool {
        matches!(&self.step, Step::Confirm { commit, .. } if commit.exception)
    }

    /// The commit, with the second officer's confirmation when one was given.
    pub fn commit_with(&mut self, confirmation: Option<Confirmation>, cx: &mut Cx) -> Vec<Effect> {
        let Some(officer_id) = cx.officer.map(|o| o.id) else {
            return Vec::new();
        };
        if let Step::Confirm {
            commit, committing, ..
        } = &mut self.step
        {
            if *committing {
                return Vec::new();
            }
            *committing = true;
            let mut commit = commit.clone();
            commit.confirmation = confirmation;
            return vec![Effect::CommitHandover { commit, officer_id }];
        }
        Vec::new()
    }

    /// The store's answer to the commit: the done page, or why it failed.
    pub fn on_committed(&mut self, result: Reply<CardRecord>, cx: &mut Cx) {
        let Step::Confirm {
            commit, committing, ..
        } = &mut self.step
        else {
            return;
        };
        *committing = false;
        match result {
            Ok(record) => {
                let route = commit.route.clone();
                cx.nav = Some(Nav::Done(Box::new(DoneInfo { record, route })));
            }
            Err(e) => cx.error("記録できませんでした", e),
        }
    }
}
