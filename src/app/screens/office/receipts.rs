//! 受領書返送: the signed receipts collected at the counter go back to JMACA in batches; each
//! batch gets a cover list (HTML and CSV) and is marked sent.

use std::collections::BTreeSet;

use super::requests::{BatchChange, OfficeLoaded, OfficeRequest};
use super::{OfficeItem, PromptAnswer, Purpose, batches, move_sel};
use crate::app::cx::{Cx, Nav};
use crate::app::dialogs::{Prompt, PromptText};
use crate::app::{Action, Dialog, Effect};
use crate::domain::office::ReturnBatch;
use crate::domain::record::CardRecord;

/// Which list of the receipts screen has the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptPane {
    Pending,
    Batches,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptsView {
    pub pending: Vec<CardRecord>,
    /// Card rows marked with Space (none marked = all pending).
    pub marked: BTreeSet<i64>,
    pub batches: Vec<ReturnBatch>,
    pub pane: ReceiptPane,
    pub sel_pending: usize,
    pub sel_batch: usize,
    pub loading: bool,
    pub error: Option<String>,
    /// Files of the last cover-list export.
    pub exported: Vec<String>,
}

/// The tracking number of a new receipt batch (`cards` = the marked rows, or all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptFor {
    NewBatch { cards: Option<Vec<i64>> },
}

impl PromptFor {
    pub fn text(&self) -> PromptText {
        let PromptFor::NewBatch { cards } = self;
        PromptText {
            title: "返送バッチの作成",
            lines: vec![
                match cards {
                    Some(c) => format!("印を付けた受領書 {} 通でバッチを作ります。", c.len()),
                    None => "返送待ちの受領書すべてでバッチを作ります。".to_string(),
                },
                "お問い合わせ番号があれば入力してください（後からでも構いません）。".into(),
            ],
            label: "お問い合わせ番号（任意）",
            hint: "Enter で作成、Esc でやめる",
        }
    }
}

impl Default for ReceiptsView {
    fn default() -> Self {
        Self::new()
    }
}

impl ReceiptsView {
    pub fn new() -> Self {
        ReceiptsView {
            pending: Vec::new(),
            marked: BTreeSet::new(),
            batches: Vec::new(),
            pane: ReceiptPane::Pending,
            sel_pending: 0,
            sel_batch: 0,
            loading: true,
            error: None,
            exported: Vec::new(),
        }
    }

    pub fn selected_batch(&self) -> Option<&ReturnBatch> {
        self.batches.get(self.sel_batch)
    }

    fn reload(&mut self) -> Vec<Effect> {
        self.loading = true;
        vec![OfficeRequest::LoadReceipts.into()]
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::Back => cx.nav = Some(Nav::Menu(OfficeItem::Receipts)),
            Action::Refresh => return self.reload(),
            Action::SwitchField => {
                self.pane = match self.pane {
                    ReceiptPane::Pending => ReceiptPane::Batches,
                    ReceiptPane::Batches => ReceiptPane::Pending,
                }
            }
            Action::Up | Action::Down => {
                let d = if action == Action::Up { -1 } else { 1 };
                match self.pane {
                    ReceiptPane::Pending => move_sel(&mut self.sel_pending, self.pending.len(), d),
                    ReceiptPane::Batches => move_sel(&mut self.sel_batch, self.batches.len(), d),
                }
            }
            Action::ToggleCursor => {
                if self.pane != ReceiptPane::Pending {
                    return Vec::new();
                }
                if let Some(c) = self.pending.get(self.sel_pending) {
                    let id = c.id;
                    if !self.marked.remove(&id) {
                        self.marked.insert(id);
                    }
                    move_sel(&mut self.sel_pending, self.pending.len(), 1);
                }
            }
            Action::MarkAll => {
                if self.marked.len() == self.pending.len() {
                    self.marked.clear();
                } else {
                    self.marked = self.pending.iter().map(|c| c.id).collect();
                }
            }
            Action::NewBatch => {
                if self.pending.is_empty() {
                    cx.flash("返送待ちの受領書はありません。", true);
                    return Vec::new();
                }
                let cards =
                    (!self.marked.is_empty()).then(|| self.marked.iter().copied().collect());
                let purpose = Purpose::Receipts(PromptFor::NewBatch { cards });
                cx.push(Dialog::Prompt(Box::new(Prompt::code(purpose, 40))));
            }
            Action::MarkSent | Action::ExportBatch | Action::ReopenBatch => {
                let Some(b) = self.selected_batch().cloned() else {
                    cx.flash(
                        "返送バッチがありません。先に n でバッチを作成してください。",
                        true,
                    );
                    return Vec::new();
                };
                return batches::batch_action(action, b, cx);
            }
            _ => {}
        }
        Vec::new()
    }

    pub fn on_prompt(&mut self, p: PromptFor, text: String, cx: &mut Cx) -> PromptAnswer {
        let PromptFor::NewBatch { cards } = p;
        let officer_id = super::prompt_officer(cx)?;
        super::send(
            cx,
            "返送バッチを作成しています…",
            OfficeRequest::CreateReceiptBatch {
                cards,
                on: cx.today,
                tracking_no: (!text.is_empty()).then_some(text),
                officer_id,
            },
        )
    }

    pub fn on_loaded(&mut self, loaded: OfficeLoaded, cx: &mut Cx) -> Vec<Effect> {
        match loaded {
            OfficeLoaded::Receipts(result) => {
                if let Some((pending, batches)) =
                    super::take(&mut self.loading, &mut self.error, result)
                {
                    self.marked.retain(|id| pending.iter().any(|c| c.id == *id));
                    self.pending = pending;
                    self.batches = batches;
                    self.sel_pending = self.sel_pending.min(self.pending.len().saturating_sub(1));
                    self.sel_batch = self.sel_batch.min(self.batches.len().saturating_sub(1));
                }
                Vec::new()
            }
            OfficeLoaded::Batch {
                change,
                result: Ok(b),
            } => {
                cx.flash(batches::changed_message(change, &b), false);
                self.marked.clear();
                if change == BatchChange::Created {
                    self.pane = ReceiptPane::Batches;
                    self.sel_batch = 0;
                }
                self.reload()
            }
            OfficeLoaded::Batch {
                change,
                result: Err(e),
            } => {
                cx.error(batches::failed_title(change), e);
                Vec::new()
            }
            OfficeLoaded::Exported(result) => {
                if let Some(files) = super::exported(result, cx) {
                    self.exported = files;
                }
                Vec::new()
            }
            other => {
                super::orphan_loaded(other, cx);
                Vec::new()
            }
        }
    }
}
