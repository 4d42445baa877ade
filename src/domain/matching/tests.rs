use super::*;
use crate::domain::{CardState, Membership, Route};

use crate::domain::date::test_date as d;

fn record() -> CardRecord {
    CardRecord {
        id: 1,
        card_id: "D2411000001".to_string(),
        name: "神楽坂　三十四".to_string(),
        kana: "カグラザカ　サンジュウシ".to_string(),
        romaji: Some("Sanjushi Kagurazaka".to_string()),
        birth_date: d(1980, 4, 2),
        issue_date: d(2025, 4, 1),
        expiry_date: d(2030, 4, 2),
        membership: Some(Membership::Member),
        route: Some(Route::Counter),
        cert_serial: Some("1A2B3C".to_string()),
        note: None,
        has_registration_qr: false,
        state: CardState::Awaiting,
        receipt: None,
        arrived_on: d(2026, 11, 20),
        shipment_id: 1,
        issue_type: None,
        previous_expiry: None,
    }
}

fn cert() -> CertificateFacts {
    CertificateFacts {
        serial_hex: "1a2b3c".to_string(),
        issuer: "CN=kofu Test HPKI CA,O=kofu,C=JP".to_string(),
        subject_cn: "Sanjushi Kagurazaka".to_string(),
        name_kanji: Some("神楽坂　三十四".to_string()),
        role: Some("Medical Doctor".to_string()),
        not_before: d(2025, 4, 1),
        not_after: d(2030, 4, 2),
        policies: Vec::new(),
    }
}

fn full_pin() -> Option<PinStatus> {
    Some(PinStatus {
        tries_left: Some(15),
        blocked: false,
    })
}

fn run(record: &CardRecord, cert: &CertificateFacts, pin: Option<PinStatus>) -> MatchOutcome {
    let issuers = KnownIssuers::builtin();
    let ctx = MatchContext {
        today: d(2026, 11, 25),
        computed_expiry: Some(d(2030, 4, 2)),
        known_issuers: &issuers,
    };
    match_identity(record, cert, pin, &ctx)
}

fn verdict(o: &MatchOutcome, field: &str) -> Verdict {
    o.line(field).map(|l| l.verdict).expect("line present")
}

fn has_reason(o: &MatchOutcome, severity: Severity, text: &str) -> bool {
    o.reasons
        .iter()
        .any(|r| r.severity == severity && r.message.contains(text))
}

#[test]
fn clean_match() {
    let o = run(&record(), &cert(), full_pin());
    assert_eq!(o.result, MatchResult::Match);
    assert!(o.reasons.is_empty(), "{:?}", o.reasons);
    let fields: Vec<_> = o.lines.iter().map(|l| l.field).collect();
    assert_eq!(
        fields,
        [
            "氏名（漢字）",
            "氏名（ローマ字）",
            "資格",
            "有効期限",
            "証明書シリアル",
            "発行者",
            "有効性"
        ]
    );
    assert!(
        o.lines.iter().all(|l| l.verdict == Verdict::Same),
        "{:?}",
        o.lines
    );
    assert_eq!(o.result.label(), "一致");
}

#[test]
fn variant_kanji_is_a_near_match_naming_the_pair() {
    let mut r = record();
    r.name = "髙橋　一郎".to_string();
    let mut c = cert();
    c.name_kanji = Some("高橋　一郎".to_string());
    let o = run(&r, &c, full_pin());
    assert_eq!(o.result, MatchResult::NearMatch);
    assert_eq!(verdict(&o, FIELD_NAME_KANJI), Verdict::Near);
    assert!(
        has_reason(&o, Severity::Near, "異体字の違い: 名簿「髙」カード「高」"),
        "{:?}",
        o.reasons
    );
}

#[test]
fn spaces_in_the_name_do_not_matter() {
    let mut r = record();
    r.name = "神楽坂 三十四".to_string();
    let mut c = cert();
    c.name_kanji = Some("神楽坂三十四".to_string());
    let o = run(&r, &c, full_pin());
    assert_eq!(verdict(&o, FIELD_NAME_KANJI), Verdict::Same);
    assert_eq!(o.result, MatchResult::Match);
}

#[test]
fn another_person_is_a_mismatch() {
    let mut c = cert();
    c.name_kanji = Some("山田　太郎".to_string());
    let o = run(&record(), &c, full_pin());
    assert_eq!(o.result, MatchResult::Mismatch);
    assert_eq!(verdict(&o, FIELD_NAME_KANJI), Verdict::Different);
    assert!(has_reason(&o, Severity::Block, "別人の可能性があります"));
    assert_eq!(o.reasons[0].severity, Severity::Block, "worst reason first");
}

#[test]
fn kanji_missing_on_the_card_is_near() {
    let mut c = cert();
    c.name_kanji = None;
    let o = run(&record(), &c, full_pin());
    assert_eq!(o.result, MatchResult::NearMatch);
    assert_eq!(verdict(&o, FIELD_NAME_KANJI), Verdict::Missing);
    assert!(has_reason(
        &o,
        Severity::Near,
        "カードに漢字氏名がありません"
    ));
}

#[test]
fn romaji_spelling_is_near_and_word_order_is_ignored() {
    let mut r = record();
    r.romaji = Some("KAGURAZAKA  SANJUSHI".to_string());
    assert_eq!(run(&r, &cert(), full_pin()).result, MatchResult::Match);

    let c = cert();
    r.romaji = Some("Sanjyushi Kagurazaka".to_string());
    let o = run(&r, &c, full_pin());
    assert_eq!(o.result, MatchResult::NearMatch);
    assert_eq!(verdict(&o, FIELD_NAME_ROMAJI), Verdict::Near);
    assert!(has_reason(
        &o,
        Severity::Near,
        "ローマ字氏名の表記が名簿と異なります"
    ));

    r.romaji = None;
    let o = run(&r, &c, full_pin());
    assert_eq!(verdict(&o, FIELD_NAME_ROMAJI), Verdict::NotChecked);
    assert_eq!(o.result, MatchResult::Match);
}

#[test]
fn wrong_role_is_a_mismatch() {
    let mut c = cert();
    c.role = Some("Pharmacist".to_string());
    let o = run(&record(), &c, full_pin());
    assert_eq!(o.result, MatchResult::Mismatch);
    assert_eq!(verdict(&o, FIELD_ROLE), Verdict::Different);
    assert!(has_reason(
        &o,
        Severity::Block,
        "医師の資格情報ではありません"
    ));

    c.role = None;
    let o = run(&record(), &c, full_pin());
    assert_eq!(o.result, MatchResult::Mismatch);
    assert_eq!(verdict(&o, FIELD_ROLE), Verdict::Missing);

    c.role = Some("  medical doctor ".to_string());
    assert_eq!(run(&record(), &c, full_pin()).result, MatchResult::Match);
}

#[test]
fn expiry_disagreement_is_near_and_names_the_values() {
    let mut r = record();
    r.expiry_date = d(2030, 4, 1);
    let o = run(&r, &cert(), full_pin());
    assert_eq!(o.result, MatchResult::NearMatch);
    assert_eq!(verdict(&o, FIELD_EXPIRY), Verdict::Near);
    assert!(
        has_reason(&o, Severity::Near, "2030-04-02")
            && has_reason(&o, Severity::Near, "2030-04-01"),
        "{:?}",
        o.reasons
    );
    assert_eq!(
        o.line(FIELD_EXPIRY).map(|l| l.record.as_str()),
        Some("2030-04-01（計算 2030-04-02）")
    );
}

#[test]
fn expiry_helper_compares_all_three() {
    let a = d(2030, 4, 2);
    let b = d(2030, 4, 1);
    assert_eq!(expiry_disagreement(a, a, Some(a)), None);
    assert_eq!(expiry_disagreement(a, a, None), None);
    assert!(
        expiry_disagreement(a, a, Some(b))
            .is_some_and(|m| m.contains("規則による計算: 2030-04-01"))
    );
    assert!(expiry_disagreement(b, a, Some(a)).is_some());
    assert!(expiry_disagreement(a, b, None).is_some());
}

#[test]
fn expired_card_is_a_mismatch() {
    let mut c = cert();
    c.not_before = d(2021, 4, 1);
    c.not_after = d(2026, 11, 24);
    let mut r = record();
    r.expiry_date = d(2026, 11, 24);
    let issuers = KnownIssuers::builtin();
    let ctx = MatchContext {
        today: d(2026, 11, 25),
        computed_expiry: Some(d(2026, 11, 24)),
        known_issuers: &issuers,
    };
    let o = match_identity(&r, &c, full_pin(), &ctx);
    assert_eq!(o.result, MatchResult::Mismatch);
    assert_eq!(verdict(&o, FIELD_VALIDITY), Verdict::Different);
    assert!(has_reason(
        &o,
        Severity::Block,
        "カードの有効期限が切れています"
    ));

    // Valid through its last day.
    let ctx = MatchContext {
        today: d(2026, 11, 24),
        ..ctx
    };
    assert_eq!(
        match_identity(&r, &c, full_pin(), &ctx).result,
        MatchResult::Match
    );
}

#[test]
fn not_yet_valid_card_is_near() {
    let mut c = cert();
    c.not_before = d(2026, 12, 1);
    let o = run(&record(), &c, full_pin());
    assert_eq!(o.result, MatchResult::NearMatch);
    assert_eq!(verdict(&o, FIELD_VALIDITY), Verdict::Near);
    assert!(has_reason(&o, Severity::Near, "まだ始まっていません"));
}

#[test]
fn serial_mismatch_is_a_mismatch_but_format_is_ignored() {
    let mut r = record();
    r.cert_serial = Some("00:1A:2B:3C".to_string());
    assert_eq!(run(&r, &cert(), full_pin()).result, MatchResult::Match);

    r.cert_serial = Some("1a2b3d".to_string());
    let o = run(&r, &cert(), full_pin());
    assert_eq!(o.result, MatchResult::Mismatch);
    assert_eq!(verdict(&o, FIELD_SERIAL), Verdict::Different);
    assert!(has_reason(
        &o,
        Severity::Block,
        "証明書シリアルが名簿と一致しません"
    ));

    r.cert_serial = None;
    let o = run(&r, &cert(), full_pin());
    assert_eq!(verdict(&o, FIELD_SERIAL), Verdict::NotChecked);
    assert_eq!(o.result, MatchResult::Match);
}

#[test]
fn serial_key_normalises() {
    assert_eq!(serial_key("00:1A:2b 3C"), "1a2b3c");
    assert_eq!(serial_key("0x0001"), "1");
    assert_eq!(serial_key("00"), "0");
    assert_ne!(serial_key("10"), serial_key("1"));
}

#[test]
fn unknown_issuer_is_only_a_notice() {
    let mut c = cert();
    c.issuer = "CN=Someone Else CA,C=JP".to_string();
    let o = run(&record(), &c, full_pin());
    assert_eq!(o.result, MatchResult::Match);
    assert_eq!(verdict(&o, FIELD_ISSUER), Verdict::NotChecked);
    assert!(has_reason(
        &o,
        Severity::Notice,
        "未登録の発行者 — data/issuers.toml に追加できます（dn = \"CN=Someone Else CA,C=JP\"）"
    ));
    assert_eq!(o.line(FIELD_ISSUER).unwrap().record, "未登録の発行者");
}

#[test]
fn a_known_issuer_is_named() {
    let mut c = cert();
    c.issuer = "CN=HPKI-01-HPKI_JV2-forNonRepudiation,OU=Digital Certificate Center,O=Japan Medical Association,C=JP".to_string();
    let o = run(&record(), &c, full_pin());
    assert_eq!(verdict(&o, FIELD_ISSUER), Verdict::Same);
    assert_eq!(
        o.line(FIELD_ISSUER).unwrap().record,
        "日本医師会 電子認証センター 署名用CA（HPKI_JV2）"
    );
    assert!(o.reasons.is_empty(), "{:?}", o.reasons);
}

#[test]
fn a_card_without_kanji_is_never_blocked_for_it() {
    let mut c = cert();
    c.name_kanji = None;
    let o = run(&record(), &c, full_pin());
    assert_ne!(o.result, MatchResult::Mismatch);
}

#[test]
fn three_pin_tries_left_is_a_warning_only() {
    let pin = Some(PinStatus {
        tries_left: Some(3),
        blocked: false,
    });
    let o = run(&record(), &cert(), pin);
    assert_eq!(o.result, MatchResult::Match);
    assert_eq!(
        o.reasons,
        vec![Reason {
            severity: Severity::Warning,
            message: "暗証番号が試行された形跡があります（残り3回）".to_string()
        }]
    );
}

#[test]
fn blocked_pin_is_a_warning_with_the_jmaca_number() {
    for pin in [
        PinStatus {
            tries_left: None,
            blocked: true,
        },
        PinStatus {
            tries_left: Some(0),
            blocked: false,
        },
    ] {
        let o = run(&record(), &cert(), Some(pin));
        assert_eq!(o.result, MatchResult::Match);
        assert_eq!(o.reasons.len(), 1);
        assert!(has_reason(
            &o,
            Severity::Warning,
            "暗証番号がロックされています"
        ));
        assert!(has_reason(&o, Severity::Warning, "03-6634-0904"));
    }
    // No probe, or a full counter: nothing to say.
    assert!(run(&record(), &cert(), None).reasons.is_empty());
}

#[test]
fn warnings_do_not_hide_a_mismatch() {
    let mut c = cert();
    c.name_kanji = Some("山田　太郎".to_string());
    c.issuer = "CN=Unknown".to_string();
    let pin = Some(PinStatus {
        tries_left: Some(2),
        blocked: false,
    });
    let o = run(&record(), &c, pin);
    assert_eq!(o.result, MatchResult::Mismatch);
    let severities: Vec<_> = o.reasons.iter().map(|r| r.severity).collect();
    assert_eq!(
        severities,
        [Severity::Block, Severity::Warning, Severity::Notice]
    );
}

#[test]
fn result_labels_and_serde() {
    assert_eq!(MatchResult::NearMatch.as_str(), "near_match");
    assert_eq!(MatchResult::Mismatch.label(), "不一致");
    assert_eq!(
        serde_json::to_string(&MatchResult::NearMatch).expect("json"),
        "\"near_match\""
    );
    assert!(MatchResult::Mismatch > MatchResult::NearMatch);
    assert!(Severity::Block > Severity::Near && Severity::Near > Severity::Warning);
}
