//! Demo card tray: cards built from the selected record so that every match outcome can be
//! shown without a real card (the runtime places them on the simulated reader).

use crate::domain::card_facts::{CertificateFacts, PinStatus};
use crate::domain::record::CardRecord;

/// Which card the demo tray places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoCardKind {
    /// The physician's own card (matches the record).
    Matching,
    /// Somebody else's card.
    OtherPerson,
    /// The same person, but the card prints a variant kanji (髙/高 …).
    VariantKanji,
    /// The right card with a blocked PIN.
    PinBlocked,
    /// A smart card without the HPKI application.
    NonHpki,
}

impl DemoCardKind {
    pub fn from_digit(n: u8) -> Option<Self> {
        Some(match n {
            1 => DemoCardKind::Matching,
            2 => DemoCardKind::OtherPerson,
            3 => DemoCardKind::VariantKanji,
            4 => DemoCardKind::PinBlocked,
            5 => DemoCardKind::NonHpki,
            _ => return None,
        })
    }
}

/// A simulated card: the certificate (none for a non-HPKI card) and the PIN counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCardSpec {
    pub kind: DemoCardKind,
    /// Record the card was made for.
    pub record_id: i64,
    pub facts: Option<CertificateFacts>,
    pub pin: PinStatus,
}

/// Issuer used for demo certificates (the runtime may substitute a known issuer from data/).
pub const DEMO_ISSUER: &str = "CN=HPKI-01-HPKI_JV2-forNonRepudiation,OU=Digital Certificate Center,O=Japan Medical Association,C=JP";

/// Pairs (usual form, variant form) used to make a variant-kanji card.
const VARIANTS: &[(char, char)] = &[
    ('高', '髙'),
    ('崎', '﨑'),
    ('辺', '邊'),
    ('浜', '濵'),
    ('斎', '齋'),
    ('吉', '𠮷'),
    ('沢', '澤'),
    ('島', '嶋'),
    ('髙', '高'),
    ('﨑', '崎'),
    ('邊', '辺'),
    ('濵', '浜'),
    ('齋', '斎'),
    ('澤', '沢'),
    ('嶋', '島'),
];

/// Kanji name with family and given separated by U+3000, as the certificate carries it.
fn card_kanji(name: &str) -> String {
    let parts: Vec<&str> = name
        .split([' ', '\u{3000}'])
        .filter(|p| !p.is_empty())
        .collect();
    parts.join("\u{3000}")
}

fn variant_of(name: &str) -> String {
    let mut done = false;
    name.chars()
        .map(|c| {
            if done {
                return c;
            }
            match VARIANTS.iter().find(|(a, _)| *a == c) {
                Some((_, v)) => {
                    done = true;
                    *v
                }
                None => c,
            }
        })
        .collect()
}

fn serial_for(record: &CardRecord) -> String {
    record
        .cert_serial
        .clone()
        .unwrap_or_else(|| format!("de{:014x}", record.id))
}

/// Build the demo card of `kind` for `record`.
pub fn card_for(kind: DemoCardKind, record: &CardRecord) -> DemoCardSpec {
    let full_pin = PinStatus {
        tries_left: Some(15),
        blocked: false,
    };
    let own = CertificateFacts {
        serial_hex: serial_for(record),
        issuer: DEMO_ISSUER.to_string(),
        subject_cn: record.romaji.clone().unwrap_or_default(),
        name_kanji: Some(card_kanji(&record.name)),
        role: Some("Medical Doctor".to_string()),
        not_before: record.issue_date,
        not_after: record.expiry_date,
        policies: Vec::new(),
    };
    let (facts, pin) = match kind {
        DemoCardKind::Matching => (Some(own), full_pin),
        DemoCardKind::VariantKanji => {
            let mut f = own;
            f.name_kanji = Some(card_kanji(&variant_of(&record.name)));
            (Some(f), full_pin)
        }
        DemoCardKind::PinBlocked => (
            Some(own),
            PinStatus {
                tries_left: Some(0),
                blocked: true,
            },
        ),
        DemoCardKind::OtherPerson => (
            Some(CertificateFacts {
                serial_hex: format!("f{:014x}", record.id.wrapping_mul(7919)),
                issuer: DEMO_ISSUER.to_string(),
                subject_cn: "Hanako Betsujin".to_string(),
                name_kanji: Some("別人\u{3000}花子".to_string()),
                role: Some("Medical Doctor".to_string()),
                not_before: record.issue_date,
                not_after: record.expiry_date,
                policies: Vec::new(),
            }),
            full_pin,
        ),
        DemoCardKind::NonHpki => (None, full_pin),
    };
    DemoCardSpec {
        kind,
        record_id: record.id,
        facts,
        pin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_changes_exactly_one_character() {
        assert_eq!(variant_of("高橋 一郎"), "髙橋 一郎");
        assert_eq!(variant_of("山田 太郎"), "山田 太郎");
        assert_eq!(card_kanji("高橋 一郎"), "高橋\u{3000}一郎");
    }
}
