//! Privacy: after an import, handovers, batches, exports, reports and backups, the log files hold
//! no name, kana or birth date from the manifest, and every file kofu created is owner-only.

#![cfg(unix)]

use crate::support::office as office_support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use kofu::domain::handover::HandoverRoute;
use kofu::store::Store;
use office_support::common::{self, kofu};
use office_support::*;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        out.push(p.clone());
        if p.is_dir() {
            walk(&p, out);
        }
    }
}

#[test]
fn logs_carry_no_personal_data_and_every_file_is_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("desk");
    std::fs::create_dir_all(&work).unwrap();
    let db = work.join("kofu.db");
    // The manifest is the test's own file, outside the desk folder.
    let n = 9;
    let manifest = manifest_with_serials(n);
    let csv = common::write(dir.path(), "m.csv", &manifest);
    kofu(&db).arg("import").arg(&csv).assert().success();

    let mut s = Store::open(&db, &clock()).unwrap();
    for i in 0..3 {
        let c = card(&s, i);
        s.commit_handover(&commit(c.id, HandoverRoute::CounterWithReceipt), None)
            .unwrap();
    }
    let c3 = card(&s, 3);
    s.commit_handover(&commit(c3.id, mail("123456789012")), None)
        .unwrap();
    drop(s);

    let out = work.join("out");
    let run = |args: &[&str]| {
        kofu(&db).args(args).assert().success();
    };
    let p = |name: &str| out.join(name).to_str().unwrap().to_string();
    run(&["officer", "add", "担当一郎"]);
    run(&["receipts", "batch", "create"]);
    let number = format!("R{}-0001", chrono::Datelike::year(&today()));
    run(&[
        "receipts",
        "batch",
        "cover",
        &number,
        "--html",
        &p("cover.html"),
        "--csv",
        &p("cover.csv"),
    ]);
    run(&[
        "receipts",
        "batch",
        "sent",
        &number,
        "--officer",
        "担当一郎",
    ]);
    run(&["mail", "delivered", "T00000000003"]);
    run(&[
        "appointment",
        "set",
        "T00000000004",
        "--at",
        "2030-01-08 10:00",
        "--note",
        "電話予約",
    ]);
    run(&["uncollected", "contact", "T00000000005", "--by", "phone"]);
    run(&["uncollected", "hold", "T00000000006", "--reason", "入院中"]);
    run(&["uncollected", "list", "--json"]);
    run(&["export", "cards", "--out", &p("cards.csv")]);
    run(&[
        "export",
        "cards",
        "--encoding",
        "cp932",
        "--out",
        &p("cards-sjis.csv"),
    ]);
    run(&["export", "handovers", "--out", &p("handovers.csv")]);
    run(&["export", "audit", "--out", &p("audit.csv")]);
    run(&["report", "daily", "--html", &p("daily.html")]);
    run(&[
        "appointment",
        "list",
        "--date",
        "2030-01-08",
        "--html",
        &p("appt.html"),
    ]);
    run(&["backup", &p("manual-backup.db")]);
    run(&["auto-backup"]);
    run(&["restore", &p("manual-backup.db")]);
    // A refused action logs too.
    kofu(&db)
        .args([
            "export",
            "cards",
            "--encoding",
            "latin1",
            "--out",
            &p("x.csv"),
        ])
        .assert()
        .code(2);

    // Logs: present, non-empty, and free of names, kana and birth dates.
    let logs = work.join("logs");
    let mut files = Vec::new();
    walk(&logs, &mut files);
    let text: String = files
        .iter()
        .filter(|p| p.is_file())
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        text.contains("card_row"),
        "the logs record record IDs: {text}"
    );
    for line in manifest.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (name, kana, birth) = (f[1], f[2], f[3]);
        let family = name.split('　').next().unwrap();
        let family_kana = kana.split(' ').next().unwrap();
        for needle in [
            name,
            family,
            kana,
            family_kana,
            birth,
            &birth.replace('-', ""),
        ] {
            assert!(!text.contains(needle), "log contains 「{needle}」");
        }
    }

    // Every file kofu created is 0600; every folder it created is owner-only.
    let mut all = Vec::new();
    walk(&work, &mut all);
    assert!(all.len() > 15, "{all:?}");
    for p in &all {
        let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        if p.is_dir() {
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", p.display());
        } else {
            assert_eq!(mode, 0o600, "{} is {mode:o}", p.display());
        }
    }
}
