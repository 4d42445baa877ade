//! `kofu receipts`: 受領書返送 — signed receipts waiting to go back to JMACA, and their batches.

use clap::Subcommand;
use serde_json::json;

use super::returns::{self, CoverArgs, CreateArgs, ReopenArgs, SentArgs};
use super::{card_rows, pad};
use crate::cli::{CliError, Ctx, date_or_today, print_json};
use crate::store::office::returns::BatchKind;

#[derive(Subcommand, Debug)]
pub enum ReceiptsCommand {
    /// 返送待ちの受領書（回収済・バッチ未作成）と返送の目安日（data/rules.toml の receipts 表）
    Pending {
        /// この日を基準に目安を過ぎたか判断する（既定: 今日）
        #[arg(long)]
        date: Option<String>,
    },
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
        ReceiptsCommand::Pending { date } => {
            let today = date_or_today("--date", date.as_deref(), ctx.clock)?;
            let rules = &ctx.data.receipts;
            let calendar = &ctx.data.calendar;
            let list = store.pending_receipts_due(rules, calendar)?;
            let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
            if ctx.json {
                print_json(&json!(
                    list.iter()
                        .map(|p| json!({
                            "card_id": p.card.card_id, "name": p.card.name, "kana": p.card.kana,
                            "handed_on": day(p.handed_on),
                            "return_due": day(p.due),
                            "overdue": p.overdue(today),
                        }))
                        .collect::<Vec<_>>()
                ));
            } else {
                for p in &list {
                    println!(
                        "{}\t{}\t{}\t交付 {}\t返送の目安 {}{}",
                        p.card.card_id,
                        pad(&p.card.name, 14),
                        p.card.kana,
                        day(p.handed_on).unwrap_or_else(|| "—".into()),
                        day(p.due).unwrap_or_else(|| "—".into()),
                        if p.overdue(today) {
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
                if let Some(w) = calendar.holiday_warning(today) {
                    println!("注意: {w}");
                }
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
