//! Figures counted from the talent register (`counted:`), through the real `guiyan` binary on
//! SQLite and PostgreSQL: a unit cannot report more persons than it registered during the run;
//! the work report's 入库X人 and 返乡创业意愿X人 are counts of the records, in text, Word and Excel;
//! the progress report and the ledger show what units typed beside the register's count; the
//! web form shows the count under its field and refuses more beside it.

mod support;

use support::id_number as id;

use std::io::Read;

use calamine::Reader;
use support::http::{self, input_value};
use support::serve::{Server, link_token};
use support::site::{Site, stderr, stdout};
use support::{TestDb, for_each_db};

const RUN: &str = "spring-festival/2027";
/// Before the 2027 run opens (01-16 09:00): entries then are not this season's.
const BEFORE: &str = "2027-01-10T10:00:00+08:00";
const NOW: &str = "2027-01-20T10:00:00+08:00";
const LATER: &str = "2027-01-25T10:00:00+08:00";

/// Declares three figures of the bundled spring-festival campaign counted from the register.
fn count_from_the_register(site: &Site) {
    let path = site.path().join("workflows/spring-festival.yaml");
    let yaml = std::fs::read_to_string(&path).expect("read spring-festival.yaml");
    let mut changed = yaml.clone();
    for (from, to) in [
        (
            "registered: { label: 乡土人才入库, unit: 人 }",
            "registered: { label: 乡土人才入库, unit: 人, counted: entered }",
        ),
        (
            "willing:  { label: 有返乡创业意愿, unit: 人 }",
            "willing:  { label: 有返乡创业意愿, unit: 人, counted: intent-startup }",
        ),
        (
            "reserve:  { label: 纳入后备干部库, unit: 人 }",
            "reserve:  { label: 纳入后备干部库, unit: 人, counted: pool }",
        ),
    ] {
        assert!(changed.contains(from), "spring-festival.yaml no longer has `{from}`");
        changed = changed.replace(from, to);
    }
    std::fs::write(&path, changed).expect("write spring-festival.yaml");
}

/// A CSV sheet of `rows` (姓名, 身份证号, 返乡意愿).
fn sheet(site: &Site, name: &str, rows: &[(&str, String, &str)]) -> String {
    let mut text = String::from("姓名,身份证号,返乡意愿\n");
    for (person, id, intent) in rows {
        text.push_str(&format!("{person},{id},{intent}\n"));
    }
    let path = site.path().join(name);
    std::fs::write(&path, text).expect("write the sheet");
    path.to_string_lossy().into_owned()
}

#[test]
fn the_work_report_counts_the_register_and_a_unit_cannot_report_more_than_it_registered() {
    for_each_db(scenario);
}

fn scenario(db: &TestDb) {
    let site = Site::new(db);
    count_from_the_register(&site);
    site.ok(NOW, &["validate"]);

    // One person entered before the season (not this season's), then three in jiefang-1 and
    // one in jiefang-2 during it; three of those four intend to start a business.
    site.ok(BEFORE, &["apply"]);
    let early = sheet(&site, "早.csv", &[("周一", id("37080219700101111"), "创业")]);
    site.ok(BEFORE, &["registry", "import", &early, "--unit", "jiefang-1"]);
    site.ok(NOW, &["apply"]);
    let first = sheet(
        &site,
        "解放路第一社区.csv",
        &[
            ("张三", id("37080219800101123"), "创业"),
            ("李四", id("37080219810202234"), "创业"),
            ("王五", id("37080219820303345"), "暂无"),
        ],
    );
    site.ok(NOW, &["registry", "import", &first, "--unit", "jiefang-1"]);
    let second = sheet(&site, "解放路第二社区.csv", &[("赵六", id("37080219830404456"), "创业")]);
    site.ok(NOW, &["registry", "import", &second, "--unit", "jiefang-2"]);

    // jiefang-2's task page shows its count (1) under the field and fills it in; a report of 2
    // from the web is refused beside the field, with what was typed kept.
    {
        let server = Server::start(&site, NOW);
        let token = link_token(&site, NOW, &["jiefang-2"]);
        let r = http::get(&server.base, &format!("/l/{token}"), &[]);
        let (cookie, _) = r.set_cookie("gy_session").expect("a session cookie");
        let path = format!("/t/{RUN}/household-visits/jiefang-2");
        let form = http::get(&server.base, &path, &[("Cookie", &cookie)]);
        assert_eq!(form.status, 200, "{}", form.body);
        assert!(form.body.contains("人才名册：本期在人才名册登记的人数 1 人，填报不能多于此数"), "{}", form.body);
        assert_eq!(input_value(&form.body, "f.registered").as_deref(), Some("1"));
        let csrf = input_value(&form.body, "csrf").expect("the form's CSRF token");
        let key = input_value(&form.body, "key").expect("the form's key");
        let fields = [
            ("csrf", csrf.as_str()),
            ("key", key.as_str()),
            ("note", ""),
            ("f.visited", "12"),
            ("f.phoned", "3"),
            ("f.registered", "2"),
        ];
        let sent =
            http::post_form(&server.base, &path, &[("Cookie", &cookie), ("Sec-Fetch-Site", "same-origin")], &fields);
        assert_eq!(sent.status, 422, "{}", sent.body);
        assert!(sent.body.contains("多于人才名册中的 1 人"), "{}", sent.body);
        assert_eq!(input_value(&sent.body, "f.registered").as_deref(), Some("2"), "what was typed is kept");
    }

    // The district admits 张三 to the reserve pool (found by the number the JSON export gives).
    let export = site.ok(NOW, &["registry", "export", "--unit", "jiefang-1", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&export).expect("the export is JSON");
    let zhang = rows
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == "张三"))
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("张三 in {export}"));
    let said = site.ok(NOW, &["registry", "pool", &zhang.to_string(), "--status", "入库", "--route", "组织推荐"]);
    assert!(said.contains("Admitted"), "{said}");
    assert!(site.ok(NOW, &["registry", "audit"]).contains("pool=admitted route=organisation-recommended"));

    // More than the register holds is refused, naming the count; nothing is recorded.
    let task = format!("{RUN}/household-visits/jiefang-1");
    let out = site.run(
        NOW,
        &["task", "done", &task, "--figure", "visited=40", "--figure", "phoned=9", "--figure", "registered=5"],
    );
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert_ne!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("registered") && said.contains("more than the register holds: 3"), "{said}");
    let out = site
        .command_lang(
            Some("zh"),
            NOW,
            &["task", "done", &task, "--figure", "visited=40", "--figure", "phoned=9", "--figure", "registered=5"],
        )
        .output()
        .expect("run guiyan");
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(said.contains("多于人才名册中的 3"), "{said}");
    let history = site.ok(NOW, &["task", "history", &task]);
    assert!(!history.contains("registered"), "the refused report left a trace: {history}");

    // The unit types 2 (it has registered 3): accepted. Its street types nothing here.
    site.ok(
        NOW,
        &["task", "done", &task, "--figure", "visited=40", "--figure", "phoned=9", "--figure", "registered=2"],
    );
    site.ok(
        LATER,
        &[
            "task",
            "done",
            &format!("{RUN}/household-visits/jiefang-2"),
            "--figure",
            "visited=12",
            "--figure",
            "phoned=3",
            "--figure",
            "registered=1",
        ],
    );

    // The work report gives the register's counts: 4 entered this season (not the early one),
    // 3 with an intent to start a business, 1 in the reserve pool; the typed 2 + 1 are not what
    // it says.
    let expect = ["乡土人才库入库4人", "确定有返乡创业意愿人数3人", "纳入后备干部库1人"];
    let text = site.ok(LATER, &["report", RUN, "--template", "final"]);
    for sentence in expect {
        assert!(text.contains(sentence), "the work report lacks “{sentence}”:\n{text}");
    }
    assert!(!text.contains("乡土人才库入库3人"), "{text}");

    // The same in Word.
    site.ok(LATER, &["report", RUN, "--template", "final", "--format", "docx", "-o", "report.docx"]);
    let docx = std::fs::File::open(site.path().join("report.docx")).expect("report.docx");
    let mut zip = zip::ZipArchive::new(docx).expect("a docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml").expect("word/document.xml").read_to_string(&mut xml).expect("read");
    let words = strip_tags(&xml);
    for sentence in expect {
        assert!(words.contains(sentence), "the docx lacks “{sentence}”");
    }

    // And in the Excel ledger: the register's column totals 4, the typed one 3, side by side.
    site.ok(LATER, &["report", RUN, "--template", "final", "--format", "xlsx", "-o", "ledger.xlsx"]);
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(site.path().join("ledger.xlsx")).expect("open ledger.xlsx");
    let mut totals = None;
    for name in book.sheet_names().to_vec() {
        let range = book.worksheet_range(&name).expect("sheet");
        let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        let Some(header) = rows.iter().position(|r| r.iter().any(|c| c == "乡土人才入库（人才名册，人）"))
        else {
            continue;
        };
        let column = |title: &str| rows[header].iter().position(|c| c == title).expect(title);
        let (register, typed) = (column("乡土人才入库（人才名册，人）"), column("乡土人才入库（单位填报，人）"));
        assert_eq!(typed, register + 1, "the typed column stands beside the register's: {:?}", rows[header]);
        let total = rows.iter().find(|r| r.first().map(String::as_str) == Some("合计")).expect("a total row");
        totals = Some((total[register].clone(), total[typed].clone()));
        let jiefang_1 =
            rows.iter().find(|r| r.get(2).map(String::as_str) == Some("解放路第一社区")).expect("jiefang-1");
        assert_eq!((jiefang_1[register].as_str(), jiefang_1[typed].as_str()), ("3", "2"), "{jiefang_1:?}");
    }
    assert_eq!(totals, Some(("4".to_string(), "3".to_string())), "the ledger's totals");

    // So does the district's dashboard, and its API: the register's 4 beside the typed 3.
    {
        let server = Server::start(&site, LATER);
        let token = link_token(&site, LATER, &["district-org"]);
        let r = http::get(&server.base, &format!("/l/{token}"), &[]);
        let (cookie, _) = r.set_cookie("gy_session").expect("a session cookie");
        let dash = http::get(&server.base, "/d", &[("Cookie", &cookie)]);
        assert_eq!(dash.status, 200, "{}", dash.body);
        assert!(dash.body.contains("乡土人才入库：人才名册4人，单位填报3人"), "{}", dash.body);
    }

    // The progress report shows both.
    let progress = site.ok(LATER, &["report", RUN, "--template", "weekly"]);
    assert!(progress.contains("乡土人才入库（人才名册）") && progress.contains("单位填报"), "{progress}");
}

/// The text of a Word document's XML, tags removed.
fn strip_tags(xml: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in xml.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}
