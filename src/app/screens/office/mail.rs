//! 本人限定受取郵便: cards on their way by restricted-delivery mail; record 配達済 or a return.

use super::requests::{OfficeLoaded, OfficeRequest};
use chrono::NaiveDate;

use super::{OfficeItem, PromptAnswer, Purpose, move_sel};
use crate::app::cx::{Cx, Nav};
use crate::app::dialogs::{Prompt, PromptText};
use crate::app::{Action, Dialog, Effect};
use crate::domain::date_rules::DateRule;
use crate::domain::office::MailItem;
use crate::domain::record::CardRecord;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailView {
    pub items: Vec<MailItem>,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
}

/// What a prompt of the mail screen asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptFor {
    /// Why a mailed card came back.
    Returned { card: Box<CardRecord> },
    /// The day Japan Post delivered it (the tracking page says; default today).
    Delivered {
        card: Box<CardRecord>,
        /// The dispatch date: a delivery cannot come before it.
        dispatched: Option<NaiveDate>,
    },
}

impl PromptFor {
    pub fn text(&self) -> PromptText {
        match self {
            PromptFor::Returned { card } => PromptText {
                title: "返送（不達）の記録",
                lines: vec![
                    format!("{}（カードID {}）", card.name, card.card_id),
                    "カードは「交付待ち」に戻ります。返送の理由を入力してください。".into(),
                ],
                label: "理由（必須。例: 保管期間経過）",
                hint: "Enter で記録、Esc でやめる",
            },
            PromptFor::Delivered { card, .. } => PromptText {
                title: "配達済の記録",
                lines: vec![
                    format!("{}（カードID {}）", card.name, card.card_id),
                    "お問い合わせ番号の追跡ページにある配達日を入力してください（既定は本日）。"
                        .into(),
                ],
                label: "配達日（2026-12-03 / R8.12.3 / 12/3）",
                hint: "Enter で配達済を記録、Esc でやめる",
            },
        }
    }
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
                    let dispatched = item
                        .dispatch_date
                        .as_deref()
                        .and_then(|d| crate::domain::date::parse_date(d).ok());
                    let purpose = Purpose::Mail(PromptFor::Delivered { card, dispatched });
                    let today = cx.today.format("%Y-%m-%d").to_string();
                    cx.push(Dialog::Prompt(Box::new(Prompt::prefilled(
                        purpose, 30, &today,
                    ))));
                } else {
                    let purpose = Purpose::Mail(PromptFor::Returned { card });
                    cx.push(Dialog::Prompt(Box::new(Prompt::new(purpose, 100))));
                }
            }
            _ => {}
        }
        Vec::new()
    }

    pub fn on_prompt(&mut self, p: PromptFor, text: String, cx: &mut Cx) -> PromptAnswer {
        let officer_id = super::prompt_officer(cx)?;
        let card = match p {
            PromptFor::Returned { card } => card,
            PromptFor::Delivered { card, dispatched } => {
                let on = crate::domain::date::parse_date_in_year(&text, cx.today)
                    .map_err(|e| e.to_string())?;
                let mut rule = DateRule::recorded("配達日").for_card(&card);
                if let Some(d) = dispatched {
                    rule = rule.not_before(d, "発送日");
                }
                rule.check(on, cx.today)?;
                return super::send(
                    cx,
                    "配達済を記録しています…",
                    OfficeRequest::MailDelivered {
                        card: card.id,
                        on,
                        officer_id,
                    },
                );
            }
        };
        super::required(&text, "返送の理由を入力してください（例: 保管期間経過）。")?;
        super::send(
            cx,
            "返送を記録しています…",
            OfficeRequest::MailReturned {
                card: card.id,
                on: cx.today,
                reason: text,
                officer_id,
            },
        )
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
