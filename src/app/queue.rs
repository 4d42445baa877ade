//! 受付待ち queue: search-as-you-type, state filter, selection.

use super::{Action, App, Effect, Flow, LineEdit, Modal, SEARCH_LIMIT, SearchRequest};
use crate::domain::CardState;
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

    pub fn apply_search(&mut self, seq: u64, result: Result<Vec<CardRecord>, String>) {
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
            Err(e) => self.error = Some(e),
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

impl App {
    pub(super) fn queue_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Up => self.queue.move_by(-1),
            Action::Down => self.queue.move_by(1),
            Action::PageUp => self.queue.move_by(-(PAGE as isize)),
            Action::PageDown => self.queue.move_by(PAGE as isize),
            Action::ClearSearch if !self.queue.search.value().is_empty() => {
                self.queue.search.clear();
                return vec![self.queue.search_effect()];
            }
            Action::CycleFilter => {
                let i = STATE_FILTERS
                    .iter()
                    .position(|f| *f == self.queue.filter)
                    .unwrap_or(0);
                self.queue.filter = STATE_FILTERS[(i + 1) % STATE_FILTERS.len()];
                self.queue.selected = 0;
                return vec![self.queue.search_effect()];
            }
            Action::Refresh => {
                return vec![
                    self.queue.search_effect(),
                    Effect::LoadCounts,
                    self.upcoming_effect(),
                ];
            }
            Action::OfficeMenu => return self.open_office_menu(),
            Action::Appointment => return self.open_appointment(),
            Action::ReaderDiagnose => {
                self.modals.push(super::Modal::Message {
                    title: super::DIAGNOSIS_TITLE.into(),
                    lines: vec!["診断しています…".into()],
                    error: false,
                });
                return vec![Effect::DiagnoseReader];
            }
            Action::SwitchOfficer => {
                self.modals.push(Modal::OfficerPicker {
                    selected: 0,
                    name: LineEdit::new(40),
                    error: None,
                });
                return vec![Effect::LoadOfficers];
            }
            Action::Open | Action::OpenMail => {
                let Some(record) = self.queue.selected_record().cloned() else {
                    self.flash(
                        "一覧に記録がありません。検索語や状態の絞り込みを確認してください。",
                        true,
                    );
                    return Vec::new();
                };
                let flow = (action == Action::OpenMail).then_some(Flow::Mail);
                return self.open_handover(record, flow);
            }
            Action::CancelHandover => {
                let Some(record) = self.queue.selected_record().cloned() else {
                    return Vec::new();
                };
                if !matches!(record.state, CardState::HandedOver | CardState::Mailed) {
                    self.modals.push(Modal::Message {
                        title: "取消/訂正".into(),
                        lines: vec![format!(
                            "このカードは「{}」です。取消できるのは交付済・郵送中のカードだけです。",
                            record.state.label()
                        )],
                        error: false,
                    });
                    return Vec::new();
                }
                self.modals.push(Modal::CancelReason {
                    record: Box::new(record),
                    reason: LineEdit::new(100),
                    error: None,
                });
            }
            _ => {}
        }
        Vec::new()
    }
}
