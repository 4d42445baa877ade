//! What the two batch screens share (受領書返送 and the card return batches of 未交付カード):
//! send, export and reopen a batch, and the message after a change.

use super::requests::{BatchChange, OfficeRequest};
use super::{ConfirmPurpose, PromptAnswer, Purpose};
use crate::app::cx::Cx;
use crate::app::dialogs::{Confirm, ConfirmText, Prompt, PromptText};
use crate::app::{Action, Dialog, Effect};
use crate::domain::office::{BatchKind, BatchStatus, ReturnBatch};

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
pub fn batch_action(action: Action, b: ReturnBatch, cx: &mut Cx) -> Vec<Effect> {
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
pub fn changed_message(change: BatchChange, b: &ReturnBatch) -> String {
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
pub fn failed_title(change: BatchChange) -> &'static str {
    match change {
        BatchChange::Created => "バッチを作成できませんでした",
        BatchChange::Sent => "送付済にできませんでした",
        BatchChange::Reopened => "訂正できませんでした",
    }
}
