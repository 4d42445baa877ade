//! `kofu uncollected`: cards waiting at the desk — contacts, holds, and return batches to JMACA.

use clap::Subcommand;
use serde_json::json;

use super::returns::{self, CoverArgs, CreateArgs, ReopenArgs, SentArgs};
use super::{OfficerArg, card_rows, pad};
use crate::cli::{CliError, Ctx, date_or_today, print_json};
use crate::data::DataSet;
use crate::store::Store;
use crate::store::office::returns::BatchKind;
use crate::store::office::uncollected::{ContactMethod, UncollectedCard};
use crate::store::office::{DueAction, UncollectedRules};

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
    },
    /// 保留にする（例: 入院中）
    Hold {
        card_id: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        who: OfficerArg,
    },
    /// 保留を解除する
    Unhold {
        card_id: String,
        #[command(flatten)]
        who: OfficerArg,
    },
    /// JMACA への返却バッチ
    #[command(subcommand)]
    ReturnBatch(ReturnBatchCommand),
}

#[derive(Subcommand, Debug)]
pub enum ReturnBatchCommand {
    /// 返却バッチを作る（--cards か --due のどちらか）
    Create {
        #[command(flatten)]
        batch: CreateArgs,
        /// 返却の時期が来たカードをすべて入れる
        #[arg(long)]
        due: bool,
    },
    /// 送付済にする（カードは返却済になる）
    Sent(SentArgs),
    /// 未送付のバッチを取り消す
    Reopen(ReopenArgs),
    /// 返却バッチの一覧
    List,
    /// 送付状（HTML）・一覧（CSV）を書き出す
    Cover(CoverArgs),
}

/// Load `[uncollected]` from the data set's rules.toml.
pub fn rules(data: &DataSet) -> Result<UncollectedRules, CliError> {
    Ok(data.uncollected)
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

pub fn run(c: UncollectedCommand, ctx: &Ctx) -> Result<(), CliError> {
    let mut store = ctx.open()?;
    match c {
        UncollectedCommand::List { due, date } => {
            let today = date_or_today("--date", date.as_deref(), ctx.clock)?;
            let rules = rules(ctx.data)?;
            let list = if due {
                store.uncollected_due_counted(&rules, today, Some(&ctx.data.calendar))?
            } else {
                store.uncollected_counted(&rules, today, Some(&ctx.data.calendar))?
            };
            if ctx.json {
                print_json(&json!({
                    "date": today.to_string(),
                    "rules": rules,
                    "cards": list.iter().map(uncollected_json).collect::<Vec<_>>(),
                }));
            } else {
                print_list(&list, &rules, today);
            }
            Ok(())
        }
        UncollectedCommand::Contact {
            card_id,
            by,
            note,
            date,
            who,
        } => {
            let officer = who.resolve(&store)?;
            let method = ContactMethod::parse(&by).ok_or_else(|| {
                CliError::bad_input(format!("--by「{by}」は使えません（phone, letter, mail）"))
            })?;
            let on = date_or_today("--date", date.as_deref(), ctx.clock)?;
            let card = store.require_card_id(&card_id)?;
            let rule = crate::domain::date_rules::DateRule::recorded("連絡日").for_card(&card);
            crate::cli::check_date_rule("--date", &rule, on, ctx.clock)?;
            let c = store.record_contact(card.id, method, on, note.as_deref(), officer)?;
            ctx.print_result(
                json!({ "ok": true, "card_id": card.card_id, "contact": c }),
                format!(
                    "カード {} への連絡（{}、{}）を記録しました。",
                    card.card_id,
                    method.label(),
                    on
                ),
            );
            Ok(())
        }
        UncollectedCommand::Hold {
            card_id,
            reason,
            who,
        } => {
            let officer = who.resolve(&store)?;
            let card = store.require_card_id(&card_id)?;
            store.set_hold(card.id, &reason, officer)?;
            ctx.print_result(
                json!({ "ok": true, "card_id": card.card_id, "hold": reason.trim() }),
                format!("カード {} を保留にしました。", card.card_id),
            );
            Ok(())
        }
        UncollectedCommand::Unhold { card_id, who } => {
            let officer = who.resolve(&store)?;
            let card = store.require_card_id(&card_id)?;
            store.clear_hold(card.id, officer)?;
            ctx.print_result(
                json!({ "ok": true, "card_id": card.card_id, "hold": null }),
                format!("カード {} の保留を解除しました。", card.card_id),
            );
            Ok(())
        }
        UncollectedCommand::ReturnBatch(r) => return_batch(r, &mut store, ctx),
    }
}

/// `kofu uncollected return-batch …`: uncollected cards going back to JMACA (`C2026-0001`).
fn return_batch(r: ReturnBatchCommand, store: &mut Store, ctx: &Ctx) -> Result<(), CliError> {
    let kind = BatchKind::Cards;
    match r {
        ReturnBatchCommand::Create { batch: a, due } => {
            let officer = a.who.resolve(store)?;
            let on = date_or_today("--date", a.date.as_deref(), ctx.clock)?;
            let rows = match (a.cards, due) {
                (Some(c), false) => card_rows(store, &c)?,
                (None, true) => store
                    .uncollected_due_counted(&rules(ctx.data)?, on, Some(&ctx.data.calendar))?
                    .into_iter()
                    .filter(|u| u.due == Some(DueAction::Return))
                    .map(|u| u.card.id)
                    .collect(),
                _ => {
                    return Err(CliError::bad_input(
                        "--cards か --due のどちらか一方を指定してください",
                    ));
                }
            };
            let b = store.create_card_return_batch(&rows, on, a.tracking.as_deref(), officer)?;
            let line = format!(
                "返却バッチ {} を作成しました（カード {} 枚）。封入前に各カードを読み取って確認してください。",
                b.number,
                b.live_items().count()
            );
            ctx.print_result(returns::batch_json(&b), line);
            Ok(())
        }
        ReturnBatchCommand::Sent(a) => returns::sent(store, kind, a, ctx),
        ReturnBatchCommand::Reopen(a) => returns::reopen(store, kind, a, ctx),
        ReturnBatchCommand::List => returns::list(store, kind, ctx),
        ReturnBatchCommand::Cover(a) => returns::cover(store, kind, a, ctx),
    }
}

fn print_list(list: &[UncollectedCard], rules: &UncollectedRules, today: chrono::NaiveDate) {
    for u in list {
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
