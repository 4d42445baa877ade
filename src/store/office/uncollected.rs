//! 未交付: cards still at the desk, days since arrival, contacts, holds and what is due.
//!
//! Deadlines come from `[uncollected]` in `data/rules.toml` (UNVERIFIED, see [`UncollectedRules`]):
//! - 連絡 (notice) is due from `notice_days` after arrival while no contact is recorded;
//! - 再連絡 (re-notice) from `renotice_days` after arrival, once the latest contact is at least
//!   `renotice_days - notice_days` days old;
//! - 返却 (return) from `return_days` after arrival.
//!
//! Held cards (保留, e.g. 入院中) and cards already packed in a return batch are never due.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, params};

use super::{OfficerChange, UncollectedRules, required_text};
use crate::domain::calendar::DeskCalendar;
pub use crate::domain::office::uncollected::{
    Contact, ContactMethod, DueAction, UncollectedCard, due_action,
};
use crate::store::{
    CARD_COLUMN_COUNT, CARD_COLUMNS, Store, StoreError, card_from_row, first_value, query_all,
    query_all_cached,
};

/// The id of the hold in force on a card, if it is held.
fn hold_in_force(conn: &Connection, card_row: i64) -> Result<Option<i64>, StoreError> {
    first_value(
        conn,
        "SELECT id FROM uncollected_holds WHERE card_row = ?1 AND lifted_at IS NULL",
        [card_row],
    )
}

impl Store {
    /// Every card at the desk (交付待ち), oldest arrival first, with what is due on `today`.
    /// Days are calendar days here; see [`uncollected_counted`](Self::uncollected_counted).
    pub fn uncollected(
        &self,
        rules: &UncollectedRules,
        today: NaiveDate,
    ) -> Result<Vec<UncollectedCard>, StoreError> {
        self.uncollected_counted(rules, today, None)
    }

    /// [`uncollected`](Self::uncollected) with the desk calendar: when `rules.count` is
    /// `open_days`, days since arrival and since the last contact count only open days.
    pub fn uncollected_counted(
        &self,
        rules: &UncollectedRules,
        today: NaiveDate,
        calendar: Option<&DeskCalendar>,
    ) -> Result<Vec<UncollectedCard>, StoreError> {
        let between = |from: NaiveDate| match calendar {
            Some(c) => c.days_between(from, today, rules.count),
            None => (today - from).num_days(),
        };
        let sql = format!(
            "SELECT {CARD_COLUMNS}, h.reason, a.at,
                (SELECT b.number FROM return_batch_items i JOIN return_batches b ON b.id = i.batch_id
                 WHERE i.card_row = c.id AND i.kind = 'cards' AND i.active = 1)
             FROM cards c
             LEFT JOIN uncollected_holds h ON h.card_row = c.id AND h.lifted_at IS NULL
             LEFT JOIN appointments a ON a.card_row = c.id
             WHERE c.state = 'awaiting' ORDER BY c.arrived_on, c.card_id"
        );
        let rows = query_all(self.conn(), &sql, [], |r| {
            Ok((
                card_from_row(r)?,
                r.get::<_, Option<String>>(CARD_COLUMN_COUNT)?,
                r.get::<_, Option<String>>(CARD_COLUMN_COUNT + 1)?,
                r.get::<_, Option<String>>(CARD_COLUMN_COUNT + 2)?,
            ))
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for (card, hold, appt, in_batch) in rows {
            let contacts = self.contacts(card.id)?;
            let days = between(card.arrived_on);
            let last_age = contacts.last().map(|c| between(c.on));
            let due = if hold.is_some() || in_batch.is_some() {
                None
            } else {
                due_action(rules, days, contacts.len(), last_age)
            };
            out.push(UncollectedCard {
                appointment: appt
                    .and_then(|a| NaiveDateTime::parse_from_str(&a, "%Y-%m-%d %H:%M").ok()),
                card,
                days,
                contacts,
                hold,
                in_batch,
                due,
            });
        }
        Ok(out)
    }

    /// The cards for which an action is due on `today` (held cards excluded).
    pub fn uncollected_due(
        &self,
        rules: &UncollectedRules,
        today: NaiveDate,
    ) -> Result<Vec<UncollectedCard>, StoreError> {
        self.uncollected_due_counted(rules, today, None)
    }

    /// [`uncollected_due`](Self::uncollected_due) counting days with the desk calendar.
    pub fn uncollected_due_counted(
        &self,
        rules: &UncollectedRules,
        today: NaiveDate,
        calendar: Option<&DeskCalendar>,
    ) -> Result<Vec<UncollectedCard>, StoreError> {
        let mut v = self.uncollected_counted(rules, today, calendar)?;
        v.retain(|u| u.due.is_some());
        Ok(v)
    }

    pub fn contacts(&self, card_row: i64) -> Result<Vec<Contact>, StoreError> {
        let rows = query_all_cached(
            self.conn(),
            "SELECT id, on_date, method, note, officer_id FROM uncollected_contacts
             WHERE card_row = ?1 ORDER BY on_date, id",
            [card_row],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            },
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, on, method, note, officer_id)| {
                Some(Contact {
                    id,
                    on: NaiveDate::parse_from_str(&on, "%Y-%m-%d").ok()?,
                    method: ContactMethod::parse(&method)?,
                    note,
                    officer_id,
                })
            })
            .collect())
    }

    /// Record a contact with the physician about an uncollected card.
    pub fn record_contact(
        &mut self,
        card_row: i64,
        method: ContactMethod,
        on: NaiveDate,
        note: Option<&str>,
        officer_id: Option<i64>,
    ) -> Result<Contact, StoreError> {
        let card = self.awaiting_card(card_row, "連絡記録の対象ではありません")?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        tx.execute(
            "INSERT INTO uncollected_contacts (card_row, on_date, method, note, at, officer_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                card_row,
                on.to_string(),
                method.as_str(),
                note,
                self.clock.stamp(),
                officer_id
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.audit_card(
            "uncollected_contact",
            card_row,
            serde_json::json!({
                "contact_id": id,
                "card_id": card.card_id,
                "method": method.as_str(),
                "on": on.to_string(),
            }),
        )?;
        tx.commit()?;
        tracing::info!(card_row, contact_id = id, "contact recorded");
        Ok(Contact {
            id,
            on,
            method,
            note: note.map(str::to_string),
            officer_id,
        })
    }

    /// The hold reason of a card, if held.
    pub fn hold(&self, card_row: i64) -> Result<Option<String>, StoreError> {
        first_value(
            self.conn(),
            "SELECT reason FROM uncollected_holds WHERE card_row = ?1 AND lifted_at IS NULL",
            [card_row],
        )
    }

    /// Hold a card at the desk beyond the deadlines (reason required, e.g. 入院中).
    pub fn set_hold(
        &mut self,
        card_row: i64,
        reason: &str,
        officer_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let reason = required_text(reason, "保留の理由")?;
        let card = self.awaiting_card(card_row, "保留にできません")?;
        let now = self.clock.stamp();
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        // A new reason replaces the hold in force (which is kept, lifted).
        let previous = hold_in_force(&tx, card_row)?;
        if let Some(p) = previous {
            tx.execute(
                "UPDATE uncollected_holds SET lifted_at = ?2, lifted_by = ?3 WHERE id = ?1",
                params![p, now, officer_id],
            )?;
        }
        tx.execute(
            "INSERT INTO uncollected_holds (card_row, reason, since, officer_id) VALUES (?1, ?2, ?3, ?4)",
            params![card_row, reason, now, officer_id],
        )?;
        let hold_id = tx.last_insert_rowid();
        // The reason may be about health (入院中): it stays in the holds table only.
        tx.audit_card(
            "uncollected_hold_set",
            card_row,
            serde_json::json!({
                "card_id": card.card_id,
                "hold_id": hold_id,
                "replaces": previous,
            }),
        )?;
        tx.commit()?;
        tracing::info!(card_row, hold_id, "hold set");
        Ok(())
    }

    /// Lift a card's hold (the hold row stays, marked lifted). Refused when it is not held.
    pub fn clear_hold(&mut self, card_row: i64, officer_id: Option<i64>) -> Result<(), StoreError> {
        let card = self.require_card(card_row)?;
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        let hold_id = hold_in_force(&tx, card_row)?;
        let Some(hold_id) = hold_id else {
            return Err(StoreError::Refused(format!(
                "カード {} は保留になっていません",
                card.card_id
            )));
        };
        tx.execute(
            "UPDATE uncollected_holds SET lifted_at = ?2, lifted_by = ?3 WHERE id = ?1",
            params![hold_id, self.clock.stamp(), officer_id],
        )?;
        tx.audit_card(
            "uncollected_hold_cleared",
            card_row,
            serde_json::json!({ "card_id": card.card_id, "hold_id": hold_id }),
        )?;
        tx.commit()?;
        tracing::info!(card_row, hold_id, "hold cleared");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_actions_follow_the_deadlines() {
        let r = UncollectedRules::default();
        assert_eq!(due_action(&r, 29, 0, None), None);
        assert_eq!(due_action(&r, 30, 0, None), Some(DueAction::Notice));
        assert_eq!(due_action(&r, 40, 1, Some(10)), None);
        // Re-notice once 90 days passed and the last contact is 60 days old.
        assert_eq!(due_action(&r, 95, 1, Some(59)), None);
        assert_eq!(due_action(&r, 95, 1, Some(60)), Some(DueAction::Renotice));
        assert_eq!(due_action(&r, 100, 0, None), Some(DueAction::Notice));
        assert_eq!(due_action(&r, 180, 3, Some(1)), Some(DueAction::Return));
    }
}
