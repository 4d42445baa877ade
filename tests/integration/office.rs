//! Back office on real SQLite files: arrival checks, appointments, receipt and card return
//! batches, restricted-delivery outcomes, uncollected cards, reports, backups/restore, officers.

use crate::support::office as office_support;

use chrono::{Datelike, Duration, NaiveDate};
use kofu::domain::handover::HandoverRoute;
use kofu::domain::{CardState, ReceiptStatus};
use kofu::store::office::arrival::{ArrivalOutcome, ArrivalRead};
use kofu::store::office::returns::BatchStatus;
use kofu::store::office::uncollected::{ContactMethod, DueAction};
use kofu::store::office::{UncollectedRules, backups};
use kofu::store::{Store, StoreError};
use office_support::*;

fn refused(r: Result<impl std::fmt::Debug, StoreError>, needle: &str) -> String {
    match r {
        Err(e) => {
            let m = e.to_string();
            assert!(m.contains(needle), "expected 「{needle}」 in: {m}");
            m
        }
        Ok(v) => panic!("expected a refusal containing 「{needle}」, got {v:?}"),
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn a_failed_arrival_check_blocks_the_handover_until_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 5, today());
    let known = issuers();
    let c0 = card(&s, 0);
    let c1 = card(&s, 1);

    // Card 0 matches its row.
    match s
        .arrival_read(
            Some(c0.shipment_id),
            &facts_for(&c0),
            &ctx(&known),
            &|_, _, _| None,
            None,
        )
        .unwrap()
    {
        ArrivalRead::Checked { check, .. } => assert_eq!(check.result, ArrivalOutcome::Verified),
        other => panic!("{other:?}"),
    }
    // Card 1 carries its serial but another person's name: a mismatch.
    let mut wrong = facts_for(&c1);
    wrong.name_kanji = Some("別人　次郎".into());
    match s
        .arrival_read(
            Some(c1.shipment_id),
            &wrong,
            &ctx(&known),
            &|_, _, _| None,
            None,
        )
        .unwrap()
    {
        ArrivalRead::Checked { check, .. } => {
            assert_eq!(check.result, ArrivalOutcome::Failed);
            assert_eq!(check.match_result, "mismatch");
            assert!(
                check.reasons.iter().any(|r| r.contains("氏名")),
                "{:?}",
                check.reasons
            );
        }
        other => panic!("{other:?}"),
    }
    // A card that is in no list.
    let mut stray = facts_for(&c0);
    stray.serial_hex = "ffee01".into();
    stray.name_kanji = Some("名簿外　花子".into());
    assert!(matches!(
        s.arrival_read(
            Some(c0.shipment_id),
            &stray,
            &ctx(&known),
            &|_, _, _| None,
            None
        )
        .unwrap(),
        ArrivalRead::NotInList(_)
    ));

    let sum = s.arrival_summary(Some(c0.shipment_id)).unwrap();
    assert_eq!(sum.total, 5);
    assert_eq!(sum.verified.len(), 1);
    assert_eq!(sum.failed.len(), 1);
    assert_eq!(sum.failed[0].card_id, c1.card_id);
    let not_read: Vec<_> = sum.not_read.iter().map(|c| c.card_id.as_str()).collect();
    assert_eq!(not_read, ["T00000000002", "T00000000003", "T00000000004"]);
    assert_eq!(sum.strays.len(), 1);
    assert_eq!(sum.strays[0].cert_serial, "ffee01");

    // The failed card cannot be handed over; nothing is written.
    let before = audit_kinds(&s).len();
    refused(
        s.commit_handover(&commit(c1.id, HandoverRoute::CounterWithReceipt), None),
        "入荷確認",
    );
    assert_eq!(s.card(c1.id).unwrap().unwrap().state, CardState::Awaiting);
    assert_eq!(audit_kinds(&s).len(), before);

    refused(
        s.resolve_arrival_problem(c1.id, "  ", None),
        "入力してください",
    );
    refused(
        s.resolve_arrival_problem(c0.id, "x", None),
        "未解決の入荷確認の問題がありません",
    );
    let resolved = s
        .resolve_arrival_problem(c1.id, "JMACAに確認、名簿の誤記", None)
        .unwrap();
    assert_eq!(
        resolved.resolution.as_deref(),
        Some("JMACAに確認、名簿の誤記")
    );
    assert!(s.arrival_problem(c1.id).unwrap().is_none());
    s.commit_handover(&commit(c1.id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    let sum = s.arrival_summary(None).unwrap();
    assert_eq!((sum.failed.len(), sum.resolved.len()), (0, 1));

    let kinds = audit_kinds(&s);
    for k in [
        "arrival_checked",
        "arrival_not_in_list",
        "arrival_problem_resolved",
        "handed_over",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k} missing in {kinds:?}");
    }
    assert!(s.check().unwrap().ok());
}

#[test]
fn appointments_are_set_listed_by_day_and_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 4, today());
    let (c0, c1, c2) = (card(&s, 0), card(&s, 1), card(&s, 2));
    let t = |day: NaiveDate, h: u32, m: u32| day.and_hms_opt(h, m, 0).unwrap();
    let tomorrow = today() + Duration::days(1);
    s.set_appointment(c1.id, t(tomorrow, 9, 0), Some("午前"), None)
        .unwrap();
    s.set_appointment(c0.id, t(today(), 14, 30), None, None)
        .unwrap();
    s.set_appointment(c2.id, t(today() + Duration::days(5), 10, 0), None, None)
        .unwrap();
    // Moving an appointment replaces it.
    s.set_appointment(c0.id, t(today(), 10, 30), Some("変更"), None)
        .unwrap();

    let from = t(today(), 0, 0);
    let top = s
        .appointments_between(from, from + Duration::days(2))
        .unwrap();
    let ids: Vec<_> = top.iter().map(|a| a.card.card_id.as_str()).collect();
    assert_eq!(ids, [c0.card_id.as_str(), c1.card_id.as_str()]);
    assert_eq!(top[0].at, t(today(), 10, 30));
    assert_eq!(top[0].note.as_deref(), Some("変更"));
    assert_eq!(s.appointments_on(tomorrow).unwrap().len(), 1);

    // A handed-over card drops off the queue and cannot be booked.
    s.commit_handover(&commit(c1.id, HandoverRoute::CounterWithPostcard), None)
        .unwrap();
    assert!(s.appointments_on(tomorrow).unwrap().is_empty());
    refused(
        s.set_appointment(c1.id, t(tomorrow, 11, 0), None, None),
        "予約できません",
    );

    s.clear_appointment(c0.id, None).unwrap();
    refused(s.clear_appointment(c0.id, None), "予約がありません");
    assert!(s.appointment(c0.id).unwrap().is_none());
    let kinds = audit_kinds(&s);
    assert_eq!(kinds.iter().filter(|k| *k == "appointment_set").count(), 4);
    assert_eq!(
        kinds.iter().filter(|k| *k == "appointment_cleared").count(),
        1
    );
    assert!(
        kofu::store::office::appointments::parse_appointment_time("２０２６/１１/２５ １０:３０")
            .is_ok()
    );
    assert!(kofu::store::office::appointments::parse_appointment_time("明日").is_err());
}

#[test]
fn receipt_batches_hold_each_receipt_once_and_reopen_as_a_correction() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 7, today());
    let c: Vec<_> = (0..7).map(|i| card(&s, i)).collect();
    for x in &c[..4] {
        s.commit_handover(&commit(x.id, HandoverRoute::CounterWithReceipt), None)
            .unwrap();
    }
    s.commit_handover(&commit(c[4].id, HandoverRoute::CounterWithPostcard), None)
        .unwrap();
    s.commit_handover(&commit(c[5].id, mail("123456789012")), None)
        .unwrap();
    assert_eq!(s.pending_receipts().unwrap().len(), 4);

    let year = today().year();
    let b1 = s
        .create_receipt_batch(
            Some(&[c[0].id, c[1].id]),
            today(),
            Some("1111-2222-3333"),
            None,
        )
        .unwrap();
    assert_eq!(b1.number, format!("R{year}-0001"));
    assert_eq!(b1.tracking_no.as_deref(), Some("111122223333"));
    assert_eq!(b1.status, BatchStatus::Open);

    // A receipt is in one batch only.
    refused(
        s.create_receipt_batch(Some(&[c[1].id, c[2].id]), today(), None, None),
        "既に返送バッチ",
    );
    // A handover whose receipt sits in an open batch cannot be cancelled behind the batch's back.
    refused(s.cancel_handover(c[0].id, "誤って記録", None), "返送バッチ");
    assert_eq!(
        s.card(c[0].id).unwrap().unwrap().state,
        kofu::domain::CardState::HandedOver
    );
    // Postcard, mail and awaiting cards have no receipt to return.
    refused(
        s.create_receipt_batch(Some(&[c[4].id]), today(), None, None),
        "返送待ちの受領書がありません",
    );
    refused(
        s.create_receipt_batch(Some(&[c[5].id]), today(), None, None),
        "返送待ちの受領書がありません",
    );
    refused(
        s.create_receipt_batch(Some(&[c[6].id]), today(), None, None),
        "返送待ちの受領書がありません",
    );
    // The schema refuses a second live row for the same receipt even without the check.
    let batch_id: i64 = s
        .conn()
        .query_row(
            "SELECT id FROM return_batches WHERE number = ?1",
            [&b1.number],
            |r| r.get(0),
        )
        .unwrap();
    s.conn()
        .execute(
            "INSERT INTO return_batches (kind, number, created_at, created_on) VALUES ('receipts', 'X-1', 'x', '2026-01-01')",
            [],
        )
        .unwrap();
    let dup = s.conn().execute(
        "INSERT INTO return_batch_items (batch_id, card_row, kind) SELECT id, ?1, 'receipts' FROM return_batches WHERE number = 'X-1'",
        [c[0].id],
    );
    assert!(dup.is_err(), "unique live item index");
    assert!(batch_id > 0);

    // "All pending" takes the rest.
    let b2 = s.create_receipt_batch(None, today(), None, None).unwrap();
    let in_b2: Vec<_> = b2.live_items().map(|i| i.card.id).collect();
    assert_eq!(in_b2, [c[2].id, c[3].id]);
    refused(
        s.create_receipt_batch(None, today(), None, None),
        "返送する受領書がありません",
    );

    let sent = s.mark_batch_sent(&b1.number, today(), None, None).unwrap();
    assert_eq!(sent.status, BatchStatus::Sent);
    for x in &c[..2] {
        assert_eq!(
            s.card(x.id).unwrap().unwrap().receipt,
            Some(ReceiptStatus::ReturnedToJmaca)
        );
    }
    refused(
        s.mark_batch_sent(&b1.number, today(), None, None),
        "送付済にできません",
    );
    // A returned receipt keeps the handover from being cancelled (existing rule).
    refused(s.cancel_handover(c[0].id, "誤り", None), "返送済");

    refused(s.reopen_batch(&b1.number, " ", None), "入力してください");
    let re = s.reopen_batch(&b1.number, "封筒に入れ忘れ", None).unwrap();
    assert_eq!(re.status, BatchStatus::Reopened);
    assert_eq!(re.live_items().count(), 0);
    for x in &c[..2] {
        assert_eq!(
            s.card(x.id).unwrap().unwrap().receipt,
            Some(ReceiptStatus::Captured)
        );
    }
    refused(
        s.reopen_batch(&b1.number, "again", None),
        "既に取り消されています",
    );
    assert_eq!(s.pending_receipts().unwrap().len(), 2);
    let b3 = s.create_receipt_batch(None, today(), None, None).unwrap();
    assert_eq!(b3.number, format!("R{year}-0003"));
    assert_eq!(s.return_batches(None).unwrap().len(), 4);

    let kinds = audit_kinds(&s);
    for k in [
        "return_batch_created",
        "return_batch_sent",
        "receipt_returned",
        "receipt_return_reopened",
        "return_batch_reopened",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k} missing");
    }
    // The batch X-1 inserted above behind the store's back is the ledger's one finding.
    let r = s.check().unwrap();
    assert!(r.integrity_ok() && r.audit.ok());
    let findings = r.ledger.unwrap().findings;
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        (findings[0].code.as_str(), findings[0].id.as_str()),
        ("batch_not_in_ledger", "X-1")
    );
}

#[test]
fn uncollected_cards_go_back_in_a_checked_batch_and_handed_over_cards_never_do() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 6, today());
    let c: Vec<_> = (0..6).map(|i| card(&s, i)).collect();
    s.commit_handover(&commit(c[0].id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    refused(
        s.create_card_return_batch(&[c[0].id], today(), None, None),
        "交付済",
    );
    s.set_hold(c[1].id, "入院中", None).unwrap();
    refused(
        s.create_card_return_batch(&[c[1].id], today(), None, None),
        "保留中",
    );

    let b = s
        .create_card_return_batch(&[c[2].id, c[3].id], today(), None, None)
        .unwrap();
    assert_eq!(b.number, format!("C{}-0001", today().year()));
    refused(
        s.create_card_return_batch(&[c[3].id], today(), None, None),
        "既に返却バッチ",
    );
    // A packed card is not handed over.
    refused(
        s.commit_handover(&commit(c[2].id, HandoverRoute::CounterWithReceipt), None),
        "返却バッチ",
    );

    // Each card is read before it goes into the envelope.
    refused(
        s.verify_return_card(&b.number, &facts_for(&c[4]), None),
        "含まれていません",
    );
    let ok = s
        .verify_return_card(&b.number, &facts_for(&c[2]), None)
        .unwrap();
    assert_eq!(ok.id, c[2].id);
    let b = s.require_batch(&b.number).unwrap();
    assert_eq!(
        b.live_items().filter(|i| i.verified_at.is_some()).count(),
        1
    );

    s.mark_batch_sent(&b.number, today(), Some("98765432101"), None)
        .unwrap();
    for x in [&c[2], &c[3]] {
        assert_eq!(s.card(x.id).unwrap().unwrap().state, CardState::Returned);
    }
    refused(s.reopen_batch(&b.number, "誤り", None), "取り消せません");
    refused(
        s.verify_return_card(&b.number, &facts_for(&c[2]), None),
        "未送付の返却バッチではありません",
    );
    // A returned card cannot be handed over or returned again.
    assert!(
        s.commit_handover(&commit(c[3].id, HandoverRoute::CounterWithReceipt), None)
            .is_err()
    );
    refused(
        s.create_card_return_batch(&[c[3].id], today(), None, None),
        "返却済",
    );

    // An open card batch can be cancelled, and its cards are free again.
    let b2 = s
        .create_card_return_batch(&[c[4].id], today(), None, None)
        .unwrap();
    s.reopen_batch(&b2.number, "本人から連絡あり", None)
        .unwrap();
    s.commit_handover(&commit(c[4].id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    assert!(s.check().unwrap().ok());
}

#[test]
fn mail_outcomes_deliver_or_bring_the_card_back_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 3, today());
    let c: Vec<_> = (0..3).map(|i| card(&s, i)).collect();
    s.commit_handover(&commit(c[0].id, mail("1234-5678-9012")), None)
        .unwrap();
    s.commit_handover(&commit(c[1].id, mail("2234-5678-9012")), None)
        .unwrap();
    let list = s.mailed_cards().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].tracking_no.as_deref(), Some("123456789012"));

    let d0 = s.record_mail_delivered(c[0].id, today(), None).unwrap();
    assert_eq!(d0.state, CardState::Delivered);
    refused(
        s.record_mail_delivered(c[0].id, today(), None),
        "郵送中ではありません",
    );
    refused(
        s.record_mail_returned(c[1].id, today(), "", None),
        "入力してください",
    );
    let r1 = s
        .record_mail_returned(c[1].id, today(), "保管期間経過", None)
        .unwrap();
    assert_eq!(r1.state, CardState::Awaiting);
    assert_eq!(r1.receipt, None);
    refused(
        s.record_mail_returned(c[2].id, today(), "x", None),
        "郵送中ではありません",
    );
    // History: the dispatch row and the outcome stay.
    let (handovers, outcomes): (i64, i64) = s
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM handovers WHERE card_row = ?1),
                    (SELECT count(*) FROM mail_outcomes WHERE card_row = ?1 AND outcome = 'returned')",
            [c[1].id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((handovers, outcomes), (1, 1));
    // Back at the desk, it can be handed over at the counter.
    s.commit_handover(&commit(c[1].id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    assert!(s.mailed_cards().unwrap().is_empty());
    let kinds = audit_kinds(&s);
    assert!(kinds.iter().any(|k| k == "mail_delivered"));
    assert!(kinds.iter().any(|k| k == "mail_returned_undelivered"));
}

/// `[uncollected] count = "open_days"`: the days since arrival skip the closed days of
/// data/calendar.toml, so a card that arrived before 年末年始 is due later than by calendar days.
#[test]
fn uncollected_deadlines_can_count_open_days_across_the_new_year() {
    let dir = tempfile::tempdir().unwrap();
    // Fri 2026-12-18; open days after it: 12-21..25 (5), 12-28 (6), 01-04..08 (11), 01-12 (12)
    // (01-11 is 成人の日, 12-29..01-03 年末年始, weekends closed).
    let arrived = d(2026, 12, 18);
    let s = store_in(dir.path(), 1, arrived);
    let calendar = kofu::domain::calendar::DeskCalendar::shipped().unwrap();
    let rules = UncollectedRules {
        notice_days: 12,
        renotice_days: 40,
        return_days: 80,
        count: kofu::domain::calendar::DayCount::OpenDays,
    };
    let on = |day| {
        s.uncollected_due_counted(&rules, day, Some(&calendar))
            .unwrap()
    };
    assert!(on(d(2027, 1, 11)).is_empty(), "11 open days only");
    let due = on(d(2027, 1, 12));
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].days, due[0].due), (12, Some(DueAction::Notice)));
    // The same rule by calendar days was due on 2026-12-30, in the middle of the closure.
    let calendar_days = UncollectedRules {
        count: kofu::domain::calendar::DayCount::CalendarDays,
        ..rules
    };
    let due = s
        .uncollected_due_counted(&calendar_days, d(2026, 12, 30), Some(&calendar))
        .unwrap();
    assert_eq!(due[0].days, 12);
    // Without a calendar the count is calendar days whatever the rule says.
    assert_eq!(s.uncollected(&rules, d(2027, 1, 12)).unwrap()[0].days, 25);
    // The rules file accepts the key and refuses a wrong value.
    let r = UncollectedRules::from_rules_toml(
        "[uncollected]\nnotice_days = 30\nrenotice_days = 90\nreturn_days = 180\ncount = \"open_days\"\n",
    )
    .unwrap();
    assert_eq!(r.count, kofu::domain::calendar::DayCount::OpenDays);
    assert!(
        UncollectedRules::from_rules_toml(
            "[uncollected]\nnotice_days = 30\nrenotice_days = 90\nreturn_days = 180\ncount = \"weeks\"\n",
        )
        .is_err()
    );
}

#[test]
fn uncollected_deadlines_contacts_and_holds() {
    let dir = tempfile::tempdir().unwrap();
    let arrived = d(2026, 11, 1);
    let mut s = store_in(dir.path(), 4, arrived);
    let c: Vec<_> = (0..4).map(|i| card(&s, i)).collect();
    let rules = UncollectedRules::default();
    s.commit_handover(&commit(c[3].id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();

    assert!(
        s.uncollected_due(&rules, arrived + Duration::days(29))
            .unwrap()
            .is_empty()
    );
    let due = s
        .uncollected_due(&rules, arrived + Duration::days(30))
        .unwrap();
    assert_eq!(due.len(), 3, "handed-over cards are not uncollected");
    assert!(
        due.iter()
            .all(|u| u.due == Some(DueAction::Notice) && u.days == 30)
    );

    let contact_day = arrived + Duration::days(34);
    s.record_contact(
        c[0].id,
        ContactMethod::Phone,
        contact_day,
        Some("留守電"),
        None,
    )
    .unwrap();
    refused(
        s.record_contact(c[3].id, ContactMethod::Letter, contact_day, None, None),
        "連絡記録の対象ではありません",
    );
    s.set_hold(c[1].id, "入院中", None).unwrap();
    refused(s.set_hold(c[1].id, " ", None), "入力してください");
    let due = s.uncollected_due(&rules, contact_day).unwrap();
    assert_eq!(due.iter().map(|u| u.card.id).collect::<Vec<_>>(), [c[2].id]);
    let all = s.uncollected(&rules, contact_day).unwrap();
    let held = all.iter().find(|u| u.card.id == c[1].id).unwrap();
    assert_eq!(held.hold.as_deref(), Some("入院中"));
    assert_eq!(held.due, None);
    assert_eq!(
        all.iter()
            .find(|u| u.card.id == c[0].id)
            .unwrap()
            .contacts
            .len(),
        1
    );

    // Re-notice: 90 days after arrival and 60 days after the last contact.
    let day = arrived + Duration::days(93);
    let due = s.uncollected_due(&rules, day).unwrap();
    assert!(
        due.iter().all(|u| u.card.id != c[0].id),
        "last contact only 59 days ago"
    );
    let day = contact_day + Duration::days(60);
    let due = s.uncollected_due(&rules, day).unwrap();
    assert_eq!(
        due.iter().find(|u| u.card.id == c[0].id).unwrap().due,
        Some(DueAction::Renotice)
    );

    // Return after 180 days; the held card stays off the list until unheld.
    let day = arrived + Duration::days(180);
    let due = s.uncollected_due(&rules, day).unwrap();
    assert_eq!(due.len(), 2);
    assert!(due.iter().all(|u| u.due == Some(DueAction::Return)));
    s.clear_hold(c[1].id, None).unwrap();
    refused(s.clear_hold(c[1].id, None), "保留になっていません");
    assert_eq!(s.uncollected_due(&rules, day).unwrap().len(), 3);
    // Packed cards are no longer due.
    s.create_card_return_batch(&[c[0].id], day, None, None)
        .unwrap();
    assert_eq!(s.uncollected_due(&rules, day).unwrap().len(), 2);
    // Holds are history: a new reason replaces the one in force, lifting keeps the rows.
    s.set_hold(c[2].id, "海外出張", None).unwrap();
    s.set_hold(c[2].id, "入院中", None).unwrap();
    s.clear_hold(c[2].id, None).unwrap();
    let (rows, in_force): (i64, i64) = s
        .conn()
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE lifted_at IS NULL) FROM uncollected_holds WHERE card_row = ?1",
            [c[2].id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, in_force), (2, 0));
    // The reason (health information) and contact notes stay out of the audit trail.
    let details: String = kofu::store::audit::events(s.conn(), None)
        .unwrap()
        .into_iter()
        .map(|e| e.detail)
        .collect();
    assert!(
        !details.contains("入院中") && !details.contains("留守電"),
        "{details}"
    );
    let kinds = audit_kinds(&s);
    for k in [
        "uncollected_contact",
        "uncollected_hold_set",
        "uncollected_hold_cleared",
    ] {
        assert!(kinds.iter().any(|x| x == k), "{k}");
    }
}

#[test]
fn daily_and_monthly_reports_count_by_route_and_carry_the_head_hash() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 8, today());
    let c: Vec<_> = (0..8).map(|i| card(&s, i)).collect();
    s.commit_handover(&commit(c[0].id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    s.commit_handover(&commit(c[1].id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    s.commit_handover(&commit(c[2].id, HandoverRoute::CounterWithPostcard), None)
        .unwrap();
    s.commit_handover(&commit(c[3].id, mail("123456789012")), None)
        .unwrap();
    s.commit_handover(&commit(c[4].id, mail("123456789013")), None)
        .unwrap();
    s.record_mail_returned(c[4].id, today(), "不在", None)
        .unwrap();
    // A cancelled handover is listed, not counted.
    s.commit_handover(&commit(c[5].id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    s.cancel_handover(c[5].id, "別人に渡しかけた", None)
        .unwrap();
    let b = s
        .create_card_return_batch(&[c[6].id], today(), None, None)
        .unwrap();
    s.mark_batch_sent(&b.number, today(), None, None).unwrap();
    let rb = s.create_receipt_batch(None, today(), None, None).unwrap();
    s.mark_batch_sent(&rb.number, today(), None, None).unwrap();

    let r = s.daily_report(today()).unwrap();
    assert_eq!(
        (r.counter_receipt, r.counter_postcard, r.mail_dispatched),
        (2, 1, 2)
    );
    assert_eq!((r.mail_delivered, r.mail_returned), (0, 1));
    assert_eq!((r.cards_returned, r.receipts_returned), (1, 2));
    assert_eq!(
        r.lines.len(),
        7,
        "6 handovers and dispatches, 1 card returned"
    );
    assert!(
        r.lines
            .iter()
            .any(|l| l.card_id == c[6].card_id && l.route == "return")
    );
    assert!(
        r.lines
            .iter()
            .any(|l| l.card_id == c[5].card_id && l.cancelled)
    );
    assert_eq!(r.audit_head, s.audit_head().unwrap());
    let html = kofu::export::daily_html(&r, "テスト窓口");
    assert!(html.contains(&c[0].name));
    assert!(html.contains(r.audit_head.as_deref().unwrap()));

    let month = format!("{:04}-{:02}", today().year(), today().month());
    let m = s.monthly_report(&month).unwrap();
    assert_eq!(m.received, 8);
    assert_eq!(m.handed_over, 3);
    assert_eq!(m.mailed, 2);
    assert_eq!(m.returned, 1);
    assert_eq!(m.receipts_returned, 2);
    // At the month end: 4 (undelivered mail), 5 (cancelled) and 7 are at the desk.
    assert_eq!(m.uncollected_at_end, 3);
    assert_eq!(m.audit_head, s.audit_head().unwrap());
    let last_month = today().with_day(1).unwrap() - Duration::days(1);
    let prev = s
        .monthly_report(&format!(
            "{:04}-{:02}",
            last_month.year(),
            last_month.month()
        ))
        .unwrap();
    assert_eq!((prev.received, prev.uncollected_at_end), (0, 0));
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn daily_backup_once_a_day_keeps_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let s = store_in(dir.path(), 3, today());
    let bdir = backups::backups_dir(s.path());
    std::fs::create_dir_all(&bdir).unwrap();
    for old in [
        "kofu-20200101.db",
        "kofu-20200102.db",
        "kofu-20200103.db",
        "notes.txt",
    ] {
        std::fs::write(bdir.join(old), b"old").unwrap();
    }
    let made = s
        .auto_backup(&bdir, 2)
        .unwrap()
        .expect("first start of the day");
    assert_eq!(
        made.file_name().unwrap().to_str().unwrap(),
        format!("kofu-{}.db", today().format("%Y%m%d"))
    );
    #[cfg(unix)]
    assert_eq!(mode(&made), 0o600);
    assert!(
        Store::open_readonly(&made, &clock())
            .unwrap()
            .check()
            .unwrap()
            .ok()
    );
    assert!(
        s.auto_backup(&bdir, 2).unwrap().is_none(),
        "second start: nothing new"
    );
    let left = backups::list_auto_backups(&bdir).unwrap();
    let names: Vec<_> = left
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "kofu-20200103.db".to_string(),
            format!("kofu-{}.db", today().format("%Y%m%d"))
        ]
    );
    assert!(
        bdir.join("notes.txt").exists(),
        "other files are left alone"
    );
}

fn sha(p: &std::path::Path) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(p).unwrap()).to_vec()
}

#[test]
fn restore_refuses_garbage_and_tampered_files_and_keeps_the_replaced_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 4, today());
    let db = s.path().to_path_buf();
    let good = dir.path().join("good.db");
    s.backup_to(&good).unwrap();
    // Work after the backup.
    let c0 = card(&s, 0);
    s.commit_handover(&commit(c0.id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    drop(s);
    let before = sha(&db);

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x5au8; 64 * 1024]).unwrap();
    let e = backups::restore(&db, &garbage, &clock())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("使えません") && e.contains("変更していません"),
        "{e}"
    );
    assert_eq!(sha(&db), before, "original untouched");

    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&good, &tampered).unwrap();
    {
        let c = rusqlite::Connection::open(&tampered).unwrap();
        c.execute_batch(
            "DROP TRIGGER audit_events_no_update;
             UPDATE audit_events SET detail = '{\"rows\":1}' WHERE seq = 1;",
        )
        .unwrap();
    }
    let e = backups::restore(&db, &tampered, &clock())
        .unwrap_err()
        .to_string();
    assert!(e.contains("改ざん"), "{e}");
    assert_eq!(sha(&db), before, "original untouched");
    let missing = backups::restore(&db, &dir.path().join("nope.db"), &clock())
        .unwrap_err()
        .to_string();
    assert!(missing.contains("使えません"), "{missing}");
    assert_eq!(sha(&db), before);

    let r = backups::restore(&db, &good, &clock()).unwrap();
    let kept = std::path::PathBuf::from(r.replaced.unwrap());
    assert!(
        kept.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("kofu.db.replaced-")
    );
    assert_eq!(
        sha(&kept),
        before,
        "the replaced database is kept as it was"
    );
    let s = Store::open(&db, &clock()).unwrap();
    assert_eq!(
        s.card(c0.id).unwrap().unwrap().state,
        CardState::Awaiting,
        "back to the backup"
    );
    assert!(s.check().unwrap().ok());
    assert_eq!(
        audit_kinds(&s).last().map(String::as_str),
        Some("database_restored")
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&kept), 0o600);
    }
}

#[test]
fn officer_passphrases_and_disabled_officers() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 2, today());
    let a = s
        .add_officer_with_passphrase("佐々木", Some("correct horse"))
        .unwrap();
    let b = s.add_officer_with_passphrase("鈴木", None).unwrap();
    assert!(a.has_passphrase && !b.has_passphrase);
    refused(s.add_officer_with_passphrase("佐々木", None), "既に登録");
    refused(
        s.add_officer_with_passphrase("田中", Some("abc")),
        "4文字以上",
    );
    assert!(s.verify_officer_passphrase(a.id, "correct horse"));
    assert!(!s.verify_officer_passphrase(a.id, "correct horsE"));
    assert!(
        !s.verify_officer_passphrase(b.id, ""),
        "no passphrase never verifies"
    );
    let hash: String = s
        .conn()
        .query_row(
            "SELECT passphrase_hash FROM officers WHERE id = ?1",
            [a.id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("correct"));

    s.set_officer_active(a.id, false).unwrap();
    assert!(
        !s.verify_officer_passphrase(a.id, "correct horse"),
        "disabled"
    );
    let c0 = card(&s, 0);
    let at = today().and_hms_opt(10, 0, 0).unwrap();
    refused(s.set_appointment(c0.id, at, None, Some(a.id)), "無効化");
    s.set_appointment(c0.id, at, None, Some(b.id)).unwrap();
    // Disabled officers stay in the history.
    assert_eq!(s.officers(true).unwrap().len(), 2);
    assert_eq!(s.officers(false).unwrap().len(), 1);
}

#[test]
fn arrival_check_compares_the_rules_expiry_with_the_card() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 3, today());
    let known = issuers();
    let c2 = card(&s, 2);
    // The rule gives a different expiry than the card and the list: shown as 要確認, still verified.
    let other_day = c2.expiry_date.succ_opt().unwrap();
    match s
        .arrival_read(
            Some(c2.shipment_id),
            &facts_for(&c2),
            &ctx(&known),
            &|_, _, _| Some(other_day),
            None,
        )
        .unwrap()
    {
        ArrivalRead::Checked { check, outcome } => {
            assert_eq!(check.result, ArrivalOutcome::Verified);
            assert_eq!(
                outcome.result,
                kofu::domain::matching::MatchResult::NearMatch
            );
            assert!(
                outcome
                    .reasons
                    .iter()
                    .any(|r| r.message.contains(&other_day.to_string())),
                "{:?}",
                outcome.reasons
            );
        }
        other => panic!("{other:?}"),
    }
}

// ---- The calendar day is the JST day, whatever the machine's zone (the clock is an input). ----

/// Move the store's (shared, fixed) clock to an RFC 3339 instant.
fn at(store: &Store, instant: &str) {
    store
        .clock()
        .set(chrono::DateTime::parse_from_rfc3339(instant).unwrap());
}

#[test]
fn a_handover_after_midnight_jst_is_on_the_new_days_and_months_reports() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path(), 2, d(2026, 12, 20));
    let (a, b) = (card(&store, 0), card(&store, 1));
    // 2026-12-31 15:30 UTC is 2027-01-01 00:30 in Japan.
    at(&store, "2026-12-31T15:30:00Z");
    store
        .commit_handover(&commit(a.id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    at(&store, "2026-12-31T23:59:59+09:00");
    store
        .commit_handover(&commit(b.id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();

    let jan1 = store.daily_report(d(2027, 1, 1)).unwrap();
    assert_eq!(jan1.counter_receipt, 1);
    assert_eq!(jan1.lines.len(), 1);
    assert_eq!(
        (jan1.lines[0].card_id.as_str(), jan1.lines[0].time.as_str()),
        (a.card_id.as_str(), "00:30")
    );
    let dec31 = store.daily_report(d(2026, 12, 31)).unwrap();
    assert_eq!(dec31.counter_receipt, 1);
    assert_eq!(
        (
            dec31.lines[0].card_id.as_str(),
            dec31.lines[0].time.as_str()
        ),
        (b.card_id.as_str(), "23:59")
    );
    assert_eq!(store.monthly_report("2027-01").unwrap().handed_over, 1);
    assert_eq!(store.monthly_report("2026-12").unwrap().handed_over, 1);
    // The audit trail carries the JST instants, in the order the events were written.
    let times: Vec<String> = kofu::store::audit::events(store.conn(), None)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "handed_over")
        .map(|e| e.at)
        .collect();
    assert_eq!(
        times,
        [
            "2027-01-01T00:30:00.000+09:00",
            "2026-12-31T23:59:59.000+09:00"
        ]
    );
}

#[test]
fn days_since_arrival_and_due_actions_flip_at_midnight_jst() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path(), 1, d(2026, 12, 2));
    let rules = UncollectedRules::default(); // first notice 30 days after arrival
    let due_now = |store: &Store| {
        let v = store.uncollected(&rules, store.clock().today()).unwrap();
        (v[0].days, v[0].due)
    };
    at(&store, "2026-12-31T23:59:59+09:00");
    assert_eq!(due_now(&store), (29, None));
    // One second later it is 2027-01-01 in Japan (still 2026-12-31 14:59:59 UTC, hours before
    // a UTC date would change at 09:00 JST).
    store.clock().advance(Duration::seconds(1));
    assert_eq!(store.clock().now_utc().day(), 31);
    assert_eq!(due_now(&store), (30, Some(DueAction::Notice)));
    at(&store, "2027-01-01T08:59:59+09:00");
    assert_eq!(due_now(&store), (30, Some(DueAction::Notice)));
}

#[test]
fn the_daily_backup_is_named_by_the_jst_date_half_an_hour_after_midnight() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path(), 1, d(2026, 12, 2));
    at(&store, "2026-12-31T15:30:00Z");
    let bdir = dir.path().join("backups");
    let made = store.auto_backup(&bdir, 5).unwrap().expect("a new backup");
    assert_eq!(
        made.file_name().unwrap().to_string_lossy(),
        "kofu-20270101.db"
    );
    // The same JST day makes no second backup; the next JST day does.
    at(&store, "2027-01-01T23:59:59+09:00");
    assert!(store.auto_backup(&bdir, 5).unwrap().is_none());
    store.clock().advance(Duration::seconds(1));
    let next = store
        .auto_backup(&bdir, 5)
        .unwrap()
        .expect("next day's backup");
    assert!(next.ends_with("kofu-20270102.db"), "{}", next.display());
}

#[test]
fn leap_day_through_every_route_and_the_reports() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path(), 4, d(2028, 2, 28));
    at(&store, "2028-02-29T10:15:00+09:00");
    let leap = d(2028, 2, 29);
    assert_eq!(store.clock().today(), leap);
    let cards: Vec<_> = (0..3).map(|i| card(&store, i)).collect();
    store
        .commit_handover(
            &commit(cards[0].id, HandoverRoute::CounterWithReceipt),
            None,
        )
        .unwrap();
    store
        .commit_handover(
            &commit(cards[1].id, HandoverRoute::CounterWithPostcard),
            None,
        )
        .unwrap();
    let by_mail = HandoverRoute::Mail {
        dispatch_date: leap,
        tracking_no: "1234-5678-9012".into(),
    };
    store
        .commit_handover(&commit(cards[2].id, by_mail), None)
        .unwrap();
    let day = store.daily_report(leap).unwrap();
    assert_eq!(
        (
            day.counter_receipt,
            day.counter_postcard,
            day.mail_dispatched
        ),
        (1, 1, 1)
    );
    assert!(
        day.lines.iter().all(|l| l.time == "10:15"),
        "{:?}",
        day.lines
    );
    let next = store.daily_report(d(2028, 3, 1)).unwrap();
    assert_eq!(next.lines.len(), 0);
    let feb = store.monthly_report("2028-02").unwrap();
    assert_eq!((feb.received, feb.handed_over, feb.mailed), (4, 2, 1));
    assert_eq!(feb.last_day, leap);
    assert_eq!(feb.uncollected_at_end, 1);
    // The card still waiting counts Feb 29 as a day of its own.
    at(&store, "2028-03-01T00:00:00+09:00");
    let left = store
        .uncollected(&UncollectedRules::default(), store.clock().today())
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].days, 2);
    assert_eq!(
        store
            .card_by_card_id(&cards[2].card_id)
            .unwrap()
            .unwrap()
            .state,
        CardState::Mailed
    );
}

#[test]
fn a_serial_with_a_leading_zero_is_one_string_from_the_card_to_the_audit_trail() {
    use crate::support::certs;
    use kofu::domain::office::ArrivalRead;
    // The certificate's serial bytes start with 0x0f: hex "0f00000000001eef".
    let der = certs::issue(&certs::TestDoctor {
        serial: vec![0x0f, 0, 0, 0, 0, 0, 0x1e, 0xef],
        ..Default::default()
    });
    let facts = kofu::card::cert::parse_certificate(&der).unwrap();
    assert_eq!(facts.serial_hex, "f00000000001eef");
    // The shipping list prints it another way again.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("kofu.db"), &clock()).unwrap();
    let row = common::row(0);
    let row = row.strip_suffix(",,,").unwrap();
    let csv = format!("{}\n{row},0F:00:00:00:00:00:1E:EF,,\n", common::HEADER);
    import_into(&mut store, &csv, today());
    let record = card(&store, 0);
    assert_eq!(record.cert_serial.as_deref(), Some("f00000000001eef"));
    let known = issuers();
    let none = |_: NaiveDate, _: NaiveDate, _: &kofu::domain::expiry::IssueContext| None;
    let read = store
        .arrival_read(None, &facts, &ctx(&known), &none, None)
        .unwrap();
    let ArrivalRead::Checked { check, .. } = read else {
        panic!("the card was not found by its serial: {read:?}")
    };
    assert_eq!(check.card_row, record.id);
    assert_eq!(check.cert_serial_read.as_deref(), Some("f00000000001eef"));
    let trail: String = kofu::store::audit::events(store.conn(), None)
        .unwrap()
        .into_iter()
        .map(|e| e.detail)
        .collect();
    assert!(trail.contains("f00000000001eef"), "{trail}");
    assert!(!trail.contains("0f00000000001eef"), "{trail}");
}
