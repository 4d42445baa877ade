//! 取消/訂正 (F8 in the queue): the reason for cancelling a recorded handover or dispatch. The
//! card goes back to 交付待ち; the handover row stays and a correction row with the reason and
//! the officer cancels it (the store's `cancel_handover`).

use crate::app::input::LineEdit;
use crate::app::keymap::Action;
use crate::app::{Effect, OfficerInfo};
use crate::domain::record::CardRecord;

/// Longest reason accepted in the field.
pub const REASON_MAX_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelReasonDialog {
    /// The handed-over or mailed card whose handover is cancelled.
    pub record: CardRecord,
    pub reason: LineEdit,
    pub error: Option<String>,
}

/// What a key on the dialog asks of the app.
pub(crate) enum CancelStep {
    Stay,
    Close,
    /// Close and send the correction to the store.
    Send(Effect),
}

impl CancelReasonDialog {
    pub fn new(record: CardRecord) -> Self {
        CancelReasonDialog {
            record,
            reason: LineEdit::new(REASON_MAX_CHARS),
            error: None,
        }
    }

    /// Enter records the correction (a reason and an officer on duty are required); Esc leaves.
    pub(crate) fn update(&mut self, action: Action, on_duty: Option<&OfficerInfo>) -> CancelStep {
        match action {
            Action::Yes if self.reason.is_blank() => {
                self.error = Some("取消の理由を入力してください。".to_string());
                CancelStep::Stay
            }
            Action::Yes => match on_duty {
                None => {
                    self.error = Some("担当者が選ばれていません。".to_string());
                    CancelStep::Stay
                }
                Some(officer) => CancelStep::Send(Effect::CancelHandover {
                    card: self.record.id,
                    reason: self.reason.value().trim().to_string(),
                    officer_id: officer.id,
                }),
            },
            Action::No => CancelStep::Close,
            _ => CancelStep::Stay,
        }
    }
}
