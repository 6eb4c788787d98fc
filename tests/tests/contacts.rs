//! A follow-up's next contact through the real `guiyan` engine, on SQLite and PostgreSQL with a
//! real SMTP server: nothing before the day; on the day (the engine wakes at midnight, Beijing
//! time) exactly one reminder to the community that recorded it, naming its persons and nothing
//! else of them; never again across restarts; three days later, still not followed up, one
//! escalation (督办) to the street counting per community with no names; a newer follow-up stops
//! it; the access log records what the engine read.

mod support;

use support::id_number as id;

use std::time::Duration;

use chrono::NaiveDate;
use sqlx::{Connection, Row};
use support::site::{Site, wait_for};
use support::smtp::SmtpServer;
use support::{DbKind, TestDb, block_on, for_each_db};

const NOW: &str = "2027-01-20T10:00:00+08:00";
const MOBILES: [&str; 2] = ["13800138000", "13900139000"];
const ADDRESS: &str = "山东省济南市历下区解放路街道解放路第一社区3号楼2单元501";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a day")
}

/// The person's id, by name (names are stored in clear; nothing else is).
fn person_id(db: &TestDb, name: &str) -> i64 {
    block_on(async {
        match db.kind {
            DbKind::Sqlite => {
                let mut conn = sqlx::sqlite::SqliteConnection::connect(&db.url).await.expect("connect to SQLite");
                let sql = "SELECT id FROM persons WHERE name = ?";
                let row = sqlx::query(sql).bind(name).fetch_one(&mut conn).await.expect("the person");
                row.get::<i64, _>(0)
            }
            DbKind::Postgres => {
                let mut conn = sqlx::postgres::PgConnection::connect(&db.url).await.expect("connect to PostgreSQL");
                let sql = "SELECT id FROM persons WHERE name = $1";
                let row = sqlx::query(sql).bind(name).fetch_one(&mut conn).await.expect("the person");
                row.get::<i64, _>(0)
            }
        }
    })
}

/// A follow-up recorded by jiefang-1's worker, as the web records it.
fn follow_up(db: &TestDb, person: i64, contacted_on: &str, next: Option<&str>) {
    block_on(async {
        let store = store::Store::open(&db.url).await.expect("open the store");
        let viewer = store::registry::Viewer {
            actor: store::Actor { name: "worker".into(), source: store::Source::Web },
            scope: store::registry::Scope::Unit("jiefang-1".into()),
        };
        let fields = talent::FollowUpFields {
            contacted_on: day(contacted_on),
            channel: talent::Channel::Phone,
            summary: "电话联系，春节回乡".into(),
            intent: None,
            next_contact_on: next.map(day),
        };
        let now = chrono::DateTime::parse_from_rfc3339(&format!("{contacted_on}T12:00:00+08:00")).expect("a time");
        store::registry::add_followup(&store, &viewer, person, &fields, now.to_utc()).await.expect("a follow-up");
        store.close().await;
    });
}

#[test]
fn a_next_contact_reminds_its_community_once_and_escalates_to_its_street() {
    for_each_db(scenario);
}

fn scenario(db: &TestDb) {
    let smtp = SmtpServer::start();
    let site = Site::new(db).with_smtp(&smtp);
    site.ok(NOW, &["apply"]);
    let ids = [id("37080219800101123"), id("37080219750505234")];
    let csv = format!(
        "姓名,性别,身份证号,联系电话,家庭住址\n张三,男,{},{},{ADDRESS}\n李四,女,{},{},{ADDRESS}\n",
        ids[0], MOBILES[0], ids[1], MOBILES[1]
    );
    site.import_sheet(NOW, "jiefang-1", &csv);
    let (zhang, li) = (person_id(db, "张三"), person_id(db, "李四"));
    follow_up(db, zhang, "2027-01-20", Some("2027-01-25"));
    follow_up(db, li, "2027-01-20", Some("2027-01-25"));

    // The day before: nothing.
    site.run_once("2027-01-24T23:00:00+08:00");
    assert!(smtp.keyed("contacts-").is_empty(), "a reminder before the day");

    // A running engine wakes when the day begins in Beijing and sends one reminder.
    let mut engine = site.spawn_engine("2027-01-24T23:59:57+08:00");
    let due = wait_for("the reminder", Duration::from_secs(40), || match smtp.keyed("contacts-").as_slice() {
        [one] => Ok(one.clone()),
        other => Err(format!("{} contact mails; engine: {}", other.len(), engine.stderr())),
    });
    engine.terminate();
    assert_eq!(due.key, "contacts-due/jiefang-1/2027-01-25");
    assert_eq!(due.to, "jf1@shili.example.gov.cn");
    assert!(due.subject.contains("乡土人才联络提醒") && due.subject.contains("2人"), "{}", due.subject);
    for name in ["张三", "李四"] {
        assert!(due.text.contains(&format!("{name}　应联系日期 2027-01-25")), "{name} in {}", due.text);
    }
    assert!(due.text.contains("/l/") && due.text.contains("?to=r"), "the book's link: {}", due.text);
    let mut secrets: Vec<String> = ids.to_vec();
    secrets.extend(MOBILES.iter().map(|m| m.to_string()));
    secrets.extend(["3号楼2单元501".to_string(), ADDRESS.to_string()]);
    for secret in &secrets {
        assert!(!due.text.contains(secret.as_str()) && !due.html.contains(secret.as_str()), "{secret} in the mail");
    }
    let link = due.text.lines().find(|l| l.contains("/l/")).unwrap_or_default().to_string();
    let shown = due.text.replace(&link, "打开人才名册记录跟进（个人链接，请勿转发）：LINK");
    insta::assert_snapshot!("contacts-due-mail", format!("Subject: {}\n\n{shown}", due.subject));

    // Restarts that day and the next: never again.
    site.run_once("2027-01-25T09:00:00+08:00");
    site.run_once("2027-01-26T09:00:00+08:00");
    assert_eq!(smtp.keyed("contacts-").len(), 1, "the reminder again after a restart");

    // 李四 is followed up on the 26th; 张三 is not. The 27th: not yet three days.
    follow_up(db, li, "2027-01-26", None);
    site.run_once("2027-01-27T23:00:00+08:00");
    assert_eq!(smtp.keyed("contacts-").len(), 1, "escalated early");

    // The 28th: the street is told of one overdue contact in 解放路第一社区, by count only.
    site.run_once("2027-01-28T08:00:00+08:00");
    let mails = smtp.keyed("contacts-");
    assert_eq!(mails.len(), 2, "{:?}", mails.iter().map(|m| &m.key).collect::<Vec<_>>());
    let overdue = mails.iter().find(|m| m.key.starts_with("contacts-overdue/")).expect("the escalation");
    assert_eq!(overdue.key, "contacts-overdue/jiefang/2027-01-28");
    assert_eq!(overdue.to, "jiefang@shili.example.gov.cn");
    assert!(overdue.subject.starts_with("督办"), "{}", overdue.subject);
    assert!(overdue.text.contains("解放路第一社区　1人（最早应联系日期 2027-01-25）"), "{}", overdue.text);
    for name in ["张三", "李四"] {
        assert!(!overdue.text.contains(name) && !overdue.html.contains(name), "{name} named to the street");
    }
    for secret in &secrets {
        assert!(!overdue.text.contains(secret.as_str()), "{secret} in the escalation");
    }

    // And never again, though 张三 stays overdue.
    site.run_once("2027-01-29T08:00:00+08:00");
    site.run_once("2027-02-05T08:00:00+08:00");
    assert_eq!(smtp.keyed("contacts-").len(), 2, "a contact reminded or escalated twice");

    // What the engine read is in the access log, and the chain holds.
    let log = site.ok(NOW, &["registry", "audit", "--json"]);
    let entries: serde_json::Value = serde_json::from_str(&log).expect("audit JSON");
    let by_engine: Vec<&serde_json::Value> = entries
        .as_array()
        .or_else(|| entries["entries"].as_array())
        .expect("entries")
        .iter()
        .filter(|e| e["actor"] == "engine" && e["source"] == "engine")
        .collect();
    assert_eq!(by_engine.len(), 2, "{log}");
    assert_eq!(by_engine[0]["action"], "list");
    assert_eq!(by_engine[0]["scope"], "jiefang-1");
    assert_eq!(by_engine[1]["action"], "stats");
    assert_eq!(by_engine[1]["scope"], "jiefang");
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "{secret} in the access log");
    }
    let verified = site.ok(NOW, &["registry", "audit", "--verify"]);
    assert!(verified.contains("verified") || verified.contains("通过"), "{verified}");
    // And nothing personal in the engine's own log.
    for text in [engine.stdout(), engine.stderr()] {
        for secret in secrets.iter().map(String::as_str).chain(["张三", "李四"]) {
            assert!(!text.contains(secret), "{secret} in the engine's log");
        }
    }
}
