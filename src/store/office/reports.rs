//! 日報 (daily) and 月報 (monthly) reports, each with the audit chain's head hash.

use chrono::{Datelike, NaiveDate};
use rusqlite::params;

pub use crate::domain::office::reports::{
    DailyReport, HandoverLedgerRow, MonthlyReport, ReportLine, SentBatch,
};
use crate::store::{Store, StoreError, query_all};

/// Parse "2026-11" (or "2026/11", "202611").
pub fn parse_month(s: &str) -> Result<(NaiveDate, NaiveDate), StoreError> {
    use unicode_normalization::UnicodeNormalization;
    let t: String = s.nfkc().filter(|c| c.is_ascii_digit()).collect();
    let bad = || StoreError::Refused(format!("月「{s}」を読み取れません（例: 2026-11）"));
    if t.len() != 6 {
        return Err(bad());
    }
    let y: i32 = t.get(..4).and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let m: u32 = t.get(4..).and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((first, next.pred_opt().unwrap_or(first)))
}

/// A JSON list of strings as stored in the handovers table (empty when unreadable).
fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

impl Store {
    /// Every handover and dispatch, oldest first, with its correction and mail outcome.
    pub fn handover_ledger(&self) -> Result<Vec<HandoverLedgerRow>, StoreError> {
        query_all(
            self.conn(),
            "SELECT h.id, c.card_id, c.name, h.at, h.route, o.name, h.match_result, h.exception,
                    h.qr, h.dispatch_date, h.tracking_no, x.at, x.reason, m.outcome, m.on_date,
                    h.id_documents, h.photo_checked, h.details_confirmed, h.match_reasons,
                    h.officer_note, m.reason
             FROM handovers h JOIN cards c ON c.id = h.card_row
             LEFT JOIN officers o ON o.id = h.officer_id
             LEFT JOIN handover_corrections x ON x.handover_id = h.id
             LEFT JOIN mail_outcomes m ON m.handover_id = h.id
             ORDER BY h.id",
            [],
            |r| {
                Ok(HandoverLedgerRow {
                    id: r.get(0)?,
                    card_id: r.get(1)?,
                    name: r.get(2)?,
                    at: r.get(3)?,
                    route: r.get(4)?,
                    officer: r.get(5)?,
                    match_result: r.get(6)?,
                    exception: r.get(7)?,
                    qr: r.get(8)?,
                    dispatch_date: r.get(9)?,
                    tracking_no: r.get(10)?,
                    cancelled_at: r.get(11)?,
                    cancel_reason: r.get(12)?,
                    mail_outcome: r.get(13)?,
                    mail_outcome_on: r.get(14)?,
                    id_documents: json_list(&r.get::<_, String>(15)?),
                    photo_checked: r.get(16)?,
                    details_confirmed: r.get(17)?,
                    match_reasons: json_list(&r.get::<_, String>(18)?),
                    officer_note: r.get(19)?,
                    mail_reason: r.get(20)?,
                })
            },
        )
    }

    fn count(&self, sql: &str, a: &str, b: &str) -> Result<u64, StoreError> {
        Ok(self
            .conn()
            .query_row(sql, params![a, b], |r| r.get::<_, i64>(0))? as u64)
    }

    /// The 日報 for a JST date.
    pub fn daily_report(&self, date: NaiveDate) -> Result<DailyReport, StoreError> {
        let d = date.to_string();
        let mut lines = query_all(
            self.conn(),
            "SELECT substr(h.at, 12, 5), c.card_id, c.name, h.route, o.name,
                    EXISTS (SELECT 1 FROM handover_corrections x WHERE x.handover_id = h.id)
             FROM handovers h JOIN cards c ON c.id = h.card_row
             LEFT JOIN officers o ON o.id = h.officer_id
             WHERE substr(h.at, 1, 10) = ?1 ORDER BY h.at, h.id",
            [&d],
            |r| {
                Ok(ReportLine {
                    time: r.get(0)?,
                    card_id: r.get(1)?,
                    name: r.get(2)?,
                    route: r.get(3)?,
                    officer: r.get(4)?,
                    cancelled: r.get(5)?,
                })
            },
        )?;
        // Cards sent back to JMACA that day are listed too (route `return`).
        lines.extend(query_all(
            self.conn(),
            "SELECT substr(b.sent_at, 12, 5), c.card_id, c.name, o.name
             FROM return_batches b JOIN return_batch_items i ON i.batch_id = b.id AND i.active = 1
             JOIN cards c ON c.id = i.card_row LEFT JOIN officers o ON o.id = b.officer_id
             WHERE b.kind = 'cards' AND b.status = 'sent' AND b.sent_on = ?1 ORDER BY b.id, c.card_id",
            [&d],
            |r| {
                Ok(ReportLine {
                    time: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    card_id: r.get(1)?,
                    name: r.get(2)?,
                    route: "return".into(),
                    officer: r.get(3)?,
                    cancelled: false,
                })
            },
        )?);
        let live = |route: &str| {
            lines
                .iter()
                .filter(|l| l.route == route && !l.cancelled)
                .count() as u64
        };
        let batches_sent = query_all(
            self.conn(),
            "SELECT b.number, b.kind, count(i.card_row) FROM return_batches b
             LEFT JOIN return_batch_items i ON i.batch_id = b.id AND i.active = 1
             WHERE b.status = 'sent' AND b.sent_on = ?1 GROUP BY b.id ORDER BY b.id",
            [&d],
            |r| {
                Ok(SentBatch {
                    number: r.get(0)?,
                    kind: r.get(1)?,
                    count: r.get::<_, i64>(2)? as u64,
                })
            },
        )?;
        let sum = |kind: &str| {
            batches_sent
                .iter()
                .filter(|b| b.kind == kind)
                .map(|b| b.count)
                .sum()
        };
        let outcome_sql = "SELECT count(*) FROM mail_outcomes WHERE on_date = ?1 AND outcome = ?2";
        let audit = self.audit_verify()?;
        Ok(DailyReport {
            date,
            counter_receipt: live("counter_receipt"),
            counter_postcard: live("counter_postcard"),
            mail_dispatched: live("mail"),
            mail_delivered: self.count(outcome_sql, &d, "delivered")?,
            mail_returned: self.count(outcome_sql, &d, "returned")?,
            cards_returned: sum("cards"),
            receipts_returned: sum("receipts"),
            batches_sent,
            lines,
            audit_events: audit.events,
            audit_head: audit.head,
        })
    }

    /// The 月報 for the month `month` ("2026-11").
    pub fn monthly_report(&self, month: &str) -> Result<MonthlyReport, StoreError> {
        let (first, last) = parse_month(month)?;
        let (a, b) = (first.to_string(), last.to_string());
        let handovers = |route_cond: &str| {
            self.count(
                &format!(
                    "SELECT count(*) FROM handovers h WHERE substr(h.at, 1, 10) BETWEEN ?1 AND ?2 AND {route_cond}
                     AND NOT EXISTS (SELECT 1 FROM handover_corrections x WHERE x.handover_id = h.id)"
                ),
                &a,
                &b,
            )
        };
        let batch_items = |kind: &str| {
            self.count(
                &format!(
                    "SELECT count(*) FROM return_batch_items i JOIN return_batches r ON r.id = i.batch_id
                     WHERE r.kind = '{kind}' AND r.status = 'sent' AND i.active = 1
                       AND r.sent_on BETWEEN ?1 AND ?2"
                ),
                &a,
                &b,
            )
        };
        // A card is out of the desk at the month end when, by then, a handover that was not
        // cancelled by then (and, for mail, not returned undelivered by then) exists, or it was
        // sent back in a card batch.
        let uncollected_at_end = self.count(
            "SELECT count(*) FROM cards c WHERE c.arrived_on <= ?2 AND ?1 <= ?2
               AND NOT EXISTS (
                 SELECT 1 FROM handovers h WHERE h.card_row = c.id AND substr(h.at, 1, 10) <= ?2
                   AND NOT EXISTS (SELECT 1 FROM handover_corrections x
                                   WHERE x.handover_id = h.id AND substr(x.at, 1, 10) <= ?2)
                   AND NOT EXISTS (SELECT 1 FROM mail_outcomes m
                                   WHERE m.handover_id = h.id AND m.outcome = 'returned' AND m.on_date <= ?2))
               AND NOT EXISTS (
                 SELECT 1 FROM return_batch_items i JOIN return_batches r ON r.id = i.batch_id
                 WHERE i.card_row = c.id AND r.kind = 'cards' AND r.status = 'sent' AND i.active = 1
                   AND r.sent_on <= ?2)",
            &a,
            &b,
        )?;
        let audit = self.audit_verify()?;
        Ok(MonthlyReport {
            month: format!("{:04}-{:02}", first.year(), first.month()),
            first_day: first,
            last_day: last,
            received: self.count(
                "SELECT count(*) FROM cards WHERE arrived_on BETWEEN ?1 AND ?2",
                &a,
                &b,
            )?,
            handed_over: handovers("h.route IN ('counter_receipt', 'counter_postcard')")?,
            mailed: handovers("h.route = 'mail'")?,
            mail_delivered: self.count(
                "SELECT count(*) FROM mail_outcomes WHERE outcome = 'delivered' AND on_date BETWEEN ?1 AND ?2",
                &a,
                &b,
            )?,
            returned: batch_items("cards")?,
            receipts_returned: batch_items("receipts")?,
            uncollected_at_end,
            audit_events: audit.events,
            audit_head: audit.head,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse() {
        let (a, b) = parse_month("2026-11").unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2026-11-01".into(), "2026-11-30".into())
        );
        let (_, b) = parse_month("２０２６/１２").unwrap();
        assert_eq!(b.to_string(), "2026-12-31");
        assert!(parse_month("2026-13").is_err());
        assert!(parse_month("11").is_err());
    }
}
