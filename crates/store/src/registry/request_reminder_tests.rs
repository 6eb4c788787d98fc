//! The engine's reminders of persons' requests (查阅 / 更正 / 删除) against a real database — SQLite
//! and PostgreSQL, a fresh database each (`test_db.rs`): the unit answering is reminded once on
//! the due day (the person's own community, whoever recorded the request), the unit above once
//! some days later with counts only; an answered request, or an erased person's, is never told;
//! the access log records what the engine read, and no name.

use chrono::{DateTime, NaiveDate, Utc};
use talent::{BookRole, Field, PersonDraft, RequestChannel, RightsRequestKind, validate};
use vault::{Algorithm, Vault};

use super::*;
use crate::connect::Store;
use crate::operate::{Actor, Source};
use crate::outbox::ComposedMail;
use crate::registry::test_db::{directory, on_postgres, on_sqlite};

/// 2027-01-15, 08:00 UTC.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("a time")
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

fn viewer(scope: Scope) -> Viewer {
    Viewer { actor: Actor { name: "tester".into(), source: Source::Web }, scope }
}

fn unit(id: &str) -> Viewer {
    viewer(Scope::Unit(id.into()))
}

async fn enter(store: &Store, vault: &Vault, unit: &str, name: &str, mobile: &str) -> i64 {
    let mut draft = PersonDraft::default();
    draft.set(Field::Name, name);
    draft.set(Field::Mobile, mobile);
    let fields = validate(&draft, now().date_naive()).expect("valid");
    let new = NewPerson { row: 1, unit: unit.into(), role: BookRole::Registered, fields, told: None, confirmed: false };
    match add_person(store, vault, &viewer(Scope::All), &new, false, now()).await.expect("add") {
        Entered::Added { person_id, .. } => person_id,
        other => panic!("{other:?}"),
    }
}

async fn request(store: &Store, by: &Viewer, person_id: i64, kind: RightsRequestKind, due_on: &str) -> i64 {
    let new = NewRequest {
        person_id,
        kind,
        channel: RequestChannel::InPerson,
        received_on: now().date_naive(),
        due_on: Some(date(due_on)),
    };
    add_request(store, by, &new, now()).await.expect("a request")
}

/// Composes `group`'s mail for `day` into a stand-in message; what it told.
async fn compose(store: &Store, group: &DueMailGroup, day: &str) -> Option<RequestMailBody> {
    let engine = Actor { name: "engine".into(), source: Source::Engine };
    let mut body = None;
    let composed = compose_request_mail(store, group, date(day), 3, now(), &engine, |data| {
        body = Some(data.body.clone());
        Ok::<_, std::convert::Infallible>(ComposedMail {
            message_id: format!("<{}@test>", data.key),
            to_address: data.recipient.email.clone(),
            envelope_from: "guiyan@test".into(),
            subject: data.key.clone(),
            raw: format!("{:?}", data.body).into_bytes(),
        })
    })
    .await
    .expect("compose");
    match composed {
        Some(Ok(key)) => assert_eq!(key, group.key(date(day))),
        Some(Err(e)) => match e {},
        None => assert!(body.is_none(), "rendered and not queued"),
    }
    body
}

async fn pending(store: &Store, day: &str) -> Vec<DueMailGroup> {
    pending_due_mails(store, DueTopic::Requests, date(day), 3).await.expect("pending")
}

async fn next(store: &Store) -> Option<NaiveDate> {
    next_due_day(store, DueTopic::Requests, 3).await.expect("next")
}

async fn reminders(store: &Store) {
    directory(store).await;
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let zhang = enter(store, &vault, "c1", "张三", "13800138001").await;
    let li = enter(store, &vault, "c1", "李四", "13800138002").await;
    let wang = enter(store, &vault, "c2", "王五", "13800138003").await;
    let zhao = enter(store, &vault, "c1", "赵六", "13800138004").await;
    let due = |unit: &str| DueMailGroup::due(DueTopic::Requests, unit);
    let overdue = |unit: &str| DueMailGroup::overdue(DueTopic::Requests, unit);

    // c1 records one of its own; the street takes one at its counter; the command line (scope
    // `all`) records one of c2's; one is answered before its day; an erased person's is dropped.
    let access = request(store, &unit("c1"), zhang, RightsRequestKind::Access, "2027-01-20").await;
    let at_street = request(store, &unit("street"), li, RightsRequestKind::Correction, "2027-01-20").await;
    let by_cli = request(store, &viewer(Scope::All), wang, RightsRequestKind::Erasure, "2027-01-22").await;
    let answered = request(store, &unit("c1"), zhang, RightsRequestKind::Access, "2027-01-18").await;
    let copy = RequestAnswer::CopyGiven { note: "当面打印".into() };
    answer_request(store, &vault, &unit("c1"), answered, &copy, now()).await.expect("answered");
    request(store, &unit("c1"), zhao, RightsRequestKind::Access, "2027-01-20").await;
    erase_person(store, &unit("c1"), zhao, "本人申请删除", now()).await.expect("erased");

    // Nothing before the day; on it, one reminder to c1 of both its persons' requests.
    assert_eq!(next(store).await, Some(date("2027-01-20")));
    assert!(pending(store, "2027-01-19").await.is_empty());
    assert_eq!(pending(store, "2027-01-20").await, [due("c1")]);
    let Some(RequestMailBody::Due(told)) = compose(store, &due("c1"), "2027-01-20").await else {
        panic!("no reminder")
    };
    let listed: Vec<(i64, &str, RightsRequestKind, NaiveDate)> =
        told.iter().map(|r| (r.id, r.name.as_str(), r.kind, r.received_on)).collect();
    assert_eq!(
        listed,
        [
            (access, "张三", RightsRequestKind::Access, date("2027-01-15")),
            (at_street, "李四", RightsRequestKind::Correction, date("2027-01-15")),
        ]
    );
    assert_eq!(told[1].kind_label(campaign::Lang::Zh), "更正");
    assert!(compose(store, &due("c1"), "2027-01-20").await.is_none(), "twice");
    assert!(pending(store, "2027-01-21").await.is_empty());

    // c2's, recorded from the command line, reminds c2 on its day.
    assert_eq!(next(store).await, Some(date("2027-01-22")));
    assert_eq!(pending(store, "2027-01-22").await, [due("c2")]);
    let Some(RequestMailBody::Due(told)) = compose(store, &due("c2"), "2027-01-22").await else {
        panic!("no reminder")
    };
    assert_eq!(told.iter().map(|r| (r.id, r.name.as_str())).collect::<Vec<_>>(), [(by_cli, "王五")]);

    // c1 answers one; three days after the due day the street is told of the other, by count.
    answer_request(store, &vault, &unit("c1"), access, &copy, now()).await.expect("answered");
    assert_eq!(next(store).await, Some(date("2027-01-23")));
    assert_eq!(pending(store, "2027-01-23").await, [overdue("street")]);
    let Some(RequestMailBody::Overdue { after_days: 3, units }) =
        compose(store, &overdue("street"), "2027-01-23").await
    else {
        panic!("no escalation")
    };
    let counted: Vec<(&str, usize, NaiveDate)> =
        units.iter().map(|u| (u.unit.name.as_str(), u.count, u.oldest)).collect();
    assert_eq!(counted, [("解放路第一社区", 1, date("2027-01-20"))]);

    // c2's falls to the street on the 25th: a second escalation that day, the street's first was
    // the 23rd's; then nothing is left to tell.
    assert_eq!(next(store).await, Some(date("2027-01-25")));
    assert!(pending(store, "2027-01-24").await.is_empty());
    assert_eq!(pending(store, "2027-01-25").await, [overdue("street")]);
    let Some(RequestMailBody::Overdue { units, .. }) = compose(store, &overdue("street"), "2027-01-25").await else {
        panic!("no escalation")
    };
    assert_eq!(units.iter().map(|u| (u.unit.id.as_str(), u.count)).collect::<Vec<_>>(), [("c2", 1)]);
    assert_eq!(next(store).await, None);
    assert!(pending(store, "2027-03-01").await.is_empty());

    // The access log: the engine's reads, a list for each reminder and stats for each escalation,
    // and no name anywhere; the chain holds.
    let log = access_log(store).await.expect("log");
    let by_engine: Vec<(&str, &str, Option<&str>)> = log
        .iter()
        .filter(|e| e.actor == "engine")
        .map(|e| (e.action.as_str(), e.scope.as_str(), e.filter.as_deref()))
        .collect();
    assert_eq!(
        by_engine,
        [
            ("list", "c1", Some("requests-due<=2027-01-20")),
            ("list", "c2", Some("requests-due<=2027-01-22")),
            ("stats", "street", Some("requests-overdue<=2027-01-20")),
            ("stats", "street", Some("requests-overdue<=2027-01-22")),
        ]
    );
    for name in ["张三", "李四", "王五"] {
        assert!(log.iter().all(|e| !format!("{e:?}").contains(name)), "{name} in the access log");
    }
    assert_eq!(verify_access_log(store).await.expect("verify").first_tampered, None);
}

#[test]
fn request_reminders_on_sqlite() {
    on_sqlite(async |store: &Store| reminders(store).await);
}

#[test]
fn request_reminders_on_postgres() {
    on_postgres("request_reminders", async |store: &Store| reminders(store).await);
}
