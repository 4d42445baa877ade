//! HPKI certificate parsing: the facts the desk needs, never a panic on arbitrary bytes.

use chrono::{DateTime, FixedOffset, NaiveDate};
use der::Decode;
use der::oid::ObjectIdentifier;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{CertificatePolicies, SubjectAltName};
use x509_cert::time::Time;

use super::CardError;
use crate::domain::card_facts::CertificateFacts;

/// subjectAltName.
const OID_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
/// subjectDirectoryAttributes.
const OID_SDA: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.9");
/// certificatePolicies.
const OID_POLICIES: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32");
/// ISO 17090 hcRole attribute.
pub const OID_HC_ROLE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.0.17090.0.1");

/// Largest certificate we accept from a card.
pub const MAX_CERT_LEN: usize = 16 * 1024;

/// From the first bytes of a DER certificate (`30 82 LL LL` …), the total length of the
/// encoding including its header. `None` while fewer bytes than needed are known.
pub fn der_total_len(head: &[u8]) -> Result<Option<usize>, CardError> {
    let Some(&tag) = head.first() else {
        return Ok(None);
    };
    if tag != 0x30 {
        return Err(CardError::Malformed(format!(
            "証明書の先頭が SEQUENCE ではありません（{tag:02X}）"
        )));
    }
    let Some(&l0) = head.get(1) else {
        return Ok(None);
    };
    let total = match l0 {
        0x00..=0x7F => 2 + usize::from(l0),
        0x81 => match head.get(2) {
            Some(&l) => 3 + usize::from(l),
            None => return Ok(None),
        },
        0x82 => match (head.get(2), head.get(3)) {
            (Some(&h), Some(&l)) => 4 + usize::from(u16::from_be_bytes([h, l])),
            _ => return Ok(None),
        },
        _ => {
            return Err(CardError::Malformed(format!(
                "証明書の長さが不正です（{l0:02X}）"
            )));
        }
    };
    if total > MAX_CERT_LEN {
        return Err(CardError::Malformed(format!(
            "証明書が大きすぎます（{total} バイト）"
        )));
    }
    Ok(Some(total))
}

/// Parse a DER certificate into the facts the desk shows and stores.
pub fn parse_certificate(der_bytes: &[u8]) -> Result<CertificateFacts, CardError> {
    let cert =
        Certificate::from_der(der_bytes).map_err(|e| CardError::Malformed(format!("DER: {e}")))?;
    let tbs = cert.tbs_certificate();

    let serial_hex =
        crate::domain::card_facts::canonical_serial(&hex::encode(tbs.serial_number().as_bytes()));
    let issuer = tbs.issuer().to_string();
    let subject_cn = tbs
        .subject()
        .common_name()
        .ok()
        .flatten()
        .map(|cn| cn.value().into_owned())
        .ok_or_else(|| CardError::Malformed("subject に CN がありません".into()))?;

    let mut name_kanji = None;
    let mut role = None;
    let mut policies = Vec::new();
    if let Some(exts) = tbs.extensions() {
        for ext in exts {
            if ext.extn_id == OID_SAN && name_kanji.is_none() {
                name_kanji = san_directory_cn(ext.extn_value.as_bytes());
            } else if ext.extn_id == OID_SDA && role.is_none() {
                role = hc_role(ext.extn_value.as_bytes());
            } else if ext.extn_id == OID_POLICIES && policies.is_empty() {
                // An unparsable policies extension is not a reason to refuse the card.
                if let Ok(p) = CertificatePolicies::from_der(ext.extn_value.as_bytes()) {
                    policies =
                        p.0.iter()
                            .map(|i| i.policy_identifier.to_string())
                            .collect();
                }
            }
        }
    }

    let validity = tbs.validity();
    Ok(CertificateFacts {
        serial_hex,
        issuer,
        subject_cn,
        name_kanji,
        role,
        not_before: jst_date(&validity.not_before)?,
        not_after: jst_date(&validity.not_after)?,
        policies,
    })
}

/// The calendar date in Japan (UTC+9) of a certificate time.
pub fn jst_date(t: &Time) -> Result<NaiveDate, CardError> {
    let secs = i64::try_from(t.to_unix_duration().as_secs())
        .map_err(|_| CardError::Malformed("有効期限が範囲外です".into()))?;
    let utc = DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| CardError::Malformed("有効期限が範囲外です".into()))?;
    let jst = FixedOffset::east_opt(9 * 3600).ok_or_else(|| CardError::Malformed("JST".into()))?;
    Ok(utc.with_timezone(&jst).date_naive())
}

/// First CN of a directoryName in a subjectAltName extension value.
fn san_directory_cn(value: &[u8]) -> Option<String> {
    let san = SubjectAltName::from_der(value).ok()?;
    san.0.iter().find_map(|gn| match gn {
        GeneralName::DirectoryName(name) => name
            .common_name()
            .ok()
            .flatten()
            .map(|cn| cn.value().into_owned()),
        _ => None,
    })
}

/// hcRole `codeDataFreeText` from a subjectDirectoryAttributes extension value.
///
/// `SEQUENCE OF Attribute { type OID, values SET OF value }`; the hcRole value is
/// `CodedData { codingSchemeReference [0] OID, …, codeDataFreeText [2] DirectoryString }`,
/// possibly wrapped (HCActorData / HCActor). Decoded by hand; explicit and implicit `[2]` both work.
pub fn hc_role(value: &[u8]) -> Option<String> {
    let (seq, _) = tlv::parse(value)?;
    if seq.tag != 0x30 {
        return None;
    }
    for attr in tlv::children(seq.value)? {
        if attr.tag != 0x30 {
            continue;
        }
        let parts = tlv::children(attr.value)?;
        let (Some(oid), Some(set)) = (parts.first(), parts.get(1)) else {
            continue;
        };
        if oid.tag != 0x06 || oid.value != OID_HC_ROLE.as_bytes() || set.tag != 0x31 {
            continue;
        }
        for v in tlv::children(set.value)? {
            if let Some(text) = free_text(&v, 0) {
                return Some(text);
            }
        }
    }
    None
}

fn free_text(node: &tlv::Tlv<'_>, depth: usize) -> Option<String> {
    if depth > 8 || !node.constructed() {
        return None;
    }
    let kids = tlv::children(node.value)?;
    // CodedData: codingSchemeReference [0] … codeDataFreeText [2], whatever the tagging.
    let has_scheme = kids.iter().any(|k| k.tag == 0xA0 || k.tag == 0x80);
    if has_scheme {
        for k in &kids {
            match k.tag {
                // [2] EXPLICIT DirectoryString
                0xA2 => {
                    if let Some((inner, _)) = tlv::parse(k.value)
                        && let Some(text) = tlv::string(&inner)
                    {
                        return Some(text);
                    }
                }
                // [2] IMPLICIT (primitive): raw characters
                0x82 => return String::from_utf8(k.value.to_vec()).ok(),
                _ => {}
            }
        }
    }
    kids.iter().find_map(|k| free_text(k, depth + 1))
}

/// A minimal, panic-free BER/DER TLV reader (single-byte tags, definite lengths).
pub mod tlv {
    #[derive(Debug, Clone, Copy)]
    pub struct Tlv<'a> {
        pub tag: u8,
        pub value: &'a [u8],
    }

    impl Tlv<'_> {
        pub fn constructed(&self) -> bool {
            self.tag & 0x20 != 0
        }
    }

    /// One TLV from the front of `input`, and the rest.
    pub fn parse(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
        let (&tag, rest) = input.split_first()?;
        if tag & 0x1F == 0x1F {
            return None; // high tag numbers are not used here
        }
        let (&l0, rest) = rest.split_first()?;
        let (len, rest) = if l0 < 0x80 {
            (usize::from(l0), rest)
        } else {
            let n = usize::from(l0 & 0x7F);
            if n == 0 || n > 3 {
                return None;
            }
            let bytes = rest.get(..n)?;
            let len = bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            (len, rest.get(n..)?)
        };
        let value = rest.get(..len)?;
        Some((Tlv { tag, value }, rest.get(len..)?))
    }

    /// All TLVs in `input` (which must be consumed exactly).
    pub fn children(mut input: &[u8]) -> Option<Vec<Tlv<'_>>> {
        let mut out = Vec::new();
        while !input.is_empty() {
            let (t, rest) = parse(input)?;
            out.push(t);
            input = rest;
        }
        Some(out)
    }

    /// Decode a string TLV (UTF8String, PrintableString, IA5String, TeletexString, BMPString).
    pub fn string(t: &Tlv<'_>) -> Option<String> {
        match t.tag {
            0x0C | 0x13 | 0x16 | 0x14 => String::from_utf8(t.value.to_vec()).ok(),
            0x1E => {
                if !t.value.len().is_multiple_of(2) {
                    return None;
                }
                let units: Vec<u16> = t
                    .value
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&units).ok()
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn der_length_header() {
        assert_eq!(der_total_len(&[]).unwrap(), None);
        assert_eq!(der_total_len(&[0x30]).unwrap(), None);
        assert_eq!(der_total_len(&[0x30, 0x82, 0x07]).unwrap(), None);
        assert_eq!(
            der_total_len(&[0x30, 0x82, 0x07, 0xD0]).unwrap(),
            Some(2004)
        );
        assert_eq!(der_total_len(&[0x30, 0x81, 0x90]).unwrap(), Some(0x93));
        assert_eq!(der_total_len(&[0x30, 0x10]).unwrap(), Some(0x12));
        assert!(der_total_len(&[0x31, 0x82, 0x07, 0xD0]).is_err());
        assert!(der_total_len(&[0x30, 0x84, 0, 0, 0, 1]).is_err());
        assert!(der_total_len(&[0x30, 0x82, 0xFF, 0xFF]).is_err());
    }

    fn enc(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        if body.len() < 0x80 {
            v.push(body.len() as u8);
        } else {
            v.push(0x82);
            v.extend_from_slice(&(body.len() as u16).to_be_bytes());
        }
        v.extend_from_slice(body);
        v
    }

    fn sda_with(value: Vec<u8>) -> Vec<u8> {
        let oid = enc(0x06, OID_HC_ROLE.as_bytes());
        let set = enc(0x31, &value);
        let attr = enc(0x30, &[oid, set].concat());
        enc(0x30, &attr)
    }

    fn scheme_oid() -> Vec<u8> {
        let oid = ObjectIdentifier::new_unwrap("1.2.392.100495.1.6.1.1");
        enc(0xA0, &enc(0x06, oid.as_bytes()))
    }

    #[test]
    fn hc_role_explicit_utf8() {
        let text = enc(0xA2, &enc(0x0C, b"Medical Doctor"));
        let coded = enc(0x30, &[scheme_oid(), text].concat());
        assert_eq!(hc_role(&sda_with(coded)).as_deref(), Some("Medical Doctor"));
    }

    #[test]
    fn hc_role_implicit_and_wrapped() {
        let text = enc(0x82, b"Medical Doctor");
        let coded = enc(0x30, &[scheme_oid(), text].concat());
        // HCActor ::= SEQUENCE { codedData [0] CodedData }, explicit …
        let actor = enc(0x30, &enc(0xA0, &coded));
        assert_eq!(hc_role(&sda_with(actor)).as_deref(), Some("Medical Doctor"));
        // … and implicit ([0] replaces the CodedData SEQUENCE tag).
        let inner = [scheme_oid(), enc(0x82, b"Medical Doctor")].concat();
        let actor = enc(0x30, &enc(0xA0, &inner));
        assert_eq!(hc_role(&sda_with(actor)).as_deref(), Some("Medical Doctor"));
    }

    #[test]
    fn hc_role_bmp_string() {
        let bmp: Vec<u8> = "医師"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let text = enc(0xA2, &enc(0x1E, &bmp));
        let coded = enc(0x30, &[scheme_oid(), text].concat());
        assert_eq!(hc_role(&sda_with(coded)).as_deref(), Some("医師"));
    }

    #[test]
    fn hc_role_other_attribute_is_ignored() {
        let oid = enc(0x06, ObjectIdentifier::new_unwrap("1.2.3.4").as_bytes());
        let text = enc(0xA2, &enc(0x0C, b"Nurse"));
        let coded = enc(0x30, &[scheme_oid(), text].concat());
        let attr = enc(0x30, &[oid, enc(0x31, &coded)].concat());
        assert_eq!(hc_role(&enc(0x30, &attr)), None);
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(
            parse_certificate(&[]),
            Err(CardError::Malformed(_))
        ));
        assert!(matches!(
            parse_certificate(&[0x30, 0x03, 0x02, 0x01, 0x01]),
            Err(CardError::Malformed(_))
        ));
    }

    #[test]
    fn jst_day_boundary() {
        let jst = |secs: u64| {
            let t = Time::UtcTime(
                der::asn1::UtcTime::from_unix_duration(std::time::Duration::from_secs(secs))
                    .unwrap(),
            );
            jst_date(&t).unwrap()
        };
        // 2026-03-31T15:00:00Z is 2026-04-01 00:00 JST.
        assert_eq!(
            jst(1_774_969_200),
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
        );
        // One second earlier is still 31 March in Japan.
        assert_eq!(
            jst(1_774_969_199),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
        );
    }

    proptest! {
        #[test]
        fn parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse_certificate(&bytes);
            let _ = hc_role(&bytes);
            let _ = der_total_len(&bytes);
            let _ = tlv::children(&bytes);
        }

        #[test]
        fn sequence_prefixed_garbage_never_panics(body in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut der = vec![0x30, 0x82];
            der.extend_from_slice(&(body.len() as u16).to_be_bytes());
            der.extend_from_slice(&body);
            let _ = parse_certificate(&der);
            let _ = hc_role(&der);
        }
    }
}
