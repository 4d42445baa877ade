//! 予約: one appointment (JST date and time) per card, with an optional note.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{OptionalExtension, params};

use super::OfficerChange;
pub use crate::domain::office::appointments::Appointment;
use crate::store::{
    CARD_COLUMN_COUNT, CARD_COLUMNS, Store, StoreError, card_from_row, first_value, query_all,
};

/// Stored format of an appointment time (JST, sortable as text).
const AT_FORMAT: &str = "%Y-%m-%d %H:%M";

/// Parse "2026-11-25 10:30" (also `T` or `/` separators, full-width digits) as a JST time.
pub fn parse_appointment_time(s: &str) -> Result<NaiveDateTime, StoreError> {
    use unicode_normalization::UnicodeNormalization;
    let t: String = s.nfkc().collect::<String>().trim().replace('/', "-");
    for f in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(&t, f) {
            return Ok(d);
        }
    }
    Err(StoreError::Refused(format!(
        "予約日時「{s}」を読み取れません（例: 2026-11-25 10:30）"
    )))
}

fn parse_at(s: &str) -> rusqlite::Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, AT_FORMAT).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The time (as stored) of a card's appointment, if it has one.
fn appointment_at(
    tx: &rusqlite::Transaction<'_>,
    card_row: i64,
) -> Result<Option<String>, StoreError> {
    first_value(
        tx,
        "SELECT at FROM appointments WHERE card_row = ?1",
        [card_row],
    )
}

impl Store {
    /// Set (or move) the appointment of a card that is at the desk.
    pub fn set_appointment(
        &mut self,
        card_row: i64,
        at: NaiveDateTime,
        note: Option<&str>,
        officer_id: Option<i64>,
    ) -> Result<Appointment, StoreError> {
        let card = self.awaiting_card(card_row, "予約できません")?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        let at_text = at.format(AT_FORMAT).to_string();
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        let previous = appointment_at(&tx, card_row)?;
        tx.execute(
            "INSERT INTO appointments (card_row, at, note, set_at, officer_id) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(card_row) DO UPDATE SET at = excluded.at, note = excluded.note,
                set_at = excluded.set_at, officer_id = excluded.officer_id",
            params![card_row, at_text, note, self.clock.stamp(), officer_id],
        )?;
        tx.audit_card(
            "appointment_set",
            card_row,
            serde_json::json!({
                "card_id": card.card_id,
                "at": at_text,
                "previous": previous,
            }),
        )?;
        tx.commit()?;
        tracing::info!(card_row, "appointment set");
        Ok(Appointment {
            at,
            note: note.map(str::to_string),
            card,
        })
    }

    /// Clear a card's appointment (audited). Refused when it has none.
    pub fn clear_appointment(
        &mut self,
        card_row: i64,
        officer_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let card = self.require_card(card_row)?;
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        let previous = appointment_at(&tx, card_row)?;
        let Some(previous) = previous else {
            return Err(StoreError::Refused(format!(
                "カード {} には予約がありません",
                card.card_id
            )));
        };
        tx.execute("DELETE FROM appointments WHERE card_row = ?1", [card_row])?;
        tx.audit_card(
            "appointment_cleared",
            card_row,
            serde_json::json!({ "card_id": card.card_id, "previous": previous }),
        )?;
        tx.commit()?;
        tracing::info!(card_row, "appointment cleared");
        Ok(())
    }

    pub fn appointment(&self, card_row: i64) -> Result<Option<Appointment>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS}, {APPOINTMENT_COLUMNS} FROM appointments a JOIN cards c ON c.id = a.card_row
             WHERE a.card_row = ?1"
        );
        Ok(self
            .conn()
            .query_row(&sql, [card_row], appointment_from_row)
            .optional()?)
    }

    /// Appointments with `from <= at < to`, earliest first, of cards still at the desk
    /// (for the top of the queue: today's and tomorrow's).
    pub fn appointments_between(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<Appointment>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS}, {APPOINTMENT_COLUMNS} FROM appointments a JOIN cards c ON c.id = a.card_row
             WHERE a.at >= ?1 AND a.at < ?2 AND c.state = 'awaiting' ORDER BY a.at, c.id"
        );
        query_all(
            self.conn(),
            &sql,
            params![
                from.format(AT_FORMAT).to_string(),
                to.format(AT_FORMAT).to_string()
            ],
            appointment_from_row,
        )
    }

    /// The appointments of one JST day.
    pub fn appointments_on(&self, day: NaiveDate) -> Result<Vec<Appointment>, StoreError> {
        let from = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        let to = from + chrono::Duration::days(1);
        self.appointments_between(from, to)
    }
}

/// The columns of an appointment after the card's [`CARD_COLUMNS`], in the order
/// [`appointment_from_row`] reads them (from [`CARD_COLUMN_COUNT`] on).
const APPOINTMENT_COLUMNS: &str = "a.at, a.note";

fn appointment_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Appointment> {
    let at: String = r.get(CARD_COLUMN_COUNT)?;
    Ok(Appointment {
        at: parse_at(&at)?,
        note: r.get(CARD_COLUMN_COUNT + 1)?,
        card: card_from_row(r)?,
    })
}
