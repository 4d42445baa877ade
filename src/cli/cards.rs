//! `kofu cards`: list or search the cards.

use std::io::Write;

use clap::Args;
use serde_json::json;

use super::{CliError, Ctx, print_json};
use crate::domain::CardState;
use crate::domain::record::CardRecord;
use crate::store::CardQuery;

#[derive(Args, Debug)]
pub struct CardsArgs {
    /// 状態で絞り込む（awaiting, handed_over, mailed, delivered, returned）
    #[arg(long)]
    pub state: Option<String>,
    /// 氏名・フリガナ・ローマ字・カードID・生年月日で検索
    #[arg(long)]
    pub search: Option<String>,
}

/// A card record as JSON: never the registration-QR payload, only whether there is one.
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

pub fn run(a: CardsArgs, ctx: &Ctx) -> Result<(), CliError> {
    let state = match a.state.as_deref() {
        None => None,
        Some(s) => Some(CardState::parse(s).ok_or_else(|| {
            CliError::bad_input(format!(
                "状態「{s}」はありません（awaiting, handed_over, mailed, delivered, returned）"
            ))
        })?),
    };
    let store = ctx.open()?;
    let q = CardQuery {
        text: a.search.unwrap_or_default(),
        state,
        limit: 0,
    };
    let cards = store.search_cards(&q)?;
    if ctx.json {
        print_json(&serde_json::Value::Array(
            cards.iter().map(card_json).collect(),
        ));
        return Ok(());
    }
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
    Ok(())
}
