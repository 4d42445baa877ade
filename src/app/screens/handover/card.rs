//! The card step (2 カード読取と照合 at the counter, 1 カード照合 for mail): the card on the
//! reader is read and matched with the record; a near match or a mismatch needs the officer's
//! decision and a reason before the handover goes on.

use super::{Flow, Handover, IdentityChecked, Step};
use crate::app::cx::{Cx, Nav};
use crate::app::keymap::{Binding, Context};
use crate::app::{
    Action, CardEvent, CardSlot, Dialog, Effect, LineEdit, MatchOutcome, MatchResult,
};
use crate::domain::card_facts::{CardReading, PinStatus};
use crate::domain::reasons::ReasonKind;

/// What the officer decided about a near match or a mismatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Near match confirmed as the same person.
    NearConfirmed,
    /// Mismatch recorded as an exception.
    Exception,
}

/// Step 2 progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardPhase {
    /// カードをリーダに置いてください.
    Waiting,
    Reading,
    /// Lifted before the reading finished.
    Lifted,
    Failed(String),
    Result {
        reading: Box<CardReading>,
        outcome: MatchOutcome,
        decision: Option<Decision>,
        /// The reason field has focus.
        note_focus: bool,
    },
}

/// Step 2 passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardConfirmed {
    pub serial: String,
    pub result: MatchResult,
    pub reasons: Vec<String>,
    pub note: Option<String>,
    pub exception: bool,
    pub pin: PinStatus,
}

/// Leave the handover without recording anything.
fn abandon(cx: &mut Cx, msg: &'static str) -> Vec<Effect> {
    cx.nav = Some(Nav::Abandon(msg));
    Vec::new()
}

impl Handover {
    /// The match of a card reading with this record: the card step's result, and — when it
    /// is 不一致 or 要確認 — the audit event of that read (card, verdict, reason codes; whether
    /// or not a handover follows).
    fn result_for(&mut self, reading: &CardReading, cx: &Cx) -> (CardPhase, Vec<Effect>) {
        self.card_note.clear();
        self.preset = None;
        self.pin_acknowledged = false;
        let outcome = cx.rules.match_card(&self.record, reading, cx.today);
        let fx = match outcome.result {
            MatchResult::Match => Vec::new(),
            result => vec![Effect::RecordCounterRead {
                card: self.record.id,
                verdict: result.as_str(),
                reasons: crate::domain::ledger::counter_read_codes(&outcome),
                officer_id: cx.officer.map(|o| o.id),
            }],
        };
        let phase = CardPhase::Result {
            reading: Box::new(reading.clone()),
            outcome,
            decision: None,
            note_focus: false,
        };
        (phase, fx)
    }

    /// Whether a binding does something now on this screen (the footer shows only those): on
    /// the card step, y and e work again after Esc left the reason field (they return to it),
    /// Enter goes on only from a match or a decision, and r needs a card on the reader
    /// (issue 11 #10). Every other binding of the wizard is always live.
    pub fn binding_relevant(&self, b: &Binding, reader_card: &CardSlot) -> bool {
        if b.context != Context::CardCheck {
            return true;
        }
        let Step::Card { phase, .. } = &self.step else {
            return true;
        };
        let result = match phase {
            CardPhase::Result {
                outcome, decision, ..
            } => Some((outcome.result, *decision)),
            _ => None,
        };
        match b.action {
            Action::ConfirmNear => matches!(result, Some((MatchResult::NearMatch, _))),
            Action::RecordException => matches!(result, Some((MatchResult::Mismatch, _))),
            Action::Next => {
                matches!(result, Some((MatchResult::Match, _)) | Some((_, Some(_))))
                    && !self.pin_locked_unacknowledged()
            }
            Action::AckPinLocked => self.pin_locked_unacknowledged(),
            Action::Reread => {
                !matches!(phase, CardPhase::Waiting | CardPhase::Reading)
                    && !matches!(reader_card, CardSlot::Absent)
            }
            _ => true,
        }
    }

    /// The card on the card step has a locked PIN that the officer has not acknowledged yet.
    pub fn pin_locked_unacknowledged(&self) -> bool {
        let Step::Card {
            phase: CardPhase::Result { reading, .. },
            ..
        } = &self.step
        else {
            return false;
        };
        let pin = reading.pin;
        (pin.blocked || pin.tries_left == Some(0)) && !self.pin_acknowledged
    }

    /// Enter step 2 with what the reader currently holds.
    pub fn enter_card_step(&mut self, identity: Option<IdentityChecked>, cx: &Cx) -> Vec<Effect> {
        self.card_error = None;
        let stash = self.card_stash.take();
        let (phase, fx) = match cx.card {
            CardSlot::Read(reading) => {
                let same = match &stash {
                    Some(CardPhase::Result { reading: r, .. }) => {
                        r.certificate.serial_hex == reading.certificate.serial_hex
                    }
                    _ => false,
                };
                match stash {
                    Some(p) if same => (p, Vec::new()),
                    _ => self.result_for(reading, cx),
                }
            }
            // The matched card was lifted meanwhile: the match still stands.
            CardSlot::Absent if matches!(stash, Some(CardPhase::Result { .. })) => {
                (stash.unwrap_or(CardPhase::Waiting), Vec::new())
            }
            CardSlot::Absent => (CardPhase::Waiting, Vec::new()),
            CardSlot::Present | CardSlot::Reading => (CardPhase::Reading, Vec::new()),
            CardSlot::Failed(e) => (CardPhase::Failed(e.clone()), Vec::new()),
        };
        self.step = Step::Card { identity, phase };
        fx
    }

    /// A key on the card step: Enter goes on once the match (and a decision with its reason,
    /// where one is needed) stands; the rest decides, picks a preset reason or reads again.
    pub(super) fn card_update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let h = self;
        let Step::Card { phase, .. } = &mut h.step else {
            return Vec::new();
        };
        match action {
            Action::Next => {
                if h.pin_locked_unacknowledged() {
                    h.card_error = Some(
                        "暗証番号（PIN）がロックされたカードです。日本医師会電子認証センターへの連絡を本人に案内してから k を押してください。"
                            .into(),
                    );
                    return Vec::new();
                }
                let Step::Card { identity, phase } = &mut h.step else {
                    return Vec::new();
                };
                let confirmed = match phase {
                    CardPhase::Result {
                        reading,
                        outcome,
                        decision,
                        note_focus,
                    } => {
                        let note = h.card_note.value().trim().to_string();
                        let needs = match outcome.result {
                            MatchResult::Match => None,
                            MatchResult::NearMatch => Some(Decision::NearConfirmed),
                            MatchResult::Mismatch => Some(Decision::Exception),
                        };
                        match needs {
                            Some(Decision::NearConfirmed)
                                if *decision != Some(Decision::NearConfirmed) =>
                            {
                                h.card_error = Some(
                                    "要確認です。同一人物と確認できたら y を押し、理由を入力してください。".into(),
                                );
                                return Vec::new();
                            }
                            Some(Decision::Exception) if *decision != Some(Decision::Exception) => {
                                h.card_error = Some(
                                    "記録とカードが一致しません。x で中止するか、e で例外として記録してください。".into(),
                                );
                                return Vec::new();
                            }
                            Some(_) if note.is_empty() => {
                                *note_focus = true;
                                h.card_error = Some("理由を入力してください。".into());
                                return Vec::new();
                            }
                            _ => {}
                        }
                        CardConfirmed {
                            serial: reading.certificate.serial_hex.clone(),
                            result: outcome.result,
                            reasons: outcome.reasons.iter().map(|r| r.message.clone()).collect(),
                            note: (needs.is_some() && !note.is_empty()).then_some(note),
                            exception: *decision == Some(Decision::Exception)
                                && outcome.result == MatchResult::Mismatch,
                            pin: reading.pin,
                        }
                    }
                    _ => {
                        h.card_error = Some("カードの照合が終わっていません。".into());
                        return Vec::new();
                    }
                };
                let identity = identity.take();
                h.card_stash = Some(std::mem::replace(phase, CardPhase::Waiting));
                h.card_error = None;
                match (h.flow, identity) {
                    (Flow::Counter, Some(identity)) => h.enter_handoff_step(identity, confirmed),
                    _ => {
                        h.mail_draft.error = None;
                        h.step = Step::Mail { card: confirmed };
                        Vec::new()
                    }
                }
            }
            Action::Up | Action::Down => {
                // In the reason field: ↑↓ go through the preset reasons of the decision.
                let CardPhase::Result {
                    decision: Some(decision),
                    note_focus: true,
                    ..
                } = phase
                else {
                    return Vec::new();
                };
                let kind = match decision {
                    Decision::NearConfirmed => ReasonKind::NearMatch,
                    Decision::Exception => ReasonKind::Exception,
                };
                let list = cx.rules.reasons.for_kind(kind);
                if list.is_empty() {
                    return Vec::new();
                }
                let n = list.len();
                let next = match (h.preset, action) {
                    (None, Action::Up) => n - 1,
                    (None, _) => 0,
                    (Some(i), Action::Up) => (i + n - 1) % n,
                    (Some(i), _) => (i + 1) % n,
                };
                h.preset = Some(next);
                h.card_note = LineEdit::with_text(100, &list[next]);
                h.card_error = None;
                Vec::new()
            }
            Action::AckPinLocked => {
                if h.pin_locked_unacknowledged() {
                    h.pin_acknowledged = true;
                    h.card_error = None;
                }
                Vec::new()
            }
            Action::ConfirmNear | Action::RecordException => {
                // y on a near match, e on a mismatch: the decision, then the reason field.
                let (result, decided) = match action {
                    Action::ConfirmNear => (MatchResult::NearMatch, Decision::NearConfirmed),
                    _ => (MatchResult::Mismatch, Decision::Exception),
                };
                if let CardPhase::Result {
                    outcome,
                    decision,
                    note_focus,
                    ..
                } = phase
                    && outcome.result == result
                {
                    *decision = Some(decided);
                    *note_focus = true;
                    h.card_error = None;
                }
                Vec::new()
            }
            Action::LeaveField => {
                if let CardPhase::Result { note_focus, .. } = phase {
                    *note_focus = false;
                }
                // The field's prompt goes with it (issue 11 #10).
                h.card_error = None;
                Vec::new()
            }
            Action::Reread if matches!(cx.card, CardSlot::Absent) => {
                // Nothing to lift: the card is not on the reader.
                h.card_error = Some("カードをリーダに置いてください。".into());
                Vec::new()
            }
            Action::Reread => {
                // Each presence of a card is read once: a real card is read again when
                // it is lifted and placed (the demo reader does that by itself).
                *phase = CardPhase::Waiting;
                h.card_error = Some("カードを一度リーダから離し、もう一度置いてください。".into());
                vec![Effect::ReadCard]
            }
            Action::AbortHandover => match h.flow {
                Flow::Counter => abandon(cx, "交付を中止しました（記録は変わっていません）。"),
                Flow::Mail => abandon(cx, "発送を中止しました（記録は変わっていません）。"),
            },
            Action::Back => match h.flow {
                Flow::Counter => {
                    h.card_stash = Some(std::mem::replace(phase, CardPhase::Waiting));
                    h.card_error = None;
                    h.step = Step::Identity;
                    Vec::new()
                }
                Flow::Mail => {
                    cx.push(Dialog::AbandonConfirm {
                        notice: "発送を中止しました（記録は変わっていません）。",
                    });
                    Vec::new()
                }
            },
            _ => Vec::new(),
        }
    }

    /// A card event on the card step: the phase follows the reader; a finished reading is
    /// matched with the record at once.
    pub(super) fn card_event(&mut self, sig: &CardEvent, cx: &mut Cx) -> Vec<Effect> {
        let h = self;
        if let (
            Step::Card { .. },
            CardEvent::ReadFinished {
                result: Ok(reading),
                ..
            },
        ) = (&h.step, sig)
        {
            h.card_error = None;
            let (result, fx) = h.result_for(reading, cx);
            if let Step::Card { phase, .. } = &mut h.step {
                *phase = result;
            }
            return fx;
        }
        let Step::Card { phase, .. } = &mut h.step else {
            return Vec::new();
        };
        match sig {
            CardEvent::Reading { .. } | CardEvent::CardInserted { .. } => {
                if !matches!(phase, CardPhase::Result { .. })
                    || matches!(sig, CardEvent::Reading { .. })
                {
                    *phase = CardPhase::Reading;
                    h.card_error = None;
                }
                Vec::new()
            }
            CardEvent::CardRemoved { .. } => {
                if matches!(phase, CardPhase::Reading) {
                    *phase = CardPhase::Lifted;
                } else if !matches!(phase, CardPhase::Result { .. }) {
                    *phase = CardPhase::Waiting;
                }
                Vec::new()
            }
            CardEvent::ReadFinished { result: Err(e), .. } => {
                *phase = CardPhase::Failed(e.user_message());
                Vec::new()
            }
            CardEvent::ServiceUnavailable | CardEvent::ReaderRemoved(_) => {
                if matches!(phase, CardPhase::Reading) {
                    *phase = CardPhase::Lifted;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
