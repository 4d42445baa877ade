//! Automatic daily backups and restoring a backup.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::clock::Clock;
use crate::store::{
    Store, StoreError, audit, create_private_file, migrations, restrict_permissions,
};

/// The folder for automatic backups: `backups/` next to the database.
pub fn backups_dir(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Automatic backups in `dir` (`kofu-YYYYMMDD.db`), oldest first.
pub fn list_auto_backups(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.len() == "kofu-YYYYMMDD.db".len()
                    && n.starts_with("kofu-")
                    && n.ends_with(".db")
                    && n.chars().skip(5).take(8).all(|c| c.is_ascii_digit())
            })
        })
        .collect();
    v.sort();
    Ok(v)
}

/// Temporary files of a backup that was killed half-way (older than an hour).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().to_string();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        if name.starts_with(".kofu-") && name.ends_with(".db.tmp") && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

impl Store {
    /// On the first start of a JST day: `VACUUM INTO dir/kofu-YYYYMMDD.db` (verified, owner-only),
    /// then keep only the newest `keep` automatic backups. Returns the new file, or None when
    /// today's backup already exists.
    pub fn auto_backup(&self, dir: &Path, keep: u32) -> Result<Option<PathBuf>, StoreError> {
        let dest = dir.join(format!("kofu-{}.db", self.clock.today().format("%Y%m%d")));
        let made = if dest.exists() {
            None
        } else {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
            }
            // Write under a temporary name so a crash never leaves a half file under today's name.
            let tmp = dir.join(format!(".kofu-{}.db.tmp", std::process::id()));
            let _ = std::fs::remove_file(&tmp);
            self.backup_to(&tmp)?;
            std::fs::rename(&tmp, &dest).map_err(|e| io(&dest, e))?;
            tracing::info!("daily backup written");
            Some(dest)
        };
        remove_stale_temporaries(dir);
        let all = list_auto_backups(dir)?;
        let keep = keep.max(1) as usize;
        if all.len() > keep {
            for old in &all[..all.len() - keep] {
                std::fs::remove_file(old).map_err(|e| io(old, e))?;
            }
        }
        Ok(made)
    }
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub source: String,
    /// Where the replaced database was kept (None when there was none).
    pub replaced: Option<String>,
    pub audit_events: u64,
    pub head: Option<String>,
}

fn refuse_source(src: &Path, why: impl std::fmt::Display) -> StoreError {
    StoreError::Refused(format!(
        "復元元 {} は使えません: {why}。現在のデータベースは変更していません",
        src.display()
    ))
}

/// Check a candidate file: a readable SQLite database of a known schema whose integrity check
/// and audit chain pass.
fn check_source(src: &Path, clock: &Clock) -> Result<Store, StoreError> {
    let s = Store::open_readonly(src, clock).map_err(|e| refuse_source(src, e))?;
    let version = s
        .schema_version()
        .map_err(|e| refuse_source(src, format!("データベースとして読めません（{e}）")))?;
    if version == 0 || version > migrations::latest() {
        return Err(refuse_source(
            src,
            format!("kofu のデータベースではないか、新しい版のものです（スキーマ {version}）"),
        ));
    }
    let report = s
        .check()
        .map_err(|e| refuse_source(src, format!("データベースとして読めません（{e}）")))?;
    if !(report.integrity.len() == 1 && report.integrity[0] == "ok") {
        return Err(refuse_source(
            src,
            format!(
                "整合性チェックに失敗しました（{}）",
                report.integrity.join(" / ")
            ),
        ));
    }
    if let Some(b) = &report.audit.first_bad {
        return Err(refuse_source(
            src,
            format!(
                "監査ログが改ざんされています（イベント #{}: {}）",
                b.seq, b.reason
            ),
        ));
    }
    // The ledger: every state table must be what the audit trail says.
    if let Some(l) = report.ledger.as_ref().filter(|l| !l.ok()) {
        let first: Vec<String> = l.findings.iter().take(5).map(|f| f.message()).collect();
        let more = l.findings.len().saturating_sub(first.len());
        return Err(refuse_source(
            src,
            format!(
                "表の内容が監査ログ（台帳）と一致しません（{} 件: {}{}）",
                l.findings.len(),
                first.join(" / "),
                if more > 0 {
                    format!(" ほか {more} 件")
                } else {
                    String::new()
                }
            ),
        ));
    }
    Ok(s)
}

/// Replace the database at `db` with the backup `src`, after checking `src` (integrity, audit
/// chain and ledger: the state tables against the replayed trail). A corrupt or tampered source is refused with `db` untouched. The replaced database
/// is kept as `kofu.db.replaced-<timestamp>`; every file is owner-only. A `database_restored`
/// event is appended to the restored chain.
pub fn restore(db: &Path, src: &Path, clock: &Clock) -> Result<RestoreReport, StoreError> {
    let source = check_source(src, clock)?;
    let dir = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    let stamp = clock.now().format("%Y%m%d-%H%M%S").to_string();
    let file_name = db
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "kofu.db".into());
    // A consistent private copy of the source next to the database, checked again.
    let tmp = dir.join(format!(".{file_name}.restore-{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    create_private_file(&tmp)?;
    let tmp_str = tmp.to_string_lossy().to_string();
    if let Err(e) = source.conn().execute("VACUUM INTO ?1", [&tmp_str]) {
        let _ = std::fs::remove_file(&tmp);
        return Err(refuse_source(src, e));
    }
    drop(source);
    if let Err(e) = check_source(&tmp, clock) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let swap = (|| -> Result<(Option<String>, Option<PathBuf>), StoreError> {
        restrict_permissions(&tmp)?;
        let previous_head = if db.exists() {
            // Fold the WAL into the main file so the kept copy is complete, then close.
            let c = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
            let head = audit::head(&c).ok().flatten();
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            drop(c);
            head
        } else {
            None
        };
        let replaced = if db.exists() {
            let kept = dir.join(format!("{file_name}.replaced-{stamp}"));
            std::fs::rename(db, &kept).map_err(|e| io(db, e))?;
            restrict_permissions(&kept)?;
            for suffix in ["-wal", "-shm"] {
                let side = dir.join(format!("{file_name}{suffix}"));
                if side.exists() {
                    let to = dir.join(format!("{file_name}.replaced-{stamp}{suffix}"));
                    if let Err(e) = std::fs::rename(&side, &to) {
                        // Put the database back as it was.
                        let _ = std::fs::rename(&kept, db);
                        return Err(io(&side, e));
                    }
                }
            }
            Some(kept)
        } else {
            None
        };
        std::fs::rename(&tmp, db).map_err(|e| io(db, e))?;
        Ok((previous_head, replaced))
    })();
    let (previous_head, replaced) = match swap {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    restrict_permissions(db)?;
    let mut store = Store::open(db, clock)?;
    let sha = {
        use sha2::{Digest, Sha256};
        std::fs::read(src)
            .map(|b| hex::encode(Sha256::digest(&b)))
            .unwrap_or_default()
    };
    let tx = store.conn_mut().transaction()?;
    audit::append(
        &tx,
        clock,
        audit::NewEvent {
            kind: "database_restored",
            officer_id: None,
            card_row: None,
            detail: serde_json::json!({
                "source_sha256": sha,
                "replaced_head": previous_head,
            }),
        },
    )?;
    tx.commit()?;
    let report = store.check()?;
    tracing::info!("database restored from backup");
    Ok(RestoreReport {
        source: src.display().to_string(),
        replaced: replaced.map(|p| p.display().to_string()),
        audit_events: report.audit.events,
        head: report.audit.head,
    })
}
