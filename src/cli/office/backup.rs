//! `kofu restore SRC` and `kofu auto-backup`. (`kofu backup DEST`, a checked copy, is in
//! `cli/audit.rs` with the other audit-chain checks.)

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::cli::{CliError, Ctx, print_json};
use crate::store::office::backups;

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// 復元元のバックアップファイル
    pub src: PathBuf,
}

/// Restore from a backup whose integrity and audit chain check out; exit 1 when it is refused.
pub fn restore(a: RestoreArgs, ctx: &Ctx) -> Result<(), CliError> {
    let r = backups::restore(ctx.db, &a.src, ctx.clock).map_err(CliError::check_failed)?;
    if ctx.json {
        print_json(
            &json!({ "ok": true, "source": r.source, "replaced": r.replaced,
            "audit_events": r.audit_events, "head": r.head }),
        );
    } else {
        println!("{} から復元しました。", r.source);
        if let Some(p) = &r.replaced {
            println!("置き換える前のデータベースは {p} に保存しました。");
        }
        println!(
            "監査ログ {} 件 先頭ハッシュ: {}",
            r.audit_events,
            r.head.as_deref().unwrap_or("なし")
        );
    }
    Ok(())
}

/// Today's backup unless there is one, and the old ones pruned (as the desk screen does).
pub fn auto_backup(ctx: &Ctx) -> Result<(), CliError> {
    let store = ctx.open_existing()?;
    let dir = backups::backups_dir(ctx.db);
    let made = store.auto_backup(&dir, ctx.data.desk.backups_keep)?;
    let v = json!({
        "ok": true,
        "created": made.as_ref().map(|p| p.display().to_string()),
        "dir": dir.display().to_string(),
    });
    let human = match made {
        Some(p) => format!("本日のバックアップを作成し検証しました: {}", p.display()),
        None => format!("本日のバックアップは作成済みです（{}）", dir.display()),
    };
    ctx.print_result(v, human);
    Ok(())
}
