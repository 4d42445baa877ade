//! `kofu reader list|read` through a REAL pcscd with an emulated HPKI card (see tests/support).

use crate::support;
use crate::support::common;

use std::path::Path;

use kofu::card::HpkiApplet;
use kofu::card::sim::SimPin;
use predicates::prelude::*;
use support::certs;
use support::pcscd::{self, Pcscd, READER_0};
use support::vpcd_card::VpcdCard;

/// A database holding the test doctor (神楽坂　三十四, certificate valid to 2030-03-31) and one other person.
fn db_with_records(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("kofu.db");
    let csv = format!(
        "{}\nK0000001,神楽坂　三十四,カグラザカ サンジュウシ,1970-03-31,2025-04-01,2030-03-31,Sanjushi Kagurazaka,会員,窓口,0a1b2c3d4e,,\nK0000002,山田　太郎,ヤマダ タロウ,1970-03-31,2025-04-01,2030-03-31,,会員,窓口,,,\n",
        common::HEADER
    );
    let f = common::write(dir, "m.csv", csv);
    common::kofu(&db).arg("import").arg(&f).assert().success();
    db
}

fn read_json(db: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = common::kofu(db)
        .args([
            "reader", "read", "--reader", READER_0, "--wait", "5", "--json",
        ])
        .args(extra)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn reader_read_json_for_a_known_card_and_its_match() {
    let lock = pcscd::exclusive();
    let _daemon = Pcscd::start(&lock);
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_records(dir.path());

    let list = common::kofu(&db)
        .args(["reader", "list", "--json"])
        .output()
        .unwrap();
    assert!(list.status.success());
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert!(
        v.as_array().unwrap().iter().any(|r| r["name"] == READER_0),
        "{v}"
    );

    let mut card = VpcdCard::new(HpkiApplet::new(certs::doctor_cert()));
    card.insert();
    let (code, v) = read_json(&db, &["--match", "K0000001"]);
    assert_eq!(code, 0, "{v}");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "application",
            "atr",
            "certificate",
            "match",
            "pin",
            "reader",
            "uid"
        ]
    );
    assert_eq!(v["reader"], READER_0);
    assert_eq!(v["application"], "auth");
    let cert = &v["certificate"];
    let cert_keys: Vec<&str> = cert
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        cert_keys,
        [
            "issuer",
            "name_kanji",
            "not_after",
            "not_before",
            "role",
            "serial",
            "subject_cn"
        ]
    );
    assert_eq!(cert["name_kanji"], "神楽坂　三十四");
    assert_eq!(cert["subject_cn"], "Sanjushi Kagurazaka");
    assert_eq!(cert["role"], "Medical Doctor");
    assert_eq!(cert["serial"], "0a1b2c3d4e");
    assert_eq!(cert["not_before"], "2025-04-01");
    assert_eq!(cert["not_after"], "2030-03-31");
    assert!(cert["issuer"].as_str().unwrap().contains(certs::CA_NAME));
    assert_eq!(v["pin"]["tries_left"], 15);
    assert_eq!(v["pin"]["blocked"], false);
    assert_eq!(v["match"]["result"], "match", "{v}");

    // The same card against another person's record: mismatch, exit 1, reasons given.
    let (code, v) = read_json(&db, &["--match", "K0000002"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["match"]["result"], "mismatch");
    assert!(!v["match"]["reasons"].as_array().unwrap().is_empty());

    // Human output in Japanese, PIN tries shown, no VERIFY with data sent.
    card.remove();
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let mut card = VpcdCard::new(HpkiApplet::new(certs::doctor_cert()).with_pin(SimPin::Tries(3)));
    card.insert();
    common::kofu(&db)
        .args(["reader", "read", "--reader", READER_0, "--wait", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("氏名（漢字）: 神楽坂　三十四"))
        .stdout(predicate::str::contains("暗証番号: 残り 3 回"));
    for apdu in card.apdu_log() {
        if apdu.get(1) == Some(&0x20) {
            assert_eq!(apdu.len(), 4, "VERIFY with data: {apdu:02X?}");
        }
    }
    card.remove();
}

#[test]
fn reader_read_exit_codes_for_foreign_card_no_card_and_unknown_record() {
    let lock = pcscd::exclusive();
    let _daemon = Pcscd::start(&lock);
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_records(dir.path());

    common::kofu(&db)
        .args(["reader", "read", "--reader", READER_0, "--wait", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("カードが置かれていません"));
    common::kofu(&db)
        .args(["reader", "read", "--wait", "1", "--match", "NOPE0001"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NOPE0001 の記録がありません"));

    let mut card = VpcdCard::new(HpkiApplet::foreign());
    card.insert();
    common::kofu(&db)
        .args(["reader", "read", "--reader", READER_0, "--wait", "5"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("医師資格証ではありません"));
    card.remove();
}
