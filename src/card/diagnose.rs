//! Reader diagnostics (`kofu reader diagnose`, and the key on the desk screen): what an officer
//! can paste into a support mail.
//!
//! PRIVACY BY CONSTRUCTION: the report types below have no field for a name, a birth date or
//! the contactless UID. The certificate is parsed, and only its issuer, validity, serial and
//! policies are copied out. The PIN counter comes from the empty VERIFY probe only
//! ([`super::apdu::VERIFY_PROBE`]); no VERIFY with data exists in this program.

use std::ffi::CString;

use pcsc::{Context, Disposition, Protocols, Scope, ShareMode};
use serde::Serialize;

use super::CardError;
use super::apdu::{AID_AUTH, AID_SIGN, Transmit, exchange, select_aid};
use super::cert::parse_certificate;
use super::diag::list_readers_with;
use super::hpki::{probe_pin, read_certificate};
use crate::domain::card_facts::PinStatus;
use crate::domain::issuers::KnownIssuers;

pub use crate::domain::readers::{ReaderHint, ReaderHints};

/// The PC/SC service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "detail")]
pub enum ServiceState {
    Running,
    NotRunning,
    Error(String),
}

/// One HPKI application probed with SELECT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationProbe {
    /// "auth" or "sign".
    pub application: &'static str,
    pub answered: bool,
    /// Status word of the SELECT, e.g. "9000", "6A82".
    pub sw: String,
}

/// The certificate WITHOUT its subject: issuer, validity, serial, policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateSummary {
    /// Which application it was read from.
    pub application: &'static str,
    pub issuer: String,
    pub issuer_known: bool,
    pub issuer_label: Option<String>,
    pub not_before: String,
    pub not_after: String,
    pub serial: String,
    pub policies: Vec<String>,
}

/// What the card in a reader answered.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct CardProbe {
    pub applications: Vec<ApplicationProbe>,
    pub pin: Option<PinStatus>,
    pub certificates: Vec<CertificateSummary>,
    /// The first error, in Japanese (the probe stops there).
    pub error: Option<String>,
}

/// One reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderReport {
    pub name: String,
    pub hint_kind: Option<String>,
    pub hint: Option<String>,
    /// A virtual reader kofu ignores unless configured.
    pub ignored: bool,
    pub card_present: bool,
    pub atr: Option<String>,
    pub card: Option<CardProbe>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub kofu_version: &'static str,
    pub service: ServiceState,
    pub readers: Vec<ReaderReport>,
    /// Shown when no reader is listed.
    pub no_reader_hint: Option<String>,
}

/// Probe a card: SELECT each HPKI application; for each that answers, read its certificate
/// (kept without subject) and, once, the PIN counter with the empty VERIFY.
pub fn probe_card<T: Transmit + ?Sized>(card: &mut T, known: &KnownIssuers) -> CardProbe {
    let mut probe = CardProbe::default();
    for (aid, name) in [(AID_AUTH, "auth"), (AID_SIGN, "sign")] {
        let r = match exchange(card, &select_aid(&aid)) {
            Ok(r) => r,
            Err(e) => {
                probe.error = Some(e.to_string());
                return probe;
            }
        };
        probe.applications.push(ApplicationProbe {
            application: name,
            answered: r.is_ok(),
            sw: format!("{:04X}", r.sw),
        });
        if !r.is_ok() {
            continue;
        }
        match read_certificate(card).and_then(|der| parse_certificate(&der)) {
            Ok(facts) => {
                let entry = known.find(&facts.issuer);
                probe.certificates.push(CertificateSummary {
                    application: name,
                    issuer_known: entry.is_some() || known.contains(&facts.issuer),
                    issuer_label: entry.map(|e| e.display()),
                    issuer: facts.issuer,
                    not_before: facts.not_before.to_string(),
                    not_after: facts.not_after.to_string(),
                    serial: facts.serial_hex,
                    policies: facts.policies,
                });
                // facts.subject_cn / name_kanji / role are dropped here.
            }
            Err(e) => {
                probe.error = Some(format!("証明書（{name}）: {e}"));
                return probe;
            }
        }
        if probe.pin.is_none() {
            match probe_pin(card) {
                Ok(p) => probe.pin = Some(p),
                Err(e) => {
                    probe.error = Some(format!("暗証番号の残り回数: {e}"));
                    return probe;
                }
            }
        }
    }
    probe
}

struct CardTransmit<'a>(&'a pcsc::Card);

impl Transmit for CardTransmit<'_> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
        self.0
            .transmit(apdu, &mut buf)
            .map(<[u8]>::to_vec)
            .map_err(CardError::from_pcsc)
    }
}

fn probe_reader(ctx: &Context, name: &str, known: &KnownIssuers) -> CardProbe {
    let fail = |e: CardError| CardProbe {
        error: Some(e.to_string()),
        ..CardProbe::default()
    };
    let Ok(cname) = CString::new(name) else {
        return fail(CardError::NoReader);
    };
    let mut card = match ctx.connect(&cname, ShareMode::Shared, Protocols::T0 | Protocols::T1) {
        Ok(c) => c,
        Err(e) => return fail(CardError::from_pcsc(e)),
    };
    let probe = match card.transaction() {
        Ok(tx) => {
            let mut t = CardTransmit(&tx);
            probe_card(&mut t, known)
        }
        Err(e) => fail(CardError::from_pcsc(e)),
    };
    let _ = card.disconnect(Disposition::LeaveCard);
    probe
}

/// Run the diagnosis on the real PC/SC service (every reader, every card present).
pub fn diagnose(preferred: Option<&str>, known: &KnownIssuers, hints: &ReaderHints) -> Diagnosis {
    let mut d = Diagnosis {
        kofu_version: env!("CARGO_PKG_VERSION"),
        service: ServiceState::Running,
        readers: Vec::new(),
        no_reader_hint: None,
    };
    let ctx = match Context::establish(Scope::User) {
        Ok(c) => c,
        Err(pcsc::Error::NoService | pcsc::Error::ServiceStopped) => {
            d.service = ServiceState::NotRunning;
            d.no_reader_hint = Some(hints.no_reader_hint.clone()).filter(|h| !h.is_empty());
            return d;
        }
        Err(e) => {
            d.service = ServiceState::Error(e.to_string());
            return d;
        }
    };
    let list = match list_readers_with(preferred) {
        Ok(l) => l,
        Err(CardError::NoService) => {
            d.service = ServiceState::NotRunning;
            Vec::new()
        }
        Err(CardError::NoReader) => Vec::new(),
        Err(e) => {
            d.service = ServiceState::Error(e.to_string());
            Vec::new()
        }
    };
    for r in list {
        let hint = hints.for_reader(&r.name);
        let card = r.card_present.then(|| probe_reader(&ctx, &r.name, known));
        d.readers.push(ReaderReport {
            hint_kind: hint.map(|h| h.kind.clone()),
            hint: hint.map(|h| h.hint.clone()),
            name: r.name,
            ignored: r.ignored,
            card_present: r.card_present,
            atr: r.atr,
            card,
        });
    }
    if d.readers.is_empty() {
        d.no_reader_hint = Some(hints.no_reader_hint.clone()).filter(|h| !h.is_empty());
    }
    d
}

impl Diagnosis {
    /// The report as Japanese text for a support mail (no personal data).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut line = |s: String| {
            out.push_str(&s);
            out.push('\n');
        };
        line("kofu カードリーダ診断（氏名・生年月日は含みません）".into());
        line(format!("kofu バージョン: {}", self.kofu_version));
        line(format!(
            "PC/SC サービス: {}",
            match &self.service {
                ServiceState::Running => "動作中".to_string(),
                ServiceState::NotRunning =>
                    "停止中（スマートカードサービスが動いていません）".to_string(),
                ServiceState::Error(e) => format!("エラー（{e}）"),
            }
        ));
        if self.readers.is_empty() {
            line("リーダ: 見つかりません".into());
        }
        if let Some(h) = &self.no_reader_hint {
            line(format!("  {h}"));
        }
        for (i, r) in self.readers.iter().enumerate() {
            line(format!(
                "リーダ {}: {}{}",
                i + 1,
                r.name,
                if r.ignored {
                    "（仮想リーダのため通常は使いません）"
                } else {
                    ""
                }
            ));
            if let Some(h) = &r.hint {
                line(format!("  種別: {h}"));
            }
            match (&r.card_present, &r.atr) {
                (true, Some(a)) => line(format!("  カード: あり  ATR: {a}")),
                (true, None) => line("  カード: あり".into()),
                (false, _) => line("  カード: なし".into()),
            }
            let Some(c) = &r.card else { continue };
            for a in &c.applications {
                line(format!(
                    "  HPKI {}アプリケーション: {}（SW {}）",
                    application_label(a.application),
                    if a.answered {
                        "応答あり"
                    } else {
                        "応答なし"
                    },
                    a.sw
                ));
            }
            match c.pin {
                Some(PinStatus { blocked: true, .. }) => {
                    line("  暗証番号: ロックされています（照合はしていません）".into())
                }
                Some(PinStatus {
                    tries_left: Some(n),
                    ..
                }) => line(format!("  暗証番号: 残り {n} 回（照合はしていません）")),
                Some(_) => line("  暗証番号: 残り回数不明".into()),
                None => {}
            }
            for cert in &c.certificates {
                line(format!(
                    "  証明書（{}）:",
                    application_label(cert.application)
                ));
                line(format!("    発行者: {}", cert.issuer));
                match &cert.issuer_label {
                    Some(l) => line(format!("      既知の発行者: {l}")),
                    None if cert.issuer_known => line("      既知の発行者".into()),
                    None => line(format!(
                        "      {}",
                        crate::domain::issuers::unknown_issuer_message(&cert.issuer)
                    )),
                }
                line(format!(
                    "    有効期間: {} 〜 {}",
                    cert.not_before, cert.not_after
                ));
                line(format!("    シリアル: {}", cert.serial));
                for p in &cert.policies {
                    line(format!("    ポリシー: {p}"));
                }
            }
            if let Some(e) = &c.error {
                line(format!("  エラー: {e}"));
            }
        }
        out
    }
}

/// 認証用 for the "auth" application, else 署名用.
fn application_label(application: &str) -> &'static str {
    if application == "auth" {
        "認証用"
    } else {
        "署名用"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::sim::{HpkiApplet, SimPin};

    #[test]
    fn hints_match_reader_names() {
        let h = ReaderHints::builtin();
        for (reader, kind) in [
            ("Sony FeliCa Port/PaSoRi 3.0 0", "problem"),
            ("SONY FeliCa Port/PaSoRi 4.0 (RC-S300) 00 00", "ccid"),
            ("Windows Hello for Business 1", "virtual"),
        ] {
            assert_eq!(h.for_reader(reader).unwrap().kind, kind, "{reader}");
        }
        assert!(
            h.for_reader("SONY RC-S380/P")
                .unwrap()
                .hint
                .contains("pcsc-lite")
        );
        assert!(h.for_reader("Some Other Reader").is_none());
        assert!(!h.no_reader_hint.is_empty());
    }

    #[test]
    fn a_foreign_or_broken_card_is_reported_not_panicked_on() {
        // A foreign card: both SELECTs answer 6A82, nothing else is sent.
        let mut foreign = HpkiApplet::foreign();
        let p = probe_card(&mut foreign, &KnownIssuers::builtin());
        assert_eq!(p.applications.len(), 2);
        assert!(p.applications.iter().all(|a| !a.answered && a.sw == "6A82"));
        assert!(p.certificates.is_empty() && p.pin.is_none() && p.error.is_none());
        // A card whose certificate is not DER: the error is named, the PIN is not probed.
        let mut broken =
            HpkiApplet::new(vec![0x30, 0x03, 0x01, 0x02, 0x03]).with_pin(SimPin::Tries(7));
        let p = probe_card(&mut broken, &KnownIssuers::builtin());
        assert!(p.applications[0].answered);
        assert!(
            p.error.as_deref().unwrap().starts_with("証明書（auth）"),
            "{p:?}"
        );
        // (The full probe of a real certificate runs through pcscd in tests/reader_cli.rs.)
    }
}
