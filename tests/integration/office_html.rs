//! The printable pages through a real browser: headless Chromium prints the cover list (送付状) to
//! PDF, `pdftotext` reads it back, and the names, card IDs and count must be there.
//! Skipped when Chromium or pdftotext is missing, except under CI=true, where that is a failure.
//! Linux only: it drives the build host's Chromium and poppler, which a Windows test exe under
//! Wine cannot start (the page itself is the same bytes on every platform).
#![cfg(not(windows))]

use crate::support::office as office_support;

use std::path::Path;
use std::process::Command;

use kofu::domain::handover::HandoverRoute;
use office_support::common::kofu;
use office_support::*;

/// The first program of `names` that runs with `version_flag` (pdftotext wants `-v`).
fn find(names: &[&str], version_flag: &str) -> Option<String> {
    names
        .iter()
        .find(|n| {
            Command::new(n)
                .arg(version_flag)
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(|n| n.to_string())
}

fn tools() -> Option<(String, String)> {
    let chromium = find(
        &["chromium", "chromium-browser", "google-chrome"],
        "--version",
    );
    let pdftotext = find(&["pdftotext"], "-v");
    match (chromium, pdftotext) {
        (Some(c), Some(p)) => Some((c, p)),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true: chromium and pdftotext (poppler-utils) must be installed")
        }
        _ => {
            eprintln!("skipped: chromium or pdftotext not installed");
            None
        }
    }
}

fn pdf_text(chromium: &str, pdftotext: &str, html: &Path) -> String {
    let pdf = html.with_extension("pdf");
    let st = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        pdf.is_file(),
        "no PDF: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let out = Command::new(pdftotext).arg(&pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    // Compare without whitespace: the PDF may space out or break the text.
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn cover_list_prints_to_a4_pdf_with_names_and_count() {
    let Some((chromium, pdftotext)) = tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), 5, today());
    let mut expected = Vec::new();
    for i in 0..3 {
        let c = card(&s, i);
        s.commit_handover(&commit(c.id, HandoverRoute::CounterWithReceipt), None)
            .unwrap();
        expected.push(c);
    }
    let db = s.path().to_path_buf();
    drop(s);
    kofu(&db)
        .args(["receipts", "batch", "create"])
        .assert()
        .success();
    let number = format!("R{}-0001", chrono::Datelike::year(&today()));
    let html = dir.path().join("cover.html");
    kofu(&db)
        .args(["receipts", "batch", "cover", &number, "--html"])
        .arg(&html)
        .assert()
        .success();
    let text = pdf_text(&chromium, &pdftotext, &html);
    assert!(text.contains("送付状"), "{text}");
    assert!(text.contains(&number), "{text}");
    for c in &expected {
        let name: String = c.name.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&c.card_id), "{} missing: {text}", c.card_id);
        assert!(text.contains(&name), "{name} missing: {text}");
    }
    assert!(!text.contains(&card_id(3)), "{text}");
    assert!(text.contains("合計3通"), "{text}");
    assert!(text.contains("日本医師会電子認証センター"), "{text}");
}

fn card_id(i: usize) -> String {
    format!("T{i:011}")
}
