//! Durability: `kofu receipts batch create` over thousands of captured receipts and `kofu backup`,
//! both killed with SIGKILL at random moments. Each time `kofu db check` passes and every receipt
//! is either in the one complete batch or in none.

#![cfg(unix)]

use crate::support::office as office_support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kofu::domain::handover::HandoverRoute;
use kofu::store::Store;
use office_support::*;

const RECEIPTS: usize = 3000;

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

fn spawn(db: &std::path::Path, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("kofu"))
        .env_remove("KOFU_DATA_DIR")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn kill_after(mut child: Child, after: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    true
}

#[test]
fn sigkill_during_batch_create_and_backup_leaves_no_half_made_batch() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    std::fs::create_dir_all(&base).unwrap();
    {
        let mut s = store_in(&base, RECEIPTS, today());
        // Setup speed only: the CLI under test opens with synchronous=FULL.
        s.conn().pragma_update(None, "synchronous", "OFF").unwrap();
        for i in 0..RECEIPTS {
            let c = card(&s, i);
            s.commit_handover(&commit(c.id, HandoverRoute::CounterWithReceipt), None)
                .unwrap();
        }
        assert_eq!(s.pending_receipts().unwrap().len(), RECEIPTS);
    }
    let base_db = base.join("kofu.db");

    // How long a full batch create takes here.
    let probe = dir.path().join("probe.db");
    std::fs::copy(&base_db, &probe).unwrap();
    let t = Instant::now();
    let st = spawn(&probe, &["receipts", "batch", "create"])
        .wait()
        .unwrap();
    assert!(st.success());
    let full = t.elapsed();
    let t = Instant::now();
    let st = spawn(
        &probe,
        &[
            "backup",
            dir.path().join("probe-backup.db").to_str().unwrap(),
        ],
    )
    .wait()
    .unwrap();
    assert!(st.success());
    let full_backup = t.elapsed();

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(11);
    eprintln!("crash seed {seed}; batch create {full:?}, backup {full_backup:?}");
    let mut rng = Lcg(seed);
    let (mut killed, mut complete, mut none) = (0, 0, 0);
    for round in 0..16 {
        let db = dir.path().join(format!("r{round}.db"));
        std::fs::copy(&base_db, &db).unwrap();
        let backup = dir.path().join(format!("r{round}-backup.db"));
        let batch = spawn(&db, &["receipts", "batch", "create"]);
        let bk = spawn(&db, &["backup", backup.to_str().unwrap()]);
        let k1 = kill_after(batch, rng.below(full + full / 4));
        let k2 = kill_after(bk, rng.below(full_backup + full_backup / 4));
        killed += usize::from(k1) + usize::from(k2);

        let check = Command::new(assert_cmd::cargo::cargo_bin("kofu"))
            .env_remove("KOFU_DATA_DIR")
            .arg("--db")
            .arg(&db)
            .args(["db", "check"])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "round {round} (seed {seed}): {}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        let s = Store::open(&db, &clock()).unwrap();
        let batches = s.return_batches(None).unwrap();
        match batches.as_slice() {
            [] => {
                none += 1;
                assert_eq!(s.pending_receipts().unwrap().len(), RECEIPTS);
            }
            [b] => {
                complete += 1;
                assert_eq!(
                    b.live_items().count(),
                    RECEIPTS,
                    "round {round}: half-made batch"
                );
                assert!(s.pending_receipts().unwrap().is_empty());
            }
            more => panic!("round {round}: {} batches", more.len()),
        }
        let orphans: i64 = s
            .conn()
            .query_row(
                "SELECT count(*) FROM return_batch_items i
                 WHERE NOT EXISTS (SELECT 1 FROM return_batches b WHERE b.id = i.batch_id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
    }
    eprintln!("killed {killed} processes; {complete} complete batches, {none} none");
    assert!(
        killed > 0,
        "no process was killed: the test did not test anything"
    );
}
