//! Shared helpers for kofu's integration tests: manifest files and the binary under test.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The fixed instant every test runs at unless it sets its own (the UI scenes' "today").
/// Tests never read the real clock: the suite also runs under libfaketime in CI.
pub const NOW: &str = "2026-11-25T10:00:00+09:00";

/// A fixed clock at [`NOW`].
pub fn clock() -> kofu::clock::Clock {
    kofu::clock::Clock::fixed(chrono::DateTime::parse_from_rfc3339(NOW).unwrap())
}

pub const HEADER: &str = "カードID,氏名,フリガナ,生年月日,発行日,有効期限,ローマ字氏名,会員区分,交付方法,証明書シリアル,備考,初期登録QR";

const FAMILY: &[(&str, &str, &str)] = &[
    ("山田", "ヤマダ", "Yamada"),
    ("佐藤", "サトウ", "Sato"),
    ("鈴木", "スズキ", "Suzuki"),
    ("髙橋", "タカハシ", "Takahashi"),
    ("田中", "タナカ", "Tanaka"),
    ("渡邊", "ワタナベ", "Watanabe"),
    ("伊藤", "イトウ", "Ito"),
    ("山﨑", "ヤマザキ", "Yamazaki"),
    ("中村", "ナカムラ", "Nakamura"),
    ("𠮷田", "ヨシダ", "Yoshida"),
];
const GIVEN: &[(&str, &str, &str)] = &[
    ("太郎", "タロウ", "Taro"),
    ("花子", "ハナコ", "Hanako"),
    ("一郎", "イチロウ", "Ichiro"),
    ("美咲", "ミサキ", "Misaki"),
    ("健", "ケン", "Ken"),
    ("陽菜", "ヒナ", "Hina"),
    ("翔太", "ショウタ", "Shota"),
];

/// One valid manifest row for index `i` (card ID `T` + 11 digits).
pub fn row(i: usize) -> String {
    let (f, fk, fr) = FAMILY[i % FAMILY.len()];
    let (g, gk, gr) = GIVEN[(i / FAMILY.len()) % GIVEN.len()];
    // Birthdays spread over the year; issue dates in 2025 so the birthday rule applies.
    let birth_year = 1950 + (i % 45);
    let month = 1 + (i % 12);
    let day = 1 + (i % 28);
    let issue =
        chrono::NaiveDate::from_ymd_opt(2025, 1 + ((i / 7) % 12) as u32, 1 + ((i / 3) % 28) as u32)
            .unwrap();
    let birth =
        chrono::NaiveDate::from_ymd_opt(birth_year as i32, month as u32, day as u32).unwrap();
    let expiry = expiry_rule(issue, birth);
    format!(
        "T{:011},{f}　{g},{fk} {gk},{birth},{issue},{expiry},{gr} {fr},{},{},,,",
        i,
        if i.is_multiple_of(3) {
            "非会員"
        } else {
            "会員"
        },
        if i.is_multiple_of(5) {
            "郵送"
        } else {
            "窓口"
        },
    )
}

/// The default rule for issue dates from July 2021: the 5th birthday strictly after the issue date.
pub fn expiry_rule(issue: chrono::NaiveDate, birth: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    let bday = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, birth.month(), birth.day())
            .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(y, 2, 28).unwrap())
    };
    let this_year = bday(issue.year());
    let first_after = if this_year > issue {
        this_year
    } else {
        bday(issue.year() + 1)
    };
    bday(first_after.year() + 4)
}

/// A manifest with `n` valid rows starting at index `start`.
pub fn manifest(n: usize, start: usize) -> String {
    let mut s = String::with_capacity(n * 120);
    s.push_str(HEADER);
    s.push('\n');
    for i in start..start + n {
        s.push_str(&row(i));
        s.push('\n');
    }
    s
}

pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// The kofu binary, with a private database and no inherited data-dir.
pub fn kofu(db: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("kofu").unwrap();
    c.env_remove("KOFU_DATA_DIR")
        .env("KOFU_DB", db)
        .env(kofu::clock::NOW_ENV, NOW);
    c
}
