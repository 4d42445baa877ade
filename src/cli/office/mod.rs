//! The back office: arrival checks, appointments, receipt returns, restricted-delivery mail,
//! uncollected cards, reports, exports, restore and the daily backup, officers.
//!
//! One file per feature, named as in `store/office/` and `app/office/` (受領書返送 is
//! `receipts`); `returns` holds the batch verbs `receipts batch` and `uncollected return-batch`
//! share. The commands are flattened into the top level (`kofu receipts pending`). Commands that
//! change something take `--officer NAME` ([`OfficerArg`]).

pub mod appointments;
pub mod arrival;
pub mod backup;
pub mod export;
pub mod mail;
pub mod officers;
pub mod receipts;
pub mod reports;
pub mod returns;
pub mod uncollected;

use std::io::BufRead;

use clap::{Args, Subcommand};
use unicode_width::UnicodeWidthStr;

use super::{CliError, Ctx};
use crate::store::Store;

#[derive(Subcommand, Debug)]
pub enum OfficeCommand {
    /// 入荷確認の状況（読取済・不一致・未読取・名簿にないカード）
    #[command(subcommand)]
    Arrival(arrival::ArrivalCommand),
    /// 来庁予約
    #[command(subcommand)]
    Appointment(appointments::AppointmentCommand),
    /// 対面交付用受領書の返送（返送待ち・返送バッチ）
    #[command(subcommand)]
    Receipts(receipts::ReceiptsCommand),
    /// 本人限定受取郵便（郵送中のカード・配達済・不達）
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// 未交付カード（連絡・保留・JMACAへの返却）
    #[command(subcommand)]
    Uncollected(uncollected::UncollectedCommand),
    /// 日報・月報
    #[command(subcommand)]
    Report(reports::ReportCommand),
    /// CSV 出力（カード・交付記録・監査ログ）
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// バックアップから復元する（整合性と監査ログを検証してから置き換え）
    Restore(backup::RestoreArgs),
    /// 日次の自動バックアップ（その日の分がなければ作成し、古いものを整理）
    AutoBackup,
    /// 交付担当者
    #[command(subcommand)]
    Officer(officers::OfficerCommand),
}

/// Run a back-office subcommand. Under `--json` every error is also printed as
/// `{"ok": false, "error": …}` on stdout (the back-office convention).
pub fn run(cmd: OfficeCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        OfficeCommand::Arrival(c) => arrival::run(c, ctx),
        OfficeCommand::Appointment(c) => appointments::run(c, ctx),
        OfficeCommand::Receipts(c) => receipts::run(c, ctx),
        OfficeCommand::Mail(c) => mail::run(c, ctx),
        OfficeCommand::Uncollected(c) => uncollected::run(c, ctx),
        OfficeCommand::Report(c) => reports::run(c, ctx),
        OfficeCommand::Export(c) => export::run(c, ctx),
        OfficeCommand::Restore(a) => backup::restore(a, ctx),
        OfficeCommand::AutoBackup => backup::auto_backup(ctx),
        OfficeCommand::Officer(c) => officers::run(c, ctx),
    }
    .map_err(CliError::with_json_error)
}

/// Who does it: an officer by name (a disabled officer is refused).
#[derive(Args, Debug, Clone, Default)]
pub struct OfficerArg {
    /// 操作する担当者名（パスフレーズがある担当者は --passphrase-stdin が必要）
    #[arg(long, env = "KOFU_OFFICER")]
    pub officer: Option<String>,
    /// 担当者のパスフレーズを標準入力から読む
    #[arg(long)]
    pub passphrase_stdin: bool,
}

impl OfficerArg {
    /// The officer's row id: must exist, be active, and (with a passphrase) verify.
    pub fn resolve(&self, store: &Store) -> Result<Option<i64>, CliError> {
        let Some(name) = self
            .officer
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            return Ok(None);
        };
        let Some(o) = store.officer_by_name(name)? else {
            return Err(CliError::bad_input(format!(
                "担当者「{name}」は登録されていません"
            )));
        };
        if !o.active {
            return Err(CliError::bad_input(format!(
                "担当者「{name}」は無効化されています。別の担当者を選んでください"
            )));
        }
        if o.has_passphrase {
            if !self.passphrase_stdin {
                return Err(CliError::bad_input(format!(
                    "担当者「{name}」にはパスフレーズがあります。--passphrase-stdin で入力してください"
                )));
            }
            let p = read_passphrase()?;
            if !store.verify_officer_passphrase(o.id, &p) {
                tracing::warn!(officer_id = o.id, "officer passphrase rejected");
                return Err(CliError::check_failed("パスフレーズが違います"));
            }
        }
        Ok(Some(o.id))
    }
}

/// One line from stdin, without its line ending.
pub fn read_passphrase() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::bad_input(format!("標準入力を読めません: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Pad to a display width (wide characters count two cells).
pub fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    let mut o = s.to_string();
    for _ in w..width {
        o.push(' ');
    }
    o
}

/// The row ids of JMACA card IDs given on the command line (blank entries skipped).
pub fn card_rows(store: &Store, ids: &[String]) -> Result<Vec<i64>, CliError> {
    ids.iter()
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .map(|i| Ok(store.require_card_id(i)?.id))
        .collect()
}
