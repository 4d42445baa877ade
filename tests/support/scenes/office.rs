//! Scenes of the 業務メニュー (reached through `App::handle`, answered like the runtime would).

use chrono::NaiveDate;
use crossterm::event::KeyCode;

use super::{ch, feed, press, sample_records, today};
use kofu::app::OfficeLoaded;
use kofu::app::{App, Effect, Event, Loaded, OfficeRequest};
use kofu::domain::failure::Failure;
use kofu::domain::office::returns::{BatchItem, PendingReceipt};
use kofu::domain::office::{
    Appointment, BatchKind, BatchStatus, Contact, ContactMethod, DueAction, MailItem, ReturnBatch,
    UncollectedCard,
};
use kofu::domain::record::CardRecord;
use kofu::domain::{CardState, ReceiptStatus, Route};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Handed-over cards whose signed receipts wait to go back to JMACA, handed over on 11/05,
/// 11/18 and 11/24: with the shipped `[receipts]` rule the first is past its return day on
/// [`today`] (11/25).
pub fn sample_pending_receipts() -> Vec<PendingReceipt> {
    let rules = super::sample_rules();
    let handed = [date(2026, 11, 5), date(2026, 11, 18), date(2026, 11, 24)];
    sample_records()
        .into_iter()
        .zip(handed)
        .map(|(mut r, day)| {
            r.state = CardState::HandedOver;
            r.receipt = Some(ReceiptStatus::Captured);
            PendingReceipt::new(r, Some(day), &rules.receipts, &rules.calendar)
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

/// Cards at the desk with what is due (rules 30 / 90 / 180 days).
pub fn sample_uncollected() -> Vec<UncollectedCard> {
    let recs = sample_records();
    let mut old = recs[2].clone();
    old.arrived_on = date(2026, 5, 1);
    let mut held = recs[4].clone();
    held.arrived_on = date(2026, 4, 10);
    let mut noticed = recs[1].clone();
    noticed.arrived_on = date(2026, 8, 20);
    vec![
        UncollectedCard {
            days: (today() - held.arrived_on).num_days(),
            card: held,
            contacts: Vec::new(),
            hold: Some("本人入院中".into()),
            in_batch: None,
            appointment: None,
            due: None,
        },
        UncollectedCard {
            days: (today() - old.arrived_on).num_days(),
            card: old,
            contacts: vec![Contact {
                id: 1,
                on: date(2026, 6, 5),
                method: ContactMethod::Phone,
                note: Some("不在".into()),
                officer_id: Some(1),
            }],
            hold: None,
            in_batch: None,
            appointment: None,
            due: Some(DueAction::Return),
        },
        UncollectedCard {
            days: (today() - noticed.arrived_on).num_days(),
            card: noticed,
            contacts: Vec::new(),
            hold: None,
            in_batch: None,
            appointment: Some(date(2026, 11, 26).and_hms_opt(9, 15, 0).unwrap_or_default()),
            due: Some(DueAction::Notice),
        },
        UncollectedCard {
            days: 5,
            card: recs[0].clone(),
            contacts: Vec::new(),
            hold: None,
            in_batch: None,
            appointment: None,
            due: None,
        },
    ]
}

/// One open card return batch (one of its two cards checked).
pub fn sample_card_batches() -> Vec<ReturnBatch> {
    let recs = sample_records();
    vec![ReturnBatch {
        id: 3,
        kind: BatchKind::Cards,
        number: "C2026-0001".into(),
        created_on: date(2026, 11, 25),
        created_at: "2026-11-25T10:00:00+09:00".into(),
        officer_id: Some(1),
        tracking_no: None,
        status: BatchStatus::Open,
        sent_on: None,
        reopen_reason: None,
        items: vec![
            BatchItem {
                card: recs[3].clone(),
                active: true,
                verified_at: Some("2026-11-25T10:05:00+09:00".into()),
            },
            BatchItem {
                card: recs[2].clone(),
                active: true,
                verified_at: None,
            },
        ],
    }]
}

/// Two imported shipments.
pub fn sample_shipments() -> Vec<kofu::domain::office::arrival::ShipmentInfo> {
    vec![
        kofu::domain::office::arrival::ShipmentInfo {
            id: 2,
            arrived_on: "2026-11-20".into(),
            file_name: "JMACA発送リスト_20261120.csv".into(),
            row_count: 4,
        },
        kofu::domain::office::arrival::ShipmentInfo {
            id: 1,
            arrived_on: "2026-10-10".into(),
            file_name: "JMACA発送リスト_20261010.csv".into(),
            row_count: 12,
        },
    ]
}

fn check(
    id: i64,
    rec: &CardRecord,
    result: kofu::domain::office::ArrivalOutcome,
    reasons: &[&str],
) -> kofu::domain::office::ArrivalCheck {
    kofu::domain::office::ArrivalCheck {
        id,
        card_row: rec.id,
        card_id: rec.card_id.clone(),
        at: "2026-11-25T09:30:00+09:00".into(),
        officer_id: Some(1),
        result,
        match_result: if reasons.is_empty() {
            "match".into()
        } else {
            "mismatch".into()
        },
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        cert_serial_read: rec.cert_serial.clone(),
        resolution: None,
    }
}

/// Shipment 2 half way: one verified, one failed, one not read, one stray.
pub fn sample_arrival_summary() -> kofu::domain::office::ArrivalSummary {
    use kofu::domain::office::ArrivalOutcome as O;
    use kofu::domain::office::arrival::{CardBrief, Stray};
    let recs = sample_records();
    kofu::domain::office::ArrivalSummary {
        shipment_id: Some(2),
        total: 3,
        verified: vec![check(1, &recs[0], O::Verified, &[])],
        failed: vec![check(
            2,
            &recs[1],
            O::Failed,
            &["氏名（漢字）が一致しません: 名簿「高橋 一郎」／カード「高橋 二郎」"],
        )],
        resolved: Vec::new(),
        not_read: vec![CardBrief {
            card_row: recs[3].id,
            card_id: recs[3].card_id.clone(),
            name: recs[3].name.clone(),
        }],
        strays: vec![Stray {
            id: 1,
            shipment_id: Some(2),
            at: "2026-11-25T09:40:00+09:00".into(),
            cert_serial: "f0000000000beef".into(),
            subject_cn: "Hanako Betsujin".into(),
            name_kanji: Some("別人 花子".into()),
            resolution: None,
        }],
        left_unread: Vec::new(),
        strays_resolved: Vec::new(),
        reads: 3,
    }
}

const HEAD: &str = "9f2c4e1a7b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

/// The daily report of a day at the desk.
pub fn sample_daily(day: NaiveDate) -> kofu::domain::office::reports::DailyReport {
    use kofu::domain::office::reports::{DailyReport, ReportLine, SentBatch};
    let line = |time: &str, card_id: &str, name: &str, route: &str, cancelled| ReportLine {
        time: time.into(),
        card_id: card_id.into(),
        name: name.into(),
        route: route.into(),
        officer: Some("受付 一郎".into()),
        cancelled,
    };
    DailyReport {
        date: day,
        counter_receipt: 2,
        counter_postcard: 1,
        mail_dispatched: 1,
        mail_delivered: 0,
        mail_returned: 0,
        cards_returned: 0,
        receipts_returned: 3,
        batches_sent: vec![SentBatch {
            number: "R2026-0001".into(),
            kind: "receipts".into(),
            count: 3,
        }],
        lines: vec![
            line(
                "09:12",
                "D2610000123",
                "山田 太郎",
                "counter_receipt",
                false,
            ),
            line(
                "10:40",
                "D2610000124",
                "高橋 一郎",
                "counter_postcard",
                false,
            ),
            line(
                "11:05",
                "D2610000125",
                "佐々木 花子",
                "counter_receipt",
                true,
            ),
            line("14:30", "D2610000126", "渡邊 健", "mail", false),
        ],
        audit_events: 214,
        audit_head: Some(HEAD.into()),
    }
}

/// The monthly report of November 2026.
pub fn sample_monthly(month: &str) -> kofu::domain::office::reports::MonthlyReport {
    kofu::domain::office::reports::MonthlyReport {
        month: month.into(),
        first_day: date(2026, 11, 1),
        last_day: date(2026, 11, 30),
        received: 48,
        handed_over: 31,
        mailed: 4,
        mail_delivered: 3,
        returned: 1,
        receipts_returned: 27,
        uncollected_at_end: 12,
        audit_events: 214,
        audit_head: Some(HEAD.into()),
    }
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
            OfficeRequest::LoadDaily { day } => OfficeLoaded::Daily {
                day: *day,
                result: Ok(sample_daily(*day)),
            },
            OfficeRequest::LoadMonthly { month } => OfficeLoaded::Monthly {
                month: month.clone(),
                result: Ok(sample_monthly(month)),
            },
            OfficeRequest::LoadShipments => OfficeLoaded::Shipments(Ok(sample_shipments())),
            OfficeRequest::LoadArrival { shipment } => OfficeLoaded::Arrival {
                shipment: *shipment,
                result: Ok(sample_arrival_summary()),
            },
            OfficeRequest::LoadUncollected { .. } => {
                OfficeLoaded::Uncollected(Ok((sample_uncollected(), sample_card_batches())))
            }
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

    // 未交付カード: the list, a contact, and a wrong card refused while packing.
    let mut a = base.clone();
    a.handle(press(KeyCode::F(12)));
    let fx = a.handle(ch('4'));
    answer_office(&mut a, &fx);
    a.handle(press(KeyCode::Down));
    out.push(("office_uncollected", a.clone()));
    let mut c = a.clone();
    c.handle(ch('c'));
    // Tab to the method row, Space: 郵便; Tab back to the note.
    c.handle(press(KeyCode::Tab));
    c.handle(ch(' '));
    c.handle(press(KeyCode::Tab));
    feed(&mut c, "留守電に伝言".chars().map(ch));
    out.push(("office_uncollected_contact", c));
    feed(&mut a, [press(KeyCode::Tab), ch('k')]);
    out.push(("office_uncollected_verify", a.clone()));
    a.handle(Event::Loaded(Loaded::Office(
        OfficeLoaded::ReturnCardVerified(Err(Failure::refused(
            "このカードは返却バッチ C2026-0001 に含まれていません。封入しないでください",
        ))),
    )));
    out.push(("office_uncollected_wrong_card", a));

    // 入荷確認: choose the shipment, then a card that failed the check.
    let mut a = base.clone();
    a.handle(press(KeyCode::F(12)));
    let fx = a.handle(ch('5'));
    answer_office(&mut a, &fx);
    out.push(("office_arrival_shipments", a.clone()));
    let fx = a.handle(press(KeyCode::Enter));
    answer_office(&mut a, &fx);
    let failed = sample_arrival_summary().failed.remove(0);
    let recs = sample_records();
    let reading = super::reading_for(&recs[1], "高橋\u{3000}二郎", super::FULL_PIN);
    let outcome = super::outcome(&recs[1], &reading);
    a.handle(Event::Loaded(Loaded::Office(OfficeLoaded::ArrivalRead(
        Ok(kofu::domain::office::arrival::ArrivalRead::Checked {
            check: failed,
            outcome,
        }),
    ))));
    out.push(("office_arrival", a.clone()));
    a.handle(ch('r'));
    feed(&mut a, "JMACAに確認済（名簿の誤記）".chars().map(ch));
    out.push(("office_arrival_resolve", a.clone()));
    a.handle(press(KeyCode::Esc));
    a.handle(ch('e'));
    out.push(("office_arrival_summary", a));

    // 日報・月報.
    let mut a = base.clone();
    a.handle(press(KeyCode::F(12)));
    let fx = a.handle(ch('6'));
    answer_office(&mut a, &fx);
    out.push(("office_report", a.clone()));
    let fx = a.handle(ch('m'));
    answer_office(&mut a, &fx);
    out.push(("office_report_monthly", a));
    out
}
