//! kofu's integration tests, in one binary with a module per area and one helper tree
//! (`tests/support/`). One binary instead of one per file: on a 2-core machine every extra test
//! binary re-links the whole crate with SQLite (and, for the Windows run, once more under mingw).
//! Run one area with `cargo test --test integration ui_office::`.

#[path = "../support/mod.rs"]
mod support;

mod architecture;
mod card_pcsc;
mod cli;
mod crash;
mod import;
mod ledger;
mod ledger_crash;
mod ledger_prop;
mod office;
mod office_cli;
mod office_crash;
mod office_html;
mod office_privacy;
mod pty;
mod reader_cli;
mod screenshots;
mod store;
mod ui_flows;
mod ui_input;
mod ui_keymap;
mod ui_office;
mod ui_reference;
mod ui_snapshots;
