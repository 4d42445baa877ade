//! Sample data and every screen/dialog as a named scene, reached through `App::handle` (not
//! by building states by hand). Used by the snapshot tests and the screenshot generator.

use std::sync::Arc;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use kofu::app::{
    App, CardEvent, DeskInfo, Effect, Event, Loaded, MatchOutcome, OfficerInfo, Rules,
};
use kofu::domain::card_facts::{CardReading, CertificateFacts, HpkiApplication, PinStatus};
use kofu::domain::matching::{KnownIssuers, MatchContext, match_identity};
use kofu::domain::record::CardRecord;
use kofu::domain::{CardState, Membership, Route};

pub mod office;

pub const READER: &str = "SONY FeliCa Port/PaSoRi 4.0 (RC-S300) 00 00";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The fixed "today" of all scenes.
pub fn today() -> NaiveDate {
    date(2026, 11, 25)
}

/// A key press.
pub fn press(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// A key release (Windows sends these; the app must ignore them).
pub fn release(code: KeyCode) -> Event {
    let mut k = KeyEvent::new(code, KeyModifiers::NONE);
    k.kind = KeyEventKind::Release;
    Event::Key(k)
}

/// 窓口案内: the next section from anywhere in it (Ctrl+Right).
pub fn next_section() -> Event {
    Event::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::CONTROL))
}

pub fn ch(c: char) -> Event {
    press(KeyCode::Char(c))
}

/// The rule tables shipped in `data/` (expiry, fees, counter reference).
pub fn sample_rules() -> Arc<Rules> {
    Arc::new(Rules::shipped().expect("the shipped rule tables parse (guarded by the domain tests)"))
}

#[allow(clippy::too_many_arguments)]
fn record(
    id: i64,
    card_id: &str,
    name: &str,
    kana: &str,
    romaji: &str,
    birth: NaiveDate,
    arrived: NaiveDate,
    state: CardState,
) -> CardRecord {
    let mut r = CardRecord {
        id,
        card_id: card_id.into(),
        name: name.into(),
        kana: kana.into(),
        romaji: Some(romaji.into()),
        birth_date: birth,
        issue_date: date(2026, 10, 1),
        expiry_date: date(2031, 4, 2),
        membership: Some(Membership::Member),
        route: Some(Route::Counter),
        cert_serial: Some(format!("5a{id:014x}")),
        note: None,
        has_registration_qr: false,
        state,
        receipt: None,
        arrived_on: arrived,
        shipment_id: 1,
        issue_type: None,
        previous_expiry: None,
    };
    // The printed expiry is the one the shipped rules give (a realistic record matches).
    let rules = sample_rules();
    if let Ok(c) = rules
        .expiry
        .compute_with(r.issue_date, r.birth_date, &r.issue_context())
    {
        r.expiry_date = c.date;
    }
    r
}

/// A small queue with every kind of case.
pub fn sample_records() -> Vec<CardRecord> {
    let mut v = vec![
        record(
            1,
            "D2610000123",
            "山田 太郎",
            "ヤマダ タロウ",
            "Taro Yamada",
            date(1985, 4, 2),
            date(2026, 11, 20),
            CardState::Awaiting,
        ),
        record(
            2,
            "D2610000124",
            "高橋 一郎",
            "タカハシ イチロウ",
            "Ichiro Takahashi",
            date(1978, 12, 1),
            date(2026, 11, 20),
            CardState::Awaiting,
        ),
        record(
            3,
            "D2610000125",
            "佐々木 花子",
            "ササキ ハナコ",
            "Hanako Sasaki",
            date(1990, 2, 28),
            date(2026, 8, 3),
            CardState::Awaiting,
        ),
        record(
            4,
            "D2610000126",
            "渡邊 健",
            "ワタナベ ケン",
            "Ken Watanabe",
            date(1969, 7, 15),
            date(2026, 11, 20),
            CardState::Awaiting,
        ),
        record(
            5,
            "D2610000127",
            "神楽坂 三十四",
            "カグラザカ サンジュウシ",
            "Sanjushi Kagurazaka",
            date(1992, 2, 29),
            date(2026, 10, 10),
            CardState::Awaiting,
        ),
    ];
    v[1].has_registration_qr = true;
    v[3].route = Some(Route::Mail);
    v
}

/// A reading of the card made for `rec` (`pin` as given).
pub fn reading_for(rec: &CardRecord, name_kanji: &str, pin: PinStatus) -> CardReading {
    CardReading {
        reader: READER.into(),
        atr: "3B8F8001804F0CA0000003060300030000000068".into(),
        uid: None,
        application: HpkiApplication::Auth,
        certificate: CertificateFacts {
            serial_hex: rec.cert_serial.clone().unwrap_or_default(),
            issuer: kofu::app::demo::DEMO_ISSUER.into(),
            subject_cn: rec.romaji.clone().unwrap_or_default(),
            name_kanji: Some(name_kanji.into()),
            role: Some("Medical Doctor".into()),
            not_before: rec.issue_date,
            not_after: rec.expiry_date,
            policies: Vec::new(),
        },
        pin,
    }
}

pub const FULL_PIN: PinStatus = PinStatus {
    tries_left: Some(15),
    blocked: false,
};

/// The card of somebody else.
pub fn other_person_reading(rec: &CardRecord) -> CardReading {
    let mut r = reading_for(rec, "別人\u{3000}花子", FULL_PIN);
    r.certificate.subject_cn = "Hanako Betsujin".into();
    r.certificate.serial_hex = "f0000000000beef".into();
    r
}

/// The identity match as the runtime computes it (`domain::matching`).
pub fn outcome(record: &CardRecord, reading: &CardReading) -> MatchOutcome {
    let issuers = KnownIssuers::builtin();
    let ctx = MatchContext {
        today: today(),
        computed_expiry: None,
        known_issuers: &issuers,
    };
    match_identity(record, &reading.certificate, Some(reading.pin), &ctx)
}

/// The desk as the scenes show it.
pub fn sample_app(ascii: bool) -> App {
    let desk = DeskInfo {
        desk_name: "千代田区医師会 受付".into(),
        ascii,
        demo: true,
        idle_lock_minutes: 0,
        fixed_clock: false,
    };
    let mut app = App::new(desk, today(), sample_rules());
    let fx = app.start();
    let seq = search_seq(&fx).unwrap_or(1);
    app.handle(Event::Loaded(Loaded::Officers(Ok(vec![OfficerInfo {
        id: 1,
        name: "受付 一郎".into(),
        has_passphrase: false,
    }]))));
    app.handle(Event::Loaded(Loaded::Counts(Ok(vec![
        (CardState::Awaiting, 5),
        (CardState::HandedOver, 12),
        (CardState::Mailed, 1),
        (CardState::Delivered, 3),
        (CardState::Returned, 0),
    ]))));
    app.handle(Event::Loaded(Loaded::Search {
        seq,
        result: Ok(sample_records()),
    }));
    app.handle(Event::Card(CardEvent::ServiceAvailable));
    app.handle(Event::Card(CardEvent::ReaderAdded(READER.into())));
    app
}

/// The sequence number of the last search among effects.
pub fn search_seq(fx: &[Effect]) -> Option<u64> {
    fx.iter().rev().find_map(|e| match e {
        Effect::Search(r) => Some(r.seq),
        _ => None,
    })
}

/// Feed events, answering searches with `rows` (filtered by text like the store would).
pub fn feed(app: &mut App, events: impl IntoIterator<Item = Event>) -> Vec<Effect> {
    let mut all = Vec::new();
    for e in events {
        all.extend(app.handle(e));
    }
    all
}

/// Place the card of `rec` and deliver its reading.
pub fn place(app: &mut App, reading: CardReading) -> Vec<Effect> {
    feed(
        app,
        [
            Event::Card(CardEvent::CardInserted {
                reader: READER.into(),
            }),
            Event::Card(CardEvent::Reading {
                reader: READER.into(),
            }),
            Event::Card(CardEvent::ReadFinished {
                reader: READER.into(),
                result: Ok(reading),
            }),
        ],
    )
}

/// Open record `idx` of the queue and complete the identity step.
pub fn to_card_step(app: &mut App, idx: usize) -> Vec<Effect> {
    for _ in 0..idx {
        app.handle(press(KeyCode::Down));
    }
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
    )
}

fn ticks(app: &mut App, n: usize) {
    for _ in 0..n {
        app.handle(Event::Tick);
    }
}

/// Every screen and dialog, by name.
pub fn all(ascii: bool) -> Vec<(&'static str, App)> {
    let mut out = Vec::new();
    let base = sample_app(ascii);
    let recs = sample_records();
    out.push(("queue", base.clone()));

    let mut a = base.clone();
    let fx = feed(&mut a, "山田".chars().map(ch));
    if let Some(seq) = search_seq(&fx) {
        a.handle(Event::Loaded(Loaded::Search {
            seq,
            result: Ok(vec![recs[0].clone()]),
        }));
    }
    out.push(("queue_search", a));

    let mut a = base.clone();
    let fx = feed(&mut a, "該当なし".chars().map(ch));
    if let Some(seq) = search_seq(&fx) {
        a.handle(Event::Loaded(Loaded::Search {
            seq,
            result: Ok(Vec::new()),
        }));
    }
    out.push(("queue_empty", a));

    let mut a = base.clone();
    feed(&mut a, [press(KeyCode::Enter), ch('1'), ch('p')]);
    out.push(("identity", a.clone()));
    a.handle(press(KeyCode::Enter));
    out.push(("identity_error", a));

    let mut a = base.clone();
    to_card_step(&mut a, 0);
    out.push(("card_waiting", a.clone()));
    feed(
        &mut a,
        [
            Event::Card(CardEvent::CardInserted {
                reader: READER.into(),
            }),
            Event::Card(CardEvent::Reading {
                reader: READER.into(),
            }),
        ],
    );
    out.push(("card_reading", a.clone()));
    a.handle(Event::Card(CardEvent::CardRemoved {
        reader: READER.into(),
    }));
    out.push(("card_lifted", a));

    let mut a = base.clone();
    to_card_step(&mut a, 0);
    place(&mut a, reading_for(&recs[0], "山田\u{3000}太郎", FULL_PIN));
    out.push(("card_match", a.clone()));
    a.handle(press(KeyCode::Enter));
    out.push(("handoff_printed", a.clone()));
    feed(&mut a, [ch('q'), ch('r'), press(KeyCode::Enter)]);
    out.push(("confirm", a.clone()));
    a.handle(press(KeyCode::F(9)));
    out.push(("confirm_modal_waiting", a.clone()));
    ticks(&mut a, 2);
    out.push(("confirm_modal", a.clone()));
    let fx = a.handle(ch('y'));
    let mut done = recs[0].clone();
    done.state = CardState::HandedOver;
    if fx
        .iter()
        .any(|e| matches!(e, Effect::CommitHandover { .. }))
    {
        a.handle(Event::Loaded(Loaded::Committed(Ok(done.clone()))));
    }
    out.push(("done_receipt", a));

    let mut a = base.clone();
    to_card_step(&mut a, 1);
    place(&mut a, reading_for(&recs[1], "髙橋\u{3000}一郎", FULL_PIN));
    out.push(("card_near", a.clone()));
    a.handle(ch('y'));
    feed(&mut a, "運転免許証の旧字体で確認".chars().map(ch));
    out.push(("card_near_reason", a.clone()));
    let fx = a.handle(press(KeyCode::Enter));
    for e in fx {
        if let Effect::LoadQr(id) = e {
            a.handle(Event::Loaded(Loaded::Qr {
                record_id: id,
                result: Ok(Some("KOFU-DEMO-REG:D2610000124:7Q3X-9KMP-22HD-V8NC".into())),
            }));
        }
    }
    out.push(("handoff_qr", a.clone()));
    // `v`: the QR alone on the screen (fits 80x24 with half blocks).
    let mut full = a.clone();
    full.handle(ch('v'));
    out.push(("handoff_qr_full", full));
    // A long payload (~100 bytes, version 6): too tall beside the checklist at 80x24.
    let mut long = base.clone();
    to_card_step(&mut long, 1);
    place(
        &mut long,
        reading_for(&recs[1], "高橋\u{3000}一郎", FULL_PIN),
    );
    for e in long.handle(press(KeyCode::Enter)) {
        if let Effect::LoadQr(id) = e {
            long.handle(Event::Loaded(Loaded::Qr {
                record_id: id,
                result: Ok(Some(
                    "https://reg.example.jp/hpki/second-cert/activate?card=D2610000124&otp=7Q3X9KMP22HDV8NCW4TZ6B0Y"
                        .into(),
                )),
            }));
        }
    }
    out.push(("handoff_qr_long", long.clone()));
    long.handle(ch('v'));
    out.push(("handoff_qr_long_full", long));
    feed(
        &mut a,
        [
            ch('q'),
            ch('h'),
            press(KeyCode::Enter),
            press(KeyCode::F(9)),
        ],
    );
    ticks(&mut a, 2);
    a.handle(ch('y'));
    let mut done = recs[1].clone();
    done.state = CardState::HandedOver;
    a.handle(Event::Loaded(Loaded::Committed(Ok(done))));
    out.push(("done_postcard", a));

    let mut a = base.clone();
    to_card_step(&mut a, 2);
    place(&mut a, other_person_reading(&recs[2]));
    a.handle(press(KeyCode::Enter));
    out.push(("card_mismatch", a));

    let mut a = base.clone();
    to_card_step(&mut a, 0);
    let blocked = PinStatus {
        tries_left: Some(0),
        blocked: true,
    };
    place(&mut a, reading_for(&recs[0], "山田\u{3000}太郎", blocked));
    out.push(("card_pin_blocked", a));

    // Mail route: record 4 is planned for mail.
    let mut a = base.clone();
    feed(
        &mut a,
        [
            press(KeyCode::Down),
            press(KeyCode::Down),
            press(KeyCode::Down),
        ],
    );
    a.handle(press(KeyCode::Enter));
    out.push(("mail_card", a.clone()));
    place(&mut a, reading_for(&recs[3], "渡邊\u{3000}健", FULL_PIN));
    a.handle(press(KeyCode::Enter));
    feed(&mut a, "ｱｲｳ".chars().map(ch));
    a.handle(press(KeyCode::Enter));
    out.push(("mail_details_error", a.clone()));
    feed(
        &mut a,
        [KeyCode::Backspace, KeyCode::Backspace, KeyCode::Backspace].map(press),
    );
    feed(&mut a, "1234-5678-9012".chars().map(ch));
    a.handle(press(KeyCode::Enter));
    out.push(("mail_confirm", a.clone()));
    a.handle(press(KeyCode::F(9)));
    ticks(&mut a, 2);
    a.handle(ch('y'));
    let mut done = recs[3].clone();
    done.state = CardState::Mailed;
    a.handle(Event::Loaded(Loaded::Committed(Ok(done))));
    out.push(("done_mail", a));

    let mut a = base.clone();
    a.handle(press(KeyCode::F(1)));
    out.push(("help", a));

    let mut a = base.clone();
    let mut handed = recs[0].clone();
    handed.state = CardState::HandedOver;
    a.open_handover(handed.clone(), None);
    out.push(("message_already_handed_over", a));

    let mut a = base.clone();
    a.handle(press(KeyCode::F(2)));
    a.handle(Event::Loaded(Loaded::Search {
        seq: a.queue.seq,
        result: Ok(vec![handed]),
    }));
    out.push(("queue_handed_over", a.clone()));
    a.handle(press(KeyCode::F(8)));
    feed(&mut a, "受領書の記入漏れのため".chars().map(ch));
    out.push(("cancel_reason", a));

    let mut a = base.clone();
    a.handle(press(KeyCode::F(3)));
    out.push(("officer_picker", a));

    let mut a = base.clone();
    a.handle(press(KeyCode::F(6)));
    out.push(("demo_tray", a));

    let mut a = base.clone();
    a.handle(press(KeyCode::Enter));
    a.handle(press(KeyCode::F(10)));
    out.push(("quit_confirm", a));

    // 窓口案内 (F7) over the queue with record 1 selected, and the passphrase at the lock.
    let mut a = base.clone();
    a.handle(press(KeyCode::F(7)));
    out.push(("reference_expiry", a.clone()));
    feed(
        &mut a,
        [
            next_section(),
            press(KeyCode::Down),
            ch(' '),
            press(KeyCode::Down),
        ],
    );
    feed(&mut a, "R7".chars().map(ch));
    a.handle(press(KeyCode::Down));
    feed(&mut a, "令和8年2月20日".chars().map(ch));
    out.push(("reference_fee", a.clone()));
    a.handle(next_section());
    out.push(("reference_pin", a.clone()));
    a.handle(next_section());
    out.push(("reference_procedures", a));

    let mut a = base.clone();
    a.session.desk.idle_lock_minutes = 1;
    ticks(
        &mut a,
        usize::try_from(kofu::app::TICKS_PER_MINUTE).unwrap_or(240),
    );
    a.handle(Event::Loaded(Loaded::Officers(Ok(vec![
        OfficerInfo {
            id: 1,
            name: "受付 一郎".into(),
            has_passphrase: true,
        },
        OfficerInfo {
            id: 2,
            name: "窓口 花子".into(),
            has_passphrase: false,
        },
    ]))));
    a.handle(press(KeyCode::Enter));
    feed(&mut a, "wrong pass".chars().map(ch));
    let fx = a.handle(press(KeyCode::Enter));
    if let Some(Effect::VerifyPassphrase { officer_id, .. }) = fx.first() {
        a.handle(Event::Loaded(Loaded::PassphraseChecked {
            officer_id: *officer_id,
            result: Ok(false),
        }));
    }
    out.push(("lock_passphrase", a));

    // 業務メニュー (scenes/office.rs)
    out.extend(office::scenes(&base));
    out
}
