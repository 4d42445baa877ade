//! 本人限定受取郵便: cards on their way by restricted-delivery mail; record 配達済 or a return.

use super::requests::{OfficeLoaded, OfficeRequest};
use super::{ConfirmPurpose, OfficeItem, Purpose, move_sel};
use crate::app::cx::{Cx, Nav};
use crate::app::dialogs::{Confirm, ConfirmText, Prompt, PromptText};
use crate::app::{Action, Effect, Modal};
use crate::domain::office::MailItem;
use crate::domain::record::CardRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailView {
    pub items: Vec<MailItem>,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
}

/// Why a mailed card came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptFor {
    Returned { card: Box<CardRecord> },
}

impl PromptFor {
    pub fn text(&self) -> PromptText {
        let PromptFor::Returned { card } = self;
        PromptText {
            title: "返送（不達）の記録",
            lines: vec![
                format!("{}（カードID {}）", card.name, card.card_id),
                "カードは「交付待ち」に戻ります。返送の理由を入力してください。".into(),
            ],
            label: "理由（必須。例: 保管期間経過）",
            hint: "Enter で記録、Esc でやめる",
        }
    }
}

/// The card was delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmFor {
    Delivered { card: Box<CardRecord> },
}

impl ConfirmFor {
    pub fn text(&self) -> ConfirmText {
        let ConfirmFor::Delivered { card } = self;
        ConfirmText {
            title: "配達済の記録",
            lines: vec![
                format!("{}（カードID {}）", card.name, card.card_id),
                "本日配達済として記録しますか？".to_string(),
            ],
        }
    }
}

pub fn on_confirm(c: ConfirmFor, officer_id: i64, cx: &mut Cx) -> Vec<Effect> {
    let ConfirmFor::Delivered { card } = c;
    cx.flash("配達済を記録しています…", false);
    vec![
        OfficeRequest::MailDelivered {
            card: card.id,
            on: cx.today,
            officer_id,
        }
        .into(),
    ]
}

impl Default for MailView {
    fn default() -> Self {
        Self::new()
    }
}

impl MailView {
    pub fn new() -> Self {
        MailView {
            items: Vec::new(),
            selected: 0,
            loading: true,
            error: None,
        }
    }

    pub fn selected_item(&self) -> Option<&MailItem> {
        self.items.get(self.selected)
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::Back => cx.nav = Some(Nav::Menu(OfficeItem::Mail)),
            Action::Refresh => {
                self.loading = true;
                return vec![OfficeRequest::LoadMail.into()];
            }
            Action::Up => move_sel(&mut self.selected, self.items.len(), -1),
            Action::Down => move_sel(&mut self.selected, self.items.len(), 1),
            Action::MailDelivered | Action::MailReturned => {
                let Some(item) = self.selected_item() else {
                    cx.flash("郵送中のカードはありません。", true);
                    return Vec::new();
                };
                let card = Box::new(item.card.clone());
                if action == Action::MailDelivered {
                    cx.push(Modal::Confirm(Box::new(Confirm {
                        purpose: ConfirmPurpose::Mail(ConfirmFor::Delivered { card }),
                    })));
                } else {
                    let purpose = Purpose::Mail(PromptFor::Returned { card });
                    cx.push(Modal::Prompt(Box::new(Prompt::new(purpose, 100))));
                }
            }
            _ => {}
        }
        Vec::new()
    }

    pub fn on_prompt(
        &mut self,
        p: PromptFor,
        text: String,
        cx: &mut Cx,
    ) -> Result<Vec<Effect>, String> {
        let PromptFor::Returned { card } = p;
        let officer_id = super::prompt_officer(cx)?;
        if text.is_empty() {
            return Err("返送の理由を入力してください（例: 保管期間経過）。".into());
        }
        cx.flash("返送を記録しています…", false);
        Ok(vec![
            OfficeRequest::MailReturned {
                card: card.id,
                on: cx.today,
                reason: text,
                officer_id,
            }
            .into(),
        ])
    }

    pub fn on_loaded(&mut self, loaded: OfficeLoaded, cx: &mut Cx) -> Vec<Effect> {
        match loaded {
            OfficeLoaded::Mail(result) => {
                if let Some(items) = super::take(&mut self.loading, &mut self.error, result) {
                    self.items = items;
                    self.selected = self.selected.min(self.items.len().saturating_sub(1));
                }
                Vec::new()
            }
            OfficeLoaded::MailRecorded {
                delivered,
                result: Ok(rec),
            } => {
                let msg = if delivered {
                    format!(
                        "{}（カードID {}）を配達済にしました。",
                        rec.name, rec.card_id
                    )
                } else {
                    format!(
                        "{}（カードID {}）の返送を記録しました。カードは「{}」に戻りました。",
                        rec.name,
                        rec.card_id,
                        rec.state.label()
                    )
                };
                cx.flash(msg, false);
                self.loading = true;
                vec![Effect::LoadCounts, OfficeRequest::LoadMail.into()]
            }
            OfficeLoaded::MailRecorded {
                delivered,
                result: Err(e),
            } => {
                let title = if delivered {
                    "配達済にできませんでした"
                } else {
                    "返送を記録できませんでした"
                };
                cx.error(title, e);
                Vec::new()
            }
            other => {
                super::orphan_loaded(other, cx);
                Vec::new()
            }
        }
    }
}
