//! The effect runner and the terminal loop: the only place that wires the app to the store,
//! the card reader and the terminal.
//!
//! One `std::sync::mpsc` channel carries every [`Event`]: keys (input thread), ticks (clock
//! thread), card events (reader thread or the demo reader) and effect results (store worker).
//! The loop blocks on `recv()`, drains what else is queued with `try_iter()`, runs the
//! effects (handing them to workers, never waiting on them) and draws once.

use std::io::{self, stdout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, Event as TermEvent, KeyEventKind,
};
use crossterm::execute;
use ratatui::DefaultTerminal;

use crate::app::{
    App, CardSignal, DemoCardSpec, DeskInfo, Effect, Event, Loaded, OfficerInfo, SearchRequest,
};
use crate::data::DataSet;
use crate::domain::card_facts::{CardReading, CertificateFacts, HpkiApplication};
use crate::domain::date::today_jst;
use crate::domain::handover::HandoverCommit;
use crate::domain::matching::{KnownIssuers, MatchContext, match_identity};
use crate::store::{CardQuery, Store, StoreError};

/// How the desk screen is started (`kofu` or `kofu demo`).
pub struct TuiOptions {
    pub db: PathBuf,
    pub data: DataSet,
    /// Simulated reader and the demo card tray.
    pub demo: bool,
    /// Force a glyph set ("ascii" or "unicode"); `None` follows `desk.toml` ("auto": Unicode
    /// only inside Windows Terminal).
    pub glyphs: Option<String>,
}

/// Why the desk screen could not run. Display is Japanese.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("データベースを開けません: {0}")]
    Store(#[from] StoreError),
    #[error("端末を操作できません: {0}")]
    Terminal(#[from] io::Error),
}

/// Milliseconds between ticks (clock, idle lock, commit-confirmation delay).
const TICK_MS: u64 = 250;
/// Name of the simulated reader in demo mode.
pub const DEMO_READER: &str = "kofu デモ用リーダ（シミュレーション）";

/// Pick the glyph set: explicit option, else desk config; "auto" means Unicode only in
/// Windows Terminal (`WT_SESSION`), where ambiguous-width symbols are drawn narrow.
pub fn ascii_glyphs(option: Option<&str>, desk: &str, wt_session: bool) -> bool {
    match option.unwrap_or(desk).trim() {
        "unicode" => false,
        "ascii" => true,
        _ => !wt_session,
    }
}

/// Restores the terminal when dropped (also on early return); the panic hook covers panics.
struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    fn new() -> io::Result<Self> {
        // Runs after ratatui's own hook (which restores raw mode and the screen).
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(stdout(), DisableBracketedPaste);
            previous(info);
        }));
        let terminal = ratatui::try_init()?;
        // No kitty keyboard flags: they make the IME's confirming Enter reach the app.
        // Not supported by legacy Windows consoles: then a paste arrives as keystrokes.
        let _ = execute!(stdout(), EnableBracketedPaste);
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableBracketedPaste);
        ratatui::restore();
    }
}

/// Work for the store thread.
enum Job {
    Search(SearchRequest),
    Counts,
    Officers,
    AddOfficer(String),
    Find(CertificateFacts),
    Qr(i64),
    Commit(Box<HandoverCommit>, i64),
    Cancel(i64, String, i64),
}

fn err(e: StoreError) -> String {
    e.to_string()
}

/// Owns the database; answers jobs in order, keeping only the newest of queued searches.
fn store_worker(mut store: Store, jobs: Receiver<Job>, tx: Sender<Event>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        batch.extend(jobs.try_iter());
        let last_search = batch.iter().rposition(|j| matches!(j, Job::Search(_)));
        for (i, job) in batch.into_iter().enumerate() {
            let loaded = match job {
                Job::Search(req) => {
                    if Some(i) != last_search {
                        continue;
                    }
                    let q = CardQuery {
                        text: req.text,
                        state: req.state,
                        limit: req.limit,
                    };
                    Loaded::Search {
                        seq: req.seq,
                        result: store.search_cards(&q).map_err(err),
                    }
                }
                Job::Counts => Loaded::Counts(store.state_counts().map_err(err)),
                Job::Officers => Loaded::Officers(
                    store
                        .officers(false)
                        .map(|v| {
                            v.into_iter()
                                .map(|o| OfficerInfo {
                                    id: o.id,
                                    name: o.name,
                                })
                                .collect()
                        })
                        .map_err(err),
                ),
                Job::AddOfficer(name) => Loaded::OfficerAdded(
                    store
                        .add_officer(&name)
                        .map(|o| OfficerInfo {
                            id: o.id,
                            name: o.name,
                        })
                        .map_err(err),
                ),
                Job::Find(facts) => Loaded::FoundByCertificate {
                    serial: facts.serial_hex.clone(),
                    result: store.find_by_certificate(&facts).map_err(err),
                },
                Job::Qr(id) => Loaded::Qr {
                    record_id: id,
                    result: store.registration_qr(id).map_err(err),
                },
                Job::Commit(commit, officer) => {
                    let r = store.commit_handover(&commit, Some(officer));
                    match &r {
                        Ok(rec) => tracing::info!(
                            card = rec.id,
                            route = commit.route.as_str(),
                            "handover committed"
                        ),
                        Err(e) => tracing::warn!(card = commit.card, "handover refused: {e}"),
                    }
                    Loaded::Committed(r.map_err(err))
                }
                Job::Cancel(id, reason, officer) => {
                    let r = store.cancel_handover(id, &reason, Some(officer));
                    if r.is_ok() {
                        tracing::info!(card = id, "handover cancelled");
                    }
                    Loaded::Cancelled(r.map_err(err))
                }
            };
            if tx.send(Event::Loaded(loaded)).is_err() {
                return;
            }
        }
    }
}

/// The simulated reader of demo mode: placing a card reads it after a short delay (so a card
/// lifted mid-read can be shown); lifting it cancels a read in progress.
#[derive(Clone)]
struct DemoReader {
    tx: Sender<Event>,
    /// Bumped on every place/lift; a read finishing under an older generation is dropped.
    generation: Arc<AtomicU64>,
    current: Arc<Mutex<Option<DemoCardSpec>>>,
}

impl DemoReader {
    fn new(tx: Sender<Event>) -> Self {
        let _ = tx.send(Event::Card(CardSignal::ServiceAvailable));
        let _ = tx.send(Event::Card(CardSignal::ReaderAdded(DEMO_READER.into())));
        DemoReader {
            tx,
            generation: Arc::new(AtomicU64::new(0)),
            current: Arc::new(Mutex::new(None)),
        }
    }

    fn reading_of(spec: &DemoCardSpec) -> Result<CardReading, String> {
        match &spec.facts {
            Some(facts) => Ok(CardReading {
                reader: DEMO_READER.into(),
                atr: "3B8F800180318065B0850300EF120FFF82900073".into(),
                uid: None,
                application: HpkiApplication::Auth,
                certificate: facts.clone(),
                pin: spec.pin,
            }),
            None => Err(
                "医師資格証（HPKIカード）ではありません。HPKIのアプリケーションが見つかりません。"
                    .into(),
            ),
        }
    }

    fn place(&self, spec: DemoCardSpec) {
        let had_card = self
            .current
            .lock()
            .map(|mut c| c.replace(spec.clone()).is_some())
            .unwrap_or(false);
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        if had_card {
            let _ = self.tx.send(Event::Card(CardSignal::Removed {
                reader: DEMO_READER.into(),
            }));
        }
        self.read(generation, spec);
    }

    fn read(&self, generation: u64, spec: DemoCardSpec) {
        let tx = self.tx.clone();
        let gen_now = self.generation.clone();
        let reader = DEMO_READER.to_string();
        let _ = tx.send(Event::Card(CardSignal::Inserted {
            reader: reader.clone(),
        }));
        let _ = tx.send(Event::Card(CardSignal::Reading {
            reader: reader.clone(),
        }));
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(400));
            if gen_now.load(Ordering::SeqCst) != generation {
                return;
            }
            let _ = tx.send(Event::Card(CardSignal::ReadFinished {
                reader,
                result: Self::reading_of(&spec),
            }));
        });
    }

    fn reread(&self) {
        let spec = self.current.lock().ok().and_then(|c| c.clone());
        if let Some(spec) = spec {
            let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
            self.read(generation, spec);
        }
    }

    fn lift(&self) {
        let had = self
            .current
            .lock()
            .map(|mut c| c.take().is_some())
            .unwrap_or(false);
        self.generation.fetch_add(1, Ordering::SeqCst);
        if had {
            let _ = self.tx.send(Event::Card(CardSignal::Removed {
                reader: DEMO_READER.into(),
            }));
        }
    }
}

/// Reads terminal input and forwards it; stops when `stop` is set.
fn input_thread(tx: Sender<Event>, stop: Arc<AtomicBool>) {
    thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            match crossterm::event::poll(Duration::from_millis(100)) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(_) => break,
            }
            let ev = match crossterm::event::read() {
                // Releases are dropped in the app too; not sending them saves a wake-up.
                Ok(TermEvent::Key(k)) if k.kind == KeyEventKind::Release => continue,
                Ok(TermEvent::Key(k)) => Event::Key(k),
                Ok(TermEvent::Paste(s)) => Event::Paste(s),
                Ok(TermEvent::Resize(w, h)) => Event::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(ev).is_err() {
                break;
            }
        }
    });
}

/// Ticks, and the date when it changes (JST midnight).
fn clock_thread(tx: Sender<Event>, stop: Arc<AtomicBool>) {
    thread::spawn(move || {
        let mut today = today_jst();
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(TICK_MS));
            if tx.send(Event::Tick).is_err() {
                break;
            }
            let now = today_jst();
            if now != today {
                today = now;
                if tx.send(Event::Today(now)).is_err() {
                    break;
                }
            }
        }
    });
}

/// Runs effects: store work goes to the store thread, matching is computed here (pure and
/// quick), card work goes to the reader.
struct Runner {
    tx: Sender<Event>,
    jobs: Sender<Job>,
    demo: Option<DemoReader>,
    data: DataSet,
    issuers: KnownIssuers,
}

impl Runner {
    fn run(&self, effect: Effect) {
        let job = match effect {
            Effect::Search(r) => Job::Search(r),
            Effect::LoadCounts => Job::Counts,
            Effect::LoadOfficers => Job::Officers,
            Effect::AddOfficer(n) => Job::AddOfficer(n),
            Effect::FindByCertificate(f) => Job::Find(f),
            Effect::LoadQr(id) => Job::Qr(id),
            Effect::CommitHandover { commit, officer_id } => Job::Commit(commit, officer_id),
            Effect::CancelHandover {
                card,
                reason,
                officer_id,
            } => Job::Cancel(card, reason, officer_id),
            Effect::Match { record, reading } => {
                let ctx = MatchContext {
                    today: today_jst(),
                    computed_expiry: self
                        .data
                        .expiry
                        .compute(record.issue_date, record.birth_date)
                        .ok()
                        .map(|c| c.date),
                    known_issuers: &self.issuers,
                };
                let outcome =
                    match_identity(&record, &reading.certificate, Some(reading.pin), &ctx);
                tracing::info!(
                    card = record.id,
                    result = outcome.result.as_str(),
                    "identity match"
                );
                let _ = self.tx.send(Event::Loaded(Loaded::Match {
                    record_id: record.id,
                    serial: reading.certificate.serial_hex.clone(),
                    result: Ok(outcome),
                }));
                return;
            }
            Effect::ReadCard => {
                if let Some(d) = &self.demo {
                    d.reread();
                }
                return;
            }
            Effect::DemoPlace(spec) => {
                if let Some(d) = &self.demo {
                    d.place(*spec);
                }
                return;
            }
            Effect::DemoLift => {
                if let Some(d) = &self.demo {
                    d.lift();
                }
                return;
            }
            Effect::Quit => return,
        };
        let _ = self.jobs.send(job);
    }
}

fn known_issuers(data: &DataSet) -> KnownIssuers {
    data.source
        .read("issuers.toml")
        .ok()
        .and_then(|(text, _)| KnownIssuers::from_toml(&text).ok())
        .unwrap_or_else(KnownIssuers::builtin)
}

/// Open the desk screen and run it until the officer quits.
pub fn run_tui(opts: TuiOptions) -> Result<(), RuntimeError> {
    let mut store = Store::open(&opts.db)?;
    if opts.demo && store.officers(false)?.is_empty() {
        store.add_officer("デモ担当者")?;
    }
    let wt = std::env::var_os("WT_SESSION").is_some();
    let desk = DeskInfo {
        desk_name: opts.data.desk.desk_name.clone(),
        ascii: ascii_glyphs(opts.glyphs.as_deref(), &opts.data.desk.glyphs, wt),
        demo: opts.demo,
        idle_lock_minutes: opts.data.desk.idle_lock_minutes,
    };
    let mut app = App::new(desk, today_jst(), opts.data.id_docs.clone());

    let (tx, rx) = mpsc::channel::<Event>();
    let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();
    let store_tx = tx.clone();
    let store_thread = thread::spawn(move || store_worker(store, jobs_rx, store_tx));
    let demo = opts.demo.then(|| DemoReader::new(tx.clone()));
    let runner = Runner {
        tx: tx.clone(),
        jobs: jobs_tx,
        demo,
        issuers: known_issuers(&opts.data),
        data: opts.data,
    };

    let mut guard = TerminalGuard::new()?;
    let stop = Arc::new(AtomicBool::new(false));
    input_thread(tx.clone(), stop.clone());
    clock_thread(tx.clone(), stop.clone());
    drop(tx);

    let size = guard.terminal.size()?;
    let mut effects = app.handle(Event::Resize(size.width, size.height));
    effects.extend(app.start());
    for e in effects {
        runner.run(e);
    }
    let result = event_loop(&mut guard.terminal, &mut app, &rx, &runner);
    stop.store(true, Ordering::SeqCst);
    drop(guard);
    drop(runner);
    let _ = store_thread.join();
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    rx: &Receiver<Event>,
    runner: &Runner,
) -> Result<(), RuntimeError> {
    terminal.draw(|f| crate::ui::draw(f, app))?;
    while let Ok(first) = rx.recv() {
        let mut effects = app.handle(first);
        // Everything already queued (a key burst, a tick, a result) before one draw.
        for ev in rx.try_iter().take(512) {
            effects.extend(app.handle(ev));
        }
        for e in effects {
            runner.run(e);
        }
        if app.should_quit {
            break;
        }
        terminal.draw(|f| crate::ui::draw(f, app))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_choice() {
        assert!(ascii_glyphs(None, "auto", false));
        assert!(!ascii_glyphs(None, "auto", true));
        assert!(ascii_glyphs(None, "ascii", true));
        assert!(!ascii_glyphs(None, "unicode", false));
        assert!(ascii_glyphs(Some("ascii"), "unicode", true));
    }
}
