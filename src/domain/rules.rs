//! [`Rules`]: every rule table of `data/`, as one value.
//!
//! The config reader (`data::DataSet::load`) builds it once at start and the program shares it
//! behind an `Arc`: the app's session, the runtime's effect runner, the back office's store
//! thread and the CLI commands all read the same tables. Nothing here reads a file or the clock;
//! a missing or broken rule file is an error of the loader, never a silent built-in default.

use chrono::NaiveDate;

use crate::domain::calendar::DeskCalendar;
use crate::domain::card_facts::CardReading;
use crate::domain::expiry::ExpiryRules;
use crate::domain::fees::FeeTable;
use crate::domain::iddocs::IdDocuments;
use crate::domain::issuers::KnownIssuers;
use crate::domain::manifest::ManifestProfile;
use crate::domain::matching::{MatchOutcome, match_reading};
use crate::domain::office::{ReceiptRules, UncollectedRules};
use crate::domain::readers::ReaderHints;
use crate::domain::reasons::PresetReasons;
use crate::domain::record::CardRecord;
use crate::domain::reference::CounterReference;

/// The rule tables of `data/` (pure domain values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Expiry rules (`rules.toml`).
    pub expiry: ExpiryRules,
    /// Issue fees (`fees.toml`).
    pub fees: FeeTable,
    /// Identity documents accepted at the counter (`id-documents.toml`).
    pub id_docs: IdDocuments,
    /// Issuing CAs and policies (`issuers.toml`) for the identity match.
    pub issuers: KnownIssuers,
    /// The counter reference's texts (`counter-reference.toml`).
    pub reference: CounterReference,
    /// The desk calendar (`calendar.toml`): appointments, open-day counts, 「本日休業日」.
    pub calendar: DeskCalendar,
    /// Preset reasons for 要確認 and 例外 (`reasons.toml`).
    pub reasons: PresetReasons,
    /// Notes on reader models (`readers.toml`) for the reader diagnosis.
    pub reader_hints: ReaderHints,
    /// Deadlines for uncollected cards (`[uncollected]` of `rules.toml`).
    pub uncollected: UncollectedRules,
    /// When signed receipts go back (`[receipts]` of `rules.toml`).
    pub receipts: ReceiptRules,
    /// Shipping-list column profiles (`manifest-profiles/*.toml`), built-in ones first.
    pub profiles: Vec<ManifestProfile>,
}

impl Rules {
    /// The identity match of a card reading against a record, with today's date and the
    /// expiry the rules give for the record.
    pub fn match_card(
        &self,
        record: &CardRecord,
        reading: &CardReading,
        today: NaiveDate,
    ) -> MatchOutcome {
        match_reading(record, reading, today, &self.expiry, &self.issuers)
    }

    /// The manifest profile of that name.
    pub fn profile(&self, name: &str) -> Option<&ManifestProfile> {
        self.profiles.iter().find(|p| p.name == name)
    }
}
