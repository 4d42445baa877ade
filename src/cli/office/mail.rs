//! `kofu mail`: 本人限定受取郵便 — cards in the post, delivered, or returned undelivered.

use clap::Subcommand;
use serde_json::json;

use super::{OfficerArg, pad};
use crate::cli::{CliError, Ctx, check_date_rule, date_or_today, print_json};
use crate::domain::date_rules::DateRule;
use crate::domain::record::CardRecord;
use crate::store::Store;

#[derive(Subcommand, Debug)]
pub enum MailCommand {
    /// 郵送中のカード（お問い合わせ番号つき）
    List,
    /// 配達済を記録する
    Delivered {
        card_id: String,
        /// 配達日（省略時は今日）
        #[arg(long)]
        date: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
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
    },
}

pub fn run(c: MailCommand, ctx: &Ctx) -> Result<(), CliError> {
    let mut store = ctx.open()?;
    match c {
        MailCommand::List => list(&store, ctx),
        MailCommand::Delivered { card_id, date, who } => {
            let officer = who.resolve(&store)?;
            let (card, on) =
                outcome_card_and_day(&store, ctx, &card_id, date.as_deref(), "配達日")?;
            let c = store.record_mail_delivered(card.id, on, officer)?;
            let human = format!("カード {} を配達済にしました。", c.card_id);
            ctx.print_result(changed_json(&c), human);
            Ok(())
        }
        MailCommand::Returned {
            card_id,
            reason,
            date,
            who,
        } => {
            let officer = who.resolve(&store)?;
            let (card, on) =
                outcome_card_and_day(&store, ctx, &card_id, date.as_deref(), "返送日")?;
            let c = store.record_mail_returned(card.id, on, &reason, officer)?;
            let human = format!(
                "カード {} の不達（返送）を記録しました。カードは交付待ちに戻りました。",
                c.card_id
            );
            ctx.print_result(changed_json(&c), human);
            Ok(())
        }
    }
}

fn list(store: &Store, ctx: &Ctx) -> Result<(), CliError> {
    let list = store.mailed_cards()?;
    if ctx.json {
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

/// The card and the day (`--date`, or today) of a mail outcome, the day checked against the
/// card's dates (`field`: 配達日 or 返送日).
fn outcome_card_and_day(
    store: &Store,
    ctx: &Ctx,
    card_id: &str,
    date: Option<&str>,
    field: &str,
) -> Result<(CardRecord, chrono::NaiveDate), CliError> {
    let on = date_or_today("--date", date, ctx.clock)?;
    let card = store.require_card_id(card_id)?;
    check_date_rule("--date", &mail_rule(store, &card, field)?, on, ctx.clock)?;
    Ok((card, on))
}

/// The rule for a date after dispatch: not before the card's issue, arrival or dispatch.
fn mail_rule(store: &Store, card: &CardRecord, field: &str) -> Result<DateRule, CliError> {
    let mut rule = DateRule::recorded(field).for_card(card);
    let dispatched = store
        .mailed_cards()?
        .into_iter()
        .find(|m| m.card.id == card.id)
        .and_then(|m| m.dispatch_date)
        .and_then(|d| crate::domain::date::parse_date(&d).ok());
    if let Some(d) = dispatched {
        rule = rule.not_before(d, "発送日");
    }
    Ok(rule)
}

/// A card whose mail state changed, as JSON.
fn changed_json(c: &CardRecord) -> serde_json::Value {
    json!({ "ok": true, "card_id": c.card_id, "state": c.state.as_str() })
}
