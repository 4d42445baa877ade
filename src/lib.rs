//! kofu — the desk tool for handing over the 医師資格証 (JMA HPKI physician card).
//!
//! Layers (checked by `tests/integration/architecture.rs`; `A ──▶ B`: A may use B; no cycles):
//!
//! ```text
//!   shell   cli · runtime · console · logging   wires everything below: threads, terminal, files
//!   views   ui ──────────────────▶ app, domain
//!   state   app ─────────────────▶ data, domain        (pure: handle(Event) -> Vec<Effect>)
//!   I/O     export ──────────────▶ store, domain
//!           store ───────────────▶ data, clock, domain (every SQL string)
//!           card · data · clock ─▶ domain
//!   pure    domain ──────────────▶ std and pure crates only (no I/O, no clock)
//! ```
//! - [`domain`]: pure types and rules (dates, 和暦, expiry, fees, search keys, card states, the
//!   identity match, the reader's events, the ledger's replay, the back office's value types in
//!   [`domain::office`], manifest profiles) and [`domain::rules::Rules`], every rule table as one
//!   value shared as `Arc<Rules>`; no I/O, no clock.
//! - [`data`]: the one reader of `data/`: builds the `Rules` bundle once (config).
//! - [`store`]: SQLite persistence, migrations, audit chain, the ledger check ([`store::ledger`]),
//!   manifest import; every SQL string.
//! - [`card`]: PC/SC and simulated card readers, HPKI reading, certificate parsing.
//! - [`app`]: application state machine (Elm style: `App::handle(Event) -> Vec<Effect>`);
//!   `App { session, queue, screen, dialogs }` only routes; screens in `app::screens`, dialogs
//!   in `app::dialogs`, each owning its state and update.
//! - [`ui`]: pure rendering with ratatui; `ui::screens` / `ui::dialogs` mirror `app`'s files and
//!   each view draws only its own state.
//! - [`export`]: CSV and printable HTML files from store rows.
//! - [`clock`]: the one clock (the only wall-clock read of the program).
//! - [`cli`], [`runtime`], [`console`], [`logging`]: the shell.
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
