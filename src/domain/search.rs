//! Name normalisation: search keys for kanji/kana names and for romaji.
//!
//! [`search_key`] is what the desk stores next to every name and compares names through. It is built in
//! this order (every step is pure and deterministic):
//!
//! 1. drop variation selectors (U+FE00–FE0F, U+E0100–E01EF): an IVS only picks a glyph (葛󠄀 → 葛);
//! 2. NFKC: full-width ASCII → ASCII, half-width kana → full-width (ﾔﾏﾀﾞ → ヤマダ), U+3000 → space,
//!    compatibility ideographs → unified ones (塚 U+FA10 → 塚);
//! 3. per character:
//!    - hiragana → katakana (ぁ–ゖ → ァ–ヶ, ゝゞ → ヽヾ);
//!    - whitespace (any `char::is_whitespace`, incl. U+3000), the katakana middle dot ・, and invisible
//!      format characters (soft hyphen U+00AD, U+200B–200F, U+2060, U+FEFF) are removed;
//!    - dash-like characters (see [`is_dash`]: - ‐ ‑ ‒ – — ― − ー ─ ━ ⁃ ˗ ⸺ ⸻; NFKC already turned
//!      ｰ into ー and － ﹣ into -) become **ー (U+30FC) when the last non-combining character already
//!      written is katakana** (including ー itself and small/Ainu katakana), and **'-' otherwise**
//!      (also at the very start). So `ヤマ-ダ` and `ヤマーダ` agree, while `AB—12` stays `ab-12`;
//!    - ASCII letters are lower-cased (other letters are left as they are);
//!    - variant kanji are folded to the common/new form through `data/kanji-variants.csv` (髙 → 高);
//! 4. NFC, so that a base and a combining mark brought together by step 3 (a removed space between
//!    them, or わ+゙ that became ワ+゙) are composed now and not on a second pass.
//!
//! Because the dash decision looks at the last *non-combining* character, and composition never turns
//! a katakana base into something else or a non-katakana base into katakana, the key is idempotent:
//! `search_key(&search_key(x)) == search_key(x)` (a proptest below checks this).
//!
//! [`strict_key`] is the same without the variant-kanji fold; comparing both tells an exact match from
//! a match that only holds after folding variants ([`variant_differences`] names the pairs).
//!
//! What the keys do **not** fold: small kana (ァ/ア), ヂ/ジ and ヅ/ズ, ヰ/ヱ, the kanji 一 for ー. Such
//! differences stay differences.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// The variant table as shipped (`variant,standard,note`), embedded at build time.
const KANJI_VARIANTS_CSV: &str = include_str!("../../data/kanji-variants.csv");

/// Bump when the normalisation steps of [`search_key`] or [`romaji_key`] change.
pub const KEY_ALGORITHM_VERSION: u32 = 2;

/// What stored search keys depend on: the algorithm version and the variant table. The store
/// keeps a fingerprint of this and re-keys every card when it changes (e.g. after a desk added
/// a pair to `data/kanji-variants.csv` and rebuilt kofu).
pub fn key_inputs() -> (u32, &'static str) {
    (KEY_ALGORITHM_VERSION, KANJI_VARIANTS_CSV)
}

/// One rejected line of the variant table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantTableProblem {
    /// 1-based line number in the CSV (the header is line 1).
    pub line: u64,
    pub message: String,
}

/// Parse a variant table (`variant,standard,note`). Lines that are not a single-character pair, that
/// would make folding non-idempotent (a standard form that is itself a variant) or that are changed by
/// NFKC are reported and skipped; the rest is returned.
pub fn parse_variant_table(text: &str) -> (HashMap<char, char>, Vec<VariantTableProblem>) {
    let mut map: HashMap<char, char> = HashMap::new();
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    match reader.headers() {
        Ok(h) if h.get(0) == Some("variant") && h.get(1) == Some("standard") => {}
        _ => problems.push(VariantTableProblem {
            line: 1,
            message: "header must start with variant,standard".to_string(),
        }),
    }
    let mut lines: Vec<(u64, char, char)> = Vec::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(VariantTableProblem {
                    line,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let variant = single_char(rec.get(0).unwrap_or(""));
        let standard = single_char(rec.get(1).unwrap_or(""));
        match (variant, standard) {
            (Some(v), Some(s)) if v != s => {
                let stable = |c: char| std::iter::once(c).nfkc().eq(std::iter::once(c));
                if !stable(v) || !stable(s) {
                    problems.push(VariantTableProblem {
                        line,
                        message: format!("{v} or {s} is changed by NFKC"),
                    });
                } else if let std::collections::hash_map::Entry::Vacant(slot) = map.entry(v) {
                    slot.insert(s);
                    lines.push((line, v, s));
                } else {
                    problems.push(VariantTableProblem {
                        line,
                        message: format!("{v} is listed twice"),
                    });
                }
            }
            _ => problems.push(VariantTableProblem {
                line,
                message: "variant and standard must be two different single characters".to_string(),
            }),
        }
    }
    // A standard form that is itself folded further would make the fold depend on the number of passes.
    let chained: Vec<(u64, char, char)> = lines
        .into_iter()
        .filter(|(_, _, s)| map.contains_key(s))
        .collect();
    for (line, v, s) in chained {
        map.remove(&v);
        problems.push(VariantTableProblem {
            line,
            message: format!("standard form {s} is itself listed as a variant"),
        });
    }
    (map, problems)
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

fn variant_table() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| parse_variant_table(KANJI_VARIANTS_CSV).0)
}

/// The standard form of a variant kanji, if the table lists one.
pub fn fold_variant(c: char) -> Option<char> {
    variant_table().get(&c).copied()
}

/// Variation selectors: standardized (U+FE00–FE0F) and ideographic (U+E0100–E01EF).
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters removed from keys besides whitespace: the katakana middle dot and invisible format characters.
fn is_dropped(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{30FB}' | '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// Dash-like characters that are unified to ー or '-' (after NFKC).
pub fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' // ‐ hyphen
            | '\u{2011}' // ‑ non-breaking hyphen (NFKC → U+2010)
            | '\u{2012}' // ‒ figure dash
            | '\u{2013}' // – en dash
            | '\u{2014}' // — em dash
            | '\u{2015}' // ― horizontal bar
            | '\u{2043}' // ⁃ hyphen bullet
            | '\u{02D7}' // ˗ modifier minus
            | '\u{2212}' // − minus sign
            | '\u{2500}' // ─ box drawing light horizontal (typed for ー)
            | '\u{2501}' // ━ box drawing heavy horizontal
            | '\u{2E3A}' // ⸺ two-em dash
            | '\u{2E3B}' // ⸻ three-em dash
            | '\u{30FC}' // ー prolonged sound mark
            | '\u{FF70}' // ｰ half-width (NFKC → U+30FC)
            | '\u{FF0D}' // － full-width hyphen-minus (NFKC → '-')
    )
}

/// Katakana (after the hiragana fold) that makes a following dash a prolonged sound mark.
fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}')
}

fn hiragana_to_katakana(c: char) -> char {
    match c {
        // ぁ..ゖ and ゝゞ map to the same offset in the katakana block.
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

fn normalise(s: &str, fold_variants: bool) -> String {
    let table = if fold_variants {
        Some(variant_table())
    } else {
        None
    };
    let mut out = String::with_capacity(s.len());
    // Whether the last non-combining character written was katakana.
    let mut kana_context = false;
    for c in s.chars().filter(|c| !is_variation_selector(*c)).nfkc() {
        let c = hiragana_to_katakana(c);
        if is_dropped(c) {
            continue;
        }
        let c = if is_dash(c) {
            if kana_context { '\u{30FC}' } else { '-' }
        } else {
            let c = c.to_ascii_lowercase();
            table.and_then(|t| t.get(&c).copied()).unwrap_or(c)
        };
        if canonical_combining_class(c) == 0 {
            kana_context = is_katakana(c);
        }
        out.push(c);
    }
    out.nfc().collect()
}

/// The search key of a name or kana reading (see the module documentation for every step).
pub fn search_key(s: &str) -> String {
    normalise(s, true)
}

/// [`search_key`] without the variant-kanji fold.
pub fn strict_key(s: &str) -> String {
    normalise(s, false)
}

/// Why two names are equal only after the variant fold: the differing characters as `(char in a, char
/// in b)`, in order of first appearance, without repeats. Empty when the names are already equal under
/// [`strict_key`], or when they differ even after folding.
pub fn variant_differences(a: &str, b: &str) -> Vec<(char, char)> {
    let (sa, sb) = (strict_key(a), strict_key(b));
    if sa == sb || search_key(a) != search_key(b) {
        return Vec::new();
    }
    let mut pairs: Vec<(char, char)> = Vec::new();
    for (x, y) in sa.chars().zip(sb.chars()) {
        if x != y && !pairs.contains(&(x, y)) {
            pairs.push((x, y));
        }
    }
    pairs
}

/// The comparison key of a romaji name.
///
/// NFKC, then lower case (Unicode), then every combining diacritic U+0300–036F is dropped (ō ô ā → o o
/// a). The name is split into parts at whitespace and commas; inside each part hyphens, dots and
/// apostrophes (' ’) are dropped (Shin'ichi = Shinichi). At the end of each part the long-vowel spellings
/// are folded, repeatedly: `oo`, `ou`, `oh` → `o` and `uu` → `u` (Satoh = Satou = Satoo = Sato = Satō;
/// Yuu = Yū = Yu). Long vowels inside a part are **not** folded (Kouichi ≠ Koichi), nor m/n before b/p.
/// Finally the parts are sorted and concatenated, so the family/given order does not matter:
/// `Kagurazaka Sanjushi` = `SANJUSHI  KAGURAZAKA`.
pub fn romaji_key(s: &str) -> String {
    let lowered: String = s.nfkc().collect::<String>().to_lowercase();
    let stripped: String = lowered
        .nfd()
        .filter(|c| !matches!(c, '\u{0300}'..='\u{036F}'))
        .collect();
    let mut parts: Vec<String> = stripped
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|part| {
            let mut p: String = part
                .chars()
                .filter(|c| !matches!(c, '.' | '\'' | '\u{2019}') && !is_dash(*c))
                .collect();
            loop {
                if p.ends_with("oo") || p.ends_with("ou") || p.ends_with("oh") || p.ends_with("uu")
                {
                    p.pop();
                } else {
                    break;
                }
            }
            p
        })
        .filter(|p| !p.is_empty())
        .collect();
    parts.sort();
    parts.concat()
}

/// The pairs [`romaji_fold`] folds, in the order it applies them, until none is left.
const ROMAJI_FOLDS: &[(&str, &str)] = &[
    ("oo", "o"),
    ("ou", "o"),
    ("uu", "u"),
    ("ei", "e"),
    ("ee", "e"),
    ("aa", "a"),
    ("ii", "i"),
    ("mb", "nb"),
    ("mp", "np"),
    ("mm", "nm"),
];

/// The romaji as an IME user types it, folded for search (issue 11): NFKC, lower case,
/// diacritics dropped (ō → o), only the letters a–z kept, and the long vowels folded
/// everywhere, repeatedly: `oo`/`ou` → `o`, `uu` → `u`, `ei`/`ee` → `e`, `aa` → `a`, `ii` → `i`,
/// a final `oh` → `o`; `m` before `b`/`m`/`p` → `n` (Homma = Honma). So `tarou` = `taro`,
/// `saitou` = `Saitō` = `saito`, `oomameuda` = `omameuda`. Coarser than [`romaji_key`] (which
/// the identity match uses): search may find a little more, never less.
pub fn romaji_fold(s: &str) -> String {
    // ASCII is its own NFKC and NFD and has no diacritics: the import computes this for every
    // card (twice), so plain romaji skips the two normalisations.
    let lowered: String = if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.nfkc().collect::<String>().to_lowercase()
    };
    let bare: String = if lowered.is_ascii() {
        lowered
    } else {
        lowered
            .nfd()
            .filter(|c| !matches!(c, '\u{0300}'..='\u{036F}'))
            .collect()
    };
    let mut t = String::with_capacity(bare.len());
    let mut word = String::new();
    for w in
        bare.split(|c: char| !c.is_ascii_lowercase() && !matches!(c, '\'' | '\u{2019}' | '-' | '.'))
    {
        word.clear();
        word.extend(w.chars().filter(char::is_ascii_lowercase));
        if word.len() > 2 && word.ends_with("oh") {
            word.pop();
        }
        t.push_str(&word);
    }
    loop {
        let before = t.len();
        for &(from, to) in ROMAJI_FOLDS {
            // Most names hold few of these pairs: look before allocating a new string.
            if t.contains(from) {
                t = t.replace(from, to);
            }
        }
        if t.len() == before {
            break;
        }
    }
    t
}

/// Kana to Hepburn romaji as printed and as typed (サトウ → satou, シンイチ → shinichi,
/// キョウコ → kyouko, ハットリ → hattori); anything that is not kana becomes a space. The
/// search key folds it with [`romaji_fold`], so a name with no romaji in the shipping list is
/// found by its reading too.
pub fn kana_to_romaji(s: &str) -> String {
    // Kana folded to katakana, width unified (search_key without the variant table and dashes).
    let kata: Vec<char> = s.nfkc().map(hiragana_to_katakana).collect();
    let mut out = String::with_capacity(kata.len() * 3);
    let mut double_next = false;
    let mut i = 0;
    while i < kata.len() {
        let c = kata[i];
        let r = kana_syllable(c);
        // A syllable with small ャュョ: its stem, whether a `y` follows it, and its vowel.
        let mut yoon: Option<(&str, bool, &str)> = None;
        if let (Some(r), Some(small)) = (r, kata.get(i + 1).copied())
            && matches!(small, 'ャ' | 'ュ' | 'ョ')
            && r.ends_with('i')
            && r.len() >= 2
        {
            let v = match small {
                'ャ' => "a",
                'ュ' => "u",
                _ => "o",
            };
            let stem = r.strip_suffix('i').unwrap_or(r);
            // shi → sha, chi → cha, ji → ja; ki → kya.
            yoon = Some((stem, !matches!(stem, "sh" | "ch" | "j"), v));
            i += 1;
        }
        let head = yoon.map(|(stem, _, _)| stem).or(r);
        match (c, head) {
            ('ッ', _) => double_next = true,
            ('ー', _) => {}
            (_, Some(head)) => {
                if double_next {
                    // っ doubles the consonant (tch for ch).
                    if let Some(first) = head.chars().next().filter(|f| !"aiueo".contains(*f)) {
                        out.push(if head.starts_with("ch") { 't' } else { first });
                    }
                    double_next = false;
                }
                out.push_str(head);
                if let Some((_, y, v)) = yoon {
                    if y {
                        out.push('y');
                    }
                    out.push_str(v);
                }
            }
            (_, None) => {
                double_next = false;
                out.push(' ');
            }
        }
        i += 1;
    }
    out
}

/// The romaji of one katakana (U+30A0–U+30FF), looked up in a table built once from
/// [`KANA_ROMAJI`]: the import asks it for every character of every reading.
fn kana_syllable(c: char) -> Option<&'static str> {
    static TABLE: OnceLock<[Option<&'static str>; 96]> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [None; 96];
        for &(k, r) in KANA_ROMAJI {
            if let Some(slot) = (k as usize).checked_sub(0x30A0).and_then(|i| t.get_mut(i)) {
                *slot = Some(r);
            }
        }
        t
    });
    (c as usize)
        .checked_sub(0x30A0)
        .and_then(|i| table.get(i))
        .copied()
        .flatten()
}

/// Each katakana syllable and its Hepburn romaji (small ャュョ and ッ are handled by
/// [`kana_to_romaji`]).
const KANA_ROMAJI: &[(char, &str)] = &[
    ('ア', "a"),
    ('イ', "i"),
    ('ウ', "u"),
    ('エ', "e"),
    ('オ', "o"),
    ('カ', "ka"),
    ('キ', "ki"),
    ('ク', "ku"),
    ('ケ', "ke"),
    ('コ', "ko"),
    ('サ', "sa"),
    ('シ', "shi"),
    ('ス', "su"),
    ('セ', "se"),
    ('ソ', "so"),
    ('タ', "ta"),
    ('チ', "chi"),
    ('ツ', "tsu"),
    ('テ', "te"),
    ('ト', "to"),
    ('ナ', "na"),
    ('ニ', "ni"),
    ('ヌ', "nu"),
    ('ネ', "ne"),
    ('ノ', "no"),
    ('ハ', "ha"),
    ('ヒ', "hi"),
    ('フ', "fu"),
    ('ヘ', "he"),
    ('ホ', "ho"),
    ('マ', "ma"),
    ('ミ', "mi"),
    ('ム', "mu"),
    ('メ', "me"),
    ('モ', "mo"),
    ('ヤ', "ya"),
    ('ユ', "yu"),
    ('ヨ', "yo"),
    ('ラ', "ra"),
    ('リ', "ri"),
    ('ル', "ru"),
    ('レ', "re"),
    ('ロ', "ro"),
    ('ワ', "wa"),
    ('ヰ', "i"),
    ('ヱ', "e"),
    ('ヲ', "o"),
    ('ン', "n"),
    ('ガ', "ga"),
    ('ギ', "gi"),
    ('グ', "gu"),
    ('ゲ', "ge"),
    ('ゴ', "go"),
    ('ザ', "za"),
    ('ジ', "ji"),
    ('ズ', "zu"),
    ('ゼ', "ze"),
    ('ゾ', "zo"),
    ('ダ', "da"),
    ('ヂ', "ji"),
    ('ヅ', "zu"),
    ('デ', "de"),
    ('ド', "do"),
    ('バ', "ba"),
    ('ビ', "bi"),
    ('ブ', "bu"),
    ('ベ', "be"),
    ('ボ', "bo"),
    ('パ', "pa"),
    ('ピ', "pi"),
    ('プ', "pu"),
    ('ペ', "pe"),
    ('ポ', "po"),
    ('ヴ', "vu"),
    ('ァ', "a"),
    ('ィ', "i"),
    ('ゥ', "u"),
    ('ェ', "e"),
    ('ォ', "o"),
];

#[cfg(test)]
mod tests;
