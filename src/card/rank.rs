//! Which reader to use when several are connected.

use serde::Serialize;

/// Substrings of reader names that are virtual readers (ignored unless configured).
const VIRTUAL_MARKERS: [&str; 3] = ["Windows Hello", "VMware", "Virtual"];

/// A reader with its place in the preference order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankedReader {
    pub name: String,
    /// Lower is better: 0 configured prefix, 1 contactless (PICC), 2 other, 3 SAM slot.
    pub rank: u8,
    /// Virtual reader that is not configured: never read.
    pub ignored: bool,
}

/// Rank one reader name. `preferred` is a configured name prefix.
pub fn rank_reader(name: &str, preferred: Option<&str>) -> RankedReader {
    let configured = preferred.is_some_and(|p| !p.is_empty() && name.starts_with(p));
    let upper = name.to_uppercase();
    let rank = if configured {
        0
    } else if upper.contains("PICC") || upper.contains("CONTACTLESS") {
        1
    } else if upper.contains(" SAM") {
        3
    } else {
        2
    };
    let ignored = !configured && VIRTUAL_MARKERS.iter().any(|m| name.contains(m));
    RankedReader {
        name: name.to_string(),
        rank,
        ignored,
    }
}

/// All readers in preference order (ignored ones last), stable for equal ranks.
pub fn rank_readers<S: AsRef<str>>(names: &[S], preferred: Option<&str>) -> Vec<RankedReader> {
    let mut ranked: Vec<RankedReader> = names
        .iter()
        .map(|n| rank_reader(n.as_ref(), preferred))
        .collect();
    ranked.sort_by_key(|r| (r.ignored, r.rank));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picc_beats_sam_and_windows_hello() {
        let names = [
            "Windows Hello for Business 1",
            "ACS ACR1252 Dual Reader SAM 0",
            "ACS ACR1252 Dual Reader PICC 0",
        ];
        let ranked = rank_readers(&names, None);
        assert_eq!(ranked[0].name, "ACS ACR1252 Dual Reader PICC 0");
        assert_eq!(ranked[1].name, "ACS ACR1252 Dual Reader SAM 0");
        assert_eq!(ranked[2].name, "Windows Hello for Business 1");
        assert!(ranked[2].ignored);
        assert!(!ranked[0].ignored && !ranked[1].ignored);
    }

    #[test]
    fn configured_prefix_wins_and_unignores_virtual() {
        let names = [
            "ACS ACR1252 Dual Reader PICC 0",
            "Virtual PCD 00 00",
            "Virtual PCD 00 01",
        ];
        let ranked = rank_readers(&names, Some("Virtual PCD 00 00"));
        assert_eq!(ranked[0].name, "Virtual PCD 00 00");
        assert!(!ranked[0].ignored);
        assert_eq!(ranked[1].name, "ACS ACR1252 Dual Reader PICC 0");
        assert!(ranked[2].ignored);
    }

    #[test]
    fn virtual_ignored_without_config() {
        assert!(rank_reader("Virtual PCD 00 00", None).ignored);
        assert!(rank_reader("VMware Virtual USB CCID 0", Some("")).ignored);
        assert!(!rank_reader("SONY FeliCa RC-S300/P 0", None).ignored);
    }
}
