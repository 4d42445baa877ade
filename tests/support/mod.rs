//! Test-only helpers for card tests through a real pcscd:
//! - [`pcscd`]: start/stop a private pcscd with only an emulated (vpcd) reader on port 35990;
//! - [`vpcd_card`]: an emulated HPKI card speaking the vpcd protocol (TCP client);
//! - [`certs`]: test HPKI certificates generated with rcgen ("kofu Test HPKI CA");
//! - [`events`]: collecting `CardEvent`s from a watcher with timeouts.
//!
//! Use from an integration test with `mod support;`.
#![allow(dead_code)]

pub mod certs;
pub mod events;
pub mod pcscd;
pub mod vpcd_card;
