//! `kofu arrival`: 入荷確認 — cards read on arrival, mismatches and their resolution.

use clap::Subcommand;
use serde_json::json;

use super::OfficerArg;
use crate::cli::{CliError, Ctx, print_json};
use crate::domain::office::ArrivalProblem;

#[derive(Subcommand, Debug)]
pub enum ArrivalCommand {
    /// 発送リストごとの入荷確認の状況（未解決の不一致・名簿にないカードがあれば終了コード 1）
    Status {
        /// 発送リスト番号（省略時は全件）
        #[arg(long)]
        shipment: Option<i64>,
    },
    /// 入荷確認の問題を解決済にする（内容を記録）。不一致はカードID、名簿にないカードは --serial で指定
    Resolve {
        /// 不一致のカードのカードID
        #[arg(required_unless_present = "serial", conflicts_with = "serial")]
        card_id: Option<String>,
        /// 名簿にないカードの証明書シリアル（kofu arrival status に表示）
        #[arg(long)]
        serial: Option<String>,
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
                    "left_unread": s.left_unread,
                    "strays": s.strays,
                    "strays_resolved": s.strays_resolved,
                    "reads": s.reads,
                }));
            } else {
                let scope = shipment
                    .map(|n| format!("発送リスト #{n}"))
                    .unwrap_or_else(|| "全発送リスト".into());
                println!("入荷確認（{scope}）: {}", s.count_line());
                for line in s.breakdown() {
                    println!("{line}");
                }
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
                if !s.failed.is_empty() {
                    println!(
                        "不一致の解決: kofu arrival resolve <カードID> --note \"確認した内容\""
                    );
                }
                if !s.strays.is_empty() {
                    println!(
                        "名簿にないカードの解決: kofu arrival resolve --serial <シリアル> --note \"例: JMACAに返送\""
                    );
                }
            }
            if s.open_problems() == 0 {
                Ok(())
            } else {
                Err(CliError::check_failed("入荷確認に未解決の問題があります"))
            }
        }
        ArrivalCommand::Resolve {
            card_id,
            serial,
            note,
            who,
        } => {
            let officer = who.resolve(&store)?;
            if let Some(serial) = serial {
                let problem = ArrivalProblem::NotInList {
                    cert_serial: serial,
                };
                let r = store.resolve_arrival(&problem, &note, officer)?;
                ctx.print_result(
                    json!({ "ok": true, "resolution": r }),
                    format!("{} の名簿にないカードを解決済にしました。", r.label),
                );
                return Ok(());
            }
            let Some(card_id) = card_id else {
                return Err(CliError::bad_input(
                    "カードID（不一致のカード）か --serial（名簿にないカード）を指定してください",
                ));
            };
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
