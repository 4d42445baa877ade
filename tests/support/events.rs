//! Collect watcher events through a channel and wait for the ones a test expects.

use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use kofu::card::{CardEvent, EventSink};

pub struct Events {
    rx: Receiver<CardEvent>,
    /// Every event received so far, in order.
    pub seen: Vec<CardEvent>,
}

/// A sink for a watcher and the collector on the other end.
pub fn channel_sink() -> (EventSink, Events) {
    let (tx, rx) = channel();
    let sink: EventSink = Box::new(move |e| {
        let _ = tx.send(e);
    });
    (
        sink,
        Events {
            rx,
            seen: Vec::new(),
        },
    )
}

impl Events {
    /// Wait for the first event (after those already consumed) matching `pred`.
    /// Panics with the events seen so far when it does not come within `timeout`.
    pub fn wait_for(
        &mut self,
        timeout: Duration,
        what: &str,
        pred: impl Fn(&CardEvent) -> bool,
    ) -> CardEvent {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(e) => {
                    self.seen.push(e.clone());
                    if pred(&e) {
                        return e;
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "timed out after {timeout:?} waiting for {what}; events so far: {:#?}",
                        self.seen
                    )
                }
            }
        }
    }

    /// Take whatever arrives during `d`.
    pub fn drain_for(&mut self, d: Duration) -> Vec<CardEvent> {
        let deadline = Instant::now() + d;
        let mut got = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match self.rx.recv_timeout(left) {
                Ok(e) => {
                    self.seen.push(e.clone());
                    got.push(e);
                }
                Err(_) => break,
            }
        }
        got
    }
}

pub fn is_read_finished(e: &CardEvent) -> bool {
    matches!(e, CardEvent::ReadFinished { .. })
}
