//! A person's request (查阅 / 更正 / 删除) through the real `guiyan` engine, on SQLite and PostgreSQL
//! with a real SMTP server: recorded from the command line, it reminds the person's own community
//! (which answers it) exactly once on its due day — the engine wakes at midnight, Beijing time —
//! naming the person, the kind and the days, nothing of the record; never again across restarts;
//! three days later, still unanswered, one escalation (督办) to the street counting per community
//! with no names; an answered request is never mailed; the access log records what the engine
//! read.

mod support;

use std::time::Duration;

use support::site::{Site, wait_for};
use support::smtp::SmtpServer;
use support::{TestDb, for_each_db};

const NOW: &str = "2027-01-20T10:00:00+08:00";
const MOBILE: &str = "13800138000";
const NOTE: &str = "打印交本人";

#[test]
fn a_request_reminds_its_community_once_and_escalates_to_the_street() {
    for_each_db(scenario);
}

fn scenario(db: &TestDb) {
    let smtp = SmtpServer::start();
    let site = Site::new(db).with_smtp(&smtp);
    site.ok(NOW, &["apply"]);
    site.import_sheet(NOW, "jiefang-1", &format!("姓名,性别,联系电话\n张三,男,{MOBILE}\n李四,女,13900139000\n"));
    let books: serde_json::Value =
        serde_json::from_str(&site.ok(NOW, &["registry", "export", "--format", "json"])).expect("export JSON");
    let ids: Vec<String> =
        books.as_array().expect("rows").iter().map(|row| row["id"].as_i64().expect("an id").to_string()).collect();
    let (zhang, li) = (ids[0].as_str(), ids[1].as_str());

    // Both due on the 25th, recorded from the command line (the community answers them); 李四's
    // is answered at once.
    let add = |person: &str, kind: &str| {
        let args = ["registry", "request", "add", person, "--kind", kind, "--via", "电话", "--due", "2027-01-25"];
        site.ok(NOW, &args)
    };
    add(zhang, "更正");
    add(li, "查阅");
    site.ok(NOW, &["registry", "request", "answer", "2", "--copy-given", "--note", NOTE]);

    // The day before: nothing.
    site.run_once("2027-01-24T23:00:00+08:00");
    assert!(smtp.keyed("requests-").is_empty(), "a reminder before the day");

    // A running engine wakes when the day begins in Beijing and sends one reminder.
    let mut engine = site.spawn_engine("2027-01-24T23:59:57+08:00");
    let due = wait_for("the reminder", Duration::from_secs(40), || match smtp.keyed("requests-").as_slice() {
        [one] => Ok(one.clone()),
        other => Err(format!("{} request mails; engine: {}", other.len(), engine.stderr())),
    });
    engine.terminate();
    assert_eq!(due.key, "requests-due/jiefang-1/2027-01-25");
    assert_eq!(due.to, "jf1@shili.example.gov.cn");
    assert!(due.subject.contains("个人信息请求办理提醒") && due.subject.contains("1件"), "{}", due.subject);
    assert!(due.text.contains("第1号　张三　更正　2027-01-20收到，应于2027-01-25前答复"), "{}", due.text);
    assert!(due.text.contains("?to=r/requests"), "the requests' link: {}", due.text);
    for secret in [MOBILE, "李四", NOTE] {
        assert!(!due.text.contains(secret) && !due.html.contains(secret), "{secret} in the mail");
    }

    // Restarts that day and the next: never again.
    site.run_once("2027-01-25T09:00:00+08:00");
    site.run_once("2027-01-26T09:00:00+08:00");
    assert_eq!(smtp.keyed("requests-").len(), 1, "the reminder again after a restart");

    // The 28th: the street is told of one overdue request of 解放路第一社区, by count only.
    site.run_once("2027-01-27T23:00:00+08:00");
    assert_eq!(smtp.keyed("requests-").len(), 1, "escalated early");
    site.run_once("2027-01-28T08:00:00+08:00");
    let mails = smtp.keyed("requests-");
    assert_eq!(mails.len(), 2, "{:?}", mails.iter().map(|m| &m.key).collect::<Vec<_>>());
    let overdue = mails.iter().find(|m| m.key.starts_with("requests-overdue/")).expect("the escalation");
    assert_eq!(overdue.key, "requests-overdue/jiefang/2027-01-28");
    assert_eq!(overdue.to, "jiefang@shili.example.gov.cn");
    assert!(overdue.subject.starts_with("督办"), "{}", overdue.subject);
    assert!(overdue.text.contains("解放路第一社区　1件（最早答复期限 2027-01-25）"), "{}", overdue.text);
    for secret in [MOBILE, "张三", "李四", NOTE] {
        assert!(!overdue.text.contains(secret) && !overdue.html.contains(secret), "{secret} in the escalation");
    }

    // Nothing more: the street's escalation is the last (the district is not told), and the
    // answered request was never mailed.
    site.run_once("2027-02-10T08:00:00+08:00");
    let keys: Vec<String> = smtp.keyed("requests-").into_iter().map(|m| m.key).collect();
    assert_eq!(keys, ["requests-due/jiefang-1/2027-01-25", "requests-overdue/jiefang/2027-01-28"]);

    // What the engine read is in the access log, and the chain holds.
    let log = site.ok(NOW, &["registry", "audit", "--json"]);
    let entries: serde_json::Value = serde_json::from_str(&log).expect("audit JSON");
    let by_engine: Vec<(String, String)> = entries
        .as_array()
        .or_else(|| entries["entries"].as_array())
        .expect("entries")
        .iter()
        .filter(|e| e["actor"] == "engine" && e["filter"].as_str().is_some_and(|f| f.starts_with("requests-")))
        .map(|e| (e["action"].as_str().unwrap_or_default().into(), e["scope"].as_str().unwrap_or_default().into()))
        .collect();
    assert_eq!(by_engine, [("list".to_string(), "jiefang-1".to_string()), ("stats".into(), "jiefang".into())], "{log}");
    assert!(!log.contains(MOBILE) && !log.contains("张三"), "personal values in the access log");
    let verified = site.ok(NOW, &["registry", "audit", "--verify"]);
    assert!(verified.contains("verified") || verified.contains("通过"), "{verified}");
    for text in [engine.stdout(), engine.stderr()] {
        for secret in [MOBILE, "张三", "李四", NOTE] {
            assert!(!text.contains(secret), "{secret} in the engine's log");
        }
    }
}
