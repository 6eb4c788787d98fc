//! Suggestions (意见建议) against a real database — SQLite and PostgreSQL, a fresh database each
//! (`test_db.rs`): routing, the moves and their refusals, scopes, the reminders and escalations
//! once each, erasure, and the access log.

use chrono::{DateTime, NaiveDate, Utc};
use talent::{BookRole, Field, PersonDraft, SuggestionCategory, SuggestionState, validate};
use vault::{Algorithm, Vault};

use super::*;
use crate::connect::Store;
use crate::error::StoreError;
use crate::operate::{Actor, Source};
use crate::registry::test_db::{TestUnit, insert_units, on_postgres, on_sqlite};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("a time")
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
}

fn viewer(scope: Scope) -> Viewer {
    Viewer { actor: Actor { name: "tester".into(), source: Source::Web }, scope }
}

fn unit_viewer(unit: &str) -> Viewer {
    viewer(Scope::Unit(unit.into()))
}

/// district ▸ street ▸ c1, c2; and a second street ▸ c3.
async fn directory(store: &Store) {
    // district [0, 6): two streets, three communities.
    let units: [TestUnit; 6] = [
        ("district", "示例区", None, 0, 6),
        ("street", "解放路街道", Some("district"), 1, 4),
        ("c1", "解放路第一社区", Some("street"), 2, 3),
        ("c2", "解放路第二社区", Some("street"), 3, 4),
        ("street2", "文化路街道", Some("district"), 4, 6),
        ("c3", "文化路第一社区", Some("street2"), 5, 6),
    ];
    insert_units(store, &units).await;
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

fn refused(result: Result<impl std::fmt::Debug, StoreError>) -> RegistryError {
    match result {
        Err(StoreError::Registry(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn new(text: &str, route_to: Option<&str>, due_on: &str) -> NewSuggestion {
    NewSuggestion {
        text: text.into(),
        category: Some(SuggestionCategory::Industry),
        route_to: route_to.map(str::to_string),
        due_on: date(due_on),
    }
}

async fn suggestions(store: &Store) {
    directory(store).await;
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let li = enter(store, &vault, "c1", "李四", "13800138001").await;
    let wang = enter(store, &vault, "c3", "王五", "13800138003").await;
    let (c1, c2, street, street2, district) =
        (unit_viewer("c1"), unit_viewer("c2"), unit_viewer("street"), unit_viewer("street2"), unit_viewer("district"));

    // Recorded by c1 for its own person: to itself by default, or up to its street.
    let own = record_suggestion(store, &c1, li, &new("建议设立返乡创业服务窗口", None, "2027-02-15"), now())
        .await
        .expect("record");
    let up = record_suggestion(store, &c1, li, &new("建议修缮村道", Some("street"), "2027-02-20"), now())
        .await
        .expect("record up");
    // Refused: an empty text, a unit not above the recorder, a person outside the scope.
    assert!(matches!(
        refused(record_suggestion(store, &c1, li, &new("  ", None, "2027-02-15"), now()).await),
        RegistryError::SuggestionEmpty
    ));
    assert!(matches!(
        refused(record_suggestion(store, &c1, li, &new("x", Some("c2"), "2027-02-15"), now()).await),
        RegistryError::SuggestionRoute { .. }
    ));
    assert!(matches!(
        refused(record_suggestion(store, &c1, li, &new("x", Some("street2"), "2027-02-15"), now()).await),
        RegistryError::SuggestionRoute { .. }
    ));
    assert!(matches!(
        refused(record_suggestion(store, &c1, wang, &new("x", None, "2027-02-15"), now()).await),
        RegistryError::NoSuchPerson(_)
    ));
    assert!(matches!(
        refused(record_suggestion(store, &c2, li, &new("x", None, "2027-02-15"), now()).await),
        RegistryError::NoSuchPerson(_)
    ));
    // The street records for a person of its scope, routed to itself.
    let by_street = record_suggestion(store, &street, li, &new("建议增加人才公寓", None, "2027-03-01"), now())
        .await
        .expect("street records");

    // The lists: c1 sees what is routed to it; the street its own and c1's; another street none.
    let ids = |list: &[Suggestion]| list.iter().map(|s| s.id).collect::<Vec<_>>();
    let mine = list_suggestions(store, &c1, &SuggestionQuery::default(), now()).await.expect("list");
    assert_eq!(ids(&mine), [own]);
    assert_eq!(mine[0].person_name, "李四");
    assert_eq!(mine[0].state, SuggestionState::Received);
    let streets = list_suggestions(store, &street, &SuggestionQuery::default(), now()).await.expect("list");
    assert_eq!(ids(&streets), [own, up, by_street]);
    assert_eq!(streets[0].person_name, "李*", "masked outside the own book");
    assert!(list_suggestions(store, &street2, &SuggestionQuery::default(), now()).await.expect("list").is_empty());
    assert!(matches!(
        refused(
            list_suggestions(store, &street2, &SuggestionQuery { unit: Some("c1".into()), open_only: false }, now())
                .await
        ),
        RegistryError::OutOfScope { .. }
    ));
    // The person's page shows all three to c1, none to c2 (refused as unknown).
    assert_eq!(person_suggestions(store, &c1, li, now()).await.expect("page").len(), 3);
    assert!(matches!(refused(person_suggestions(store, &c2, li, now()).await), RegistryError::NoSuchPerson(_)));

    // Moves: never skipped, never by a unit below the one routed to or outside the scope.
    assert!(matches!(
        refused(move_suggestion(store, &c1, own, SuggestionState::Answered, "已答复", now()).await),
        RegistryError::SuggestionMove { .. }
    ));
    assert!(matches!(
        refused(move_suggestion(store, &c1, up, SuggestionState::InProgress, "", now()).await),
        RegistryError::NoSuchSuggestion(_)
    ));
    assert!(matches!(
        refused(move_suggestion(store, &street2, own, SuggestionState::InProgress, "", now()).await),
        RegistryError::NoSuchSuggestion(_)
    ));
    move_suggestion(store, &c1, own, SuggestionState::InProgress, "已转镇农业办", now()).await.expect("办理");
    assert!(matches!(
        refused(move_suggestion(store, &c1, own, SuggestionState::InProgress, "", now()).await),
        RegistryError::SuggestionMove { .. }
    ));
    assert!(matches!(
        refused(move_suggestion(store, &c1, own, SuggestionState::Answered, " ", now()).await),
        RegistryError::AnswerRequired
    ));
    // The district, above the unit routed to, may move it too.
    move_suggestion(store, &street, up, SuggestionState::InProgress, "", now()).await.expect("street handles");
    move_suggestion(store, &district, up, SuggestionState::Answered, "村道已列入明年计划", now())
        .await
        .expect("district answers");
    assert!(matches!(
        refused(move_suggestion(store, &district, up, SuggestionState::Received, "", now()).await),
        RegistryError::SuggestionMove { .. }
    ));
    let page = person_suggestions(store, &c1, li, now()).await.expect("page");
    let answered = page.iter().find(|s| s.id == up).expect("answered one");
    assert_eq!(
        answered.moves.iter().map(|m| (m.state, m.unit.as_str(), m.note.as_str())).collect::<Vec<_>>(),
        [
            (SuggestionState::Received, "c1", ""),
            (SuggestionState::InProgress, "street", ""),
            (SuggestionState::Answered, "district", "村道已列入明年计划")
        ]
    );
    assert_eq!(ids(&page).last(), Some(&up), "answered last");
    let open =
        list_suggestions(store, &street, &SuggestionQuery { unit: None, open_only: true }, now()).await.expect("open");
    assert_eq!(ids(&open), [own, by_street]);
    assert_eq!(open[0].overdue_days(date("2027-02-18")), 3);

    // The engine's reminders: `own` is due 2027-02-15 at c1, `by_street` 2027-03-01 at the street.
    let engine = Actor { name: "engine".into(), source: Source::Engine };
    let render = |data: &SuggestionMailData| {
        Ok::<_, std::convert::Infallible>(crate::outbox::ComposedMail {
            message_id: format!("<{}@test>", data.key),
            to_address: data.recipient.email.clone(),
            envelope_from: "guiyan@test".into(),
            subject: data.key.clone(),
            raw: format!("{:?}", data.body).into_bytes(),
        })
    };
    assert_eq!(next_due_day(store, DueTopic::Suggestions, 3).await.expect("next"), Some(date("2027-02-15")));
    assert!(pending_due_mails(store, DueTopic::Suggestions, date("2027-02-14"), 3).await.expect("pending").is_empty());
    let due = pending_due_mails(store, DueTopic::Suggestions, date("2027-02-15"), 3).await.expect("pending");
    assert_eq!(due, [DueMailGroup::due(DueTopic::Suggestions, "c1")]);
    let mut body = None;
    let composed = compose_suggestion_mail(store, &due[0], date("2027-02-15"), 3, now(), &engine, |data| {
        body = Some(data.body.clone());
        render(data)
    })
    .await
    .expect("compose");
    assert!(matches!(composed, Some(Ok(ref key)) if key == "suggestions-due/c1/2027-02-15"), "{composed:?}");
    let Some(SuggestionMailBody::Due(told)) = body else { panic!("{body:?}") };
    assert_eq!(told.iter().map(|s| (s.id, s.name.as_deref())).collect::<Vec<_>>(), [(own, Some("李四"))]);
    let again = compose_suggestion_mail(store, &due[0], date("2027-02-15"), 3, now(), &engine, render).await;
    assert!(matches!(again, Ok(None)), "{again:?}");
    assert!(pending_due_mails(store, DueTopic::Suggestions, date("2027-02-16"), 3).await.expect("pending").is_empty());
    assert_eq!(next_due_day(store, DueTopic::Suggestions, 3).await.expect("next"), Some(date("2027-02-18")));
    let overdue = pending_due_mails(store, DueTopic::Suggestions, date("2027-02-18"), 3).await.expect("pending");
    assert_eq!(overdue, [DueMailGroup::overdue(DueTopic::Suggestions, "street")]);
    let mut body = None;
    compose_suggestion_mail(store, &overdue[0], date("2027-02-18"), 3, now(), &engine, |data| {
        body = Some(data.body.clone());
        render(data)
    })
    .await
    .expect("compose");
    let Some(SuggestionMailBody::Overdue { units, .. }) = body else { panic!("{body:?}") };
    assert_eq!(units.iter().map(|u| (u.unit.id.as_str(), u.count)).collect::<Vec<_>>(), [("c1", 1)]);
    // Answering it ends nothing already sent, and nothing is sent again; the street's own one
    // is reminded to the street on its day and escalated to the district, with no name (not the
    // street's own book).
    move_suggestion(store, &c1, own, SuggestionState::Answered, "已协调办理", now()).await.expect("answer");
    assert_eq!(next_due_day(store, DueTopic::Suggestions, 3).await.expect("next"), Some(date("2027-03-01")));
    let later = pending_due_mails(store, DueTopic::Suggestions, date("2027-03-04"), 3).await.expect("pending");
    assert_eq!(
        later,
        [DueMailGroup::due(DueTopic::Suggestions, "street"), DueMailGroup::overdue(DueTopic::Suggestions, "district")]
    );
    let mut body = None;
    compose_suggestion_mail(store, &later[0], date("2027-03-04"), 3, now(), &engine, |data| {
        body = Some(data.body.clone());
        render(data)
    })
    .await
    .expect("compose");
    let Some(SuggestionMailBody::Due(told)) = body else { panic!("{body:?}") };
    assert_eq!(told.iter().map(|s| (s.id, s.name.clone())).collect::<Vec<_>>(), [(by_street, None)]);
    compose_suggestion_mail(store, &later[1], date("2027-03-04"), 3, now(), &engine, render)
        .await
        .expect("compose")
        .expect("composed")
        .expect("rendered");
    assert_eq!(next_due_day(store, DueTopic::Suggestions, 3).await.expect("next"), None);
    assert!(pending_due_mails(store, DueTopic::Suggestions, date("2027-04-01"), 3).await.expect("pending").is_empty());

    // A second record of 李四 with a suggestion of its own, merged into the first: the kept
    // person's page shows it, as the kept person; undone, it is the other record's again.
    let li2 = enter(store, &vault, "c1", "李四", "13800138009").await;
    let of_li2 = record_suggestion(store, &c1, li2, &new("建议", None, "2027-06-01"), now()).await.expect("record");
    let merged = merge_persons(store, &viewer(Scope::All), li, li2, "同一人", now()).await.expect("merge");
    let page = person_suggestions(store, &c1, li, now()).await.expect("page");
    let shown = page.iter().find(|s| s.id == of_li2).expect("the absorbed record's suggestion");
    assert_eq!((shown.person_id, shown.person_name.as_str()), (li, "李四"));
    unmerge(store, &viewer(Scope::All), merged.merge_id, "误合并", now()).await.expect("unmerge");
    assert!(person_suggestions(store, &c1, li, now()).await.expect("page").iter().all(|s| s.id != of_li2));
    assert_eq!(ids(&person_suggestions(store, &c1, li2, now()).await.expect("page")), [of_li2]);
    move_suggestion(store, &c1, of_li2, SuggestionState::InProgress, "", now()).await.expect("handled");
    move_suggestion(store, &c1, of_li2, SuggestionState::Answered, "已答复", now()).await.expect("answered");

    // Erasing the person takes their suggestions with them.
    let wang_s = record_suggestion(store, &street2, wang, &new("建议", None, "2027-01-01"), now()).await.expect("x");
    erase_person(store, &unit_viewer("c3"), wang, "本人申请删除", now()).await.expect("erase");
    assert!(matches!(
        refused(move_suggestion(store, &street2, wang_s, SuggestionState::InProgress, "", now()).await),
        RegistryError::NoSuchSuggestion(_)
    ));
    assert!(pending_due_mails(store, DueTopic::Suggestions, date("2027-04-01"), 3).await.expect("pending").is_empty());

    // The access log: every record and move; the engine's reads; nothing personal.
    let log = access_log(store).await.expect("log");
    let count = |action: &str| log.iter().filter(|e| e.action == action).count();
    assert_eq!((count("suggestion"), count("suggestion-move")), (5, 6));
    let by_engine: Vec<(&str, &str)> =
        log.iter().filter(|e| e.actor == "engine").map(|e| (e.action.as_str(), e.scope.as_str())).collect();
    assert_eq!(by_engine, [("list", "c1"), ("stats", "street"), ("list", "street"), ("stats", "district")]);
    assert!(log.iter().all(|e| !format!("{e:?}").contains("李四") && !format!("{e:?}").contains("13800138001")));
    assert_eq!(verify_access_log(store).await.expect("verify").first_tampered, None);
}

#[test]
fn suggestions_on_sqlite() {
    on_sqlite(async |store: &Store| suggestions(store).await);
}

#[test]
fn suggestions_on_postgres() {
    on_postgres("suggestions", async |store: &Store| suggestions(store).await);
}
