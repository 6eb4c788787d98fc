//! A follow-up as a worker enters it on the phone (date, channel, summary, the intent it found,
//! the next contact due) and its checks: every problem at once, each named by its field.

use campaign::Lang;
use chrono::NaiveDate;

use crate::contact::Channel;
use crate::intent::ReturnIntent;

/// The most characters a summary keeps: a few sentences, not a file.
pub const MAX_SUMMARY_CHARS: usize = 500;

/// A follow-up as typed: every field text.
#[derive(Clone, Debug, Default)]
pub struct FollowUpDraft {
    /// `2027-01-20` (a date input's value).
    pub contacted_on: String,
    pub channel: String,
    pub summary: String,
    /// The intent found, or empty when it was not asked.
    pub intent: String,
    pub next_contact_on: String,
}

/// A checked follow-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpFields {
    pub contacted_on: NaiveDate,
    pub channel: Channel,
    pub summary: String,
    pub intent: Option<ReturnIntent>,
    pub next_contact_on: Option<NaiveDate>,
}

/// A follow-up's field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FollowUpField {
    ContactedOn,
    Channel,
    Summary,
    Intent,
    NextContactOn,
}

impl FollowUpField {
    /// The form's input name.
    pub fn key(self) -> &'static str {
        match self {
            FollowUpField::ContactedOn => "contacted_on",
            FollowUpField::Channel => "channel",
            FollowUpField::Summary => "summary",
            FollowUpField::Intent => "intent",
            FollowUpField::NextContactOn => "next_contact_on",
        }
    }
}

/// What is wrong with a follow-up's field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUpProblem {
    Required,
    NotADate,
    InTheFuture,
    /// The next contact is not after this one.
    NotAfterContact,
    UnknownValue,
    TooLong {
        chars: usize,
    },
}

/// One problem of one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpError {
    pub field: FollowUpField,
    pub problem: FollowUpProblem,
}

impl FollowUpError {
    pub fn message(&self, lang: Lang) -> String {
        match (&self.problem, lang) {
            (FollowUpProblem::Required, Lang::Zh) => "必填".into(),
            (FollowUpProblem::Required, Lang::En) => "required".into(),
            (FollowUpProblem::NotADate, Lang::Zh) => "日期格式应为 2027-01-20".into(),
            (FollowUpProblem::NotADate, Lang::En) => "a date such as 2027-01-20".into(),
            (FollowUpProblem::InTheFuture, Lang::Zh) => "联系日期不能晚于今天".into(),
            (FollowUpProblem::InTheFuture, Lang::En) => "the contact cannot be later than today".into(),
            (FollowUpProblem::NotAfterContact, Lang::Zh) => "下次联系日期应晚于本次联系日期".into(),
            (FollowUpProblem::NotAfterContact, Lang::En) => "the next contact must come after this one".into(),
            (FollowUpProblem::UnknownValue, Lang::Zh) => "请从列表中选择".into(),
            (FollowUpProblem::UnknownValue, Lang::En) => "choose one of the list".into(),
            (FollowUpProblem::TooLong { chars }, Lang::Zh) => {
                format!("过长（{chars}个字，最多{MAX_SUMMARY_CHARS}个）")
            }
            (FollowUpProblem::TooLong { chars }, Lang::En) => {
                format!("too long ({chars} characters, at most {MAX_SUMMARY_CHARS})")
            }
        }
    }
}

/// Checks a follow-up typed on `today`: every problem, or the typed follow-up.
pub fn validate_followup(draft: &FollowUpDraft, today: NaiveDate) -> Result<FollowUpFields, Vec<FollowUpError>> {
    let mut errors = Vec::new();
    let mut fail = |field, problem| errors.push(FollowUpError { field, problem });
    let date = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    let contacted_on = match draft.contacted_on.trim() {
        "" => {
            fail(FollowUpField::ContactedOn, FollowUpProblem::Required);
            None
        }
        text => match date(text) {
            None => {
                fail(FollowUpField::ContactedOn, FollowUpProblem::NotADate);
                None
            }
            Some(d) if d > today => {
                fail(FollowUpField::ContactedOn, FollowUpProblem::InTheFuture);
                None
            }
            Some(d) => Some(d),
        },
    };
    let channel = match draft.channel.trim() {
        "" => {
            fail(FollowUpField::Channel, FollowUpProblem::Required);
            None
        }
        text => Channel::parse(text).map_err(|_| fail(FollowUpField::Channel, FollowUpProblem::UnknownValue)).ok(),
    };
    let summary = draft.summary.trim();
    let chars = summary.chars().count();
    if summary.is_empty() {
        fail(FollowUpField::Summary, FollowUpProblem::Required);
    } else if chars > MAX_SUMMARY_CHARS {
        fail(FollowUpField::Summary, FollowUpProblem::TooLong { chars });
    }
    let intent = match draft.intent.trim() {
        "" => None,
        text => ReturnIntent::parse(text).map_err(|_| fail(FollowUpField::Intent, FollowUpProblem::UnknownValue)).ok(),
    };
    let next_contact_on = match draft.next_contact_on.trim() {
        "" => None,
        text => match date(text) {
            None => {
                fail(FollowUpField::NextContactOn, FollowUpProblem::NotADate);
                None
            }
            Some(next) if contacted_on.is_some_and(|c| next <= c) => {
                fail(FollowUpField::NextContactOn, FollowUpProblem::NotAfterContact);
                None
            }
            Some(next) => Some(next),
        },
    };
    match (contacted_on, channel) {
        (Some(contacted_on), Some(channel)) if errors.is_empty() => {
            Ok(FollowUpFields { contacted_on, channel, summary: summary.to_string(), intent, next_contact_on })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, 20).expect("a date")
    }

    fn draft() -> FollowUpDraft {
        FollowUpDraft {
            contacted_on: "2027-01-20".into(),
            channel: "走访".into(),
            summary: "在家过年，有意回乡开办农家乐".into(),
            intent: "创业".into(),
            next_contact_on: "2027-02-15".into(),
        }
    }

    #[test]
    fn a_complete_followup_reads() {
        let f = validate_followup(&draft(), today()).expect("valid");
        assert_eq!(f.channel, Channel::Visit);
        assert_eq!(f.intent, Some(ReturnIntent::StartBusiness));
        assert_eq!(f.next_contact_on, NaiveDate::from_ymd_opt(2027, 2, 15));
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let bad = FollowUpDraft {
            contacted_on: "2027-01-21".into(),
            channel: "短信".into(),
            summary: " ".into(),
            intent: "想回来".into(),
            next_contact_on: "二月".into(),
        };
        let errors = validate_followup(&bad, today()).expect_err("invalid");
        let fields: Vec<FollowUpField> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                FollowUpField::ContactedOn,
                FollowUpField::Channel,
                FollowUpField::Summary,
                FollowUpField::Intent,
                FollowUpField::NextContactOn
            ]
        );
        assert_eq!(errors[0].message(Lang::Zh), "联系日期不能晚于今天");
    }

    #[test]
    fn the_next_contact_comes_after_this_one() {
        let mut d = draft();
        d.next_contact_on = "2027-01-20".into();
        let errors = validate_followup(&d, today()).expect_err("invalid");
        assert_eq!(errors[0].problem, FollowUpProblem::NotAfterContact);
        d.next_contact_on = String::new();
        d.intent = String::new();
        let f = validate_followup(&d, today()).expect("valid without a next contact or intent");
        assert_eq!((f.intent, f.next_contact_on), (None, None));
    }
}
