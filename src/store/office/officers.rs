//! Optional officer passphrases, hashed with Argon2id (PHC string in `officers.passphrase_hash`).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rusqlite::{OptionalExtension, params};

use crate::store::{Officer, Store, StoreError, audit};

/// Shortest passphrase accepted (in characters).
pub const MIN_PASSPHRASE_CHARS: usize = 4;

/// Hash a passphrase (Argon2id, random salt).
pub fn hash_passphrase(passphrase: &str) -> Result<String, StoreError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(StoreError::Refused(format!(
            "パスフレーズは{MIN_PASSPHRASE_CHARS}文字以上にしてください"
        )));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Refused(format!("パスフレーズを登録できません: {e}")))
}

fn verify_hash(hash: &str, passphrase: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(passphrase.as_bytes(), &h)
            .is_ok()
    })
}

impl Store {
    /// Add an officer, optionally with a passphrase, in one transaction with its audit event.
    pub fn add_officer_with_passphrase(
        &mut self,
        name: &str,
        passphrase: Option<&str>,
    ) -> Result<Officer, StoreError> {
        let officer = self.insert_officer(name, passphrase)?;
        tracing::info!(officer_id = officer.id, "officer added");
        Ok(officer)
    }

    /// Check the name (non-empty, unique), hash the passphrase if any, and insert the officer
    /// together with its `officer_added` event.
    pub(crate) fn insert_officer(
        &mut self,
        name: &str,
        passphrase: Option<&str>,
    ) -> Result<Officer, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Refused("担当者名を入力してください".into()));
        }
        if self.officer_by_name(name)?.is_some() {
            return Err(StoreError::Refused(format!(
                "担当者「{name}」は既に登録されています"
            )));
        }
        let hash = passphrase.map(hash_passphrase).transpose()?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO officers (name, created_at, passphrase_hash) VALUES (?1, ?2, ?3)",
            params![name, self.clock.stamp(), hash],
        )?;
        let id = tx.last_insert_rowid();
        let name_sha256 = crate::store::ledger::digest_of(&tx, name)?;
        audit::append(
            &tx,
            &self.clock,
            audit::NewEvent {
                kind: "officer_added",
                officer_id: Some(id),
                card_row: None,
                detail: serde_json::json!({
                    "officer_id": id,
                    "passphrase": hash.is_some(),
                    "name_sha256": name_sha256,
                }),
            },
        )?;
        tx.commit()?;
        Ok(Officer {
            id,
            name: name.to_string(),
            active: true,
            has_passphrase: hash.is_some(),
        })
    }

    /// Set or remove (None) an officer's passphrase.
    pub fn set_officer_passphrase(
        &mut self,
        id: i64,
        passphrase: Option<&str>,
    ) -> Result<(), StoreError> {
        let hash = passphrase.map(hash_passphrase).transpose()?;
        let detail = serde_json::json!({ "officer_id": id, "passphrase": hash.is_some() });
        self.update_officer(
            id,
            "UPDATE officers SET passphrase_hash = ?2 WHERE id = ?1",
            &hash,
            "officer_passphrase_changed",
            detail,
        )
    }

    /// Whether `passphrase` is the officer's. An officer without a passphrase, a disabled or
    /// unknown officer never verifies.
    pub fn verify_officer_passphrase(&self, id: i64, passphrase: &str) -> bool {
        let hash: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT passphrase_hash FROM officers WHERE id = ?1 AND active = 1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten();
        match hash.flatten() {
            Some(h) => verify_hash(&h, passphrase),
            None => false,
        }
    }
}
