//! `kofu appointment`: pickup appointments, and the day's list as a printable page.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use super::{OfficerArg, pad};
use crate::cli::{CliError, Ctx, check_date_rule, date_or_today, print_json};
use crate::domain::date::{format_both, parse_date_time_in_year};
use crate::domain::date_rules::DateRule;
use crate::export;

#[derive(Subcommand, Debug)]
pub enum AppointmentCommand {
    /// 予約を登録・変更する
    Set {
        card_id: String,
        /// 日時（例: "2026-11-25 10:30", "12/3 1400", "12月3日 14時"）
        #[arg(long)]
        at: String,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        who: OfficerArg,
    },
    /// 予約を取り消す
    Clear {
        card_id: String,
        #[command(flatten)]
        who: OfficerArg,
    },
    /// 1日分の予約一覧
    List {
        /// 日付（省略時は今日）
        #[arg(long)]
        date: Option<String>,
        /// 印刷用 HTML を書き出す
        #[arg(long)]
        html: Option<PathBuf>,
    },
}

pub fn run(c: AppointmentCommand, ctx: &Ctx) -> Result<(), CliError> {
    let mut store = ctx.open()?;
    match c {
        AppointmentCommand::Set {
            card_id,
            at,
            note,
            who,
        } => {
            let officer = who.resolve(&store)?;
            let at = parse_date_time_in_year(&at, ctx.clock.today())
                .map_err(|e| CliError::bad_input(format!("--at: {e}")))?;
            if let Some(refusal) = ctx.data.calendar.refusal(at.date()) {
                return Err(CliError::bad_input(refusal));
            }
            let card = store.require_card_id(&card_id)?;
            let rule = DateRule::planned("予約日").for_card(&card);
            check_date_rule("--at", &rule, at.date(), ctx.clock)?;
            let a = store.set_appointment(card.id, at, note.as_deref(), officer)?;
            if let Some(w) = ctx.data.calendar.holiday_warning(at.date()) {
                eprintln!("注意: {w}");
            }
            ctx.print_result(
                json!({
                    "ok": true,
                    "card_id": a.card.card_id,
                    "at": a.at.format("%Y-%m-%d %H:%M").to_string(),
                    "note": a.note,
                }),
                format!(
                    "予約を登録しました: {} {} {}",
                    a.card.card_id,
                    format_both(a.at.date()),
                    a.at.format("%H:%M")
                ),
            );
            Ok(())
        }
        AppointmentCommand::Clear { card_id, who } => {
            let officer = who.resolve(&store)?;
            let card = store.require_card_id(&card_id)?;
            store.clear_appointment(card.id, officer)?;
            ctx.print_result(
                json!({ "ok": true, "card_id": card.card_id }),
                format!("カード {} の予約を取り消しました。", card.card_id),
            );
            Ok(())
        }
        AppointmentCommand::List { date, html } => {
            let day = date_or_today("--date", date.as_deref(), ctx.clock)?;
            let list = store.appointments_on(day)?;
            if let Some(path) = &html {
                export::write_html(
                    path,
                    &export::appointments_html(day, &list, &ctx.data.desk.desk_name),
                )?;
            }
            if ctx.json {
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
