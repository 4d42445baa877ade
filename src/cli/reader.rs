//! `kofu reader`: card-reader diagnostics for setting up a kiosk.

use std::time::Duration;

use clap::Subcommand;
use serde_json::json;

use super::{CliError, Ctx, Exit, print_json};
use crate::card::{CardError, CardEvent, WatcherConfig, diag};
use crate::domain::card_facts::{CardReading, HpkiApplication};
use crate::domain::matching::{MatchOutcome, MatchResult};

#[derive(Subcommand, Debug)]
pub enum ReaderCommand {
    /// 接続されているカードリーダを優先順に一覧表示する
    List,
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
    },
    /// サポート用の診断（サービス・リーダ・ATR・HPKIアプリ・暗証番号の残り回数・証明書の発行者など。氏名・生年月日は含みません）
    Diagnose {
        /// 優先するリーダ名（前方一致）
        #[arg(long)]
        reader: Option<String>,
    },
}

pub fn run(c: ReaderCommand, ctx: &Ctx) -> Result<(), CliError> {
    match c {
        ReaderCommand::List => list(ctx),
        ReaderCommand::Watch => {
            ctx.human_only()?;
            let config = WatcherConfig {
                preferred_reader: ctx.data.desk.reader_prefix().map(str::to_string),
                ..WatcherConfig::default()
            };
            diag::watch(config, |e| {
                println!(
                    "{} {}",
                    ctx.clock.now().format("%H:%M:%S"),
                    describe_card_event(e)
                );
                true
            });
            Ok(())
        }
        ReaderCommand::Read {
            reader,
            wait,
            match_card,
        } => read(ctx, reader, wait, match_card.as_deref()),
        ReaderCommand::Diagnose { reader } => {
            let prefix = reader.or_else(|| ctx.data.desk.reader_prefix().map(str::to_string));
            let d = crate::card::diagnose::diagnose(
                prefix.as_deref(),
                &ctx.data.issuers,
                &ctx.data.reader_hints,
            );
            if ctx.json {
                print_json(&serde_json::to_value(&d).unwrap_or_default());
            } else {
                print!("{}", d.to_text());
            }
            Ok(())
        }
    }
}

fn list(ctx: &Ctx) -> Result<(), CliError> {
    let list =
        diag::list_readers_with(ctx.data.desk.reader_prefix()).map_err(CliError::bad_input)?;
    if ctx.json {
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
    Ok(())
}

/// One Japanese line per watcher event (for `kofu reader watch`).
pub fn describe_card_event(e: &CardEvent) -> String {
    use CardEvent as E;
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

/// `kofu reader read`: exit 0 read (and matched), 1 mismatch or not an HPKI card, 2 usage or no
/// reader/card within `--wait`.
fn read(
    ctx: &Ctx,
    reader: Option<String>,
    wait: u64,
    match_card: Option<&str>,
) -> Result<(), CliError> {
    // Look the record up first: a wrong card ID is a usage error before any card I/O.
    let record = match match_card {
        None => None,
        Some(id) => Some(
            ctx.open()?
                .card_by_card_id(id)?
                .ok_or_else(|| CliError::bad_input(format!("カードID {id} の記録がありません")))?,
        ),
    };
    let prefix = reader.or_else(|| ctx.data.desk.reader_prefix().map(str::to_string));
    let reading = diag::read_once(prefix.as_deref(), Duration::from_secs(wait)).map_err(|e| {
        let err = match e {
            CardError::NotHpki | CardError::Malformed(_) => CliError::check_failed(&e),
            _ => CliError::bad_input(&e),
        };
        err.with_json(json!({ "error": e.to_string() }))
    })?;
    let outcome = record
        .as_ref()
        .map(|r| ctx.data.match_card(r, &reading, ctx.clock.today()));
    if ctx.json {
        let mut v = diag::reading_to_json(&reading, &ctx.data.issuers);
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
        print_reading(&reading, outcome.as_ref(), &ctx.data.issuers);
    }
    match outcome {
        Some(o) if o.result == MatchResult::Mismatch => Err(CliError::reported(Exit::CheckFailed)),
        _ => Ok(()),
    }
}

fn print_reading(
    reading: &CardReading,
    outcome: Option<&MatchOutcome>,
    issuers: &crate::domain::matching::KnownIssuers,
) {
    let c = &reading.certificate;
    println!("リーダ: {}", reading.reader);
    println!("ATR: {}", reading.atr);
    if let Some(uid) = &reading.uid {
        println!("UID（診断用、本人確認には使いません）: {uid}");
    }
    println!(
        "アプリケーション: {}",
        match reading.application {
            HpkiApplication::Auth => "認証用",
            HpkiApplication::Sign => "署名用",
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
    match issuers.find(&c.issuer) {
        Some(e) => println!("  既知の発行者: {}", e.display()),
        None if issuers.contains(&c.issuer) => println!("  既知の発行者"),
        None => println!(
            "  {}",
            crate::domain::issuers::unknown_issuer_message(&c.issuer)
        ),
    }
    for p in &c.policies {
        println!("証明書ポリシー: {}", issuers.policy_text(p));
    }
    match (reading.pin.blocked, reading.pin.tries_left) {
        (true, _) => println!("暗証番号: ロックされています"),
        (false, Some(n)) => println!("暗証番号: 残り {n} 回"),
        (false, None) => println!("暗証番号: 残り回数不明"),
    }
    if let Some(o) = outcome {
        println!("照合結果: {}", o.result.label());
        for r in &o.reasons {
            println!("  {}", r.message);
        }
    }
}
