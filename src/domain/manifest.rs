//! Shipping-list (manifest) column profiles: which header names mean which field, read from
//! `data/manifest-profiles/*.toml` (JMACA's format is not published: DOMAIN.md §7).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The fields a manifest row can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    CardId,
    Name,
    Kana,
    BirthDate,
    IssueDate,
    ExpiryDate,
    Romaji,
    Membership,
    Route,
    CertSerial,
    Note,
    RegistrationQr,
    IssueType,
    PreviousExpiry,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::CardId,
        Field::Name,
        Field::Kana,
        Field::BirthDate,
        Field::IssueDate,
        Field::ExpiryDate,
        Field::Romaji,
        Field::Membership,
        Field::Route,
        Field::CertSerial,
        Field::Note,
        Field::RegistrationQr,
        Field::IssueType,
        Field::PreviousExpiry,
    ];
    pub fn required(self) -> bool {
        matches!(
            self,
            Field::CardId
                | Field::Name
                | Field::Kana
                | Field::BirthDate
                | Field::IssueDate
                | Field::ExpiryDate
        )
    }
    pub fn key(self) -> &'static str {
        match self {
            Field::CardId => "card_id",
            Field::Name => "name",
            Field::Kana => "kana",
            Field::BirthDate => "birth_date",
            Field::IssueDate => "issue_date",
            Field::ExpiryDate => "expiry_date",
            Field::Romaji => "romaji",
            Field::Membership => "membership",
            Field::Route => "route",
            Field::CertSerial => "cert_serial",
            Field::Note => "note",
            Field::RegistrationQr => "registration_qr",
            Field::IssueType => "issue_type",
            Field::PreviousExpiry => "previous_expiry",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Field::CardId => "カードID",
            Field::Name => "氏名",
            Field::Kana => "フリガナ",
            Field::BirthDate => "生年月日",
            Field::IssueDate => "発行日",
            Field::ExpiryDate => "有効期限",
            Field::Romaji => "ローマ字氏名",
            Field::Membership => "会員区分",
            Field::Route => "交付方法",
            Field::CertSerial => "証明書シリアル",
            Field::Note => "備考",
            Field::RegistrationQr => "初期登録QR",
            Field::IssueType => "発行区分",
            Field::PreviousExpiry => "旧有効期限",
        }
    }
}

/// A column profile: which headers mean which field, and the card-ID pattern.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestProfile {
    pub name: String,
    #[serde(default)]
    pub label: String,
    /// Regular expression a card ID must match (after NFKC and trimming).
    pub card_id_pattern: String,
    /// Header names (any of them) per field key (`card_id`, `name`, …).
    pub columns: HashMap<String, Vec<String>>,
    /// Headers that may appear and are ignored.
    #[serde(default)]
    pub ignore_columns: Vec<String>,
    #[serde(skip)]
    card_id_re: Option<regex_lite::Regex>,
}

/// Profiles are equal when what their file says is equal (the regex is compiled from
/// `card_id_pattern`), so the rule bundle they are part of can be compared.
impl PartialEq for ManifestProfile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.label == other.label
            && self.card_id_pattern == other.card_id_pattern
            && self.columns == other.columns
            && self.ignore_columns == other.ignore_columns
    }
}

impl Eq for ManifestProfile {}

impl ManifestProfile {
    /// Parse a profile; `origin` names the file in error messages.
    pub fn from_toml(s: &str, origin: &str) -> Result<Self, String> {
        let mut p: ManifestProfile =
            toml::from_str(s).map_err(|e| format!("{origin}: 列プロファイルを読めません: {e}"))?;
        for key in p.columns.keys() {
            if !Field::ALL.iter().any(|f| f.key() == key) {
                return Err(format!("{origin}: 不明な項目名です: {key}"));
            }
        }
        for f in Field::ALL.iter().filter(|f| f.required()) {
            if p.columns.get(f.key()).is_none_or(|v| v.is_empty()) {
                return Err(format!(
                    "{origin}: 必須項目 {}（{}）の列名がありません",
                    f.label(),
                    f.key()
                ));
            }
        }
        let re = regex_lite::Regex::new(&p.card_id_pattern)
            .map_err(|e| format!("{origin}: card_id_pattern が正規表現として読めません: {e}"))?;
        p.card_id_re = Some(re);
        Ok(p)
    }

    pub(crate) fn field_for_header(&self, header: &str) -> Option<Field> {
        let h = header_key(header);
        Field::ALL.into_iter().find(|f| {
            self.columns
                .get(f.key())
                .is_some_and(|names| names.iter().any(|n| header_key(n) == h))
        })
    }

    pub(crate) fn card_id_ok(&self, id: &str) -> bool {
        self.card_id_re.as_ref().is_some_and(|re| re.is_match(id))
    }
}

pub(crate) fn header_key(h: &str) -> String {
    h.nfkc()
        .filter(|c| !c.is_whitespace())
        .flat_map(|c| c.to_lowercase())
        .collect()
}
