//! 受領書返送: the signed receipts collected at the counter go back to JMACA in batches; each
//! batch gets a cover list (HTML and CSV) and is marked sent.

use std::collections::BTreeSet;

use super::batches::{Answer, BatchesPane};
use super::requests::{OfficeLoaded, OfficeRequest};
use super::{OfficeItem, PromptAnswer, Purpose, move_sel};
use crate::app::cx::{Cx, Nav};
use crate::app::dialogs::{Prompt, PromptText};
use crate::app::{Action, Dialog, Effect};
use crate::domain::office::BatchKind;
use crate::domain::office::returns::PendingReceipt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptsView {
    /// With the day each is due back to JMACA (`[receipts]` of `rules.toml`).
    pub pending: Vec<PendingReceipt>,
    /// Card rows marked with Space (none marked = all pending).
    pub marked: BTreeSet<i64>,
    pub sel_pending: usize,
    /// The receipt batches under the pending list.
    pub batches: BatchesPane,
    pub loading: bool,
    pub error: Option<String>,
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
            sel_pending: 0,
            batches: BatchesPane::new(BatchKind::Receipts),
            loading: true,
            error: None,
        }
    }

    fn reload(&mut self) -> Vec<Effect> {
        self.loading = true;
        vec![OfficeRequest::LoadReceipts.into()]
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        if let Some(fx) = self.batches.update(action, cx) {
            return fx;
        }
        match action {
            Action::Back => cx.nav = Some(Nav::Menu(OfficeItem::Receipts)),
            Action::Refresh => return self.reload(),
            Action::Up | Action::Down => {
                let d = if action == Action::Up { -1 } else { 1 };
                move_sel(&mut self.sel_pending, self.pending.len(), d);
            }
            Action::ToggleCursor => {
                if self.batches.focused {
                    return Vec::new();
                }
                if let Some(p) = self.pending.get(self.sel_pending) {
                    let id = p.card.id;
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
                    self.marked = self.pending.iter().map(|p| p.card.id).collect();
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
        match self.batches.on_loaded(loaded, cx) {
            Answer::Changed => {
                self.marked.clear();
                self.reload()
            }
            Answer::Done => Vec::new(),
            Answer::Other(OfficeLoaded::Receipts(result)) => {
                if let Some((pending, batches)) =
                    super::take(&mut self.loading, &mut self.error, result)
                {
                    self.marked
                        .retain(|id| pending.iter().any(|p| p.card.id == *id));
                    self.pending = pending;
                    self.sel_pending = self.sel_pending.min(self.pending.len().saturating_sub(1));
                    self.batches.set(batches);
                }
                Vec::new()
            }
            Answer::Other(other) => {
                super::orphan_loaded(other, cx);
                Vec::new()
            }
        }
    }
}
