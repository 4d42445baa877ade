//! 日報 and 月報: what the desk did on a JST day or in a month.

use chrono::NaiveDate;
use serde::Serialize;

/// One handover or dispatch on the daily report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    /// JST time HH:MM.
    pub time: String,
    pub card_id: String,
    pub name: String,
    /// `counter_receipt` / `counter_postcard` / `mail`, or `return` (sent back to JMACA).
    pub route: String,
    pub officer: Option<String>,
    /// Cancelled later by a correction (取消): listed, not counted.
    pub cancelled: bool,
}

/// A return batch sent that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentBatch {
    pub number: String,
    /// `receipts` / `cards`.
    pub kind: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyReport {
    pub date: NaiveDate,
    /// 窓口交付・受領書あり
    pub counter_receipt: u64,
    /// 窓口交付・はがき提出
    pub counter_postcard: u64,
    /// 本人限定受取郵便で発送
    pub mail_dispatched: u64,
    pub mail_delivered: u64,
    pub mail_returned: u64,
    /// Cards returned to JMACA (card batches sent that day).
    pub cards_returned: u64,
    /// Receipts sent back (receipt batches sent that day).
    pub receipts_returned: u64,
    pub batches_sent: Vec<SentBatch>,
    pub lines: Vec<ReportLine>,
    pub audit_events: u64,
    pub audit_head: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthlyReport {
    /// "2026-11"
    pub month: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// 受入: cards that arrived in the month.
    pub received: u64,
    /// 交付: counter handovers (both routes), not cancelled.
    pub handed_over: u64,
    /// 郵送: restricted-delivery dispatches, not cancelled.
    pub mailed: u64,
    /// 郵送配達済 recorded in the month.
    pub mail_delivered: u64,
    /// 返却: cards sent back to JMACA in the month.
    pub returned: u64,
    /// 受領書返送 in the month.
    pub receipts_returned: u64,
    /// 未交付 at the end of the month: arrived by then, not handed over, out by mail or returned by then.
    pub uncollected_at_end: u64,
    pub audit_events: u64,
    pub audit_head: Option<String>,
}

/// The Japanese label of a report line's route code.
pub fn route_label(route: &str) -> &'static str {
    match route {
        "counter_receipt" => "窓口交付（受領書あり）",
        "counter_postcard" => "窓口交付（はがき提出）",
        "mail" => "本人限定受取郵便で発送",
        "return" => "JMACAへ返却（未交付）",
        _ => "不明",
    }
}

/// 日報 as text lines (shared by the terminal output and the HTML).
pub fn daily_summary_lines(r: &DailyReport) -> Vec<(String, u64)> {
    vec![
        ("窓口交付（受領書あり）".into(), r.counter_receipt),
        ("窓口交付（はがき提出）".into(), r.counter_postcard),
        ("本人限定受取郵便で発送".into(), r.mail_dispatched),
        ("郵送 配達済の記録".into(), r.mail_delivered),
        ("郵送 不達（返送）の記録".into(), r.mail_returned),
        ("未交付カードの返却（JMACAへ送付）".into(), r.cards_returned),
        ("受領書の返送（JMACAへ送付）".into(), r.receipts_returned),
    ]
}

/// 月報 as text lines (shared by the terminal output and the HTML).
pub fn monthly_summary_lines(r: &MonthlyReport) -> Vec<(String, u64)> {
    vec![
        ("受入（到着したカード）".into(), r.received),
        ("交付（窓口）".into(), r.handed_over),
        ("郵送（本人限定受取郵便で発送）".into(), r.mailed),
        ("郵送 配達済".into(), r.mail_delivered),
        ("返却（JMACAへ）".into(), r.returned),
        ("受領書返送".into(), r.receipts_returned),
        ("未交付（月末時点）".into(), r.uncollected_at_end),
    ]
}

/// One handover or dispatch with its correction and mail outcome, for the handover export.
/// Codes as stored (`route`, `match_result`, `qr`, `mail_outcome`); times as stored (JST).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandoverLedgerRow {
    pub id: i64,
    pub card_id: String,
    pub name: String,
    pub at: String,
    pub route: String,
    pub officer: Option<String>,
    pub match_result: String,
    pub exception: bool,
    pub qr: String,
    pub dispatch_date: Option<String>,
    pub tracking_no: Option<String>,
    pub cancelled_at: Option<String>,
    pub cancel_reason: Option<String>,
    pub mail_outcome: Option<String>,
    pub mail_outcome_on: Option<String>,
    /// IDs of the identity documents checked (data/id-documents.toml), never their numbers.
    pub id_documents: Vec<String>,
    pub photo_checked: bool,
    pub details_confirmed: bool,
    /// The reasons the identity match gave (Japanese).
    pub match_reasons: Vec<String>,
    /// What the officer recorded: the reason for a near match or an exception.
    pub officer_note: Option<String>,
    /// Why the mail came back undelivered, as recorded.
    pub mail_reason: Option<String>,
}
