//! Durability: `kofu import` of a 50 000-row shipment killed with SIGKILL at random moments.
//! Each time the database holds the whole shipment or none of it, and `kofu db check` passes.

#![cfg(unix)]

use crate::support::common;

use std::time::{Duration, Instant};

/// A small deterministic generator: the moments are reproducible from the printed seed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn card_count(db: &std::path::Path) -> i64 {
    let s = kofu::store::Store::open(db, &common::clock()).unwrap();
    s.conn()
        .query_row("SELECT count(*) FROM cards", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn sigkill_during_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = common::write(dir.path(), "big.csv", common::manifest(50_000, 0));
    let bin = assert_cmd::cargo::cargo_bin("kofu");

    // How long one full import takes here, to spread the kills over it.
    let probe = dir.path().join("probe.db");
    let t = Instant::now();
    let st = std::process::Command::new(&bin)
        .env_remove("KOFU_DATA_DIR")
        .arg("--db")
        .arg(&probe)
        .arg("import")
        .arg(&csv)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let full = t.elapsed();
    assert_eq!(card_count(&probe), 50_000);

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7);
    eprintln!("crash test seed {seed}, full import {full:?}");
    let mut rng = Lcg(seed);
    let (mut none, mut all) = (0, 0);
    for round in 0..20 {
        let db = dir.path().join(format!("crash{round}.db"));
        // Some rounds start with an earlier shipment, so "none" means "as before".
        let base = if round % 2 == 1 {
            let small = common::write(
                dir.path(),
                &format!("s{round}.csv"),
                common::manifest(10, 900_000),
            );
            common::kofu(&db)
                .arg("import")
                .arg(&small)
                .assert()
                .success();
            10
        } else {
            0
        };
        let wait = Duration::from_micros(rng.next() % (full.as_micros() as u64 + 1));
        let mut child = std::process::Command::new(&bin)
            .env_remove("KOFU_DATA_DIR")
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(&csv)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(wait);
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGKILL);
        }
        let _ = child.wait();
        if !db.exists() {
            none += 1;
            continue;
        }
        let n = card_count(&db);
        assert!(
            n == base || n == base + 50_000,
            "round {round} (seed {seed}, kill after {wait:?}): {n} cards"
        );
        if n == base {
            none += 1
        } else {
            all += 1
        }
        common::kofu(&db).args(["db", "check"]).assert().success();
    }
    eprintln!("crash rounds: {none} with nothing imported, {all} complete");
}
