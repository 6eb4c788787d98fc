//! Mails about persons' requests to see, correct or erase their record (查阅 / 更正 / 删除, PIPL
//! arts. 44–47): the reminder to the person's own community, which answers them, once one falls
//! due unanswered (its number, kind, the person's name, received and due days), and the escalation
//! (督办) to the unit above of those still unanswered days later, counted per unit with no names.
//! Nothing of the record, and no answer written, is ever in a mail: the unit's link opens them.

use campaign::Locale;
use chrono::NaiveDate;

use crate::due_mail::{OverdueUnitsMail, Topic, due_letter, overdue_letter};
use crate::templates::Rendered;

/// A request as the unit's reminder lists it; the caller gives the kind's words in the mail's
/// language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueRequestLine {
    pub id: i64,
    /// The person's name: the recipient is their own community.
    pub name: String,
    /// 查阅 / 更正 / 删除, or the English words.
    pub kind: String,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// The reminder to the unit answering the requests.
#[derive(Clone, Debug)]
pub struct RequestsDueMail<'a> {
    pub locale: Locale,
    pub recipient_name: &'a str,
    /// The day the mail is for.
    pub day: NaiveDate,
    /// The most overdue first.
    pub requests: &'a [DueRequestLine],
    /// Days after which one still unanswered goes to the unit above.
    pub escalate_after_days: i64,
    /// The unit's signed link to its requests (`/r/requests`), when the web is configured.
    pub link: Option<&'a str>,
}

const REQUESTS: Topic = Topic {
    zh_noun: "个人信息请求",
    zh_long: "本人查阅、更正、删除个人信息的请求",
    zh_measure: "件",
    zh_answer: "答复",
    zh_pending: "尚未答复",
    zh_open: ("打开个人信息请求", "打开个人信息请求办理答复（个人链接，请勿转发）"),
    zh_see: ("查看个人信息请求", "查看个人信息请求办理情况（个人链接，请勿转发）"),
    en_title: "Requests about personal records",
    en_one: "request",
    en_some: "request(s) about personal records",
    en_some_long: "request(s) of persons to see, correct or erase their record",
    en_many: "requests of persons to see, correct or erase their record",
    en_open: ("Open the requests", "Open your requests to answer them (your personal link; do not forward)"),
    en_see: ("See the requests", "See the requests (your personal link; do not forward)"),
};

/// The reminder of requests fallen due unanswered.
pub fn render_requests_due(mail: &RequestsDueMail<'_>) -> Rendered {
    let zh = mail.locale == Locale::ZhCn;
    let lines = mail
        .requests
        .iter()
        .map(|r| {
            if zh {
                format!("第{}号　{}　{}　{}收到，应于{}前答复", r.id, r.name, r.kind, r.received_on, r.due_on)
            } else {
                format!("No. {}: {} — {}; received {}, answer due {}", r.id, r.name, r.kind, r.received_on, r.due_on)
            }
        })
        .collect();
    due_letter(&REQUESTS, mail.locale, mail.recipient_name, mail.day, mail.escalate_after_days, lines, mail.link)
}

/// The escalation of requests still unanswered: counts per unit, no names.
pub fn render_requests_overdue(mail: &OverdueUnitsMail<'_>) -> Rendered {
    overdue_letter(&REQUESTS, mail)
}
