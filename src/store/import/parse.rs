//! Reading and validating a manifest: the bytes decoded (UTF-8 or CP932), the header mapped
//! through the column profile, every row checked field by field into a [`Row`] or an
//! [`ImportIssue`] with its place. Nothing is written here; the one query asks whether a card ID
//! is already in the database.

use std::collections::HashMap;

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use super::{Field, ImportIssue, ImportOptions};
use crate::domain::date::parse_date;
use crate::domain::expiry::{IssueContext, IssueType};
use crate::domain::manifest::header_key;
use crate::domain::{Membership, Route};
use crate::store::{Store, StoreError, normalise_serial};

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

/// One valid data row, as `write` stores it.
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) card_id: String,
    pub(super) name: String,
    pub(super) kana: String,
    pub(super) romaji: Option<String>,
    pub(super) birth: NaiveDate,
    pub(super) issue: NaiveDate,
    pub(super) expiry: NaiveDate,
    pub(super) membership: Option<Membership>,
    pub(super) route: Option<Route>,
    pub(super) cert_serial: Option<String>,
    pub(super) note: Option<String>,
    pub(super) qr: Option<String>,
    pub(super) ctx: IssueContext,
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

pub(super) type Validated = (Vec<Row>, Vec<ImportIssue>, Vec<ImportIssue>);

pub(super) fn validate(
    store: &Store,
    text: &str,
    opts: &ImportOptions<'_>,
) -> Result<Validated, StoreError> {
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
        let issue_type = coded(optional(Field::IssueType), IssueType::parse, |v| {
            errors.push(issue(
                line,
                place(Field::IssueType),
                "bad_issue_type",
                format!("発行区分は「新規」「更新」「再発行」のどれかです: 「{v}」"),
                format!("issue type must be 新規, 更新 or 再発行: {v}"),
            ))
        });
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
        let membership = coded(optional(Field::Membership), Membership::parse, |v| {
            errors.push(issue(
                line,
                place(Field::Membership),
                "bad_membership",
                format!("会員区分は「会員」か「非会員」です: 「{v}」"),
                format!("membership must be 会員 or 非会員: {v}"),
            ))
        });
        let route = coded(optional(Field::Route), Route::parse, |v| {
            errors.push(issue(
                line,
                place(Field::Route),
                "bad_route",
                format!("交付方法は「窓口」か「郵送」です: 「{v}」"),
                format!("route must be 窓口 or 郵送: {v}"),
            ))
        });
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

/// A coded column (発行区分, 会員区分, 交付方法): empty is None, and so is a value `parse` does not
/// know, after `refuse` has recorded it.
fn coded<T>(
    v: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    refuse: impl FnOnce(&str),
) -> Option<T> {
    let v = v?;
    let t = parse(v);
    if t.is_none() {
        refuse(v);
    }
    t
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
