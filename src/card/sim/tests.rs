use super::*;
use crate::card::apdu::{AID_AUTH, VERIFY_PROBE, select_aid};
use std::sync::mpsc;

fn facts() -> CertificateFacts {
    test_certificate("01ab")
}

fn collect(reader: &SimulatedReader) -> (WatcherHandle, mpsc::Receiver<CardEvent>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let h = reader.spawn_watcher(Box::new(move |e| {
        let _ = tx.lock().unwrap().send(e);
    }));
    (h, rx)
}

fn inserted(reader: &str) -> CardEvent {
    CardEvent::CardInserted {
        reader: reader.into(),
    }
}

fn removed(reader: &str) -> CardEvent {
    CardEvent::CardRemoved {
        reader: reader.into(),
    }
}

fn next(rx: &mpsc::Receiver<CardEvent>) -> CardEvent {
    rx.recv_timeout(Duration::from_secs(3)).expect("event")
}

/// Pass over the next `n` events.
fn skip(rx: &mpsc::Receiver<CardEvent>, n: usize) {
    for _ in 0..n {
        next(rx);
    }
}

/// A reader without debounce whose watcher has already reported the service and the reader.
fn started(name: &str) -> (SimulatedReader, WatcherHandle, mpsc::Receiver<CardEvent>) {
    let reader = SimulatedReader::with_debounce(name, Duration::ZERO);
    let (h, rx) = collect(&reader);
    skip(&rx, 2);
    (reader, h, rx)
}

/// The error of the next event, which must be a failed read.
fn read_error(rx: &mpsc::Receiver<CardEvent>) -> CardError {
    match next(rx) {
        CardEvent::ReadFinished { result: Err(e), .. } => e,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn applet_pin_and_select() {
    let mut a = HpkiApplet::new(vec![0x30, 0x00]).with_pin(SimPin::Tries(3));
    assert_eq!(a.respond(&select_aid(&AID_AUTH)), vec![0x90, 0x00]);
    assert_eq!(a.respond(&VERIFY_PROBE), vec![0x63, 0xC3]);
    assert_eq!(
        a.respond(&[0x00, 0x20, 0x00, 0x88, 0x02, 0x31, 0x32]),
        vec![0x69, 0x82]
    );
    let mut f = HpkiApplet::foreign();
    assert_eq!(f.respond(&select_aid(&AID_AUTH)), vec![0x6A, 0x82]);
    assert_eq!(f.respond(&[]), vec![0x67, 0x00]);
}

#[test]
fn simulated_good_card_event_sequence() {
    let reader = SimulatedReader::with_debounce("Sim 0", Duration::ZERO);
    let (h, rx) = collect(&reader);
    assert_eq!(next(&rx), CardEvent::ServiceAvailable);
    assert_eq!(next(&rx), CardEvent::ReaderAdded("Sim 0".into()));
    reader.place(SimCard::physician(facts()));
    assert_eq!(next(&rx), inserted("Sim 0"));
    assert_eq!(
        next(&rx),
        CardEvent::Reading {
            reader: "Sim 0".into()
        }
    );
    match next(&rx) {
        CardEvent::ReadFinished { result: Ok(r), .. } => {
            assert_eq!(r.certificate.subject_cn, "Sanjushi Kagurazaka");
            assert_eq!(r.pin.tries_left, Some(15));
        }
        other => panic!("unexpected {other:?}"),
    }
    reader.lift();
    assert_eq!(next(&rx), removed("Sim 0"));
    h.shutdown();
}

#[test]
fn simulated_failures() {
    let (reader, h, rx) = started("Sim 0");
    reader.place(SimCard::Foreign);
    skip(&rx, 2);
    assert!(matches!(read_error(&rx), CardError::NotHpki));
    reader.place(SimCard::LiftedMidRead);
    assert_eq!(next(&rx), removed("Sim 0"));
    assert_eq!(next(&rx), inserted("Sim 0"));
    next(&rx);
    assert!(matches!(read_error(&rx), CardError::Removed));
    assert_eq!(next(&rx), removed("Sim 0"));
    reader.set_service(false);
    assert_eq!(next(&rx), CardEvent::ReaderRemoved("Sim 0".into()));
    assert_eq!(next(&rx), CardEvent::ServiceUnavailable);
    reader.set_service(true);
    assert_eq!(next(&rx), CardEvent::ServiceAvailable);
    assert_eq!(next(&rx), CardEvent::ReaderAdded("Sim 0".into()));
    h.shutdown();
}

#[test]
fn simulated_applet_goes_through_the_apdu_path() {
    let (handle_to_place, h, rx) = started("Sim 1");
    handle_to_place.place(SimCard::Applet(HpkiApplet::foreign()));
    skip(&rx, 2);
    assert!(matches!(read_error(&rx), CardError::NotHpki));
    handle_to_place.place(SimCard::Applet(HpkiApplet::new(vec![0x30, 0x03, 1, 2, 3])));
    skip(&rx, 3);
    assert!(matches!(read_error(&rx), CardError::Malformed(_)));
    h.shutdown();
}

#[test]
fn simulated_debounce_skips_flapping() {
    let reader = SimulatedReader::with_debounce("Sim 0", Duration::from_millis(300));
    let (h, rx) = collect(&reader);
    for _ in 0..5 {
        reader.place(SimCard::physician(facts()));
        std::thread::sleep(Duration::from_millis(100));
        reader.lift();
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(400));
    h.shutdown();
    let events: Vec<CardEvent> = rx.try_iter().collect();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, CardEvent::CardInserted { .. }))
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, CardEvent::Reading { .. }))
    );
}
