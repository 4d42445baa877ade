//! Durability of the ledger: the kofu binary running one desk operation (an import, a receipt
//! batch, mail outcomes, holds, appointments, contacts, officers) is killed with SIGKILL at a
//! random moment, at least 200 times. Each time `kofu db check` — integrity, chain and the
//! ledger — passes, and an import or a batch is there whole or not at all.

#![cfg(unix)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kofu::domain::handover::HandoverRoute;
use kofu::store::Store;

use crate::support::common;
use crate::support::office::*;

const CARDS: usize = 400;
const RECEIPTS: usize = 300;
const MAILED: usize = 40;
const IMPORT_ROWS: usize = 800;
const KILLS: usize = 200;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, d: Duration) -> Duration {
        let micros = d.as_micros().max(1) as u64;
        Duration::from_micros(self.next() % micros)
    }
}

fn spawn(db: &Path, args: &[String]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("kofu"))
        .env_remove("KOFU_DATA_DIR")
        .env(kofu::clock::NOW_ENV, common::NOW)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Kill `child` after `after` unless it finished first; true when it was killed.
fn kill_after(mut child: Child, after: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    true
}

fn id(i: usize) -> String {
    format!("T{i:011}")
}

#[test]
fn sigkill_during_any_desk_operation_leaves_the_ledger_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let base_dir = dir.path().join("base");
    std::fs::create_dir_all(&base_dir).unwrap();
    {
        let mut s = store_in(&base_dir, CARDS, today());
        s.conn().pragma_update(None, "synchronous", "OFF").unwrap();
        for i in 0..RECEIPTS {
            let c = card(&s, i);
            s.commit_handover(&commit(c.id, HandoverRoute::CounterWithReceipt), None)
                .unwrap();
        }
        for i in RECEIPTS..RECEIPTS + MAILED {
            let c = card(&s, i);
            s.commit_handover(
                &commit(
                    c.id,
                    mail(&format!("{:012}", 200_000_000_000u64 + i as u64)),
                ),
                None,
            )
            .unwrap();
        }
        s.conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    let base = base_dir.join("kofu.db");
    let csv = common::write(
        dir.path(),
        "more.csv",
        common::manifest(IMPORT_ROWS, 10_000),
    );
    let ops: Vec<Vec<String>> = {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        vec![
            s(&["import", csv.to_str().unwrap()]),
            s(&["receipts", "batch", "create"]),
            s(&["mail", "delivered", &id(RECEIPTS)]),
            s(&[
                "mail",
                "returned",
                &id(RECEIPTS + 1),
                "--reason",
                "保管期間経過",
            ]),
            s(&["uncollected", "hold", &id(CARDS - 1), "--reason", "入院中"]),
            s(&["uncollected", "contact", &id(CARDS - 2), "--by", "phone"]),
            s(&[
                "appointment",
                "set",
                &id(CARDS - 3),
                "--at",
                "2026-11-27 10:30",
            ]),
            s(&["officer", "add", "夜間担当"]),
        ]
    };
    // How long each operation takes here, on a fresh copy.
    let mut full = Vec::new();
    for (n, op) in ops.iter().enumerate() {
        let probe = dir.path().join(format!("probe{n}.db"));
        std::fs::copy(&base, &probe).unwrap();
        let t = Instant::now();
        assert!(spawn(&probe, op).wait().unwrap().success(), "{op:?}");
        full.push(t.elapsed());
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7);
    eprintln!("ledger crash seed {seed}; operation times {full:?}");
    let mut rng = Lcg(seed);
    let (mut killed, mut rounds) = (0usize, 0usize);
    let started = Instant::now();
    let db = dir.path().join("round.db");
    while killed < KILLS {
        rounds += 1;
        assert!(
            rounds < KILLS * 4,
            "seed {seed}: only {killed} kills in {rounds} rounds"
        );
        for side in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{side}", db.display()));
        }
        std::fs::copy(&base, &db).unwrap();
        let k = (rng.next() as usize) % ops.len();
        let t = full[k];
        // Kill somewhere in the operation, biased past start-up (the first third of the time).
        let after = t / 3 + rng.below(t);
        if kill_after(spawn(&db, &ops[k]), after) {
            killed += 1;
        }
        let s = Store::open(&db, &clock()).unwrap();
        let r = s.check().unwrap();
        assert!(
            r.ok(),
            "round {rounds} (seed {seed}, op {:?}, killed after {after:?}): {:?} {:?}",
            ops[k],
            r.audit.first_bad,
            r.ledger.map(|l| l.findings)
        );
        // Whole or nothing: the import's cards, the batch's receipts.
        let cards = s.card_count().unwrap() as usize;
        assert!(
            cards == CARDS || cards == CARDS + IMPORT_ROWS,
            "seed {seed}: {cards} cards"
        );
        for b in s.return_batches(None).unwrap() {
            assert_eq!(
                b.live_items().count(),
                RECEIPTS,
                "seed {seed}: half-made batch"
            );
        }
    }
    eprintln!(
        "killed {killed} of {rounds} runs in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
