//! Issuance fee categories (発行時費用), from `data/fees.toml`.
//!
//! The desk only shows which category applies; it never takes or records money. Fees carry
//! `effective_from` dates so a future change is a new entry, not an edit of history. See the
//! header of `data/fees.toml` for how one entry is chosen.

use crate::domain::Membership;
use crate::domain::date::{de_date, de_opt_date, format_both, format_wareki_year};
use chrono::NaiveDate;
use serde::Deserialize;

/// What kind of issue an application is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueKind {
    /// 初回発行.
    Initial,
    /// 5年毎の更新発行.
    Renewal,
    /// 紛失・破損による再発行.
    ReissueLossDamage,
    /// 姓名変更による再発行.
    ReissueNameChange,
    /// 日医非会員から日医会員になったことによる再発行.
    ReissueBecameMember,
}

impl IssueKind {
    pub const ALL: [IssueKind; 5] = [
        IssueKind::Initial,
        IssueKind::Renewal,
        IssueKind::ReissueLossDamage,
        IssueKind::ReissueNameChange,
        IssueKind::ReissueBecameMember,
    ];

    /// Japanese label shown to the officer.
    pub fn label(self) -> &'static str {
        match self {
            IssueKind::Initial => "初回発行",
            IssueKind::Renewal => "更新（5年毎）",
            IssueKind::ReissueLossDamage => "再発行（紛失・破損）",
            IssueKind::ReissueNameChange => "再発行（姓名変更）",
            IssueKind::ReissueBecameMember => "再発行（非会員から会員へ）",
        }
    }

    /// Stable name used on the command line and in `fees.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueKind::Initial => "initial",
            IssueKind::Renewal => "renewal",
            IssueKind::ReissueLossDamage => "reissue-loss",
            IssueKind::ReissueNameChange => "reissue-name",
            IssueKind::ReissueBecameMember => "reissue-member",
        }
    }

    /// Accepts [`as_str`](Self::as_str) names and the Japanese labels.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s || kind.label() == s)
    }
}

/// The facts the fee depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeCase {
    pub kind: IssueKind,
    pub membership: Membership,
    /// Year the national exam was passed (Gregorian), for the within-one-year rule.
    pub exam_year: Option<i32>,
    /// Postmark (消印) of the application.
    pub postmark: Option<NaiveDate>,
    /// Applied through マイナポータル.
    pub via_mynaportal: bool,
}

/// The category that applies. `category` and `reasons` are Japanese, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeDecision {
    pub amount_yen: u32,
    pub category: String,
    pub reasons: Vec<String>,
    pub rule_id: String,
}

impl FeeDecision {
    /// One line for the desk, e.g. `日医非会員・初回発行／5年毎の更新: 5,500円（税込）`.
    pub fn summary(&self) -> String {
        format!("{}: {}", self.category, format_fee(self.amount_yen))
    }
}

/// `無料` or `5,500円（税込）`.
pub fn format_fee(amount_yen: u32) -> String {
    if amount_yen == 0 {
        return "無料".to_string();
    }
    let digits = amount_yen.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}円（税込）")
}

/// Last postmark date for a free initial issue under the within-one-year rule: the end of
/// February of the year after the exam year (exam 2022 → 2023-02-28; exam 2023 → 2024-02-29).
pub fn licence_free_deadline(exam_year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(exam_year.saturating_add(1), 3, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Plausible exam years; anything else is a typing mistake.
const EXAM_YEARS: std::ops::RangeInclusive<i32> = 1946..=2200;

/// When a fee entry applies beyond kind and membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeeCondition {
    None,
    /// Initial issue applied within one year of the licence ([`licence_free_deadline`]).
    WithinOneYear,
    /// Applied through マイナポータル.
    Mynaportal,
}

impl FeeCondition {
    fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "none" => Some(FeeCondition::None),
            "within_one_year" => Some(FeeCondition::WithinOneYear),
            "mynaportal" => Some(FeeCondition::Mynaportal),
            _ => None,
        }
    }
}

/// One `[[fee]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeEntry {
    pub id: String,
    pub kinds: Vec<IssueKind>,
    /// `None` = members and non-members.
    pub membership: Option<Membership>,
    pub condition: FeeCondition,
    pub amount_yen: u32,
    pub category: String,
    pub reason: String,
    pub effective_from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub source: String,
}

impl FeeEntry {
    fn in_effect(&self, on: NaiveDate) -> bool {
        on >= self.effective_from && self.until.is_none_or(|until| on <= until)
    }

    fn matches(&self, kind: IssueKind, membership: Membership) -> bool {
        self.kinds.contains(&kind) && self.membership.is_none_or(|m| m == membership)
    }
}

/// The loaded fee table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeTable {
    entries: Vec<FeeEntry>,
}

/// A problem in `data/fees.toml`. Display is Japanese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeTableError {
    #[error("手数料表（fees.toml）を読めません: {0}")]
    Toml(String),
    #[error("手数料表に項目が1件もありません（fees.toml の [[fee]]）")]
    Empty,
    #[error("手数料「{id}」: 項目「{field}」の値が正しくありません: 「{value}」")]
    BadValue {
        id: String,
        field: &'static str,
        value: String,
    },
    #[error("手数料「{id}」: 項目「{field}」がありません")]
    MissingField { id: String, field: &'static str },
    #[error("手数料「{id}」: 終了日（until）が適用開始日（effective_from）より前です")]
    BadRange { id: String },
    #[error("手数料のIDが重複しています: 「{0}」")]
    DuplicateId(String),
    #[error(
        "手数料「{a}」と「{b}」は同じ条件・同じ適用開始日で重なっています（どちらを使うか決められません）"
    )]
    Conflict { a: String, b: String },
}

/// Why no fee category could be decided. Display is Japanese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    #[error(
        "「{kind}」（{membership}）に当てはまる手数料の定めがありません（{on}時点。fees.toml を確認してください）"
    )]
    NoRule {
        kind: &'static str,
        membership: &'static str,
        on: String,
    },
    #[error("「再発行（非会員から会員へ）」は会員区分が「会員」のときだけ選べます")]
    BecameMemberButNonMember,
    #[error("医師国家試験の合格年が正しくありません: {0}")]
    BadExamYear(i32),
}

#[derive(Deserialize)]
struct FeesFile {
    #[serde(default)]
    fee: Vec<RawFee>,
}

#[derive(Deserialize)]
struct RawFee {
    id: String,
    #[serde(default)]
    kinds: Vec<String>,
    membership: Option<String>,
    condition: Option<String>,
    amount_yen: Option<u32>,
    #[serde(default)]
    category: String,
    #[serde(default)]
    reason: String,
    #[serde(deserialize_with = "de_date")]
    effective_from: NaiveDate,
    #[serde(default, deserialize_with = "de_opt_date")]
    until: Option<NaiveDate>,
    #[serde(default)]
    source: String,
}

impl RawFee {
    fn validate(self) -> Result<FeeEntry, FeeTableError> {
        let id = self.id.trim().to_string();
        let missing = |field| FeeTableError::MissingField {
            id: if id.is_empty() {
                "（IDなし）".to_string()
            } else {
                id.clone()
            },
            field,
        };
        if id.is_empty() {
            return Err(missing("id"));
        }
        if self.kinds.is_empty() {
            return Err(missing("kinds"));
        }
        let bad = |field, value: &str| FeeTableError::BadValue {
            id: id.clone(),
            field,
            value: value.to_string(),
        };
        let kinds = self
            .kinds
            .iter()
            .map(|k| IssueKind::parse(k).ok_or_else(|| bad("kinds", k)))
            .collect::<Result<Vec<_>, _>>()?;
        let membership = match self.membership.as_deref().map(str::trim) {
            None | Some("any") => None,
            Some("member") => Some(Membership::Member),
            Some("non_member") => Some(Membership::NonMember),
            Some(other) => return Err(bad("membership", other)),
        };
        let condition = match self.condition.as_deref() {
            None => FeeCondition::None,
            Some(s) => FeeCondition::parse(s).ok_or_else(|| bad("condition", s))?,
        };
        let amount_yen = self.amount_yen.ok_or_else(|| missing("amount_yen"))?;
        if self.category.trim().is_empty() {
            return Err(missing("category"));
        }
        if self.until.is_some_and(|until| until < self.effective_from) {
            return Err(FeeTableError::BadRange { id });
        }
        Ok(FeeEntry {
            id,
            kinds,
            membership,
            condition,
            amount_yen,
            category: self.category.trim().to_string(),
            reason: self.reason.trim().to_string(),
            effective_from: self.effective_from,
            until: self.until,
            source: self.source,
        })
    }
}

impl FeeTable {
    /// Load the `[[fee]]` entries from the text of `fees.toml`.
    pub fn from_toml(s: &str) -> Result<FeeTable, FeeTableError> {
        let file: FeesFile = toml::from_str(s).map_err(|e| FeeTableError::Toml(e.to_string()))?;
        let entries = file
            .fee
            .into_iter()
            .map(RawFee::validate)
            .collect::<Result<Vec<_>, _>>()?;
        if entries.is_empty() {
            return Err(FeeTableError::Empty);
        }
        for (i, a) in entries.iter().enumerate() {
            for b in &entries[i + 1..] {
                if a.id == b.id {
                    return Err(FeeTableError::DuplicateId(a.id.clone()));
                }
                let same_scope = a.condition == b.condition
                    && a.effective_from == b.effective_from
                    && a.kinds.iter().any(|k| b.kinds.contains(k))
                    && (a.membership.is_none()
                        || b.membership.is_none()
                        || a.membership == b.membership);
                if same_scope {
                    return Err(FeeTableError::Conflict {
                        a: a.id.clone(),
                        b: b.id.clone(),
                    });
                }
            }
        }
        Ok(FeeTable { entries })
    }

    /// All entries in file order.
    pub fn entries(&self) -> &[FeeEntry] {
        &self.entries
    }

    /// The fee category for `case`, judged on `on` (the application date — its postmark or
    /// the day of the desk's check; the caller chooses).
    pub fn decide(&self, case: &FeeCase, on: NaiveDate) -> Result<FeeDecision, FeeError> {
        if case.kind == IssueKind::ReissueBecameMember && case.membership != Membership::Member {
            return Err(FeeError::BecameMemberButNonMember);
        }
        if let Some(year) = case.exam_year
            && !EXAM_YEARS.contains(&year)
        {
            return Err(FeeError::BadExamYear(year));
        }
        // A blank postmark is judged as posted on `on` (the caller's "today"): one rule for
        // the fee table and the within-one-year check, and the note says so.
        let within_one_year = match case.exam_year {
            Some(year) => case.postmark.unwrap_or(on) <= licence_free_deadline(year),
            None => false,
        };
        let holds = |condition: FeeCondition| match condition {
            FeeCondition::None => true,
            FeeCondition::WithinOneYear => within_one_year,
            FeeCondition::Mynaportal => case.via_mynaportal,
        };

        // Per condition, the applicable entry with the latest effective_from.
        let mut best: Vec<&FeeEntry> = Vec::new();
        for entry in self.entries.iter().filter(|e| {
            e.matches(case.kind, case.membership) && e.in_effect(on) && holds(e.condition)
        }) {
            match best.iter_mut().find(|b| b.condition == entry.condition) {
                Some(slot) if entry.effective_from > slot.effective_from => *slot = entry,
                Some(_) => {}
                None => best.push(entry),
            }
        }
        let chosen = best
            .iter()
            .min_by_key(|e| (e.amount_yen, e.condition))
            .ok_or_else(|| FeeError::NoRule {
                kind: case.kind.label(),
                membership: case.membership.label(),
                on: format_both(on),
            })?;

        let mut reasons = Vec::new();
        if !chosen.reason.is_empty() {
            reasons.push(chosen.reason.clone());
        }
        // Explain the within-one-year check when it decided the fee or could have.
        let exemption_exists = self.entries.iter().any(|e| {
            e.condition == FeeCondition::WithinOneYear
                && e.matches(case.kind, case.membership)
                && e.in_effect(on)
        });
        if exemption_exists
            && (chosen.condition == FeeCondition::WithinOneYear || chosen.amount_yen > 0)
        {
            reasons.push(within_one_year_note(case, on));
        }
        Ok(FeeDecision {
            amount_yen: chosen.amount_yen,
            category: chosen.category.clone(),
            reasons,
            rule_id: chosen.id.clone(),
        })
    }
}

fn within_one_year_note(case: &FeeCase, on: NaiveDate) -> String {
    match case.exam_year {
        Some(year) => {
            let postmark = case.postmark.unwrap_or(on);
            let assumed = if case.postmark.is_none() {
                "（消印日が空欄のため判定日で判定）"
            } else {
                ""
            };
            let deadline = licence_free_deadline(year);
            let exam = NaiveDate::from_ymd_opt(year, 2, 1)
                .map(|d| format!("{year}年（{}）", format_wareki_year(d)))
                .unwrap_or_else(|| format!("{year}年"));
            let verdict = if postmark <= deadline {
                "期限内のため初回発行手数料は無料です"
            } else {
                "期限を過ぎているため、免許取得1年以内の無料発行には当たりません"
            };
            format!(
                "医師国家試験合格 {exam}: 消印期限 {}、消印 {}{assumed}。{verdict}",
                format_both(deadline),
                format_both(postmark)
            )
        }
        None => "医師国家試験の合格年が未入力のため、免許取得1年以内の無料発行は判定していません"
            .to_string(),
    }
}

#[cfg(test)]
mod tests;
