use super::*;
use crate::domain::{CardState, ReceiptStatus};
use serde_json::json;

fn ev(seq: i64, kind: &str, card_row: Option<i64>, detail: serde_json::Value) -> LedgerEvent {
    LedgerEvent::new(seq, kind.into(), None, card_row, &detail.to_string())
}

fn imported() -> LedgerEvent {
    ev(
        1,
        "shipment_imported",
        None,
        json!({"shipment_id": 1, "cards": [[1, "T1", "aaaa"], [2, "T2", "bbbb"]]}),
    )
}

#[test]
fn a_handover_and_its_cancellation_fold_into_the_card_state() {
    let events = vec![
        imported(),
        ev(
            2,
            "handed_over",
            Some(1),
            json!({"handover_id": 7, "card_id": "T1", "route": "counter_receipt",
                   "receipt": "captured", "match": "match", "exception": false,
                   "from": "awaiting", "to": "handed_over"}),
        ),
    ];
    let r = replay(&events);
    assert!(r.cards_complete && r.unsupported.is_empty());
    assert_eq!(r.state.cards[&1].state, CardState::HandedOver);
    assert_eq!(r.state.cards[&1].receipt, Some(ReceiptStatus::Captured));
    assert_eq!(r.state.cards[&2].state, CardState::Awaiting);
    assert_eq!(r.state.handovers[&7].route, "counter_receipt");
    let mut more = events.clone();
    more.push(ev(
        3,
        "handover_cancelled",
        Some(1),
        json!({"handover_id": 7, "from": "handed_over", "to": "awaiting"}),
    ));
    let r = replay(&more);
    assert_eq!(r.state.cards[&1].state, CardState::Awaiting);
    assert_eq!(r.state.cards[&1].receipt, None);
    assert!(r.state.handovers[&7].cancelled);
}

#[test]
fn a_changed_state_is_one_finding_in_japanese_with_the_card_id() {
    let r = replay(&[imported()]);
    let mut table = r.state.clone();
    table.cards.get_mut(&1).unwrap().state = CardState::HandedOver;
    let f = compare(&r, &table);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].code, "card_state");
    assert_eq!(
        f[0].message(),
        "カード T1: 状態が台帳と違います（台帳: 交付待ち / 表: 交付済）"
    );
    assert!(compare(&r, &r.state).is_empty());
}

#[test]
fn old_imports_make_the_card_set_check_unsupported_not_failed() {
    let r = replay(&[ev(
        1,
        "shipment_imported",
        None,
        json!({"shipment_id": 1, "rows": 2}),
    )]);
    assert!(!r.cards_complete);
    assert_eq!(r.unsupported[0].code, "card_set");
    let mut table = DeskState::default();
    table.cards.insert(
        5,
        CardFacts {
            card_id: Some("T5".into()),
            state: CardState::Awaiting,
            receipt: None,
            digest: Some("x".into()),
        },
    );
    assert!(compare(&r, &table).is_empty());
    table.cards.get_mut(&5).unwrap().state = CardState::Returned;
    assert_eq!(compare(&r, &table)[0].code, "card_state");
}

#[test]
fn a_transition_from_a_state_the_ledger_did_not_hold_is_an_inconsistency() {
    let r = replay(&[
        imported(),
        ev(
            2,
            "mail_delivered",
            Some(1),
            json!({"from": "mailed", "to": "delivered"}),
        ),
    ]);
    assert_eq!(r.inconsistencies.len(), 1);
    assert!(r.inconsistencies[0].message().contains("矛盾"));
}

#[test]
fn digests_depend_on_the_salt() {
    assert_ne!(
        card_digest("a", &[Some("x")]),
        card_digest("b", &[Some("x")])
    );
    assert_eq!(card_digest("a", &[Some("x"), None]).len(), 16);
    assert_ne!(card_digest("a", &[None]), card_digest("a", &[Some("")]));
    assert_ne!(salted_digest("a", &["xy"]), salted_digest("a", &["x", "y"]));
}
