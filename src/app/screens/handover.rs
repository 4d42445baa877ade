//! The handover (交付): a wizard whose each step is a variant carrying only the data valid at
//! that step. Drafts live beside the step so that Esc (back) and Enter (forward again) lose no
//! input. The screen owns its state and `update` / `on_card` / `on_match` / `on_qr` /
//! `on_committed`; everything else comes through the [`Cx`].

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use crate::app::cx::{Cx, Nav};
use crate::app::{
    Action, CardSignal, CardSlot, Context, Dialog, DoneInfo, Effect, LineEdit, MatchOutcome,
    MatchResult,
};
use crate::domain::card_facts::{CardReading, PinStatus};
use crate::domain::handover::{Confirmation, HandoverCommit, HandoverRoute, QrHandover};
use crate::domain::reasons::ReasonKind;
use crate::domain::record::CardRecord;

/// Counter handover (identity check at the desk) or dispatch by restricted-delivery mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Counter,
    Mail,
}

/// Step 1 input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityDraft {
    /// One flag per `App::id_docs` entry.
    pub checked: Vec<bool>,
    /// One flag per required document (医師免許証（原本）, `[[required]]`).
    pub required: Vec<bool>,
    /// 写真と本人を照合した.
    pub photo: bool,
    /// The physician confirmed the printed details.
    pub details: bool,
    /// Highlighted item: documents first, then photo, then details, then the required documents.
    pub cursor: usize,
    pub error: Option<String>,
}

/// Step 1 passed: which document types were checked (ids, never numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityChecked {
    /// Required documents first (e.g. `medical_license`), then the identity documents.
    pub documents: Vec<String>,
    /// The photo was compared (false when no document with a photo was used).
    pub photo_checked: bool,
}

/// What the officer decided about a near match or a mismatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Near match confirmed as the same person.
    NearConfirmed,
    /// Mismatch recorded as an exception.
    Exception,
}

/// Step 2 progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardPhase {
    /// カードをリーダに置いてください.
    Waiting,
    Reading,
    /// Lifted before the reading finished.
    Lifted,
    Failed(String),
    Result {
        reading: Box<CardReading>,
        outcome: MatchOutcome,
        decision: Option<Decision>,
        /// The reason field has focus.
        note_focus: bool,
    },
}

/// Step 2 passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardConfirmed {
    pub serial: String,
    pub result: MatchResult,
    pub reasons: Vec<String>,
    pub note: Option<String>,
    pub exception: bool,
    pub pin: PinStatus,
}

/// The registration QR at step 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrView {
    /// No payload on file: the printed sheet is handed over.
    PrintedSheet,
    Loading,
    /// The payload to draw (kept only while this step shows).
    Payload(String),
    Error(String),
}

/// Modules of light margin drawn around the registration QR.
pub const QR_QUIET: usize = 2;
/// Columns the step-3 checklist keeps beside the QR.
pub const QR_TEXT_MIN_WIDTH: u16 = 44;
/// Rows of the screen around the step's content: header 2, footer 2, step bar and name 2.
pub const SCREEN_CHROME_ROWS: u16 = 6;
/// The drawing area is capped at this size and nothing at all is drawn below the minimum
/// (the same numbers as `ui::MAX_WIDTH` … `ui::MIN_HEIGHT`; a test checks it).
pub const SCREEN_MAX: (u16, u16) = (200, 60);
pub const SCREEN_MIN: (u16, u16) = (80, 24);

/// Where the registration QR is drawn. Decided by [`qr_fit`] from the terminal size alone, so
/// that the app (may `q` be ticked, what is recorded) and the view (what is drawn) agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrFit {
    /// To the right of the step-3 checklist.
    Beside,
    /// Alone on the whole screen with one line of instructions (`v`).
    FullScreen,
    /// Not drawn: the terminal is too small. `need` is the size (columns, rows) that would
    /// show it this way.
    TooSmall { need: (u16, u16) },
}

/// Modules per side of the registration QR for `payload`, quiet zone included (error
/// correction M, the shortest mode for the text); `None` if it cannot be encoded.
pub fn qr_side(payload: &str) -> Option<usize> {
    qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .ok()
        .map(|c| c.width() + 2 * QR_QUIET)
}

/// Cells (columns, rows) a QR of `side` modules takes. Unicode: half blocks, one cell holds
/// two modules stacked. ASCII: two blank cells with a background colour per module (half
/// blocks are East-Asian ambiguous: conhost draws them two cells wide).
pub fn qr_cells(side: usize, ascii: bool) -> (u16, u16) {
    let side = u16::try_from(side).unwrap_or(u16::MAX);
    if ascii {
        (side.saturating_mul(2), side)
    } else {
        (side, side.div_ceil(2))
    }
}

/// The one size rule of the registration QR: where a QR of `side` modules is drawn on a
/// terminal of `term` (columns, rows), beside the checklist or, when `full_screen` was asked
/// for, alone on the screen.
pub fn qr_fit(side: usize, ascii: bool, term: (u16, u16), full_screen: bool) -> QrFit {
    let (qw, qh) = qr_cells(side, ascii);
    let (w, h) = term;
    if w < SCREEN_MIN.0 || h < SCREEN_MIN.1 {
        // Only 「画面を広げてください」 is drawn.
        let need = if full_screen {
            (qw.max(SCREEN_MIN.0), (qh + 1).max(SCREEN_MIN.1))
        } else {
            (
                (qw + 1 + QR_TEXT_MIN_WIDTH).max(SCREEN_MIN.0),
                (qh + SCREEN_CHROME_ROWS).max(SCREEN_MIN.1),
            )
        };
        return QrFit::TooSmall { need };
    }
    if full_screen {
        if qw <= w && qh < h {
            QrFit::FullScreen
        } else {
            QrFit::TooSmall { need: (qw, qh + 1) }
        }
    } else {
        let cw = w.min(SCREEN_MAX.0);
        let ch = h.min(SCREEN_MAX.1).saturating_sub(SCREEN_CHROME_ROWS);
        if qw + 1 + QR_TEXT_MIN_WIDTH <= cw && qh <= ch {
            QrFit::Beside
        } else {
            QrFit::TooSmall {
                need: (qw + 1 + QR_TEXT_MIN_WIDTH, qh + SCREEN_CHROME_ROWS),
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptChoice {
    /// 受領書あり: signed receipt collected, signature and date checked.
    Receipt,
    /// 受領書不要: the 発行完了通知はがき was presented.
    Postcard,
}

/// Step 3 input (counter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandoffDraft {
    pub qr_handed: bool,
    /// The QR payload was on screen (by [`qr_fit`]) when `q` was ticked: only then is
    /// [`QrHandover::ShownOnScreen`] recorded, which erases the payload.
    pub qr_shown: bool,
    /// The QR is shown alone on the whole screen (`v`; Esc returns).
    pub full_screen: bool,
    pub receipt: Option<ReceiptChoice>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailField {
    Date,
    Tracking,
}

/// Mail dispatch input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailDraft {
    pub date: LineEdit,
    pub tracking: LineEdit,
    pub focus: MailField,
    pub error: Option<String>,
}

/// The wizard's current step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Identity,
    Card {
        identity: Option<IdentityChecked>,
        phase: CardPhase,
    },
    Handoff {
        identity: IdentityChecked,
        card: CardConfirmed,
        qr: QrView,
    },
    Mail {
        card: CardConfirmed,
    },
    Confirm {
        commit: Box<HandoverCommit>,
        identity: Option<IdentityChecked>,
        card: CardConfirmed,
        committing: bool,
    },
}

/// One handover in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub record: CardRecord,
    pub flow: Flow,
    pub step: Step,
    pub identity_draft: IdentityDraft,
    pub card_note: LineEdit,
    /// The card step as it was left, restored when coming back.
    pub card_stash: Option<CardPhase>,
    pub handoff_draft: HandoffDraft,
    pub mail_draft: MailDraft,
    /// Message shown under the card step (e.g. why Enter does nothing yet).
    pub card_error: Option<String>,
    /// The officer acknowledged (`k`) that the card read has a locked PIN and told the
    /// physician whom to call; reset with every new reading.
    pub pin_acknowledged: bool,
    /// The preset reason (data/reasons.toml) now in the reason field, if one was picked.
    pub preset: Option<usize>,
}

/// Parse a dispatch date typed by the officer (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD).
/// 和暦 (`R8.11.25`, `令和8年11月25日`) is accepted too.
pub fn parse_dispatch_date(s: &str) -> Option<NaiveDate> {
    let s: String = s.nfkc().collect();
    let s = s.trim();
    if let Ok(d) = crate::domain::date::parse_date(s) {
        return Some(d);
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    None
}

/// Validate an お問い合わせ番号: digits only (hyphens and spaces dropped), 11–13 long.
pub fn validate_tracking(s: &str) -> Result<String, String> {
    let s: String = s.nfkc().collect();
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}' | '\u{2212}' | '\u{30FC}'))
        .collect();
    if digits.is_empty() {
        return Err("お問い合わせ番号を入力してください。".into());
    }
    if !digits.is_ascii() {
        return Err("IMEをオフにしてください（お問い合わせ番号は半角数字です）。".into());
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("お問い合わせ番号は数字だけで入力してください。".into());
    }
    let n = digits.len();
    if !(11..=13).contains(&n) {
        return Err(format!("お問い合わせ番号は11から13桁です（入力は{n}桁）。"));
    }
    Ok(digits)
}

impl Handover {
    /// `doc_count` identity documents and `required_count` required ones (`data/id-documents.toml`).
    pub fn new(
        record: CardRecord,
        flow: Flow,
        (doc_count, required_count): (usize, usize),
        today: NaiveDate,
    ) -> Self {
        let step = match flow {
            Flow::Counter => Step::Identity,
            Flow::Mail => Step::Card {
                identity: None,
                phase: CardPhase::Waiting,
            },
        };
        Handover {
            record,
            flow,
            step,
            identity_draft: IdentityDraft {
                checked: vec![false; doc_count],
                required: vec![false; required_count],
                photo: false,
                details: false,
                cursor: 0,
                error: None,
            },
            card_note: LineEdit::new(100),
            card_stash: None,
            handoff_draft: HandoffDraft::default(),
            mail_draft: MailDraft {
                date: LineEdit::with_text(10, &today.format("%Y-%m-%d").to_string()),
                tracking: LineEdit::code(20),
                focus: MailField::Tracking,
                error: None,
            },
            card_error: None,
            pin_acknowledged: false,
            preset: None,
        }
    }

    pub fn context(&self) -> Context {
        match &self.step {
            Step::Identity => Context::Identity,
            Step::Card {
                phase:
                    CardPhase::Result {
                        note_focus: true, ..
                    },
                ..
            } => Context::CardNote,
            Step::Card { .. } => Context::CardCheck,
            Step::Handoff { .. } => Context::Handoff,
            Step::Mail { .. } => Context::MailDetails,
            Step::Confirm { .. } => Context::Confirm,
        }
    }

    /// 1-based step number and total, for the step bar.
    pub fn step_number(&self) -> (usize, usize) {
        match (self.flow, &self.step) {
            (Flow::Counter, Step::Identity) => (1, 4),
            (Flow::Counter, Step::Card { .. }) => (2, 4),
            (Flow::Counter, Step::Handoff { .. }) => (3, 4),
            (Flow::Counter, _) => (4, 4),
            (Flow::Mail, Step::Card { .. }) => (1, 3),
            (Flow::Mail, Step::Mail { .. }) => (2, 3),
            (Flow::Mail, _) => (3, 3),
        }
    }

    pub fn focused_field(&self) -> Option<&LineEdit> {
        match &self.step {
            Step::Card {
                phase:
                    CardPhase::Result {
                        note_focus: true, ..
                    },
                ..
            } => Some(&self.card_note),
            Step::Mail { .. } => Some(match self.mail_draft.focus {
                MailField::Date => &self.mail_draft.date,
                MailField::Tracking => &self.mail_draft.tracking,
            }),
            _ => None,
        }
    }

    pub fn focused_field_mut(&mut self) -> Option<&mut LineEdit> {
        match &self.step {
            Step::Card {
                phase:
                    CardPhase::Result {
                        note_focus: true, ..
                    },
                ..
            } => Some(&mut self.card_note),
            Step::Mail { .. } => Some(match self.mail_draft.focus {
                MailField::Date => &mut self.mail_draft.date,
                MailField::Tracking => &mut self.mail_draft.tracking,
            }),
            _ => None,
        }
    }

    pub fn clear_errors(&mut self) {
        self.mail_draft.error = None;
        self.card_error = None;
    }

    /// The match of a card reading with this record: the card step's result, and — when it
    /// is 不一致 or 要確認 — the audit event of that read (card, verdict, reason codes; whether
    /// or not a handover follows).
    fn result_for(&mut self, reading: &CardReading, cx: &Cx) -> (CardPhase, Vec<Effect>) {
        self.card_note.clear();
        self.preset = None;
        self.pin_acknowledged = false;
        let outcome = cx.rules.match_card(&self.record, reading, cx.today);
        let fx = match outcome.result {
            MatchResult::Match => Vec::new(),
            result => vec![Effect::RecordCounterRead {
                card: self.record.id,
                verdict: result.as_str(),
                reasons: crate::domain::ledger::counter_read_codes(&outcome),
                officer_id: cx.officer.map(|o| o.id),
            }],
        };
        let phase = CardPhase::Result {
            reading: Box::new(reading.clone()),
            outcome,
            decision: None,
            note_focus: false,
        };
        (phase, fx)
    }

    /// The card on the card step has a locked PIN that the officer has not acknowledged yet.
    pub fn pin_locked_unacknowledged(&self) -> bool {
        let Step::Card {
            phase: CardPhase::Result { reading, .. },
            ..
        } = &self.step
        else {
            return false;
        };
        let pin = reading.pin;
        (pin.blocked || pin.tries_left == Some(0)) && !self.pin_acknowledged
    }

    /// Enter step 2 with what the reader currently holds.
    pub fn enter_card_step(&mut self, identity: Option<IdentityChecked>, cx: &Cx) -> Vec<Effect> {
        self.card_error = None;
        let stash = self.card_stash.take();
        let (phase, fx) = match cx.card {
            CardSlot::Read(reading) => {
                let same = match &stash {
                    Some(CardPhase::Result { reading: r, .. }) => {
                        r.certificate.serial_hex == reading.certificate.serial_hex
                    }
                    _ => false,
                };
                match stash {
                    Some(p) if same => (p, Vec::new()),
                    _ => self.result_for(reading, cx),
                }
            }
            // The matched card was lifted meanwhile: the match still stands.
            CardSlot::Absent if matches!(stash, Some(CardPhase::Result { .. })) => {
                (stash.unwrap_or(CardPhase::Waiting), Vec::new())
            }
            CardSlot::Absent => (CardPhase::Waiting, Vec::new()),
            CardSlot::Present | CardSlot::Reading => (CardPhase::Reading, Vec::new()),
            CardSlot::Failed(e) => (CardPhase::Failed(e.clone()), Vec::new()),
        };
        self.step = Step::Card { identity, phase };
        fx
    }
}

/// Why `q` is refused: the QR of `side` modules is not on screen, and what would show it
/// (the view shows the same line while the QR is not drawn).
pub fn qr_not_shown(side: usize, full_screen: bool, term: (u16, u16), ascii: bool) -> String {
    let (w, h) = term;
    match qr_fit(side, ascii, term, true) {
        QrFit::TooSmall { need } => {
            let hint = if ascii {
                "（ASCII表示のため大きくなります。Windows Terminal などでは desk.toml の glyphs = \"unicode\" で小さく表示できます）"
            } else {
                ""
            };
            format!(
                "QRコードを表示できないため受け渡せません。全画面でも 横{} x 縦{} 以上が必要です（いまは {w} x {h}）。画面を広げてください。{hint}",
                need.0, need.1
            )
        }
        _ if !full_screen => {
            "QRコードはまだ表示されていません。v で全画面表示して読み取ってもらってから q を押してください。".into()
        }
        _ => "QRコードを表示してから q を押してください。".into(),
    }
}

/// Leave the handover without recording anything.
fn abandon(cx: &mut Cx, msg: &'static str) -> Vec<Effect> {
    cx.nav = Some(Nav::Abandon(msg));
    Vec::new()
}

impl Handover {
    /// A key action on the step on display.
    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let id_docs = cx.id_docs;
        let ticks = cx.ticks;
        let has_officer = cx.officer.is_some();
        let today = cx.today;
        let h = self;
        match &mut h.step {
            Step::Identity => {
                let n = id_docs.all().len();
                let r = id_docs.required().len();
                let d = &mut h.identity_draft;
                d.error = None;
                match action {
                    Action::ToggleDoc(k) => {
                        let i = usize::from(k).saturating_sub(1);
                        if let Some(c) = d.checked.get_mut(i) {
                            *c = !*c;
                            d.cursor = i;
                        }
                    }
                    Action::TogglePhoto => d.photo = !d.photo,
                    Action::ToggleRequired => {
                        if let Some(c) = d.required.first_mut() {
                            *c = !*c;
                        }
                    }
                    Action::ToggleDetails => d.details = !d.details,
                    Action::Up => d.cursor = d.cursor.saturating_sub(1),
                    Action::Down => d.cursor = (d.cursor + 1).min(n + 1 + r),
                    Action::ToggleCursor => {
                        if d.cursor < n {
                            if let Some(c) = d.checked.get_mut(d.cursor) {
                                *c = !*c;
                            }
                        } else if d.cursor == n {
                            d.photo = !d.photo;
                        } else if d.cursor == n + 1 {
                            d.details = !d.details;
                        } else if let Some(c) = d.required.get_mut(d.cursor - n - 2) {
                            *c = !*c;
                        }
                    }
                    Action::Next => {
                        let chosen: Vec<&str> = id_docs
                            .all()
                            .iter()
                            .zip(&d.checked)
                            .filter(|(_, c)| **c)
                            .map(|(o, _)| o.id.as_str())
                            .collect();
                        let needs_photo = id_docs.needs_photo(&chosen);
                        let err = if let Err(e) = id_docs.missing_required(&d.required) {
                            Some(format!("{e}（m）。"))
                        } else if let Err(e) = id_docs.check(&chosen) {
                            Some(format!("本人確認書類が足りません: {e}"))
                        } else if needs_photo && !d.photo {
                            Some("写真と本人の照合を確認してください（p）。".to_string())
                        } else if !d.details {
                            Some(
                                "カード記載事項の確認を本人にしてもらってください（d）。"
                                    .to_string(),
                            )
                        } else {
                            None
                        };
                        if let Some(e) = err {
                            d.error = Some(e);
                            return Vec::new();
                        }
                        let identity = IdentityChecked {
                            documents: id_docs
                                .required()
                                .iter()
                                .map(|r| r.id.clone())
                                .chain(chosen.iter().map(|s| s.to_string()))
                                .collect(),
                            photo_checked: needs_photo && d.photo,
                        };
                        return h.enter_card_step(Some(identity), cx);
                    }
                    // Leaving the first step throws the handover away: ask first.
                    Action::Back => cx.push(Dialog::AbandonConfirm {
                        notice: "交付を中止しました（記録は変わっていません）。",
                    }),
                    _ => {}
                }
                Vec::new()
            }
            Step::Card { phase, .. } => match action {
                Action::Next => {
                    if h.pin_locked_unacknowledged() {
                        h.card_error = Some(
                            "暗証番号（PIN）がロックされたカードです。日本医師会電子認証センターへの連絡を本人に案内してから k を押してください。"
                                .into(),
                        );
                        return Vec::new();
                    }
                    let Step::Card { identity, phase } = &mut h.step else {
                        return Vec::new();
                    };
                    let confirmed = match phase {
                        CardPhase::Result {
                            reading,
                            outcome,
                            decision,
                            note_focus,
                        } => {
                            let note = h.card_note.value().trim().to_string();
                            let needs = match outcome.result {
                                MatchResult::Match => None,
                                MatchResult::NearMatch => Some(Decision::NearConfirmed),
                                MatchResult::Mismatch => Some(Decision::Exception),
                            };
                            match needs {
                                Some(Decision::NearConfirmed)
                                    if *decision != Some(Decision::NearConfirmed) =>
                                {
                                    h.card_error = Some(
                                            "要確認です。同一人物と確認できたら y を押し、理由を入力してください。".into(),
                                        );
                                    return Vec::new();
                                }
                                Some(Decision::Exception)
                                    if *decision != Some(Decision::Exception) =>
                                {
                                    h.card_error = Some(
                                            "記録とカードが一致しません。x で中止するか、e で例外として記録してください。".into(),
                                        );
                                    return Vec::new();
                                }
                                Some(_) if note.is_empty() => {
                                    *note_focus = true;
                                    h.card_error = Some("理由を入力してください。".into());
                                    return Vec::new();
                                }
                                _ => {}
                            }
                            CardConfirmed {
                                serial: reading.certificate.serial_hex.clone(),
                                result: outcome.result,
                                reasons: outcome
                                    .reasons
                                    .iter()
                                    .map(|r| r.message.clone())
                                    .collect(),
                                note: (needs.is_some() && !note.is_empty()).then_some(note),
                                exception: *decision == Some(Decision::Exception)
                                    && outcome.result == MatchResult::Mismatch,
                                pin: reading.pin,
                            }
                        }
                        _ => {
                            h.card_error = Some("カードの照合が終わっていません。".into());
                            return Vec::new();
                        }
                    };
                    let identity = identity.take();
                    h.card_stash = Some(std::mem::replace(phase, CardPhase::Waiting));
                    h.card_error = None;
                    match (h.flow, identity) {
                        (Flow::Counter, Some(identity)) => {
                            let has_qr = h.record.has_registration_qr;
                            let id = h.record.id;
                            h.step = Step::Handoff {
                                identity,
                                card: confirmed,
                                qr: if has_qr {
                                    QrView::Loading
                                } else {
                                    QrView::PrintedSheet
                                },
                            };
                            if has_qr {
                                return vec![Effect::LoadQr(id)];
                            }
                        }
                        _ => {
                            h.mail_draft.error = None;
                            h.step = Step::Mail { card: confirmed };
                        }
                    }
                    Vec::new()
                }
                Action::Up | Action::Down => {
                    // In the reason field: ↑↓ go through the preset reasons of the decision.
                    let CardPhase::Result {
                        decision: Some(decision),
                        note_focus: true,
                        ..
                    } = phase
                    else {
                        return Vec::new();
                    };
                    let kind = match decision {
                        Decision::NearConfirmed => ReasonKind::NearMatch,
                        Decision::Exception => ReasonKind::Exception,
                    };
                    let list = cx.rules.reasons.for_kind(kind);
                    if list.is_empty() {
                        return Vec::new();
                    }
                    let n = list.len();
                    let next = match (h.preset, action) {
                        (None, Action::Up) => n - 1,
                        (None, _) => 0,
                        (Some(i), Action::Up) => (i + n - 1) % n,
                        (Some(i), _) => (i + 1) % n,
                    };
                    h.preset = Some(next);
                    h.card_note = LineEdit::with_text(100, &list[next]);
                    h.card_error = None;
                    Vec::new()
                }
                Action::AckPinLocked => {
                    if h.pin_locked_unacknowledged() {
                        h.pin_acknowledged = true;
                        h.card_error = None;
                    }
                    Vec::new()
                }
                Action::ConfirmNear => {
                    if let CardPhase::Result {
                        outcome,
                        decision,
                        note_focus,
                        ..
                    } = phase
                        && outcome.result == MatchResult::NearMatch
                    {
                        *decision = Some(Decision::NearConfirmed);
                        *note_focus = true;
                        h.card_error = None;
                    }
                    Vec::new()
                }
                Action::RecordException => {
                    if let CardPhase::Result {
                        outcome,
                        decision,
                        note_focus,
                        ..
                    } = phase
                        && outcome.result == MatchResult::Mismatch
                    {
                        *decision = Some(Decision::Exception);
                        *note_focus = true;
                        h.card_error = None;
                    }
                    Vec::new()
                }
                Action::LeaveField => {
                    if let CardPhase::Result { note_focus, .. } = phase {
                        *note_focus = false;
                    }
                    // The field's prompt goes with it (issue 11 #10).
                    h.card_error = None;
                    Vec::new()
                }
                Action::Reread if matches!(cx.card, CardSlot::Absent) => {
                    // Nothing to lift: the card is not on the reader.
                    h.card_error = Some("カードをリーダに置いてください。".into());
                    Vec::new()
                }
                Action::Reread => {
                    // Each presence of a card is read once: a real card is read again when
                    // it is lifted and placed (the demo reader does that by itself).
                    *phase = CardPhase::Waiting;
                    h.card_error =
                        Some("カードを一度リーダから離し、もう一度置いてください。".into());
                    vec![Effect::ReadCard]
                }
                Action::AbortHandover => match h.flow {
                    Flow::Counter => abandon(cx, "交付を中止しました（記録は変わっていません）。"),
                    Flow::Mail => abandon(cx, "発送を中止しました（記録は変わっていません）。"),
                },
                Action::Back => match h.flow {
                    Flow::Counter => {
                        h.card_stash = Some(std::mem::replace(phase, CardPhase::Waiting));
                        h.card_error = None;
                        h.step = Step::Identity;
                        Vec::new()
                    }
                    Flow::Mail => {
                        cx.push(Dialog::AbandonConfirm {
                            notice: "発送を中止しました（記録は変わっていません）。",
                        });
                        Vec::new()
                    }
                },
                _ => Vec::new(),
            },
            Step::Handoff { identity, card, qr } => {
                let d = &mut h.handoff_draft;
                d.error = None;
                let fit = match qr {
                    QrView::Payload(p) => {
                        qr_side(p).map(|side| qr_fit(side, cx.ascii, cx.term, d.full_screen))
                    }
                    _ => None,
                };
                match action {
                    // Un-ticking is always possible; ticking a QR on screen needs it drawn.
                    Action::ToggleQr if d.qr_handed => {
                        d.qr_handed = false;
                        d.qr_shown = false;
                    }
                    Action::ToggleQr => match (&*qr, fit) {
                        (QrView::Loading, _) => {
                            d.error = Some("QRコードを読み込んでいます。".into());
                        }
                        (QrView::Payload(_), None) => {
                            d.error =
                                Some("QRコードを作れませんでした。画面では渡せません。".into());
                        }
                        (QrView::Payload(p), Some(QrFit::TooSmall { .. })) => {
                            let side = qr_side(p).unwrap_or(0);
                            d.error = Some(qr_not_shown(side, d.full_screen, cx.term, cx.ascii));
                        }
                        (QrView::Payload(_), Some(_)) => {
                            d.qr_handed = true;
                            d.qr_shown = true;
                            d.full_screen = false;
                        }
                        _ => d.qr_handed = true,
                    },
                    Action::ShowQr => {
                        if matches!(qr, QrView::Payload(_)) {
                            d.full_screen = !d.full_screen;
                        } else {
                            d.error = Some("画面に表示するQRコードはありません。".into());
                        }
                    }
                    Action::Back | Action::Next if d.full_screen => d.full_screen = false,
                    Action::ReceiptCollected => d.receipt = Some(ReceiptChoice::Receipt),
                    Action::PostcardPresented => d.receipt = Some(ReceiptChoice::Postcard),
                    Action::Next => {
                        let err = if matches!(qr, QrView::Loading) {
                            Some("QRコードを読み込んでいます。")
                        } else if !d.qr_handed || (matches!(qr, QrView::Payload(_)) && !d.qr_shown)
                        {
                            Some("初期登録用QRコードを渡したら q で確認してください。")
                        } else if d.receipt.is_none() {
                            Some("受領書あり（r）か、はがき提出（h）を選んでください。")
                        } else {
                            None
                        };
                        if let Some(e) = err {
                            d.error = Some(e.into());
                            return Vec::new();
                        }
                        let route = match d.receipt {
                            Some(ReceiptChoice::Postcard) => HandoverRoute::CounterWithPostcard,
                            _ => HandoverRoute::CounterWithReceipt,
                        };
                        // Shown on screen (which erases the payload) only if it was drawn.
                        let qr_how = match qr {
                            QrView::Payload(_) if d.qr_shown => QrHandover::ShownOnScreen,
                            _ => QrHandover::PrintedSheet,
                        };
                        let commit = HandoverCommit {
                            card: h.record.id,
                            route,
                            id_documents: identity.documents.clone(),
                            photo_checked: identity.photo_checked,
                            details_confirmed: true,
                            match_result: card.result.as_str().into(),
                            match_reasons: card.reasons.clone(),
                            officer_note: card.note.clone(),
                            exception: card.exception,
                            qr: qr_how,
                            cert_serial_read: Some(card.serial.clone()),
                            confirmation: None,
                        };
                        // The payload is dropped here: it is drawn only on the handoff step.
                        h.step = Step::Confirm {
                            commit: Box::new(commit),
                            identity: Some(identity.clone()),
                            card: card.clone(),
                            committing: false,
                        };
                    }
                    Action::Back => {
                        let identity = identity.clone();
                        return h.enter_card_step(Some(identity), cx);
                    }
                    _ => {}
                }
                Vec::new()
            }
            Step::Mail { card } => {
                let d = &mut h.mail_draft;
                match action {
                    Action::SwitchField => {
                        d.focus = match d.focus {
                            MailField::Date => MailField::Tracking,
                            MailField::Tracking => MailField::Date,
                        }
                    }
                    Action::Next => {
                        let date = parse_dispatch_date(d.date.value());
                        let Some(date) = date else {
                            d.error = Some(
                                "発送日は 2026-04-01 または R8.4.1 の形で入力してください。".into(),
                            );
                            d.focus = MailField::Date;
                            return Vec::new();
                        };
                        let rule = crate::domain::date_rules::DateRule::recorded("発送日");
                        if let Err(e) = rule.for_card(&h.record).check(date, today) {
                            d.error = Some(e);
                            d.focus = MailField::Date;
                            return Vec::new();
                        }
                        let tracking = match validate_tracking(d.tracking.value()) {
                            Ok(t) => t,
                            Err(e) => {
                                d.error = Some(e);
                                d.focus = MailField::Tracking;
                                return Vec::new();
                            }
                        };
                        d.error = None;
                        let commit = HandoverCommit {
                            card: h.record.id,
                            route: HandoverRoute::Mail {
                                dispatch_date: date,
                                tracking_no: tracking,
                            },
                            id_documents: Vec::new(),
                            photo_checked: false,
                            details_confirmed: false,
                            match_result: card.result.as_str().into(),
                            match_reasons: card.reasons.clone(),
                            officer_note: card.note.clone(),
                            exception: card.exception,
                            qr: QrHandover::EnclosedInMail,
                            cert_serial_read: Some(card.serial.clone()),
                            confirmation: None,
                        };
                        h.step = Step::Confirm {
                            commit: Box::new(commit),
                            identity: None,
                            card: card.clone(),
                            committing: false,
                        };
                    }
                    Action::Back => return h.enter_card_step(None, cx),
                    _ => {}
                }
                Vec::new()
            }
            Step::Confirm {
                identity,
                card,
                committing,
                ..
            } => {
                if *committing {
                    return Vec::new();
                }
                match action {
                    Action::Commit => {
                        if !has_officer {
                            cx.nav = Some(Nav::PickOfficer);
                            return Vec::new();
                        }
                        cx.push(Dialog::ConfirmCommit { opened_tick: ticks });
                        Vec::new()
                    }
                    Action::Back => {
                        let card = card.clone();
                        match (h.flow, identity.take()) {
                            (Flow::Counter, Some(identity)) => {
                                let has_qr = h.record.has_registration_qr;
                                let id = h.record.id;
                                h.step = Step::Handoff {
                                    identity,
                                    card,
                                    qr: if has_qr {
                                        QrView::Loading
                                    } else {
                                        QrView::PrintedSheet
                                    },
                                };
                                if has_qr {
                                    return vec![Effect::LoadQr(id)];
                                }
                            }
                            _ => h.step = Step::Mail { card },
                        }
                        Vec::new()
                    }
                    _ => Vec::new(),
                }
            }
        }
    }

    /// The commit itself (after the confirmation dialog accepted).
    pub fn commit(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.commit_with(None, cx)
    }

    /// The handover to be recorded is a 不一致 recorded as an exception: it needs a second
    /// officer's confirmation (`dialogs::second_officer`).
    pub fn needs_second_officer(&self) -> bool {
        matches!(&self.step, Step::Confirm { commit, .. } if commit.exception)
    }

    /// The commit, with the second officer's confirmation when one was given.
    pub fn commit_with(&mut self, confirmation: Option<Confirmation>, cx: &mut Cx) -> Vec<Effect> {
        let Some(officer_id) = cx.officer.map(|o| o.id) else {
            return Vec::new();
        };
        if let Step::Confirm {
            commit, committing, ..
        } = &mut self.step
        {
            if *committing {
                return Vec::new();
            }
            *committing = true;
            let mut commit = commit.clone();
            commit.confirmation = confirmation;
            return vec![Effect::CommitHandover { commit, officer_id }];
        }
        Vec::new()
    }

    /// The store's answer to the commit: the done page, or why it failed.
    pub fn on_committed(&mut self, result: Result<CardRecord, String>, cx: &mut Cx) {
        let Step::Confirm {
            commit, committing, ..
        } = &mut self.step
        else {
            return;
        };
        *committing = false;
        match result {
            Ok(record) => {
                let route = commit.route.clone();
                cx.nav = Some(Nav::Done(Box::new(DoneInfo { record, route })));
            }
            Err(e) => cx.push(Dialog::Message {
                title: "記録できませんでした".into(),
                lines: vec![e],
                error: true,
            }),
        }
    }

    /// A card signal: the card step follows the reader; a finished reading is matched with
    /// the record at once.
    pub fn on_card(&mut self, sig: &CardSignal, cx: &mut Cx) -> Vec<Effect> {
        let h = self;
        if let (
            Step::Card { .. },
            CardSignal::ReadFinished {
                result: Ok(reading),
                ..
            },
        ) = (&h.step, sig)
        {
            h.card_error = None;
            let (result, fx) = h.result_for(reading, cx);
            if let Step::Card { phase, .. } = &mut h.step {
                *phase = result;
            }
            return fx;
        }
        let Step::Card { phase, .. } = &mut h.step else {
            return Vec::new();
        };
        match sig {
            CardSignal::Reading { .. } | CardSignal::CardInserted { .. } => {
                if !matches!(phase, CardPhase::Result { .. })
                    || matches!(sig, CardSignal::Reading { .. })
                {
                    *phase = CardPhase::Reading;
                    h.card_error = None;
                }
                Vec::new()
            }
            CardSignal::CardRemoved { .. } => {
                if matches!(phase, CardPhase::Reading) {
                    *phase = CardPhase::Lifted;
                } else if !matches!(phase, CardPhase::Result { .. }) {
                    *phase = CardPhase::Waiting;
                }
                Vec::new()
            }
            CardSignal::ReadFinished { result: Err(e), .. } => {
                *phase = CardPhase::Failed(e.user_message());
                Vec::new()
            }
            CardSignal::ServiceUnavailable | CardSignal::ReaderRemoved(_) => {
                if matches!(phase, CardPhase::Reading) {
                    *phase = CardPhase::Lifted;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The registration-QR payload for the handoff step.
    pub fn on_qr(&mut self, record_id: i64, result: Result<Option<String>, String>) {
        let h = self;
        if h.record.id != record_id {
            return;
        }
        if let Step::Handoff { qr, .. } = &mut h.step
            && matches!(qr, QrView::Loading)
        {
            *qr = match result {
                Ok(Some(p)) => QrView::Payload(p),
                Ok(None) => QrView::PrintedSheet,
                Err(e) => QrView::Error(e),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_fit_at_80x24() {
        // The demo's payload: version 3, 33 modules with the quiet zone.
        let demo = qr_side("KOFU-DEMO-REG:D2610000124:7Q3X-9KMP-22HD-V8NC");
        assert_eq!(demo, Some(33));
        let demo = demo.unwrap_or(0);
        assert_eq!(qr_cells(demo, false), (33, 17));
        assert_eq!(qr_fit(demo, false, (80, 24), false), QrFit::Beside);
        assert_eq!(qr_fit(demo, false, (80, 24), true), QrFit::FullScreen);
        // ASCII: two cells and one row per module, too tall for 24 rows even alone.
        assert_eq!(
            qr_fit(demo, true, (80, 24), true),
            QrFit::TooSmall { need: (66, 34) }
        );
        assert_eq!(qr_fit(demo, true, (120, 40), false), QrFit::Beside);
        // About 100 bytes: version 6, 45 modules; only the full-screen view holds it at 80x24.
        let long = qr_side(&format!(
            "https://reg.example.jp/activate?t={}",
            "A1b2".repeat(16)
        ));
        assert_eq!(long, Some(45));
        let long = long.unwrap_or(0);
        assert!(matches!(
            qr_fit(long, false, (80, 24), false),
            QrFit::TooSmall { .. }
        ));
        assert_eq!(qr_fit(long, false, (80, 24), true), QrFit::FullScreen);
        // Below 80x24 nothing but 「画面を広げてください」 is drawn.
        assert!(matches!(
            qr_fit(demo, false, (79, 24), true),
            QrFit::TooSmall { .. }
        ));
    }

    #[test]
    fn dispatch_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 25);
        assert_eq!(parse_dispatch_date("2026-11-25"), d);
        assert_eq!(parse_dispatch_date("２０２６/11/25"), d);
        assert_eq!(parse_dispatch_date("R8.11.25"), d);
        assert_eq!(parse_dispatch_date("令和8年11月25日"), d);
        assert_eq!(parse_dispatch_date("20261125"), d);
        assert_eq!(parse_dispatch_date("11/25"), None);
    }

    #[test]
    fn tracking_numbers() {
        assert_eq!(validate_tracking("1234-5678-9012").unwrap(), "123456789012");
        assert_eq!(
            validate_tracking("１２３４５６７８９０１").unwrap(),
            "12345678901"
        );
        assert!(validate_tracking("1234567890").is_err());
        assert!(validate_tracking("12345678901234").is_err());
        let e = validate_tracking("あいう").unwrap_err();
        assert!(e.contains("IMEをオフ"), "{e}");
        assert!(validate_tracking("12345abcde1").is_err());
    }
}
