//! Diagnostics behind `kofu reader list|watch|read`.

use std::ffi::CString;
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use pcsc::{ReaderState, State};
use serde::Serialize;
use serde_json::json;

use super::pcsc_reader::{Pcsc, Shared};
use super::rank::rank_readers;
use super::{CardError, CardEvent, CardReading, WatcherConfig, spawn_watcher};
use crate::domain::issuers::KnownIssuers;

/// One reader as PC/SC reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderInfo {
    pub name: String,
    pub card_present: bool,
    /// Lower is preferred (see [`super::rank::rank_reader`]).
    pub rank: u8,
    /// A virtual reader kofu ignores unless it is configured.
    pub ignored: bool,
    /// ATR of the card present, upper-case hex.
    pub atr: Option<String>,
}

/// All readers, best first, with card presence.
pub fn list_readers() -> Result<Vec<ReaderInfo>, CardError> {
    list_readers_with(None)
}

/// Like [`list_readers`], ranking with a configured reader prefix.
pub fn list_readers_with(preferred: Option<&str>) -> Result<Vec<ReaderInfo>, CardError> {
    let shared = Shared::new();
    let pcsc = Pcsc::establish(&shared)?;
    let names = pcsc.list_readers().map_err(CardError::from_pcsc)?;
    let ranked = rank_readers(&names, preferred);
    let mut states: Vec<ReaderState> = ranked
        .iter()
        .filter_map(|r| CString::new(r.name.clone()).ok())
        .map(|n| ReaderState::new(n, State::UNAWARE))
        .collect();
    if !states.is_empty() {
        match pcsc.status_change(Some(Duration::ZERO), &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(CardError::from_pcsc(e)),
        }
    }
    let mut infos: Vec<ReaderInfo> = ranked
        .into_iter()
        .map(|r| {
            let st = states.iter().find(|s| s.name().to_string_lossy() == r.name);
            let present = st.is_some_and(|s| s.event_state().contains(State::PRESENT));
            ReaderInfo {
                atr: st
                    .filter(|_| present)
                    .map(|s| hex::encode_upper(s.atr()))
                    .filter(|a| !a.is_empty()),
                name: r.name,
                card_present: present,
                rank: r.rank,
                ignored: r.ignored,
            }
        })
        .collect();
    // Among equally ranked readers, the one holding a card first.
    infos.sort_by_key(|r| (r.ignored, r.rank, !r.card_present));
    Ok(infos)
}

/// Run a watcher and hand every event to `on_event` until it returns `false`.
/// (Ctrl-C ends the process; the watcher thread dies with it.)
pub fn watch(config: WatcherConfig, mut on_event: impl FnMut(&CardEvent) -> bool) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let handle = spawn_watcher(
        config,
        Box::new(move |e| {
            if let Ok(tx) = tx.lock() {
                let _ = tx.send(e);
            }
        }),
    );
    while let Ok(event) = rx.recv() {
        if !on_event(&event) {
            break;
        }
    }
    handle.shutdown();
}

/// Read one card now: from the reader whose name starts with `reader`, or else from the
/// best-ranked non-ignored reader holding a card; waits up to `wait` for a card.
/// Also reads the contactless UID (diagnostics).
pub fn read_once(reader: Option<&str>, wait: Duration) -> Result<CardReading, CardError> {
    let config = WatcherConfig {
        read_uid: true,
        ..WatcherConfig::default()
    };
    read_once_with(reader, wait, &config)
}

/// [`read_once`] with the watcher's settings (`read_uid`, `max_attempts`).
pub fn read_once_with(
    reader: Option<&str>,
    wait: Duration,
    config: &WatcherConfig,
) -> Result<CardReading, CardError> {
    let shared = Shared::new();
    let pcsc = Pcsc::establish(&shared)?;
    let deadline = Instant::now() + wait;
    loop {
        let names = pcsc.list_readers().map_err(CardError::from_pcsc)?;
        let candidates: Vec<String> = rank_readers(&names, reader)
            .into_iter()
            .filter(|r| !r.ignored)
            .filter(|r| reader.is_none_or(|p| r.name.starts_with(p)))
            .map(|r| r.name)
            .collect();
        // states[0] is the PnP entry, then the candidates in rank order.
        let mut states = vec![ReaderState::new(pcsc::PNP_NOTIFICATION(), State::UNAWARE)];
        states.extend(
            candidates
                .iter()
                .filter_map(|n| CString::new(n.clone()).ok())
                .map(|n| ReaderState::new(n, State::UNAWARE)),
        );
        match pcsc.status_change(Some(Duration::ZERO), &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(CardError::from_pcsc(e)),
        }
        if let Some(s) = states
            .iter()
            .skip(1)
            .find(|s| s.event_state().contains(State::PRESENT))
        {
            let name = s.name().to_string_lossy().into_owned();
            return pcsc.read_card(&name, config);
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(if candidates.is_empty() {
                CardError::NoReader
            } else {
                CardError::NoCard
            });
        }
        // Block until a reader or card changes (or the deadline), without spinning.
        for s in &mut states {
            s.sync_current_state();
        }
        match pcsc.status_change(Some(deadline - now), &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(CardError::from_pcsc(e)),
        }
    }
}

/// The JSON shape of `kofu reader read`; `known` decides `certificate.issuer_known`.
pub fn reading_to_json(r: &CardReading, known: &KnownIssuers) -> serde_json::Value {
    let entry = known.find(&r.certificate.issuer);
    json!({
        "reader": r.reader,
        "atr": r.atr,
        "uid": r.uid,
        "application": match r.application {
            super::HpkiApplication::Auth => "auth",
            super::HpkiApplication::Sign => "sign",
        },
        "certificate": {
            "serial": r.certificate.serial_hex,
            "issuer": r.certificate.issuer,
            "issuer_known": entry.is_some() || known.contains(&r.certificate.issuer),
            "issuer_id": entry.map(|e| e.id.clone()),
            "policies": r.certificate.policies,
            "subject_cn": r.certificate.subject_cn,
            "name_kanji": r.certificate.name_kanji,
            "role": r.certificate.role,
            "not_before": r.certificate.not_before.format("%Y-%m-%d").to_string(),
            "not_after": r.certificate.not_after.format("%Y-%m-%d").to_string(),
        },
        "pin": {
            "tries_left": r.pin.tries_left,
            "blocked": r.pin.blocked,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{HpkiApplication, PinStatus};

    #[test]
    fn json_shape() {
        let r = CardReading {
            reader: "ACS ACR1252 Dual Reader PICC 0".into(),
            atr: "3B8F".into(),
            uid: Some("04A1".into()),
            application: HpkiApplication::Auth,
            certificate: crate::card::sim::test_certificate("0a1b"),
            pin: PinStatus {
                tries_left: Some(15),
                blocked: false,
            },
        };
        let v = reading_to_json(&r, &KnownIssuers::builtin());
        assert_eq!(v["certificate"]["issuer_known"], true);
        assert_eq!(v["certificate"]["issuer_id"], "kofu_test");
        assert_eq!(v["certificate"]["policies"], json!([]));
        let unknown = reading_to_json(&r, &KnownIssuers::default());
        assert_eq!(unknown["certificate"]["issuer_known"], false);
        assert_eq!(unknown["certificate"]["issuer_id"], serde_json::Value::Null);
        assert_eq!(v["application"], "auth");
        assert_eq!(v["certificate"]["serial"], "0a1b");
        assert_eq!(v["certificate"]["name_kanji"], "神楽坂　三十四");
        assert_eq!(v["certificate"]["not_after"], "2030-03-31");
        assert_eq!(v["pin"]["tries_left"], 15);
        assert_eq!(v["pin"]["blocked"], false);
        assert_eq!(v["uid"], "04A1");
    }
}
