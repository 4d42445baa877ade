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
    /// The method row has the focus (Tab moves between it and the note, as everywhere).
    pub method_focus: bool,
}

impl ContactDialog {
    pub fn new(card: CardRecord) -> Self {
        ContactDialog {
            card,
            method: ContactMethod::Phone,
            note: LineEdit::new(100),
            error: None,
            method_focus: false,
        }
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Answer {
        match action {
            Action::No => Answer::close(Vec::new()),
            Action::SwitchField => {
                self.method_focus = !self.method_focus;
                Answer::stay()
            }
            Action::ChoiceNext | Action::ChoicePrev if self.method_focus => {
                const ORDER: [ContactMethod; 3] = [
                    ContactMethod::Phone,
                    ContactMethod::Letter,
                    ContactMethod::Mail,
                ];
                let i = ORDER.iter().position(|m| *m == self.method).unwrap_or(0);
                let step = if action == Action::ChoiceNext { 1 } else { 2 };
                self.method = ORDER[(i + step) % ORDER.len()];
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
