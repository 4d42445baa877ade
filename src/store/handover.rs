//! Committing a handover (or a restricted-delivery dispatch) and correcting one.

use rusqlite::params;
use sha2::{Digest, Sha256};

use super::{Store, StoreError, audit, first_value};
use crate::domain::handover::{HandoverCommit, HandoverRoute};
use crate::domain::record::CardRecord;
use crate::domain::state::CardAction;
use crate::domain::{CardState, ReceiptStatus};

/// お問い合わせ番号 of 本人限定受取郵便: digits only (hyphens and spaces allowed on input),
/// 11 to 13 digits. Returns the digits.
pub fn normalise_tracking_no(input: &str) -> Result<String, String> {
    use unicode_normalization::UnicodeNormalization;
    let s: String = input.nfkc().collect();
    if s.chars()
        .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{ff66}'..='\u{ff9f}').contains(&c))
    {
        return Err("かなが入力されています。IMEをオフにしてください".into());
    }
    let digits: String = s.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("お問い合わせ番号は数字で入力してください".into());
    }
    if !(11..=13).contains(&digits.len()) {
        return Err(format!(
            "お問い合わせ番号は11〜13桁です（入力は{}桁）",
            digits.len()
        ));
    }
    Ok(digits)
}

impl Store {
    /// Commit a handover in one transaction with its audit event. The registration-QR payload
    /// is erased (its SHA-256 fingerprint goes into the audit event).
    pub fn commit_handover(
        &mut self,
        c: &HandoverCommit,
        officer_id: Option<i64>,
    ) -> Result<CardRecord, StoreError> {
        let card = self.require_card(c.card)?;
        if card.state == CardState::HandedOver || card.state == CardState::Delivered {
            return Err(StoreError::Refused(format!(
                "カード {} は既に交付済みです。再度の交付はできません（訂正は「取消/訂正」から）",
                card.card_id
            )));
        }
        // Back office: an unresolved failed arrival check, or a card packed for return, blocks it.
        self.check_handover_allowed(c.card)?;
        if c.match_result == "mismatch" && !c.exception {
            return Err(StoreError::Refused(
                "カードと記録が一致しないため交付できません".into(),
            ));
        }
        // Mismatch overrides take two: a 不一致 recorded as an exception needs a second
        // active officer's confirmation (checked below).
        if c.match_result == "mismatch" && c.exception && c.confirmation.is_none() {
            return Err(StoreError::Refused(
                "不一致を例外として交付するには、別の担当者の確認が必要です".into(),
            ));
        }
        if (c.match_result != "match" || c.exception)
            && c.officer_note
                .as_deref()
                .is_none_or(|n| n.trim().is_empty())
        {
            return Err(StoreError::Refused(
                "要確認・例外の交付には担当者の確認理由が必要です".into(),
            ));
        }
        let (action, receipt, dispatch_date, tracking_no) = match &c.route {
            HandoverRoute::CounterWithReceipt => {
                (CardAction::HandOver, ReceiptStatus::Captured, None, None)
            }
            HandoverRoute::CounterWithPostcard => (
                CardAction::HandOver,
                ReceiptStatus::NotRequiredPostcard,
                None,
                None,
            ),
            HandoverRoute::Mail {
                dispatch_date,
                tracking_no,
            } => {
                let t = normalise_tracking_no(tracking_no).map_err(StoreError::Refused)?;
                (
                    CardAction::DispatchMail,
                    ReceiptStatus::NotRequiredMail,
                    Some(dispatch_date.to_string()),
                    Some(t),
                )
            }
        };
        let next = card.state.apply(action)?;
        let confirmed_by = match &c.confirmation {
            None => None,
            Some(conf) => Some(self.check_confirmation(conf, officer_id)?),
        };
        let now = self.clock.stamp();
        let tx = self.conn.transaction()?;
        let tracking_sha256 = match &tracking_no {
            Some(t) => super::ledger::digest_of(&tx, t)?,
            None => None,
        };
        let qr: Option<String> = first_value(
            &tx,
            "SELECT registration_qr FROM cards WHERE id = ?1",
            [c.card],
        )?
        .flatten();
        let qr_fingerprint = qr.map(|p| hex::encode(Sha256::digest(p.as_bytes())));
        tx.execute(
            "INSERT INTO handovers (card_row, at, officer_id, route, dispatch_date, tracking_no,
                id_documents, photo_checked, details_confirmed, match_result, match_reasons,
                officer_note, exception, qr, cert_serial_read, confirmed_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                c.card,
                now,
                officer_id,
                c.route.as_str(),
                dispatch_date,
                tracking_no,
                serde_json::to_string(&c.id_documents).unwrap_or_default(),
                c.photo_checked,
                c.details_confirmed,
                c.match_result,
                serde_json::to_string(&c.match_reasons).unwrap_or_default(),
                c.officer_note,
                c.exception,
                c.qr.as_str(),
                c.cert_serial_read,
                confirmed_by,
            ],
        )?;
        let handover_id = tx.last_insert_rowid();
        tx.execute(
            "UPDATE cards SET state = ?2, receipt = ?3, registration_qr = NULL, updated_at = ?4
             WHERE id = ?1",
            params![c.card, next.as_str(), receipt.as_str(), now],
        )?;
        audit::append(
            &tx,
            &self.clock,
            audit::NewEvent {
                kind: if action == CardAction::DispatchMail {
                    "mail_dispatched"
                } else {
                    "handed_over"
                },
                officer_id,
                card_row: Some(c.card),
                detail: serde_json::json!({
                    "handover_id": handover_id,
                    "card_id": card.card_id,
                    "route": c.route.as_str(),
                    "receipt": receipt.as_str(),
                    "match": c.match_result,
                    "exception": c.exception,
                    "id_documents": c.id_documents,
                    "qr": c.qr.as_str(),
                    "qr_sha256": qr_fingerprint,
                    "from": card.state.as_str(),
                    "to": next.as_str(),
                    "confirmed_by": confirmed_by,
                    "tracking_sha256": tracking_sha256,
                }),
            },
        )?;
        tx.commit()?;
        tracing::info!(card_row = c.card, handover_id, "handover committed");
        self.require_card(c.card)
    }

    /// A second officer's confirmation: an active officer other than the one committing, with
    /// their passphrase when they have one. Returns their id.
    fn check_confirmation(
        &self,
        conf: &crate::domain::handover::Confirmation,
        officer_id: Option<i64>,
    ) -> Result<i64, StoreError> {
        if officer_id == Some(conf.officer_id) {
            return Err(StoreError::Refused(
                "確認は交付する担当者とは別の担当者が行ってください".into(),
            ));
        }
        let second = self.officer(conf.officer_id)?.ok_or_else(|| {
            StoreError::Refused(format!("担当者 {} は登録されていません", conf.officer_id))
        })?;
        if !second.active {
            return Err(StoreError::Refused(format!(
                "担当者「{}」は無効化されています。有効な担当者が確認してください",
                second.name
            )));
        }
        if second.has_passphrase {
            let ok = conf
                .passphrase
                .as_deref()
                .is_some_and(|p| self.verify_officer_passphrase(second.id, p));
            if !ok {
                return Err(StoreError::Refused(format!(
                    "担当者「{}」のパスフレーズが違います",
                    second.name
                )));
            }
        }
        Ok(second.id)
    }

    /// 取消/訂正: cancel the latest handover of a card with a reason; the card is back at the desk.
    /// The handover row stays; a correction row and an audit event record the change.
    pub fn cancel_handover(
        &mut self,
        card_row: i64,
        reason: &str,
        officer_id: Option<i64>,
    ) -> Result<CardRecord, StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Refused("取消の理由を入力してください".into()));
        }
        let card = self.require_card(card_row)?;
        let next = card.state.apply(CardAction::CancelHandover)?;
        let now = self.clock.stamp();
        let tx = self.conn.transaction()?;
        let handover_id: Option<i64> = first_value(
            &tx,
            "SELECT h.id FROM handovers h
                 WHERE h.card_row = ?1
                   AND NOT EXISTS (SELECT 1 FROM handover_corrections x WHERE x.handover_id = h.id)
                 ORDER BY h.id DESC LIMIT 1",
            [card_row],
        )?;
        let Some(handover_id) = handover_id else {
            return Err(StoreError::Refused(format!(
                "カード {} には取り消せる交付記録がありません",
                card.card_id
            )));
        };
        let open_batch: Option<String> = first_value(
            &tx,
            "SELECT b.number FROM return_batch_items i JOIN return_batches b ON b.id = i.batch_id
                 WHERE i.card_row = ?1 AND i.kind = 'receipts' AND i.active = 1
                   AND b.status = 'open'",
            [card_row],
        )?;
        if let Some(number) = open_batch {
            return Err(StoreError::Refused(format!(
                "カード {} の受領書は返送バッチ {number} に入っています。先にバッチから外してください",
                card.card_id
            )));
        }
        if card.receipt == Some(ReceiptStatus::ReturnedToJmaca) {
            return Err(StoreError::Refused(format!(
                "カード {} の受領書は返送済みです。先に返送バッチを訂正してください",
                card.card_id
            )));
        }
        tx.execute(
            "INSERT INTO handover_corrections (handover_id, at, officer_id, reason)
             VALUES (?1, ?2, ?3, ?4)",
            params![handover_id, now, officer_id, reason],
        )?;
        tx.execute(
            "UPDATE cards SET state = ?2, receipt = NULL, updated_at = ?3 WHERE id = ?1",
            params![card_row, next.as_str(), now],
        )?;
        audit::append(
            &tx,
            &self.clock,
            audit::NewEvent {
                kind: "handover_cancelled",
                officer_id,
                card_row: Some(card_row),
                detail: serde_json::json!({
                    "handover_id": handover_id,
                    "card_id": card.card_id,
                    "from": card.state.as_str(),
                    "to": next.as_str(),
                    "reason": reason,
                }),
            },
        )?;
        tx.commit()?;
        tracing::info!(card_row, handover_id, "handover cancelled");
        self.require_card(card_row)
    }
}
