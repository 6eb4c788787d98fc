//! Mails about persons' suggestions (意见建议, issue 18 item 6): the reminder to the unit a
//! suggestion is routed to once it falls due unanswered (its number, subject, state and due day;
//! the person's name only when the unit is the person's own community), and the escalation (督办)
//! to the unit above of those still unanswered days later, counted per unit with no names. The
//! suggestion's own text is never in a mail: it stays on the portal behind the unit's link.

use campaign::Locale;
use chrono::NaiveDate;

use crate::due_mail::{OverdueUnitsMail, Topic, due_letter, overdue_letter};
use crate::templates::Rendered;

/// A suggestion as the unit's reminder lists it; the caller gives the words in the mail's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueSuggestionLine {
    pub id: i64,
    /// Only for the person's own community.
    pub name: Option<String>,
    pub category: Option<String>,
    pub state: String,
    pub due_on: NaiveDate,
}

/// The reminder to the unit a suggestion is routed to.
#[derive(Clone, Debug)]
pub struct SuggestionsDueMail<'a> {
    pub locale: Locale,
    pub recipient_name: &'a str,
    /// The day the mail is for.
    pub day: NaiveDate,
    /// The most overdue first.
    pub suggestions: &'a [DueSuggestionLine],
    /// Days after which one still unanswered goes to the unit above.
    pub escalate_after_days: i64,
    /// The unit's signed link to its suggestions (`/r/s`), when the web is configured.
    pub link: Option<&'a str>,
}

const SUGGESTIONS: Topic = Topic {
    zh_noun: "意见建议",
    zh_long: "乡土人才意见建议",
    zh_measure: "条",
    zh_answer: "反馈",
    zh_pending: "尚未办结反馈",
    zh_open: ("打开意见建议", "打开意见建议办理反馈（个人链接，请勿转发）"),
    zh_see: ("查看意见建议", "查看意见建议办理情况（个人链接，请勿转发）"),
    en_title: "Suggestions",
    en_one: "suggestion",
    en_some: "suggestion(s)",
    en_some_long: "suggestion(s) from local talent",
    en_many: "suggestions from local talent",
    en_open: ("Open the suggestions", "Open your suggestions to answer them (your personal link; do not forward)"),
    en_see: ("See the suggestions", "See the suggestions (your personal link; do not forward)"),
};

/// The reminder of suggestions fallen due unanswered.
pub fn render_suggestions_due(mail: &SuggestionsDueMail<'_>) -> Rendered {
    let zh = mail.locale == Locale::ZhCn;
    let lines = mail
        .suggestions
        .iter()
        .map(|s| {
            let about: Vec<&str> = [s.name.as_deref(), s.category.as_deref()].into_iter().flatten().collect();
            if zh {
                let about = if about.is_empty() { String::new() } else { format!("（{}）", about.join("，")) };
                format!("第{}号意见建议{about}　应于{}前反馈，当前：{}", s.id, s.due_on, s.state)
            } else {
                let about = if about.is_empty() { String::new() } else { format!(" ({})", about.join(", ")) };
                format!("Suggestion {}{about} — answer due {}, now: {}", s.id, s.due_on, s.state)
            }
        })
        .collect();
    due_letter(&SUGGESTIONS, mail.locale, mail.recipient_name, mail.day, mail.escalate_after_days, lines, mail.link)
}

/// The escalation of suggestions still unanswered: counts per unit, no names.
pub fn render_suggestions_overdue(mail: &OverdueUnitsMail<'_>) -> Rendered {
    overdue_letter(&SUGGESTIONS, mail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a day")
    }

    #[test]
    fn the_reminder_names_only_what_it_is_given_and_escapes_html() {
        let lines = [
            DueSuggestionLine {
                id: 7,
                name: Some("李<四>".into()),
                category: Some("产业发展".into()),
                state: "受理".into(),
                due_on: day("2027-02-15"),
            },
            DueSuggestionLine { id: 9, name: None, category: None, state: "办理".into(), due_on: day("2027-02-16") },
        ];
        let mail = SuggestionsDueMail {
            locale: Locale::ZhCn,
            recipient_name: "解放路第一社区",
            day: day("2027-02-16"),
            suggestions: &lines,
            escalate_after_days: 3,
            link: Some("https://x/l?t=1&to=r/s"),
        };
        let r = render_suggestions_due(&mail);
        assert_eq!(r.subject, "意见建议办理提醒：2条已到反馈期限（2027-02-16）");
        assert!(r.text.contains("第7号意见建议（李<四>，产业发展）　应于2027-02-15前反馈，当前：受理"), "{}", r.text);
        assert!(r.text.contains("第9号意见建议　应于2027-02-16前反馈，当前：办理"), "{}", r.text);
        assert!(r.html.contains("李&lt;四&gt;") && r.html.contains("t=1&amp;to=r/s"), "{}", r.html);
        let en = render_suggestions_due(&SuggestionsDueMail { locale: Locale::En, ..mail });
        assert!(en.subject.starts_with("Suggestions: 2 answer(s) due"), "{}", en.subject);
    }

    #[test]
    fn the_escalation_counts_without_names() {
        let units =
            [crate::OverdueUnitCount { name: "解放路第一社区".into(), count: 2, oldest: day("2027-02-15") }];
        let mail = OverdueUnitsMail {
            locale: Locale::ZhCn,
            recipient_name: "解放路街道",
            day: day("2027-02-18"),
            after_days: 3,
            units: &units,
            link: None,
        };
        let r = render_suggestions_overdue(&mail);
        assert_eq!(r.subject, "督办：1个单位2条意见建议逾期未反馈（2027-02-18）");
        assert!(r.text.contains("解放路第一社区　2条（最早反馈期限 2027-02-15）"), "{}", r.text);
    }
}
