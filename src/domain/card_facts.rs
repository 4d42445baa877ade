//! What a card reading tells us, as plain data (produced by `card`, consumed by `matching` and the UI).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Facts parsed from the HPKI certificate on a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateFacts {
    /// Certificate serial number in its one form ([`canonical_serial`]).
    pub serial_hex: String,
    /// Issuer DN as a readable string (RFC 4514 style).
    pub issuer: String,
    /// Subject CN: the name in romaji, e.g. `Sanjushi Kagurazaka`.
    pub subject_cn: String,
    /// subjectAltName directoryName CN: the name in kanji, family and given separated by U+3000.
    pub name_kanji: Option<String>,
    /// hcRole codeDataFreeText, e.g. `Medical Doctor`.
    pub role: Option<String>,
    /// Validity as JST dates.
    pub not_before: NaiveDate,
    pub not_after: NaiveDate,
    /// certificatePolicies OIDs (dotted), in certificate order.
    #[serde(default)]
    pub policies: Vec<String>,
}

/// Result of the PIN retry-counter probe (empty VERIFY; never a PIN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinStatus {
    /// Tries left (0–15) when the card reported them.
    pub tries_left: Option<u8>,
    pub blocked: bool,
}

/// Which HPKI application the certificate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HpkiApplication {
    Auth,
    Sign,
}

/// A complete reading of one card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardReading {
    pub reader: String,
    /// ATR, upper-case hex.
    pub atr: String,
    /// Contactless UID (diagnostics only, never an identity).
    pub uid: Option<String>,
    pub application: HpkiApplication,
    pub certificate: CertificateFacts,
    pub pin: PinStatus,
}

/// The one form of a certificate serial number, wherever it is stored, compared, shown or
/// exported: lower-case hex of the number, without separators or leading zeros
/// (`0F:00:…:1E:EF`, `0f00…1eef` and `f00…1eef` are all `f00…1eef`; zero is `0`).
pub fn canonical_serial(s: &str) -> String {
    let hex: String = s
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() && !hex.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}
