//! 未交付カード: contacts, holds, and card return batches whose cards are read and checked
//! before they go into the envelope.

use super::batches::{Answer, BatchesPane};
use super::requests::{OfficeLoaded, OfficeRequest, UncollectedChange};
use super::{ConfirmPurpose, OfficeItem, PromptAnswer, Purpose, move_sel};
use crate::app::cx::{Cx, Nav};
use crate::app::dialogs::{Confirm, ConfirmText, ContactDialog, Prompt, PromptText};
use crate::app::{Action, CardEvent, Dialog, Effect};
use crate::domain::office::{BatchKind, BatchStatus, DueAction, UncollectedCard};
use crate::domain::record::CardRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncollectedView {
    pub list: Vec<UncollectedCard>,
    /// Show only cards with an action due.
    pub only_due: bool,
    pub sel_card: usize,
    /// The card return batches under the card list.
    pub batches: BatchesPane,
    pub loading: bool,
    pub error: Option<String>,
    /// The open batch whose cards are being read before packing.
    pub verifying: Option<String>,
}

impl UncollectedView {
    pub fn new() -> Self {
        UncollectedView {
            list: Vec::new(),
            only_due: false,
            sel_card: 0,
            batches: BatchesPane::new(BatchKind::Cards),
            loading: true,
            error: None,
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

/// What a prompt of this screen asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptFor {
    /// Why the card is put on hold.
    Hold { card: Box<CardRecord> },
    /// The optional tracking number of a new card return batch.
    NewBatch { cards: Vec<i64> },
}

impl PromptFor {
    pub fn text(&self) -> PromptText {
        match self {
            PromptFor::Hold { card } => PromptText {
                title: "保留",
                lines: vec![
                    format!("{}（カードID {}）", card.name, card.card_id),
                    "保留中は連絡・返却の期限に数えません。理由を入力してください。".into(),
                ],
                label: "理由（必須。例: 本人入院中、来庁日調整中）",
                hint: "Enter で保留にする、Esc でやめる",
            },
            PromptFor::NewBatch { cards } => PromptText {
                title: "返却バッチの作成",
                lines: vec![
                    format!(
                        "返却期限を過ぎたカード {} 枚で返却バッチを作ります。",
                        cards.len()
                    ),
                    "お問い合わせ番号があれば入力してください（後からでも構いません）。".into(),
                ],
                label: "お問い合わせ番号（任意）",
                hint: "Enter で作成、Esc でやめる",
            },
        }
    }
}

/// Clearing a hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmFor {
    Unhold { card: Box<CardRecord> },
}

impl ConfirmFor {
    pub fn text(&self) -> ConfirmText {
        let ConfirmFor::Unhold { card } = self;
        ConfirmText {
            title: "保留の解除",
            lines: vec![
                format!("{}（カードID {}）", card.name, card.card_id),
                "保留を解除しますか？期限の計算に戻ります。".to_string(),
            ],
        }
    }
}

pub fn on_confirm(c: ConfirmFor, officer_id: i64, cx: &mut Cx) -> Vec<Effect> {
    let ConfirmFor::Unhold { card } = c;
    cx.flash("保留の解除を記録しています…", false);
    vec![
        OfficeRequest::ClearHold {
            card: card.id,
            officer_id,
        }
        .into(),
    ]
}

impl Default for UncollectedView {
    fn default() -> Self {
        Self::new()
    }
}

impl UncollectedView {
    fn reload(&mut self, cx: &Cx) -> Vec<Effect> {
        self.loading = true;
        vec![OfficeRequest::LoadUncollected { today: cx.today }.into()]
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        if let Some(fx) = self.batches.update(action, cx) {
            return fx;
        }
        match action {
            Action::Back => cx.nav = Some(Nav::Menu(OfficeItem::Uncollected)),
            Action::Refresh => return self.reload(cx),
            Action::Up | Action::Down => {
                let d = if action == Action::Up { -1 } else { 1 };
                let n = self.shown().len();
                move_sel(&mut self.sel_card, n, d);
            }
            Action::CycleFilter => {
                self.only_due = !self.only_due;
                self.sel_card = 0;
            }
            Action::RecordContact | Action::ToggleHold => {
                let Some(u) = self.selected_card().cloned() else {
                    cx.flash("一覧にカードがありません。", true);
                    return Vec::new();
                };
                let dialog = match (action, u.hold) {
                    (Action::RecordContact, _) => {
                        Dialog::Contact(Box::new(ContactDialog::new(u.card)))
                    }
                    (_, Some(_)) => Dialog::Confirm(Box::new(Confirm {
                        purpose: ConfirmPurpose::Uncollected(ConfirmFor::Unhold {
                            card: Box::new(u.card),
                        }),
                    })),
                    (_, None) => {
                        let purpose = Purpose::Uncollected(PromptFor::Hold {
                            card: Box::new(u.card),
                        });
                        Dialog::Prompt(Box::new(Prompt::new(purpose, 100)))
                    }
                };
                cx.push(dialog);
            }
            Action::NewBatch => {
                let cards = self.due_for_return();
                if cards.is_empty() {
                    cx.flash(
                        "返却の期限を過ぎたカード（保留・バッチ済を除く）はありません。",
                        true,
                    );
                    return Vec::new();
                }
                let purpose = Purpose::Uncollected(PromptFor::NewBatch { cards });
                cx.push(Dialog::Prompt(Box::new(Prompt::code(purpose, 40))));
            }
            Action::VerifyCards => {
                if self.verifying.take().is_some() {
                    cx.flash("読取確認を終えました。", false);
                    return Vec::new();
                }
                let Some(b) = self.batches.selected_or_say(cx) else {
                    return Vec::new();
                };
                if b.status != BatchStatus::Open {
                    let msg = format!(
                        "バッチ {} は「{}」です。読取確認は未送付のバッチで行います。",
                        b.number,
                        b.status.label()
                    );
                    cx.flash(msg, true);
                    return Vec::new();
                }
                let msg = format!(
                    "バッチ {}: カードを1枚ずつリーダに置いてください。",
                    b.number
                );
                self.verifying = Some(b.number.clone());
                self.batches.focused = true;
                cx.flash(msg, false);
            }
            _ => {}
        }
        Vec::new()
    }

    pub fn on_prompt(&mut self, p: PromptFor, text: String, cx: &mut Cx) -> PromptAnswer {
        let officer_id = super::prompt_officer(cx)?;
        let req = match p {
            PromptFor::Hold { card } => {
                super::required(&text, "保留の理由を入力してください。")?;
                cx.flash("保留を記録しています…", false);
                OfficeRequest::SetHold {
                    card: card.id,
                    reason: text,
                    officer_id,
                }
            }
            PromptFor::NewBatch { cards } => {
                cx.flash("返却バッチを作成しています…", false);
                OfficeRequest::CreateCardBatch {
                    cards,
                    on: cx.today,
                    tracking_no: (!text.is_empty()).then_some(text),
                    officer_id,
                }
            }
        };
        Ok(vec![req.into()])
    }

    pub fn on_loaded(&mut self, loaded: OfficeLoaded, cx: &mut Cx) -> Vec<Effect> {
        let loaded = match self.batches.on_loaded(loaded, cx) {
            Answer::Changed => {
                self.verifying = None;
                return self.reload(cx);
            }
            Answer::Done => return Vec::new(),
            Answer::Other(loaded) => loaded,
        };
        match loaded {
            OfficeLoaded::Uncollected(result) => {
                if let Some((list, batches)) =
                    super::take(&mut self.loading, &mut self.error, result)
                {
                    self.list = list;
                    let n = self.shown().len();
                    self.sel_card = self.sel_card.min(n.saturating_sub(1));
                    self.batches.set(batches);
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
                    cx.flash(msg, false);
                    self.reload(cx)
                }
                Err(e) => {
                    let title = match change {
                        UncollectedChange::Contact => "連絡を記録できませんでした",
                        UncollectedChange::Hold => "保留にできませんでした",
                        UncollectedChange::Unhold => "保留を解除できませんでした",
                    };
                    cx.error(title, e);
                    Vec::new()
                }
            },
            OfficeLoaded::ReturnCardVerified(result) => match result {
                Ok(rec) => {
                    cx.flash(
                        format!(
                            "{}（カードID {}）のカードを確認しました。封入してください。",
                            rec.name, rec.card_id
                        ),
                        false,
                    );
                    self.reload(cx)
                }
                Err(e) => {
                    cx.error("このカードは封入できません", e);
                    Vec::new()
                }
            },
            other => {
                super::orphan_loaded(other, cx);
                Vec::new()
            }
        }
    }

    /// While a batch is being checked, each card read is matched against it.
    pub fn on_card(&mut self, sig: &CardEvent, cx: &mut Cx) -> Vec<Effect> {
        let Some(number) = self.verifying.clone() else {
            return Vec::new();
        };
        super::on_read(
            sig,
            cx,
            "カードを照合しています…",
            |certificate, officer_id| OfficeRequest::VerifyReturnCard {
                number,
                certificate,
                officer_id,
            },
        )
    }
}
