//! Exports: CSV of cards, handovers and audit events, and printable HTML pages (batch cover lists,
//! appointment day lists, daily and monthly reports).
//!
//! CSV is UTF-8 with a BOM by default (Excel opens it correctly), or CP932 on request. A character
//! CP932 cannot encode (𠮷, IVS selectors, …) is an error naming the row and column: the encoder
//! never silently writes `&#NNNN;`. Files are written to a temporary file next to the target,
//! made owner-only, then renamed into place.
//!
//! This file holds the CSV side (the tables, their encoding, the atomic owner-only write);
//! `html` the printable pages.

mod html;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use crate::domain::office::reports::{daily_summary_lines, monthly_summary_lines, route_label};
pub use html::{
    appointments_html, batch_cover_html, daily_html, esc, html_page, monthly_html, write_html,
};

use crate::domain::date::format_stamp_jst;
use crate::domain::handover::QrHandover;
use crate::domain::iddocs::IdDocuments;
use crate::domain::matching::MatchResult;
use crate::store::office::returns::ReturnBatch;
use crate::store::{CardQuery, Store, StoreError};

/// Output encoding of a CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// Windows-31J (Shift_JIS with Microsoft extensions).
    Cp932,
}

impl CsvEncoding {
    pub fn parse(s: &str) -> Option<CsvEncoding> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf8" | "utf-8" | "utf8bom" | "utf-8-bom" => Some(CsvEncoding::Utf8Bom),
            "cp932" | "sjis" | "shift_jis" | "shift-jis" | "windows-31j" => {
                Some(CsvEncoding::Cp932)
            }
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CsvEncoding::Utf8Bom => "UTF-8 (BOM付き)",
            CsvEncoding::Cp932 => "CP932 (Shift_JIS)",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "{row}行目（見出しを除くデータの{data_row}件目）の列「{column}」の文字「{ch}」(U+{code:04X}) は CP932 で表せません。--encoding utf8 で出力してください"
    )]
    Unmappable {
        /// Line in the file (the header is line 1).
        row: usize,
        /// 1-based data row.
        data_row: usize,
        column: String,
        ch: char,
        code: u32,
    },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("ファイルを書き込めません: {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// An export's failure as the app keeps it: a character CP932 cannot hold is a refusal (the
/// officer can export as UTF-8), a file that cannot be written a fault.
impl From<ExportError> for crate::domain::failure::Failure {
    fn from(e: ExportError) -> Self {
        use crate::domain::failure::Failure;
        match e {
            ExportError::Store(e) => e.into(),
            ExportError::Unmappable { .. } => Failure::refused(e.to_string()),
            ExportError::Io { .. } => Failure::fault(e.to_string()),
        }
    }
}

/// A table to export: column headers and rows of text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Every card.
pub fn cards_table(store: &Store) -> Result<Table, StoreError> {
    let cards = store.search_cards(&CardQuery::default())?;
    Ok(Table {
        headers: strings(&[
            "カードID",
            "氏名",
            "フリガナ",
            "ローマ字氏名",
            "生年月日",
            "発行日",
            "有効期限",
            "会員区分",
            "交付方法",
            "状態",
            "受領書",
            "到着日",
            "発送リスト",
        ]),
        rows: cards
            .into_iter()
            .map(|c| {
                vec![
                    c.card_id,
                    c.name,
                    c.kana,
                    c.romaji.unwrap_or_default(),
                    c.birth_date.to_string(),
                    c.issue_date.to_string(),
                    c.expiry_date.to_string(),
                    c.membership.map(|m| m.label()).unwrap_or("").to_string(),
                    c.route.map(|r| r.label()).unwrap_or("").to_string(),
                    c.state.label().to_string(),
                    c.receipt.map(|r| r.label()).unwrap_or("").to_string(),
                    c.arrived_on.to_string(),
                    c.shipment_id.to_string(),
                ]
            })
            .collect(),
    })
}

/// Every handover and dispatch, with corrections: what the officer recorded, in Japanese
/// labels (the identity documents by name, the match and the QR handover as words, the
/// officer's reason), times in JST to the second. Codes stay in the `--json` outputs.
pub fn handovers_table(store: &Store, id_docs: &IdDocuments) -> Result<Table, StoreError> {
    let rows = store
        .handover_ledger()?
        .into_iter()
        .map(|h| {
            let route_label = match h.route.as_str() {
                "counter_receipt" => "窓口交付（受領書あり）",
                "counter_postcard" => "窓口交付（はがき提出）",
                "mail" => "本人限定受取郵便",
                _ => "",
            };
            let counter = h.route != "mail";
            let docs: Vec<&str> = h
                .id_documents
                .iter()
                .map(|id| id_docs.label_of(id).unwrap_or(id.as_str()))
                .collect();
            let photo = if !counter {
                ""
            } else if h.photo_checked {
                "済"
            } else if id_docs.needs_photo(
                &h.id_documents
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            ) {
                "未"
            } else {
                "不要（写真のない書類）"
            };
            let match_label = match h.match_result.as_str() {
                "match" => MatchResult::Match.label(),
                "near_match" => MatchResult::NearMatch.label(),
                "mismatch" => MatchResult::Mismatch.label(),
                other => other,
            };
            let qr_label = match h.qr.as_str() {
                "shown_on_screen" => QrHandover::ShownOnScreen.label(),
                "printed_sheet" => QrHandover::PrintedSheet.label(),
                "enclosed_in_mail" => QrHandover::EnclosedInMail.label(),
                "none" | "" => "",
                other => other,
            };
            vec![
                h.id.to_string(),
                h.card_id,
                h.name,
                format_stamp_jst(&h.at),
                route_label.to_string(),
                h.officer.unwrap_or_default(),
                docs.join("、"),
                photo.to_string(),
                if !counter {
                    ""
                } else if h.details_confirmed {
                    "済"
                } else {
                    "未"
                }
                .to_string(),
                match_label.to_string(),
                h.match_reasons.join(" ／ "),
                if h.exception { "例外" } else { "" }.to_string(),
                h.officer_note.unwrap_or_default(),
                qr_label.to_string(),
                h.dispatch_date.unwrap_or_default(),
                h.tracking_no.unwrap_or_default(),
                h.cancelled_at
                    .as_deref()
                    .map(format_stamp_jst)
                    .unwrap_or_default(),
                h.cancel_reason.unwrap_or_default(),
                match h.mail_outcome.as_deref() {
                    Some("delivered") => "配達済",
                    Some("returned") => "不達（返送）",
                    _ => "",
                }
                .to_string(),
                h.mail_outcome_on.unwrap_or_default(),
                h.mail_reason.unwrap_or_default(),
            ]
        })
        .collect();
    Ok(Table {
        headers: strings(&[
            "交付番号",
            "カードID",
            "氏名",
            "日時",
            "交付方法",
            "担当者",
            "本人確認書類",
            "写真照合",
            "記載事項確認",
            "照合結果",
            "照合の理由",
            "例外",
            "担当者の記録（理由）",
            "QRコード",
            "発送日",
            "お問い合わせ番号",
            "取消日時",
            "取消理由",
            "郵送結果",
            "郵送結果日",
            "不達の理由",
        ]),
        rows,
    })
}

/// The whole audit trail.
pub fn audit_table(store: &Store) -> Result<Table, StoreError> {
    let events = store.audit_events()?;
    Ok(Table {
        headers: strings(&[
            "番号",
            "日時",
            "担当者ID",
            "種別",
            "カードレコード",
            "内容",
            "ハッシュ",
        ]),
        rows: events
            .into_iter()
            .map(|e| {
                vec![
                    e.seq.to_string(),
                    format_stamp_jst(&e.at),
                    e.officer_id.map(|v| v.to_string()).unwrap_or_default(),
                    e.kind,
                    e.card_row.map(|v| v.to_string()).unwrap_or_default(),
                    e.detail,
                    e.hash,
                ]
            })
            .collect(),
    })
}

/// The cover list of a return batch as a table (card ID, name, kana).
pub fn batch_table(batch: &ReturnBatch) -> Table {
    Table {
        headers: strings(&["No.", "カードID", "氏名", "フリガナ"]),
        rows: batch
            .live_items()
            .enumerate()
            .map(|(i, it)| {
                vec![
                    (i + 1).to_string(),
                    it.card.card_id.clone(),
                    it.card.name.clone(),
                    it.card.kana.clone(),
                ]
            })
            .collect(),
    }
}

/// Encode one text as CP932, or the first character that cannot be encoded.
fn cp932(text: &str) -> Result<Vec<u8>, char> {
    let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(text);
    if !had_errors {
        return Ok(bytes.into_owned());
    }
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        let (_, _, bad) = encoding_rs::SHIFT_JIS.encode(ch.encode_utf8(&mut buf));
        if bad {
            return Err(ch);
        }
    }
    // Unreachable in practice: the whole text failed but no single character did.
    text.chars().next().map_or(Ok(Vec::new()), Err)
}

/// The CSV bytes of a table (CRLF line ends, every field quoted when needed).
pub fn encode_csv(table: &Table, enc: CsvEncoding) -> Result<Vec<u8>, ExportError> {
    if enc == CsvEncoding::Cp932 {
        for (cell_row, row) in std::iter::once(&table.headers)
            .chain(table.rows.iter())
            .enumerate()
        {
            for (col, cell) in row.iter().enumerate() {
                if let Err(ch) = cp932(cell) {
                    return Err(ExportError::Unmappable {
                        row: cell_row + 1,
                        data_row: cell_row,
                        column: table.headers.get(col).cloned().unwrap_or_default(),
                        ch,
                        code: ch as u32,
                    });
                }
            }
        }
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let io_err = |e: csv::Error| ExportError::Io {
        path: PathBuf::from("(CSV)"),
        source: std::io::Error::other(e.to_string()),
    };
    w.write_record(&table.headers).map_err(io_err)?;
    for row in &table.rows {
        w.write_record(row).map_err(io_err)?;
    }
    let text = w.into_inner().map_err(|e| ExportError::Io {
        path: PathBuf::from("(CSV)"),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(match enc {
        CsvEncoding::Utf8Bom => {
            let mut out = b"\xEF\xBB\xBF".to_vec();
            out.extend_from_slice(&text);
            out
        }
        CsvEncoding::Cp932 => {
            let s = String::from_utf8_lossy(&text);
            cp932(&s).map_err(|ch| ExportError::Unmappable {
                row: 0,
                data_row: 0,
                column: String::new(),
                ch,
                code: ch as u32,
            })?
        }
    })
}

/// Write `bytes` to `path` through a temporary file in the same folder (owner-only), then rename.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let io = |p: &Path, e: std::io::Error| ExportError::Io {
        path: p.to_path_buf(),
        source: e,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "export".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| io(&tmp, e))?;
        f.sync_all().map_err(|e| io(&tmp, e))?;
        drop(f);
        crate::store::restrict_permissions(&tmp)
            .map_err(|e| io(&tmp, std::io::Error::other(e.to_string())))?;
        std::fs::rename(&tmp, path).map_err(|e| io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Write a table as CSV to `path`; returns the number of data rows.
pub fn write_csv(path: &Path, table: &Table, enc: CsvEncoding) -> Result<usize, ExportError> {
    let bytes = encode_csv(table, enc)?;
    write_private_atomic(path, &bytes)?;
    tracing::info!(rows = table.rows.len(), "csv export written");
    Ok(table.rows.len())
}

#[cfg(test)]
mod tests;
