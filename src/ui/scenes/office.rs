//! Scenes of the 業務メニュー (reached through `App::handle`, answered like the runtime would).

use chrono::NaiveDate;
use crossterm::event::KeyCode;

use super::{ch, feed, press, sample_records};
use crate::app::office::OfficeLoaded;
use crate::app::{App, Effect, Event, Loaded, OfficeRequest};
use crate::domain::record::CardRecord;
use crate::domain::{CardState, ReceiptStatus, Route};
use crate::store::backoffice::returns::BatchItem;
use crate::store::backoffice::{Appointment, BatchKind, BatchStatus, MailItem, ReturnBatch};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Handed-over cards whose signed receipts wait to go back to JMACA.
pub fn sample_pending_receipts() -> Vec<CardRecord> {
    sample_records()
        .into_iter()
        .take(3)
        .map(|mut r| {
            r.state = CardState::HandedOver;
            r.receipt = Some(ReceiptStatus::Captured);
            r
        })
        .collect()
}

/// A sent and an open receipt batch.
pub fn sample_receipt_batches() -> Vec<ReturnBatch> {
    let mut handed = sample_records();
    for r in &mut handed {
        r.state = CardState::HandedOver;
        r.receipt = Some(ReceiptStatus::ReturnedToJmaca);
    }
    let item = |c: &CardRecord| BatchItem {
        card: c.clone(),
        active: true,
        verified_at: None,
    };
    vec![
        ReturnBatch {
            id: 2,
            kind: BatchKind::Receipts,
            number: "R2026-0002".into(),
            created_on: date(2026, 11, 24),
            created_at: "2026-11-24T16:00:00+09:00".into(),
            officer_id: Some(1),
            tracking_no: None,
            status: BatchStatus::Open,
            sent_on: None,
            reopen_reason: None,
            items: vec![item(&handed[3])],
        },
        ReturnBatch {
            id: 1,
            kind: BatchKind::Receipts,
            number: "R2026-0001".into(),
            created_on: date(2026, 11, 10),
            created_at: "2026-11-10T16:00:00+09:00".into(),
            officer_id: Some(1),
            tracking_no: Some("123456789012".into()),
            status: BatchStatus::Sent,
            sent_on: Some(date(2026, 11, 11)),
            reopen_reason: None,
            items: vec![item(&handed[4])],
        },
    ]
}

/// Cards out by 本人限定受取郵便.
pub fn sample_mail_items() -> Vec<MailItem> {
    let recs = sample_records();
    [
        (3usize, "2026-11-18", "1234-5678-9012"),
        (4, "2026-11-21", "2233-4455-6677"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (idx, d, t))| {
        let mut card = recs[idx].clone();
        card.state = CardState::Mailed;
        card.route = Some(Route::Mail);
        MailItem {
            card,
            handover_id: i64::try_from(i).unwrap_or(0) + 10,
            dispatch_date: Some(d.into()),
            tracking_no: Some(t.replace('-', "")),
        }
    })
    .collect()
}

/// Appointments today and tomorrow (scene date 2026-11-25).
pub fn sample_appointments() -> Vec<Appointment> {
    let recs = sample_records();
    [
        (0usize, 25u32, 10u32, 30u32),
        (2, 25, 14, 0),
        (4, 26, 9, 15),
    ]
    .into_iter()
    .map(|(i, d, h, m)| Appointment {
        at: date(2026, 11, d).and_hms_opt(h, m, 0).unwrap_or_default(),
        note: (i == 2).then(|| "電話で確認済".to_string()),
        card: recs[i].clone(),
    })
    .collect()
}

/// Answer the back-office loads among `fx` with the sample data.
pub fn answer_office(app: &mut App, fx: &[Effect]) {
    for e in fx {
        let Effect::Office(req) = e else { continue };
        let loaded = match req {
            OfficeRequest::LoadReceipts => {
                OfficeLoaded::Receipts(Ok((sample_pending_receipts(), sample_receipt_batches())))
            }
            OfficeRequest::LoadMail => OfficeLoaded::Mail(Ok(sample_mail_items())),
            OfficeRequest::LoadUpcoming { .. } => OfficeLoaded::Upcoming(Ok(sample_appointments())),
            OfficeRequest::LoadDay { day } => OfficeLoaded::Day {
                day: *day,
                result: Ok(sample_appointments()
                    .into_iter()
                    .filter(|a| a.at.date() == *day)
                    .collect()),
            },
            _ => continue,
        };
        app.handle(Event::Loaded(Loaded::Office(loaded)));
    }
}

/// The back-office scenes.
pub fn scenes(base: &App) -> Vec<(&'static str, App)> {
    let mut out = Vec::new();
    let mut a = base.clone();
    a.handle(press(KeyCode::F(12)));
    out.push(("office_menu", a.clone()));
    let menu = a;

    let mut a = menu.clone();
    let fx = a.handle(press(KeyCode::Enter));
    answer_office(&mut a, &fx);
    feed(&mut a, [ch(' '), ch(' ')]);
    out.push(("office_receipts", a.clone()));
    a.handle(ch('n'));
    feed(&mut a, "1234 5678 9012".chars().map(ch));
    out.push(("office_receipts_new_batch", a.clone()));
    let mut b = a.clone();
    b.handle(press(KeyCode::Esc));
    feed(&mut b, [press(KeyCode::Tab), press(KeyCode::Down), ch('r')]);
    out.push(("office_receipts_reopen", b));

    let mut a = menu;
    let fx = a.handle(ch('2'));
    answer_office(&mut a, &fx);
    out.push(("office_mail", a.clone()));
    a.handle(ch('u'));
    feed(&mut a, "保管期間経過".chars().map(ch));
    out.push(("office_mail_returned", a));

    // 予約: the band above the queue, the dialog (F9) and the day list.
    let mut q = base.clone();
    let fx = vec![q.upcoming_effect()];
    answer_office(&mut q, &fx);
    out.push(("queue_appointments", q.clone()));
    let mut a = q.clone();
    a.handle(press(KeyCode::F(9)));
    out.push(("appointment_edit", a.clone()));
    let mut a = q.clone();
    a.handle(press(KeyCode::Down));
    a.handle(press(KeyCode::F(9)));
    feed(&mut a, "R8.12.1".chars().map(ch));
    a.handle(press(KeyCode::Tab));
    feed(&mut a, "25:00".chars().map(ch));
    a.handle(press(KeyCode::Enter));
    out.push(("appointment_error", a));
    let mut a = q;
    a.handle(press(KeyCode::F(12)));
    let fx = a.handle(ch('3'));
    answer_office(&mut a, &fx);
    out.push(("office_appointments", a));
    out
}
