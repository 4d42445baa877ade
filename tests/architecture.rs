//! The house plan, checked: rules about what code may live where, read from `src/`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn src_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// Code lines only: `//` comments are dropped, so a doc comment may name what it forbids.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let code = l.split("//").next().unwrap_or("");
        (!code.trim().is_empty()).then_some((i + 1, code))
    })
}

/// Time is an input: only `src/clock.rs` reads the wall clock. (`Instant::now` is a monotonic
/// stopwatch for timeouts and debouncing, not a date, and is allowed.)
#[test]
fn only_the_clock_reads_the_wall_clock() {
    let forbidden = [
        "Utc::now",
        "Local::now",
        "SystemTime::now",
        "now_jst(",
        "today_jst(",
        "chrono::Local",
    ];
    let mut found = Vec::new();
    let files = src_files();
    assert!(files.len() > 20, "src/ not found");
    for (rel, text) in &files {
        if rel == "clock.rs" {
            continue;
        }
        for (n, line) in code_lines(text) {
            for f in forbidden {
                if line.contains(f) {
                    found.push(format!("src/{rel}:{n}: {}", line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "wall-clock reads outside src/clock.rs (take a `Clock` or a date instead):\n{}",
        found.join("\n")
    );
    // And the clock really is where the rule says.
    let clock = files
        .iter()
        .find(|(r, _)| r == "clock.rs")
        .expect("src/clock.rs");
    assert!(clock.1.contains("Utc::now()"));
}

/// The CLI parses, calls and prints: every SQL string it needs is a named `Store` method, and
/// each command group stays a file a newcomer reads at once.
#[test]
fn the_cli_holds_no_sql_and_no_large_file() {
    let mut found = Vec::new();
    for (rel, text) in src_files().iter().filter(|(r, _)| r.starts_with("cli/")) {
        for (n, line) in code_lines(text) {
            let upper = line.to_ascii_uppercase();
            if ["SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", ".CONN()"]
                .iter()
                .any(|k| upper.contains(k))
            {
                found.push(format!("src/{rel}:{n}: {}", line.trim()));
            }
        }
        let lines = text.lines().count();
        if lines > 600 {
            found.push(format!(
                "src/{rel}: {lines} lines (split the command group)"
            ));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
