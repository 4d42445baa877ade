//! The PC/SC watcher: one thread, one context at a time, blocking in `get_status_change`.

use std::ffi::CString;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use pcsc::{
    Context, Disposition, PNP_NOTIFICATION, Protocols, ReaderState, Scope, ShareMode, State,
};

use super::apdu::Transmit;
use super::hpki::read_hpki;
use super::presence::Presence;
use super::rank::{RankedReader, rank_readers};
use super::{
    CardError, CardEvent, CardReader, CardReading, EventSink, WatcherConfig, WatcherHandle,
    panic_text,
};

/// The PC/SC reader as a [`CardReader`].
#[derive(Debug, Clone, Default)]
pub struct PcscReader(pub WatcherConfig);

impl CardReader for PcscReader {
    fn spawn(self: Box<Self>, sink: EventSink) -> WatcherHandle {
        spawn_watcher(self.0, sink)
    }
}

/// State shared between the watcher thread and its handle.
pub(crate) struct Shared {
    stop: AtomicBool,
    /// The live context, so `shutdown()` can `cancel()` a blocking wait.
    ctx: Mutex<Option<Context>>,
    sleep_lock: Mutex<()>,
    sleep_cv: Condvar,
    pub(crate) calls: Arc<AtomicU64>,
}

impl Shared {
    pub(crate) fn new() -> Arc<Shared> {
        Arc::new(Shared {
            stop: AtomicBool::new(false),
            ctx: Mutex::new(None),
            sleep_lock: Mutex::new(()),
            sleep_cv: Condvar::new(),
            calls: Arc::new(AtomicU64::new(0)),
        })
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn request_stop(&self) {
        {
            let _g = self.sleep_lock.lock().unwrap_or_else(|e| e.into_inner());
            self.stop.store(true, Ordering::SeqCst);
            self.sleep_cv.notify_all();
        }
        let slot = self.ctx.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(ctx) = slot.as_ref() {
            let _ = ctx.cancel();
        }
    }

    /// Sleep up to `d`, waking early on stop.
    fn sleep(&self, d: Duration) {
        let g = self.sleep_lock.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self.sleep_cv.wait_timeout_while(g, d, |_| !self.stopped());
    }

    fn count(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Publish a new context; returns false (and does not publish) when stopping.
    fn publish(&self, ctx: Option<Context>) -> bool {
        let mut slot = self.ctx.lock().unwrap_or_else(|e| e.into_inner());
        if ctx.is_some() && self.stopped() {
            return false;
        }
        *slot = ctx;
        true
    }
}

/// A PC/SC context that counts its calls.
pub(crate) struct Pcsc<'a> {
    pub(crate) ctx: Context,
    pub(crate) shared: &'a Shared,
}

impl Pcsc<'_> {
    pub(crate) fn establish(shared: &Shared) -> Result<Pcsc<'_>, CardError> {
        shared.count();
        let ctx = Context::establish(Scope::User).map_err(CardError::from_pcsc)?;
        Ok(Pcsc { ctx, shared })
    }

    pub(crate) fn list_readers(&self) -> Result<Vec<String>, pcsc::Error> {
        self.shared.count();
        match self.ctx.list_readers_owned() {
            Ok(names) => Ok(names
                .into_iter()
                .map(|n| n.to_string_lossy().into_owned())
                .collect()),
            Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn status_change(
        &self,
        timeout: Option<Duration>,
        states: &mut [ReaderState],
    ) -> Result<(), pcsc::Error> {
        self.shared.count();
        self.ctx.get_status_change(timeout, states)
    }

    /// Current state of one reader (a zero-timeout status query).
    pub(crate) fn reader_state(&self, reader: &str) -> Result<State, CardError> {
        let name = CString::new(reader).map_err(|_| CardError::NoReader)?;
        let mut states = [ReaderState::new(name, State::UNAWARE)];
        match self.status_change(Some(Duration::ZERO), &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => Ok(states[0].event_state()),
            Err(e) => Err(CardError::from_pcsc(e)),
        }
    }

    /// One attempt: connect, one short transaction for the APDU sequence, disconnect.
    /// `on_connected` runs when the card answers an APDU (the read really starts).
    fn read_attempt(
        &self,
        reader: &str,
        read_uid: bool,
        on_connected: &mut dyn FnMut(),
    ) -> Attempt {
        let Ok(name) = CString::new(reader) else {
            return Attempt::NotConnected(CardError::NoReader);
        };
        self.shared.count();
        let mut card =
            match self
                .ctx
                .connect(&name, ShareMode::Shared, Protocols::T0 | Protocols::T1)
            {
                Ok(c) => c,
                Err(e) => return Attempt::NotConnected(CardError::from_pcsc(e)),
            };
        let result = self.read_connected(&mut card, reader, read_uid, on_connected);
        self.shared.count();
        let _ = card.disconnect(Disposition::LeaveCard);
        Attempt::Connected(result)
    }

    fn read_connected(
        &self,
        card: &mut pcsc::Card,
        reader: &str,
        read_uid: bool,
        on_answer: &mut dyn FnMut(),
    ) -> Result<CardReading, CardError> {
        self.shared.count();
        let atr = card
            .status2_owned()
            .map(|s| hex::encode_upper(s.atr()))
            .map_err(CardError::from_pcsc)?;
        let data = {
            self.shared.count();
            let tx = card.transaction().map_err(CardError::from_pcsc)?;
            let mut t = PcscTransmit {
                card: &tx,
                shared: self.shared,
                on_answer,
            };
            read_hpki(&mut t, read_uid)
            // the transaction ends here (LeaveCard), before any wait
        };
        let data = data?;
        Ok(CardReading {
            reader: reader.to_string(),
            atr,
            uid: data.uid,
            application: data.application,
            certificate: data.certificate,
            pin: data.pin,
        })
    }

    /// Read a card with up to `cfg.max_attempts` attempts of the whole sequence.
    /// A card that is already gone when we try to power it (it flapped out of the field)
    /// gives [`ReadOutcome::Vanished`]: nothing was read and there is nothing to report.
    pub(crate) fn read_card_with(
        &self,
        reader: &str,
        cfg: &WatcherConfig,
        on_started: &mut dyn FnMut(),
    ) -> ReadOutcome {
        let attempts = cfg.max_attempts.max(1);
        let mut started = false;
        let mut on_connected = || {
            if !started {
                started = true;
                on_started();
            }
        };
        let mut last = CardError::Removed;
        for attempt in 1..=attempts {
            let result = match self.read_attempt(reader, cfg.read_uid, &mut on_connected) {
                Attempt::Connected(r) => r,
                Attempt::NotConnected(e) => Err(e),
            };
            match result {
                Ok(r) => return ReadOutcome::Done(Ok(r)),
                Err(e) if e.is_retryable() => {
                    tracing::debug!(attempt, error = %e, "card read attempt failed");
                    last = e;
                    if attempt == attempts || self.shared.stopped() {
                        break;
                    }
                    // The card is gone: no point in hammering it; it is read again on return.
                    match self.reader_state(reader) {
                        Ok(s) if s.contains(State::PRESENT) => {}
                        Ok(_) => {
                            last = CardError::Removed;
                            break;
                        }
                        Err(e) => {
                            last = e;
                            break;
                        }
                    }
                    self.shared.sleep(Duration::from_millis(100));
                }
                Err(e) => {
                    last = e;
                    break;
                }
            }
        }
        if !started && matches!(last, CardError::Removed | CardError::NoCard) {
            tracing::debug!("card gone before it could be powered; not reported");
            return ReadOutcome::Vanished;
        }
        if !started {
            on_started();
        }
        if !last.is_retryable() {
            return ReadOutcome::Done(Err(last));
        }
        // Still failing after the retries: the card is gone or not sitting right.
        tracing::info!(error = %last, "card read failed after retries");
        ReadOutcome::Done(Err(match last {
            CardError::Timeout => CardError::Timeout,
            _ => CardError::Removed,
        }))
    }

    /// [`read_card_with`](Self::read_card_with) for one-shot reads: a vanished card is `Removed`.
    pub(crate) fn read_card(
        &self,
        reader: &str,
        cfg: &WatcherConfig,
    ) -> Result<CardReading, CardError> {
        match self.read_card_with(reader, cfg, &mut || {}) {
            ReadOutcome::Done(r) => r,
            ReadOutcome::Vanished => Err(CardError::Removed),
        }
    }
}

enum Attempt {
    NotConnected(CardError),
    Connected(Result<CardReading, CardError>),
}

/// The end of [`Pcsc::read_card_with`].
#[allow(clippy::large_enum_variant)] // transient, moved once
pub(crate) enum ReadOutcome {
    Done(Result<CardReading, CardError>),
    Vanished,
}

/// `Transmit` over a PC/SC card handle (inside a transaction).
pub(crate) struct PcscTransmit<'a> {
    card: &'a pcsc::Card,
    shared: &'a Shared,
    on_answer: &'a mut dyn FnMut(),
}

impl Transmit for PcscTransmit<'_> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        self.shared.count();
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
        let resp = self
            .card
            .transmit(apdu, &mut buf)
            .map(<[u8]>::to_vec)
            .map_err(CardError::from_pcsc)?;
        (self.on_answer)();
        Ok(resp)
    }
}

/// Start the PC/SC watcher thread.
pub fn spawn_watcher(config: WatcherConfig, sink: EventSink) -> WatcherHandle {
    let shared = Shared::new();
    let calls = Arc::clone(&shared.calls);
    let thread_shared = Arc::clone(&shared);
    let spawned = std::thread::Builder::new()
        .name("kofu-card-watcher".into())
        .spawn(move || watcher_main(&thread_shared, &config, &sink));
    let join = match spawned {
        Ok(j) => j,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the card watcher thread");
            // A thread that ends at once keeps the handle shape uniform.
            std::thread::spawn(|| {})
        }
    };
    WatcherHandle::new(Box::new(move || shared.request_stop()), join, calls)
}

/// What the watcher has told the app so far, so it can keep the event stream consistent.
#[derive(Default)]
struct Told {
    service: Option<bool>,
    /// Known readers and whether a card was reported present.
    readers: Vec<(String, bool)>,
}

impl Told {
    fn service(&mut self, up: bool, sink: &EventSink) {
        if self.service != Some(up) {
            self.service = Some(up);
            sink(super::service_event(up));
        }
    }

    /// Forget every reader (service lost or restart after a fault).
    fn forget_readers(&mut self, sink: &EventSink) {
        for (name, present) in self.readers.drain(..) {
            if present {
                sink(CardEvent::CardRemoved {
                    reader: name.clone(),
                });
            }
            sink(CardEvent::ReaderRemoved(name));
        }
    }
}

enum SessionEnd {
    Stop,
    ServiceLost,
}

fn watcher_main(shared: &Shared, cfg: &WatcherConfig, sink: &EventSink) {
    let mut told = Told::default();
    while !shared.stopped() {
        let r = catch_unwind(AssertUnwindSafe(|| run_once(shared, cfg, sink, &mut told)));
        shared.publish(None);
        match r {
            Ok(SessionEnd::Stop) => break,
            Ok(SessionEnd::ServiceLost) => {}
            Err(payload) => {
                let msg = panic_text(payload.as_ref());
                tracing::error!(panic = %msg, "card watcher fault");
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    told.forget_readers(sink);
                    sink(CardEvent::WatcherFault(msg));
                }));
                told = Told::default();
                shared.sleep(cfg.service_retry);
            }
        }
    }
}

/// Establish a context (or report the service down and wait), then run a session on it.
fn run_once(shared: &Shared, cfg: &WatcherConfig, sink: &EventSink, told: &mut Told) -> SessionEnd {
    let pcsc = match Pcsc::establish(shared) {
        Ok(p) => p,
        Err(e) => {
            tracing::debug!(error = %e, "PC/SC context not available");
            told.forget_readers(sink);
            told.service(false, sink);
            shared.sleep(cfg.service_retry);
            return if shared.stopped() {
                SessionEnd::Stop
            } else {
                SessionEnd::ServiceLost
            };
        }
    };
    if !shared.publish(Some(pcsc.ctx.clone())) {
        return SessionEnd::Stop;
    }
    told.service(true, sink);
    let end = Session::new(&pcsc, cfg, sink, told).run();
    if matches!(end, SessionEnd::ServiceLost) {
        told.forget_readers(sink);
        told.service(false, sink);
        shared.sleep(cfg.service_retry.min(Duration::from_millis(500)));
    }
    end
}

/// Per-reader bookkeeping (index i here is `states[i + 1]`; `states[0]` is the PnP entry).
struct Slot {
    ranked: RankedReader,
    presence: Presence,
}

struct Session<'a, 'p> {
    pcsc: &'a Pcsc<'p>,
    cfg: &'a WatcherConfig,
    sink: &'a EventSink,
    told: &'a mut Told,
    states: Vec<ReaderState>,
    slots: Vec<Slot>,
}

impl<'a, 'p> Session<'a, 'p> {
    fn new(
        pcsc: &'a Pcsc<'p>,
        cfg: &'a WatcherConfig,
        sink: &'a EventSink,
        told: &'a mut Told,
    ) -> Self {
        Session {
            pcsc,
            cfg,
            sink,
            told,
            states: vec![ReaderState::new(PNP_NOTIFICATION(), State::UNAWARE)],
            slots: Vec::new(),
        }
    }

    fn run(mut self) -> SessionEnd {
        let shared = self.pcsc.shared;
        let mut refresh = true;
        loop {
            if shared.stopped() {
                return SessionEnd::Stop;
            }
            if refresh {
                refresh = false;
                match self.pcsc.list_readers() {
                    Ok(names) => self.update_readers(&names),
                    Err(e) => return self.on_error(e),
                }
            }
            // Read a card that has settled, best-ranked reader first.
            if let Some(i) = self.due_slot() {
                self.read_slot(i);
                continue; // pick up changes that happened during the read
            }
            let timeout = self.next_timeout();
            if shared.stopped() {
                return SessionEnd::Stop;
            }
            match self.pcsc.status_change(Some(timeout), &mut self.states) {
                Ok(()) => refresh = self.apply_changes(),
                Err(pcsc::Error::Timeout) => {}
                Err(pcsc::Error::Cancelled) if shared.stopped() => return SessionEnd::Stop,
                Err(pcsc::Error::UnknownReader) => refresh = true,
                Err(e) => return self.on_error(e),
            }
        }
    }

    fn on_error(&self, e: pcsc::Error) -> SessionEnd {
        tracing::info!(error = %e, "PC/SC session ended");
        if self.pcsc.shared.stopped() {
            SessionEnd::Stop
        } else {
            SessionEnd::ServiceLost
        }
    }

    /// Sync the reader list with `names` (ranked; ignored readers are not watched).
    fn update_readers(&mut self, names: &[String]) {
        let ranked: Vec<RankedReader> = rank_readers(names, self.cfg.preferred_reader.as_deref())
            .into_iter()
            .filter(|r| !r.ignored)
            .collect();
        // Removed readers.
        let mut i = 0;
        while i < self.slots.len() {
            if ranked.iter().any(|r| r.name == self.slots[i].ranked.name) {
                i += 1;
                continue;
            }
            let slot = self.slots.remove(i);
            self.states.remove(i + 1);
            if slot.presence.is_present() {
                (self.sink)(CardEvent::CardRemoved {
                    reader: slot.ranked.name.clone(),
                });
            }
            self.told.readers.retain(|(n, _)| n != &slot.ranked.name);
            (self.sink)(CardEvent::ReaderRemoved(slot.ranked.name));
        }
        // New readers.
        for r in ranked {
            if self.slots.iter().any(|s| s.ranked.name == r.name) {
                continue;
            }
            let Ok(cname) = CString::new(r.name.clone()) else {
                continue;
            };
            self.told.readers.push((r.name.clone(), false));
            (self.sink)(CardEvent::ReaderAdded(r.name.clone()));
            self.states.push(ReaderState::new(cname, State::UNAWARE));
            self.slots.push(Slot {
                ranked: r,
                presence: Presence::new(Instant::now()),
            });
        }
    }

    /// Apply the result of `get_status_change`; returns whether the reader list must be refreshed.
    fn apply_changes(&mut self) -> bool {
        let mut refresh = false;
        if let Some(pnp) = self.states.first_mut() {
            if pnp.event_state().contains(State::CHANGED) {
                refresh = true;
            }
            pnp.sync_current_state();
        }
        for (i, slot) in self.slots.iter_mut().enumerate() {
            let Some(rs) = self.states.get_mut(i + 1) else {
                continue;
            };
            let es = rs.event_state();
            if es.intersects(State::UNKNOWN | State::UNAVAILABLE | State::IGNORE) {
                refresh = true;
            }
            let present = es.contains(State::PRESENT)
                && !es.intersects(State::UNKNOWN | State::UNAVAILABLE | State::IGNORE);
            let change = slot
                .presence
                .observe(present, Some(rs.event_count()), Instant::now());
            let name = &slot.ranked.name;
            if change.removed {
                set_told(self.told, name, false);
                (self.sink)(CardEvent::CardRemoved {
                    reader: name.clone(),
                });
            }
            if change.inserted {
                set_told(self.told, name, true);
                (self.sink)(CardEvent::CardInserted {
                    reader: name.clone(),
                });
            }
            rs.sync_current_state();
        }
        refresh
    }

    /// The best-ranked reader whose card has been present for the debounce time and not read.
    fn due_slot(&self) -> Option<usize> {
        let now = Instant::now();
        (0..self.slots.len())
            .filter(|&i| self.slots[i].presence.due(now, self.cfg.debounce))
            .min_by_key(|&i| self.slots[i].ranked.rank)
    }

    fn next_timeout(&self) -> Duration {
        let now = Instant::now();
        self.slots
            .iter()
            .filter_map(|s| s.presence.wait_left(now, self.cfg.debounce))
            .min()
            .unwrap_or(self.cfg.heartbeat)
            .min(self.cfg.heartbeat)
            // at least 1 ms: a zero timeout is only used for explicit polls
            .max(Duration::from_millis(1))
    }

    fn read_slot(&mut self, i: usize) {
        let Some(slot) = self.slots.get_mut(i) else {
            return;
        };
        slot.presence.mark_done();
        let reader = slot.ranked.name.clone();
        let sink = self.sink;
        let outcome = self.pcsc.read_card_with(&reader, self.cfg, &mut || {
            sink(CardEvent::Reading {
                reader: reader.clone(),
            });
        });
        match outcome {
            ReadOutcome::Done(result) => sink(CardEvent::ReadFinished { reader, result }),
            ReadOutcome::Vanished => {}
        }
    }
}

fn set_told(told: &mut Told, name: &str, present: bool) {
    if let Some(entry) = told.readers.iter_mut().find(|(n, _)| n == name) {
        entry.1 = present;
    }
}
