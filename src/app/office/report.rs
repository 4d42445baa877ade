//! 日報・月報: the daily report for a date and the monthly report, with the audit head hash,
//! exported as HTML.

use chrono::{Datelike, NaiveDate};

use super::{Office, OfficeInputPurpose, OfficeItem, OfficeLoaded, OfficeModal, OfficeRequest};
use crate::app::{Action, App, Effect, LineEdit};
use crate::domain::office::reports::{DailyReport, MonthlyReport};

/// Which report is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Daily,
    Monthly,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportView {
    pub kind: ReportKind,
    /// The day of the daily report; its month is the monthly report's.
    pub day: NaiveDate,
    pub daily: Option<Box<DailyReport>>,
    pub monthly: Option<Box<MonthlyReport>>,
    pub loading: bool,
    pub error: Option<String>,
    pub exported: Vec<String>,
}

/// "2026-11" for a date.
pub fn month_of(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn shift_month(d: NaiveDate, delta: i32) -> NaiveDate {
    let m0 = d.year() * 12 + i32::try_from(d.month0()).unwrap_or(0) + delta;
    let (y, m) = (
        m0.div_euclid(12),
        u32::try_from(m0.rem_euclid(12)).unwrap_or(0) + 1,
    );
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
}

impl ReportView {
    pub(super) fn new(day: NaiveDate) -> Self {
        ReportView {
            kind: ReportKind::Daily,
            day,
            daily: None,
            monthly: None,
            loading: true,
            error: None,
            exported: Vec::new(),
        }
    }

    pub(super) fn load(&mut self) -> Effect {
        self.loading = true;
        self.exported.clear();
        Effect::Office(match self.kind {
            ReportKind::Daily => OfficeRequest::LoadDaily { day: self.day },
            ReportKind::Monthly => OfficeRequest::LoadMonthly {
                month: month_of(self.day),
            },
        })
    }
}

impl App {
    pub(super) fn open_reports(&mut self) -> Vec<Effect> {
        let mut v = ReportView::new(self.today);
        let fx = v.load();
        self.screen = crate::app::Screen::Office(Box::new(Office::Report(v)));
        vec![fx]
    }

    pub(super) fn report_action(&mut self, action: Action) -> Vec<Effect> {
        let today = self.today;
        let Some(Office::Report(v)) = self.office_mut() else {
            return Vec::new();
        };
        match action {
            Action::Back => {
                self.back_to_menu(OfficeItem::Reports);
                return Vec::new();
            }
            Action::PrevDay | Action::NextDay => {
                let d = if action == Action::PrevDay { -1 } else { 1 };
                v.day = match v.kind {
                    ReportKind::Daily => {
                        if d < 0 {
                            v.day.pred_opt().unwrap_or(v.day)
                        } else {
                            v.day.succ_opt().unwrap_or(v.day)
                        }
                    }
                    ReportKind::Monthly => shift_month(v.day, d),
                };
            }
            Action::Today => v.day = today,
            Action::ToggleReport => {
                v.kind = match v.kind {
                    ReportKind::Daily => ReportKind::Monthly,
                    ReportKind::Monthly => ReportKind::Daily,
                };
            }
            Action::Refresh => {}
            Action::EnterDate => {
                self.push_office(OfficeModal::Input {
                    purpose: OfficeInputPurpose::ReportDate,
                    field: LineEdit::new(30),
                    error: None,
                });
                return Vec::new();
            }
            Action::ExportDay => {
                let req = match v.kind {
                    ReportKind::Daily => OfficeRequest::ExportDaily { day: v.day },
                    ReportKind::Monthly => OfficeRequest::ExportMonthly {
                        month: month_of(v.day),
                    },
                };
                self.flash("報告書を書き出しています…", false);
                return vec![Effect::Office(req)];
            }
            _ => return Vec::new(),
        }
        vec![v.load()]
    }

    /// The date typed in the report's date dialog (any form `parse_date` accepts, or `12/3`
    /// in the clock's year).
    pub(super) fn report_date_entered(&mut self, text: &str) -> Result<Vec<Effect>, String> {
        let day =
            crate::domain::date::parse_date_in_year(text, self.today).map_err(|e| e.to_string())?;
        let Some(Office::Report(v)) = self.office_mut() else {
            return Ok(Vec::new());
        };
        v.day = day;
        Ok(vec![v.load()])
    }

    pub(super) fn report_loaded(&mut self, loaded: OfficeLoaded) -> Vec<Effect> {
        let Some(Office::Report(v)) = self.office_mut() else {
            return Vec::new();
        };
        match loaded {
            OfficeLoaded::Daily { day, result } if v.kind == ReportKind::Daily && v.day == day => {
                v.loading = false;
                match result {
                    Ok(r) => {
                        v.daily = Some(Box::new(r));
                        v.error = None;
                    }
                    Err(e) => v.error = Some(e),
                }
            }
            OfficeLoaded::Monthly { month, result }
                if v.kind == ReportKind::Monthly && month_of(v.day) == month =>
            {
                v.loading = false;
                match result {
                    Ok(r) => {
                        v.monthly = Some(Box::new(r));
                        v.error = None;
                    }
                    Err(e) => v.error = Some(e),
                }
            }
            _ => {}
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_shift_across_years() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(shift_month(d(2026, 1, 31), -1), d(2025, 12, 1));
        assert_eq!(shift_month(d(2026, 12, 5), 1), d(2027, 1, 1));
        assert_eq!(month_of(d(2026, 3, 9)), "2026-03");
    }
}
