//! Reader hints (`data/readers.toml`): what a reader's name says about its driver.

use serde::{Deserialize, Serialize};

/// What a reader name tells about its driver (data/readers.toml).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReaderHint {
    /// Text that must occur in the reader name (case ignored).
    #[serde(rename = "match")]
    pub match_text: String,
    /// "ccid" (standard driver), "problem" (known trouble) or "virtual".
    pub kind: String,
    /// Japanese text shown to the officer.
    pub hint: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub source: String,
}

/// The reader hints of `data/readers.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReaderHints {
    /// Shown when no reader at all is listed.
    #[serde(default)]
    pub no_reader_hint: String,
    #[serde(default, rename = "reader")]
    pub readers: Vec<ReaderHint>,
}

impl ReaderHints {
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The hints shipped in `data/readers.toml`.
    pub fn builtin() -> Self {
        Self::from_toml(include_str!("../../data/readers.toml")).unwrap_or_default()
    }

    /// The first hint whose text occurs in the reader name.
    pub fn for_reader(&self, name: &str) -> Option<&ReaderHint> {
        let name = name.to_lowercase();
        self.readers.iter().find(|h| {
            !h.match_text.trim().is_empty() && name.contains(&h.match_text.to_lowercase())
        })
    }
}
