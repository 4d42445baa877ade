//! Card expiry (有効期限) rules, chosen by the card's 発行日 (issue date).
//!
//! The rules live in `data/rules.toml` so a desk can correct them without a rebuild (the
//! exact birthday condition is unverified, DOMAIN.md §6). On every card the desk compares
//! three values — computed, printed on the shipping list, and the certificate's `notAfter`
//! in JST — with [`compare_expiry`]; a difference is a warning, never a silent fix.

use crate::domain::date::{de_date, de_opt_date, format_both, format_iso};
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Deserialize;

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

#[derive(Deserialize)]
struct RulesFile {
    #[serde(default)]
    expiry: Vec<RawRule>,
    renewal: Option<RawRenewal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRenewal {
    id: String,
    label: String,
    kind: String,
    applies_to: Vec<String>,
    issue_types: Vec<String>,
    window_months: u32,
    n: u32,
    needs: String,
    feb29: Option<String>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    note: String,
}

impl RawRenewal {
    fn validate(self, base: &[ExpiryRule]) -> Result<RenewalRule, RulesError> {
        let id = self.id.trim().to_string();
        let bad = |field: &'static str, value: String| RulesError::BadValue {
            id: id.clone(),
            field,
            value,
        };
        if self.kind.trim() != "nth_birthday_after" {
            return Err(RulesError::UnknownKind {
                id,
                kind: self.kind,
            });
        }
        if self.needs.trim() != "previous_expiry" {
            return Err(bad(
                "needs",
                format!("「{}」（previous_expiry）", self.needs),
            ));
        }
        if self.n == 0 {
            return Err(bad("n", "0".into()));
        }
        if self.window_months == 0 {
            return Err(bad("window_months", "0".into()));
        }
        let issue_types = self
            .issue_types
            .iter()
            .map(|t| {
                IssueType::parse(t)
                    .ok_or_else(|| bad("issue_types", format!("「{t}」（新規・更新・再発行）")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for a in &self.applies_to {
            if !base.iter().any(|r| &r.id == a) {
                return Err(bad(
                    "applies_to",
                    format!("「{a}」という [[expiry]] はありません"),
                ));
            }
        }
        let feb29 = match self.feb29.as_deref() {
            None => Feb29::Feb28,
            Some(s) => Feb29::parse(s)
                .ok_or_else(|| bad("feb29", format!("「{s}」（feb28 または mar1）")))?,
        };
        let _ = self.status;
        Ok(RenewalRule {
            id,
            label: self.label.trim().to_string(),
            applies_to: self.applies_to,
            issue_types,
            window_months: self.window_months,
            n: self.n,
            feb29,
            source: self.source,
            note: self.note,
        })
    }
}

#[derive(Deserialize)]
struct RawRule {
    id: String,
    label: String,
    #[serde(deserialize_with = "de_date")]
    from: NaiveDate,
    #[serde(default, deserialize_with = "de_opt_date")]
    until: Option<NaiveDate>,
    kind: String,
    years: Option<u32>,
    minus_days: Option<u32>,
    n: Option<u32>,
    feb29: Option<String>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    note: String,
}

impl RawRule {
    fn validate(self) -> Result<ExpiryRule, RulesError> {
        let id = self.id.trim().to_string();
        if id.is_empty() {
            return Err(RulesError::MissingField {
                id: "（IDなし）".into(),
                field: "id",
            });
        }
        if self.label.trim().is_empty() {
            return Err(RulesError::MissingField { id, field: "label" });
        }
        let positive = |value: Option<u32>, field: &'static str| match value {
            None => Err(RulesError::MissingField {
                id: id.clone(),
                field,
            }),
            Some(0) => Err(RulesError::BadValue {
                id: id.clone(),
                field,
                value: "0".into(),
            }),
            Some(v) => Ok(v),
        };
        let kind = match self.kind.trim() {
            "years" => ExpiryKind::Years {
                years: positive(self.years, "years")?,
                minus_days: self.minus_days.unwrap_or(0),
            },
            "nth_birthday_after" => ExpiryKind::NthBirthdayAfter {
                n: positive(self.n, "n")?,
            },
            other => {
                return Err(RulesError::UnknownKind {
                    id,
                    kind: other.to_string(),
                });
            }
        };
        let feb29 = match self.feb29.as_deref() {
            None => Feb29::Feb28,
            Some(s) => Feb29::parse(s).ok_or_else(|| RulesError::BadValue {
                id: id.clone(),
                field: "feb29",
                value: format!("「{s}」（feb28 または mar1）"),
            })?,
        };
        if self.until.is_some_and(|until| until < self.from) {
            return Err(RulesError::BadRange { id });
        }
        Ok(ExpiryRule {
            id,
            label: self.label.trim().to_string(),
            from: self.from,
            until: self.until,
            kind,
            feb29,
            source: self.source,
            note: self.note,
        })
    }
}

impl ExpiryRules {
    /// Load the `[[expiry]]` rules from the text of `rules.toml`. Other top-level tables
    /// (e.g. `[uncollected]`) are ignored here.
    pub fn from_toml(s: &str) -> Result<ExpiryRules, RulesError> {
        let file: RulesFile = toml::from_str(s).map_err(|e| RulesError::Toml(e.to_string()))?;
        let mut rules = Self::from_rules(
            file.expiry
                .into_iter()
                .map(RawRule::validate)
                .collect::<Result<Vec<_>, _>>()?,
        )?;
        if let Some(raw) = file.renewal {
            rules.renewal = Some(raw.validate(&rules.rules)?);
        }
        Ok(rules)
    }

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
        let date = special
            .apply(issued, born)
            .ok_or_else(|| ExpiryError::OutOfRange(format_iso(issued)))?;
        Ok(ComputedExpiry {
            date,
            rule_id: renewal.id.clone(),
            rule_label: renewal.label.clone(),
            detail: Some(format!(
                "旧有効期限 {} まで{}か月未満の{kind}のため（未確認）",
                format_both(previous),
                renewal.window_months,
            )),
        })
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
        let date = rule
            .apply(issued, born)
            .ok_or_else(|| ExpiryError::OutOfRange(format_iso(issued)))?;
        Ok(ComputedExpiry {
            date,
            rule_id: rule.id.clone(),
            rule_label: rule.label.clone(),
            detail: None,
        })
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
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../data/rules.toml");

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn shipped() -> ExpiryRules {
        ExpiryRules::from_toml(SHIPPED).unwrap()
    }

    fn expiry(issued: NaiveDate, born: NaiveDate) -> NaiveDate {
        shipped().compute(issued, born).unwrap().date
    }

    #[test]
    fn domain_md_vectors() {
        assert_eq!(expiry(d(2024, 4, 1), d(1990, 4, 2)), d(2028, 4, 2));
        assert_eq!(expiry(d(2024, 4, 2), d(1990, 4, 2)), d(2029, 4, 2));
        assert_eq!(expiry(d(2024, 4, 3), d(1990, 4, 2)), d(2029, 4, 2));
        assert_eq!(expiry(d(2024, 3, 1), d(1992, 2, 29)), d(2029, 2, 28));
    }

    #[test]
    fn birthday_rule_details() {
        let c = shipped().compute(d(2021, 7, 1), d(1980, 12, 31)).unwrap();
        assert_eq!(c.date, d(2025, 12, 31));
        assert_eq!(c.rule_id, "fifth_birthday_2021");
        assert!(c.rule_label.contains("誕生日"), "{}", c.rule_label);
        // Feb 29 birthday, 5th birthday after issue falls in a leap year: stays Feb 29.
        assert_eq!(expiry(d(2023, 3, 1), d(1992, 2, 29)), d(2028, 2, 29));
        // Issued on Feb 28 of a common year to a Feb 29 baby: that day counts as the birthday.
        assert_eq!(expiry(d(2025, 2, 28), d(1992, 2, 29)), d(2030, 2, 28));
        assert_eq!(expiry(d(2025, 2, 27), d(1992, 2, 29)), d(2029, 2, 28));
    }

    #[test]
    fn years_rules() {
        let rules = shipped();
        let c = rules.compute(d(2016, 4, 1), d(1970, 1, 1)).unwrap();
        assert_eq!(
            (c.date, c.rule_id.as_str()),
            (d(2021, 3, 31), "five_years_2016")
        );
        let c = rules.compute(d(2021, 6, 30), d(1970, 1, 1)).unwrap();
        assert_eq!(
            (c.date, c.rule_id.as_str()),
            (d(2026, 6, 29), "five_years_2016")
        );
        let c = rules.compute(d(2014, 2, 1), d(1970, 1, 1)).unwrap();
        assert_eq!(
            (c.date, c.rule_id.as_str()),
            (d(2020, 1, 31), "six_years_2014")
        );
        let c = rules.compute(d(2016, 3, 31), d(1970, 1, 1)).unwrap();
        assert_eq!(
            (c.date, c.rule_id.as_str()),
            (d(2022, 3, 30), "six_years_2014")
        );
        // Issued on Feb 29: the period ends on the last day of February (feb29 = "mar1", minus 1 day).
        assert_eq!(expiry(d(2016, 2, 29), d(1970, 1, 1)), d(2022, 2, 28));
        assert_eq!(expiry(d(2020, 2, 29), d(1970, 1, 1)), d(2025, 2, 28));
    }

    #[test]
    fn uncovered_issue_dates_are_errors() {
        let err = shipped()
            .compute(d(2014, 1, 31), d(1970, 1, 1))
            .unwrap_err();
        assert!(matches!(err, ExpiryError::NoRule(_)));
        assert!(
            err.to_string()
                .contains("当てはまる有効期限ルールがありません"),
            "{err}"
        );
        let err = shipped().compute(d(2024, 4, 1), d(2024, 4, 2)).unwrap_err();
        assert!(matches!(err, ExpiryError::BornAfterIssue { .. }), "{err}");
    }

    #[test]
    fn shipped_rules_are_contiguous() {
        let rules = shipped();
        assert_eq!(rules.rules().len(), 3);
        for pair in rules.rules().windows(2) {
            let until = pair[0].until.unwrap();
            assert_eq!(until.succ_opt().unwrap(), pair[1].from);
        }
        assert_eq!(rules.rules().last().unwrap().until, None);
    }

    const RULE_2021: &str = r#"
[[expiry]]
id = "b"
label = "誕生日"
from = 2021-07-01
kind = "nth_birthday_after"
n = 5
"#;

    #[test]
    fn ignores_other_tables_and_accepts_text_dates() {
        let text = format!(
            "[uncollected]\nnotice_days = 30\nrenotice_days = 90\nreturn_days = 180\n{RULE_2021}\
             [[expiry]]\nid = \"a\"\nlabel = \"5年\"\nfrom = \"平成28年4月1日\"\nuntil = \"R3.6.30\"\n\
             kind = \"years\"\nyears = 5\nminus_days = 1\n"
        );
        let rules = ExpiryRules::from_toml(&text).unwrap();
        assert_eq!(rules.rules()[0].id, "a");
        assert_eq!(rules.rules()[0].from, d(2016, 4, 1));
        assert_eq!(rules.rules()[1].feb29, Feb29::Feb28);
    }

    #[test]
    fn rejects_bad_rule_files() {
        let overlap = format!(
            "{RULE_2021}[[expiry]]\nid = \"a\"\nlabel = \"5年\"\nfrom = 2016-04-01\nuntil = 2021-07-01\nkind = \"years\"\nyears = 5\n"
        );
        let err = ExpiryRules::from_toml(&overlap).unwrap_err();
        assert_eq!(
            err,
            RulesError::Overlap {
                a: "a".into(),
                b: "b".into()
            }
        );
        assert!(err.to_string().contains("重なっています"), "{err}");

        let open_ended_twice = format!("{RULE_2021}{}", RULE_2021.replace("\"b\"", "\"c\""));
        assert!(matches!(
            ExpiryRules::from_toml(&open_ended_twice),
            Err(RulesError::Overlap { .. })
        ));

        let unknown = RULE_2021.replace("nth_birthday_after", "months");
        let err = ExpiryRules::from_toml(&unknown).unwrap_err();
        assert!(matches!(err, RulesError::UnknownKind { .. }));
        assert!(
            err.to_string().contains("不明な種類です: 「months」"),
            "{err}"
        );

        let missing_n = RULE_2021.replace("n = 5", "");
        assert_eq!(
            ExpiryRules::from_toml(&missing_n),
            Err(RulesError::MissingField {
                id: "b".into(),
                field: "n"
            })
        );
        let bad_feb29 = format!("{RULE_2021}feb29 = \"mar2\"\n");
        assert!(matches!(
            ExpiryRules::from_toml(&bad_feb29),
            Err(RulesError::BadValue { field: "feb29", .. })
        ));
        let backwards =
            RULE_2021.replace("from = 2021-07-01", "from = 2021-07-01\nuntil = 2021-06-30");
        assert!(matches!(
            ExpiryRules::from_toml(&backwards),
            Err(RulesError::BadRange { .. })
        ));
        let dup = format!(
            "{RULE_2021}[[expiry]]\nid = \"b\"\nlabel = \"x\"\nfrom = 2014-01-01\nuntil = 2014-12-31\nkind = \"years\"\nyears = 5\n"
        );
        assert_eq!(
            ExpiryRules::from_toml(&dup),
            Err(RulesError::DuplicateId("b".into()))
        );
        assert_eq!(ExpiryRules::from_toml(""), Err(RulesError::Empty));
        assert!(matches!(
            ExpiryRules::from_toml("[[expiry]]\nid = 1"),
            Err(RulesError::Toml(_))
        ));
    }

    fn renewal(issued: NaiveDate, born: NaiveDate, previous: Option<NaiveDate>) -> ComputedExpiry {
        let ctx = IssueContext {
            issue_type: Some(IssueType::Renewal),
            previous_expiry: previous,
        };
        shipped().compute_with(issued, born, &ctx).unwrap()
    }

    #[test]
    fn sixth_birthday_renewal_vectors() {
        let born = d(1990, 4, 2);
        // Previous card expires 2029-04-02. Renewal issued 2029-01-03: less than 3 months left
        // → the 6th birthday after issue (2029-04-02 is the 1st) = 2034-04-02.
        let c = renewal(d(2029, 1, 3), born, Some(d(2029, 4, 2)));
        assert_eq!(c.date, d(2034, 4, 2));
        assert_eq!(c.rule_id, "sixth_birthday_renewal");
        assert!(c.rule_label.contains("6回目"), "{c:?}");
        assert!(
            c.detail
                .as_deref()
                .unwrap()
                .contains("3か月未満の更新のため"),
            "{c:?}"
        );
        // Issued on the previous expiry day itself: still within the window.
        assert_eq!(
            renewal(d(2029, 4, 2), born, Some(d(2029, 4, 2))).date,
            d(2035, 4, 2)
        );
        // Exactly 3 months before (01-02 → 04-02 is 3 months, not less): the 5th birthday.
        let c = renewal(d(2029, 1, 2), born, Some(d(2029, 4, 2)));
        assert_eq!(c.date, d(2033, 4, 2));
        assert_eq!(c.rule_id, "fifth_birthday_2021");
        assert!(
            c.detail.as_deref().unwrap().contains("ではないため"),
            "{c:?}"
        );
        // Issued after the previous card expired: not a renewal of a valid card → 5th.
        assert_eq!(
            renewal(d(2029, 5, 1), born, Some(d(2029, 4, 2))).date,
            d(2034, 4, 2)
        );
        assert_eq!(
            renewal(d(2029, 5, 1), born, Some(d(2029, 4, 2))).rule_id,
            "fifth_birthday_2021"
        );
        // Renewal without the previous expiry: the 5th birthday, and the officer is told why.
        let c = renewal(d(2029, 1, 3), born, None);
        assert_eq!(c.date, d(2033, 4, 2));
        assert!(
            c.detail
                .as_deref()
                .unwrap()
                .contains("旧有効期限が分からない"),
            "{c:?}"
        );
        // A new issue or a reissue with a previous expiry: the renewal rule does not apply.
        for t in [IssueType::New, IssueType::Reissue] {
            let ctx = IssueContext {
                issue_type: Some(t),
                previous_expiry: Some(d(2029, 4, 2)),
            };
            let c = shipped().compute_with(d(2029, 1, 3), born, &ctx).unwrap();
            assert_eq!((c.date, c.detail), (d(2033, 4, 2), None));
        }
        // Feb 29 birthday under the renewal rule (feb28 in common years).
        assert_eq!(
            renewal(d(2028, 1, 10), d(1992, 2, 29), Some(d(2028, 2, 29))).date,
            d(2033, 2, 28)
        );
        // The "years" rules of 2014–2021 are never changed by it.
        let ctx = IssueContext {
            issue_type: Some(IssueType::Renewal),
            previous_expiry: Some(d(2016, 5, 1)),
        };
        let c = shipped().compute_with(d(2016, 4, 1), born, &ctx).unwrap();
        assert_eq!(
            (c.date, c.rule_id.as_str()),
            (d(2021, 3, 31), "five_years_2016")
        );
        // Every DOMAIN.md vector still holds without a context.
        domain_md_vectors();
    }

    #[test]
    fn renewal_table_is_validated() {
        let base = format!(
            "{RULE_2021}[renewal]\nid = \"r\"\nlabel = \"6\"\nkind = \"nth_birthday_after\"\napplies_to = [\"b\"]\nissue_types = [\"更新\"]\nwindow_months = 3\nn = 6\nneeds = \"previous_expiry\"\n"
        );
        let rules = ExpiryRules::from_toml(&base).unwrap();
        assert_eq!(rules.renewal().unwrap().issue_types, [IssueType::Renewal]);
        let bad = base.replace("applies_to = [\"b\"]", "applies_to = [\"zz\"]");
        assert!(matches!(
            ExpiryRules::from_toml(&bad),
            Err(RulesError::BadValue {
                field: "applies_to",
                ..
            })
        ));
        let bad = base.replace("[\"更新\"]", "[\"延長\"]");
        assert!(matches!(
            ExpiryRules::from_toml(&bad),
            Err(RulesError::BadValue {
                field: "issue_types",
                ..
            })
        ));
        let bad = base.replace("window_months = 3", "window_months = 0");
        assert!(ExpiryRules::from_toml(&bad).is_err());
        let bad = base.replace("needs = \"previous_expiry\"", "needs = \"nothing\"");
        assert!(ExpiryRules::from_toml(&bad).is_err());
    }

    #[test]
    fn compare_reports_each_disagreeing_pair_once() {
        let (x, y) = (d(2028, 4, 2), d(2029, 4, 2));
        assert!(compare_expiry(Some(x), Some(x), Some(x)).is_empty());
        assert!(compare_expiry(Some(x), None, Some(x)).is_empty());
        assert!(compare_expiry(None, None, None).is_empty());
        assert!(compare_expiry(Some(x), None, None).is_empty());

        let diffs = compare_expiry(Some(x), Some(y), Some(y));
        assert_eq!(
            diffs,
            vec![
                ExpiryDisagreement {
                    a: ExpirySource::Computed,
                    a_date: x,
                    b: ExpirySource::Printed,
                    b_date: y
                },
                ExpiryDisagreement {
                    a: ExpirySource::Computed,
                    a_date: x,
                    b: ExpirySource::Certificate,
                    b_date: y
                },
            ]
        );
        let diffs = compare_expiry(None, Some(x), Some(y));
        assert_eq!(diffs.len(), 1);
        assert_eq!(
            diffs[0].message(),
            "券面の有効期限 令和10年4月2日（2028-04-02）と証明書の有効期限 令和11年4月2日（2029-04-02）が一致しません"
        );
        let all_differ = compare_expiry(Some(x), Some(y), Some(d(2030, 1, 1)));
        assert_eq!(all_differ.len(), 3);
    }
}
