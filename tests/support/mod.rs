//! The one helper tree of the integration tests (`tests/integration/main.rs`):
//! - [`common`]: manifest files, the tests' fixed clock and the binary under test;
//! - [`office`]: stores with cards, handovers and certificate facts for the back-office tests;
//! - [`scenes`]: named `App` states at every step (UI snapshots, screenshots, flow tests);
//! - [`qr_scan`]: decoding the QR code drawn on a screen (the view's frame or a terminal's).
//!
//! Card tests through a real pcscd:
//! - [`pcscd`]: start/stop a private pcscd with only an emulated (vpcd) reader on port 35990;
//! - [`vpcd_card`]: an emulated HPKI card speaking the vpcd protocol (TCP client);
//! - [`certs`]: test HPKI certificates generated with rcgen ("kofu Test HPKI CA");
//! - [`events`]: collecting `CardEvent`s from a watcher with timeouts.
//!
//! Use from a test module with `use crate::support;`.
#![allow(dead_code)]

pub mod certs;
pub mod common;
pub mod events;
pub mod ledger;
pub mod office;
pub mod pcscd;
pub mod qr_scan;
pub mod scenes;
pub mod vpcd_card;
