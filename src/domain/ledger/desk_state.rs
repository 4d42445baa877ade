//! The shape both sides of the check share: the state tables as the events imply them
//! ([`super::replay()`]) or as the store holds them.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::{CardState, ReceiptStatus};

/// A card as the ledger knows it (or the `cards` table holds it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardFacts {
    /// None when no event named it (a card imported before the ledger).
    pub card_id: Option<String>,
    pub state: CardState,
    pub receipt: Option<ReceiptStatus>,
    /// [`card_digest`](super::event::card_digest) of the identity fields; None when the
    /// import's event did not carry it.
    pub digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverFacts {
    pub card_row: i64,
    pub route: String,
    pub cancelled: bool,
    /// `delivered` / `returned` (restricted-delivery outcome).
    pub outcome: Option<String>,
    pub match_result: Option<String>,
    pub exception: Option<bool>,
    pub confirmed_by: Option<i64>,
    /// Salted digest of the tracking number (None: none, or an event from before the ledger).
    pub tracking: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFacts {
    pub number: String,
    pub kind: String,
    pub status: String,
    pub tracking_no: Option<String>,
    /// card row → (active, verified)
    pub items: BTreeMap<i64, (bool, bool)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldFacts {
    pub card_row: i64,
    pub lifted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrivalFacts {
    pub card_row: i64,
    pub result: String,
    pub resolved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFacts {
    pub card_row: i64,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerFacts {
    pub active: bool,
    pub has_passphrase: bool,
    /// Salted digest of the name; None for an event from before the ledger.
    pub name: Option<String>,
}

/// The state tables, as the events imply them or as the store holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskState {
    pub cards: BTreeMap<i64, CardFacts>,
    pub handovers: BTreeMap<i64, HandoverFacts>,
    pub batches: BTreeMap<i64, BatchFacts>,
    pub holds: BTreeMap<i64, HoldFacts>,
    /// card row → appointment time (`%Y-%m-%d %H:%M`)
    pub appointments: BTreeMap<i64, String>,
    pub arrivals: BTreeMap<i64, ArrivalFacts>,
    pub strays: BTreeSet<i64>,
    pub contacts: BTreeMap<i64, ContactFacts>,
    pub officers: BTreeMap<i64, OfficerFacts>,
    /// Tables the store could not find (observed side only).
    pub missing_tables: Vec<String>,
}
