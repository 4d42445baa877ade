//! `kofu reader list|read` through a REAL pcscd with an emulated HPKI card (see tests/support).

use crate::support;
use crate::support::common;

use std::path::Path;

use kofu::card::HpkiApplet;
use kofu::card::sim::SimPin;
use predicates::prelude::*;
use support::certs::{self, TestDoctor};
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
            "issuer_id",
            "issuer_known",
            "name_kanji",
            "not_after",
            "not_before",
            "policies",
            "role",
            "serial",
            "subject_cn"
        ]
    );
    assert_eq!(cert["name_kanji"], "神楽坂　三十四");
    assert_eq!(cert["subject_cn"], "Sanjushi Kagurazaka");
    assert_eq!(cert["role"], "Medical Doctor");
    assert_eq!(cert["serial"], "a1b2c3d4e");
    assert_eq!(cert["not_before"], "2025-04-01");
    assert_eq!(cert["not_after"], "2030-03-31");
    assert!(cert["issuer"].as_str().unwrap().contains(certs::CA_NAME));
    assert_eq!(cert["issuer_known"], true);
    assert_eq!(cert["issuer_id"], "kofu_test");
    assert_eq!(cert["policies"], serde_json::json!([]));
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

/// A certificate shaped like JMA's own test certificates (subject `C=JP, CN=<romaji>,
/// serialNumber=…`, no O, no kanji subjectAltName) from a CA named like the JMA signing CA:
/// read, the issuer recognised from data/issuers.toml, the policy listed; with a data folder
/// whose issuers.toml lacks it, the same card is `issuer_known: false` and the officer is told
/// which DN to paste.
#[test]
fn jma_shaped_certificate_and_issuer_known() {
    let lock = pcscd::exclusive();
    let _daemon = Pcscd::start(&lock);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kofu.db");
    let csv = format!(
        "{}\nK0000003,日医　太郎,ニチイ タロウ,1970-03-31,2025-04-01,2030-03-31,Taro Nichii,会員,窓口,0a1b2c3d4e,,\n",
        common::HEADER
    );
    let f = common::write(dir.path(), "m.csv", csv);
    common::kofu(&db).arg("import").arg(&f).assert().success();

    let mut card = VpcdCard::new(HpkiApplet::new(certs::issue(&TestDoctor::jma_shaped())));
    card.insert();
    let (code, v) = read_json(&db, &["--match", "K0000003"]);
    assert_eq!(code, 0, "{v}");
    let cert = &v["certificate"];
    assert_eq!(cert["subject_cn"], "Taro Nichii");
    assert_eq!(cert["name_kanji"], serde_json::Value::Null);
    let issuer = cert["issuer"].as_str().unwrap();
    assert!(
        issuer.contains("CN=HPKI-01-HPKI_JV2-forNonRepudiation"),
        "{issuer}"
    );
    assert!(issuer.contains("O=Japan Medical Association"), "{issuer}");
    assert_eq!(cert["issuer_known"], true, "{v}");
    assert_eq!(cert["issuer_id"], "jma_sign_v2");
    assert_eq!(
        cert["policies"],
        serde_json::json!([certs::POLICY_HPKI_SIGN])
    );
    // No kanji on the card is never a block: matched on romaji, role, serial and expiry.
    assert_ne!(v["match"]["result"], "mismatch", "{v}");
    common::kofu(&db)
        .args(["reader", "read", "--reader", READER_0, "--wait", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("氏名（漢字）: （なし）"))
        .stdout(predicate::str::contains(
            "既知の発行者: 日本医師会 電子認証センター 署名用CA",
        ))
        .stdout(predicate::str::contains(
            "証明書ポリシー: 1.2.392.100495.1.5.1.1.0.1（HPKI 署名用証明書ポリシー）",
        ));

    // A desk's issuers.toml without the JMA entry: unknown, with the DN to paste.
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("issuers.toml"),
        "[[issuer]]\nid = \"other\"\nlabel = \"other\"\nmatch = [\"Other CA\"]\nstatus = \"confirmed\"\n",
    )
    .unwrap();
    let out = common::kofu(&db)
        .args(["--data-dir"])
        .arg(&data)
        .args([
            "reader", "read", "--reader", READER_0, "--wait", "5", "--json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["certificate"]["issuer_known"], false, "{v}");
    assert_eq!(v["certificate"]["issuer_id"], serde_json::Value::Null);
    common::kofu(&db)
        .args(["--data-dir"])
        .arg(&data)
        .args(["reader", "read", "--reader", READER_0, "--wait", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "未登録の発行者 — data/issuers.toml に追加できます（dn = \"{issuer}\"）"
        )));
    card.remove();
}

/// `kofu reader diagnose` through the real pcscd with an emulated card: service, reader, ATR,
/// the HPKI applications, the PIN counter (empty VERIFY only) and the certificate's issuer,
/// validity, serial — and no name (romaji or kanji), no subject serialNumber, no UID. With the
/// service stopped it says so.
#[test]
fn reader_diagnose_has_no_personal_data() {
    let lock = pcscd::exclusive();
    let mut daemon = Pcscd::start(&lock);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kofu.db");

    let mut card = VpcdCard::new(HpkiApplet::new(certs::doctor_cert()).with_pin(SimPin::Tries(9)));
    card.insert();
    // Wait until pcscd reports the card (presence polling).
    let (code, _) = read_json(&db, &[]);
    assert_eq!(code, 0);
    card.clear_log();

    let out = common::kofu(&db)
        .args(["reader", "diagnose", "--reader", READER_0])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "PC/SC サービス: 動作中",
        READER_0,
        "カード: あり  ATR: ",
        "HPKI 認証用アプリケーション: 応答あり（SW 9000）",
        "暗証番号: 残り 9 回（照合はしていません）",
        certs::CA_NAME,
        "既知の発行者: kofu テスト用CA",
        "有効期間: 2025-04-01 〜 2030-03-31",
        "シリアル: a1b2c3d4e",
        "種別: vsmartcard の仮想リーダ",
    ] {
        assert!(text.contains(expected), "missing {expected}:\n{text}");
    }
    let json_out = common::kofu(&db)
        .args(["reader", "diagnose", "--reader", READER_0, "--json"])
        .output()
        .unwrap();
    assert!(json_out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(v["service"]["state"], "running");
    let r = v["readers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == READER_0)
        .unwrap();
    assert_eq!(r["card"]["pin"]["tries_left"], 9);
    assert_eq!(r["card"]["certificates"][0]["serial"], "a1b2c3d4e");
    assert_eq!(r["card"]["certificates"][0]["issuer_known"], true);
    let json_text = String::from_utf8(json_out.stdout).unwrap();
    for output in [&text, &json_text] {
        for personal in [
            "Sanjushi",
            "Kagurazaka",
            "神楽坂",
            "三十四",
            "MD0001234",
            "Medical Doctor",
            "subject",
            "uid",
        ] {
            assert!(!output.contains(personal), "{personal} in:\n{output}");
        }
    }
    for apdu in card.apdu_log() {
        if apdu.get(1) == Some(&0x20) {
            assert_eq!(apdu.len(), 4, "VERIFY with data: {apdu:02X?}");
        }
        assert_ne!(apdu.get(..2), Some(&[0xFF, 0xCA][..]), "UID asked for");
    }
    card.remove();

    // The service stopped: said so, exit 0 (a report, not a check).
    daemon.stop();
    common::kofu(&db)
        .args(["reader", "diagnose"])
        .assert()
        .success()
        .stdout(predicate::str::contains("PC/SC サービス: 停止中"));
}
