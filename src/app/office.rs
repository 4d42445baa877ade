//! 業務メニュー: the back-office screens reached from the queue with F12.
//!
//! Pure state machines like the rest of `app`: every store call is an [`Effect::Office`]
//! answered by a [`Loaded::Office`]. The runtime side is `runtime::office`.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::{Action, App, CardSignal, Context, Effect, LineEdit, Loaded, Modal, Screen};
use crate::domain::card_facts::CertificateFacts;
use crate::domain::office::{BatchKind, ContactMethod, UncollectedCard};

pub mod arrival;
pub mod report;
pub mod uncollected;
use crate::domain::office::{Appointment, MailItem, ReturnBatch};
use crate::domain::record::CardRecord;
pub use arrival::{ArrivalView, ShipmentInfo};
pub use uncollected::UncollectedView;

/// The screens of the 業務メニュー, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeItem {
    Receipts,
    Mail,
    Appointments,
    Uncollected,
    Arrival,
    Reports,
}

impl OfficeItem {
    pub const ALL: [OfficeItem; 6] = [
        OfficeItem::Receipts,
        OfficeItem::Mail,
        OfficeItem::Appointments,
        OfficeItem::Uncollected,
        OfficeItem::Arrival,
        OfficeItem::Reports,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OfficeItem::Receipts => "受領書返送",
            OfficeItem::Mail => "本人限定受取郵便",
            OfficeItem::Appointments => "予約一覧",
            OfficeItem::Uncollected => "未交付カード",
            OfficeItem::Arrival => "入荷確認",
            OfficeItem::Reports => "日報・月報",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            OfficeItem::Receipts => {
                "回収した対面交付用受領書を返送バッチにまとめ、送付状を書き出します"
            }
            OfficeItem::Mail => "郵送中のカードの配達済・返送（不達）を記録します",
            OfficeItem::Reports => "日報・月報の確認と HTML 出力（監査ログの先頭ハッシュつき）",
            OfficeItem::Arrival => "届いたカードを1枚ずつ読み取り、発送リストと照合します",
            OfficeItem::Uncollected => {
                "到着から日数の経ったカードの連絡・保留と、返却バッチ（読取確認つき）"
            }
            OfficeItem::Appointments => {
                "日ごとの来庁予約の確認と印刷用一覧の出力（予約の登録は一覧で F9）"
            }
        }
    }
}

/// Store work for the back office (run by `runtime::office`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeRequest {
    /// Pending receipts and the receipt batches.
    LoadReceipts,
    /// A receipt batch of these card rows (all pending ones when `None`).
    CreateReceiptBatch {
        cards: Option<Vec<i64>>,
        on: NaiveDate,
        tracking_no: Option<String>,
        officer_id: i64,
    },
    MarkBatchSent {
        number: String,
        on: NaiveDate,
        officer_id: i64,
    },
    ReopenBatch {
        number: String,
        reason: String,
        officer_id: i64,
    },
    /// Write the cover list of a batch (HTML and CSV) into the exports folder.
    ExportBatch {
        number: String,
    },
    LoadMail,
    MailDelivered {
        card: i64,
        on: NaiveDate,
        officer_id: i64,
    },
    MailReturned {
        card: i64,
        on: NaiveDate,
        reason: String,
        officer_id: i64,
    },
    /// Appointments from `from` (00:00) up to `to` (00:00, exclusive) for the queue's band.
    LoadUpcoming {
        from: NaiveDate,
        to: NaiveDate,
    },
    LoadDay {
        day: NaiveDate,
    },
    ExportDay {
        day: NaiveDate,
    },
    SetAppointment {
        card: i64,
        at: NaiveDateTime,
        officer_id: i64,
    },
    ClearAppointment {
        card: i64,
        officer_id: i64,
    },
    /// Cards at the desk with what is due on `today`, and the card return batches.
    LoadUncollected {
        today: NaiveDate,
    },
    RecordContact {
        card: i64,
        method: ContactMethod,
        on: NaiveDate,
        note: Option<String>,
        officer_id: i64,
    },
    SetHold {
        card: i64,
        reason: String,
        officer_id: i64,
    },
    ClearHold {
        card: i64,
        officer_id: i64,
    },
    CreateCardBatch {
        cards: Vec<i64>,
        on: NaiveDate,
        tracking_no: Option<String>,
        officer_id: i64,
    },
    /// Imported shipments (newest first).
    LoadShipments,
    /// The arrival state of a shipment.
    LoadArrival {
        shipment: i64,
    },
    /// A card read on arrival: match it with its list row and record the check.
    ArrivalRead {
        shipment: i64,
        certificate: Box<CertificateFacts>,
        today: NaiveDate,
        officer_id: i64,
    },
    ResolveArrival {
        problem: crate::domain::office::ArrivalProblem,
        note: String,
        officer_id: i64,
    },
    LoadDaily {
        day: NaiveDate,
    },
    /// `month` as "2026-11".
    LoadMonthly {
        month: String,
    },
    ExportDaily {
        day: NaiveDate,
    },
    ExportMonthly {
        month: String,
    },
    /// The card read must belong to the open card batch before it goes into the envelope.
    VerifyReturnCard {
        number: String,
        certificate: Box<CertificateFacts>,
        officer_id: i64,
    },
}

/// What a batch change was (for the message shown after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchChange {
    Created,
    Sent,
    Reopened,
}

/// What changed on an uncollected card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UncollectedChange {
    Contact,
    Hold,
    Unhold,
}

/// Answers to [`OfficeRequest`]s; errors are Japanese messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeLoaded {
    Receipts(Result<(Vec<CardRecord>, Vec<ReturnBatch>), String>),
    Batch {
        change: BatchChange,
        result: Result<ReturnBatch, String>,
    },
    /// The files written (HTML first).
    Exported(Result<Vec<String>, String>),
    Mail(Result<Vec<MailItem>, String>),
    MailRecorded {
        delivered: bool,
        result: Result<CardRecord, String>,
    },
    Upcoming(Result<Vec<Appointment>, String>),
    Day {
        day: NaiveDate,
        result: Result<Vec<Appointment>, String>,
    },
    /// Set (`Some` time) or cleared (`None`).
    Uncollected(Result<(Vec<UncollectedCard>, Vec<ReturnBatch>), String>),
    UncollectedChanged {
        change: UncollectedChange,
        /// The physician's name (for the message).
        name: String,
        result: Result<(), String>,
    },
    ReturnCardVerified(Result<CardRecord, String>),
    Shipments(Result<Vec<ShipmentInfo>, String>),
    Arrival {
        shipment: i64,
        result: Result<crate::domain::office::ArrivalSummary, String>,
    },
    ArrivalRead(Result<crate::domain::office::arrival::ArrivalRead, String>),
    ArrivalResolved(Result<crate::domain::office::ArrivalResolution, String>),
    Daily {
        day: NaiveDate,
        result: Result<crate::domain::office::reports::DailyReport, String>,
    },
    Monthly {
        month: String,
        result: Result<crate::domain::office::reports::MonthlyReport, String>,
    },
    AppointmentSaved {
        /// The physician's name (for the message).
        name: String,
        at: Option<NaiveDateTime>,
        result: Result<(), String>,
    },
}

/// Which list of the receipts screen has the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptPane {
    Pending,
    Batches,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptsView {
    pub pending: Vec<CardRecord>,
    /// Card rows marked with Space (none marked = all pending).
    pub marked: BTreeSet<i64>,
    pub batches: Vec<ReturnBatch>,
    pub pane: ReceiptPane,
    pub sel_pending: usize,
    pub sel_batch: usize,
    pub loading: bool,
    pub error: Option<String>,
    /// Files of the last cover-list export.
    pub exported: Vec<String>,
}

impl ReceiptsView {
    fn new() -> Self {
        ReceiptsView {
            pending: Vec::new(),
            marked: BTreeSet::new(),
            batches: Vec::new(),
            pane: ReceiptPane::Pending,
            sel_pending: 0,
            sel_batch: 0,
            loading: true,
            error: None,
            exported: Vec::new(),
        }
    }

    pub fn selected_batch(&self) -> Option<&ReturnBatch> {
        self.batches.get(self.sel_batch)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailView {
    pub items: Vec<MailItem>,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
}

impl MailView {
    pub fn selected_item(&self) -> Option<&MailItem> {
        self.items.get(self.selected)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentsView {
    pub day: NaiveDate,
    pub list: Vec<Appointment>,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
    pub exported: Vec<String>,
}

/// The back-office screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Office {
    Menu { selected: usize },
    Receipts(ReceiptsView),
    Mail(MailView),
    Appointments(AppointmentsView),
    Uncollected(UncollectedView),
    Arrival(ArrivalView),
    Report(report::ReportView),
}

impl Office {
    pub fn context(&self) -> Context {
        match self {
            Office::Menu { .. } => Context::OfficeMenu,
            Office::Receipts(_) => Context::OfficeReceipts,
            Office::Mail(_) => Context::OfficeMail,
            Office::Appointments(_) => Context::OfficeAppointments,
            Office::Uncollected(_) => Context::OfficeUncollected,
            Office::Arrival(v) if v.chosen.is_none() => Context::OfficeShipments,
            Office::Arrival(_) => Context::OfficeArrival,
            Office::Report(_) => Context::OfficeReport,
        }
    }
}

/// What a text dialog of the back office is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeInputPurpose {
    /// Optional tracking number of a new receipt batch (`cards` = marked rows or all).
    NewReceiptBatch { cards: Option<Vec<i64>> },
    /// Reason for reopening (or cancelling) a batch.
    ReopenBatch { number: String, kind: BatchKind },
    /// Reason a mailed card came back.
    MailReturned { card: Box<CardRecord> },
    /// Reason an uncollected card is put on hold.
    Hold { card: Box<CardRecord> },
    /// Optional tracking number of a new card return batch.
    NewCardBatch { cards: Vec<i64> },
    /// The date of the daily report.
    ReportDate,
    /// How an arrival problem (a failed check, a card not in the list) was resolved.
    ResolveArrival {
        problem: crate::domain::office::ArrivalProblem,
        /// Card ID, or 「シリアル …」 for a card not in the list.
        card_id: String,
        reasons: Vec<String>,
    },
}

/// What a yes/no dialog of the back office is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeConfirmPurpose {
    BatchSent {
        number: String,
        kind: BatchKind,
        count: usize,
        /// Cards of a return batch not yet read and checked.
        unverified: usize,
    },
    MailDelivered {
        card: Box<CardRecord>,
    },
    Unhold {
        card: Box<CardRecord>,
    },
}

/// Dialogs of the back office (on the modal stack as [`Modal::Office`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeModal {
    Input {
        purpose: OfficeInputPurpose,
        field: LineEdit,
        error: Option<String>,
    },
    Confirm {
        purpose: OfficeConfirmPurpose,
    },
    /// Record a contact with the physician of an uncollected card.
    Contact {
        card: Box<CardRecord>,
        method: ContactMethod,
        note: LineEdit,
        error: Option<String>,
    },
    /// Set or clear the appointment of a card (F9 in the queue).
    Appointment {
        card: Box<CardRecord>,
        date: LineEdit,
        time: LineEdit,
        /// The time field has focus (else the date field).
        time_focus: bool,
        error: Option<String>,
    },
}

impl OfficeModal {
    pub fn context(&self) -> Context {
        match self {
            OfficeModal::Input { .. } => Context::OfficeInput,
            OfficeModal::Confirm { .. } => Context::OfficeConfirm,
            OfficeModal::Appointment { .. } => Context::OfficeAppointment,
            OfficeModal::Contact { .. } => Context::OfficeContact,
        }
    }

    pub fn field(&self) -> Option<&LineEdit> {
        match self {
            OfficeModal::Input { field, .. } | OfficeModal::Contact { note: field, .. } => {
                Some(field)
            }
            OfficeModal::Confirm { .. } => None,
            OfficeModal::Appointment {
                date,
                time,
                time_focus,
                ..
            } => Some(if *time_focus { time } else { date }),
        }
    }

    pub fn field_mut(&mut self) -> Option<&mut LineEdit> {
        match self {
            OfficeModal::Input { field, .. } | OfficeModal::Contact { note: field, .. } => {
                Some(field)
            }
            OfficeModal::Confirm { .. } => None,
            OfficeModal::Appointment {
                date,
                time,
                time_focus,
                ..
            } => Some(if *time_focus { time } else { date }),
        }
    }

    pub fn clear_error(&mut self) {
        if let OfficeModal::Input { error, .. }
        | OfficeModal::Appointment { error, .. }
        | OfficeModal::Contact { error, .. } = self
        {
            *error = None;
        }
    }
}

const NO_OFFICER: &str = "担当者が選ばれていません。F3 で担当者を選んでください。";

fn move_sel(sel: &mut usize, len: usize, delta: isize) {
    if len == 0 {
        *sel = 0;
        return;
    }
    *sel = sel.saturating_add_signed(delta).min(len - 1);
}

impl App {
    /// The back office, if it is on screen.
    pub fn office(&self) -> Option<&Office> {
        match &self.screen {
            Screen::Office(o) => Some(o),
            _ => None,
        }
    }

    fn office_mut(&mut self) -> Option<&mut Office> {
        match &mut self.screen {
            Screen::Office(o) => Some(o),
            _ => None,
        }
    }

    /// F12 from the queue.
    pub(super) fn open_office_menu(&mut self) -> Vec<Effect> {
        self.screen = Screen::Office(Box::new(Office::Menu { selected: 0 }));
        self.flash = None;
        Vec::new()
    }

    fn open_office_item(&mut self, item: OfficeItem) -> Vec<Effect> {
        self.flash = None;
        match item {
            OfficeItem::Receipts => {
                self.screen = Screen::Office(Box::new(Office::Receipts(ReceiptsView::new())));
                vec![Effect::Office(OfficeRequest::LoadReceipts)]
            }
            OfficeItem::Mail => {
                self.screen = Screen::Office(Box::new(Office::Mail(MailView {
                    items: Vec::new(),
                    selected: 0,
                    loading: true,
                    error: None,
                })));
                vec![Effect::Office(OfficeRequest::LoadMail)]
            }
            OfficeItem::Appointments => {
                let day = self.today;
                self.screen = Screen::Office(Box::new(Office::Appointments(AppointmentsView {
                    day,
                    list: Vec::new(),
                    selected: 0,
                    loading: true,
                    error: None,
                    exported: Vec::new(),
                })));
                vec![Effect::Office(OfficeRequest::LoadDay { day })]
            }
            OfficeItem::Reports => self.open_reports(),
            OfficeItem::Arrival => {
                self.screen = Screen::Office(Box::new(Office::Arrival(ArrivalView::new())));
                vec![Effect::Office(OfficeRequest::LoadShipments)]
            }
            OfficeItem::Uncollected => {
                self.screen = Screen::Office(Box::new(Office::Uncollected(UncollectedView::new())));
                vec![Effect::Office(OfficeRequest::LoadUncollected {
                    today: self.today,
                })]
            }
        }
    }

    fn officer_id(&mut self) -> Option<i64> {
        match &self.officer {
            Some(o) => Some(o.id),
            None => {
                self.flash(NO_OFFICER, true);
                None
            }
        }
    }

    fn push_office(&mut self, m: OfficeModal) {
        self.modals.push(Modal::Office(Box::new(m)));
    }

    fn office_error(&mut self, title: &str, e: String) {
        self.modals.push(Modal::Message {
            title: title.into(),
            lines: vec![e],
            error: true,
        });
    }

    /// A key action on a back-office screen.
    pub(super) fn office_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(office) = self.office_mut() else {
            return Vec::new();
        };
        match office {
            Office::Menu { selected } => match action {
                Action::Up => move_sel(selected, OfficeItem::ALL.len(), -1),
                Action::Down => move_sel(selected, OfficeItem::ALL.len(), 1),
                Action::Open => {
                    let item = OfficeItem::ALL[(*selected).min(OfficeItem::ALL.len() - 1)];
                    return self.open_office_item(item);
                }
                Action::OfficePick(n) => {
                    let Some(item) = OfficeItem::ALL.get(usize::from(n).wrapping_sub(1)) else {
                        return Vec::new();
                    };
                    return self.open_office_item(*item);
                }
                Action::Back => {
                    self.screen = Screen::Queue;
                    self.flash = None;
                    return vec![
                        self.queue.search_effect(),
                        Effect::LoadCounts,
                        self.upcoming_effect(),
                    ];
                }
                _ => {}
            },
            Office::Receipts(_) => return self.receipts_action(action),
            Office::Mail(_) => return self.mail_action(action),
            Office::Appointments(_) => return self.appointments_action(action),
            Office::Uncollected(_) => return self.uncollected_action(action),
            Office::Arrival(_) => return self.arrival_action(action),
            Office::Report(_) => return self.report_action(action),
        }
        Vec::new()
    }

    fn back_to_menu(&mut self, item: OfficeItem) {
        let selected = OfficeItem::ALL.iter().position(|i| *i == item).unwrap_or(0);
        self.screen = Screen::Office(Box::new(Office::Menu { selected }));
        self.flash = None;
    }

    fn receipts_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(Office::Receipts(v)) = self.office_mut() else {
            return Vec::new();
        };
        match action {
            Action::Back => self.back_to_menu(OfficeItem::Receipts),
            Action::Refresh => {
                v.loading = true;
                return vec![Effect::Office(OfficeRequest::LoadReceipts)];
            }
            Action::SwitchField => {
                v.pane = match v.pane {
                    ReceiptPane::Pending => ReceiptPane::Batches,
                    ReceiptPane::Batches => ReceiptPane::Pending,
                }
            }
            Action::Up | Action::Down => {
                let d = if action == Action::Up { -1 } else { 1 };
                match v.pane {
                    ReceiptPane::Pending => move_sel(&mut v.sel_pending, v.pending.len(), d),
                    ReceiptPane::Batches => move_sel(&mut v.sel_batch, v.batches.len(), d),
                }
            }
            Action::ToggleCursor => {
                if v.pane != ReceiptPane::Pending {
                    return Vec::new();
                }
                if let Some(c) = v.pending.get(v.sel_pending) {
                    let id = c.id;
                    if !v.marked.remove(&id) {
                        v.marked.insert(id);
                    }
                    move_sel(&mut v.sel_pending, v.pending.len(), 1);
                }
            }
            Action::MarkAll => {
                if v.marked.len() == v.pending.len() {
                    v.marked.clear();
                } else {
                    v.marked = v.pending.iter().map(|c| c.id).collect();
                }
            }
            Action::NewBatch => {
                if v.pending.is_empty() {
                    self.flash("返送待ちの受領書はありません。", true);
                    return Vec::new();
                }
                let cards = (!v.marked.is_empty()).then(|| v.marked.iter().copied().collect());
                self.push_office(OfficeModal::Input {
                    purpose: OfficeInputPurpose::NewReceiptBatch { cards },
                    field: LineEdit::code(40),
                    error: None,
                });
            }
            Action::MarkSent | Action::ExportBatch | Action::ReopenBatch => {
                let Some(b) = v.selected_batch().cloned() else {
                    self.flash(
                        "返送バッチがありません。先に n でバッチを作成してください。",
                        true,
                    );
                    return Vec::new();
                };
                return self.batch_action(action, b);
            }
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn batch_action(&mut self, action: Action, b: ReturnBatch) -> Vec<Effect> {
        use crate::domain::office::BatchStatus;
        match action {
            Action::MarkSent => {
                if b.status != BatchStatus::Open {
                    self.flash(
                        format!(
                            "バッチ {} は「{}」です。送付済にできるのは未送付のバッチだけです。",
                            b.number,
                            b.status.label()
                        ),
                        true,
                    );
                    return Vec::new();
                }
                self.push_office(OfficeModal::Confirm {
                    purpose: OfficeConfirmPurpose::BatchSent {
                        count: b.live_items().count(),
                        unverified: match b.kind {
                            BatchKind::Cards => {
                                b.live_items().filter(|i| i.verified_at.is_none()).count()
                            }
                            BatchKind::Receipts => 0,
                        },
                        kind: b.kind,
                        number: b.number,
                    },
                });
                Vec::new()
            }
            Action::ExportBatch => {
                self.flash("送付状を書き出しています…", false);
                vec![Effect::Office(OfficeRequest::ExportBatch {
                    number: b.number,
                })]
            }
            _ => {
                if b.status == BatchStatus::Reopened {
                    self.flash(
                        format!("バッチ {} はすでに取り消されています。", b.number),
                        true,
                    );
                    return Vec::new();
                }
                self.push_office(OfficeModal::Input {
                    purpose: OfficeInputPurpose::ReopenBatch {
                        number: b.number,
                        kind: b.kind,
                    },
                    field: LineEdit::new(100),
                    error: None,
                });
                Vec::new()
            }
        }
    }

    fn mail_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(Office::Mail(v)) = self.office_mut() else {
            return Vec::new();
        };
        match action {
            Action::Back => self.back_to_menu(OfficeItem::Mail),
            Action::Refresh => {
                v.loading = true;
                return vec![Effect::Office(OfficeRequest::LoadMail)];
            }
            Action::Up => move_sel(&mut v.selected, v.items.len(), -1),
            Action::Down => move_sel(&mut v.selected, v.items.len(), 1),
            Action::MailDelivered | Action::MailReturned => {
                let Some(item) = v.selected_item() else {
                    self.flash("郵送中のカードはありません。", true);
                    return Vec::new();
                };
                let card = Box::new(item.card.clone());
                if action == Action::MailDelivered {
                    self.push_office(OfficeModal::Confirm {
                        purpose: OfficeConfirmPurpose::MailDelivered { card },
                    });
                } else {
                    self.push_office(OfficeModal::Input {
                        purpose: OfficeInputPurpose::MailReturned { card },
                        field: LineEdit::new(100),
                        error: None,
                    });
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// A key action on a back-office dialog (the top modal).
    pub(super) fn office_modal_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(Modal::Office(m)) = self.modals.last() else {
            return Vec::new();
        };
        if matches!(**m, OfficeModal::Appointment { .. }) {
            return self.appointment_modal_action(action);
        }
        if matches!(**m, OfficeModal::Contact { .. }) {
            return self.contact_modal_action(action);
        }
        let m = (**m).clone();
        match (m, action) {
            (OfficeModal::Input { .. } | OfficeModal::Confirm { .. }, Action::No) => {
                self.modals.pop();
                Vec::new()
            }
            (OfficeModal::Input { purpose, field, .. }, Action::Yes) => {
                self.office_input_done(purpose, field.value().trim().to_string())
            }
            (OfficeModal::Confirm { purpose }, Action::Yes) => {
                let Some(officer_id) = self.officer_id() else {
                    self.modals.pop();
                    return Vec::new();
                };
                self.modals.pop();
                let req = match purpose {
                    OfficeConfirmPurpose::Unhold { card } => {
                        self.flash("保留の解除を記録しています…", false);
                        OfficeRequest::ClearHold {
                            card: card.id,
                            officer_id,
                        }
                    }
                    OfficeConfirmPurpose::BatchSent { number, .. } => {
                        self.flash("送付済を記録しています…", false);
                        OfficeRequest::MarkBatchSent {
                            number,
                            on: self.today,
                            officer_id,
                        }
                    }
                    OfficeConfirmPurpose::MailDelivered { card } => {
                        self.flash("配達済を記録しています…", false);
                        OfficeRequest::MailDelivered {
                            card: card.id,
                            on: self.today,
                            officer_id,
                        }
                    }
                };
                vec![Effect::Office(req)]
            }
            _ => Vec::new(),
        }
    }

    fn set_office_input_error(&mut self, msg: &str) {
        if let Some(Modal::Office(m)) = self.modals.last_mut()
            && let OfficeModal::Input { error, .. } = &mut **m
        {
            *error = Some(msg.to_string());
        }
    }

    fn office_input_done(&mut self, purpose: OfficeInputPurpose, text: String) -> Vec<Effect> {
        if purpose == OfficeInputPurpose::ReportDate {
            return match self.report_date_entered(&text) {
                Ok(fx) => {
                    self.modals.pop();
                    fx
                }
                Err(e) => {
                    self.set_office_input_error(&e);
                    Vec::new()
                }
            };
        }
        let Some(officer_id) = self.officer.as_ref().map(|o| o.id) else {
            self.set_office_input_error(NO_OFFICER);
            return Vec::new();
        };
        let req = match purpose {
            OfficeInputPurpose::NewReceiptBatch { cards } => {
                self.flash("返送バッチを作成しています…", false);
                OfficeRequest::CreateReceiptBatch {
                    cards,
                    on: self.today,
                    tracking_no: (!text.is_empty()).then_some(text),
                    officer_id,
                }
            }
            OfficeInputPurpose::Hold { card } => {
                if text.is_empty() {
                    self.set_office_input_error("保留の理由を入力してください。");
                    return Vec::new();
                }
                self.flash("保留を記録しています…", false);
                OfficeRequest::SetHold {
                    card: card.id,
                    reason: text,
                    officer_id,
                }
            }
            // Handled above (no store work).
            OfficeInputPurpose::ReportDate => return Vec::new(),
            OfficeInputPurpose::ResolveArrival { problem, .. } => {
                if text.is_empty() {
                    self.set_office_input_error(
                        "解決の内容を入力してください（例: JMACAに確認済）。",
                    );
                    return Vec::new();
                }
                self.flash("解決を記録しています…", false);
                OfficeRequest::ResolveArrival {
                    problem,
                    note: text,
                    officer_id,
                }
            }
            OfficeInputPurpose::NewCardBatch { cards } => {
                self.flash("返却バッチを作成しています…", false);
                OfficeRequest::CreateCardBatch {
                    cards,
                    on: self.today,
                    tracking_no: (!text.is_empty()).then_some(text),
                    officer_id,
                }
            }
            OfficeInputPurpose::ReopenBatch { number, .. } => {
                if text.is_empty() {
                    self.set_office_input_error("訂正の理由を入力してください。");
                    return Vec::new();
                }
                self.flash("訂正を記録しています…", false);
                OfficeRequest::ReopenBatch {
                    number,
                    reason: text,
                    officer_id,
                }
            }
            OfficeInputPurpose::MailReturned { card } => {
                if text.is_empty() {
                    self.set_office_input_error(
                        "返送の理由を入力してください（例: 保管期間経過）。",
                    );
                    return Vec::new();
                }
                self.flash("返送を記録しています…", false);
                OfficeRequest::MailReturned {
                    card: card.id,
                    on: self.today,
                    reason: text,
                    officer_id,
                }
            }
        };
        self.modals.pop();
        vec![Effect::Office(req)]
    }

    /// A store answer for the back office.
    pub(super) fn office_loaded(&mut self, loaded: OfficeLoaded) -> Vec<Effect> {
        match loaded {
            OfficeLoaded::Receipts(result) => {
                if let Some(Office::Receipts(v)) = self.office_mut() {
                    v.loading = false;
                    match result {
                        Ok((pending, batches)) => {
                            v.marked.retain(|id| pending.iter().any(|c| c.id == *id));
                            v.pending = pending;
                            v.batches = batches;
                            v.sel_pending = v.sel_pending.min(v.pending.len().saturating_sub(1));
                            v.sel_batch = v.sel_batch.min(v.batches.len().saturating_sub(1));
                            v.error = None;
                        }
                        Err(e) => v.error = Some(e),
                    }
                }
                Vec::new()
            }
            OfficeLoaded::Batch { change, result } => match result {
                Ok(b) => {
                    let n = b.live_items().count();
                    let msg = match change {
                        BatchChange::Created if b.kind == BatchKind::Cards => format!(
                            "返却バッチ {} を作成しました（カード {n} 枚）。k で封入前の読取確認を始めます。",
                            b.number
                        ),
                        BatchChange::Created => format!(
                            "返送バッチ {} を作成しました（受領書 {n} 通）。o で送付状を書き出せます。",
                            b.number
                        ),
                        BatchChange::Sent => {
                            format!("バッチ {} を送付済にしました（{n} 件）。", b.number)
                        }
                        BatchChange::Reopened => format!(
                            "バッチ {} を取り消しました（訂正）。含まれていた {} 件は再びバッチに入れられます。",
                            b.number,
                            b.items.len()
                        ),
                    };
                    self.flash(msg, false);
                    let today = self.today;
                    if let Some(Office::Uncollected(v)) = self.office_mut() {
                        if change == BatchChange::Created {
                            v.pane = uncollected::Pane::Batches;
                            v.sel_batch = 0;
                        }
                        v.verifying = None;
                        v.loading = true;
                        return vec![Effect::Office(OfficeRequest::LoadUncollected { today })];
                    }
                    if let Some(Office::Receipts(v)) = self.office_mut() {
                        v.marked.clear();
                        if change == BatchChange::Created {
                            v.pane = ReceiptPane::Batches;
                            v.sel_batch = 0;
                        }
                        v.loading = true;
                        return vec![Effect::Office(OfficeRequest::LoadReceipts)];
                    }
                    Vec::new()
                }
                Err(e) => {
                    let title = match change {
                        BatchChange::Created => "バッチを作成できませんでした",
                        BatchChange::Sent => "送付済にできませんでした",
                        BatchChange::Reopened => "訂正できませんでした",
                    };
                    self.flash = None;
                    self.office_error(title, e);
                    Vec::new()
                }
            },
            OfficeLoaded::Exported(result) => {
                match result {
                    Ok(files) => {
                        let msg = match files.first() {
                            Some(f) => format!("書き出しました: {f}"),
                            None => "書き出しました。".to_string(),
                        };
                        self.flash(msg, false);
                        match self.office_mut() {
                            Some(Office::Report(v)) => v.exported = files,
                            Some(Office::Receipts(v)) => v.exported = files,
                            Some(Office::Appointments(v)) => v.exported = files,
                            Some(Office::Uncollected(v)) => v.exported = files,
                            _ => {}
                        }
                    }
                    Err(e) => {
                        self.flash = None;
                        self.office_error("書き出せませんでした", e);
                    }
                }
                Vec::new()
            }
            OfficeLoaded::Mail(result) => {
                if let Some(Office::Mail(v)) = self.office_mut() {
                    v.loading = false;
                    match result {
                        Ok(items) => {
                            v.items = items;
                            v.selected = v.selected.min(v.items.len().saturating_sub(1));
                            v.error = None;
                        }
                        Err(e) => v.error = Some(e),
                    }
                }
                Vec::new()
            }
            l @ (OfficeLoaded::Daily { .. } | OfficeLoaded::Monthly { .. }) => {
                self.report_loaded(l)
            }
            l @ (OfficeLoaded::Shipments(_)
            | OfficeLoaded::Arrival { .. }
            | OfficeLoaded::ArrivalRead(_)
            | OfficeLoaded::ArrivalResolved(_)) => self.arrival_loaded(l),
            l @ (OfficeLoaded::Uncollected(_)
            | OfficeLoaded::UncollectedChanged { .. }
            | OfficeLoaded::ReturnCardVerified(_)) => self.uncollected_loaded(l),
            l @ (OfficeLoaded::Upcoming(_)
            | OfficeLoaded::Day { .. }
            | OfficeLoaded::AppointmentSaved { .. }) => self.appointments_loaded(l),
            OfficeLoaded::MailRecorded { delivered, result } => match result {
                Ok(rec) => {
                    let msg = if delivered {
                        format!(
                            "{}（カードID {}）を配達済にしました。",
                            rec.name, rec.card_id
                        )
                    } else {
                        format!(
                            "{}（カードID {}）の返送を記録しました。カードは「{}」に戻りました。",
                            rec.name,
                            rec.card_id,
                            rec.state.label()
                        )
                    };
                    self.flash(msg, false);
                    let mut fx = vec![Effect::LoadCounts];
                    if let Some(Office::Mail(v)) = self.office_mut() {
                        v.loading = true;
                        fx.push(Effect::Office(OfficeRequest::LoadMail));
                    }
                    fx
                }
                Err(e) => {
                    self.flash = None;
                    let title = if delivered {
                        "配達済にできませんでした"
                    } else {
                        "返送を記録できませんでした"
                    };
                    self.office_error(title, e);
                    Vec::new()
                }
            },
        }
    }
}

/// Parse the time of an appointment: `HH:MM` (full-width digits and colon accepted).
pub fn parse_time(s: &str) -> Result<NaiveTime, String> {
    crate::domain::date::parse_time(s)
}

impl App {
    /// Today's and tomorrow's appointments for the band above the queue.
    pub fn upcoming_effect(&self) -> Effect {
        Effect::Office(OfficeRequest::LoadUpcoming {
            from: self.today,
            to: self.today + chrono::Days::new(2),
        })
    }

    /// F9 in the queue: the appointment of the selected card.
    pub(super) fn open_appointment(&mut self) -> Vec<Effect> {
        let Some(card) = self.queue.selected_record().cloned() else {
            self.flash("一覧で予約するカードを選んでください。", true);
            return Vec::new();
        };
        if card.state != crate::domain::CardState::Awaiting {
            self.modals.push(Modal::Message {
                title: "予約".into(),
                lines: vec![format!(
                    "{}（カードID {}）は「{}」です。予約できるのは交付待ちのカードだけです。",
                    card.name,
                    card.card_id,
                    card.state.label()
                )],
                error: false,
            });
            return Vec::new();
        }
        let existing = self
            .queue
            .appointments
            .iter()
            .find(|a| a.card.id == card.id);
        let (date, time) = match existing {
            Some(a) => (
                a.at.date().format("%Y-%m-%d").to_string(),
                a.at.time().format("%H:%M").to_string(),
            ),
            None => (String::new(), String::new()),
        };
        self.push_office(OfficeModal::Appointment {
            card: Box::new(card),
            date: LineEdit::with_text(30, &date),
            time: LineEdit::with_text(10, &time),
            time_focus: false,
            error: None,
        });
        Vec::new()
    }

    fn appointment_modal_action(&mut self, action: Action) -> Vec<Effect> {
        let today = self.today;
        let officer = self.officer.as_ref().map(|o| o.id);
        let Some(Modal::Office(m)) = self.modals.last_mut() else {
            return Vec::new();
        };
        let OfficeModal::Appointment {
            card,
            date,
            time,
            time_focus,
            error,
        } = &mut **m
        else {
            return Vec::new();
        };
        match action {
            Action::No => {
                self.modals.pop();
                Vec::new()
            }
            Action::SwitchField => {
                *time_focus = !*time_focus;
                Vec::new()
            }
            Action::ClearAppointment | Action::Yes => {
                let Some(officer_id) = officer else {
                    *error = Some(NO_OFFICER.into());
                    return Vec::new();
                };
                let card_id = card.id;
                let mut holiday_warning = None;
                let req = if action == Action::ClearAppointment {
                    OfficeRequest::ClearAppointment {
                        card: card_id,
                        officer_id,
                    }
                } else {
                    let d = match crate::domain::date::parse_date_in_year(date.value(), today) {
                        Ok(d) => d,
                        Err(e) => {
                            *error = Some(e.to_string());
                            *time_focus = false;
                            return Vec::new();
                        }
                    };
                    let rule = crate::domain::date_rules::DateRule::planned("予約日");
                    if let Err(e) = rule.for_card(card).check(d, today) {
                        *error = Some(e);
                        *time_focus = false;
                        return Vec::new();
                    }
                    if let Some(refusal) = self.rules.calendar.refusal(d) {
                        *error = Some(refusal);
                        *time_focus = false;
                        return Vec::new();
                    }
                    holiday_warning = self.rules.calendar.holiday_warning(d);
                    let t = match parse_time(time.value()) {
                        Ok(t) => t,
                        Err(e) => {
                            *error = Some(e);
                            *time_focus = true;
                            return Vec::new();
                        }
                    };
                    OfficeRequest::SetAppointment {
                        card: card_id,
                        at: d.and_time(t),
                        officer_id,
                    }
                };
                self.modals.pop();
                match holiday_warning {
                    Some(w) => self.flash(format!("予約を記録しています…（注意: {w}）"), true),
                    None => self.flash("予約を記録しています…", false),
                }
                vec![Effect::Office(req)]
            }
            _ => Vec::new(),
        }
    }

    fn appointments_action(&mut self, action: Action) -> Vec<Effect> {
        let today = self.today;
        let Some(Office::Appointments(v)) = self.office_mut() else {
            return Vec::new();
        };
        let day = match action {
            Action::Back => {
                self.back_to_menu(OfficeItem::Appointments);
                return Vec::new();
            }
            Action::Up => {
                move_sel(&mut v.selected, v.list.len(), -1);
                return Vec::new();
            }
            Action::Down => {
                move_sel(&mut v.selected, v.list.len(), 1);
                return Vec::new();
            }
            Action::PrevDay => v.day.pred_opt().unwrap_or(v.day),
            Action::NextDay => v.day.succ_opt().unwrap_or(v.day),
            Action::Today => today,
            Action::Refresh => v.day,
            Action::ExportDay => {
                let day = v.day;
                self.flash("予約一覧を書き出しています…", false);
                return vec![Effect::Office(OfficeRequest::ExportDay { day })];
            }
            _ => return Vec::new(),
        };
        v.day = day;
        v.loading = true;
        v.exported.clear();
        vec![Effect::Office(OfficeRequest::LoadDay { day })]
    }

    fn appointments_loaded(&mut self, loaded: OfficeLoaded) -> Vec<Effect> {
        match loaded {
            OfficeLoaded::Upcoming(result) => match result {
                Ok(list) => self.queue.appointments = list,
                Err(e) => self.flash(format!("予約を読み込めませんでした: {e}"), true),
            },
            OfficeLoaded::Day { day, result } => {
                if let Some(Office::Appointments(v)) = self.office_mut()
                    && v.day == day
                {
                    v.loading = false;
                    match result {
                        Ok(list) => {
                            v.list = list;
                            v.selected = v.selected.min(v.list.len().saturating_sub(1));
                            v.error = None;
                        }
                        Err(e) => v.error = Some(e),
                    }
                }
            }
            OfficeLoaded::AppointmentSaved { name, at, result } => {
                match result {
                    Ok(()) => {
                        let msg = match at {
                            Some(at) => format!(
                                "{name} さんの予約を {} に登録しました。",
                                at.format("%Y-%m-%d %H:%M")
                            ),
                            None => format!("{name} さんの予約を取り消しました。"),
                        };
                        self.flash(msg, false);
                    }
                    Err(e) => {
                        self.flash = None;
                        self.office_error("予約を記録できませんでした", e);
                    }
                }
                return vec![self.upcoming_effect()];
            }
            _ => {}
        }
        Vec::new()
    }
}

impl App {
    /// A card signal while a back-office screen is open.
    pub(super) fn office_card(&mut self, sig: &CardSignal) -> Vec<Effect> {
        if !self.modals.is_empty() {
            return Vec::new();
        }
        match self.office() {
            Some(Office::Uncollected(_)) => self.uncollected_card(sig),
            Some(Office::Arrival(_)) => self.arrival_card(sig),
            _ => Vec::new(),
        }
    }
}

impl From<OfficeLoaded> for Loaded {
    fn from(l: OfficeLoaded) -> Self {
        Loaded::Office(l)
    }
}
