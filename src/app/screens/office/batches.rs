//! What the two batch screens share (受領書返送 and the card return batches of 未交付カード):
//! the [`BatchesPane`] under the screen's own list, with its cursor and its keys (send, export
//! and reopen a batch), and the message after a change.

use super::requests::{BatchChange, OfficeLoaded, OfficeRequest};
use super::{ConfirmPurpose, PromptAnswer, Purpose, move_sel};
use crate::app::cx::Cx;
use crate::app::dialogs::{Confirm, ConfirmText, Prompt, PromptText};
use crate::app::{Action, Dialog, Effect};
use crate::domain::office::{BatchKind, BatchStatus, ReturnBatch};

/// The return batches half of a batch screen: the batches of one kind, the cursor, whether
/// the pane has the focus (Tab switches it with the screen's own list), and the files of the
/// last cover-list export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchesPane {
    pub kind: BatchKind,
    pub list: Vec<ReturnBatch>,
    pub sel: usize,
    pub focused: bool,
    pub exported: Vec<String>,
}

/// What the pane made of a store answer.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // a return value, matched at once; boxing would only complicate it
pub enum Answer {
    /// A batch changed (and was said): the screen reloads its lists.
    Changed,
    /// Taken and said (an export, a refused change): nothing more to do.
    Done,
    /// Not about batches: the screen's own.
    Other(OfficeLoaded),
}

impl BatchesPane {
    pub fn new(kind: BatchKind) -> Self {
        BatchesPane {
            kind,
            list: Vec::new(),
            sel: 0,
            focused: false,
            exported: Vec::new(),
        }
    }

    pub fn selected(&self) -> Option<&ReturnBatch> {
        self.list.get(self.sel)
    }

    /// The selected batch, or `None` with the footer saying there is none yet.
    pub fn selected_or_say(&self, cx: &mut Cx) -> Option<&ReturnBatch> {
        let b = self.selected();
        if b.is_none() {
            cx.flash(
                match self.kind {
                    BatchKind::Receipts => {
                        "返送バッチがありません。先に n でバッチを作成してください。"
                    }
                    BatchKind::Cards => {
                        "返却バッチがありません。先に b でバッチを作成してください。"
                    }
                },
                true,
            );
        }
        b
    }

    /// The batches as loaded; the cursor stays inside the list.
    pub fn set(&mut self, list: Vec<ReturnBatch>) {
        self.list = list;
        self.sel = self.sel.min(self.list.len().saturating_sub(1));
    }

    /// The pane's keys: Tab, the cursor while it has the focus, and `s` / `o` / `x` on the
    /// selected batch. `None`: not a key of the pane, the screen's own.
    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Option<Vec<Effect>> {
        match action {
            Action::SwitchField => self.focused = !self.focused,
            Action::Up | Action::Down if self.focused => {
                let d = if action == Action::Up { -1 } else { 1 };
                move_sel(&mut self.sel, self.list.len(), d);
            }
            Action::MarkSent | Action::ExportBatch | Action::ReopenBatch => {
                let fx = match self.selected_or_say(cx).cloned() {
                    Some(b) => batch_action(action, b, cx),
                    None => Vec::new(),
                };
                return Some(fx);
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// A store answer about batches: a change is said (a new batch gets the focus and the
    /// cursor), an export keeps its files.
    pub fn on_loaded(&mut self, loaded: OfficeLoaded, cx: &mut Cx) -> Answer {
        match loaded {
            OfficeLoaded::Batch {
                change,
                result: Ok(b),
            } => {
                cx.flash(changed_message(change, &b), false);
                if change == BatchChange::Created {
                    self.focused = true;
                    self.sel = 0;
                }
                Answer::Changed
            }
            OfficeLoaded::Batch {
                change,
                result: Err(e),
            } => {
                cx.error(failed_title(change), e);
                Answer::Done
            }
            OfficeLoaded::Exported(result) => {
                if let Some(files) = super::exported(result, cx) {
                    self.exported = files;
                }
                Answer::Done
            }
            other => Answer::Other(other),
        }
    }
}

/// The reason for reopening (or cancelling) a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptFor {
    Reopen { number: String, kind: BatchKind },
}

impl PromptFor {
    pub fn text(&self) -> PromptText {
        let PromptFor::Reopen { number, kind } = self;
        PromptText {
            title: "バッチの訂正",
            lines: vec![
                match kind {
                    BatchKind::Receipts => {
                        format!("バッチ {number} を取り消し、受領書を返送待ちに戻します。")
                    }
                    BatchKind::Cards => {
                        format!("バッチ {number} を取り消し、カードを未交付の一覧に戻します。")
                    }
                },
                "訂正は監査記録に残ります。理由を入力してください。".into(),
            ],
            label: "理由（必須）",
            hint: "Enter で訂正を記録、Esc でやめる",
        }
    }
}

/// Sending a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmFor {
    Sent {
        number: String,
        kind: BatchKind,
        count: usize,
        /// Cards of a return batch not yet read and checked.
        unverified: usize,
    },
}

impl ConfirmFor {
    pub fn text(&self) -> ConfirmText {
        let ConfirmFor::Sent {
            number,
            kind,
            count,
            unverified,
        } = self;
        ConfirmText {
            title: "送付済の記録",
            lines: vec![
                format!("バッチ {number}（{count} 件）を本日送付済にしますか？"),
                match (kind, unverified) {
                    (BatchKind::Receipts, _) => "受領書は「返送済」になります。".to_string(),
                    (BatchKind::Cards, 0) => {
                        "カードは「返却済」になります（全件読取確認済）。".to_string()
                    }
                    (BatchKind::Cards, n) => {
                        format!("注意: 読取確認をしていないカードが {n} 枚あります（k で確認）。")
                    }
                },
            ],
        }
    }
}

/// `s` (send), `o` (export) or `x` (reopen) on the selected batch.
fn batch_action(action: Action, b: ReturnBatch, cx: &mut Cx) -> Vec<Effect> {
    match action {
        Action::MarkSent => {
            if b.status != BatchStatus::Open {
                cx.flash(
                    format!(
                        "バッチ {} は「{}」です。送付済にできるのは未送付のバッチだけです。",
                        b.number,
                        b.status.label()
                    ),
                    true,
                );
                return Vec::new();
            }
            let purpose = ConfirmFor::Sent {
                count: b.live_items().count(),
                unverified: match b.kind {
                    BatchKind::Cards => b.live_items().filter(|i| i.verified_at.is_none()).count(),
                    BatchKind::Receipts => 0,
                },
                kind: b.kind,
                number: b.number,
            };
            cx.push(Dialog::Confirm(Box::new(Confirm {
                purpose: ConfirmPurpose::Batch(purpose),
            })));
            Vec::new()
        }
        Action::ExportBatch => {
            cx.flash("送付状を書き出しています…", false);
            vec![OfficeRequest::ExportBatch { number: b.number }.into()]
        }
        _ => {
            if b.status == BatchStatus::Reopened {
                cx.flash(
                    format!("バッチ {} はすでに取り消されています。", b.number),
                    true,
                );
                return Vec::new();
            }
            let purpose = Purpose::Batch(PromptFor::Reopen {
                number: b.number,
                kind: b.kind,
            });
            cx.push(Dialog::Prompt(Box::new(Prompt::new(purpose, 100))));
            Vec::new()
        }
    }
}

pub fn on_prompt(p: PromptFor, text: String, cx: &mut Cx) -> PromptAnswer {
    let PromptFor::Reopen { number, .. } = p;
    let officer_id = super::prompt_officer(cx)?;
    super::required(&text, "訂正の理由を入力してください。")?;
    super::send(
        cx,
        "訂正を記録しています…",
        OfficeRequest::ReopenBatch {
            number,
            reason: text,
            officer_id,
        },
    )
}

pub fn on_confirm(c: ConfirmFor, officer_id: i64, cx: &mut Cx) -> Vec<Effect> {
    let ConfirmFor::Sent { number, .. } = c;
    cx.flash("送付済を記録しています…", false);
    vec![
        OfficeRequest::MarkBatchSent {
            number,
            on: cx.today,
            officer_id,
        }
        .into(),
    ]
}

/// The footer message after a batch changed.
pub(crate) fn changed_message(change: BatchChange, b: &ReturnBatch) -> String {
    let n = b.live_items().count();
    match change {
        BatchChange::Created if b.kind == BatchKind::Cards => format!(
            "返却バッチ {} を作成しました（カード {n} 枚）。k で封入前の読取確認を始めます。",
            b.number
        ),
        BatchChange::Created => format!(
            "返送バッチ {} を作成しました（受領書 {n} 通）。o で送付状を書き出せます。",
            b.number
        ),
        BatchChange::Sent => format!("バッチ {} を送付済にしました（{n} 件）。", b.number),
        BatchChange::Reopened => format!(
            "バッチ {} を取り消しました（訂正）。含まれていた {} 件は再びバッチに入れられます。",
            b.number,
            b.items.len()
        ),
    }
}

/// The dialog title when a batch change failed.
fn failed_title(change: BatchChange) -> &'static str {
    match change {
        BatchChange::Created => "バッチを作成できませんでした",
        BatchChange::Sent => "送付済にできませんでした",
        BatchChange::Reopened => "訂正できませんでした",
    }
}
