//! SQLite persistence: schema, typed queries, the audit chain and the manifest import.
//!
//! Every state change runs in one transaction together with its audit event. The database is
//! opened in WAL mode with `synchronous=FULL` and foreign keys on, and created owner-only (0600).
//!
//! This file opens the database (file permissions, pragmas, migrations) and holds the
//! [`Store`] handle and its errors. The rest, by concern: `cards` (reading and searching the
//! card rows, their search keys), `integrity` (the check and the verified backup), and the
//! modules below (the audit chain, the ledger, handovers, the back office, the import …).

pub mod audit;
mod cards;
pub mod handover;
pub mod import;
mod integrity;
pub mod ledger;
pub mod migrations;
pub mod office;
pub mod officers;
pub mod search_index;

use std::path::{Path, PathBuf};

use rusqlite::types::FromSql;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Params, Row, Statement};

use crate::clock::Clock;
use crate::domain::TransitionError;

use cards::CARD_COLUMNS;
pub(crate) use cards::{CARD_COLUMN_COUNT, card_from_row};
pub use cards::{CardQuery, card_search_key};
pub use integrity::CheckReport;
pub use officers::Officer;

/// Errors from the store. `Display` is the Japanese message shown to the officer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("データベースエラー: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("ファイルを操作できません: {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "このデータベースは新しい版の kofu で作成されています（スキーマ {found}、この kofu は {supported} まで）"
    )]
    TooNew { found: u32, supported: u32 },
    #[error("{0}")]
    Transition(#[from] TransitionError),
    #[error("該当するカードがありません（レコード {0}）")]
    CardNotFound(i64),
    #[error("{0}")]
    Refused(String),
}

/// The store's answer as the app keeps it: a refusal by a desk rule, or a fault of the
/// database or a file; the message is this error's Japanese text.
impl From<StoreError> for crate::domain::failure::Failure {
    fn from(e: StoreError) -> Self {
        use crate::domain::failure::Failure;
        match e {
            StoreError::Transition(_) | StoreError::CardNotFound(_) | StoreError::Refused(_) => {
                Failure::refused(e.to_string())
            }
            StoreError::Sqlite(_) | StoreError::Io { .. } | StoreError::TooNew { .. } => {
                Failure::fault(e.to_string())
            }
        }
    }
}

impl StoreError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Every row `sql` returns for `params`, each read by `map`, in the order SQLite returns them.
pub(crate) fn query_all<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    collect_rows(&mut conn.prepare(sql)?, params, map)
}

/// [`query_all`] through the connection's statement cache, for a query of fixed text that runs
/// often (the queue, the officer list, a card's contacts).
pub(crate) fn query_all_cached<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    collect_rows(&mut stmt, params, map)
}

/// The first column of the first row `sql` returns for `params`, or None when it returns no row.
pub(crate) fn first_value<T: FromSql>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<Option<T>, StoreError> {
    Ok(conn.query_row(sql, params, |r| r.get(0)).optional()?)
}

fn collect_rows<T>(
    stmt: &mut Statement<'_>,
    params: impl Params,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    Ok(stmt
        .query_map(params, map)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// Create `path` (and its parent) readable by the owner only, if it does not exist yet.
pub fn create_private_file(path: &Path) -> Result<(), StoreError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map_err(|e| StoreError::io(path, e))?;
    restrict_permissions(path)
}

/// Make an existing file owner-only where the OS allows it.
pub fn restrict_permissions(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| StoreError::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The program's clock: every stored timestamp and audit time comes from it.
    clock: Clock,
    search: std::cell::RefCell<search_index::SearchIndex>,
}

impl Store {
    /// Open (creating owner-only if missing) and migrate the database at `path`. Every
    /// timestamp the store writes is read from `clock`.
    pub fn open(path: &Path, clock: &Clock) -> Result<Store, StoreError> {
        if !path.exists() {
            create_private_file(path)?;
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Keep the search table and the card rows of a large desk in memory (64 MiB at most).
        conn.pragma_update(None, "cache_size", -65536)?;
        migrations::migrate(&mut conn)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            clock: clock.clone(),
            search: Default::default(),
        };
        store.rekey_if_needed()?;
        Ok(store)
    }

    /// Open an existing file read-only, without migrating (for checks of backups).
    pub fn open_readonly(path: &Path, clock: &Clock) -> Result<Store, StoreError> {
        if !path.is_file() {
            return Err(StoreError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "ファイルがありません"),
            ));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            clock: clock.clone(),
            search: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole audit trail, oldest event first.
    pub fn audit_events(&self) -> Result<Vec<audit::AuditEvent>, StoreError> {
        audit::events(&self.conn, None)
    }

    /// The clock the store stamps its changes with.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

pub use crate::domain::card_facts::canonical_serial as normalise_serial;
