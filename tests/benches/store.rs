//! Store benchmarks (run with `cargo bench --bench store`; release build):
//! - import of a 100 000-row shipment through the real binary: wall time and peak memory;
//! - search over 100 000 cards for 1-, 2- and 5-character queries: median and worst.

#[path = "../support/common.rs"]
mod common;

use std::time::{Duration, Instant};

use kofu::store::{CardQuery, Store};

/// Peak resident memory of the finished child processes, in MB (getrusage is Unix-only: on
/// Windows the figure is not measured and printed as NaN).
fn peak_rss_children_mb() -> f64 {
    #[cfg(unix)]
    // SAFETY: getrusage fills the struct we pass; no other memory is touched.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru);
        ru.ru_maxrss as f64 / 1024.0
    }
    #[cfg(not(unix))]
    f64::NAN
}

fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = common::write(dir.path(), "m100k.csv", common::manifest(100_000, 0));
    let db = dir.path().join("bench.db");
    let bin = env!("CARGO_BIN_EXE_kofu");

    let t = Instant::now();
    let out = std::process::Command::new(bin)
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&csv)
        .output()
        .expect("run kofu import");
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "import 100000 rows: {:.2} s, peak RSS {:.1} MB (targets: <= 2 s, <= 150 MB)",
        took.as_secs_f64(),
        peak_rss_children_mb()
    );

    let store = Store::open(&db, &common::clock()).expect("open");
    // The desk warms the page cache once at start (Store::warm_up); measure warm searches.
    let t = Instant::now();
    store.warm_up().expect("warm up");
    println!(
        "warm-up (first full scan): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let queries: &[(&str, &[&str])] = &[
        ("1 char", &["山", "ヤ", "健", "y", "佐", "ハ", "k", "鈴"]),
        (
            "2 chars",
            &["田中", "たか", "ナベ", "ta", "伊藤", "花子", "ケン", "翔太"],
        ),
        (
            "5 chars",
            &[
                "ヤマダタロ",
                "ワタナベハ",
                "suzuk",
                "高橋一郎",
                "T0000009999",
                "イトウショウ",
                "nakam",
                "さとうみさ",
            ],
        ),
    ];
    for (label, qs) in queries {
        let mut times = Vec::new();
        let mut per_query: Vec<(Duration, &str)> = Vec::new();
        let mut hits = 0;
        for _ in 0..25 {
            for q in *qs {
                let t = Instant::now();
                let r = store
                    .search_cards(&CardQuery {
                        text: (*q).to_string(),
                        state: None,
                        limit: 200,
                    })
                    .expect("search");
                times.push(t.elapsed());
                per_query.push((t.elapsed(), q));
                hits += r.len();
            }
        }
        let (median, worst) = stats(times);
        per_query.sort();
        if let Some((d, q)) = per_query.last() {
            println!("  slowest: {q} {:.2} ms", d.as_secs_f64() * 1e3);
        }
        println!(
            "search {label} (limit 200, {} queries, {} hits): median {:.2} ms, worst {:.2} ms (targets: <= 5 ms, <= 10 ms)",
            qs.len() * 25,
            hits / 25,
            median.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3
        );
    }
}
