//! Card readers: PC/SC and simulated, HPKI reading, certificate parsing.
//!
//! The app never talks to a reader directly. It starts a watcher thread that turns the reader
//! world into [`CardEvent`]s delivered through a sink closure (which the app wraps into its own
//! event channel):
//!
//! ```text
//! spawn_watcher(WatcherConfig, sink) ─▶ thread: establish context ─▶ get_status_change (no CPU while idle)
//!                                          │  card present ≥ debounce ─▶ SELECT → READ → PIN probe (≤ 3 attempts)
//!                                          └▶ sink(CardEvent)
//! ```
//!
//! Event order for one card: `CardInserted` → (debounce) → `Reading` → `ReadFinished` →
//! `CardRemoved`. `Reading` is sent when the card answers its first APDU; a card that is already
//! gone by then (it flapped out of the field) gives no `Reading`/`ReadFinished` at all, only
//! `CardRemoved`. A card lifted mid-read gives `ReadFinished(Err(Removed))`, and when it comes
//! back it is read again by itself. Each presence of a card is read once. `ServiceUnavailable` / `ServiceAvailable` report the PC/SC
//! service; while it is unavailable the watcher retries every [`WatcherConfig::service_retry`].
//! When the service goes away, `CardRemoved`/`ReaderRemoved` are sent for what was known first.
//! `WatcherFault` reports an internal failure (a caught panic); the watcher then starts over.
//!
//! The pure parts ([`apdu`], [`hpki`], [`cert`]) are written against [`apdu::Transmit`] and
//! can be driven without a reader. No code path sends a VERIFY with data and no API accepts a
//! PIN: the only VERIFY is the constant [`apdu::VERIFY_PROBE`].

pub mod apdu;
pub mod cert;
pub mod diag;
pub mod diagnose;
mod error;
pub mod hpki;
pub mod pcsc_reader;
mod presence;
pub mod rank;
pub mod sim;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

pub use crate::domain::card_facts::{CardReading, CertificateFacts, HpkiApplication, PinStatus};
pub use crate::domain::reader_events::CardEvent;
pub use error::CardError;
pub use pcsc_reader::{PcscReader, spawn_watcher};
pub use sim::{HpkiApplet, SimCard, SimulatedReader};

/// Where events go. The app wraps its own channel sender in this.
pub type EventSink = Box<dyn Fn(CardEvent) + Send>;

/// How the watcher behaves. `Default` gives the production values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatcherConfig {
    /// Reader name prefix to prefer (and to allow even if it looks virtual).
    pub preferred_reader: Option<String>,
    /// A card must be present this long before it is read (contactless presence flaps).
    pub debounce: Duration,
    /// How often to retry establishing the PC/SC context while the service is down.
    pub service_retry: Duration,
    /// Longest single wait for a status change while idle (a liveness heartbeat).
    pub heartbeat: Duration,
    /// Attempts of the whole SELECT→READ sequence on retryable errors.
    pub max_attempts: u32,
    /// Also ask for the contactless UID (`FF CA`; diagnostics only, off in the watcher:
    /// `kofu reader read` turns it on).
    pub read_uid: bool,
}

impl Default for WatcherConfig {
    fn default() -> Self {
        WatcherConfig {
            preferred_reader: None,
            debounce: Duration::from_millis(300),
            service_retry: Duration::from_secs(2),
            heartbeat: Duration::from_secs(2),
            max_attempts: 3,
            read_uid: false,
        }
    }
}

/// A source of card events: PC/SC ([`PcscReader`]) or simulated ([`SimulatedReader`]).
pub trait CardReader {
    /// Start the watcher thread; events go to `sink` until the handle is shut down.
    fn spawn(self: Box<Self>, sink: EventSink) -> WatcherHandle;
}

/// A running watcher. `shutdown()` (or dropping the handle) stops it and joins the thread.
pub struct WatcherHandle {
    stop: Option<Box<dyn FnOnce() + Send>>,
    join: Option<JoinHandle<()>>,
    calls: Arc<AtomicU64>,
}

impl WatcherHandle {
    pub(crate) fn new(
        stop: Box<dyn FnOnce() + Send>,
        join: JoinHandle<()>,
        calls: Arc<AtomicU64>,
    ) -> Self {
        WatcherHandle {
            stop: Some(stop),
            join: Some(join),
            calls,
        }
    }

    /// Stop the watcher (cancels a blocking PC/SC wait) and wait for its thread to end.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    /// Number of PC/SC calls made so far (diagnostics; 0 for the simulated reader).
    pub fn pcsc_calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop();
        }
        if let Some(join) = self.join.take() {
            let _ = join.join();
        }
    }
}

impl Drop for WatcherHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

impl std::fmt::Debug for WatcherHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatcherHandle")
            .field("running", &self.join.is_some())
            .field("pcsc_calls", &self.pcsc_calls())
            .finish()
    }
}

/// The event that reports the PC/SC service as up or down.
fn service_event(up: bool) -> CardEvent {
    if up {
        CardEvent::ServiceAvailable
    } else {
        CardEvent::ServiceUnavailable
    }
}

/// Text of a caught panic payload.
pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}
