//! The store side of the 業務メニュー: runs an [`OfficeRequest`] on the store thread and
//! answers with an [`OfficeLoaded`]. Files go into `exports/` next to the database,
//! owner-only and atomically (`export::write_private_atomic`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::reply;
use crate::app::screens::office::{BatchChange, OfficeLoaded, OfficeRequest, UncollectedChange};
use crate::domain::matching::MatchContext;
use crate::domain::rules::Rules;
use crate::export::{self, CsvEncoding};
use crate::store::Store;
use crate::store::office::BatchKind;

/// What the back office needs besides the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeEnv {
    /// Folder for cover lists and reports (`exports/` next to the database).
    pub exports_dir: PathBuf,
    /// Printed on cover lists and reports.
    pub desk_name: String,
    /// The data set's rules (shared with the app): uncollected deadlines, issuers and expiry
    /// rules for arrival checks, the desk calendar for open-day counts.
    pub rules: Arc<Rules>,
}

impl OfficeEnv {
    /// The env for a database file: `exports/` in the same folder.
    pub fn for_db(db: &Path, desk_name: &str, rules: Arc<Rules>) -> OfficeEnv {
        let dir = db
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        OfficeEnv {
            exports_dir: dir.join("exports"),
            desk_name: desk_name.to_string(),
            rules,
        }
    }
}

/// Run one back-office request against the store.
pub fn run(store: &mut Store, env: &OfficeEnv, req: OfficeRequest) -> OfficeLoaded {
    match req {
        OfficeRequest::LoadReceipts => OfficeLoaded::Receipts(reply(
            store
                .pending_receipts_due(&env.rules.receipts, &env.rules.calendar)
                .and_then(|p| Ok((p, store.return_batches(Some(BatchKind::Receipts))?))),
        )),
        OfficeRequest::CreateReceiptBatch {
            cards,
            on,
            tracking_no,
            officer_id,
        } => OfficeLoaded::Batch {
            change: BatchChange::Created,
            result: reply(store.create_receipt_batch(
                cards.as_deref(),
                on,
                tracking_no.as_deref(),
                Some(officer_id),
            )),
        },
        OfficeRequest::MarkBatchSent {
            number,
            on,
            officer_id,
        } => OfficeLoaded::Batch {
            change: BatchChange::Sent,
            result: reply(store.mark_batch_sent(&number, on, None, Some(officer_id))),
        },
        OfficeRequest::ReopenBatch {
            number,
            reason,
            officer_id,
        } => OfficeLoaded::Batch {
            change: BatchChange::Reopened,
            result: reply(store.reopen_batch(&number, &reason, Some(officer_id))),
        },
        OfficeRequest::ExportBatch { number } => {
            OfficeLoaded::Exported(reply(export_batch(store, env, &number)))
        }
        OfficeRequest::LoadMail => OfficeLoaded::Mail(reply(store.mailed_cards())),
        OfficeRequest::MailDelivered {
            card,
            on,
            officer_id,
        } => OfficeLoaded::MailRecorded {
            delivered: true,
            result: reply(store.record_mail_delivered(card, on, Some(officer_id))),
        },
        OfficeRequest::MailReturned {
            card,
            on,
            reason,
            officer_id,
        } => OfficeLoaded::MailRecorded {
            delivered: false,
            result: reply(store.record_mail_returned(card, on, &reason, Some(officer_id))),
        },
        OfficeRequest::LoadUpcoming { from, to } => OfficeLoaded::Upcoming(reply(
            store.appointments_between(midnight(from), midnight(to)),
        )),
        OfficeRequest::LoadDay { day } => OfficeLoaded::Day {
            day,
            result: reply(store.appointments_on(day)),
        },
        OfficeRequest::ExportDay { day } => {
            OfficeLoaded::Exported(reply(export_day(store, env, day)))
        }
        OfficeRequest::SetAppointment {
            card,
            at,
            officer_id,
        } => OfficeLoaded::AppointmentSaved {
            name: card_name(store, card),
            at: Some(at),
            result: reply(
                store
                    .set_appointment(card, at, None, Some(officer_id))
                    .map(|_| ()),
            ),
        },
        OfficeRequest::ClearAppointment { card, officer_id } => OfficeLoaded::AppointmentSaved {
            name: card_name(store, card),
            at: None,
            result: reply(store.clear_appointment(card, Some(officer_id))),
        },
        OfficeRequest::LoadUncollected { today } => OfficeLoaded::Uncollected(reply(
            store
                .uncollected_counted(&env.rules.uncollected, today, Some(&env.rules.calendar))
                .and_then(|list| Ok((list, store.return_batches(Some(BatchKind::Cards))?))),
        )),
        OfficeRequest::RecordContact {
            card,
            method,
            on,
            note,
            officer_id,
        } => OfficeLoaded::UncollectedChanged {
            change: UncollectedChange::Contact,
            name: card_name(store, card),
            result: reply(
                store
                    .record_contact(card, method, on, note.as_deref(), Some(officer_id))
                    .map(|_| ()),
            ),
        },
        OfficeRequest::SetHold {
            card,
            reason,
            officer_id,
        } => OfficeLoaded::UncollectedChanged {
            change: UncollectedChange::Hold,
            name: card_name(store, card),
            result: reply(store.set_hold(card, &reason, Some(officer_id))),
        },
        OfficeRequest::ClearHold { card, officer_id } => OfficeLoaded::UncollectedChanged {
            change: UncollectedChange::Unhold,
            name: card_name(store, card),
            result: reply(store.clear_hold(card, Some(officer_id))),
        },
        OfficeRequest::CreateCardBatch {
            cards,
            on,
            tracking_no,
            officer_id,
        } => OfficeLoaded::Batch {
            change: BatchChange::Created,
            result: reply(store.create_card_return_batch(
                &cards,
                on,
                tracking_no.as_deref(),
                Some(officer_id),
            )),
        },
        OfficeRequest::LoadShipments => OfficeLoaded::Shipments(reply(store.shipments(100))),
        OfficeRequest::LoadArrival { shipment } => OfficeLoaded::Arrival {
            shipment,
            result: reply(store.arrival_summary(Some(shipment))),
        },
        OfficeRequest::ArrivalRead {
            shipment,
            certificate,
            today,
            officer_id,
        } => {
            let ctx = MatchContext {
                today,
                computed_expiry: None,
                known_issuers: &env.rules.issuers,
            };
            OfficeLoaded::ArrivalRead(reply(store.arrival_read(
                Some(shipment),
                &certificate,
                &ctx,
                &|issued, born, issue| {
                    env.rules
                        .expiry
                        .compute_with(issued, born, issue)
                        .ok()
                        .map(|c| c.date)
                },
                Some(officer_id),
            )))
        }
        OfficeRequest::ResolveArrival {
            problem,
            note,
            officer_id,
        } => OfficeLoaded::ArrivalResolved(reply(store.resolve_arrival(
            &problem,
            &note,
            Some(officer_id),
        ))),
        OfficeRequest::LoadDaily { day } => OfficeLoaded::Daily {
            day,
            result: reply(store.daily_report(day)),
        },
        OfficeRequest::LoadMonthly { month } => OfficeLoaded::Monthly {
            result: reply(store.monthly_report(&month)),
            month,
        },
        OfficeRequest::ExportDaily { day } => {
            OfficeLoaded::Exported(reply(export_daily(store, env, day)))
        }
        OfficeRequest::ExportMonthly { month } => {
            OfficeLoaded::Exported(reply(export_monthly(store, env, &month)))
        }
        OfficeRequest::VerifyReturnCard {
            number,
            certificate,
            officer_id,
        } => OfficeLoaded::ReturnCardVerified(reply(store.verify_return_card(
            &number,
            &certificate,
            Some(officer_id),
        ))),
    }
}

fn midnight(d: chrono::NaiveDate) -> chrono::NaiveDateTime {
    d.and_time(chrono::NaiveTime::MIN)
}

fn card_name(store: &Store, card: i64) -> String {
    store
        .card(card)
        .ok()
        .flatten()
        .map(|c| c.name)
        .unwrap_or_default()
}

/// Write one HTML page into the exports folder; the path written.
fn write_page(
    env: &OfficeEnv,
    name: String,
    html: &str,
) -> Result<Vec<String>, export::ExportError> {
    let path = env.exports_dir.join(name);
    export::write_html(&path, html)?;
    Ok(vec![path.display().to_string()])
}

/// Write one day's appointment list as HTML.
fn export_day(
    store: &Store,
    env: &OfficeEnv,
    day: chrono::NaiveDate,
) -> Result<Vec<String>, export::ExportError> {
    let list = store.appointments_on(day)?;
    let html = export::appointments_html(day, &list, &env.desk_name);
    write_page(
        env,
        format!("appointments-{}.html", day.format("%Y-%m-%d")),
        &html,
    )
}

/// Write the day's report as HTML.
fn export_daily(
    store: &Store,
    env: &OfficeEnv,
    day: chrono::NaiveDate,
) -> Result<Vec<String>, export::ExportError> {
    let r = store.daily_report(day)?;
    let html = export::daily_html(&r, &env.desk_name);
    write_page(env, format!("daily-{}.html", day.format("%Y-%m-%d")), &html)
}

/// Write the month's report as HTML.
fn export_monthly(
    store: &Store,
    env: &OfficeEnv,
    month: &str,
) -> Result<Vec<String>, export::ExportError> {
    let r = store.monthly_report(month)?;
    let html = export::monthly_html(&r, &env.desk_name);
    write_page(env, format!("monthly-{}.html", file_stem(&r.month)), &html)
}

/// A file name safe on every file system (batch numbers are ASCII already).
fn file_stem(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Write the cover list of a batch as HTML and CSV (UTF-8 with BOM: every name maps).
fn export_batch(
    store: &Store,
    env: &OfficeEnv,
    number: &str,
) -> Result<Vec<String>, export::ExportError> {
    let b = store.require_batch(number)?;
    let stem = format!("{}-{}", b.kind.as_str(), file_stem(&b.number));
    let html = env.exports_dir.join(format!("{stem}.html"));
    let csv = env.exports_dir.join(format!("{stem}.csv"));
    export::write_html(&html, &export::batch_cover_html(&b, &env.desk_name))?;
    export::write_csv(&csv, &export::batch_table(&b), CsvEncoding::Utf8Bom)?;
    tracing::info!(batch_id = b.id, "batch cover list exported");
    Ok(vec![html.display().to_string(), csv.display().to_string()])
}
