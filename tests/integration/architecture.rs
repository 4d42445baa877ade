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

/// The top-level module of `src/` a file belongs to (`store/office/returns.rs` → `store`).
fn top_module(rel: &str) -> &str {
    let first = rel.split('/').next().unwrap_or(rel);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The crate modules a file imports: `crate::store::…`, `crate::{store, domain::x}`, and
/// `super::` paths that climb out of the top module are not used in kofu (checked below).
fn crate_imports(text: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for (_, line) in code_lines(text) {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name = item.trim().split("::").next().unwrap_or("").trim();
                    if !name.is_empty() {
                        out.insert(name.to_string());
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

/// Which of kofu's own modules each layer may use. `domain` is pure; `store` and `card` sit on
/// it; `app` is the pure state machine; `ui` renders `app`. Only the shell — `cli`, `runtime`,
/// `console`, `logging` — wires everything together, so it is not listed. `data` is the config
/// reader (data/ → domain rules), `clock` the one clock, `export` writes files from store rows.
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("clock", &["domain"]),
    ("card", &["domain"]),
    ("data", &["domain"]),
    ("store", &["domain", "clock", "data"]),
    ("app", &["domain", "data"]),
    ("ui", &["domain", "app"]),
    ("export", &["domain", "store"]),
];

#[test]
fn layers_import_only_what_the_house_plan_allows() {
    let files = src_files();
    let mut bad = Vec::new();
    for (rel, text) in &files {
        let top = top_module(rel);
        let Some((_, allowed)) = LAYERS.iter().find(|(m, _)| *m == top) else {
            continue;
        };
        for dep in crate_imports(text) {
            if dep != top && !allowed.contains(&dep.as_str()) {
                bad.push(format!("src/{rel}: {top} → {dep}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "imports the layer rule forbids (see LAYERS and lib.rs):\n{}",
        bad.join("\n")
    );
}

#[test]
fn domain_does_no_io_and_uses_only_pure_crates() {
    let pure = [
        "std",
        "core",
        "chrono",
        "serde",
        "serde_json",
        "toml",
        "thiserror",
        "unicode_normalization",
        "unicode_width",
        "regex_lite",
        "sha2",
        "hex",
        "crate",
        "super",
        "self",
    ];
    let io = [
        "std::fs",
        "std::net",
        "std::process",
        "std::thread",
        "std::env",
        "std::io",
        "std::time::SystemTime",
    ];
    let mut bad = Vec::new();
    for (rel, text) in src_files()
        .iter()
        .filter(|(r, _)| top_module(r) == "domain")
    {
        // A module's own children (`pub mod state;` … `pub use state::CardState;`).
        let children: Vec<&str> = code_lines(text)
            .filter_map(|(_, l)| {
                let l = l
                    .trim_start()
                    .strip_prefix("pub ")
                    .unwrap_or(l.trim_start());
                l.strip_prefix("mod ")?.strip_suffix(';')
            })
            .collect();
        // A test module kept in its own file (`expiry/tests.rs`) is exempt from the crate list as
        // an indented one is; the I/O check below still applies to it.
        let is_test_module = rel.ends_with("/tests.rs");
        for (n, line) in code_lines(text) {
            // Top-level imports only: indented ones are in test modules (proptest) or bring a
            // local enum's variants into scope.
            if let Some(path) = line.strip_prefix("use ").or(line.strip_prefix("pub use ")) {
                let root = path.split("::").next().unwrap_or("").trim_end_matches(';');
                if !pure.contains(&root) && !children.contains(&root) && !is_test_module {
                    bad.push(format!("src/{rel}:{n}: uses crate {root}"));
                }
            }
            for f in io {
                if line.contains(f) {
                    bad.push(format!("src/{rel}:{n}: {f}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "domain must stay pure:\n{}", bad.join("\n"));
}

#[test]
fn no_cycle_between_top_level_modules() {
    use std::collections::{BTreeMap, BTreeSet};
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in src_files() {
        let top = top_module(&rel).to_string();
        let deps = crate_imports(&text);
        let entry = graph.entry(top.clone()).or_default();
        entry.extend(deps.into_iter().filter(|d| *d != top));
    }
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut cycle = path[i..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for d in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        if let Some(c) = visit(n, &graph, &mut Vec::new(), &mut done) {
            panic!("modules import each other: {}", c.join(" → "));
        }
    }
}

/// Offline by design: nothing in `src/` can open a network connection.
#[test]
fn nothing_opens_a_network_connection() {
    let mut bad = Vec::new();
    for (rel, text) in src_files() {
        for (n, line) in code_lines(&text) {
            for f in [
                "std::net",
                "TcpStream",
                "UdpSocket",
                "TcpListener",
                "ToSocketAddrs",
            ] {
                if line.contains(f) {
                    bad.push(format!("src/{rel}:{n}: {}", line.trim()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "network code in src/:\n{}", bad.join("\n"));
}

#[test]
fn the_layer_checks_see_real_imports() {
    // The parser behind the checks above, on the shapes kofu writes.
    let deps = crate_imports(
        "use crate::store::Store;\nuse crate::{app::App, domain};\nlet x = crate::ui::draw;\n// crate::cli in a comment\n",
    );
    let got: Vec<&str> = deps.iter().map(String::as_str).collect();
    assert_eq!(got, ["app", "domain", "store", "ui"]);
    assert_eq!(top_module("store/office/returns.rs"), "store");
    assert_eq!(top_module("clock.rs"), "clock");
}

/// Every SQL string lives in `store`: the CLI, the runtime, exports and the screens call named
/// `Store` methods. And each CLI command group stays a file a newcomer reads at once.
#[test]
fn sql_lives_in_the_store_and_cli_files_stay_small() {
    let mut found = Vec::new();
    for (rel, text) in src_files() {
        if top_module(&rel) == "store" {
            continue;
        }
        for (n, line) in code_lines(&text) {
            // rusqlite, a connection or a statement anywhere else means SQL outside the store.
            if [
                "rusqlite",
                ".conn()",
                ".prepare(",
                ".query_row(",
                ".execute(",
            ]
            .iter()
            .any(|k| line.contains(k))
            {
                found.push(format!("src/{rel}:{n}: {}", line.trim()));
            }
        }
        let lines = text.lines().count();
        if rel.starts_with("cli/") && lines > 600 {
            found.push(format!(
                "src/{rel}: {lines} lines (split the command group)"
            ));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Screens are units: a screen's state and update live in `app/screens/…` as methods of its own
/// type (only `app/screens/mod.rs`, the router, may add to `App`), and its view in
/// `ui/screens/…` draws that state without taking the whole `App`. No other view takes it
/// either (the dialogs' views included): only the frame's, `ui/mod.rs`.
#[test]
fn screens_own_their_update_and_views_draw_only_their_state() {
    let mut bad = Vec::new();
    for (rel, text) in src_files() {
        let lines: Vec<(usize, &str)> = code_lines(&text).collect();
        if rel.starts_with("app/screens/") && rel != "app/screens/mod.rs" {
            for (n, line) in &lines {
                if line.trim_start().starts_with("impl App ") || line.trim() == "impl App {" {
                    bad.push(format!(
                        "src/{rel}:{n}: a screen adds to App (`{}`)",
                        line.trim()
                    ));
                }
            }
        }
        if rel.starts_with("ui/") && rel != "ui/mod.rs" {
            for (n, line) in &lines {
                let by_ref = line.match_indices("&App").any(|(i, _)| {
                    !line[i + 4..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
                let takes_app = by_ref
                    || (line.contains("use crate::app::") && {
                        let names = line.split("use crate::app::").nth(1).unwrap_or("");
                        names
                            .split(|c: char| !c.is_alphanumeric() && c != '_')
                            .any(|w| w == "App")
                    });
                if takes_app {
                    bad.push(format!("src/{rel}:{n}: a view takes the whole App"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// `App` only routes, and only the shell touches its fields. The files that add to `App` are
/// the shell (`app/mod.rs` and its `keys`/`routing`/`lock` parts), the router
/// (`app/screens/mod.rs`) and the desk-wide dialogs that change the session itself (the
/// officer on duty, quitting, the reference over any screen). Besides them, only the frame's
/// view (`ui/mod.rs`, reading `&App`) and the runtime (which owns the `App` and feeds it
/// events) may name the type. Everything else — every screen, every other dialog, every other
/// view, `Session`, `Cx` — gets what it needs through a `Cx`, its own state or its view's `Env`,
/// so it cannot reach into `App`.
#[test]
fn only_the_shell_touches_app() {
    const SHELL: &[&str] = &[
        "app/mod.rs",
        "app/keys.rs",
        "app/routing.rs",
        "app/lock.rs",
        "app/screens/mod.rs",
        "app/dialogs/desk.rs",
        "app/dialogs/officer.rs",
        "app/dialogs/reference.rs",
    ];
    const READERS: &[&str] = &["ui/mod.rs", "runtime.rs"];
    let names_app = |line: &str| {
        line.split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == "App")
    };
    let files = src_files();
    for must in SHELL.iter().chain(READERS) {
        assert!(
            files.iter().any(|(r, _)| r == must),
            "src/{must} is gone: update the lists of this test"
        );
    }
    let mut bad = Vec::new();
    for (rel, text) in &files {
        let shell = SHELL.contains(&rel.as_str());
        let reader = READERS.contains(&rel.as_str());
        for (n, line) in code_lines(text) {
            if !names_app(line) {
                continue;
            }
            let adds = line.trim_start().starts_with("impl App ") || line.trim() == "impl App {";
            if shell {
                continue;
            }
            if !reader {
                bad.push(format!(
                    "src/{rel}:{n}: names App outside the shell (`{}`)",
                    line.trim()
                ));
            } else if adds {
                bad.push(format!("src/{rel}:{n}: adds to App outside the shell"));
            } else if rel.starts_with("ui/") && line.contains("&mut App") {
                bad.push(format!("src/{rel}:{n}: a view changes App"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
