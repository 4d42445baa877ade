//! Known HPKI issuers and certificate policies (`data/issuers.toml`).
//!
//! An issuer DN is "known" when every `match` text of one entry occurs in it, compared through
//! [`search_key`] (NFKC, case and whitespace ignored). An unknown issuer is a notice at the desk,
//! never a block. Pure: no I/O.

use serde::{Deserialize, Serialize};

use super::search::search_key;

const ISSUERS_TOML: &str = include_str!("../../data/issuers.toml");

/// How sure we are of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactStatus {
    /// Seen in a published certificate.
    Confirmed,
    /// Derived from a pattern, never seen (未確認).
    Inferred,
    /// kofu's own test CA.
    Test,
}

impl FactStatus {
    pub fn label(self) -> &'static str {
        match self {
            FactStatus::Confirmed => "確認済み",
            FactStatus::Inferred => "未確認",
            FactStatus::Test => "テスト用",
        }
    }
}

/// One known issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerEntry {
    pub id: String,
    pub label: String,
    /// "root" or "ca".
    #[serde(default = "default_role")]
    pub role: String,
    #[serde(default)]
    pub dn: String,
    /// Texts that must all occur in the issuer DN.
    #[serde(rename = "match")]
    pub match_all: Vec<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub valid: Option<String>,
    pub status: FactStatus,
    #[serde(default)]
    pub source: String,
}

fn default_role() -> String {
    "ca".into()
}

impl IssuerEntry {
    /// The label with 「（未確認）」 appended for an inferred entry.
    pub fn display(&self) -> String {
        match self.status {
            FactStatus::Inferred => format!("{}（未確認）", self.label),
            _ => self.label.clone(),
        }
    }

    fn matches(&self, issuer_key: &str) -> bool {
        let keys: Vec<String> = self.match_all.iter().map(|m| search_key(m)).collect();
        !keys.is_empty() && keys.iter().all(|k| !k.is_empty() && issuer_key.contains(k))
    }
}

/// One known certificate policy OID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyEntry {
    pub oid: String,
    pub label: String,
    pub status: FactStatus,
    #[serde(default)]
    pub source: String,
}

/// Issuers and policies considered known (data/issuers.toml).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownIssuers {
    #[serde(default, rename = "issuer")]
    pub issuers: Vec<IssuerEntry>,
    #[serde(default, rename = "policy")]
    pub policies: Vec<PolicyEntry>,
    /// The old format (`names = [...]`, a bare substring each), still read so an edited copy
    /// of an older file keeps working.
    #[serde(default)]
    pub names: Vec<String>,
}

impl KnownIssuers {
    /// Parse the text of `issuers.toml`.
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        let known: KnownIssuers = toml::from_str(text)?;
        Ok(known)
    }

    /// The list shipped in `data/issuers.toml` (empty if that file were malformed; a test guards it).
    /// For tests and card-only tools: the program reads the issuers of its data set
    /// (`Rules::issuers`, loaded or refused at start), never this fallback.
    pub fn builtin() -> Self {
        Self::from_toml(ISSUERS_TOML).unwrap_or_default()
    }

    /// The known entry an issuer DN belongs to.
    pub fn find(&self, issuer: &str) -> Option<&IssuerEntry> {
        let key = search_key(issuer);
        self.issuers.iter().find(|e| e.matches(&key))
    }

    /// Whether an issuer DN is known (an entry matches, or a legacy bare name occurs in it).
    /// Blank names never match.
    pub fn contains(&self, issuer: &str) -> bool {
        if self.find(issuer).is_some() {
            return true;
        }
        let key = search_key(issuer);
        self.names
            .iter()
            .map(|n| search_key(n))
            .any(|n| !n.is_empty() && key.contains(&n))
    }

    /// The known label of a policy OID.
    pub fn policy(&self, oid: &str) -> Option<&PolicyEntry> {
        self.policies.iter().find(|p| p.oid == oid.trim())
    }

    /// A policy OID with its label, e.g. `1.2.392.100495.1.5.1.1.0.1（HPKI 署名用証明書ポリシー）`.
    pub fn policy_text(&self, oid: &str) -> String {
        match self.policy(oid) {
            Some(p) if p.status == FactStatus::Inferred => format!("{oid}（{}・未確認）", p.label),
            Some(p) => format!("{oid}（{}）", p.label),
            None => format!("{oid}（未登録のポリシー）"),
        }
    }
}

/// The officer's message for an issuer not in the list, with the DN to paste.
pub fn unknown_issuer_message(issuer: &str) -> String {
    format!("未登録の発行者 — data/issuers.toml に追加できます（dn = \"{issuer}\"）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_parses_with_the_published_names() {
        let k = KnownIssuers::from_toml(ISSUERS_TOML).expect("shipped issuers.toml parses");
        let root = k.issuers.iter().find(|e| e.id == "mhlw_root_v2").unwrap();
        assert_eq!(root.role, "root");
        assert_eq!(root.status, FactStatus::Confirmed);
        assert!(root.sha256.as_deref().unwrap().starts_with("6E:D2:79:6B"));
        assert!(root.sha256.as_deref().unwrap().ends_with("67:4C"));
        let sign = k.issuers.iter().find(|e| e.id == "jma_sign_v2").unwrap();
        assert_eq!(sign.status, FactStatus::Confirmed);
        assert!(sign.sha256.as_deref().unwrap().starts_with("5E:BD:DC:82"));
        let auth = k.issuers.iter().find(|e| e.id == "jma_auth_v2").unwrap();
        assert_eq!(auth.status, FactStatus::Inferred);
        assert!(auth.display().ends_with("（未確認）"));
        for e in &k.issuers {
            if let Some(fp) = &e.sha256 {
                assert_eq!(fp.split(':').count(), 32, "{}", e.id);
                assert!(
                    fp.split(':')
                        .all(|b| b.len() == 2 && u8::from_str_radix(b, 16).is_ok())
                );
            }
        }
        assert_eq!(
            k.policy("1.2.392.100495.1.5.1.1.0.1").unwrap().status,
            FactStatus::Confirmed
        );
        assert_eq!(
            k.policy("1.2.392.100495.1.5.1.2.0.1").unwrap().status,
            FactStatus::Inferred
        );
        assert!(k.names.is_empty());
    }

    #[test]
    fn finds_the_issuer_of_a_dn_in_either_order() {
        let k = KnownIssuers::builtin();
        let rfc4514 = "CN=HPKI-01-HPKI_JV2-forNonRepudiation,OU=Digital Certificate Center,O=Japan Medical Association,C=JP";
        assert_eq!(k.find(rfc4514).unwrap().id, "jma_sign_v2");
        let published = "C=JP, O=Japan Medical Association, OU=Digital Certificate Center, CN=HPKI-01-HPKI_JV2-forAuthentication-forIndividual";
        assert_eq!(k.find(published).unwrap().id, "jma_auth_v2");
        assert_eq!(
            k.find("CN=HPKI-01-MedisSignCA2-forNonRepudiation,OU=MEDIS HPKI CA,O=MEDIS,C=JP")
                .unwrap()
                .id,
            "medis_sign_v2"
        );
        assert_eq!(
            k.find("CN=kofu Test HPKI CA,O=kofu test,C=JP").unwrap().id,
            "kofu_test"
        );
        // The CN alone under another organisation is not the JMA CA.
        assert!(
            k.find("CN=HPKI-01-HPKI_JV2-forNonRepudiation,O=Someone Else,C=JP")
                .is_none()
        );
        // The old guesses are gone.
        assert!(!k.contains("CN=HPKI-01-MedicalDoctor-forAuth,O=Japan Medical Association,C=JP"));
        assert!(!k.contains(""));
    }

    #[test]
    fn legacy_names_and_bad_files() {
        let k = KnownIssuers::from_toml("names = [\"A CA\", \"  \"]\n").expect("parses");
        assert!(k.contains("CN=A CA,C=JP"));
        assert!(
            !k.contains("CN=B CA,C=JP"),
            "a blank name must not match every issuer"
        );
        assert!(KnownIssuers::from_toml("names = 3").is_err());
        assert!(
            KnownIssuers::from_toml(
                "[[issuer]]\nid = \"x\"\nlabel = \"x\"\nmatch = []\nstatus = \"maybe\"\n"
            )
            .is_err()
        );
        let err = KnownIssuers::from_toml("[[issuer]]\nid = \"x\"\nlabel = \"x\"\nstatus = \"confirmed\"\nmatch = [\"X\"]\ncolour = 1\n").unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
        let empty = KnownIssuers::from_toml(
            "[[issuer]]\nid = \"x\"\nlabel = \"x\"\nmatch = []\nstatus = \"confirmed\"\n",
        )
        .unwrap();
        assert!(!empty.contains("anything"));
        assert!(KnownIssuers::from_toml("").unwrap().issuers.is_empty());
    }

    #[test]
    fn policy_texts_and_unknown_message() {
        let k = KnownIssuers::builtin();
        assert_eq!(
            k.policy_text("1.2.392.100495.1.5.1.1.0.1"),
            "1.2.392.100495.1.5.1.1.0.1（HPKI 署名用証明書ポリシー）"
        );
        assert!(
            k.policy_text("1.2.392.100495.1.5.1.2.0.1")
                .contains("未確認")
        );
        assert!(k.policy_text("1.2.3").contains("未登録"));
        let m = unknown_issuer_message("CN=X,C=JP");
        assert!(
            m.starts_with("未登録の発行者 — data/issuers.toml に追加できます"),
            "{m}"
        );
        assert!(m.contains("dn = \"CN=X,C=JP\""), "{m}");
    }
}
