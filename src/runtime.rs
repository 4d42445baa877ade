//! The effect runner and the terminal loop: the only place that wires the app to the store,
//! the card reader and the terminal.
//!
//! One `std::sync::mpsc` channel carries every [`Event`]: keys (input thread), ticks (clock
//! thread), card events (reader thread or the demo reader) and effect results (store worker).
//! The loop blocks on `recv()`, drains what else is queued with `try_iter()`, runs the
//! effects (handing them to workers, never waiting on them) and draws once.

use std::io::{self, stdout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use ratatui::DefaultTerminal;

use crate::app::{App, DemoCardSpec, DeskInfo, Effect, Event, Loaded, OfficerInfo};
use crate::card::{
    CardEvent, EventSink, SimCard, SimulatedReader, WatcherConfig, WatcherHandle, spawn_watcher,
};
use crate::clock::Clock;
use crate::data::DataSet;
use crate::domain::card_facts::HpkiApplication;
use crate::domain::failure::{Failure, Reply};
use crate::store::{CardQuery, Store, StoreError};

mod input;
pub mod office;

/// A store (or export) result as the app's [`Reply`] (the errors convert by their `From<…> for
/// Failure`). A fault — the database, the disk or a file, not the officer's input — is also
/// logged, so that support finds it after the desk closed the message; its text is the
/// store's, which names files and SQLite, never a person.
pub(crate) fn reply<T, E: Into<Failure>>(result: Result<T, E>) -> Reply<T> {
    let result = result.map_err(Into::into);
    if let Err(f) = &result
        && f.is_fault()
    {
        tracing::error!("store fault: {}", f.message);
    }
    result
}

use input::input_thread;

/// How the desk screen is started (`kofu` or `kofu demo`).
pub struct TuiOptions {
    pub db: PathBuf,
    pub data: DataSet,
    /// Simulated reader and the demo card tray.
    pub demo: bool,
    /// Force a glyph set ("ascii" or "unicode"); `None` follows `desk.toml` ("auto": Unicode
    /// only inside Windows Terminal).
    pub glyphs: Option<String>,
    /// The program's clock (the runtime's ticks read the date from it).
    pub clock: Clock,
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

/// The app's view of a stored officer: the one conversion (the runtime is the only place that
/// sees both; the app may not import the store).
impl From<crate::store::Officer> for OfficerInfo {
    fn from(o: crate::store::Officer) -> Self {
        OfficerInfo {
            id: o.id,
            name: o.name,
            has_passphrase: o.has_passphrase,
        }
    }
}

/// Owns the database; runs the app's store effects in order, keeping only the newest of queued
/// searches, and answers each with an [`Event::Loaded`].
fn store_worker(
    mut store: Store,
    env: office::OfficeEnv,
    jobs: Receiver<Effect>,
    tx: Sender<Event>,
) {
    // Read the search table once so the first searches at the counter do not wait for the disk.
    if let Err(e) = store.warm_up() {
        tracing::warn!("search warm-up failed: {e}");
    }
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        batch.extend(jobs.try_iter());
        let last_search = batch.iter().rposition(|j| matches!(j, Effect::Search(_)));
        for (i, effect) in batch.into_iter().enumerate() {
            let loaded = match effect {
                Effect::Search(req) => {
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
                        result: reply(store.search_cards(&q)),
                    }
                }
                Effect::LoadCounts => Loaded::Counts(reply(store.state_counts())),
                Effect::LoadOfficers => Loaded::Officers(reply(
                    store
                        .officers(false)
                        .map(|v| v.into_iter().map(OfficerInfo::from).collect()),
                )),
                Effect::AddOfficer(name) => {
                    Loaded::OfficerAdded(reply(store.add_officer(&name).map(OfficerInfo::from)))
                }
                Effect::FindByCertificate(facts) => Loaded::FoundByCertificate {
                    serial: facts.serial_hex.clone(),
                    result: reply(store.find_by_certificate(&facts)),
                },
                Effect::LoadQr(id) => Loaded::Qr {
                    record_id: id,
                    result: reply(store.registration_qr(id)),
                },
                Effect::CommitHandover { commit, officer_id } => {
                    // The store logs a committed handover; a refusal is logged here.
                    let r = store.commit_handover(&commit, Some(officer_id));
                    if let Err(e) = &r {
                        tracing::warn!(card = commit.card, "handover refused: {e}");
                    }
                    Loaded::Committed(reply(r))
                }
                Effect::VerifyPassphrase {
                    officer_id,
                    passphrase,
                } => {
                    let ok = store.verify_officer_passphrase(officer_id, passphrase.expose());
                    drop(passphrase);
                    if !ok {
                        tracing::info!(officer = officer_id, "officer passphrase refused");
                    }
                    Loaded::PassphraseChecked {
                        officer_id,
                        result: Ok(ok),
                    }
                }
                Effect::CancelHandover {
                    card,
                    reason,
                    officer_id,
                } => Loaded::Cancelled(reply(store.cancel_handover(
                    card,
                    &reason,
                    Some(officer_id),
                ))),
                Effect::RecordCounterRead {
                    card,
                    verdict,
                    reasons,
                    officer_id,
                } => Loaded::AuditRecorded(reply(
                    store
                        .record_counter_read(card, verdict, &reasons, officer_id)
                        .map(|_| ()),
                )),
                Effect::AbandonHandover { card, officer_id } => {
                    Loaded::AuditRecorded(reply(store.record_handover_abandoned(
                        card,
                        Some(officer_id),
                        "idle_lock_other_officer",
                    )))
                }
                Effect::Office(req) => Loaded::Office(office::run(&mut store, &env, req)),
                other => {
                    // Runner::run sends only the store effects here.
                    tracing::error!("store thread got a card effect: {other:?}");
                    continue;
                }
            };
            if tx.send(Event::Loaded(loaded)).is_err() {
                return;
            }
        }
    }
}

/// The card side: the PC/SC watcher, or in demo mode the simulated reader whose cards the
/// demo tray places.
struct Cards {
    sim: Option<SimulatedReader>,
    /// The last demo card placed (re-placed for a re-read).
    last: Mutex<Option<SimCard>>,
    _watcher: WatcherHandle,
}

impl Cards {
    fn is_demo(&self) -> bool {
        self.sim.is_some()
    }

    fn start(demo: bool, prefix: Option<String>, tx: Sender<Event>) -> Cards {
        // The watcher's events go to the app as they are; only a fault's detail is logged here.
        let sink: EventSink = Box::new(move |ev| {
            if let CardEvent::WatcherFault(msg) = &ev {
                tracing::error!("card watcher fault: {msg}");
            }
            let _ = tx.send(Event::Card(ev));
        });
        if demo {
            let sim = SimulatedReader::new(DEMO_READER);
            let watcher = sim.spawn_watcher(sink);
            Cards {
                sim: Some(sim),
                last: Mutex::new(None),
                _watcher: watcher,
            }
        } else {
            let config = WatcherConfig {
                preferred_reader: prefix,
                ..WatcherConfig::default()
            };
            Cards {
                sim: None,
                last: Mutex::new(None),
                _watcher: spawn_watcher(config, sink),
            }
        }
    }

    fn place(&self, spec: &DemoCardSpec) {
        let Some(sim) = &self.sim else { return };
        let card = match &spec.facts {
            Some(facts) => SimCard::Physician {
                certificate: facts.clone(),
                application: HpkiApplication::Auth,
                pin: spec.pin,
            },
            None => SimCard::Foreign,
        };
        if let Ok(mut last) = self.last.lock() {
            *last = Some(card.clone());
        }
        sim.place(card);
    }

    fn lift(&self) {
        if let Some(sim) = &self.sim {
            if let Ok(mut last) = self.last.lock() {
                *last = None;
            }
            sim.lift();
        }
    }

    /// A card is read once per presence: the simulated card is put down again; a real one
    /// must be lifted and placed by the officer (the screen says so).
    fn reread(&self) {
        if let Some(sim) = &self.sim {
            let last = self.last.lock().ok().and_then(|l| l.clone());
            if let Some(card) = last {
                sim.lift();
                sim.place(card);
            }
        }
    }
}

/// Ticks, and the date when it changes (JST midnight).
fn clock_thread(clock: Clock, tx: Sender<Event>, stop: Arc<AtomicBool>) {
    thread::spawn(move || {
        let mut today = clock.today();
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(TICK_MS));
            if tx.send(Event::Tick).is_err() {
                break;
            }
            let now = clock.today();
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
    jobs: Sender<Effect>,
    cards: Cards,
    /// The data set (desk settings and the shared rules: issuers and reader hints for the
    /// diagnosis).
    data: DataSet,
}

impl Runner {
    /// Route one effect. The match has no catch-all, so a new effect cannot be added without
    /// saying where it runs.
    fn run(&self, effect: Effect) {
        match effect {
            store @ (Effect::Search(_)
            | Effect::LoadCounts
            | Effect::LoadOfficers
            | Effect::AddOfficer(_)
            | Effect::FindByCertificate(_)
            | Effect::LoadQr(_)
            | Effect::CommitHandover { .. }
            | Effect::CancelHandover { .. }
            | Effect::VerifyPassphrase { .. }
            | Effect::RecordCounterRead { .. }
            | Effect::AbandonHandover { .. }
            | Effect::Office(_)) => {
                let _ = self.jobs.send(store);
            }
            Effect::ReadCard => {
                self.cards.reread();
            }
            Effect::DemoPlace(spec) => {
                self.cards.place(&spec);
            }
            Effect::DemoLift => {
                self.cards.lift();
            }
            Effect::DiagnoseReader => {
                let tx = self.tx.clone();
                let rules = self.data.rules.clone();
                let prefix = self.data.desk.reader_prefix().map(str::to_string);
                let demo = self.cards.is_demo();
                // PC/SC calls take milliseconds; a thread keeps the loop free all the same.
                let _ = thread::Builder::new()
                    .name("kofu-diagnose".into())
                    .spawn(move || {
                        let mut lines: Vec<String> = if demo {
                            vec![
                                "デモモードのため、実際のリーダは診断しません。".into(),
                                "（kofu reader diagnose で同じ診断を行えます）".into(),
                            ]
                        } else {
                            crate::card::diagnose::diagnose(
                                prefix.as_deref(),
                                &rules.issuers,
                                &rules.reader_hints,
                            )
                                .to_text()
                                .lines()
                                .map(str::to_string)
                                .collect()
                        };
                        lines.push(String::new());
                        lines.push(
                            "同じ内容は kofu reader diagnose で出力できます（メールに貼り付けられます）。"
                                .into(),
                        );
                        let _ = tx.send(Event::Loaded(Loaded::Diagnosis(lines)));
                    });
            }
            Effect::Quit => {}
        }
    }
}

/// The start-up ledger check, in the background on its own read-only connection (it takes
/// about a second at 100 000 cards; the desk is usable meanwhile). What it finds stays in the
/// header ([`Loaded::LedgerChecked`]).
fn ledger_thread(db: &std::path::Path, clock: &Clock, tx: Sender<Event>) {
    let db = db.to_path_buf();
    let clock = clock.clone();
    thread::spawn(move || {
        let result = reply(
            Store::open_readonly(&db, &clock)
                .and_then(|s| s.ledger_check())
                .map(|r| {
                    if !r.ok() {
                        tracing::warn!(findings = r.findings.len(), "ledger disagrees at start-up");
                    }
                    r.findings.iter().map(|f| f.message()).collect()
                }),
        );
        let _ = tx.send(Event::Loaded(Loaded::LedgerChecked(result)));
    });
}

/// Open the desk screen and run it until the officer quits.
pub fn run_tui(opts: TuiOptions) -> Result<(), RuntimeError> {
    let mut store = Store::open(&opts.db, &opts.clock)?;
    if opts.demo && store.officers(false)?.is_empty() {
        store.add_officer("デモ担当者")?;
    }
    let wt = std::env::var_os("WT_SESSION").is_some();
    let desk = DeskInfo {
        desk_name: opts.data.desk.desk_name.clone(),
        ascii: ascii_glyphs(opts.glyphs.as_deref(), &opts.data.desk.glyphs, wt),
        demo: opts.demo,
        idle_lock_minutes: opts.data.desk.idle_lock_minutes,
        fixed_clock: opts.clock.is_fixed(),
    };
    let mut app = App::new(desk, opts.clock.today(), opts.data.rules.clone());

    let (tx, rx) = mpsc::channel::<Event>();
    let (jobs_tx, jobs_rx) = mpsc::channel::<Effect>();
    let store_tx = tx.clone();
    let office_env =
        office::OfficeEnv::for_db(&opts.db, &opts.data.desk.desk_name, opts.data.rules.clone());
    let store_thread = thread::spawn(move || store_worker(store, office_env, jobs_rx, store_tx));
    let prefix = opts.data.desk.reader_prefix().map(String::from);
    let cards = Cards::start(opts.demo, prefix, tx.clone());
    let runner = Runner {
        tx: tx.clone(),
        jobs: jobs_tx,
        cards,
        data: opts.data,
    };

    // QuickEdit off on Windows (a click would freeze the screen); restored on drop.
    let _quick_edit = crate::console::QuickEditGuard::disable();
    let mut guard = TerminalGuard::new()?;
    let stop = Arc::new(AtomicBool::new(false));
    input_thread(tx.clone(), stop.clone());
    clock_thread(opts.clock.clone(), tx.clone(), stop.clone());
    ledger_thread(&opts.db, &opts.clock, tx.clone());
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

/// A burst of typing asks for one search per key; only the last can still be shown (the app
/// keeps the newest sequence number), so the store runs that one. 3 000 scanned characters
/// queued 3 000 searches behind which the Esc's own search waited (issue 11 #11).
fn latest_search_only(effects: Vec<Effect>) -> Vec<Effect> {
    let last = effects.iter().rposition(|e| matches!(e, Effect::Search(_)));
    effects
        .into_iter()
        .enumerate()
        .filter(|(i, e)| !matches!(e, Effect::Search(_)) || Some(*i) == last)
        .map(|(_, e)| e)
        .collect()
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
        for e in latest_search_only(effects) {
            runner.run(e);
        }
        if app.session.should_quit {
            break;
        }
        terminal.draw(|f| crate::ui::draw(f, app))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
