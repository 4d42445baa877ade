//! The ledger: the state of the desk is a fold of its audit events.
//!
//! [`replay`] folds the events (oldest first) into the [`DeskState`] they imply — every card's
//! state and receipt, every handover, return batch, hold, appointment, arrival check, contact and
//! officer. The store reads the same shape from its state tables, and [`compare`] lists every
//! disagreement as a [`Finding`] (a code, the card ID or batch number, the field, both values).
//!
//! Pure: no I/O, no clock, no SQL. Events written before the ledger (schema < 5) lack some fields
//! (the card list of an import, the salted digests): those checks are skipped and named in
//! [`Replay::unsupported`] rather than failed.
//!
//! Personal values never enter an event: where the state holds one (a card's identity fields, a
//! tracking number, an officer's name), the event carries [`salted_digest`] of it, keyed by the
//! database's own random salt.
//!
//! The module, by concern:
//! - `event`: [`LedgerEvent`] and its [`Detail`], the [`STATE_KINDS`] the replay folds, the
//!   digests an event carries ([`salted_digest`], [`card_digest`]) and [`counter_read_codes`];
//! - `desk_state`: the state both sides share ([`DeskState`] and its `*Facts` rows);
//! - `replay`: [`replay()`] folding the events into a [`Replay`], with its [`Unsupported`] checks;
//! - `compare`: [`compare`] listing every disagreement between the replay and the tables;
//! - `finding`: the [`Finding`] type and its Japanese message.

mod compare;
mod desk_state;
mod event;
mod finding;
mod replay;

pub use compare::compare;
pub use desk_state::{
    ArrivalFacts, BatchFacts, CardFacts, ContactFacts, DeskState, HandoverFacts, HoldFacts,
    OfficerFacts,
};
pub use event::{Detail, LedgerEvent, STATE_KINDS, card_digest, counter_read_codes, salted_digest};
pub use finding::Finding;
pub use replay::{Replay, Unsupported, replay};

#[cfg(test)]
mod tests;
