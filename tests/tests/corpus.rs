//! The validation corpus: `data/ok/` holds valid definitions that must load with no diagnostic and
//! plan for several years; `data/err/` holds one file per error case, each declaring the codes it
//! must produce in a `# expect: code, code` comment on its first line, with the rendered diagnostics
//! (English and zh-CN) pinned by an insta snapshot per file.
//!
//! Paths are relative to this crate's folder, which is the working directory of `cargo test`, so
//! the snapshots read `data/err/x.yaml:3:1: error: ...`.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use campaign::{Anchor, Campaign, Diagnostic, Lang, ReportWhen, TimeExpr, Workflows};
use support::Disk;

/// Every `.yaml` file under `dir`, recursively, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Loads `paths` together and checks what every diagnostic must satisfy: a 1-based location in a
/// file that exists.
fn check(paths: &[PathBuf]) -> (Workflows, Vec<Diagnostic>) {
    let (workflows, diagnostics) = campaign::load(paths, &Disk);
    for d in &diagnostics {
        let text = d.render(Lang::En);
        assert!(d.loc.line >= 1 && d.loc.column >= 1, "location is not 1-based: {text}");
        assert!(d.file.is_file(), "diagnostic names a file that does not exist: {text}");
        assert!(!d.kind.message(Lang::En).is_empty() && !d.kind.message(Lang::Zh).is_empty(), "{text}");
    }
    (workflows, diagnostics)
}

/// The codes an err file declares on its first line (`# expect: a, b`). A file with no bytes at
/// all cannot carry a comment: it expects `empty-document`.
fn expected_codes(path: &Path) -> BTreeSet<String> {
    let bytes = std::fs::read(path).expect("read err file");
    if bytes.is_empty() {
        return BTreeSet::from(["empty-document".to_string()]);
    }
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first_line = String::from_utf8_lossy(first_line);
    let Some(codes) = first_line.strip_prefix("# expect:") else {
        panic!("{} must start with `# expect: code, ...`", path.display());
    };
    codes.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect()
}

/// The snapshot of one file's diagnostics: code and English rendering, then zh-CN.
fn rendered(diagnostics: &[Diagnostic]) -> String {
    let mut text = String::from("# en\n");
    for d in diagnostics {
        text.push_str(&format!("[{}] {}\n", d.kind.code(), d.render(Lang::En)));
    }
    text.push_str("\n# zh-CN\n");
    for d in diagnostics {
        text.push_str(&format!("[{}] {}\n", d.kind.code(), d.render(Lang::Zh)));
    }
    text
}

/// `data/err/wd-without-holidays/campaign.yaml` → `wd-without-holidays__campaign`.
fn snapshot_name(path: &Path) -> String {
    let relative = path.strip_prefix("data/err").expect("under data/err").with_extension("");
    relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("__")
}

#[test]
fn every_err_file_reports_its_errors() {
    let files = yaml_files(Path::new("data/err"));
    assert!(files.len() >= 40, "only {} err files", files.len());
    let mut all_codes: BTreeSet<&'static str> = BTreeSet::new();
    let mut wrong: Vec<String> = Vec::new();
    let mut still_valid: Vec<String> = Vec::new();
    let mut snapshots = Vec::new();
    for path in &files {
        let (workflows, diagnostics) = check(std::slice::from_ref(path));
        assert!(!diagnostics.is_empty(), "{} yields no diagnostic", path.display());
        if !workflows.campaigns.is_empty() {
            still_valid.push(path.display().to_string());
        }
        let codes: BTreeSet<String> = diagnostics.iter().map(|d| d.kind.code().to_string()).collect();
        let expected = expected_codes(path);
        if codes != expected {
            wrong.push(format!("{}: expected {expected:?}, got {codes:?}", path.display()));
        }
        all_codes.extend(diagnostics.iter().map(|d| d.kind.code()));
        snapshots.push((snapshot_name(path), rendered(&diagnostics)));
    }
    assert!(wrong.is_empty(), "codes differ from the `# expect:` lines:\n{}", wrong.join("\n"));
    for (name, text) in snapshots {
        insta::assert_snapshot!(name, text);
    }
    assert!(still_valid.is_empty(), "campaigns kept as valid although their files have errors: {still_valid:?}");
    assert!(all_codes.len() >= 30, "only {} distinct codes: {all_codes:?}", all_codes.len());
}

#[test]
fn several_errors_in_one_file_are_all_reported() {
    let (_, diagnostics) = check(&[PathBuf::from("data/err/several-errors.yaml")]);
    assert!(diagnostics.len() >= 8, "{}", rendered(&diagnostics));
    let fields: BTreeSet<&str> = diagnostics.iter().map(|d| d.field.as_str()).collect();
    assert!(fields.len() >= 8, "{fields:?}");
}

#[test]
fn the_cycle_message_names_every_task_of_the_cycle() {
    let (_, diagnostics) = check(&[PathBuf::from("data/err/dependency-cycle.yaml")]);
    let cycles: Vec<String> =
        diagnostics.iter().filter(|d| d.kind.code() == "dependency-cycle").map(|d| d.kind.message(Lang::En)).collect();
    // Arrows read "waits for": collect waits for publish, which waits for check, which waits for collect.
    assert_eq!(cycles, ["dependency cycle: collect → publish → check → collect"]);
}

#[test]
fn a_bad_email_is_reported_in_the_directory_file() {
    let (_, diagnostics) = check(&[PathBuf::from("data/err/directory-bad-email.yaml")]);
    let emails: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.kind.code() == "invalid-email").collect();
    assert!(!emails.is_empty());
    for d in emails {
        assert_eq!(d.file, Path::new("data/err/directories/bad-email.yaml"), "{d}");
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.yaml");
    let mut text = String::from("id: huge\ndescription: |\n");
    while text.len() <= campaign::MAX_FILE_BYTES {
        text.push_str("  乡土人才联络和回归工作乡土人才联络和回归工作乡土人才联络和回归工作\n");
    }
    std::fs::write(&path, &text).expect("write huge file");
    assert!(std::fs::metadata(&path).expect("metadata").len() > 4 * 1024 * 1024);
    let (workflows, diagnostics) = check(std::slice::from_ref(&path));
    assert!(workflows.campaigns.is_empty());
    assert_eq!(diagnostics.len(), 1, "{}", rendered(&diagnostics));
    let d = &diagnostics[0];
    assert_eq!((d.kind.code(), d.loc.line, d.loc.column, d.field.as_str()), ("file-too-large", 1, 1, ""));
    assert_eq!(
        d.kind.message(Lang::En),
        format!("file is larger than {} bytes (4 MiB) and is refused", campaign::MAX_FILE_BYTES)
    );
}

#[test]
fn a_path_that_cannot_be_read_is_reported_at_its_start() {
    let path = PathBuf::from("data/err/no-such-file.yaml");
    let (workflows, diagnostics) = campaign::load(std::slice::from_ref(&path), &Disk);
    assert!(workflows.campaigns.is_empty());
    let found: Vec<(&str, u32, u32, &Path)> =
        diagnostics.iter().map(|d| (d.kind.code(), d.loc.line, d.loc.column, d.file.as_path())).collect();
    assert_eq!(found, [("io", 1, 1, path.as_path())]);
    assert_eq!(diagnostics[0].kind.message(Lang::En), "cannot read the file: no such file");
}

#[test]
fn the_same_campaign_id_in_two_files_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let units = std::fs::canonicalize("data/ok/units.yaml").expect("units.yaml");
    let text = std::fs::read_to_string("data/ok/winter-solstice.yaml")
        .expect("read")
        .replace("directory: units.yaml", &format!("directory: {}", units.display()));
    let copy = dir.path().join("copy.yaml");
    std::fs::write(&copy, text).expect("write copy");
    let (workflows, diagnostics) = check(&[PathBuf::from("data/ok/winter-solstice.yaml"), copy.clone()]);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.kind.code()).collect();
    assert_eq!(codes, ["duplicate-campaign"], "{}", rendered(&diagnostics));
    assert_eq!(diagnostics[0].field, "id");
    assert_eq!(workflows.campaigns.len(), 1);
}

/// The ok campaign files (not the directories, holiday file or templates).
fn ok_campaign_files() -> Vec<PathBuf> {
    yaml_files(Path::new("data/ok"))
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).expect("read ok file");
            text.lines().any(|l| l.starts_with("recurrence:"))
        })
        .collect()
}

#[test]
fn every_ok_file_is_valid() {
    let files = yaml_files(Path::new("data/ok"));
    let campaigns = ok_campaign_files();
    assert!(campaigns.len() >= 8, "only {} ok campaigns", campaigns.len());
    for path in &files {
        let (_, diagnostics) = check(std::slice::from_ref(path));
        assert!(diagnostics.is_empty(), "{}", rendered(&diagnostics));
    }
    let (workflows, diagnostics) = check(&files);
    assert!(diagnostics.is_empty(), "{}", rendered(&diagnostics));
    assert_eq!(workflows.campaigns.len(), campaigns.len());
    assert_eq!(workflows.directories.len(), 2);
    assert_eq!(workflows.holidays.len(), 1);
}

/// Whether a run of the campaign needs the holiday arrangements to be planned at all.
fn needs_working_days(campaign: &Campaign) -> bool {
    let wd = |o: &calendar::Offset| campaign::uses_working_days(o);
    let expr = |e: &TimeExpr| e.offset.as_ref().is_some_and(wd);
    let rec = &campaign.recurrence;
    rec.opens.as_ref().is_some_and(|o| wd(&o.value))
        || wd(&rec.closes.value)
        || campaign.tasks.iter().any(|t| expr(&t.due.value) || t.starts.as_ref().is_some_and(|s| expr(&s.value)))
        || campaign.reports.iter().any(|r| matches!(&r.when, ReportWhen::At(e) if expr(e)))
}

#[test]
fn every_ok_campaign_plans_2025_to_2027() {
    let (workflows, diagnostics) = check(&ok_campaign_files());
    assert!(diagnostics.is_empty(), "{}", rendered(&diagnostics));
    let mut working_day_campaigns = 0;
    for campaign in &workflows.campaigns {
        let directory = workflows.directory_of(campaign).expect("directory loaded");
        let workdays = workflows.workdays_of(campaign);
        let needs_workdays = needs_working_days(campaign);
        working_day_campaigns += usize::from(needs_workdays);
        for year in [2025, 2026, 2027] {
            let result = plan::plan_year(campaign, directory, workdays, year);
            if needs_workdays && year == 2027 {
                // The holidays file stops at 2026: the planner must say so, and nothing else.
                let errors = result.expect_err("2027 has no holiday arrangement");
                let codes: BTreeSet<&str> = errors.iter().map(|d| d.kind.code()).collect();
                assert_eq!(codes, BTreeSet::from(["year-not-covered"]), "{} {year}", campaign.id);
                continue;
            }
            let runs = result.unwrap_or_else(|d| panic!("{} {year}:\n{}", campaign.id, rendered(&d)));
            let expected_runs = match &campaign.recurrence.anchor {
                Anchor::Cron(_) => 12..=53,
                _ => 1..=2,
            };
            assert!(expected_runs.contains(&runs.len()), "{} {year}: {} runs", campaign.id, runs.len());
            for run in &runs {
                assert!(!run.tasks.is_empty(), "{} {}", campaign.id, run.key);
                assert!(run.opens_at <= run.closes_at, "{} {}", campaign.id, run.key);
                for task in &run.tasks {
                    assert!(run.opens_at <= task.starts_at && task.starts_at <= task.due_at, "{}", task.id);
                    assert!(task.due_at <= run.closes_at, "{}", task.id);
                }
            }
        }
    }
    assert!(working_day_campaigns >= 2, "the corpus should plan working-day offsets");
}
