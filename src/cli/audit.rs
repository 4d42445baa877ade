//! The commands that check the audit chain of the database or of a copy of it: `audit verify`,
//! `db check` (with the ledger: the state tables against the replayed trail) and `backup DEST`. (Restoring and the daily backup are back-office commands:
//! `office/backup.rs`.)

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use super::{CliError, Ctx, Exit, print_json};

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// ハッシュチェーンを再計算して改ざん・削除を検出する
    Verify {
        /// 紙の日報などに印字された先頭ハッシュと照合する
        #[arg(long)]
        expect_head: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// integrity_check、監査ログの検証、台帳（監査ログの再生）と各表の照合
    Check {
        /// 紙の日報などに印字された先頭ハッシュと照合する（最新イベントの削除を検出）
        #[arg(long)]
        expect_head: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// バックアップ先ファイル（既存のファイルには上書きしません）
    pub dest: PathBuf,
}

/// `kofu audit verify [--expect-head HASH]`: exit 1 when the chain is broken or the head differs.
pub fn run_audit(c: AuditCommand, ctx: &Ctx) -> Result<(), CliError> {
    let AuditCommand::Verify { expect_head } = c;
    let store = ctx.open_existing()?;
    let r = store.audit_verify()?;
    let head_mismatch = match (expect_head.as_deref(), r.head.as_deref()) {
        (Some(want), Some(have)) => !have.starts_with(&want.to_ascii_lowercase()),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if ctx.json {
        print_json(&json!({
            "ok": r.ok() && !head_mismatch,
            "events": r.events,
            "head": r.head,
            "first_bad": r.first_bad,
            "head_matches": expect_head.map(|_| !head_mismatch),
        }));
    } else if let Some(bad) = &r.first_bad {
        println!(
            "監査ログの検証に失敗しました: イベント #{}: {}",
            bad.seq, bad.reason
        );
    } else {
        println!(
            "監査ログは正常です（{} 件）。先頭ハッシュ: {}",
            r.events,
            r.head.as_deref().unwrap_or("（イベントなし）")
        );
        if head_mismatch {
            println!(
                "ただし、指定された先頭ハッシュと一致しません（最新のイベントが削除された可能性があります）。"
            );
        }
    }
    if r.ok() && !head_mismatch {
        Ok(())
    } else {
        Err(CliError::reported(Exit::CheckFailed))
    }
}

/// `kofu db check [--expect-head HASH]`: `PRAGMA integrity_check`, the audit chain and the
/// ledger (every state table against the replayed trail); exit 1 when any fails.
pub fn run_db(c: DbCommand, ctx: &Ctx) -> Result<(), CliError> {
    let DbCommand::Check { expect_head } = c;
    let store = ctx.open_existing()?;
    let r = store.check().map_err(CliError::check_failed)?;
    let head_mismatch = match (expect_head.as_deref(), r.audit.head.as_deref()) {
        (Some(want), Some(have)) => !have.starts_with(&want.trim().to_ascii_lowercase()),
        (Some(_), None) => true,
        (None, _) => false,
    };
    let ok = r.ok() && !head_mismatch;
    if ctx.json {
        print_json(&json!({
            "ok": ok,
            "integrity": r.integrity,
            "audit": r.audit,
            "head_matches": expect_head.map(|_| !head_mismatch),
            "ledger": r.ledger.as_ref().map(|l| json!({
                "ok": l.ok(),
                "events": l.events,
                "cards": l.cards,
                "findings": l.findings,
                "unsupported": l.unsupported,
            })),
        }));
    } else {
        println!(
            "整合性チェック: {}",
            if r.integrity_ok() {
                "正常".to_string()
            } else {
                r.integrity.join(" / ")
            }
        );
        match &r.audit.first_bad {
            None => println!(
                "監査ログ: 正常（{} 件）先頭ハッシュ: {}",
                r.audit.events,
                r.audit.head.as_deref().unwrap_or("（イベントなし）")
            ),
            Some(b) => println!("監査ログ: 異常 イベント #{}: {}", b.seq, b.reason),
        }
        if head_mismatch {
            println!(
                "監査ログ: 指定された先頭ハッシュと一致しません（最新のイベントが削除された可能性があります）"
            );
        }
        match &r.ledger {
            None => {
                println!("台帳: 確認できません（先に整合性・監査ログの異常を解決してください）")
            }
            Some(l) if l.ok() => println!(
                "台帳: 正常（監査イベント {} 件を再生し、カード {} 件と各表が一致）",
                l.events, l.cards
            ),
            Some(l) => {
                println!("台帳: 不一致 {} 件", l.findings.len());
                for f in &l.findings {
                    println!("  {}", f.message());
                }
            }
        }
        if let Some(l) = &r.ledger {
            for u in &l.unsupported {
                println!("台帳（参考）: {}", u.message());
            }
        }
    }
    if ok {
        Ok(())
    } else {
        Err(CliError::reported(Exit::CheckFailed))
    }
}

/// `kofu backup DEST`: a verified, owner-only copy; never overwrites.
pub fn run_backup(a: BackupArgs, ctx: &Ctx) -> Result<(), CliError> {
    let store = ctx.open_existing()?;
    let r = store.backup_to(&a.dest)?;
    ctx.print_result(
        json!({
            "ok": true,
            "dest": a.dest.display().to_string(),
            "audit_events": r.audit.events,
            "head": r.audit.head,
        }),
        format!(
            "バックアップを作成し検証しました: {}（監査イベント {} 件、先頭ハッシュ {}）",
            a.dest.display(),
            r.audit.events,
            r.audit.head.as_deref().unwrap_or("なし")
        ),
    );
    Ok(())
}
