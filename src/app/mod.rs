//! Application state machine in the Elm style.
//!
//! [`App`] is plain data. [`App::handle`] takes one [`Event`] and returns the [`Effect`]s to
//! run; it never does I/O, never waits and never reads the clock. The runtime runs effects on
//! worker threads and feeds their results back as [`Event::Loaded`]. `ui::draw` renders `&App`.

pub mod cx;
pub mod demo;
pub mod dialogs;
pub mod input;
pub mod keymap;
pub mod screens;

use std::sync::Arc;

use chrono::NaiveDate;
use crossterm::event::{KeyEvent, KeyEventKind};

use crate::domain::CardState;
use crate::domain::card_facts::{CardReading, CertificateFacts};
use crate::domain::handover::{HandoverCommit, HandoverRoute};
use crate::domain::iddocs::IdDocuments;
pub use crate::domain::matching::{
    FieldLine, MatchOutcome, MatchResult, Reason, Severity, Verdict,
};
use crate::domain::record::CardRecord;

pub use demo::{DemoCardKind, DemoCardSpec};
pub use dialogs::officer::{PASSPHRASE_MAX_CHARS, Secret, SecretField, WRONG_PASSPHRASE};
pub use dialogs::reference::{ExpiryAnswer, FeeRow, RefSection, ReferenceRules, ReferenceState};
pub use dialogs::{AppointmentDialog, Confirm, ContactDialog, DIAGNOSIS_TITLE, Modal, Prompt};
pub use input::{EditOutcome, LineEdit};
pub use keymap::{Action, Binding, Context, KEYMAP, KeySpec};
pub use screens::handover::{
    CardConfirmed, CardPhase, Decision, Flow, HandoffDraft, Handover, IdentityChecked,
    IdentityDraft, MailDraft, MailField, QrView, ReceiptChoice, Step,
};
pub use screens::office::{Office, OfficeLoaded, OfficeRequest};
pub use screens::queue::{QueueState, STATE_FILTERS};

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

/// An officer who can be on duty.
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

/// Card events as the app sees them (the runtime translates `card::CardEvent`).
/// A reading is a few hundred bytes and arrives once per card: not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardSignal {
    ServiceUnavailable,
    ServiceAvailable,
    ReaderAdded(String),
    ReaderRemoved(String),
    Inserted {
        reader: String,
    },
    Removed {
        reader: String,
    },
    Reading {
        reader: String,
    },
    /// A finished reading; the error is already a Japanese message.
    ReadFinished {
        reader: String,
        result: Result<CardReading, String>,
    },
    /// The reader watcher failed and restarted (Japanese message).
    Fault(String),
}

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
        result: Result<Vec<CardRecord>, String>,
    },
    Counts(Result<Vec<(CardState, u64)>, String>),
    Officers(Result<Vec<OfficerInfo>, String>),
    OfficerAdded(Result<OfficerInfo, String>),
    FoundByCertificate {
        serial: String,
        result: Result<Option<CardRecord>, String>,
    },
    Qr {
        record_id: i64,
        result: Result<Option<String>, String>,
    },
    Committed(Result<CardRecord, String>),
    /// An audit-only record (a 不一致/要確認 read, an abandoned handover) was written; only a
    /// failure is shown.
    AuditRecorded(Result<(), String>),
    /// The start-up ledger check (run by the runtime on its own read-only connection): the
    /// disagreements found, in Japanese (empty = all agree).
    LedgerChecked(Result<Vec<String>, String>),
    Cancelled(Result<CardRecord, String>),
    PassphraseChecked {
        officer_id: i64,
        result: Result<bool, String>,
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
    Card(CardSignal),
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

/// The main screen under the modals.
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

/// The whole application state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub desk: DeskInfo,
    pub today: NaiveDate,
    pub officer: Option<OfficerInfo>,
    pub officers: Vec<OfficerInfo>,
    pub id_docs: IdDocuments,
    /// Rule tables for the counter reference (expiry, fees, procedures).
    pub rules: Arc<ReferenceRules>,
    pub reader: ReaderState,
    pub queue: QueueState,
    pub screen: Screen,
    pub modals: Vec<Modal>,
    pub size: (u16, u16),
    pub flash: Option<Flash>,
    pub ticks: u64,
    idle_ticks: u64,
    pub should_quit: bool,
    /// What the start-up ledger check found (shown in the header until the desk restarts).
    pub ledger_alert: Option<String>,
    /// The desk is locked with work left open (see [`App::after_unlock`]).
    pub locked: Option<Locked>,
}

/// What the idle lock put away: whose it was, and the dialogs that were open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub officer_id: i64,
    pub dialogs: Vec<Modal>,
}

/// Ticks per minute (the runtime ticks every 250 ms).
pub const TICKS_PER_MINUTE: u64 = 240;

impl App {
    pub fn new(
        desk: DeskInfo,
        today: NaiveDate,
        id_docs: IdDocuments,
        rules: Arc<ReferenceRules>,
    ) -> Self {
        App {
            desk,
            today,
            officer: None,
            officers: Vec::new(),
            id_docs,
            rules,
            reader: ReaderState {
                service: ServiceState::Unknown,
                readers: Vec::new(),
                active: None,
                card: CardSlot::Absent,
            },
            queue: QueueState::new(),
            screen: Screen::Queue,
            modals: Vec::new(),
            size: (80, 24),
            flash: None,
            ticks: 0,
            idle_ticks: 0,
            should_quit: false,
            ledger_alert: None,
            locked: None,
        }
    }

    /// Effects to run once at start: first search, counts and the officer list.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = vec![Effect::LoadOfficers, Effect::LoadCounts];
        fx.push(self.queue.search_effect());
        fx.push(self.upcoming_effect());
        fx
    }

    /// The key context in force: the top modal's, else the screen's.
    pub fn context(&self) -> Context {
        if let Some(m) = self.modals.last() {
            return m.context();
        }
        self.screen_context()
    }

    fn screen_context(&self) -> Context {
        match &self.screen {
            Screen::Queue => Context::Queue,
            Screen::Done(_) => Context::Done,
            Screen::Handover(h) => h.context(),
            Screen::Office(o) => o.context(),
        }
    }

    /// Whether a binding does something right now (the footer shows only those; the help
    /// screen shows every binding).
    pub fn binding_relevant(&self, b: &Binding) -> bool {
        if let Some(Modal::Reference(r)) = self.modals.last() {
            return r.binding_relevant(b);
        }
        if let Some(Modal::OfficerPicker { .. }) = self.modals.last() {
            // Nobody on duty: Esc cannot close the picker; at the lock (passphrases in use)
            // no officer can be added either (issue 11 #15).
            return match b.action {
                Action::No => self.officer.is_some(),
                Action::Yes => (b.label == keymap::PICK_LOCKED) == self.desk_locked(),
                _ => true,
            };
        }
        let Screen::Handover(h) = &self.screen else {
            return true;
        };
        if b.context != Context::CardCheck || !self.modals.is_empty() {
            return true;
        }
        let Step::Card { phase, .. } = &h.step else {
            return true;
        };
        let result = match phase {
            CardPhase::Result {
                outcome, decision, ..
            } => Some((outcome.result, *decision)),
            _ => None,
        };
        // Issue 11 #10: y and e work again after Esc left the reason field (they return to
        // it); Enter goes on only from a match or a decision; r needs a card on the reader.
        match b.action {
            Action::ConfirmNear => matches!(result, Some((MatchResult::NearMatch, _))),
            Action::RecordException => matches!(result, Some((MatchResult::Mismatch, _))),
            Action::Next => {
                matches!(result, Some((MatchResult::Match, _)) | Some((_, Some(_))))
                    && !h.pin_locked_unacknowledged()
            }
            Action::AckPinLocked => h.pin_locked_unacknowledged(),
            Action::Reread => {
                !matches!(phase, CardPhase::Waiting | CardPhase::Reading)
                    && !matches!(self.reader.card, CardSlot::Absent)
            }
            _ => true,
        }
    }

    /// The desk is locked: nobody on duty and passphrases in use, so only a registered officer
    /// (with their passphrase) can open it; the picker offers no new-officer field.
    pub fn desk_locked(&self) -> bool {
        self.officer.is_none() && self.officers.iter().any(|o| o.has_passphrase)
    }

    /// True when a text field has keyboard focus (single-key shortcuts are off).
    pub fn text_focus(&self) -> bool {
        self.context().has_text_focus()
    }

    /// The focused text field, if any.
    pub fn focused_field(&self) -> Option<&LineEdit> {
        if let Some(m) = self.modals.last() {
            return match m {
                Modal::CancelReason { reason, .. } => Some(reason),
                Modal::OfficerPicker { .. } if self.desk_locked() => None,
                Modal::OfficerPicker { name, .. } => Some(name),
                Modal::Reference(r) => r.focused_field(),
                Modal::Passphrase { field, .. } => Some(&field.0),
                Modal::SecondOfficer(d) => d.field(),
                Modal::Prompt(p) => Some(&p.field),
                Modal::Contact(c) => (!c.method_focus).then_some(&c.note),
                Modal::Appointment(a) => Some(a.field()),
                _ => None,
            };
        }
        match &self.screen {
            Screen::Queue => Some(&self.queue.search),
            Screen::Done(_) | Screen::Office(_) => None,
            Screen::Handover(h) => h.focused_field(),
        }
    }

    fn focused_field_mut(&mut self) -> Option<&mut LineEdit> {
        let locked = self.desk_locked();
        if let Some(m) = self.modals.last_mut() {
            return match m {
                Modal::CancelReason { reason, .. } => Some(reason),
                Modal::OfficerPicker { .. } if locked => None,
                Modal::OfficerPicker { name, .. } => Some(name),
                Modal::Reference(r) => r.focused_field_mut(),
                Modal::Passphrase { field, .. } => Some(&mut field.0),
                Modal::SecondOfficer(d) => d.field_mut(),
                Modal::Prompt(p) => Some(&mut p.field),
                Modal::Contact(c) => (!c.method_focus).then_some(&mut c.note),
                Modal::Appointment(a) => Some(a.field_mut()),
                _ => None,
            };
        }
        match &mut self.screen {
            Screen::Queue => Some(&mut self.queue.search),
            Screen::Done(_) | Screen::Office(_) => None,
            Screen::Handover(h) => h.focused_field_mut(),
        }
    }

    pub fn handover(&self) -> Option<&Handover> {
        match &self.screen {
            Screen::Handover(h) => Some(h),
            _ => None,
        }
    }

    /// The back-office screen, if it is on display.
    pub fn office(&self) -> Option<&Office> {
        match &self.screen {
            Screen::Office(o) => Some(o),
            _ => None,
        }
    }

    pub fn flash(&mut self, text: impl Into<String>, error: bool) {
        self.flash = Some(Flash {
            text: text.into(),
            error,
        });
    }

    /// The one update function.
    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) => {
                // Windows reports key releases too: they would double every key.
                if key.kind == KeyEventKind::Release {
                    return Vec::new();
                }
                self.idle_ticks = 0;
                if !self.screen_fits() {
                    return self.handle_key_hidden(key);
                }
                self.handle_key(key)
            }
            Event::Paste(text) => {
                self.idle_ticks = 0;
                if !self.screen_fits() {
                    return Vec::new();
                }
                let before = self.queue.search.value().to_string();
                let on_queue = self.modals.is_empty() && matches!(self.screen, Screen::Queue);
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
                self.ticks += 1;
                self.idle_ticks += 1;
                self.check_idle_lock()
            }
            Event::Resize(w, h) => {
                self.size = (w, h);
                Vec::new()
            }
            Event::Today(d) => {
                self.today = d;
                vec![self.upcoming_effect()]
            }
            Event::Card(sig) => self.handle_card(sig),
            Event::Loaded(l) => self.handle_loaded(l),
        }
    }

    /// Lock the desk after `idle_lock_minutes` without a key, on every screen. Whatever is
    /// open (a handover half done, dialogs) is kept out of sight while locked: the officer who
    /// was on duty unlocks back to where they were; another officer abandons it
    /// ([`App::after_unlock`]).
    fn check_idle_lock(&mut self) -> Vec<Effect> {
        let limit = u64::from(self.desk.idle_lock_minutes) * TICKS_PER_MINUTE;
        if limit == 0 || self.idle_ticks < limit {
            return Vec::new();
        }
        let Some(officer) = self.officer.take() else {
            return Vec::new();
        };
        self.locked = Some(Locked {
            officer_id: officer.id,
            dialogs: std::mem::take(&mut self.modals),
        });
        self.open_officer_picker_at(Some(officer.id));
        self.flash(
            "操作がなかったためロックしました。担当者を選んでください。",
            false,
        );
        vec![Effect::LoadOfficers]
    }

    /// After the desk was unlocked: the same officer is back where they were; another officer
    /// abandons what the first left open — a handover in progress is recorded as abandoned
    /// (nothing is committed) and the queue shows again.
    pub(crate) fn after_unlock(&mut self) -> Vec<Effect> {
        let Some(locked) = self.locked.take() else {
            return Vec::new();
        };
        let now = self.officer.as_ref().map(|o| o.id);
        if now == Some(locked.officer_id) {
            self.modals.splice(0..0, locked.dialogs);
            self.flash("ロックを解除しました。続きから操作できます。", false);
            return Vec::new();
        }
        let mut fx = Vec::new();
        if let Screen::Handover(h) = &self.screen {
            fx.push(Effect::AbandonHandover {
                card: h.record.id,
                officer_id: locked.officer_id,
            });
            self.flash(
                format!(
                    "前の担当者の交付（カードID {}）は中止しました（記録は変わっていません）。",
                    h.record.card_id
                ),
                false,
            );
        }
        if !matches!(self.screen, Screen::Queue) {
            self.screen = Screen::Queue;
        }
        fx.extend([self.queue.search_effect(), Effect::LoadCounts]);
        fx
    }

    fn open_officer_picker(&mut self) {
        let on_duty = self.officer.as_ref().map(|o| o.id);
        self.open_officer_picker_at(on_duty);
    }

    fn open_officer_picker_at(&mut self, officer: Option<i64>) {
        let selected = officer
            .and_then(|id| self.officers.iter().position(|x| x.id == id))
            .unwrap_or(0);
        self.modals.push(Modal::OfficerPicker {
            selected,
            name: LineEdit::new(40),
            error: None,
        });
    }

    /// Whether the terminal is big enough to show the desk ([`screen_fits`] on `size`).
    pub fn screen_fits(&self) -> bool {
        screen_fits(self.size.0, self.size.1)
    }

    /// A key while 「画面を広げてください」 hides the desk: nothing the officer cannot see
    /// happens. Only quitting works (in the middle of a handover it still asks first, and the
    /// question waits until the screen is large enough to read it).
    fn handle_key_hidden(&mut self, key: KeyEvent) -> Vec<Effect> {
        let quit =
            keymap::lookup(Context::Global, &key, self.desk.demo, true) == Some(Action::Quit);
        if quit && !matches!(self.modals.last(), Some(Modal::QuitConfirm)) {
            return self.global_action(Action::Quit);
        }
        Vec::new()
    }

    fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let demo = self.desk.demo;
        let ctx = self.context();
        let focus = ctx.has_text_focus();
        if !self.modals.is_empty() {
            if let Some(action) = keymap::lookup(ctx, &key, demo, focus) {
                return self.modal_action(action);
            }
            let mut edited = EditOutcome::Ignored;
            if let Some(field) = self.focused_field_mut() {
                edited = field.handle_key(&key);
                if let Some(
                    Modal::CancelReason { error, .. }
                    | Modal::OfficerPicker { error, .. }
                    | Modal::Passphrase { error, .. },
                ) = self.modals.last_mut()
                {
                    *error = None;
                }
                match self.modals.last_mut() {
                    Some(Modal::Prompt(p)) => p.error = None,
                    Some(Modal::Contact(c)) => c.error = None,
                    Some(Modal::Appointment(a)) => a.error = None,
                    _ => {}
                }
            }
            // Quitting works from every dialog (the officer picker at start has no other way
            // out); in the middle of a handover it still asks first.
            if edited == EditOutcome::Ignored
                && keymap::lookup(Context::Global, &key, demo, true) == Some(Action::Quit)
                && !matches!(self.modals.last(), Some(Modal::QuitConfirm))
            {
                return self.global_action(Action::Quit);
            }
            // Otherwise the top modal consumes every key.
            return Vec::new();
        }
        if let Some(action) = keymap::lookup(ctx, &key, demo, focus) {
            return self.screen_action(action);
        }
        if focus {
            let on_queue = matches!(self.screen, Screen::Queue);
            let outcome = match self.focused_field_mut() {
                Some(field) => field.handle_key(&key),
                None => EditOutcome::Ignored,
            };
            match outcome {
                EditOutcome::Changed => {
                    if on_queue {
                        return vec![self.queue.search_effect()];
                    }
                    if let Screen::Handover(h) = &mut self.screen {
                        h.clear_errors();
                    }
                    return Vec::new();
                }
                EditOutcome::Moved => return Vec::new(),
                EditOutcome::Ignored => {}
            }
        }
        if let Some(action) = keymap::lookup(Context::Global, &key, demo, focus) {
            return self.global_action(action);
        }
        Vec::new()
    }

    /// F1: the help screen, scrolled to the keys of the context in use.
    pub(crate) fn open_help(&mut self) {
        let scroll = keymap::help_line(self.context(), self.desk.demo);
        self.modals.push(Modal::Help { scroll });
    }

    fn global_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Help => {
                self.open_help();
                Vec::new()
            }
            Action::OpenReference => self.open_reference(),
            Action::Quit => {
                if matches!(self.screen, Screen::Handover(_)) {
                    self.modals.push(Modal::QuitConfirm);
                    Vec::new()
                } else {
                    self.should_quit = true;
                    vec![Effect::Quit]
                }
            }
            _ => Vec::new(),
        }
    }

    fn screen_action(&mut self, action: Action) -> Vec<Effect> {
        if action == Action::DemoTray {
            if self.desk.demo {
                self.modals.push(Modal::DemoTray);
            }
            return Vec::new();
        }
        match &self.screen {
            Screen::Queue => self.queue_update(action),
            Screen::Done(_) => match action {
                Action::Close => {
                    self.screen = Screen::Queue;
                    vec![self.queue.search_effect(), Effect::LoadCounts]
                }
                _ => Vec::new(),
            },
            Screen::Handover(_) => self.handover_update(|h, cx| h.update(action, cx)),
            Screen::Office(_) => self.office_update(|o, cx| o.update(action, cx)),
        }
    }

    fn handle_card(&mut self, sig: CardSignal) -> Vec<Effect> {
        let r = &mut self.reader;
        match &sig {
            CardSignal::ServiceUnavailable => {
                r.service = ServiceState::Unavailable;
                r.readers.clear();
                r.active = None;
                r.card = CardSlot::Absent;
            }
            CardSignal::ServiceAvailable => r.service = ServiceState::Available,
            CardSignal::ReaderAdded(name) => {
                r.service = ServiceState::Available;
                if !r.readers.contains(name) {
                    r.readers.push(name.clone());
                }
                if r.active.is_none() {
                    r.active = Some(name.clone());
                }
            }
            CardSignal::ReaderRemoved(name) => {
                r.readers.retain(|x| x != name);
                if r.active.as_deref() == Some(name.as_str()) {
                    r.active = r.readers.first().cloned();
                    r.card = CardSlot::Absent;
                }
            }
            CardSignal::Inserted { reader } => {
                r.active = Some(reader.clone());
                r.card = CardSlot::Present;
            }
            CardSignal::Removed { .. } => r.card = CardSlot::Absent,
            CardSignal::Reading { reader } => {
                r.active = Some(reader.clone());
                r.card = CardSlot::Reading;
            }
            CardSignal::ReadFinished { result, .. } => {
                r.card = match result {
                    Ok(reading) => CardSlot::Read(Box::new(reading.clone())),
                    Err(e) => CardSlot::Failed(e.clone()),
                }
            }
            CardSignal::Fault(msg) => {
                let msg = msg.clone();
                self.flash(msg, true);
            }
        }
        match &mut self.screen {
            Screen::Handover(_) => self.handover_update(|h, cx| h.on_card(&sig, cx)),
            Screen::Office(_) if self.modals.is_empty() => {
                self.office_update(|o, cx| o.on_card(&sig, cx))
            }
            Screen::Office(_) => Vec::new(),
            Screen::Queue => {
                if let CardSignal::ReadFinished {
                    result: Ok(reading),
                    ..
                } = &sig
                    && self.modals.is_empty()
                {
                    return vec![Effect::FindByCertificate(reading.certificate.clone())];
                }
                Vec::new()
            }
            // The next physician's card: back to the queue and find its record.
            Screen::Done(_) => match &sig {
                CardSignal::ReadFinished {
                    result: Ok(reading),
                    ..
                } if self.modals.is_empty() => {
                    self.screen = Screen::Queue;
                    vec![
                        self.queue.search_effect(),
                        Effect::LoadCounts,
                        Effect::FindByCertificate(reading.certificate.clone()),
                    ]
                }
                _ => Vec::new(),
            },
        }
    }

    fn current_serial(&self) -> Option<&str> {
        match &self.reader.card {
            CardSlot::Read(r) => Some(r.certificate.serial_hex.as_str()),
            _ => None,
        }
    }

    fn handle_loaded(&mut self, loaded: Loaded) -> Vec<Effect> {
        match loaded {
            Loaded::Search { seq, result } => {
                self.queue.apply_search(seq, result);
                Vec::new()
            }
            Loaded::Counts(result) => {
                match result {
                    Ok(c) => self.queue.counts = c,
                    Err(e) => self.flash(e, true),
                }
                Vec::new()
            }
            Loaded::Officers(result) => {
                match result {
                    Ok(list) => {
                        self.officers = list;
                        // The second-officer dialog lists the officers as the store has them.
                        let on_duty = self.officer.as_ref().map(|o| o.id);
                        if let Some(Modal::SecondOfficer(d)) = self.modals.last_mut() {
                            d.refresh(&self.officers, on_duty);
                        }
                        let picking = self.modals.iter().any(|m| {
                            matches!(m, Modal::OfficerPicker { .. } | Modal::Passphrase { .. })
                        });
                        if self.officer.is_none() {
                            // Demo: the first officer is taken at start, unless a passphrase
                            // guards them or the desk is locked (picker open).
                            let first_free = self
                                .officers
                                .first()
                                .filter(|o| !o.has_passphrase && !picking);
                            if self.desk.demo && first_free.is_some() {
                                self.officer = first_free.cloned();
                            } else if !picking {
                                self.open_officer_picker();
                            }
                        }
                    }
                    Err(e) => self.flash(e, true),
                }
                Vec::new()
            }
            Loaded::OfficerAdded(result) => {
                match result {
                    Ok(o) => {
                        self.officers.push(o.clone());
                        self.officer = Some(o.clone());
                        if matches!(self.modals.last(), Some(Modal::OfficerPicker { .. })) {
                            self.modals.pop();
                        }
                        self.flash(format!("担当者: {}", o.name), false);
                        return self.after_unlock();
                    }
                    Err(e) => {
                        if let Some(Modal::OfficerPicker { error, .. }) = self.modals.last_mut() {
                            *error = Some(e);
                        } else {
                            self.flash(e, true);
                        }
                    }
                }
                Vec::new()
            }
            Loaded::FoundByCertificate { serial, result } => {
                if !matches!(self.screen, Screen::Queue)
                    || !self.modals.is_empty()
                    || self.current_serial() != Some(serial.as_str())
                {
                    return Vec::new();
                }
                match result {
                    Ok(Some(record)) => {
                        self.queue.select_id(record.id);
                        self.open_handover(record, None)
                    }
                    Ok(None) => {
                        self.flash(
                            "リーダのカードに該当する記録が見つかりません（取込済みか確認してください）。",
                            true,
                        );
                        Vec::new()
                    }
                    Err(e) => {
                        self.flash(e, true);
                        Vec::new()
                    }
                }
            }
            Loaded::Qr { record_id, result } => {
                if let Screen::Handover(h) = &mut self.screen {
                    h.on_qr(record_id, result);
                }
                Vec::new()
            }
            Loaded::AuditRecorded(result) => {
                if let Err(e) = result {
                    self.flash(format!("監査ログに記録できませんでした: {e}"), true);
                }
                Vec::new()
            }
            Loaded::LedgerChecked(result) => {
                self.ledger_alert = match result {
                    Ok(found) if found.is_empty() => None,
                    Ok(found) => Some(format!(
                        "台帳と記録が食い違っています（{} 件）。kofu db check で確認してください: {}",
                        found.len(),
                        found[0]
                    )),
                    Err(e) => Some(format!("台帳を確認できませんでした: {e}")),
                };
                Vec::new()
            }
            Loaded::Committed(result) => self.handover_update(|h, cx| {
                h.on_committed(result, cx);
                Vec::new()
            }),
            Loaded::PassphraseChecked { officer_id, result } => {
                self.passphrase_checked(officer_id, result)
            }
            Loaded::Office(l) => self.office_loaded(l),
            Loaded::Diagnosis(lines) => {
                if let Some(Modal::Message {
                    title, lines: l, ..
                }) = self.modals.last_mut()
                    && title == DIAGNOSIS_TITLE
                {
                    *l = lines;
                }
                Vec::new()
            }
            Loaded::Cancelled(result) => {
                match result {
                    Ok(rec) => self.flash(
                        format!(
                            "取消を記録しました（カードID {} は「{}」に戻りました）。",
                            rec.card_id,
                            rec.state.label()
                        ),
                        false,
                    ),
                    Err(e) => self.modals.push(Modal::Message {
                        title: "取消できませんでした".into(),
                        lines: vec![e],
                        error: true,
                    }),
                }
                vec![self.queue.search_effect(), Effect::LoadCounts]
            }
        }
    }

    /// Open the handover for a record (flow by its planned route unless given).
    /// A card that is not awaiting handover cannot be handed over again.
    pub fn open_handover(&mut self, record: CardRecord, flow: Option<Flow>) -> Vec<Effect> {
        if record.state != CardState::Awaiting {
            let line1 = format!(
                "{}（カードID {}）は「{}」です。",
                record.name,
                record.card_id,
                record.state.label()
            );
            self.modals.push(Modal::Message {
                title: "交付できません".into(),
                lines: vec![
                    line1,
                    "同じカードを二度交付することはできません。".into(),
                    "記録の誤りを直すときは一覧で F8（取消/訂正）を使ってください。".into(),
                ],
                error: true,
            });
            return Vec::new();
        }
        let flow = flow.unwrap_or(match record.route {
            Some(crate::domain::Route::Mail) => Flow::Mail,
            _ => Flow::Counter,
        });
        let counts = (self.id_docs.all().len(), self.id_docs.required().len());
        let h = Handover::new(record, flow, counts, self.today);
        self.screen = Screen::Handover(Box::new(h));
        self.flash = None;
        match flow {
            Flow::Counter => Vec::new(),
            Flow::Mail => self.handover_update(|h, cx| h.enter_card_step(None, cx)),
        }
    }
}
