//! The registry's request mails in both languages, as a community worker reads them on a phone:
//! the reminder names each person, the kind and the days, never anything of the record; the
//! escalation counts per unit and names no one; HTML escapes what a worker typed.

use campaign::Locale;
use chrono::NaiveDate;
use mail::{DueRequestLine, OverdueUnitCount, OverdueUnitsMail, Rendered, RequestsDueMail};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, d).expect("a day")
}

fn text_snapshot(rendered: &Rendered) -> String {
    format!("Subject: {}\n\n{}", rendered.subject, rendered.text)
}

fn line(id: i64, name: &str, kind: &str, received: u32, due: u32) -> DueRequestLine {
    DueRequestLine { id, name: name.into(), kind: kind.into(), received_on: day(received), due_on: day(due) }
}

fn due(locale: Locale, link: Option<&str>) -> Rendered {
    let zh = locale == Locale::ZhCn;
    let requests = [
        line(12, "张三", if zh { "更正" } else { "Correct the record" }, 4, 19),
        line(15, "欧阳·娜娜", if zh { "查阅" } else { "See the record" }, 5, 20),
    ];
    mail::render_requests_due(&RequestsDueMail {
        locale,
        recipient_name: "解放路第一社区",
        day: day(20),
        requests: &requests,
        escalate_after_days: 3,
        link,
    })
}

fn overdue(locale: Locale) -> Rendered {
    let units = [
        OverdueUnitCount { name: "解放路第一社区".into(), count: 2, oldest: day(19) },
        OverdueUnitCount { name: "解放路第三社区".into(), count: 1, oldest: day(20) },
    ];
    mail::render_requests_overdue(&OverdueUnitsMail {
        locale,
        recipient_name: "解放路街道办事处",
        day: day(23),
        after_days: 3,
        units: &units,
        link: Some("https://guiyan.example.gov.cn/l/TOKEN?to=r/requests"),
    })
}

#[test]
fn the_reminder_in_both_languages() {
    let link = Some("https://guiyan.example.gov.cn/l/TOKEN?to=r/requests");
    insta::assert_snapshot!("requests-due-zh-CN", text_snapshot(&due(Locale::ZhCn, link)));
    insta::assert_snapshot!("requests-due-en", text_snapshot(&due(Locale::En, link)));
    let bare = due(Locale::ZhCn, None);
    assert!(!bare.text.contains("http") && !bare.html.contains("href"), "{}", bare.text);
}

#[test]
fn the_escalation_in_both_languages_names_no_one() {
    for (locale, name) in [(Locale::ZhCn, "requests-overdue-zh-CN"), (Locale::En, "requests-overdue-en")] {
        let rendered = overdue(locale);
        assert!(!rendered.text.contains("张三") && !rendered.html.contains("张三"));
        insta::assert_snapshot!(name, text_snapshot(&rendered));
    }
}

#[test]
fn html_escapes_names() {
    let requests = [line(3, "<b>王</b>", "删除", 4, 19)];
    let rendered = mail::render_requests_due(&RequestsDueMail {
        locale: Locale::ZhCn,
        recipient_name: "A&B",
        day: day(19),
        requests: &requests,
        escalate_after_days: 3,
        link: Some("https://x.example/l/t?to=r/requests&a=\"b\""),
    });
    assert!(rendered.html.contains("&lt;b&gt;王&lt;/b&gt;") && !rendered.html.contains("<b>王"));
    assert!(rendered.html.contains("A&amp;B") && rendered.html.contains("&quot;b&quot;"));
    assert!(rendered.text.contains("<b>王</b>"), "plain text is as typed");
}
