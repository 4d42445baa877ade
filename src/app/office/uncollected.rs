//! 未交付カード: contacts, holds, and card return batches whose cards are read and checked
//! before they go into the envelope.

use super::{
    NO_OFFICER, Office, OfficeConfirmPurpose, OfficeInputPurpose, OfficeItem, OfficeLoaded,
    OfficeModal, OfficeRequest, UncollectedChange, move_sel,
};
use crate::app::{Action, App, CardSignal, Effect, LineEdit, Modal};
use crate::domain::office::{BatchStatus, ContactMethod, DueAction, ReturnBatch, UncollectedCard};

/// Which list has the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Cards,
    Batches,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncollectedView {
    pub list: Vec<UncollectedCard>,
    /// Card return batches.
    pub batches: Vec<ReturnBatch>,
    pub pane: Pane,
    /// Show only cards with an action due.
    pub only_due: bool,
    pub sel_card: usize,
    pub sel_batch: usize,
    pub loading: bool,
    pub error: Option<String>,
    pub exported: Vec<String>,
    /// The open batch whose cards are being read before packing.
    pub verifying: Option<String>,
}

impl UncollectedView {
    pub(super) fn new() -> Self {
        UncollectedView {
            list: Vec::new(),
            batches: Vec::new(),
            pane: Pane::Cards,
            only_due: false,
            sel_card: 0,
            sel_batch: 0,
            loading: true,
            error: None,
            exported: Vec::new(),
            verifying: None,
        }
    }

    /// The cards shown (all, or only those with an action due).
    pub fn shown(&self) -> Vec<&UncollectedCard> {
        self.list
            .iter()
            .filter(|u| !self.only_due || u.due.is_some())
            .collect()
    }

    pub fn selected_card(&self) -> Option<&UncollectedCard> {
        self.shown().get(self.sel_card).copied()
    }

    pub fn selected_batch(&self) -> Option<&ReturnBatch> {
        self.batches.get(self.sel_batch)
    }

    /// Cards whose return is due and that can go into a batch.
    pub fn due_for_return(&self) -> Vec<i64> {
        self.list
            .iter()
            .filter(|u| {
                u.due == Some(DueAction::Return) && u.hold.is_none() && u.in_batch.is_none()
            })
            .map(|u| u.card.id)
            .collect()
    }
}

impl App {
    pub(super) fn uncollected_action(&mut self, action: Action) -> Vec<Effect> {
        let today = self.today;
        let Some(Office::Uncollected(v)) = self.office_mut() else {
            return Vec::new();
        };
        match action {
            Action::Back => self.back_to_menu(OfficeItem::Uncollected),
            Action::Refresh => {
                v.loading = true;
                return vec![Effect::Office(OfficeRequest::LoadUncollected { today })];
            }
            Action::SwitchField => {
                v.pane = match v.pane {
                    Pane::Cards => Pane::Batches,
                    Pane::Batches => Pane::Cards,
                }
            }
            Action::Up | Action::Down => {
                let d = if action == Action::Up { -1 } else { 1 };
                match v.pane {
                    Pane::Cards => {
                        let n = v.shown().len();
                        move_sel(&mut v.sel_card, n, d)
                    }
                    Pane::Batches => move_sel(&mut v.sel_batch, v.batches.len(), d),
                }
            }
            Action::CycleFilter => {
                v.only_due = !v.only_due;
                v.sel_card = 0;
            }
            Action::RecordContact | Action::ToggleHold => {
                let Some(u) = v.selected_card().cloned() else {
                    self.flash("一覧にカードがありません。", true);
                    return Vec::new();
                };
                let card = Box::new(u.card);
                let m = match (action, u.hold) {
                    (Action::RecordContact, _) => OfficeModal::Contact {
                        card,
                        method: ContactMethod::Phone,
                        note: LineEdit::new(100),
                        error: None,
                    },
                    (_, Some(_)) => OfficeModal::Confirm {
                        purpose: OfficeConfirmPurpose::Unhold { card },
                    },
                    (_, None) => OfficeModal::Input {
                        purpose: OfficeInputPurpose::Hold { card },
                        field: LineEdit::new(100),
                        error: None,
                    },
                };
                self.push_office(m);
            }
            Action::NewBatch => {
                let cards = v.due_for_return();
                if cards.is_empty() {
                    self.flash(
                        "返却の期限を過ぎたカード（保留・バッチ済を除く）はありません。",
                        true,
                    );
                    return Vec::new();
                }
                self.push_office(OfficeModal::Input {
                    purpose: OfficeInputPurpose::NewCardBatch { cards },
                    field: LineEdit::code(40),
                    error: None,
                });
            }
            Action::VerifyCards => {
                if v.verifying.take().is_some() {
                    self.flash("読取確認を終えました。", false);
                    return Vec::new();
                }
                let Some(b) = v.selected_batch() else {
                    self.flash(
                        "返却バッチがありません。先に b でバッチを作成してください。",
                        true,
                    );
                    return Vec::new();
                };
                if b.status != BatchStatus::Open {
                    let msg = format!(
                        "バッチ {} は「{}」です。読取確認は未送付のバッチで行います。",
                        b.number,
                        b.status.label()
                    );
                    self.flash(msg, true);
                    return Vec::new();
                }
                let msg = format!(
                    "バッチ {}: カードを1枚ずつリーダに置いてください。",
                    b.number
                );
                v.verifying = Some(b.number.clone());
                v.pane = Pane::Batches;
                self.flash(msg, false);
            }
            Action::MarkSent | Action::ExportBatch | Action::ReopenBatch => {
                let Some(b) = v.selected_batch().cloned() else {
                    self.flash(
                        "返却バッチがありません。先に b でバッチを作成してください。",
                        true,
                    );
                    return Vec::new();
                };
                return self.batch_action(action, b);
            }
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn contact_modal_action(&mut self, action: Action) -> Vec<Effect> {
        let today = self.today;
        let officer = self.officer.as_ref().map(|o| o.id);
        let Some(Modal::Office(m)) = self.modals.last_mut() else {
            return Vec::new();
        };
        let OfficeModal::Contact {
            card,
            method,
            note,
            error,
        } = &mut **m
        else {
            return Vec::new();
        };
        match action {
            Action::No => {
                self.modals.pop();
                Vec::new()
            }
            Action::SwitchField => {
                *method = match method {
                    ContactMethod::Phone => ContactMethod::Letter,
                    ContactMethod::Letter => ContactMethod::Mail,
                    ContactMethod::Mail => ContactMethod::Phone,
                };
                Vec::new()
            }
            Action::Yes => {
                let Some(officer_id) = officer else {
                    *error = Some(NO_OFFICER.into());
                    return Vec::new();
                };
                let text = note.value().trim().to_string();
                let req = OfficeRequest::RecordContact {
                    card: card.id,
                    method: *method,
                    on: today,
                    note: (!text.is_empty()).then_some(text),
                    officer_id,
                };
                self.modals.pop();
                self.flash("連絡を記録しています…", false);
                vec![Effect::Office(req)]
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn uncollected_loaded(&mut self, loaded: OfficeLoaded) -> Vec<Effect> {
        let today = self.today;
        match loaded {
            OfficeLoaded::Uncollected(result) => {
                if let Some(Office::Uncollected(v)) = self.office_mut() {
                    v.loading = false;
                    match result {
                        Ok((list, batches)) => {
                            v.list = list;
                            v.batches = batches;
                            let n = v.shown().len();
                            v.sel_card = v.sel_card.min(n.saturating_sub(1));
                            v.sel_batch = v.sel_batch.min(v.batches.len().saturating_sub(1));
                            v.error = None;
                        }
                        Err(e) => v.error = Some(e),
                    }
                }
                Vec::new()
            }
            OfficeLoaded::UncollectedChanged {
                change,
                name,
                result,
            } => match result {
                Ok(()) => {
                    let msg = match change {
                        UncollectedChange::Contact => {
                            format!("{name} さんへの連絡を記録しました。")
                        }
                        UncollectedChange::Hold => format!("{name} さんのカードを保留にしました。"),
                        UncollectedChange::Unhold => {
                            format!("{name} さんのカードの保留を解除しました。")
                        }
                    };
                    self.flash(msg, false);
                    self.reload_uncollected(today)
                }
                Err(e) => {
                    self.flash = None;
                    let title = match change {
                        UncollectedChange::Contact => "連絡を記録できませんでした",
                        UncollectedChange::Hold => "保留にできませんでした",
                        UncollectedChange::Unhold => "保留を解除できませんでした",
                    };
                    self.office_error(title, e);
                    Vec::new()
                }
            },
            OfficeLoaded::ReturnCardVerified(result) => match result {
                Ok(rec) => {
                    self.flash(
                        format!(
                            "{}（カードID {}）のカードを確認しました。封入してください。",
                            rec.name, rec.card_id
                        ),
                        false,
                    );
                    self.reload_uncollected(today)
                }
                Err(e) => {
                    self.flash = None;
                    self.office_error("このカードは封入できません", e);
                    Vec::new()
                }
            },
            _ => Vec::new(),
        }
    }

    fn reload_uncollected(&mut self, today: chrono::NaiveDate) -> Vec<Effect> {
        if let Some(Office::Uncollected(v)) = self.office_mut() {
            v.loading = true;
            return vec![Effect::Office(OfficeRequest::LoadUncollected { today })];
        }
        Vec::new()
    }

    /// While a batch is being checked, each card read is matched against it.
    pub(super) fn uncollected_card(&mut self, sig: &CardSignal) -> Vec<Effect> {
        let officer = self.officer.as_ref().map(|o| o.id);
        let Some(Office::Uncollected(v)) = self.office() else {
            return Vec::new();
        };
        let Some(number) = v.verifying.clone() else {
            return Vec::new();
        };
        let CardSignal::ReadFinished { result, .. } = sig else {
            return Vec::new();
        };
        match result {
            Ok(reading) => {
                let Some(officer_id) = officer else {
                    self.flash(NO_OFFICER, true);
                    return Vec::new();
                };
                self.flash("カードを照合しています…", false);
                vec![Effect::Office(OfficeRequest::VerifyReturnCard {
                    number,
                    certificate: Box::new(reading.certificate.clone()),
                    officer_id,
                })]
            }
            Err(e) => {
                self.flash(format!("カードを読み取れませんでした: {e}"), true);
                Vec::new()
            }
        }
    }
}
