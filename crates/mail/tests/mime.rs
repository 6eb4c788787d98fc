//! The MIME message: parsed back with mail-parser, it says what was rendered, to whom, and when.

use campaign::Locale;
use chrono::{TimeZone, Utc};
use mail::{Digest, KEY_HEADER, MailError, Mailbox, NoticeKind, Templates, build_message, message_id_for};
use mail_parser::{MessageParser, MimeHeaders};

fn from() -> Mailbox {
    "示例区委组织部 <zzb@shili.example.gov.cn>".parse().expect("valid mailbox")
}

#[test]
fn the_message_parses_back_to_what_was_rendered() {
    let templates = Templates::load(None).expect("loads");
    let mut digest = Digest::sample(NoticeKind::Assigned, Locale::ZhCn);
    digest.sections[0].tasks[0].title = "<script>alert(1)</script>悬挂横幅".to_string();
    let rendered = templates.render(&digest).expect("renders");
    let key = "assigned/spring-festival/2027/jiefang-1/2027-01-24T01:00:00Z";
    let message_id = message_id_for(key, "shili.example.gov.cn");
    let date = Utc.with_ymd_and_hms(2027, 1, 24, 1, 0, 0).single().expect("valid");
    let out = build_message(&rendered, &from(), "解放路第一社区", "jf1@shili.example.gov.cn", &message_id, date, key)
        .expect("builds");
    assert_eq!(out.envelope_from, "zzb@shili.example.gov.cn");
    assert_eq!(out.to, "jf1@shili.example.gov.cn");
    assert!(out.raw.is_ascii(), "headers and bodies are encoded");

    let parsed = MessageParser::default().parse(&out.raw).expect("parses");
    assert_eq!(parsed.subject(), Some(rendered.subject.as_str()));
    assert!(parsed.subject().is_some_and(|s| s.starts_with("【工作任务通知】春节期间")));
    assert_eq!(parsed.message_id(), Some(message_id.as_str()));
    assert_eq!(parsed.date().map(|d| d.to_timestamp()), Some(date.timestamp()));
    let from = parsed.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.name(), Some("示例区委组织部"));
    assert_eq!(from.address(), Some("zzb@shili.example.gov.cn"));
    let to = parsed.to().and_then(|a| a.first()).expect("To");
    assert_eq!(to.name(), Some("解放路第一社区"));
    assert_eq!(to.address(), Some("jf1@shili.example.gov.cn"));
    assert_eq!(parsed.header_raw(KEY_HEADER).map(str::trim), Some(key));

    let content_type = parsed.content_type().expect("Content-Type");
    assert_eq!(content_type.ctype(), "multipart");
    assert_eq!(content_type.subtype(), Some("alternative"));
    assert_eq!(parsed.text_body_count(), 1);
    assert_eq!(parsed.html_body_count(), 1);
    let text = parsed.body_text(0).expect("text part");
    let html = parsed.body_html(0).expect("html part");
    assert_eq!(text.replace("\r\n", "\n"), rendered.text);
    assert_eq!(html.replace("\r\n", "\n"), rendered.html);
    assert!(text.contains("<script>alert(1)</script>悬挂横幅"));
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;悬挂横幅"));
    for part in parsed.parts.iter().filter(|p| p.content_type().is_some_and(|c| c.ctype() == "text")) {
        let charset = part.content_type().and_then(|c| c.attribute("charset")).map(str::to_ascii_lowercase);
        assert_eq!(charset.as_deref(), Some("utf-8"));
    }
}

#[test]
fn the_same_arguments_give_the_same_bytes() {
    let templates = Templates::load(None).expect("loads");
    let rendered = templates.render(&Digest::sample(NoticeKind::Overdue, Locale::En)).expect("renders");
    let date = Utc.with_ymd_and_hms(2027, 2, 4, 1, 0, 0).single().expect("valid");
    let build = |key: &str| {
        let id = message_id_for(key, "example.org");
        build_message(&rendered, &from(), "Jiefang Road Community 1", "jf1@example.org", &id, date, key)
            .expect("builds")
    };
    assert_eq!(build("k1"), build("k1"));
    assert_ne!(build("k1").raw, build("k2").raw);
    let with_brackets = build_message(
        &rendered,
        &from(),
        "",
        "jf1@example.org",
        &format!("<{}>", message_id_for("k1", "example.org")),
        date,
        "k1",
    )
    .expect("builds");
    let parsed = MessageParser::default().parse(&with_brackets.raw).expect("parses");
    assert_eq!(parsed.message_id(), Some(message_id_for("k1", "example.org").as_str()));
    assert_eq!(parsed.to().and_then(|a| a.first()).and_then(|a| a.name()), None);
}

#[test]
fn bad_input_is_an_error_naming_it() {
    let templates = Templates::load(None).expect("loads");
    let rendered = templates.render(&Digest::sample(NoticeKind::Reminder, Locale::ZhCn)).expect("renders");
    let date = Utc.with_ymd_and_hms(2027, 1, 31, 9, 30, 0).single().expect("valid");
    let id = message_id_for("k", "example.org");
    let err = build_message(&rendered, &from(), "x", "not-an-address", &id, date, "k").unwrap_err();
    assert!(matches!(err, MailError::Address { .. }), "{err:?}");
    assert!(err.to_string().contains("not-an-address"), "{err}");
    let err = build_message(&rendered, &from(), "x", "a@b.example", &id, date, "bad key\r\nBcc: x@y").unwrap_err();
    assert!(matches!(err, MailError::BadKey(_)), "{err:?}");
    let err = build_message(&rendered, &from(), "x", "a@b.example", "no-at-sign", date, "k").unwrap_err();
    assert!(matches!(err, MailError::BadMessageId(_)), "{err:?}");
    // A display name cannot inject headers.
    let out =
        build_message(&rendered, &from(), "x\r\nBcc: evil@example.org", "a@b.example", &id, date, "k").expect("builds");
    let parsed = MessageParser::default().parse(&out.raw).expect("parses");
    assert!(parsed.bcc().is_none());
}
