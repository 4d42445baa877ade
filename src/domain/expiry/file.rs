//! The raw `rules.toml` tables of the expiry rules and their checked conversion into
//! [`ExpiryRules`].

use super::{ExpiryKind, ExpiryRule, ExpiryRules, Feb29, IssueType, RenewalRule, RulesError};
use crate::domain::date::{de_date, de_opt_date};
use chrono::NaiveDate;
use serde::Deserialize;

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
}

/// A `feb29` value (absent: Feb 28); the bad value, quoted with the choices, otherwise.
fn feb29(value: Option<&str>) -> Result<Feb29, String> {
    match value {
        None => Ok(Feb29::Feb28),
        Some(s) => Feb29::parse(s).ok_or_else(|| format!("「{s}」（feb28 または mar1）")),
    }
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
        let feb29 = feb29(self.feb29.as_deref()).map_err(|value| bad("feb29", value))?;
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
        let feb29 = feb29(self.feb29.as_deref()).map_err(|value| RulesError::BadValue {
            id: id.clone(),
            field: "feb29",
            value,
        })?;
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
