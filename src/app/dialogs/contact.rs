//! 連絡の記録: a contact with the physician of an uncollected card (`c` on 未交付カード).

use super::Answer;
use crate::app::cx::{Cx, NO_OFFICER};
use crate::app::screens::office::OfficeRequest;
use crate::app::{Action, LineEdit};
use crate::domain::office::ContactMethod;
use crate::domain::record::CardRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDialog {
    pub card: CardRecord,
    pub method: ContactMethod,
    pub note: LineEdit,
    pub error: Option<String>,
}

impl ContactDialog {
    pub fn new(card: CardRecord) -> Self {
        ContactDialog {
            card,
            method: ContactMethod::Phone,
            note: LineEdit::new(100),
            error: None,
        }
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Answer {
        match action {
            Action::No => Answer::close(Vec::new()),
            Action::SwitchField => {
                self.method = match self.method {
                    ContactMethod::Phone => ContactMethod::Letter,
                    ContactMethod::Letter => ContactMethod::Mail,
                    ContactMethod::Mail => ContactMethod::Phone,
                };
                Answer::stay()
            }
            Action::Yes => {
                let Some(officer_id) = cx.officer.map(|o| o.id) else {
                    self.error = Some(NO_OFFICER.into());
                    return Answer::stay();
                };
                let text = self.note.value().trim().to_string();
                let req = OfficeRequest::RecordContact {
                    card: self.card.id,
                    method: self.method,
                    on: cx.today,
                    note: (!text.is_empty()).then_some(text),
                    officer_id,
                };
                cx.flash("連絡を記録しています…", false);
                Answer::close(vec![req.into()])
            }
            _ => Answer::stay(),
        }
    }
}
