//! kofu — the desk tool for handing over the 医師資格証 (JMA HPKI physician card).
//!
//! Layers (checked by `tests/integration/architecture.rs`):
//!
//! ```text
//!   cli · runtime · console · logging      the shell: threads, terminal, files, the one clock
//!        │ wires everything below
//!   ui ──▶ app ──▶ domain ◀── store ◀── export
//!               ▲     ▲  ▲       │
//!          data ┘ card┘  └ clock ┘
//! ```
//! - [`domain`]: pure types and rules (dates, 和暦, expiry, fees, search keys, card states, the
//!   identity match, the back office's value types in [`domain::office`], manifest profiles);
//!   no I/O, no clock.
//! - [`data`]: reads `data/` into the domain's rule tables (config).
//! - [`store`]: SQLite persistence, migrations, audit chain, the ledger check ([`store::ledger`]),
//!   manifest import; every SQL string.
//! - [`card`]: PC/SC and simulated card readers, HPKI reading, certificate parsing.
//! - [`app`]: application state machine (Elm style: `App::handle(Event) -> Vec<Effect>`);
//!   `App { session, queue, screen, dialogs }` only routes; screens in `app::screens`, dialogs
//!   in `app::dialogs`, each owning its state and update.
//! - [`ui`]: pure rendering with ratatui; `ui::screens` / `ui::dialogs` mirror `app`'s files.
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
