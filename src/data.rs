//! Rules and settings from `data/`: editable by a desk without a rebuild.
//!
//! Every file has a built-in default (the shipped `data/` file compiled into the binary), so kofu
//! runs from a single executable. A data directory overrides the defaults file by file; it is
//! taken from `--data-dir`, else `KOFU_DATA_DIR`, else a `data` folder next to the executable.
//! An error in a data file stops kofu with a Japanese message naming the file and position:
//! silently falling back to a default rule would be a surprise at the counter.
//!
//! [`DataSet::load`] is the one reader of the rule files: it builds the [`Rules`] bundle once
//! (`rules.toml` gives the expiry, `[uncollected]` and `[receipts]` tables) and the program
//! shares it as `Arc<Rules>`. [`Rules::shipped`] reads the compiled-in copies by the same code.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::domain::calendar::DeskCalendar;
use crate::domain::expiry::ExpiryRules;
use crate::domain::fees::FeeTable;
use crate::domain::iddocs::IdDocuments;
use crate::domain::issuers::KnownIssuers;
use crate::domain::manifest::ManifestProfile;
use crate::domain::office::{ReceiptRules, UncollectedRules};
use crate::domain::readers::ReaderHints;
use crate::domain::reasons::PresetReasons;
use crate::domain::reference::CounterReference;
use crate::domain::rules::Rules;

/// The built-in copy of each data file, by its path under `data/`.
const EMBEDDED: &[(&str, &str)] = &[
    ("desk.toml", include_str!("../data/desk.toml")),
    ("rules.toml", include_str!("../data/rules.toml")),
    ("fees.toml", include_str!("../data/fees.toml")),
    (
        "id-documents.toml",
        include_str!("../data/id-documents.toml"),
    ),
    ("issuers.toml", include_str!("../data/issuers.toml")),
    ("calendar.toml", include_str!("../data/calendar.toml")),
    ("readers.toml", include_str!("../data/readers.toml")),
    ("reasons.toml", include_str!("../data/reasons.toml")),
    (
        "counter-reference.toml",
        include_str!("../data/counter-reference.toml"),
    ),
    (
        "manifest-profiles/default.toml",
        include_str!("../data/manifest-profiles/default.toml"),
    ),
    (
        "manifest-profiles/example-jmaca-draft.toml",
        include_str!("../data/manifest-profiles/example-jmaca-draft.toml"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("データファイルを読めません: {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("データファイルの内容に誤りがあります: {origin}: {message}")]
    Invalid { origin: String, message: String },
    #[error("列プロファイル「{0}」がありません（data/manifest-profiles/ を確認してください）")]
    NoProfile(String),
}

/// Local settings of the kiosk (`data/desk.toml`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct DeskConfig {
    pub desk_name: String,
    #[serde(default = "default_idle")]
    pub idle_lock_minutes: u32,
    /// "auto", "ascii" or "unicode".
    #[serde(default = "default_glyphs")]
    pub glyphs: String,
    #[serde(default)]
    pub reader_prefix: Option<String>,
    #[serde(default = "default_backups")]
    pub backups_keep: u32,
}

fn default_idle() -> u32 {
    5
}
fn default_glyphs() -> String {
    "auto".into()
}
fn default_backups() -> u32 {
    14
}

impl DeskConfig {
    /// The configured reader prefix, if not empty.
    pub fn reader_prefix(&self) -> Option<&str> {
        self.reader_prefix
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// Where data files come from.
#[derive(Debug, Clone)]
pub struct DataSource {
    /// The override directory, if one exists.
    pub dir: Option<PathBuf>,
}

impl DataSource {
    /// Resolve the data directory: explicit, else `KOFU_DATA_DIR`, else `data/` next to the executable.
    pub fn resolve(explicit: Option<&Path>) -> DataSource {
        let dir = explicit
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("KOFU_DATA_DIR").map(PathBuf::from))
            .or_else(|| {
                std::env::current_exe()
                    .ok()
                    .and_then(|p| p.parent().map(|d| d.join("data")))
                    .filter(|d| d.is_dir())
            });
        DataSource { dir }
    }

    /// The text of a data file (override first, else built-in), and where it came from.
    pub fn read(&self, rel: &str) -> Result<(String, String), DataError> {
        if let Some(dir) = &self.dir {
            let p = dir.join(rel);
            if p.is_file() {
                let text = std::fs::read_to_string(&p).map_err(|source| DataError::Io {
                    path: p.clone(),
                    source,
                })?;
                return Ok((text, p.display().to_string()));
            }
        }
        EMBEDDED
            .iter()
            .find(|(name, _)| *name == rel)
            .map(|(name, text)| (text.to_string(), format!("(組み込み) data/{name}")))
            .ok_or_else(|| DataError::Io {
                path: PathBuf::from(rel),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "ファイルがありません"),
            })
    }

    /// All manifest profiles: built-in ones, replaced or extended by `manifest-profiles/*.toml`.
    pub fn profiles(&self) -> Result<Vec<ManifestProfile>, DataError> {
        let mut out: Vec<ManifestProfile> = Vec::new();
        let mut push = |p: ManifestProfile| {
            out.retain(|q| q.name != p.name);
            out.push(p);
        };
        for (name, text) in EMBEDDED
            .iter()
            .filter(|(n, _)| n.starts_with("manifest-profiles/"))
        {
            push(parse_profile(text, &format!("(組み込み) data/{name}"))?);
        }
        if let Some(dir) = &self.dir {
            let pdir = dir.join("manifest-profiles");
            if pdir.is_dir() {
                let mut files: Vec<PathBuf> = std::fs::read_dir(&pdir)
                    .map_err(|source| DataError::Io {
                        path: pdir.clone(),
                        source,
                    })?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect();
                files.sort();
                for p in files {
                    let text = std::fs::read_to_string(&p).map_err(|source| DataError::Io {
                        path: p.clone(),
                        source,
                    })?;
                    push(parse_profile(&text, &p.display().to_string())?);
                }
            }
        }
        Ok(out)
    }
}

fn load_with<T, E: std::fmt::Display>(
    source: &DataSource,
    rel: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, DataError> {
    let (text, origin) = source.read(rel)?;
    parse(&text).map_err(|e| DataError::Invalid {
        origin,
        message: e.to_string(),
    })
}

fn parse_profile(text: &str, origin: &str) -> Result<ManifestProfile, DataError> {
    ManifestProfile::from_toml(text, origin).map_err(|message| DataError::Invalid {
        origin: origin.to_string(),
        message,
    })
}

/// Parse a TOML data file into `T`, with a Japanese error naming the file, line and column.
pub fn parse_toml<T: for<'de> Deserialize<'de>>(text: &str, origin: &str) -> Result<T, DataError> {
    toml::from_str(text).map_err(|e| {
        let pos = e
            .span()
            .map(|s| line_col(text, s.start))
            .map(|(l, c)| format!("{l}行{c}列: "))
            .unwrap_or_default();
        DataError::Invalid {
            origin: origin.to_string(),
            message: format!("{pos}{}", e.message()),
        }
    })
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut col = 1;
    for (i, ch) in text.char_indices() {
        if i >= offset {
            break;
        }
        if ch == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    (line, col)
}

/// Every rule and setting kofu needs, loaded once at start.
///
/// The desk's own settings (`desk.toml`) and where the files came from stay here; every rule
/// table is in [`Rules`], built once by [`DataSet::load`] and shared behind an `Arc` (the app's
/// session, the runtime and the back office hold the same one). `DataSet` dereferences to its
/// [`Rules`], so `data.calendar` reads the rule table directly.
#[derive(Debug, Clone)]
pub struct DataSet {
    pub source: DataSource,
    pub desk: DeskConfig,
    pub rules: Arc<Rules>,
}

impl std::ops::Deref for DataSet {
    type Target = Rules;

    fn deref(&self) -> &Rules {
        &self.rules
    }
}

impl DataSet {
    /// Read every data file (the override folder first, else the built-in copy). The first
    /// missing or broken file is the error: no rule silently falls back to a default.
    pub fn load(dir: Option<&Path>) -> Result<DataSet, DataError> {
        let source = DataSource::resolve(dir);
        let (text, origin) = source.read("desk.toml")?;
        let desk: DeskConfig = parse_toml(&text, &origin)?;
        let rules = load_rules(&source)?;
        Ok(DataSet {
            source,
            desk,
            rules: Arc::new(rules),
        })
    }

    pub fn profile(&self, name: &str) -> Result<&ManifestProfile, DataError> {
        self.rules
            .profile(name)
            .ok_or_else(|| DataError::NoProfile(name.to_string()))
    }
}

/// The rule tables of a data source, in the order a desk reads the files.
fn load_rules(source: &DataSource) -> Result<Rules, DataError> {
    let profiles = source.profiles()?;
    let expiry = load_with(source, "rules.toml", ExpiryRules::from_toml)?;
    let fees = load_with(source, "fees.toml", FeeTable::from_toml)?;
    let id_docs = load_with(source, "id-documents.toml", IdDocuments::from_toml)?;
    let issuers = load_with(source, "issuers.toml", KnownIssuers::from_toml)?;
    let reference = load_with(
        source,
        "counter-reference.toml",
        CounterReference::from_toml,
    )?;
    let calendar = load_with(source, "calendar.toml", DeskCalendar::from_toml)?;
    let reader_hints = load_with(source, "readers.toml", ReaderHints::from_toml)?;
    let reasons = load_with(source, "reasons.toml", PresetReasons::from_toml)?;
    let uncollected = load_with(source, "rules.toml", UncollectedRules::from_rules_toml)?;
    let receipts = load_with(source, "rules.toml", ReceiptRules::from_rules_toml)?;
    Ok(Rules {
        expiry,
        fees,
        id_docs,
        issuers,
        reference,
        calendar,
        reasons,
        reader_hints,
        uncollected,
        receipts,
        profiles,
    })
}

impl Rules {
    /// The tables shipped in `data/` (the copies compiled into the binary), read by the same
    /// code as [`DataSet::load`]; for scenes and tests.
    pub fn shipped() -> Result<Rules, DataError> {
        load_rules(&DataSource { dir: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The data set with no override folder: the built-in files only.
    fn builtins() -> DataSet {
        DataSet::load(Some(Path::new("/nonexistent-kofu-data"))).unwrap()
    }

    /// The load error, as shown, of an override folder holding `name` with `text`.
    fn load_error(name: &str, text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        DataSet::load(Some(dir.path())).unwrap_err().to_string()
    }

    #[test]
    fn builtin_data_loads() {
        let d = builtins();
        assert!(d.profile("default").is_ok());
        assert!(d.profile("example-jmaca-draft").is_ok());
        assert!(matches!(d.profile("nope"), Err(DataError::NoProfile(_))));
    }

    #[test]
    fn preset_reasons_load_and_a_broken_file_is_named() {
        use crate::domain::reasons::ReasonKind;
        let d = builtins();
        assert!(!d.reasons.for_kind(ReasonKind::Exception).is_empty());
        let err = load_error("reasons.toml", "[[exception]]\nlabel = \"\"\n");
        assert!(
            err.contains("reasons.toml") && err.contains("例外の理由"),
            "{err}"
        );
    }

    #[test]
    fn shipped_rules_are_the_loaded_builtins() {
        let d = builtins();
        assert_eq!(*d.rules, Rules::shipped().unwrap());
    }

    #[test]
    fn a_broken_uncollected_table_stops_the_load() {
        let shipped = include_str!("../data/rules.toml");
        assert!(shipped.contains("notice_days = 30 "));
        let err = load_error(
            "rules.toml",
            &shipped.replace("notice_days = 30 ", "notice_days = 300 "),
        );
        assert!(
            err.contains("rules.toml") && err.contains("[uncollected]"),
            "{err}"
        );
    }

    #[test]
    fn a_broken_rules_file_names_the_file() {
        let err = load_error("rules.toml", "[[expiry]]\nid = 1\n");
        assert!(err.contains("rules.toml"), "{err}");
    }

    #[test]
    fn a_broken_calendar_names_the_file_and_line() {
        let err = load_error(
            "calendar.toml",
            "holidays_from_year = 2026\nholidays_until_year = \"x\"\n",
        );
        assert!(
            err.contains("calendar.toml") && err.contains("2行"),
            "{err}"
        );
    }

    #[test]
    fn override_dir_replaces_a_file_and_reports_position() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("desk.toml"), "desk_name = \"テスト窓口\"\n").unwrap();
        let d = DataSet::load(Some(dir.path())).unwrap();
        assert_eq!(d.desk.desk_name, "テスト窓口");
        assert_eq!(d.desk.idle_lock_minutes, 5);
        std::fs::write(
            dir.path().join("desk.toml"),
            "desk_name = \"x\"\nidle_lock_minutes = \"ten\"\n",
        )
        .unwrap();
        let err = DataSet::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("desk.toml"), "{err}");
        assert!(err.contains("2行"), "{err}");
    }
}
