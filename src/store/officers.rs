//! Issuance officers (交付担当者). Officers are never deleted: a disabled officer stays in the history.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Store, StoreError, audit, query_all_cached};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Officer {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub has_passphrase: bool,
}

/// The columns an [`Officer`] is read with, in the order [`officer_from_row`] reads them.
pub(super) const OFFICER_COLUMNS: &str = "id, name, active, passphrase_hash IS NOT NULL";

pub(super) fn officer_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Officer> {
    Ok(Officer {
        id: r.get(0)?,
        name: r.get(1)?,
        active: r.get(2)?,
        has_passphrase: r.get(3)?,
    })
}

impl Store {
    pub fn officers(&self, include_disabled: bool) -> Result<Vec<Officer>, StoreError> {
        query_all_cached(
            self.conn(),
            &format!(
                "SELECT {OFFICER_COLUMNS} FROM officers
             WHERE ?1 OR active = 1 ORDER BY id"
            ),
            [include_disabled],
            officer_from_row,
        )
    }

    pub fn officer_by_name(&self, name: &str) -> Result<Option<Officer>, StoreError> {
        Ok(self
            .officers(true)?
            .into_iter()
            .find(|o| o.name == name.trim()))
    }

    /// Add an officer (audited). Names must be unique and non-empty.
    pub fn add_officer(&mut self, name: &str) -> Result<Officer, StoreError> {
        self.insert_officer(name, None)
    }

    /// Disable an officer: they can no longer be chosen, but stay in the history.
    pub fn set_officer_active(&mut self, id: i64, active: bool) -> Result<(), StoreError> {
        self.update_officer(
            id,
            "UPDATE officers SET active = ?2 WHERE id = ?1",
            &active,
            if active {
                "officer_enabled"
            } else {
                "officer_disabled"
            },
            serde_json::json!({ "officer_id": id }),
        )
    }

    /// Change one column of an officer in one transaction with its audit event.
    pub(crate) fn update_officer(
        &mut self,
        id: i64,
        sql: &str,
        value: &dyn rusqlite::ToSql,
        kind: &str,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(sql, params![id, value])?;
        if n == 0 {
            return Err(StoreError::Refused(format!(
                "担当者 {id} は登録されていません"
            )));
        }
        audit::append(
            &tx,
            &self.clock,
            audit::NewEvent {
                kind,
                officer_id: Some(id),
                card_row: None,
                detail,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn officer(&self, id: i64) -> Result<Option<Officer>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {OFFICER_COLUMNS} FROM officers WHERE id = ?1"),
                [id],
                officer_from_row,
            )
            .optional()?)
    }
}
