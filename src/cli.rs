//! Command-line interface: the TUI by default, subcommands for import, listings, checks and diagnostics.
//!
//! Exit codes: 0 ok, 1 a check failed (or a card did not match), 2 bad input or usage.
//! Human output is Japanese; `--json` gives machine-readable output (English keys).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::clock::Clock;
use crate::data::DataSet;
use crate::domain::CardState;
use crate::domain::record::CardRecord;
use crate::store::import::{ImportError, ImportOptions};
use crate::store::{CardQuery, Store};

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
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// デモ: 模擬カードリーダとデモ用の医師50名で窓口画面を開く（--db なしなら毎回新しいデータベース）
    Demo,
    /// 発送リスト（CSV）を取り込む（全件成功したときだけ登録）
    Import(ImportArgs),
    /// カードの一覧・検索
    Cards(CardsArgs),
    /// 有効期限・手数料の規則を調べる
    #[command(subcommand)]
    Rules(RulesCommand),
    /// 監査ログ
    #[command(subcommand)]
    Audit(AuditCommand),
    /// データベースの点検
    #[command(subcommand)]
    Db(DbCommand),
    /// データベースのバックアップを作成し検証する
    Backup(BackupArgs),
    /// カードリーダの診断（キオスクの設定用）
    #[command(subcommand)]
    Reader(ReaderCommand),
    #[command(flatten)]
    Office(crate::office_cli::OfficeCommand),
}

#[derive(Subcommand, Debug)]
pub enum ReaderCommand {
    /// 接続されているカードリーダを優先順に一覧表示する
    List {
        #[arg(long)]
        json: bool,
    },
    /// カードリーダのイベントを1行ずつ表示する（Ctrl-C で終了）
    Watch,
    /// カードを1枚読み取り、証明書と暗証番号の残り回数を表示する（暗証番号は使いません）
    Read {
        /// このリーダ名（前方一致）を使う（既定: data/desk.toml の reader_prefix、なければ自動）
        #[arg(long)]
        reader: Option<String>,
        /// カードが置かれるまで待つ秒数
        #[arg(long, default_value_t = 10)]
        wait: u64,
        /// このカードIDの記録と照合する
        #[arg(long = "match")]
        match_card: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// サポート用の診断（サービス・リーダ・ATR・HPKIアプリ・暗証番号の残り回数・証明書の発行者など。氏名・生年月日は含みません）
    Diagnose {
        /// 優先するリーダ名（前方一致）
        #[arg(long)]
        reader: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

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
    /// 結果を JSON で出力
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CardsArgs {
    /// 状態で絞り込む（awaiting, handed_over, mailed, delivered, returned）
    #[arg(long)]
    pub state: Option<String>,
    /// 氏名・フリガナ・ローマ字・カードID・生年月日で検索
    #[arg(long)]
    pub search: Option<String>,
    /// JSON で出力
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// 発行日と生年月日から有効期限を計算する（data/rules.toml）
    Expiry {
        /// 発行日（2024-04-01, 令和6年4月1日, R6.4.1 など）
        #[arg(long)]
        issued: String,
        /// 生年月日
        #[arg(long)]
        born: String,
        /// 更新で発行されたカード（旧有効期限まで3か月未満なら6回目の誕生日: data/rules.toml [renewal]、未確認）
        #[arg(long)]
        renewal: bool,
        /// 旧カードの有効期限（--renewal と併用）
        #[arg(long, requires = "renewal")]
        previous_expiry: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 発行手数料の区分を調べる（data/fees.toml）
    Fee {
        /// initial, renewal, reissue-loss, reissue-name, reissue-member
        #[arg(long)]
        kind: String,
        /// 日医非会員
        #[arg(long)]
        non_member: bool,
        /// 医師国家試験の合格年（2022, 令和4年, R4）
        #[arg(long)]
        exam_year: Option<String>,
        /// 申請書の消印日
        #[arg(long)]
        postmark: Option<String>,
        /// マイナポータルからの申請
        #[arg(long)]
        mynaportal: bool,
        /// 判定の基準日（既定: 消印日、なければ今日）
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// ハッシュチェーンを再計算して改ざん・削除を検出する
    Verify {
        /// 紙の日報などに印字された先頭ハッシュと照合する
        #[arg(long)]
        expect_head: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// integrity_check と監査ログの検証
    Check {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// バックアップ先ファイル（既存のファイルには上書きしません）
    pub dest: PathBuf,
    #[arg(long)]
    pub json: bool,
}

/// Exit code 1: a check failed.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code 2: bad input or usage.
pub const EXIT_BAD_INPUT: u8 = 2;

/// The default database path in the platform data directory; logs/ and backups/ go beside it.
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

/// Print a Japanese error to stderr and return exit code 2 (or the given code).
fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("エラー: {msg}");
    ExitCode::from(code)
}

fn print_json(v: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

pub fn main() -> ExitCode {
    #[cfg(unix)]
    // SAFETY: umask only changes this process's file-creation mask; no memory is touched.
    unsafe {
        // Every file kofu creates (database, logs, backups, exports) is owner-only.
        libc::umask(0o077);
    }
    let cli = Cli::parse();
    // The one clock of the program (KOFU_NOW fixes it for tests and training).
    let clock = match Clock::from_env() {
        Ok(c) => c,
        Err(e) => return fail(EXIT_BAD_INPUT, e),
    };
    let db_path = cli.db.clone().unwrap_or_else(default_db_path);
    let _log_guard = db_path
        .parent()
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .and_then(|d| crate::logging::init(&d.join("logs"), &clock));
    let data = match DataSet::load(cli.data_dir.as_deref()) {
        Ok(d) => d,
        Err(e) => return fail(EXIT_BAD_INPUT, e),
    };
    match cli.command {
        None => run_tui(&db_path, data, &clock),
        Some(cmd) => run_command(cmd, &db_path, cli.db.clone(), &data, &clock),
    }
}

/// The demo shipping list, compiled in so `kofu demo` works from the executable alone.
pub const DEMO_MANIFEST: &[u8] = include_bytes!("../data/demo/manifest.csv");

fn run_tui(db: &Path, data: DataSet, clock: &Clock) -> ExitCode {
    // The first start of each day makes a backup (VACUUM INTO backups/kofu-YYYYMMDD.db).
    match Store::open(db, clock) {
        Ok(store) => {
            let dir = crate::store::backoffice::backups::backups_dir(db);
            if let Err(e) = store.auto_backup(&dir, data.desk.backups_keep) {
                // Not fatal for the counter, but the officer must know.
                eprintln!("警告: 自動バックアップに失敗しました: {e}");
                tracing::warn!("automatic backup failed: {e}");
            }
        }
        Err(e) => return fail(EXIT_BAD_INPUT, format!("{}: {e}", db.display())),
    }
    tui(db.to_path_buf(), data, false, clock)
}

fn tui(db: PathBuf, data: DataSet, demo: bool, clock: &Clock) -> ExitCode {
    let opts = crate::runtime::TuiOptions {
        db,
        data,
        demo,
        glyphs: None,
        clock: clock.clone(),
    };
    match crate::runtime::run_tui(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(EXIT_BAD_INPUT, e),
    }
}

/// Where `kofu demo` keeps its database when no `--db` is given: recreated at every start.
pub fn default_demo_db() -> PathBuf {
    default_db_path()
        .parent()
        .map(|d| d.join("demo").join("kofu-demo.db"))
        .unwrap_or_else(|| PathBuf::from("kofu-demo.db"))
}

/// `kofu demo`: the desk screen with the simulated reader on a demo database.
///
/// Without `--db`, a fresh demo database is made at every start. With `--db`, that file is used
/// and the demo shipment imported when it holds no cards; a database holding any other shipment
/// is refused, so demo handovers can never land in a real desk's records.
fn run_demo(explicit_db: Option<PathBuf>, data: DataSet, clock: &Clock) -> ExitCode {
    let db = match explicit_db {
        Some(p) => p,
        None => {
            let p = default_demo_db();
            for suffix in ["", "-wal", "-shm"] {
                let f = PathBuf::from(format!("{}{suffix}", p.display()));
                if f.exists() && std::fs::remove_file(&f).is_err() {
                    return fail(
                        EXIT_BAD_INPUT,
                        format!("デモ用データベースを作り直せません: {}", f.display()),
                    );
                }
            }
            p
        }
    };
    let mut store = match open_store(&db, clock) {
        Ok(s) => s,
        Err(c) => return c,
    };
    use sha2::Digest;
    let demo_hash = hex::encode(sha2::Sha256::digest(DEMO_MANIFEST));
    let foreign: Result<i64, _> = store.conn().query_row(
        "SELECT count(*) FROM shipments WHERE file_sha256 != ?1",
        [&demo_hash],
        |r| r.get(0),
    );
    match foreign {
        Ok(0) => {}
        Ok(_) => {
            return fail(
                EXIT_BAD_INPUT,
                format!(
                    "デモモードはデモ用のデータベースでだけ起動できます（{} には実際の発送リストが取り込まれています）",
                    db.display()
                ),
            );
        }
        Err(e) => return fail(EXIT_BAD_INPUT, e),
    }
    if store.card_count().unwrap_or(0) == 0 {
        let profile = match data.profile("default") {
            Ok(p) => p,
            Err(e) => return fail(EXIT_BAD_INPUT, e),
        };
        let expected = |issued, born, ctx: &_| data_expiry(&data, issued, born, ctx);
        let opts = ImportOptions {
            profile,
            dry_run: false,
            officer_id: None,
            arrived_on: clock.today(),
            expected_expiry: &expected,
        };
        if let Err(e) = crate::store::import::import_bytes(
            &mut store,
            "data/demo/manifest.csv",
            DEMO_MANIFEST,
            &opts,
        ) {
            return fail(EXIT_BAD_INPUT, format!("デモデータを取り込めません: {e}"));
        }
    }
    drop(store);
    tui(db, data, true, clock)
}

fn open_store(db: &Path, clock: &Clock) -> Result<Store, ExitCode> {
    Store::open(db, clock).map_err(|e| fail(EXIT_BAD_INPUT, format!("{}: {e}", db.display())))
}

/// `explicit_db` is `--db`/`KOFU_DB` as given: without it, `kofu demo` makes a fresh demo
/// database instead of using the default one.
fn run_command(
    cmd: Command,
    db: &Path,
    explicit_db: Option<PathBuf>,
    data: &DataSet,
    clock: &Clock,
) -> ExitCode {
    match cmd {
        Command::Demo => run_demo(explicit_db, data.clone(), clock),
        Command::Import(a) => cmd_import(a, db, data, clock),
        Command::Cards(a) => cmd_cards(a, db, clock),
        Command::Rules(r) => cmd_rules(r, data, clock),
        Command::Audit(AuditCommand::Verify { expect_head, json }) => {
            cmd_audit_verify(db, expect_head.as_deref(), json, clock)
        }
        Command::Db(DbCommand::Check { json }) => cmd_db_check(db, json, clock),
        Command::Backup(a) => cmd_backup(db, &a.dest, a.json, clock),
        Command::Reader(r) => cmd_reader(r, db, data, clock),
        Command::Office(c) => crate::office_cli::run(c, db, data, clock),
    }
}

fn cmd_import(a: ImportArgs, db: &Path, data: &DataSet, clock: &Clock) -> ExitCode {
    let profile = match data.profile(&a.profile) {
        Ok(p) => p,
        Err(e) => return fail(EXIT_BAD_INPUT, e),
    };
    let mut store = match open_store(db, clock) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let expected = |issued, born, ctx: &_| data_expiry(data, issued, born, ctx);
    let opts = ImportOptions {
        profile,
        dry_run: a.dry_run,
        officer_id: None,
        arrived_on: clock.today(),
        expected_expiry: &expected,
    };
    match crate::store::import::import_file(&mut store, &a.file, &opts) {
        Ok(r) => {
            if a.json {
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
            } else {
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
            ExitCode::SUCCESS
        }
        Err(ImportError::Invalid {
            file,
            errors,
            warnings,
        }) => {
            if a.json {
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
            ExitCode::from(EXIT_BAD_INPUT)
        }
        Err(e) => {
            if a.json {
                print_json(&json!({ "ok": false, "errors": [{ "message": e.to_string() }] }));
            }
            fail(EXIT_BAD_INPUT, e)
        }
    }
}

fn issues_json(v: &[crate::store::import::ImportIssue]) -> serde_json::Value {
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

/// The expiry the rules give, when the rules cover the issue date.
pub fn data_expiry(
    data: &DataSet,
    issued: chrono::NaiveDate,
    born: chrono::NaiveDate,
    ctx: &crate::domain::expiry::IssueContext,
) -> Option<chrono::NaiveDate> {
    data.expiry
        .compute_with(issued, born, ctx)
        .ok()
        .map(|c| c.date)
}

fn parse_date_arg(what: &str, s: &str) -> Result<chrono::NaiveDate, ExitCode> {
    crate::domain::date::parse_date(s).map_err(|e| fail(EXIT_BAD_INPUT, format!("{what}: {e}")))
}

fn cmd_rules(r: RulesCommand, data: &DataSet, clock: &Clock) -> ExitCode {
    use crate::domain::date::{format_both, parse_year};
    match r {
        RulesCommand::Expiry {
            issued,
            born,
            renewal,
            previous_expiry,
            json,
        } => {
            let (issued, born) = match (
                parse_date_arg("--issued", &issued),
                parse_date_arg("--born", &born),
            ) {
                (Ok(i), Ok(b)) => (i, b),
                (Err(c), _) | (_, Err(c)) => return c,
            };
            let previous_expiry = match previous_expiry
                .as_deref()
                .map(|p| parse_date_arg("--previous-expiry", p))
                .transpose()
            {
                Ok(p) => p,
                Err(c) => return c,
            };
            let ctx = crate::domain::expiry::IssueContext {
                issue_type: renewal.then_some(crate::domain::expiry::IssueType::Renewal),
                previous_expiry,
            };
            match data.expiry.compute_with(issued, born, &ctx) {
                Ok(c) => {
                    if json {
                        print_json(&json!({
                            "issued": issued.to_string(),
                            "born": born.to_string(),
                            "issue_type": ctx.issue_type.map(|t| t.as_str()),
                            "previous_expiry": previous_expiry.map(|d| d.to_string()),
                            "expiry": c.date.to_string(),
                            "rule_id": c.rule_id,
                            "rule_label": c.rule_label,
                            "detail": c.detail,
                        }));
                    } else {
                        println!("有効期限: {}", format_both(c.date));
                        println!("適用した規則: {}（{}）", c.rule_label, c.rule_id);
                        if let Some(d) = &c.detail {
                            println!("  {d}");
                        }
                        println!(
                            "発行日: {} ／ 生年月日: {}",
                            format_both(issued),
                            format_both(born)
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(EXIT_BAD_INPUT, e),
            }
        }
        RulesCommand::Fee {
            kind,
            non_member,
            exam_year,
            postmark,
            mynaportal,
            on,
            json,
        } => {
            let Some(kind) = crate::domain::fees::IssueKind::parse(&kind) else {
                return fail(
                    EXIT_BAD_INPUT,
                    format!(
                        "--kind「{kind}」はありません（initial, renewal, reissue-loss, reissue-name, reissue-member）"
                    ),
                );
            };
            let exam_year = match exam_year.as_deref().map(parse_year).transpose() {
                Ok(y) => y,
                Err(e) => return fail(EXIT_BAD_INPUT, format!("--exam-year: {e}")),
            };
            let postmark = match postmark
                .as_deref()
                .map(|p| parse_date_arg("--postmark", p))
                .transpose()
            {
                Ok(p) => p,
                Err(c) => return c,
            };
            let on = match on.as_deref().map(|p| parse_date_arg("--on", p)).transpose() {
                Ok(o) => o.or(postmark).unwrap_or_else(|| clock.today()),
                Err(c) => return c,
            };
            let case = crate::domain::fees::FeeCase {
                kind,
                membership: if non_member {
                    crate::domain::Membership::NonMember
                } else {
                    crate::domain::Membership::Member
                },
                exam_year,
                postmark,
                via_mynaportal: mynaportal,
            };
            match data.fees.decide(&case, on) {
                Ok(d) => {
                    if json {
                        print_json(&json!({
                            "kind": kind.as_str(),
                            "member": !non_member,
                            "amount_yen": d.amount_yen,
                            "category": d.category,
                            "reasons": d.reasons,
                            "rule_id": d.rule_id,
                        }));
                    } else {
                        println!("{}", d.summary());
                        for r in &d.reasons {
                            println!("  {r}");
                        }
                        println!("（窓口では区分を案内するだけで、手数料は受け取りません）");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(EXIT_BAD_INPUT, e),
            }
        }
    }
}

pub fn card_json(c: &CardRecord) -> serde_json::Value {
    json!({
        "id": c.id,
        "card_id": c.card_id,
        "name": c.name,
        "kana": c.kana,
        "romaji": c.romaji,
        "birth_date": c.birth_date.to_string(),
        "issue_date": c.issue_date.to_string(),
        "expiry_date": c.expiry_date.to_string(),
        "membership": c.membership.map(|m| m.as_str()),
        "route": c.route.map(|r| r.as_str()),
        "cert_serial": c.cert_serial,
        "note": c.note,
        "has_registration_qr": c.has_registration_qr,
        "state": c.state.as_str(),
        "receipt": c.receipt.map(|r| r.as_str()),
        "arrived_on": c.arrived_on.to_string(),
        "shipment_id": c.shipment_id,
    })
}

fn cmd_cards(a: CardsArgs, db: &Path, clock: &Clock) -> ExitCode {
    let state = match a.state.as_deref() {
        None => None,
        Some(s) => match CardState::parse(s) {
            Some(st) => Some(st),
            None => {
                return fail(
                    EXIT_BAD_INPUT,
                    format!(
                        "状態「{s}」はありません（awaiting, handed_over, mailed, delivered, returned）"
                    ),
                );
            }
        },
    };
    let store = match open_store(db, clock) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let q = CardQuery {
        text: a.search.unwrap_or_default(),
        state,
        limit: 0,
    };
    let cards = match store.search_cards(&q) {
        Ok(c) => c,
        Err(e) => return fail(EXIT_BAD_INPUT, e),
    };
    if a.json {
        print_json(&serde_json::Value::Array(
            cards.iter().map(card_json).collect(),
        ));
    } else {
        let mut out = std::io::stdout().lock();
        for c in &cards {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}",
                c.card_id,
                c.name,
                c.kana,
                crate::domain::date::format_wareki(c.birth_date),
                c.state.label(),
                if c.has_registration_qr {
                    "QRあり"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(out, "{} 件", cards.len());
    }
    ExitCode::SUCCESS
}

fn cmd_audit_verify(db: &Path, expect_head: Option<&str>, json: bool, clock: &Clock) -> ExitCode {
    if !db.is_file() {
        return fail(
            EXIT_BAD_INPUT,
            format!("データベースがありません: {}", db.display()),
        );
    }
    let store = match open_store(db, clock) {
        Ok(s) => s,
        Err(c) => return c,
    };
    let r = match store.audit_verify() {
        Ok(r) => r,
        Err(e) => return fail(EXIT_BAD_INPUT, e),
    };
    let head_mismatch = match (expect_head, r.head.as_deref()) {
        (Some(want), Some(have)) => !have.starts_with(&want.to_ascii_lowercase()),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if json {
        print_json(&json!({
            "ok": r.ok() && !head_mismatch,
            "events": r.events,
            "head": r.head,
            "first_bad": r.first_bad,
            "head_matches": expect_head.map(|_| !head_mismatch),
        }));
    } else if let Some(bad) = &r.first_bad {
        println!(
            "監査ログの検証に失敗しました: イベント #{}: {}",
            bad.seq, bad.reason
        );
    } else {
        println!(
            "監査ログは正常です（{} 件）。先頭ハッシュ: {}",
            r.events,
            r.head.as_deref().unwrap_or("（イベントなし）")
        );
        if head_mismatch {
            println!(
                "ただし、指定された先頭ハッシュと一致しません（最新のイベントが削除された可能性があります）。"
            );
        }
    }
    if r.ok() && !head_mismatch {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_CHECK_FAILED)
    }
}

fn cmd_db_check(db: &Path, json: bool, clock: &Clock) -> ExitCode {
    if !db.is_file() {
        return fail(
            EXIT_BAD_INPUT,
            format!("データベースがありません: {}", db.display()),
        );
    }
    let store = match open_store(db, clock) {
        Ok(s) => s,
        Err(c) => return c,
    };
    match store.check() {
        Ok(r) => {
            if json {
                print_json(&json!({ "ok": r.ok(), "integrity": r.integrity, "audit": r.audit }));
            } else {
                let integrity_ok = r.integrity.len() == 1 && r.integrity[0] == "ok";
                println!(
                    "整合性チェック: {}",
                    if integrity_ok {
                        "正常".to_string()
                    } else {
                        r.integrity.join(" / ")
                    }
                );
                match &r.audit.first_bad {
                    None => println!(
                        "監査ログ: 正常（{} 件）先頭ハッシュ: {}",
                        r.audit.events,
                        r.audit.head.as_deref().unwrap_or("（イベントなし）")
                    ),
                    Some(b) => println!("監査ログ: 異常 イベント #{}: {}", b.seq, b.reason),
                }
            }
            if r.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_CHECK_FAILED)
            }
        }
        Err(e) => fail(EXIT_CHECK_FAILED, e),
    }
}

fn cmd_backup(db: &Path, dest: &Path, json: bool, clock: &Clock) -> ExitCode {
    if !db.is_file() {
        return fail(
            EXIT_BAD_INPUT,
            format!("データベースがありません: {}", db.display()),
        );
    }
    let store = match open_store(db, clock) {
        Ok(s) => s,
        Err(c) => return c,
    };
    match store.backup_to(dest) {
        Ok(r) => {
            if json {
                print_json(&json!({
                    "ok": true,
                    "dest": dest.display().to_string(),
                    "audit_events": r.audit.events,
                    "head": r.audit.head,
                }));
            } else {
                println!(
                    "バックアップを作成し検証しました: {}（監査イベント {} 件、先頭ハッシュ {}）",
                    dest.display(),
                    r.audit.events,
                    r.audit.head.as_deref().unwrap_or("なし")
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(EXIT_BAD_INPUT, e),
    }
}

fn reader_prefix(explicit: Option<String>, data: &DataSet) -> Option<String> {
    explicit.or_else(|| data.desk.reader_prefix().map(str::to_string))
}

/// One Japanese line per watcher event (for `kofu reader watch`).
pub fn describe_card_event(e: &crate::card::CardEvent) -> String {
    use crate::card::CardEvent as E;
    match e {
        E::ServiceUnavailable => "カードリーダサービス未起動（再接続を待っています）".into(),
        E::ServiceAvailable => "カードリーダサービスに接続しました".into(),
        E::ReaderAdded(r) => format!("リーダ接続: {r}"),
        E::ReaderRemoved(r) => format!("リーダ取り外し: {r}"),
        E::CardInserted { reader } => format!("カードを検出: {reader}"),
        E::CardRemoved { reader } => format!("カードが離れました: {reader}"),
        E::Reading { reader } => format!("読取中: {reader}"),
        E::ReadFinished { reader, result } => match result {
            Ok(r) => format!(
                "読取完了: {reader}: {}（{}）証明書シリアル {} 有効期限 {}",
                r.certificate
                    .name_kanji
                    .as_deref()
                    .unwrap_or("（漢字氏名なし）"),
                r.certificate.subject_cn,
                r.certificate.serial_hex,
                r.certificate.not_after
            ),
            Err(e) => format!("読取失敗: {reader}: {}", e.user_message()),
        },
        E::WatcherFault(m) => format!("内部エラー（自動で再開します）: {m}"),
    }
}

fn cmd_reader(cmd: ReaderCommand, db: &Path, data: &DataSet, clock: &Clock) -> ExitCode {
    use crate::card::{CardError, WatcherConfig, diag};
    match cmd {
        ReaderCommand::List { json } => match diag::list_readers_with(data.desk.reader_prefix()) {
            Ok(list) => {
                if json {
                    print_json(&serde_json::to_value(&list).unwrap_or_default());
                } else if list.is_empty() {
                    println!("カードリーダが見つかりません");
                } else {
                    for r in &list {
                        println!(
                            "{}{}\t{}{}",
                            r.name,
                            if r.ignored {
                                "（仮想リーダのため無視）"
                            } else {
                                ""
                            },
                            if r.card_present {
                                "カードあり"
                            } else {
                                "カードなし"
                            },
                            r.atr
                                .as_deref()
                                .map(|a| format!(" ATR {a}"))
                                .unwrap_or_default()
                        );
                    }
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(EXIT_BAD_INPUT, e),
        },
        ReaderCommand::Diagnose { reader, json } => {
            let prefix = reader_prefix(reader, data);
            let d = crate::card::diagnose::diagnose(
                prefix.as_deref(),
                &data.issuers,
                &data.reader_hints,
            );
            if json {
                print_json(&serde_json::to_value(&d).unwrap_or_default());
            } else {
                print!("{}", d.to_text());
            }
            ExitCode::SUCCESS
        }
        ReaderCommand::Watch => {
            let config = WatcherConfig {
                preferred_reader: data.desk.reader_prefix().map(str::to_string),
                ..WatcherConfig::default()
            };
            diag::watch(config, |e| {
                println!(
                    "{} {}",
                    clock.now().format("%H:%M:%S"),
                    describe_card_event(e)
                );
                true
            });
            ExitCode::SUCCESS
        }
        ReaderCommand::Read {
            reader,
            wait,
            match_card,
            json,
        } => {
            // Look the record up first: a wrong card ID is a usage error before any card I/O.
            let record = match match_card.as_deref() {
                None => None,
                Some(id) => {
                    let store = match open_store(db, clock) {
                        Ok(s) => s,
                        Err(c) => return c,
                    };
                    match store.card_by_card_id(id) {
                        Ok(Some(r)) => Some(r),
                        Ok(None) => {
                            return fail(
                                EXIT_BAD_INPUT,
                                format!("カードID {id} の記録がありません"),
                            );
                        }
                        Err(e) => return fail(EXIT_BAD_INPUT, e),
                    }
                }
            };
            let prefix = reader_prefix(reader, data);
            let reading =
                match diag::read_once(prefix.as_deref(), std::time::Duration::from_secs(wait)) {
                    Ok(r) => r,
                    Err(e) => {
                        let code = match e {
                            CardError::NotHpki | CardError::Malformed(_) => EXIT_CHECK_FAILED,
                            _ => EXIT_BAD_INPUT,
                        };
                        if json {
                            print_json(&json!({ "error": e.to_string() }));
                        }
                        return fail(code, e);
                    }
                };
            let outcome = record
                .as_ref()
                .map(|r| data.match_card(r, &reading, clock.today()));
            if json {
                let mut v = diag::reading_to_json(&reading, &data.issuers);
                if let (Some(o), Some(obj)) = (&outcome, v.as_object_mut()) {
                    obj.insert(
                        "match".into(),
                        json!({
                            "result": o.result.as_str(),
                            "reasons": o.reasons.iter().map(|r| r.message.clone()).collect::<Vec<_>>(),
                        }),
                    );
                }
                print_json(&v);
            } else {
                let c = &reading.certificate;
                println!("リーダ: {}", reading.reader);
                println!("ATR: {}", reading.atr);
                if let Some(uid) = &reading.uid {
                    println!("UID（診断用、本人確認には使いません）: {uid}");
                }
                println!(
                    "アプリケーション: {}",
                    match reading.application {
                        crate::domain::card_facts::HpkiApplication::Auth => "認証用",
                        crate::domain::card_facts::HpkiApplication::Sign => "署名用",
                    }
                );
                println!(
                    "氏名（漢字）: {}",
                    c.name_kanji.as_deref().unwrap_or("（なし）")
                );
                println!("氏名（ローマ字）: {}", c.subject_cn);
                println!("資格: {}", c.role.as_deref().unwrap_or("（なし）"));
                println!("有効期間: {} 〜 {}", c.not_before, c.not_after);
                println!("証明書シリアル: {}", c.serial_hex);
                println!("発行者: {}", c.issuer);
                match data.issuers.find(&c.issuer) {
                    Some(e) => println!("  既知の発行者: {}", e.display()),
                    None if data.issuers.contains(&c.issuer) => println!("  既知の発行者"),
                    None => println!(
                        "  {}",
                        crate::domain::issuers::unknown_issuer_message(&c.issuer)
                    ),
                }
                for p in &c.policies {
                    println!("証明書ポリシー: {}", data.issuers.policy_text(p));
                }
                match (reading.pin.blocked, reading.pin.tries_left) {
                    (true, _) => println!("暗証番号: ロックされています"),
                    (false, Some(n)) => println!("暗証番号: 残り {n} 回"),
                    (false, None) => println!("暗証番号: 残り回数不明"),
                }
                if let Some(o) = &outcome {
                    println!("照合結果: {}", o.result.label());
                    for r in &o.reasons {
                        println!("  {}", r.message);
                    }
                }
            }
            match outcome {
                Some(o) if o.result == crate::domain::matching::MatchResult::Mismatch => {
                    ExitCode::from(EXIT_CHECK_FAILED)
                }
                _ => ExitCode::SUCCESS,
            }
        }
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
            crate::store::backoffice::backups::backups_dir(&db),
            appdata.join("kofu").join("backups")
        );
    }
}
