//! Card expiry (有効期限) rules, chosen by the card's 発行日 (issue date).
//!
//! The rules live in `data/rules.toml` so a desk can correct them without a rebuild (the
//! exact birthday condition is unverified, DOMAIN.md §6). On every card the desk compares
//! three values — computed, printed on the shipping list, and the certificate's `notAfter`
//! in JST — with [`compare_expiry`]; a difference is a warning, never a silent fix.

use crate::domain::date::{format_both, format_iso};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Deserialize;

mod file;

/// Where a Feb 29 anniversary or birthday falls in a common year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feb29 {
    /// Feb 28 (default).
    Feb28,
    /// Mar 1.
    Mar1,
}

impl Feb29 {
    fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "feb28" => Some(Feb29::Feb28),
            "mar1" => Some(Feb29::Mar1),
            _ => None,
        }
    }

    /// The date of `month`/`day` in `year`, moving Feb 29 as configured in common years.
    fn date_in(self, year: i32, month: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, month, day).or_else(|| match (month, day, self) {
            (2, 29, Feb29::Feb28) => NaiveDate::from_ymd_opt(year, 2, 28),
            (2, 29, Feb29::Mar1) => NaiveDate::from_ymd_opt(year, 3, 1),
            _ => None,
        })
    }
}

/// How a rule computes the expiry date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryKind {
    /// issue date + `years` years − `minus_days` days.
    Years { years: u32, minus_days: u32 },
    /// The `n`th birthday strictly after the issue date.
    NthBirthdayAfter { n: u32 },
}

/// One expiry rule from `data/rules.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryRule {
    pub id: String,
    /// Japanese label shown to the officer.
    pub label: String,
    /// First issue date the rule covers.
    pub from: NaiveDate,
    /// Last issue date the rule covers (inclusive); `None` = still in force.
    pub until: Option<NaiveDate>,
    pub kind: ExpiryKind,
    pub feb29: Feb29,
    pub source: String,
    pub note: String,
}

impl ExpiryRule {
    /// Whether the rule covers cards issued on `issued`.
    pub fn covers(&self, issued: NaiveDate) -> bool {
        issued >= self.from && self.until.is_none_or(|until| issued <= until)
    }

    fn apply(&self, issued: NaiveDate, born: NaiveDate) -> Option<NaiveDate> {
        match self.kind {
            ExpiryKind::Years { years, minus_days } => {
                let year = issued.year().checked_add(i32::try_from(years).ok()?)?;
                let anniversary = self.feb29.date_in(year, issued.month(), issued.day())?;
                anniversary.checked_sub_days(Days::new(u64::from(minus_days)))
            }
            ExpiryKind::NthBirthdayAfter { n } => {
                let this_year = self
                    .feb29
                    .date_in(issued.year(), born.month(), born.day())?;
                let first_year = if this_year > issued {
                    issued.year()
                } else {
                    issued.year().checked_add(1)?
                };
                let year = first_year.checked_add(i32::try_from(n).ok()?.checked_sub(1)?)?;
                self.feb29.date_in(year, born.month(), born.day())
            }
        }
    }

    /// [`apply`](Self::apply) as the rule's [`ComputedExpiry`], with `detail`.
    fn computed(
        &self,
        issued: NaiveDate,
        born: NaiveDate,
        detail: Option<String>,
    ) -> Result<ComputedExpiry, ExpiryError> {
        let date = self
            .apply(issued, born)
            .ok_or_else(|| ExpiryError::OutOfRange(format_iso(issued)))?;
        Ok(ComputedExpiry {
            date,
            rule_id: self.id.clone(),
            rule_label: self.label.clone(),
            detail,
        })
    }
}

/// 発行区分 of a card (the shipping list's optional column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueType {
    /// 新規
    New,
    /// 更新
    Renewal,
    /// 再発行
    Reissue,
}

impl IssueType {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "新規" | "初回" | "new" => Some(IssueType::New),
            "更新" | "renewal" => Some(IssueType::Renewal),
            "再発行" | "reissue" => Some(IssueType::Reissue),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            IssueType::New => "new",
            IssueType::Renewal => "renewal",
            IssueType::Reissue => "reissue",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            IssueType::New => "新規",
            IssueType::Renewal => "更新",
            IssueType::Reissue => "再発行",
        }
    }
}

/// What is known of a card's issue besides its dates: the 発行区分 and the previous card's
/// 有効期限 (both optional on the shipping list).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IssueContext {
    pub issue_type: Option<IssueType>,
    pub previous_expiry: Option<NaiveDate>,
}

/// The renewal rule (`[renewal]` in rules.toml): a card of one of `issue_types`, issued less
/// than `window_months` months before the previous card's expiry, runs to the `n`th birthday
/// after issue instead (the JPKI analogue: 5回目, 3月未満なら6回目). Needs the previous expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalRule {
    pub id: String,
    pub label: String,
    /// The base rules (ids) it modifies.
    pub applies_to: Vec<String>,
    pub issue_types: Vec<IssueType>,
    pub window_months: u32,
    pub n: u32,
    pub feb29: Feb29,
    pub source: String,
    pub note: String,
}

impl RenewalRule {
    /// Whether a card issued on `issued` with `ctx` falls under the rule (base rule `base_id`).
    fn applies(&self, base_id: &str, issued: NaiveDate, ctx: &IssueContext) -> bool {
        let (Some(kind), Some(previous)) = (ctx.issue_type, ctx.previous_expiry) else {
            return false;
        };
        // "有効期間が満了する日までの期間が3月未満": issued on or before the previous expiry,
        // and issue + window months lies after it. A card issued after the previous one expired
        // is not a renewal of a valid card (未確認).
        self.applies_to.iter().any(|id| id == base_id)
            && self.issue_types.contains(&kind)
            && issued <= previous
            && issued
                .checked_add_months(Months::new(self.window_months))
                .is_some_and(|end| end > previous)
    }
}

/// The loaded rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryRules {
    rules: Vec<ExpiryRule>,
    renewal: Option<RenewalRule>,
}

/// A computed expiry and the rule that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedExpiry {
    pub date: NaiveDate,
    pub rule_id: String,
    pub rule_label: String,
    /// Why the renewal rule did or did not apply, when the 発行区分 made it a question
    /// (e.g. 「更新ですが旧有効期限が不明のため…」). `None` for a plain computation.
    pub detail: Option<String>,
}

/// A problem in `data/rules.toml`. Display is Japanese, shown at start-up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("有効期限ルール（rules.toml）を読めません: {0}")]
    Toml(String),
    #[error("有効期限ルールが1件もありません（rules.toml の [[expiry]]）")]
    Empty,
    #[error(
        "有効期限ルール「{id}」: 不明な種類です: 「{kind}」（years または nth_birthday_after）"
    )]
    UnknownKind { id: String, kind: String },
    #[error("有効期限ルール「{id}」: 項目「{field}」がありません")]
    MissingField { id: String, field: &'static str },
    #[error("有効期限ルール「{id}」: 項目「{field}」の値が正しくありません: {value}")]
    BadValue {
        id: String,
        field: &'static str,
        value: String,
    },
    #[error("有効期限ルール「{id}」: 終了日（until）が開始日（from）より前です")]
    BadRange { id: String },
    #[error("有効期限ルールのIDが重複しています: 「{0}」")]
    DuplicateId(String),
    #[error("有効期限ルール「{a}」と「{b}」の期間が重なっています")]
    Overlap { a: String, b: String },
}

/// Why no expiry could be computed. Display is Japanese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    #[error("発行日 {0} に当てはまる有効期限ルールがありません（rules.toml を確認してください）")]
    NoRule(String),
    #[error("生年月日 {born} が発行日 {issued} より後になっています")]
    BornAfterIssue { born: String, issued: String },
    #[error("有効期限を計算できません（発行日 {0}）")]
    OutOfRange(String),
}

impl ExpiryRules {
    /// The renewal rule (`[renewal]`), if the file has one.
    pub fn renewal(&self) -> Option<&RenewalRule> {
        self.renewal.as_ref()
    }

    /// Build a rule set, checking ids are unique and ranges do not overlap.
    pub fn from_rules(mut rules: Vec<ExpiryRule>) -> Result<ExpiryRules, RulesError> {
        if rules.is_empty() {
            return Err(RulesError::Empty);
        }
        rules.sort_by_key(|rule| rule.from);
        for (i, rule) in rules.iter().enumerate() {
            if rules[..i].iter().any(|other| other.id == rule.id) {
                return Err(RulesError::DuplicateId(rule.id.clone()));
            }
        }
        for pair in rules.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if a.until.is_none_or(|until| until >= b.from) {
                return Err(RulesError::Overlap {
                    a: a.id.clone(),
                    b: b.id.clone(),
                });
            }
        }
        Ok(ExpiryRules {
            rules,
            renewal: None,
        })
    }

    /// All rules, oldest first.
    pub fn rules(&self) -> &[ExpiryRule] {
        &self.rules
    }

    /// The rule covering cards issued on `issued`.
    pub fn rule_for(&self, issued: NaiveDate) -> Option<&ExpiryRule> {
        self.rules.iter().find(|rule| rule.covers(issued))
    }

    /// The expiry of a card issued on `issued` to someone born on `born` (no 発行区分 known).
    pub fn compute(
        &self,
        issued: NaiveDate,
        born: NaiveDate,
    ) -> Result<ComputedExpiry, ExpiryError> {
        self.compute_with(issued, born, &IssueContext::default())
    }

    /// [`compute`](Self::compute) with the 発行区分 and the previous card's expiry: the renewal
    /// rule replaces the base rule when it applies, and `detail` says why it did or did not.
    pub fn compute_with(
        &self,
        issued: NaiveDate,
        born: NaiveDate,
        ctx: &IssueContext,
    ) -> Result<ComputedExpiry, ExpiryError> {
        let base = self.compute_base(issued, born)?;
        let Some(renewal) = &self.renewal else {
            return Ok(base);
        };
        let relevant = renewal.applies_to.contains(&base.rule_id)
            && ctx
                .issue_type
                .is_some_and(|t| renewal.issue_types.contains(&t));
        if !relevant {
            return Ok(base);
        }
        let kind = ctx.issue_type.map(IssueType::label).unwrap_or_default();
        let Some(previous) = ctx.previous_expiry else {
            return Ok(ComputedExpiry {
                detail: Some(format!(
                    "{kind}ですが旧有効期限が分からないため、{}で計算しました（旧有効期限まで{}か月未満の{kind}なら{}回目の誕生日まで）",
                    base.rule_label, renewal.window_months, renewal.n
                )),
                ..base
            });
        };
        if !renewal.applies(&base.rule_id, issued, ctx) {
            return Ok(ComputedExpiry {
                detail: Some(format!(
                    "旧有効期限 {} まで{}か月未満の{kind}ではないため、{}",
                    format_both(previous),
                    renewal.window_months,
                    base.rule_label
                )),
                ..base
            });
        }
        let special = ExpiryRule {
            id: renewal.id.clone(),
            label: renewal.label.clone(),
            from: issued,
            until: None,
            kind: ExpiryKind::NthBirthdayAfter { n: renewal.n },
            feb29: renewal.feb29,
            source: renewal.source.clone(),
            note: renewal.note.clone(),
        };
        special.computed(
            issued,
            born,
            Some(format!(
                "旧有効期限 {} まで{}か月未満の{kind}のため（未確認）",
                format_both(previous),
                renewal.window_months,
            )),
        )
    }

    fn compute_base(
        &self,
        issued: NaiveDate,
        born: NaiveDate,
    ) -> Result<ComputedExpiry, ExpiryError> {
        let rule = self
            .rule_for(issued)
            .ok_or_else(|| ExpiryError::NoRule(format_both(issued)))?;
        if born > issued {
            return Err(ExpiryError::BornAfterIssue {
                born: format_both(born),
                issued: format_both(issued),
            });
        }
        rule.computed(issued, born, None)
    }
}

/// Which of the three expiry values a date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExpirySource {
    /// Computed from the rules.
    Computed,
    /// The 有効期限 printed on the card / shipping list.
    Printed,
    /// The certificate's `notAfter`, as a JST date.
    Certificate,
}

impl ExpirySource {
    pub fn label(self) -> &'static str {
        match self {
            ExpirySource::Computed => "計算上の有効期限",
            ExpirySource::Printed => "券面の有効期限",
            ExpirySource::Certificate => "証明書の有効期限",
        }
    }
}

/// Two expiry values that differ: a warning for the officer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryDisagreement {
    pub a: ExpirySource,
    pub a_date: NaiveDate,
    pub b: ExpirySource,
    pub b_date: NaiveDate,
}

impl ExpiryDisagreement {
    /// e.g. `計算上の有効期限 令和10年4月2日（2028-04-02）と券面の有効期限 令和11年4月2日（2029-04-02）が一致しません`.
    pub fn message(&self) -> String {
        format!(
            "{} {}と{} {}が一致しません",
            self.a.label(),
            format_both(self.a_date),
            self.b.label(),
            format_both(self.b_date)
        )
    }
}

/// Compare the values that are known; each disagreeing pair is reported once, in the order
/// computed–printed, computed–certificate, printed–certificate.
pub fn compare_expiry(
    computed: Option<NaiveDate>,
    printed: Option<NaiveDate>,
    certificate: Option<NaiveDate>,
) -> Vec<ExpiryDisagreement> {
    let values = [
        (ExpirySource::Computed, computed),
        (ExpirySource::Printed, printed),
        (ExpirySource::Certificate, certificate),
    ];
    let mut out = Vec::new();
    for (i, (a, a_date)) in values.iter().enumerate() {
        for (b, b_date) in &values[i + 1..] {
            if let (Some(a_date), Some(b_date)) = (a_date, b_date)
                && a_date != b_date
            {
                out.push(ExpiryDisagreement {
                    a: *a,
                    a_date: *a_date,
                    b: *b,
                    b_date: *b_date,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
