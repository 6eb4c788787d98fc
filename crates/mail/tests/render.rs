//! Rendering the built-in templates: snapshots of every kind and of letters of several sections in
//! both languages, escaping, scale.

use std::time::{Duration, Instant};

use campaign::Locale;
use chrono::TimeDelta;
use mail::{Digest, DigestTask, NoticeKind, Rendered, Templates};

fn templates() -> Templates {
    Templates::load(None).expect("built-in templates load")
}

fn locale_name(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "zh-CN",
        Locale::En => "en",
    }
}

const LOCALES: [Locale; 2] = [Locale::ZhCn, Locale::En];

fn text_snapshot(rendered: &Rendered) -> String {
    format!("Subject: {}\n\n{}", rendered.subject, rendered.text)
}

/// What the district owner is told when the engine starts again after weeks stopped: the Spring
/// Festival run closed with work unfinished, and the Qingming run's whole window passed.
fn owner_after_downtime(locale: Locale) -> Digest {
    let mut digest = Digest::sample(NoticeKind::RunMissed, locale);
    let closed = Digest::sample(NoticeKind::RunClosed, locale);
    digest.sections.splice(0..0, closed.sections);
    digest
}

#[test]
fn every_kind_in_both_languages() {
    let templates = templates();
    for locale in LOCALES {
        for kind in NoticeKind::ALL {
            let rendered = templates.render(&Digest::sample(kind, locale)).expect("renders");
            assert!(!rendered.subject.contains('\n'));
            assert!(rendered.html.starts_with("<!DOCTYPE html>"), "{}", rendered.html);
            let name = format!("{}-{}", kind.name(), locale_name(locale));
            insta::assert_snapshot!(name, text_snapshot(&rendered));
        }
    }
}

#[test]
fn letters_of_several_sections_in_both_languages() {
    let templates = templates();
    for locale in LOCALES {
        let rendered = templates.render(&Digest::sample_combined(locale)).expect("renders");
        insta::assert_snapshot!(format!("combined-{}", locale_name(locale)), text_snapshot(&rendered));
        let rendered = templates.render(&owner_after_downtime(locale)).expect("renders");
        insta::assert_snapshot!(format!("owner-after-downtime-{}", locale_name(locale)), text_snapshot(&rendered));
    }
}

#[test]
fn html_bodies() {
    let templates = templates();
    for locale in LOCALES {
        let rendered = templates.render(&Digest::sample(NoticeKind::Assigned, locale)).expect("renders");
        insta::assert_snapshot!(format!("assigned-html-{}", locale_name(locale)), rendered.html);
        let rendered = templates.render(&Digest::sample_combined(locale)).expect("renders");
        insta::assert_snapshot!(format!("combined-html-{}", locale_name(locale)), rendered.html);
    }
}

/// The digests whose every piece of user text the escaping test replaces: one of each kind, and
/// letters of several sections.
fn every_shape(locale: Locale) -> Vec<Digest> {
    let mut digests: Vec<Digest> = NoticeKind::ALL.into_iter().map(|kind| Digest::sample(kind, locale)).collect();
    digests.push(Digest::sample_combined(locale));
    digests.push(owner_after_downtime(locale));
    digests
}

#[test]
fn user_text_is_escaped_in_html_only() {
    let templates = templates();
    for locale in LOCALES {
        for mut digest in every_shape(locale) {
            let kinds: Vec<NoticeKind> = digest.sections.iter().map(|s| s.kind).collect();
            digest.recipient.unit_name = "解放路\"第一\"社区<img src=x>".to_string();
            for section in &mut digest.sections {
                section.campaign_name = "春节 & <b>联络</b>".to_string();
                section.run_key = "2027<u>".to_string();
                for task in &mut section.tasks {
                    task.title = "<script>alert('x')</script>宣传".to_string();
                    task.unit_name = "<i>社区</i>".to_string();
                    for figure in &mut task.figures {
                        figure.label = "<em>横幅</em>".to_string();
                    }
                }
            }
            let rendered = templates.render(&digest).expect("renders");
            let html = &rendered.html;
            assert!(!html.contains("<img"), "{kinds:?} {locale:?}: {html}");
            assert!(!html.contains("<b>联络"), "{kinds:?} {locale:?}: {html}");
            assert!(html.contains("春节 &amp; &lt;b&gt;联络"), "{kinds:?} {locale:?}: {html}");
            assert!(!html.contains("<u>"), "{kinds:?} {locale:?}: {html}");
            assert!(!html.contains("<script>"), "{kinds:?} {locale:?}: unescaped script in\n{html}");
            assert!(!html.contains("<i>社区"), "{kinds:?} {locale:?}: {html}");
            assert!(!html.contains("<em>"), "{kinds:?} {locale:?}: {html}");
            if digest.sections.iter().any(|s| !s.tasks.is_empty()) {
                assert!(html.contains("&lt;script&gt;"), "{kinds:?} {locale:?}: {html}");
            }
            // Escaped once, not twice: the layout inserts the escaped bodies as they are.
            assert!(!html.contains("&amp;lt;"), "{kinds:?} {locale:?}: escaped twice in\n{html}");
            // The subject is plain text; the HTML title carries it escaped.
            assert!(rendered.subject.contains("春节 & <b>联络</b>"), "{}", rendered.subject);
            assert!(html.contains("<title>"), "{html}");
            assert!(rendered.text.contains("春节 & <b>联络</b>"), "{}", rendered.text);
        }
    }
}

#[test]
fn durations_are_measured_from_the_moment() {
    let templates = templates();
    let mut digest = Digest::sample(NoticeKind::Escalation, Locale::ZhCn);
    digest.moment += TimeDelta::hours(27) + TimeDelta::minutes(10);
    let text = templates.render(&digest).expect("renders").text;
    assert!(text.contains("已逾期3天3小时"), "{text}");
    let mut digest = Digest::sample(NoticeKind::Reminder, Locale::En);
    digest.moment -= TimeDelta::hours(2);
    let text = templates.render(&digest).expect("renders").text;
    assert!(text.contains("(3 days 2 hours left)"), "{text}");
}

#[test]
fn a_letter_of_several_sections_says_how_to_report_once_and_heads_each_section() {
    let templates = templates();
    let zh = templates.render(&Digest::sample_combined(Locale::ZhCn)).expect("renders");
    assert_eq!(zh.text.matches("任务完成后，请打开该项任务“报送方式”中的链接").count(), 1, "{}", zh.text);
    assert_eq!(zh.html.matches("任务完成后，请点击该项任务的“在线报送”").count(), 1, "{}", zh.html);
    for text in [&zh.text, &zh.html] {
        assert_eq!(text.matches("以上链接为本单位专用").count(), 1, "{text}");
        assert_eq!(text.matches("归雁工作平台").count(), 1, "{text}");
        assert_eq!(text.matches("解放路街道办事处：").count(), 1, "{text}");
        assert_eq!(text.matches("本邮件由系统自动发送").count(), 1, "{text}");
    }
    let headings: Vec<&str> = zh.text.lines().filter(|l| l.starts_with('【')).collect();
    assert_eq!(headings, ["【督办】", "【逾期未完成任务】", "【新下达任务】"], "{}", zh.text);
    // Each section keeps its own closing words.
    assert!(zh.text.contains("请于收到本通知后及时跟进"), "{}", zh.text);
    assert!(zh.text.contains("因故无法完成的，请及时向上级单位说明情况。"), "{}", zh.text);
    assert!(zh.text.contains("如有疑问，请与上级单位联系。"), "{}", zh.text);

    let en = templates.render(&Digest::sample_combined(Locale::En)).expect("renders");
    for text in [&en.text, &en.html] {
        assert_eq!(text.matches("When a task is done, ").count(), 1, "{text}");
        assert_eq!(text.matches("Guiyan work platform").count(), 1, "{text}");
    }
    assert_eq!(en.text.lines().filter(|l| l.starts_with("== ")).count(), 3, "{}", en.text);
}

#[test]
fn a_letter_of_one_section_has_no_headings() {
    let templates = templates();
    for locale in LOCALES {
        for kind in NoticeKind::ALL {
            let rendered = templates.render(&Digest::sample(kind, locale)).expect("renders");
            let text = &rendered.text;
            assert!(!text.lines().any(|l| l.starts_with('【') || l.starts_with("== ")), "{kind}: {text}");
            assert!(!rendered.html.contains("<h2"), "{kind}: {}", rendered.html);
            assert!(!text.contains("一并通知如下") && !text.contains("several matters"), "{kind}: {text}");
            // How to report only where the recipient reports its own tasks.
            let report = ["“报送方式”中的链接", "open the link under"];
            assert_eq!(report.iter().any(|r| text.contains(r)), kind.is_about_own_tasks(), "{kind}: {text}");
        }
    }
}

#[test]
fn a_task_assigned_after_its_due_time_says_it_is_overdue() {
    let templates = templates();
    let zh = templates.render(&Digest::sample_combined(Locale::ZhCn)).expect("renders");
    assert!(zh.text.contains("现将你单位承担的2项工作任务通知如下，其中1项下达时已超过截止时间。"), "{}", zh.text);
    assert!(zh.text.contains("截止时间：2027年2月1日（星期一）17:30（已逾期4天）"), "{}", zh.text);
    assert!(zh.html.contains("（已逾期4天）"), "{}", zh.html);
    let en = templates.render(&Digest::sample_combined(Locale::En)).expect("renders");
    assert!(en.text.contains("the following 2 tasks, 1 of which was already past due when assigned"), "{}", en.text);
    assert!(en.text.contains("Due:         Mon 1 Feb 2027, 17:30 (4 days overdue)"), "{}", en.text);

    // Alone, and every task late: the subject and the intro say so.
    let mut digest = Digest::sample(NoticeKind::Assigned, Locale::ZhCn);
    digest.moment += TimeDelta::days(30);
    let rendered = templates.render(&digest).expect("renders");
    assert!(rendered.subject.ends_with("：2项任务下达时已逾期，请尽快办理"), "{}", rendered.subject);
    assert!(rendered.text.contains("所列任务下达时均已超过截止时间。请高度重视，立即组织办理"), "{}", rendered.text);
    let mut digest = Digest::sample(NoticeKind::Assigned, Locale::En);
    digest.moment += TimeDelta::days(30);
    digest.sections[0].tasks.truncate(1);
    let rendered = templates.render(&digest).expect("renders");
    assert!(rendered.subject.ends_with(": 1 task already overdue, please act now"), "{}", rendered.subject);
    assert!(
        rendered.text.contains("the following task, which was already past due when it was assigned"),
        "{}",
        rendered.text
    );
}

#[test]
fn the_subject_names_the_lead_and_mentions_the_other_kinds_once() {
    let templates = templates();
    let zh = templates.render(&Digest::sample_combined(Locale::ZhCn)).expect("renders");
    assert_eq!(
        zh.subject,
        "【督办】春节期间乡土人才联络和回归工作（2027）：所辖2个单位2项任务逾期未完成（另含：逾期提醒、任务通知）"
    );
    let en = templates.render(&Digest::sample_combined(Locale::En)).expect("renders");
    assert!(en.subject.starts_with("[Escalation] Spring Festival outreach"), "{}", en.subject);
    assert!(en.subject.ends_with(" (also: overdue tasks, new tasks)"), "{}", en.subject);

    // Two sections of one kind (two runs) are one label.
    let mut digest = Digest::sample(NoticeKind::Overdue, Locale::ZhCn);
    let assigned = Digest::sample(NoticeKind::Assigned, Locale::ZhCn).sections.remove(0);
    let mut other_run = assigned.clone();
    other_run.run_key = "2028".to_string();
    digest.sections.extend([assigned, other_run]);
    let rendered = templates.render(&digest).expect("renders");
    assert!(rendered.subject.starts_with("【逾期提醒】春节期间"), "{}", rendered.subject);
    assert!(rendered.subject.ends_with("请尽快办理（另含：任务通知）"), "{}", rendered.subject);
    assert!(!rendered.subject.contains('\n'));
}

#[test]
fn a_digest_without_sections_is_an_error() {
    let mut digest = Digest::sample(NoticeKind::Assigned, Locale::ZhCn);
    digest.sections.clear();
    let err = templates().render(&digest).unwrap_err();
    assert!(matches!(err, mail::TemplateError::NoSections { .. }), "{err:?}");
    assert!(err.to_string().contains("jiefang-1"), "{err}");
}

/// A run closed with hundreds of unfinished tasks is summarized by title, pointing to the details.
#[test]
fn a_long_list_of_unfinished_work_is_summarized() {
    let templates = templates();
    for locale in LOCALES {
        let mut digest = Digest::sample(NoticeKind::RunClosed, locale);
        let section = &mut digest.sections[0];
        let base = section.tasks.clone();
        section.tasks = (0..600)
            .map(|i| {
                let mut task = base[i % base.len()].clone();
                task.unit_id = format!("unit-{}", i / 3);
                task.unit_name = format!("unit {}", i / 3);
                task
            })
            .collect();
        let rendered = templates.render(&digest).expect("renders");
        assert!(rendered.text.lines().count() < 40, "{}", rendered.text);
        assert!(rendered.text.contains("guiyan status spring-festival/2027"), "{}", rendered.text);
        assert!(rendered.text.contains("600") && rendered.text.contains("200"), "{}", rendered.text);
        assert!(rendered.html.len() < 12_000, "{} bytes of HTML", rendered.html.len());
        insta::assert_snapshot!(format!("run-closed-summarized-{}", locale_name(locale)), text_snapshot(&rendered));
    }
}

/// A run of 50,000 tasks is summarized by title: the mail stays short and renders fast.
#[test]
fn a_large_run_is_summarized() {
    let templates = templates();
    for locale in LOCALES {
        let mut digest = Digest::sample(NoticeKind::RunOpened, locale);
        let section = &mut digest.sections[0];
        let base: Vec<DigestTask> = section.tasks.clone();
        section.tasks = (0..50_000)
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

/// Several runs missed at once: each is named, the advice is given once, after the last.
#[test]
fn the_advice_of_several_missed_runs_is_given_once() {
    let templates = templates();
    for (locale, advice) in [(Locale::ZhCn, "如该项工作仍需开展"), (Locale::En, "If the work is still needed")]
    {
        let mut digest = Digest::sample(NoticeKind::RunMissed, locale);
        let mut second = digest.sections[0].clone();
        second.run_key = "2028".to_string();
        digest.sections.push(second);
        let text = templates.render(&digest).expect("renders").text;
        assert_eq!(text.matches(advice).count(), 1, "{text}");
        assert!(text.find("（2028）").or_else(|| text.find("(2028)")) < text.find(advice), "{text}");
    }
}

/// Without a web serving the portal, a mail says how to report on the command line instead.
#[test]
fn without_a_portal_link_tasks_are_reported_with_the_command() {
    let templates = templates();
    let mut digest = Digest::sample(NoticeKind::Assigned, Locale::ZhCn);
    digest.portal_link = None;
    let text = templates.render(&digest).expect("renders").text;
    assert!(text.contains("报送方式：guiyan task done spring-festival/2027/publicity/jiefang-1"), "{text}");
    assert!(!text.contains("/l/"), "{text}");
    let with_link = templates.render(&Digest::sample(NoticeKind::Assigned, Locale::ZhCn)).expect("renders");
    assert!(with_link.text.contains("报送方式：https://guiyan.example.gov.cn/l/"), "{}", with_link.text);
    assert!(with_link.text.contains("?to=t/spring-festival/2027/publicity/jiefang-1"), "{}", with_link.text);
    assert!(with_link.html.contains(">在线报送</a>"), "{}", with_link.html);
}
