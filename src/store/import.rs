//! Shipment (manifest) import: CSV in UTF-8 (with or without BOM) or CP932, validated row by row,
//! written all-or-nothing in one transaction with one audit event.
//!
//! The real JMACA shipping-list format is unknown (DOMAIN.md §6), so headers are mapped through
//! column profiles in `data/manifest-profiles/*.toml`.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::{Store, StoreError, audit, card_search_key, normalise_serial};
use crate::domain::date::parse_date;
use crate::domain::expiry::{IssueContext, IssueType};
use crate::domain::{Membership, Route};

use crate::domain::manifest::header_key;
pub use crate::domain::manifest::{Field, ManifestProfile};

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

/// Decode CSV bytes: UTF-8 (BOM optional) or CP932/Shift_JIS.
pub fn decode_text(bytes: &[u8]) -> Result<(String, &'static str), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), "UTF-8 (BOM)"))
            .map_err(|e| utf8_error(rest, e));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(
            "UTF-16 のファイルは読めません。Excel では「CSV UTF-8」で保存してください".into(),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), "UTF-8")),
        Err(utf8_err) => {
            match encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes)
            {
                Some(s) => Ok((s.into_owned(), "CP932")),
                None => Err(utf8_error(bytes, utf8_err)),
            }
        }
    }
}

fn utf8_error(bytes: &[u8], e: std::str::Utf8Error) -> String {
    let upto = e.valid_up_to();
    let line = bytes[..upto].iter().filter(|b| **b == b'\n').count() + 1;
    format!(
        "文字コードを判別できません（UTF-8 でも Shift_JIS(CP932) でもありません）: {line}行目付近"
    )
}

struct Row {
    line: u64,
    card_id: String,
    name: String,
    kana: String,
    romaji: Option<String>,
    birth: NaiveDate,
    issue: NaiveDate,
    expiry: NaiveDate,
    membership: Option<Membership>,
    route: Option<Route>,
    cert_serial: Option<String>,
    note: Option<String>,
    qr: Option<String>,
    ctx: IssueContext,
}

fn issue(
    line: u64,
    col: Option<(usize, &str)>,
    code: &'static str,
    message: String,
    message_en: String,
) -> ImportIssue {
    ImportIssue {
        line,
        column: col.map(|(i, _)| i + 1),
        column_name: col.map(|(_, n)| n.to_string()),
        code,
        message,
        message_en,
    }
}

/// Trim ASCII and ideographic spaces at both ends; keep everything inside exactly as given.
fn trim_field(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
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
    let existing: Option<i64> = store
        .conn()
        .query_row(
            "SELECT id FROM shipments WHERE file_sha256 = ?1",
            [&sha256],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::from)?;
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

type Validated = (Vec<Row>, Vec<ImportIssue>, Vec<ImportIssue>);

fn validate(store: &Store, text: &str, opts: &ImportOptions<'_>) -> Result<Validated, StoreError> {
    let profile = opts.profile;
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            errors.push(csv_issue(&e));
            return Ok((Vec::new(), errors, warnings));
        }
        None => {
            errors.push(issue(
                1,
                None,
                "empty_file",
                "ファイルが空です（見出し行がありません）".into(),
                "the file is empty (no header line)".into(),
            ));
            return Ok((Vec::new(), errors, warnings));
        }
    };
    let headers: Vec<String> = header.iter().map(|h| trim_field(h).to_string()).collect();
    let mut col_of: HashMap<Field, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        match profile.field_for_header(h) {
            Some(f) => {
                if let Some(first) = col_of.insert(f, i) {
                    errors.push(issue(
                        1,
                        Some((i, h)),
                        "duplicate_column",
                        format!(
                            "列「{}」が重複しています（{}列目にもあります）",
                            f.label(),
                            first + 1
                        ),
                        format!(
                            "column {} appears twice (also column {})",
                            f.key(),
                            first + 1
                        ),
                    ));
                }
            }
            None if profile
                .ignore_columns
                .iter()
                .any(|n| header_key(n) == header_key(h)) => {}
            None => errors.push(issue(
                1,
                Some((i, h)),
                "unknown_column",
                format!(
                    "不明な列です（列プロファイル「{}」にありません）",
                    profile.name
                ),
                format!("unknown column (not in profile {})", profile.name),
            )),
        }
    }
    for f in Field::ALL.iter().filter(|f| f.required()) {
        if !col_of.contains_key(f) {
            errors.push(issue(
                1,
                None,
                "missing_column",
                format!("必須の列がありません: {}", f.label()),
                format!("required column missing: {}", f.key()),
            ));
        }
    }
    if !errors.is_empty() {
        return Ok((Vec::new(), errors, warnings));
    }

    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut exists = store
        .conn()
        .prepare("SELECT 1 FROM cards WHERE card_id = ?1")?;
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(csv_issue(&e));
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.iter().all(|f| trim_field(f).is_empty()) {
            continue;
        }
        if rec.len() != headers.len() {
            errors.push(issue(
                line,
                None,
                "field_count",
                format!(
                    "列の数が見出しと違います（見出し {} 列、この行 {} 列）",
                    headers.len(),
                    rec.len()
                ),
                format!(
                    "field count {} differs from header {}",
                    rec.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let before = errors.len();
        let get = |f: Field| -> Option<(usize, &str)> {
            col_of
                .get(&f)
                .map(|&i| (i, trim_field(rec.get(i).unwrap_or(""))))
        };
        let place = |f: Field| col_of.get(&f).map(|&i| (i, headers[i].as_str()));
        let required = |f: Field, errors: &mut Vec<ImportIssue>| -> Option<String> {
            match get(f) {
                Some((_, v)) if !v.is_empty() => Some(v.to_string()),
                _ => {
                    errors.push(issue(
                        line,
                        place(f),
                        "required",
                        format!("{}が空です", f.label()),
                        format!("{} is empty", f.key()),
                    ));
                    None
                }
            }
        };
        let card_id = required(Field::CardId, &mut errors).map(|v| v.nfkc().collect::<String>());
        let name = required(Field::Name, &mut errors);
        let kana = required(Field::Kana, &mut errors);
        let date = |f: Field, errors: &mut Vec<ImportIssue>| -> Option<NaiveDate> {
            let v = required(f, errors)?;
            match parse_date(&v) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(issue(
                        line,
                        place(f),
                        "bad_date",
                        e.to_string(),
                        format!("{}: not a valid date: {v}", f.key()),
                    ));
                    None
                }
            }
        };
        let birth = date(Field::BirthDate, &mut errors);
        let issue_d = date(Field::IssueDate, &mut errors);
        let expiry = date(Field::ExpiryDate, &mut errors);

        if let Some(id) = &card_id {
            if !profile.card_id_ok(id) {
                errors.push(issue(
                    line,
                    place(Field::CardId),
                    "bad_card_id",
                    format!("カードIDの形式が違います: 「{id}」（英数字 6〜20 文字）"),
                    format!("card ID {id} does not match {}", profile.card_id_pattern),
                ));
            } else if let Some(first) = seen.get(id) {
                errors.push(issue(
                    line,
                    place(Field::CardId),
                    "duplicate_in_file",
                    format!("カードID {id} がファイル内で重複しています（{first}行目と同じ）"),
                    format!("card ID {id} repeats line {first}"),
                ));
            } else {
                seen.insert(id.clone(), line);
                if exists.exists([id])? {
                    errors.push(issue(
                        line,
                        place(Field::CardId),
                        "duplicate_in_db",
                        format!("カードID {id} は既に登録されています"),
                        format!("card ID {id} is already in the database"),
                    ));
                }
            }
        }
        if let (Some(b), Some(i)) = (birth, issue_d)
            && b >= i
        {
            errors.push(issue(
                line,
                place(Field::BirthDate),
                "birth_after_issue",
                format!("生年月日 {b} が発行日 {i} 以降です"),
                format!("birth date {b} is not before issue date {i}"),
            ));
        }
        let optional = |f: Field| get(f).map(|(_, v)| v).filter(|v| !v.is_empty());
        let issue_type = match optional(Field::IssueType) {
            None => None,
            Some(v) => {
                let t = IssueType::parse(v);
                if t.is_none() {
                    errors.push(issue(
                        line,
                        place(Field::IssueType),
                        "bad_issue_type",
                        format!("発行区分は「新規」「更新」「再発行」のどれかです: 「{v}」"),
                        format!("issue type must be 新規, 更新 or 再発行: {v}"),
                    ));
                }
                t
            }
        };
        let previous_expiry = match optional(Field::PreviousExpiry) {
            None => None,
            Some(v) => match parse_date(v) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(issue(
                        line,
                        place(Field::PreviousExpiry),
                        "bad_date",
                        e.to_string(),
                        format!("previous_expiry: not a valid date: {v}"),
                    ));
                    None
                }
            },
        };
        let ctx = IssueContext {
            issue_type,
            previous_expiry,
        };
        if let (Some(i), Some(x)) = (issue_d, expiry) {
            if i >= x {
                errors.push(issue(
                    line,
                    place(Field::ExpiryDate),
                    "issue_after_expiry",
                    format!("発行日 {i} が有効期限 {x} 以降です"),
                    format!("issue date {i} is not before expiry {x}"),
                ));
            } else if let Some(b) = birth
                && let Some(rule) = (opts.expected_expiry)(i, b, &ctx)
                && rule != x
            {
                warnings.push(issue(
                    line,
                    place(Field::ExpiryDate),
                    "expiry_differs",
                    format!(
                        "券面の有効期限 {x} が規則による計算 {rule} と異なります（カードで確認してください）"
                    ),
                    format!("printed expiry {x} differs from the rule's {rule}"),
                ));
            }
        }
        let membership = match optional(Field::Membership) {
            None => None,
            Some(v) => {
                let m = Membership::parse(v);
                if m.is_none() {
                    errors.push(issue(
                        line,
                        place(Field::Membership),
                        "bad_membership",
                        format!("会員区分は「会員」か「非会員」です: 「{v}」"),
                        format!("membership must be 会員 or 非会員: {v}"),
                    ));
                }
                m
            }
        };
        let route = match optional(Field::Route) {
            None => None,
            Some(v) => {
                let r = Route::parse(v);
                if r.is_none() {
                    errors.push(issue(
                        line,
                        place(Field::Route),
                        "bad_route",
                        format!("交付方法は「窓口」か「郵送」です: 「{v}」"),
                        format!("route must be 窓口 or 郵送: {v}"),
                    ));
                }
                r
            }
        };
        let cert_serial = match optional(Field::CertSerial) {
            None => None,
            Some(v) => {
                let ok = v
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | ' '));
                if !ok {
                    errors.push(issue(
                        line,
                        place(Field::CertSerial),
                        "bad_serial",
                        "証明書シリアルは16進数で入力してください".into(),
                        "certificate serial must be hexadecimal".into(),
                    ));
                }
                Some(normalise_serial(v))
            }
        };
        if errors.len() > before {
            continue;
        }
        if let (Some(card_id), Some(name), Some(kana), Some(birth), Some(issue), Some(expiry)) =
            (card_id, name, kana, birth, issue_d, expiry)
        {
            rows.push(Row {
                line,
                card_id,
                name,
                kana,
                romaji: optional(Field::Romaji).map(str::to_string),
                birth,
                issue,
                expiry,
                membership,
                route,
                cert_serial,
                note: optional(Field::Note).map(str::to_string),
                qr: optional(Field::RegistrationQr).map(str::to_string),
                ctx,
            });
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(issue(
            2,
            None,
            "no_rows",
            "データ行がありません".into(),
            "no data rows".into(),
        ));
    }
    Ok((rows, errors, warnings))
}

fn csv_issue(e: &csv::Error) -> ImportIssue {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    issue(
        line,
        None,
        "csv",
        format!("CSVとして読めません: {e}"),
        format!("CSV error: {e}"),
    )
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
    {
        let mut ins = tx.prepare(
            "INSERT INTO cards (card_id, shipment_id, line_no, name, kana, romaji, birth_date,
                issue_date, expiry_date, membership, route, cert_serial, note, registration_qr,
                registration_qr_sha256, arrived_on, updated_at, issue_type, previous_expiry)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        )?;
        let mut key = tx.prepare("INSERT INTO card_search (card_row, key) VALUES (?1, ?2)")?;
        for r in rows {
            let qr_hash =
                r.qr.as_ref()
                    .map(|q| hex::encode(Sha256::digest(q.as_bytes())));
            ins.execute(params![
                r.card_id,
                shipment_id,
                r.line as i64,
                r.name,
                r.kana,
                r.romaji,
                r.birth.to_string(),
                r.issue.to_string(),
                r.expiry.to_string(),
                r.membership.map(|m| m.as_str()),
                r.route.map(|m| m.as_str()),
                r.cert_serial,
                r.note,
                r.qr,
                qr_hash,
                arrived,
                now,
                r.ctx.issue_type.map(IssueType::as_str),
                r.ctx.previous_expiry.map(|d| d.to_string()),
            ])?;
            let row_id = tx.last_insert_rowid();
            key.execute(params![
                row_id,
                card_search_key(&r.name, &r.kana, r.romaji.as_deref(), &r.card_id, r.birth)
            ])?;
        }
    }
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
