//! The kofu binary: every subcommand and exit code, with real database files.

use crate::support::common;

use predicates::prelude::*;
use rusqlite::Connection;

fn setup(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kofu.db");
    let csv = common::write(dir.path(), "m.csv", common::manifest(n, 0));
    common::kofu(&db).arg("import").arg(&csv).assert().success();
    (dir, db)
}

#[test]
fn import_ok_then_reimport_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kofu.db");
    let csv = common::write(dir.path(), "m.csv", common::manifest(12, 0));
    common::kofu(&db)
        .arg("import")
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("12 件を取り込みました"));
    common::kofu(&db)
        .args(["import", "--json"])
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"already_imported\": true"));
}

#[test]
fn import_errors_exit_2_with_file_line_column_in_japanese() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kofu.db");
    let mut text = common::manifest(3, 0);
    text.push_str("Z0000001,山田,ヤマダ,1990-02-30,2025-01-01,2030-01-01,,,,,,\n");
    let csv = common::write(dir.path(), "bad.csv", text);
    common::kofu(&db)
        .arg("import")
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.csv:5:4:"))
        .stderr(predicate::str::contains("生年月日"))
        .stderr(predicate::str::contains("何も登録していません"));
    let out = common::kofu(&db)
        .args(["import", "--json"])
        .arg(&csv)
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"][0]["line"], 5);
    assert_eq!(v["errors"][0]["column"], 4);
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid date")
    );
    // Nothing written.
    common::kofu(&db)
        .args(["cards", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::diff("[]\n"));
}

#[test]
fn dry_run_and_unknown_profile() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kofu.db");
    let csv = common::write(dir.path(), "m.csv", common::manifest(4, 0));
    common::kofu(&db)
        .args(["import", "--dry-run"])
        .arg(&csv)
        .assert()
        .success()
        .stdout(predicate::str::contains("検証のみ: 4 件"));
    common::kofu(&db)
        .args(["cards", "--json"])
        .assert()
        .stdout("[]\n");
    common::kofu(&db)
        .args(["import", "--profile", "nope"])
        .arg(&csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "列プロファイル「nope」がありません",
        ));
    common::kofu(&db)
        .args(["import"])
        .arg(dir.path().join("missing.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ファイルを読めません"));
}

#[test]
fn cards_json_has_the_documented_keys_and_filters() {
    let (_dir, db) = setup(15);
    let out = common::kofu(&db)
        .args(["cards", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 15);
    for key in [
        "card_id",
        "name",
        "kana",
        "birth_date",
        "issue_date",
        "expiry_date",
        "state",
        "has_registration_qr",
    ] {
        assert!(arr[0].get(key).is_some(), "missing {key}");
    }
    assert!(arr[0].get("registration_qr").is_none());
    assert_eq!(arr[0]["state"], "awaiting");
    assert_eq!(arr[0]["birth_date"], "1950-01-01");
    common::kofu(&db)
        .args(["cards", "--state", "handed_over", "--json"])
        .assert()
        .success()
        .stdout("[]\n");
    common::kofu(&db)
        .args(["cards", "--state", "lost"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("状態「lost」はありません"));
    let out = common::kofu(&db)
        .args(["cards", "--search", "T00000000003", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    common::kofu(&dir.path().join("k.db"))
        .arg("no-such-command")
        .assert()
        .code(2);
    common::kofu(&dir.path().join("k.db"))
        .args(["audit", "verify"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("データベースがありません"));
}

fn tamper(db: &std::path::Path, sql: &str) {
    let c = Connection::open(db).unwrap();
    c.execute_batch("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;")
        .unwrap();
    c.execute_batch(sql).unwrap();
}

#[test]
fn audit_rows_cannot_be_changed_through_sql_while_the_triggers_stand() {
    let (_dir, db) = setup(3);
    let c = Connection::open(&db).unwrap();
    let err = c
        .execute("UPDATE audit_events SET kind = 'x' WHERE seq = 1", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(c.execute("DELETE FROM audit_events", []).is_err());
}

#[test]
fn audit_verify_detects_a_changed_event() {
    let (dir, db) = setup(3);
    // More events: a second shipment.
    let csv2 = common::write(dir.path(), "m2.csv", common::manifest(2, 100));
    common::kofu(&db)
        .arg("import")
        .arg(&csv2)
        .assert()
        .success();
    common::kofu(&db)
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(predicate::str::contains("監査ログは正常です（2 件）"));
    tamper(
        &db,
        "UPDATE audit_events SET detail = replace(detail, '\"rows\":3', '\"rows\":4') WHERE seq = 1",
    );
    common::kofu(&db)
        .args(["audit", "verify"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("イベント #1"));
    common::kofu(&db).args(["db", "check"]).assert().code(1);
}

#[test]
fn audit_verify_detects_a_removed_event_and_a_truncated_tail() {
    let (dir, db) = setup(3);
    for i in 1..4 {
        let csv = common::write(
            dir.path(),
            &format!("m{i}.csv"),
            common::manifest(2, 100 * i),
        );
        common::kofu(&db).arg("import").arg(&csv).assert().success();
    }
    let out = common::kofu(&db)
        .args(["audit", "verify", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let head = v["head"].as_str().unwrap().to_string();
    assert_eq!(v["events"], 4);

    let copy = dir.path().join("copy.db");
    std::fs::copy(&db, &copy).unwrap();
    tamper(&db, "DELETE FROM audit_events WHERE seq = 2");
    common::kofu(&db)
        .args(["audit", "verify"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("#2"));

    // Removing the newest event leaves a valid chain, caught only against the printed head.
    tamper(&copy, "DELETE FROM audit_events WHERE seq = 4");
    common::kofu(&copy)
        .args(["audit", "verify"])
        .assert()
        .success();
    common::kofu(&copy)
        .args(["audit", "verify", "--expect-head", &head[..16]])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("一致しません"));
}

#[test]
fn db_check_and_backup() {
    let (dir, db) = setup(20);
    common::kofu(&db)
        .args(["db", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("整合性チェック: 正常"));
    let dest = dir.path().join("backups").join("b1.db");
    common::kofu(&db)
        .arg("backup")
        .arg(&dest)
        .assert()
        .success()
        .stdout(predicate::str::contains("バックアップを作成し検証しました"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // The backup is a working database with the same cards.
    let out = common::kofu(&dest)
        .args(["cards", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 20);
    // Never overwrite.
    common::kofu(&db)
        .arg("backup")
        .arg(&dest)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("既にあります"));
}

#[test]
fn rules_expiry_uses_the_shipped_rules_and_the_domain_test_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    for (issued, born, want) in [
        ("2024-04-01", "1990-04-02", "2028-04-02"),
        ("2024-04-02", "1990-04-02", "2029-04-02"),
        ("令和6年4月3日", "H2.4.2", "2029-04-02"),
        ("2024-03-01", "1992-02-29", "2029-02-28"),
    ] {
        let out = common::kofu(&db)
            .args([
                "rules", "expiry", "--issued", issued, "--born", born, "--json",
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["expiry"], want, "{issued} {born}");
    }
    common::kofu(&db)
        .args([
            "rules",
            "expiry",
            "--issued",
            "2024-04-01",
            "--born",
            "1990-04-02",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("令和10年4月2日"));
    common::kofu(&db)
        .args([
            "rules",
            "expiry",
            "--issued",
            "2023-02-29",
            "--born",
            "1990-01-01",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("存在しない日付です"));
}

#[test]
fn rules_fee_categories() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let fee = |args: &[&str]| -> serde_json::Value {
        let out = common::kofu(&db)
            .args(["rules", "fee", "--json"])
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    assert_eq!(fee(&["--kind", "initial"])["amount_yen"], 0);
    assert_eq!(
        fee(&["--kind", "initial", "--non-member", "--on", "2026-11-24"])["amount_yen"],
        5500
    );
    assert_eq!(
        fee(&[
            "--kind",
            "initial",
            "--non-member",
            "--exam-year",
            "令和4年",
            "--postmark",
            "2023-02-28"
        ])["amount_yen"],
        0
    );
    assert_eq!(
        fee(&[
            "--kind",
            "initial",
            "--non-member",
            "--exam-year",
            "2022",
            "--postmark",
            "2023-03-01"
        ])["amount_yen"],
        5500
    );
    // Issue 11 #8: no postmark means judged on the day, and the note says so (never
    // 「判定していません」 next to a hint that says the day is used). Exam 2025: free until
    // 2026-02-28; the clock's day is 2026-11-25.
    let v = fee(&["--kind", "initial", "--non-member", "--exam-year", "2025"]);
    assert_eq!(v["amount_yen"], 5500);
    let reasons = v["reasons"].to_string();
    assert!(
        reasons.contains("消印日が空欄のため判定日で判定") && !reasons.contains("判定していません"),
        "{reasons}"
    );
    let v = fee(&[
        "--kind",
        "initial",
        "--non-member",
        "--exam-year",
        "2025",
        "--on",
        "2026-02-10",
    ]);
    assert_eq!(v["amount_yen"], 0, "{v}");
    assert_eq!(fee(&["--kind", "reissue-loss"])["amount_yen"], 5500);
    assert_eq!(
        fee(&["--kind", "reissue-name", "--non-member"])["amount_yen"],
        0
    );
    common::kofu(&db)
        .args(["rules", "fee", "--kind", "gift"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--kind「gift」はありません"));
}

#[test]
fn a_data_dir_overrides_the_rules_without_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("rules.toml"), "[[expiry]]\nid = \"x\"\n").unwrap();
    common::kofu(&db)
        .env("KOFU_DATA_DIR", &data)
        .args([
            "rules",
            "expiry",
            "--issued",
            "2024-04-01",
            "--born",
            "1990-04-02",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rules.toml"));
}

#[test]
fn names_outside_the_bmp_and_with_ivs_come_out_of_cards_json_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let ivs = "葛\u{E0100}城　一郎";
    let csv = common::write(
        dir.path(),
        "m.csv",
        format!(
            "{}\nN0000001,𠮷田　太郎,ﾖｼﾀﾞ ﾀﾛｳ,1990-04-02,2024-04-01,2028-04-02,,,,,,\nN0000002,{ivs},カツラギ,1980-01-03,2024-04-01,2029-01-03,,,,,,\n",
            common::HEADER
        ),
    );
    common::kofu(&db).arg("import").arg(&csv).assert().success();
    let out = common::kofu(&db)
        .args(["cards", "--json", "--search", "よしだ"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["name"], "𠮷田　太郎");
    assert_eq!(v[0]["kana"], "ﾖｼﾀﾞ ﾀﾛｳ");
    let out = common::kofu(&db)
        .args(["cards", "--json", "--search", "葛城"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["name"], ivs);
}

/// `kofu rules expiry --renewal --previous-expiry`: the 6th-birthday renewal rule and which rule applied.
#[test]
fn rules_expiry_for_a_renewal_names_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kofu.db");
    let out = common::kofu(&db)
        .args([
            "rules",
            "expiry",
            "--issued",
            "2029-01-03",
            "--born",
            "1990-04-02",
            "--renewal",
            "--previous-expiry",
            "R11.4.2",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["expiry"], "2034-04-02");
    assert_eq!(v["rule_id"], "sixth_birthday_renewal");
    assert_eq!(v["issue_type"], "renewal");
    assert_eq!(v["previous_expiry"], "2029-04-02");
    assert!(v["rule_label"].as_str().unwrap().contains("6回目"), "{v}");
    assert!(v["detail"].as_str().unwrap().contains("3か月未満"), "{v}");
    // Without --renewal the plain rule; --previous-expiry alone is a usage error.
    common::kofu(&db)
        .args([
            "rules",
            "expiry",
            "--issued",
            "2029-01-03",
            "--born",
            "1990-04-02",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("2033-04-02"))
        .stdout(predicates::str::contains("fifth_birthday_2021"));
    common::kofu(&db)
        .args([
            "rules",
            "expiry",
            "--issued",
            "2029-01-03",
            "--born",
            "1990-04-02",
            "--previous-expiry",
            "2029-04-02",
        ])
        .assert()
        .code(2);
    common::kofu(&db)
        .args([
            "rules",
            "expiry",
            "--issued",
            "2029-01-03",
            "--born",
            "1990-04-02",
            "--renewal",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("旧有効期限が分からない"));
}

#[test]
fn json_is_one_global_flag_before_or_after_the_subcommand() {
    let (_dir, db) = setup(3);
    let stdout = |args: &[&str]| common::kofu(&db).args(args).output().unwrap().stdout;
    let before = stdout(&["--json", "cards"]);
    assert_eq!(before, stdout(&["cards", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&before).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(3));
    // Nested back-office subcommands take it in either place too.
    common::kofu(&db)
        .args(["--json", "receipts", "batch", "list"])
        .assert()
        .success()
        .stdout("[]\n");
    // A back-office error under --json is also JSON; elsewhere errors stay on stderr only.
    let out = common::kofu(&db)
        .args(["--json", "mail", "delivered", "NOPE"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "エラー: カードID「NOPE」は登録されていません",
        ))
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["ok"], false);
    common::kofu(&db)
        .args(["--json", "cards", "--state", "bogus"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("状態「bogus」はありません"));
}

#[test]
fn commands_with_only_human_output_refuse_json_with_exit_2() {
    let (_dir, db) = setup(1);
    for args in [
        &["--json"][..],
        &["demo", "--json"],
        &["reader", "watch", "--json"],
        &[
            "receipts",
            "batch",
            "cover",
            "R2026-0001",
            "--html",
            "x.html",
            "--json",
        ],
    ] {
        common::kofu(&db)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "--json はこのコマンドでは使えません",
            ));
    }
}

#[test]
fn demo_refuses_a_database_holding_a_real_shipping_list() {
    let (_dir, db) = setup(2);
    common::kofu(&db)
        .arg("demo")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "デモモードはデモ用のデータベースでだけ起動できます",
        ));
}
