//! `kofu import FILE`: a shipping list, all rows or none.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use serde_json::json;

use super::{CliError, Ctx, Exit, print_json};
use crate::data::DataSet;
use crate::store::import::{ImportError, ImportIssue, ImportOptions, ImportReport};

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// 取り込む CSV ファイル（UTF-8 / UTF-8 BOM / Shift_JIS）
    pub file: PathBuf,
    /// 検証だけ行い、登録しない
    #[arg(long)]
    pub dry_run: bool,
    /// 列プロファイル名（data/manifest-profiles/NAME.toml）
    #[arg(long, default_value = "default")]
    pub profile: String,
}

/// The expiry the rules give, when the rules cover the issue date.
pub fn data_expiry(
    data: &DataSet,
    issued: NaiveDate,
    born: NaiveDate,
    ctx: &crate::domain::expiry::IssueContext,
) -> Option<NaiveDate> {
    data.expiry
        .compute_with(issued, born, ctx)
        .ok()
        .map(|c| c.date)
}

pub fn run(a: ImportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let profile = ctx.data.profile(&a.profile).map_err(CliError::bad_input)?;
    let mut store = ctx.open()?;
    let expected = |issued, born, c: &_| data_expiry(ctx.data, issued, born, c);
    let opts = ImportOptions {
        profile,
        dry_run: a.dry_run,
        officer_id: None,
        arrived_on: ctx.clock.today(),
        expected_expiry: &expected,
    };
    match crate::store::import::import_file(&mut store, &a.file, &opts) {
        Ok(r) => {
            print_report(&r, ctx.json);
            Ok(())
        }
        Err(ImportError::Invalid {
            file,
            errors,
            warnings,
        }) => {
            if ctx.json {
                print_json(&json!({
                    "ok": false,
                    "file": file,
                    "errors": issues_json(&errors),
                    "warnings": issues_json(&warnings),
                }));
            } else {
                for e in &errors {
                    eprintln!("エラー: {}", e.display(&file));
                }
                for w in &warnings {
                    eprintln!("警告: {}", w.display(&file));
                }
                eprintln!(
                    "エラーが {} 件あるため、何も登録していません。ファイルを直して再度取り込んでください。",
                    errors.len()
                );
            }
            Err(CliError::reported(Exit::BadInput))
        }
        Err(e) => {
            let v = json!({ "ok": false, "errors": [{ "message": e.to_string() }] });
            Err(CliError::bad_input(e).with_json(v))
        }
    }
}

fn print_report(r: &ImportReport, json: bool) {
    if json {
        print_json(&json!({
            "ok": true,
            "file": r.file,
            "sha256": r.sha256,
            "encoding": r.encoding,
            "profile": r.profile,
            "rows": r.rows,
            "dry_run": r.dry_run,
            "already_imported": r.already_imported,
            "shipment_id": r.shipment_id,
            "errors": [],
            "warnings": issues_json(&r.warnings),
        }));
        return;
    }
    for w in &r.warnings {
        println!("警告: {}", w.display(&r.file));
    }
    if r.already_imported {
        println!(
            "このファイルは取込済みです（発送リスト #{}）。何も変更していません。",
            r.shipment_id.unwrap_or_default()
        );
    } else if r.dry_run {
        println!(
            "検証のみ: {} 件、エラーなし（文字コード {}、警告 {} 件）。登録はしていません。",
            r.rows,
            r.encoding,
            r.warnings.len()
        );
    } else {
        println!(
            "{} 件を取り込みました（発送リスト #{}、文字コード {}、警告 {} 件）。",
            r.rows,
            r.shipment_id.unwrap_or_default(),
            r.encoding,
            r.warnings.len()
        );
    }
}

fn issues_json(v: &[ImportIssue]) -> serde_json::Value {
    serde_json::Value::Array(
        v.iter()
            .map(|i| {
                json!({
                    "line": i.line,
                    "column": i.column,
                    "column_name": i.column_name,
                    "code": i.code,
                    "message": i.message_en,
                    "message_ja": i.message,
                })
            })
            .collect(),
    )
}
