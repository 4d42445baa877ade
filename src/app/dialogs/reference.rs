//! 窓口案内 (counter reference): what physicians ask at the desk, answered from `data/`.
//!
//! The reference is a full-screen dialog on top of the dialog stack: opening it (F7) from any
//! screen leaves that screen untouched underneath, and Esc pops it, so the officer returns to
//! exactly where they were. Expiry and fee are computed here from the rule tables the app was
//! given at construction (the shared [`Rules`] of `data/`); nothing here does I/O.

use chrono::NaiveDate;

use crate::app::input::LineEdit;
use crate::app::keymap::{Action, Binding, Context};
use crate::app::{App, Dialog, Effect, Screen};
use crate::domain::Membership;
use crate::domain::date::{DateError, parse_date, parse_year};
use crate::domain::expiry::{ComputedExpiry, ExpiryRules, IssueContext, IssueType};
use crate::domain::fees::{FeeCase, FeeDecision, FeeError, FeeTable, IssueKind};
use crate::domain::record::CardRecord;
use crate::domain::rules::Rules;

/// The sections of the reference, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefSection {
    Expiry,
    Fee,
    Pin,
    Procedures,
    Renewal,
}

impl RefSection {
    pub const ALL: [RefSection; 5] = [
        RefSection::Expiry,
        RefSection::Fee,
        RefSection::Pin,
        RefSection::Procedures,
        RefSection::Renewal,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RefSection::Expiry => "有効期限",
            RefSection::Fee => "手数料",
            RefSection::Pin => "暗証番号",
            RefSection::Procedures => "郵送の手続き",
            RefSection::Renewal => "更新",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    fn step(self, forward: bool) -> Self {
        let n = Self::ALL.len();
        let i = self.index();
        let j = if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        };
        Self::ALL[j]
    }
}

/// Rows of the fee form, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeRow {
    Kind,
    Membership,
    ExamYear,
    Postmark,
    Mynaportal,
}

impl FeeRow {
    pub const ALL: [FeeRow; 5] = [
        FeeRow::Kind,
        FeeRow::Membership,
        FeeRow::ExamYear,
        FeeRow::Postmark,
        FeeRow::Mynaportal,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FeeRow::Kind => "種別",
            FeeRow::Membership => "会員区分",
            FeeRow::ExamYear => "合格年（任意）",
            FeeRow::Postmark => "消印日（任意）",
            FeeRow::Mynaportal => "マイナポータル",
        }
    }

    /// Rows changed with ←/→ (the others are text fields).
    pub fn is_choice(self) -> bool {
        matches!(self, FeeRow::Kind | FeeRow::Membership | FeeRow::Mynaportal)
    }
}

/// The expiry section's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpiryAnswer {
    /// A field is still empty.
    Incomplete,
    Computed(ComputedExpiry),
    /// Japanese message naming the field.
    Error(String),
}

/// Why the fee form gives no category. Display is the Japanese message the dialog shows,
/// naming the field where one is at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeFormError {
    #[error("合格年: {0}")]
    ExamYear(DateError),
    #[error("消印日: {0}")]
    Postmark(DateError),
    #[error(transparent)]
    Fee(#[from] FeeError),
}

/// Where the prefilled dates came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefill {
    pub card_id: String,
}

/// State of the reference dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceState {
    pub section: RefSection,
    pub issued: LineEdit,
    pub born: LineEdit,
    /// 旧有効期限 (optional): when given, the card is taken as a 更新 and the renewal rule
    /// (data/rules.toml `[renewal]`) is checked.
    pub previous: LineEdit,
    /// 0 = 発行日, 1 = 生年月日, 2 = 旧有効期限.
    pub expiry_focus: usize,
    pub prefill: Option<Prefill>,
    pub fee_kind: IssueKind,
    pub membership: Membership,
    pub exam_year: LineEdit,
    pub postmark: LineEdit,
    pub mynaportal: bool,
    pub fee_row: FeeRow,
    /// Scroll of the text sections (clamped by the renderer).
    pub scroll: u16,
}

const DATE_CHARS: usize = 24;

impl ReferenceState {
    /// A fresh reference; with a record, the expiry calculator and membership are filled
    /// from it.
    pub fn new(record: Option<&CardRecord>) -> Self {
        let mut s = ReferenceState {
            section: RefSection::Expiry,
            issued: LineEdit::new(DATE_CHARS),
            born: LineEdit::new(DATE_CHARS),
            previous: LineEdit::new(DATE_CHARS),
            expiry_focus: 0,
            prefill: None,
            fee_kind: IssueKind::Initial,
            membership: Membership::Member,
            exam_year: LineEdit::new(DATE_CHARS),
            postmark: LineEdit::new(DATE_CHARS),
            mynaportal: false,
            fee_row: FeeRow::Kind,
            scroll: 0,
        };
        if let Some(r) = record {
            s.issued =
                LineEdit::with_text(DATE_CHARS, &r.issue_date.format("%Y-%m-%d").to_string());
            s.born = LineEdit::with_text(DATE_CHARS, &r.birth_date.format("%Y-%m-%d").to_string());
            if let (Some(IssueType::Renewal), Some(p)) = (r.issue_type, r.previous_expiry) {
                s.previous = LineEdit::with_text(DATE_CHARS, &p.format("%Y-%m-%d").to_string());
            }
            if let Some(m) = r.membership {
                s.membership = m;
            }
            s.prefill = Some(Prefill {
                card_id: r.card_id.clone(),
            });
        }
        s
    }

    /// The key context: a text field has focus in the expiry section and on the fee form's
    /// text rows.
    pub fn context(&self) -> Context {
        if self.focused_field().is_some() {
            Context::ReferenceField
        } else {
            Context::Reference
        }
    }

    pub fn focused_field(&self) -> Option<&LineEdit> {
        match self.section {
            RefSection::Expiry => Some(match self.expiry_focus {
                0 => &self.issued,
                1 => &self.born,
                _ => &self.previous,
            }),
            RefSection::Fee => match self.fee_row {
                FeeRow::ExamYear => Some(&self.exam_year),
                FeeRow::Postmark => Some(&self.postmark),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn focused_field_mut(&mut self) -> Option<&mut LineEdit> {
        match self.section {
            RefSection::Expiry => Some(match self.expiry_focus {
                0 => &mut self.issued,
                1 => &mut self.born,
                _ => &mut self.previous,
            }),
            RefSection::Fee => match self.fee_row {
                FeeRow::ExamYear => Some(&mut self.exam_year),
                FeeRow::Postmark => Some(&mut self.postmark),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether a binding does something in the current section and row.
    pub fn binding_relevant(&self, b: &Binding) -> bool {
        match b.action {
            Action::ChoiceNext | Action::ChoicePrev => {
                self.section == RefSection::Fee && self.fee_row.is_choice()
            }
            // Tab moves between the fields of the two forms; the text sections have none.
            Action::NextField | Action::PrevField => {
                matches!(self.section, RefSection::Expiry | RefSection::Fee)
            }
            _ => true,
        }
    }

    /// An upper bound of the lines a text section wraps to (at 38 cells or more), so that
    /// scrolling down past the end cannot pile up (the renderer clamps exactly).
    pub fn max_scroll(&self, rules: &Rules) -> u16 {
        use unicode_width::UnicodeWidthStr;
        let lines = |texts: &mut dyn Iterator<Item = &str>| -> usize {
            texts.map(|t| t.width() / 38 + 1).sum()
        };
        let r = &rules.reference;
        let n = match self.section {
            RefSection::Pin => lines(&mut r.pin.points.iter().map(String::as_str)) + 2,
            RefSection::Renewal => lines(&mut r.renewal.points.iter().map(String::as_str)) + 2,
            RefSection::Procedures => {
                let c = &r.contact;
                let head = lines(&mut [c.name.as_str(), c.procedures_note.as_str()].into_iter());
                let procs: usize = r
                    .procedures
                    .iter()
                    .map(|p| {
                        let enclose = p.enclose.join("、");
                        2 + lines(
                            &mut [
                                p.title.as_str(),
                                p.when.as_str(),
                                enclose.as_str(),
                                p.note.as_str(),
                            ]
                            .into_iter(),
                        )
                    })
                    .sum();
                head + procs + 6
            }
            _ => 0,
        };
        u16::try_from(n).unwrap_or(u16::MAX)
    }

    /// Apply a key action (Close and Help are the app's).
    pub fn update(&mut self, action: Action, rules: &Rules) {
        match action {
            Action::NextSection | Action::PrevSection => {
                self.section = self.section.step(action == Action::NextSection);
                self.scroll = 0;
            }
            Action::GoSection(n) => {
                if let Some(s) = RefSection::ALL.get(usize::from(n).saturating_sub(1)) {
                    self.section = *s;
                    self.scroll = 0;
                }
            }
            Action::NextField | Action::PrevField
                if matches!(self.section, RefSection::Expiry | RefSection::Fee) =>
            {
                let down = if action == Action::NextField {
                    Action::Down
                } else {
                    Action::Up
                };
                self.update(down, rules);
            }
            Action::Up | Action::Down => {
                let down = action == Action::Down;
                match self.section {
                    RefSection::Expiry => {
                        self.expiry_focus = if down {
                            (self.expiry_focus + 1).min(2)
                        } else {
                            self.expiry_focus.saturating_sub(1)
                        }
                    }
                    RefSection::Fee => {
                        let rows = FeeRow::ALL;
                        let i = rows.iter().position(|r| *r == self.fee_row).unwrap_or(0);
                        let j = if down {
                            (i + 1).min(rows.len() - 1)
                        } else {
                            i.saturating_sub(1)
                        };
                        self.fee_row = rows[j];
                    }
                    _ => {
                        self.scroll = if down {
                            self.scroll.saturating_add(1).min(self.max_scroll(rules))
                        } else {
                            self.scroll.saturating_sub(1)
                        }
                    }
                }
            }
            Action::ChoiceNext | Action::ChoicePrev if self.section == RefSection::Fee => {
                let forward = action == Action::ChoiceNext;
                match self.fee_row {
                    FeeRow::Kind => {
                        let all = IssueKind::ALL;
                        let n = all.len();
                        let i = all.iter().position(|k| *k == self.fee_kind).unwrap_or(0);
                        let j = if forward {
                            (i + 1) % n
                        } else {
                            (i + n - 1) % n
                        };
                        self.fee_kind = all[j];
                    }
                    FeeRow::Membership => {
                        self.membership = match self.membership {
                            Membership::Member => Membership::NonMember,
                            Membership::NonMember => Membership::Member,
                        }
                    }
                    FeeRow::Mynaportal => self.mynaportal = !self.mynaportal,
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// The expiry for the two dates typed (any form `parse_date` takes).
    pub fn expiry(&self, rules: &ExpiryRules) -> ExpiryAnswer {
        if self.issued.is_blank() || self.born.is_blank() {
            return ExpiryAnswer::Incomplete;
        }
        let issued = match parse_date(self.issued.value()) {
            Ok(d) => d,
            Err(e) => return ExpiryAnswer::Error(format!("発行日: {e}")),
        };
        let born = match parse_date(self.born.value()) {
            Ok(d) => d,
            Err(e) => return ExpiryAnswer::Error(format!("生年月日: {e}")),
        };
        let ctx = if self.previous.is_blank() {
            IssueContext::default()
        } else {
            match parse_date(self.previous.value()) {
                Ok(d) => IssueContext {
                    issue_type: Some(IssueType::Renewal),
                    previous_expiry: Some(d),
                },
                Err(e) => return ExpiryAnswer::Error(format!("旧有効期限: {e}")),
            }
        };
        match rules.compute_with(issued, born, &ctx) {
            Ok(c) => ExpiryAnswer::Computed(c),
            Err(e) => ExpiryAnswer::Error(e.to_string()),
        }
    }

    /// The case as typed; errors name the field.
    pub fn fee_case(&self) -> Result<FeeCase, FeeFormError> {
        let exam_year = if self.exam_year.is_blank() {
            None
        } else {
            Some(parse_year(self.exam_year.value()).map_err(FeeFormError::ExamYear)?)
        };
        let postmark = if self.postmark.is_blank() {
            None
        } else {
            Some(parse_date(self.postmark.value()).map_err(FeeFormError::Postmark)?)
        };
        Ok(FeeCase {
            kind: self.fee_kind,
            membership: self.membership,
            exam_year,
            postmark,
            via_mynaportal: self.mynaportal,
        })
    }

    /// The fee category, judged on the postmark if given, else on `today`.
    pub fn fee(&self, table: &FeeTable, today: NaiveDate) -> Result<FeeDecision, FeeFormError> {
        let case = self.fee_case()?;
        let on = case.postmark.unwrap_or(today);
        Ok(table.decide(&case, on)?)
    }
}

impl App {
    /// Open the reference on top of whatever is on screen. The expiry calculator is filled
    /// from the record open in the handover, else the one selected in the queue.
    pub(crate) fn open_reference(&mut self) -> Vec<Effect> {
        let record = match &self.screen {
            Screen::Handover(h) => Some(&h.record),
            Screen::Queue => self.queue.selected_record(),
            _ => None,
        };
        let state = ReferenceState::new(record);
        self.dialogs.push(Dialog::Reference(Box::new(state)));
        Vec::new()
    }

    /// The reference dialog on top, if open.
    pub fn reference(&self) -> Option<&ReferenceState> {
        match self.dialogs.last() {
            Some(Dialog::Reference(r)) => Some(r),
            _ => None,
        }
    }

    pub(crate) fn reference_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Close => {
                self.dialogs.pop();
            }
            Action::Help => self.open_help(),
            other => {
                let rules = &self.session.rules;
                if let Some(Dialog::Reference(r)) = self.dialogs.last_mut() {
                    r.update(other, rules);
                }
            }
        }
        Vec::new()
    }
}
