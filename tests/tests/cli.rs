//! The `guiyan` binary as a user runs it: exit codes, output forms, languages, input limits, and
//! the contract that the design examples validate and plan unchanged.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::{guiyan_bin, repo};

/// The crate's folder; tests run with it as the working directory.
fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs guiyan in `dir` with a clean locale; `LANG` only when given.
fn run_in(dir: &Path, args: &[&str], lang: Option<&str>) -> Output {
    let mut cmd = Command::new(guiyan_bin());
    cmd.args(args).current_dir(dir).env_remove("LC_ALL").env_remove("LC_MESSAGES").env_remove("LANG");
    if let Some(lang) = lang {
        cmd.env("LANG", lang);
    }
    cmd.output().expect("run guiyan")
}

fn run(args: &[&str]) -> Output {
    run_in(&repo(), args, Some("en_US.UTF-8"))
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

/// A temporary folder holding a valid directory file and the given campaign files.
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(repo().join("workflows/units.yaml"), dir.path().join("units.yaml")).expect("copy units");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

const MINIMAL: &str = "\
id: minimal
name: 最小工作
owner: district-org
timezone: Asia/Shanghai
directory: units.yaml
recurrence: { anchor: mid-autumn, opens: -7d, closes: +7d }
tasks:
  - id: visit
    title: 走访
    assignees: { level: community }
    due: anchor
";

#[test]
fn validate_accepts_the_bundled_workflows() {
    let out = run(&["validate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("all valid"), "{}", stdout(&out));
}

#[test]
fn validate_reports_every_error_in_the_gcc_form_and_exits_1() {
    let broken =
        MINIMAL.replace("level: community", "levle: community").replace("anchor: mid-autumn", "anchor: mid-autum");
    let dir = workspace(&[("broken.yaml", &broken)]);
    let out = run_in(dir.path(), &["validate", "."], Some("en_US.UTF-8"));
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("broken.yaml:6:23: error: recurrence.anchor: unknown festival `mid-autum`"), "{err}");
    assert!(err.contains("broken.yaml:10:18: error: tasks[0].assignees.levle: unknown key `levle`"), "{err}");
    assert!(err.contains("2 error(s) in 1 file(s)"), "{err}");
}

#[test]
fn validate_json_lists_diagnostics_with_codes() {
    let dir = workspace(&[("broken.yaml", &MINIMAL.replace("Asia/Shanghai", "Asia/Beijing"))]);
    let out = run_in(dir.path(), &["validate", "--json", "broken.yaml"], Some("en_US.UTF-8"));
    assert_eq!(code(&out), 1);
    let diagnostics = json(&out)["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "unknown-timezone");
    assert_eq!(d["field"], "timezone");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(4), Some(11)));
    assert_eq!(d["file"], "broken.yaml");
}

#[test]
fn validate_speaks_chinese_by_default_and_english_when_asked() {
    let dir = workspace(&[("broken.yaml", &MINIMAL.replace("owner: district-org", "owner: nobody"))]);
    let zh = run_in(dir.path(), &["validate", "."], None);
    assert!(stderr(&zh).contains("未知的单位 `nobody`"), "{}", stderr(&zh));
    let en_flag = run_in(dir.path(), &["validate", ".", "--lang", "en"], None);
    assert!(stderr(&en_flag).contains("unknown unit `nobody`"), "{}", stderr(&en_flag));
    let zh_env = run_in(dir.path(), &["validate", "."], Some("zh_CN.UTF-8"));
    assert!(stderr(&zh_env).contains("未知的单位"), "{}", stderr(&zh_env));
    let en_env = run_in(dir.path(), &["validate", "."], Some("en_US.UTF-8"));
    assert!(stderr(&en_env).contains("unknown unit"), "{}", stderr(&en_env));
    let bad_flag = run_in(dir.path(), &["validate", ".", "--lang", "fr"], None);
    assert_eq!(code(&bad_flag), 2);
}

#[test]
fn validate_exits_2_for_a_path_that_does_not_exist() {
    let out = run(&["validate", "no/such/folder"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no/such/folder"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(code(&run(&["frobnicate"])), 2);
    assert_eq!(code(&run(&["plan"])), 2, "--year is required");
    assert_eq!(code(&run(&["--help"])), 0);
    assert_eq!(code(&run(&["plan", "--help"])), 0);
}

#[test]
fn non_utf8_input_is_refused_with_its_position() {
    // "名称: 春节" in GBK.
    let dir = workspace(&[]);
    std::fs::write(dir.path().join("gbk.yaml"), b"id: gbk\nname: \xc3\xfb\xb3\xc6\n").expect("write");
    let out = run_in(dir.path(), &["validate", "gbk.yaml"], Some("en_US.UTF-8"));
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("gbk.yaml:2:7: error: file is not valid UTF-8"), "{}", stderr(&out));
}

#[test]
fn an_alias_bomb_is_refused() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"]) {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let dir = workspace(&[("bomb.yaml", &bomb)]);
    let out = run_in(dir.path(), &["validate", "bomb.yaml"], Some("en_US.UTF-8"));
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("YAML refused"), "{}", stderr(&out));
}

#[test]
fn a_file_over_the_limit_is_refused_without_reading_it_whole() {
    let dir = workspace(&[]);
    let big = format!("# {}\n", "x".repeat(5 * 1024 * 1024));
    std::fs::write(dir.path().join("big.yaml"), big).expect("write");
    let out = run_in(dir.path(), &["validate", "big.yaml"], Some("en_US.UTF-8"));
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("larger than 4194304 bytes"), "{}", stderr(&out));
}

#[test]
fn calendar_json_lists_festivals_and_solar_terms() {
    let out = run(&["calendar", "--year", "2027", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let list = json(&out).as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 8 + 24, "{list:?}");
    let find = |name: &str| list.iter().find(|e| e["name"] == name).cloned().unwrap_or(Value::Null);
    assert_eq!(
        find("spring-festival"),
        serde_json::json!({"name": "spring-festival", "zh": "春节", "date": "2027-02-06"})
    );
    assert_eq!(find("qingming")["date"], "2027-04-05");
    assert_eq!(find("mid-autumn")["date"], "2027-09-15");
    assert_eq!(find("new-years-eve")["date"], "2027-02-05");
    let dates: Vec<&str> = list.iter().filter_map(|e| e["date"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "sorted by date");
}

#[test]
fn calendar_covers_a_range_of_years_and_refuses_others() {
    let out = run(&["calendar", "--from", "2025", "--to", "2030", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let list = json(&out).as_array().cloned().unwrap_or_default();
    let springs = list.iter().filter(|e| e["name"] == "spring-festival").count();
    assert_eq!(springs, 6);
    let text = run_in(&repo(), &["calendar", "--year", "2027"], None);
    assert!(stdout(&text).contains("2027-02-06  周六  春节"), "{}", stdout(&text));
    assert_eq!(code(&run(&["calendar", "--year", "1850"])), 2);
}

#[test]
fn plan_json_has_the_documented_shape() {
    let out = run(&["plan", "workflows/spring-festival.yaml", "--year", "2027", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plan = json(&out);
    let runs = plan["runs"].as_array().cloned().unwrap_or_default();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let keys: Vec<&str> = run.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(keys, ["campaign", "run", "anchor", "opens_at", "closes_at", "tasks", "reports"]);
    assert_eq!((run["campaign"].as_str(), run["run"].as_str()), (Some("spring-festival"), Some("2027")));
    assert_eq!(run["anchor"], "2027-02-06");
    assert_eq!(run["opens_at"], "2027-01-16T09:00:00+08:00");
    let tasks = run["tasks"].as_array().cloned().unwrap_or_default();
    let publicity = tasks.iter().find(|t| t["id"] == "spring-festival/2027/publicity/jiefang-1").cloned();
    let publicity = publicity.expect("publicity task of jiefang-1");
    let task_keys: Vec<&str> =
        publicity.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(task_keys, ["id", "template", "unit", "starts_at", "due_at", "after", "reminders", "escalations"]);
    assert_eq!(publicity["after"], serde_json::json!(["spring-festival/2027/street-deployment/jiefang"]));
    assert_eq!(publicity["due_at"], "2027-02-03T17:30:00+08:00");
    assert_eq!(publicity["escalations"][0], serde_json::json!({"at": "2027-02-05T09:00:00+08:00", "to": "jiefang"}));
    let weekly = run["reports"].as_array().map_or(0, |r| r.iter().filter(|r| r["id"] == "weekly").count());
    assert_eq!(weekly, 8, "Mondays 09:00 from 2027-01-18 to 2027-03-08 before the close");
}

#[test]
fn plan_text_is_readable_in_chinese() {
    let out = run_in(&repo(), &["plan", "workflows/qingming.yaml", "--year", "2027"], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("清明节返乡人员联络（qingming）第 2027 期"), "{text}");
    assert!(text.contains("锚定：2027-04-05（清明）"), "{text}");
    assert!(text.contains("jiefang-1 解放路第一社区  开始 2027-03-26 09:00  截止 2027-04-07 17:30"), "{text}");
}

#[test]
fn plan_of_cron_campaigns_keys_runs_by_opening_date() {
    let monthly =
        MINIMAL.replace("anchor: mid-autumn, opens: -7d", "cron: \"0 9 1 * *\"").replace("due: anchor", "due: open+3d");
    let dir = workspace(&[("monthly.yaml", &monthly)]);
    let out = run_in(dir.path(), &["plan", "monthly.yaml", "--year", "2027", "--json"], Some("en_US.UTF-8"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let runs = json(&out)["runs"].as_array().cloned().unwrap_or_default();
    let keys: Vec<&str> = runs.iter().filter_map(|r| r["run"].as_str()).collect();
    assert_eq!(keys.len(), 12);
    assert_eq!(keys[0], "2027-01-01");
    assert_eq!(runs[0]["anchor"], "2027-01-01T09:00:00+08:00");
    assert_eq!(runs[3]["tasks"][0]["id"], "minimal/2027-04-01/visit/jiefang-1");
}

#[test]
fn plan_with_working_days_in_an_uncovered_year_says_which_year_to_add() {
    let wd = MINIMAL.replace("due: anchor", "due: anchor+3wd");
    let dir = workspace(&[("wd.yaml", &wd)]);
    std::fs::copy(repo().join("workflows/holidays.yaml"), dir.path().join("holidays.yaml")).expect("copy holidays");
    let covered = run_in(dir.path(), &["plan", "wd.yaml", "--year", "2026", "--json"], Some("en_US.UTF-8"));
    assert_eq!(code(&covered), 0, "{}", stderr(&covered));
    let out = run_in(dir.path(), &["plan", "wd.yaml", "--year", "2031"], Some("en_US.UTF-8"));
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("wd.yaml:11:10: error: tasks[0].due: working days of 2031 are unknown"), "{err}");
    assert!(err.contains("add the official holiday arrangement for 2031"), "{err}");
}

#[test]
fn schema_matches_the_committed_schemas() {
    for kind in ["campaign", "directory", "holidays"] {
        let out = run(&["schema", kind]);
        assert_eq!(code(&out), 0);
        let committed = std::fs::read_to_string(repo().join(format!("docs/schema/{kind}.json"))).expect("committed");
        assert_eq!(
            stdout(&out),
            committed,
            "docs/schema/{kind}.json is stale: regenerate with `guiyan schema {kind} > docs/schema/{kind}.json`"
        );
    }
}

/// The design examples are a contract: unchanged, they validate and plan.
#[test]
fn design_examples_validate_and_plan_unchanged() {
    let examples = here().join("data/design-examples");
    for year in ["2026", "2027", "2030"] {
        let out = run_in(&examples, &["plan", ".", "--year", year, "--json"], Some("en_US.UTF-8"));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let campaigns: Vec<String> = json(&out)["runs"]
            .as_array()
            .map(|r| r.iter().filter_map(|r| r["campaign"].as_str().map(String::from)).collect())
            .unwrap_or_default();
        assert_eq!(campaigns, ["mid-autumn", "qingming", "spring-festival"], "{year}");
    }
}

/// `workflows/` holds the design examples with only the editor's schema comment added, and in
/// `spring-festival.yaml` the sections and next steps of the closing work report appended to its
/// last report and the notice (告知书) before the reports (the examples predate report layouts and notices
/// and stay as they are).
#[test]
fn bundled_workflows_are_the_design_examples_plus_a_schema_line() {
    for name in ["spring-festival", "qingming", "mid-autumn", "units"] {
        let example =
            std::fs::read_to_string(here().join(format!("data/design-examples/{name}.yaml"))).expect("example");
        let bundled = std::fs::read_to_string(repo().join(format!("workflows/{name}.yaml"))).expect("bundled");
        let kind = if name == "units" { "directory" } else { "campaign" };
        let expected = format!("# yaml-language-server: $schema=../docs/schema/{kind}.json\n{example}");
        let bundled = match name {
            "spring-festival" => {
                // The notice (告知书), a top-level block before the reports (the examples predate it).
                let start = bundled.find("\n\n# The notice (告知书)").expect("the notice");
                let end = start + bundled[start..].find("\nreports:\n").expect("the reports after the notice");
                assert!(bundled[start..end].contains("\nnotice:\n  version: "), "{}", &bundled[start..end]);
                let bundled = format!("{}\n\n{}", &bundled[..start], &bundled[end + 1..]);
                let layout = bundled.find("\n    # The sections of the report").expect("the final report's layout");
                let (head, layout) = bundled.split_at(layout + 1);
                let body = layout.lines().filter(|l| !l.trim_start().starts_with('#')).collect::<Vec<_>>();
                assert!(body.first().is_some_and(|l| *l == "    sections:"), "{layout}");
                assert!(body.iter().all(|l| l.starts_with("    ")), "the layout must be the last report's: {layout}");
                head.to_string()
            }
            _ => bundled,
        };
        assert_eq!(bundled, expected, "workflows/{name}.yaml drifted from the design example");
    }
    let holidays = std::fs::read_to_string(repo().join("workflows/holidays.yaml")).expect("holidays");
    assert!(holidays.starts_with("# yaml-language-server: $schema=../docs/schema/holidays.json\n"));
}
