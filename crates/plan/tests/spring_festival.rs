//! Snapshots of the plan of `workflows/spring-festival.yaml` for 2027: the JSON of
//! `guiyan plan --json` and the readable text in both languages.

use std::path::{Path, PathBuf};

use campaign::{Files, Lang, ReadProblem, Workflows};

/// The real file system, for the workspace's own `workflows/`.
struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadProblem> {
        std::fs::read(path).map_err(|e| ReadProblem::Other(e.to_string()))
    }

    fn exists(&self, path: &Path) -> bool {
        path.is_file()
    }
}

fn load_spring_festival() -> Workflows {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows/spring-festival.yaml"));
    let (workflows, diagnostics) = campaign::load(&[path], &Disk);
    assert!(diagnostics.is_empty(), "workflows/spring-festival.yaml does not load: {diagnostics:#?}");
    workflows
}

fn plan_2027(workflows: &Workflows) -> Vec<plan::PlannedRun> {
    let campaign = workflows.campaign("spring-festival").expect("campaign spring-festival");
    let directory = workflows.directory_of(campaign).expect("its directory");
    plan::plan_year(campaign, directory, workflows.workdays_of(campaign), 2027).expect("plans for 2027")
}

/// The facts the snapshots rest on, checked by hand against the YAML and docs/campaign-format.md §5.
#[test]
fn spring_festival_2027_by_hand() {
    let workflows = load_spring_festival();
    let runs = plan_2027(&workflows);
    let run = &runs[0];
    let local = |t: &chrono::DateTime<calendar::Tz>| t.to_rfc3339();
    assert_eq!(run.key, "2027");
    // Spring Festival 2027 is 6 February; `opens: -21d` at 09:00, `closes: +30d` at 17:30.
    assert_eq!(run.anchor, plan::RunAnchor::Day(chrono::NaiveDate::from_ymd_opt(2027, 2, 6).expect("date")));
    assert_eq!(local(&run.opens_at), "2027-01-16T09:00:00+08:00");
    assert_eq!(local(&run.closes_at), "2027-03-08T17:30:00+08:00");
    // 1 + 1 + 3 streets × 3 templates + 8 communities × 5 templates.
    assert_eq!(run.tasks.len(), 51);

    let task = |id: &str| {
        let id = format!("spring-festival/2027/{id}");
        run.tasks.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("no task {id}"))
    };
    let after = |id: &str| {
        run.dependencies(task(id)).map(|d| d.id.trim_start_matches("spring-festival/2027/")).collect::<Vec<_>>()
    };

    let kickoff = task("kickoff/district-org");
    assert_eq!(local(&kickoff.due_at), "2027-01-19T17:30:00+08:00");
    assert_eq!(kickoff.due_at.naive_utc().to_string(), "2027-01-19 09:30:00");
    // `-3d` lands on the start (dropped), `-1d` on 01-18 09:00; the owner's own task is not escalated.
    assert_eq!(kickoff.reminders.iter().map(local).collect::<Vec<_>>(), ["2027-01-18T09:00:00+08:00"]);
    assert!(kickoff.escalations.is_empty());

    assert_eq!(after("work-plan/district-org"), ["kickoff/district-org"]);
    assert_eq!(after("street-deployment/binhe"), ["work-plan/district-org"]);
    // A community's publicity waits for its own street office's meeting only.
    assert_eq!(after("publicity/jiefang-1"), ["street-deployment/jiefang"]);
    assert_eq!(after("household-visits/binhe-2"), ["street-deployment/binhe"]);
    assert_eq!(after("follow-up/renmin-3"), ["household-visits/renmin-3"]);
    // A street's inspection waits for the follow-ups of its own communities only.
    assert_eq!(after("inspection/jiefang"), ["follow-up/jiefang-1", "follow-up/jiefang-2", "follow-up/jiefang-3"]);
    assert_eq!(after("inspection/binhe"), ["follow-up/binhe-1", "follow-up/binhe-2"]);
    assert!(after("talks/renmin").is_empty());

    let publicity = task("publicity/jiefang-1");
    assert_eq!(local(&publicity.due_at), "2027-02-03T17:30:00+08:00");
    let escalations: Vec<(String, &str)> = publicity.escalations.iter().map(|e| (local(&e.at), &*e.to)).collect();
    assert_eq!(
        escalations,
        [
            ("2027-02-05T09:00:00+08:00".to_string(), "jiefang"),
            ("2027-02-07T09:00:00+08:00".to_string(), "district-org")
        ]
    );
    let visits = task("household-visits/jiefang-1");
    assert_eq!(local(&visits.starts_at), "2027-01-30T09:00:00+08:00");
    assert_eq!(local(&visits.due_at), "2027-02-21T17:30:00+08:00");
    assert_eq!(local(&task("follow-up/jiefang-1").due_at), "2027-03-01T17:30:00+08:00");
    // Due at the close: its escalation (03-10) would come after the close, so there is none.
    let inspection = task("inspection/jiefang");
    assert_eq!(inspection.due_at, run.closes_at);
    assert!(inspection.escalations.is_empty());

    // Weekly on Mondays 09:00 while open (01-18 … 03-08), and the final report at the close.
    let reports: Vec<(String, &str)> = run.reports.iter().map(|r| (local(&r.at), r.id.as_str())).collect();
    assert_eq!(reports.iter().filter(|(_, id)| *id == "weekly").count(), 8);
    assert_eq!(reports.first().map(|r| r.0.as_str()), Some("2027-01-18T09:00:00+08:00"));
    assert_eq!(reports.last(), Some(&("2027-03-08T17:30:00+08:00".to_string(), "final")));
}

#[test]
fn spring_festival_2027_json() {
    let workflows = load_spring_festival();
    let runs = plan_2027(&workflows);
    assert_eq!(runs.len(), 1);
    insta::assert_json_snapshot!(plan::to_json(&runs));
}

#[test]
fn spring_festival_2027_text_zh() {
    let workflows = load_spring_festival();
    let campaign = workflows.campaign("spring-festival").expect("campaign");
    let directory = workflows.directory_of(campaign).expect("directory");
    let runs = plan_2027(&workflows);
    insta::assert_snapshot!(plan::render_text(&runs[0], campaign, directory, Lang::Zh));
}

#[test]
fn spring_festival_2027_text_en() {
    let workflows = load_spring_festival();
    let campaign = workflows.campaign("spring-festival").expect("campaign");
    let directory = workflows.directory_of(campaign).expect("directory");
    let runs = plan_2027(&workflows);
    insta::assert_snapshot!(plan::render_text(&runs[0], campaign, directory, Lang::En));
}

/// A database idle from the 2027 season's start to February 2028: the 2027 run was opened (it
/// exists), no later run of this campaign closed in the gap, and 2028's is open, not missed. Had
/// nothing run since 2026, 2027 would be missed.
#[test]
fn the_runs_whose_whole_window_passed_unseen_are_missed() {
    let workflows = load_spring_festival();
    let campaign = workflows.campaign("spring-festival").expect("campaign spring-festival");
    let workdays = workflows.workdays_of(campaign);
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&chrono::Utc);
    let since = at("2027-01-16T10:00:00+08:00");
    let now = at("2028-02-10T10:00:00+08:00");
    assert!(plan::runs_missed(campaign, workdays, since, now, |key| key == "2027").is_empty());
    let missed = plan::runs_missed(campaign, workdays, at("2026-06-01T00:00:00+08:00"), now, |_| false);
    let keys: Vec<&str> = missed.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["2027"]);
    assert_eq!(missed[0].closes_at, at("2027-03-08T17:30:00+08:00"));
    // Nothing before the campaign came into use, nothing after now.
    assert!(plan::runs_missed(campaign, workdays, now, now, |_| false).is_empty());
}
