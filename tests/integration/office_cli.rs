//! The back-office subcommands of the kofu binary, on real database files.

use crate::support::office as office_support;

use std::path::PathBuf;

use chrono::Datelike;
use kofu::domain::handover::HandoverRoute;
use kofu::store::Store;
use office_support::common::kofu;
use office_support::*;
use predicates::prelude::*;

/// A database with `n` cards; the first `receipts` handed over with a signed receipt.
fn setup(n: usize, receipts: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_in(dir.path(), n, today());
    for i in 0..receipts {
        let c = card(&s, i);
        s.commit_handover(&commit(c.id, HandoverRoute::CounterWithReceipt), None)
            .unwrap();
    }
    let db = s.path().to_path_buf();
    (dir, db)
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

fn id(i: usize) -> String {
    format!("T{i:011}")
}

// File modes exist on Unix only (on Windows the data folder's ACL does that job: see README).
#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn receipt_batch_workflow_with_cover_list_and_refusals() {
    let (dir, db) = setup(6, 5);
    let out = kofu(&db)
        .args(["receipts", "pending", "--json"])
        .assert()
        .success();
    assert_eq!(
        json_of(&out.get_output().stdout).as_array().unwrap().len(),
        5
    );

    let out = kofu(&db)
        .args([
            "receipts",
            "batch",
            "create",
            "--json",
            "--tracking",
            "1234-5678-9012",
            "--cards",
        ])
        .arg(format!("{},{}", id(0), id(1)))
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    let number = v["number"].as_str().unwrap().to_string();
    assert_eq!(number, format!("R{}-0001", today().year()));
    assert_eq!(v["count"], 2);
    assert_eq!(v["tracking_no"], "123456789012");

    // The same receipt in a second batch is refused (exit 2, Japanese message).
    kofu(&db)
        .args(["receipts", "batch", "create", "--cards"])
        .arg(id(1))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("既に返送バッチ"));
    let out = kofu(&db)
        .args(["receipts", "batch", "create", "--json", "--cards"])
        .arg(id(1))
        .assert()
        .code(2);
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["ok"], false);
    assert!(v["error"].as_str().unwrap().contains("既に返送バッチ"));
    kofu(&db)
        .args(["receipts", "batch", "create", "--cards"])
        .arg(id(5))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("返送待ちの受領書がありません"));
    kofu(&db)
        .args(["receipts", "batch", "create", "--cards", "NOPE1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("登録されていません"));

    let html = dir.path().join("out").join("cover.html");
    let csv = dir.path().join("cover.csv");
    kofu(&db)
        .args(["receipts", "batch", "cover", &number, "--html"])
        .arg(&html)
        .arg("--csv")
        .arg(&csv)
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    let s = Store::open(&db, &clock()).unwrap();
    for i in 0..2 {
        let c = card(&s, i);
        assert!(
            page.contains(&c.card_id) && page.contains(&c.name),
            "{page}"
        );
    }
    assert!(!page.contains(&card(&s, 2).card_id));
    assert!(page.contains("送 付 状") && page.contains("合計 2 通"));
    assert!(
        page.contains("@page { size: A4")
            && page.contains("\"Yu Gothic\", YuGothic, Meiryo, \"IPAexGothic\"")
    );
    assert!(page.contains("123456789012"));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(text.contains(&card(&s, 1).name));
    drop(s);
    #[cfg(unix)]
    {
        assert_eq!(mode(&html), 0o600);
        assert_eq!(mode(&csv), 0o600);
    }

    kofu(&db)
        .args(["receipts", "batch", "sent", &number])
        .assert()
        .success();
    kofu(&db)
        .args(["receipts", "batch", "sent", &number])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("送付済にできません"));
    let out = kofu(&db)
        .args(["receipts", "batch", "list", "--json"])
        .assert()
        .success();
    assert_eq!(json_of(&out.get_output().stdout)[0]["status"], "sent");
    let out = kofu(&db)
        .args(["receipts", "pending", "--json"])
        .assert()
        .success();
    assert_eq!(
        json_of(&out.get_output().stdout).as_array().unwrap().len(),
        3
    );

    kofu(&db)
        .args([
            "receipts",
            "batch",
            "reopen",
            &number,
            "--reason",
            "送付漏れ",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("取り消しました"));
    let out = kofu(&db)
        .args(["receipts", "pending", "--json"])
        .assert()
        .success();
    assert_eq!(
        json_of(&out.get_output().stdout).as_array().unwrap().len(),
        5
    );
    // A card batch number is not a receipt batch.
    kofu(&db)
        .args(["uncollected", "return-batch", "sent", &number])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("受領書の返送のバッチ"));
    kofu(&db).args(["db", "check"]).assert().success();
}

#[test]
fn exports_write_bom_utf8_or_cp932_and_refuse_unmappable_characters_with_the_row() {
    // 9 rows: no 𠮷 (row 9 of the common manifest is 𠮷田).
    let (dir, db) = setup(9, 3);
    let utf = dir.path().join("cards.csv");
    kofu(&db)
        .args(["export", "cards", "--out"])
        .arg(&utf)
        .assert()
        .success()
        .stdout(predicate::str::contains("9 件"));
    let u = std::fs::read(&utf).unwrap();
    assert!(u.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let sj = dir.path().join("cards-sjis.csv");
    kofu(&db)
        .args(["export", "cards", "--encoding", "cp932", "--out"])
        .arg(&sj)
        .assert()
        .success();
    let raw = std::fs::read(&sj).unwrap();
    assert!(std::str::from_utf8(&raw).is_err(), "really CP932 bytes");
    let (decoded, _, bad) = encoding_rs::SHIFT_JIS.decode(&raw);
    assert!(!bad);
    assert_eq!(
        decoded.as_bytes(),
        &u[3..],
        "CP932 round trip equals the UTF-8 export"
    );
    assert!(decoded.contains("髙橋") && decoded.contains("山﨑") && decoded.contains("渡邊"));

    for what in ["handovers", "audit"] {
        let p = dir.path().join(format!("{what}.csv"));
        kofu(&db)
            .args(["export", what, "--out"])
            .arg(&p)
            .assert()
            .success();
        let b = std::fs::read(&p).unwrap();
        assert!(b.starts_with(b"\xEF\xBB\xBF"));
        let lines = std::str::from_utf8(&b[3..]).unwrap().lines().count();
        assert!(lines >= 4, "{what}: {lines}");
        #[cfg(unix)]
        assert_eq!(mode(&p), 0o600);
    }

    // Add the 𠮷田 row (data row 10 → line 11 of the file).
    let mut s = Store::open(&db, &clock()).unwrap();
    let mut csv = String::from(office_support::common::HEADER);
    csv.push('\n');
    csv.push_str(&office_support::common::row(9));
    csv.push('\n');
    import_into(&mut s, &csv, today());
    drop(s);
    let refused = dir.path().join("refused.csv");
    kofu(&db)
        .args(["export", "cards", "--encoding", "cp932", "--out"])
        .arg(&refused)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("11行目"))
        .stderr(predicate::str::contains("データの10件目"))
        .stderr(predicate::str::contains("「氏名」"))
        .stderr(predicate::str::contains("𠮷"));
    assert!(!refused.exists(), "nothing written");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    kofu(&db)
        .args(["export", "cards", "--encoding", "latin1", "--out"])
        .arg(&refused)
        .assert()
        .code(2);
}

#[test]
fn restore_cli_refuses_garbage_and_keeps_the_original() {
    let (dir, db) = setup(3, 1);
    let backup = dir.path().join("b.db");
    kofu(&db).arg("backup").arg(&backup).assert().success();
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"SQLite format 3\0 but not really".repeat(100)).unwrap();
    let before = std::fs::read(&db).unwrap();
    kofu(&db)
        .arg("restore")
        .arg(&garbage)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("変更していません"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
    kofu(&db)
        .args(["restore", "--json"])
        .arg(&backup)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"ok\": true"));
    kofu(&db).args(["db", "check"]).assert().success();
}

#[test]
fn officers_with_passphrases_and_disabled_officers_on_the_command_line() {
    let (_dir, db) = setup(3, 0);
    kofu(&db)
        .args(["officer", "add", "佐々木", "--passphrase-stdin"])
        .write_stdin("秘密の合言葉\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("パスフレーズあり"));
    kofu(&db)
        .args(["officer", "add", "鈴木"])
        .assert()
        .success();
    kofu(&db)
        .args(["officer", "add", "鈴木"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("既に登録"));
    let set = |who: &str| {
        let mut c = kofu(&db);
        c.args([
            "appointment",
            "set",
            &id(0),
            "--at",
            "2026-12-01 10:00",
            "--officer",
            who,
        ]);
        c
    };
    set("佐々木")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--passphrase-stdin"));
    set("佐々木")
        .arg("--passphrase-stdin")
        .write_stdin("違う\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("パスフレーズが違います"));
    set("佐々木")
        .arg("--passphrase-stdin")
        .write_stdin("秘密の合言葉\n")
        .assert()
        .success();
    set("鈴木").assert().success();
    kofu(&db)
        .args(["officer", "disable", "鈴木"])
        .assert()
        .success();
    set("鈴木")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("無効化"));
    let out = kofu(&db)
        .args(["officer", "list", "--json"])
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    assert_eq!(
        v.as_array().unwrap().len(),
        2,
        "disabled officers stay listed"
    );
    assert_eq!(v[1]["active"], false);
    assert_eq!(v[0]["has_passphrase"], true);
    // Nothing of the passphrase is in the database file.
    let bytes = std::fs::read(&db).unwrap();
    let needle = "秘密の合言葉".as_bytes();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle));
}

#[test]
fn appointments_mail_uncollected_and_reports_on_the_command_line() {
    let (dir, db) = setup(6, 1);
    let mut s = Store::open(&db, &clock()).unwrap();
    let c1 = card(&s, 1);
    let c2 = card(&s, 2);
    s.commit_handover(&commit(c1.id, mail("1234-5678-9012")), None)
        .unwrap();
    s.commit_handover(&commit(c2.id, mail("1234-5678-9013")), None)
        .unwrap();
    drop(s);

    // Appointments.
    let day = today().to_string();
    kofu(&db)
        .args(["appointment", "set", &id(3), "--at"])
        .arg(format!("{day} 10:30"))
        .args(["--note", "午前中"])
        .assert()
        .success();
    kofu(&db)
        .args(["appointment", "set", &id(0), "--at"])
        .arg(format!("{day} 11:00"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("予約できません"));
    kofu(&db)
        .args(["appointment", "set", &id(4), "--at", "あした"])
        .assert()
        .code(2);
    // A closed day of data/calendar.toml is refused with its name; nothing is booked.
    for (at, name) in [
        ("2027-01-01 10:00", "年末年始休業"),
        ("2026-11-23 10:00", "祝日（勤労感謝の日）"),
        ("2026-11-29 10:00", "日曜日"),
    ] {
        kofu(&db)
            .args(["appointment", "set", &id(4), "--at", at])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("は休業日です（{name}）")));
    }
    let html = dir.path().join("appt.html");
    let out = kofu(&db)
        .args(["appointment", "list", "--json", "--html"])
        .arg(&html)
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["appointments"][0]["card_id"], id(3));
    assert_eq!(v["appointments"][0]["note"], "午前中");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains(&id(3)) && page.contains("予約 1 件") && page.contains("@page { size: A4")
    );

    // Mail.
    kofu(&db)
        .args(["mail", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("123456789012"))
        .stdout(predicate::str::contains("郵送中: 2 件"));
    kofu(&db)
        .args(["mail", "delivered", &id(1)])
        .assert()
        .success();
    kofu(&db)
        .args(["mail", "returned", &id(2), "--reason", "保管期間経過"])
        .assert()
        .success();
    kofu(&db)
        .args(["mail", "delivered", &id(2)])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("郵送中ではありません"));

    // Uncollected: contact, hold, return batch.
    kofu(&db)
        .args([
            "uncollected",
            "contact",
            &id(4),
            "--by",
            "phone",
            "--note",
            "不在",
        ])
        .assert()
        .success();
    kofu(&db)
        .args(["uncollected", "contact", &id(4), "--by", "fax"])
        .assert()
        .code(2);
    kofu(&db)
        .args(["uncollected", "hold", &id(5), "--reason", "入院中"])
        .assert()
        .success();
    let future = (today() + chrono::Duration::days(200)).to_string();
    let out = kofu(&db)
        .args(["uncollected", "list", "--due", "--json", "--date", &future])
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    let due: Vec<_> = v["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["card_id"].as_str().unwrap().to_string())
        .collect();
    // 2 (mail came back), 3 and 4 are due for return; 5 is held.
    assert_eq!(due, [id(2), id(3), id(4)]);
    assert!(
        v["cards"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["due"] == "return")
    );
    kofu(&db)
        .args(["uncollected", "return-batch", "create", "--cards"])
        .arg(id(0))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("交付済"));
    let out = kofu(&db)
        .args(["uncollected", "return-batch", "create", "--json", "--cards"])
        .arg(format!("{},{}", id(3), id(4)))
        .assert()
        .success();
    let number = json_of(&out.get_output().stdout)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let cover = dir.path().join("return.html");
    kofu(&db)
        .args(["uncollected", "return-batch", "cover", &number, "--html"])
        .arg(&cover)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&cover)
            .unwrap()
            .contains("合計 2 枚")
    );
    kofu(&db)
        .args(["uncollected", "return-batch", "sent", &number])
        .assert()
        .success();
    kofu(&db)
        .args([
            "uncollected",
            "return-batch",
            "reopen",
            &number,
            "--reason",
            "x",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("取り消せません"));

    // Reports.
    let daily = dir.path().join("daily.html");
    let out = kofu(&db)
        .args(["report", "daily", "--json", "--html"])
        .arg(&daily)
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["counter_receipt"], 1);
    assert_eq!(v["mail_dispatched"], 2);
    assert_eq!(
        (v["mail_delivered"].as_u64(), v["mail_returned"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(v["cards_returned"], 2);
    let head = v["audit_head"].as_str().unwrap().to_string();
    kofu(&db)
        .args(["audit", "verify", "--expect-head", &head])
        .assert()
        .success();
    let page = std::fs::read_to_string(&daily).unwrap();
    assert!(page.contains(&head) && page.contains("日 報"));
    kofu(&db)
        .args(["report", "daily"])
        .assert()
        .success()
        .stdout(predicate::str::contains(head.as_str()));
    let month = format!("{:04}-{:02}", today().year(), today().month());
    let monthly = dir.path().join("monthly.html");
    let out = kofu(&db)
        .args(["report", "monthly", "--json", "--month", &month, "--html"])
        .arg(&monthly)
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["received"], 6);
    assert_eq!(v["handed_over"], 1);
    assert_eq!(v["mailed"], 2);
    assert_eq!(v["returned"], 2);
    // 2 (back from the post) and 5 (held) are at the desk.
    assert_eq!(v["uncollected_at_end"], 2);
    assert!(std::fs::read_to_string(&monthly).unwrap().contains("月 報"));
    kofu(&db)
        .args(["report", "monthly", "--month", "2026-13"])
        .assert()
        .code(2);

    // Arrival status: nothing read yet, no problem.
    let out = kofu(&db)
        .args(["arrival", "status", "--json"])
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["total"], 6);
    assert_eq!(v["not_read"].as_array().unwrap().len(), 2);
    kofu(&db).args(["db", "check"]).assert().success();
}

#[test]
fn arrival_status_fails_while_a_problem_is_open_and_resolve_clears_it() {
    let (_dir, db) = setup(3, 0);
    let mut s = Store::open(&db, &clock()).unwrap();
    let c = card(&s, 0);
    let mut f = facts_for(&c);
    f.name_kanji = Some("別人　次郎".into());
    let known = issuers();
    s.arrival_read(None, &f, &ctx(&known), &|_, _, _| None, None)
        .unwrap();
    drop(s);
    kofu(&db)
        .args(["arrival", "status"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("不一致 1"))
        .stdout(predicate::str::contains(c.card_id.as_str()));
    kofu(&db)
        .args(["arrival", "resolve", &c.card_id, "--note", "JMACA確認済"])
        .assert()
        .success();
    kofu(&db).args(["arrival", "status"]).assert().success();
}

#[test]
fn auto_backup_cli_once_a_day() {
    let (dir, db) = setup(2, 0);
    kofu(&db)
        .args(["auto-backup"])
        .assert()
        .success()
        .stdout(predicate::str::contains("作成し検証しました"));
    kofu(&db)
        .args(["auto-backup"])
        .assert()
        .success()
        .stdout(predicate::str::contains("作成済み"));
    let f = dir
        .path()
        .join("backups")
        .join(format!("kofu-{}.db", today().format("%Y%m%d")));
    assert!(f.is_file());
    #[cfg(unix)]
    assert_eq!(mode(&f), 0o600);
}

#[test]
fn backup_and_log_file_are_named_by_the_jst_date_at_half_past_midnight() {
    let (dir, db) = setup(2, 0);
    // 00:30 JST on New Year's Day is still 2026-12-31 in UTC (and 10:30 on 12-31 in New York).
    for tz in ["UTC", "America/New_York"] {
        kofu(&db)
            .env(kofu::clock::NOW_ENV, "2027-01-01T00:30:00+09:00")
            .env("TZ", tz)
            .args(["auto-backup"])
            .assert()
            .success();
    }
    let backups: Vec<String> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        backups.contains(&"kofu-20270101.db".to_string()),
        "{backups:?}"
    );
    assert!(
        !backups.iter().any(|n| n.contains("20261231")),
        "{backups:?}"
    );
    let logs: Vec<String> = std::fs::read_dir(dir.path().join("logs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        logs.contains(&"kofu.2027-01-01.log".to_string()),
        "{logs:?}"
    );
    assert!(!logs.iter().any(|n| n.contains("2026-12-31")), "{logs:?}");
    let text = std::fs::read_to_string(dir.path().join("logs/kofu.2027-01-01.log")).unwrap();
    assert!(text.contains("2027-01-01T00:30:00.000+09:00"), "{text}");
}

/// `kofu receipts pending`: each receipt with its handover day and the return reminder of
/// data/rules.toml [receipts] (10 open days of data/calendar.toml by default); `--date` past it
/// marks it overdue. (The handover day comes from the store's clock, so the expected day is
/// derived from the reported one, not from today.)
#[test]
fn receipts_pending_shows_the_return_reminder_in_open_days() {
    let (_dir, db) = setup(2, 1);
    let out = kofu(&db)
        .args(["receipts", "pending", "--json", "--date", "2099-01-01"])
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    let r = &v[0];
    let handed =
        chrono::NaiveDate::parse_from_str(r["handed_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let calendar = kofu::domain::calendar::DeskCalendar::shipped().unwrap();
    let due = calendar
        .add_days(handed, 10, kofu::domain::calendar::DayCount::OpenDays)
        .unwrap();
    assert_eq!(r["return_due"], due.to_string());
    assert!(
        due > handed + chrono::Duration::days(10),
        "weekends skipped"
    );
    assert_eq!(r["overdue"], true);
    let out = kofu(&db)
        .args(["receipts", "pending", "--json", "--date"])
        .arg(handed.to_string())
        .assert()
        .success();
    assert_eq!(json_of(&out.get_output().stdout)[0]["overdue"], false);
    kofu(&db)
        .args(["receipts", "pending", "--date", "2099-01-01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("（過ぎています）"))
        .stdout(predicate::str::contains("交付から開庁日で10日"))
        .stdout(predicate::str::contains(
            "2099年の祝日は data/calendar.toml にまだありません",
        ));
}

/// Issue 11 #4 and the back-office date forms: one rule for every date about a card. A date
/// before the card's arrival is refused with the reason, as is a past appointment; `12/3 1400`
/// is an appointment in the clock's year.
#[test]
fn dates_before_the_card_arrived_are_refused_and_short_forms_are_read() {
    let (_dir, db) = setup(4, 0);
    let mut s = Store::open(&db, &clock()).unwrap();
    let c1 = card(&s, 1);
    s.commit_handover(&commit(c1.id, mail("1234-5678-9012")), None)
        .unwrap();
    drop(s);
    kofu(&db)
        .args(["mail", "delivered", &id(1), "--date", "2020-01-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("配達日（令和2年1月1日"))
        .stderr(predicate::str::contains("より前です"));
    kofu(&db)
        .args(["mail", "delivered", &id(1), "--date", "2026-11-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("未来の日付"));
    kofu(&db)
        .args([
            "uncollected",
            "contact",
            &id(2),
            "--by",
            "phone",
            "--date",
            "2020-01-01",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("連絡日"));
    kofu(&db)
        .args(["appointment", "set", &id(3), "--at", "2026-11-24 10:00"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("過去の日付"));
    let out = kofu(&db)
        .args(["appointment", "set", &id(3), "--at", "12/3 1400", "--json"])
        .assert()
        .success();
    assert_eq!(json_of(&out.get_output().stdout)["at"], "2026-12-03 14:00");
    let out = kofu(&db)
        .args([
            "appointment",
            "set",
            &id(2),
            "--at",
            "12月3日 14時",
            "--json",
        ])
        .assert()
        .success();
    assert_eq!(json_of(&out.get_output().stdout)["at"], "2026-12-03 14:00");
    // The delivery on the arrival day (today) is fine.
    kofu(&db)
        .args(["mail", "delivered", &id(1), "--date", "11/25"])
        .assert()
        .success();
}

/// Issue 11 #7 and #17: a card not in the list is resolved by its serial, so `arrival status`
/// can succeed again; the list rows add up to the total (a card handed over before it was
/// read is counted), and every read is counted, re-reads and strays included.
#[test]
fn arrival_strays_are_resolved_by_serial_and_the_counts_add_up() {
    let (_dir, db) = setup(4, 1);
    let mut s = Store::open(&db, &clock()).unwrap();
    let c1 = card(&s, 1);
    let known = issuers();
    // Card 1 read twice (a re-read), and a card from nowhere read twice.
    for _ in 0..2 {
        s.arrival_read(None, &facts_for(&c1), &ctx(&known), &|_, _, _| None, None)
            .unwrap();
    }
    let mut stray = facts_for(&c1);
    stray.serial_hex = "00ab:cd".into();
    stray.name_kanji = Some("名簿外　花子".into());
    for _ in 0..2 {
        s.arrival_read(None, &stray, &ctx(&known), &|_, _, _| None, None)
            .unwrap();
    }
    drop(s);
    let out = kofu(&db).args(["arrival", "status"]).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    // 4 = 1 verified + 0 + 0 + 2 not read + 1 handed over before the check.
    assert!(
        text.contains(
            "4枚 = 確認済1+不一致0+解決済0+未読取2+読まずに交付等1 | 読取4回 | 名簿にない1"
        ),
        "{text}"
    );
    assert!(text.contains("名簿にない\tシリアル abcd"), "{text}");
    assert!(text.contains("kofu arrival resolve --serial"), "{text}");
    kofu(&db)
        .args([
            "arrival",
            "resolve",
            "--serial",
            "AB:CD",
            "--note",
            "JMACAに返送",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "シリアル abcd の名簿にないカードを解決済にしました",
        ));
    kofu(&db)
        .args(["arrival", "resolve", "--serial", "abcd", "--note", "二度目"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("未解決のものはありません"));
    kofu(&db)
        .args(["arrival", "status"])
        .assert()
        .success()
        .stdout(predicate::str::contains("未解決 0、解決済 1"));
    let out = kofu(&db)
        .args(["arrival", "status", "--json"])
        .assert()
        .success();
    let v = json_of(&out.get_output().stdout);
    assert_eq!(v["strays_resolved"][0]["resolution"], "JMACAに返送");
    assert_eq!(v["reads"], 4);
}

/// Issue 11 #14: the handover CSV carries what the officer recorded (the exception's reason,
/// the documents by name) in Japanese labels, with JST times to the second; no English codes.
#[test]
fn handover_csv_carries_the_recorded_reason_in_japanese_with_second_precision_times() {
    let (dir, db) = setup(3, 0);
    let mut s = Store::open(&db, &clock()).unwrap();
    let c0 = card(&s, 0);
    let mut c = commit(c0.id, HandoverRoute::CounterWithPostcard);
    c.id_documents = vec![
        "medical_license".into(),
        "health_insurance".into(),
        "pension_handbook".into(),
    ];
    c.photo_checked = false;
    c.match_result = "mismatch".into();
    c.match_reasons = vec!["氏名（漢字）が一致しません".into()];
    c.officer_note = Some("旧姓のカード。JMACAに電話で確認済".into());
    c.exception = true;
    c.qr = kofu::domain::handover::QrHandover::ShownOnScreen;
    // A mismatch recorded as an exception takes a second officer's confirmation.
    let second = s.add_officer("確認者").unwrap();
    c.confirmation = Some(kofu::domain::handover::Confirmation {
        officer_id: second.id,
        passphrase: None,
    });
    s.commit_handover(&c, None).unwrap();
    drop(s);
    let out = dir.path().join("h.csv");
    kofu(&db)
        .args(["export", "handovers", "--out"])
        .arg(&out)
        .assert()
        .success();
    let bytes = std::fs::read(&out).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let row = rows.records().next().unwrap().unwrap();
    let col = |name: &str| {
        let i = headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}: {headers:?}"));
        row.get(i).unwrap().to_string()
    };
    assert_eq!(
        col("担当者の記録（理由）"),
        "旧姓のカード。JMACAに電話で確認済"
    );
    assert_eq!(col("照合結果"), "不一致");
    assert_eq!(col("例外"), "例外");
    assert_eq!(col("照合の理由"), "氏名（漢字）が一致しません");
    assert_eq!(col("QRコード"), "画面に表示して読み取り");
    assert_eq!(
        col("本人確認書類"),
        "医師免許証（原本）、健康保険証（資格確認書）、年金手帳"
    );
    assert_eq!(col("写真照合"), "不要（写真のない書類）");
    assert_eq!(col("日時"), "2026-11-25 10:00:00");
    for code in ["mismatch", "shown_on_screen", "counter_postcard", "+09:00"] {
        assert!(!text.contains(code), "{code} in the CSV: {text}");
    }
}
