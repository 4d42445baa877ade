//! 入荷確認: choose a shipment, read each card that arrived, see the progress, resolve the
//! cards that failed.

use super::requests::{OfficeLoaded, OfficeRequest};
use super::{OfficeItem, PromptAnswer, Purpose, move_sel};
use crate::app::cx::{Cx, Nav};
use crate::app::dialogs::{Prompt, PromptText};
use crate::app::{Action, CardEvent, Dialog, Effect};
use crate::domain::office::arrival::ArrivalRead;
use crate::domain::office::{ArrivalProblem, ArrivalSummary};

pub use crate::domain::office::arrival::ShipmentInfo;

/// One row of the progress list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrivalRow {
    /// Failed and not resolved: (card row, card ID, reasons).
    Failed {
        card_row: i64,
        card_id: String,
        reasons: Vec<String>,
    },
    /// A card read that is not in the list.
    Stray {
        serial: String,
        name: String,
    },
    NotRead {
        card_id: String,
        name: String,
    },
    Resolved {
        card_id: String,
        note: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrivalView {
    pub shipments: Vec<ShipmentInfo>,
    pub sel_shipment: usize,
    /// The shipment being checked.
    pub chosen: Option<i64>,
    pub summary: Option<Box<ArrivalSummary>>,
    /// The last card read (shown on top).
    pub last: Option<Box<ArrivalRead>>,
    pub sel_row: usize,
    pub loading: bool,
    pub error: Option<String>,
}

impl ArrivalView {
    pub fn new() -> Self {
        ArrivalView {
            shipments: Vec::new(),
            sel_shipment: 0,
            chosen: None,
            summary: None,
            last: None,
            sel_row: 0,
            loading: true,
            error: None,
        }
    }

    /// Problems first (failed, strays), then cards not read yet, then resolved ones.
    pub fn rows(&self) -> Vec<ArrivalRow> {
        let Some(s) = &self.summary else {
            return Vec::new();
        };
        let mut out: Vec<ArrivalRow> = s
            .failed
            .iter()
            .map(|c| ArrivalRow::Failed {
                card_row: c.card_row,
                card_id: c.card_id.clone(),
                reasons: c.reasons.clone(),
            })
            .collect();
        out.extend(s.strays.iter().map(|x| ArrivalRow::Stray {
            serial: x.cert_serial.clone(),
            name: x.name_kanji.clone().unwrap_or_else(|| x.subject_cn.clone()),
        }));
        out.extend(s.not_read.iter().map(|n| ArrivalRow::NotRead {
            card_id: n.card_id.clone(),
            name: n.name.clone(),
        }));
        out.extend(s.resolved.iter().map(|c| ArrivalRow::Resolved {
            card_id: c.card_id.clone(),
            note: c.resolution.clone().unwrap_or_default(),
        }));
        out.extend(s.strays_resolved.iter().map(|x| ArrivalRow::Resolved {
            card_id: format!("シリアル {}", x.cert_serial),
            note: x.resolution.clone().unwrap_or_default(),
        }));
        out
    }

    /// The summary as Japanese lines (the end-of-check dialog).
    pub fn summary_lines(&self) -> Vec<String> {
        let Some(s) = &self.summary else {
            return vec!["まだ集計がありません。".into()];
        };
        let mut v = s.breakdown();
        if s.open_problems() == 0 && s.not_read.is_empty() {
            v.push("すべてのカードが確認できました。".into());
        } else if s.open_problems() > 0 {
            v.push("不一致・名簿にないカードは、行を選んで r で解決を記録してください。".into());
        }
        v
    }
}

/// How an arrival problem (a failed check, a card not in the list) was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptFor {
    Resolve {
        problem: ArrivalProblem,
        /// Card ID, or 「シリアル …」 for a card not in the list.
        card_id: String,
        reasons: Vec<String>,
    },
}

impl PromptFor {
    pub fn text(&self) -> PromptText {
        let PromptFor::Resolve {
            card_id, reasons, ..
        } = self;
        PromptText {
            title: "入荷確認の不一致の解決",
            lines: vec![
                format!("カード {card_id}: {}", reasons.join(" / ")),
                "確認した内容を記録すると交付できるようになります。".into(),
            ],
            label: "解決の内容（必須。例: JMACAに確認済、名簿を訂正）",
            hint: "Enter で記録、Esc でやめる",
        }
    }
}

impl Default for ArrivalView {
    fn default() -> Self {
        Self::new()
    }
}

impl ArrivalView {
    fn load(&mut self, shipment: i64) -> Vec<Effect> {
        self.loading = true;
        vec![OfficeRequest::LoadArrival { shipment }.into()]
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match (self.chosen, action) {
            (_, Action::Back) => cx.nav = Some(Nav::Menu(OfficeItem::Arrival)),
            (None, Action::Up) => move_sel(&mut self.sel_shipment, self.shipments.len(), -1),
            (None, Action::Down) => move_sel(&mut self.sel_shipment, self.shipments.len(), 1),
            (None, Action::Refresh) => {
                self.loading = true;
                return vec![OfficeRequest::LoadShipments.into()];
            }
            (None, Action::Open) => {
                let Some(sh) = self.shipments.get(self.sel_shipment) else {
                    cx.flash("取り込んだ発送リストがありません。", true);
                    return Vec::new();
                };
                let id = sh.id;
                self.chosen = Some(id);
                cx.flash(
                    "カードを1枚ずつリーダに置いてください。読み取ると照合を記録します。",
                    false,
                );
                return self.load(id);
            }
            (Some(id), Action::Refresh) => return self.load(id),
            (Some(_), Action::Up) => {
                let n = self.rows().len();
                move_sel(&mut self.sel_row, n, -1)
            }
            (Some(_), Action::Down) => {
                let n = self.rows().len();
                move_sel(&mut self.sel_row, n, 1)
            }
            (Some(_), Action::ShowSummary) => {
                let lines = self.summary_lines();
                cx.push(Dialog::Message {
                    title: "入荷確認の集計".into(),
                    lines,
                    error: false,
                });
            }
            (Some(_), Action::ResolveProblem) => match self.rows().get(self.sel_row) {
                Some(row @ (ArrivalRow::Failed { .. } | ArrivalRow::Stray { .. })) => {
                    let resolve = match row {
                        ArrivalRow::Failed {
                            card_row,
                            card_id,
                            reasons,
                        } => PromptFor::Resolve {
                            problem: ArrivalProblem::Failed {
                                card_row: *card_row,
                            },
                            card_id: card_id.clone(),
                            reasons: reasons.clone(),
                        },
                        ArrivalRow::Stray { serial, name } => PromptFor::Resolve {
                            problem: ArrivalProblem::NotInList {
                                cert_serial: serial.clone(),
                            },
                            card_id: format!("シリアル {serial}"),
                            reasons: vec![format!(
                                "名簿にないカード（{name}）。例: JMACAに返送、別の発送リストで確認"
                            )],
                        },
                        _ => return Vec::new(),
                    };
                    let purpose = Purpose::Arrival(resolve);
                    cx.push(Dialog::Prompt(Box::new(Prompt::new(purpose, 100))));
                }
                _ => cx.flash(
                    "解決を記録できるのは「不一致」「名簿にない」の行です（未読取のカードはリーダに置いて読み取ってください）。",
                    true,
                ),
            },
            _ => {}
        }
        Vec::new()
    }

    pub fn on_prompt(&mut self, p: PromptFor, text: String, cx: &mut Cx) -> PromptAnswer {
        let PromptFor::Resolve { problem, .. } = p;
        let officer_id = super::prompt_officer(cx)?;
        super::required(&text, "解決の内容を入力してください（例: JMACAに確認済）。")?;
        super::send(
            cx,
            "解決を記録しています…",
            OfficeRequest::ResolveArrival {
                problem,
                note: text,
                officer_id,
            },
        )
    }

    pub fn on_loaded(&mut self, loaded: OfficeLoaded, cx: &mut Cx) -> Vec<Effect> {
        match loaded {
            OfficeLoaded::Shipments(result) => {
                if let Some(list) = super::take(&mut self.loading, &mut self.error, result) {
                    self.shipments = list;
                    self.sel_shipment = self
                        .sel_shipment
                        .min(self.shipments.len().saturating_sub(1));
                }
            }
            OfficeLoaded::Arrival { shipment, result } if self.chosen == Some(shipment) => {
                if let Some(s) = super::take(&mut self.loading, &mut self.error, result) {
                    self.summary = Some(Box::new(s));
                    let n = self.rows().len();
                    self.sel_row = self.sel_row.min(n.saturating_sub(1));
                }
            }
            OfficeLoaded::ArrivalRead(result) => {
                match result {
                    Ok(read) => {
                        self.last = Some(Box::new(read));
                        cx.clear_flash();
                    }
                    Err(e) => cx.error("照合を記録できませんでした", e),
                }
                if let Some(id) = self.chosen {
                    return self.load(id);
                }
            }
            OfficeLoaded::ArrivalResolved(result) => {
                match result {
                    Ok(r) => cx.flash(
                        match r.problem {
                            ArrivalProblem::Failed { .. } => {
                                format!("{} の不一致を解決済にしました。交付できます。", r.label)
                            }
                            ArrivalProblem::NotInList { .. } => {
                                format!("{} の名簿にないカードを解決済にしました。", r.label)
                            }
                        },
                        false,
                    ),
                    Err(e) => cx.error("解決を記録できませんでした", e),
                }
                if let Some(id) = self.chosen {
                    return self.load(id);
                }
            }
            OfficeLoaded::Arrival { .. } => {}
            other => super::orphan_loaded(other, cx),
        }
        Vec::new()
    }

    /// A card read while a shipment is being checked: match and record it.
    pub fn on_card(&mut self, sig: &CardEvent, cx: &mut Cx) -> Vec<Effect> {
        let Some(shipment) = self.chosen else {
            return Vec::new();
        };
        let today = cx.today;
        super::on_read(
            sig,
            cx,
            "照合しています…",
            |certificate, officer_id| OfficeRequest::ArrivalRead {
                shipment,
                certificate,
                today,
                officer_id,
            },
        )
    }
}
