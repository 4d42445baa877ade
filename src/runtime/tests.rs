//! The runtime's own tests: the clock thread, the input pump, the search batching, glyphs.

use super::input::{from_terminal, pump_input};
use super::*;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};

#[test]
fn the_desk_date_changes_at_midnight_jst() {
    // 23:59:59 JST is 14:59:59 UTC: a UTC-based date would only change nine hours later.
    let clock = Clock::at_jst("2026-12-31 23:59:59");
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    clock_thread(clock.clone(), tx, stop.clone());
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(5)),
        Ok(Event::Tick)
    ));
    clock.advance(chrono::TimeDelta::seconds(1));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut seen = None;
    while std::time::Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(Event::Today(d)) => {
                seen = Some(d);
                break;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    stop.store(true, Ordering::SeqCst);
    assert_eq!(seen, chrono::NaiveDate::from_ymd_opt(2027, 1, 1));
}

fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
    KeyEvent::new(c, m)
}

/// Issue 11 #11: a burst with Esc glued to the next key, a read error in the middle and a
/// long paste: every key arrives in order, the Esc too, the paste as one event.
#[test]
fn the_input_thread_forwards_a_burst_without_losing_a_key() {
    let mut script: Vec<io::Result<Option<TermEvent>>> = Vec::new();
    for _ in 0..3000 {
        script.push(Ok(Some(TermEvent::Key(key(
            KeyCode::Char('a'),
            KeyModifiers::NONE,
        )))));
    }
    // ESC b in one read: crossterm says Alt+b.
    script.push(Ok(Some(TermEvent::Key(key(
        KeyCode::Char('b'),
        KeyModifiers::ALT,
    )))));
    script.push(Err(io::Error::other("interrupted read")));
    script.push(Ok(None));
    script.push(Ok(Some(TermEvent::Paste("山田".repeat(1500)))));
    script.push(Ok(Some(TermEvent::Key(key(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )))));
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel();
    let mut script = script.into_iter();
    pump_input(
        |_| match script.next() {
            Some(r) => r,
            None => {
                stop.store(true, Ordering::SeqCst);
                Ok(None)
            }
        },
        &tx,
        &stop,
        true,
    );
    let got: Vec<Event> = rx.try_iter().collect();
    assert_eq!(got.len(), 3000 + 2 + 1 + 1, "no event lost");
    assert_eq!(got[3000], Event::Key(key(KeyCode::Esc, KeyModifiers::NONE)));
    assert_eq!(
        got[3001],
        Event::Key(key(KeyCode::Char('b'), KeyModifiers::NONE))
    );
    assert_eq!(got[3002], Event::Paste("山田".repeat(1500)));
    assert_eq!(
        got[3003],
        Event::Key(key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        "Ctrl keys are not split"
    );
    // Without the Unix glue (Windows) Alt stays Alt.
    let alt = TermEvent::Key(key(KeyCode::Char('b'), KeyModifiers::ALT));
    assert_eq!(from_terminal(alt, false).len(), 1);
}

#[test]
fn only_the_last_search_of_a_batch_runs() {
    let search = |seq| {
        Effect::Search(crate::app::SearchRequest {
            seq,
            text: String::new(),
            state: None,
            limit: 1,
        })
    };
    let out = latest_search_only(vec![search(1), Effect::LoadCounts, search(2), search(3)]);
    assert_eq!(out, vec![Effect::LoadCounts, search(3)]);
}

#[test]
fn glyph_choice() {
    assert!(ascii_glyphs(None, "auto", false));
    assert!(!ascii_glyphs(None, "auto", true));
    assert!(ascii_glyphs(None, "ascii", true));
    assert!(!ascii_glyphs(None, "unicode", false));
    assert!(ascii_glyphs(Some("ascii"), "unicode", true));
}

/// A fault reaches the log (with the store's message) as well as the app; a refusal — the
/// officer's input, shown on screen — does not.
#[test]
fn a_store_fault_is_logged_and_a_refusal_is_not() {
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl io::Write for Captured {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if let Ok(mut v) = self.0.lock() {
                v.extend_from_slice(b);
            }
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let (fault, refusal) = tracing::subscriber::with_default(subscriber, || {
        (
            reply::<(), _>(Err(StoreError::TooNew {
                found: 9,
                supported: 6,
            })),
            reply::<(), _>(Err(StoreError::CardNotFound(7))),
        )
    });
    let text =
        String::from_utf8(log.0.lock().map(|v| v.clone()).unwrap_or_default()).unwrap_or_default();
    let fault = fault.expect_err("a fault");
    assert!(fault.is_fault());
    assert!(text.contains("store fault"), "{text}");
    assert!(text.contains(&fault.message), "{text}");
    let refusal = refusal.expect_err("a refusal");
    assert!(!refusal.is_fault());
    assert!(!text.contains(&refusal.message), "{text}");
}
