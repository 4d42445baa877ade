//! The simulated reader (demo mode, app tests) and an in-process HPKI card applet.
//!
//! [`SimulatedReader`] is a cheap clonable handle: the app (or a test) keeps one clone to
//! `place()` / `lift()` cards and gives another to the watcher. Its watcher produces the same
//! [`CardEvent`] sequence as the PC/SC watcher, with the same debounce.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::apdu::Transmit;
use super::hpki::read_hpki;
use super::{
    CardError, CardEvent, CardReader, CardReading, CertificateFacts, EventSink, HpkiApplication,
    PinStatus, WatcherHandle, panic_text,
};

/// ATR reported by simulated cards (a contactless-style ATR; never used for detection).
pub const SIM_ATR: &str = "3B8F8001804F0CA0000003060300030000000068";

/// PIN retry state of an emulated card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimPin {
    Tries(u8),
    Blocked,
}

/// An emulated HPKI card at the APDU level: the auth and/or sign application, each with
/// EF 00 16 (certificate) and EF 00 02 (PIN); answers the empty VERIFY with the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpkiApplet {
    /// Content of EF 00 16 under the authentication AID (`None`: no such application).
    pub auth_cert: Option<Vec<u8>>,
    /// Content of EF 00 16 under the signing AID (`None`: no such application).
    pub sign_cert: Option<Vec<u8>>,
    pub pin: SimPin,
    /// Answer to `FF CA 00 00 00` (`None`: `6A 81`).
    pub uid: Option<Vec<u8>>,
    /// Most data bytes one READ BINARY returns (1..=256).
    pub max_read: usize,
    selected_app: Option<bool>, // Some(true) = auth
    selected_ef: Option<u16>,
}

impl HpkiApplet {
    /// A card with the certificate under both applications, PIN counter 15.
    pub fn new(cert_der: Vec<u8>) -> Self {
        HpkiApplet {
            auth_cert: Some(cert_der.clone()),
            sign_cert: Some(cert_der),
            pin: SimPin::Tries(15),
            uid: Some(vec![0x04, 0x1A, 0x2B, 0x3C, 0x4D, 0x5E, 0x6F]),
            max_read: 256,
            selected_app: None,
            selected_ef: None,
        }
    }

    /// A card with neither HPKI application (answers `6A 82`).
    pub fn foreign() -> Self {
        HpkiApplet {
            auth_cert: None,
            sign_cert: None,
            ..HpkiApplet::new(Vec::new())
        }
    }

    pub fn with_pin(mut self, pin: SimPin) -> Self {
        self.pin = pin;
        self
    }

    /// Forget the selection (power cycle / reset).
    pub fn reset(&mut self) {
        self.selected_app = None;
        self.selected_ef = None;
    }

    fn current_file(&self) -> Option<&Vec<u8>> {
        match self.selected_app {
            Some(true) => self.auth_cert.as_ref(),
            Some(false) => self.sign_cert.as_ref(),
            None => None,
        }
    }

    /// Answer one command APDU (data + SW1 SW2). Never panics.
    pub fn respond(&mut self, apdu: &[u8]) -> Vec<u8> {
        const OK: [u8; 2] = [0x90, 0x00];
        let header = match apdu.get(..4) {
            Some(h) => [h[0], h[1], h[2], h[3]],
            None => return vec![0x67, 0x00],
        };
        match header {
            [0xFF, 0xCA, 0x00, 0x00] => match &self.uid {
                Some(uid) => [uid.as_slice(), &OK].concat(),
                None => vec![0x6A, 0x81],
            },
            [0x00, 0xA4, 0x04, _] => {
                let aid = apdu.get(5..21);
                let app = match aid {
                    Some(a) if a == super::apdu::AID_AUTH && self.auth_cert.is_some() => Some(true),
                    Some(a) if a == super::apdu::AID_SIGN && self.sign_cert.is_some() => {
                        Some(false)
                    }
                    _ => None,
                };
                match app {
                    Some(a) => {
                        self.selected_app = Some(a);
                        self.selected_ef = None;
                        OK.to_vec()
                    }
                    None => vec![0x6A, 0x82],
                }
            }
            [0x00, 0xA4, 0x02, _] => {
                let fid = match apdu.get(5..7) {
                    Some(f) => u16::from_be_bytes([f[0], f[1]]),
                    None => return vec![0x67, 0x00],
                };
                if self.selected_app.is_some() && (fid == 0x0016 || fid == 0x0002) {
                    self.selected_ef = Some(fid);
                    OK.to_vec()
                } else {
                    vec![0x6A, 0x82]
                }
            }
            [0x00, 0xB0, p1, p2] => {
                if self.selected_ef != Some(0x0016) {
                    return vec![0x69, 0x86];
                }
                let Some(file) = self.current_file() else {
                    return vec![0x69, 0x86];
                };
                let offset = (usize::from(p1 & 0x7F) << 8) | usize::from(p2);
                let le = match apdu.get(4) {
                    Some(0) | None => 256,
                    Some(&n) => usize::from(n),
                };
                let le = le.min(self.max_read.clamp(1, 256));
                if offset >= file.len() {
                    return vec![0x6B, 0x00];
                }
                let end = (offset + le).min(file.len());
                let mut out = file.get(offset..end).unwrap_or_default().to_vec();
                if end - offset < le {
                    out.extend_from_slice(&[0x62, 0x82]);
                } else {
                    out.extend_from_slice(&OK);
                }
                out
            }
            [0x00, 0x20, 0x00, 0x88] => {
                if apdu.len() != 4 {
                    // A VERIFY with data: this applet refuses to count it as a try.
                    return vec![0x69, 0x82];
                }
                if self.selected_app.is_none() {
                    return vec![0x69, 0x86];
                }
                match self.pin {
                    SimPin::Blocked => vec![0x69, 0x83],
                    SimPin::Tries(n) => vec![0x63, 0xC0 | n.min(15)],
                }
            }
            [0x00, _, _, _] => vec![0x6D, 0x00],
            _ => vec![0x6E, 0x00],
        }
    }
}

impl Transmit for HpkiApplet {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        Ok(self.respond(apdu))
    }
}

/// A card for the simulated reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimCard {
    /// A card answering APDUs; read through the real HPKI read and parse code.
    Applet(HpkiApplet),
    /// A physician card with these facts (no certificate needed; demo mode).
    Physician {
        certificate: CertificateFacts,
        application: HpkiApplication,
        pin: PinStatus,
    },
    /// Some other card: `医師資格証ではありません`.
    Foreign,
    /// Lifted in the middle of the read: `ReadFinished(Err(Removed))`, then `CardRemoved`.
    LiftedMidRead,
    /// Every read fails with this error.
    Failing(CardError),
}

impl SimCard {
    /// A good physician card (PIN counter 15).
    pub fn physician(certificate: CertificateFacts) -> Self {
        SimCard::Physician {
            certificate,
            application: HpkiApplication::Auth,
            pin: PinStatus {
                tries_left: Some(15),
                blocked: false,
            },
        }
    }

    /// A physician card whose PIN is blocked.
    pub fn pin_blocked(certificate: CertificateFacts) -> Self {
        SimCard::Physician {
            certificate,
            application: HpkiApplication::Auth,
            pin: PinStatus {
                tries_left: Some(0),
                blocked: true,
            },
        }
    }

    fn read(&self, reader: &str) -> Result<CardReading, CardError> {
        match self {
            SimCard::Applet(applet) => {
                let mut card = applet.clone();
                card.reset();
                let data = read_hpki(&mut card, true)?;
                Ok(CardReading {
                    reader: reader.to_string(),
                    atr: SIM_ATR.to_string(),
                    uid: data.uid,
                    application: data.application,
                    certificate: data.certificate,
                    pin: data.pin,
                })
            }
            SimCard::Physician {
                certificate,
                application,
                pin,
            } => Ok(CardReading {
                reader: reader.to_string(),
                atr: SIM_ATR.to_string(),
                uid: None,
                application: *application,
                // As a real read gives it (the parser's one serial form).
                certificate: CertificateFacts {
                    serial_hex: crate::domain::card_facts::canonical_serial(
                        &certificate.serial_hex,
                    ),
                    ..certificate.clone()
                },
                pin: *pin,
            }),
            SimCard::Foreign => Err(CardError::NotHpki),
            SimCard::LiftedMidRead => Err(CardError::Removed),
            SimCard::Failing(e) => Err(e.clone()),
        }
    }
}

#[derive(Debug)]
struct SimState {
    card: Option<SimCard>,
    /// Incremented on every place/lift: identifies one presence of a card.
    card_gen: u64,
    service: bool,
    connected: bool,
    stop: bool,
    version: u64,
}

#[derive(Debug)]
struct SimInner {
    name: String,
    debounce: Duration,
    state: Mutex<SimState>,
    cv: Condvar,
}

/// An in-process reader: `place(SimCard)` / `lift()` a card, switch the "service" or the
/// reader off and on. Clones share the same reader.
#[derive(Debug, Clone)]
pub struct SimulatedReader {
    inner: Arc<SimInner>,
}

impl SimulatedReader {
    /// A connected reader with a running service, no card, 300 ms debounce.
    pub fn new(name: impl Into<String>) -> Self {
        Self::with_debounce(name, Duration::from_millis(300))
    }

    /// Same, with another debounce (tests use `Duration::ZERO`).
    pub fn with_debounce(name: impl Into<String>, debounce: Duration) -> Self {
        SimulatedReader {
            inner: Arc::new(SimInner {
                name: name.into(),
                debounce,
                state: Mutex::new(SimState {
                    card: None,
                    card_gen: 0,
                    service: true,
                    connected: true,
                    stop: false,
                    version: 0,
                }),
                cv: Condvar::new(),
            }),
        }
    }

    pub fn reader_name(&self) -> &str {
        &self.inner.name
    }

    fn lock(&self) -> MutexGuard<'_, SimState> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn change(&self, f: impl FnOnce(&mut SimState)) {
        let mut s = self.lock();
        f(&mut s);
        s.version += 1;
        self.inner.cv.notify_all();
    }

    /// Put a card on the reader (replacing any card there).
    pub fn place(&self, card: SimCard) {
        self.change(|s| {
            s.card = Some(card);
            s.card_gen += 1;
        });
    }

    /// Take the card away.
    pub fn lift(&self) {
        self.change(|s| {
            if s.card.take().is_some() {
                s.card_gen += 1;
            }
        });
    }

    /// Start or stop the simulated PC/SC service.
    pub fn set_service(&self, up: bool) {
        self.change(|s| s.service = up);
    }

    /// Plug the reader in or pull it out.
    pub fn set_connected(&self, connected: bool) {
        self.change(|s| s.connected = connected);
    }

    /// Start the watcher thread for this reader.
    pub fn spawn_watcher(&self, sink: EventSink) -> WatcherHandle {
        self.change(|s| s.stop = false);
        let me = self.clone();
        let join = std::thread::Builder::new()
            .name("kofu-sim-watcher".into())
            .spawn(move || me.watch(&sink))
            .unwrap_or_else(|_| std::thread::spawn(|| {}));
        let stopper = self.clone();
        WatcherHandle::new(
            Box::new(move || stopper.change(|s| s.stop = true)),
            join,
            Arc::new(AtomicU64::new(0)),
        )
    }

    fn watch(&self, sink: &EventSink) {
        let mut told = SimTold::default();
        loop {
            let r = catch_unwind(AssertUnwindSafe(|| self.step(sink, &mut told)));
            match r {
                Ok(true) => continue,
                Ok(false) => break,
                Err(payload) => {
                    let msg = panic_text(payload.as_ref());
                    let _ = catch_unwind(AssertUnwindSafe(|| sink(CardEvent::WatcherFault(msg))));
                    told = SimTold::default();
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
    }

    /// One round: report differences, maybe read, then wait. Returns false to stop.
    fn step(&self, sink: &EventSink, told: &mut SimTold) -> bool {
        let name = &self.inner.name;
        let guard = self.lock();
        if guard.stop {
            return false;
        }
        let service = guard.service;
        let reader = service && guard.connected;
        let card = if reader {
            guard.card.clone().map(|c| (guard.card_gen, c))
        } else {
            None
        };
        let version = guard.version;
        drop(guard);

        // Removals first, then service, then additions.
        if told.card.is_some() && card.as_ref().map(|c| c.0) != told.card {
            told.card = None;
            sink(CardEvent::CardRemoved {
                reader: name.clone(),
            });
        }
        if told.reader && !reader {
            told.reader = false;
            sink(CardEvent::ReaderRemoved(name.clone()));
        }
        if told.service != Some(service) {
            told.service = Some(service);
            sink(super::service_event(service));
        }
        if reader && !told.reader {
            told.reader = true;
            sink(CardEvent::ReaderAdded(name.clone()));
        }
        if let Some((gen_, sim)) = &card {
            if told.card != Some(*gen_) {
                told.card = Some(*gen_);
                told.since = Instant::now();
                sink(CardEvent::CardInserted {
                    reader: name.clone(),
                });
            }
            if told.read != Some(*gen_) {
                let elapsed = told.since.elapsed();
                if elapsed < self.inner.debounce {
                    let g = self.lock();
                    let _ =
                        self.inner
                            .cv
                            .wait_timeout_while(g, self.inner.debounce - elapsed, |s| {
                                s.version == version && !s.stop
                            });
                    return true;
                }
                told.read = Some(*gen_);
                sink(CardEvent::Reading {
                    reader: name.clone(),
                });
                let result = sim.read(name);
                if matches!(sim, SimCard::LiftedMidRead) {
                    self.change(|s| {
                        if s.card_gen == *gen_ {
                            s.card = None;
                            s.card_gen += 1;
                        }
                    });
                }
                sink(CardEvent::ReadFinished {
                    reader: name.clone(),
                    result,
                });
                return true;
            }
        }
        let g = self.lock();
        drop(
            self.inner
                .cv
                .wait_while(g, |s| s.version == version && !s.stop),
        );
        true
    }
}

impl CardReader for SimulatedReader {
    fn spawn(self: Box<Self>, sink: EventSink) -> WatcherHandle {
        self.spawn_watcher(sink)
    }
}

#[derive(Debug)]
struct SimTold {
    service: Option<bool>,
    reader: bool,
    card: Option<u64>,
    read: Option<u64>,
    since: Instant,
}

impl Default for SimTold {
    fn default() -> Self {
        SimTold {
            service: None,
            reader: false,
            card: None,
            read: None,
            since: Instant::now(),
        }
    }
}

/// The certificate of the test physician (神楽坂 三十四), with its serial number.
#[cfg(test)]
pub(crate) fn test_certificate(serial_hex: &str) -> CertificateFacts {
    CertificateFacts {
        serial_hex: serial_hex.into(),
        issuer: "CN=kofu Test HPKI CA".into(),
        subject_cn: "Sanjushi Kagurazaka".into(),
        name_kanji: Some("神楽坂　三十四".into()),
        role: Some("Medical Doctor".into()),
        not_before: chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
        not_after: chrono::NaiveDate::from_ymd_opt(2030, 3, 31).unwrap(),
        policies: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
