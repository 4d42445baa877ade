//! Application state machine in the Elm style.
//!
//! [`App`] is plain data. [`App::handle`] takes one [`Event`] and returns the [`Effect`]s to
//! run; it never does I/O, never waits and never reads the clock. The runtime runs effects on
//! worker threads and feeds their results back as [`Event::Loaded`]. `ui::draw` renders `&App`.
//!
//! `App { session, queue, screen, dialogs }` only routes. The shell is a few files, one
//! concern each:
//! - this file: the messages ([`Effect`], [`Loaded`], [`Event`]), [`Screen`], [`App`] and
//!   [`App::handle`];
//! - `session.rs`: [`Session`], the desk's facts whatever is on screen;
//! - `keys.rs`: keys — the context in force, which bindings apply, the focused field, and
//!   where a key goes (the dialog on top, the screen, the global keys);
//! - `routing.rs`: card events and effect results, to the screen or dialog they are for;
//! - `lock.rs`: the idle lock, unlocking and the officer picker it opens;
//! - `screens/mod.rs`: the router that runs a screen with a [`cx::Cx`] and applies its
//!   [`cx::Nav`].
//!
//! Screens (`screens/`) and dialogs (`dialogs/`) own their state and update.

pub mod cx;
pub mod demo;
pub mod dialogs;
pub mod input;
pub mod keymap;
mod keys;
mod lock;
mod routing;
pub mod screens;
pub mod session;

use std::sync::Arc;

use chrono::NaiveDate;
use crossterm::event::{KeyEvent, KeyEventKind};

use crate::domain::CardState;
use crate::domain::card_facts::{CardReading, CertificateFacts};
use crate::domain::failure::Reply;
use crate::domain::handover::{HandoverCommit, HandoverRoute};
pub use crate::domain::matching::{
    FieldLine, MatchOutcome, MatchResult, Reason, Severity, Verdict,
};
use crate::domain::record::CardRecord;

pub use crate::domain::rules::Rules;
pub use demo::{DemoCardKind, DemoCardSpec};
pub use dialogs::officer::{PASSPHRASE_MAX_CHARS, Secret, SecretField, WRONG_PASSPHRASE};
pub use dialogs::reference::{ExpiryAnswer, FeeFormError, FeeRow, RefSection, ReferenceState};
pub use dialogs::{AppointmentDialog, Confirm, ContactDialog, DIAGNOSIS_TITLE, Dialog, Prompt};
pub use input::{EditOutcome, LineEdit};
pub use keymap::{Action, Binding, Context, KEYMAP, KeySpec};
pub use lock::TICKS_PER_MINUTE;
pub use screens::handover::{
    CardConfirmed, CardPhase, Decision, Flow, HandoffDraft, Handover, IdentityChecked,
    IdentityDraft, MailDraft, MailField, QrView, ReceiptChoice, Step,
};
pub use screens::office::{Office, OfficeLoaded, OfficeRequest};
pub use screens::queue::{QueueState, STATE_FILTERS};
pub use session::{Locked, Session};

/// Ticks (about 250 ms each) a commit confirmation must be open before it accepts its key,
/// so that a burst of typed input can never commit.
pub const CONFIRM_ARM_TICKS: u64 = 2;
/// Rows asked from the store for one search.
pub const SEARCH_LIMIT: usize = 200;

/// Smallest usable terminal. Below it the screen only asks to be enlarged, and no key but
/// quitting changes anything (issue 11 #2): the one rule for `ui` and `app`.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Whether a terminal of `width` x `height` cells shows the desk.
pub fn screen_fits(width: u16, height: u16) -> bool {
    width >= MIN_WIDTH && height >= MIN_HEIGHT
}

/// Desk-wide settings the app needs (from `data/desk.toml` and the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskInfo {
    pub desk_name: String,
    /// ASCII glyph set (no East-Asian-ambiguous characters) instead of the Unicode one.
    pub ascii: bool,
    pub demo: bool,
    /// Minutes without a key before the desk locks (0 = never).
    pub idle_lock_minutes: u32,
    /// The clock is fixed (`KOFU_NOW`): the header says so, so records are never stamped with
    /// a fixed time unnoticed.
    pub fixed_clock: bool,
}

/// An officer who can be on duty (made from the store's officer by the one `From` impl in
/// `runtime.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerInfo {
    pub id: i64,
    pub name: String,
    /// Taking over the desk as this officer asks for their passphrase.
    pub has_passphrase: bool,
}

/// Whether the reader service (pcscd / winscard) answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceState {
    Unknown,
    Unavailable,
    Available,
}

/// What is on the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardSlot {
    Absent,
    Present,
    Reading,
    Read(Box<CardReading>),
    Failed(String),
}

/// Reader state shown in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderState {
    pub service: ServiceState,
    pub readers: Vec<String>,
    /// The reader the desk uses (the card layer picks it).
    pub active: Option<String>,
    pub card: CardSlot,
}

/// Card events as the app sees them: the card watcher's own [`CardEvent`] (a domain value), passed
/// through unchanged. A failed read keeps its [`crate::domain::reader_events::CardError`]; the
/// app shows its `user_message()`.
pub use crate::domain::reader_events::CardEvent;

/// A search request for the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub seq: u64,
    /// Raw user text (the store normalises).
    pub text: String,
    pub state: Option<CardState>,
    pub limit: usize,
}

/// Work for the runtime. Every result comes back as an [`Event::Loaded`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Search(SearchRequest),
    LoadCounts,
    LoadOfficers,
    AddOfficer(String),
    /// Find the record of the card on the reader.
    FindByCertificate(CertificateFacts),
    /// Record in the audit trail that a card read at the counter ended in 不一致 or 要確認
    /// (answer: `Loaded::AuditRecorded`).
    RecordCounterRead {
        card: i64,
        /// `near_match` or `mismatch`.
        verdict: &'static str,
        /// Reason codes (`domain::ledger::counter_read_codes`), never values.
        reasons: Vec<String>,
        officer_id: Option<i64>,
    },
    /// Record that a handover left open at the idle lock was abandoned when another officer
    /// took over (answer: `Loaded::AuditRecorded`).
    AbandonHandover {
        card: i64,
        officer_id: i64,
    },
    /// Ask the card layer to read the card again.
    ReadCard,
    /// Load the registration-QR payload (only at the handover step).
    LoadQr(i64),
    CommitHandover {
        commit: Box<HandoverCommit>,
        officer_id: i64,
    },
    CancelHandover {
        card: i64,
        reason: String,
        officer_id: i64,
    },
    DemoPlace(Box<DemoCardSpec>),
    DemoLift,
    /// Check an officer's passphrase on the store thread (answer: `Loaded::PassphraseChecked`).
    VerifyPassphrase {
        officer_id: i64,
        passphrase: Secret,
    },
    /// Back-office store work (業務メニュー).
    Office(OfficeRequest),
    /// Reader diagnostics (answer: `Loaded::Diagnosis`).
    DiagnoseReader,
    Quit,
}

/// Results of effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    Search {
        seq: u64,
        result: Reply<Vec<CardRecord>>,
    },
    Counts(Reply<Vec<(CardState, u64)>>),
    Officers(Reply<Vec<OfficerInfo>>),
    OfficerAdded(Reply<OfficerInfo>),
    FoundByCertificate {
        serial: String,
        result: Reply<Option<CardRecord>>,
    },
    Qr {
        record_id: i64,
        result: Reply<Option<String>>,
    },
    Committed(Reply<CardRecord>),
    /// An audit-only record (a 不一致/要確認 read, an abandoned handover) was written; only a
    /// failure is shown.
    AuditRecorded(Reply<()>),
    /// The start-up ledger check (run by the runtime on its own read-only connection): the
    /// disagreements found, in Japanese (empty = all agree).
    LedgerChecked(Reply<Vec<String>>),
    Cancelled(Reply<CardRecord>),
    PassphraseChecked {
        officer_id: i64,
        result: Reply<bool>,
    },
    Office(OfficeLoaded),
    /// The reader diagnostics as text lines (no personal data; card/diagnose.rs).
    Diagnosis(Vec<String>),
}

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Tick,
    Resize(u16, u16),
    /// The JST date (sent at start and when it changes).
    Today(NaiveDate),
    Card(CardEvent),
    Loaded(Loaded),
}

/// What the screen shows after a successful commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneInfo {
    pub record: CardRecord,
    pub route: HandoverRoute,
}

impl DoneInfo {
    /// What the officer does next, by route.
    pub fn next_steps(&self) -> Vec<&'static str> {
        match self.route {
            HandoverRoute::CounterWithReceipt => vec![
                "署名・日付を確認した対面交付用受領書を「JMACA返送」トレイに入れてください。",
                "受領書はまとめて日本医師会電子認証センターへ返送します。",
            ],
            HandoverRoute::CounterWithPostcard => vec![
                "提出された発行完了通知はがきを保管してください。",
                "対面交付用受領書は返送不要です。破棄してください。",
            ],
            HandoverRoute::Mail { .. } => vec![
                "封筒を本人限定受取郵便で差し出してください。",
                "配達結果（配達済・返送）が分かったら記録してください。",
                "対面交付用受領書は返送不要です。",
            ],
        }
    }
}

/// The main screen under the dialogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Handover(Box<Handover>),
    Done(Box<DoneInfo>),
    /// 業務メニュー and its screens (F12 from the queue).
    Office(Box<Office>),
}

/// A one-line notice in the footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

impl Flash {
    pub fn new(text: impl Into<String>, error: bool) -> Self {
        Flash {
            text: text.into(),
            error,
        }
    }
}

/// The whole application state. `App` routes: events go to the screen on display or the
/// dialog on top, and what they ask for (a [`cx::Nav`], a new dialog) is applied here.
///
/// - `session`: the desk's facts, whatever is on screen ([`Session`]).
/// - `queue`: the queue's state (search text, results, selection, counts, appointments). It
///   sits beside `screen`, not inside `Screen::Queue`, because it lives for the whole session:
///   the search and the selection are still there after a handover, the done page or the back
///   office, and the appointments band and the counts are refreshed while other screens show.
/// - `screen`: the screen under the dialogs.
/// - `dialogs`: the dialog stack, top last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub session: Session,
    pub queue: QueueState,
    pub screen: Screen,
    pub dialogs: Vec<Dialog>,
}

impl App {
    /// A desk at start: nobody on duty, the queue shown; `rules` is the data set's shared
    /// [`Rules`] (every screen reads its tables from there).
    pub fn new(desk: DeskInfo, today: NaiveDate, rules: Arc<Rules>) -> Self {
        App {
            session: Session {
                desk,
                today,
                officer: None,
                officers: Vec::new(),
                rules,
                reader: ReaderState {
                    service: ServiceState::Unknown,
                    readers: Vec::new(),
                    active: None,
                    card: CardSlot::Absent,
                },
                size: (80, 24),
                flash: None,
                ticks: 0,
                idle_ticks: 0,
                should_quit: false,
                ledger_alert: None,
                locked: None,
            },
            queue: QueueState::new(),
            screen: Screen::Queue,
            dialogs: Vec::new(),
        }
    }

    /// Effects to run once at start: first search, counts and the officer list.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = vec![Effect::LoadOfficers, Effect::LoadCounts];
        fx.push(self.queue.search_effect());
        fx.push(self.upcoming_effect());
        fx
    }

    pub fn handover(&self) -> Option<&Handover> {
        match &self.screen {
            Screen::Handover(h) => Some(h),
            _ => None,
        }
    }

    /// The record the demo card tray makes a card for: the handover's, else the one selected
    /// in the queue.
    pub fn demo_target(&self) -> Option<&CardRecord> {
        match &self.screen {
            Screen::Handover(h) => Some(&h.record),
            _ => self.queue.selected_record(),
        }
    }

    /// The back-office screen, if it is on display.
    pub fn office(&self) -> Option<&Office> {
        match &self.screen {
            Screen::Office(o) => Some(o),
            _ => None,
        }
    }

    /// A one-line notice in the footer.
    pub fn flash(&mut self, text: impl Into<String>, error: bool) {
        self.session.flash(text, error);
    }

    /// The one update function.
    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) => {
                // Windows reports key releases too: they would double every key.
                if key.kind == KeyEventKind::Release {
                    return Vec::new();
                }
                self.session.idle_ticks = 0;
                if !self.screen_fits() {
                    return self.handle_key_hidden(key);
                }
                self.handle_key(key)
            }
            Event::Paste(text) => {
                self.session.idle_ticks = 0;
                if !self.screen_fits() {
                    return Vec::new();
                }
                let before = self.queue.search.value().to_string();
                let on_queue = self.dialogs.is_empty() && matches!(self.screen, Screen::Queue);
                if let Some(field) = self.focused_field_mut() {
                    field.insert_str(&text);
                }
                if let Screen::Handover(h) = &mut self.screen {
                    h.clear_errors();
                }
                if on_queue && self.queue.search.value() != before {
                    return vec![self.queue.search_effect()];
                }
                Vec::new()
            }
            Event::Tick => {
                self.session.ticks += 1;
                self.session.idle_ticks += 1;
                self.check_idle_lock()
            }
            Event::Resize(w, h) => {
                self.session.size = (w, h);
                Vec::new()
            }
            Event::Today(d) => {
                self.session.today = d;
                vec![self.upcoming_effect()]
            }
            Event::Card(sig) => self.handle_card(sig),
            Event::Loaded(l) => self.handle_loaded(l),
        }
    }

    /// Whether the terminal is big enough to show the desk ([`screen_fits`] on `size`).
    pub fn screen_fits(&self) -> bool {
        screen_fits(self.session.size.0, self.session.size.1)
    }
}
