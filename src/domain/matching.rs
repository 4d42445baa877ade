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
    let record_romaji = filled(&record.romaji);
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
    let record_serial = filled(&record.cert_serial);
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

/// An optional record field with its blanks trimmed; `None` when absent or blank.
fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
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
mod tests;
