//! 受付待ち queue: search-as-you-type, state filter, selection. The home screen: its state
//! lives in `App::queue` for the whole session, so search and selection survive every other
//! screen; `Screen::Queue` only says it is on display.

use chrono::NaiveDate;

use crate::app::cx::{Cx, Nav};
use crate::app::dialogs::cancel::CancelReasonDialog;
use crate::app::dialogs::officer::OfficerPickerDialog;
use crate::app::{
    Action, AppointmentDialog, DIAGNOSIS_TITLE, Dialog, Effect, Flow, LineEdit, OfficeRequest,
    SEARCH_LIMIT, SearchRequest,
};
use crate::domain::CardState;
use crate::domain::failure::Reply;
use crate::domain::record::CardRecord;

/// Filters cycled by F2 (`None` = every state).
pub const STATE_FILTERS: [Option<CardState>; 6] = [
    Some(CardState::Awaiting),
    Some(CardState::HandedOver),
    Some(CardState::Mailed),
    Some(CardState::Delivered),
    Some(CardState::Returned),
    None,
];

/// Rows moved by PageUp/PageDown.
const PAGE: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueState {
    pub search: LineEdit,
    pub filter: Option<CardState>,
    pub rows: Vec<CardRecord>,
    pub selected: usize,
    pub counts: Vec<(CardState, u64)>,
    /// Sequence number of the latest search sent; older answers are dropped.
    pub seq: u64,
    pub loading: bool,
    pub error: Option<String>,
    /// Today's and tomorrow's appointments (the band above the list).
    pub appointments: Vec<crate::domain::office::Appointment>,
}

impl Default for QueueState {
    fn default() -> Self {
        Self::new()
    }
}

impl QueueState {
    pub fn new() -> Self {
        QueueState {
            search: LineEdit::code(60),
            filter: Some(CardState::Awaiting),
            rows: Vec::new(),
            selected: 0,
            counts: Vec::new(),
            seq: 0,
            loading: false,
            error: None,
            appointments: Vec::new(),
        }
    }

    /// After a handover is recorded or left: an empty search over 交付待ち, ready for the
    /// next physician.
    pub fn reset_search(&mut self) {
        self.search.clear();
        self.filter = Some(CardState::Awaiting);
    }

    /// A new search for the current text and filter.
    pub fn search_effect(&mut self) -> Effect {
        self.seq += 1;
        self.loading = true;
        Effect::Search(SearchRequest {
            seq: self.seq,
            text: self.search.value().trim().to_string(),
            state: self.filter,
            limit: SEARCH_LIMIT,
        })
    }

    pub fn apply_search(&mut self, seq: u64, result: Reply<Vec<CardRecord>>) {
        if seq != self.seq {
            return;
        }
        self.loading = false;
        match result {
            Ok(rows) => {
                let keep = self.selected_record().map(|r| r.id);
                self.rows = rows;
                self.error = None;
                self.selected = keep
                    .and_then(|id| self.rows.iter().position(|r| r.id == id))
                    .unwrap_or(0);
            }
            Err(e) => self.error = Some(e.message),
        }
    }

    pub fn selected_record(&self) -> Option<&CardRecord> {
        self.rows.get(self.selected)
    }

    pub fn select_id(&mut self, id: i64) {
        if let Some(i) = self.rows.iter().position(|r| r.id == id) {
            self.selected = i;
        }
    }

    pub fn count(&self, state: CardState) -> u64 {
        self.counts
            .iter()
            .find(|(s, _)| *s == state)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    fn move_by(&mut self, delta: isize) {
        if self.rows.is_empty() {
            self.selected = 0;
            return;
        }
        let last = self.rows.len() - 1;
        let next = self.selected.saturating_add_signed(delta);
        self.selected = next.min(last);
    }
}

/// Today's and tomorrow's appointments for the band above the queue.
pub fn upcoming_effect(today: NaiveDate) -> Effect {
    OfficeRequest::LoadUpcoming {
        from: today,
        to: today + chrono::Days::new(2),
    }
    .into()
}

impl QueueState {
    /// A key action on the queue.
    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(PAGE as isize)),
            Action::PageDown => self.move_by(PAGE as isize),
            Action::ClearSearch if !self.search.value().is_empty() => {
                self.search.clear();
                return vec![self.search_effect()];
            }
            Action::CycleFilter => {
                let i = STATE_FILTERS
                    .iter()
                    .position(|f| *f == self.filter)
                    .unwrap_or(0);
                self.filter = STATE_FILTERS[(i + 1) % STATE_FILTERS.len()];
                self.selected = 0;
                return vec![self.search_effect()];
            }
            Action::Refresh => {
                return vec![
                    self.search_effect(),
                    Effect::LoadCounts,
                    upcoming_effect(cx.today),
                ];
            }
            Action::OfficeMenu => cx.nav = Some(Nav::OfficeMenu),
            Action::Appointment => self.open_appointment(cx),
            Action::ReaderDiagnose => {
                cx.push(Dialog::Message {
                    title: DIAGNOSIS_TITLE.into(),
                    lines: vec!["診断しています…".into()],
                    error: false,
                });
                return vec![Effect::DiagnoseReader];
            }
            Action::SwitchOfficer => {
                cx.push(Dialog::OfficerPicker(Box::new(OfficerPickerDialog::new(0))));
                return vec![Effect::LoadOfficers];
            }
            Action::Open | Action::OpenMail => {
                let Some(record) = self.selected_record().cloned() else {
                    cx.flash(
                        "一覧に記録がありません。検索語や状態の絞り込みを確認してください。",
                        true,
                    );
                    return Vec::new();
                };
                let flow = (action == Action::OpenMail).then_some(Flow::Mail);
                cx.nav = Some(Nav::OpenHandover {
                    record: Box::new(record),
                    flow,
                });
            }
            Action::CancelHandover => {
                let Some(record) = self.selected_record().cloned() else {
                    return Vec::new();
                };
                if !matches!(record.state, CardState::HandedOver | CardState::Mailed) {
                    cx.push(Dialog::Message {
                        title: "取消/訂正".into(),
                        lines: vec![format!(
                            "このカードは「{}」です。取消できるのは交付済・郵送中のカードだけです。",
                            record.state.label()
                        )],
                        error: false,
                    });
                    return Vec::new();
                }
                cx.push(Dialog::CancelReason(Box::new(CancelReasonDialog::new(
                    record,
                ))));
            }
            _ => {}
        }
        Vec::new()
    }

    /// F9: the appointment of the selected card.
    fn open_appointment(&mut self, cx: &mut Cx) {
        let Some(card) = self.selected_record().cloned() else {
            cx.flash("一覧で予約するカードを選んでください。", true);
            return;
        };
        if card.state != CardState::Awaiting {
            cx.push(Dialog::Message {
                title: "予約".into(),
                lines: vec![format!(
                    "{}（カードID {}）は「{}」です。予約できるのは交付待ちのカードだけです。",
                    card.name,
                    card.card_id,
                    card.state.label()
                )],
                error: false,
            });
            return;
        }
        let existing = self
            .appointments
            .iter()
            .find(|a| a.card.id == card.id)
            .map(|a| a.at);
        let dialog = AppointmentDialog::new(card, existing);
        cx.push(Dialog::Appointment(Box::new(dialog)));
    }
}
