//! The web front door through the real binary over HTTP, on SQLite and PostgreSQL: links and
//! sessions, a unit reporting its task (invalid figures first, then right; a double submit counted
//! once; a correction), route-by-route authorization (every unit's session and token against every
//! other unit's task, pages and API), tampered, expired and revoked links, CSRF, inert user text,
//! GET that changes nothing, the dashboard and the API.
//!
//! Each test applies the bundled campaigns to a fresh database inside the 2027 Spring Festival run,
//! starts `guiyan serve` on a free port and gets links with `guiyan link`.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use support::for_each_db;
use support::http::{self, Response, input_value};
use support::serve::{Server, link_token};
use support::site::*;

// Inside the run: the communities' publicity tasks are open (jiefang's street deployment done),
// some of them due soon; `site` applies the campaigns and does that deployment.
use support::portal::{NOW, RUN_ID, site_in_run as site};

/// Starts `guiyan serve` at `NOW` and waits for its address.
fn serve(site: &Site) -> Server {
    Server::start(site, NOW)
}

/// The token of a fresh link of `unit` (or `--reader EMAIL` when `args` say so).
fn token(site: &Site, args: &[&str]) -> String {
    link_token(site, NOW, args)
}

/// Opens a link: the session cookie (`gy_session=…`) it sets.
fn open(server: &Server, token: &str) -> String {
    let r = http::get(&server.base, &format!("/l/{token}"), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/"));
    let (cookie, whole) = r.set_cookie("gy_session").expect("a session cookie");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(whole.contains(part), "the cookie lacks {part}: {whole}");
    }
    assert!(!whole.contains("Secure"), "no Secure cookie over http: {whole}");
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    cookie
}

fn page(server: &Server, path: &str, cookie: &str) -> Response {
    http::get(&server.base, path, &[("Cookie", cookie)])
}

fn task_path(template: &str, unit: &str) -> String {
    format!("/t/{RUN_ID}/{template}/{unit}")
}

/// Posts the report form of a task page with `figures`, taking the page's CSRF token and key.
fn report(server: &Server, cookie: &str, path: &str, figures: &[(&str, &str)], note: &str) -> Response {
    let form = page(server, path, cookie);
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = input_value(&form.body, "csrf").expect("the form's CSRF token");
    let key = input_value(&form.body, "key").expect("the form's key");
    let mut fields: Vec<(String, String)> =
        vec![("csrf".into(), csrf), ("key".into(), key), ("note".into(), note.into())];
    fields.extend(figures.iter().map(|(k, v)| (format!("f.{k}"), v.to_string())));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    http::post_form(&server.base, path, &[("Cookie", cookie), ("Sec-Fetch-Site", "same-origin")], &borrowed)
}

fn status_json(site: &Site) -> Value {
    parse_json(&site.ok(NOW, &["status", "--json"]))
}

#[test]
fn a_unit_reports_its_task_from_its_link_invalid_first_then_right_once_then_corrects_it() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let cookie = open(&server, &token(&site, &["jiefang-1"]));

        // The portal lists the unit's tasks, the open publicity among them.
        let portal = page(&server, "/", &cookie);
        assert_eq!(portal.status, 200);
        assert!(portal.body.contains("解放路第一社区") && portal.body.contains("悬挂横幅"), "{}", portal.body);
        for header in ["content-security-policy", "x-frame-options", "x-content-type-options"] {
            assert!(portal.header(header).is_some(), "no {header}");
        }
        assert!(!portal.header("content-security-policy").unwrap_or_default().contains("unsafe-inline"));

        // A negative and a non-numeric figure: messages beside the fields, the values kept.
        let path = task_path("publicity", "jiefang-1");
        let wrong = report(&server, &cookie, &path, &[("banners", "-3"), ("letters", "四十")], "第一次");
        assert_eq!(wrong.status, 422, "{}", wrong.body);
        assert!(wrong.body.contains("应为非负整数"), "{}", wrong.body);
        assert!(wrong.body.contains("value=\"-3\"") && wrong.body.contains("value=\"四十\""), "entered values kept");
        assert!(wrong.body.contains("第一次"), "the note is kept");
        assert_eq!(status_json(&site)["runs"][0]["totals"]["done"], 3, "nothing was recorded");

        // Right: done, with the figures; the redirect says so.
        let right = report(&server, &cookie, &path, &[("banners", "3"), ("letters", "40")], "入户发放");
        assert_eq!(right.status, 303, "{}", right.body);
        let back = right.header("location").expect("a redirect").to_string();
        assert!(back.starts_with(&path) && back.contains("submitted=done"), "{back}");
        let done = page(&server, &back, &cookie);
        assert!(done.body.contains("已提交"), "{}", done.body);
        let task = parse_json(&site.ok(NOW, &["task", "list", "--json", "--unit", "jiefang-1", "--state", "done"]));
        let publicity = task.as_array().expect("list").iter().find(|t| t["template"] == "publicity").expect("done");
        assert_eq!(publicity["figures"], serde_json::json!({"banners": 3, "letters": 40}));
        assert_eq!(publicity["note"], "入户发放");

        // A correction while the run is open: the history keeps both reports.
        let corrected = report(&server, &cookie, &path, &[("banners", "4"), ("letters", "40")], "补报一条");
        assert_eq!(corrected.status, 303, "{}", corrected.body);
        assert!(corrected.header("location").unwrap_or_default().contains("submitted=corrected"));
        let history = site.ok(NOW, &["task", "history", &format!("{RUN_ID}/publicity/jiefang-1")]);
        assert!(history.contains("task-done") && history.contains("task-corrected"), "{history}");
        assert_eq!(status_json(&site)["runs"][0]["figures"][0]["total"], 4.0, "the corrected figure counts");
    });
}

#[test]
fn a_double_submit_of_one_form_counts_once() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let cookie = open(&server, &token(&site, &["jiefang-2"]));
        let path = task_path("publicity", "jiefang-2");
        let form = page(&server, &path, &cookie);
        let fields = [
            ("csrf", input_value(&form.body, "csrf").expect("csrf")),
            ("key", input_value(&form.body, "key").expect("key")),
            ("f.banners", "2".to_string()),
            ("f.letters", "9".to_string()),
        ];
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let headers = [("Cookie", cookie.as_str()), ("Sec-Fetch-Site", "same-origin")];
        let first = http::post_form(&server.base, &path, &headers, &borrowed);
        let second = http::post_form(&server.base, &path, &headers, &borrowed);
        assert_eq!((first.status, second.status), (303, 303));
        assert!(first.header("location").unwrap_or_default().contains("submitted=done"));
        assert!(second.header("location").unwrap_or_default().contains("submitted=repeated"), "{:?}", second.headers);
        let history = site.ok(NOW, &["task", "history", &format!("{RUN_ID}/publicity/jiefang-2")]);
        assert_eq!(history.matches("task-done").count(), 1, "{history}");
        assert!(!history.contains("task-corrected"), "{history}");
    });
}

#[test]
fn every_unit_reads_only_its_subtree_and_reports_only_its_own_tasks_on_every_route() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let units = site.directory();
        let tasks = parse_json(&site.ok(NOW, &["task", "list", "--json"]));
        let tasks: Vec<(String, String)> = tasks
            .as_array()
            .expect("tasks")
            .iter()
            .map(|t| (t["id"].as_str().expect("id").to_string(), t["unit"].as_str().expect("unit").to_string()))
            .collect();
        let within = |unit: &str, scope: &str| unit == scope || is_above(&units, scope, unit);
        let mut checked = 0;
        for viewer in ["jiefang-1", "renmin-2", "jiefang", "district-org"] {
            let bearer = token(&site, &[viewer]);
            let cookie = open(&server, &bearer);
            let auth = format!("Bearer {bearer}");
            for (id, unit) in &tasks {
                let expected = if within(unit, viewer) { 200 } else { 403 };
                let html = page(&server, &format!("/t/{id}"), &cookie);
                assert_eq!(html.status, expected, "{viewer} GET /t/{id}");
                let history = page(&server, &format!("/t/{id}/history"), &cookie);
                assert_eq!(history.status, expected, "{viewer} GET /t/{id}/history");
                let api = http::get(&server.base, &format!("/api/v1/tasks/{id}"), &[("Authorization", &auth)]);
                assert_eq!(api.status, expected, "{viewer} GET /api/v1/tasks/{id}");
                if expected == 403 {
                    assert_eq!(api.body, r#"{"error":"forbidden"}"#, "nothing more is said");
                    assert!(!html.body.contains(id.as_str()), "a refusal names the task");
                }
                // Writing another unit's task: refused, whatever form token is sent (the unit's own
                // tasks are reported in the test above).
                if unit == viewer {
                    checked += 1;
                    continue;
                }
                let csrf =
                    input_value(&page(&server, "/t/spring-festival/2027/publicity/jiefang-1", &cookie).body, "csrf");
                let posted = http::post_form(
                    &server.base,
                    &format!("/t/{id}"),
                    &[("Cookie", &cookie), ("Sec-Fetch-Site", "same-origin")],
                    &[("csrf", csrf.as_deref().unwrap_or("x")), ("key", "k"), ("f.banners", "1"), ("f.letters", "1")],
                );
                assert!(posted.status == 403 || posted.status == 400, "{viewer} POST /t/{id}: {}", posted.status);
                checked += 1;
            }
            // The API lists only the subtree.
            let listed = http::get(&server.base, "/api/v1/tasks?limit=500", &[("Authorization", &auth)]);
            let listed: Value = serde_json::from_str(&listed.body).expect("JSON");
            for t in listed["tasks"].as_array().expect("tasks") {
                assert!(within(t["unit"].as_str().expect("unit"), viewer), "{viewer} listed {t}");
            }
            let outside = http::get(&server.base, "/api/v1/tasks?scope=binhe", &[("Authorization", &auth)]);
            assert_eq!(outside.status, if within("binhe", viewer) { 200 } else { 403 }, "{viewer} scope=binhe");
        }
        assert!(checked > 150, "{checked} checks");
        // Nothing was written by those refused POSTs.
        assert_eq!(status_json(&site)["runs"][0]["totals"]["done"], 3);
    });
}

/// The class of the portal's line for the task at `path` ("open", "due-soon", "done", …).
fn listed_status<'a>(portal: &'a str, path: &str) -> Option<&'a str> {
    let at = portal.find(&format!("href=\"{path}\""))?;
    let li = portal[..at].rfind("<li class=\"task ")?;
    portal[li + "<li class=\"task ".len()..].split('"').next()
}

#[test]
fn a_kept_home_page_is_served_again_only_while_nothing_was_committed() {
    // On SQLite the home page is kept while the database's data version holds (home.rs); on
    // PostgreSQL it is rendered every time. Either way no view may show what has changed since.
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let cookie = open(&server, &token(&site, &["jiefang-1"]));
        let path = task_path("publicity", "jiefang-1");
        let first = page(&server, "/", &cookie);
        assert_eq!(first.status, 200, "{}", first.body);
        let before = listed_status(&first.body, &path).expect("the publicity task is listed").to_string();
        assert_ne!(before, "done", "{}", first.body);
        assert_eq!(page(&server, "/", &cookie).body, first.body, "nothing changed: the same page");

        // Another process reports the task (`guiyan task done` from a shell): the next view shows it.
        site.ok(
            NOW,
            &[
                "task",
                "done",
                &format!("{RUN_ID}/publicity/jiefang-1"),
                "--figure",
                "banners=7",
                "--figure",
                "letters=30",
            ],
        );
        let after = page(&server, "/", &cookie);
        assert_eq!(listed_status(&after.body, &path), Some("done"), "{}", after.body);
        assert!(after.body.contains("悬挂宣传横幅 7"), "the reported figure is listed: {}", after.body);

        // Reported through this server, by another community: its next view shows it too.
        let other = open(&server, &token(&site, &["jiefang-2"]));
        let other_path = task_path("publicity", "jiefang-2");
        let seen = page(&server, "/", &other);
        assert_ne!(listed_status(&seen.body, &other_path), Some("done"), "{}", seen.body);
        let right = report(&server, &other, &other_path, &[("banners", "2"), ("letters", "10")], "");
        assert_eq!(right.status, 303, "{}", right.body);
        assert_eq!(listed_status(&page(&server, "/", &other).body, &other_path), Some("done"));

        // Revoked from a shell: the kept page is not served to the revoked session.
        assert_eq!(page(&server, "/", &cookie).status, 200);
        site.ok(NOW, &["link", "revoke", "jiefang-1"]);
        let revoked = page(&server, "/", &cookie);
        assert!(!revoked.body.contains(&path) && !revoked.body.contains("解放路第一社区"), "{}", revoked.body);
    });
}

#[test]
fn tampered_expired_and_revoked_links_get_a_plain_403_and_guessing_is_slowed() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let good = token(&site, &["jiefang-1"]);
        // One character changed.
        let mut tampered: Vec<char> = good.chars().collect();
        let i = tampered.len() / 2;
        tampered[i] = if tampered[i] == 'A' { 'B' } else { 'A' };
        let tampered: String = tampered.into_iter().collect();
        let refused = http::get(&server.base, &format!("/l/{tampered}"), &[]);
        assert_eq!(refused.status, 403);
        assert!(refused.body.contains("无法访问") && refused.header("set-cookie").is_none(), "{}", refused.body);
        // Expired: a link made in the past for one day.
        let old = site.ok("2026-01-01T10:00:00+08:00", &["link", "jiefang-1", "--days", "1"]);
        let old = old.lines().next().and_then(|l| l.rsplit_once("/l/")).map(|(_, t)| t.to_string()).expect("a link");
        assert_eq!(http::get(&server.base, &format!("/l/{old}"), &[]).status, 403);
        // Revoked: the link and the session it opened stop working.
        let cookie = open(&server, &good);
        assert_eq!(page(&server, "/", &cookie).status, 200);
        site.ok(NOW, &["link", "revoke", "jiefang-1"]);
        assert_eq!(http::get(&server.base, &format!("/l/{good}"), &[]).status, 403);
        let after = page(&server, &task_path("publicity", "jiefang-1"), &cookie);
        assert_eq!(after.status, 403, "a revoked session still reads");
        // A new link works again.
        let fresh = open(&server, &token(&site, &["jiefang-1"]));
        assert_eq!(page(&server, &task_path("publicity", "jiefang-1"), &fresh).status, 200);
        // Rotating the secret ends every link and session.
        site.ok(NOW, &["link", "rotate-secret"]);
        assert_eq!(page(&server, &task_path("publicity", "jiefang-1"), &fresh).status, 403);
        // Guessing: after many bad tokens from one address, even a good one waits.
        for n in 0..25 {
            let _ = http::get(&server.base, &format!("/l/AAAA{n}"), &[]);
        }
        let limited = http::get(&server.base, &format!("/l/{}", token(&site, &["jiefang-1"])), &[]);
        assert_eq!(limited.status, 429, "{}", limited.body);
    });
}

#[test]
fn a_post_without_its_form_token_or_from_another_site_changes_nothing() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let cookie = open(&server, &token(&site, &["jiefang-1"]));
        let path = task_path("publicity", "jiefang-1");
        let form = page(&server, &path, &cookie);
        let csrf = input_value(&form.body, "csrf").expect("csrf");
        let key = input_value(&form.body, "key").expect("key");
        let fields = [("csrf", csrf.as_str()), ("key", key.as_str()), ("f.banners", "1"), ("f.letters", "1")];
        let no_token = [("key", key.as_str()), ("f.banners", "1"), ("f.letters", "1")];
        let cross =
            http::post_form(&server.base, &path, &[("Cookie", &cookie), ("Sec-Fetch-Site", "cross-site")], &fields);
        assert_eq!(cross.status, 400);
        let evil =
            http::post_form(&server.base, &path, &[("Cookie", &cookie), ("Origin", "https://evil.example")], &fields);
        assert_eq!(evil.status, 400);
        let missing =
            http::post_form(&server.base, &path, &[("Cookie", &cookie), ("Sec-Fetch-Site", "same-origin")], &no_token);
        assert_eq!(missing.status, 400);
        // A form token belongs to its session: another session (of the same unit, from a link of
        // another expiry) cannot use it.
        let other_session = open(&server, &token(&site, &["jiefang-1", "--days", "3"]));
        let foreign = http::post_form(
            &server.base,
            &path,
            &[("Cookie", &other_session), ("Sec-Fetch-Site", "same-origin")],
            &fields,
        );
        assert_eq!(foreign.status, 400);
        assert_eq!(status_json(&site)["runs"][0]["totals"]["done"], 3, "a refused POST changed something");
        // With everything right, it goes through.
        let right =
            http::post_form(&server.base, &path, &[("Cookie", &cookie), ("Sec-Fetch-Site", "same-origin")], &fields);
        assert_eq!(right.status, 303);
        assert_eq!(status_json(&site)["runs"][0]["totals"]["done"], 4);
    });
}

#[test]
fn user_text_is_rendered_inert_in_every_page() {
    for_each_db(|db| {
        let site = Site::new(db);
        let units = site.path().join("workflows/units.yaml");
        let yaml = std::fs::read_to_string(&units).expect("units.yaml");
        std::fs::write(&units, yaml.replace("解放路第一社区", "解放路<script>alert(1)</script>社区")).expect("write");
        site.ok("2027-01-16T10:00:00+08:00", &["apply"]);
        for task in ["kickoff/district-org", "work-plan/district-org", "street-deployment/jiefang"] {
            site.ok("2027-01-20T10:00:00+08:00", &["task", "done", &format!("{RUN_ID}/{task}")]);
        }
        site.ok(NOW, &["apply"]);
        let server = serve(&site);
        let cookie = open(&server, &token(&site, &["jiefang-1"]));
        let path = task_path("publicity", "jiefang-1");
        let done =
            report(&server, &cookie, &path, &[("banners", "1"), ("letters", "2")], "<img src=x onerror=alert(2)>");
        assert_eq!(done.status, 303, "{}", done.body);
        let street = open(&server, &token(&site, &["jiefang"]));
        for (who, url) in [(&cookie, "/"), (&cookie, path.as_str()), (&street, "/d"), (&street, path.as_str())] {
            let body = page(&server, url, who).body;
            assert!(!body.contains("<script>alert") && !body.contains("<img src=x"), "{url}: {body}");
        }
        let history = page(&server, &format!("{path}/history"), &cookie).body;
        assert!(!history.contains("<img src=x"), "{history}");
        assert!(history.contains("&lt;img") || history.contains("\\u003cimg"), "the note is shown, escaped");
    });
}

#[test]
fn get_requests_change_nothing_anywhere() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let before = site.ok(NOW, &["task", "history", &format!("{RUN_ID}/publicity/jiefang-1")]);
        let status_before = status_json(&site);
        let mails_before = site.mails().len();
        let link = token(&site, &["jiefang"]);
        for _ in 0..3 {
            // A mail scanner fetching the link, and a session browsing everything.
            let _ = http::get(&server.base, &format!("/l/{link}"), &[]);
            let cookie = open(&server, &link);
            for url in [
                "/",
                "/d",
                "/d/live?run=spring-festival/2027",
                &task_path("publicity", "jiefang-1"),
                "/api/v1/runs",
                "/api/v1/tasks",
            ] {
                let r = page(&server, url, &cookie);
                assert!(r.status == 200 || r.status == 204, "{url}: {}", r.status);
            }
        }
        assert_eq!(site.ok(NOW, &["task", "history", &format!("{RUN_ID}/publicity/jiefang-1")]), before);
        assert_eq!(status_json(&site), status_before);
        assert_eq!(site.mails().len(), mails_before);
    });
}

#[test]
fn the_dashboard_and_the_api_show_completion_and_figures_of_the_viewers_subtree() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let cookie = open(&server, &token(&site, &["jiefang-1"]));
        report(&server, &cookie, &task_path("publicity", "jiefang-1"), &[("banners", "5"), ("letters", "30")], "");
        // The district (the campaign's owner) sees everything; a leadership reader too.
        let owner = open(&server, &token(&site, &["district-org"]));
        let dash = page(&server, "/d", &owner);
        assert_eq!(dash.status, 200);
        for text in ["解放路街道办事处", "人民路街道办事处", "悬挂宣传横幅", "<svg", "完成情况排名", "逾期未完成任务"]
        {
            assert!(dash.body.contains(text), "the dashboard lacks {text}");
        }
        let readers = site.ok(NOW, &["link", "readers"]);
        let email = readers.lines().find_map(|l| l.split_whitespace().find(|w| w.contains('@'))).expect("a reader");
        let reader = open(&server, &token(&site, &["--reader", email]));
        let home = page(&server, "/", &reader);
        assert_eq!((home.status, home.header("location")), (303, Some("/d")), "a reader goes to the dashboard");
        assert_eq!(page(&server, "/d", &reader).status, 200);
        // A community has no dashboard; a street's shows its communities only.
        assert_eq!(page(&server, "/d", &cookie).status, 403);
        let street = page(&server, "/d", &open(&server, &token(&site, &["jiefang"])));
        assert!(street.body.contains("解放路第一社区") && !street.body.contains("人民路第一社区"), "{}", street.body);
        // The live part: unchanged → 204.
        let live = page(&server, "/d/live?run=spring-festival/2027", &owner);
        assert_eq!(live.status, 200);
        let version = live.body.split("data-version=\"").nth(1).and_then(|s| s.split('"').next()).expect("a version");
        let unchanged = page(&server, &format!("/d/live?run=spring-festival/2027&v={version}"), &owner);
        assert_eq!(unchanged.status, 204);
        // The API's status is the CLI's, for the subtree.
        let auth = format!("Bearer {}", token(&site, &["jiefang"]));
        let api = http::get(&server.base, "/api/v1/runs/spring-festival/2027/status", &[("Authorization", &auth)]);
        let api: Value = serde_json::from_str(&api.body).expect("JSON");
        let units: BTreeSet<&str> =
            api["units"].as_array().expect("units").iter().map(|u| u["unit"].as_str().expect("id")).collect();
        assert!(units.contains("jiefang-1") && !units.contains("renmin-1"), "{units:?}");
        let banners =
            api["figures"].as_array().expect("figures").iter().find(|f| f["key"] == "banners").expect("banners");
        assert_eq!(banners["total"], 5.0);
        // The work report and the ledger, for those who see the whole campaign only.
        assert!(dash.body.contains("/d/report/spring-festival/2027/report.docx"), "no download on the dashboard");
        for (file, kind) in [("report.docx", "wordprocessingml"), ("ledger.xlsx", "spreadsheetml")] {
            let path = format!("/d/report/spring-festival/2027/{file}");
            for viewer in [&owner, &reader] {
                let got = page(&server, &path, viewer);
                assert_eq!(got.status, 200, "{path}: {}", got.body);
                assert!(got.header("content-type").is_some_and(|t| t.contains(kind)), "{:?}", got.headers);
                assert!(got.header("content-disposition").is_some_and(|d| d.starts_with("attachment;")));
                assert!(got.body.starts_with("PK"), "{path} is not a zip file");
            }
            assert_eq!(page(&server, &path, &cookie).status, 403, "a community downloads {file}");
            let street = open(&server, &token(&site, &["jiefang"]));
            assert_eq!(page(&server, &path, &street).status, 403, "a street downloads {file}");
            assert_eq!(http::get(&server.base, &path, &[]).status, 403, "{file} without a session");
        }
        assert_eq!(page(&server, "/d/report/spring-festival/2027/report.pdf", &owner).status, 404);
        assert_eq!(page(&server, "/d/report/spring-festival/2031/report.docx", &owner).status, 404);
        // Paging.
        let page1 = http::get(&server.base, "/api/v1/tasks?limit=2", &[("Authorization", &auth)]);
        let page1: Value = serde_json::from_str(&page1.body).expect("JSON");
        assert_eq!(page1["tasks"].as_array().expect("tasks").len(), 2);
        assert!(page1["total"].as_u64().expect("total") > 2);
        std::thread::sleep(Duration::from_millis(1));
    });
}

/// The SVG of the chart whose ids start with `id` in `page`, if the page has it.
fn chart<'a>(page: &'a str, id: &str) -> Option<&'a str> {
    let at = page.find(&format!("id=\"{id}"))?;
    let start = page[..at].rfind("<svg")?;
    let end = page[start..].find("</svg>")? + start;
    Some(&page[start..end])
}

/// The bug: the dashboard's figures card drew "0 人" for every figure nobody had reported. The
/// reports' rule holds on the dashboard too: a value nobody reported is "（待报送）", never 0.
#[test]
fn dashboard_figures_card_showed_0_for_figures_nobody_reported() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let owner = open(&server, &token(&site, &["district-org"]));
        let before = page(&server, "/d/live?run=spring-festival/2027", &owner);
        assert_eq!(before.status, 200, "{}", before.body);
        for label in ["悬挂宣传横幅", "走访返乡人员"] {
            assert!(
                before.body.contains(&format!("<li>{label}（待报送）</li>")),
                "{label} not pending: {}",
                before.body
            );
        }
        assert_eq!(chart(&before.body, "chart-figures"), None, "a chart of nothing but zeros");

        let cookie = open(&server, &token(&site, &["jiefang-1"]));
        let done =
            report(&server, &cookie, &task_path("publicity", "jiefang-1"), &[("banners", "5"), ("letters", "30")], "");
        assert_eq!(done.status, 303, "{}", done.body);
        let after = page(&server, "/d/live?run=spring-festival/2027", &owner);
        let figures = chart(&after.body, "chart-figures").expect("the figures chart once something was reported");
        assert!(figures.contains("悬挂宣传横幅") && figures.contains("张贴公开信"), "{figures}");
        for pending in ["新媒体推送", "走访返乡人员"] {
            assert!(!figures.contains(pending), "{pending} drawn though nobody reported it: {figures}");
            assert!(after.body.contains(&format!("<li>{pending}（待报送）</li>")), "{pending} not said to be pending");
        }
        assert!(!after.body.contains("<li>悬挂宣传横幅（待报送）</li>"), "a reported figure still pending");
        // English: the same rule.
        let en = page(&server, "/d/live?run=spring-festival/2027&lang=en", &owner);
        assert!(en.body.contains("(not yet reported)</li>"), "{}", en.body);
    });
}

/// A form POST from guiyan's own page with the session `cookie` (and any more cookies).
fn post(server: &Server, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Response {
    http::post_form(&server.base, path, &[("Cookie", cookie), ("Sec-Fetch-Site", "same-origin")], fields)
}

/// The valid ID number of the registry tests, its wrong check character, a mobile, an address.
const ID: &str = "11010519491231002X";
const BAD_ID: &str = "110105194912310021";
const MOBILE: &str = "13800138000";
const ADDRESS: &str = "解放路街道解放路第一社区3号楼2单元501";

#[test]
fn the_registry_keeps_each_book_to_its_scope_and_full_records_behind_the_pin() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        let j1 = open(&server, &token(&site, &["jiefang-1"]));
        let r2 = open(&server, &token(&site, &["renmin-2"]));
        let street = open(&server, &token(&site, &["jiefang"]));

        // A community worker adds a person: the wrong check character comes back beside its field,
        // with everything entered kept; corrected, the person is in the book.
        let portal = page(&server, "/", &j1);
        assert!(portal.body.contains("href=\"/r\""), "the portal links the book: {}", portal.body);
        let form = page(&server, "/r/new", &j1);
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = input_value(&form.body, "csrf").expect("csrf");
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("role", "registered"),
            ("name", "张三"),
            ("gender", "female"),
            ("id-number", BAD_ID),
            ("mobile", MOBILE),
            ("address", ADDRESS),
            ("category", "外出务工经商人员"),
            ("return-intent", "none-yet"),
        ];
        let refused = post(&server, "/r/new", &j1, &fields);
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("id=\"id-number-error\""), "{}", refused.body);
        assert_eq!(input_value(&refused.body, "mobile").as_deref(), Some(MOBILE), "kept");
        assert_eq!(input_value(&refused.body, "id-number").as_deref(), Some(BAD_ID), "kept");
        fields[4] = ("id-number", ID);
        // From another site: refused, nothing added.
        let cross =
            http::post_form(&server.base, "/r/new", &[("Cookie", &j1), ("Sec-Fetch-Site", "cross-site")], &fields);
        assert_eq!(cross.status, 400);
        let added = post(&server, "/r/new", &j1, &fields);
        assert_eq!(added.status, 303, "{}", added.body);
        let location = added.header("location").expect("to the person").to_string();
        assert!(location.ends_with("?entered=added"), "{location}");
        let person = location.split('?').next().expect("a path").to_string();
        // The same form again (a second tap): the same person, not a second record.
        let again = post(&server, "/r/new", &j1, &fields);
        assert_eq!(again.header("location"), Some(format!("{person}?entered=already").as_str()));

        // Its own community sees it masked until the PIN; nobody else in the directory sees it.
        let masked = page(&server, &person, &j1);
        assert_eq!(masked.status, 200);
        assert!(masked.body.contains("138****8000") && masked.body.contains("张三"), "{}", masked.body);
        for secret in [MOBILE, ID, "3号楼2单元501"] {
            assert!(!masked.body.contains(secret), "{secret} shown before the PIN");
        }
        assert_eq!(masked.header("cache-control"), Some("no-store"));
        for (path, body) in [
            (person.clone(), None),
            (format!("{person}/reveal"), Some(vec![("field", "mobile"), ("reason", "核实")])),
            (format!("{person}/followups"), Some(vec![("summary", "x"), ("channel", "phone")])),
            (format!("{person}/pool"), Some(vec![("status", "recommended")])),
        ] {
            let r2_csrf = input_value(&page(&server, "/r/new", &r2).body, "csrf").expect("csrf");
            let response = match body {
                None => page(&server, &path, &r2),
                Some(mut fields) => {
                    fields.push(("csrf", &r2_csrf));
                    post(&server, &path, &r2, &fields)
                }
            };
            assert_eq!(response.status, 404, "renmin-2 on {path}");
            assert!(!response.body.contains("张") && !response.body.contains("8000"), "{path}: {}", response.body);
        }
        let book = page(&server, "/r", &r2);
        assert!(!book.body.contains("张"), "another community's book: {}", book.body);
        let book = page(&server, "/r", &j1);
        assert!(book.body.contains("张三") && book.body.contains("138****8000") && !book.body.contains(MOBILE));

        // The API: the same scopes, masked, names too outside the own book; another's unit refused.
        let api = |cookie: &str, path: &str| {
            let r = page(&server, path, cookie);
            (r.status, serde_json::from_str::<Value>(&r.body).unwrap_or(Value::Null))
        };
        let (status, own_rows) = api(&j1, "/api/v1/registry/books");
        assert_eq!(status, 200);
        assert_eq!(own_rows["rows"][0]["person"]["name"], "张三");
        assert_eq!(own_rows["rows"][0]["person"]["mobile"], "138****8000");
        assert!(!own_rows.to_string().contains(MOBILE) && !own_rows.to_string().contains(ID));
        assert_eq!(api(&r2, "/api/v1/registry/books").1["total"], 0);
        assert_eq!(api(&r2, "/api/v1/registry/books?unit=jiefang-1").0, 403);
        assert_eq!(api(&r2, "/api/v1/registry/stats?unit=jiefang").0, 403);
        let (_, street_rows) = api(&street, "/api/v1/registry/books");
        assert_eq!(street_rows["rows"][0]["person"]["name"], "张*");
        assert_eq!(api(&street, "/api/v1/registry/stats").1["persons"], 1);
        assert_eq!(http::get(&server.base, "/api/v1/registry/books", &[]).status, 403);

        // The PIN: set on first use (twice, not trivial), then the full record.
        let unlock = page(&server, &format!("/r/unlock?to={}", person.trim_start_matches("/r/p/")), &j1);
        assert_eq!(unlock.status, 200);
        assert!(unlock.body.contains("name=\"again\""), "the first use sets the PIN: {}", unlock.body);
        let csrf = input_value(&unlock.body, "csrf").expect("csrf");
        let to = person.trim_start_matches("/r/p/").to_string();
        for (pin, again, status) in [("482913", "482914", 422), ("123456", "123456", 422), ("48291", "48291", 422)] {
            let r = post(&server, "/r/unlock", &j1, &[("csrf", &csrf), ("to", &to), ("pin", pin), ("again", again)]);
            assert_eq!(r.status, status, "{pin}/{again}: {}", r.body);
        }
        let set =
            post(&server, "/r/unlock", &j1, &[("csrf", &csrf), ("to", &to), ("pin", "482913"), ("again", "482913")]);
        assert_eq!(set.status, 303, "{}", set.body);
        assert_eq!(set.header("location"), Some(person.as_str()));
        let (unlocked, whole) = set.set_cookie("gy_unlock").expect("an unlock cookie");
        for part in ["HttpOnly", "SameSite=Strict", "Path=/r", "Max-Age=900"] {
            assert!(whole.contains(part), "{part} in {whole}");
        }
        let both = format!("{j1}; {unlocked}");
        let full = page(&server, &person, &both);
        for secret in [MOBILE, ID, ADDRESS] {
            assert!(full.body.contains(secret), "{secret} in the full record: {}", full.body);
        }
        // The unlock cookie is signed over its time and the session: edited, it unlocks nothing.
        let (at, mac) = unlocked.trim_start_matches("gy_unlock=").split_once('.').expect("time.mac");
        let earlier: i64 = at.parse::<i64>().expect("a time") - 1;
        let forged = format!("{j1}; gy_unlock={earlier}.{mac}");
        assert!(!page(&server, &person, &forged).body.contains(MOBILE), "an edited unlock cookie was taken");

        // A follow-up: a problem beside its field first, then saved; its next contact is listed.
        let csrf = input_value(&full.body, "csrf").expect("csrf");
        let followups = format!("{person}/followups");
        let bad =
            post(&server, &followups, &both, &[("csrf", &csrf), ("contacted_on", "2027-02-02"), ("channel", "visit")]);
        assert_eq!(bad.status, 422, "{}", bad.body);
        let good = post(
            &server,
            &followups,
            &both,
            &[
                ("csrf", &csrf),
                ("contacted_on", "2027-02-02"),
                ("channel", "visit"),
                ("summary", "在家过年，有意回乡开办农家乐<script>alert(1)</script>"),
                ("intent", "start-business"),
                ("next_contact_on", "2027-02-03"),
            ],
        );
        assert_eq!(good.status, 303, "{}", good.body);
        let after = page(&server, &person, &j1);
        assert!(after.body.contains("有意回乡开办农家乐") && after.body.contains("创业"), "{}", after.body);
        assert!(after.body.contains("&lt;script&gt;") && !after.body.contains("<script>alert"), "inert");

        // The street sees the book masked, names too; one field revealed with a reason, logged.
        let street_book = page(&server, "/r", &street);
        assert!(street_book.body.contains("张*") && !street_book.body.contains("张三"), "{}", street_book.body);
        let seen = page(&server, &person, &street);
        assert_eq!(seen.status, 200);
        assert!(!seen.body.contains(MOBILE) && !seen.body.contains("张三"));
        let csrf = input_value(&seen.body, "csrf").expect("csrf");
        let reveal = format!("{person}/reveal");
        let no_reason = post(&server, &reveal, &street, &[("csrf", &csrf), ("field", "mobile"), ("reason", " ")]);
        assert_eq!(no_reason.status, 422);
        assert!(!no_reason.body.contains(MOBILE));
        let revealed =
            post(&server, &reveal, &street, &[("csrf", &csrf), ("field", "mobile"), ("reason", "核实返乡创业意向")]);
        assert_eq!(revealed.status, 200, "{}", revealed.body);
        assert!(revealed.body.contains(MOBILE) && !revealed.body.contains(ID));
        let log = site.ok(NOW, &["registry", "audit"]);
        assert!(log.lines().any(|l| l.contains("reveal") && l.contains("reason=核实返乡创业意向")), "{log}");
        let verified = site.ok(NOW, &["registry", "audit", "--verify"]);
        assert!(verified.contains("哈希链校验通过") || verified.contains("hash chain verified"), "{verified}");

        // Five wrong PINs in a row lock it; even the right one waits.
        let unlock = page(&server, "/r/unlock", &r2);
        let csrf = input_value(&unlock.body, "csrf").expect("csrf");
        let set = post(&server, "/r/unlock", &r2, &[("csrf", &csrf), ("pin", "271828"), ("again", "271828")]);
        assert_eq!(set.status, 303);
        for left in (1..=4).rev() {
            let wrong = post(&server, "/r/unlock", &r2, &[("csrf", &csrf), ("pin", "314159")]);
            assert_eq!(wrong.status, 422);
            assert!(wrong.body.contains(&format!("还可尝试{left}次")), "{}", wrong.body);
        }
        let locked = post(&server, "/r/unlock", &r2, &[("csrf", &csrf), ("pin", "314159")]);
        assert_eq!(locked.status, 429, "{}", locked.body);
        let right = post(&server, "/r/unlock", &r2, &[("csrf", &csrf), ("pin", "271828")]);
        assert_eq!(right.status, 429, "locked: {}", right.body);
        assert!(right.set_cookie("gy_unlock").is_none());

        // Only the unit directly above resets it; then the community sets a new one.
        let street_csrf = input_value(&page(&server, "/r", &street).body, "csrf").expect("csrf");
        let other = post(&server, "/r/pin-reset", &street, &[("csrf", &street_csrf), ("unit", "renmin-2")]);
        assert_eq!(other.status, 403, "jiefang is not above renmin-2");
        let renmin = open(&server, &token(&site, &["renmin"]));
        let renmin_book = page(&server, "/r", &renmin);
        assert!(renmin_book.body.contains("value=\"renmin-2\""), "{}", renmin_book.body);
        let csrf = input_value(&renmin_book.body, "csrf").expect("csrf");
        let reset = post(&server, "/r/pin-reset", &renmin, &[("csrf", &csrf), ("unit", "renmin-2")]);
        assert_eq!(reset.status, 303);
        assert!(page(&server, "/r/unlock", &r2).body.contains("name=\"again\""), "a new PIN is set next");
        let log = site.ok(NOW, &["registry", "audit"]);
        assert!(log.lines().any(|l| l.contains("pin-reset") && l.contains("unit=renmin-2")), "{log}");

        // The reserve pool: the community recommends, only the street admits; a made-up status is
        // a bad request.
        let pool = format!("{person}/pool");
        let j1_csrf = input_value(&page(&server, &person, &j1).body, "csrf").expect("csrf");
        let admit = [("csrf", j1_csrf.as_str()), ("status", "admitted")];
        assert_eq!(post(&server, &pool, &j1, &admit).status, 403, "a community does not admit");
        let recommend = [("csrf", j1_csrf.as_str()), ("status", "recommended"), ("route", "self-nominated")];
        let recommended = post(&server, &pool, &j1, &recommend);
        assert_eq!(recommended.status, 303, "{}", recommended.body);
        let shown = page(&server, &person, &j1);
        assert!(shown.body.contains("推荐（自荐）"), "{}", shown.body);
        let street_csrf = input_value(&page(&server, &person, &street).body, "csrf").expect("csrf");
        let bogus = [("csrf", street_csrf.as_str()), ("status", "crowned")];
        assert_eq!(post(&server, &pool, &street, &bogus).status, 400);
        let admit = [("csrf", street_csrf.as_str()), ("status", "入库")];
        assert_eq!(post(&server, &pool, &street, &admit).status, 303);
        let decided = page(&server, &person, &j1);
        assert!(decided.body.contains("入库（自荐）"), "{}", decided.body);
        assert!(!decided.body.contains("/pool\""), "no pool form for a community once admitted: {}", decided.body);
        assert_eq!(api(&street, "/api/v1/registry/stats").1["by_pool_status"][2], serde_json::json!(["admitted", 1]));

        // Erased at the person's request by its community, unlocked; a reason first.
        let full = page(&server, &person, &both);
        let csrf = input_value(&full.body, "csrf").expect("csrf");
        let erase = format!("{person}/erase");
        assert_eq!(
            post(&server, &erase, &street, &[("csrf", &csrf), ("reason", "x")]).status,
            400,
            "the street's form"
        );
        assert_eq!(post(&server, &erase, &j1, &[("csrf", &csrf), ("reason", "本人要求")]).status, 403, "not unlocked");
        assert_eq!(post(&server, &erase, &both, &[("csrf", &csrf), ("reason", " ")]).status, 422);
        let erased = post(&server, &erase, &both, &[("csrf", &csrf), ("reason", "本人于2月2日电话要求删除")]);
        assert_eq!(erased.status, 303, "{}", erased.body);
        assert_eq!(erased.header("location"), Some("/r?erased=1"));
        assert!(!page(&server, "/r", &j1).body.contains("张三"));
        assert_eq!(page(&server, &person, &street).status, 404);
        assert_eq!(api(&street, "/api/v1/registry/stats").1["erased"], 1, "still counted");

        // Nothing personal in what the server printed.
        drop(server);
        for file in ["serve.stdout", "serve.stderr"] {
            let text = std::fs::read_to_string(site.path().join(file)).unwrap_or_default();
            for secret in [MOBILE, ID, "3号楼2单元501", "张三"] {
                assert!(!text.contains(secret), "{secret} in {file}");
            }
        }
    });
}

#[test]
fn the_notice_is_public_and_printable_and_recorded_with_the_person_shown_it() {
    for_each_db(|db| {
        let site = site(db);
        let server = serve(&site);
        // Public (a person may be sent it), nothing personal in it; only campaigns with a notice.
        let notice = http::get(&server.base, "/n/spring-festival", &[]);
        assert_eq!(notice.status, 200, "{}", notice.body);
        for part in ["个人信息处理告知书", "2027-1", "本人签字", "十五个工作日内答复", "data-print"]
        {
            assert!(notice.body.contains(part), "the notice lacks {part}: {}", notice.body);
        }
        assert_eq!(http::get(&server.base, "/n/qingming", &[]).status, 404, "qingming has no notice");
        assert_eq!(http::get(&server.base, "/n/nowhere", &[]).status, 404);
        let english = http::get(&server.base, "/n/spring-festival?lang=en", &[]);
        assert!(english.body.contains("Signature"), "{}", english.body);

        // The book links it; the add form offers it with the legal basis, and records both.
        let j1 = open(&server, &token(&site, &["jiefang-1"]));
        assert!(page(&server, "/r", &j1).body.contains("href=\"/n/spring-festival\""));
        let form = page(&server, "/r/new", &j1);
        assert!(form.body.contains("name=\"notice\" value=\"spring-festival\""), "{}", form.body);
        let csrf = input_value(&form.body, "csrf").expect("csrf");
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("name", "王五"),
            ("mobile", "13900139000"),
            ("notice", "qingming"),
            ("legal_basis", "consent"),
        ];
        assert_eq!(post(&server, "/r/new", &j1, &fields).status, 400, "a campaign without a notice");
        fields[3] = ("notice", "spring-festival");
        let added = post(&server, "/r/new", &j1, &fields);
        assert_eq!(added.status, 303, "{}", added.body);
        let person = added.header("location").expect("to the person").split('?').next().expect("a path").to_string();
        let shown = page(&server, &person, &j1);
        assert!(shown.body.contains("2027-1（2027-02-02 告知）"), "{}", shown.body);
        assert!(shown.body.contains("同意（《个人信息保护法》第十三条第一款第一项）"), "{}", shown.body);
    });
}

/// The suggestion of the registry tests, with markup that must stay inert.
const SUGGESTION: &str = "建议<b>修缮</b>村道";

#[test]
fn suggestions_are_recorded_moved_and_listed_only_within_their_scope() {
    for_each_db(|db| {
        let site = site(db);
        let sheet = site.path().join("台账.csv");
        std::fs::write(&sheet, format!("姓名,性别,联系电话\n张三,男,{MOBILE}\n")).expect("the sheet");
        site.ok(NOW, &["registry", "import", &sheet.to_string_lossy(), "--unit", "jiefang-1"]);
        let server = serve(&site);
        let j1 = open(&server, &token(&site, &["jiefang-1"]));
        let j2 = open(&server, &token(&site, &["jiefang-2"]));
        let r2 = open(&server, &token(&site, &["renmin-2"]));
        let street = open(&server, &token(&site, &["jiefang"]));
        let renmin = open(&server, &token(&site, &["renmin"]));
        let api = |cookie: &str, path: &str| {
            let r = page(&server, path, cookie);
            (r.status, serde_json::from_str::<Value>(&r.body).unwrap_or(Value::Null))
        };
        let person_id = api(&j1, "/api/v1/registry/books").1["rows"][0]["person"]["id"].as_i64().expect("the person");
        let person = format!("/r/p/{person_id}");
        let record = format!("{person}/suggestions");
        // A session's form token, from a page that carries a form: a community's add form, a
        // street's book (its PIN reset).
        let csrf_of = |cookie: &str| {
            ["/r/new", "/r"]
                .iter()
                .find_map(|path| input_value(&page(&server, path, cookie).body, "csrf"))
                .expect("a form token")
        };

        // The person's page offers the form, routed to the community or the units above it.
        let shown = page(&server, &person, &j1);
        assert!(shown.body.contains(&format!("action=\"{record}\"")), "{}", shown.body);
        assert!(shown.body.contains("value=\"jiefang\"") && shown.body.contains("value=\"district-org\""));
        let csrf = input_value(&shown.body, "csrf").expect("csrf");
        let empty = post(&server, &record, &j1, &[("csrf", &csrf), ("text", " "), ("due_on", "")]);
        assert_eq!(empty.status, 422, "{}", empty.body);
        assert!(empty.body.contains("请填写意见建议的内容"), "{}", empty.body);
        let past = post(&server, &record, &j1, &[("csrf", &csrf), ("text", SUGGESTION), ("due_on", "2027-01-01")]);
        assert_eq!(past.status, 422);
        assert!(past.body.contains("建议&lt;b&gt;修缮&lt;/b&gt;村道"), "the text kept, inert: {}", past.body);
        let sideways = [("csrf", csrf.as_str()), ("text", SUGGESTION), ("route_to", "jiefang-2")];
        assert_eq!(post(&server, &record, &j1, &sideways).status, 400, "routed to a sibling");
        let cross = http::post_form(
            &server.base,
            &record,
            &[("Cookie", &j1), ("Sec-Fetch-Site", "cross-site")],
            &[("csrf", &csrf), ("text", SUGGESTION)],
        );
        assert_eq!(cross.status, 400, "from another site");
        assert_eq!(post(&server, &record, &j1, &[("text", SUGGESTION)]).status, 400, "without the form's token");
        for (who, cookie) in [("renmin-2", &r2), ("jiefang-2", &j2), ("renmin", &renmin)] {
            let csrf = csrf_of(cookie);
            let r = post(&server, &record, cookie, &[("csrf", &csrf), ("text", SUGGESTION)]);
            assert_eq!(r.status, 404, "{who} records for a person outside its scope");
        }
        let own = [("csrf", csrf.as_str()), ("text", SUGGESTION), ("category", "infrastructure")];
        let recorded = post(&server, &record, &j1, &own);
        assert_eq!(recorded.status, 303, "{}", recorded.body);
        assert_eq!(recorded.header("location"), Some(format!("{person}?suggested=1#suggestions").as_str()));
        let up =
            [("csrf", csrf.as_str()), ("text", "建议增加人才公寓"), ("route_to", "jiefang"), ("due_on", "2027-02-10")];
        assert_eq!(post(&server, &record, &j1, &up).status, 303);
        assert_eq!(api(&j1, "/api/v1/registry/suggestions").1["suggestions"].as_array().map(Vec::len), Some(1));

        // The lists: each unit what is routed into its scope, names masked outside the own book.
        let (status, listed) = api(&street, "/api/v1/registry/suggestions");
        assert_eq!(status, 200);
        let rows = listed["suggestions"].as_array().expect("suggestions").clone();
        assert_eq!(rows.len(), 2, "{listed}");
        assert!(rows.iter().all(|s| s["person_name"] == "张*" && s["state"] == "received"), "{listed}");
        let id_of =
            |unit: &str| rows.iter().find(|s| s["unit"] == unit).and_then(|s| s["id"].as_i64()).expect("a suggestion");
        let (at_j1, at_street) = (id_of("jiefang-1"), id_of("jiefang"));
        for (who, cookie) in [("renmin-2", &r2), ("jiefang-2", &j2), ("renmin", &renmin)] {
            assert_eq!(api(cookie, "/api/v1/registry/suggestions").1["suggestions"], serde_json::json!([]), "{who}");
            let list = page(&server, "/r/s", cookie);
            assert_eq!(list.status, 200);
            assert!(!list.body.contains("修缮") && !list.body.contains("张"), "{who}: {}", list.body);
        }
        assert_eq!(api(&r2, "/api/v1/registry/suggestions?unit=jiefang-1").0, 403);
        assert_eq!(http::get(&server.base, "/api/v1/registry/suggestions", &[]).status, 403);
        assert_eq!(page(&server, "/r/s", "gy_session=forged").status, 403);
        let list = page(&server, "/r/s", &j1);
        assert_eq!(list.status, 200);
        assert_eq!(list.header("cache-control"), Some("no-store"));
        assert!(
            list.body.contains("建议&lt;b&gt;修缮&lt;/b&gt;村道") && !list.body.contains("<b>修缮"),
            "{}",
            list.body
        );
        assert!(list.body.contains(&format!("action=\"/r/s/{at_j1}/move\"")), "{}", list.body);
        assert!(!list.body.contains("人才公寓"), "the street's suggestion on the community's list");
        assert!(page(&server, "/r", &j1).body.contains("href=\"/r/s\""), "the book links the suggestions");

        // Moves: never by a unit outside the scope or below the unit routed to, never skipped.
        let mv = |cookie: &str, id: i64, state: &str, note: &str| {
            let csrf = csrf_of(cookie);
            post(&server, &format!("/r/s/{id}/move"), cookie, &[("csrf", &csrf), ("state", state), ("note", note)])
        };
        assert_eq!(mv(&r2, at_j1, "in-progress", "").status, 404);
        assert_eq!(mv(&renmin, at_j1, "in-progress", "").status, 404);
        assert_eq!(mv(&j1, at_street, "in-progress", "").status, 404, "routed above the community");
        assert_eq!(mv(&j1, at_j1, "crowned", "").status, 400);
        let skipped = mv(&j1, at_j1, "answered", "已答复");
        assert_eq!(skipped.status, 422, "{}", skipped.body);
        assert!(skipped.body.contains("须依次经过受理、办理、已反馈"), "{}", skipped.body);
        let handled = mv(&j1, at_j1, "in-progress", "已转交街道城建科");
        assert_eq!(handled.status, 303, "{}", handled.body);
        assert_eq!(handled.header("location"), Some("/r/s?moved=1"));
        let no_answer = mv(&j1, at_j1, "answered", " ");
        assert_eq!(no_answer.status, 422);
        assert!(no_answer.body.contains("办结反馈须填写答复内容"), "{}", no_answer.body);
        assert_eq!(mv(&j1, at_j1, "answered", "村道已列入明年修缮计划").status, 303);
        assert_eq!(mv(&street, at_street, "in-progress", "").status, 303, "the street handles its own");
        let after = page(&server, &person, &j1);
        assert!(after.body.contains("已反馈") && after.body.contains("村道已列入明年修缮计划"), "{}", after.body);
        let (_, open) = api(&street, "/api/v1/registry/suggestions?open=true");
        assert_eq!(open["suggestions"].as_array().map(Vec::len), Some(1), "{open}");

        // Later, past the due day: the open one is marked overdue in red words.
        drop(server);
        let later = Server::start(&site, "2027-02-13T10:00:00+08:00");
        let list = page(&later, "/r/s", &street);
        assert!(list.body.contains("<strong class=\"late\">已逾期3天</strong>"), "{}", list.body);

        // Every record and move is in the access log, nothing personal; the chain holds.
        let log = site.ok(NOW, &["registry", "audit"]);
        assert!(log.contains("to=jiefang-1") && log.contains("to=jiefang "), "the records: {log}");
        assert!(log.contains("state=answered") && !log.contains(MOBILE) && !log.contains("修缮"), "{log}");
        let verified = site.ok(NOW, &["registry", "audit", "--verify"]);
        assert!(verified.contains("哈希链校验通过") || verified.contains("hash chain verified"), "{verified}");
    });
}

/// A second person's valid ID number and mobile (renmin-2's book).
const ID_2: &str = "110105198001010016";
const MOBILE_2: &str = "13700137000";

/// The rows of the first sheet of an `.xlsx` download, header first.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx download");
    let range = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

/// The text of a counts table's row on `/r/stats`: `(label, count)` pairs of section `id`.
fn count_rows(html: &str, id: &str) -> Vec<(String, u64)> {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}: {html}"));
    let section = &html[start..start + html[start..].find("</section>").expect("a section's end")];
    section
        .split("<tr>")
        .skip(1)
        .map(|row| {
            let th = row.split("<th scope=\"row\">").nth(1).and_then(|t| t.split("</th>").next()).unwrap_or_default();
            let label = th.rsplit('>').nth(if th.contains("</a>") { 1 } else { 0 }).unwrap_or(th);
            let label = label.trim_end_matches("</a").to_string();
            let count = row.split("<td class=\"count\">").nth(1).and_then(|c| c.split('<').next()).unwrap_or_default();
            (label, count.parse().unwrap_or_else(|_| panic!("a count in {row}")))
        })
        .collect()
}

#[test]
fn the_registry_counts_roll_up_by_the_units_below_and_show_nothing_personal() {
    for_each_db(|db| {
        let site = site(db);
        let sheet = site.path().join("全区台账.csv");
        std::fs::write(
            &sheet,
            "姓名,联系电话,人才类别,返乡意愿,社区\n张三,13800138000,外出务工经商人员,创业,解放路第一社区\n\
             李四,13900139000,专业技术人员,暂无,jiefang-1\n王五,13700137000,外出务工经商人员,就业,jiefang-2\n\
             赵六,13600136000,大中专毕业生,创业,renmin-2\n",
        )
        .expect("the sheet");
        site.ok(NOW, &["registry", "import", &sheet.to_string_lossy()]);
        let server = serve(&site);
        let owner = open(&server, &token(&site, &["district-org"]));
        let street = open(&server, &token(&site, &["jiefang"]));
        let r2 = open(&server, &token(&site, &["renmin-2"]));

        // The district: its streets, the categories and intents over the whole district.
        let district = page(&server, "/r/stats", &owner);
        assert_eq!(district.status, 200, "{}", district.body);
        let streets = count_rows(&district.body, "by-unit");
        assert!(streets.contains(&("解放路街道办事处".into(), 3)), "{streets:?}");
        assert!(streets.contains(&("人民路街道办事处".into(), 1)), "{streets:?}");
        assert!(streets.contains(&("滨河街道办事处".into(), 0)), "zeros listed: {streets:?}");
        let categories = count_rows(&district.body, "by-category");
        assert!(categories.contains(&("外出务工经商人员".into(), 2)), "{categories:?}");
        let intents = count_rows(&district.body, "by-intent");
        assert!(intents.contains(&("创业".into(), 2)), "{intents:?}");
        let pool = count_rows(&district.body, "by-pool");
        assert!(pool.contains(&("未纳入".into(), 4)), "{pool:?}");
        assert!(district.body.contains("<strong>4</strong>"), "the total");
        // A street: its communities, the one with nobody too; a street's own line links its counts.
        assert!(district.body.contains("href=\"/r/stats?unit=jiefang\""), "{}", district.body);
        let own = page(&server, "/r/stats", &street);
        let communities = count_rows(&own.body, "by-unit");
        assert_eq!(
            communities,
            [("解放路第一社区".to_string(), 2), ("解放路第二社区".to_string(), 1), ("解放路第三社区".to_string(), 0)]
        );
        assert!(page(&server, "/r", &street).body.contains("href=\"/r/stats\""), "the book links the counts");
        let nobody = page(&server, "/r/stats?unit=jiefang-3", &street);
        assert!(nobody.body.contains("人才库统计 · 解放路第三社区"), "a unit with nobody is named: {}", nobody.body);
        assert!(nobody.body.contains("<strong>0</strong>"), "{}", nobody.body);
        // Another community's subtree is refused; counts only, never a name or a number.
        assert_eq!(page(&server, "/r/stats?unit=jiefang-1", &r2).status, 403);
        for body in [&district.body, &own.body] {
            for secret in ["张三", "李四", "张*", "13800138000", "138****8000"] {
                assert!(!body.contains(secret), "{secret} on the counts page");
            }
        }
        assert!(page(&server, "/r/stats?lang=en", &owner).body.contains("By category"));
        let log = site.ok(NOW, &["registry", "audit"]);
        assert!(log.lines().filter(|l| l.contains("stats")).count() >= 3, "each view is logged: {log}");
    });
}

#[test]
fn the_registry_book_is_searched_and_exported_masked_within_its_scope() {
    for_each_db(|db| {
        let site = site(db);
        let import = |unit: &str, rows: &str| {
            let sheet = site.path().join(format!("{unit}.csv"));
            std::fs::write(&sheet, format!("姓名,性别,身份证号,联系电话,家庭住址\n{rows}")).expect("the sheet");
            site.ok(NOW, &["registry", "import", &sheet.to_string_lossy(), "--unit", unit]);
        };
        import("jiefang-1", &format!("张三,女,{ID},{MOBILE},{ADDRESS}\n李四,女,,13900139000,\n"));
        import("renmin-2", &format!("王五,男,{ID_2},{MOBILE_2},人民路街道人民路第二社区8号楼\n"));
        // 51 persons named 赵… in jiefang-2: a search of two pages.
        let given = ["一", "二", "三", "四", "五", "六", "七", "八"];
        let many: String =
            (0..51).map(|i| format!("赵{}{},男,,1390000{i:04},\n", given[i / 8], given[i % 8])).collect();
        import("jiefang-2", &many);
        let server = serve(&site);
        let j1 = open(&server, &token(&site, &["jiefang-1"]));
        let r2 = open(&server, &token(&site, &["renmin-2"]));
        let street = open(&server, &token(&site, &["jiefang"]));
        let readers = site.ok(NOW, &["link", "readers"]);
        let email = readers.lines().find_map(|l| l.split_whitespace().find(|w| w.contains('@'))).expect("a reader");
        let reader = open(&server, &token(&site, &["--reader", email]));
        let api = |cookie: &str, path: &str| {
            let r = page(&server, path, cookie);
            (r.status, serde_json::from_str::<Value>(&r.body).unwrap_or(Value::Null))
        };
        let archive =
            api(&j1, "/api/v1/registry/books").1["rows"][0]["archive_no"].as_str().expect("a number").to_string();
        let secrets = [MOBILE, ID, "3号楼2单元501", MOBILE_2, ID_2, "8号楼"];

        // The own community finds its person by name, by the whole mobile in another spelling, by
        // the ID number and by the archive number: masked, the box keeping what was typed.
        let spelled = "+86 138-0013-8000";
        for q in ["张三", spelled, "11010519491231002x", archive.as_str()] {
            let found = page(&server, &format!("/r?q={}", http::encode(q)), &j1);
            assert_eq!(found.status, 200, "{q}: {}", found.body);
            assert!(found.body.contains("张三") && found.body.contains("138****8000"), "{q}: {}", found.body);
            assert!(!found.body.contains("李四"), "{q} finds only 张三");
            assert_eq!(input_value(&found.body, "q").as_deref(), Some(q), "the box keeps {q}");
            for secret in secrets {
                assert!(!found.body.contains(secret), "{q}: {secret} shown");
            }
        }
        // What was typed is shown inert.
        let typed = page(&server, &format!("/r?q={}", http::encode("<b>张")), &j1);
        assert!(typed.body.contains("&lt;b&gt;张") && !typed.body.contains("<b>张"), "{}", typed.body);
        assert!(typed.body.contains("没有找到"), "{}", typed.body);
        // Part of a phone is not looked up.
        assert!(page(&server, "/r?q=8000", &j1).body.contains("没有找到"));
        // From another community's link: nothing found, nothing revealed.
        for q in ["张三", spelled, ID, archive.as_str(), "张"] {
            let other = page(&server, &format!("/r?q={}", http::encode(q)), &r2);
            assert_eq!(other.status, 200);
            assert!(other.body.contains("没有找到") && !other.body.contains("张*"), "{q}: {}", other.body);
            assert!(!other.body.contains("138****8000"), "{q}: {}", other.body);
            let (_, rows) = api(&r2, &format!("/api/v1/registry/books?q={}", http::encode(q)));
            assert_eq!(rows["total"], 0, "{q} through renmin-2's API: {rows}");
        }
        // The street finds its community's person, masked, name too; not renmin's.
        let found = page(&server, &format!("/r?q={}", http::encode(spelled)), &street);
        assert!(found.body.contains("张*") && found.body.contains("138****8000"), "{}", found.body);
        assert!(!found.body.contains("张三"), "{}", found.body);
        assert!(page(&server, &format!("/r?q={ID_2}"), &street).body.contains("没有找到"));
        let (status, rows) = api(&street, &format!("/api/v1/registry/books?q={}", http::encode(ID)));
        assert_eq!((status, rows["total"].as_u64()), (200, Some(1)), "{rows}");
        assert_eq!(rows["rows"][0]["person"]["name"], "张*");
        // The search and the unit stay in the form and in the pager.
        let within = page(&server, "/r?q=%E5%BC%A0&unit=jiefang-1&lang=en", &street);
        assert_eq!(within.status, 200);
        assert_eq!(input_value(&within.body, "unit").as_deref(), Some("jiefang-1"));
        assert_eq!(input_value(&within.body, "lang").as_deref(), Some("en"));
        assert_eq!(page(&server, "/r?q=%E5%BC%A0&unit=jiefang-1", &r2).status, 403, "another's unit");
        let first = page(&server, "/r?q=%E8%B5%B5&unit=jiefang-2", &street);
        assert!(first.body.contains("51 "), "{}", first.body);
        let next = "/r?page=2&amp;unit=jiefang-2&amp;q=%E8%B5%B5";
        assert!(first.body.contains(&format!("href=\"{next}\"")), "the pager keeps the search: {}", first.body);
        let second = page(&server, &next.replace("&amp;", "&"), &street);
        assert_eq!(second.body.matches("class=\"person\"").count(), 1, "{}", second.body);
        assert_eq!(input_value(&second.body, "q").as_deref(), Some("赵"));

        // The export: masked, only the scope's persons, as xlsx and CSV.
        let book = page(&server, "/r", &j1);
        assert!(book.body.contains("href=\"/r/export?format=xlsx\"") && book.body.contains("导出名册（已脱敏）"));
        let xlsx = page(&server, "/r/export?format=xlsx", &j1);
        assert_eq!(xlsx.status, 200, "{}", xlsx.body);
        assert_eq!(xlsx.header("cache-control"), Some("no-store"));
        let disposition = xlsx.header("content-disposition").expect("a download").to_string();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        let name = "乡土人才-解放路第一社区-2027-02-02.xlsx";
        let encoded: String = name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        assert!(disposition.contains(&format!("filename*=UTF-8''{encoded}")), "{disposition}");
        let rows = xlsx_rows(&xlsx.bytes);
        let cells: Vec<String> = rows.iter().flatten().cloned().collect();
        assert_eq!(rows.len(), 3, "a header and jiefang-1's two persons: {rows:?}");
        for shown in ["张三", "李四", "138****8000", "1101**********002X", "139****9000"] {
            assert!(cells.iter().any(|c| c == shown), "{shown} in {cells:?}");
        }
        for secret in secrets.iter().chain(&["王五"]) {
            assert!(!cells.iter().any(|c| c.contains(secret)), "{secret} in the export");
        }
        let csv = page(&server, "/r/export?format=csv", &street);
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-type").is_some_and(|t| t.starts_with("text/csv")));
        assert!(
            csv.body.contains("张*") && csv.body.contains("138****8000") && !csv.body.contains("张三"),
            "{}",
            csv.body
        );
        for secret in secrets.iter().chain(&["王五", "王*"]) {
            assert!(!csv.body.contains(secret), "{secret} in the street's CSV");
        }
        // A leadership reader exports masked too; through the API's token as well.
        let whole = page(&server, "/r/export?format=csv", &reader);
        assert_eq!(whole.status, 200, "{}", whole.body);
        assert!(whole.body.contains("张*") && whole.body.contains("王*") && !whole.body.contains("王五"));
        let bearer = token(&site, &["jiefang-1"]);
        let by_token = http::get(
            &server.base,
            "/api/v1/registry/export?format=csv",
            &[("Authorization", &format!("Bearer {bearer}"))],
        );
        assert_eq!(by_token.status, 200, "{}", by_token.body);
        assert!(
            by_token.body.contains("张三") && by_token.body.contains("138****8000") && !by_token.body.contains(MOBILE)
        );
        // Refused: an unknown format, a unit outside the scope, no session.
        assert_eq!(page(&server, "/r/export?format=pdf", &j1).status, 400);
        assert_eq!(api(&j1, "/api/v1/registry/export?format=pdf").0, 400);
        let outside = page(&server, "/r/export?format=csv&unit=jiefang-1", &r2);
        assert_eq!(outside.status, 403);
        assert!(!outside.body.contains("张") && !outside.body.contains("8000"));
        assert_eq!(api(&r2, "/api/v1/registry/export?format=csv&unit=jiefang-1").0, 403);
        assert_eq!(http::get(&server.base, "/r/export?format=csv", &[]).status, 403);
        assert_eq!(http::get(&server.base, "/api/v1/registry/export?format=csv", &[]).status, 403);

        // The access log has the exports and the searches by their kind, never what was searched.
        let log = site.ok(NOW, &["registry", "audit"]);
        assert!(log.lines().any(|l| l.contains("export") && l.contains("unit=*")), "{log}");
        for kind in ["search=name", "search=mobile", "search=id-number"] {
            assert!(log.contains(kind), "{kind}: {log}");
        }
        for searched in [MOBILE, "0013", ID, "002x", "张三", "张", archive.as_str()] {
            assert!(!log.contains(searched), "{searched} in the access log: {log}");
        }
        let verified = site.ok(NOW, &["registry", "audit", "--verify"]);
        assert!(verified.contains("哈希链校验通过") || verified.contains("hash chain verified"), "{verified}");
        drop(server);
        for file in ["serve.stdout", "serve.stderr"] {
            let text = std::fs::read_to_string(site.path().join(file)).unwrap_or_default();
            // Not "0013" alone here: a log line's timestamp (…:10.001345Z) may hold it.
            for secret in [MOBILE, spelled, ID, "002x", "张三", "3号楼2单元501"] {
                assert!(!text.contains(secret), "{secret} in {file}");
            }
        }
    });
}

/// Every route of the talent registry (`/r…`, `/api/v1/registry/…`) as `crates/web/src/server.rs`
/// declares it, with the probe another community (renmin-2) makes of jiefang-1's person or book
/// (`{person}` is its id) and the statuses that keep it out. A route added to the router without
/// a line here fails `every_registry_route_keeps_another_communitys_persons_out`.
const REGISTRY_ROUTES: &[(&str, &str, &str, &[u16])] = &[
    // Lists of the viewer's own scope: another's unit refused.
    ("/r", "GET", "/r?unit=jiefang-1", &[403]),
    ("/r/export", "GET", "/r/export?format=csv&unit=jiefang-1", &[403]),
    ("/api/v1/registry/books", "GET", "/api/v1/registry/books?unit=jiefang-1", &[403]),
    ("/api/v1/registry/export", "GET", "/api/v1/registry/export?format=csv&unit=jiefang-1", &[403]),
    ("/api/v1/registry/stats", "GET", "/api/v1/registry/stats?unit=jiefang-1", &[403]),
    ("/api/v1/registry/suggestions", "GET", "/api/v1/registry/suggestions?unit=jiefang-1", &[403]),
    // Pages of the viewer's own book only: shown, with nothing of jiefang-1's.
    ("/r/new", "GET", "/r/new", &[200]),
    ("/r/requests", "GET", "/r/requests?all=1", &[200]),
    ("/r/review", "GET", "/r/review", &[200]),
    ("/r/stats", "GET", "/r/stats?unit=jiefang-1", &[403]),
    ("/r/s", "GET", "/r/s", &[200]),
    ("/r/unlock", "GET", "/r/unlock", &[200]),
    ("/r/import", "GET", "/r/import", &[200]),
    ("/r/template.xlsx", "GET", "/r/template.xlsx", &[200]),
    // A person of another book: not found (or refused), read or written.
    ("/r/p/{id}", "GET", "/r/p/{person}", &[404]),
    ("/r/p/{id}/print", "GET", "/r/p/{person}/print", &[403, 404]),
    ("/r/p/{id}/reveal", "POST", "/r/p/{person}/reveal", &[404]),
    ("/r/p/{id}/followups", "POST", "/r/p/{person}/followups", &[404]),
    ("/r/p/{id}/erase", "POST", "/r/p/{person}/erase", &[403, 404]),
    ("/r/p/{id}/pool", "POST", "/r/p/{person}/pool", &[404]),
    ("/r/p/{id}/requests", "POST", "/r/p/{person}/requests", &[403, 404]),
    ("/r/p/{id}/requests/{request}", "POST", "/r/p/{person}/requests/1", &[403, 404]),
    ("/r/p/{id}/review", "POST", "/r/p/{person}/review", &[403, 404]),
    ("/r/p/{id}/suggestions", "POST", "/r/p/{person}/suggestions", &[403, 404]),
    ("/r/s/{id}/move", "POST", "/r/s/1/move", &[403, 404]),
    // Writes of the viewer's own: another's unit refused.
    ("/r/new", "POST", "/r/new", &[422]),
    ("/r/unlock", "POST", "/r/unlock", &[422]),
    ("/r/pin-reset", "POST", "/r/pin-reset", &[403]),
    // Not a file upload: refused (what an upload may enter is tested in web_upload.rs).
    ("/r/import", "POST", "/r/import", &[400]),
];

/// The registry's routes and their methods as the router declares them.
fn declared_registry_routes() -> BTreeSet<(String, String)> {
    let server = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/web/src/server.rs");
    let text = std::fs::read_to_string(&server).expect("the router's source");
    let mut out = BTreeSet::new();
    // Each `.route(` up to the next, so a route rustfmt spread over lines counts as one.
    for declared in text.split(".route(").skip(1) {
        let route = declared.trim_start().trim_start_matches('"').split('"').next().unwrap_or_default();
        if !(route == "/r" || route.starts_with("/r/") || route.starts_with("/api/v1/registry/")) {
            continue;
        }
        for (call, method) in [("get(", "GET"), ("post(", "POST")] {
            if declared.contains(call) {
                out.insert((route.to_string(), method.to_string()));
            }
        }
    }
    out
}

#[test]
fn every_registry_route_keeps_another_communitys_persons_out() {
    let listed: BTreeSet<(String, String)> =
        REGISTRY_ROUTES.iter().map(|(route, method, _, _)| (route.to_string(), method.to_string())).collect();
    assert_eq!(declared_registry_routes(), listed, "every registry route of the router has its probe here");
    for_each_db(|db| {
        let site = site(db);
        let sheet = site.path().join("台账.csv");
        std::fs::write(&sheet, format!("姓名,性别,身份证号,联系电话\n张三,女,{ID},{MOBILE}\n")).expect("the sheet");
        site.ok(NOW, &["registry", "import", &sheet.to_string_lossy(), "--unit", "jiefang-1"]);
        let server = serve(&site);
        let j1 = open(&server, &token(&site, &["jiefang-1"]));
        let bearer = token(&site, &["renmin-2"]);
        let r2 = open(&server, &bearer);
        let books = page(&server, "/api/v1/registry/books", &j1);
        let books: Value = serde_json::from_str(&books.body).expect("JSON");
        let person = books["rows"][0]["person"]["id"].as_i64().expect("jiefang-1's person").to_string();
        // A suggestion of jiefang-1's person (the first: number 1), for the move's probe.
        let own_csrf = input_value(&page(&server, "/r/new", &j1).body, "csrf").expect("csrf");
        let recorded = post(
            &server,
            &format!("/r/p/{person}/suggestions"),
            &j1,
            &[("csrf", &own_csrf), ("text", "建议修缮村道"), ("category", "infrastructure")],
        );
        assert_eq!(recorded.status, 303, "{}", recorded.body);
        let csrf = input_value(&page(&server, "/r/new", &r2).body, "csrf").expect("csrf");
        let fields = [
            ("csrf", csrf.as_str()),
            ("field", "mobile"),
            ("reason", "核实"),
            ("summary", "x"),
            ("channel", "phone"),
            ("status", "recommended"),
            ("unit", "jiefang-1"),
            ("pin", "314159"),
            ("state", "in-progress"),
            ("text", "x"),
        ];
        for (route, method, probe, expected) in REGISTRY_ROUTES {
            let path = probe.replace("{person}", &person);
            let responses = if *method == "GET" {
                let by_bearer = http::get(&server.base, &path, &[("Authorization", &format!("Bearer {bearer}"))]);
                vec![page(&server, &path, &r2), by_bearer]
            } else {
                vec![post(&server, &path, &r2, &fields)]
            };
            for response in responses {
                assert!(expected.contains(&response.status), "{method} {route} ({path}): {}", response.status);
                for secret in ["张三", "张*", MOBILE, "138****8000", ID] {
                    assert!(!response.body.contains(secret), "{method} {path} shows {secret}");
                }
            }
        }
    });
}
