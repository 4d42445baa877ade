//! TEMPORARY minimal version (replaced by the names branch).
use unicode_normalization::UnicodeNormalization;
pub fn search_key(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace())
        .flat_map(|c| c.to_lowercase())
        .collect()
}
pub fn romaji_key(s: &str) -> String {
    search_key(s)
}
