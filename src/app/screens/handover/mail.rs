//! Step 2 of the dispatch by mail, 発送情報: the dispatch date and the お問い合わせ番号 of the
//! restricted-delivery mail the matched card goes out in.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use super::{Handover, Step, confirm};
use crate::app::cx::Cx;
use crate::app::{Action, Effect, LineEdit};
use crate::domain::handover::{HandoverRoute, QrHandover};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailField {
    Date,
    Tracking,
}

/// Mail dispatch input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailDraft {
    pub date: LineEdit,
    pub tracking: LineEdit,
    pub focus: MailField,
    pub error: Option<String>,
}

impl MailDraft {
    /// Dispatched `today` unless the officer says otherwise; the tracking number has focus.
    pub(super) fn new(today: NaiveDate) -> Self {
        MailDraft {
            date: LineEdit::with_text(10, &today.format("%Y-%m-%d").to_string()),
            tracking: LineEdit::code(20),
            focus: MailField::Tracking,
            error: None,
        }
    }
}

/// Parse a dispatch date typed by the officer (YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD).
/// 和暦 (`R8.11.25`, `令和8年11月25日`) is accepted too.
pub fn parse_dispatch_date(s: &str) -> Option<NaiveDate> {
    let s: String = s.nfkc().collect();
    let s = s.trim();
    if let Ok(d) = crate::domain::date::parse_date(s) {
        return Some(d);
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    None
}

/// Validate an お問い合わせ番号: digits only (hyphens and spaces dropped), 11–13 long.
pub fn validate_tracking(s: &str) -> Result<String, String> {
    let s: String = s.nfkc().collect();
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}' | '\u{2212}' | '\u{30FC}'))
        .collect();
    if digits.is_empty() {
        return Err("お問い合わせ番号を入力してください。".into());
    }
    if !digits.is_ascii() {
        return Err("IMEをオフにしてください（お問い合わせ番号は半角数字です）。".into());
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("お問い合わせ番号は数字だけで入力してください。".into());
    }
    let n = digits.len();
    if !(11..=13).contains(&n) {
        return Err(format!("お問い合わせ番号は11から13桁です（入力は{n}桁）。"));
    }
    Ok(digits)
}

impl Handover {
    /// A key on the mail step: Tab moves between the two fields, Enter checks them and goes on
    /// to the confirmation.
    pub(super) fn mail_update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let today = cx.today;
        let h = self;
        let Step::Mail { card } = &mut h.step else {
            return Vec::new();
        };
        let d = &mut h.mail_draft;
        match action {
            Action::SwitchField => {
                d.focus = match d.focus {
                    MailField::Date => MailField::Tracking,
                    MailField::Tracking => MailField::Date,
                }
            }
            Action::Next => {
                let date = parse_dispatch_date(d.date.value());
                let Some(date) = date else {
                    d.error =
                        Some("発送日は 2026-04-01 または R8.4.1 の形で入力してください。".into());
                    d.focus = MailField::Date;
                    return Vec::new();
                };
                let rule = crate::domain::date_rules::DateRule::recorded("発送日");
                if let Err(e) = rule.for_card(&h.record).check(date, today) {
                    d.error = Some(e);
                    d.focus = MailField::Date;
                    return Vec::new();
                }
                let tracking = match validate_tracking(d.tracking.value()) {
                    Ok(t) => t,
                    Err(e) => {
                        d.error = Some(e);
                        d.focus = MailField::Tracking;
                        return Vec::new();
                    }
                };
                d.error = None;
                let route = HandoverRoute::Mail {
                    dispatch_date: date,
                    tracking_no: tracking,
                };
                h.step = confirm::step(
                    h.record.id,
                    route,
                    QrHandover::EnclosedInMail,
                    None,
                    card.clone(),
                );
            }
            Action::Back => return h.enter_card_step(None, cx),
            _ => {}
        }
        Vec::new()
    }
}
