//! 入荷確認: choose a shipment, read each card that arrived, see the progress, resolve the
//! cards that failed.

use super::{
    NO_OFFICER, Office, OfficeInputPurpose, OfficeItem, OfficeLoaded, OfficeModal, OfficeRequest,
    move_sel,
};
use crate::app::{Action, App, CardSignal, Effect, LineEdit, Modal};
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
    pub(super) fn new() -> Self {
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

impl App {
    pub(super) fn arrival_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(Office::Arrival(v)) = self.office_mut() else {
            return Vec::new();
        };
        match (v.chosen, action) {
            (_, Action::Back) => self.back_to_menu(OfficeItem::Arrival),
            (None, Action::Up) => move_sel(&mut v.sel_shipment, v.shipments.len(), -1),
            (None, Action::Down) => move_sel(&mut v.sel_shipment, v.shipments.len(), 1),
            (None, Action::Refresh) => {
                v.loading = true;
                return vec![Effect::Office(OfficeRequest::LoadShipments)];
            }
            (None, Action::Open) => {
                let Some(sh) = v.shipments.get(v.sel_shipment) else {
                    self.flash("取り込んだ発送リストがありません。", true);
                    return Vec::new();
                };
                let id = sh.id;
                v.chosen = Some(id);
                v.loading = true;
                self.flash(
                    "カードを1枚ずつリーダに置いてください。読み取ると照合を記録します。",
                    false,
                );
                return vec![Effect::Office(OfficeRequest::LoadArrival { shipment: id })];
            }
            (Some(id), Action::Refresh) => {
                v.loading = true;
                return vec![Effect::Office(OfficeRequest::LoadArrival { shipment: id })];
            }
            (Some(_), Action::Up) => {
                let n = v.rows().len();
                move_sel(&mut v.sel_row, n, -1)
            }
            (Some(_), Action::Down) => {
                let n = v.rows().len();
                move_sel(&mut v.sel_row, n, 1)
            }
            (Some(_), Action::ShowSummary) => {
                let lines = v.summary_lines();
                self.modals.push(Modal::Message {
                    title: "入荷確認の集計".into(),
                    lines,
                    error: false,
                });
            }
            (Some(_), Action::ResolveProblem) => match v.rows().get(v.sel_row) {
                Some(row @ (ArrivalRow::Failed { .. } | ArrivalRow::Stray { .. })) => {
                    let purpose = match row {
                        ArrivalRow::Failed {
                            card_row,
                            card_id,
                            reasons,
                        } => OfficeInputPurpose::ResolveArrival {
                            problem: ArrivalProblem::Failed {
                                card_row: *card_row,
                            },
                            card_id: card_id.clone(),
                            reasons: reasons.clone(),
                        },
                        ArrivalRow::Stray { serial, name } => OfficeInputPurpose::ResolveArrival {
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
                    self.push_office(OfficeModal::Input {
                        purpose,
                        field: LineEdit::new(100),
                        error: None,
                    });
                }
                _ => self.flash(
                    "解決を記録できるのは「不一致」「名簿にない」の行です（未読取のカードはリーダに置いて読み取ってください）。",
                    true,
                ),
            },
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn arrival_loaded(&mut self, loaded: OfficeLoaded) -> Vec<Effect> {
        let Some(Office::Arrival(v)) = self.office_mut() else {
            // A result for a screen that is gone: only errors of recorded work matter.
            if let OfficeLoaded::ArrivalResolved(Err(e)) | OfficeLoaded::ArrivalRead(Err(e)) =
                loaded
            {
                self.flash(e, true);
            }
            return Vec::new();
        };
        match loaded {
            OfficeLoaded::Shipments(result) => {
                v.loading = false;
                match result {
                    Ok(list) => {
                        v.shipments = list;
                        v.sel_shipment = v.sel_shipment.min(v.shipments.len().saturating_sub(1));
                        v.error = None;
                    }
                    Err(e) => v.error = Some(e),
                }
            }
            OfficeLoaded::Arrival { shipment, result } if v.chosen == Some(shipment) => {
                v.loading = false;
                match result {
                    Ok(s) => {
                        v.summary = Some(Box::new(s));
                        let n = v.rows().len();
                        v.sel_row = v.sel_row.min(n.saturating_sub(1));
                        v.error = None;
                    }
                    Err(e) => v.error = Some(e),
                }
            }
            OfficeLoaded::ArrivalRead(result) => {
                let shipment = v.chosen;
                match result {
                    Ok(read) => {
                        v.last = Some(Box::new(read));
                        self.flash = None;
                    }
                    Err(e) => {
                        self.flash = None;
                        self.office_error("照合を記録できませんでした", e);
                    }
                }
                if let Some(id) = shipment {
                    return vec![Effect::Office(OfficeRequest::LoadArrival { shipment: id })];
                }
            }
            OfficeLoaded::ArrivalResolved(result) => {
                let shipment = v.chosen;
                match result {
                    Ok(r) => self.flash(
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
                    Err(e) => {
                        self.flash = None;
                        self.office_error("解決を記録できませんでした", e);
                    }
                }
                if let Some(id) = shipment {
                    return vec![Effect::Office(OfficeRequest::LoadArrival { shipment: id })];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// A card read while a shipment is being checked: match and record it.
    pub(super) fn arrival_card(&mut self, sig: &CardSignal) -> Vec<Effect> {
        let today = self.today;
        let officer = self.officer.as_ref().map(|o| o.id);
        let Some(Office::Arrival(v)) = self.office() else {
            return Vec::new();
        };
        let Some(shipment) = v.chosen else {
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
                self.flash("照合しています…", false);
                vec![Effect::Office(OfficeRequest::ArrivalRead {
                    shipment,
                    certificate: Box::new(reading.certificate.clone()),
                    today,
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
