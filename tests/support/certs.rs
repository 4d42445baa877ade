//! Test HPKI certificates, generated at test time with rcgen under "kofu Test HPKI CA".
//! Nothing secret: fresh throw-away keys every time.
//!
//! Profile (DOMAIN.md §4): subject CN romaji + serialNumber; SAN directoryName CN kanji;
//! subjectDirectoryAttributes (2.5.29.9) with hcRole 1.0.17090.0.1 =
//! `CodedData { [0] OID 1.2.392.100495.1.6.1.1, [2] "Medical Doctor" }`; validity on JST days.

use std::time::Duration;

use der::oid::ObjectIdentifier;
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue, IsCa,
    Issuer, KeyPair, SerialNumber, date_time_ymd,
};

pub const CA_NAME: &str = "kofu Test HPKI CA";

/// The published JMA signing CA DN (data/issuers.toml `jma_sign_v2`); a test CA with this name
/// (and a throw-away key) makes a certificate shaped like JMA's own test certificates.
pub const JMA_SIGN_CA: &[(DnType, &str)] = &[
    (DnType::CountryName, "JP"),
    (DnType::OrganizationName, "Japan Medical Association"),
    (DnType::OrganizationalUnitName, "Digital Certificate Center"),
    (DnType::CommonName, "HPKI-01-HPKI_JV2-forNonRepudiation"),
];

/// Policy OID of HPKI signing end-entity certificates.
pub const POLICY_HPKI_SIGN: &str = "1.2.392.100495.1.5.1.1.0.1";

/// How the kanji name is encoded in the SAN directoryName.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KanjiEncoding {
    Utf8,
    Bmp,
}

#[derive(Debug, Clone)]
pub struct TestDoctor {
    pub romaji: String,
    pub kanji: Option<String>,
    pub kanji_encoding: KanjiEncoding,
    pub role: Option<String>,
    /// Validity as JST calendar days: from 00:00:00 JST of the first to 23:59:59 JST of the last.
    pub first_day: (i32, u8, u8),
    pub last_day: (i32, u8, u8),
    pub serial: Vec<u8>,
    /// Pad the certificate with a filler extension to about this many bytes (real cards
    /// carry RSA-2048 certificates of 1.5–2 KB; our ECDSA ones are smaller).
    pub pad_to: Option<usize>,
    /// Issuer DN; `None` = `C=JP, O=kofu test, CN=kofu Test HPKI CA`.
    pub issuer: Option<Vec<(DnType, String)>>,
    /// certificatePolicies OIDs (none by default).
    pub policies: Vec<String>,
}

impl TestDoctor {
    /// A certificate shaped like JMA's own test certificates: subject `C=JP, CN=<romaji>,
    /// serialNumber=…` only (no O), no kanji subjectAltName, issued by a CA named like the JMA
    /// signing CA, with the HPKI signing policy.
    pub fn jma_shaped() -> TestDoctor {
        TestDoctor {
            romaji: "Taro Nichii".into(),
            kanji: None,
            issuer: Some(
                JMA_SIGN_CA
                    .iter()
                    .map(|(t, v)| (t.clone(), (*v).to_string()))
                    .collect(),
            ),
            policies: vec![POLICY_HPKI_SIGN.to_string()],
            ..TestDoctor::default()
        }
    }
}

impl Default for TestDoctor {
    fn default() -> Self {
        TestDoctor {
            romaji: "Sanjushi Kagurazaka".into(),
            kanji: Some("神楽坂　三十四".into()),
            kanji_encoding: KanjiEncoding::Utf8,
            role: Some("Medical Doctor".into()),
            first_day: (2025, 4, 1),
            last_day: (2030, 3, 31),
            serial: vec![0x0A, 0x1B, 0x2C, 0x3D, 0x4E],
            pad_to: None,
            issuer: None,
            policies: Vec::new(),
        }
    }
}

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let n = body.len();
    if n < 0x80 {
        v.push(n as u8);
    } else if n < 0x100 {
        v.extend_from_slice(&[0x81, n as u8]);
    } else {
        v.push(0x82);
        v.extend_from_slice(&(n as u16).to_be_bytes());
    }
    v.extend_from_slice(body);
    v
}

fn oid(s: &str) -> Vec<u8> {
    tlv(0x06, ObjectIdentifier::new_unwrap(s).as_bytes())
}

/// `SEQUENCE { [4] EXPLICIT Name { SET { SEQUENCE { CN, string } } } }`.
pub fn san_directory_name(kanji: &str, enc: KanjiEncoding) -> Vec<u8> {
    let value = match enc {
        KanjiEncoding::Utf8 => tlv(0x0C, kanji.as_bytes()),
        KanjiEncoding::Bmp => {
            let b: Vec<u8> = kanji.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
            tlv(0x1E, &b)
        }
    };
    let atv = tlv(0x30, &[oid("2.5.4.3"), value].concat());
    let name = tlv(0x30, &tlv(0x31, &atv));
    tlv(0x30, &tlv(0xA4, &name))
}

/// subjectDirectoryAttributes with one hcRole attribute.
pub fn sda_hc_role(role: &str) -> Vec<u8> {
    let coded = tlv(
        0x30,
        &[
            tlv(0xA0, &oid("1.2.392.100495.1.6.1.1")),
            tlv(0xA2, &tlv(0x0C, role.as_bytes())),
        ]
        .concat(),
    );
    let attr = tlv(0x30, &[oid("1.0.17090.0.1"), tlv(0x31, &coded)].concat());
    tlv(0x30, &attr)
}

fn ca(name: Option<&[(DnType, String)]>) -> (CertificateParams, KeyPair) {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    match name {
        None => {
            dn.push(
                DnType::CountryName,
                DnValue::PrintableString("JP".try_into().unwrap()),
            );
            dn.push(DnType::OrganizationName, "kofu test");
            dn.push(DnType::CommonName, CA_NAME);
        }
        Some(attrs) => {
            for (t, v) in attrs {
                if *t == DnType::CountryName {
                    dn.push(
                        t.clone(),
                        DnValue::PrintableString(v.as_str().try_into().unwrap()),
                    );
                } else {
                    dn.push(t.clone(), v.as_str());
                }
            }
        }
    }
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = date_time_ymd(2040, 1, 1);
    (params, KeyPair::generate().expect("CA key"))
}

/// Issue a certificate for `d`; returns its DER.
pub fn issue(d: &TestDoctor) -> Vec<u8> {
    let (ca_params, ca_key) = ca(d.issuer.as_deref());
    let issuer = Issuer::new(ca_params, ca_key);
    let build = |pad: usize| {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CountryName,
            DnValue::PrintableString("JP".try_into().unwrap()),
        );
        dn.push(
            DnType::CommonName,
            DnValue::PrintableString(d.romaji.as_str().try_into().unwrap()),
        );
        dn.push(
            DnType::CustomDnType(vec![2, 5, 4, 5]),
            DnValue::PrintableString("MD0001234".try_into().unwrap()),
        );
        p.distinguished_name = dn;
        p.serial_number = Some(SerialNumber::from(d.serial.clone()));
        let (y, m, dd) = d.first_day;
        // 00:00:00 JST = 15:00:00Z the previous day.
        p.not_before = date_time_ymd(y, m, dd) - Duration::from_secs(9 * 3600);
        let (y, m, dd) = d.last_day;
        // 23:59:59 JST = 14:59:59Z the same day.
        p.not_after = date_time_ymd(y, m, dd) + Duration::from_secs(14 * 3600 + 59 * 60 + 59);
        if let Some(k) = &d.kanji {
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[2, 5, 29, 17],
                san_directory_name(k, d.kanji_encoding),
            ));
        }
        if let Some(r) = &d.role {
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[2, 5, 29, 9],
                sda_hc_role(r),
            ));
        }
        if !d.policies.is_empty() {
            // certificatePolicies: SEQUENCE OF PolicyInformation { policyIdentifier }.
            let infos: Vec<u8> = d.policies.iter().flat_map(|p| tlv(0x30, &oid(p))).collect();
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[2, 5, 29, 32],
                tlv(0x30, &infos),
            ));
        }
        if pad > 0 {
            // A private, non-critical filler extension (OCTET STRING of zeros).
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 4, 1, 99999, 1],
                tlv(0x04, &vec![0u8; pad]),
            ));
        }
        let key = KeyPair::generate().expect("EE key");
        p.signed_by(&key, &issuer).expect("sign").der().to_vec()
    };
    let first = build(0);
    match d.pad_to {
        Some(target) if target > first.len() + 16 => {
            // ECDSA signatures vary by a byte or two; get close to the target.
            build(target - first.len() - 12)
        }
        _ => first,
    }
}

/// The default test doctor's certificate.
pub fn doctor_cert() -> Vec<u8> {
    issue(&TestDoctor::default())
}
