//! The identity match: does the card on the reader belong to the record the officer opened?
//!
//! [`match_identity`] compares a [`CardRecord`] (from the JMACA shipment) with the certificate read from
//! the card, line by line, and explains every difference in Japanese. The rules (DOMAIN.md §4 Names):
//!
//! | line | Same | Near (要確認) | Different (不一致) |
//! |---|---|---|---|
//! | 氏名（漢字） | equal under [`strict_key`] | equal only after the variant fold; or missing on the card | otherwise |
//! | 氏名（ローマ字） | equal under [`romaji_key`] (only checked when the record has one) | otherwise | never |
//! | 資格 | hcRole is "Medical Doctor" (trimmed, any case) | — | anything else, or missing |
//! | 有効期限 | certificate notAfter = printed expiry = computed expiry | any disagreement | never |
//! | 証明書シリアル | equal as hex (any case, ':' and spaces and leading zeros ignored) | — | otherwise |
//! | 発行者 | in the known-issuer list | — (unknown: a notice only) | never |
//! | 有効性 | today within the certificate's validity | not yet valid | expired |
//!
//! The PIN probe adds warnings only. Warnings and notices never change the result, which is the worst
//! of the lines and reasons: anything Different or a `Block` reason gives [`MatchResult::Mismatch`],
//! anything Near gives [`MatchResult::NearMatch`]. A near match must be confirmed by the officer; a
//! different person is never accepted silently.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::card_facts::{CertificateFacts, PinStatus};
use super::record::CardRecord;
use super::search::{romaji_key, search_key, strict_key, variant_differences};

/// The role text every physician certificate carries in hcRole.
const MEDICAL_DOCTOR: &str = "Medical Doctor";

/// JMACA's phone number, given when a card's PIN is locked.
const JMACA_PHONE: &str = "03-6634-0904";

/// Overall outcome of the identity match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchResult {
    /// 一致: every line agrees.
    Match,
    /// 要確認: the officer must confirm (variant kanji, romaji spelling, expiry disagreement …).
    NearMatch,
    /// 不一致: do not hand over (another person, not a physician card, expired, another card).
    Mismatch,
}

impl MatchResult {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchResult::Match => "match",
            MatchResult::NearMatch => "near_match",
            MatchResult::Mismatch => "mismatch",
        }
    }

    /// Japanese label shown to the officer.
    pub fn label(self) -> &'static str {
        match self {
            MatchResult::Match => "一致",
            MatchResult::NearMatch => "要確認",
            MatchResult::Mismatch => "不一致",
        }
    }
}

/// The verdict on one compared line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Same,
    Near,
    Different,
    /// The card does not carry this item.
    Missing,
    /// Not compared (the record has no value) or could not be confirmed (unknown issuer).
    NotChecked,
}

impl Verdict {
    /// A two-cell ASCII mark for tables (no East-Asian-ambiguous glyphs).
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Same => "OK",
            Verdict::Near => "??",
            Verdict::Different => "NG",
            Verdict::Missing => "--",
            Verdict::NotChecked => "..",
        }
    }

    /// Japanese label.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Same => "一致",
            Verdict::Near => "要確認",
            Verdict::Different => "不一致",
            Verdict::Missing => "記載なし",
            Verdict::NotChecked => "未確認",
        }
    }

    /// The best result a line with this verdict allows.
    fn floor(self) -> MatchResult {
        match self {
            Verdict::Same | Verdict::Missing | Verdict::NotChecked => MatchResult::Match,
            Verdict::Near => MatchResult::NearMatch,
            Verdict::Different => MatchResult::Mismatch,
        }
    }
}

/// One compared item: the record's value, the card's value and the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldLine {
    /// Japanese label: 氏名（漢字）, 氏名（ローマ字）, 資格, 有効期限, 証明書シリアル, 発行者, 有効性.
    pub field: &'static str,
    pub record: String,
    pub card: String,
    pub verdict: Verdict,
}

/// How serious a reason is. Ordered from the mildest to the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Information only; never changes the result.
    Notice,
    /// Must be shown and told to the physician; never changes the result.
    Warning,
    /// Makes the result at least a near match.
    Near,
    /// Makes the result a mismatch.
    Block,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Notice => "お知らせ",
            Severity::Warning => "注意",
            Severity::Near => "要確認",
            Severity::Block => "交付不可",
        }
    }

    fn floor(self) -> MatchResult {
        match self {
            Severity::Notice | Severity::Warning => MatchResult::Match,
            Severity::Near => MatchResult::NearMatch,
            Severity::Block => MatchResult::Mismatch,
        }
    }
}

/// One explanation for the officer, in Japanese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub severity: Severity,
    pub message: String,
}

/// The result of [`match_identity`]. `reasons` is sorted worst first (stable within a severity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchOutcome {
    pub result: MatchResult,
    pub lines: Vec<FieldLine>,
    pub reasons: Vec<Reason>,
}

impl MatchOutcome {
    /// The line for a field label, if present.
    pub fn line(&self, field: &str) -> Option<&FieldLine> {
        self.lines.iter().find(|l| l.field == field)
    }
}

pub use super::issuers::KnownIssuers;

/// What the match needs besides the record and the card.
#[derive(Debug, Clone, Copy)]
pub struct MatchContext<'a> {
    /// Today's date in JST.
    pub today: NaiveDate,
    /// Expiry computed by the validity rule from birth and issue dates, when a rule applies.
    pub computed_expiry: Option<NaiveDate>,
    pub known_issuers: &'a KnownIssuers,
}

pub const FIELD_NAME_KANJI: &str = "氏名（漢字）";
pub const FIELD_NAME_ROMAJI: &str = "氏名（ローマ字）";
pub const FIELD_ROLE: &str = "資格";
pub const FIELD_EXPIRY: &str = "有効期限";
pub const FIELD_SERIAL: &str = "証明書シリアル";
pub const FIELD_ISSUER: &str = "発行者";
pub const FIELD_VALIDITY: &str = "有効性";

/// Compare a record with the certificate (and PIN probe) read from a card.
pub fn match_identity(
    record: &CardRecord,
    cert: &CertificateFacts,
    pin: Option<PinStatus>,
    ctx: &MatchContext,
) -> MatchOutcome {
    let mut lines = Vec::with_capacity(7);
    let mut reasons = Vec::new();
    let mut reason =
        |severity: Severity, message: String| reasons.push(Reason { severity, message });

    // 氏名（漢字）
    let card_kanji = cert.name_kanji.as_deref().unwrap_or("");
    let verdict = if card_kanji.trim().is_empty() {
        reason(
            Severity::Near,
            "カードに漢字氏名がありません。ローマ字氏名と本人確認書類で本人であることを確認してください"
                .to_string(),
        );
        Verdict::Missing
    } else if strict_key(&record.name) == strict_key(card_kanji) {
        Verdict::Same
    } else if search_key(&record.name) == search_key(card_kanji) {
        let pairs = variant_differences(&record.name, card_kanji);
        let listed = pairs
            .iter()
            .map(|(r, c)| format!("名簿「{r}」カード「{c}」"))
            .collect::<Vec<_>>()
            .join("、");
        reason(
            Severity::Near,
            format!("異体字の違い: {listed}。同じ氏名か本人確認書類で確認してください"),
        );
        Verdict::Near
    } else {
        reason(
            Severity::Block,
            "氏名（漢字）が一致しません。別人の可能性があります".to_string(),
        );
        Verdict::Different
    };
    lines.push(FieldLine {
        field: FIELD_NAME_KANJI,
        record: record.name.clone(),
        card: card_kanji.to_string(),
        verdict,
    });

    // 氏名（ローマ字）: only when the record has one; the kanji line decides identity.
    let record_romaji = record
        .romaji
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let verdict = match record_romaji {
        None => Verdict::NotChecked,
        Some(r) if romaji_key(r) == romaji_key(&cert.subject_cn) => Verdict::Same,
        Some(r) => {
            reason(
                Severity::Near,
                format!(
                    "ローマ字氏名の表記が名簿と異なります（名簿: {r}、カード: {}）",
                    cert.subject_cn
                ),
            );
            Verdict::Near
        }
    };
    lines.push(FieldLine {
        field: FIELD_NAME_ROMAJI,
        record: record_romaji.unwrap_or("").to_string(),
        card: cert.subject_cn.clone(),
        verdict,
    });

    // 資格
    let role = cert.role.as_deref().map(str::trim).unwrap_or("");
    let verdict = if role.eq_ignore_ascii_case(MEDICAL_DOCTOR) {
        Verdict::Same
    } else if role.is_empty() {
        reason(
            Severity::Block,
            "医師の資格情報ではありません（カードに資格情報がありません）".to_string(),
        );
        Verdict::Missing
    } else {
        reason(
            Severity::Block,
            format!("医師の資格情報ではありません（カードの資格: {role}）"),
        );
        Verdict::Different
    };
    lines.push(FieldLine {
        field: FIELD_ROLE,
        record: format!("医師（{MEDICAL_DOCTOR}）"),
        card: role.to_string(),
        verdict,
    });

    // 有効期限: certificate vs printed vs computed.
    let verdict = match expiry_disagreement(cert.not_after, record.expiry_date, ctx.computed_expiry)
    {
        None => Verdict::Same,
        Some(message) => {
            reason(Severity::Near, message);
            Verdict::Near
        }
    };
    let record_expiry = match ctx.computed_expiry {
        Some(c) if c != record.expiry_date => format!("{}（計算 {c}）", record.expiry_date),
        _ => record.expiry_date.to_string(),
    };
    lines.push(FieldLine {
        field: FIELD_EXPIRY,
        record: record_expiry,
        card: cert.not_after.to_string(),
        verdict,
    });

    // 証明書シリアル: only when the record has one.
    let record_serial = record
        .cert_serial
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let verdict = match record_serial {
        None => Verdict::NotChecked,
        Some(s) if serial_key(s) == serial_key(&cert.serial_hex) => Verdict::Same,
        Some(_) => {
            reason(
                Severity::Block,
                "証明書シリアルが名簿と一致しません。別のカードの可能性があります".to_string(),
            );
            Verdict::Different
        }
    };
    lines.push(FieldLine {
        field: FIELD_SERIAL,
        record: record_serial.unwrap_or("").to_string(),
        card: cert.serial_hex.clone(),
        verdict,
    });

    // 発行者: an unknown issuer is a notice only.
    let known = ctx.known_issuers.find(&cert.issuer);
    let verdict = if known.is_some() || ctx.known_issuers.contains(&cert.issuer) {
        Verdict::Same
    } else {
        reason(
            Severity::Notice,
            super::issuers::unknown_issuer_message(&cert.issuer),
        );
        Verdict::NotChecked
    };
    lines.push(FieldLine {
        field: FIELD_ISSUER,
        record: match known {
            Some(entry) => entry.display(),
            None if verdict == Verdict::Same => "既知の発行者".to_string(),
            None => "未登録の発行者".to_string(),
        },
        card: cert.issuer.clone(),
        verdict,
    });

    // 有効性: today within the certificate's validity.
    let verdict = if cert.not_after < ctx.today {
        reason(
            Severity::Block,
            format!(
                "カードの有効期限が切れています（有効期限 {}）",
                cert.not_after
            ),
        );
        Verdict::Different
    } else if cert.not_before > ctx.today {
        reason(
            Severity::Near,
            format!(
                "カードの有効期間がまだ始まっていません（開始日 {}）",
                cert.not_before
            ),
        );
        Verdict::Near
    } else {
        Verdict::Same
    };
    lines.push(FieldLine {
        field: FIELD_VALIDITY,
        record: format!("{} 時点", ctx.today),
        card: format!("{}〜{}", cert.not_before, cert.not_after),
        verdict,
    });

    // PIN retry counter: warnings only.
    if let Some(pin) = pin {
        if pin.blocked || pin.tries_left == Some(0) {
            reason(
                Severity::Warning,
                format!(
                    "暗証番号がロックされています。日本医師会電子認証センター（{JMACA_PHONE}）へ連絡するよう案内してください"
                ),
            );
        } else if let Some(n) = pin.tries_left.filter(|n| *n < 15) {
            reason(
                Severity::Warning,
                format!("暗証番号が試行された形跡があります（残り{n}回）"),
            );
        }
    }

    reasons.sort_by_key(|r| std::cmp::Reverse(r.severity));
    let result = lines
        .iter()
        .map(|l| l.verdict.floor())
        .chain(reasons.iter().map(|r| r.severity.floor()))
        .max()
        .unwrap_or(MatchResult::Match);
    MatchOutcome {
        result,
        lines,
        reasons,
    }
}

/// A certificate serial for comparison: lower-case hex without ':', whitespace, a `0x` prefix or leading
/// zeros (so `00:1A:2b` = `1a2b`).
fn serial_key(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let s = s.strip_prefix("0x").unwrap_or(&s);
    let trimmed = s.trim_start_matches('0');
    if trimmed.is_empty() && !s.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The three expiry values disagree? Returns the officer's message naming all of them.
// The rules helper is writing `expiry::compare_expiry`; this small private copy may be unified with it.
fn expiry_disagreement(
    certificate: NaiveDate,
    printed: NaiveDate,
    computed: Option<NaiveDate>,
) -> Option<String> {
    let agree = certificate == printed && computed.is_none_or(|c| c == certificate);
    if agree {
        return None;
    }
    let computed = computed
        .map(|c| format!("、規則による計算: {c}"))
        .unwrap_or_default();
    Some(format!(
        "有効期限が一致しません（カードの証明書: {certificate}、名簿の有効期限: {printed}{computed}）"
    ))
}

/// The identity match of a card reading with its record, against the expiry that the rules
/// compute for the record (the one match of the desk screen and `kofu reader read`).
pub fn match_reading(
    record: &CardRecord,
    reading: &crate::domain::card_facts::CardReading,
    today: NaiveDate,
    expiry: &crate::domain::expiry::ExpiryRules,
    known_issuers: &KnownIssuers,
) -> MatchOutcome {
    let computed_expiry = expiry
        .compute_with(
            record.issue_date,
            record.birth_date,
            &record.issue_context(),
        )
        .ok()
        .map(|c| c.date);
    let ctx = MatchContext {
        today,
        computed_expiry,
        known_issuers,
    };
    match_identity(record, &reading.certificate, Some(reading.pin), &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CardState, Membership, Route};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

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
}
