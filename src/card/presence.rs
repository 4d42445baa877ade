//! Card presence per reader, with the debounce: a card is read only after it has been present
//! without interruption for the debounce time. Pure (time is passed in), so it is unit-tested
//! with a fake clock; the PC/SC watcher feeds it what `get_status_change` reports.

use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub(crate) struct Presence {
    present: bool,
    since: Instant,
    /// pcsc-lite's per-reader card event counter (upper 16 bits of the event state).
    event_count: Option<u32>,
    /// The read for the current presence has been done (whatever its result).
    done: bool,
}

/// What an observation changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Change {
    pub removed: bool,
    pub inserted: bool,
}

impl Presence {
    pub(crate) fn new(now: Instant) -> Self {
        Presence {
            present: false,
            since: now,
            event_count: None,
            done: false,
        }
    }

    pub(crate) fn is_present(&self) -> bool {
        self.present
    }

    /// Record a reported state. A changed event counter while "present → present" means the
    /// card went away and came back between two reports: that restarts the debounce.
    pub(crate) fn observe(
        &mut self,
        present: bool,
        event_count: Option<u32>,
        now: Instant,
    ) -> Change {
        let mut change = Change::default();
        let swapped = self.present
            && present
            && matches!((self.event_count, event_count), (Some(a), Some(b)) if a != b);
        if self.present && (!present || swapped) {
            self.present = false;
            change.removed = true;
        }
        if present && !self.present {
            self.present = true;
            self.since = now;
            self.done = false;
            change.inserted = true;
        }
        if event_count.is_some() {
            self.event_count = event_count;
        }
        change
    }

    /// Present for at least `debounce` and not read yet.
    pub(crate) fn due(&self, now: Instant, debounce: Duration) -> bool {
        self.present && !self.done && now.saturating_duration_since(self.since) >= debounce
    }

    /// Time left until [`due`](Self::due), when a read is pending.
    pub(crate) fn wait_left(&self, now: Instant, debounce: Duration) -> Option<Duration> {
        (self.present && !self.done).then(|| (self.since + debounce).saturating_duration_since(now))
    }

    pub(crate) fn mark_done(&mut self) {
        self.done = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEBOUNCE: Duration = Duration::from_millis(300);

    #[test]
    fn card_flapping_every_100ms_is_never_due() {
        let t0 = Instant::now();
        let mut p = Presence::new(t0);
        let mut count = 0;
        for step in 0..100u64 {
            let now = t0 + Duration::from_millis(100 * step);
            count += 1;
            p.observe(step % 2 == 0, Some(count), now);
            // Whenever the watcher looks (right now or just before the next report) …
            assert!(!p.due(now, DEBOUNCE), "due at step {step}");
            assert!(
                !p.due(now + Duration::from_millis(99), DEBOUNCE),
                "due at step {step}"
            );
        }
    }

    #[test]
    fn flaps_missed_between_reports_restart_the_debounce() {
        // The watcher only sees "present" each time, but the event counter moved.
        let t0 = Instant::now();
        let mut p = Presence::new(t0);
        for step in 0..10u32 {
            let now = t0 + Duration::from_millis(200 * u64::from(step));
            let c = p.observe(true, Some(step * 2), now);
            if step > 0 {
                assert!(c.removed && c.inserted, "swap seen at step {step}");
            }
            assert!(!p.due(now + Duration::from_millis(199), DEBOUNCE));
        }
    }

    #[test]
    fn steady_card_is_due_once_after_debounce() {
        let t0 = Instant::now();
        let mut p = Presence::new(t0);
        let c = p.observe(true, Some(1), t0);
        assert!(c.inserted && !c.removed);
        assert!(!p.due(t0 + Duration::from_millis(299), DEBOUNCE));
        assert_eq!(
            p.wait_left(t0 + Duration::from_millis(100), DEBOUNCE),
            Some(Duration::from_millis(200))
        );
        assert!(p.due(t0 + DEBOUNCE, DEBOUNCE));
        p.mark_done();
        assert!(!p.due(t0 + Duration::from_secs(5), DEBOUNCE));
        assert_eq!(p.wait_left(t0, DEBOUNCE), None);
        // Same card still there (same counter): nothing new.
        assert_eq!(
            p.observe(true, Some(1), t0 + Duration::from_secs(6)),
            Change::default()
        );
        // Lifted and placed again: read again after the debounce.
        let t1 = t0 + Duration::from_secs(7);
        assert!(p.observe(false, Some(2), t1).removed);
        assert!(p.observe(true, Some(3), t1).inserted);
        assert!(p.due(t1 + DEBOUNCE, DEBOUNCE));
    }
}
