//! Preset reasons for 要確認 (a near match the officer confirms) and 例外 (a mismatch recorded
//! as an exception), from `data/reasons.toml`. The officer may pick one or type their own; what
//! is stored is the text.

use serde::Deserialize;

/// Which decision a reason is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonKind {
    /// 要確認: confirming a near match.
    NearMatch,
    /// 例外: handing over despite a mismatch.
    Exception,
}

impl ReasonKind {
    pub fn label(self) -> &'static str {
        match self {
            ReasonKind::NearMatch => "要確認",
            ReasonKind::Exception => "例外",
        }
    }
}

/// The preset reasons, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PresetReasons {
    near_match: Vec<String>,
    exception: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    near_match: Vec<RawReason>,
    #[serde(default)]
    exception: Vec<RawReason>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReason {
    label: String,
}

impl PresetReasons {
    /// Parse `data/reasons.toml`; a blank or repeated label is refused with its list and
    /// position, in Japanese.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let check = |list: Vec<RawReason>, kind: ReasonKind| -> Result<Vec<String>, String> {
            let mut out: Vec<String> = Vec::new();
            for (i, r) in list.into_iter().enumerate() {
                let label = r.label.trim().to_string();
                if label.is_empty() {
                    return Err(format!(
                        "{}の理由 {} 番目の label が空です",
                        kind.label(),
                        i + 1
                    ));
                }
                if out.contains(&label) {
                    return Err(format!(
                        "{}の理由 {} 番目「{label}」が重複しています",
                        kind.label(),
                        i + 1
                    ));
                }
                out.push(label);
            }
            Ok(out)
        };
        Ok(PresetReasons {
            near_match: check(raw.near_match, ReasonKind::NearMatch)?,
            exception: check(raw.exception, ReasonKind::Exception)?,
        })
    }

    /// The reasons for `kind`, in file order.
    pub fn for_kind(&self, kind: ReasonKind) -> &[String] {
        match kind {
            ReasonKind::NearMatch => &self.near_match,
            ReasonKind::Exception => &self.exception,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_reasons_load() {
        let r = PresetReasons::from_toml(include_str!("../../data/reasons.toml")).unwrap();
        assert!(r.for_kind(ReasonKind::NearMatch).len() >= 2);
        assert!(
            r.for_kind(ReasonKind::Exception)
                .iter()
                .any(|l| l.contains("JMACA"))
        );
    }

    #[test]
    fn blank_and_repeated_labels_are_refused() {
        let e = PresetReasons::from_toml("[[exception]]\nlabel = \" \"\n").unwrap_err();
        assert!(e.contains("例外の理由 1 番目"), "{e}");
        let e = PresetReasons::from_toml(
            "[[near_match]]\nlabel = \"a\"\n[[near_match]]\nlabel = \"a\"\n",
        )
        .unwrap_err();
        assert!(e.contains("重複"), "{e}");
        assert!(PresetReasons::from_toml("[[other]]\nlabel = \"a\"\n").is_err());
    }
}
