//! 入荷確認: each card of a shipment is read once on arrival and compared with its list row.
//!
//! A card whose arrival check failed cannot be handed over until the problem is resolved with a
//! note (audited). Cards read that are not in the list are kept as "strays" for the summary.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::{OfficerChange, required_text};
use crate::domain::card_facts::CertificateFacts;
use crate::domain::expiry::IssueContext;
use crate::domain::matching::{MatchContext, MatchOutcome, MatchResult, match_identity};
pub use crate::domain::office::arrival::{
    ArrivalCheck, ArrivalOutcome, ArrivalProblem, ArrivalRead, ArrivalResolution, ArrivalSummary,
    CardBrief, ShipmentInfo, Stray,
};

/// The audit event that resolves the reads of a card not in the list. The strays table has no
/// resolution column (a migration would add one); the append-only audit trail is the record.
const STRAY_RESOLVED: &str = "arrival_stray_resolved";

/// Columns of a stray, its resolution note (from the audit trail) last.
const STRAY_COLUMNS: &str = "s.id, s.shipment_id, s.at, s.cert_serial, s.subject_cn, s.name_kanji,
     (SELECT json_extract(e.detail, '$.note') FROM audit_events e,
             json_each(json_extract(e.detail, '$.stray_ids')) j
       WHERE e.kind = 'arrival_stray_resolved' AND j.value = s.id
       ORDER BY e.seq DESC LIMIT 1)";
use crate::store::{Store, StoreError, first_value, normalise_serial, query_all};

const CHECK_COLUMNS: &str = "a.id, a.card_row, c.card_id, a.at, a.officer_id, a.result, a.match_result, \
     a.reasons, a.cert_serial_read, r.note";

fn check_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArrivalCheck> {
    let reasons: String = r.get(7)?;
    Ok(ArrivalCheck {
        id: r.get(0)?,
        card_row: r.get(1)?,
        card_id: r.get(2)?,
        at: r.get(3)?,
        officer_id: r.get(4)?,
        result: ArrivalOutcome::parse(&r.get::<_, String>(5)?),
        match_result: r.get(6)?,
        reasons: serde_json::from_str(&reasons).unwrap_or_default(),
        cert_serial_read: r.get(8)?,
        resolution: r.get(9)?,
    })
}

fn stray_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stray> {
    Ok(Stray {
        id: r.get(0)?,
        shipment_id: r.get(1)?,
        at: r.get(2)?,
        cert_serial: r.get(3)?,
        subject_cn: r.get(4)?,
        name_kanji: r.get(5)?,
        resolution: r.get(6)?,
    })
}

impl Store {
    /// Imported shipments, newest first (at most `limit`).
    pub fn shipments(&self, limit: u32) -> Result<Vec<ShipmentInfo>, StoreError> {
        query_all(
            self.conn(),
            "SELECT id, arrived_on, file_name, row_count FROM shipments ORDER BY id DESC LIMIT ?1",
            [limit],
            |r| {
                Ok(ShipmentInfo {
                    id: r.get(0)?,
                    arrived_on: r.get(1)?,
                    file_name: r.get(2)?,
                    row_count: r.get(3)?,
                })
            },
        )
    }

    /// Record the arrival check of the card in `card_row` against the certificate read from it.
    /// A mismatch is `Failed` (handover blocked until resolved); a match or a near match is
    /// `Verified`, with the reasons kept. One transaction with its audit event.
    pub fn record_arrival_check(
        &mut self,
        card_row: i64,
        cert: &CertificateFacts,
        outcome: &MatchOutcome,
        officer_id: Option<i64>,
    ) -> Result<ArrivalCheck, StoreError> {
        let card = self.require_card(card_row)?;
        let result = if outcome.result == MatchResult::Mismatch {
            ArrivalOutcome::Failed
        } else {
            ArrivalOutcome::Verified
        };
        let reasons: Vec<String> = outcome.reasons.iter().map(|r| r.message.clone()).collect();
        let serial = normalise_serial(&cert.serial_hex);
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        tx.execute(
            "INSERT INTO arrival_checks (card_row, at, officer_id, result, match_result, reasons, cert_serial_read)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                card_row,
                self.clock.stamp(),
                officer_id,
                result.as_str(),
                outcome.result.as_str(),
                serde_json::to_string(&reasons).unwrap_or_default(),
                serial,
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.audit_card(
            "arrival_checked",
            card_row,
            serde_json::json!({
                "check_id": id,
                "card_id": card.card_id,
                "result": result.as_str(),
                "match": outcome.result.as_str(),
                "cert_serial": serial,
            }),
        )?;
        tx.commit()?;
        tracing::info!(
            card_row,
            check_id = id,
            result = result.as_str(),
            "arrival check"
        );
        self.arrival_check(id)?
            .ok_or_else(|| StoreError::Refused(format!("入荷確認 {id} が見つかりません")))
    }

    /// Read one card on arrival: find its list row (by certificate serial, else the kanji name
    /// among cards at the desk), compare, and record the check; a card with no list row is
    /// recorded as a stray of `shipment_id`. `expected_expiry` gives the rule's expiry for
    /// (issue date, birth date, 発行区分 and 旧有効期限), compared with the printed and the
    /// certificate's expiry.
    pub fn arrival_read(
        &mut self,
        shipment_id: Option<i64>,
        cert: &CertificateFacts,
        ctx: &MatchContext<'_>,
        expected_expiry: &dyn Fn(NaiveDate, NaiveDate, &IssueContext) -> Option<NaiveDate>,
        officer_id: Option<i64>,
    ) -> Result<ArrivalRead, StoreError> {
        let record = self
            .find_by_certificate(cert)?
            .filter(|c| shipment_id.is_none_or(|s| s == c.shipment_id));
        if let Some(record) = record {
            let ctx = MatchContext {
                today: ctx.today,
                computed_expiry: ctx.computed_expiry.or_else(|| {
                    expected_expiry(
                        record.issue_date,
                        record.birth_date,
                        &record.issue_context(),
                    )
                }),
                known_issuers: ctx.known_issuers,
            };
            let outcome = match_identity(&record, cert, None, &ctx);
            let check = self.record_arrival_check(record.id, cert, &outcome, officer_id)?;
            return Ok(ArrivalRead::Checked { check, outcome });
        }
        let serial = normalise_serial(&cert.serial_hex);
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        tx.execute(
            "INSERT INTO arrival_strays (shipment_id, at, officer_id, cert_serial, subject_cn, name_kanji)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                shipment_id,
                self.clock.stamp(),
                officer_id,
                serial,
                cert.subject_cn,
                cert.name_kanji
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.audit(
            "arrival_not_in_list",
            serde_json::json!({
                "stray_id": id,
                "shipment_id": shipment_id,
                "cert_serial": serial,
            }),
        )?;
        tx.commit()?;
        tracing::warn!(stray_id = id, "card read on arrival is not in the list");
        let stray = self.conn().query_row(
            &format!("SELECT {STRAY_COLUMNS} FROM arrival_strays s WHERE s.id = ?1"),
            [id],
            stray_from_row,
        )?;
        Ok(ArrivalRead::NotInList(stray))
    }

    pub fn arrival_check(&self, id: i64) -> Result<Option<ArrivalCheck>, StoreError> {
        let sql = format!(
            "SELECT {CHECK_COLUMNS} FROM arrival_checks a JOIN cards c ON c.id = a.card_row
             LEFT JOIN arrival_resolutions r ON r.check_id = a.id WHERE a.id = ?1"
        );
        Ok(self
            .conn()
            .query_row(&sql, [id], check_from_row)
            .optional()?)
    }

    /// The latest arrival check of a card.
    pub fn latest_arrival_check(&self, card_row: i64) -> Result<Option<ArrivalCheck>, StoreError> {
        let sql = format!(
            "SELECT {CHECK_COLUMNS} FROM arrival_checks a JOIN cards c ON c.id = a.card_row
             LEFT JOIN arrival_resolutions r ON r.check_id = a.id
             WHERE a.card_row = ?1 ORDER BY a.id DESC LIMIT 1"
        );
        Ok(self
            .conn()
            .query_row(&sql, [card_row], check_from_row)
            .optional()?)
    }

    /// The unresolved failed arrival check that blocks a card's handover, if any.
    pub fn arrival_problem(&self, card_row: i64) -> Result<Option<ArrivalCheck>, StoreError> {
        Ok(self
            .latest_arrival_check(card_row)?
            .filter(ArrivalCheck::blocks_handover))
    }

    /// Resolve a failed arrival check with a note (e.g. JMACA confirmed, list row corrected).
    pub fn resolve_arrival_problem(
        &mut self,
        card_row: i64,
        note: &str,
        officer_id: Option<i64>,
    ) -> Result<ArrivalCheck, StoreError> {
        let note = required_text(note, "解決の内容")?;
        let Some(check) = self.arrival_problem(card_row)? else {
            let card_id = self
                .card(card_row)?
                .map(|c| c.card_id)
                .unwrap_or_else(|| card_row.to_string());
            return Err(StoreError::Refused(format!(
                "カード {card_id} には未解決の入荷確認の問題がありません"
            )));
        };
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        tx.execute(
            "INSERT INTO arrival_resolutions (check_id, at, officer_id, note) VALUES (?1, ?2, ?3, ?4)",
            params![check.id, self.clock.stamp(), officer_id, note],
        )?;
        tx.audit_card(
            "arrival_problem_resolved",
            card_row,
            serde_json::json!({
                "check_id": check.id,
                "card_id": check.card_id,
                "note": note,
            }),
        )?;
        tx.commit()?;
        tracing::info!(card_row, check_id = check.id, "arrival problem resolved");
        self.arrival_check(check.id)?
            .ok_or_else(|| StoreError::Refused(format!("入荷確認 {} が見つかりません", check.id)))
    }

    /// Resolve any arrival problem with a note: a failed check (the card may then be handed
    /// over) or a card not in the list (every unresolved read of its serial, e.g. sent back to
    /// JMACA). One audited transaction each.
    pub fn resolve_arrival(
        &mut self,
        problem: &ArrivalProblem,
        note: &str,
        officer_id: Option<i64>,
    ) -> Result<ArrivalResolution, StoreError> {
        match problem {
            ArrivalProblem::Failed { card_row } => {
                let check = self.resolve_arrival_problem(*card_row, note, officer_id)?;
                Ok(ArrivalResolution {
                    problem: problem.clone(),
                    label: format!("カード {}", check.card_id),
                    note: check.resolution.unwrap_or_default(),
                })
            }
            ArrivalProblem::NotInList { cert_serial } => {
                self.resolve_stray(cert_serial, note, officer_id)
            }
        }
    }

    /// Resolve every unresolved read of the card with `cert_serial` that is not in the list.
    pub fn resolve_stray(
        &mut self,
        cert_serial: &str,
        note: &str,
        officer_id: Option<i64>,
    ) -> Result<ArrivalResolution, StoreError> {
        let note = required_text(note, "解決の内容")?;
        let serial = normalise_serial(cert_serial);
        let open: Vec<i64> = query_all(
            self.conn(),
            &format!(
                "SELECT {STRAY_COLUMNS} FROM arrival_strays s WHERE s.cert_serial = ?1 ORDER BY s.id"
            ),
            [&serial],
            stray_from_row,
        )?
        .into_iter()
        .filter(|x| x.resolution.is_none())
        .map(|x| x.id)
        .collect();
        if open.is_empty() {
            return Err(StoreError::Refused(format!(
                "シリアル {serial} の名簿にないカードで未解決のものはありません（kofu arrival status で確認できます）"
            )));
        }
        let tx = OfficerChange::begin(&mut self.conn, &self.clock, officer_id)?;
        tx.audit(
            STRAY_RESOLVED,
            serde_json::json!({
                "stray_ids": open,
                "cert_serial": serial,
                "note": note,
            }),
        )?;
        tx.commit()?;
        tracing::info!(strays = open.len(), "arrival stray resolved");
        Ok(ArrivalResolution {
            problem: ArrivalProblem::NotInList {
                cert_serial: serial.clone(),
            },
            label: format!("シリアル {serial}"),
            note,
        })
    }

    /// Called by `commit_handover`: a card with an unresolved failed arrival check, or one packed
    /// in an open return batch, is not handed over.
    pub fn check_handover_allowed(&self, card_row: i64) -> Result<(), StoreError> {
        if let Some(p) = self.arrival_problem(card_row)? {
            let why = if p.reasons.is_empty() {
                String::new()
            } else {
                format!("（{}）", p.reasons.join(" / "))
            };
            return Err(StoreError::Refused(format!(
                "カード {} は入荷確認で不一致でした{why}。問題の解決を記録するまで交付できません",
                p.card_id
            )));
        }
        let batch: Option<String> = first_value(
            self.conn(),
            "SELECT b.number FROM return_batch_items i JOIN return_batches b ON b.id = i.batch_id
                 WHERE i.card_row = ?1 AND i.kind = 'cards' AND i.active = 1",
            [card_row],
        )?;
        if let Some(number) = batch {
            return Err(StoreError::Refused(format!(
                "このカードは返却バッチ {number} に入っています。交付するには先にバッチを取り消してください"
            )));
        }
        Ok(())
    }

    /// The arrival state of one shipment (or of every card when `shipment_id` is None).
    pub fn arrival_summary(&self, shipment_id: Option<i64>) -> Result<ArrivalSummary, StoreError> {
        let sql = format!(
            "SELECT {CHECK_COLUMNS} FROM arrival_checks a JOIN cards c ON c.id = a.card_row
             LEFT JOIN arrival_resolutions r ON r.check_id = a.id
             WHERE (?1 IS NULL OR c.shipment_id = ?1)
               AND a.id = (SELECT max(id) FROM arrival_checks x WHERE x.card_row = a.card_row)
             ORDER BY c.line_no, c.id"
        );
        let checks = query_all(self.conn(), &sql, [shipment_id], check_from_row)?;
        let mut s = ArrivalSummary {
            shipment_id,
            total: self.conn().query_row(
                "SELECT count(*) FROM cards WHERE ?1 IS NULL OR shipment_id = ?1",
                [shipment_id],
                |r| r.get::<_, i64>(0),
            )? as u64,
            verified: vec![],
            failed: vec![],
            resolved: vec![],
            not_read: vec![],
            left_unread: vec![],
            strays: vec![],
            strays_resolved: vec![],
            reads: 0,
        };
        for c in checks {
            match (c.result, c.resolution.is_some()) {
                (ArrivalOutcome::Verified, _) => s.verified.push(c),
                (ArrivalOutcome::Failed, false) => s.failed.push(c),
                (ArrivalOutcome::Failed, true) => s.resolved.push(c),
            }
        }
        // Every list row without a check: still at the desk (未読取) or gone without one.
        let unread = query_all(
            self.conn(),
            "SELECT c.id, c.card_id, c.name, c.state = 'awaiting' FROM cards c
             WHERE (?1 IS NULL OR c.shipment_id = ?1)
               AND NOT EXISTS (SELECT 1 FROM arrival_checks a WHERE a.card_row = c.id)
             ORDER BY c.shipment_id, c.line_no, c.id",
            [shipment_id],
            |r| {
                Ok((
                    CardBrief {
                        card_row: r.get(0)?,
                        card_id: r.get(1)?,
                        name: r.get(2)?,
                    },
                    r.get::<_, bool>(3)?,
                ))
            },
        )?;
        for (brief, at_desk) in unread {
            if at_desk {
                s.not_read.push(brief);
            } else {
                s.left_unread.push(brief);
            }
        }
        let strays = query_all(
            self.conn(),
            &format!(
                "SELECT {STRAY_COLUMNS} FROM arrival_strays s
             WHERE ?1 IS NULL OR s.shipment_id = ?1 ORDER BY s.id"
            ),
            [shipment_id],
            stray_from_row,
        )?;
        // One entry per card (certificate serial): a card read twice is one card.
        for x in strays {
            let list = if x.resolution.is_some() {
                &mut s.strays_resolved
            } else {
                &mut s.strays
            };
            if !list.iter().any(|y| y.cert_serial == x.cert_serial) {
                list.push(x);
            }
        }
        s.strays_resolved
            .retain(|x| !s.strays.iter().any(|y| y.cert_serial == x.cert_serial));
        let checks: i64 = self.conn().query_row(
            "SELECT count(*) FROM arrival_checks a JOIN cards c ON c.id = a.card_row
             WHERE ?1 IS NULL OR c.shipment_id = ?1",
            [shipment_id],
            |r| r.get(0),
        )?;
        let stray_reads: i64 = self.conn().query_row(
            "SELECT count(*) FROM arrival_strays WHERE ?1 IS NULL OR shipment_id = ?1",
            [shipment_id],
            |r| r.get(0),
        )?;
        s.reads = u64::try_from(checks + stray_reads).unwrap_or(0);
        Ok(s)
    }
}
