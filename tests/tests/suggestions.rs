//! A person's suggestion (意见建议) through the real `guiyan` engine, on SQLite and PostgreSQL with
//! a real SMTP server: nothing before its due day; on the day (the engine wakes at midnight,
//! Beijing time) exactly one reminder to the unit it is routed to, naming the person only to their
//! own community and never quoting the suggestion; never again across restarts; three days later,
//! still unanswered, one escalation (督办) to the unit above counting per unit with no names; an
//! answered suggestion is never escalated; the access log records what the engine read.

mod support;

use std::time::Duration;

use chrono::NaiveDate;
use sqlx::{Connection, Row};
use support::site::{Site, wait_for};
use support::smtp::SmtpServer;
use support::{DbKind, TestDb, block_on, for_each_db};

const NOW: &str = "2027-01-20T10:00:00+08:00";
const MOBILE: &str = "13800138000";
const TEXT: &str = "建议在村里设立返乡创业服务窗口";

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

fn viewer(unit: &str) -> store::registry::Viewer {
    store::registry::Viewer {
        actor: store::Actor { name: "worker".into(), source: store::Source::Web },
        scope: store::registry::Scope::Unit(unit.into()),
    }
}

/// A suggestion recorded by jiefang-1's worker, as the web records it, routed to `route_to`.
fn suggest(db: &TestDb, person: i64, route_to: Option<&str>, due_on: &str) -> i64 {
    block_on(async {
        let store = store::Store::open(&db.url).await.expect("open the store");
        let new = store::registry::NewSuggestion {
            text: TEXT.into(),
            category: Some(talent::SuggestionCategory::Industry),
            route_to: route_to.map(str::to_string),
            due_on: day(due_on),
        };
        let now = chrono::DateTime::parse_from_rfc3339(NOW).expect("a time").to_utc();
        let id = store::registry::record_suggestion(&store, &viewer("jiefang-1"), person, &new, now)
            .await
            .expect("a suggestion");
        store.close().await;
        id
    })
}

fn answer(db: &TestDb, unit: &str, id: i64) {
    block_on(async {
        let store = store::Store::open(&db.url).await.expect("open the store");
        let now = chrono::DateTime::parse_from_rfc3339(NOW).expect("a time").to_utc();
        for (state, note) in [(talent::SuggestionState::InProgress, ""), (talent::SuggestionState::Answered, "已答复")]
        {
            store::registry::move_suggestion(&store, &viewer(unit), id, state, note, now).await.expect("a move");
        }
        store.close().await;
    });
}

#[test]
fn a_suggestion_reminds_its_unit_once_and_escalates_to_the_unit_above() {
    for_each_db(scenario);
}

fn scenario(db: &TestDb) {
    let smtp = SmtpServer::start();
    let site = Site::new(db).with_smtp(&smtp);
    site.ok(NOW, &["apply"]);
    site.import_sheet(NOW, "jiefang-1", &format!("姓名,性别,联系电话\n张三,男,{MOBILE}\n李四,女,13900139000\n"));
    let (zhang, li) = (person_id(db, "张三"), person_id(db, "李四"));
    let own = suggest(db, zhang, None, "2027-01-25");
    let answered = suggest(db, li, None, "2027-01-25");
    let to_street = suggest(db, li, Some("jiefang"), "2027-02-01");
    answer(db, "jiefang-1", answered);

    // The day before: nothing.
    site.run_once("2027-01-24T23:00:00+08:00");
    assert!(smtp.keyed("suggestions-").is_empty(), "a reminder before the day");

    // A running engine wakes when the day begins in Beijing and sends one reminder.
    let mut engine = site.spawn_engine("2027-01-24T23:59:57+08:00");
    let due = wait_for("the reminder", Duration::from_secs(40), || match smtp.keyed("suggestions-").as_slice() {
        [one] => Ok(one.clone()),
        other => Err(format!("{} suggestion mails; engine: {}", other.len(), engine.stderr())),
    });
    engine.terminate();
    assert_eq!(due.key, "suggestions-due/jiefang-1/2027-01-25");
    assert_eq!(due.to, "jf1@shili.example.gov.cn");
    assert!(due.subject.contains("意见建议办理提醒") && due.subject.contains("1条"), "{}", due.subject);
    assert!(
        due.text.contains(&format!("第{own}号意见建议（张三，产业发展）　应于2027-01-25前反馈，当前：受理")),
        "{}",
        due.text
    );
    assert!(due.text.contains("?to=r/s"), "the suggestions' link: {}", due.text);
    for secret in [TEXT, MOBILE, "李四"] {
        assert!(!due.text.contains(secret) && !due.html.contains(secret), "{secret} in the mail");
    }

    // Restarts that day and the next: never again.
    site.run_once("2027-01-25T09:00:00+08:00");
    site.run_once("2027-01-26T09:00:00+08:00");
    assert_eq!(smtp.keyed("suggestions-").len(), 1, "the reminder again after a restart");

    // The 28th: the street is told of one overdue suggestion of 解放路第一社区, by count only.
    site.run_once("2027-01-27T23:00:00+08:00");
    assert_eq!(smtp.keyed("suggestions-").len(), 1, "escalated early");
    site.run_once("2027-01-28T08:00:00+08:00");
    let mails = smtp.keyed("suggestions-");
    assert_eq!(mails.len(), 2, "{:?}", mails.iter().map(|m| &m.key).collect::<Vec<_>>());
    let overdue = mails.iter().find(|m| m.key.starts_with("suggestions-overdue/")).expect("the escalation");
    assert_eq!(overdue.key, "suggestions-overdue/jiefang/2027-01-28");
    assert_eq!(overdue.to, "jiefang@shili.example.gov.cn");
    assert!(overdue.subject.starts_with("督办"), "{}", overdue.subject);
    assert!(overdue.text.contains("解放路第一社区　1条（最早反馈期限 2027-01-25）"), "{}", overdue.text);
    for secret in [TEXT, MOBILE, "张三", "李四"] {
        assert!(!overdue.text.contains(secret) && !overdue.html.contains(secret), "{secret} in the escalation");
    }

    // The one routed to the street: reminded to the street on its day, with no name (not the
    // street's own book).
    site.run_once("2027-02-01T08:00:00+08:00");
    let street = smtp
        .keyed("suggestions-")
        .into_iter()
        .find(|m| m.key == "suggestions-due/jiefang/2027-02-01")
        .expect("the street's reminder");
    assert!(street.text.contains(&format!("第{to_street}号意见建议（产业发展）")), "{}", street.text);
    assert!(!street.text.contains("李四"), "a name to the street: {}", street.text);

    // And nothing twice, the answered one never.
    site.run_once("2027-02-02T08:00:00+08:00");
    site.run_once("2027-02-10T08:00:00+08:00");
    let keys: Vec<String> = smtp.keyed("suggestions-").into_iter().map(|m| m.key).collect();
    assert_eq!(
        keys,
        [
            "suggestions-due/jiefang-1/2027-01-25",
            "suggestions-due/jiefang/2027-02-01",
            // Fell to the district on the 4th while no engine ran: sent once at the next start.
            "suggestions-overdue/district-org/2027-02-10",
            "suggestions-overdue/jiefang/2027-01-28",
        ],
    );

    // The command line lists them: the street's subtree, unanswered first, the overdue marked.
    let listed = site.ok("2027-02-10T09:00:00+08:00", &["registry", "suggestions", "--unit", "jiefang", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&listed).expect("suggestions JSON");
    let ids: Vec<i64> = listed.as_array().expect("a list").iter().filter_map(|s| s["id"].as_i64()).collect();
    assert_eq!(ids, [own, to_street, answered]);
    let text = site.ok("2027-02-10T09:00:00+08:00", &["registry", "suggestions", "--open", "--lang", "zh"]);
    assert!(text.contains(&format!("#{own}  受理")) && text.contains("已逾期16天"), "{text}");
    assert!(!text.contains(&format!("#{answered} ")), "an answered one with --open: {text}");

    // What the engine read is in the access log, and the chain holds.
    let log = site.ok(NOW, &["registry", "audit", "--json"]);
    let entries: serde_json::Value = serde_json::from_str(&log).expect("audit JSON");
    let by_engine: Vec<(String, String)> = entries
        .as_array()
        .or_else(|| entries["entries"].as_array())
        .expect("entries")
        .iter()
        .filter(|e| e["actor"] == "engine" && e["filter"].as_str().is_some_and(|f| f.starts_with("suggestions-")))
        .map(|e| (e["action"].as_str().unwrap_or_default().into(), e["scope"].as_str().unwrap_or_default().into()))
        .collect();
    assert_eq!(by_engine.len(), 4, "{log}");
    assert!(!log.contains(MOBILE) && !log.contains(TEXT), "personal values in the access log");
    let verified = site.ok(NOW, &["registry", "audit", "--verify"]);
    assert!(verified.contains("verified") || verified.contains("通过"), "{verified}");
    for text in [engine.stdout(), engine.stderr()] {
        for secret in [TEXT, MOBILE, "张三", "李四"] {
            assert!(!text.contains(secret), "{secret} in the engine's log");
        }
    }
}
