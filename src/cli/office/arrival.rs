//! `kofu arrival`: 入荷確認 — cards read on arrival, mismatches and their resolution.

use clap::Subcommand;
use serde_json::json;

use super::OfficerArg;
use crate::cli::{CliError, Ctx, print_json};

#[derive(Subcommand, Debug)]
pub enum ArrivalCommand {
    /// 発送リストごとの入荷確認の状況（未解決の不一致・名簿にないカードがあれば終了コード 1）
    Status {
        /// 発送リスト番号（省略時は全件）
        #[arg(long)]
        shipment: Option<i64>,
    },
    /// 入荷確認の不一致を解決済にする（内容を記録）
    Resolve {
        card_id: String,
        #[arg(long)]
        note: String,
        #[command(flatten)]
        who: OfficerArg,
    },
}

pub fn run(c: ArrivalCommand, ctx: &Ctx) -> Result<(), CliError> {
    let mut store = ctx.open()?;
    match c {
        ArrivalCommand::Status { shipment } => {
            let s = store.arrival_summary(shipment)?;
            if ctx.json {
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
                Err(CliError::check_failed("入荷確認に未解決の問題があります"))
            }
        }
        ArrivalCommand::Resolve { card_id, note, who } => {
            let officer = who.resolve(&store)?;
            let card = store.require_card_id(&card_id)?;
            let check = store.resolve_arrival_problem(card.id, &note, officer)?;
            ctx.print_result(
                json!({ "ok": true, "check": check }),
                format!(
                    "カード {} の入荷確認の問題を解決済にしました。交付できます。",
                    card.card_id
                ),
            );
            Ok(())
        }
    }
}
