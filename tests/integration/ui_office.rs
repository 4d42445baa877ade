//! 業務メニュー: flows through `App::handle` (what the officer does and what the app asks the
//! runtime to do), and the runtime's office jobs against a real store.

use crate::support::office as office_support;

use crate::support::scenes::office::{
    answer_office, sample_mail_items, sample_pending_receipts, sample_receipt_batches,
};
use crate::support::scenes::{ch, feed, press, sample_app, sample_rules, today};
use chrono::NaiveDate;
use crossterm::event::KeyCode;
use kofu::app::dialogs::FAULT_ADVICE;
use kofu::app::screens::office::{BatchChange, Office, OfficeLoaded};
use kofu::app::{App, Context, Dialog, Effect, Event, Loaded, OfficeRequest, Screen};
use kofu::domain::failure::{Failure, FailureKind};
use kofu::domain::handover::HandoverRoute;
use kofu::domain::office::ArrivalProblem;
use kofu::domain::{CardState, ReceiptStatus};
use kofu::runtime::office::{OfficeEnv, run};
use kofu::store::office::BatchStatus;
use kofu::ui::render_to_text;
use office_support::{commit, mail, store_in};

fn office_requests(fx: &[Effect]) -> Vec<OfficeRequest> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Office(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

fn typed(app: &mut App, s: &str) -> Vec<Effect> {
    feed(app, s.chars().map(ch))
}

fn loaded(app: &mut App, l: OfficeLoaded) -> Vec<Effect> {
    app.handle(Event::Loaded(Loaded::Office(l)))
}

/// The queue, F12, the receipts screen with its lists loaded.
fn receipts_app() -> App {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(12)));
    let fx = app.handle(ch('1'));
    assert_eq!(office_requests(&fx), vec![OfficeRequest::LoadReceipts]);
    answer_office(&mut app, &fx);
    app
}

fn top_error(app: &App) -> Option<String> {
    match app.dialogs.last() {
        Some(Dialog::Message { lines, error, .. }) if *error => Some(lines.join(" ")),
        _ => None,
    }
}

#[test]
fn f12_opens_the_menu_and_esc_goes_back_to_the_queue() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(12)));
    assert_eq!(app.context(), Context::OfficeMenu);
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("受領書返送"), "{text}");
    assert!(text.contains("本人限定受取郵便"), "{text}");
    // Menu keys are not typed into the (hidden) queue search.
    app.handle(press(KeyCode::Down));
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(office_requests(&fx), vec![OfficeRequest::LoadMail]);
    assert_eq!(app.context(), Context::OfficeMail);
    app.handle(press(KeyCode::Esc));
    assert_eq!(app.context(), Context::OfficeMenu);
    let fx = app.handle(press(KeyCode::Esc));
    assert!(matches!(app.screen, Screen::Queue));
    assert!(fx.iter().any(|e| matches!(e, Effect::Search(_))));
    assert_eq!(app.queue.search.value(), "");
}

#[test]
fn a_receipt_batch_of_the_marked_receipts_with_a_tracking_number() {
    let mut app = receipts_app();
    let pending = sample_pending_receipts();
    // Mark the first and the third.
    feed(&mut app, [ch(' '), press(KeyCode::Down), ch(' ')]);
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("（印 2・目安超過 1）"), "{text}");
    // Each receipt shows its handover day and the day it is due back; a late one says so.
    assert!(text.contains("11/05 11/19（超過）"), "{text}");
    assert!(text.contains("11/24 12/08 "), "{text}");
    app.handle(ch('n'));
    assert_eq!(app.context(), Context::OfficeInput);
    // Letters go into the field, not to the screen's shortcuts.
    typed(&mut app, "12345678901s");
    app.handle(press(KeyCode::Backspace));
    typed(&mut app, "2");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::CreateReceiptBatch {
            cards: Some(vec![pending[0].card.id, pending[2].card.id]),
            on: today(),
            tracking_no: Some("123456789012".into()),
            officer_id: 1,
        }]
    );
    assert!(app.dialogs.is_empty());
    // The store made it: the batch list is reloaded and gets the cursor.
    let mut b = sample_receipt_batches().remove(0);
    b.number = "R2026-0003".into();
    let fx = loaded(
        &mut app,
        OfficeLoaded::Batch {
            change: BatchChange::Created,
            result: Ok(b),
        },
    );
    assert_eq!(office_requests(&fx), vec![OfficeRequest::LoadReceipts]);
    let flash = app.session.flash.clone().expect("a message");
    assert!(
        flash.text.contains("R2026-0003") && !flash.error,
        "{flash:?}"
    );
    let Some(Office::Receipts(v)) = app.office() else {
        panic!("receipts screen")
    };
    assert!(v.batches.focused);
    assert!(v.marked.is_empty());
}

#[test]
fn no_mark_means_every_pending_receipt_and_a_refusal_is_shown() {
    let mut app = receipts_app();
    app.handle(ch('n'));
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::CreateReceiptBatch {
            cards: None,
            on: today(),
            tracking_no: None,
            officer_id: 1,
        }]
    );
    loaded(
        &mut app,
        OfficeLoaded::Batch {
            change: BatchChange::Created,
            result: Err(Failure::refused(
                "カード D2610000123 には返送待ちの受領書がありません（受領書: 返送済）",
            )),
        },
    );
    let err = top_error(&app).expect("an error dialog");
    assert!(err.contains("返送待ちの受領書がありません"), "{err}");
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("バッチを作成できませんでした"), "{text}");
    app.handle(press(KeyCode::Enter));
    assert_eq!(app.context(), Context::OfficeReceipts);
}

#[test]
fn mark_sent_asks_first_and_only_for_an_open_batch() {
    let mut app = receipts_app();
    let batches = sample_receipt_batches();
    app.handle(press(KeyCode::Tab));
    // The first batch is open.
    app.handle(ch('s'));
    assert_eq!(app.context(), Context::OfficeConfirm);
    // Esc keeps everything as it was.
    assert!(app.handle(press(KeyCode::Esc)).is_empty());
    app.handle(ch('s'));
    let fx = app.handle(ch('y'));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::MarkBatchSent {
            number: batches[0].number.clone(),
            on: today(),
            officer_id: 1,
        }]
    );
    // The second one is already sent: refused without a dialog.
    app.handle(press(KeyCode::Down));
    let fx = app.handle(ch('s'));
    assert!(fx.is_empty());
    assert!(app.dialogs.is_empty());
    let flash = app.session.flash.clone().expect("a message");
    assert!(flash.error && flash.text.contains("送付済"), "{flash:?}");
}

#[test]
fn reopening_a_sent_batch_needs_a_reason() {
    let mut app = receipts_app();
    let batches = sample_receipt_batches();
    assert_eq!(batches[1].status, BatchStatus::Sent);
    feed(
        &mut app,
        [press(KeyCode::Tab), press(KeyCode::Down), ch('r')],
    );
    assert_eq!(app.context(), Context::OfficeInput);
    let fx = app.handle(press(KeyCode::Enter));
    assert!(fx.is_empty(), "no reason, no correction");
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("訂正の理由を入力してください"), "{text}");
    typed(&mut app, "件数の誤り");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::ReopenBatch {
            number: batches[1].number.clone(),
            reason: "件数の誤り".into(),
            officer_id: 1,
        }]
    );
    loaded(
        &mut app,
        OfficeLoaded::Batch {
            change: BatchChange::Reopened,
            result: Err(Failure::refused(
                "担当者 1 は無効化されています。別の担当者を選んでください",
            )),
        },
    );
    assert!(top_error(&app).is_some_and(|e| e.contains("無効化")));
}

#[test]
fn the_cover_list_export_shows_where_the_files_went() {
    let mut app = receipts_app();
    app.handle(press(KeyCode::Tab));
    let fx = app.handle(ch('o'));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::ExportBatch {
            number: "R2026-0002".into()
        }]
    );
    loaded(
        &mut app,
        OfficeLoaded::Exported(Ok(vec![
            "/srv/kofu/exports/receipts-R2026-0002.html".into(),
            "/srv/kofu/exports/receipts-R2026-0002.csv".into(),
        ])),
    );
    let text = render_to_text(&app, 120, 40);
    assert!(
        text.contains("/srv/kofu/exports/receipts-R2026-0002.html"),
        "{text}"
    );
    loaded(
        &mut app,
        OfficeLoaded::Exported(Err(Failure::fault(
            "ファイルを書き込めません: /x: Permission denied",
        ))),
    );
    // A fault (not the officer's input) says that nothing changed and whom to call.
    let shown = top_error(&app).unwrap_or_default();
    assert!(shown.contains("書き込めません"), "{shown}");
    assert!(shown.contains(FAULT_ADVICE), "{shown}");
}

#[test]
fn without_an_officer_nothing_is_recorded() {
    let mut app = receipts_app();
    app.session.officer = None;
    app.handle(ch('n'));
    let fx = app.handle(press(KeyCode::Enter));
    assert!(office_requests(&fx).is_empty());
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("担当者が選ばれていません"), "{text}");
}

#[test]
fn mail_delivered_and_returned_with_a_reason() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(12)));
    let fx = app.handle(ch('2'));
    answer_office(&mut app, &fx);
    let items = sample_mail_items();
    // 配達済 asks for the delivery day from the tracking page; today is already filled in.
    app.handle(ch('d'));
    assert_eq!(app.context(), Context::OfficeInput);
    assert!(render_to_text(&app, 80, 24).contains("配達日"));
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::MailDelivered {
            card: items[0].card.id,
            on: today(),
            officer_id: 1,
        }]
    );
    let mut rec = items[0].card.clone();
    rec.state = CardState::Delivered;
    let fx = loaded(
        &mut app,
        OfficeLoaded::MailRecorded {
            delivered: true,
            result: Ok(rec),
        },
    );
    assert!(fx.contains(&Effect::Office(OfficeRequest::LoadMail)));
    assert!(fx.contains(&Effect::LoadCounts));

    app.handle(press(KeyCode::Down));
    app.handle(ch('u'));
    assert!(app.handle(press(KeyCode::Enter)).is_empty());
    assert!(matches!(
        app.dialogs.last(),
        Some(Dialog::Prompt(p)) if p.error.is_some()
    ));
    typed(&mut app, "保管期間経過");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::MailReturned {
            card: items[1].card.id,
            on: today(),
            reason: "保管期間経過".into(),
            officer_id: 1,
        }]
    );
    loaded(
        &mut app,
        OfficeLoaded::MailRecorded {
            delivered: false,
            result: Err(Failure::refused(
                "カード D2610000127 は郵送中ではありません（状態: 配達済）",
            )),
        },
    );
    let err = top_error(&app).expect("error dialog");
    assert!(err.contains("郵送中ではありません"), "{err}");
}

// ---- the runtime's office jobs against a real store -----------------------------------------

#[test]
fn runtime_makes_sends_exports_and_reopens_a_receipt_batch() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path(), 4, today());
    let officer = store.add_officer("受付 一郎").unwrap().id;
    let cards: Vec<_> = (0..4).map(|i| office_support::card(&store, i)).collect();
    for c in &cards[..3] {
        store
            .commit_handover(&commit(c.id, HandoverRoute::CounterWithReceipt), None)
            .unwrap();
    }
    store
        .commit_handover(&commit(cards[3].id, mail("123456789012")), None)
        .unwrap();
    let env = OfficeEnv::for_db(&dir.path().join("kofu.db"), "テスト医師会", sample_rules());
    assert_eq!(env.exports_dir, dir.path().join("exports"));

    let OfficeLoaded::Receipts(Ok((pending, batches))) =
        run(&mut store, &env, OfficeRequest::LoadReceipts)
    else {
        panic!("receipts")
    };
    assert_eq!(pending.len(), 3);
    assert!(batches.is_empty());
    // Handed over on Wed 11/25 (the test clock); 10 open days (rules.toml [receipts]) skip the
    // weekends: due back Wed 12/09.
    for p in &pending {
        assert_eq!(p.handed_on, NaiveDate::from_ymd_opt(2026, 11, 25), "{p:?}");
        assert_eq!(p.due, NaiveDate::from_ymd_opt(2026, 12, 9), "{p:?}");
    }

    // The app's flow decides the request; the runtime runs it.
    let mut app = sample_app(false);
    app.session.officer = Some(kofu::app::OfficerInfo {
        id: officer,
        name: "受付 一郎".into(),
        has_passphrase: false,
    });
    app.handle(press(KeyCode::F(12)));
    app.handle(ch('1'));
    loaded(&mut app, OfficeLoaded::Receipts(Ok((pending, batches))));
    feed(&mut app, [ch(' '), ch(' '), ch('n')]);
    let fx = app.handle(press(KeyCode::Enter));
    let req = office_requests(&fx).remove(0);
    let answer = run(&mut store, &env, req);
    let OfficeLoaded::Batch {
        result: Ok(batch), ..
    } = &answer
    else {
        panic!("{answer:?}")
    };
    assert_eq!(batch.live_items().count(), 2);
    let number = batch.number.clone();
    let fx = loaded(&mut app, answer);
    let reload = run(&mut store, &env, office_requests(&fx).remove(0));
    loaded(&mut app, reload);
    let text = render_to_text(&app, 120, 40);
    assert!(text.contains("返送待ちの受領書 1通"), "{text}");
    assert!(text.contains(&number), "{text}");

    // Export: HTML and CSV, owner-only, named after the batch.
    let OfficeLoaded::Exported(Ok(files)) = run(
        &mut store,
        &env,
        OfficeRequest::ExportBatch {
            number: number.clone(),
        },
    ) else {
        panic!("export")
    };
    assert_eq!(files.len(), 2);
    let html = std::fs::read_to_string(&files[0]).unwrap();
    assert!(html.contains(&number) && html.contains(&cards[0].card_id));
    let csv = std::fs::read(&files[1]).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in &files {
            let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{f}");
        }
    }

    // Sent, then a second "sent" is refused with a Japanese message.
    let sent = OfficeRequest::MarkBatchSent {
        number: number.clone(),
        on: today(),
        officer_id: officer,
    };
    let OfficeLoaded::Batch { result: Ok(b), .. } = run(&mut store, &env, sent.clone()) else {
        panic!("sent")
    };
    assert_eq!(b.status, BatchStatus::Sent);
    assert_eq!(
        store.card(cards[0].id).unwrap().unwrap().receipt,
        Some(ReceiptStatus::ReturnedToJmaca)
    );
    let OfficeLoaded::Batch { result: Err(e), .. } = run(&mut store, &env, sent) else {
        panic!("second send accepted")
    };
    assert!(e.message.contains("送付済にできません"), "{e}");
    assert_eq!(e.kind, FailureKind::Refused, "{e}");

    // Reopen: receipts back to pending.
    let OfficeLoaded::Batch { result: Ok(b), .. } = run(
        &mut store,
        &env,
        OfficeRequest::ReopenBatch {
            number,
            reason: "件数の誤り".into(),
            officer_id: officer,
        },
    ) else {
        panic!("reopen")
    };
    assert_eq!(b.status, BatchStatus::Reopened);
    assert_eq!(store.pending_receipts().unwrap().len(), 3);

    // Mail: returned without a reason is refused; delivered works once.
    let OfficeLoaded::Mail(Ok(items)) = run(&mut store, &env, OfficeRequest::LoadMail) else {
        panic!("mail")
    };
    assert_eq!(items.len(), 1);
    let OfficeLoaded::MailRecorded { result: Err(e), .. } = run(
        &mut store,
        &env,
        OfficeRequest::MailReturned {
            card: cards[3].id,
            on: today(),
            reason: " ".into(),
            officer_id: officer,
        },
    ) else {
        panic!("blank reason accepted")
    };
    assert!(e.message.contains("返送の理由"), "{e}");
    let delivered = OfficeRequest::MailDelivered {
        card: cards[3].id,
        on: today(),
        officer_id: officer,
    };
    let OfficeLoaded::MailRecorded { result: Ok(r), .. } = run(&mut store, &env, delivered.clone())
    else {
        panic!("delivered")
    };
    assert_eq!(r.state, CardState::Delivered);
    let OfficeLoaded::MailRecorded { result: Err(e), .. } = run(&mut store, &env, delivered) else {
        panic!("delivered twice")
    };
    assert!(e.message.contains("郵送中ではありません"), "{e}");
    assert_eq!(e.kind, FailureKind::Refused, "{e}");
}

// ---- 予約 ------------------------------------------------------------------------------------

#[test]
fn start_and_refresh_load_todays_and_tomorrows_appointments_for_the_band() {
    let mut app = sample_app(false);
    let fx = app.start();
    let upcoming = OfficeRequest::LoadUpcoming {
        from: today(),
        to: today() + chrono::Days::new(2),
    };
    assert!(office_requests(&fx).contains(&upcoming));
    assert!(office_requests(&app.handle(press(KeyCode::F(5)))).contains(&upcoming));
    answer_office(&mut app, &fx);
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("本日・明日の予約 3件"), "{text}");
    assert!(text.contains("今日 10:30  山田 太郎"), "{text}");
    assert!(text.contains("明日 09:15  神楽坂 三十四"), "{text}");
    // A new day reloads the band.
    let fx = app.handle(Event::Today(today() + chrono::Days::new(1)));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadUpcoming {
            from: today() + chrono::Days::new(1),
            to: today() + chrono::Days::new(3),
        }]
    );
}

#[test]
fn f9_sets_an_appointment_for_the_selected_card_in_any_date_form() {
    let mut app = sample_app(false);
    let recs = crate::support::scenes::sample_records();
    app.handle(press(KeyCode::Down));
    app.handle(press(KeyCode::F(9)));
    assert_eq!(app.context(), Context::OfficeAppointment);
    // A bad date is refused in the dialog.
    typed(&mut app, "R8.13.1");
    app.handle(press(KeyCode::Tab));
    typed(&mut app, "10:30");
    assert!(office_requests(&app.handle(press(KeyCode::Enter))).is_empty());
    assert!(render_to_text(&app, 80, 24).contains("R8.13.1"));
    // The date field has the focus again; a date in the past is refused too.
    for _ in 0..7 {
        app.handle(press(KeyCode::Backspace));
    }
    typed(&mut app, "令和8年11月24日");
    assert!(office_requests(&app.handle(press(KeyCode::Enter))).is_empty());
    assert!(render_to_text(&app, 80, 24).contains("過去の日付です"));
    for _ in 0.."令和8年11月24日".chars().count() {
        app.handle(press(KeyCode::Backspace));
    }
    // 和暦 with full-width digits; a wrong time is refused.
    typed(&mut app, "Ｒ８．１２．１");
    app.handle(press(KeyCode::Tab));
    app.handle(press(KeyCode::Backspace));
    typed(&mut app, "5");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::SetAppointment {
            card: recs[1].id,
            at: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(10, 35, 0)
                .unwrap(),
            officer_id: 1,
        }]
    );
    assert!(app.dialogs.is_empty());
    let fx = loaded(
        &mut app,
        OfficeLoaded::AppointmentSaved {
            name: recs[1].name.clone(),
            at: None,
            result: Err(Failure::refused(
                "カード D2610000124 は「交付済」のため予約できません",
            )),
        },
    );
    assert!(top_error(&app).is_some_and(|e| e.contains("予約できません")));
    assert!(matches!(
        office_requests(&fx)[..],
        [OfficeRequest::LoadUpcoming { .. }]
    ));
}

/// data/calendar.toml: a closed day is refused with its name (a holiday, the year-end closure, a
/// closed weekday); a day past the last listed holiday year is booked with a warning, not a guess.
#[test]
fn an_appointment_on_a_closed_day_is_refused_with_its_name() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::Down));
    app.handle(press(KeyCode::F(9)));
    let try_date = |app: &mut App, date: &str| {
        // Clear the date field (the dialog keeps the text on a refusal).
        for _ in 0..30 {
            app.handle(press(KeyCode::Backspace));
        }
        typed(app, date);
        app.handle(press(KeyCode::Tab));
        for _ in 0..10 {
            app.handle(press(KeyCode::Backspace));
        }
        typed(app, "10:30");
        app.handle(press(KeyCode::Tab));
        office_requests(&app.handle(press(KeyCode::Enter)))
    };
    for (date, name) in [
        ("2027-01-11", "祝日（成人の日）"),
        ("2026-12-29", "年末年始休業"),
        ("R9.1.3", "年末年始休業"),
        ("2026-11-28", "土曜日"),
        ("2027-03-22", "休日（振替休日）"),
    ] {
        assert!(try_date(&mut app, date).is_empty(), "{date} was booked");
        let text = render_to_text(&app, 120, 40);
        // The reason may wrap before its bracketed name (a phrase boundary).
        assert!(
            text.contains("は休業日です") && text.contains(&format!("（{name}）")),
            "{date}: {text}"
        );
    }
    // 2028-01-05 (a Wednesday) lies past the holiday list: booked, with a warning.
    let fx = try_date(&mut app, "2028-01-05");
    assert!(
        matches!(fx[..], [OfficeRequest::SetAppointment { .. }]),
        "{fx:?}"
    );
    let text = render_to_text(&app, 120, 40);
    assert!(
        text.contains("2028年の祝日は data/calendar.toml にまだありません"),
        "{text}"
    );
}

/// On a closed day the queue says 「本日休業日」 with the reason; on an open day it says nothing.
#[test]
fn the_queue_shows_a_closed_day() {
    let mut app = sample_app(false);
    assert!(!render_to_text(&app, 80, 24).contains("本日休業日"));
    app.session.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    assert!(render_to_text(&app, 80, 24).contains("本日休業日（日曜日）"));
    app.session.today = chrono::NaiveDate::from_ymd_opt(2027, 1, 2).unwrap();
    assert!(render_to_text(&app, 80, 24).contains("本日休業日（年末年始休業）"));
    app.session.today = chrono::NaiveDate::from_ymd_opt(2028, 1, 5).unwrap();
    assert!(render_to_text(&app, 120, 40).contains("2028年の祝日は"));
}

#[test]
fn f8_in_the_dialog_clears_and_a_card_not_awaiting_cannot_be_booked() {
    let mut app = sample_app(false);
    let fx = [app.upcoming_effect()];
    answer_office(&mut app, &fx);
    app.handle(press(KeyCode::F(9)));
    // The existing appointment is filled in.
    let text = render_to_text(&app, 80, 24);
    assert!(
        text.contains("2026-11-25") && text.contains("10:30"),
        "{text}"
    );
    let fx = app.handle(press(KeyCode::F(8)));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::ClearAppointment {
            card: 1,
            officer_id: 1
        }]
    );
    // F2 to 交付済 cards: F9 explains instead of opening the dialog.
    app.handle(press(KeyCode::F(2)));
    let mut handed = crate::support::scenes::sample_records()[0].clone();
    handed.state = CardState::HandedOver;
    app.handle(Event::Loaded(Loaded::Search {
        seq: app.queue.seq,
        result: Ok(vec![handed]),
    }));
    app.handle(press(KeyCode::F(9)));
    assert_eq!(app.context(), Context::Message);
}

#[test]
fn the_day_list_moves_by_day_and_exports() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(12)));
    let fx = app.handle(ch('3'));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadDay { day: today() }]
    );
    answer_office(&mut app, &fx);
    let fx = app.handle(press(KeyCode::Right));
    let tomorrow = today() + chrono::Days::new(1);
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadDay { day: tomorrow }]
    );
    // A late answer for another day is ignored.
    loaded(
        &mut app,
        OfficeLoaded::Day {
            day: today(),
            result: Ok(Vec::new()),
        },
    );
    answer_office(&mut app, &fx);
    let text = render_to_text(&app, 80, 24);
    assert!(
        text.contains("（明日） 1件") && text.contains("神楽坂"),
        "{text}"
    );
    let fx = app.handle(ch('o'));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::ExportDay { day: tomorrow }]
    );
    assert_eq!(
        office_requests(&app.handle(ch('t'))),
        vec![OfficeRequest::LoadDay { day: today() }]
    );
}

#[test]
fn runtime_sets_lists_exports_and_clears_appointments() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path(), 2, today());
    let officer = store.add_officer("受付 一郎").unwrap().id;
    let c = office_support::card(&store, 0);
    let env = OfficeEnv::for_db(&dir.path().join("kofu.db"), "テスト医師会", sample_rules());
    let at = today().and_hms_opt(15, 0, 0).unwrap();
    let OfficeLoaded::AppointmentSaved { result: Ok(()), .. } = run(
        &mut store,
        &env,
        OfficeRequest::SetAppointment {
            card: c.id,
            at,
            officer_id: officer,
        },
    ) else {
        panic!("set")
    };
    let OfficeLoaded::Upcoming(Ok(list)) = run(
        &mut store,
        &env,
        OfficeRequest::LoadUpcoming {
            from: today(),
            to: today() + chrono::Days::new(2),
        },
    ) else {
        panic!("upcoming")
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].at, at);
    let OfficeLoaded::Exported(Ok(files)) =
        run(&mut store, &env, OfficeRequest::ExportDay { day: today() })
    else {
        panic!("export")
    };
    let html = std::fs::read_to_string(&files[0]).unwrap();
    assert!(html.contains(&c.card_id) && html.contains("15:00"));
    let clear = OfficeRequest::ClearAppointment {
        card: c.id,
        officer_id: officer,
    };
    assert!(matches!(
        run(&mut store, &env, clear.clone()),
        OfficeLoaded::AppointmentSaved { result: Ok(()), .. }
    ));
    let OfficeLoaded::AppointmentSaved { result: Err(e), .. } = run(&mut store, &env, clear) else {
        panic!("cleared twice")
    };
    assert!(e.message.contains("予約がありません"), "{e}");
    assert_eq!(e.kind, FailureKind::Refused, "{e}");
}

// ---- 未交付カード --------------------------------------------------------------------------

fn uncollected_app() -> App {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(12)));
    let fx = app.handle(ch('4'));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadUncollected { today: today() }]
    );
    answer_office(&mut app, &fx);
    app
}

#[test]
fn uncollected_list_shows_days_and_due_action_and_filters() {
    let mut app = uncollected_app();
    let text = render_to_text(&app, 120, 40);
    assert!(text.contains("未交付カード 4枚"), "{text}");
    let row = text
        .lines()
        .find(|l| l.contains("D2610000125"))
        .expect("row");
    assert!(row.contains("208日") && row.contains("返却"), "{row}");
    assert!(text.contains("保留: 本人入院中"), "{text}");
    app.handle(press(KeyCode::F(2)));
    let text = render_to_text(&app, 120, 40);
    assert!(
        text.contains("未交付カード 2枚（期限のあるもの）"),
        "{text}"
    );
    assert!(!text.contains("D2610000123"), "{text}");
}

#[test]
fn contact_hold_and_unhold_are_recorded_for_the_selected_card() {
    let mut app = uncollected_app();
    let list = crate::support::scenes::office::sample_uncollected();
    // Row 0 is on hold: h asks to lift it.
    app.handle(ch('h'));
    assert_eq!(app.context(), Context::OfficeConfirm);
    let fx = app.handle(ch('y'));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::ClearHold {
            card: list[0].card.id,
            officer_id: 1
        }]
    );
    // Row 1: hold needs a reason.
    app.handle(press(KeyCode::Down));
    app.handle(ch('h'));
    assert!(app.handle(press(KeyCode::Enter)).is_empty());
    typed(&mut app, "来庁日調整中");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::SetHold {
            card: list[1].card.id,
            reason: "来庁日調整中".into(),
            officer_id: 1
        }]
    );
    // A contact by letter with a note ("c" typed in the note stays in the note).
    app.handle(ch('c'));
    assert_eq!(app.context(), Context::OfficeContact);
    // Tab is the next field, as everywhere: to the method row, where Space changes it.
    app.handle(press(KeyCode::Tab));
    assert_eq!(app.context(), Context::OfficeContactMethod);
    app.handle(ch(' '));
    app.handle(press(KeyCode::Tab));
    assert_eq!(app.context(), Context::OfficeContact);
    typed(&mut app, "通知書を送付c");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::RecordContact {
            card: list[1].card.id,
            method: kofu::store::office::ContactMethod::Letter,
            on: today(),
            note: Some("通知書を送付c".into()),
            officer_id: 1
        }]
    );
    let fx = loaded(
        &mut app,
        OfficeLoaded::UncollectedChanged {
            change: kofu::app::screens::office::UncollectedChange::Contact,
            name: "佐々木 花子".into(),
            result: Err(Failure::refused(
                "担当者 1 は無効化されています。別の担当者を選んでください",
            )),
        },
    );
    assert!(fx.is_empty());
    assert!(top_error(&app).is_some_and(|e| e.contains("無効化")));
}

#[test]
fn a_return_batch_of_the_due_cards_and_each_card_read_before_packing() {
    let mut app = uncollected_app();
    let list = crate::support::scenes::office::sample_uncollected();
    app.handle(ch('b'));
    let fx = app.handle(press(KeyCode::Enter));
    // Only the card due for return (not the held one, not the one due a notice).
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::CreateCardBatch {
            cards: vec![list[1].card.id],
            on: today(),
            tracking_no: None,
            officer_id: 1
        }]
    );
    // Start checking the open batch; a card placed on the reader is verified, not opened.
    feed(&mut app, [press(KeyCode::Tab), ch('k')]);
    let recs = crate::support::scenes::sample_records();
    let fx = crate::support::scenes::place(
        &mut app,
        crate::support::scenes::reading_for(
            &recs[2],
            "佐々木\u{3000}花子",
            crate::support::scenes::FULL_PIN,
        ),
    );
    assert!(
        matches!(app.screen, Screen::Office(_)),
        "stays on the screen"
    );
    let reqs = office_requests(&fx);
    assert!(
        matches!(
            &reqs[..],
            [OfficeRequest::VerifyReturnCard { number, certificate, officer_id: 1 }]
                if number == "C2026-0001" && certificate.serial_hex == recs[2].cert_serial.clone().unwrap()
        ),
        "{reqs:?}"
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::FindByCertificate(_))));
    loaded(
        &mut app,
        OfficeLoaded::ReturnCardVerified(Err(Failure::refused(
            "このカードは返却バッチ C2026-0001 に含まれていません。封入しないでください",
        ))),
    );
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("このカードは封入できません"), "{text}");
    assert!(text.contains("封入しないでくださ"), "{text}");
    app.handle(press(KeyCode::Enter));
    // Stop checking: cards are no longer sent for verification.
    app.handle(ch('k'));
    let fx = crate::support::scenes::place(
        &mut app,
        crate::support::scenes::reading_for(
            &recs[2],
            "佐々木\u{3000}花子",
            crate::support::scenes::FULL_PIN,
        ),
    );
    assert!(office_requests(&fx).is_empty());
    // Sending warns about the unchecked card.
    app.handle(ch('s'));
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("読取確認をしていないカードが 1 枚"), "{text}");
}

#[test]
fn runtime_returns_due_cards_only_after_reading_the_right_card() {
    let dir = tempfile::tempdir().unwrap();
    let arrived = today() - chrono::Days::new(200);
    let mut store = store_in(dir.path(), 3, arrived);
    let officer = store.add_officer("受付 一郎").unwrap().id;
    let env = OfficeEnv::for_db(&dir.path().join("kofu.db"), "テスト医師会", sample_rules());
    let OfficeLoaded::Uncollected(Ok((list, batches))) = run(
        &mut store,
        &env,
        OfficeRequest::LoadUncollected { today: today() },
    ) else {
        panic!("uncollected")
    };
    assert_eq!(list.len(), 3);
    assert!(batches.is_empty());
    assert!(
        list.iter()
            .all(|u| u.due == Some(kofu::store::office::DueAction::Return))
    );
    let cards: Vec<i64> = list.iter().take(2).map(|u| u.card.id).collect();
    let OfficeLoaded::Batch { result: Ok(b), .. } = run(
        &mut store,
        &env,
        OfficeRequest::CreateCardBatch {
            cards: cards.clone(),
            on: today(),
            tracking_no: None,
            officer_id: officer,
        },
    ) else {
        panic!("batch")
    };
    // The third card is not in the batch: refused.
    let outsider = office_support::facts_for(&list[2].card);
    let OfficeLoaded::ReturnCardVerified(Err(e)) = run(
        &mut store,
        &env,
        OfficeRequest::VerifyReturnCard {
            number: b.number.clone(),
            certificate: Box::new(outsider),
            officer_id: officer,
        },
    ) else {
        panic!("wrong card accepted")
    };
    assert!(e.message.contains("封入しないでください"), "{e}");
    assert_eq!(e.kind, FailureKind::Refused, "{e}");
    let OfficeLoaded::ReturnCardVerified(Ok(rec)) = run(
        &mut store,
        &env,
        OfficeRequest::VerifyReturnCard {
            number: b.number.clone(),
            certificate: Box::new(office_support::facts_for(&list[0].card)),
            officer_id: officer,
        },
    ) else {
        panic!("right card refused")
    };
    assert_eq!(rec.id, list[0].card.id);
    // Contact and hold on the third card.
    assert!(matches!(
        run(
            &mut store,
            &env,
            OfficeRequest::SetHold {
                card: list[2].card.id,
                reason: "本人入院中".into(),
                officer_id: officer
            }
        ),
        OfficeLoaded::UncollectedChanged { result: Ok(()), .. }
    ));
    let OfficeLoaded::Uncollected(Ok((list2, batches))) = run(
        &mut store,
        &env,
        OfficeRequest::LoadUncollected { today: today() },
    ) else {
        panic!("reload")
    };
    assert_eq!(batches.len(), 1);
    let verified = batches[0]
        .live_items()
        .filter(|i| i.verified_at.is_some())
        .count();
    assert_eq!(verified, 1);
    let third = list2.iter().find(|u| u.card.id == list[2].card.id).unwrap();
    assert_eq!(third.hold.as_deref(), Some("本人入院中"));
    assert_eq!(third.due, None);
    let OfficeLoaded::Batch {
        result: Ok(sent), ..
    } = run(
        &mut store,
        &env,
        OfficeRequest::MarkBatchSent {
            number: b.number,
            on: today(),
            officer_id: officer,
        },
    )
    else {
        panic!("sent")
    };
    assert_eq!(sent.status, BatchStatus::Sent);
    assert_eq!(
        store.card(cards[0]).unwrap().unwrap().state,
        CardState::Returned
    );
    // Bad rules never reach the screen: the data set refuses them at start, naming the table.
    let data_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        data_dir.path().join("rules.toml"),
        include_str!("../../data/rules.toml").replace("notice_days = 30 ", "notice_days = 300 "),
    )
    .unwrap();
    let e = kofu::data::DataSet::load(Some(data_dir.path()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("rules.toml") && e.contains("日数は"), "{e}");
}

// ---- 入荷確認 --------------------------------------------------------------------------------

#[test]
fn arrival_check_routes_card_readings_to_the_chosen_shipment() {
    let mut app = sample_app(false);
    let recs = crate::support::scenes::sample_records();
    app.handle(press(KeyCode::F(12)));
    let fx = app.handle(ch('5'));
    assert_eq!(office_requests(&fx), vec![OfficeRequest::LoadShipments]);
    answer_office(&mut app, &fx);
    assert_eq!(app.context(), Context::OfficeShipments);
    // Before a shipment is chosen a card does nothing (and does not open a handover).
    let reading = crate::support::scenes::reading_for(
        &recs[0],
        "山田\u{3000}太郎",
        crate::support::scenes::FULL_PIN,
    );
    let fx = crate::support::scenes::place(&mut app, reading.clone());
    assert!(fx.is_empty(), "{fx:?}");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadArrival { shipment: 2 }]
    );
    answer_office(&mut app, &fx);
    assert_eq!(app.context(), Context::OfficeArrival);
    let fx = crate::support::scenes::place(&mut app, reading.clone());
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::ArrivalRead {
            shipment: 2,
            certificate: Box::new(reading.certificate.clone()),
            today: today(),
            officer_id: 1,
        }]
    );
    assert!(matches!(app.screen, Screen::Office(_)));
    let text = render_to_text(&app, 120, 40);
    // Issue 11 #17: the list rows add up to the total, and reads are counted apart.
    assert!(
        text.contains(
            "3枚 = 確認済1+不一致1+解決済0+未読取1+読まずに交付等0 | 読取3回 | 名簿にない1"
        ),
        "{text}"
    );
    assert!(
        text.contains("名簿にない") && text.contains("未読取"),
        "{text}"
    );
    // A refusal from the store is shown.
    let fx = loaded(
        &mut app,
        OfficeLoaded::ArrivalRead(Err(Failure::refused(
            "担当者 1 は無効化されています。別の担当者を選んでください",
        ))),
    );
    assert!(top_error(&app).is_some_and(|e| e.contains("無効化")));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadArrival { shipment: 2 }]
    );
    app.handle(press(KeyCode::Enter));
    // Issue 11 #7: the card not in the list (second row) is resolved with a note too.
    app.handle(press(KeyCode::Down));
    app.handle(ch('r'));
    assert!(
        render_to_text(&app, 120, 40).contains("名簿にないカード（別人 花子）"),
        "{}",
        render_to_text(&app, 120, 40)
    );
    typed(&mut app, "JMACAに返送");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::ResolveArrival {
            problem: ArrivalProblem::NotInList {
                cert_serial: "f0000000000beef".into()
            },
            note: "JMACAに返送".into(),
            officer_id: 1,
        }]
    );
    // A card not read yet (third row) has nothing to resolve: it is read instead.
    app.handle(press(KeyCode::Down));
    assert!(app.handle(ch('r')).is_empty());
    assert!(app.dialogs.is_empty());
    assert!(render_to_text(&app, 120, 40).contains("リーダに置いて読み取って"));
    // The failed card (first row) is resolved with a note.
    app.handle(press(KeyCode::Up));
    app.handle(press(KeyCode::Up));
    app.handle(ch('r'));
    assert!(
        app.handle(press(KeyCode::Enter)).is_empty(),
        "a note is required"
    );
    typed(&mut app, "JMACAに確認済");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::ResolveArrival {
            problem: ArrivalProblem::Failed {
                card_row: recs[1].id
            },
            note: "JMACAに確認済".into(),
            officer_id: 1,
        }]
    );
    // The summary at the end.
    app.handle(ch('e'));
    let text = render_to_text(&app, 80, 24);
    assert!(
        text.contains("入荷確認の集計") && text.contains("未読取 1（"),
        "{text}"
    );
}

#[test]
fn runtime_records_arrival_reads_strays_and_resolutions() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path(), 3, today());
    let officer = store.add_officer("受付 一郎").unwrap().id;
    let env = OfficeEnv::for_db(&dir.path().join("kofu.db"), "テスト医師会", sample_rules());
    let OfficeLoaded::Shipments(Ok(list)) = run(&mut store, &env, OfficeRequest::LoadShipments)
    else {
        panic!("shipments")
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].row_count, 3);
    let shipment = list[0].id;
    let c0 = office_support::card(&store, 0);
    let c1 = office_support::card(&store, 1);
    let read = |store: &mut kofu::store::Store, cert| {
        run(
            store,
            &env,
            OfficeRequest::ArrivalRead {
                shipment,
                certificate: Box::new(cert),
                today: today(),
                officer_id: officer,
            },
        )
    };
    let OfficeLoaded::ArrivalRead(Ok(kofu::store::office::arrival::ArrivalRead::Checked {
        check,
        ..
    })) = read(&mut store, office_support::facts_for(&c0))
    else {
        panic!("checked")
    };
    assert_eq!(check.result, kofu::store::office::ArrivalOutcome::Verified);
    // Card 1's certificate carries someone else's name: failed.
    let mut wrong = office_support::facts_for(&c1);
    wrong.name_kanji = Some("別人 花子".into());
    wrong.subject_cn = "Hanako Betsujin".into();
    let OfficeLoaded::ArrivalRead(Ok(kofu::store::office::arrival::ArrivalRead::Checked {
        check,
        ..
    })) = read(&mut store, wrong)
    else {
        panic!("checked")
    };
    assert_eq!(check.result, kofu::store::office::ArrivalOutcome::Failed);
    // A card from nowhere is a stray.
    let mut stray = office_support::facts_for(&c0);
    stray.serial_hex = "fbeef".into();
    stray.name_kanji = Some("名簿 外子".into());
    assert!(matches!(
        read(&mut store, stray),
        OfficeLoaded::ArrivalRead(Ok(kofu::store::office::arrival::ArrivalRead::NotInList(_)))
    ));
    let OfficeLoaded::Arrival { result: Ok(s), .. } =
        run(&mut store, &env, OfficeRequest::LoadArrival { shipment })
    else {
        panic!("summary")
    };
    assert_eq!(
        (
            s.verified.len(),
            s.failed.len(),
            s.not_read.len(),
            s.strays.len()
        ),
        (1, 1, 1, 1)
    );
    // Resolving needs a note, then works once.
    let resolve = |store: &mut kofu::store::Store, note: &str| {
        run(
            store,
            &env,
            OfficeRequest::ResolveArrival {
                problem: ArrivalProblem::Failed { card_row: c1.id },
                note: note.into(),
                officer_id: officer,
            },
        )
    };
    let OfficeLoaded::ArrivalResolved(Err(e)) = resolve(&mut store, " ") else {
        panic!("blank note accepted")
    };
    assert!(e.message.contains("解決の内容"), "{e}");
    assert!(matches!(
        resolve(&mut store, "JMACAに確認済"),
        OfficeLoaded::ArrivalResolved(Ok(_))
    ));
    let OfficeLoaded::ArrivalResolved(Err(e)) = resolve(&mut store, "二度目") else {
        panic!("resolved twice")
    };
    assert!(
        e.message.contains("未解決の入荷確認の問題がありません"),
        "{e}"
    );
    assert_eq!(e.kind, FailureKind::Refused, "{e}");
    // Issue 11 #7: the card not in the list is resolved by its serial; then no problem is open.
    let OfficeLoaded::ArrivalResolved(Ok(r)) = run(
        &mut store,
        &env,
        OfficeRequest::ResolveArrival {
            problem: ArrivalProblem::NotInList {
                cert_serial: "fbeef".into(),
            },
            note: "JMACAに返送".into(),
            officer_id: officer,
        },
    ) else {
        panic!("stray not resolved")
    };
    assert_eq!(r.label, "シリアル fbeef");
    let OfficeLoaded::Arrival { result: Ok(s), .. } =
        run(&mut store, &env, OfficeRequest::LoadArrival { shipment })
    else {
        panic!("summary")
    };
    assert_eq!(s.open_problems(), 0);
    assert_eq!(s.strays_resolved.len(), 1);
    assert_eq!(
        s.strays_resolved[0].resolution.as_deref(),
        Some("JMACAに返送")
    );
}

// ---- 日報・月報 ------------------------------------------------------------------------------

#[test]
fn reports_by_day_and_month_with_the_audit_head_and_export() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(12)));
    let fx = app.handle(ch('6'));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadDaily { day: today() }]
    );
    answer_office(&mut app, &fx);
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("日報 令和8年11月25日"), "{text}");
    assert!(
        text.contains("9f2c4e1a7b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"),
        "{text}"
    );
    assert!(text.contains("（取消）"), "{text}");
    let fx = app.handle(press(KeyCode::Left));
    let yesterday = today() - chrono::Days::new(1);
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadDaily { day: yesterday }]
    );
    // A late answer for another day does not replace the one asked for.
    loaded(
        &mut app,
        OfficeLoaded::Daily {
            day: today(),
            result: Ok(crate::support::scenes::office::sample_daily(today())),
        },
    );
    assert!(render_to_text(&app, 80, 24).contains("読み込み中"));
    // A date typed in any form.
    app.handle(ch('d'));
    typed(&mut app, "R8.11.2");
    let fx = app.handle(press(KeyCode::Enter));
    let nov2 = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadDaily { day: nov2 }]
    );
    app.handle(ch('d'));
    typed(&mut app, "2026-02-30");
    assert!(app.handle(press(KeyCode::Enter)).is_empty());
    assert!(render_to_text(&app, 80, 24).contains("存在しない日付"));
    app.handle(press(KeyCode::Esc));
    // Monthly, previous month across the year boundary is covered by the unit test.
    let fx = app.handle(ch('m'));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadMonthly {
            month: "2026-11".into()
        }]
    );
    let fx = app.handle(ch('o'));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::ExportMonthly {
            month: "2026-11".into()
        }]
    );
    loaded(
        &mut app,
        OfficeLoaded::Monthly {
            month: "2026-11".into(),
            result: Err(Failure::refused(
                "月「2026-13」を読み取れません（例: 2026-11）",
            )),
        },
    );
    assert!(render_to_text(&app, 80, 24).contains("読み込めませんでした"));
}

#[test]
fn runtime_reports_carry_the_store_audit_head_and_export_html() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path(), 2, today());
    let c = office_support::card(&store, 0);
    store
        .commit_handover(&commit(c.id, HandoverRoute::CounterWithReceipt), None)
        .unwrap();
    let env = OfficeEnv::for_db(&dir.path().join("kofu.db"), "テスト医師会", sample_rules());
    let OfficeLoaded::Daily { result: Ok(r), .. } =
        run(&mut store, &env, OfficeRequest::LoadDaily { day: today() })
    else {
        panic!("daily")
    };
    assert_eq!(r.counter_receipt, 1);
    let head = r.audit_head.clone().expect("a head hash");
    let OfficeLoaded::Exported(Ok(files)) = run(
        &mut store,
        &env,
        OfficeRequest::ExportDaily { day: today() },
    ) else {
        panic!("export")
    };
    let html = std::fs::read_to_string(&files[0]).unwrap();
    assert!(html.contains(&head) && html.contains("テスト医師会"));
    let month = kofu::app::screens::office::reports::month_of(today());
    let OfficeLoaded::Monthly { result: Ok(m), .. } = run(
        &mut store,
        &env,
        OfficeRequest::LoadMonthly {
            month: month.clone(),
        },
    ) else {
        panic!("monthly")
    };
    assert_eq!(m.handed_over, 1);
    let OfficeLoaded::Exported(Ok(files)) =
        run(&mut store, &env, OfficeRequest::ExportMonthly { month })
    else {
        panic!("export monthly")
    };
    assert!(files[0].ends_with(".html"));
    let OfficeLoaded::Monthly { result: Err(e), .. } = run(
        &mut store,
        &env,
        OfficeRequest::LoadMonthly {
            month: "13月".into(),
        },
    ) else {
        panic!("bad month accepted")
    };
    assert!(e.message.contains("読み取れません"), "{e}");
    assert_eq!(e.kind, FailureKind::Refused, "{e}");
}

#[test]
fn the_appointment_band_moves_with_the_desk_date() {
    // The runtime sends the JST date when the clock passes 00:00 JST (runtime unit test); the
    // desk then asks for today's and tomorrow's appointments of the new day.
    let mut app = sample_app(false);
    let new_year = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let fx = app.handle(Event::Today(new_year));
    assert_eq!(app.session.today, new_year);
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::LoadUpcoming {
            from: new_year,
            to: chrono::NaiveDate::from_ymd_opt(2027, 1, 3).unwrap(),
        }]
    );
}

/// Issue 11 (friction): back-office date and time fields take `12/3` (the clock's year) and
/// `1400` / `14時`, as officers type them.
#[test]
fn an_appointment_takes_a_date_without_a_year_and_a_time_without_a_colon() {
    let mut app = sample_app(false);
    let recs = crate::support::scenes::sample_records();
    app.handle(press(KeyCode::Down));
    app.handle(press(KeyCode::F(9)));
    typed(&mut app, "12/3");
    app.handle(press(KeyCode::Tab));
    typed(&mut app, "1400");
    let fx = app.handle(press(KeyCode::Enter));
    let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
        .unwrap()
        .and_hms_opt(14, 0, 0)
        .unwrap();
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::SetAppointment {
            card: recs[1].id,
            at,
            officer_id: 1,
        }],
        "{}",
        render_to_text(&app, 80, 24)
    );
    app.handle(press(KeyCode::F(9)));
    // The same with 12月3日 and 14時 (the fields are cleared first).
    for _ in 0..30 {
        app.handle(press(KeyCode::Backspace));
    }
    typed(&mut app, "12月3日");
    app.handle(press(KeyCode::Tab));
    for _ in 0..10 {
        app.handle(press(KeyCode::Backspace));
    }
    typed(&mut app, "14時");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::SetAppointment {
            card: recs[1].id,
            at,
            officer_id: 1,
        }]
    );
}

/// Issue 11 #5: a 日報 longer than the screen at 80×24 is not cut silently: it says which
/// lines are shown and scrolls to the last record.
#[test]
fn a_long_daily_report_scrolls_and_says_how_many_lines_it_holds() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(12)));
    app.handle(ch('6'));
    let mut report = crate::support::scenes::office::sample_daily(today());
    let template = report.lines[0].clone();
    for i in 0..30 {
        let mut l = template.clone();
        l.time = format!("{:02}:{:02}", 9 + i / 6, (i % 6) * 10);
        l.card_id = format!("D26100009{i:02}");
        report.lines.push(l);
    }
    loaded(
        &mut app,
        OfficeLoaded::Daily {
            day: today(),
            result: Ok(report),
        },
    );
    let text = render_to_text(&app, 80, 24);
    assert!(text.contains("行中 1〜"), "the first page says so: {text}");
    assert!(!text.contains("D2610000929"), "{text}");
    for _ in 0..6 {
        app.handle(press(KeyCode::PageDown));
    }
    let text = render_to_text(&app, 80, 24);
    assert!(
        text.contains("D2610000929"),
        "the last record can be reached: {text}"
    );
    assert!(text.contains("行目"), "{text}");
    // A short report shows as it is, without the mark.
    app.handle(press(KeyCode::Left));
    loaded(
        &mut app,
        OfficeLoaded::Daily {
            day: today() - chrono::Days::new(1),
            result: Ok(crate::support::scenes::office::sample_daily(
                today() - chrono::Days::new(1),
            )),
        },
    );
    assert!(!render_to_text(&app, 120, 40).contains("行中"));
}

/// Issue 11 friction: 配達済 records the delivery date from the tracking page (default today,
/// `12/3` in the current year); a day in the future or before the dispatch is refused.
#[test]
fn mail_delivered_takes_the_delivery_date_and_refuses_impossible_ones() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(12)));
    let fx = app.handle(ch('2'));
    answer_office(&mut app, &fx);
    let items = sample_mail_items();
    app.handle(ch('d'));
    let clear = |app: &mut App| {
        for _ in 0..20 {
            app.handle(press(KeyCode::Backspace));
        }
    };
    clear(&mut app);
    typed(&mut app, "2020-01-01");
    assert!(office_requests(&app.handle(press(KeyCode::Enter))).is_empty());
    let text = render_to_text(&app, 120, 40);
    assert!(text.contains("より前"), "the reason is said: {text}");
    clear(&mut app);
    typed(&mut app, "2026-11-26");
    assert!(office_requests(&app.handle(press(KeyCode::Enter))).is_empty());
    assert!(render_to_text(&app, 120, 40).contains("未来"));
    clear(&mut app);
    typed(&mut app, "11/24");
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        office_requests(&fx),
        vec![OfficeRequest::MailDelivered {
            card: items[0].card.id,
            on: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            officer_id: 1,
        }]
    );
}
