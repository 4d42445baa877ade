//! The back office's store work: [`OfficeRequest`]s go out as [`Effect::Office`], their answers
//! come back as [`OfficeLoaded`] inside [`Loaded::Office`]. `runtime::office` runs them.

use chrono::{NaiveDate, NaiveDateTime};

use crate::app::{Effect, Loaded};
use crate::domain::card_facts::CertificateFacts;
use crate::domain::failure::Reply;
use crate::domain::office::arrival::ShipmentInfo;
use crate::domain::office::returns::PendingReceipt;
use crate::domain::office::{Appointment, ContactMethod, MailItem, ReturnBatch, UncollectedCard};
use crate::domain::record::CardRecord;
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
    Receipts(Reply<(Vec<PendingReceipt>, Vec<ReturnBatch>)>),
    Batch {
        change: BatchChange,
        result: Reply<ReturnBatch>,
    },
    /// The files written (HTML first).
    Exported(Reply<Vec<String>>),
    Mail(Reply<Vec<MailItem>>),
    MailRecorded {
        delivered: bool,
        result: Reply<CardRecord>,
    },
    Upcoming(Reply<Vec<Appointment>>),
    Day {
        day: NaiveDate,
        result: Reply<Vec<Appointment>>,
    },
    /// Set (`Some` time) or cleared (`None`).
    Uncollected(Reply<(Vec<UncollectedCard>, Vec<ReturnBatch>)>),
    UncollectedChanged {
        change: UncollectedChange,
        /// The physician's name (for the message).
        name: String,
        result: Reply<()>,
    },
    ReturnCardVerified(Reply<CardRecord>),
    Shipments(Reply<Vec<ShipmentInfo>>),
    Arrival {
        shipment: i64,
        result: Reply<crate::domain::office::ArrivalSummary>,
    },
    ArrivalRead(Reply<crate::domain::office::arrival::ArrivalRead>),
    ArrivalResolved(Reply<crate::domain::office::ArrivalResolution>),
    Daily {
        day: NaiveDate,
        result: Reply<crate::domain::office::reports::DailyReport>,
    },
    Monthly {
        month: String,
        result: Reply<crate::domain::office::reports::MonthlyReport>,
    },
    AppointmentSaved {
        /// The physician's name (for the message).
        name: String,
        at: Option<NaiveDateTime>,
        result: Reply<()>,
    },
}

impl From<OfficeLoaded> for Loaded {
    fn from(l: OfficeLoaded) -> Self {
        Loaded::Office(l)
    }
}

impl From<OfficeRequest> for Effect {
    fn from(r: OfficeRequest) -> Self {
        Effect::Office(r)
    }
}
