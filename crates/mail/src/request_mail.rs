//! Mails about persons' requests to see, correct or erase their record (查阅 / 更正 / 删除, PIPL
//! arts. 44–47): the reminder to the person's own community, which answers them, once one falls
//! due unanswered (its number, kind, the person's name, received and due days), and the escalation
//! (督办) to the unit above of those still unanswered days later, counted per unit with no names.
//! Nothing of the record, and no answer written, is ever in a mail: the unit's link opens them.

use campaign::Locale;
use chrono::NaiveDate;

use crate::contact_mail::Letter;
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

/// One unit's count in the escalation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueRequestCount {
    pub name: String,
    pub requests: usize,
    pub oldest: NaiveDate,
}

/// The escalation (督办) to the unit above.
#[derive(Clone, Debug)]
pub struct RequestsOverdueMail<'a> {
    pub locale: Locale,
    pub recipient_name: &'a str,
    pub day: NaiveDate,
    pub after_days: i64,
    pub units: &'a [OverdueRequestCount],
    /// The unit's signed link to the requests of its subtree, when the web is configured.
    pub link: Option<&'a str>,
}

/// The reminder of requests fallen due unanswered.
pub fn render_requests_due(mail: &RequestsDueMail<'_>) -> Rendered {
    let zh = mail.locale == Locale::ZhCn;
    let n = mail.requests.len();
    let day = mail.day;
    let after_days = mail.escalate_after_days;
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
    let letter = if zh {
        Letter {
            zh,
            subject: format!("个人信息请求答复提醒：{n}件已到答复期限（{day}）"),
            greeting: format!("{}：", mail.recipient_name),
            lead: format!("以下{n}件本人查阅、更正、删除个人信息的请求已到答复期限，尚未答复，请及时办理并答复本人："),
            lines,
            after: vec![format!("到期{after_days}天后仍未答复的，将报上级单位督办。")],
            link: mail.link.map(|l| (l, "打开个人信息请求", "打开个人信息请求办理答复（个人链接，请勿转发）")),
        }
    } else {
        Letter {
            zh,
            subject: format!("Requests about personal records: {n} answer(s) due ({day})"),
            greeting: format!("Dear {},", mail.recipient_name),
            lead: format!(
                "These {n} request(s) of persons to see, correct or erase their record have reached their due day and are not answered yet. Please handle them and answer the person:"
            ),
            lines,
            after: vec![format!(
                "A request still not answered {after_days} days after its due day is reported to the unit above."
            )],
            link: mail.link.map(|l| {
                (l, "Open the requests", "Open your requests to answer them (your personal link; do not forward)")
            }),
        }
    };
    letter.render()
}

/// The escalation of requests still unanswered: counts per unit, no names.
pub fn render_requests_overdue(mail: &RequestsOverdueMail<'_>) -> Rendered {
    let zh = mail.locale == Locale::ZhCn;
    let total: usize = mail.units.iter().map(|u| u.requests).sum();
    let places = mail.units.len();
    let day = mail.day;
    let after_days = mail.after_days;
    let lines = mail
        .units
        .iter()
        .map(|u| {
            if zh {
                format!("{}　{}件（最早答复期限 {}）", u.name, u.requests, u.oldest)
            } else {
                format!("{}: {} (the earliest due {})", u.name, u.requests, u.oldest)
            }
        })
        .collect();
    let letter = if zh {
        Letter {
            zh,
            subject: format!("督办：{places}个单位{total}件个人信息请求逾期未答复（{day}）"),
            greeting: format!("{}：", mail.recipient_name),
            lead: format!(
                "下列单位有本人查阅、更正、删除个人信息的请求超过答复期限{after_days}天以上仍未答复，请督促办理："
            ),
            lines,
            after: vec![format!("共{total}件。为保护个人信息，本邮件不列姓名和内容，请在归雁中查看。")],
            link: mail.link.map(|l| (l, "查看个人信息请求", "查看个人信息请求办理情况（个人链接，请勿转发）")),
        }
    } else {
        Letter {
            zh,
            subject: format!(
                "Escalation: {total} request(s) about personal records overdue in {places} unit(s) ({day})"
            ),
            greeting: format!("Dear {},", mail.recipient_name),
            lead: format!(
                "These units have requests of persons to see, correct or erase their record still not answered {after_days} or more days after their due day. Please see that they are:"
            ),
            lines,
            after: vec![format!(
                "{total} in all. To protect personal data this mail names no one; see them in guiyan."
            )],
            link: mail.link.map(|l| (l, "See the requests", "See the requests (your personal link; do not forward)")),
        }
    };
    letter.render()
}
