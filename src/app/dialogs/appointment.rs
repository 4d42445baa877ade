//! 予約の登録: set or clear the appointment of a card (F9 in the queue).

use chrono::{NaiveDateTime, NaiveTime};

use super::Answer;
use crate::app::cx::{Cx, NO_OFFICER};
use crate::app::screens::office::OfficeRequest;
use crate::app::{Action, LineEdit};
use crate::domain::record::CardRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentDialog {
    pub card: CardRecord,
    pub date: LineEdit,
    pub time: LineEdit,
    /// The time field has focus (else the date field).
    pub time_focus: bool,
    pub error: Option<String>,
}

/// Parse the time of an appointment (`10:30`, `1030`, `14時`; `domain::date::parse_time`).
pub fn parse_time(s: &str) -> Result<NaiveTime, String> {
    crate::domain::date::parse_time(s)
}

impl AppointmentDialog {
    /// The dialog for a card, prefilled with its current appointment.
    pub fn new(card: CardRecord, existing: Option<NaiveDateTime>) -> Self {
        let (date, time) = match existing {
            Some(at) => (
                at.date().format("%Y-%m-%d").to_string(),
                at.time().format("%H:%M").to_string(),
            ),
            None => (String::new(), String::new()),
        };
        AppointmentDialog {
            card,
            date: LineEdit::with_text(30, &date),
            time: LineEdit::with_text(10, &time),
            time_focus: false,
            error: None,
        }
    }

    pub fn field(&self) -> &LineEdit {
        if self.time_focus {
            &self.time
        } else {
            &self.date
        }
    }

    pub fn field_mut(&mut self) -> &mut LineEdit {
        if self.time_focus {
            &mut self.time
        } else {
            &mut self.date
        }
    }

    /// Refuse with a message on the date field.
    fn refuse_date(&mut self, e: String) -> Answer {
        self.error = Some(e);
        self.time_focus = false;
        Answer::stay()
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Answer {
        match action {
            Action::No => Answer::close(Vec::new()),
            Action::SwitchField => {
                self.time_focus = !self.time_focus;
                Answer::stay()
            }
            Action::ClearAppointment | Action::Yes => {
                let Some(officer_id) = cx.officer.map(|o| o.id) else {
                    self.error = Some(NO_OFFICER.into());
                    return Answer::stay();
                };
                let card = self.card.id;
                if action == Action::ClearAppointment {
                    cx.flash("予約を記録しています…", false);
                    let req = OfficeRequest::ClearAppointment { card, officer_id };
                    return Answer::close(vec![req.into()]);
                }
                let d = match crate::domain::date::parse_date_in_year(self.date.value(), cx.today) {
                    Ok(d) => d,
                    Err(e) => return self.refuse_date(e.to_string()),
                };
                let rule = crate::domain::date_rules::DateRule::planned("予約日");
                if let Err(e) = rule.for_card(&self.card).check(d, cx.today) {
                    return self.refuse_date(e);
                }
                if let Some(refusal) = cx.rules.calendar.refusal(d) {
                    return self.refuse_date(refusal);
                }
                let holiday_warning = cx.rules.calendar.holiday_warning(d);
                let t = match parse_time(self.time.value()) {
                    Ok(t) => t,
                    Err(e) => {
                        self.error = Some(e);
                        self.time_focus = true;
                        return Answer::stay();
                    }
                };
                match holiday_warning {
                    Some(w) => cx.flash(format!("予約を記録しています…（注意: {w}）"), true),
                    None => cx.flash("予約を記録しています…", false),
                }
                let req = OfficeRequest::SetAppointment {
                    card,
                    at: d.and_time(t),
                    officer_id,
                };
                Answer::close(vec![req.into()])
            }
            _ => Answer::stay(),
        }
    }
}
