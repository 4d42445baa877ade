//! Schema migrations, tracked with `PRAGMA user_version`.
//!
//! Each migration runs in its own transaction together with the `user_version` bump, so a crash
//! leaves the file at the old or the new version, never in between. Migrations are append-only:
//! never edit one that has shipped; add the next.

use rusqlite::Connection;

/// Ordered list of migrations; index + 1 is the schema version it produces.
pub const MIGRATIONS: &[&str] = &[
    // v1: shipments, officers, cards, handovers, corrections, audit log.
    r#"
CREATE TABLE officers (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    passphrase_hash TEXT,
    created_at      TEXT NOT NULL
);

CREATE TABLE shipments (
    id          INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL,
    arrived_on  TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL UNIQUE,
    profile     TEXT NOT NULL,
    row_count   INTEGER NOT NULL,
    officer_id  INTEGER REFERENCES officers(id)
);

CREATE TABLE cards (
    id                     INTEGER PRIMARY KEY,
    card_id                TEXT NOT NULL UNIQUE,
    shipment_id            INTEGER NOT NULL REFERENCES shipments(id),
    line_no                INTEGER NOT NULL,
    name                   TEXT NOT NULL,
    kana                   TEXT NOT NULL,
    romaji                 TEXT,
    birth_date             TEXT NOT NULL,
    issue_date             TEXT NOT NULL,
    expiry_date            TEXT NOT NULL,
    membership             TEXT CHECK (membership IN ('member', 'non_member')),
    route                  TEXT CHECK (route IN ('counter', 'mail')),
    cert_serial            TEXT,
    note                   TEXT,
    registration_qr        TEXT,
    registration_qr_sha256 TEXT,
    state                  TEXT NOT NULL DEFAULT 'awaiting'
        CHECK (state IN ('awaiting', 'handed_over', 'mailed', 'delivered', 'returned')),
    receipt                TEXT
        CHECK (receipt IN ('captured', 'returned_to_jmaca', 'not_required_postcard', 'not_required_mail')),
    arrived_on             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX cards_state ON cards(state, arrived_on);
CREATE INDEX cards_birth ON cards(birth_date);
CREATE INDEX cards_serial ON cards(cert_serial) WHERE cert_serial IS NOT NULL;

-- Narrow table of normalised search keys: a full scan touches few pages.
CREATE TABLE card_search (
    card_row INTEGER PRIMARY KEY REFERENCES cards(id),
    key      TEXT NOT NULL
);

CREATE TABLE handovers (
    id                INTEGER PRIMARY KEY,
    card_row          INTEGER NOT NULL REFERENCES cards(id),
    at                TEXT NOT NULL,
    officer_id        INTEGER REFERENCES officers(id),
    route             TEXT NOT NULL CHECK (route IN ('counter_receipt', 'counter_postcard', 'mail')),
    dispatch_date     TEXT,
    tracking_no       TEXT,
    id_documents      TEXT NOT NULL,
    photo_checked     INTEGER NOT NULL,
    details_confirmed INTEGER NOT NULL,
    match_result      TEXT NOT NULL,
    match_reasons     TEXT NOT NULL,
    officer_note      TEXT,
    exception         INTEGER NOT NULL,
    qr                TEXT NOT NULL,
    cert_serial_read  TEXT
);
CREATE INDEX handovers_card ON handovers(card_row);
CREATE INDEX handovers_at ON handovers(at);

-- 取消/訂正: a handover is never edited; a correction row cancels it.
CREATE TABLE handover_corrections (
    id          INTEGER PRIMARY KEY,
    handover_id INTEGER NOT NULL UNIQUE REFERENCES handovers(id),
    at          TEXT NOT NULL,
    officer_id  INTEGER REFERENCES officers(id),
    reason      TEXT NOT NULL
);

CREATE TABLE audit_events (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    officer_id INTEGER,
    kind       TEXT NOT NULL,
    card_row   INTEGER,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
"#,
    // v2: back office — arrival checks, appointments, return batches (receipts and cards),
    // restricted-delivery outcomes, uncollected-card contacts and holds.
    r#"
CREATE TABLE arrival_checks (
    id               INTEGER PRIMARY KEY,
    card_row         INTEGER NOT NULL REFERENCES cards(id),
    at               TEXT NOT NULL,
    officer_id       INTEGER REFERENCES officers(id),
    result           TEXT NOT NULL CHECK (result IN ('verified', 'failed')),
    match_result     TEXT NOT NULL,
    reasons          TEXT NOT NULL,
    cert_serial_read TEXT
);
CREATE INDEX arrival_checks_card ON arrival_checks(card_row, id);

-- A failed arrival check is resolved once, with a note; the check row stays.
CREATE TABLE arrival_resolutions (
    id         INTEGER PRIMARY KEY,
    check_id   INTEGER NOT NULL UNIQUE REFERENCES arrival_checks(id),
    at         TEXT NOT NULL,
    officer_id INTEGER REFERENCES officers(id),
    note       TEXT NOT NULL
);

-- Cards read during an arrival check that are not in the shipping list.
CREATE TABLE arrival_strays (
    id          INTEGER PRIMARY KEY,
    shipment_id INTEGER REFERENCES shipments(id),
    at          TEXT NOT NULL,
    officer_id  INTEGER REFERENCES officers(id),
    cert_serial TEXT NOT NULL,
    subject_cn  TEXT NOT NULL,
    name_kanji  TEXT
);

-- The current appointment of a card (予約). Changes are in the audit trail.
CREATE TABLE appointments (
    card_row   INTEGER PRIMARY KEY REFERENCES cards(id),
    at         TEXT NOT NULL,
    note       TEXT,
    set_at     TEXT NOT NULL,
    officer_id INTEGER REFERENCES officers(id)
);
CREATE INDEX appointments_at ON appointments(at);

-- Batches sent back to JMACA: signed receipts (kind 'receipts') or uncollected cards ('cards').
CREATE TABLE return_batches (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('receipts', 'cards')),
    number        TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    created_on    TEXT NOT NULL,
    officer_id    INTEGER REFERENCES officers(id),
    tracking_no   TEXT,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'sent', 'reopened')),
    sent_on       TEXT,
    sent_at       TEXT,
    reopened_at   TEXT,
    reopen_reason TEXT
);

-- A receipt (or card) is in at most one live batch: items of a reopened batch are inactive.
CREATE TABLE return_batch_items (
    batch_id    INTEGER NOT NULL REFERENCES return_batches(id),
    card_row    INTEGER NOT NULL REFERENCES cards(id),
    kind        TEXT NOT NULL CHECK (kind IN ('receipts', 'cards')),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    verified_at TEXT,
    PRIMARY KEY (batch_id, card_row)
);
CREATE UNIQUE INDEX return_batch_items_one_live ON return_batch_items(kind, card_row) WHERE active = 1;

-- Outcome of a restricted-delivery dispatch: delivered, or returned undelivered.
CREATE TABLE mail_outcomes (
    id          INTEGER PRIMARY KEY,
    handover_id INTEGER NOT NULL UNIQUE REFERENCES handovers(id),
    card_row    INTEGER NOT NULL REFERENCES cards(id),
    outcome     TEXT NOT NULL CHECK (outcome IN ('delivered', 'returned')),
    on_date     TEXT NOT NULL,
    at          TEXT NOT NULL,
    officer_id  INTEGER REFERENCES officers(id),
    reason      TEXT
);

-- Contacts about an uncollected card (電話 / 郵便 / メール).
CREATE TABLE uncollected_contacts (
    id         INTEGER PRIMARY KEY,
    card_row   INTEGER NOT NULL REFERENCES cards(id),
    on_date    TEXT NOT NULL,
    method     TEXT NOT NULL CHECK (method IN ('phone', 'letter', 'mail')),
    note       TEXT,
    at         TEXT NOT NULL,
    officer_id INTEGER REFERENCES officers(id)
);
CREATE INDEX uncollected_contacts_card ON uncollected_contacts(card_row, on_date);

-- 保留: a card kept beyond the deadlines (e.g. 入院中). Rows are never deleted: lifting a hold
-- sets lifted_at; at most one hold per card is in force. The reason stays here, not in the audit.
CREATE TABLE uncollected_holds (
    id         INTEGER PRIMARY KEY,
    card_row   INTEGER NOT NULL REFERENCES cards(id),
    reason     TEXT NOT NULL,
    since      TEXT NOT NULL,
    officer_id INTEGER REFERENCES officers(id),
    lifted_at  TEXT,
    lifted_by  INTEGER REFERENCES officers(id)
);
CREATE UNIQUE INDEX uncollected_holds_one_in_force ON uncollected_holds(card_row) WHERE lifted_at IS NULL;
"#,
    // v3: settings that belong to the data rather than the schema (e.g. the search-key fingerprint).
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    // v4: the shipping list's optional 発行区分 and 旧有効期限 (the 6th-birthday renewal rule needs them).
    r#"
ALTER TABLE cards ADD COLUMN issue_type TEXT CHECK (issue_type IN ('new', 'renewal', 'reissue'));
ALTER TABLE cards ADD COLUMN previous_expiry TEXT;
"#,
    // v5: the ledger. A per-database random salt for the digests of personal values that events
    // carry instead of the values, and the second officer who confirmed a mismatch exception.
    // Events written before stay as they are: the replay treats what they lack as unsupported.
    r#"
CREATE TABLE ledger_salt (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    salt TEXT NOT NULL
);
INSERT INTO ledger_salt (id, salt) VALUES (1, lower(hex(randomblob(32))));
CREATE TRIGGER ledger_salt_no_update BEFORE UPDATE ON ledger_salt
BEGIN SELECT RAISE(ABORT, 'ledger_salt is fixed'); END;
CREATE TRIGGER ledger_salt_no_delete BEFORE DELETE ON ledger_salt
BEGIN SELECT RAISE(ABORT, 'ledger_salt is fixed'); END;
ALTER TABLE handovers ADD COLUMN confirmed_by INTEGER REFERENCES officers(id);
"#,
];

/// The schema version this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

/// Bring the database up to [`latest`]. Refuses a file written by a newer kofu.
pub fn migrate(conn: &mut Connection) -> Result<u32, super::StoreError> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > latest() {
        return Err(super::StoreError::TooNew {
            found: current,
            supported: latest(),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        tx.commit()?;
    }
    Ok(latest())
}
