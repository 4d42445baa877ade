//! Command-line interface: the desk screen by default, subcommands for import, listings, checks,
//! diagnostics and the back office.
//!
//! Exit codes: 0 ok, 1 a check failed (or a card did not match), 2 bad input or usage.
//! Human output is Japanese; the global `--json` (accepted before or after the subcommand) gives
//! machine-readable output with English keys.
//!
//! Layout (atuin's `command/client/store.rs` shape): this file holds the [`Cli`] parser, the global
//! flags, [`main`], the dispatch and the one [`CliError`] → [`ExitCode`] mapping, which also prints
//! every error (ripgrep's `main.rs`). Each command group is one file with its own clap `Args` or
//! `Subcommand` and a `run(cmd, &Ctx) -> Result<(), CliError>`:
//!
//! - [`tui`]: `kofu` (the desk screen) and `kofu demo`;
//! - [`import`], [`cards`], [`rules`], [`reader`];
//! - [`audit`]: `audit verify`, `db check` and `backup` — the three commands that check the audit
//!   chain of the database (or of its copy);
//! - [`office`]: the back office, one file per feature with the name it has in `store` and `app`
//!   (`arrival`, `appointments`, `receipts`, `mail`, `uncollected`, `reports`, `export`, `backup`
//!   for restore and auto-backup, `officers`; `returns` holds the batch verbs that `receipts` and
//!   `uncollected return-batch` share, as `store/office/returns.rs` does).
//!
//! Under `--json`, back-office commands also print every error as `{"ok": false, "error": …}` on
//! stdout; the other commands print their errors on stderr only (unless an error carries its own
//! JSON, as `import` and `reader read` do). That difference is kept as it was; it lives in one
//! line of [`office::run`].

pub mod audit;
pub mod cards;
pub mod import;
pub mod office;
pub mod reader;
pub mod rules;
pub mod tui;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use serde_json::json;

use crate::clock::Clock;
use crate::data::DataSet;
use crate::export::ExportError;
use crate::store::{Store, StoreError};

#[derive(Parser, Debug)]
#[command(
    name = "kofu",
    version,
    about = "医師資格証 交付窓口ツール (kofu)",
    long_about = "医師資格証（HPKIカード）の交付窓口で、カードの受入・本人確認・カード読取・交付・受領書の管理を行います。\nサブコマンドなしで起動すると窓口画面（TUI）を開きます。"
)]
pub struct Cli {
    /// データベースファイル（既定: OS のデータフォルダの kofu.db）
    #[arg(long, env = "KOFU_DB", global = true)]
    pub db: Option<PathBuf>,
    /// 規則・設定ファイルのフォルダ（既定: 実行ファイルの隣の data/、なければ組み込み）
    #[arg(long, env = "KOFU_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// 結果を JSON で出力（キーは英語）
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// デモ: 模擬カードリーダとデモ用の医師50名で窓口画面を開く（--db なしなら毎回新しいデータベース）
    Demo,
    /// 発送リスト（CSV）を取り込む（全件成功したときだけ登録）
    Import(import::ImportArgs),
    /// カードの一覧・検索
    Cards(cards::CardsArgs),
    /// 有効期限・手数料の規則を調べる
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// 監査ログ
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// データベースの点検
    #[command(subcommand)]
    Db(audit::DbCommand),
    /// データベースのバックアップを作成し検証する
    Backup(audit::BackupArgs),
    /// カードリーダの診断（キオスクの設定用）
    #[command(subcommand)]
    Reader(reader::ReaderCommand),
    #[command(flatten)]
    Office(office::OfficeCommand),
}

/// What every command runs with: made once in [`main`].
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The database: `--db`/`KOFU_DB`, else the platform default.
    pub db: &'a Path,
    /// `--db`/`KOFU_DB` as given (without it, `kofu demo` makes a fresh demo database).
    pub explicit_db: Option<&'a Path>,
    pub data: &'a DataSet,
    /// The one clock of the program (`KOFU_NOW` fixes it for tests and training).
    pub clock: &'a Clock,
    /// The global `--json`.
    pub json: bool,
}

impl Ctx<'_> {
    /// Open (or create) the database.
    pub fn open(&self) -> Result<Store, CliError> {
        Store::open(self.db, self.clock)
            .map_err(|e| CliError::bad_input(format!("{}: {e}", self.db.display())))
    }

    /// Open a database that must already exist (checks and backups never create one).
    pub fn open_existing(&self) -> Result<Store, CliError> {
        if !self.db.is_file() {
            return Err(CliError::bad_input(format!(
                "データベースがありません: {}",
                self.db.display()
            )));
        }
        self.open()
    }

    /// A command's result: `v` under `--json`, else `human` as one line.
    pub fn print_result(&self, v: serde_json::Value, human: impl std::fmt::Display) {
        if self.json {
            print_json(&v);
        } else {
            println!("{human}");
        }
    }

    /// Refuse `--json` for a command that has only human output (the desk screen, a live watch,
    /// files written).
    pub fn human_only(&self) -> Result<(), CliError> {
        if self.json {
            Err(CliError::bad_input(
                "--json はこのコマンドでは使えません（出力は人向けの表示だけです）",
            ))
        } else {
            Ok(())
        }
    }
}

/// Exit codes other than 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 1: a check failed (audit chain broken, card mismatch, unresolved arrival problem, wrong passphrase).
    CheckFailed = 1,
    /// 2: bad input or usage, or a refused action.
    BadInput = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// Why a command stopped: the exit code, the Japanese line for stderr, and what `--json` adds on
/// stdout. Printed in one place, `CliError::report`.
#[derive(Debug)]
pub struct CliError {
    exit: Exit,
    /// One `エラー: …` line each on stderr; none when the command has already printed its own
    /// report.
    messages: Vec<String>,
    /// Printed on stdout (before the stderr line) under `--json`.
    json: Option<serde_json::Value>,
}

impl CliError {
    /// Exit 2 with a Japanese message.
    pub fn bad_input(msg: impl std::fmt::Display) -> Self {
        CliError {
            exit: Exit::BadInput,
            messages: vec![msg.to_string()],
            json: None,
        }
    }

    /// Exit 1 with a Japanese message.
    pub fn check_failed(msg: impl std::fmt::Display) -> Self {
        CliError {
            exit: Exit::CheckFailed,
            messages: vec![msg.to_string()],
            json: None,
        }
    }

    /// The command printed its own report (a failed check, an import's list of errors): only the
    /// exit code is left to give.
    pub fn reported(exit: Exit) -> Self {
        CliError {
            exit,
            messages: Vec::new(),
            json: None,
        }
    }

    /// Under `--json`, also print `v` on stdout.
    pub fn with_json(mut self, v: serde_json::Value) -> Self {
        self.json = Some(v);
        self
    }

    /// Under `--json`, also print `{"ok": false, "error": message}`, unless the error already
    /// carries its own JSON or was reported.
    pub fn with_json_error(self) -> Self {
        match (&self.json, self.messages.first()) {
            (None, Some(m)) => {
                let v = json!({ "ok": false, "error": m });
                self.with_json(v)
            }
            _ => self,
        }
    }

    /// Both errors, when two arguments are wrong at once (each gets its line).
    pub fn and(mut self, other: CliError) -> Self {
        self.messages.extend(other.messages);
        self
    }

    pub fn exit(&self) -> Exit {
        self.exit
    }

    /// Print the error: its JSON on stdout under `--json`, then `エラー: …` on stderr.
    fn report(&self, json: bool) {
        if let (true, Some(v)) = (json, &self.json) {
            print_json(v);
        }
        for m in &self.messages {
            eprintln!("エラー: {m}");
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::bad_input(e)
    }
}

impl From<ExportError> for CliError {
    fn from(e: ExportError) -> Self {
        CliError::bad_input(e)
    }
}

/// Pretty JSON and a newline on stdout.
pub fn print_json(v: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

/// A date argument (every form `parse_date` takes); the error names the flag.
pub fn parse_date_arg(what: &str, s: &str) -> Result<NaiveDate, CliError> {
    crate::domain::date::parse_date(s).map_err(|e| CliError::bad_input(format!("{what}: {e}")))
}

/// An optional date argument: today (JST, from the clock) when absent. The year may be left
/// out (`12/3` is in the clock's current year).
pub fn date_or_today(what: &str, s: Option<&str>, clock: &Clock) -> Result<NaiveDate, CliError> {
    match s {
        None => Ok(clock.today()),
        Some(s) => crate::domain::date::parse_date_in_year(s, clock.today())
            .map_err(|e| CliError::bad_input(format!("{what}: {e}"))),
    }
}

/// Check a date argument against the date rules (issue 11 #4); the error names the flag.
pub fn check_date_rule(
    what: &str,
    rule: &crate::domain::date_rules::DateRule,
    date: NaiveDate,
    clock: &Clock,
) -> Result<(), CliError> {
    rule.check(date, clock.today())
        .map_err(|e| CliError::bad_input(format!("{what}: {e}")))
}

/// The default database path in the platform data directory.
///
/// On Windows that is `%APPDATA%\kofu\kofu.db` (the roaming AppData folder, which only the
/// user, SYSTEM and Administrators can read), not the `kofu\kofu\data` that `ProjectDirs`
/// would give: one short folder the desk's instructions can name.
pub fn default_db_path() -> PathBuf {
    #[cfg(windows)]
    {
        directories::BaseDirs::new()
            .map(|d| d.config_dir().join("kofu").join("kofu.db"))
            .unwrap_or_else(|| PathBuf::from("kofu.db"))
    }
    #[cfg(not(windows))]
    {
        directories::ProjectDirs::from("jp", "kofu", "kofu")
            .map(|d| d.data_dir().join("kofu.db"))
            .unwrap_or_else(|| PathBuf::from("kofu.db"))
    }
}

pub fn main() -> ExitCode {
    #[cfg(unix)]
    // SAFETY: umask only changes this process's file-creation mask; no memory is touched.
    unsafe {
        // Every file kofu creates (database, logs, backups, exports) is owner-only.
        libc::umask(0o077);
    }
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            e.report(json);
            e.exit().into()
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    // The one clock of the program (KOFU_NOW fixes it for tests and training).
    let clock = Clock::from_env().map_err(CliError::bad_input)?;
    let db = cli.db.clone().unwrap_or_else(default_db_path);
    let _log_guard = db
        .parent()
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .and_then(|d| crate::logging::init(&d.join("logs"), &clock));
    let data = DataSet::load(cli.data_dir.as_deref()).map_err(CliError::bad_input)?;
    let ctx = Ctx {
        db: &db,
        explicit_db: cli.db.as_deref(),
        data: &data,
        clock: &clock,
        json: cli.json,
    };
    match cli.command {
        None => tui::desk(&ctx),
        Some(Command::Demo) => tui::demo(&ctx),
        Some(Command::Import(a)) => import::run(a, &ctx),
        Some(Command::Cards(a)) => cards::run(a, &ctx),
        Some(Command::Rules(c)) => rules::run(c, &ctx),
        Some(Command::Audit(c)) => audit::run_audit(c, &ctx),
        Some(Command::Db(c)) => audit::run_db(c, &ctx),
        Some(Command::Backup(a)) => audit::run_backup(a, &ctx),
        Some(Command::Reader(c)) => reader::run(c, &ctx),
        Some(Command::Office(c)) => office::run(c, &ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_numbers() {
        assert_eq!(Exit::CheckFailed as u8, 1);
        assert_eq!(Exit::BadInput as u8, 2);
        assert_eq!(CliError::bad_input("x").exit(), Exit::BadInput);
        assert_eq!(CliError::check_failed("x").exit(), Exit::CheckFailed);
    }

    #[test]
    fn the_back_office_json_error_never_replaces_an_error_s_own_json() {
        let plain = CliError::bad_input("だめ").with_json_error();
        assert_eq!(plain.json, Some(json!({ "ok": false, "error": "だめ" })));
        let own = CliError::bad_input("だめ")
            .with_json(json!({ "error": "own" }))
            .with_json_error();
        assert_eq!(own.json, Some(json!({ "error": "own" })));
        let reported = CliError::reported(Exit::CheckFailed).with_json_error();
        assert!(reported.json.is_none() && reported.messages.is_empty());
    }

    #[test]
    fn two_wrong_arguments_give_two_lines() {
        let e = CliError::bad_input("--issued: x").and(CliError::bad_input("--born: y"));
        assert_eq!(e.messages, ["--issued: x", "--born: y"]);
    }
}

#[cfg(all(test, windows))]
mod windows_tests {
    /// The database, logs and backups live in `%APPDATA%\kofu` (run under Wine by the
    /// Windows stage, where Wine sets APPDATA as Windows does).
    #[test]
    fn the_default_database_is_in_appdata_kofu() {
        let db = super::default_db_path();
        let appdata = std::path::PathBuf::from(std::env::var_os("APPDATA").expect("APPDATA set"));
        assert_eq!(db, appdata.join("kofu").join("kofu.db"));
        assert_eq!(
            crate::store::office::backups::backups_dir(&db),
            appdata.join("kofu").join("backups")
        );
    }
}
