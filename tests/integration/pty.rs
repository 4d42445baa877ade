//! End-to-end tests of the real binary in a pseudo-terminal: `kofu demo` → search → a full
//! counter handover with the demo card → quit; then `kofu cards --json` shows the card
//! handed over and `kofu audit verify` passes. The second one does it at 80x24 with a card
//! whose 初期登録用QRコード is on file: the QR is really drawn before it is ticked and
//! committed, and its payload is erased only then.
#![cfg(unix)]

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::process::Healthcheck;
use expectrl::session::OsSession as Session;

const COLS: u16 = 120;
const ROWS: u16 = 40;

struct Tui {
    session: Session,
    parser: vt100::Parser,
}

impl Tui {
    fn spawn(cmd: Command) -> Tui {
        Tui::spawn_sized(cmd, COLS, ROWS)
    }

    fn spawn_sized(cmd: Command, cols: u16, rows: u16) -> Tui {
        let mut session = Session::spawn(cmd).expect("spawn in a pty");
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .expect("window size");
        Tui {
            session,
            parser: vt100::Parser::new(rows, cols, 0),
        }
    }

    /// Waits until at least `rows` terminal rows hold QR modules (half blocks) and returns
    /// the screen.
    fn wait_for_qr(&mut self, rows: usize) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if qr_rows(&s) >= rows {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for a QR of {rows} rows; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The QR codes a decoder reads from the terminal screen as kofu drew it.
    fn decode_qr(&mut self) -> Vec<String> {
        self.pump();
        let screen = self.parser.screen();
        let (rows, cols) = screen.size();
        crate::support::qr_scan::decode_cells(rows, cols, |r, c| {
            let cell = screen.cell(r, c)?;
            Some((
                cell.contents().to_string(),
                cell.fgcolor() != vt100::Color::Idx(0),
                cell.bgcolor() != vt100::Color::Idx(0),
            ))
        })
    }

    fn pump(&mut self) {
        let mut buf = [0u8; 8192];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => self.parser.process(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(_) => break,
            }
        }
    }

    fn screen(&mut self) -> String {
        self.pump();
        self.parser.screen().contents()
    }

    fn wait_for(&mut self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {needle:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until the screen satisfies `ok`.
    fn wait_until(&mut self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &str) {
        self.session.write_all(bytes.as_bytes()).expect("write");
        self.session.flush().expect("flush");
        // One key at a time, as a person would type.
        std::thread::sleep(Duration::from_millis(60));
        self.pump();
    }

    fn wait_exit(&mut self) {
        let start = Instant::now();
        while self.session.get_process().is_alive().unwrap_or(false) {
            self.pump();
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "kofu did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The demo shipping list's registration QR payload of `card_id` (its last column).
fn demo_qr_payload(card_id: &str) -> String {
    let csv = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo/manifest.csv"),
    )
    .expect("demo manifest");
    csv.lines()
        .find(|l| l.starts_with(card_id))
        .and_then(|l| l.rsplit(',').next())
        .expect("the card's row")
        .to_string()
}

/// Rows of the screen that hold at least 10 half-block QR modules.
fn qr_rows(screen: &str) -> usize {
    screen
        .lines()
        .filter(|l| l.chars().filter(|c| matches!(c, '▀' | '▄' | '█')).count() >= 10)
        .count()
}

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const F6: &str = "\x1b[17~";
const F9: &str = "\x1b[20~";
const F10: &str = "\x1b[21~";

fn kofu() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kofu"))
}

fn run(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(kofu())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("KOFU_LOG", "warn")
        .output()
        .expect("run kofu")
}

#[test]
fn demo_handover_end_to_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kofu.db");
    let help = run(&db, &["demo", "--help"]);
    assert!(
        help.status.success(),
        "`kofu demo` is not available: {}",
        String::from_utf8_lossy(&help.stderr)
    );

    let mut cmd = Command::new(kofu());
    cmd.arg("--db").arg(&db).arg("demo");
    cmd.env("TERM", "xterm-256color").env_remove("WT_SESSION");
    let mut tui = Tui::spawn(cmd);
    tui.wait_for("カード一覧");

    // Search by kana: 浅葱　透 (D2410000001), a counter card.
    for c in "アサギ".chars() {
        tui.send(&c.to_string());
    }
    tui.wait_for("D2410000001");
    tui.wait_for("カード一覧 1件");
    tui.send(ENTER);
    tui.wait_for("1 本人確認");
    for k in ["1", "m", "p", "d"] {
        tui.send(k);
    }
    tui.send(ENTER);
    tui.wait_for("カードをリーダに置いてください");
    // Demo card tray: the physician's own card.
    tui.send(F6);
    tui.wait_for("デモ用カードトレイ");
    tui.send("1");
    tui.wait_for("照合結果: 一致");
    tui.send(ENTER);
    tui.wait_for("3 受け渡し");
    tui.send("q");
    tui.send("r");
    tui.send(ENTER);
    tui.wait_for("以下の内容で記録します");
    tui.send(F9);
    // The dialog accepts its key only after a pause (no input burst can commit).
    tui.wait_for("y 確定する   Esc やめる");
    tui.send("y");
    let done = tui.wait_for("交付を記録しました");
    assert!(done.contains("JMACA返送"), "{done}");
    tui.send(ENTER);
    tui.wait_for("カード一覧");
    tui.send(F10);
    tui.wait_exit();

    let out = run(&db, &["cards", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cards: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let list = cards
        .as_array()
        .or_else(|| cards.get("cards").and_then(|c| c.as_array()))
        .expect("a list of cards");
    let card = list
        .iter()
        .find(|c| c.get("card_id").and_then(|v| v.as_str()) == Some("D2410000001"))
        .expect("the card is listed");
    assert_eq!(
        card.get("state").and_then(|v| v.as_str()),
        Some("handed_over"),
        "{card}"
    );
    let handed: Vec<_> = list
        .iter()
        .filter(|c| c.get("state").and_then(|v| v.as_str()) == Some("handed_over"))
        .collect();
    assert_eq!(handed.len(), 1, "exactly one card handed over");

    let out = run(&db, &["audit", "verify"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The card of `card_id` in `kofu cards --json`.
fn card_json(db: &Path, card_id: &str) -> serde_json::Value {
    let out = run(db, &["cards", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cards: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let list = cards
        .as_array()
        .or_else(|| cards.get("cards").and_then(|c| c.as_array()))
        .expect("a list of cards")
        .clone();
    list.into_iter()
        .find(|c| c.get("card_id").and_then(|v| v.as_str()) == Some(card_id))
        .expect("the card is listed")
}

#[test]
fn handover_with_the_qr_on_screen_at_80x24() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kofu.db");
    let mut cmd = Command::new(kofu());
    cmd.arg("--db").arg(&db).arg("demo");
    // Windows Terminal: the Unicode glyph set, half-block QR (ASCII needs more rows, see README).
    cmd.env("TERM", "xterm-256color")
        .env("WT_SESSION", "pty-test");
    let mut tui = Tui::spawn_sized(cmd, 80, 24);
    tui.wait_for("カード一覧");

    // 渡邊　健太 (D2503000001): a counter card whose shipping list carries the QR payload.
    for c in "D2503000001".chars() {
        tui.send(&c.to_string());
    }
    tui.wait_for("カード一覧 1件");
    tui.send(ENTER);
    tui.wait_for("1 本人確認");
    for k in ["1", "m", "p", "d"] {
        tui.send(k);
    }
    tui.send(ENTER);
    tui.wait_for("カードをリーダに置いてください");
    tui.send(F6);
    tui.wait_for("デモ用カードトレイ");
    tui.send("1");
    tui.wait_for("照合結果: 一致");
    tui.send(ENTER);
    tui.wait_for("3 受け渡し");
    // The QR is really drawn at 80x24, beside the checklist: version 2 with its quiet zone
    // is 29 modules, 15 rows of half blocks.
    let step3 = tui.wait_for_qr(14);
    assert!(step3.contains("受領書"), "{step3}");
    assert!(!step3.contains("受け渡せません"), "{step3}");
    // What the terminal shows is the physician's code: a QR decoder reads the payload back.
    let payload = demo_qr_payload("D2503000001");
    assert!(payload.starts_with("KOFU-DEMO-QR-"), "{payload}");
    assert_eq!(tui.decode_qr(), vec![payload.clone()], "{step3}");
    // Alone on the screen with `v`: nothing but the QR and one line.
    tui.send("v");
    let full = tui.wait_for("Esc で戻ります");
    assert!(qr_rows(&full) >= 14, "{full}");
    assert!(!full.contains("渡邊"), "{full}");
    assert_eq!(tui.decode_qr(), vec![payload], "{full}");
    tui.send(ESC);
    tui.wait_for("受領書あり");
    // Not committed yet: the payload is still on file.
    assert_eq!(
        card_json(&db, "D2503000001").get("has_registration_qr"),
        Some(&serde_json::Value::Bool(true))
    );
    // Each key is checked on the screen before the next, as the officer would: a key that is
    // lost or refused fails here, by name, not 20 s later on the confirmation.
    tui.send("q");
    tui.wait_for("[x] QRコード");
    tui.send("r");
    tui.wait_for("(*) 受領書あり");
    tui.send(ENTER);
    let confirm = tui.wait_for("以下の内容で記録します");
    assert!(confirm.contains("画面に表示して読み取り"), "{confirm}");
    tui.send(F9);
    // The dialog accepts its key only after a pause (no input burst can commit).
    tui.wait_for("y 確定する   Esc やめる");
    tui.send("y");
    tui.wait_for("交付を記録しました");
    tui.send(ENTER);
    tui.wait_for("カード一覧");
    tui.send(F10);
    tui.wait_exit();

    let card = card_json(&db, "D2503000001");
    assert_eq!(
        card.get("state").and_then(|v| v.as_str()),
        Some("handed_over"),
        "{card}"
    );
    // Shown, scanned, committed: only now is the payload erased.
    assert_eq!(
        card.get("has_registration_qr"),
        Some(&serde_json::Value::Bool(false)),
        "{card}"
    );
}

/// Issue 11 #11: an Esc in the middle of a 3 000-character burst (it arrives glued to the next
/// key in one read) and a long bracketed paste followed by an Esc: nothing is lost, the real
/// binary in a pseudo-terminal.
#[test]
fn esc_survives_a_long_burst_and_a_long_paste() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("kofu.db");
    let mut cmd = Command::new(kofu());
    cmd.arg("--db").arg(&db).arg("demo");
    cmd.env("TERM", "xterm-256color").env_remove("WT_SESSION");
    let mut tui = Tui::spawn(cmd);
    tui.wait_for("カード一覧");
    // 3 000 characters, Esc (clears the search), the surname: one write, as a scanner sends.
    let burst = format!("{}\x1bアサギ", "x".repeat(3000));
    tui.send(&burst);
    let s = tui.wait_until("the surname's one card", |s| {
        s.contains("カード一覧 1件") && s.contains("D2410000001")
    });
    assert!(!s.contains("xxx"), "the Esc cleared the burst:\n{s}");
    // A long bracketed paste (one event), then Esc and another surname glued to it.
    let paste = format!("\x1b\x1b[200~{}\x1b[201~\x1bサンジョウ", "y".repeat(3000));
    tui.send(&paste);
    let s = tui.wait_until("the second surname's card", |s| {
        s.contains("カード一覧 1件") && s.contains("D2404000001")
    });
    assert!(
        !s.contains("yyy"),
        "the Esc after the paste cleared it:\n{s}"
    );
    assert!(!s.contains("D2410000001"), "{s}");
    // Esc, then a bracketed paste: it shows its text. (Not in one read: crossterm takes
    // `ESC ESC` as one Esc and would eat the paste's opening ESC.)
    tui.send("\x1b");
    tui.wait_for("カード一覧 50件");
    tui.send("\x1b[200~タカハシ\x1b[201~");
    tui.wait_until("the pasted surname's card", |s| {
        s.contains("カード一覧 1件") && s.contains("D2501000001")
    });
    tui.send(F10);
    tui.wait_exit();
}
