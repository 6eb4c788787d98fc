//! Reports through the real `guiyan` binary against the real SMTP test server, on SQLite and
//! PostgreSQL: a spring-festival season rehearsed with `run --once` at chosen moments (the engine's
//! own clock path, started at `--now`), units completing tasks with known figures — some late,
//! some never — and an engine killed with SIGKILL at a report time. Every weekly progress report
//! and the closing work report reach their recipients, each once; their totals are the sums of
//! the figures reported; the ranking and the lagging units are right; the Word and Excel files
//! read back with the same figures; the text and HTML renderings are snapshot-tested.

mod support;

use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, Instant};

use calamine::Reader;
use serde_json::Value;
use support::for_each_db;
use support::site::*;
use support::smtp::SmtpServer;

/// What the rehearsal does, in order.
#[derive(Clone, Copy, Debug)]
enum Act {
    /// `guiyan run --once --now AT`.
    Run(&'static str),
    /// `guiyan task done RUN/TASK --figure …` at AT.
    Done(&'static str, &'static str, &'static [(&'static str, u32)]),
    /// `guiyan run` started at AT and killed with SIGKILL once report mail is going out.
    KillDuringReport(&'static str),
}

/// The 2027 season (opens 01-16 09:00, closes 03-08 17:30; weekly reports Mondays 09:00).
const SEASON: &[Act] = &[
    Act::Run("2027-01-16T09:30:00+08:00"),
    Act::Done("2027-01-16T10:00:00+08:00", "kickoff/district-org", &[]),
    Act::Run("2027-01-16T10:00:00+08:00"),
    Act::Done("2027-01-19T10:00:00+08:00", "work-plan/district-org", &[]),
    // The weekly report of 01-18 is taken late, at this run.
    Act::Run("2027-01-19T10:00:00+08:00"),
    Act::Done("2027-01-23T12:00:00+08:00", "street-deployment/jiefang", &[]),
    Act::Done("2027-01-24T10:00:00+08:00", "street-deployment/renmin", &[]),
    // binhe never holds its deployment meeting: its communities never get their publicity task.
    Act::Run("2027-01-25T10:00:00+08:00"),
    Act::Done("2027-02-01T08:00:00+08:00", "publicity/jiefang-1", &[("banners", 3), ("letters", 120), ("posts", 2)]),
    Act::Done("2027-02-02T10:00:00+08:00", "publicity/renmin-1", &[("banners", 4), ("letters", 60), ("posts", 1)]),
    Act::Run("2027-02-02T10:00:00+08:00"),
    // Late: due 02-03.
    Act::Done("2027-02-05T10:00:00+08:00", "publicity/jiefang-2", &[("banners", 5), ("letters", 80)]),
    Act::KillDuringReport("2027-02-08T08:59:57+08:00"),
    Act::Run("2027-02-08T10:00:00+08:00"),
    Act::Done(
        "2027-02-10T10:00:00+08:00",
        "household-visits/jiefang-1",
        &[("visited", 12), ("phoned", 30), ("registered", 8)],
    ),
    Act::Done("2027-02-10T10:00:00+08:00", "talks/jiefang", &[("sessions", 2), ("attendees", 40)]),
    Act::Done(
        "2027-02-12T10:00:00+08:00",
        "household-visits/renmin-1",
        &[("visited", 7), ("phoned", 11), ("registered", 5)],
    ),
    Act::Run("2027-02-15T10:00:00+08:00"),
    Act::Done("2027-02-20T10:00:00+08:00", "family-visits/jiefang-1", &[("families", 9)]),
    Act::Run("2027-02-22T10:00:00+08:00"),
    Act::Run("2027-03-01T10:00:00+08:00"),
    Act::Run("2027-03-08T10:00:00+08:00"),
    // After the close (03-08 17:30): the work report is taken, late, and sent.
    Act::Run("2027-03-09T10:00:00+08:00"),
];

/// The one note a unit marks as a typical case, and its task.
const TYPICAL: (&str, &str) =
    ("household-visits/renmin-1", "走访中发现在外务工人员张某有意返乡开办农产品加工厂，已对接街道落实场地");

/// Weekly progress reports: Mondays 01-18 … 03-08, to the two leaders and the district.
const WEEKLY_TIMES: usize = 8;
const WEEKLY_RECIPIENTS: usize = 3;
/// The work report at the close, to the two leaders.
const FINAL_RECIPIENTS: usize = 2;

fn figure_args(task: &str, figures: &[(&str, u32)]) -> Vec<String> {
    let mut args = vec!["task".to_string(), "done".to_string(), format!("{RUN}/{task}")];
    for (key, value) in figures {
        args.push("--figure".into());
        args.push(format!("{key}={value}"));
    }
    args
}

/// Sum of figure `key` of template `task` over every completion of the season.
fn sum_of(task: &str, key: &str) -> u32 {
    SEASON
        .iter()
        .filter_map(|act| match act {
            Act::Done(_, t, figures) if t.split('/').next() == Some(task) => {
                figures.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
            }
            _ => None,
        })
        .sum()
}

#[test]
fn a_rehearsed_season_sends_every_report_once_with_the_totals_units_reported() {
    for_each_db(|db| {
        let smtp = SmtpServer::start();
        let site = Site::new(db).with_smtp(&smtp);
        let mut killed_sent: Vec<String> = Vec::new();
        let mut resumed: Vec<String> = Vec::new();
        for act in SEASON {
            match *act {
                Act::Run(at) => {
                    // JSON logs: a mail sent again after the kill is logged `resumed`.
                    let out = site.run(at, &["run", "--once", "--log-format", "json"]);
                    assert_eq!(out.status.code(), Some(0), "run --once at {at}:\n{}{}", stdout(&out), stderr(&out));
                    assert!(stdout(&out).contains("deferred 0, failed 0"), "run --once at {at}: {}", stdout(&out));
                    for line in stderr(&out).lines() {
                        let Ok(log) = serde_json::from_str::<Value>(line) else { continue };
                        if log["message"] == "mail sent" && log["resumed"] == true {
                            resumed.push(log["key"].as_str().unwrap_or_default().to_string());
                        }
                    }
                }
                Act::Done(at, task, figures) => {
                    let mut args = figure_args(task, figures);
                    if task == TYPICAL.0 {
                        args.extend(["--note".to_string(), TYPICAL.1.to_string(), "--typical".to_string()]);
                    }
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    site.ok(at, &args);
                }
                Act::KillDuringReport(at) => {
                    let mut engine = site.spawn_engine(at);
                    // Killed as soon as the first report mail is out (or after 20 s at most).
                    let started = Instant::now();
                    while started.elapsed() < Duration::from_secs(20)
                        && !engine.sent().iter().any(|(key, _)| key.contains("/report/"))
                        && engine.is_running()
                    {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    assert!(engine.is_running(), "the engine ended by itself: {}", engine.describe());
                    engine.kill();
                    assert!(
                        engine.sent().iter().any(|(key, _)| key.contains("/report/")),
                        "the engine sent no report before it was killed: {}",
                        engine.describe()
                    );
                    killed_sent.extend(engine.sent().into_iter().map(|(key, _)| key));
                }
            }
        }

        // One mail per report time and recipient, each delivered; a repeat only of mail that the
        // killed engine had in flight (the next engine logs it as resumed), as for every mail.
        let mails: Vec<MailRow> = site.mails().into_iter().filter(|m| m.kind == "report").collect();
        assert_eq!(
            mails.len(),
            WEEKLY_TIMES * WEEKLY_RECIPIENTS + FINAL_RECIPIENTS,
            "report mails: {:#?}",
            mails.iter().map(|m| &m.key).collect::<Vec<_>>()
        );
        let received = smtp.messages();
        let mut deliveries: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &received {
            *deliveries.entry(r.key.as_str()).or_default() += 1;
        }
        for m in &mails {
            assert_eq!(m.state, "sent", "{m:?}");
            let n = deliveries.get(m.key.as_str()).copied().unwrap_or(0);
            assert!(n >= 1, "{} was never delivered", m.key);
            assert!(n == 1 || resumed.contains(&m.key), "{} arrived {n} times but was never resumed", m.key);
            assert!(n <= 2, "{} arrived {n} times", m.key);
        }
        eprintln!(
            "[{}] the killed engine sent {} mails; {} resumed after it",
            db.kind,
            killed_sent.len(),
            resumed.len()
        );
        let weekly = mails.iter().filter(|m| m.key.contains("/report/weekly/")).count();
        assert_eq!(weekly, WEEKLY_TIMES * WEEKLY_RECIPIENTS);

        // The work report, as the leaders received it: every sentence with the real totals.
        let by_key: BTreeMap<&str, &support::smtp::Received> = received.iter().map(|r| (r.key.as_str(), r)).collect();
        let final_mail = mails.iter().find(|m| m.key.contains("/report/final/")).expect("the work report was mailed");
        let text = &by_key[final_mail.key.as_str()].text;
        let expect = [
            format!(
                "全区悬挂各种宣传横幅{}条，张贴公开信{}余封，新媒体推送{}条",
                sum_of("publicity", "banners"),
                sum_of("publicity", "letters"),
                sum_of("publicity", "posts")
            ),
            format!(
                "全区已走访返乡人员{}人，通过电话联系外出未返乡人员{}人，乡土人才库入库{}人",
                sum_of("household-visits", "visited"),
                sum_of("household-visits", "phoned"),
                sum_of("household-visits", "registered")
            ),
            format!(
                "全区举办恳谈会{}场次，覆盖返乡人员{}人",
                sum_of("talks", "sessions"),
                sum_of("talks", "attendees")
            ),
            format!("登门走访慰问返乡乡土人才及其家属{}户", sum_of("family-visits", "families")),
            // Known totals: 12 banners, 260 letters, 19 visited, 2 talks.
            "悬挂各种宣传横幅12条，张贴公开信260余封".to_string(),
            // Nobody reported lectures: said plainly, never as 0 or a sentence with holes.
            "一是双向讲习动人心。“开展\"双向讲习\"活动”的数据尚待报送。".to_string(),
            "区委组织部于1月16日召开".to_string(),
            "2个街道党工委相继召开工作推进会议".to_string(),
            "在全区3个街道办事处、8个社区全面铺开".to_string(),
        ];
        for sentence in &expect {
            assert!(text.contains(sentence.as_str()), "the work report lacks “{sentence}”:\n{text}");
        }
        assert!(text.contains("尚有") && text.contains("个社区未完成报送"), "missing data is not said:\n{text}");
        assert!(!text.contains('X'), "an X in the work report:\n{text}");
        assert!(text.contains(&format!("人民路第一社区：{}", TYPICAL.1)), "the typical case is not told:\n{text}");

        // The last weekly report: the units behind by name, the ranking with jiefang first.
        let last_weekly = mails
            .iter()
            .filter(|m| m.key.contains("/report/weekly/") && m.recipient == "district-org")
            .max_by_key(|m| m.id)
            .expect("a weekly report to the district");
        let weekly_text = &by_key[last_weekly.key.as_str()].text;
        assert!(weekly_text.contains("截至2027年3月8日"), "{weekly_text}");
        let lagging =
            weekly_text.split("二、未按时完成的单位").nth(1).and_then(|s| s.split("三、").next()).unwrap_or("");
        assert!(lagging.contains("滨河街道办事处（街道党工委召开推进会议,动员部署"), "binhe is behind:\n{lagging}");
        assert!(lagging.contains("解放路街道办事处解放路第三社区"), "jiefang-3 never did its publicity:\n{lagging}");
        assert!(!lagging.contains("解放路第一社区（悬挂"), "jiefang-1 did its publicity:\n{lagging}");
        let ranking: Vec<&str> = weekly_text
            .split("一、各街道完成情况")
            .nth(1)
            .unwrap_or("")
            .lines()
            // The table's rows: a place, then the street.
            .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains("街道办事处"))
            .collect();
        assert!(ranking.first().is_some_and(|l| l.contains("解放路街道办事处")), "ranking: {ranking:#?}");
        assert!(ranking.last().is_some_and(|l| l.contains("滨河街道办事处")), "ranking: {ranking:#?}");

        // The weekly report's figures against the previous week: 较上期.
        let snapshot = |at: &str| {
            let json = site.ok(
                "2027-03-10T10:00:00+08:00",
                &["report", RUN, "--template", "weekly", "--at", at, "--format", "json"],
            );
            parse_json(&json)
        };
        let feb8 = snapshot("2027-02-08T09:00:00+08:00");
        assert_eq!(
            feb8["snapshot"]["scheduled_at"],
            Value::from(1_802_048_400_i64),
            "{}",
            feb8["snapshot"]["scheduled_at"]
        );
        let banners = feb8["progress"]["figures"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["key"] == "banners"))
            .cloned()
            .expect("banners in the weekly report");
        // The report of 02-01 was taken late, by the engine of 02-02 10:00, with jiefang-1's 3 and
        // renmin-1's 4 banners: by 02-08 jiefang-2's 5 came on top.
        assert_eq!(
            (banners["total"].as_f64(), banners["since_previous"].as_f64()),
            (Some(12.0), Some(5.0)),
            "{banners}"
        );

        // The same work report as Word and Excel files, read back.
        let dir = site.path();
        site.ok(
            "2027-03-10T10:00:00+08:00",
            &[
                "report",
                RUN,
                "--template",
                "final",
                "--at",
                "2027-03-09T12:00:00+08:00",
                "--format",
                "docx",
                "-o",
                "report.docx",
            ],
        );
        let docx = std::fs::File::open(dir.join("report.docx")).expect("report.docx");
        let mut zip = zip::ZipArchive::new(docx).expect("a docx is a zip");
        let mut xml = String::new();
        zip.by_name("word/document.xml").expect("word/document.xml").read_to_string(&mut xml).expect("read");
        let words = docx_text(&xml);
        for sentence in &expect {
            assert!(words.contains(sentence.as_str()), "the docx lacks “{sentence}”");
        }
        site.ok(
            "2027-03-10T10:00:00+08:00",
            &[
                "report",
                RUN,
                "--template",
                "final",
                "--at",
                "2027-03-09T12:00:00+08:00",
                "--format",
                "xlsx",
                "-o",
                "ledger.xlsx",
            ],
        );
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(dir.join("ledger.xlsx")).expect("open ledger.xlsx");
        let names = book.sheet_names().to_vec();
        let mut publicity_total = None;
        for name in &names {
            let range = book.worksheet_range(name).expect("sheet");
            let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
            let Some(header) = rows.iter().position(|r| r.iter().any(|c| c == "悬挂宣传横幅（条）")) else {
                continue;
            };
            let column = rows[header].iter().position(|c| c == "悬挂宣传横幅（条）").expect("column");
            let total = rows.iter().find(|r| r.first().map(String::as_str) == Some("合计")).expect("a total row");
            publicity_total = Some(total[column].clone());
            // Every community of the task has its row: 8 communities, then the total.
            assert_eq!(rows.len() - header - 1, 8 + 1, "{rows:?}");
        }
        assert_eq!(publicity_total.as_deref(), Some("12"), "sheets: {names:?}");
        assert_eq!(names.first().map(String::as_str), Some("汇总"), "{names:?}");

        // The renderings, as a reader sees them (the same on both databases).
        let text = site.ok(
            "2027-03-10T10:00:00+08:00",
            &["report", RUN, "--template", "final", "--at", "2027-03-09T12:00:00+08:00"],
        );
        insta::assert_snapshot!("work_report_text", text);
        let weekly_text = site.ok(
            "2027-03-10T10:00:00+08:00",
            &["report", RUN, "--template", "weekly", "--at", "2027-02-08T09:00:00+08:00"],
        );
        insta::assert_snapshot!("weekly_report_text", weekly_text);
        let html = site.ok(
            "2027-03-10T10:00:00+08:00",
            &["report", RUN, "--template", "final", "--at", "2027-03-09T12:00:00+08:00", "--format", "html"],
        );
        insta::assert_snapshot!("work_report_html", html);
    });
}

/// The text of a docx body: every `<w:t>` in order.
fn docx_text(xml: &str) -> String {
    let mut out = String::new();
    for part in xml.split("<w:t").skip(1) {
        let Some(start) = part.find('>') else { continue };
        let Some(end) = part.find("</w:t>") else { continue };
        if start < end {
            out.push_str(
                &part[start + 1..end]
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\""),
            );
        }
    }
    out
}

#[test]
fn a_report_asked_of_a_run_that_is_not_there_or_in_a_binary_format_without_a_file_says_so() {
    for_each_db(|db| {
        let site = Site::new(db);
        site.ok("2027-01-16T09:30:00+08:00", &["apply"]);
        let out = site.run("2027-01-20T10:00:00+08:00", &["report", "spring-festival/2031"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("there is no run spring-festival/2031"), "{}", stderr(&out));
        let out = site.run("2027-01-20T10:00:00+08:00", &["report", RUN, "--format", "docx"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("-o"), "{}", stderr(&out));
        let out = site.run("2027-01-20T10:00:00+08:00", &["report", RUN, "--template", "monthly"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("weekly, final, progress, work-report"), "{}", stderr(&out));
        let out = site.run(
            "2027-01-20T10:00:00+08:00",
            &["report", RUN, "--template", "weekly", "--at", "2027-01-17T00:00:00+08:00"],
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("no snapshot of report weekly"), "{}", stderr(&out));
        // Without --at: the run as it stands, in every text format.
        for format in ["text", "md", "html", "csv", "json"] {
            let out =
                site.ok("2027-01-20T10:00:00+08:00", &["report", RUN, "--template", "progress", "--format", format]);
            assert!(!out.is_empty(), "{format}");
        }
    });
}

#[test]
fn a_campaign_may_write_its_report_with_its_own_tera_template_and_a_broken_one_is_named() {
    for_each_db(|db| {
        let site = Site::new(db);
        let workflows = site.path().join("workflows");
        std::fs::create_dir_all(workflows.join("reports")).expect("create workflows/reports");
        std::fs::write(
            workflows.join("reports/brief.tera"),
            "{{ report.title }}\n一、总体情况\n共部署任务{{ report.progress.overall.total }}项，已完成{{ report.progress.overall.done }}项。\n\
             {% for f in report.progress.figures %}{% if f.key == \"banners\" %}悬挂宣传横幅{{ f.total }}{{ f.unit }}。{% endif %}{% endfor %}\n",
        )
        .expect("write the template");
        let mut campaign = std::fs::read_to_string(workflows.join("spring-festival.yaml")).expect("read the campaign");
        campaign.push_str(
            "  - id: brief\n    title: 简报\n    at: close\n    to: [leadership]\n    template: reports/brief.tera\n",
        );
        std::fs::write(workflows.join("spring-festival.yaml"), campaign).expect("write the campaign");
        site.ok("2027-01-16T10:00:00+08:00", &["apply"]);
        site.ok("2027-01-20T10:00:00+08:00", &["task", "done", &format!("{RUN}/kickoff/district-org")]);
        let text = site.ok("2027-01-20T10:00:00+08:00", &["report", RUN, "--template", "brief"]);
        assert!(text.starts_with("简报\n"), "{text}");
        assert!(text.contains("一、总体情况"), "{text}");
        assert!(text.contains("共部署任务51项，已完成1项。"), "{text}");
        // A broken template: the file is named, nothing is written.
        std::fs::write(workflows.join("reports/brief.tera"), "{{ report.title \n").expect("break the template");
        let out = site.run(
            "2027-01-20T10:00:00+08:00",
            &["report", RUN, "--template", "brief", "--format", "docx", "-o", "brief.docx"],
        );
        assert_ne!(out.status.code(), Some(0));
        assert!(stderr(&out).contains("brief.tera"), "{}", stderr(&out));
        assert!(!site.path().join("brief.docx").exists(), "a broken template wrote a file");
    });
}

#[test]
fn simulate_shows_the_reports_in_its_timeline_and_writes_the_seasons_reports() {
    let db = support::TestDb::sqlite();
    let site = Site::new(&db);
    let args = ["simulate", "--from", "2027-01-10", "--to", "2027-03-20", "--report-dir", "reports-out"];
    let run = site.command_lang(Some("zh"), "2027-01-01T00:00:00+08:00", &args).output().expect("run guiyan simulate");
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = stdout(&run);
    assert!(
        out.contains("报告 spring-festival/2027 weekly") && out.contains("报告 spring-festival/2027 final"),
        "{out}"
    );
    let dir = site.path().join("reports-out");
    let text = std::fs::read_to_string(dir.join("spring-festival-2027-final.txt")).expect("the work report as text");
    assert!(text.starts_with("2027年春节期间开展乡土人才联络和回归工作情况报告"), "{text}");
    assert!(text.contains("一、紧密安排部署，精准落实") && text.contains("下一步工作打算"), "{text}");
    assert!(!text.contains('X'), "{text}");
    let docx = std::fs::read(dir.join("spring-festival-2027-final.docx")).expect("the work report as Word");
    assert!(docx.starts_with(b"PK"), "not a docx");
    assert!(dir.join("spring-festival-2027-weekly.txt").exists(), "the last weekly report");
}
