//! One rule set for every date an officer types about a card (issue 11 #4).
//!
//! A date that records something done (dispatch, delivery, return, notice, receipt sent) can
//! be neither in the future nor before the card existed at the desk: not before its 発行日
//! and not before its arrival (到着日). A date that plans something (an appointment) can be
//! neither in the past nor before the card arrived. The wizard, the back-office screens and
//! the CLI all ask [`DateRule::check`], so a date refused in one place is refused everywhere.

use chrono::NaiveDate;

use super::date::format_both;
use super::record::CardRecord;

/// Whether the date records something done or plans something to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// Done already: not after today.
    Recorded,
    /// To come: not before today.
    Planned,
}

/// The rule for one date field: its name (shown in the message) and the dates it may not
/// precede.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRule {
    field: String,
    kind: DateKind,
    floors: Vec<(NaiveDate, String)>,
}

impl DateRule {
    /// A date of something done, e.g. `DateRule::recorded("発送日")`.
    pub fn recorded(field: &str) -> Self {
        Self {
            field: field.to_string(),
            kind: DateKind::Recorded,
            floors: Vec::new(),
        }
    }

    /// A date of something planned, e.g. `DateRule::planned("予約日")`.
    pub fn planned(field: &str) -> Self {
        Self {
            kind: DateKind::Planned,
            ..Self::recorded(field)
        }
    }

    /// The date may not precede the card's 発行日 nor its arrival at the desk.
    pub fn for_card(self, card: &CardRecord) -> Self {
        self.not_before(card.issue_date, "このカードの発行日")
            .not_before(card.arrived_on, "このカードの到着日")
    }

    /// The date may not precede `floor` (`what` names it, e.g. 「発送日」).
    pub fn not_before(mut self, floor: NaiveDate, what: &str) -> Self {
        self.floors.push((floor, what.to_string()));
        self
    }

    /// Check `date` against the rule on `today` (JST). The error says which date was wrong
    /// and against what, in Japanese.
    pub fn check(&self, date: NaiveDate, today: NaiveDate) -> Result<(), String> {
        let field = &self.field;
        match self.kind {
            DateKind::Recorded if date > today => {
                return Err(format!(
                    "{field}（{}）が未来の日付です。今日（{}）までの日付を入力してください。",
                    format_both(date),
                    format_both(today)
                ));
            }
            DateKind::Planned if date < today => {
                return Err(format!(
                    "{field}（{}）は過去の日付です。今日（{}）以降の日付を入力してください。",
                    format_both(date),
                    format_both(today)
                ));
            }
            _ => {}
        }
        // The latest floor is the one to name.
        if let Some((floor, what)) = self
            .floors
            .iter()
            .filter(|(floor, _)| date < *floor)
            .max_by_key(|(floor, _)| *floor)
        {
            return Err(format!(
                "{field}（{}）が{what}（{}）より前です。",
                format_both(date),
                format_both(*floor)
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 25) {
        Some(d) => d,
        None => panic!(),
    };

    #[test]
    fn a_recorded_date_lies_between_the_card_and_today() {
        let rule = DateRule::recorded("発送日")
            .not_before(d(2026, 4, 1), "このカードの発行日")
            .not_before(d(2026, 5, 10), "このカードの到着日");
        let e = rule.check(d(2020, 1, 1), TODAY).unwrap_err();
        assert!(e.starts_with("発送日（令和2年1月1日"), "{e}");
        assert!(
            e.contains("到着日（令和8年5月10日"),
            "the latest floor is named: {e}"
        );
        let e = rule.check(d(2026, 4, 20), TODAY).unwrap_err();
        assert!(e.contains("到着日"), "{e}");
        let e = rule.check(d(2026, 11, 26), TODAY).unwrap_err();
        assert!(e.contains("未来の日付"), "{e}");
        assert_eq!(rule.check(d(2026, 5, 10), TODAY), Ok(()));
        assert_eq!(rule.check(TODAY, TODAY), Ok(()));
    }

    #[test]
    fn a_planned_date_is_not_in_the_past() {
        let rule = DateRule::planned("予約日");
        assert!(
            rule.check(d(2026, 11, 24), TODAY)
                .unwrap_err()
                .contains("過去の日付")
        );
        assert_eq!(rule.check(TODAY, TODAY), Ok(()));
        assert_eq!(rule.check(d(2027, 1, 5), TODAY), Ok(()));
    }
}
