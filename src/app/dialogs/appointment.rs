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

/// Parse the time of an appointment: `HH:MM` (full-width digits and colon accepted).
pub fn parse_time(s: &str) -> Result<NaiveTime, String> {
    use unicode_normalization::UnicodeNormalization;
    let t: String = s.nfkc().collect::<String>().trim().to_string();
    if t.is_empty() {
        return Err("時刻を入力してください（例: 10:30）。".into());
    }
    NaiveTime::parse_from_str(&t, "%H:%M")
        .map_err(|_| format!("時刻「{t}」を読み取れません（例: 10:30）。"))
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
                let d = match crate::domain::date::parse_date(self.date.value()) {
                    Ok(d) => d,
                    Err(e) => return self.refuse_date(e.to_string()),
                };
                if d < cx.today {
                    return self.refuse_date("過去の日付には予約できません。".into());
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
