//! kofu — the desk tool for handing over the 医師資格証 (JMA HPKI physician card).
//!
//! Layers (dependency direction: `domain` ← `store`, `card`, `app` ← `ui`):
//! - [`domain`]: pure types and rules (dates, 和暦, expiry, fees, search keys, card states, identity match).
//! - [`store`]: SQLite persistence, migrations, audit chain, manifest import.
//! - [`card`]: PC/SC and simulated card readers, HPKI reading, certificate parsing.
//! - [`app`]: application state machine (Elm style: `App::handle(Event) -> Vec<Effect>`).
//! - [`ui`]: pure rendering of `&App` with ratatui.
//! - [`cli`]: command-line interface.
#![warn(clippy::string_slice)]

pub mod app;
pub mod card;
pub mod cli;
pub mod clock;
pub mod console;
pub mod data;
pub mod domain;
pub mod export;
pub mod logging;
pub mod runtime;
pub mod store;
pub mod ui;
