//! Template overrides from a folder: replacing built-ins, and the errors a broken folder gives.

use std::fs;
use std::path::Path;

use campaign::Locale;
use mail::{Digest, MailKind, TemplateError, Templates};

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
    write(dir.path(), "en/overdue.txt", "Overdue: {% for task in tasks %}{{ task.id }} {% endfor %}\n");
    write(dir.path(), ".gitkeep", "");
    let templates = Templates::load(Some(dir.path())).expect("loads");

    let zh = templates.render(&Digest::sample(MailKind::Assigned, Locale::ZhCn)).expect("renders");
    assert_eq!(zh.subject, "【通知】春节期间乡土人才联络和回归工作 解放路第一社区");
    // The other parts are still the built-ins, and see the new subject.
    assert!(zh.text.starts_with("解放路第一社区：\n"), "{}", zh.text);
    assert!(zh.html.contains("<title>【通知】春节期间乡土人才联络和回归工作 解放路第一社区</title>"), "{}", zh.html);

    let en = templates.render(&Digest::sample(MailKind::Overdue, Locale::En)).expect("renders");
    assert_eq!(en.text, "Overdue: spring-festival/2027/publicity/jiefang-1 \n");
    let en_assigned = templates.render(&Digest::sample(MailKind::Assigned, Locale::En)).expect("renders");
    assert!(en_assigned.subject.starts_with("[New tasks]"), "{}", en_assigned.subject);

    let origin = templates.origin("assigned.subject.txt").expect("known");
    assert!(origin.ends_with("assigned.subject.txt") && origin.contains(&*dir.path().to_string_lossy()), "{origin}");
    assert_eq!(templates.origin("assigned.txt"), Some("built-in assigned.txt"));
}

#[test]
fn a_missing_or_empty_folder_means_the_built_ins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = Templates::load(Some(dir.path())).expect("loads");
    let missing = Templates::load(Some(&dir.path().join("absent"))).expect("loads");
    let digest = Digest::sample(MailKind::Reminder, Locale::ZhCn);
    assert_eq!(empty.render(&digest).expect("renders"), missing.render(&digest).expect("renders"));
}

#[test]
fn an_html_override_is_still_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "assigned.html", "{% for task in tasks %}<p>{{ task.title }}</p>{% endfor %}");
    let templates = Templates::load(Some(dir.path())).expect("loads");
    let mut digest = Digest::sample(MailKind::Assigned, Locale::ZhCn);
    digest.tasks[0].title = "<script>x</script>".to_string();
    let html = templates.render(&digest).expect("renders").html;
    assert!(html.starts_with("<p>&lt;script&gt;x&lt;/script&gt;</p>"), "{html}");
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
    write(dir.path(), "overdue.html", "{% extends \"base.html\" %}{% block content %}{% endblock content %}");
    let err = Templates::load(Some(dir.path())).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("overdue.html") && message.contains("base.html"), "{message}");
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
