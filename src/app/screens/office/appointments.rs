//! 予約一覧: the appointments of one day, and a printable list. (Appointments are set in the
//! queue with F9: `dialogs::appointment`.)

use chrono::NaiveDate;

use super::requests::{OfficeLoaded, OfficeRequest};
use super::{OfficeItem, move_sel};
use crate::app::cx::{Cx, Nav};
use crate::app::{Action, Effect};
use crate::domain::office::Appointment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentsView {
    pub day: NaiveDate,
    pub list: Vec<Appointment>,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
    pub exported: Vec<String>,
}

impl AppointmentsView {
    pub fn new(day: NaiveDate) -> Self {
        AppointmentsView {
            day,
            list: Vec::new(),
            selected: 0,
            loading: true,
            error: None,
            exported: Vec::new(),
        }
    }

    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let day = match action {
            Action::Back => {
                cx.nav = Some(Nav::Menu(OfficeItem::Appointments));
                return Vec::new();
            }
            Action::Up => {
                move_sel(&mut self.selected, self.list.len(), -1);
                return Vec::new();
            }
            Action::Down => {
                move_sel(&mut self.selected, self.list.len(), 1);
                return Vec::new();
            }
            Action::PrevDay => self.day.pred_opt().unwrap_or(self.day),
            Action::NextDay => self.day.succ_opt().unwrap_or(self.day),
            Action::Today => cx.today,
            Action::Refresh => self.day,
            Action::ExportDay => {
                cx.flash("予約一覧を書き出しています…", false);
                return vec![OfficeRequest::ExportDay { day: self.day }.into()];
            }
            _ => return Vec::new(),
        };
        self.day = day;
        self.loading = true;
        self.exported.clear();
        vec![OfficeRequest::LoadDay { day }.into()]
    }

    pub fn on_loaded(&mut self, loaded: OfficeLoaded, cx: &mut Cx) -> Vec<Effect> {
        match loaded {
            OfficeLoaded::Day { day, result } if day == self.day => {
                if let Some(list) = super::take(&mut self.loading, &mut self.error, result) {
                    self.list = list;
                    self.selected = self.selected.min(self.list.len().saturating_sub(1));
                }
            }
            OfficeLoaded::Exported(result) => {
                if let Some(files) = super::exported(result, cx) {
                    self.exported = files;
                }
            }
            other => super::orphan_loaded(other, cx),
        }
        Vec::new()
    }
}
