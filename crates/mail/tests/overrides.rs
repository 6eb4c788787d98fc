//! Template overrides from a folder: replacing built-ins, and the errors a broken folder gives.

use std::fs;
use std::path::Path;

use campaign::Locale;
use mail::{Digest, NoticeKind, TemplateError, Templates};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folder");
    }
    fs::write(path, text).expect("write template");
}

#[test]
fn a_file_of_the_same_name_replaces_the_built_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "assigned.subject.txt", "【通知】{{ campaign.name }}\n  {{ recipient.unit_name }}  \n");
    write(dir.path(), "en/overdue.txt", "Overdue: {% for task in tasks %}{{ task.id }} {% endfor %}\n\n");
    write(dir.path(), ".gitkeep", "");
    let templates = Templates::load(Some(dir.path())).expect("loads");

    let zh = templates.render(&Digest::sample(NoticeKind::Assigned, Locale::ZhCn)).expect("renders");
    assert_eq!(zh.subject, "【通知】春节期间乡土人才联络和回归工作 解放路第一社区");
    // The other parts are still the built-ins, and see the new subject.
    assert!(zh.text.starts_with("解放路第一社区：\n"), "{}", zh.text);
    assert!(zh.html.contains("<title>【通知】春节期间乡土人才联络和回归工作 解放路第一社区</title>"), "{}", zh.html);

    // A section's body is framed by the built-in letter.
    let en = templates.render(&Digest::sample(NoticeKind::Overdue, Locale::En)).expect("renders");
    assert!(
        en.text.starts_with(
            "To Jiefang Road Community 1:\n\nOverdue: spring-festival/2027/publicity/jiefang-1\n\nWhen a task is done"
        ),
        "{}",
        en.text
    );
    assert!(en.text.ends_with("Guiyan work platform\n4 February 2027\n\n(This message was sent automatically; please do not reply to it.)\n"), "{}", en.text);
    let en_assigned = templates.render(&Digest::sample(NoticeKind::Assigned, Locale::En)).expect("renders");
    assert!(en_assigned.subject.starts_with("[New tasks]"), "{}", en_assigned.subject);

    let origin = templates.origin("assigned.subject.txt").expect("known");
    assert!(origin.ends_with("assigned.subject.txt") && origin.contains(&*dir.path().to_string_lossy()), "{origin}");
    assert_eq!(templates.origin("assigned.txt"), Some("built-in assigned.txt"));
}

#[test]
fn the_letter_can_be_replaced_around_the_built_in_sections() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "letter.txt",
        "致{{ recipient.unit_name }}（共{{ section_count }}项事项）\n\
         {% for section in sections %}\n{{ section.number }}. {{ section.label }}（{{ section.kind }}）\n{{ section.body }}\n{% endfor %}\
         {% if has_own_tasks %}\n请按各项任务的报送方式报送。\n{% endif %}\n{{ moment_date }}\n",
    );
    let templates = Templates::load(Some(dir.path())).expect("loads");
    assert_eq!(templates.origin("en/letter.txt"), Some("built-in en/letter.txt"));

    let text = templates.render(&Digest::sample_combined(Locale::ZhCn)).expect("renders").text;
    assert!(text.starts_with("致解放路街道办事处（共3项事项）\n\n1. 督办（escalation）\n截至2027年2月5日"), "{text}");
    assert!(text.contains("\n2. 逾期提醒（overdue）\n你单位承担的"), "{text}");
    assert!(text.contains("\n3. 任务通知（assigned）\n根据"), "{text}");
    assert!(text.ends_with("如有疑问，请与上级单位联系。\n\n请按各项任务的报送方式报送。\n\n2027年2月5日\n"), "{text}");
    let text = templates.render(&Digest::sample(NoticeKind::RunMissed, Locale::ZhCn)).expect("renders").text;
    assert!(!text.contains("报送方式"), "{text}");
    // The built-in sections of the letter are unchanged: still no greeting of their own.
    assert_eq!(text.matches("示例区委组织部").count(), 1, "{text}");
}

#[test]
fn a_missing_or_empty_folder_means_the_built_ins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = Templates::load(Some(dir.path())).expect("loads");
    let missing = Templates::load(Some(&dir.path().join("absent"))).expect("loads");
    for digest in [Digest::sample(NoticeKind::Reminder, Locale::ZhCn), Digest::sample_combined(Locale::En)] {
        assert_eq!(empty.render(&digest).expect("renders"), missing.render(&digest).expect("renders"));
    }
}

#[test]
fn an_html_override_is_still_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "assigned.html", "{% for task in tasks %}<p>{{ task.title }}</p>{% endfor %}");
    write(
        dir.path(),
        "layout.html",
        "<h1>{{ subject }}</h1><p>{{ recipient.unit_name }}</p>{% for section in sections %}<section>{{ section.body }}</section>{% endfor %}",
    );
    let templates = Templates::load(Some(dir.path())).expect("loads");
    let mut digest = Digest::sample_combined(Locale::ZhCn);
    digest.recipient.unit_name = "<b>街道</b>".to_string();
    digest.sections[2].tasks[0].title = "<script>x</script>".to_string();
    let html = templates.render(&digest).expect("renders").html;
    assert!(html.starts_with("<h1>【督办】"), "{html}");
    assert!(
        html.contains("<p>&lt;b&gt;街道&lt;&#x2F;b&gt;</p>") || html.contains("<p>&lt;b&gt;街道&lt;/b&gt;</p>"),
        "{html}"
    );
    assert!(html.contains("<section><p>&lt;script&gt;x&lt;"), "{html}");
    assert!(!html.contains("<script>") && !html.contains("<b>"), "{html}");
    // The other sections' built-in bodies are HTML, inserted as they are.
    assert!(html.contains("<section><p style=\"text-indent:2em;\">截至"), "{html}");
}

#[test]
fn a_misspelled_file_name_is_an_error_naming_it_and_the_expected_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "assigned.subjcet.txt", "x");
    let err = Templates::load(Some(dir.path())).unwrap_err();
    assert!(matches!(err, TemplateError::UnknownFile { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("assigned.subjcet.txt"), "{message}");
    assert!(message.contains("assigned.subject.txt"), "{message}");
    assert!(message.contains("en/run-opened.html"), "{message}");
    assert!(message.contains("en/letter.txt") && message.contains("run-missed.subject.txt"), "{message}");

    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "fr/assigned.txt", "x");
    let err = Templates::load(Some(dir.path())).unwrap_err();
    assert!(err.to_string().contains("fr"), "{err}");

    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "en/en/assigned.txt", "x");
    assert!(matches!(Templates::load(Some(dir.path())), Err(TemplateError::UnknownFile { .. })));
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "reminder.txt",
        "{{ recipient.unit_name }}：\n\n{% for task in tasks %}\n{{ task.title }\n{% endfor %}\n",
    );
    let err = Templates::load(Some(dir.path())).unwrap_err();
    let TemplateError::Syntax { file, line, .. } = &err else { panic!("expected a syntax error, got {err:?}") };
    assert!(file.ends_with("reminder.txt"), "{file}");
    assert_eq!(*line, 4, "{err}");
    let message = err.to_string();
    assert!(message.contains("reminder.txt:4:"), "{message}");

    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "en/escalation.html",
        "{% extends \"en/layout.html\" %}\n{% block content %}\n{% if x %}\n{% endblock content %}\n",
    );
    let err = Templates::load(Some(dir.path())).unwrap_err();
    assert!(err.to_string().contains("en/escalation.html:"), "{err}");
}

#[test]
fn an_unknown_variable_is_found_at_load_not_at_the_first_mail() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "en/run-opened.txt", "Dear {{ recipient.unit_name }},\n{{ recipient.nmae }}\n");
    let err = Templates::load(Some(dir.path())).unwrap_err();
    let TemplateError::Render { file, line, .. } = &err else { panic!("expected a render error, got {err:?}") };
    assert!(file.ends_with("en/run-opened.txt"), "{file}");
    assert_eq!(*line, Some(2), "{err}");
}

#[test]
fn a_broken_parent_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "layout.html", "{% extends \"base.html\" %}{% block content %}{% endblock content %}");
    let err = Templates::load(Some(dir.path())).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("layout.html") && message.contains("base.html"), "{message}");
}

/// Section templates used to be whole letters extending `layout.html`; such an override now says
/// what changed instead of failing on a variable the frame no longer has.
#[test]
fn a_section_template_extending_the_layout_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "en/overdue.html",
        "{#- old style -#}\n{% extends \"en/layout.html\" %}\n{% block content %}<p>{{ recipient.unit_name }}</p>{% endblock content %}\n",
    );
    let err = Templates::load(Some(dir.path())).unwrap_err();
    let TemplateError::Render { file, line, message } = &err else { panic!("expected a render error, got {err:?}") };
    assert!(file.ends_with("en/overdue.html") && file.contains(&*dir.path().to_string_lossy()), "{file}");
    assert_eq!(*line, Some(2), "{err}");
    assert!(message.contains("en/layout.html") && message.contains("body only"), "{message}");
}

#[test]
fn an_unknown_variable_in_the_letter_is_found_at_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "en/letter.txt",
        "To {{ recipient.unit_name }}:\n{% for s in sections %}{{ s.bdoy }}{% endfor %}\n",
    );
    let err = Templates::load(Some(dir.path())).unwrap_err();
    let TemplateError::Render { file, line, .. } = &err else { panic!("expected a render error, got {err:?}") };
    assert!(file.ends_with("en/letter.txt"), "{file}");
    assert_eq!(*line, Some(2), "{err}");
}

#[test]
fn a_file_that_is_not_utf8_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("assigned.txt"), b"\xff\xfe bad").expect("write");
    let err = Templates::load(Some(dir.path())).unwrap_err();
    assert!(matches!(err, TemplateError::NotUtf8 { .. }), "{err:?}");
    assert!(err.to_string().contains("assigned.txt"), "{err}");
}

#[test]
fn an_unknown_filter_names_the_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "en/assigned.txt", "To {{ recipient.unit_name }}:\n\n{{ tasks | frobnicate }}\n");
    let err = Templates::load(Some(dir.path())).unwrap_err();
    let TemplateError::Syntax { file, line, message, .. } = &err else { panic!("expected a syntax error: {err:?}") };
    assert!(file.ends_with("en/assigned.txt") && file.contains(&*dir.path().to_string_lossy()), "{file}");
    assert_eq!(*line, 3);
    assert!(message.contains("frobnicate"), "{message}");
}
