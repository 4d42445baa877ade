//! One disagreement ([`Finding`]) and the Japanese line `db check` prints for it.

use serde::Serialize;

use crate::domain::{CardState, ReceiptStatus};

/// One disagreement between the ledger and a state table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Machine code: `card_state`, `card_missing`, `handover_route` …
    pub code: String,
    /// `card` / `handover` / `batch` / `hold` / `appointment` / `arrival` / `contact` /
    /// `officer` / `table` / `event`.
    pub subject: &'static str,
    /// The card ID, batch number, officer id, table name or event seq.
    pub id: String,
    pub field: &'static str,
    pub ledger: Option<String>,
    pub table: Option<String>,
}

fn field_label(f: &'static str) -> &'static str {
    match f {
        "state" => "状態",
        "receipt" => "受領書",
        "card_id" => "カードID",
        "identity" => "氏名・生年月日など",
        "row" => "行",
        "route" => "交付方法",
        "cancelled" => "取消",
        "outcome" => "郵送結果",
        "match" => "照合結果",
        "exception" => "例外扱い",
        "confirmed_by" => "確認した担当者",
        "tracking" => "お問い合わせ番号",
        "card" => "カード",
        "kind" => "種類",
        "number" => "番号",
        "status" => "状態",
        "items" => "中身",
        "verified" => "封入前の読取",
        "lifted" => "解除",
        "at" => "日時",
        "result" => "結果",
        "resolved" => "解決",
        "method" => "方法",
        "active" => "有効",
        "passphrase" => "パスフレーズ",
        "name" => "氏名",
        "from" => "変更前の状態",
        _ => f,
    }
}

/// A value as shown in a message: state and receipt codes get their Japanese labels.
fn show(field: &str, v: &Option<String>) -> String {
    let Some(v) = v else {
        return "なし".into();
    };
    let label = match field {
        "state" | "from" => CardState::parse(v).map(|s| s.label().to_string()),
        "receipt" => ReceiptStatus::parse(v).map(|s| s.label().to_string()),
        "status" => Some(
            match v.as_str() {
                "open" => "未送付",
                "sent" => "送付済",
                "reopened" => "取消済",
                other => other,
            }
            .to_string(),
        ),
        "cancelled" | "exception" | "active" | "lifted" | "resolved" | "verified"
        | "passphrase" => Some(if v == "true" { "あり" } else { "なし" }.into()),
        "identity" | "tracking" | "name" => Some("（ハッシュ）".into()),
        _ => None,
    };
    label.unwrap_or_else(|| v.clone())
}

impl Finding {
    /// The Japanese line `db check` prints.
    pub fn message(&self) -> String {
        let who = match self.subject {
            "card" => format!("カード {}", self.id),
            "handover" => format!("交付記録 {}", self.id),
            "batch" => format!("バッチ {}", self.id),
            "hold" => format!("保留 {}", self.id),
            "appointment" => format!("予約（カード {}）", self.id),
            "arrival" => format!("入荷確認 {}", self.id),
            "stray" => format!("一覧外のカード記録 {}", self.id),
            "contact" => format!("連絡記録 {}", self.id),
            "officer" => format!("担当者 {}", self.id),
            "table" => format!("表 {}", self.id),
            _ => format!("監査イベント #{}", self.id),
        };
        match self.code.as_str() {
            "table_missing" => format!("{who}: 表がありません（削除された可能性があります）"),
            c if c.ends_with("_missing") => {
                format!("{who}: 台帳にある記録が表にありません（削除された可能性があります）")
            }
            c if c.ends_with("_not_in_ledger") => format!(
                "{who}: 表にある記録が台帳にありません（台帳を通さずに追加された可能性があります）"
            ),
            "event_inconsistent" => format!(
                "{who}: 台帳の中で矛盾しています（{}: 台帳の直前の値 {} / イベント {}）",
                field_label(self.field),
                show(self.field, &self.ledger),
                show(self.field, &self.table)
            ),
            _ => format!(
                "{who}: {}が台帳と違います（台帳: {} / 表: {}）",
                field_label(self.field),
                show(self.field, &self.ledger),
                show(self.field, &self.table)
            ),
        }
    }
}
