//! Card and receipt life cycles as explicit state machines.
//!
//! Every card that reaches the desk ends in exactly one of: handed over at the counter,
//! delivered by restricted-delivery mail, or returned to JMACA. Nothing is deleted: a
//! correction (取消) is a new transition back to `Awaiting`, recorded in the audit trail.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a card is in its life at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardState {
    /// 交付待ち: the card is at the desk.
    Awaiting,
    /// 交付済: handed over face to face (with receipt or against the postcard).
    HandedOver,
    /// 郵送中: dispatched by 本人限定受取郵便, outcome not yet known.
    Mailed,
    /// 郵送配達済: the post office handed it over.
    Delivered,
    /// 返却済: sent back to JMACA (uncollected, defective, wrong person, revoked).
    Returned,
}

impl CardState {
    pub const ALL: [CardState; 5] = [
        CardState::Awaiting,
        CardState::HandedOver,
        CardState::Mailed,
        CardState::Delivered,
        CardState::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CardState::Awaiting => "awaiting",
            CardState::HandedOver => "handed_over",
            CardState::Mailed => "mailed",
            CardState::Delivered => "delivered",
            CardState::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s || st.label() == s)
    }

    /// Japanese label shown to the officer.
    pub fn label(self) -> &'static str {
        match self {
            CardState::Awaiting => "交付待ち",
            CardState::HandedOver => "交付済",
            CardState::Mailed => "郵送中",
            CardState::Delivered => "配達済",
            CardState::Returned => "返却済",
        }
    }

    /// No further regular transition (only an audited correction can reopen).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CardState::HandedOver | CardState::Delivered | CardState::Returned
        )
    }

    /// Apply an action; an action that makes no sense in this state is a typed error.
    pub fn apply(self, action: CardAction) -> Result<CardState, TransitionError> {
        use CardAction as A;
        use CardState as S;
        let next = match (self, action) {
            (S::Awaiting, A::HandOver) => S::HandedOver,
            (S::Awaiting, A::DispatchMail) => S::Mailed,
            (S::Mailed, A::MailDelivered) => S::Delivered,
            (S::Mailed, A::MailReturnedUndelivered) => S::Awaiting,
            (S::Awaiting, A::ReturnToJmaca) => S::Returned,
            (S::HandedOver, A::CancelHandover) => S::Awaiting,
            (S::Mailed, A::CancelHandover) => S::Awaiting,
            (from, action) => return Err(TransitionError { from, action }),
        };
        Ok(next)
    }
}

impl fmt::Display for CardState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What can happen to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardAction {
    HandOver,
    DispatchMail,
    MailDelivered,
    MailReturnedUndelivered,
    ReturnToJmaca,
    /// 取消/訂正 of a committed handover or dispatch: back to the desk, with a reason.
    CancelHandover,
}

impl CardAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CardAction::HandOver => "hand_over",
            CardAction::DispatchMail => "dispatch_mail",
            CardAction::MailDelivered => "mail_delivered",
            CardAction::MailReturnedUndelivered => "mail_returned_undelivered",
            CardAction::ReturnToJmaca => "return_to_jmaca",
            CardAction::CancelHandover => "cancel_handover",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CardAction::HandOver => "交付",
            CardAction::DispatchMail => "本人限定受取郵便で発送",
            CardAction::MailDelivered => "配達済の記録",
            CardAction::MailReturnedUndelivered => "郵送不達（返送）の記録",
            CardAction::ReturnToJmaca => "JMACAへ返却",
            CardAction::CancelHandover => "交付の取消",
        }
    }
}

/// An action that is not allowed in the card's current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("状態「{}」のカードには「{}」はできません", from.label(), action.label())]
pub struct TransitionError {
    pub from: CardState,
    pub action: CardAction,
}

/// Status of the 対面交付用受領書 for a handed-over card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// Signed receipt collected at the desk, waiting to go back to JMACA.
    Captured,
    /// Sent back to JMACA in a batch.
    ReturnedToJmaca,
    /// Not required: the physician presented the 発行完了通知はがき.
    NotRequiredPostcard,
    /// Not required: delivered by 本人限定受取郵便.
    NotRequiredMail,
}

impl ReceiptStatus {
    pub const ALL: [ReceiptStatus; 4] = [
        ReceiptStatus::Captured,
        ReceiptStatus::ReturnedToJmaca,
        ReceiptStatus::NotRequiredPostcard,
        ReceiptStatus::NotRequiredMail,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::Captured => "captured",
            ReceiptStatus::ReturnedToJmaca => "returned_to_jmaca",
            ReceiptStatus::NotRequiredPostcard => "not_required_postcard",
            ReceiptStatus::NotRequiredMail => "not_required_mail",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ReceiptStatus::Captured => "受領書回収済（未返送）",
            ReceiptStatus::ReturnedToJmaca => "受領書返送済",
            ReceiptStatus::NotRequiredPostcard => "不要（はがき提出）",
            ReceiptStatus::NotRequiredMail => "不要（本人限定受取郵便）",
        }
    }
    /// A captured receipt goes to JMACA in a batch; reopening the batch is a correction.
    pub fn apply(self, action: ReceiptAction) -> Result<ReceiptStatus, ReceiptTransitionError> {
        match (self, action) {
            (ReceiptStatus::Captured, ReceiptAction::ReturnInBatch) => {
                Ok(ReceiptStatus::ReturnedToJmaca)
            }
            (ReceiptStatus::ReturnedToJmaca, ReceiptAction::ReopenBatch) => {
                Ok(ReceiptStatus::Captured)
            }
            (from, action) => Err(ReceiptTransitionError { from, action }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptAction {
    ReturnInBatch,
    ReopenBatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("受領書の状態「{}」では {:?} はできません", from.label(), action)]
pub struct ReceiptTransitionError {
    pub from: ReceiptStatus,
    pub action: ReceiptAction,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_handover_and_correction() {
        let s = CardState::Awaiting.apply(CardAction::HandOver).unwrap();
        assert_eq!(s, CardState::HandedOver);
        assert!(s.is_final());
        let err = s.apply(CardAction::HandOver).unwrap_err();
        assert_eq!(err.from, CardState::HandedOver);
        assert!(err.to_string().contains("交付済"));
        assert_eq!(
            s.apply(CardAction::CancelHandover).unwrap(),
            CardState::Awaiting
        );
    }

    #[test]
    fn mail_route() {
        let s = CardState::Awaiting.apply(CardAction::DispatchMail).unwrap();
        assert_eq!(s, CardState::Mailed);
        assert_eq!(
            s.apply(CardAction::MailReturnedUndelivered).unwrap(),
            CardState::Awaiting
        );
        assert_eq!(
            s.apply(CardAction::MailDelivered).unwrap(),
            CardState::Delivered
        );
        assert!(s.apply(CardAction::ReturnToJmaca).is_err());
    }

    #[test]
    fn every_pair_is_either_allowed_or_a_typed_error() {
        let actions = [
            CardAction::HandOver,
            CardAction::DispatchMail,
            CardAction::MailDelivered,
            CardAction::MailReturnedUndelivered,
            CardAction::ReturnToJmaca,
            CardAction::CancelHandover,
        ];
        let mut allowed = 0;
        for s in CardState::ALL {
            for a in actions {
                match s.apply(a) {
                    Ok(_) => allowed += 1,
                    Err(e) => assert_eq!((e.from, e.action), (s, a)),
                }
            }
        }
        assert_eq!(allowed, 7);
        // Final states only leave through a correction.
        for s in [CardState::Delivered, CardState::Returned] {
            for a in actions {
                assert!(s.apply(a).is_err(), "{s:?} {a:?}");
            }
        }
    }

    #[test]
    fn receipts() {
        let r = ReceiptStatus::Captured
            .apply(ReceiptAction::ReturnInBatch)
            .unwrap();
        assert_eq!(r, ReceiptStatus::ReturnedToJmaca);
        assert!(r.apply(ReceiptAction::ReturnInBatch).is_err());
        assert!(
            ReceiptStatus::NotRequiredMail
                .apply(ReceiptAction::ReturnInBatch)
                .is_err()
        );
        for s in ReceiptStatus::ALL {
            assert_eq!(ReceiptStatus::parse(s.as_str()), Some(s));
        }
        for s in CardState::ALL {
            assert_eq!(CardState::parse(s.as_str()), Some(s));
        }
    }
}
