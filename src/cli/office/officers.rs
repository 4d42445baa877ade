//! `kofu officer`: issuance officers, with an optional passphrase for the idle lock.

use clap::Subcommand;
use serde_json::json;

use super::{pad, read_passphrase};
use crate::cli::{CliError, Ctx, print_json};

#[derive(Subcommand, Debug)]
pub enum OfficerCommand {
    /// 担当者を登録する
    Add {
        name: String,
        /// パスフレーズを標準入力から読んで設定する
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// 担当者の一覧（無効化された担当者を含む）
    List,
    /// 担当者を無効化する（記録には残る）
    Disable { name: String },
}

pub fn run(c: OfficerCommand, ctx: &Ctx) -> Result<(), CliError> {
    let mut store = ctx.open()?;
    match c {
        OfficerCommand::Add {
            name,
            passphrase_stdin,
        } => {
            let pass = if passphrase_stdin {
                Some(read_passphrase()?)
            } else {
                None
            };
            let o = store.add_officer_with_passphrase(&name, pass.as_deref())?;
            let human = format!(
                "担当者「{}」を登録しました（番号 {}{}）。",
                o.name,
                o.id,
                if o.has_passphrase {
                    "、パスフレーズあり"
                } else {
                    ""
                }
            );
            ctx.print_result(json!({ "ok": true, "officer": o }), human);
        }
        OfficerCommand::List => {
            let list = store.officers(true)?;
            if ctx.json {
                print_json(&json!(list));
            } else {
                for o in &list {
                    println!(
                        "{}\t{}\t{}\t{}",
                        o.id,
                        pad(&o.name, 16),
                        if o.active { "有効" } else { "無効" },
                        if o.has_passphrase {
                            "パスフレーズあり"
                        } else {
                            ""
                        }
                    );
                }
                println!("{} 名", list.len());
            }
        }
        OfficerCommand::Disable { name } => {
            let o = store.officer_by_name(&name)?.ok_or_else(|| {
                CliError::bad_input(format!("担当者「{}」は登録されていません", name.trim()))
            })?;
            if !o.active {
                return Err(CliError::bad_input(format!(
                    "担当者「{}」は既に無効です",
                    o.name
                )));
            }
            store.set_officer_active(o.id, false)?;
            ctx.print_result(
                json!({ "ok": true, "officer_id": o.id, "active": false }),
                format!("担当者「{}」を無効にしました（記録には残ります）。", o.name),
            );
        }
    }
    Ok(())
}
