//! Shipment (manifest) import: CSV in UTF-8 (with or without BOM) or CP932, validated row by row,
//! written all-or-nothing in one transaction with one audit event.
//!
//! The real JMACA shipping-list format is unknown (DOMAIN.md §6), so headers are mapped through
//! column profiles in `data/manifest-profiles/*.toml`.
//!
//! Two parts: `parse` reads and validates the file (decoding, header mapping, every row's
//! fields) into rows and issues; this file holds the import's types and entry points and
//! `write`, the one transaction that stores a valid shipment with its audit event.

mod parse;

use std::path::Path;

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Store, StoreError, audit, card_search_key, first_value};
use crate::domain::expiry::{IssueContext, IssueType};

pub use crate::domain::manifest::{Field, ManifestProfile};
pub use parse::decode_text;
use parse::{Row, validate};

/// One problem found in the file, with its place.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportIssue {
    /// 1-based line in the file.
    pub line: u64,
    /// 1-based column (field index), when the problem is in one field.
    pub column: Option<usize>,
    /// Header of that column as it appears in the file.
    pub column_name: Option<String>,
    pub code: &'static str,
    /// Japanese message for the officer.
    pub message: String,
    /// English message for scripts (`--json`).
    pub message_en: String,
}

impl Store {
    /// How many imported shipping lists are not the file with this SHA-256 (hex): `kofu demo`
    /// runs only on a database that holds no other shipment than the demo's.
    pub fn count_shipments_except(&self, file_sha256: &str) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM shipments WHERE file_sha256 != ?1",
            [file_sha256],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }
}

impl ImportIssue {
    /// `file:line:column: 列名: message` — the Japanese line printed for the officer.
    pub fn display(&self, file: &str) -> String {
        let col = self.column.map(|c| format!("{c}:")).unwrap_or_default();
        let name = self
            .column_name
            .as_deref()
            .map(|n| format!("「{n}」"))
            .unwrap_or_default();
        format!("{file}:{}:{col} {name}{}", self.line, self.message)
    }
}

/// What a successful (or dry-run) import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub sha256: String,
    pub encoding: &'static str,
    pub profile: String,
    pub rows: usize,
    pub dry_run: bool,
    /// The shipment was already imported (same file hash): nothing changed.
    pub already_imported: bool,
    pub shipment_id: Option<i64>,
    pub warnings: Vec<ImportIssue>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("ファイルを読めません: {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Decode(String),
    #[error("取込ファイルに {} 件のエラーがあります。何も登録していません", .errors.len())]
    Invalid {
        file: String,
        errors: Vec<ImportIssue>,
        warnings: Vec<ImportIssue>,
    },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Options of one import.
pub struct ImportOptions<'a> {
    pub profile: &'a ManifestProfile,
    pub dry_run: bool,
    pub officer_id: Option<i64>,
    /// 到着日 recorded for the cards.
    pub arrived_on: NaiveDate,
    /// The expiry the rules give for (issue date, birth date), to warn on a printed expiry that differs.
    /// Takes the 発行区分 and 旧有効期限 too (the renewal rule).
    pub expected_expiry: &'a dyn Fn(NaiveDate, NaiveDate, &IssueContext) -> Option<NaiveDate>,
}

/// Import the manifest at `path`.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    opts: &ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: file.clone(),
        source,
    })?;
    import_bytes(store, &file, &bytes, opts)
}

/// Import manifest bytes; `file` names them in messages.
pub fn import_bytes(
    store: &mut Store,
    file: &str,
    bytes: &[u8],
    opts: &ImportOptions<'_>,
) -> Result<ImportReport, ImportError> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let (text, encoding) =
        decode_text(bytes).map_err(|m| ImportError::Decode(format!("{file}: {m}")))?;
    let mut report = ImportReport {
        file: file.to_string(),
        sha256: sha256.clone(),
        encoding,
        profile: opts.profile.name.clone(),
        rows: 0,
        dry_run: opts.dry_run,
        already_imported: false,
        shipment_id: None,
        warnings: Vec::new(),
    };
    let existing: Option<i64> = first_value(
        store.conn(),
        "SELECT id FROM shipments WHERE file_sha256 = ?1",
        [&sha256],
    )?;
    if let Some(id) = existing {
        report.already_imported = true;
        report.shipment_id = Some(id);
        return Ok(report);
    }

    let (rows, errors, warnings) = validate(store, &text, opts)?;
    report.warnings = warnings;
    if !errors.is_empty() {
        return Err(ImportError::Invalid {
            file: file.to_string(),
            errors,
            warnings: report.warnings,
        });
    }
    report.rows = rows.len();
    if opts.dry_run {
        return Ok(report);
    }
    let shipment_id = write(store, file, &sha256, &rows, opts)?;
    report.shipment_id = Some(shipment_id);
    tracing::info!(shipment_id, rows = rows.len(), "shipment imported");
    Ok(report)
}

fn write(
    store: &mut Store,
    file: &str,
    sha256: &str,
    rows: &[Row],
    opts: &ImportOptions<'_>,
) -> Result<i64, StoreError> {
    let clock = store.clock().clone();
    let now = clock.stamp();
    let arrived = opts.arrived_on.to_string();
    let file_name = Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| file.to_string());
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "INSERT INTO shipments (imported_at, arrived_on, file_name, file_sha256, profile, row_count, officer_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![now, arrived, file_name, sha256, opts.profile.name, rows.len() as i64, opts.officer_id],
    )?;
    let shipment_id = tx.last_insert_rowid();
    insert_cards(&tx, shipment_id, rows, &arrived, &now)?;
    // The ledger: every card of the shipment by row, card ID and the salted digest of its
    // fields (no names or birth dates in the event), appended to the detail as text.
    let cards = match crate::store::ledger::salt(&tx)? {
        Some(salt) => crate::store::ledger::shipment_card_list(&tx, &salt, shipment_id)?,
        None => "null".to_string(),
    };
    let head = serde_json::json!({
        "shipment_id": shipment_id,
        "file_sha256": sha256,
        "rows": rows.len(),
        "profile": opts.profile.name,
        "with_registration_qr": rows.iter().filter(|r| r.qr.is_some()).count(),
    })
    .to_string();
    let detail = match head.strip_suffix('}') {
        Some(open) => format!("{open},\"cards\":{cards}}}"),
        None => head,
    };
    audit::append_text(
        &tx,
        &clock,
        "shipment_imported",
        opts.officer_id,
        None,
        detail,
    )?;
    tx.commit()?;
    Ok(shipment_id)
}

/// Rows per INSERT statement: a statement per card spends most of its time starting and
/// finishing the statement, so the cards go in `CARDS_PER_INSERT` at a time (20 columns × 64 =
/// 1 280 parameters, far below SQLite's limit).
const CARDS_PER_INSERT: usize = 64;
const CARD_INSERT_COLUMNS: &str = "id, card_id, shipment_id, line_no, name, kana, romaji,
    birth_date, issue_date, expiry_date, membership, route, cert_serial, note, registration_qr,
    registration_qr_sha256, arrived_on, updated_at, issue_type, previous_expiry";

/// The cards of a shipment and their search keys. Row ids are given explicitly, continuing
/// from the highest one, so that each card's search key names its row without asking SQLite
/// after every insert (the import holds the write lock, so no other row can come between).
fn insert_cards(
    tx: &rusqlite::Transaction<'_>,
    shipment_id: i64,
    rows: &[Row],
    arrived: &str,
    now: &str,
) -> Result<(), StoreError> {
    use rusqlite::ToSql;
    /// The values of one card that are not fields of its row as they are.
    struct Derived {
        id: i64,
        line: i64,
        birth: String,
        issue: String,
        expiry: String,
        membership: Option<&'static str>,
        route: Option<&'static str>,
        qr_hash: Option<String>,
        issue_type: Option<&'static str>,
        previous_expiry: Option<String>,
        key: String,
    }
    let mut next_id: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM cards", [], |r| {
        r.get(0)
    })?;
    for chunk in rows.chunks(CARDS_PER_INSERT) {
        let derived: Vec<Derived> = chunk
            .iter()
            .map(|r| {
                let id = next_id;
                next_id += 1;
                Derived {
                    id,
                    line: r.line as i64,
                    birth: r.birth.to_string(),
                    issue: r.issue.to_string(),
                    expiry: r.expiry.to_string(),
                    membership: r.membership.map(|m| m.as_str()),
                    route: r.route.map(|m| m.as_str()),
                    qr_hash: r
                        .qr
                        .as_ref()
                        .map(|q| hex::encode(Sha256::digest(q.as_bytes()))),
                    issue_type: r.ctx.issue_type.map(IssueType::as_str),
                    previous_expiry: r.ctx.previous_expiry.map(|d| d.to_string()),
                    key: card_search_key(
                        &r.name,
                        &r.kana,
                        r.romaji.as_deref(),
                        &r.card_id,
                        r.birth,
                    ),
                }
            })
            .collect();
        let mut card_values: Vec<&dyn ToSql> = Vec::with_capacity(chunk.len() * 20);
        let mut key_values: Vec<&dyn ToSql> = Vec::with_capacity(chunk.len() * 2);
        for (r, d) in chunk.iter().zip(&derived) {
            card_values.extend([
                &d.id as &dyn ToSql,
                &r.card_id,
                &shipment_id,
                &d.line,
                &r.name,
                &r.kana,
                &r.romaji,
                &d.birth,
                &d.issue,
                &d.expiry,
                &d.membership,
                &d.route,
                &r.cert_serial,
                &r.note,
                &r.qr,
                &d.qr_hash,
                &arrived,
                &now,
                &d.issue_type,
                &d.previous_expiry,
            ]);
            key_values.extend([&d.id as &dyn ToSql, &d.key]);
        }
        let marks = |n: usize, per_row: usize| {
            let one = format!("({})", vec!["?"; per_row].join(", "));
            vec![one; n].join(", ")
        };
        tx.prepare_cached(&format!(
            "INSERT INTO cards ({CARD_INSERT_COLUMNS}) VALUES {}",
            marks(chunk.len(), 20)
        ))?
        .execute(card_values.as_slice())?;
        tx.prepare_cached(&format!(
            "INSERT INTO card_search (card_row, key) VALUES {}",
            marks(chunk.len(), 2)
        ))?
        .execute(key_values.as_slice())?;
    }
    Ok(())
}
