//! `kofu report`: 日報 and 月報, each with the audit head hash so a paper copy anchors the log.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::pad;
use crate::cli::{CliError, Ctx, date_or_today, print_json};
use crate::domain::date::format_both;
use crate::export;

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// 日報（交付方法別の件数・郵送・返却・カード一覧・監査ログ先頭ハッシュ）
    Daily {
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// 月報（受入・交付・郵送・返却・月末の未交付）
    Monthly {
        /// 対象月（例: 2026-11）
        #[arg(long)]
        month: String,
        #[arg(long)]
        html: Option<PathBuf>,
    },
}

pub fn run(c: ReportCommand, ctx: &Ctx) -> Result<(), CliError> {
    let store = ctx.open()?;
    let desk = &ctx.data.desk.desk_name;
    match c {
        ReportCommand::Daily { date, html } => {
            let day = date_or_today("--date", date.as_deref(), ctx.clock)?;
            let r = store.daily_report(day)?;
            if let Some(p) = &html {
                export::write_html(p, &export::daily_html(&r, desk))?;
            }
            if ctx.json {
                print_json(&serde_json::to_value(&r).unwrap_or_default());
                return Ok(());
            }
            println!("日報 {}（{desk}）", format_both(day));
            for (k, v) in export::daily_summary_lines(&r) {
                println!("  {}{v:>5}", pad(&k, 36));
            }
            for b in &r.batches_sent {
                println!("  送付バッチ {}（{} 件）", b.number, b.count);
            }
            for l in &r.lines {
                println!(
                    "  {}\t{}\t{}\t{}{}",
                    l.time,
                    l.card_id,
                    pad(&l.name, 14),
                    export::route_label(&l.route),
                    if l.cancelled { "（取消）" } else { "" }
                );
            }
            print_footer(r.audit_events, r.audit_head.as_deref(), html.as_deref());
        }
        ReportCommand::Monthly { month, html } => {
            let r = store.monthly_report(&month)?;
            if let Some(p) = &html {
                export::write_html(p, &export::monthly_html(&r, desk))?;
            }
            if ctx.json {
                print_json(&serde_json::to_value(&r).unwrap_or_default());
                return Ok(());
            }
            println!("月報 {}（{desk}）", r.month);
            for (k, v) in export::monthly_summary_lines(&r) {
                println!("  {}{v:>5}", pad(&k, 36));
            }
            print_footer(r.audit_events, r.audit_head.as_deref(), html.as_deref());
        }
    }
    Ok(())
}

/// The audit anchor line, and where the HTML went.
fn print_footer(events: u64, head: Option<&str>, html: Option<&Path>) {
    println!(
        "監査ログ {events} 件 先頭ハッシュ: {}",
        head.unwrap_or("（イベントなし）")
    );
    if let Some(p) = html {
        println!("HTML を書き出しました: {}", p.display());
    }
}
