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

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::matching::{MatchOutcome, Verdict};
use super::{CardState, ReceiptStatus};

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
                super::matching::FIELD_NAME_KANJI => "name_kanji",
                super::matching::FIELD_NAME_ROMAJI => "name_romaji",
                super::matching::FIELD_ROLE => "role",
                super::matching::FIELD_EXPIRY => "expiry",
                super::matching::FIELD_SERIAL => "serial",
                super::matching::FIELD_ISSUER => "issuer",
                super::matching::FIELD_VALIDITY => "validity",
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

/// A card as the ledger knows it (or the `cards` table holds it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardFacts {
    /// None when no event named it (a card imported before the ledger).
    pub card_id: Option<String>,
    pub state: CardState,
    pub receipt: Option<ReceiptStatus>,
    /// [`card_digest`] of the identity fields; None when the import's event did not carry it.
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

/// A check the older events cannot support, with how many events lack what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    pub code: &'static str,
    pub events: u64,
}

impl Unsupported {
    pub fn message(&self) -> String {
        let what = match self.code {
            "card_set" => "カードの追加・削除の検出（取り込みイベントにカード一覧がありません）",
            "card_identity" => "カードの氏名・生年月日などの変更の検出",
            "mail_tracking" => "お問い合わせ番号の変更の検出",
            "officer_names" => "担当者名の変更の検出",
            _ => self.code,
        };
        format!(
            "{what}: 台帳導入前のイベント {} 件では確認できません",
            self.events
        )
    }
}

/// What the replay produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replay {
    pub state: DeskState,
    /// Every shipment's cards are listed in its event: cards not in the ledger are insertions.
    pub cards_complete: bool,
    pub unsupported: Vec<Unsupported>,
    /// The events contradict themselves (a transition from a state the ledger did not hold).
    pub inconsistencies: Vec<Finding>,
    pub events: u64,
}

/// One disagreement between the ledger and a state table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Machine code: `card_state`, `card_missing`, `handover_route` …
    pub code: String,
    /// `card` / `handover` / `batch` / `hold` / `appointment` / `arrival` / `contact` /
    /// `officer` / `table` / `event`.
    pub subject: &'static str,
    /// The card ID, batch number, officer id, table name or event seq.
    pub id: String,
    pub field: &'static str,
    pub ledger: Option<String>,
    pub table: Option<String>,
}

fn field_label(f: &'static str) -> &'static str {
    match f {
        "state" => "状態",
        "receipt" => "受領書",
        "card_id" => "カードID",
        "identity" => "氏名・生年月日など",
        "row" => "行",
        "route" => "交付方法",
        "cancelled" => "取消",
        "outcome" => "郵送結果",
        "match" => "照合結果",
        "exception" => "例外扱い",
        "confirmed_by" => "確認した担当者",
        "tracking" => "お問い合わせ番号",
        "card" => "カード",
        "kind" => "種類",
        "number" => "番号",
        "status" => "状態",
        "items" => "中身",
        "verified" => "封入前の読取",
        "lifted" => "解除",
        "at" => "日時",
        "result" => "結果",
        "resolved" => "解決",
        "method" => "方法",
        "active" => "有効",
        "passphrase" => "パスフレーズ",
        "name" => "氏名",
        "from" => "変更前の状態",
        _ => f,
    }
}

/// A value as shown in a message: state and receipt codes get their Japanese labels.
fn show(field: &str, v: &Option<String>) -> String {
    let Some(v) = v else {
        return "なし".into();
    };
    let label = match field {
        "state" | "from" => CardState::parse(v).map(|s| s.label().to_string()),
        "receipt" => ReceiptStatus::parse(v).map(|s| s.label().to_string()),
        "status" => Some(
            match v.as_str() {
                "open" => "未送付",
                "sent" => "送付済",
                "reopened" => "取消済",
                other => other,
            }
            .to_string(),
        ),
        "cancelled" | "exception" | "active" | "lifted" | "resolved" | "verified"
        | "passphrase" => Some(if v == "true" { "あり" } else { "なし" }.into()),
        "identity" | "tracking" | "name" => Some("（ハッシュ）".into()),
        _ => None,
    };
    label.unwrap_or_else(|| v.clone())
}

impl Finding {
    /// The Japanese line `db check` prints.
    pub fn message(&self) -> String {
        let who = match self.subject {
            "card" => format!("カード {}", self.id),
            "handover" => format!("交付記録 {}", self.id),
            "batch" => format!("バッチ {}", self.id),
            "hold" => format!("保留 {}", self.id),
            "appointment" => format!("予約（カード {}）", self.id),
            "arrival" => format!("入荷確認 {}", self.id),
            "stray" => format!("一覧外のカード記録 {}", self.id),
            "contact" => format!("連絡記録 {}", self.id),
            "officer" => format!("担当者 {}", self.id),
            "table" => format!("表 {}", self.id),
            _ => format!("監査イベント #{}", self.id),
        };
        match self.code.as_str() {
            "table_missing" => format!("{who}: 表がありません（削除された可能性があります）"),
            c if c.ends_with("_missing") => {
                format!("{who}: 台帳にある記録が表にありません（削除された可能性があります）")
            }
            c if c.ends_with("_not_in_ledger") => format!(
                "{who}: 表にある記録が台帳にありません（台帳を通さずに追加された可能性があります）"
            ),
            "event_inconsistent" => format!(
                "{who}: 台帳の中で矛盾しています（{}: 台帳の直前の値 {} / イベント {}）",
                field_label(self.field),
                show(self.field, &self.ledger),
                show(self.field, &self.table)
            ),
            _ => format!(
                "{who}: {}が台帳と違います（台帳: {} / 表: {}）",
                field_label(self.field),
                show(self.field, &self.ledger),
                show(self.field, &self.table)
            ),
        }
    }
}

#[derive(Default)]
struct Counts {
    card_set: u64,
    card_identity: u64,
    mail_tracking: u64,
    officer_names: u64,
}

/// Fold the events (oldest first) into the state they imply.
pub fn replay(events: &[LedgerEvent]) -> Replay {
    let mut st = DeskState::default();
    let mut lack = Counts::default();
    let mut bad = Vec::new();
    let mut shipments_listed = true;
    for ev in events {
        let d = &ev.detail;
        let card_row = ev.card_row.or(d.card_row);
        // A card-changing event: check `from` against the ledger, then apply `to`.
        let mut transition = |st: &mut DeskState, row: i64| {
            let card = st.cards.entry(row).or_insert_with(|| CardFacts {
                card_id: None,
                state: CardState::Awaiting,
                receipt: None,
                digest: None,
            });
            if card.card_id.is_none() {
                card.card_id = d.card_id.clone();
            }
            let receipt_event = matches!(
                ev.kind.as_str(),
                "receipt_returned" | "receipt_return_reopened"
            );
            if receipt_event {
                card.receipt = d.to.as_deref().and_then(ReceiptStatus::parse);
                return;
            }
            if let Some(from) = d.from.as_deref().and_then(CardState::parse)
                && from != card.state
            {
                bad.push(Finding {
                    code: "event_inconsistent".into(),
                    subject: "event",
                    id: ev.seq.to_string(),
                    field: "from",
                    ledger: Some(card.state.as_str().into()),
                    table: Some(from.as_str().into()),
                });
            }
            if let Some(t) = d.to.as_deref().and_then(CardState::parse) {
                card.state = t;
            }
        };
        match ev.kind.as_str() {
            "shipment_imported" => match &d.cards {
                Some(list) => {
                    for (row, id, digest) in list {
                        st.cards.insert(
                            *row,
                            CardFacts {
                                card_id: Some(id.clone()),
                                state: CardState::Awaiting,
                                receipt: None,
                                digest: digest.clone(),
                            },
                        );
                    }
                }
                None => {
                    shipments_listed = false;
                    lack.card_set += 1;
                    lack.card_identity += 1;
                }
            },
            "handed_over" | "mail_dispatched" => {
                let Some(row) = card_row else { continue };
                transition(&mut st, row);
                if let Some(c) = st.cards.get_mut(&row) {
                    c.receipt = d.receipt.as_deref().and_then(ReceiptStatus::parse);
                }
                if let Some(h) = d.handover_id {
                    if ev.kind == "mail_dispatched" && d.tracking_sha256.is_none() {
                        lack.mail_tracking += 1;
                    }
                    st.handovers.insert(
                        h,
                        HandoverFacts {
                            card_row: row,
                            route: d.route.clone().unwrap_or_default(),
                            cancelled: false,
                            outcome: None,
                            match_result: d.match_result.clone(),
                            exception: d.exception,
                            confirmed_by: d.confirmed_by,
                            tracking: d.tracking_sha256.clone(),
                        },
                    );
                }
            }
            "handover_cancelled" => {
                let Some(row) = card_row else { continue };
                transition(&mut st, row);
                if let Some(c) = st.cards.get_mut(&row) {
                    c.receipt = None;
                }
                if let Some(h) = d.handover_id.and_then(|h| st.handovers.get_mut(&h)) {
                    h.cancelled = true;
                }
            }
            "mail_delivered" | "mail_returned_undelivered" => {
                let Some(row) = card_row else { continue };
                transition(&mut st, row);
                let returned = ev.kind == "mail_returned_undelivered";
                if returned && let Some(c) = st.cards.get_mut(&row) {
                    c.receipt = None;
                }
                if let Some(h) = d.handover_id.and_then(|h| st.handovers.get_mut(&h)) {
                    h.outcome = Some(if returned { "returned" } else { "delivered" }.into());
                }
            }
            "receipt_returned" | "receipt_return_reopened" | "card_returned" => {
                let Some(row) = card_row else { continue };
                transition(&mut st, row);
            }
            "return_batch_created" => {
                let Some(id) = d.batch_id else { continue };
                let items = d
                    .card_rows
                    .iter()
                    .flatten()
                    .map(|r| (*r, (true, false)))
                    .collect();
                st.batches.insert(
                    id,
                    BatchFacts {
                        number: d.number.clone().unwrap_or_default(),
                        kind: d.kind.clone().unwrap_or_default(),
                        status: "open".into(),
                        tracking_no: d.tracking_no.clone(),
                        items,
                    },
                );
            }
            "return_batch_sent" => {
                if let Some(bt) = d.batch_id.and_then(|id| st.batches.get_mut(&id)) {
                    bt.status = "sent".into();
                    if let Some(t) = &d.tracking_no {
                        bt.tracking_no = Some(t.clone());
                    }
                }
            }
            "return_batch_reopened" => {
                if let Some(bt) = d.batch_id.and_then(|id| st.batches.get_mut(&id)) {
                    bt.status = "reopened".into();
                    for item in bt.items.values_mut() {
                        item.0 = false;
                    }
                }
            }
            "return_card_verified" => {
                let (Some(row), Some(number)) = (card_row, &d.batch) else {
                    continue;
                };
                if let Some(bt) = st.batches.values_mut().find(|bt| &bt.number == number)
                    && let Some(item) = bt.items.get_mut(&row)
                {
                    item.1 = true;
                }
            }
            "uncollected_hold_set" => {
                let (Some(row), Some(id)) = (card_row, d.hold_id) else {
                    continue;
                };
                if let Some(p) = d.replaces.and_then(|p| st.holds.get_mut(&p)) {
                    p.lifted = true;
                }
                st.holds.insert(
                    id,
                    HoldFacts {
                        card_row: row,
                        lifted: false,
                    },
                );
            }
            "uncollected_hold_cleared" => {
                if let Some(h) = d.hold_id.and_then(|h| st.holds.get_mut(&h)) {
                    h.lifted = true;
                }
            }
            "appointment_set" => {
                if let (Some(row), Some(at)) = (card_row, &d.at) {
                    st.appointments.insert(row, at.clone());
                }
            }
            "appointment_cleared" => {
                if let Some(row) = card_row {
                    st.appointments.remove(&row);
                }
            }
            "arrival_checked" => {
                if let (Some(row), Some(id)) = (card_row, d.check_id) {
                    st.arrivals.insert(
                        id,
                        ArrivalFacts {
                            card_row: row,
                            result: d.result.clone().unwrap_or_default(),
                            resolved: false,
                        },
                    );
                }
            }
            "arrival_problem_resolved" => {
                if let Some(a) = d.check_id.and_then(|c| st.arrivals.get_mut(&c)) {
                    a.resolved = true;
                }
            }
            "arrival_not_in_list" => {
                if let Some(id) = d.stray_id {
                    st.strays.insert(id);
                }
            }
            "uncollected_contact" => {
                if let (Some(row), Some(id)) = (card_row, d.contact_id) {
                    st.contacts.insert(
                        id,
                        ContactFacts {
                            card_row: row,
                            method: d.method.clone().unwrap_or_default(),
                        },
                    );
                }
            }
            "officer_added" => {
                let Some(id) = d.officer_id.or(ev.officer_id) else {
                    continue;
                };
                if d.name_sha256.is_none() {
                    lack.officer_names += 1;
                }
                st.officers.insert(
                    id,
                    OfficerFacts {
                        active: true,
                        has_passphrase: d.passphrase.unwrap_or(false),
                        name: d.name_sha256.clone(),
                    },
                );
            }
            "officer_enabled" | "officer_disabled" => {
                if let Some(o) = d.officer_id.and_then(|id| st.officers.get_mut(&id)) {
                    o.active = ev.kind == "officer_enabled";
                }
            }
            "officer_passphrase_changed" => {
                if let Some(o) = d.officer_id.and_then(|id| st.officers.get_mut(&id)) {
                    o.has_passphrase = d.passphrase.unwrap_or(false);
                }
            }
            _ => {}
        }
    }
    let mut unsupported = Vec::new();
    for (code, n) in [
        ("card_set", lack.card_set),
        ("card_identity", lack.card_identity),
        ("mail_tracking", lack.mail_tracking),
        ("officer_names", lack.officer_names),
    ] {
        if n > 0 {
            unsupported.push(Unsupported { code, events: n });
        }
    }
    Replay {
        state: st,
        cards_complete: shipments_listed,
        unsupported,
        inconsistencies: bad,
        events: events.len() as u64,
    }
}

fn opt<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(|x| x.to_string())
}

struct Out<'a> {
    found: Vec<Finding>,
    cards: &'a BTreeMap<i64, CardFacts>,
}

impl Out<'_> {
    /// The card ID of a row for messages (from the table, else the ledger, else the row).
    fn card_label(&self, row: i64, fallback: &BTreeMap<i64, CardFacts>) -> String {
        self.cards
            .get(&row)
            .and_then(|c| c.card_id.clone())
            .or_else(|| fallback.get(&row).and_then(|c| c.card_id.clone()))
            .unwrap_or_else(|| format!("（行 {row}）"))
    }
    fn push(
        &mut self,
        code: &str,
        subject: &'static str,
        id: String,
        field: &'static str,
        ledger: Option<String>,
        table: Option<String>,
    ) {
        self.found.push(Finding {
            code: code.to_string(),
            subject,
            id,
            field,
            ledger,
            table,
        });
    }
    fn diff<T: PartialEq + ToString>(
        &mut self,
        subject: &'static str,
        id: &str,
        field: &'static str,
        ledger: &Option<T>,
        table: &Option<T>,
    ) {
        if ledger != table {
            self.push(
                &format!("{subject}_{field}"),
                subject,
                id.to_string(),
                field,
                opt(ledger),
                opt(table),
            );
        }
    }
}

/// Compare the replayed state with the state tables; every disagreement, cards first.
pub fn compare(replay: &Replay, table: &DeskState) -> Vec<Finding> {
    let led = &replay.state;
    let mut out = Out {
        found: replay.inconsistencies.clone(),
        cards: &table.cards,
    };
    for t in &table.missing_tables {
        out.push("table_missing", "table", t.clone(), "row", None, None);
    }
    let missing = |t: &str| table.missing_tables.iter().any(|m| m == t);

    // Cards.
    if !missing("cards") {
        let implicit = CardFacts {
            card_id: None,
            state: CardState::Awaiting,
            receipt: None,
            digest: None,
        };
        for (row, have) in &table.cards {
            let id = out.card_label(*row, &led.cards);
            let want = match led.cards.get(row) {
                Some(w) => w,
                None if replay.cards_complete => {
                    out.push("card_not_in_ledger", "card", id, "row", None, None);
                    continue;
                }
                // Imported before the ledger and never changed since: still at the desk.
                None => &implicit,
            };
            if want.card_id.is_some() && want.card_id != have.card_id {
                out.diff("card", &id, "card_id", &want.card_id, &have.card_id);
            }
            out.diff(
                "card",
                &id,
                "state",
                &Some(want.state.as_str()),
                &Some(have.state.as_str()),
            );
            out.diff(
                "card",
                &id,
                "receipt",
                &want.receipt.map(|r| r.as_str()),
                &have.receipt.map(|r| r.as_str()),
            );
            if want.digest.is_some() && want.digest != have.digest {
                out.diff("card", &id, "identity", &want.digest, &have.digest);
            }
        }
        for (row, want) in &led.cards {
            if !table.cards.contains_key(row) {
                let id = want
                    .card_id
                    .clone()
                    .unwrap_or_else(|| format!("（行 {row}）"));
                out.push("card_missing", "card", id, "row", None, None);
            }
        }
    }

    // Handovers (with their corrections and mail outcomes).
    if !missing("handovers") {
        for (hid, have) in &table.handovers {
            let id = format!(
                "{hid}（カード {}）",
                out.card_label(have.card_row, &led.cards)
            );
            let Some(want) = led.handovers.get(hid) else {
                out.push("handover_not_in_ledger", "handover", id, "row", None, None);
                continue;
            };
            out.diff(
                "handover",
                &id,
                "card",
                &Some(want.card_row),
                &Some(have.card_row),
            );
            out.diff(
                "handover",
                &id,
                "route",
                &Some(&want.route),
                &Some(&have.route),
            );
            out.diff(
                "handover",
                &id,
                "cancelled",
                &Some(want.cancelled),
                &Some(have.cancelled),
            );
            out.diff("handover", &id, "outcome", &want.outcome, &have.outcome);
            if want.match_result.is_some() {
                out.diff(
                    "handover",
                    &id,
                    "match",
                    &want.match_result,
                    &have.match_result,
                );
            }
            if want.exception.is_some() {
                out.diff(
                    "handover",
                    &id,
                    "exception",
                    &want.exception,
                    &have.exception,
                );
            }
            out.diff(
                "handover",
                &id,
                "confirmed_by",
                &want.confirmed_by,
                &have.confirmed_by,
            );
            if want.tracking.is_some() {
                out.diff("handover", &id, "tracking", &want.tracking, &have.tracking);
            }
        }
        for (hid, want) in &led.handovers {
            if !table.handovers.contains_key(hid) {
                let id = format!(
                    "{hid}（カード {}）",
                    out.card_label(want.card_row, &led.cards)
                );
                out.push("handover_missing", "handover", id, "row", None, None);
            }
        }
    }

    // Return batches and their items.
    if !missing("return_batches") {
        for (bid, have) in &table.batches {
            let id = have.number.clone();
            let Some(want) = led.batches.get(bid) else {
                out.push("batch_not_in_ledger", "batch", id, "row", None, None);
                continue;
            };
            out.diff(
                "batch",
                &id,
                "number",
                &Some(&want.number),
                &Some(&have.number),
            );
            out.diff("batch", &id, "kind", &Some(&want.kind), &Some(&have.kind));
            out.diff(
                "batch",
                &id,
                "status",
                &Some(&want.status),
                &Some(&have.status),
            );
            out.diff(
                "batch",
                &id,
                "tracking",
                &want.tracking_no,
                &have.tracking_no,
            );
            for (row, w) in &want.items {
                let card = out.card_label(*row, &led.cards);
                match have.items.get(row) {
                    None => out.push(
                        "batch_items",
                        "batch",
                        id.clone(),
                        "items",
                        Some(card),
                        None,
                    ),
                    Some(h) => {
                        if w.0 != h.0 {
                            out.push(
                                "batch_item_active",
                                "batch",
                                format!("{id}（カード {card}）"),
                                "active",
                                Some(w.0.to_string()),
                                Some(h.0.to_string()),
                            );
                        }
                        if w.1 != h.1 {
                            out.push(
                                "batch_item_verified",
                                "batch",
                                format!("{id}（カード {card}）"),
                                "verified",
                                Some(w.1.to_string()),
                                Some(h.1.to_string()),
                            );
                        }
                    }
                }
            }
            for row in have.items.keys() {
                if !want.items.contains_key(row) {
                    let card = out.card_label(*row, &led.cards);
                    out.push(
                        "batch_items",
                        "batch",
                        id.clone(),
                        "items",
                        None,
                        Some(card),
                    );
                }
            }
        }
        for (bid, want) in &led.batches {
            if !table.batches.contains_key(bid) {
                out.push(
                    "batch_missing",
                    "batch",
                    want.number.clone(),
                    "row",
                    None,
                    None,
                );
            }
        }
    }

    // Holds, appointments, arrival checks, strays, contacts.
    if !missing("uncollected_holds") {
        for (hid, have) in &table.holds {
            let id = format!(
                "{hid}（カード {}）",
                out.card_label(have.card_row, &led.cards)
            );
            match led.holds.get(hid) {
                None => out.push("hold_not_in_ledger", "hold", id, "row", None, None),
                Some(want) => {
                    out.diff(
                        "hold",
                        &id,
                        "card",
                        &Some(want.card_row),
                        &Some(have.card_row),
                    );
                    out.diff(
                        "hold",
                        &id,
                        "lifted",
                        &Some(want.lifted),
                        &Some(have.lifted),
                    );
                }
            }
        }
        for (hid, want) in &led.holds {
            if !table.holds.contains_key(hid) {
                let id = format!(
                    "{hid}（カード {}）",
                    out.card_label(want.card_row, &led.cards)
                );
                out.push("hold_missing", "hold", id, "row", None, None);
            }
        }
    }
    if !missing("appointments") {
        let rows: BTreeSet<i64> = led
            .appointments
            .keys()
            .chain(table.appointments.keys())
            .copied()
            .collect();
        for row in rows {
            let id = out.card_label(row, &led.cards);
            let (w, h) = (led.appointments.get(&row), table.appointments.get(&row));
            match (w, h) {
                (Some(_), None) => {
                    out.push("appointment_missing", "appointment", id, "at", None, None)
                }
                (None, Some(_)) => out.push(
                    "appointment_not_in_ledger",
                    "appointment",
                    id,
                    "at",
                    None,
                    None,
                ),
                (w, h) => out.diff("appointment", &id, "at", &w.cloned(), &h.cloned()),
            }
        }
    }
    if !missing("arrival_checks") {
        for (aid, have) in &table.arrivals {
            let id = format!(
                "{aid}（カード {}）",
                out.card_label(have.card_row, &led.cards)
            );
            match led.arrivals.get(aid) {
                None => out.push("arrival_not_in_ledger", "arrival", id, "row", None, None),
                Some(want) => {
                    out.diff(
                        "arrival",
                        &id,
                        "card",
                        &Some(want.card_row),
                        &Some(have.card_row),
                    );
                    out.diff(
                        "arrival",
                        &id,
                        "result",
                        &Some(&want.result),
                        &Some(&have.result),
                    );
                    out.diff(
                        "arrival",
                        &id,
                        "resolved",
                        &Some(want.resolved),
                        &Some(have.resolved),
                    );
                }
            }
        }
        for (aid, want) in &led.arrivals {
            if !table.arrivals.contains_key(aid) {
                let id = format!(
                    "{aid}（カード {}）",
                    out.card_label(want.card_row, &led.cards)
                );
                out.push("arrival_missing", "arrival", id, "row", None, None);
            }
        }
    }
    if !missing("arrival_strays") {
        for id in table.strays.difference(&led.strays) {
            out.push(
                "stray_not_in_ledger",
                "stray",
                id.to_string(),
                "row",
                None,
                None,
            );
        }
        for id in led.strays.difference(&table.strays) {
            out.push("stray_missing", "stray", id.to_string(), "row", None, None);
        }
    }
    if !missing("uncollected_contacts") {
        for (cid, have) in &table.contacts {
            let id = format!(
                "{cid}（カード {}）",
                out.card_label(have.card_row, &led.cards)
            );
            match led.contacts.get(cid) {
                None => out.push("contact_not_in_ledger", "contact", id, "row", None, None),
                Some(want) => {
                    out.diff(
                        "contact",
                        &id,
                        "card",
                        &Some(want.card_row),
                        &Some(have.card_row),
                    );
                    out.diff(
                        "contact",
                        &id,
                        "method",
                        &Some(&want.method),
                        &Some(&have.method),
                    );
                }
            }
        }
        for (cid, want) in &led.contacts {
            if !table.contacts.contains_key(cid) {
                let id = format!(
                    "{cid}（カード {}）",
                    out.card_label(want.card_row, &led.cards)
                );
                out.push("contact_missing", "contact", id, "row", None, None);
            }
        }
    }

    // Officers.
    if !missing("officers") {
        for (oid, have) in &table.officers {
            let id = oid.to_string();
            match led.officers.get(oid) {
                None => out.push("officer_not_in_ledger", "officer", id, "row", None, None),
                Some(want) => {
                    out.diff(
                        "officer",
                        &id,
                        "active",
                        &Some(want.active),
                        &Some(have.active),
                    );
                    out.diff(
                        "officer",
                        &id,
                        "passphrase",
                        &Some(want.has_passphrase),
                        &Some(have.has_passphrase),
                    );
                    if want.name.is_some() {
                        out.diff("officer", &id, "name", &want.name, &have.name);
                    }
                }
            }
        }
        for oid in led.officers.keys() {
            if !table.officers.contains_key(oid) {
                out.push(
                    "officer_missing",
                    "officer",
                    oid.to_string(),
                    "row",
                    None,
                    None,
                );
            }
        }
    }
    out.found
}

#[cfg(test)]
mod tests;
