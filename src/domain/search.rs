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

/// The romaji as an IME user types it, folded for search (issue 11): NFKC, lower case,
/// diacritics dropped (ō → o), only the letters a–z kept, and the long vowels folded
/// everywhere, repeatedly: `oo`/`ou` → `o`, `uu` → `u`, `ei`/`ee` → `e`, `aa` → `a`, `ii` → `i`,
/// a final `oh` → `o`; `m` before `b`/`m`/`p` → `n` (Homma = Honma). So `tarou` = `taro`,
/// `saitou` = `Saitō` = `saito`, `oomameuda` = `omameuda`. Coarser than [`romaji_key`] (which
/// the identity match uses): search may find a little more, never less.
pub fn romaji_fold(s: &str) -> String {
    let lowered: String = s.nfkc().collect::<String>().to_lowercase();
    let words: Vec<String> = lowered
        .nfd()
        .filter(|c| !matches!(c, '\u{0300}'..='\u{036F}'))
        .collect::<String>()
        .split(|c: char| !c.is_ascii_lowercase() && !matches!(c, '\'' | '\u{2019}' | '-' | '.'))
        .map(|w| {
            let mut w: String = w.chars().filter(char::is_ascii_lowercase).collect();
            if w.len() > 2 && w.ends_with("oh") {
                w.pop();
            }
            w
        })
        .collect();
    let mut t = words.concat();
    loop {
        let before = t.len();
        for (from, to) in [
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
        ] {
            t = t.replace(from, to);
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
    const BASE: &[(&str, &str)] = &[
        ("ア", "a"),
        ("イ", "i"),
        ("ウ", "u"),
        ("エ", "e"),
        ("オ", "o"),
        ("カ", "ka"),
        ("キ", "ki"),
        ("ク", "ku"),
        ("ケ", "ke"),
        ("コ", "ko"),
        ("サ", "sa"),
        ("シ", "shi"),
        ("ス", "su"),
        ("セ", "se"),
        ("ソ", "so"),
        ("タ", "ta"),
        ("チ", "chi"),
        ("ツ", "tsu"),
        ("テ", "te"),
        ("ト", "to"),
        ("ナ", "na"),
        ("ニ", "ni"),
        ("ヌ", "nu"),
        ("ネ", "ne"),
        ("ノ", "no"),
        ("ハ", "ha"),
        ("ヒ", "hi"),
        ("フ", "fu"),
        ("ヘ", "he"),
        ("ホ", "ho"),
        ("マ", "ma"),
        ("ミ", "mi"),
        ("ム", "mu"),
        ("メ", "me"),
        ("モ", "mo"),
        ("ヤ", "ya"),
        ("ユ", "yu"),
        ("ヨ", "yo"),
        ("ラ", "ra"),
        ("リ", "ri"),
        ("ル", "ru"),
        ("レ", "re"),
        ("ロ", "ro"),
        ("ワ", "wa"),
        ("ヰ", "i"),
        ("ヱ", "e"),
        ("ヲ", "o"),
        ("ン", "n"),
        ("ガ", "ga"),
        ("ギ", "gi"),
        ("グ", "gu"),
        ("ゲ", "ge"),
        ("ゴ", "go"),
        ("ザ", "za"),
        ("ジ", "ji"),
        ("ズ", "zu"),
        ("ゼ", "ze"),
        ("ゾ", "zo"),
        ("ダ", "da"),
        ("ヂ", "ji"),
        ("ヅ", "zu"),
        ("デ", "de"),
        ("ド", "do"),
        ("バ", "ba"),
        ("ビ", "bi"),
        ("ブ", "bu"),
        ("ベ", "be"),
        ("ボ", "bo"),
        ("パ", "pa"),
        ("ピ", "pi"),
        ("プ", "pu"),
        ("ペ", "pe"),
        ("ポ", "po"),
        ("ヴ", "vu"),
        ("ァ", "a"),
        ("ィ", "i"),
        ("ゥ", "u"),
        ("ェ", "e"),
        ("ォ", "o"),
    ];
    // Kana folded to katakana, width unified (search_key without the variant table and dashes).
    let kata: Vec<char> = s.nfkc().map(hiragana_to_katakana).collect();
    let base = |c: char| -> Option<&'static str> {
        let mut buf = [0u8; 4];
        let k: &str = c.encode_utf8(&mut buf);
        BASE.iter().find(|(kana, _)| *kana == k).map(|(_, r)| *r)
    };
    let mut out = String::new();
    let mut double_next = false;
    let mut i = 0;
    while i < kata.len() {
        let c = kata[i];
        let next = kata.get(i + 1).copied();
        let mut syllable: Option<String> = None;
        if let (Some(r), Some(small)) = (base(c), next)
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
            let stem = if matches!(stem, "sh" | "ch" | "j") {
                stem.to_string()
            } else {
                format!("{stem}y")
            };
            syllable = Some(format!("{stem}{v}"));
            i += 1;
        }
        let syllable = syllable.or_else(|| base(c).map(str::to_string));
        match (c, syllable) {
            ('ッ', _) => double_next = true,
            ('ー', _) => {}
            (_, Some(r)) => {
                if double_next {
                    // っ doubles the consonant (tch for ch).
                    if let Some(first) = r.chars().next().filter(|f| !"aiueo".contains(*f)) {
                        out.push(if r.starts_with("ch") { 't' } else { first });
                    }
                    double_next = false;
                }
                out.push_str(&r);
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_shipped_variant_table_is_clean() {
        let (map, problems) = parse_variant_table(KANJI_VARIANTS_CSV);
        assert!(problems.is_empty(), "{problems:?}");
        for (v, s) in [
            ('髙', '高'),
            ('﨑', '崎'),
            ('嵜', '崎'),
            ('邊', '辺'),
            ('邉', '辺'),
            ('濵', '浜'),
            ('齋', '斎'),
            ('齊', '斎'),
            ('斉', '斎'),
            ('𠮷', '吉'),
            ('澤', '沢'),
            ('廣', '広'),
            ('櫻', '桜'),
            ('冨', '富'),
            ('德', '徳'),
            ('惠', '恵'),
            ('眞', '真'),
            ('國', '国'),
            ('槇', '槙'),
            ('曾', '曽'),
        ] {
            assert_eq!(map.get(&v), Some(&s), "{v}");
        }
    }

    #[test]
    fn table_parser_rejects_chains_and_bad_lines() {
        let (map, problems) = parse_variant_table(
            "variant,standard,note\nA,B,x\nB,C,chain\n髙,高,ok\n高高,高,two\n髙,高,dup\n",
        );
        assert_eq!(map.get(&'髙'), Some(&'高'));
        assert_eq!(map.get(&'B'), Some(&'C'));
        assert!(!map.contains_key(&'A'), "A→B→C would not be idempotent");
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn half_width_kana_becomes_full_width() {
        assert_eq!(search_key("ﾔﾏﾀﾞ ﾀﾛｳ"), "ヤマダタロウ");
        assert_eq!(search_key("ﾔﾏﾀﾞ ﾀﾛｳ"), search_key("ヤマダ　タロウ"));
    }

    #[test]
    fn hiragana_and_katakana_agree() {
        assert_eq!(search_key("やまだ たろう"), search_key("ヤマダ タロウ"));
        assert_eq!(search_key("いすゞ"), "イスヾ");
    }

    #[test]
    fn spaces_of_every_kind_are_removed() {
        let k = search_key("山田太郎");
        assert_eq!(search_key("山田 太郎"), k);
        assert_eq!(search_key("山田\u{3000}太郎"), k);
        assert_eq!(search_key(" 山田\t太郎 \u{00A0}"), k);
        assert_eq!(search_key("スミス・ジョン"), "スミスジョン");
    }

    #[test]
    fn non_bmp_tsuchiyoshi_folds_to_yoshi() {
        assert_eq!(search_key("𠮷田 一郎"), "吉田一郎");
        assert_eq!(strict_key("𠮷田 一郎"), "𠮷田一郎");
    }

    #[test]
    fn ivs_is_dropped_before_comparing() {
        let with_ivs = "葛\u{E0100}城";
        assert_eq!(search_key(with_ivs), "葛城");
        assert_eq!(strict_key(with_ivs), "葛城");
        assert_eq!(search_key("辻\u{FE00}"), "辻");
    }

    #[test]
    fn variant_kanji_fold_but_strict_key_keeps_them() {
        assert_eq!(search_key("髙橋"), search_key("高橋"));
        assert_eq!(search_key("山﨑"), "山崎");
        assert_eq!(search_key("渡邊"), "渡辺");
        assert_eq!(search_key("濵田"), "浜田");
        assert_eq!(search_key("齋藤"), "斎藤");
        assert_ne!(strict_key("髙橋"), strict_key("高橋"));
        // A compatibility ideograph is handled by NFKC already.
        assert_eq!(search_key("\u{FA10}本"), "塚本");
    }

    #[test]
    fn dashes_become_long_vowel_after_katakana_and_hyphen_elsewhere() {
        let k = search_key("ヤマーダ");
        assert_eq!(k, "ヤマーダ");
        for d in ["-", "‐", "–", "—", "―", "−", "ｰ", "－", "─"] {
            assert_eq!(search_key(&format!("ヤマ{d}ダ")), k, "dash {d:?}");
        }
        assert_eq!(search_key("やま-だ"), k);
        assert_eq!(search_key("ﾔﾏｰﾀﾞ"), k);
        assert_eq!(search_key("AB—12"), "ab-12");
        assert_eq!(search_key("ー山"), "-山");
        assert_eq!(search_key("D24-1100"), "d24-1100");
    }

    #[test]
    fn ascii_is_lower_cased_and_full_width_ascii_folded() {
        assert_eq!(search_key("Ｄ２４１１ABC"), "d2411abc");
    }

    #[test]
    fn variant_differences_name_the_pairs() {
        assert_eq!(
            variant_differences("髙橋　一郎", "高橋 一郎"),
            vec![('髙', '高')]
        );
        assert_eq!(
            variant_differences("渡邊 齋", "渡辺 斎"),
            vec![('邊', '辺'), ('齋', '斎')]
        );
        assert!(variant_differences("高橋", "高橋").is_empty());
        assert!(variant_differences("髙橋", "佐藤").is_empty());
    }

    #[test]
    fn romaji_key_ignores_order_case_spaces_and_macrons() {
        let k = romaji_key("Sanjushi Kagurazaka");
        assert_eq!(k, romaji_key("SANJUSHI  KAGURAZAKA"));
        assert_eq!(k, romaji_key("Kagurazaka Sanjushi"));
        assert_eq!(k, romaji_key("KAGURAZAKA, Sanjushi"));
        assert_eq!(k, romaji_key("Ｋａｇｕｒａｚａｋａ　Ｓａｎｊｕｓｈｉ"));
        assert_eq!(romaji_key("Tarō Satō"), romaji_key("Taro Sato"));
        assert_eq!(romaji_key("Shin'ichi Ōno"), romaji_key("Shinichi Ono"));
        assert_eq!(
            romaji_key("Mary-Jane O.Kelly"),
            romaji_key("maryjane okelly")
        );
    }

    #[test]
    fn romaji_key_folds_long_vowels_at_the_end_of_parts_only() {
        for v in ["Satoh", "Satou", "Satoo", "Satō", "SATO"] {
            assert_eq!(
                romaji_key(&format!("{v} Yuu")),
                romaji_key("Sato Yu"),
                "{v}"
            );
        }
        assert_ne!(romaji_key("Kouichi Sato"), romaji_key("Koichi Sato"));
        assert_ne!(romaji_key("Taro Sato"), romaji_key("Jiro Sato"));
    }

    /// Issue 11: romaji typed as an IME user types it finds the printed Hepburn and the
    /// reading of the kana.
    #[test]
    fn romaji_as_typed_folds_to_the_printed_form_and_the_reading() {
        for (typed, printed) in [
            ("tarou", "Taro"),
            ("saitou", "Saito"),
            ("Saitō", "saito"),
            ("oomameuda", "Omameuda"),
            ("satoh", "Sato"),
            ("yuuki", "Yuki"),
            ("keiko", "Keko"),
            ("honma", "Homma"),
        ] {
            assert_eq!(romaji_fold(typed), romaji_fold(printed), "{typed}");
        }
        assert_eq!(kana_to_romaji("サトウ タロウ"), "satou tarou");
        assert_eq!(kana_to_romaji("しんいち"), "shinichi");
        assert_eq!(kana_to_romaji("キョウコ"), "kyouko");
        assert_eq!(kana_to_romaji("ハットリ"), "hattori");
        assert_eq!(kana_to_romaji("ｻｲﾄｳ"), "saitou");
        assert_eq!(kana_to_romaji("オオマメウダ"), "oomameuda");
        assert_eq!(
            romaji_fold(&kana_to_romaji("オオマメウダ")),
            romaji_fold("oomameuda")
        );
        assert_eq!(
            romaji_fold(&kana_to_romaji("サイトウ")),
            romaji_fold("saitou")
        );
        assert_ne!(romaji_fold("tarou"), romaji_fold("jirou"));
    }

    #[test]
    fn demo_manifest_names_fold_as_its_readme_says() {
        let text = include_str!("../../data/demo/manifest.csv");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert!(rows.len() >= 45);
        let by_id = |id: &str| {
            rows.iter()
                .find(|r| r.get(0) == Some(id))
                .expect("demo row")
                .clone()
        };
        assert_eq!(search_key(&by_id("D2505000001")[1]), "吉田悠真");
        assert_eq!(search_key(&by_id("D2505000002")[1]), "葛城玲奈");
        assert_eq!(
            variant_differences(&by_id("D2501000001")[1], "高橋　誠司"),
            vec![('髙', '高')]
        );
        assert_eq!(search_key(&by_id("D2504000003")[2]), "ヤマダタロウ");
        for r in &rows {
            let key = search_key(&r[1]);
            assert!(!key.is_empty() && !key.contains(' '), "{:?}", &r[0]);
        }
    }

    fn name_like() -> impl Strategy<Value = String> {
        let chars = prop_oneof![
            // Hiragana, katakana, half-width katakana and their marks.
            proptest::char::range('\u{3041}', '\u{30FF}'),
            proptest::char::range('\u{FF61}', '\u{FF9F}'),
            // CJK ideographs, compatibility ideographs, extension B (𠮷).
            proptest::char::range('\u{4E00}', '\u{9FFF}'),
            proptest::char::range('\u{F900}', '\u{FAFF}'),
            proptest::char::range('\u{20000}', '\u{2A6DF}'),
            // Variation selectors and combining marks.
            proptest::char::range('\u{FE00}', '\u{FE0F}'),
            proptest::char::range('\u{E0100}', '\u{E01EF}'),
            proptest::char::range('\u{0300}', '\u{036F}'),
            // Spaces, dashes, ASCII, full-width ASCII, Latin letters.
            prop::sample::select(vec![
                ' ', '\u{3000}', '\t', '\u{00AD}', '\u{200B}', '-', '‐', '–', '—', '―', '−', 'ー',
                'ｰ', '－', '─', '・', '\u{3099}', '\u{309A}', '゛', '゜', '髙', '﨑', '邊', '𠮷',
                'ﾞ',
            ]),
            proptest::char::range(' ', '~'),
            proptest::char::range('\u{FF01}', '\u{FF5E}'),
            proptest::char::range('\u{00C0}', '\u{024F}'),
            any::<char>(),
        ];
        prop::collection::vec(chars, 0..16).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn search_key_is_idempotent(s in name_like()) {
            let k = search_key(&s);
            prop_assert_eq!(search_key(&k), k.clone());
        }

        #[test]
        fn strict_key_is_idempotent(s in name_like()) {
            let k = strict_key(&s);
            prop_assert_eq!(strict_key(&k), k);
        }

        #[test]
        fn search_key_of_strict_key_is_search_key(s in name_like()) {
            prop_assert_eq!(search_key(&strict_key(&s)), search_key(&s));
        }

        #[test]
        fn romaji_key_is_idempotent_on_single_words(s in "[A-Za-zōūŌŪ'.-]{0,12}") {
            let k = romaji_key(&s);
            prop_assert_eq!(romaji_key(&k), k);
        }
    }
}
