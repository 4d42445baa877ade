//! The card rows: the columns a card is read with and its [`CardRecord`], the searches and
//! look-ups over the cards, and their search keys (computed, cached in memory, rebuilt when the
//! key rules change).

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, audit, first_value, normalise_serial, query_all, query_all_cached};
use crate::domain::card_facts::CertificateFacts;
use crate::domain::expiry::IssueType;
use crate::domain::record::CardRecord;
use crate::domain::{CardState, Membership, ReceiptStatus, Route, search};

/// A search over the cards.
#[derive(Debug, Clone, Default)]
pub struct CardQuery {
    /// Raw text as typed; normalised here (name, kana, romaji, card ID, or a birth date).
    pub text: String,
    pub state: Option<CardState>,
    /// 0 = no limit.
    pub limit: usize,
}

pub(super) const CARD_COLUMNS: &str = "c.id, c.card_id, c.name, c.kana, c.romaji, c.birth_date, c.issue_date, \
     c.expiry_date, c.membership, c.route, c.cert_serial, c.note, c.registration_qr IS NOT NULL, \
     c.state, c.receipt, c.arrived_on, c.shipment_id, c.issue_type, c.previous_expiry";

/// How many columns [`CARD_COLUMNS`] selects: a query appending its own columns reads them from
/// this index on.
pub(crate) const CARD_COLUMN_COUNT: usize = 19;

fn parse_iso(s: &str, idx: usize) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn bad_enum(idx: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Text,
        format!("unknown value {what}").into(),
    )
}

pub(crate) fn card_from_row(r: &Row<'_>) -> rusqlite::Result<CardRecord> {
    let state: String = r.get(13)?;
    let receipt: Option<String> = r.get(14)?;
    let membership: Option<String> = r.get(8)?;
    let route: Option<String> = r.get(9)?;
    Ok(CardRecord {
        id: r.get(0)?,
        card_id: r.get(1)?,
        name: r.get(2)?,
        kana: r.get(3)?,
        romaji: r.get(4)?,
        birth_date: parse_iso(&r.get::<_, String>(5)?, 5)?,
        issue_date: parse_iso(&r.get::<_, String>(6)?, 6)?,
        expiry_date: parse_iso(&r.get::<_, String>(7)?, 7)?,
        membership: match membership.as_deref() {
            None => None,
            Some(m) => Some(Membership::parse(m).ok_or_else(|| bad_enum(8, m))?),
        },
        route: match route.as_deref() {
            None => None,
            Some(m) => Some(Route::parse(m).ok_or_else(|| bad_enum(9, m))?),
        },
        cert_serial: r.get(10)?,
        note: r.get(11)?,
        has_registration_qr: r.get(12)?,
        state: CardState::parse(&state).ok_or_else(|| bad_enum(13, &state))?,
        receipt: match receipt.as_deref() {
            None => None,
            Some(m) => Some(ReceiptStatus::parse(m).ok_or_else(|| bad_enum(14, m))?),
        },
        arrived_on: parse_iso(&r.get::<_, String>(15)?, 15)?,
        shipment_id: r.get(16)?,
        issue_type: match r.get::<_, Option<String>>(17)?.as_deref() {
            None => None,
            Some(t) => Some(IssueType::parse(t).ok_or_else(|| bad_enum(17, t))?),
        },
        previous_expiry: match r.get::<_, Option<String>>(18)? {
            None => None,
            Some(d) => Some(parse_iso(&d, 18)?),
        },
    })
}

/// The text stored in `card_search.key` for a card: every searchable field, normalised, joined
/// by a separator no normalised query contains.
pub fn card_search_key(
    name: &str,
    kana: &str,
    romaji: Option<&str>,
    card_id: &str,
    birth: NaiveDate,
) -> String {
    let mut key = String::new();
    for part in [
        search::search_key(name),
        search::search_key(kana),
        romaji.map(search::romaji_key).unwrap_or_default(),
        search::search_key(card_id),
        // Romaji as typed (long vowels folded), of the printed romaji and of the kana reading.
        romaji.map(search::romaji_fold).unwrap_or_default(),
        search::romaji_fold(&search::kana_to_romaji(kana)),
        birth.format("%Y%m%d").to_string(),
    ] {
        key.push_str(&part);
        key.push('\u{1f}');
    }
    key
}

impl Store {
    /// Search cards. An empty text lists all (filtered by state); a text that parses as a date
    /// matches birth dates; anything else is a substring of the normalised keys.
    pub fn search_cards(&self, q: &CardQuery) -> Result<Vec<CardRecord>, StoreError> {
        let text = q.text.trim();
        let limit = if q.limit == 0 { -1 } else { q.limit as i64 };
        let state = q.state.map(|s| s.as_str());
        let date = if text.chars().count() >= 6 {
            crate::domain::date::parse_date(text).ok()
        } else {
            None
        };
        // Row ids grow with each import, so id order is arrival order; ordering by the
        // search table's rowid lets SQLite stop as soon as the limit is reached.
        let order = "ORDER BY c.id LIMIT ?3";
        let out = if text.is_empty() {
            let sql = format!(
                "SELECT {CARD_COLUMNS} FROM cards c WHERE (?1 IS NULL OR c.state = ?1) AND ?2 IS NULL {order}"
            );
            query_all_cached(
                &self.conn,
                &sql,
                params![state, Option::<String>::None, limit],
                card_from_row,
            )?
        } else if let Some(d) = date {
            let sql = format!(
                "SELECT {CARD_COLUMNS} FROM cards c WHERE (?1 IS NULL OR c.state = ?1) AND c.birth_date = ?2 {order}"
            );
            query_all_cached(
                &self.conn,
                &sql,
                params![state, d.to_string(), limit],
                card_from_row,
            )?
        } else {
            let key = search::search_key(text);
            // A romaji query with spaces ("Kagurazaka Sanjushi") also matches in name-part order.
            let romaji = (text.is_ascii() && text.contains(' '))
                .then(|| search::romaji_key(text))
                .filter(|r| *r != key);
            // Romaji typed as an IME user types it ("tarou", "saitou") against the folded forms.
            let typed_romaji = text
                .chars()
                .all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | '\'' | '-' | '.'))
                .then(|| search::romaji_fold(text))
                .filter(|r| r.len() >= 2);
            let mut needles = vec![key.as_str()];
            needles.extend(romaji.as_deref());
            needles.extend(typed_romaji.as_deref());
            let candidates = {
                let mut index = self.search.borrow_mut();
                index.refresh(&self.conn)?;
                index.matching_rows(&needles)
            };
            let limit = if q.limit == 0 { usize::MAX } else { q.limit };
            self.cards_by_rows(&candidates, state, limit)?
        };
        Ok(out)
    }

    /// The cards of `rows` (ascending) in `state` (if given), in row order, at most `limit`.
    ///
    /// Rows are fetched by id in growing chunks (256, 1024, 4096 …) with the state filter in
    /// SQL, so a query stops as soon as the limit is reached: the queue's default filter (cards
    /// at the desk) usually needs one chunk, and a rare state a few more.
    fn cards_by_rows(
        &self,
        rows: &[i64],
        state: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CardRecord>, StoreError> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut size = 256;
        while start < rows.len() && out.len() < limit {
            let end = rows.len().min(start + size);
            let ids = &rows[start..end];
            let marks = vec!["?"; ids.len()].join(",");
            let sql = format!(
                "SELECT {CARD_COLUMNS} FROM cards c WHERE c.id IN ({marks})
                 AND (?{n} IS NULL OR c.state = ?{n}) ORDER BY c.id",
                n = ids.len() + 1
            );
            let params = ids
                .iter()
                .map(|i| i as &dyn rusqlite::ToSql)
                .chain(std::iter::once(&state as &dyn rusqlite::ToSql));
            let found = query_all(
                &self.conn,
                &sql,
                rusqlite::params_from_iter(params),
                card_from_row,
            )?;
            out.extend(found.into_iter().take(limit - out.len()));
            start = end;
            size = (size * 4).min(16_384);
        }
        Ok(out)
    }

    pub fn card(&self, id: i64) -> Result<Option<CardRecord>, StoreError> {
        let sql = format!("SELECT {CARD_COLUMNS} FROM cards c WHERE c.id = ?1");
        Ok(self.conn.query_row(&sql, [id], card_from_row).optional()?)
    }

    /// The card in row `id`, or [`StoreError::CardNotFound`].
    pub(crate) fn require_card(&self, id: i64) -> Result<CardRecord, StoreError> {
        self.card(id)?.ok_or(StoreError::CardNotFound(id))
    }

    pub fn card_by_card_id(&self, card_id: &str) -> Result<Option<CardRecord>, StoreError> {
        let sql = format!("SELECT {CARD_COLUMNS} FROM cards c WHERE c.card_id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [card_id.trim()], card_from_row)
            .optional()?)
    }

    /// The record a card on the reader belongs to: by certificate serial when the manifest had
    /// it, else by the kanji name among the cards at the desk when exactly one matches.
    pub fn find_by_certificate(
        &self,
        cert: &CertificateFacts,
    ) -> Result<Option<CardRecord>, StoreError> {
        let serial = normalise_serial(&cert.serial_hex);
        let sql = format!("SELECT {CARD_COLUMNS} FROM cards c WHERE c.cert_serial = ?1");
        if let Some(c) = self
            .conn
            .query_row(&sql, [&serial], card_from_row)
            .optional()?
        {
            return Ok(Some(c));
        }
        let Some(kanji) = cert.name_kanji.as_deref() else {
            return Ok(None);
        };
        let name_key = format!("{}\u{1f}", search::search_key(kanji));
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM card_search s JOIN cards c ON c.id = s.card_row
             WHERE c.state = 'awaiting' AND substr(s.key, 1, length(?1)) = ?1 LIMIT 2"
        );
        let found = query_all_cached(&self.conn, &sql, [&name_key], card_from_row)?;
        Ok(if found.len() == 1 {
            found.into_iter().next()
        } else {
            None
        })
    }

    /// Number of cards in each state (every state listed, zeros included).
    pub fn state_counts(&self) -> Result<Vec<(CardState, u64)>, StoreError> {
        let rows = query_all_cached(
            &self.conn,
            "SELECT state, count(*) FROM cards GROUP BY state",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )?;
        Ok(CardState::ALL
            .into_iter()
            .map(|s| {
                let n = rows
                    .iter()
                    .find(|(k, _)| k == s.as_str())
                    .map(|(_, n)| *n as u64)
                    .unwrap_or(0);
                (s, n)
            })
            .collect())
    }

    /// The registration-QR payload of a card, if the manifest carried one and it has not been
    /// handed over yet. Call only after the identity check and a matched card.
    pub fn registration_qr(&self, id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT registration_qr FROM cards WHERE id = ?1",
                [id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Load the search keys into memory, so the first search at the counter does not wait
    /// for it. The store thread calls it first.
    pub fn warm_up(&self) -> Result<(), StoreError> {
        self.search.borrow_mut().refresh(&self.conn)?;
        Ok(())
    }

    /// The fingerprint of what search keys depend on (algorithm version and variant table).
    pub fn search_key_fingerprint() -> String {
        let (version, table) = search::key_inputs();
        let mut h = <sha2::Sha256 as sha2::Digest>::new();
        sha2::Digest::update(&mut h, version.to_be_bytes());
        sha2::Digest::update(&mut h, table.as_bytes());
        hex::encode(sha2::Digest::finalize(h))
    }

    /// Recompute every card's search key when the key rules changed since they were stored
    /// (one transaction with an audit event). Returns the number of keys that changed.
    pub fn rekey_if_needed(&mut self) -> Result<Option<usize>, StoreError> {
        let want = Self::search_key_fingerprint();
        let have: Option<String> = first_value(
            &self.conn,
            "SELECT value FROM meta WHERE key = 'search_key_fingerprint'",
            [],
        )?;
        if have.as_deref() == Some(want.as_str()) {
            return Ok(None);
        }
        let tx = self.conn.transaction()?;
        let mut changed = 0usize;
        let mut total = 0usize;
        {
            let rows = query_all(
                &tx,
                "SELECT c.id, c.name, c.kana, c.romaji, c.card_id, c.birth_date, s.key
                 FROM cards c JOIN card_search s ON s.card_row = c.id",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        parse_iso(&r.get::<_, String>(5)?, 5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )?;
            let mut write = tx.prepare("UPDATE card_search SET key = ?2 WHERE card_row = ?1")?;
            for (id, name, kana, romaji, card_id, birth, old) in rows {
                total += 1;
                let key = card_search_key(&name, &kana, romaji.as_deref(), &card_id, birth);
                if key != old {
                    write.execute(params![id, key])?;
                    changed += 1;
                }
            }
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('search_key_fingerprint', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [&want],
        )?;
        if total > 0 {
            audit::append(
                &tx,
                &self.clock,
                audit::NewEvent {
                    kind: "search_keys_rebuilt",
                    officer_id: None,
                    card_row: None,
                    detail: serde_json::json!({ "cards": total, "changed": changed, "fingerprint": want }),
                },
            )?;
        }
        tx.commit()?;
        if changed > 0 {
            // Keys changed in place: start the in-memory copy afresh.
            *self.search.borrow_mut() = Default::default();
            tracing::info!(cards = total, changed, "search keys rebuilt");
        }
        Ok(Some(changed))
    }

    /// Total number of cards.
    pub fn card_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM cards", [], |r| r.get::<_, i64>(0))? as u64)
    }
}
