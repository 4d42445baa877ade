//! `kofu export`: CSV of the cards, the handovers or the audit log.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use crate::cli::{CliError, Ctx};
use crate::export::{self, CsvEncoding};

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// 出力先ファイル
    #[arg(long)]
    pub out: PathBuf,
    /// 文字コード: utf8（BOM付き、既定）または cp932
    #[arg(long, default_value = "utf8")]
    pub encoding: String,
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// カード一覧
    Cards(ExportArgs),
    /// 交付・発送の記録（取消・郵送結果を含む）
    Handovers(ExportArgs),
    /// 監査ログ
    Audit(ExportArgs),
}

/// A `--encoding` argument for CSV.
pub fn csv_encoding(s: &str) -> Result<CsvEncoding, CliError> {
    CsvEncoding::parse(s).ok_or_else(|| {
        CliError::bad_input(format!(
            "--encoding「{s}」は使えません（utf8 または cp932）"
        ))
    })
}

pub fn run(c: ExportCommand, ctx: &Ctx) -> Result<(), CliError> {
    let store = ctx.open()?;
    let (what, a) = match c {
        ExportCommand::Cards(a) => ("cards", a),
        ExportCommand::Handovers(a) => ("handovers", a),
        ExportCommand::Audit(a) => ("audit", a),
    };
    let enc = csv_encoding(&a.encoding)?;
    let table = match what {
        "cards" => export::cards_table(&store)?,
        "handovers" => export::handovers_table(&store, &ctx.data.id_docs)?,
        _ => export::audit_table(&store)?,
    };
    let n = export::write_csv(&a.out, &table, enc)?;
    ctx.print_result(
        json!({
            "ok": true,
            "what": what,
            "rows": n,
            "encoding": match enc { CsvEncoding::Utf8Bom => "utf8", CsvEncoding::Cp932 => "cp932" },
            "out": a.out.display().to_string(),
        }),
        format!(
            "{n} 件を書き出しました（{}）: {}",
            enc.label(),
            a.out.display()
        ),
    );
    Ok(())
}
