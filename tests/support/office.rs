//! Helpers for the back-office tests: stores with cards that carry certificate serials, handovers
//! through `Store::commit_handover`, and certificate facts that match (or not) a record.
#![allow(dead_code)]

use chrono::NaiveDate;
use kofu::domain::card_facts::CertificateFacts;
use kofu::domain::handover::{HandoverCommit, HandoverRoute, QrHandover};
use kofu::domain::matching::{KnownIssuers, MatchContext};
use kofu::domain::record::CardRecord;
use kofu::store::Store;
use kofu::store::import::{ImportOptions, import_bytes};

pub use super::common;

/// The serial given to manifest row `i`.
pub fn serial(i: usize) -> String {
    format!("5e{:06x}", i + 1)
}

/// A manifest of `n` rows (common::row) with certificate serials.
pub fn manifest_with_serials(n: usize) -> String {
    let mut s = String::from(common::HEADER);
    s.push('\n');
    for i in 0..n {
        let row = common::row(i);
        let base = row
            .strip_suffix(",,,")
            .expect("row ends with three empty fields");
        s.push_str(&format!("{base},{},,\n", serial(i)));
    }
    s
}

/// A store at `dir/kofu.db` with `n` cards arrived on `arrived_on`.
pub fn store_in(dir: &std::path::Path, n: usize, arrived_on: NaiveDate) -> Store {
    let mut store = Store::open(&dir.join("kofu.db"), &clock()).unwrap();
    import_into(&mut store, &manifest_with_serials(n), arrived_on);
    store
}

pub fn import_into(store: &mut Store, csv: &str, arrived_on: NaiveDate) {
    let data =
        kofu::data::DataSet::load(Some(std::path::Path::new("/nonexistent-kofu-data"))).unwrap();
    let none = |_: NaiveDate, _: NaiveDate, _: &kofu::domain::expiry::IssueContext| None;
    import_bytes(
        store,
        "m.csv",
        csv.as_bytes(),
        &ImportOptions {
            profile: data.profile("default").unwrap(),
            dry_run: false,
            officer_id: None,
            arrived_on,
            expected_expiry: &none,
        },
    )
    .unwrap();
}

pub use common::clock;

/// The JST date of the tests' fixed clock.
pub fn today() -> NaiveDate {
    clock().today()
}

pub fn commit(card: i64, route: HandoverRoute) -> HandoverCommit {
    HandoverCommit {
        card,
        route,
        id_documents: vec!["drivers_license".into()],
        photo_checked: true,
        details_confirmed: true,
        match_result: "match".into(),
        match_reasons: vec![],
        officer_note: None,
        exception: false,
        qr: QrHandover::PrintedSheet,
        cert_serial_read: None,
        confirmation: None,
    }
}

pub fn mail(tracking: &str) -> HandoverRoute {
    HandoverRoute::Mail {
        dispatch_date: today(),
        tracking_no: tracking.into(),
    }
}

/// The card record of manifest row `i` (card ID `T` + 11 digits).
pub fn card(store: &Store, i: usize) -> CardRecord {
    store
        .card_by_card_id(&format!("T{i:011}"))
        .unwrap()
        .unwrap()
}

/// Certificate facts as the card of `record` would give them.
pub fn facts_for(record: &CardRecord) -> CertificateFacts {
    CertificateFacts {
        serial_hex: record.cert_serial.clone().unwrap_or_else(|| "01".into()),
        issuer: "CN=Test HPKI CA, O=Test, C=JP".into(),
        subject_cn: record.romaji.clone().unwrap_or_default(),
        name_kanji: Some(record.name.clone()),
        role: Some("Medical Doctor".into()),
        not_before: record.issue_date,
        not_after: record.expiry_date,
        policies: Vec::new(),
    }
}

pub fn issuers() -> KnownIssuers {
    KnownIssuers::default()
}

pub fn ctx(known: &KnownIssuers) -> MatchContext<'_> {
    MatchContext {
        today: today(),
        computed_expiry: None,
        known_issuers: known,
    }
}

/// Kinds of the audit events, oldest first.
pub fn audit_kinds(store: &Store) -> Vec<String> {
    kofu::store::audit::events(store.conn(), None)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}
