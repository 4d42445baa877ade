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
    let text = include_str!("../../../data/demo/manifest.csv");
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
            ' ', '\u{3000}', '\t', '\u{00AD}', '\u{200B}', '-', '‐', '–', '—', '―', '−', 'ー', 'ｰ',
            '－', '─', '・', '\u{3099}', '\u{309A}', '゛', '゜', '髙', '﨑', '邊', '𠮷', 'ﾞ',
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

/// `romaji_fold` as first written (every step allocating), kept to prove the faster one equal.
fn romaji_fold_reference(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
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
        for &(from, to) in ROMAJI_FOLDS {
            t = t.replace(from, to);
        }
        if t.len() == before {
            break;
        }
    }
    t
}

#[test]
fn romaji_fold_equals_its_reference_on_names() {
    for s in [
        "Tarou",
        "SAITŌ",
        "Saitoh",
        "Oomameuda",
        "Homma Kenichi",
        "O'Neill",
        "Jean-Luc",
        "ｔａｒｏｕ",
        "Ōno Shūhei",
        "mmmbbpp",
        "aaaa eeee iiii oooo uuuu",
        "",
        "  ",
        "ÀÉÎõü",
        "a.b-c'd’e",
        "ooh",
        "oh",
        "Satoh Ohno",
        "山田 taro",
    ] {
        assert_eq!(romaji_fold(s), romaji_fold_reference(s), "{s:?}");
        let r = kana_to_romaji(s);
        assert_eq!(romaji_fold(&r), romaji_fold_reference(&r), "{r:?}");
    }
}

proptest::proptest! {
    #[test]
    fn romaji_fold_equals_its_reference(s in "[a-zA-Z ōūÔａ-ｚ'’.\\-山アー]{0,24}") {
        proptest::prop_assert_eq!(romaji_fold(&s), romaji_fold_reference(&s));
    }
}

/// `kana_to_romaji` as first written (a linear table search and a string per syllable), kept
/// to prove the faster one equal.
fn kana_to_romaji_reference(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let kata: Vec<char> = s.nfkc().map(hiragana_to_katakana).collect();
    let base = |c: char| -> Option<&'static str> {
        KANA_ROMAJI
            .iter()
            .find(|(kana, _)| *kana == c)
            .map(|(_, r)| *r)
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

#[test]
fn kana_to_romaji_equals_its_reference_on_readings() {
    for s in [
        "サトウ",
        "シンイチ",
        "キョウコ",
        "ハットリ",
        "マッチャ",
        "ジュンイチロウ",
        "チョッキ",
        "ヴァイオリン",
        "ッ",
        "ャ",
        "キャ",
        "しゅうへい",
        "ｻﾄｳ ｹﾝ",
        "ヰヱヲン",
        "ー",
        "",
        "山田 たろう",
        "ッチ",
        "ッア",
    ] {
        assert_eq!(kana_to_romaji(s), kana_to_romaji_reference(s), "{s:?}");
    }
}

proptest::proptest! {
    #[test]
    fn kana_to_romaji_equals_its_reference(s in "[ァ-ヺぁ-ゖー ｦ-ﾟa山]{0,16}") {
        proptest::prop_assert_eq!(kana_to_romaji(&s), kana_to_romaji_reference(&s));
    }
}
