//! Pure domain types and rules. No I/O here: no rusqlite, pcsc or ratatui.

pub mod calendar;
pub mod card_facts;
pub mod date;
pub mod date_rules;
pub mod expiry;
pub mod failure;
pub mod fees;
pub mod handover;
pub mod iddocs;
pub mod issuers;
pub mod ledger;
pub mod manifest;
pub mod matching;
pub mod office;
pub mod reader_events;
pub mod readers;
pub mod reasons;
pub mod record;
pub mod reference;
pub mod rules;
pub mod search;
pub mod state;

pub use state::{CardState, ReceiptStatus, TransitionError};

use serde::{Deserialize, Serialize};

/// 会員区分: Japan Medical Association membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    Member,
    NonMember,
}

impl Membership {
    pub fn label(self) -> &'static str {
        match self {
            Membership::Member => "会員",
            Membership::NonMember => "非会員",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Membership::Member => "member",
            Membership::NonMember => "non_member",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "会員" | "member" | "日医会員" => Some(Membership::Member),
            "非会員" | "non_member" | "nonmember" | "日医非会員" => {
                Some(Membership::NonMember)
            }
            _ => None,
        }
    }
}

/// 交付方法 planned in the manifest: at the counter or by restricted-delivery mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    Counter,
    Mail,
}

impl Route {
    pub fn label(self) -> &'static str {
        match self {
            Route::Counter => "窓口",
            Route::Mail => "郵送",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Counter => "counter",
            Route::Mail => "mail",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "窓口" | "窓口交付" | "counter" => Some(Route::Counter),
            "郵送" | "本人限定受取郵便" | "mail" => Some(Route::Mail),
            _ => None,
        }
    }
}
