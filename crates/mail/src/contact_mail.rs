//! Mails about the talent registry's contacts (issue 18, item 6): the community's reminder of
//! the persons whose next contact fell due (names and days only), and the street's escalation
//! (督办) of contacts still not followed up, counted per community with no names. Each is a mail
//! of its own, never a section of a task digest: it comes from the register, not from a run.
//! Neither ever carries a phone number, an ID number or an address; the caller gives none.

use campaign::Locale;
use chrono::NaiveDate;

use crate::templates::Rendered;

/// A person due for contact, as the community's reminder names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueContact {
    pub name: String,
    pub due_on: NaiveDate,
}

/// The community's reminder.
#[derive(Clone, Debug)]
pub struct ContactsDueMail<'a> {
    pub locale: Locale,
    pub recipient_name: &'a str,
    /// The day the mail is for.
    pub day: NaiveDate,
    /// The most overdue first.
    pub contacts: &'a [DueContact],
    /// Days after which a contact still not followed up goes to the street.
    pub escalate_after_days: i64,
    /// The unit's signed link to its book (`/r`), when the web is configured.
    pub book_link: Option<&'a str>,
}

/// One community's count in the street's escalation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueCommunity {
    pub name: String,
    pub contacts: usize,
    pub oldest: NaiveDate,
}

/// The street's escalation (督办).
#[derive(Clone, Debug)]
pub struct ContactsOverdueMail<'a> {
    pub locale: Locale,
    pub recipient_name: &'a str,
    pub day: NaiveDate,
    pub after_days: i64,
    pub communities: &'a [OverdueCommunity],
    /// The street's signed link to its communities' books (masked), when the web is configured.
    pub book_link: Option<&'a str>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The letter around a body: greeting, paragraphs, a list, the link and the footer, in text and
/// HTML alike (the registry's suggestion and request mails are written in it too, `due_mail.rs`).
pub(crate) struct Letter<'a> {
    pub(crate) zh: bool,
    pub(crate) subject: String,
    pub(crate) greeting: String,
    pub(crate) lead: String,
    pub(crate) lines: Vec<String>,
    pub(crate) after: Vec<String>,
    pub(crate) link: Option<(&'a str, &'static str, &'static str)>,
}

impl Letter<'_> {
    pub(crate) fn render(self) -> Rendered {
        let footer = if self.zh { "本邮件由归雁自动发送。" } else { "Sent by guiyan." };
        let mut text = format!("{}\n\n{}\n\n", self.greeting, self.lead);
        for line in &self.lines {
            text.push_str(&format!("  {line}\n"));
        }
        for paragraph in &self.after {
            text.push_str(&format!("\n{paragraph}\n"));
        }
        if let Some((link, _, note)) = &self.link {
            let colon = if self.zh { "：" } else { ": " };
            text.push_str(&format!("\n{note}{colon}{link}\n"));
        }
        text.push_str(&format!("\n-- \n{footer}\n"));
        let items: String = self.lines.iter().map(|l| format!("<li>{}</li>", escape(l))).collect();
        let after: String = self.after.iter().map(|p| format!("<p>{}</p>", escape(p))).collect();
        let link = self
            .link
            .map(|(link, words, note)| {
                format!(
                    "<p style=\"margin:24px 0\"><a href=\"{}\" style=\"background:#b3261e;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none\">{}</a> <small style=\"color:#666\">{}</small></p>",
                    escape(link),
                    escape(words),
                    escape(note)
                )
            })
            .unwrap_or_default();
        let html = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title></head>\
<body style=\"font-family:sans-serif;line-height:1.7;color:#222;max-width:640px;margin:0 auto;padding:16px\"><p>{greeting}</p><p>{lead}</p><ul>{items}</ul>{after}{link}<hr><p style=\"color:#666;font-size:.85em\">{footer}</p></body></html>",
            lang = if self.zh { "zh-CN" } else { "en" },
            title = escape(&self.subject),
            greeting = escape(&self.greeting),
            lead = escape(&self.lead),
        );
        Rendered { subject: self.subject, text, html }
    }
}

/// The community's reminder of its contacts due.
pub fn render_contacts_due(mail: &ContactsDueMail<'_>) -> Rendered {
    let zh = mail.locale == Locale::ZhCn;
    let n = mail.contacts.len();
    let day = mail.day;
    let lines = mail
        .contacts
        .iter()
        .map(|c| {
            if zh {
                format!("{}　应联系日期 {}", c.name, c.due_on)
            } else {
                format!("{} — contact due {}", c.name, c.due_on)
            }
        })
        .collect();
    let after_days = mail.escalate_after_days;
    let letter = if zh {
        Letter {
            zh,
            subject: format!("乡土人才联络提醒：{n}人到期应联系（{day}）"),
            greeting: format!("{}：", mail.recipient_name),
            lead: format!("以下{n}名乡土人才的下次联系时间已到，请及时联系，并在人才名册中记录跟进情况："),
            lines,
            after: vec![format!("到期{after_days}天后仍未记录跟进的，将报街道督办。")],
            link: mail.book_link.map(|l| (l, "打开人才名册", "打开人才名册记录跟进（个人链接，请勿转发）")),
        }
    } else {
        Letter {
            zh,
            subject: format!("Talent registry: {n} contact(s) due ({day})"),
            greeting: format!("Dear {},", mail.recipient_name),
            lead: format!(
                "The next contact with these {n} person(s) of your book is due. Please get in touch and record the follow-up in guiyan:"
            ),
            lines,
            after: vec![format!(
                "A contact still not followed up {after_days} days after it fell due is reported to your street."
            )],
            link: mail.book_link.map(|l| {
                (l, "Open the book", "Open your book to record follow-ups (your personal link; do not forward)")
            }),
        }
    };
    letter.render()
}

/// The street's escalation of contacts still not followed up: counts per community, no names.
pub fn render_contacts_overdue(mail: &ContactsOverdueMail<'_>) -> Rendered {
    let zh = mail.locale == Locale::ZhCn;
    let total: usize = mail.communities.iter().map(|c| c.contacts).sum();
    let places = mail.communities.len();
    let day = mail.day;
    let after_days = mail.after_days;
    let lines = mail
        .communities
        .iter()
        .map(|c| {
            if zh {
                format!("{}　{}人（最早应联系日期 {}）", c.name, c.contacts, c.oldest)
            } else {
                format!("{}: {} (the earliest due {})", c.name, c.contacts, c.oldest)
            }
        })
        .collect();
    let letter = if zh {
        Letter {
            zh,
            subject: format!("督办：{places}个社区{total}名乡土人才联络逾期未跟进（{day}）"),
            greeting: format!("{}：", mail.recipient_name),
            lead: format!("下列社区有乡土人才的下次联系已到期{after_days}天以上，仍未记录跟进，请督促办理："),
            lines,
            after: vec![format!("共{total}人。为保护个人信息，本邮件不列姓名，请在归雁中查看各社区人才名册。")],
            link: mail.book_link.map(|l| (l, "查看各社区人才名册", "查看各社区人才名册（个人链接，请勿转发）")),
        }
    } else {
        Letter {
            zh,
            subject: format!("Escalation: {total} talent contact(s) overdue in {places} communit(ies) ({day})"),
            greeting: format!("Dear {},", mail.recipient_name),
            lead: format!(
                "These communities have contacts with local talent that fell due {after_days} or more days ago and are still not followed up. Please see that they are:"
            ),
            lines,
            after: vec![format!(
                "{total} in all. To protect personal data this mail names no one; see the communities' books in guiyan."
            )],
            link: mail
                .book_link
                .map(|l| (l, "See the books", "See your communities' books (your personal link; do not forward)")),
        }
    };
    letter.render()
}
