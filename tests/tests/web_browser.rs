//! The front door in a real browser (Debian's Chromium over WebDriver, support/browser.rs): the
//! engine delivers the season's mails to the real SMTP test server with the web served beside it;
//! a community worker on a phone (WeChat's in-app browser) opens the link **taken out of the
//! delivered mail**, gets a figure wrong, corrects it and reports the task done; the leadership
//! dashboard, open on a desktop the whole time, shows the new completion and figure totals without
//! a reload. The same report also goes through with JavaScript off.
//!
//! Every page visited is saved under `target/screenshots/<test>/` — look at them after a change
//! to a page.

mod support;

use std::time::Duration;

use support::browser::{Browser, Profile};
use support::site::*;
use support::smtp::{Received, SmtpServer};
use support::{TestDb, http};

const RUN_ID: &str = "spring-festival/2027";
/// The engine starts here: jiefang's street deployment was done on 01-20, so its communities'
/// publicity (due 02-03) and other tasks are open, and their mails go out at once.
const ENGINE_START: &str = "2027-01-23T12:00:00+08:00";

/// A site inside the run with the engine (and the web) running, mailing to a real SMTP server.
struct Season<'a> {
    smtp: &'a SmtpServer,
    site: Site<'a>,
    engine: EngineProcess,
}

impl<'a> Season<'a> {
    fn start(db: &'a TestDb, smtp: &'a SmtpServer) -> Season<'a> {
        let site = Site::new(db).with_smtp(smtp);
        site.ok("2027-01-16T10:00:00+08:00", &["apply"]);
        for task in ["kickoff/district-org", "work-plan/district-org", "street-deployment/jiefang"] {
            site.ok("2027-01-20T10:00:00+08:00", &["task", "done", &format!("{RUN_ID}/{task}")]);
        }
        let mut engine = site.spawn_engine(ENGINE_START);
        engine.wait_ready();
        Season { smtp, site, engine }
    }

    /// The web's address, from the engine's banner.
    fn web(&self) -> String {
        let banner = self.engine.stdout();
        banner
            .lines()
            .find_map(|l| l.trim().strip_prefix("web: "))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("the engine does not say where the web is:\n{banner}"))
    }

    /// A link printed by `guiyan link ARGS`, on the running web (the command prints the configured
    /// address, here port 0: any free one).
    fn link(&self, args: &[&str]) -> String {
        let mut all = vec!["link"];
        all.extend_from_slice(args);
        let printed = self.site.ok(ENGINE_START, &all);
        let token = printed.lines().next().and_then(|l| l.rsplit_once("/l/")).map(|(_, t)| t.to_string());
        format!("{}/l/{}", self.web(), token.unwrap_or_else(|| panic!("not a link: {printed}")))
    }

    /// The delivered mail to `email` that lists `task`, waited for.
    fn mail_about(&self, email: &str, task: &str) -> Received {
        let id = format!("{RUN_ID}/{task}");
        wait_for(&format!("a mail to {email} about {id}"), PATIENCE, || {
            self.smtp
                .messages()
                .into_iter()
                .find(|m| m.to == email && m.text.contains(&id))
                .ok_or_else(|| format!("{} mails so far", self.smtp.count()))
        })
    }
}

/// The `href` of the first link in `html` whose address ends with `ending`.
fn href_ending(html: &str, ending: &str) -> Option<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|h| h.ends_with(ending))
        .map(|h| h.replace("&amp;", "&"))
}

/// The task's link in its mail: the HTML part's "在线报送" button, the same as the text part's line.
fn task_link(mail: &Received, task: &str) -> String {
    let ending = format!("?to=t/{RUN_ID}/{task}");
    let link = href_ending(&mail.html, &ending)
        .unwrap_or_else(|| panic!("the mail's HTML has no link to {task}:\n{}", mail.html));
    assert!(mail.text.contains(&format!("报送方式：{link}")), "the text part carries the same link:\n{}", mail.text);
    assert!(!mail.text.contains("guiyan task done"), "no command line in a mail with links:\n{}", mail.text);
    link
}

/// The number shown by the dashboard's completion card, e.g. `3/51`.
fn completion(b: &Browser) -> String {
    b.text_of(".stat .sub")
}

#[test]
fn a_community_worker_reports_from_the_mailed_link_on_a_phone_and_the_dashboard_follows_live() {
    let (db, smtp) = (TestDb::sqlite(), SmtpServer::start());
    let season = Season::start(&db, &smtp);
    let web = season.web();

    // Leadership watches on a desktop, from a reader's personal link, before anything is reported.
    let readers = season.site.ok(ENGINE_START, &["link", "readers"]);
    assert!(readers.contains("shuji@shili.example.gov.cn"), "{readers}");
    let reader_link = season.link(&["--reader", "shuji@shili.example.gov.cn"]);
    let mut desk = Browser::open(Profile::desktop());
    desk.goto(&reader_link);
    desk.wait_for("#live");
    assert!(desk.current_url().ends_with("/d"), "a reader lands on the dashboard: {}", desk.current_url());
    let before = completion(&desk);
    assert!(desk.page_text().contains("完成情况排名"), "{}", desk.page_text());
    desk.screenshot("dashboard-before");

    // The community's mail, delivered by the engine; its link opens the task on the phone.
    let mail = season.mail_about("jf1@shili.example.gov.cn", "publicity/jiefang-1");
    let link = task_link(&mail, "publicity/jiefang-1");
    assert!(link.starts_with(&format!("{web}/l/")), "{link} is not on {web}");
    let phone = Browser::open(Profile::phone());
    phone.goto(&link);
    phone.wait_for("form.report");
    let path = format!("/t/{RUN_ID}/publicity/jiefang-1");
    assert!(phone.current_url().ends_with(&path), "the link goes on to its task: {}", phone.current_url());
    assert!(!phone.current_url().contains("/l/"), "the token leaves the address bar");
    let session = phone.cookie("gy_session").expect("a session cookie");
    assert!(session.http_only && session.same_site.as_deref() == Some("Lax"), "{session:?}");
    assert_eq!(phone.text_of("h1"), "悬挂横幅、张贴家书,利用LED屏、微信公众号、微信群宣传");
    assert!(phone.page_text().contains("解放路第一社区"), "{}", phone.page_text());
    phone.screenshot("task");

    // One figure wrong: the page comes back with the message beside it and what was typed kept.
    phone.fill("#f\\.banners", "-3");
    phone.fill("#f\\.letters", "120");
    phone.fill("#note", "在社区主干道和小区出入口悬挂横幅");
    phone.submit("form.report");
    phone.wait_for(".field.invalid");
    assert_eq!(phone.text_of(".field.invalid .error"), "应为非负整数");
    assert_eq!(phone.value_of("#f\\.banners"), "-3");
    assert_eq!(phone.value_of("#f\\.letters"), "120");
    assert_eq!(phone.value_of("#note"), "在社区主干道和小区出入口悬挂横幅");
    phone.screenshot("invalid");
    assert_eq!(completion(&desk), before, "a refused report changes nothing");

    // Corrected: done.
    phone.fill("#f\\.banners", "6");
    phone.submit("form.report");
    phone.wait_for(".notice.ok");
    assert_eq!(phone.text_of(".notice.ok"), "已提交，任务已标记为完成。");
    assert_eq!(phone.text_of(".task-detail .badge"), "已完成");
    let facts = phone.text_of("dl.facts");
    assert!(facts.contains("悬挂宣传横幅 6 条") && facts.contains("张贴公开信 120 封"), "{facts}");
    assert!(!phone.exists(".field.invalid"));
    phone.screenshot("done");
    phone.click(".nav a");
    phone.wait_for("ul.tasks");
    assert!(phone.text_of("li.task.done").contains("悬挂宣传横幅 6 条"), "{}", phone.page_text());
    phone.screenshot("portal");
    phone.goto(&format!("{web}{path}/history"));
    phone.wait_for("main");
    let history = phone.text_of("ol.history");
    assert!(history.contains("报送完成") && history.contains("网页报送"), "from the web: {history}");
    assert!(history.contains("悬挂宣传横幅 6 条；张贴公开信 120 封"), "the figures, worded: {history}");
    assert!(history.contains("在社区主干道和小区出入口悬挂横幅"), "the note: {history}");
    phone.screenshot("history");

    // The dashboard follows without a reload (its script asks for changes every few seconds).
    desk.set_wait(Duration::from_secs(20));
    let after = desk.wait_until("the dashboard to show the report", |b| {
        let now = completion(b);
        (now != before).then_some(now)
    });
    let done = |text: &str| text.split('/').next().and_then(|n| n.trim().parse::<u32>().ok()).expect("a count");
    assert_eq!(done(&after), done(&before) + 1, "{before} → {after}");
    let figures = desk.text_of(".wide");
    assert!(figures.contains("悬挂宣传横幅") && figures.contains("张贴公开信"), "{figures}");
    let svg = desk.find(".wide svg").html();
    assert!(svg.contains(">6 条<") && svg.contains(">120 封<"), "the figure chart shows the totals: {svg}");
    desk.screenshot("dashboard-after");

    // The same on the street's phone: its communities' progress, with their contact addresses.
    let street = Browser::open(Profile::phone());
    street.goto(&season.link(&["jiefang"]));
    street.wait_for("ul.tasks");
    street.screenshot("street-portal");
    street.click(".nav a.button");
    street.wait_for("#live");
    let ranking = street.text_of("table.ranking");
    assert!(ranking.contains("解放路第一社区") && ranking.contains("jf1@shili.example.gov.cn"), "{ranking}");
    assert!(!street.page_text().contains("人民路第一社区"), "a street sees its own communities only");
    street.screenshot("street-dashboard");

    // The engine recorded it as from the command line: history, status, and no mail for it again.
    let history = season.site.ok(ENGINE_START, &["task", "history", &format!("{RUN_ID}/publicity/jiefang-1")]);
    assert!(history.contains("banners") && history.contains("web"), "{history}");
    let status = parse_json(&season.site.ok(ENGINE_START, &["status", "--json"]));
    let banners = status["runs"][0]["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["key"] == "banners")
        .expect("banners")
        .clone();
    assert_eq!(banners["total"], 6.0);
    assert_eq!(http::get(&web, "/healthz", &[]).body, "ok");
}

#[test]
fn with_javascript_off_a_report_goes_through_the_same() {
    let (db, smtp) = (TestDb::sqlite(), SmtpServer::start());
    let season = Season::start(&db, &smtp);
    let mail = season.mail_about("jf2@shili.example.gov.cn", "publicity/jiefang-2");
    let link = task_link(&mail, "publicity/jiefang-2");
    let phone = Browser::open(Profile::phone().js_enabled(false));
    phone.goto(&link);
    phone.wait_for("form.report");
    phone.screenshot("task");
    phone.fill("#f\\.banners", "两条");
    phone.fill("#f\\.letters", "80");
    phone.submit("form.report");
    phone.wait_for(".field.invalid");
    assert_eq!(phone.text_of(".field.invalid .error"), "应为非负整数");
    phone.fill("#f\\.banners", "2");
    phone.submit("form.report");
    phone.wait_for(".notice.ok");
    assert_eq!(phone.text_of(".task-detail .badge"), "已完成");
    phone.screenshot("done");
    let history = season.site.ok(ENGINE_START, &["task", "history", &format!("{RUN_ID}/publicity/jiefang-2")]);
    assert_eq!(history.matches("task-done").count(), 1, "{history}");
    assert!(history.contains("\"banners\":2"), "{history}");

    // A street office reports its deployment meeting from its reminder: its three communities'
    // tasks open, and the engine mails each of them, with their own links, as after `task done`.
    let mail = season.mail_about("renmin@shili.example.gov.cn", "street-deployment/renmin");
    let street = Browser::open(Profile::phone().js_enabled(false));
    street.goto(&task_link(&mail, "street-deployment/renmin"));
    street.wait_for("form.report");
    street.submit("form.report");
    street.wait_for(".notice.ok");
    assert!(
        street.text_of(".notice.ok").contains("由此开始的后续任务 3 项，承办单位将收到通知。"),
        "{}",
        street.text_of(".notice.ok")
    );
    street.screenshot("street-done");
    for community in ["renmin-1", "renmin-2", "renmin-3"] {
        let email = format!("rm{}@shili.example.gov.cn", &community[7..]);
        let mail = season.mail_about(&email, &format!("publicity/{community}"));
        let link = task_link(&mail, &format!("publicity/{community}"));
        assert!(link.starts_with(&format!("{}/l/", season.web())), "{link}");
    }
}

/// Sets a form control's value by script: a `<select>`'s option or a date input, as a phone's
/// picker would (typing into a date input depends on the browser's locale).
fn choose(b: &Browser, id: &str, value: &str) {
    b.execute(&format!("document.getElementById({id:?}).value = {value:?};"));
}

#[test]
fn a_community_worker_keeps_its_talent_book_on_a_phone_and_the_street_reveals_one_phone_with_a_reason() {
    const ID: &str = "11010519491231002X";
    const MOBILE: &str = "13800138000";
    let (db, smtp) = (TestDb::sqlite(), SmtpServer::start());
    let mut season = Season::start(&db, &smtp);

    // The community worker, from its link, opens the book from the portal and adds a person: the
    // ID number's check character is wrong first.
    let phone = Browser::open(Profile::phone());
    phone.goto(&season.link(&["jiefang-1"]));
    phone.wait_for("ul.tasks");
    phone.click("a[href='/r']");
    phone.wait_for("h1.page-title");
    assert!(phone.page_text().contains("名册中还没有人员"), "{}", phone.page_text());
    phone.screenshot("book-empty");
    // The notice (告知书) first, shown to the person on the phone.
    phone.click("a[href='/n/spring-festival']");
    phone.wait_for("article.notice-text");
    assert!(phone.text_of("article.notice-text").contains("您有权查阅、复制、更正、补充和删除"));
    phone.screenshot("notice");
    phone.goto(&format!("{}/r", season.web()));
    phone.wait_for("h1.page-title");
    phone.click("a[href='/r/new']");
    phone.wait_for("form.report");
    phone.click("input[name='notice']");
    phone.fill("#name", "张三");
    choose(&phone, "gender", "female");
    phone.fill("#birth-year-month", "1949年12月");
    phone.fill("#id-number", "110105194912310021");
    phone.fill("#mobile", "138 0013 8000");
    phone.fill("#address", "解放路街道解放路第一社区3号楼2单元501");
    phone.fill("#employer", "深圳某电子有限公司");
    choose(&phone, "category", "migrant-worker");
    choose(&phone, "return-intent", "none-yet");
    phone.submit("form.report");
    phone.wait_for(".field.invalid");
    let error = phone.text_of("#id-number-error");
    assert!(error.contains("校验"), "the check character is named: {error}");
    assert_eq!(phone.value_of("#mobile"), "138 0013 8000", "what was typed is kept");
    assert_eq!(phone.value_of("#employer"), "深圳某电子有限公司");
    phone.screenshot("person-invalid-id");

    // Corrected: the person's page, masked until the PIN.
    phone.clear("#id-number");
    phone.fill("#id-number", ID);
    phone.submit("form.report");
    phone.wait_for(".person-detail");
    assert_eq!(phone.text_of(".notice.ok"), "已登记到本社区名册。");
    let masked = phone.text_of("dl.facts");
    assert!(masked.contains("138****8000") && !masked.contains(MOBILE), "{masked}");
    phone.screenshot("person-masked");

    // The PIN, set on first use, then the full record.
    phone.click(".person-detail a.button");
    phone.wait_for("#again");
    phone.screenshot("pin-set");
    phone.fill("#pin", "482913");
    phone.fill("#again", "482913");
    phone.submit("form.report");
    phone.wait_for(".person-detail");
    let full = phone.text_of("dl.facts");
    assert!(full.contains(MOBILE) && full.contains(ID) && full.contains("3号楼2单元501"), "{full}");
    assert!(full.contains("2027-1（") && full.contains("法定职责"), "the notice shown is recorded: {full}");
    let unlock = phone.cookie("gy_unlock").expect("an unlock cookie");
    assert!(unlock.http_only && unlock.same_site.as_deref() == Some("Strict"), "{unlock:?}");
    phone.screenshot("person-full");

    // A follow-up from the visit, with the next contact due in a week.
    choose(&phone, "channel", "visit");
    phone.fill("#summary", "春节在家，有意回乡开办农家乐，需了解创业贷款政策");
    choose(&phone, "intent", "start-business");
    choose(&phone, "next_contact_on", "2027-01-30");
    phone.submit("#summary");
    phone.wait_for(".notice.ok");
    assert_eq!(phone.text_of(".notice.ok"), "已保存跟进记录。");
    let history = phone.text_of("ol.history");
    assert!(history.contains("走访") && history.contains("2027-01-30") && history.contains("创业"), "{history}");
    assert!(phone.text_of("dl.facts").contains("创业"), "the intent found is the person's now");
    phone.screenshot("person-followup");
    phone.click(".nav a");
    phone.wait_for("ul.persons");
    assert!(phone.text_of("ul.persons").contains("张三"));
    phone.screenshot("book");
    // The book's search box: a mobile as a worker types it finds the person, masked; a name
    // nobody has finds nobody.
    phone.fill("#book-q", "138 0013 8000");
    phone.submit("#book-q");
    phone.wait_for("a.search-clear");
    let found = phone.text_of("ul.persons");
    assert!(found.contains("张三") && found.contains("138****8000") && !found.contains(MOBILE), "{found}");
    assert_eq!(phone.value_of("#book-q"), "138 0013 8000", "the box keeps what was typed");
    phone.screenshot("book-search");
    phone.clear("#book-q");
    phone.fill("#book-q", "李");
    phone.submit("#book-q");
    // Waited for by an element of the answer only: reading the whole text while the page is
    // being replaced failed on a stale element (a flaky run, 2026-12-07).
    phone.wait_for("section.search-none");
    assert!(phone.text_of("section.search-none").contains("没有找到"));
    phone.click("a.search-clear");
    phone.wait_for("ul.persons");

    // The street office's link: the book masked, names too; one phone revealed with a reason.
    let street = Browser::open(Profile::phone());
    street.goto(&season.link(&["jiefang"]));
    street.wait_for("ul.tasks");
    street.click("a[href='/r']");
    street.wait_for("ul.persons");
    let book = street.text_of("ul.persons");
    assert!(book.contains("张*") && !book.contains("张三") && !book.contains(MOBILE), "{book}");
    assert!(book.contains("解放路第一社区"), "the community is named: {book}");
    street.screenshot("street-book");
    street.click("li.person a");
    street.wait_for("#reason");
    choose(&street, "field", "mobile");
    street.submit("#reason");
    street.wait_for(".field.invalid");
    assert_eq!(street.text_of("#reason-error"), "请填写查看理由");
    street.fill("#reason", "核实返乡创业意向，联系本人");
    street.submit("#reason");
    street.wait_for("dd.revealed");
    assert_eq!(street.text_of("dd.revealed[data-field='mobile']").split_whitespace().next(), Some(MOBILE));
    assert!(!street.page_text().contains(ID), "only the field asked for");
    street.screenshot("street-reveal");

    // The notice printed on A4 from an office's computer: one page, for a signature.
    let office = Browser::open(Profile::desktop());
    office.goto(&format!("{}/n/spring-festival", season.web()));
    office.wait_for("button[data-print]:not([hidden])");
    office.screenshot("notice");
    let (pdf, pages) = office.print_a4("notice-a4");
    assert_eq!(pages, 1, "the notice fits one A4 page: {}", pdf.display());

    // The engine reminds at the next contact's date: restarted just before the day begins, it
    // mails the community its persons due, and the mail's link opens the book with 张三 on top.
    season.engine.terminate();
    season.engine = season.site.spawn_engine("2027-01-29T23:59:57+08:00");
    season.engine.wait_ready();
    let reminder = wait_for("the contact reminder", PATIENCE, || {
        season
            .smtp
            .messages()
            .into_iter()
            .find(|m| m.key == "contacts-due/jiefang-1/2027-01-30")
            .ok_or_else(|| format!("{} mails so far", season.smtp.count()))
    });
    assert_eq!(reminder.to, "jf1@shili.example.gov.cn");
    assert!(reminder.text.contains("张三　应联系日期 2027-01-30"), "{}", reminder.text);
    assert!(!reminder.text.contains(MOBILE) && !reminder.text.contains(ID), "nothing personal: {}", reminder.text);
    let book_link = href_ending(&reminder.html, "?to=r").unwrap_or_else(|| panic!("no book link:\n{}", reminder.html));
    phone.goto(&book_link);
    phone.wait_for("section.due");
    assert!(phone.text_of("section.due").contains("张三"), "{}", phone.text_of("section.due"));
    phone.screenshot("book-contact-due");

    // The access log has it, with the reason, and its chain holds.
    let log = season.site.ok(ENGINE_START, &["registry", "audit"]);
    assert!(log.lines().any(|l| l.contains("reveal") && l.contains("reason=核实返乡创业意向，联系本人")), "{log}");
    let verified = season.site.ok(ENGINE_START, &["registry", "audit", "--verify"]);
    assert!(verified.contains("hash chain verified") || verified.contains("哈希链校验通过"), "{verified}");
}

/// An office worker uploads the community's 排查统计表 from the book on a desktop: the page says
/// what was entered and lists the row that came back with its reason, with the errors workbook to
/// download; the form is also usable on a phone.
#[test]
fn a_community_uploads_its_sheet_and_sees_the_row_that_came_back() {
    let db = TestDb::sqlite();
    let site = support::portal::site_in_run(&db);
    let server = support::serve::Server::start(&site, support::portal::NOW);
    let token = support::serve::link_token(&site, support::portal::NOW, &["jiefang-1"]);
    let sheet = site.path().join("解放路第一社区台账.csv");
    std::fs::write(
        &sheet,
        "序号,姓名,身份证号,联系电话,人才类别\n1,张三,11010519491231002X,13800138000,外出务工经商人员\n\
         2,李四,110105194912310021,13900139000,专业技术人员\n",
    )
    .expect("write the sheet");

    let phone = Browser::open(Profile::phone());
    phone.goto(&format!("{}/l/{token}", server.base));
    phone.wait_for("ul.tasks");
    phone.goto(&format!("{}/r", server.base));
    phone.click("a.import-link");
    phone.wait_for("input[type=file]#sheet");
    phone.screenshot("upload-form");

    let office = Browser::open(Profile::desktop());
    office.goto(&format!("{}/l/{token}", server.base));
    office.wait_for("ul.tasks");
    office.goto(&format!("{}/r/import", server.base));
    office.choose_file("#sheet", &sheet);
    office.submit("#sheet");
    office.wait_for("section.upload-outcome");
    assert_eq!(office.text_of("strong.added"), "1");
    assert_eq!(office.text_of("strong.rejected"), "1");
    let rejected = office.text_of("li.rejected-row");
    assert!(rejected.contains("第3行") && rejected.contains("李四") && rejected.contains("校验位"), "{rejected}");
    let link = office.attr("#errors-workbook", "href").unwrap_or_default();
    assert!(link.starts_with("data:application/vnd.openxmlformats"), "the errors workbook is the page's: {link:.40}");
    assert_eq!(office.attr("#errors-workbook", "download").as_deref(), Some("解放路第一社区台账.待修正.xlsx"));
    office.screenshot("upload-result");
    office.click(".nav a");
    office.wait_for("ul.persons");
    assert!(office.text_of("ul.persons").contains("张三"));
}

/// A person's suggestion on a phone: the community records it from the person's page and routes it
/// to its street; the street's link lists it, takes it up (办理) with a note, is asked for the
/// answer before 已反馈, and gives it; the community sees it answered on the person's page.
#[test]
fn a_suggestion_goes_from_the_community_to_the_street_and_back_answered() {
    let db = TestDb::sqlite();
    let site = support::portal::site_in_run(&db);
    let sheet = site.path().join("book.csv");
    std::fs::write(&sheet, "姓名,联系电话,人才类别\n张三,13800138000,外出务工经商人员\n").expect("write the sheet");
    site.ok(support::portal::NOW, &["registry", "import", &sheet.to_string_lossy(), "--unit", "jiefang-1"]);
    let server = support::serve::Server::start(&site, support::portal::NOW);
    let open = |unit: &str| {
        let token = support::serve::link_token(&site, support::portal::NOW, &[unit]);
        let phone = Browser::open(Profile::phone());
        phone.goto(&format!("{}/l/{token}", server.base));
        phone.wait_for("ul.tasks");
        phone.goto(&format!("{}/r", server.base));
        phone.wait_for("ul.persons");
        phone
    };

    let community = open("jiefang-1");
    community.click("li.person a");
    community.wait_for("#sg-text");
    community.fill("#sg-text", "建议村里修缮通往老宅的道路，方便返乡创业人员运输农产品");
    choose(&community, "sg-route", "jiefang");
    community.submit("#sg-text");
    community.wait_for("li.suggestion");
    assert!(community.text_of("li.suggestion").contains("受理"), "{}", community.text_of("li.suggestion"));
    community.screenshot("person-suggestion-recorded");

    let street = open("jiefang");
    street.goto(&format!("{}/r/s", server.base));
    street.wait_for("article.suggestion");
    assert!(street.text_of("article.suggestion").contains("修缮通往老宅的道路"));
    street.screenshot("street-suggestions");
    street.fill("article.suggestion textarea", "已转交街道城建办实地查看");
    street.submit("article.suggestion textarea");
    street.wait_until("the suggestion taken up", |b| b.try_find("article.suggestion.state-in-progress").map(|_| ()));
    // 已反馈 needs the answer given to the person: asked beside the field, nothing moved.
    street.submit("article.suggestion textarea");
    street.wait_for("article.suggestion .field.invalid");
    street.screenshot("street-answer-missing");
    street.fill("article.suggestion textarea", "道路已列入今年春季维修计划，已电话告知本人");
    street.submit("article.suggestion textarea");
    street.wait_until("the suggestion answered", |b| b.try_find("article.suggestion.state-answered").map(|_| ()));
    street.screenshot("street-suggestion-answered");
    // The street's counts of its communities' books: one page, bars without script.
    street.goto(&format!("{}/r", server.base));
    street.click("a.stats-link");
    street.wait_for("#by-unit meter");
    assert!(street.text_of("#by-unit").contains("解放路第一社区"), "{}", street.text_of("#by-unit"));
    street.screenshot("street-stats");

    community.goto(&format!("{}/r", server.base));
    community.click("li.person a");
    community.wait_for("li.suggestion");
    let shown = community.text_of("li.suggestion");
    assert!(shown.contains("已反馈") && shown.contains("春季维修计划"), "{shown}");
    community.screenshot("person-suggestion-answered");
}
