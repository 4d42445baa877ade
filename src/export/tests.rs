use super::*;

fn t(rows: Vec<Vec<&str>>) -> Table {
    Table {
        headers: strings(&["カードID", "氏名"]),
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(String::from).collect())
            .collect(),
    }
}

#[test]
fn utf8_has_bom_and_crlf() {
    let b = encode_csv(&t(vec![vec!["A1", "山田　太郎"]]), CsvEncoding::Utf8Bom).unwrap();
    assert!(b.starts_with(b"\xEF\xBB\xBF"));
    let s = std::str::from_utf8(&b[3..]).unwrap();
    assert_eq!(s, "カードID,氏名\r\nA1,山田　太郎\r\n");
}

#[test]
fn cp932_round_trips_and_refuses_unmappable_with_row_and_column() {
    let b = encode_csv(&t(vec![vec!["A1", "髙橋　﨑"]]), CsvEncoding::Cp932).unwrap();
    let (s, _, bad) = encoding_rs::SHIFT_JIS.decode(&b);
    assert!(!bad);
    assert_eq!(s, "カードID,氏名\r\nA1,髙橋　﨑\r\n");
    let e = encode_csv(
        &t(vec![vec!["A1", "山田"], vec!["A2", "𠮷田　一郎"]]),
        CsvEncoding::Cp932,
    )
    .unwrap_err();
    match &e {
        ExportError::Unmappable {
            row,
            data_row,
            column,
            ch,
            ..
        } => {
            assert_eq!(
                (*row, *data_row, column.as_str(), *ch),
                (3, 2, "氏名", '𠮷')
            );
        }
        other => panic!("{other}"),
    }
    let msg = e.to_string();
    assert!(
        msg.contains("3行目") && msg.contains("氏名") && msg.contains("𠮷"),
        "{msg}"
    );
    // An ideographic variation selector is refused too, never written as &#NNNN;.
    let ivs = encode_csv(&t(vec![vec!["A3", "葛\u{E0100}西"]]), CsvEncoding::Cp932);
    assert!(matches!(
        ivs,
        Err(ExportError::Unmappable { code: 0xE0100, .. })
    ));
}

#[test]
fn html_is_escaped() {
    assert_eq!(
        esc("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
    let p = html_page("t", "<p>x</p>");
    assert!(p.contains("@page { size: A4"));
    assert!(p.contains("\"Yu Gothic\""));
}
