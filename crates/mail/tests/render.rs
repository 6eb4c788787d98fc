//! Rendering the built-in templates: snapshots of every kind in both languages, escaping, scale.

use std::time::{Duration, Instant};

use campaign::Locale;
use chrono::TimeDelta;
use mail::{Digest, DigestTask, MailKind, Templates};

fn templates() -> Templates {
    Templates::load(None).expect("built-in templates load")
}

fn locale_name(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "zh-CN",
        Locale::En => "en",
    }
}

#[test]
fn every_kind_in_both_languages() {
    let templates = templates();
    for locale in [Locale::ZhCn, Locale::En] {
        for kind in MailKind::ALL {
            let rendered = templates.render(&Digest::sample(kind, locale)).expect("renders");
            assert!(!rendered.subject.contains('\n'));
            assert!(rendered.html.starts_with("<!DOCTYPE html>"), "{}", rendered.html);
            let name = format!("{}-{}", kind.name(), locale_name(locale));
            insta::assert_snapshot!(name, format!("Subject: {}\n\n{}", rendered.subject, rendered.text));
        }
    }
}

#[test]
fn html_bodies() {
    let templates = templates();
    for locale in [Locale::ZhCn, Locale::En] {
        let rendered = templates.render(&Digest::sample(MailKind::Assigned, locale)).expect("renders");
        insta::assert_snapshot!(format!("assigned-html-{}", locale_name(locale)), rendered.html);
    }
}

#[test]
fn user_text_is_escaped_in_html_only() {
    let templates = templates();
    for locale in [Locale::ZhCn, Locale::En] {
        for kind in MailKind::ALL {
            let mut digest = Digest::sample(kind, locale);
            digest.campaign_name = "春节 & <b>联络</b>".to_string();
            digest.recipient.unit_name = "解放路\"第一\"社区<img src=x>".to_string();
            for task in &mut digest.tasks {
                task.title = "<script>alert('x')</script>宣传".to_string();
                task.unit_name = "<i>社区</i>".to_string();
            }
            let rendered = templates.render(&digest).expect("renders");
            let html = &rendered.html;
            assert!(!html.contains("<script>"), "{kind:?} {locale:?}: unescaped script in\n{html}");
            assert!(html.contains("&lt;script&gt;"), "{kind:?} {locale:?}: {html}");
            assert!(!html.contains("<img"), "{kind:?} {locale:?}: {html}");
            assert!(!html.contains("<b>联络"), "{kind:?} {locale:?}: {html}");
            assert!(!html.contains("<i>社区"), "{kind:?} {locale:?}: {html}");
            // The subject is plain text; the HTML title carries it escaped.
            assert!(rendered.subject.contains("春节 & <b>联络</b>"), "{}", rendered.subject);
            assert!(html.contains("<title>"), "{html}");
            assert!(rendered.text.contains("<script>alert('x')</script>宣传"), "{}", rendered.text);
        }
    }
}

#[test]
fn durations_are_measured_from_the_moment() {
    let templates = templates();
    let mut digest = Digest::sample(MailKind::Escalation, Locale::ZhCn);
    digest.moment += TimeDelta::hours(27) + TimeDelta::minutes(10);
    let text = templates.render(&digest).expect("renders").text;
    assert!(text.contains("已逾期3天3小时"), "{text}");
    let mut digest = Digest::sample(MailKind::Reminder, Locale::En);
    digest.moment -= TimeDelta::hours(2);
    let text = templates.render(&digest).expect("renders").text;
    assert!(text.contains("(3 days 2 hours left)"), "{text}");
}

/// A run of 50,000 tasks is summarized by title: the mail stays short and renders fast.
#[test]
fn a_large_run_is_summarized() {
    let templates = templates();
    for locale in [Locale::ZhCn, Locale::En] {
        let mut digest = Digest::sample(MailKind::RunOpened, locale);
        let base: Vec<DigestTask> = digest.tasks.clone();
        digest.tasks = (0..50_000)
            .map(|i| {
                let mut task = base[i % base.len()].clone();
                task.unit_id = format!("unit-{i}");
                task.id = format!("spring-festival/2027/t/unit-{i}");
                task
            })
            .collect();
        let started = Instant::now();
        let rendered = templates.render(&digest).expect("renders");
        let took = started.elapsed();
        assert!(took < Duration::from_secs(20), "rendering 50,000 tasks took {took:?}");
        assert!(rendered.text.lines().count() < 60, "{}", rendered.text);
        assert!(rendered.html.len() < 20_000, "{} bytes of HTML", rendered.html.len());
        assert!(rendered.text.contains("50000"), "{}", rendered.text);
    }
}
