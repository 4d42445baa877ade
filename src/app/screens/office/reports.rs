//! 日報・月報: the daily report for a date and the monthly report, with the audit head hash,
//! exported as HTML.

use chrono::{Datelike, NaiveDate};

use super::requests::{OfficeLoaded, OfficeRequest};
use super::{OfficeItem, PromptAnswer, Purpose};
use crate::app::cx::{Cx, Nav};
use crate::app::dialogs::{Prompt, PromptText};
use crate::app::{Action, Dialog, Effect};
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
    /// First line shown of the report body (↑↓ PgUp PgDn; the view clamps to what fits).
    pub scroll: usize,
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
    pub fn new(day: NaiveDate) -> Self {
        ReportView {
            kind: ReportKind::Daily,
            day,
            daily: None,
            monthly: None,
            loading: true,
            error: None,
            exported: Vec::new(),
            scroll: 0,
        }
    }

    /// The lines of the report body as the view draws them (summary, batches sent, and the
    /// handover records of a daily report).
    pub fn line_count(&self) -> usize {
        match self.kind {
            ReportKind::Daily => self.daily.as_ref().map_or(0, |r| {
                let records = if r.lines.is_empty() {
                    0
                } else {
                    2 + r.lines.len()
                };
                crate::domain::office::reports::daily_summary_lines(r).len()
                    + r.batches_sent.len()
                    + records
            }),
            ReportKind::Monthly => self.monthly.as_ref().map_or(0, |r| {
                crate::domain::office::reports::monthly_summary_lines(r).len()
            }),
        }
    }

    pub fn load(&mut self) -> Effect {
        self.loading = true;
        self.scroll = 0;
        self.exported.clear();
        Effect::Office(match self.kind {
            ReportKind::Daily => OfficeRequest::LoadDaily { day: self.day },
            ReportKind::Monthly => OfficeRequest::LoadMonthly {
                month: month_of(self.day),
            },
        })
    }
}

/// The date of the daily report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptFor {
    Date,
}

impl PromptFor {
    pub fn text(&self) -> PromptText {
        PromptText {
            title: "日報の日付",
            lines: vec![
                "表示する日付を入力してください。".into(),
                "2026-11-25、令和8年11月25日、R8.11.25 などで入力できます。".into(),
            ],
            label: "日付",
            hint: "Enter で表示、Esc でやめる",
        }
    }
}

impl ReportView {
    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        match action {
            Action::Back => {
                cx.nav = Some(Nav::Menu(OfficeItem::Reports));
                return Vec::new();
            }
            Action::PrevDay | Action::NextDay => {
                let d = if action == Action::PrevDay { -1 } else { 1 };
                self.day = match self.kind {
                    ReportKind::Daily => {
                        if d < 0 {
                            self.day.pred_opt().unwrap_or(self.day)
                        } else {
                            self.day.succ_opt().unwrap_or(self.day)
                        }
                    }
                    ReportKind::Monthly => shift_month(self.day, d),
                };
            }
            Action::Today => self.day = cx.today,
            Action::ToggleReport => {
                self.kind = match self.kind {
                    ReportKind::Daily => ReportKind::Monthly,
                    ReportKind::Monthly => ReportKind::Daily,
                };
            }
            Action::Refresh => {}
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                let step = if matches!(action, Action::PageUp | Action::PageDown) {
                    10
                } else {
                    1
                };
                let last = self.line_count().saturating_sub(1);
                self.scroll = if matches!(action, Action::Up | Action::PageUp) {
                    self.scroll.saturating_sub(step)
                } else {
                    (self.scroll + step).min(last)
                };
                return Vec::new();
            }
            Action::EnterDate => {
                let purpose = Purpose::Report(PromptFor::Date);
                cx.push(Dialog::Prompt(Box::new(Prompt::new(purpose, 30))));
                return Vec::new();
            }
            Action::ExportDay => {
                let req = match self.kind {
                    ReportKind::Daily => OfficeRequest::ExportDaily { day: self.day },
                    ReportKind::Monthly => OfficeRequest::ExportMonthly {
                        month: month_of(self.day),
                    },
                };
                cx.flash("報告書を書き出しています…", false);
                return vec![req.into()];
            }
            _ => return Vec::new(),
        }
        vec![self.load()]
    }

    /// The date typed in the report's date dialog (any form `parse_date` accepts, or `12/3`
    /// in the clock's year).
    pub fn on_prompt(&mut self, p: PromptFor, text: String, cx: &mut Cx) -> PromptAnswer {
        let PromptFor::Date = p;
        self.day =
            crate::domain::date::parse_date_in_year(&text, cx.today).map_err(|e| e.to_string())?;
        Ok(vec![self.load()])
    }

    pub fn on_loaded(&mut self, loaded: OfficeLoaded, cx: &mut Cx) -> Vec<Effect> {
        match loaded {
            OfficeLoaded::Daily { day, result }
                if self.kind == ReportKind::Daily && self.day == day =>
            {
                if let Some(r) = super::take(&mut self.loading, &mut self.error, result) {
                    self.daily = Some(Box::new(r));
                }
            }
            OfficeLoaded::Monthly { month, result }
                if self.kind == ReportKind::Monthly && month_of(self.day) == month =>
            {
                if let Some(r) = super::take(&mut self.loading, &mut self.error, result) {
                    self.monthly = Some(Box::new(r));
                }
            }
            OfficeLoaded::Daily { .. } | OfficeLoaded::Monthly { .. } => {}
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
