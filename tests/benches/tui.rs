//! Desk-screen benchmarks at 100 000 cards (run with `cargo bench --bench tui`; release build):
//! - cold start → first frame showing cards: open the database, build the App, answer its start
//!   effects (officers, counts, the queue search) and draw at 120×40;
//! - key press → frame drawn: `App::handle(key)`, the search it asks for, the result fed back,
//!   and the frame drawn — the whole path the event loop takes for one keystroke.

#[path = "../support/common.rs"]
mod common;

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use kofu::app::{App, DeskInfo, Effect, Event, Loaded, OfficerInfo};
use kofu::domain::failure::Failure;
use kofu::store::{CardQuery, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Answer the effects the way the runtime's store worker does (synchronously here).
fn run(app: &mut App, store: &mut Store, effects: Vec<Effect>) {
    let mut queue = effects;
    while let Some(e) = queue.pop() {
        let loaded = match e {
            Effect::Search(req) => Loaded::Search {
                seq: req.seq,
                result: store
                    .search_cards(&CardQuery {
                        text: req.text,
                        state: req.state,
                        limit: req.limit,
                    })
                    .map_err(Failure::from),
            },
            Effect::LoadCounts => Loaded::Counts(store.state_counts().map_err(Failure::from)),
            Effect::LoadOfficers => Loaded::Officers(
                store
                    .officers(false)
                    .map(|v| v.into_iter().map(OfficerInfo::from).collect())
                    .map_err(Failure::from),
            ),
            _ => continue,
        };
        queue.extend(app.handle(Event::Loaded(loaded)));
    }
}

fn key(c: KeyCode) -> Event {
    Event::Key(KeyEvent {
        code: c,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: crossterm::event::KeyEventState::NONE,
    })
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = common::write(dir.path(), "m100k.csv", common::manifest(100_000, 0));
    let db = dir.path().join("bench.db");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_kofu"))
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&csv)
        .output()
        .expect("import");
    assert!(st.status.success());
    {
        let mut s = Store::open(&db, &common::clock()).expect("open");
        s.add_officer("ベンチ担当").expect("officer");
    }
    let data = kofu::data::DataSet::load(Some(&dir.path().join("none"))).expect("data");

    // Cold start → first frame with cards.
    let t = Instant::now();
    let mut store = Store::open(&db, &common::clock()).expect("open");
    store.warm_up().expect("warm up"); // as the runtime's store thread does first
    let desk = DeskInfo {
        desk_name: data.desk.desk_name.clone(),
        ascii: true,
        demo: false,
        idle_lock_minutes: 0,
        fixed_clock: false,
    };
    let mut app = App::new(desk, common::clock().today(), data.rules.clone());
    let mut fx = app.handle(Event::Resize(120, 40));
    fx.extend(app.start());
    run(&mut app, &mut store, fx);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| kofu::ui::draw(f, &app)).expect("draw");
    let first_frame = t.elapsed();
    // Nobody is on duty at start: the officer picker is up and no personal data is shown.
    // Choosing the (only) officer with Enter opens the queue.
    if app.session.officer.is_none() {
        let fx = app.handle(key(KeyCode::Enter));
        run(&mut app, &mut store, fx);
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| kofu::ui::draw(f, &app)).expect("draw");
    let cold = t.elapsed();
    let screen = kofu::ui::buffer_to_text(terminal.backend().buffer());
    assert!(
        screen.contains("T00000000000"),
        "first frame shows cards:\n{screen}"
    );
    println!(
        "cold start -> first frame: {:.1} ms; -> queue with cards after choosing the officer: {:.1} ms, at 100000 cards (target <= 100 ms)",
        first_frame.as_secs_f64() * 1e3,
        cold.as_secs_f64() * 1e3
    );

    // Key press → frame drawn, typing and erasing names, kana and card IDs.
    let mut times: Vec<Duration> = Vec::new();
    for _round in 0..5 {
        for word in [
            "やまだ",
            "髙橋",
            "ワタナベ",
            "suzuki",
            "T0000009",
            "𠮷田",
            "いとう",
            "佐藤",
        ] {
            let mut keys: Vec<Event> = word.chars().map(|c| key(KeyCode::Char(c))).collect();
            keys.extend(std::iter::repeat_n(
                key(KeyCode::Backspace),
                word.chars().count(),
            ));
            for k in keys {
                let t = Instant::now();
                let fx = app.handle(k);
                run(&mut app, &mut store, fx);
                terminal.draw(|f| kofu::ui::draw(f, &app)).expect("draw");
                times.push(t.elapsed());
            }
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    println!(
        "key press -> frame drawn at 100000 cards ({} keys): median {:.2} ms, worst {:.2} ms (targets <= 5 ms, <= 16 ms)",
        times.len(),
        median.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
}
