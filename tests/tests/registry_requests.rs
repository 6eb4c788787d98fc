//! A person's requests (查阅 / 更正 / 删除) and the retention review through the real `guiyan`
//! binary, on SQLite and PostgreSQL: requests recorded with their due dates, the overdue listed on
//! top, each kind answered (a correction validated as on entry, an erasure), refusals with
//! reasons, errors naming the option and what it expects, the review list three years on, a
//! record kept until a new date; every step in the access log, whose chain verifies; nothing
//! personal printed.

mod support;

use std::process::{Output, Stdio};

use support::site::{Site, stderr, stdout};
use support::{TestDb, for_each_db};

const NOW: &str = "2027-01-20T10:00:00+08:00";
const LATER: &str = "2027-02-01T10:00:00+08:00";
const THREE_YEARS: &str = "2030-01-21T10:00:00+08:00";
const MOBILE_1: &str = "13700137000";
const MOBILE_2: &str = "13600136000";
const NEW_MOBILE: &str = "13900139000";

struct Runner<'a> {
    site: Site<'a>,
    outputs: std::cell::RefCell<Vec<String>>,
}

impl Runner<'_> {
    fn run(&self, lang: &str, now: &str, args: &[&str]) -> Output {
        let out = self.site.command_lang(Some(lang), now, args).stdin(Stdio::null()).output().expect("run guiyan");
        self.outputs.borrow_mut().push(format!("{}{}", stdout(&out), stderr(&out)));
        out
    }

    /// Runs at `now`, asserts the exit code, returns stdout and stderr together.
    fn at(&self, now: &str, lang: &str, args: &[&str], code: i32) -> String {
        let out = self.run(lang, now, args);
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(code), "guiyan {args:?}:\n{said}");
        said
    }

    fn code(&self, lang: &str, args: &[&str], code: i32) -> String {
        self.at(NOW, lang, args, code)
    }

    fn json(&self, now: &str, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.at(now, "en", args, 0)).expect("JSON")
    }
}

#[test]
fn requests_are_recorded_answered_and_records_reviewed() {
    for_each_db(scenario);
}

fn scenario(db: &TestDb) {
    let r = Runner { site: Site::new(db), outputs: Default::default() };
    r.code("en", &["apply"], 0);
    let sheet = r.site.path().join("a.csv");
    std::fs::write(&sheet, format!("姓名,联系电话,工作单位\n张三,{MOBILE_1},甲公司\n李四,{MOBILE_2},\n"))
        .expect("write the CSV");
    r.code("en", &["registry", "import", &sheet.to_string_lossy(), "--unit", "jiefang-1"], 0);
    let books = r.json(NOW, &["registry", "export", "--format", "json"]);
    let ids: Vec<String> =
        books.as_array().expect("rows").iter().map(|row| row["id"].as_i64().expect("an id").to_string()).collect();
    let (zhang, li) = (ids[0].as_str(), ids[1].as_str());

    // Recorded: in Chinese, due in 15 days; a due date of its own; errors name the option.
    let said = r.code("zh", &["registry", "request", "add", zhang, "--kind", "查阅", "--via", "当面"], 0);
    assert!(
        said.contains("已登记第") && said.contains("查阅申请（申请编号 1，当面收到），答复期限 2027-02-04"),
        "{said}"
    );
    let said = r.code(
        "en",
        &["registry", "request", "add", zhang, "--kind", "更正", "--via", "电话", "--due", "2027-01-25"],
        0,
    );
    assert!(said.contains("request 2 recorded") && said.contains("due 2027-01-25"), "{said}");
    r.code("zh", &["registry", "request", "add", li, "--kind", "删除", "--via", "书面"], 0);
    let bad = r.code("zh", &["registry", "request", "add", zhang, "--kind", "投诉", "--via", "当面"], 2);
    assert!(bad.contains("--kind") && bad.contains("查阅、更正、删除"), "{bad}");
    let bad = r.code("en", &["registry", "request", "add", zhang, "--kind", "access", "--via", "fax"], 2);
    assert!(bad.contains("--via") && bad.contains("in-person, phone, writing, online, other"), "{bad}");
    let bad =
        r.code("en", &["registry", "request", "add", zhang, "--kind", "access", "--via", "phone", "--due", "1/2"], 2);
    assert!(bad.contains("--due: expected a date YYYY-MM-DD"), "{bad}");
    let bad = r.code("zh", &["registry", "request", "add", "9999", "--kind", "查阅", "--via", "当面"], 1);
    assert!(bad.contains("没有编号为 9999 的人员"), "{bad}");

    // Twelve days on the correction is overdue, listed on top.
    let listed = r.at(LATER, "zh", &["registry", "requests"], 0);
    assert!(listed.contains("共 3 件申请：未答复 3 件，其中逾期 1 件"), "{listed}");
    let first = listed.lines().nth(1).unwrap_or_default();
    assert!(first.starts_with("#2  ") && first.contains("张*") && first.contains("已逾期 7 天"), "{listed}");
    let overdue = r.json(LATER, &["registry", "requests", "--overdue", "--json"]);
    let overdue: Vec<i64> = overdue.as_array().expect("rows").iter().map(|q| q["id"].as_i64().unwrap_or(0)).collect();
    assert_eq!(overdue, [2]);

    // Answered: the answer must fit the kind; a correction is validated as on entry.
    let wrong = r.at(LATER, "zh", &["registry", "request", "answer", "1", "--erase"], 1);
    assert!(wrong.contains("第 1 号申请是查阅申请"), "{wrong}");
    let said = r.at(LATER, "zh", &["registry", "request", "answer", "1", "--copy-given", "--note", "打印交本人"], 0);
    assert!(said.contains("已向第") && said.contains("提供档案副本"), "{said}");
    let bad = r.at(LATER, "zh", &["registry", "request", "answer", "2", "--set", "联系电话=1390013"], 1);
    assert!(bad.contains("更正后的档案不符合要求：联系电话："), "{bad}");
    let bad = r.at(LATER, "en", &["registry", "request", "answer", "2", "--set", "血型=A"], 2);
    assert!(bad.contains("--set: “血型” is not one of"), "{bad}");
    let said = r.at(
        LATER,
        "zh",
        &["registry", "request", "answer", "2", "--set", &format!("联系电话={NEW_MOBILE}"), "--set", "工作单位=乙公司"],
        0,
    );
    assert!(said.contains("档案已更正（联系电话、工作单位）"), "{said}");
    let after = r.json(LATER, &["registry", "export", "--format", "json"]);
    assert_eq!(after[0]["mobile"], "139****9000", "{after}");
    assert_eq!(after[0]["employer"], "乙公司", "{after}");
    let said =
        r.at(LATER, "en", &["registry", "request", "answer", "3", "--erase", "--note", "letter of 2027-01-20"], 0);
    assert!(said.contains("request 3 is done") && said.contains("erased"), "{said}");
    assert_eq!(r.json(LATER, &["registry", "stats", "--json"])["erased"], 1);
    let closed = r.at(LATER, "en", &["registry", "request", "answer", "3", "--refuse", "--reason", "x"], 1);
    assert!(closed.contains("request 3 is answered already"), "{closed}");
    r.at(LATER, "zh", &["registry", "request", "add", zhang, "--kind", "删除", "--via", "网上"], 0);
    let bad = r.at(LATER, "en", &["registry", "request", "answer", "4", "--refuse"], 2);
    assert!(bad.contains("--reason"), "{bad}");
    let said =
        r.at(LATER, "zh", &["registry", "request", "answer", "4", "--refuse", "--reason", "尚在法定保存期内"], 0);
    assert!(said.contains("第 4 号申请不予办理"), "{said}");
    let listed = r.at(LATER, "en", &["registry", "requests", "--open"], 0);
    assert!(listed.contains("0 request(s): 0 open, 0 of them overdue"), "{listed}");
    let listed = r.at(LATER, "zh", &["registry", "requests"], 0);
    assert!(listed.contains("已办理 2027-02-01 (联系电话、工作单位)"), "{listed}");
    assert!(listed.contains("不予办理 2027-02-01 理由：尚在法定保存期内"), "{listed}");

    // Retention review: nobody is due now; three years on, 张三 is (李四 is erased).
    assert!(r.code("zh", &["registry", "review"], 0).contains("待复核 0 人"));
    let due = r.at(THREE_YEARS, "zh", &["registry", "review", "--unit", "解放路第一社区"], 0);
    assert!(due.contains("待复核 1 人") && due.contains(&format!("第 {zhang} 号 张*")), "{due}");
    let bad =
        r.at(THREE_YEARS, "en", &["registry", "review", "keep", zhang, "--until", "2029-01-01", "--reason", "x"], 1);
    assert!(bad.contains("--until") && bad.contains("after today"), "{bad}");
    let said = r.at(
        THREE_YEARS,
        "zh",
        &["registry", "review", "keep", zhang, "--until", "2033-01-21", "--reason", "仍有返乡创业意愿"],
        0,
    );
    assert!(said.contains("下次复核日期 2033-01-21"), "{said}");
    let due = r.json(THREE_YEARS, &["registry", "review", "--json"]);
    assert_eq!(due.as_array().map(Vec::len), Some(0), "{due}");

    // The access log has every step, with the changed fields' names only; intact.
    let audit = r.at(THREE_YEARS, "en", &["registry", "audit"], 0);
    assert!(audit.contains("request  all  ok") && audit.contains("request  all  refused"), "{audit}");
    assert!(audit.contains("request-answer  all  ok") && audit.contains("fields=mobile,employer"), "{audit}");
    assert!(audit.contains("reason=尚在法定保存期内"), "{audit}");
    assert!(audit.contains("review  all  ok") && audit.contains("keep-until=2033-01-21"), "{audit}");
    assert!(audit.contains("erase  all  ok"), "{audit}");
    assert!(r.at(THREE_YEARS, "en", &["registry", "audit", "--verify"], 0).contains("intact"));

    // Nothing personal printed.
    for secret in [MOBILE_1, MOBILE_2, NEW_MOBILE] {
        for output in r.outputs.borrow().iter() {
            assert!(!output.contains(secret), "a command printed {secret}: {output}");
        }
    }
}
