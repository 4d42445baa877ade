//! Flows driven through `App::handle` only (no terminal, no store): what an officer does at
//! the desk, and what the app asks the runtime to do.

use crate::support::scenes::{
    self, FULL_PIN, READER, ch, feed, other_person_reading, place, press, reading_for, sample_app,
    sample_records, to_card_step,
};
use chrono::Datelike;
use crossterm::event::KeyCode;
use kofu::app::{
    App, CardEvent, CardPhase, Dialog, Effect, Event, Loaded, OfficerInfo, Screen, Step,
};
use kofu::domain::CardState;
use kofu::domain::failure::Failure;
use kofu::domain::handover::{HandoverCommit, HandoverRoute, QrHandover};

fn commit_of(fx: &[Effect]) -> Option<HandoverCommit> {
    fx.iter().find_map(|e| match e {
        Effect::CommitHandover { commit, .. } => Some((**commit).clone()),
        _ => None,
    })
}

fn step_name(app: &App) -> &'static str {
    match &app.screen {
        Screen::Queue => "queue",
        Screen::Done(_) => "done",
        Screen::Office(_) => "office",
        Screen::Handover(h) => match &h.step {
            Step::Identity => "identity",
            Step::Card { .. } => "card",
            Step::Handoff { .. } => "handoff",
            Step::Mail { .. } => "mail",
            Step::Confirm { .. } => "confirm",
        },
    }
}

/// Keys counted by the officer; ticks and runtime answers are not keystrokes.
struct Officer<'a> {
    app: &'a mut App,
    keys: usize,
    effects: Vec<Effect>,
}

impl Officer<'_> {
    fn key(&mut self, e: Event) {
        self.keys += 1;
        let fx = self.app.handle(e);
        self.effects.extend(fx);
    }
    fn wait(&mut self) {
        for _ in 0..3 {
            self.app.handle(Event::Tick);
        }
    }
}

/// The counter route for the first record, card on the reader, up to the confirming `y`;
/// returns that key's effects.
fn drive_to_commit(app: &mut App) -> Vec<Effect> {
    let recs = sample_records();
    feed(
        app,
        [
            press(KeyCode::Enter),
            ch('1'),
            ch('m'),
            ch('p'),
            ch('d'),
            press(KeyCode::Enter),
        ],
    );
    place(app, reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN));
    feed(
        app,
        [
            press(KeyCode::Enter),
            ch('q'),
            ch('r'),
            press(KeyCode::Enter),
            press(KeyCode::F(9)),
            Event::Tick,
            Event::Tick,
        ],
    );
    app.handle(ch('y'))
}

fn committed(app: &mut App, fx: &[Effect], state: CardState) {
    let commit = commit_of(fx).expect("a commit effect");
    let mut rec = sample_records()
        .into_iter()
        .find(|r| r.id == commit.card)
        .expect("record");
    rec.state = state;
    app.handle(Event::Loaded(Loaded::Committed(Ok(rec))));
}

#[test]
fn happy_path_counter_with_receipt_card_already_on_reader() {
    let mut app = sample_app(false);
    let recs = sample_records();
    // The physician's card is put on the reader while the queue shows: the app looks it up.
    let fx = place(
        &mut app,
        reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN),
    );
    let facts = fx
        .iter()
        .find_map(|e| match e {
            Effect::FindByCertificate(f) => Some(f.clone()),
            _ => None,
        })
        .expect("find_by_certificate requested");
    let fx = app.handle(Event::Loaded(Loaded::FoundByCertificate {
        serial: facts.serial_hex.clone(),
        result: Ok(Some(recs[0].clone())),
    }));
    assert!(fx.is_empty());
    assert_eq!(
        step_name(&app),
        "identity",
        "the queue jumped to the record"
    );

    let mut o = Officer {
        app: &mut app,
        keys: 0,
        effects: Vec::new(),
    };
    o.key(ch('1')); // 運転免許証
    o.key(ch('m')); // 医師免許証（原本）
    o.key(ch('p'));
    o.key(ch('d'));
    o.key(press(KeyCode::Enter));
    assert_eq!(step_name(o.app), "card");
    o.effects.clear();
    o.key(press(KeyCode::Enter));
    assert_eq!(step_name(o.app), "handoff");
    o.key(ch('q'));
    o.key(ch('r'));
    o.key(press(KeyCode::Enter));
    assert_eq!(step_name(o.app), "confirm");
    o.key(press(KeyCode::F(9)));
    o.wait();
    o.key(ch('y'));
    let keys = o.keys;
    let fx = std::mem::take(&mut o.effects);
    let commit = commit_of(&fx).expect("committed");
    assert_eq!(commit.card, 1);
    assert_eq!(commit.route, HandoverRoute::CounterWithReceipt);
    assert_eq!(
        commit.id_documents,
        vec!["medical_license".to_string(), "driver_license".to_string()]
    );
    assert!(commit.photo_checked && commit.details_confirmed);
    assert_eq!(commit.match_result, "match");
    assert_eq!(commit.qr, QrHandover::PrintedSheet);
    assert_eq!(commit.cert_serial_read.as_deref(), Some("5a00000000000001"));
    assert!(!commit.exception);
    assert_eq!(commit.officer_note, None);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::CommitHandover { officer_id: 1, .. }))
    );
    committed(&mut app, &fx, CardState::HandedOver);
    assert_eq!(step_name(&app), "done");
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(text.contains("JMACA返送"), "{text}");
    assert!(keys <= 12, "{keys} keystrokes");
    // 11 since the 医師免許証（原本） check (m) joined the identity step.
    assert_eq!(keys, 11);
}

#[test]
fn happy_path_from_queue_enter_is_twelve_keys() {
    let mut app = sample_app(false);
    let recs = sample_records();
    let mut o = Officer {
        app: &mut app,
        keys: 0,
        effects: Vec::new(),
    };
    o.key(press(KeyCode::Enter));
    for e in [ch('1'), ch('m'), ch('p'), ch('d'), press(KeyCode::Enter)] {
        o.key(e);
    }
    // Card on the reader now (placing it is not a keystroke).
    place(o.app, reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN));
    for e in [
        press(KeyCode::Enter),
        ch('q'),
        ch('r'),
        press(KeyCode::Enter),
        press(KeyCode::F(9)),
    ] {
        o.key(e);
    }
    o.wait();
    o.key(ch('y'));
    assert!(commit_of(&o.effects).is_some());
    assert_eq!(o.keys, 12);
}

#[test]
fn postcard_route_with_qr_shown_on_screen() {
    let mut app = sample_app(false);
    let recs = sample_records();
    feed(&mut app, [press(KeyCode::Down), press(KeyCode::Enter)]);
    feed(
        &mut app,
        [ch('a'), ch('c'), ch('m'), ch('d'), press(KeyCode::Enter)],
    );
    place(
        &mut app,
        reading_for(&recs[1], "高橋\u{3000}一郎", FULL_PIN),
    );
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::LoadQr(2)], "QR payload loaded only now");
    // Before it arrives, Enter cannot pass.
    app.handle(Event::Loaded(Loaded::Qr {
        record_id: 2,
        result: Ok(Some("KOFU-DEMO-REG:X".into())),
    }));
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains('█'), "QR drawn at 120x40");
    feed(&mut app, [ch('q'), ch('h'), press(KeyCode::Enter)]);
    let confirm_text = kofu::ui::render_to_text(&app, 120, 40);
    // The payload is gone once the step is left.
    assert!(!format!("{:?}", app.screen).contains("KOFU-DEMO-REG"));
    app.handle(press(KeyCode::F(9)));
    feed(&mut app, [Event::Tick, Event::Tick]);
    let fx = app.handle(ch('y'));
    let c = commit_of(&fx).expect("commit");
    assert_eq!(c.route, HandoverRoute::CounterWithPostcard);
    assert_eq!(c.qr, QrHandover::ShownOnScreen);
    assert_eq!(
        c.id_documents,
        vec!["medical_license", "health_insurance", "pension_handbook"]
    );
    // Two documents without a photo: no photo check was asked for, none is recorded.
    assert!(!c.photo_checked && c.details_confirmed);
    // Issue 11 #12: the confirmation said so instead of 「未確認」.
    assert!(!confirm_text.contains("未確認"), "{confirm_text}");
    assert!(
        confirm_text.contains("不要（写真のない書類）"),
        "{confirm_text}"
    );
    committed(&mut app, &fx, CardState::HandedOver);
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(
        text.contains("破棄"),
        "postcard route says to discard the receipt: {text}"
    );
}

#[test]
fn one_list_b_document_is_not_enough() {
    let mut app = sample_app(false);
    feed(
        &mut app,
        [
            press(KeyCode::Enter),
            ch('a'),
            ch('m'),
            ch('p'),
            ch('d'),
            press(KeyCode::Enter),
        ],
    );
    assert_eq!(step_name(&app), "identity");
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(text.contains("B欄の書類2点が必要です"), "{text}");
    feed(&mut app, [ch('c'), press(KeyCode::Enter)]);
    assert_eq!(step_name(&app), "card");
}

#[test]
fn mail_route_validates_tracking_number() {
    let mut app = sample_app(false);
    let recs = sample_records();
    feed(
        &mut app,
        [
            press(KeyCode::Down),
            press(KeyCode::Down),
            press(KeyCode::Down),
        ],
    );
    app.handle(press(KeyCode::Enter));
    assert_eq!(
        step_name(&app),
        "card",
        "mail route starts with the card check"
    );
    place(&mut app, reading_for(&recs[3], "渡邊\u{3000}健", FULL_PIN));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "mail");
    // IME left on: kana typed.
    feed(&mut app, "あいう".chars().map(ch));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "mail");
    assert!(kofu::ui::render_to_text(&app, 80, 24).contains("IMEをオフにしてください"));
    feed(
        &mut app,
        [
            press(KeyCode::Backspace),
            press(KeyCode::Backspace),
            press(KeyCode::Backspace),
        ],
    );
    // Too short.
    feed(&mut app, "1234567890".chars().map(ch));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "mail");
    // Full-width digits from a scanner with the IME on are accepted after NFKC.
    feed(&mut app, "１２".chars().map(ch));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "confirm");
    app.handle(press(KeyCode::F(9)));
    feed(&mut app, [Event::Tick, Event::Tick]);
    let fx = app.handle(ch('y'));
    let c = commit_of(&fx).expect("commit");
    assert_eq!(
        c.route,
        HandoverRoute::Mail {
            dispatch_date: scenes::today(),
            tracking_no: "123456789012".into()
        }
    );
    assert_eq!(c.qr, QrHandover::EnclosedInMail);
    assert!(c.id_documents.is_empty());
}

#[test]
fn mismatch_blocks_until_cancelled_or_recorded_as_exception() {
    let mut app = sample_app(false);
    let recs = sample_records();
    to_card_step(&mut app, 0);
    place(&mut app, other_person_reading(&recs[0]));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "card", "a mismatch blocks");
    // 'y' (near-match approval) does nothing on a mismatch.
    app.handle(ch('y'));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "card");
    // Exception needs a reason.
    app.handle(ch('e'));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "card");
    feed(&mut app, "本人が旧姓のカードを持参".chars().map(ch));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "handoff");
    feed(
        &mut app,
        [
            ch('q'),
            ch('r'),
            press(KeyCode::Enter),
            press(KeyCode::F(9)),
            Event::Tick,
            Event::Tick,
        ],
    );
    // A mismatch recorded as an exception takes a second officer: 'y' asks for one.
    let fx = app.handle(ch('y'));
    assert!(
        commit_of(&fx).is_none(),
        "not recorded by one officer alone"
    );
    assert!(fx.contains(&Effect::LoadOfficers));
    assert!(matches!(app.dialogs.last(), Some(Dialog::SecondOfficer(_))));
    // Only the officer on duty is registered: nobody can confirm.
    assert!(commit_of(&app.handle(press(KeyCode::Enter))).is_none());
    assert!(kofu::ui::render_to_text(&app, 80, 24).contains("確認できる担当者"));
    // The store's list arrives with a second officer who has a passphrase.
    app.handle(Event::Loaded(Loaded::Officers(Ok(vec![
        OfficerInfo {
            id: 1,
            name: "受付 一郎".into(),
            has_passphrase: false,
        },
        OfficerInfo {
            id: 2,
            name: "確認 花子".into(),
            has_passphrase: true,
        },
    ]))));
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(
        text.contains("別の担当者の確認") && text.contains("確認 花子"),
        "{text}"
    );
    assert!(
        !text.contains("受付 一郎（"),
        "the officer on duty cannot confirm: {text}"
    );
    assert!(
        commit_of(&app.handle(press(KeyCode::Enter))).is_none(),
        "passphrase first"
    );
    feed(&mut app, "kagi-1234".chars().map(ch));
    assert!(!kofu::ui::render_to_text(&app, 80, 24).contains("kagi-1234"));
    let c = commit_of(&app.handle(press(KeyCode::Enter))).expect("commit");
    assert!(c.exception);
    assert_eq!(c.match_result, "mismatch");
    assert_eq!(c.officer_note.as_deref(), Some("本人が旧姓のカードを持参"));
    assert!(!c.match_reasons.is_empty());
    let conf = c.confirmation.expect("second officer");
    assert_eq!(conf.officer_id, 2);
    assert_eq!(conf.passphrase.as_deref(), Some("kagi-1234"));

    // The other way out: x cancels the handover, nothing is committed.
    let mut app = sample_app(false);
    to_card_step(&mut app, 0);
    place(&mut app, other_person_reading(&recs[0]));
    let fx = app.handle(ch('x'));
    assert_eq!(step_name(&app), "queue");
    assert!(commit_of(&fx).is_none());
}

#[test]
fn near_match_needs_explicit_confirmation_with_reason() {
    let mut app = sample_app(false);
    let recs = sample_records();
    feed(
        &mut app,
        [
            press(KeyCode::Down),
            press(KeyCode::Enter),
            ch('1'),
            ch('m'),
            ch('p'),
            ch('d'),
            press(KeyCode::Enter),
        ],
    );
    place(
        &mut app,
        reading_for(&recs[1], "髙橋\u{3000}一郎", FULL_PIN),
    );
    app.handle(press(KeyCode::Enter));
    assert_eq!(
        step_name(&app),
        "card",
        "near match is not accepted silently"
    );
    app.handle(ch('y'));
    assert!(app.text_focus(), "the reason field has focus");
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "card", "a reason is required");
    feed(&mut app, "運転免許証で旧字体を確認".chars().map(ch));
    app.handle(press(KeyCode::Enter));
    assert!(matches!(
        app.handover().map(|h| &h.step),
        Some(Step::Handoff { .. })
    ));
    let fx = app.handle(Event::Loaded(Loaded::Qr {
        record_id: 2,
        result: Ok(None),
    }));
    assert!(fx.is_empty());
    feed(
        &mut app,
        [
            ch('q'),
            ch('r'),
            press(KeyCode::Enter),
            press(KeyCode::F(9)),
            Event::Tick,
            Event::Tick,
        ],
    );
    let c = commit_of(&app.handle(ch('y'))).expect("commit");
    assert_eq!(c.match_result, "near_match");
    assert!(!c.exception);
    assert_eq!(c.officer_note.as_deref(), Some("運転免許証で旧字体を確認"));
}

#[test]
fn card_lifted_mid_read_asks_to_place_it_again() {
    let mut app = sample_app(false);
    let recs = sample_records();
    to_card_step(&mut app, 0);
    feed(
        &mut app,
        [
            Event::Card(CardEvent::CardInserted {
                reader: READER.into(),
            }),
            Event::Card(CardEvent::Reading {
                reader: READER.into(),
            }),
            Event::Card(CardEvent::CardRemoved {
                reader: READER.into(),
            }),
        ],
    );
    let h = app.handover().expect("wizard");
    assert!(matches!(
        h.step,
        Step::Card {
            phase: CardPhase::Lifted,
            ..
        }
    ));
    assert!(kofu::ui::render_to_text(&app, 80, 24).contains("もう一度置いてください"));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "card");
    // Placed again: read, matched, on we go.
    place(
        &mut app,
        reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN),
    );
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "handoff");
}

#[test]
fn stale_match_for_a_lifted_card_is_ignored() {
    let mut app = sample_app(false);
    let recs = sample_records();
    to_card_step(&mut app, 0);
    place(
        &mut app,
        reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN),
    );
    // Another card replaces it before the answer comes back.
    let mut other = reading_for(&recs[2], "佐々木\u{3000}花子", FULL_PIN);
    other.certificate.serial_hex = "ff".into();
    place(&mut app, other);
    app.handle(press(KeyCode::Enter));
    assert_eq!(
        step_name(&app),
        "card",
        "the answer for the first card does not count"
    );
}

#[test]
fn esc_goes_back_a_step_without_losing_input() {
    let mut app = sample_app(false);
    let recs = sample_records();
    to_card_step(&mut app, 0);
    place(
        &mut app,
        reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN),
    );
    feed(
        &mut app,
        [
            press(KeyCode::Enter),
            ch('q'),
            ch('h'),
            press(KeyCode::Enter),
        ],
    );
    assert_eq!(step_name(&app), "confirm");
    // Esc in the commit confirmation only closes it.
    app.handle(press(KeyCode::F(9)));
    app.handle(press(KeyCode::Esc));
    assert!(app.dialogs.is_empty());
    assert_eq!(step_name(&app), "confirm");
    app.handle(press(KeyCode::Esc));
    assert_eq!(step_name(&app), "handoff");
    let h = app.handover().expect("wizard");
    assert!(h.handoff_draft.qr_handed);
    app.handle(press(KeyCode::Esc));
    assert_eq!(step_name(&app), "card");
    // The card was lifted meanwhile: the match made earlier still stands.
    app.handle(Event::Card(CardEvent::CardRemoved {
        reader: READER.into(),
    }));
    app.handle(press(KeyCode::Esc));
    assert_eq!(step_name(&app), "identity");
    let h = app.handover().expect("wizard");
    assert!(h.identity_draft.checked[0] && h.identity_draft.photo && h.identity_draft.details);
    // Forward again: the earlier match stands, the handoff input is still there.
    feed(&mut app, [press(KeyCode::Enter), press(KeyCode::Enter)]);
    assert_eq!(step_name(&app), "handoff");
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "confirm");
    // Esc all the way back to the queue: nothing committed. Leaving step 1 asks first.
    let mut all = Vec::new();
    for _ in 0..4 {
        all.extend(app.handle(press(KeyCode::Esc)));
    }
    assert_eq!(step_name(&app), "identity");
    assert!(matches!(
        app.dialogs.last(),
        Some(Dialog::AbandonConfirm { .. })
    ));
    all.extend(app.handle(ch('y')));
    assert_eq!(step_name(&app), "queue");
    assert!(commit_of(&all).is_none());
}

/// Esc on step 1 asks before throwing the handover away (Esc/n keep it); after leaving, and
/// after a commit, the search is empty and the list shows 交付待ち again.
#[test]
fn esc_on_step_one_asks_and_the_queue_comes_back_clean() {
    let mut app = sample_app(false);
    feed(&mut app, "山田".chars().map(ch));
    // すべて (the rows on screen stay the sample's).
    app.queue.filter = None;
    app.handle(press(KeyCode::Enter));
    feed(&mut app, [ch('1'), ch('m')]);
    app.handle(press(KeyCode::Esc));
    assert_eq!(step_name(&app), "identity", "not thrown away at once");
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(
        text.contains("この交付を中止して一覧へ戻りますか"),
        "{text}"
    );
    app.handle(press(KeyCode::Esc));
    assert!(app.dialogs.is_empty());
    let h = app.handover().expect("still in the handover");
    assert!(h.identity_draft.checked[0], "the ticks are kept");
    app.handle(press(KeyCode::Esc));
    app.handle(ch('n'));
    assert_eq!(step_name(&app), "identity");
    app.handle(press(KeyCode::Esc));
    app.handle(ch('y'));
    assert_eq!(step_name(&app), "queue");
    assert_eq!(app.queue.search.value(), "", "search cleared");
    assert_eq!(app.queue.filter, Some(CardState::Awaiting));
}

#[test]
fn already_handed_over_card_cannot_be_handed_over_again() {
    let mut app = sample_app(false);
    let mut rec = sample_records().remove(0);
    rec.state = CardState::HandedOver;
    let seq = app.queue.seq;
    app.handle(Event::Loaded(Loaded::Search {
        seq,
        result: Ok(vec![rec.clone()]),
    }));
    let fx = app.handle(press(KeyCode::Enter));
    assert!(fx.is_empty());
    assert_eq!(step_name(&app), "queue");
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(text.contains("二度交付することはできません"), "{text}");

    // The card of a handed-over record placed on the reader says the same.
    let mut app = sample_app(false);
    let reading = reading_for(&rec, "山田\u{3000}太郎", FULL_PIN);
    place(&mut app, reading.clone());
    app.handle(Event::Loaded(Loaded::FoundByCertificate {
        serial: reading.certificate.serial_hex.clone(),
        result: Ok(Some(rec)),
    }));
    assert_eq!(step_name(&app), "queue");
    assert!(matches!(
        app.dialogs.last(),
        Some(Dialog::Message { error: true, .. })
    ));
}

#[test]
fn store_refusal_at_commit_is_shown_and_nothing_changes() {
    let mut app = sample_app(false);
    let fx = drive_to_commit(&mut app);
    assert!(commit_of(&fx).is_some());
    // A second 'y' while committing does nothing.
    assert!(app.handle(press(KeyCode::F(9))).is_empty());
    app.handle(Event::Loaded(Loaded::Committed(Err(Failure::refused(
        "このカードはすでに交付済です（二度目の交付はできません）",
    )))));
    assert_eq!(step_name(&app), "confirm");
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(text.contains("すでに交付済です"), "{text}");
    assert!(
        !text.contains("システム管理者"),
        "a refusal is not a fault: {text}"
    );
}

#[test]
fn a_database_fault_at_commit_says_nothing_changed_and_the_commit_can_be_tried_again() {
    let mut app = sample_app(false);
    let fx = drive_to_commit(&mut app);
    let first = commit_of(&fx).expect("a commit");
    app.handle(Event::Loaded(Loaded::Committed(Err(Failure::fault(
        "データベースエラー: disk I/O error",
    )))));
    assert_eq!(step_name(&app), "confirm");
    let text = kofu::ui::render_to_text(&app, 100, 30);
    assert!(text.contains("disk I/O error"), "{text}");
    assert!(text.contains("記録は変わっていません"), "{text}");
    assert!(text.contains("システム管理者"), "{text}");
    // The message closes and the same commit can be asked again.
    feed(
        &mut app,
        [
            press(KeyCode::Enter),
            press(KeyCode::F(9)),
            Event::Tick,
            Event::Tick,
        ],
    );
    let again = app.handle(ch('y'));
    assert_eq!(commit_of(&again), Some(first));
}

#[test]
fn correction_needs_a_reason_and_is_sent_to_the_store() {
    let mut app = sample_app(false);
    let mut rec = sample_records().remove(0);
    rec.state = CardState::HandedOver;
    app.handle(press(KeyCode::F(2)));
    let seq = app.queue.seq;
    app.handle(Event::Loaded(Loaded::Search {
        seq,
        result: Ok(vec![rec.clone()]),
    }));
    app.handle(press(KeyCode::F(8)));
    assert!(matches!(app.dialogs.last(), Some(Dialog::CancelReason(_))));
    assert!(
        app.handle(press(KeyCode::Enter)).is_empty(),
        "no reason, no correction"
    );
    feed(&mut app, "別人に交付したため".chars().map(ch));
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(
        fx,
        vec![Effect::CancelHandover {
            card: 1,
            reason: "別人に交付したため".into(),
            officer_id: 1
        }]
    );
    let mut back = rec.clone();
    back.state = CardState::Awaiting;
    let fx = app.handle(Event::Loaded(Loaded::Cancelled(Ok(back))));
    assert!(fx.iter().any(|e| matches!(e, Effect::Search(_))));
    assert!(
        app.session
            .flash
            .as_ref()
            .is_some_and(|f| f.text.contains("取消を記録しました"))
    );
    // A correction the database could not write: the message box says so and whom to call.
    app.handle(Event::Loaded(Loaded::Cancelled(Err(Failure::fault(
        "データベースエラー: database is locked",
    )))));
    let text = kofu::ui::render_to_text(&app, 100, 30);
    assert!(text.contains("取消できませんでした"), "{text}");
    assert!(text.contains("database is locked"), "{text}");
    assert!(text.contains("システム管理者"), "{text}");

    // An awaiting card has nothing to correct.
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(8)));
    assert!(matches!(app.dialogs.last(), Some(Dialog::Message { .. })));
}

#[test]
fn search_results_out_of_order_are_dropped() {
    let mut app = sample_app(false);
    let fx1 = app.handle(ch('山'));
    let fx2 = app.handle(ch('田'));
    let seq1 = scenes::search_seq(&fx1).expect("search");
    let seq2 = scenes::search_seq(&fx2).expect("search");
    let recs = sample_records();
    app.handle(Event::Loaded(Loaded::Search {
        seq: seq2,
        result: Ok(vec![recs[0].clone()]),
    }));
    app.handle(Event::Loaded(Loaded::Search {
        seq: seq1,
        result: Ok(recs.clone()),
    }));
    assert_eq!(app.queue.rows.len(), 1);
    match &fx2[0] {
        Effect::Search(r) => {
            assert_eq!(r.text, "山田");
            assert_eq!(r.state, Some(CardState::Awaiting));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn demo_tray_places_cards_for_the_selected_record() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(6)));
    let fx = app.handle(ch('3'));
    let spec = match &fx[..] {
        [Effect::DemoPlace(s)] => s.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(spec.record_id, 1);
    let facts = spec.facts.expect("HPKI card");
    assert_eq!(
        facts.name_kanji.as_deref(),
        Some("山田\u{3000}太郎"),
        "no variant in 山田"
    );
    assert_eq!(facts.role.as_deref(), Some("Medical Doctor"));
    assert_eq!(facts.not_after, sample_records()[0].expiry_date);
    assert!(app.dialogs.is_empty());
    app.handle(press(KeyCode::Down));
    app.handle(press(KeyCode::F(6)));
    let fx = app.handle(ch('3'));
    match &fx[..] {
        [Effect::DemoPlace(s)] => {
            assert_eq!(
                s.facts
                    .as_ref()
                    .and_then(|f| f.name_kanji.clone())
                    .as_deref(),
                Some("髙橋\u{3000}一郎")
            )
        }
        other => panic!("{other:?}"),
    }
    app.handle(press(KeyCode::F(6)));
    assert_eq!(app.handle(ch('0')), vec![Effect::DemoLift]);
    app.handle(press(KeyCode::F(6)));
    match &app.handle(ch('5'))[..] {
        [Effect::DemoPlace(s)] => assert!(s.facts.is_none()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn quit_in_the_middle_of_a_handover_asks_first() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::Enter));
    assert!(app.handle(press(KeyCode::F(10))).is_empty());
    assert!(!app.session.should_quit);
    app.handle(press(KeyCode::Esc));
    assert!(!app.session.should_quit);
    app.handle(press(KeyCode::F(10)));
    assert_eq!(app.handle(ch('y')), vec![Effect::Quit]);
    assert!(app.session.should_quit);
    // From the queue, F10 quits at once.
    let mut app = sample_app(false);
    assert_eq!(app.handle(press(KeyCode::F(10))), vec![Effect::Quit]);
}

#[test]
fn officer_must_be_chosen_outside_demo() {
    let desk = kofu::app::DeskInfo {
        desk_name: "受付".into(),
        ascii: true,
        demo: false,
        idle_lock_minutes: 1,
        fixed_clock: false,
    };
    let mut app = App::new(desk, scenes::today(), scenes::sample_rules());
    app.start();
    app.handle(Event::Loaded(Loaded::Officers(Ok(Vec::new()))));
    assert!(matches!(app.dialogs.last(), Some(Dialog::OfficerPicker(_))));
    app.handle(press(KeyCode::Esc));
    assert!(!app.dialogs.is_empty(), "cannot dismiss without an officer");
    feed(&mut app, "鈴木".chars().map(ch));
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::AddOfficer("鈴木".into())]);
    app.handle(Event::Loaded(Loaded::OfficerAdded(Ok(
        kofu::app::OfficerInfo {
            id: 7,
            name: "鈴木".into(),
            has_passphrase: false,
        },
    ))));
    assert!(app.dialogs.is_empty());
    assert_eq!(app.session.officer.as_ref().map(|o| o.id), Some(7));
    // Idle for a minute: the desk locks.
    for _ in 0..kofu::app::TICKS_PER_MINUTE {
        app.handle(Event::Tick);
    }
    assert!(app.session.officer.is_none());
    assert!(matches!(app.dialogs.last(), Some(Dialog::OfficerPicker(_))));
}

#[test]
fn reread_asks_to_lift_and_place_the_card_again() {
    let mut app = sample_app(false);
    let recs = sample_records();
    to_card_step(&mut app, 0);
    place(
        &mut app,
        reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN),
    );
    let fx = app.handle(ch('r'));
    assert_eq!(fx, vec![Effect::ReadCard]);
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(text.contains("もう一度置いてください"), "{text}");
    // The card comes back: read and matched again.
    place(
        &mut app,
        reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN),
    );
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "handoff");
}

#[test]
fn next_card_on_the_completion_screen_goes_to_its_record() {
    let mut app = sample_app(false);
    let recs = sample_records();
    let fx = drive_to_commit(&mut app);
    committed(&mut app, &fx, CardState::HandedOver);
    assert_eq!(step_name(&app), "done");
    app.handle(Event::Card(CardEvent::CardRemoved {
        reader: READER.into(),
    }));
    let reading = reading_for(&recs[1], "高橋\u{3000}一郎", FULL_PIN);
    let fx = place(&mut app, reading.clone());
    assert_eq!(step_name(&app), "queue");
    assert!(fx.contains(&Effect::FindByCertificate(reading.certificate.clone())));
    app.handle(Event::Loaded(Loaded::FoundByCertificate {
        serial: reading.certificate.serial_hex.clone(),
        result: Ok(Some(recs[1].clone())),
    }));
    assert_eq!(step_name(&app), "identity");
    assert_eq!(app.handover().map(|h| h.record.id), Some(2));
}

#[test]
fn qr_too_big_for_the_terminal_says_so_instead_of_drawing() {
    for (ascii, w, h, drawn) in [
        (true, 80, 24, false),
        (false, 80, 24, true),
        (true, 120, 40, false),
    ] {
        let mut app = sample_app(ascii);
        let recs = sample_records();
        feed(
            &mut app,
            [
                press(KeyCode::Down),
                press(KeyCode::Enter),
                ch('1'),
                ch('m'),
                ch('p'),
                ch('d'),
                press(KeyCode::Enter),
            ],
        );
        place(
            &mut app,
            reading_for(&recs[1], "高橋\u{3000}一郎", FULL_PIN),
        );
        app.handle(press(KeyCode::Enter));
        app.handle(Event::Loaded(Loaded::Qr {
            record_id: 2,
            result: Ok(Some("KOFU-DEMO-QR-0002-FAKE-0123ABCD".into())),
        }));
        let text = kofu::ui::render_to_text(&app, w, h);
        let asks = text.contains("画面を広げてください");
        if drawn {
            assert!(!asks && text.contains('█'), "{text}");
        } else if ascii && w == 80 {
            assert!(asks && !text.contains('█'), "{text}");
        }
        if ascii && w == 120 {
            // Two cells per module with a background colour: no block characters, and it fits.
            assert!(!asks && !text.contains('█'), "{text}");
            let buf = kofu::ui::render_to_buffer(&app, w, h);
            let black = (0..h)
                .flat_map(|y| (0..w).map(move |x| (x, y)))
                .filter(|&(x, y)| buf[(x, y)].bg == ratatui::style::Color::Black)
                .count();
            assert!(black > 100, "QR modules drawn as black cells: {black}");
        }
    }
}

#[test]
fn quit_works_from_the_officer_picker_at_start() {
    let desk = kofu::app::DeskInfo {
        desk_name: "受付".into(),
        ascii: true,
        demo: false,
        idle_lock_minutes: 0,
        fixed_clock: false,
    };
    let mut app = App::new(desk, scenes::today(), scenes::sample_rules());
    app.start();
    app.handle(Event::Loaded(Loaded::Officers(Ok(Vec::new()))));
    assert!(matches!(app.dialogs.last(), Some(Dialog::OfficerPicker(_))));
    assert_eq!(app.handle(press(KeyCode::F(10))), vec![Effect::Quit]);
}

#[test]
fn a_locked_desk_shows_no_personal_data() {
    let scenes = crate::support::scenes::all(true);
    let (_, locked) = scenes
        .iter()
        .find(|(n, _)| *n == "lock_passphrase")
        .expect("lock scene");
    assert!(locked.session.officer.is_none());
    for (w, h) in [(80, 24), (120, 40)] {
        let text = kofu::ui::render_to_text(locked, w, h);
        for rec in crate::support::scenes::sample_records() {
            let family = rec.name.split('　').next().unwrap_or(&rec.name);
            assert!(
                !text.contains(family),
                "{family} visible while locked:\n{text}"
            );
            assert!(
                !text.contains(&rec.card_id),
                "{} visible while locked",
                rec.card_id
            );
        }
    }
}

#[test]
fn a_fixed_clock_is_said_in_the_header() {
    let mut app = crate::support::scenes::sample_app(false);
    let plain = kofu::ui::render_to_text(&app, 120, 40);
    assert!(!plain.contains("時計固定"));
    app.session.desk.fixed_clock = true;
    for (w, h) in [(120, 40), (80, 24)] {
        let text = kofu::ui::render_to_text(&app, w, h);
        let header = text.lines().next().unwrap_or_default();
        assert!(header.contains("[時計固定]"), "{header}");
    }
}

/// Ctrl+R in the queue opens the reader diagnostics: the dialog asks the runtime for the report
/// (no store, no personal data) and shows the lines it gets back; Esc closes it.
#[test]
fn ctrl_r_in_the_queue_shows_the_reader_diagnostics() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let mut app = sample_app(false);
    let fx = app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('r'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(fx, vec![Effect::DiagnoseReader]);
    assert!(matches!(app.dialogs.last(), Some(Dialog::Message { .. })));
    assert!(kofu::ui::render_to_text(&app, 80, 24).contains("診断しています"));
    app.handle(Event::Loaded(Loaded::Diagnosis(vec![
        "PC/SC サービス: 動作中".into(),
        "リーダ 1: SONY FeliCa Port/PaSoRi 4.0 (RC-S300) 00 00".into(),
    ])));
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains("リーダ診断"), "{text}");
    assert!(text.contains("PC/SC サービス: 動作中"), "{text}");
    assert!(!text.contains("診断しています"), "{text}");
    app.handle(press(KeyCode::Esc));
    assert!(app.dialogs.is_empty());
    // A late answer after the dialog closed changes nothing.
    app.handle(Event::Loaded(Loaded::Diagnosis(vec!["x".into()])));
    assert!(app.dialogs.is_empty());
}

/// JMA's pickup list: the 医師免許証（原本） must be seen (m), besides the identity documents;
/// the photo check (p) is asked for only when a document with a photo was used.
#[test]
fn the_medical_licence_is_required_and_the_photo_check_follows_the_document() {
    let mut app = sample_app(false);
    feed(&mut app, [press(KeyCode::Enter), ch('1'), ch('p'), ch('d')]);
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "identity");
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(
        text.contains("医師免許証（原本）を確認してください（m）"),
        "{text}"
    );
    // The licence seen, the photo of the 運転免許証 not compared: refused.
    feed(&mut app, [ch('m'), ch('p')]);
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "identity");
    assert!(kofu::ui::render_to_text(&app, 80, 24).contains("写真と本人の照合を確認してください"));
    // Two documents without a photo instead: no photo check needed.
    feed(&mut app, [ch('1'), ch('a'), ch('c')]);
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains("写真のない書類のため不要"), "{text}");
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "card");
}

/// Issue 11 #4: a dispatch date before the card arrived (or was issued) is refused with the
/// reason, as a future one is; the card's arrival day itself is accepted.
#[test]
fn dispatch_date_before_the_card_arrived_is_refused() {
    let mut app = sample_app(false);
    let recs = sample_records();
    feed(
        &mut app,
        [
            press(KeyCode::Down),
            press(KeyCode::Down),
            press(KeyCode::Down),
            press(KeyCode::Enter),
        ],
    );
    place(&mut app, reading_for(&recs[3], "渡邊\u{3000}健", FULL_PIN));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "mail");
    // The date field starts filled with today: go to it, clear it and type 2020-01-01.
    app.handle(press(KeyCode::Tab));
    feed(&mut app, std::iter::repeat_n(press(KeyCode::Backspace), 20));
    feed(&mut app, "2020-01-01".chars().map(ch));
    app.handle(press(KeyCode::Tab));
    feed(&mut app, "123456789012".chars().map(ch));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "mail", "2020-01-01 must not pass");
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(
        text.contains("到着日"),
        "the reason names the arrival: {text}"
    );
    assert!(text.contains("より前です"), "{text}");
    // The arrival day is fine (the error put the caret back in the date field).
    feed(&mut app, std::iter::repeat_n(press(KeyCode::Backspace), 20));
    let arrived = recs[3].arrived_on.format("%Y-%m-%d").to_string();
    feed(&mut app, arrived.chars().map(ch));
    app.handle(press(KeyCode::Enter));
    assert_eq!(
        step_name(&app),
        "confirm",
        "{}",
        kofu::ui::render_to_text(&app, 120, 40)
    );
}

/// Issue 11 #18: a reason is stored as typed — the full-width space and brackets stay — while
/// the search field still folds what a scanner or an IME types.
#[test]
fn a_reason_is_recorded_as_typed() {
    let mut app = sample_app(false);
    let recs = sample_records();
    feed(
        &mut app,
        [
            press(KeyCode::Down),
            press(KeyCode::Enter),
            ch('1'),
            ch('m'),
            ch('p'),
            ch('d'),
            press(KeyCode::Enter),
        ],
    );
    place(
        &mut app,
        reading_for(&recs[1], "髙橋\u{3000}一郎", FULL_PIN),
    );
    app.handle(press(KeyCode::Enter));
    app.handle(ch('y'));
    let typed = "旧字体（髙）を確認　運転免許証";
    feed(&mut app, typed.chars().map(ch));
    app.handle(press(KeyCode::Enter));
    app.handle(Event::Loaded(Loaded::Qr {
        record_id: 2,
        result: Ok(None),
    }));
    feed(
        &mut app,
        [
            ch('q'),
            ch('r'),
            press(KeyCode::Enter),
            press(KeyCode::F(9)),
            Event::Tick,
            Event::Tick,
        ],
    );
    let c = commit_of(&app.handle(ch('y'))).expect("commit");
    assert_eq!(c.officer_note.as_deref(), Some(typed));
}

/// The identity match runs in the app, with the desk's rule tables and the app's date: a card
/// whose expiry agrees with the printed one but not with the expiry rule is 要確認, and the
/// reason says the rule's date.
#[test]
fn the_match_at_the_counter_checks_the_expiry_rule() {
    let mut app = sample_app(false);
    let recs = sample_records();
    to_card_step(&mut app, 0);
    // The card and the printed list both say one year later than the rule gives.
    let mut reading = reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN);
    let rule = recs[0].expiry_date;
    let later = rule.with_year(rule.year() + 1).expect("date");
    reading.certificate.not_after = later;
    if let Screen::Handover(h) = &mut app.screen {
        h.record.expiry_date = later;
    }
    let fx = place(&mut app, reading);
    // Nothing is sent away to match; the 要確認 read itself goes into the audit trail.
    assert_eq!(
        fx,
        vec![Effect::RecordCounterRead {
            card: recs[0].id,
            verdict: "near_match",
            reasons: vec!["expiry_near".into()],
            officer_id: Some(1),
        }]
    );
    let Some(h) = app.handover() else {
        panic!("handover")
    };
    let Step::Card {
        phase: CardPhase::Result { outcome, .. },
        ..
    } = &h.step
    else {
        panic!("the reading is matched at once: {:?}", h.step)
    };
    assert_eq!(outcome.result, kofu::app::MatchResult::NearMatch);
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains(&format!("計算 {rule}")), "{text}");
}

/// Issue 12: every card read at the counter that ends in 不一致 or 要確認 is an audit event
/// (card, verdict, reason codes — never names), whether or not a handover follows; a matching
/// read is not.
#[test]
fn mismatched_and_near_reads_at_the_counter_are_recorded() {
    let mut app = sample_app(false);
    let recs = sample_records();
    to_card_step(&mut app, 0);
    let fx = place(
        &mut app,
        reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN),
    );
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::RecordCounterRead { .. })),
        "a match is not an event: {fx:?}"
    );
    let fx = place(&mut app, other_person_reading(&recs[0]));
    let Some(Effect::RecordCounterRead {
        card,
        verdict,
        reasons,
        ..
    }) = fx
        .iter()
        .find(|e| matches!(e, Effect::RecordCounterRead { .. }))
    else {
        panic!("the mismatch is recorded: {fx:?}")
    };
    assert_eq!((*card, *verdict), (recs[0].id, "mismatch"));
    assert!(
        reasons.iter().any(|r| r.starts_with("name_kanji")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .all(|r| r.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
        "codes only, no names: {reasons:?}"
    );
    // Aborting afterwards does not take the event back (it was sent with the read).
    app.handle(ch('x'));
    assert_eq!(step_name(&app), "queue");
}

/// Issue 12: what the start-up ledger check finds stays in the header.
#[test]
fn a_ledger_disagreement_found_at_start_stays_in_the_header() {
    let mut app = sample_app(false);
    app.handle(Event::Loaded(Loaded::LedgerChecked(Ok(vec![
        "カード D2610000123: 状態が台帳と違います（台帳: 交付待ち / 表: 交付済）".into(),
    ]))));
    app.handle(press(KeyCode::Down));
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(
        text.contains("台帳と記録が食い違っています（1 件）"),
        "{text}"
    );
    let mut ok = sample_app(false);
    ok.handle(Event::Loaded(Loaded::LedgerChecked(Ok(Vec::new()))));
    assert!(!kofu::ui::render_to_text(&ok, 120, 40).contains("台帳"));
}

/// Open the first record's handover, tick the identity step, read the card: a handover in
/// progress with a name and birth date on screen.
fn handover_in_progress(app: &mut App) {
    let recs = sample_records();
    feed(
        app,
        [
            press(KeyCode::Enter),
            ch('1'),
            ch('m'),
            ch('p'),
            ch('d'),
            press(KeyCode::Enter),
        ],
    );
    place(app, reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN));
    assert_eq!(step_name(app), "card");
}

fn two_officers() -> Vec<OfficerInfo> {
    vec![
        OfficerInfo {
            id: 1,
            name: "受付 一郎".into(),
            has_passphrase: false,
        },
        OfficerInfo {
            id: 2,
            name: "窓口 花子".into(),
            has_passphrase: false,
        },
    ]
}

/// Issue 11 #3: the idle lock fires during a handover too, and hides it; the officer who had
/// it open unlocks back to the same step with nothing lost.
#[test]
fn idle_lock_fires_during_a_handover_and_the_same_officer_continues() {
    let mut app = sample_app(false);
    app.session.desk.idle_lock_minutes = 1;
    handover_in_progress(&mut app);
    assert!(kofu::ui::render_to_text(&app, 120, 40).contains("山田"));
    for _ in 0..kofu::app::TICKS_PER_MINUTE {
        app.handle(Event::Tick);
    }
    assert!(app.session.officer.is_none(), "locked");
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(!text.contains("山田") && !text.contains("昭和60"), "{text}");
    app.handle(Event::Loaded(Loaded::Officers(Ok(two_officers()))));
    // The picker starts at the officer who was on duty.
    let fx = app.handle(press(KeyCode::Enter));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::AbandonHandover { .. })),
        "{fx:?}"
    );
    assert_eq!(app.session.officer.as_ref().map(|o| o.id), Some(1));
    assert_eq!(step_name(&app), "card", "back where they were");
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "handoff", "the matched card still stands");
}

/// Issue 11 #3: another officer unlocking abandons the handover left open — recorded as
/// abandoned, nothing committed — and starts from the queue.
#[test]
fn another_officer_unlocking_abandons_the_open_handover() {
    let mut app = sample_app(false);
    app.session.desk.idle_lock_minutes = 1;
    handover_in_progress(&mut app);
    for _ in 0..kofu::app::TICKS_PER_MINUTE {
        app.handle(Event::Tick);
    }
    app.handle(Event::Loaded(Loaded::Officers(Ok(two_officers()))));
    app.handle(press(KeyCode::Down));
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(app.session.officer.as_ref().map(|o| o.id), Some(2));
    assert!(fx.contains(&Effect::AbandonHandover {
        card: sample_records()[0].id,
        officer_id: 1,
    }));
    assert!(commit_of(&fx).is_none());
    assert_eq!(step_name(&app), "queue");
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains("中止しました"), "{text}");
}

/// Issue 11 friction: a card whose PIN is locked needs an explicit acknowledgement (`k`) that
/// the physician was told whom to call, before the handover goes on.
#[test]
fn a_pin_locked_card_needs_an_acknowledgement() {
    let mut app = sample_app(false);
    let recs = sample_records();
    to_card_step(&mut app, 0);
    let blocked = kofu::domain::card_facts::PinStatus {
        tries_left: Some(0),
        blocked: true,
    };
    place(&mut app, reading_for(&recs[0], "山田\u{3000}太郎", blocked));
    assert!(
        kofu::ui::footer_hints(&app)
            .iter()
            .any(|(k, l)| k == "k" && l.contains("PIN"))
    );
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "card", "not without the acknowledgement");
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains("k を押してください"), "{text}");
    app.handle(ch('k'));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "handoff");
    // A card with a working PIN needs nothing of the kind.
    let mut app = sample_app(false);
    to_card_step(&mut app, 0);
    place(
        &mut app,
        reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN),
    );
    assert!(!kofu::ui::footer_hints(&app).iter().any(|(k, _)| k == "k"));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "handoff");
}

/// Issue 11 friction: F4 (dispatch by mail) on a card planned for the counter warns that the
/// route differs; on a card planned for mail it says nothing.
#[test]
fn f4_on_a_counter_card_warns_that_the_route_differs() {
    let mut app = sample_app(false);
    app.handle(press(KeyCode::F(4)));
    assert_eq!(step_name(&app), "card");
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains("窓口交付の予定です"), "{text}");
    let mut app = sample_app(false);
    for _ in 0..3 {
        app.handle(press(KeyCode::Down));
    }
    app.handle(press(KeyCode::F(4)));
    assert_eq!(step_name(&app), "card");
    assert!(!kofu::ui::render_to_text(&app, 120, 40).contains("窓口交付の予定です"));
}

/// Issue 11 friction: a reader service that is down is said in the card step's panel, not
/// only in the header.
#[test]
fn a_reader_service_that_is_down_is_said_in_the_card_step() {
    let mut app = sample_app(false);
    to_card_step(&mut app, 0);
    app.handle(Event::Card(CardEvent::ServiceUnavailable));
    let text = kofu::ui::render_to_text(&app, 80, 24);
    let panel: Vec<&str> = text.lines().skip(4).collect();
    assert!(
        panel.iter().any(|l| l.contains("サービスが動いていません")),
        "{text}"
    );
    assert!(!text.contains("カードをリーダに置いてください"), "{text}");
    app.handle(Event::Card(CardEvent::ServiceAvailable));
    assert!(kofu::ui::render_to_text(&app, 80, 24).contains("カードをリーダに置いてください"));
}

/// Issue 11 #9: the mail route speaks of a dispatch, not of a counter handover.
#[test]
fn the_mail_route_speaks_of_a_dispatch() {
    let mut app = sample_app(false);
    let recs = sample_records();
    for _ in 0..3 {
        app.handle(press(KeyCode::Down));
    }
    app.handle(press(KeyCode::Enter));
    place(&mut app, reading_for(&recs[3], "渡邊\u{3000}健", FULL_PIN));
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains("Enter で次へ（発送情報）"), "{text}");
    assert!(
        !text.contains("受け渡し") && !text.contains("交付中止"),
        "{text}"
    );
    app.handle(ch('x'));
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains("発送を中止しました"), "{text}");
}

/// Issue 11 friction: preset reasons from data/reasons.toml for 要確認 and 例外, picked with
/// ↑↓ in the reason field right under the verdict; what is recorded is the text as shown.
#[test]
fn preset_reasons_are_offered_in_the_reason_field() {
    let presets =
        kofu::domain::reasons::PresetReasons::from_toml(include_str!("../../data/reasons.toml"))
            .expect("shipped reasons");
    let near = presets.for_kind(kofu::domain::reasons::ReasonKind::NearMatch);
    let mut app = sample_app(false);
    let recs = sample_records();
    feed(
        &mut app,
        [
            press(KeyCode::Down),
            press(KeyCode::Enter),
            ch('1'),
            ch('m'),
            ch('p'),
            ch('d'),
            press(KeyCode::Enter),
        ],
    );
    place(
        &mut app,
        reading_for(&recs[1], "髙橋\u{3000}一郎", FULL_PIN),
    );
    app.handle(ch('y'));
    assert!(kofu::ui::render_to_text(&app, 120, 40).contains("上下キーで定型文から選べます"));
    app.handle(press(KeyCode::Down));
    app.handle(press(KeyCode::Down));
    let text = kofu::ui::render_to_text(&app, 120, 40);
    let shown: String = near[1].chars().take(8).collect();
    assert!(
        text.contains(&shown),
        "the second preset is in the field: {text}"
    );
    app.handle(press(KeyCode::Up));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "handoff");
    app.handle(Event::Loaded(Loaded::Qr {
        record_id: 2,
        result: Ok(None),
    }));
    feed(
        &mut app,
        [
            ch('q'),
            ch('r'),
            press(KeyCode::Enter),
            press(KeyCode::F(9)),
            Event::Tick,
            Event::Tick,
        ],
    );
    let c = commit_of(&app.handle(ch('y'))).expect("commit");
    assert_eq!(c.officer_note.as_deref(), Some(near[0].as_str()));
}

/// Record 2 opened, identity checked, its card read and matched: step 3 with `payload` loaded,
/// on a terminal of `size`.
fn handoff_with_qr(ascii: bool, size: (u16, u16), payload: &str) -> App {
    let mut app = sample_app(ascii);
    app.handle(Event::Resize(size.0, size.1));
    let recs = sample_records();
    feed(&mut app, [press(KeyCode::Down), press(KeyCode::Enter)]);
    feed(
        &mut app,
        [ch('a'), ch('c'), ch('m'), ch('d'), press(KeyCode::Enter)],
    );
    place(
        &mut app,
        reading_for(&recs[1], "高橋\u{3000}一郎", FULL_PIN),
    );
    let fx = app.handle(press(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::LoadQr(2)]);
    app.handle(Event::Loaded(Loaded::Qr {
        record_id: 2,
        result: Ok(Some(payload.into())),
    }));
    assert_eq!(step_name(&app), "handoff");
    app
}

/// Rows of the text dump that hold at least 10 half-block QR modules (the ASCII rendering is
/// blank cells with a background colour: it does not show in a text dump).
fn qr_rows(text: &str) -> usize {
    text.lines()
        .filter(|l| l.chars().filter(|c| matches!(c, '▀' | '▄' | '█')).count() >= 10)
        .count()
}

/// The demo's payload form (45 characters: QR version 3).
const DEMO_QR: &str = "KOFU-DEMO-REG:D2610000124:7Q3X-9KMP-22HD-V8NC";
/// A longer, realistic payload (a registration URL with a one-time token, ~100 bytes:
/// version 5 or 6), too tall to stand beside the checklist at 80x24.
const LONG_QR: &str = "https://reg.example.jp/hpki/second-cert/activate?card=D2610000124&otp=7Q3X9KMP22HDV8NCW4TZ6B0Y";

/// What a phone reads from the screen: the frame the real view draws (TestBackend), read back
/// by [`crate::support::qr_scan::decode_cells`] — a half block lights its half in the cell's
/// foreground colour, any other cell shows its background (black is dark, anything else light).
fn decode_screen(app: &App, w: u16, h: u16) -> Vec<String> {
    use ratatui::style::Color;
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    term.draw(|f| kofu::ui::draw(f, app)).unwrap();
    let buf = term.backend().buffer();
    crate::support::qr_scan::decode_cells(h, w, |r, c| {
        let cell = buf.cell((c, r))?;
        Some((
            cell.symbol().to_string(),
            cell.fg != Color::Black,
            cell.bg != Color::Black,
        ))
    })
}

/// The registration QR on screen is the payload: beside the checklist at 80x24, alone on the
/// screen (`v`), and in the ASCII glyph set (conhost), read back by a QR decoder.
#[test]
fn the_qr_on_screen_decodes_to_the_registration_payload() {
    let app = handoff_with_qr(false, (80, 24), DEMO_QR);
    assert_eq!(decode_screen(&app, 80, 24), vec![DEMO_QR.to_string()]);
    let mut app = handoff_with_qr(false, (80, 24), LONG_QR);
    assert!(
        decode_screen(&app, 80, 24).is_empty(),
        "not drawn beside at 80x24"
    );
    app.handle(ch('v'));
    assert_eq!(decode_screen(&app, 80, 24), vec![LONG_QR.to_string()]);
    let mut app = handoff_with_qr(true, (120, 40), DEMO_QR);
    app.handle(ch('v'));
    assert_eq!(decode_screen(&app, 120, 40), vec![DEMO_QR.to_string()]);
}

#[test]
fn qr_at_80x24_is_drawn_beside_the_checklist() {
    let mut app = handoff_with_qr(false, (80, 24), DEMO_QR);
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(qr_rows(&text) >= 15, "the QR is drawn at 80x24:\n{text}");
    assert!(!text.contains("画面を広げてください"), "{text}");
    feed(&mut app, [ch('q'), ch('r'), press(KeyCode::Enter)]);
    assert_eq!(step_name(&app), "confirm");
    let confirm = kofu::ui::render_to_text(&app, 80, 24);
    assert!(confirm.contains("画面に表示して読み取り"), "{confirm}");
}

#[test]
fn a_qr_too_tall_for_80x24_is_shown_full_screen_before_q() {
    let mut app = handoff_with_qr(false, (80, 24), LONG_QR);
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert_eq!(qr_rows(&text), 0, "too tall to stand beside:\n{text}");
    // Not on screen: `q` is refused and says how to show it.
    app.handle(ch('q'));
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(text.contains("[ ] QRコードを本人"), "not ticked:\n{text}");
    assert!(text.contains("v で全画面表示"), "{text}");
    feed(&mut app, [ch('r'), press(KeyCode::Enter)]);
    assert_eq!(step_name(&app), "handoff", "nothing to confirm yet");
    // `v`: the QR alone on the screen, nothing else (not even the name).
    app.handle(ch('v'));
    let full = kofu::ui::render_to_text(&app, 80, 24);
    assert!(qr_rows(&full) >= 20, "full-screen QR:\n{full}");
    assert!(!full.contains("高橋"), "only the QR and one line:\n{full}");
    assert!(full.contains("Esc で戻ります"), "{full}");
    // Esc returns to the checklist; `v` and then `q` tick it and return too.
    app.handle(press(KeyCode::Esc));
    assert_eq!(step_name(&app), "handoff");
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(text.contains("高橋"), "{text}");
    feed(&mut app, [ch('v'), ch('q')]);
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(text.contains("受領書"), "back on the checklist:\n{text}");
    feed(&mut app, [press(KeyCode::Enter)]);
    assert_eq!(step_name(&app), "confirm");
    app.handle(press(KeyCode::F(9)));
    feed(&mut app, [Event::Tick, Event::Tick]);
    let c = commit_of(&app.handle(ch('y'))).expect("commit");
    assert_eq!(c.qr, QrHandover::ShownOnScreen);
}

#[test]
fn an_ascii_qr_that_cannot_be_drawn_can_never_be_ticked_nor_erased() {
    // ASCII glyphs: two cells and one row per module; 33 modules need 34 rows even alone.
    let mut app = handoff_with_qr(true, (80, 24), DEMO_QR);
    for keys in [vec![ch('q')], vec![ch('v'), ch('q')]] {
        feed(&mut app, keys);
        let text = kofu::ui::render_to_text(&app, 80, 24);
        assert!(text.contains("[ ] QRコードを本人"), "not ticked:\n{text}");
        assert!(
            text.contains("QRコードを表示できないため受け渡せません"),
            "says so truthfully:\n{text}"
        );
        assert!(text.contains("縦34"), "{text}");
    }
    feed(
        &mut app,
        [press(KeyCode::Esc), ch('r'), press(KeyCode::Enter)],
    );
    assert_eq!(step_name(&app), "handoff", "no summary claims it was shown");
    // Widened to 120x40, it is drawn and can be ticked.
    app.handle(Event::Resize(120, 40));
    let buf = kofu::ui::render_to_text(&app, 120, 40);
    assert!(!buf.contains("受け渡せません"), "{buf}");
    feed(&mut app, [ch('q'), press(KeyCode::Enter)]);
    assert_eq!(step_name(&app), "confirm");
}

#[test]
fn qr_fit_is_the_views_rule() {
    use kofu::app::screens::handover::{SCREEN_MAX, SCREEN_MIN};
    assert_eq!(SCREEN_MAX, (kofu::ui::MAX_WIDTH, kofu::ui::MAX_HEIGHT));
    assert_eq!(SCREEN_MIN, (kofu::ui::MIN_WIDTH, kofu::ui::MIN_HEIGHT));
}

/// The footer line at 120x40.
fn footer_120(app: &App) -> String {
    let text = kofu::ui::render_to_text(app, 120, 40);
    text.lines().nth(39).unwrap_or_default().to_string()
}

/// Issue 11 #10: the footer shows exactly the keys that work now, and a prompt goes when
/// its field is left.
#[test]
fn card_step_footer_and_prompts_follow_the_state() {
    let recs = sample_records();
    let mut app = sample_app(false);
    feed(
        &mut app,
        [
            press(KeyCode::Down),
            press(KeyCode::Enter),
            ch('1'),
            ch('m'),
            ch('p'),
            ch('d'),
            press(KeyCode::Enter),
        ],
    );
    place(
        &mut app,
        reading_for(&recs[1], "髙橋\u{3000}一郎", FULL_PIN),
    );
    // 要確認: Enter does not go on, so it is not offered; y is.
    let f = footer_120(&app);
    assert!(!f.contains("Enter 次へ"), "{f}");
    assert!(f.contains("y 同一人物として承認"), "{f}");
    app.handle(ch('y'));
    app.handle(press(KeyCode::Enter));
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(text.contains("理由を入力してください。"), "{text}");
    // Esc leaves the field: the prompt goes, y (back to the field) and Enter are offered.
    app.handle(press(KeyCode::Esc));
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(!text.contains("理由を入力してください。"), "{text}");
    let f = footer_120(&app);
    assert!(f.contains("y 同一人物として承認"), "{f}");
    assert!(f.contains("Enter 次へ"), "{f}");
    app.handle(ch('y'));
    assert_eq!(app.context(), kofu::app::Context::CardNote, "y still works");

    // 不一致: e is offered, Enter is not; after e and Esc, e stays.
    let mut app = sample_app(false);
    to_card_step(&mut app, 0);
    place(&mut app, other_person_reading(&recs[0]));
    let f = footer_120(&app);
    assert!(!f.contains("Enter 次へ"), "{f}");
    assert!(f.contains("e 例外として記録"), "{f}");
    feed(&mut app, [ch('e'), press(KeyCode::Esc)]);
    let f = footer_120(&app);
    assert!(f.contains("e 例外として記録"), "{f}");
    assert!(f.contains("r 再読取"), "{f}");

    // The card lifted: r is not offered, and pressing it asks to place the card.
    app.handle(Event::Card(CardEvent::CardRemoved {
        reader: READER.into(),
    }));
    let f = footer_120(&app);
    assert!(!f.contains("再読取"), "{f}");
    app.handle(ch('r'));
    let text = kofu::ui::render_to_text(&app, 120, 40);
    assert!(!text.contains("離し"), "{text}");
    assert!(text.contains("カードをリーダに置いてください"), "{text}");
}

/// After a commit the queue comes back with an empty search over 交付待ち.
#[test]
fn after_a_commit_the_queue_comes_back_clean() {
    let mut app = sample_app(false);
    feed(&mut app, "山".chars().map(ch));
    app.queue.filter = None;
    let fx = drive_to_commit(&mut app);
    committed(&mut app, &fx, CardState::HandedOver);
    assert!(matches!(app.screen, Screen::Done(_)));
    app.handle(press(KeyCode::Enter));
    assert_eq!(step_name(&app), "queue");
    assert_eq!(app.queue.search.value(), "");
    assert_eq!(app.queue.filter, Some(CardState::Awaiting));
    let text = kofu::ui::render_to_text(&app, 80, 24);
    assert!(!text.contains("検索: 山"), "{text}");
}
