//! 未交付: cards still at the desk, their contacts and what is due (see [`UncollectedRules`]).

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::UncollectedRules;
use crate::domain::record::CardRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    Phone,
    Letter,
    Mail,
}

impl ContactMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactMethod::Phone => "phone",
            ContactMethod::Letter => "letter",
            ContactMethod::Mail => "mail",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ContactMethod::Phone => "電話",
            ContactMethod::Letter => "郵便",
            ContactMethod::Mail => "メール",
        }
    }
    pub fn parse(s: &str) -> Option<ContactMethod> {
        match s.trim() {
            "phone" | "電話" => Some(ContactMethod::Phone),
            "letter" | "郵便" | "手紙" => Some(ContactMethod::Letter),
            "mail" | "email" | "メール" => Some(ContactMethod::Mail),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: i64,
    pub on: NaiveDate,
    pub method: ContactMethod,
    pub note: Option<String>,
    pub officer_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueAction {
    Notice,
    Renotice,
    Return,
}

impl DueAction {
    pub fn as_str(self) -> &'static str {
        match self {
            DueAction::Notice => "notice",
            DueAction::Renotice => "renotice",
            DueAction::Return => "return",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DueAction::Notice => "連絡",
            DueAction::Renotice => "再連絡",
            DueAction::Return => "返却",
        }
    }
}

/// A card at the desk with its uncollected-card facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UncollectedCard {
    pub card: CardRecord,
    /// Days since 到着日 (JST).
    pub days: i64,
    pub contacts: Vec<Contact>,
    /// 保留 reason.
    pub hold: Option<String>,
    /// The live return batch the card is packed in.
    pub in_batch: Option<String>,
    pub appointment: Option<NaiveDateTime>,
    /// The action due today, if any (never for held or packed cards).
    pub due: Option<DueAction>,
}

/// What is due for a card `days` after arrival whose latest contact was `last_contact_age` days ago.
pub fn due_action(
    rules: &UncollectedRules,
    days: i64,
    contacts: usize,
    last_contact_age: Option<i64>,
) -> Option<DueAction> {
    if days >= i64::from(rules.return_days) {
        Some(DueAction::Return)
    } else if days >= i64::from(rules.renotice_days)
        && contacts > 0
        && last_contact_age.is_some_and(|a| a >= i64::from(rules.renotice_days - rules.notice_days))
    {
        Some(DueAction::Renotice)
    } else if days >= i64::from(rules.notice_days) && contacts == 0 {
        Some(DueAction::Notice)
    } else {
        None
    }
}
