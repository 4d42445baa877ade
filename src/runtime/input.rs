//! The terminal input thread: crossterm events read in bursts and forwarded as app events.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::Event;

/// Terminal events as app events.
///
/// Releases are dropped (the app drops them too; not sending them saves a wake-up). With
/// `glued_esc` (Unix terminals), a key with Alt alone is split into Esc and the key: the desk
/// binds no Alt key, and crossterm reads `ESC x` arriving in one read — an Esc pressed during
/// a burst of typing or scanning — as Alt+x, which lost the Esc (issue 11 #11). Windows reports
/// real key events, so there an Alt key stays what it is.
pub(super) fn from_terminal(ev: TermEvent, glued_esc: bool) -> Vec<Event> {
    match ev {
        TermEvent::Key(k) if k.kind == KeyEventKind::Release => Vec::new(),
        TermEvent::Key(k)
            if glued_esc
                && k.modifiers.contains(KeyModifiers::ALT)
                && !k.modifiers.contains(KeyModifiers::CONTROL)
                && k.code != KeyCode::Esc =>
        {
            let mut key = k;
            key.modifiers.remove(KeyModifiers::ALT);
            vec![
                Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
                Event::Key(key),
            ]
        }
        TermEvent::Key(k) => vec![Event::Key(k)],
        // A bracketed paste is one event, however long.
        TermEvent::Paste(s) => vec![Event::Paste(s)],
        TermEvent::Resize(w, h) => vec![Event::Resize(w, h)],
        _ => Vec::new(),
    }
}

/// Most events forwarded in one go before the input thread looks at `stop` again.
const INPUT_BATCH: usize = 1024;

/// The input thread's loop over an event source (`read(timeout)` answers `Ok(None)` when
/// nothing came in time). Everything already waiting is read and forwarded in order, none
/// dropped; a read error is logged and retried (it ended the thread, and with it every key, for
/// the rest of the session). Returns when `stop` is set or the app is gone.
pub(super) fn pump_input(
    mut read: impl FnMut(Duration) -> io::Result<Option<TermEvent>>,
    tx: &Sender<Event>,
    stop: &AtomicBool,
    glued_esc: bool,
) {
    let mut errors = 0u32;
    while !stop.load(Ordering::SeqCst) {
        let mut wait = Duration::from_millis(100);
        for _ in 0..INPUT_BATCH {
            match read(wait) {
                Ok(Some(ev)) => {
                    errors = 0;
                    for e in from_terminal(ev, glued_esc) {
                        if tx.send(e).is_err() {
                            return;
                        }
                    }
                    // The rest of a burst is already there: read it without waiting long.
                    wait = Duration::from_millis(1);
                }
                Ok(None) => break,
                Err(e) => {
                    errors = errors.saturating_add(1);
                    if errors <= 3 {
                        tracing::warn!("terminal input error (retrying): {e}");
                    }
                    thread::sleep(Duration::from_millis(50));
                    break;
                }
            }
        }
    }
}

/// Reads terminal input and forwards it; stops when `stop` is set.
///
/// crossterm is built with `use-dev-tty` (Cargo.toml): its default reader on Unix waits with
/// edge-triggered mio and returned after the first 1 024 bytes of a burst, leaving the rest
/// unread until the next key arrived — the Esc typed during a 3 000-character scan waited
/// behind it (issue 11 #11). The `poll(2)` reader picks up what is left.
pub(super) fn input_thread(tx: Sender<Event>, stop: Arc<AtomicBool>) {
    thread::spawn(move || {
        let read = |timeout: Duration| -> io::Result<Option<TermEvent>> {
            if crossterm::event::poll(timeout)? {
                crossterm::event::read().map(Some)
            } else {
                Ok(None)
            }
        };
        pump_input(read, &tx, &stop, cfg!(unix));
    });
}
