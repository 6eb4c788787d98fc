//! The registry's contact mails in both languages: the community's reminder names its persons
//! and their due days, the street's escalation counts per community and names no one; HTML
//! escapes what a worker typed.

use campaign::Locale;
use chrono::NaiveDate;
use mail::{ContactsDueMail, ContactsOverdueMail, DueContact, OverdueCommunity, Rendered};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, d).expect("a day")
}

fn text_snapshot(rendered: &Rendered) -> String {
    format!("Subject: {}\n\n{}", rendered.subject, rendered.text)
}

fn due(locale: Locale, link: Option<&str>) -> Rendered {
    let contacts =
        [DueContact { name: "张三".into(), due_on: day(23) }, DueContact { name: "欧阳·娜娜".into(), due_on: day(25) }];
    mail::render_contacts_due(&ContactsDueMail {
        locale,
        recipient_name: "解放路第一社区",
        day: day(25),
        contacts: &contacts,
        escalate_after_days: 3,
        book_link: link,
    })
}

fn overdue(locale: Locale) -> Rendered {
    let communities = [
        OverdueCommunity { name: "解放路第一社区".into(), contacts: 2, oldest: day(22) },
        OverdueCommunity { name: "解放路第三社区".into(), contacts: 1, oldest: day(25) },
    ];
    mail::render_contacts_overdue(&ContactsOverdueMail {
        locale,
        recipient_name: "解放路街道办事处",
        day: day(28),
        after_days: 3,
        communities: &communities,
        book_link: Some("https://guiyan.example.gov.cn/l/TOKEN?to=r"),
    })
}

#[test]
fn the_reminder_in_both_languages() {
    let link = Some("https://guiyan.example.gov.cn/l/TOKEN?to=r");
    insta::assert_snapshot!("contacts-due-zh-CN", text_snapshot(&due(Locale::ZhCn, link)));
    insta::assert_snapshot!("contacts-due-en", text_snapshot(&due(Locale::En, link)));
    let bare = due(Locale::ZhCn, None);
    assert!(!bare.text.contains("http") && !bare.html.contains("href"), "{}", bare.text);
}

#[test]
fn the_escalation_in_both_languages_names_no_one() {
    for (locale, name) in [(Locale::ZhCn, "contacts-overdue-zh-CN"), (Locale::En, "contacts-overdue-en")] {
        let rendered = overdue(locale);
        assert!(!rendered.text.contains("张三") && !rendered.html.contains("张三"));
        insta::assert_snapshot!(name, text_snapshot(&rendered));
    }
}

#[test]
fn html_escapes_names() {
    let contacts = [DueContact { name: "<b>王</b>".into(), due_on: day(25) }];
    let rendered = mail::render_contacts_due(&ContactsDueMail {
        locale: Locale::ZhCn,
        recipient_name: "A&B",
        day: day(25),
        contacts: &contacts,
        escalate_after_days: 3,
        book_link: Some("https://x.example/l/t?to=r&a=\"b\""),
    });
    assert!(rendered.html.contains("&lt;b&gt;王&lt;/b&gt;") && !rendered.html.contains("<b>王"));
    assert!(rendered.html.contains("A&amp;B") && rendered.html.contains("&quot;b&quot;"));
    assert!(rendered.text.contains("<b>王</b>"), "plain text is as typed");
}
