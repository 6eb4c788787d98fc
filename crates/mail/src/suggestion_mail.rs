//! Mails about persons' suggestions (意见建议, issue 18 item 6): the reminder to the unit a
//! suggestion is routed to once it falls due unanswered (its number, subject, state and due day;
//! the person's name only when the unit is the person's own community), and the escalation (督办)
//! to the unit above of those still unanswered days later, counted per unit with no names. The
//! suggestion's own text is never in a mail: it stays on the portal behind the unit's link.

use campaign::Locale;
use chrono::NaiveDate;

use crate::contact_mail::Letter;
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

/// One unit's count in the escalation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueSuggestionCount {
    pub name: String,
    pub suggestions: usize,
    pub oldest: NaiveDate,
}

/// The escalation (督办) to the unit above.
#[derive(Clone, Debug)]
pub struct SuggestionsOverdueMail<'a> {
    pub locale: Locale,
    pub recipient_name: &'a str,
    pub day: NaiveDate,
    pub after_days: i64,
    pub units: &'a [OverdueSuggestionCount],
    /// The unit's signed link to the suggestions of its subtree, when the web is configured.
    pub link: Option<&'a str>,
}

/// The reminder of suggestions fallen due unanswered.
pub fn render_suggestions_due(mail: &SuggestionsDueMail<'_>) -> Rendered {
    let zh = mail.locale == Locale::ZhCn;
    let n = mail.suggestions.len();
    let day = mail.day;
    let after_days = mail.escalate_after_days;
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
    let letter = if zh {
        Letter {
            zh,
            subject: format!("意见建议办理提醒：{n}条已到反馈期限（{day}）"),
            greeting: format!("{}：", mail.recipient_name),
            lead: format!("以下{n}条乡土人才意见建议已到反馈期限，尚未办结反馈，请及时办理并答复本人："),
            lines,
            after: vec![format!("到期{after_days}天后仍未反馈的，将报上级单位督办。")],
            link: mail.link.map(|l| (l, "打开意见建议", "打开意见建议办理反馈（个人链接，请勿转发）")),
        }
    } else {
        Letter {
            zh,
            subject: format!("Suggestions: {n} answer(s) due ({day})"),
            greeting: format!("Dear {},", mail.recipient_name),
            lead: format!(
                "These {n} suggestion(s) from local talent have reached their due day and are not answered yet. Please handle them and answer the person:"
            ),
            lines,
            after: vec![format!(
                "A suggestion still not answered {after_days} days after its due day is reported to the unit above."
            )],
            link: mail.link.map(|l| {
                (l, "Open the suggestions", "Open your suggestions to answer them (your personal link; do not forward)")
            }),
        }
    };
    letter.render()
}

/// The escalation of suggestions still unanswered: counts per unit, no names.
pub fn render_suggestions_overdue(mail: &SuggestionsOverdueMail<'_>) -> Rendered {
    let zh = mail.locale == Locale::ZhCn;
    let total: usize = mail.units.iter().map(|u| u.suggestions).sum();
    let places = mail.units.len();
    let day = mail.day;
    let after_days = mail.after_days;
    let lines = mail
        .units
        .iter()
        .map(|u| {
            if zh {
                format!("{}　{}条（最早反馈期限 {}）", u.name, u.suggestions, u.oldest)
            } else {
                format!("{}: {} (the earliest due {})", u.name, u.suggestions, u.oldest)
            }
        })
        .collect();
    let letter = if zh {
        Letter {
            zh,
            subject: format!("督办：{places}个单位{total}条意见建议逾期未反馈（{day}）"),
            greeting: format!("{}：", mail.recipient_name),
            lead: format!("下列单位有乡土人才意见建议超过反馈期限{after_days}天以上仍未反馈，请督促办理："),
            lines,
            after: vec![format!("共{total}条。为保护个人信息，本邮件不列姓名和内容，请在归雁中查看。")],
            link: mail.link.map(|l| (l, "查看意见建议", "查看意见建议办理情况（个人链接，请勿转发）")),
        }
    } else {
        Letter {
            zh,
            subject: format!("Escalation: {total} suggestion(s) overdue in {places} unit(s) ({day})"),
            greeting: format!("Dear {},", mail.recipient_name),
            lead: format!(
                "These units have suggestions from local talent still not answered {after_days} or more days after their due day. Please see that they are:"
            ),
            lines,
            after: vec![format!(
                "{total} in all. To protect personal data this mail names no one and quotes nothing; see them in guiyan."
            )],
            link: mail
                .link
                .map(|l| (l, "See the suggestions", "See the suggestions (your personal link; do not forward)")),
        }
    };
    letter.render()
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
            [OverdueSuggestionCount {
                name: "解放路第一社区".into(), suggestions: 2, oldest: day("2027-02-15")
            }];
        let mail = SuggestionsOverdueMail {
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
