//! What the registry's mails about persons' suggestions (`suggestion_mail.rs`) and requests
//! (`request_mail.rs`) share: the letter of the reminder to the unit answering them (its lines
//! written by the topic's file) and the escalation (督办) to the unit above, counted per unit with
//! no names — the same sentences, with each topic's nouns.

use campaign::Locale;
use chrono::NaiveDate;

use crate::contact_mail::Letter;
use crate::templates::Rendered;

/// One topic's words in both languages.
pub(crate) struct Topic {
    /// 意见建议, as a subject and a link name it.
    pub zh_noun: &'static str,
    /// The noun at length, in the lead.
    pub zh_long: &'static str,
    /// The measure word: 条, 件.
    pub zh_measure: &'static str,
    /// What answering is called: 反馈, 答复.
    pub zh_answer: &'static str,
    /// What the reminder's lead says of them: not handled yet.
    pub zh_pending: &'static str,
    /// The reminder's link: its button and its line.
    pub zh_open: (&'static str, &'static str),
    /// The escalation's link.
    pub zh_see: (&'static str, &'static str),
    /// `Suggestions`, as the reminder's subject starts.
    pub en_title: &'static str,
    /// `suggestion`: one of them.
    pub en_one: &'static str,
    /// `suggestion(s)`, in the escalation's subject.
    pub en_some: &'static str,
    /// `suggestion(s) from local talent`, in the reminder's lead.
    pub en_some_long: &'static str,
    /// `suggestions from local talent`, in the escalation's lead.
    pub en_many: &'static str,
    pub en_open: (&'static str, &'static str),
    pub en_see: (&'static str, &'static str),
}

/// One unit's count in an escalation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueUnitCount {
    pub name: String,
    pub count: usize,
    /// The earliest day one of them fell due.
    pub oldest: NaiveDate,
}

/// The escalation (督办) to the unit above, of suggestions or requests.
#[derive(Clone, Debug)]
pub struct OverdueUnitsMail<'a> {
    pub locale: Locale,
    pub recipient_name: &'a str,
    pub day: NaiveDate,
    pub after_days: i64,
    pub units: &'a [OverdueUnitCount],
    /// The unit's signed link to the page of its subtree, when the web is configured.
    pub link: Option<&'a str>,
}

/// The reminder of `n` rows of `topic` fallen due, listed as `lines`, to `recipient_name`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn due_letter(
    topic: &Topic,
    locale: Locale,
    recipient_name: &str,
    day: NaiveDate,
    escalate_after_days: i64,
    lines: Vec<String>,
    link: Option<&str>,
) -> Rendered {
    let zh = locale == Locale::ZhCn;
    let n = lines.len();
    let d = escalate_after_days;
    let letter = if zh {
        let (m, answer) = (topic.zh_measure, topic.zh_answer);
        Letter {
            zh,
            subject: format!("{}办理提醒：{n}{m}已到{answer}期限（{day}）", topic.zh_noun),
            greeting: format!("{recipient_name}："),
            lead: format!("以下{n}{m}{}已到{answer}期限，{}，请及时办理并答复本人：", topic.zh_long, topic.zh_pending),
            lines,
            after: vec![format!("到期{d}天后仍未{answer}的，将报上级单位督办。")],
            link: link.map(|l| (l, topic.zh_open.0, topic.zh_open.1)),
        }
    } else {
        Letter {
            zh,
            subject: format!("{}: {n} answer(s) due ({day})", topic.en_title),
            greeting: format!("Dear {recipient_name},"),
            lead: format!(
                "These {n} {} have reached their due day and are not answered yet. Please handle them and answer the person:",
                topic.en_some_long
            ),
            lines,
            after: vec![format!(
                "A {} still not answered {d} days after its due day is reported to the unit above.",
                topic.en_one
            )],
            link: link.map(|l| (l, topic.en_open.0, topic.en_open.1)),
        }
    };
    letter.render()
}

/// The escalation of rows of `topic` still unanswered: counts per unit, no names.
pub(crate) fn overdue_letter(topic: &Topic, mail: &OverdueUnitsMail<'_>) -> Rendered {
    let zh = mail.locale == Locale::ZhCn;
    let total: usize = mail.units.iter().map(|u| u.count).sum();
    let places = mail.units.len();
    let (day, d) = (mail.day, mail.after_days);
    let (m, answer) = (topic.zh_measure, topic.zh_answer);
    let lines = mail
        .units
        .iter()
        .map(|u| {
            if zh {
                format!("{}　{}{m}（最早{answer}期限 {}）", u.name, u.count, u.oldest)
            } else {
                format!("{}: {} (the earliest due {})", u.name, u.count, u.oldest)
            }
        })
        .collect();
    let letter = if zh {
        Letter {
            zh,
            subject: format!("督办：{places}个单位{total}{m}{}逾期未{answer}（{day}）", topic.zh_noun),
            greeting: format!("{}：", mail.recipient_name),
            lead: format!("下列单位有{}超过{answer}期限{d}天以上仍未{answer}，请督促办理：", topic.zh_long),
            lines,
            after: vec![format!("共{total}{m}。为保护个人信息，本邮件不列姓名和内容，请在归雁中查看。")],
            link: mail.link.map(|l| (l, topic.zh_see.0, topic.zh_see.1)),
        }
    } else {
        Letter {
            zh,
            subject: format!("Escalation: {total} {} overdue in {places} unit(s) ({day})", topic.en_some),
            greeting: format!("Dear {},", mail.recipient_name),
            lead: format!(
                "These units have {} still not answered {d} or more days after their due day. Please see that they are:",
                topic.en_many
            ),
            lines,
            after: vec![format!(
                "{total} in all. To protect personal data this mail names no one and quotes nothing; see them in guiyan."
            )],
            link: mail.link.map(|l| (l, topic.en_see.0, topic.en_see.1)),
        }
    };
    letter.render()
}
