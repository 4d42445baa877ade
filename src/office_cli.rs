//! Back-office subcommands: arrival status, appointments, receipt returns, restricted-delivery
//! mail, uncollected cards, reports, exports, restore and officers.
//!
//! Flattened into `cli::Command` by the lead. Exit codes as in `cli`: 0 ok, 1 a check failed,
//! 2 bad input, usage or a refused action. Human output is Japanese; `--json` gives
//! machine-readable output (English keys).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde_json::json;
use unicode_width::UnicodeWidthStr;

use crate::clock::Clock;
use crate::data::DataSet;
use crate::domain::date::{format_both, parse_date};
use crate::export::{self, CsvEncoding, ExportError};
use crate::store::backoffice::appointments::parse_appointment_time;
use crate::store::backoffice::returns::{BatchKind, ReturnBatch};
use crate::store::backoffice::uncollected::{ContactMethod, UncollectedCard};
use crate::store::backoffice::{UncollectedRules, backups};
use crate::store::{Store, StoreError};

const EXIT_CHECK_FAILED: u8 = 1;
const EXIT_BAD_INPUT: u8 = 2;

#[derive(Subcommand, Debug)]
pub enum OfficeCommand {
    /// 入荷確認の状況（読取済・不一致・未読取・名簿にないカード）
    #[command(subcommand)]
    Arrival(ArrivalCommand),
    /// 来庁予約
    #[command(subcommand)]
    Appointment(AppointmentCommand),
    /// 対面交付用受領書の返送（返送待ち・返送バッチ）
    #[command(subcommand)]
    Receipts(ReceiptsCommand),
    /// 本人限定受取郵便（郵送中のカード・配達済・不達）
    #[command(subcommand)]
    Mail(MailCommand),
    /// 未交付カード（連絡・保留・JMACAへの返却）
    #[command(subcommand)]
    Uncollected(UncollectedCommand),
    /// 日報・月報
    #[command(subcommand)]
    Report(ReportCommand),
    /// CSV 出力（カード・交付記録・監査ログ）
    #[command(subcommand)]
    Export(ExportCommand),
    /// バックアップから復元する（整合性と監査ログを検証してから置き換え）
    Restore(RestoreArgs),
    /// 日次の自動バックアップ（その日の分がなければ作成し、古いものを整理）
    AutoBackup {
        #[arg(long)]
        json: bool,
    },
    /// 交付担当者
    #[command(subcommand)]
    Officer(OfficerCommand),
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

#[derive(Subcommand, Debug)]
pub enum ArrivalCommand {
    /// 発送リストごとの入荷確認の状況（未解決の不一致・名簿にないカードがあれば終了コード 1）
    Status {
        /// 発送リスト番号（省略時は全件）
        #[arg(long)]
        shipment: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// 入荷確認の不一致を解決済にする（内容を記録）
    Resolve {
        card_id: String,
        #[arg(long)]
        note: String,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AppointmentCommand {
    /// 予約を登録・変更する
    Set {
        card_id: String,
        /// 日時（例: "2026-11-25 10:30"）
        #[arg(long)]
        at: String,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// 予約を取り消す
    Clear {
        card_id: String,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// 1日分の予約一覧
    List {
        /// 日付（省略時は今日）
        #[arg(long)]
        date: Option<String>,
        /// 印刷用 HTML を書き出す
        #[arg(long)]
        html: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReceiptsCommand {
    /// 返送待ちの受領書（回収済・バッチ未作成）と返送の目安日（data/rules.toml [receipts]）
    Pending {
        /// この日を基準に目安を過ぎたか判断する（既定: 今日）
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 返送バッチ
    #[command(subcommand)]
    Batch(BatchCommand),
}

#[derive(Subcommand, Debug)]
pub enum BatchCommand {
    /// バッチを作る（--cards 省略時は返送待ちの全件）
    Create {
        /// カードID（カンマ区切り）
        #[arg(long, value_delimiter = ',')]
        cards: Option<Vec<String>>,
        /// お問い合わせ番号
        #[arg(long)]
        tracking: Option<String>,
        /// 作成日（省略時は今日）
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// バッチを送付済にする
    Sent {
        number: String,
        /// 送付日（省略時は今日）
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        tracking: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// バッチを取り消す・送付済を訂正する（理由必須）
    Reopen {
        number: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// バッチの一覧
    List {
        #[arg(long)]
        json: bool,
    },
    /// 送付状（HTML）・一覧（CSV）を書き出す
    Cover {
        number: String,
        #[arg(long)]
        html: Option<PathBuf>,
        #[arg(long)]
        csv: Option<PathBuf>,
        /// CSV の文字コード（utf8 または cp932）
        #[arg(long, default_value = "utf8")]
        encoding: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum MailCommand {
    /// 郵送中のカード（お問い合わせ番号つき）
    List {
        #[arg(long)]
        json: bool,
    },
    /// 配達済を記録する
    Delivered {
        card_id: String,
        /// 配達日（省略時は今日）
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// 不達（返送されてきた）を記録する。カードは交付待ちに戻る
    Returned {
        card_id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum UncollectedCommand {
    /// 交付待ちのカード（到着からの日数・連絡・保留）
    List {
        /// 連絡・再連絡・返却の時期が来たものだけ
        #[arg(long)]
        due: bool,
        /// 基準日（省略時は今日）
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 連絡を記録する
    Contact {
        card_id: String,
        /// phone（電話）, letter（郵便）, mail（メール）
        #[arg(long)]
        by: String,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// 保留にする（例: 入院中）
    Hold {
        card_id: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// 保留を解除する
    Unhold {
        card_id: String,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// JMACA への返却バッチ
    #[command(subcommand)]
    ReturnBatch(ReturnBatchCommand),
}

#[derive(Subcommand, Debug)]
pub enum ReturnBatchCommand {
    /// 返却バッチを作る（--cards か --due のどちらか）
    Create {
        #[arg(long, value_delimiter = ',')]
        cards: Option<Vec<String>>,
        /// 返却の時期が来たカードをすべて入れる
        #[arg(long)]
        due: bool,
        #[arg(long)]
        tracking: Option<String>,
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// 送付済にする（カードは返却済になる）
    Sent {
        number: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        tracking: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// 未送付のバッチを取り消す
    Reopen {
        number: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        who: OfficerArg,
        #[arg(long)]
        json: bool,
    },
    /// 返却バッチの一覧
    List {
        #[arg(long)]
        json: bool,
    },
    /// 送付状（HTML）・一覧（CSV）を書き出す
    Cover {
        number: String,
        #[arg(long)]
        html: Option<PathBuf>,
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long, default_value = "utf8")]
        encoding: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// 日報（交付方法別の件数・郵送・返却・カード一覧・監査ログ先頭ハッシュ）
    Daily {
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        html: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// 月報（受入・交付・郵送・返却・月末の未交付）
    Monthly {
        /// 対象月（例: 2026-11）
        #[arg(long)]
        month: String,
        #[arg(long)]
        html: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// 出力先ファイル
    #[arg(long)]
    pub out: PathBuf,
    /// 文字コード: utf8（BOM付き、既定）または cp932
    #[arg(long, default_value = "utf8")]
    pub encoding: String,
    #[arg(long)]
    pub json: bool,
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

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// 復元元のバックアップファイル
    pub src: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum OfficerCommand {
    /// 担当者を登録する
    Add {
        name: String,
        /// パスフレーズを標準入力から読んで設定する
        #[arg(long)]
        passphrase_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// 担当者の一覧（無効化された担当者を含む）
    List {
        #[arg(long)]
        json: bool,
    },
    /// 担当者を無効化する（記録には残る）
    Disable {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

/// A failed command: exit code and Japanese message.
struct Fail {
    code: u8,
    msg: String,
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail {
            code: EXIT_BAD_INPUT,
            msg: e.to_string(),
        }
    }
}

impl From<ExportError> for Fail {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Store(s) => s.into(),
            other => Fail {
                code: EXIT_BAD_INPUT,
                msg: other.to_string(),
            },
        }
    }
}

fn bad(msg: impl std::fmt::Display) -> Fail {
    Fail {
        code: EXIT_BAD_INPUT,
        msg: msg.to_string(),
    }
}

type Res = Result<(), Fail>;

fn print_json(v: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

impl OfficeCommand {
    /// Whether the command asked for JSON output (errors are then also printed as JSON).
    pub fn wants_json(&self) -> bool {
        use AppointmentCommand as Ap;
        use ReturnBatchCommand as Rb;
        match self {
            OfficeCommand::Arrival(ArrivalCommand::Status { json, .. })
            | OfficeCommand::Arrival(ArrivalCommand::Resolve { json, .. })
            | OfficeCommand::Appointment(Ap::Set { json, .. })
            | OfficeCommand::Appointment(Ap::Clear { json, .. })
            | OfficeCommand::Appointment(Ap::List { json, .. })
            | OfficeCommand::Receipts(ReceiptsCommand::Pending { json, .. })
            | OfficeCommand::Receipts(ReceiptsCommand::Batch(BatchCommand::Create {
                json, ..
            }))
            | OfficeCommand::Receipts(ReceiptsCommand::Batch(BatchCommand::Sent {
                json, ..
            }))
            | OfficeCommand::Receipts(ReceiptsCommand::Batch(BatchCommand::Reopen {
                json, ..
            }))
            | OfficeCommand::Receipts(ReceiptsCommand::Batch(BatchCommand::List { json }))
            | OfficeCommand::Mail(MailCommand::List { json })
            | OfficeCommand::Mail(MailCommand::Delivered { json, .. })
            | OfficeCommand::Mail(MailCommand::Returned { json, .. })
            | OfficeCommand::Uncollected(UncollectedCommand::List { json, .. })
            | OfficeCommand::Uncollected(UncollectedCommand::Contact { json, .. })
            | OfficeCommand::Uncollected(UncollectedCommand::Hold { json, .. })
            | OfficeCommand::Uncollected(UncollectedCommand::Unhold { json, .. })
            | OfficeCommand::Uncollected(UncollectedCommand::ReturnBatch(Rb::Create {
                json,
                ..
            }))
            | OfficeCommand::Uncollected(UncollectedCommand::ReturnBatch(Rb::Sent {
                json, ..
            }))
            | OfficeCommand::Uncollected(UncollectedCommand::ReturnBatch(Rb::Reopen {
                json,
                ..
            }))
            | OfficeCommand::Uncollected(UncollectedCommand::ReturnBatch(Rb::List { json }))
            | OfficeCommand::Report(ReportCommand::Daily { json, .. })
            | OfficeCommand::Report(ReportCommand::Monthly { json, .. })
            | OfficeCommand::AutoBackup { json }
            | OfficeCommand::Officer(OfficerCommand::Add { json, .. })
            | OfficeCommand::Officer(OfficerCommand::List { json })
            | OfficeCommand::Officer(OfficerCommand::Disable { json, .. }) => *json,
            OfficeCommand::Export(
                ExportCommand::Cards(a) | ExportCommand::Handovers(a) | ExportCommand::Audit(a),
            ) => a.json,
            // Restore prints its own JSON result, success or refusal.
            OfficeCommand::Restore(_) => false,
            OfficeCommand::Receipts(ReceiptsCommand::Batch(BatchCommand::Cover { .. }))
            | OfficeCommand::Uncollected(UncollectedCommand::ReturnBatch(Rb::Cover { .. })) => {
                false
            }
        }
    }
}

/// Run a back-office subcommand.
pub fn run(cmd: OfficeCommand, db: &Path, data: &DataSet, clock: &Clock) -> ExitCode {
    let json = cmd.wants_json();
    let result = match cmd {
        OfficeCommand::Restore(a) => cmd_restore(db, &a, clock),
        OfficeCommand::AutoBackup { json } => cmd_auto_backup(db, data, json, clock),
        other => open(db, clock).and_then(|mut store| dispatch(other, &mut store, data)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if json {
                print_json(&json!({ "ok": false, "error": f.msg }));
            }
            eprintln!("エラー: {}", f.msg);
            ExitCode::from(f.code)
        }
    }
}

fn open(db: &Path, clock: &Clock) -> Result<Store, Fail> {
    Store::open(db, clock).map_err(|e| bad(format!("{}: {e}", db.display())))
}

fn dispatch(cmd: OfficeCommand, store: &mut Store, data: &DataSet) -> Res {
    match cmd {
        OfficeCommand::Arrival(c) => cmd_arrival(c, store),
        OfficeCommand::Appointment(c) => cmd_appointment(c, store, data),
        OfficeCommand::Receipts(c) => cmd_receipts(c, store, data),
        OfficeCommand::Mail(c) => cmd_mail(c, store),
        OfficeCommand::Uncollected(c) => cmd_uncollected(c, store, data),
        OfficeCommand::Report(c) => cmd_report(c, store, data),
        OfficeCommand::Export(c) => cmd_export(c, store),
        OfficeCommand::Officer(c) => cmd_officer(c, store),
        OfficeCommand::Restore(_) | OfficeCommand::AutoBackup { .. } => Ok(()),
    }
}

/// Load `[uncollected]` from the data set's rules.toml.
pub fn uncollected_rules(data: &DataSet) -> Result<UncollectedRules, String> {
    UncollectedRules::load(&data.source)
}

/// A `--date` argument, today (JST, from the store's clock) when absent.
fn date_arg(what: &str, s: Option<&str>, clock: &Clock) -> Result<NaiveDate, Fail> {
    match s {
        None => Ok(clock.today()),
        Some(s) => parse_date(s).map_err(|e| bad(format!("{what}: {e}"))),
    }
}

fn read_passphrase() -> Result<String, Fail> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| bad(format!("標準入力を読めません: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

impl OfficerArg {
    /// The officer's row id: must exist, be active, and (with a passphrase) verify.
    fn resolve(&self, store: &Store) -> Result<Option<i64>, Fail> {
        let Some(name) = self
            .officer
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            return Ok(None);
        };
        let Some(o) = store.officer_by_name(name)? else {
            return Err(bad(format!("担当者「{name}」は登録されていません")));
        };
        if !o.active {
            return Err(bad(format!(
                "担当者「{name}」は無効化されています。別の担当者を選んでください"
            )));
        }
        if o.has_passphrase {
            if !self.passphrase_stdin {
                return Err(bad(format!(
                    "担当者「{name}」にはパスフレーズがあります。--passphrase-stdin で入力してください"
                )));
            }
            let p = read_passphrase()?;
            if !store.verify_officer_passphrase(o.id, &p) {
                tracing::warn!(officer_id = o.id, "officer passphrase rejected");
                return Err(Fail {
                    code: EXIT_CHECK_FAILED,
                    msg: "パスフレーズが違います".into(),
                });
            }
        }
        Ok(Some(o.id))
    }
}

/// Pad to a display width (wide characters count two cells).
fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    let mut o = s.to_string();
    for _ in w..width {
        o.push(' ');
    }
    o
}

fn card_rows(store: &Store, ids: &[String]) -> Result<Vec<i64>, Fail> {
    ids.iter()
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .map(|i| Ok(store.require_card_id(i)?.id))
        .collect()
}

// ---------------------------------------------------------------------------------------------

fn cmd_arrival(c: ArrivalCommand, store: &mut Store) -> Res {
    match c {
        ArrivalCommand::Status { shipment, json } => {
            let s = store.arrival_summary(shipment)?;
            if json {
                print_json(&json!({
                    "shipment_id": s.shipment_id,
                    "total": s.total,
                    "verified": s.verified,
                    "failed": s.failed,
                    "resolved": s.resolved,
                    "not_read": s.not_read,
                    "strays": s.strays,
                }));
            } else {
                let scope = shipment
                    .map(|n| format!("発送リスト #{n}"))
                    .unwrap_or_else(|| "全発送リスト".into());
                println!(
                    "入荷確認（{scope}）: {} 枚中 確認済 {} ／ 不一致 {} ／ 解決済 {} ／ 未読取 {} ／ 名簿にないカード {}",
                    s.total,
                    s.verified.len(),
                    s.failed.len(),
                    s.resolved.len(),
                    s.not_read.len(),
                    s.strays.len()
                );
                for f in &s.failed {
                    println!("不一致\t{}\t{}", f.card_id, f.reasons.join(" / "));
                }
                for n in &s.not_read {
                    println!("未読取\t{}\t{}", n.card_id, n.name);
                }
                for x in &s.strays {
                    println!(
                        "名簿にない\tシリアル {}\t{}\t{}",
                        x.cert_serial,
                        x.subject_cn,
                        x.name_kanji.as_deref().unwrap_or("")
                    );
                }
            }
            if s.failed.is_empty() && s.strays.is_empty() {
                Ok(())
            } else {
                Err(Fail {
                    code: EXIT_CHECK_FAILED,
                    msg: "入荷確認に未解決の問題があります".into(),
                })
            }
        }
        ArrivalCommand::Resolve {
            card_id,
            note,
            who,
            json,
        } => {
            let officer = who.resolve(store)?;
            let card = store.require_card_id(&card_id)?;
            let check = store.resolve_arrival_problem(card.id, &note, officer)?;
            if json {
                print_json(&json!({ "ok": true, "check": check }));
            } else {
                println!(
                    "カード {} の入荷確認の問題を解決済にしました。交付できます。",
                    card.card_id
                );
            }
            Ok(())
        }
    }
}

fn cmd_appointment(c: AppointmentCommand, store: &mut Store, data: &DataSet) -> Res {
    match c {
        AppointmentCommand::Set {
            card_id,
            at,
            note,
            who,
            json,
        } => {
            let officer = who.resolve(store)?;
            let at = parse_appointment_time(&at)?;
            if let Some(refusal) = data.calendar.refusal(at.date()) {
                return Err(bad(refusal));
            }
            let card = store.require_card_id(&card_id)?;
            let a = store.set_appointment(card.id, at, note.as_deref(), officer)?;
            if let Some(w) = data.calendar.holiday_warning(at.date()) {
                eprintln!("注意: {w}");
            }
            if json {
                print_json(&json!({
                    "ok": true,
                    "card_id": a.card.card_id,
                    "at": a.at.format("%Y-%m-%d %H:%M").to_string(),
                    "note": a.note,
                }));
            } else {
                println!(
                    "予約を登録しました: {} {} {}",
                    a.card.card_id,
                    format_both(a.at.date()),
                    a.at.format("%H:%M")
                );
            }
            Ok(())
        }
        AppointmentCommand::Clear { card_id, who, json } => {
            let officer = who.resolve(store)?;
            let card = store.require_card_id(&card_id)?;
            store.clear_appointment(card.id, officer)?;
            if json {
                print_json(&json!({ "ok": true, "card_id": card.card_id }));
            } else {
                println!("カード {} の予約を取り消しました。", card.card_id);
            }
            Ok(())
        }
        AppointmentCommand::List { date, html, json } => {
            let day = date_arg("--date", date.as_deref(), store.clock())?;
            let list = store.appointments_on(day)?;
            if let Some(path) = &html {
                export::write_html(
                    path,
                    &export::appointments_html(day, &list, &data.desk.desk_name),
                )?;
            }
            if json {
                print_json(&json!({
                    "date": day.to_string(),
                    "appointments": list.iter().map(|a| json!({
                        "at": a.at.format("%Y-%m-%d %H:%M").to_string(),
                        "card_id": a.card.card_id,
                        "name": a.card.name,
                        "kana": a.card.kana,
                        "note": a.note,
                    })).collect::<Vec<_>>(),
                }));
            } else {
                println!("{} の予約: {} 件", format_both(day), list.len());
                for a in &list {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        a.at.format("%H:%M"),
                        a.card.card_id,
                        pad(&a.card.name, 14),
                        a.card.kana,
                        a.note.as_deref().unwrap_or("")
                    );
                }
                if let Some(p) = &html {
                    println!("印刷用 HTML を書き出しました: {}", p.display());
                }
            }
            Ok(())
        }
    }
}

fn batch_json(b: &ReturnBatch) -> serde_json::Value {
    json!({
        "number": b.number,
        "kind": b.kind.as_str(),
        "status": b.status.as_str(),
        "created_on": b.created_on.to_string(),
        "sent_on": b.sent_on.map(|d| d.to_string()),
        "tracking_no": b.tracking_no,
        "reopen_reason": b.reopen_reason,
        "count": b.live_items().count(),
        "verified": b.live_items().filter(|i| i.verified_at.is_some()).count(),
        "card_ids": b.live_items().map(|i| i.card.card_id.clone()).collect::<Vec<_>>(),
    })
}

fn print_batch_line(b: &ReturnBatch) {
    let n = b.live_items().count();
    let extra = match b.kind {
        BatchKind::Cards => format!(
            "\t読取確認 {}/{}",
            b.live_items().filter(|i| i.verified_at.is_some()).count(),
            n
        ),
        BatchKind::Receipts => String::new(),
    };
    println!(
        "{}\t{}\t作成 {}\t{}\t{} 件\t{}{}",
        b.number,
        b.status.label(),
        b.created_on,
        b.sent_on.map(|d| format!("送付 {d}")).unwrap_or_default(),
        n,
        b.tracking_no.as_deref().unwrap_or(""),
        extra
    );
}

fn cover(
    store: &Store,
    data: &DataSet,
    number: &str,
    kind: BatchKind,
    html: Option<&Path>,
    csv: Option<&Path>,
    encoding: &str,
) -> Res {
    let b = store.require_batch(number)?;
    if b.kind != kind {
        return Err(bad(format!(
            "バッチ {} は{}のバッチです",
            b.number,
            b.kind.label()
        )));
    }
    if html.is_none() && csv.is_none() {
        return Err(bad("--html または --csv で出力先を指定してください"));
    }
    let enc = CsvEncoding::parse(encoding).ok_or_else(|| {
        bad(format!(
            "--encoding「{encoding}」は使えません（utf8 または cp932）"
        ))
    })?;
    if let Some(p) = html {
        export::write_html(p, &export::batch_cover_html(&b, &data.desk.desk_name))?;
        println!("送付状を書き出しました: {}", p.display());
    }
    if let Some(p) = csv {
        let n = export::write_csv(p, &export::batch_table(&b), enc)?;
        println!(
            "一覧 CSV を書き出しました（{n} 件、{}）: {}",
            enc.label(),
            p.display()
        );
    }
    Ok(())
}

fn cmd_receipts(c: ReceiptsCommand, store: &mut Store, data: &DataSet) -> Res {
    match c {
        ReceiptsCommand::Pending { date, json } => {
            let today = date_arg("--date", date.as_deref(), store.clock())?;
            let rules = crate::store::backoffice::ReceiptRules::load(&data.source).map_err(bad)?;
            let list = store.pending_receipts_handed()?;
            let due = |handed: NaiveDate| rules.due(handed, &data.calendar);
            if json {
                print_json(&json!(
                    list.iter()
                        .map(|(c, handed)| json!({
                            "card_id": c.card_id, "name": c.name, "kana": c.kana,
                            "handed_on": handed.to_string(),
                            "return_due": due(*handed).map(|d| d.to_string()),
                            "overdue": due(*handed).is_some_and(|d| today > d),
                        }))
                        .collect::<Vec<_>>()
                ));
            } else {
                for (c, handed) in &list {
                    let d = due(*handed);
                    println!(
                        "{}\t{}\t{}\t交付 {}\t返送の目安 {}{}",
                        c.card_id,
                        pad(&c.name, 14),
                        c.kana,
                        handed,
                        d.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                        if d.is_some_and(|d| today > d) {
                            "（過ぎています）"
                        } else {
                            ""
                        }
                    );
                }
                println!(
                    "返送待ちの受領書: {} 通（目安: 交付から{}{}日、data/rules.toml [receipts]）",
                    list.len(),
                    match rules.count {
                        crate::domain::calendar::DayCount::OpenDays => "開庁日で",
                        crate::domain::calendar::DayCount::CalendarDays => "",
                    },
                    rules.return_within_days
                );
                if let Some(w) = data.calendar.holiday_warning(today) {
                    println!("注意: {w}");
                }
            }
            Ok(())
        }
        ReceiptsCommand::Batch(b) => match b {
            BatchCommand::Create {
                cards,
                tracking,
                date,
                who,
                json,
            } => {
                let officer = who.resolve(store)?;
                let on = date_arg("--date", date.as_deref(), store.clock())?;
                let rows = cards.as_deref().map(|c| card_rows(store, c)).transpose()?;
                let b = store.create_receipt_batch(
                    rows.as_deref(),
                    on,
                    tracking.as_deref(),
                    officer,
                )?;
                if json {
                    print_json(&batch_json(&b));
                } else {
                    println!(
                        "返送バッチ {} を作成しました（受領書 {} 通）。送付状: kofu receipts batch cover {} --html FILE",
                        b.number,
                        b.live_items().count(),
                        b.number
                    );
                }
                Ok(())
            }
            BatchCommand::Sent {
                number,
                date,
                tracking,
                who,
                json,
            } => batch_sent(
                store,
                BatchKind::Receipts,
                &number,
                date,
                tracking,
                who,
                json,
            ),
            BatchCommand::Reopen {
                number,
                reason,
                who,
                json,
            } => batch_reopen(store, BatchKind::Receipts, &number, &reason, who, json),
            BatchCommand::List { json } => batch_list(store, BatchKind::Receipts, json),
            BatchCommand::Cover {
                number,
                html,
                csv,
                encoding,
            } => cover(
                store,
                data,
                &number,
                BatchKind::Receipts,
                html.as_deref(),
                csv.as_deref(),
                &encoding,
            ),
        },
    }
}

fn check_kind(store: &Store, number: &str, kind: BatchKind) -> Res {
    let b = store.require_batch(number)?;
    if b.kind != kind {
        return Err(bad(format!(
            "バッチ {} は{}のバッチです",
            b.number,
            b.kind.label()
        )));
    }
    Ok(())
}

fn batch_sent(
    store: &mut Store,
    kind: BatchKind,
    number: &str,
    date: Option<String>,
    tracking: Option<String>,
    who: OfficerArg,
    json: bool,
) -> Res {
    let officer = who.resolve(store)?;
    check_kind(store, number, kind)?;
    let on = date_arg("--date", date.as_deref(), store.clock())?;
    let b = store.mark_batch_sent(number, on, tracking.as_deref(), officer)?;
    if json {
        print_json(&batch_json(&b));
    } else {
        println!(
            "バッチ {} を送付済にしました（{} 件、送付日 {}）。",
            b.number,
            b.live_items().count(),
            format_both(on)
        );
    }
    Ok(())
}

fn batch_reopen(
    store: &mut Store,
    kind: BatchKind,
    number: &str,
    reason: &str,
    who: OfficerArg,
    json: bool,
) -> Res {
    let officer = who.resolve(store)?;
    check_kind(store, number, kind)?;
    let b = store.reopen_batch(number, reason, officer)?;
    if json {
        print_json(&batch_json(&b));
    } else {
        println!(
            "バッチ {} を取り消しました（訂正）。含まれていた {} 件は再びバッチに入れられます。",
            b.number,
            b.items.len()
        );
    }
    Ok(())
}

fn batch_list(store: &Store, kind: BatchKind, json: bool) -> Res {
    let list = store.return_batches(Some(kind))?;
    if json {
        print_json(&json!(list.iter().map(batch_json).collect::<Vec<_>>()));
    } else {
        for b in &list {
            print_batch_line(b);
        }
        println!("{} 件", list.len());
    }
    Ok(())
}

fn cmd_mail(c: MailCommand, store: &mut Store) -> Res {
    match c {
        MailCommand::List { json } => {
            let list = store.mailed_cards()?;
            if json {
                print_json(&json!(
                    list.iter()
                        .map(|m| json!({
                            "card_id": m.card.card_id,
                            "name": m.card.name,
                            "dispatch_date": m.dispatch_date,
                            "tracking_no": m.tracking_no,
                        }))
                        .collect::<Vec<_>>()
                ));
            } else {
                for m in &list {
                    println!(
                        "{}\t{}\t発送 {}\tお問い合わせ番号 {}",
                        m.card.card_id,
                        pad(&m.card.name, 14),
                        m.dispatch_date.as_deref().unwrap_or("-"),
                        m.tracking_no.as_deref().unwrap_or("-")
                    );
                }
                println!("郵送中: {} 件", list.len());
            }
            Ok(())
        }
        MailCommand::Delivered {
            card_id,
            date,
            who,
            json,
        } => {
            let officer = who.resolve(store)?;
            let on = date_arg("--date", date.as_deref(), store.clock())?;
            let card = store.require_card_id(&card_id)?;
            let c = store.record_mail_delivered(card.id, on, officer)?;
            if json {
                print_json(&json!({ "ok": true, "card_id": c.card_id, "state": c.state.as_str() }));
            } else {
                println!("カード {} を郵送配達済にしました。", c.card_id);
            }
            Ok(())
        }
        MailCommand::Returned {
            card_id,
            reason,
            date,
            who,
            json,
        } => {
            let officer = who.resolve(store)?;
            let on = date_arg("--date", date.as_deref(), store.clock())?;
            let card = store.require_card_id(&card_id)?;
            let c = store.record_mail_returned(card.id, on, &reason, officer)?;
            if json {
                print_json(&json!({ "ok": true, "card_id": c.card_id, "state": c.state.as_str() }));
            } else {
                println!(
                    "カード {} の不達（返送）を記録しました。カードは交付待ちに戻りました。",
                    c.card_id
                );
            }
            Ok(())
        }
    }
}

fn uncollected_json(u: &UncollectedCard) -> serde_json::Value {
    json!({
        "card_id": u.card.card_id,
        "name": u.card.name,
        "kana": u.card.kana,
        "arrived_on": u.card.arrived_on.to_string(),
        "days": u.days,
        "contacts": u.contacts,
        "hold": u.hold,
        "in_batch": u.in_batch,
        "appointment": u.appointment.map(|a| a.format("%Y-%m-%d %H:%M").to_string()),
        "due": u.due.map(|d| d.as_str()),
    })
}

fn cmd_uncollected(c: UncollectedCommand, store: &mut Store, data: &DataSet) -> Res {
    let rules = || uncollected_rules(data).map_err(bad);
    match c {
        UncollectedCommand::List { due, date, json } => {
            let today = date_arg("--date", date.as_deref(), store.clock())?;
            let rules = rules()?;
            let list = if due {
                store.uncollected_due_counted(&rules, today, Some(&data.calendar))?
            } else {
                store.uncollected_counted(&rules, today, Some(&data.calendar))?
            };
            if json {
                print_json(&json!({
                    "date": today.to_string(),
                    "rules": rules,
                    "cards": list.iter().map(uncollected_json).collect::<Vec<_>>(),
                }));
            } else {
                for u in &list {
                    let mut notes = Vec::new();
                    if let Some(d) = u.due {
                        notes.push(format!("要{}", d.label()));
                    }
                    if let Some(h) = &u.hold {
                        notes.push(format!("保留（{h}）"));
                    }
                    if let Some(b) = &u.in_batch {
                        notes.push(format!("返却バッチ {b}"));
                    }
                    if let Some(a) = u.appointment {
                        notes.push(format!("予約 {}", a.format("%Y-%m-%d %H:%M")));
                    }
                    println!(
                        "{}\t{}\t到着 {}\t{:>4} 日\t連絡 {} 回\t{}",
                        u.card.card_id,
                        pad(&u.card.name, 14),
                        u.card.arrived_on,
                        u.days,
                        u.contacts.len(),
                        notes.join(" ")
                    );
                }
                println!(
                    "{} 件（基準日 {}、連絡 {} 日・再連絡 {} 日・返却 {} 日 ※期限は未確認の既定値: data/rules.toml [uncollected]）",
                    list.len(),
                    today,
                    rules.notice_days,
                    rules.renotice_days,
                    rules.return_days
                );
            }
            Ok(())
        }
        UncollectedCommand::Contact {
            card_id,
            by,
            note,
            date,
            who,
            json,
        } => {
            let officer = who.resolve(store)?;
            let method = ContactMethod::parse(&by)
                .ok_or_else(|| bad(format!("--by「{by}」は使えません（phone, letter, mail）")))?;
            let on = date_arg("--date", date.as_deref(), store.clock())?;
            let card = store.require_card_id(&card_id)?;
            let c = store.record_contact(card.id, method, on, note.as_deref(), officer)?;
            if json {
                print_json(&json!({ "ok": true, "card_id": card.card_id, "contact": c }));
            } else {
                println!(
                    "カード {} への連絡（{}、{}）を記録しました。",
                    card.card_id,
                    method.label(),
                    on
                );
            }
            Ok(())
        }
        UncollectedCommand::Hold {
            card_id,
            reason,
            who,
            json,
        } => {
            let officer = who.resolve(store)?;
            let card = store.require_card_id(&card_id)?;
            store.set_hold(card.id, &reason, officer)?;
            if json {
                print_json(&json!({ "ok": true, "card_id": card.card_id, "hold": reason.trim() }));
            } else {
                println!("カード {} を保留にしました。", card.card_id);
            }
            Ok(())
        }
        UncollectedCommand::Unhold { card_id, who, json } => {
            let officer = who.resolve(store)?;
            let card = store.require_card_id(&card_id)?;
            store.clear_hold(card.id, officer)?;
            if json {
                print_json(&json!({ "ok": true, "card_id": card.card_id, "hold": null }));
            } else {
                println!("カード {} の保留を解除しました。", card.card_id);
            }
            Ok(())
        }
        UncollectedCommand::ReturnBatch(r) => match r {
            ReturnBatchCommand::Create {
                cards,
                due,
                tracking,
                date,
                who,
                json,
            } => {
                let officer = who.resolve(store)?;
                let on = date_arg("--date", date.as_deref(), store.clock())?;
                let rows = match (cards, due) {
                    (Some(c), false) => card_rows(store, &c)?,
                    (None, true) => store
                        .uncollected_due_counted(&rules()?, on, Some(&data.calendar))?
                        .into_iter()
                        .filter(|u| u.due == Some(crate::store::backoffice::DueAction::Return))
                        .map(|u| u.card.id)
                        .collect(),
                    _ => return Err(bad("--cards か --due のどちらか一方を指定してください")),
                };
                let b = store.create_card_return_batch(&rows, on, tracking.as_deref(), officer)?;
                if json {
                    print_json(&batch_json(&b));
                } else {
                    println!(
                        "返却バッチ {} を作成しました（カード {} 枚）。封入前に各カードを読み取って確認してください。",
                        b.number,
                        b.live_items().count()
                    );
                }
                Ok(())
            }
            ReturnBatchCommand::Sent {
                number,
                date,
                tracking,
                who,
                json,
            } => batch_sent(store, BatchKind::Cards, &number, date, tracking, who, json),
            ReturnBatchCommand::Reopen {
                number,
                reason,
                who,
                json,
            } => batch_reopen(store, BatchKind::Cards, &number, &reason, who, json),
            ReturnBatchCommand::List { json } => batch_list(store, BatchKind::Cards, json),
            ReturnBatchCommand::Cover {
                number,
                html,
                csv,
                encoding,
            } => cover(
                store,
                data,
                &number,
                BatchKind::Cards,
                html.as_deref(),
                csv.as_deref(),
                &encoding,
            ),
        },
    }
}

fn cmd_report(c: ReportCommand, store: &mut Store, data: &DataSet) -> Res {
    match c {
        ReportCommand::Daily { date, html, json } => {
            let day = date_arg("--date", date.as_deref(), store.clock())?;
            let r = store.daily_report(day)?;
            if let Some(p) = &html {
                export::write_html(p, &export::daily_html(&r, &data.desk.desk_name))?;
            }
            if json {
                print_json(&serde_json::to_value(&r).unwrap_or_default());
            } else {
                println!("日報 {}（{}）", format_both(day), data.desk.desk_name);
                for (k, v) in export::daily_summary_lines(&r) {
                    println!("  {}{v:>5}", pad(&k, 36));
                }
                for b in &r.batches_sent {
                    println!("  送付バッチ {}（{} 件）", b.number, b.count);
                }
                for l in &r.lines {
                    println!(
                        "  {}\t{}\t{}\t{}{}",
                        l.time,
                        l.card_id,
                        pad(&l.name, 14),
                        export::route_label(&l.route),
                        if l.cancelled { "（取消）" } else { "" }
                    );
                }
                println!(
                    "監査ログ {} 件 先頭ハッシュ: {}",
                    r.audit_events,
                    r.audit_head.as_deref().unwrap_or("（イベントなし）")
                );
                if let Some(p) = &html {
                    println!("HTML を書き出しました: {}", p.display());
                }
            }
            Ok(())
        }
        ReportCommand::Monthly { month, html, json } => {
            let r = store.monthly_report(&month)?;
            if let Some(p) = &html {
                export::write_html(p, &export::monthly_html(&r, &data.desk.desk_name))?;
            }
            if json {
                print_json(&serde_json::to_value(&r).unwrap_or_default());
            } else {
                println!("月報 {}（{}）", r.month, data.desk.desk_name);
                for (k, v) in export::monthly_summary_lines(&r) {
                    println!("  {}{v:>5}", pad(&k, 36));
                }
                println!(
                    "監査ログ {} 件 先頭ハッシュ: {}",
                    r.audit_events,
                    r.audit_head.as_deref().unwrap_or("（イベントなし）")
                );
                if let Some(p) = &html {
                    println!("HTML を書き出しました: {}", p.display());
                }
            }
            Ok(())
        }
    }
}

fn cmd_export(c: ExportCommand, store: &mut Store) -> Res {
    let (what, a) = match c {
        ExportCommand::Cards(a) => ("cards", a),
        ExportCommand::Handovers(a) => ("handovers", a),
        ExportCommand::Audit(a) => ("audit", a),
    };
    let enc = CsvEncoding::parse(&a.encoding).ok_or_else(|| {
        bad(format!(
            "--encoding「{}」は使えません（utf8 または cp932）",
            a.encoding
        ))
    })?;
    let table = match what {
        "cards" => export::cards_table(store)?,
        "handovers" => export::handovers_table(store)?,
        _ => export::audit_table(store)?,
    };
    let n = export::write_csv(&a.out, &table, enc)?;
    if a.json {
        print_json(&json!({
            "ok": true,
            "what": what,
            "rows": n,
            "encoding": match enc { CsvEncoding::Utf8Bom => "utf8", CsvEncoding::Cp932 => "cp932" },
            "out": a.out.display().to_string(),
        }));
    } else {
        println!(
            "{n} 件を書き出しました（{}）: {}",
            enc.label(),
            a.out.display()
        );
    }
    Ok(())
}

fn cmd_restore(db: &Path, a: &RestoreArgs, clock: &Clock) -> Res {
    match backups::restore(db, &a.src, clock) {
        Ok(r) => {
            if a.json {
                print_json(
                    &json!({ "ok": true, "source": r.source, "replaced": r.replaced,
                    "audit_events": r.audit_events, "head": r.head }),
                );
            } else {
                println!("{} から復元しました。", r.source);
                if let Some(p) = &r.replaced {
                    println!("置き換える前のデータベースは {p} に保存しました。");
                }
                println!(
                    "監査ログ {} 件 先頭ハッシュ: {}",
                    r.audit_events,
                    r.head.as_deref().unwrap_or("なし")
                );
            }
            Ok(())
        }
        Err(e) => {
            if a.json {
                print_json(&json!({ "ok": false, "error": e.to_string() }));
            }
            Err(Fail {
                code: EXIT_CHECK_FAILED,
                msg: e.to_string(),
            })
        }
    }
}

fn cmd_auto_backup(db: &Path, data: &DataSet, json: bool, clock: &Clock) -> Res {
    if !db.is_file() {
        return Err(bad(format!("データベースがありません: {}", db.display())));
    }
    let store = open(db, clock)?;
    let dir = backups::backups_dir(db);
    let made = store.auto_backup(&dir, data.desk.backups_keep)?;
    if json {
        print_json(&json!({
            "ok": true,
            "created": made.as_ref().map(|p| p.display().to_string()),
            "dir": dir.display().to_string(),
        }));
    } else {
        match made {
            Some(p) => println!("本日のバックアップを作成し検証しました: {}", p.display()),
            None => println!("本日のバックアップは作成済みです（{}）", dir.display()),
        }
    }
    Ok(())
}

fn cmd_officer(c: OfficerCommand, store: &mut Store) -> Res {
    match c {
        OfficerCommand::Add {
            name,
            passphrase_stdin,
            json,
        } => {
            let pass = if passphrase_stdin {
                Some(read_passphrase()?)
            } else {
                None
            };
            let o = store.add_officer_with_passphrase(&name, pass.as_deref())?;
            if json {
                print_json(&json!({ "ok": true, "officer": o }));
            } else {
                println!(
                    "担当者「{}」を登録しました（番号 {}{}）。",
                    o.name,
                    o.id,
                    if o.has_passphrase {
                        "、パスフレーズあり"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
        OfficerCommand::List { json } => {
            let list = store.officers(true)?;
            if json {
                print_json(&json!(list));
            } else {
                for o in &list {
                    println!(
                        "{}\t{}\t{}\t{}",
                        o.id,
                        pad(&o.name, 16),
                        if o.active { "有効" } else { "無効" },
                        if o.has_passphrase {
                            "パスフレーズあり"
                        } else {
                            ""
                        }
                    );
                }
                println!("{} 名", list.len());
            }
            Ok(())
        }
        OfficerCommand::Disable { name, json } => {
            let o = store
                .officer_by_name(&name)?
                .ok_or_else(|| bad(format!("担当者「{}」は登録されていません", name.trim())))?;
            if !o.active {
                return Err(bad(format!("担当者「{}」は既に無効です", o.name)));
            }
            store.set_officer_active(o.id, false)?;
            if json {
                print_json(&json!({ "ok": true, "officer_id": o.id, "active": false }));
            } else {
                println!("担当者「{}」を無効にしました（記録には残ります）。", o.name);
            }
            Ok(())
        }
    }
}
