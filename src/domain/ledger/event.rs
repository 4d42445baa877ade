//! The stored audit event as the replay reads it, and the salted digests an event carries in
//! place of personal values.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::domain::matching::{self, MatchOutcome, Verdict};

/// One stored audit event, as the replay needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEvent {
    pub seq: i64,
    pub kind: String,
    pub officer_id: Option<i64>,
    pub card_row: Option<i64>,
    pub detail: Detail,
}

/// The fields of an event's `detail` JSON that the replay reads (all optional: older events
/// lack some; unknown fields are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Detail {
    pub card_id: Option<String>,
    pub card_row: Option<i64>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub receipt: Option<String>,
    pub route: Option<String>,
    pub handover_id: Option<i64>,
    #[serde(rename = "match")]
    pub match_result: Option<String>,
    pub exception: Option<bool>,
    pub confirmed_by: Option<i64>,
    pub tracking_sha256: Option<String>,
    /// `shipment_imported`: `[row, card ID, identity digest]` of every card.
    pub cards: Option<Vec<(i64, String, Option<String>)>>,
    pub batch_id: Option<i64>,
    pub number: Option<String>,
    pub kind: Option<String>,
    pub tracking_no: Option<String>,
    pub card_rows: Option<Vec<i64>>,
    /// The batch number (receipt and card events of a batch).
    pub batch: Option<String>,
    pub hold_id: Option<i64>,
    pub replaces: Option<i64>,
    pub at: Option<String>,
    pub check_id: Option<i64>,
    pub result: Option<String>,
    pub stray_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub method: Option<String>,
    pub officer_id: Option<i64>,
    pub passphrase: Option<bool>,
    pub name_sha256: Option<String>,
}

/// The event kinds the replay folds; every other kind leaves the state as it is.
pub const STATE_KINDS: &[&str] = &[
    "shipment_imported",
    "handed_over",
    "mail_dispatched",
    "handover_cancelled",
    "mail_delivered",
    "mail_returned_undelivered",
    "receipt_returned",
    "receipt_return_reopened",
    "card_returned",
    "return_batch_created",
    "return_batch_sent",
    "return_batch_reopened",
    "return_card_verified",
    "uncollected_hold_set",
    "uncollected_hold_cleared",
    "appointment_set",
    "appointment_cleared",
    "arrival_checked",
    "arrival_problem_resolved",
    "arrival_not_in_list",
    "uncollected_contact",
    "officer_added",
    "officer_enabled",
    "officer_disabled",
    "officer_passphrase_changed",
];

impl LedgerEvent {
    /// An event from its stored columns; `detail` is parsed only for the kinds the replay
    /// folds (a detail that does not parse reads as empty, and the state it changed then
    /// disagrees with the tables).
    pub fn new(
        seq: i64,
        kind: String,
        officer_id: Option<i64>,
        card_row: Option<i64>,
        detail: &str,
    ) -> LedgerEvent {
        let detail = if STATE_KINDS.contains(&kind.as_str()) {
            serde_json::from_str(detail).unwrap_or_default()
        } else {
            Detail::default()
        };
        LedgerEvent {
            seq,
            kind,
            officer_id,
            card_row,
            detail,
        }
    }
}

/// SHA-256 of `parts` (length-prefixed) keyed with the database's salt, as 64 hex digits.
pub fn salted_digest(salt: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update((salt.len() as u64).to_be_bytes());
    h.update(salt.as_bytes());
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The identity digest of a card row (what an import wrote): the first 16 hex digits of the
/// salted digest of its manifest fields (a NULL differs from an empty text). Cheap to store per
/// card in the import's event.
pub fn card_digest(salt: &str, fields: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    h.update((salt.len() as u64).to_be_bytes());
    h.update(salt.as_bytes());
    for f in fields {
        match f {
            None => h.update(u64::MAX.to_be_bytes()),
            Some(p) => {
                h.update((p.len() as u64).to_be_bytes());
                h.update(p.as_bytes());
            }
        }
    }
    let d = h.finalize();
    hex::encode(&d[..8])
}

/// The codes of what a counter read found wrong (for the `counter_read` event): one per line
/// that was not the same (`name_kanji_near`, `expiry_different` …), never the values.
pub fn counter_read_codes(outcome: &MatchOutcome) -> Vec<String> {
    outcome
        .lines
        .iter()
        .filter(|l| matches!(l.verdict, Verdict::Near | Verdict::Different))
        .map(|l| {
            let field = match l.field {
                matching::FIELD_NAME_KANJI => "name_kanji",
                matching::FIELD_NAME_ROMAJI => "name_romaji",
                matching::FIELD_ROLE => "role",
                matching::FIELD_EXPIRY => "expiry",
                matching::FIELD_SERIAL => "serial",
                matching::FIELD_ISSUER => "issuer",
                matching::FIELD_VALIDITY => "validity",
                _ => "other",
            };
            let verdict = if l.verdict == Verdict::Near {
                "near"
            } else {
                "different"
            };
            format!("{field}_{verdict}")
        })
        .collect()
}
