//! Return batches to JMACA, both kinds (receipts `R…`, uncollected cards `C…`): the verbs
//! `receipts batch` and `uncollected return-batch` share, as `store/office/returns.rs` does.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::OfficerArg;
use super::export::csv_encoding;
use crate::cli::{CliError, Ctx, date_or_today, print_json};
use crate::domain::date::format_both;
use crate::export;
use crate::store::Store;
use crate::store::office::returns::{BatchKind, ReturnBatch};

/// `… create`: the cards (or receipts) that go in, and when.
#[derive(Args, Debug)]
pub struct CreateArgs {
    /// カードID（カンマ区切り）
    #[arg(long, value_delimiter = ',')]
    pub cards: Option<Vec<String>>,
    /// お問い合わせ番号
    #[arg(long)]
    pub tracking: Option<String>,
    /// 作成日（省略時は今日）
    #[arg(long)]
    pub date: Option<String>,
    #[command(flatten)]
    pub who: OfficerArg,
}

/// `… sent NUMBER`
#[derive(Args, Debug)]
pub struct SentArgs {
    pub number: String,
    /// 送付日（省略時は今日）
    #[arg(long)]
    pub date: Option<String>,
    #[arg(long)]
    pub tracking: Option<String>,
    #[command(flatten)]
    pub who: OfficerArg,
}

/// `… reopen NUMBER --reason R`
#[derive(Args, Debug)]
pub struct ReopenArgs {
    pub number: String,
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub who: OfficerArg,
}

/// `… cover NUMBER [--html OUT] [--csv OUT]`
#[derive(Args, Debug)]
pub struct CoverArgs {
    pub number: String,
    #[arg(long)]
    pub html: Option<PathBuf>,
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// CSV の文字コード（utf8 または cp932）
    #[arg(long, default_value = "utf8")]
    pub encoding: String,
}

pub fn batch_json(b: &ReturnBatch) -> serde_json::Value {
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

/// The batch with this number, refused when it is of the other kind.
fn require_kind(store: &Store, number: &str, kind: BatchKind) -> Result<ReturnBatch, CliError> {
    let b = store.require_batch(number)?;
    if b.kind != kind {
        return Err(CliError::bad_input(format!(
            "バッチ {} は{}のバッチです",
            b.number,
            b.kind.label()
        )));
    }
    Ok(b)
}

pub fn sent(store: &mut Store, kind: BatchKind, a: SentArgs, ctx: &Ctx) -> Result<(), CliError> {
    let officer = a.who.resolve(store)?;
    require_kind(store, &a.number, kind)?;
    let on = date_or_today("--date", a.date.as_deref(), ctx.clock)?;
    let rule = crate::domain::date_rules::DateRule::recorded("送付日");
    crate::cli::check_date_rule("--date", &rule, on, ctx.clock)?;
    let b = store.mark_batch_sent(&a.number, on, a.tracking.as_deref(), officer)?;
    let line = format!(
        "バッチ {} を送付済にしました（{} 件、送付日 {}）。",
        b.number,
        b.live_items().count(),
        format_both(on)
    );
    ctx.print_result(batch_json(&b), line);
    Ok(())
}

pub fn reopen(
    store: &mut Store,
    kind: BatchKind,
    a: ReopenArgs,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let officer = a.who.resolve(store)?;
    require_kind(store, &a.number, kind)?;
    let b = store.reopen_batch(&a.number, &a.reason, officer)?;
    let line = format!(
        "バッチ {} を取り消しました（訂正）。含まれていた {} 件は再びバッチに入れられます。",
        b.number,
        b.items.len()
    );
    ctx.print_result(batch_json(&b), line);
    Ok(())
}

pub fn list(store: &Store, kind: BatchKind, ctx: &Ctx) -> Result<(), CliError> {
    let list = store.return_batches(Some(kind))?;
    if ctx.json {
        print_json(&json!(list.iter().map(batch_json).collect::<Vec<_>>()));
    } else {
        for b in &list {
            print_batch_line(b);
        }
        println!("{} 件", list.len());
    }
    Ok(())
}

/// The cover letter (HTML) and the list (CSV) of a batch: files only, no JSON.
pub fn cover(store: &Store, kind: BatchKind, a: CoverArgs, ctx: &Ctx) -> Result<(), CliError> {
    ctx.human_only()?;
    let b = require_kind(store, &a.number, kind)?;
    if a.html.is_none() && a.csv.is_none() {
        return Err(CliError::bad_input(
            "--html または --csv で出力先を指定してください",
        ));
    }
    let enc = csv_encoding(&a.encoding)?;
    if let Some(p) = &a.html {
        export::write_html(p, &export::batch_cover_html(&b, &ctx.data.desk.desk_name))?;
        println!("送付状を書き出しました: {}", p.display());
    }
    if let Some(p) = &a.csv {
        let n = export::write_csv(p, &export::batch_table(&b), enc)?;
        println!(
            "一覧 CSV を書き出しました（{n} 件、{}）: {}",
            enc.label(),
            p.display()
        );
    }
    Ok(())
}
