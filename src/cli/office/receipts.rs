//! `kofu receipts`: 受領書返送 — signed receipts waiting to go back to JMACA, and their batches.

use clap::Subcommand;
use serde_json::json;

use super::returns::{self, CoverArgs, CreateArgs, ReopenArgs, SentArgs};
use super::{card_rows, pad};
use crate::cli::{CliError, Ctx, date_or_today, print_json};
use crate::store::backoffice::returns::BatchKind;

#[derive(Subcommand, Debug)]
pub enum ReceiptsCommand {
    /// 返送待ちの受領書（回収済・バッチ未作成）
    Pending,
    /// 返送バッチ
    #[command(subcommand)]
    Batch(BatchCommand),
}

#[derive(Subcommand, Debug)]
pub enum BatchCommand {
    /// バッチを作る（--cards 省略時は返送待ちの全件）
    Create(CreateArgs),
    /// バッチを送付済にする
    Sent(SentArgs),
    /// バッチを取り消す・送付済を訂正する（理由必須）
    Reopen(ReopenArgs),
    /// バッチの一覧
    List,
    /// 送付状（HTML）・一覧（CSV）を書き出す
    Cover(CoverArgs),
}

pub fn run(c: ReceiptsCommand, ctx: &Ctx) -> Result<(), CliError> {
    let mut store = ctx.open()?;
    let kind = BatchKind::Receipts;
    match c {
        ReceiptsCommand::Pending => {
            let list = store.pending_receipts()?;
            if ctx.json {
                print_json(&json!(
                    list.iter()
                        .map(|c| json!({
                            "card_id": c.card_id, "name": c.name, "kana": c.kana,
                        }))
                        .collect::<Vec<_>>()
                ));
            } else {
                for c in &list {
                    println!("{}\t{}\t{}", c.card_id, pad(&c.name, 14), c.kana);
                }
                println!("返送待ちの受領書: {} 通", list.len());
            }
            Ok(())
        }
        ReceiptsCommand::Batch(BatchCommand::Create(a)) => {
            let officer = a.who.resolve(&store)?;
            let on = date_or_today("--date", a.date.as_deref(), ctx.clock)?;
            let rows = a
                .cards
                .as_deref()
                .map(|c| card_rows(&store, c))
                .transpose()?;
            let b =
                store.create_receipt_batch(rows.as_deref(), on, a.tracking.as_deref(), officer)?;
            let line = format!(
                "返送バッチ {} を作成しました（受領書 {} 通）。送付状: kofu receipts batch cover {} --html FILE",
                b.number,
                b.live_items().count(),
                b.number
            );
            ctx.print_result(returns::batch_json(&b), line);
            Ok(())
        }
        ReceiptsCommand::Batch(BatchCommand::Sent(a)) => returns::sent(&mut store, kind, a, ctx),
        ReceiptsCommand::Batch(BatchCommand::Reopen(a)) => {
            returns::reopen(&mut store, kind, a, ctx)
        }
        ReceiptsCommand::Batch(BatchCommand::List) => returns::list(&store, kind, ctx),
        ReceiptsCommand::Batch(BatchCommand::Cover(a)) => returns::cover(&store, kind, a, ctx),
    }
}
