//! The health of a database file: `PRAGMA integrity_check`, the audit chain and the ledger
//! ([`Store::check`]), and the verified backup ([`Store::backup_to`]).

use std::path::Path;

use serde::Serialize;

use super::{
    Store, StoreError, audit, create_private_file, ledger, query_all, restrict_permissions,
};

/// Integrity, audit chain and ledger status of a database.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub integrity: Vec<String>,
    pub audit: audit::VerifyReport,
    /// The state tables against the replayed audit trail (None when the file is not intact
    /// enough to read: the integrity check or the chain already failed).
    pub ledger: Option<ledger::LedgerReport>,
}

impl CheckReport {
    pub fn integrity_ok(&self) -> bool {
        self.integrity.len() == 1 && self.integrity[0] == "ok"
    }
    pub fn ok(&self) -> bool {
        self.integrity_ok() && self.audit.ok() && self.ledger.as_ref().is_some_and(|l| l.ok())
    }
}

impl Store {
    /// Head hash of the audit chain.
    pub fn audit_head(&self) -> Result<Option<String>, StoreError> {
        audit::head(&self.conn)
    }

    pub fn audit_verify(&self) -> Result<audit::VerifyReport, StoreError> {
        audit::verify(&self.conn)
    }

    /// `PRAGMA integrity_check`, the audit chain, and the ledger (the state tables against the
    /// replayed trail).
    pub fn check(&self) -> Result<CheckReport, StoreError> {
        let integrity = query_all(&self.conn, "PRAGMA integrity_check", [], |r| {
            r.get::<_, String>(0)
        })?;
        let intact = integrity.len() == 1 && integrity[0] == "ok";
        let audit = if intact && !ledger::audit_table_exists(&self.conn)? {
            audit::VerifyReport {
                events: 0,
                head: None,
                first_bad: Some(audit::BadEvent {
                    seq: 0,
                    reason: "監査ログの表 audit_events がありません（削除された可能性があります）"
                        .into(),
                }),
            }
        } else {
            self.audit_verify()?
        };
        let ledger = if intact && audit.ok() {
            Some(self.ledger_check()?)
        } else {
            None
        };
        Ok(CheckReport {
            integrity,
            audit,
            ledger,
        })
    }

    /// Write a consistent copy to `dest` (`VACUUM INTO`), owner-only, then open it and verify
    /// integrity and the audit chain. Refuses to overwrite an existing file.
    pub fn backup_to(&self, dest: &Path) -> Result<CheckReport, StoreError> {
        if dest.exists() {
            return Err(StoreError::Refused(format!(
                "バックアップ先のファイルが既にあります: {}",
                dest.display()
            )));
        }
        if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
        }
        // Write a temporary file next to the destination, verify it, then rename: a backup
        // interrupted at any moment leaves no half-written file under the final name.
        let tmp = dest.with_file_name(format!(
            ".{}.partial",
            dest.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        let _ = std::fs::remove_file(&tmp);
        // Create the file owner-only first; VACUUM INTO accepts an empty existing file.
        create_private_file(&tmp)?;
        let tmp_str = tmp.to_string_lossy().to_string();
        if let Err(e) = self.conn.execute("VACUUM INTO ?1", [&tmp_str]) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
        let report = match Store::open_readonly(&tmp, &self.clock).and_then(|copy| copy.check()) {
            Ok(r) if r.ok() => r,
            Ok(_) | Err(_) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(StoreError::Refused(format!(
                    "バックアップの検証に失敗しました: {}",
                    dest.display()
                )));
            }
        };
        std::fs::rename(&tmp, dest).map_err(|e| StoreError::io(dest, e))?;
        restrict_permissions(dest)?;
        Ok(report)
    }
}
