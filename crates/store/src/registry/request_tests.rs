//! A person's requests (查阅 / 更正 / 删除) and the retention review against a real database — SQLite and
//! PostgreSQL, a fresh database each (`test_db.rs`): due and overdue, each kind answered (a
//! correction validated as on entry, an erasure with its answer), refusals out of scope, review
//! dates, and the access log's chain over all of it.

use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_orm::EntityTrait;
use talent::{
    BookRole, Field, PersonDraft, RequestChannel, RequestOutcome, RightsRequestKind, retention_review_date, validate,
};
use vault::{Algorithm, Vault};

use super::*;
use crate::connect::Store;
use crate::entities::person;
use crate::error::StoreError;
use crate::operate::{Actor, Source};
use crate::registry::test_db::{directory, on_postgres, on_sqlite};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("a time")
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn days_later(n: u64) -> DateTime<Utc> {
    now().checked_add_days(Days::new(n)).expect("a later time")
}

fn viewer(scope: Scope) -> Viewer {
    Viewer { actor: Actor { name: "tester".into(), source: Source::Cli }, scope }
}

async fn enter(store: &Store, vault: &Vault, unit: &str, cells: &[(Field, &str)]) -> i64 {
    let mut draft = PersonDraft::default();
    for (f, t) in cells {
        draft.set(*f, *t);
    }
    let new = NewPerson {
        row: 1,
        unit: unit.into(),
        role: BookRole::Registered,
        fields: validate(&draft, today()).expect("valid"),
        told: None,
        confirmed: false,
    };
    match add_person(store, vault, &viewer(Scope::Unit(unit.into())), &new, false, now()).await.expect("entered") {
        Entered::Added { person_id, .. } => person_id,
        other => panic!("not added: {other:?}"),
    }
}

fn request(person_id: i64, kind: RightsRequestKind, due_on: Option<NaiveDate>) -> NewRequest {
    NewRequest { person_id, kind, channel: RequestChannel::InPerson, received_on: today(), due_on }
}

const MOBILE: &str = "13800138000";
const NEW_MOBILE: &str = "13900139000";

async fn requests_and_reviews(store: &Store) {
    directory(store).await;
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let (c1, c2, street, all) = (
        viewer(Scope::Unit("c1".into())),
        viewer(Scope::Unit("c2".into())),
        viewer(Scope::Unit("street".into())),
        viewer(Scope::All),
    );
    let zhang =
        enter(store, &vault, "c1", &[(Field::Name, "张三"), (Field::Mobile, MOBILE), (Field::Employer, "甲公司")])
            .await;
    let li = enter(store, &vault, "c1", &[(Field::Name, "李四"), (Field::Mobile, "13700137000")]).await;
    let wang = enter(store, &vault, "c2", &[(Field::Name, "王五"), (Field::Mobile, "13600136000")]).await;

    // Entry sets the review date, three years on.
    let detail = person_detail(store, &vault, &c1, zhang, false, now()).await.expect("detail");
    assert_eq!(detail.retention_review_on, Some(retention_review_date(today())));

    // Recorded: due in 15 days unless told; by the street for a person in its scope; refused (and
    // logged) for a person outside the scope.
    let access = add_request(store, &c1, &request(zhang, RightsRequestKind::Access, None), now()).await.expect("add");
    let correction = add_request(store, &street, &request(zhang, RightsRequestKind::Correction, Some(today())), now())
        .await
        .expect("the street records one");
    let erasure = add_request(store, &c1, &request(li, RightsRequestKind::Erasure, None), now()).await.expect("add");
    let outside = add_request(store, &c2, &request(zhang, RightsRequestKind::Access, None), now()).await;
    assert!(matches!(outside, Err(StoreError::Registry(RegistryError::NoSuchPerson(_)))), "{outside:?}");
    let early = add_request(
        store,
        &c1,
        &request(zhang, RightsRequestKind::Access, today().checked_sub_days(Days::new(1))),
        now(),
    )
    .await;
    assert!(matches!(early, Err(StoreError::Registry(RegistryError::DueBeforeReceived))), "{early:?}");
    let wang_req = add_request(store, &c2, &request(wang, RightsRequestKind::Access, None), now()).await.expect("add");

    // A day later the correction (due today) is overdue, on top; c2's request is not c1's.
    let later = days_later(1);
    let listed = list_requests(store, &c1, RequestQuery::default(), later).await.expect("list");
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), vec![correction, access, erasure]);
    assert!(listed[0].overdue && !listed[1].overdue);
    assert_eq!(listed[1].due_on, today().checked_add_days(Days::new(talent::REQUEST_DUE_DAYS)).expect("a day"));
    assert_eq!(listed[0].name, "张*", "names are masked");
    let overdue = list_requests(store, &street, RequestQuery { overdue_only: true, open_only: false }, later)
        .await
        .expect("list");
    assert_eq!(overdue.iter().map(|r| r.id).collect::<Vec<_>>(), vec![correction]);
    assert_eq!(list_requests(store, &all, RequestQuery::default(), later).await.expect("list").len(), 4);
    assert_eq!(request_counts(store, &c1, later).await.expect("counts"), (3, 1));
    assert_eq!(request_counts(store, &c2, later).await.expect("counts"), (1, 0));

    // Answers are the own community's: the street and c2 are refused (and logged).
    let copy = RequestAnswer::CopyGiven { note: "打印一份交本人".into() };
    let by_street = answer_request(store, &vault, &street, access, &copy, later).await;
    assert!(matches!(by_street, Err(StoreError::Registry(RegistryError::NotOwnBook))), "{by_street:?}");
    let by_c2 = answer_request(store, &vault, &c2, access, &copy, later).await;
    assert!(matches!(by_c2, Err(StoreError::Registry(RegistryError::NoSuchRequest(_)))), "{by_c2:?}");
    let wrong_kind =
        answer_request(store, &vault, &c1, access, &RequestAnswer::Erased { note: String::new() }, later).await;
    assert!(
        matches!(wrong_kind, Err(StoreError::Registry(RegistryError::AnswerKindMismatch { .. }))),
        "{wrong_kind:?}"
    );
    let done = answer_request(store, &vault, &c1, access, &copy, later).await.expect("a copy given");
    assert_eq!(done.outcome, RequestOutcome::Done);
    let again = answer_request(store, &vault, &c1, access, &copy, later).await;
    assert!(matches!(again, Err(StoreError::Registry(RegistryError::RequestClosed(_)))), "{again:?}");

    // A correction goes through entry's validation: a bad mobile is refused naming the field…
    let bad = RequestAnswer::Corrected { changes: vec![(Field::Mobile, "1390013".into())], note: String::new() };
    match answer_request(store, &vault, &c1, correction, &bad, later).await {
        Err(StoreError::Registry(RegistryError::InvalidCorrection(errors))) => {
            assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), vec![Field::Mobile]);
        }
        other => panic!("not refused: {other:?}"),
    }
    let same = RequestAnswer::Corrected { changes: vec![(Field::Mobile, MOBILE.into())], note: String::new() };
    let unchanged = answer_request(store, &vault, &c1, correction, &same, later).await;
    assert!(matches!(unchanged, Err(StoreError::Registry(RegistryError::NothingToCorrect))), "{unchanged:?}");
    // …a good one is sealed anew, and the log names the fields only.
    let good = RequestAnswer::Corrected {
        changes: vec![(Field::Mobile, format!("+86 {NEW_MOBILE}")), (Field::Employer, "乙公司".into())],
        note: "本人提供新号码".into(),
    };
    let corrected = answer_request(store, &vault, &c1, correction, &good, later).await.expect("corrected");
    assert_eq!(corrected.fields, vec!["mobile", "employer"]);
    let full = person_detail(store, &vault, &c1, zhang, true, later).await.expect("full");
    assert_eq!(full.record.mobile.as_ref().map(|m| m.text.as_str()), Some(NEW_MOBILE));
    assert_eq!(full.record.employer.as_deref(), Some("乙公司"));
    assert_eq!(full.requests.len(), 2);
    assert!(full.requests.iter().all(|r| r.outcome == Some(RequestOutcome::Done)));

    // An erasure request answered erases the person in the same transaction.
    answer_request(store, &vault, &c1, erasure, &RequestAnswer::Erased { note: "本人书面申请".into() }, later)
        .await
        .expect("erased");
    let row = person::Entity::find_by_id(li).one(&store.db).await.expect("read").expect("the row stays");
    assert!(row.erased && row.name == ERASED_NAME && row.mobile_sealed.is_none());
    // A refusal needs a reason.
    let no_reason =
        answer_request(store, &vault, &c2, wang_req, &RequestAnswer::Refused { reason: " ".into() }, later).await;
    assert!(matches!(no_reason, Err(StoreError::Registry(RegistryError::RefusalReasonRequired))), "{no_reason:?}");
    let refused = RequestAnswer::Refused { reason: "无法核实申请人身份".into() };
    assert_eq!(
        answer_request(store, &vault, &c2, wang_req, &refused, later).await.expect("refused").outcome,
        RequestOutcome::Refused
    );
    let open =
        list_requests(store, &all, RequestQuery { open_only: true, overdue_only: false }, later).await.expect("list");
    assert!(open.is_empty(), "{open:?}");

    // Retention review: nobody is due now; three years on, zhang and wang are (li is erased).
    assert!(review_due_persons(store, &all, &ReviewQuery::default(), now()).await.expect("review").is_empty());
    let three_years = DateTime::from_timestamp(
        retention_review_date(today()).and_hms_opt(1, 0, 0).expect("a time").and_utc().timestamp(),
        0,
    )
    .expect("a time");
    let due = review_due_persons(store, &street, &ReviewQuery::default(), three_years).await.expect("review");
    assert_eq!(due.iter().map(|d| d.person_id).collect::<Vec<_>>(), vec![zhang, wang]);
    assert_eq!(due[0].name, "张*");
    assert_eq!(review_due_count(store, &c1, three_years).await.expect("count"), 1);
    let only_c2 = review_due_persons(store, &street, &ReviewQuery { unit: Some("c2".into()) }, three_years)
        .await
        .expect("review");
    assert_eq!(only_c2.len(), 1);
    let until = retention_review_date(three_years.date_naive());
    let by_street = keep_until(store, &street, zhang, until, "仍在联系", three_years).await;
    assert!(matches!(by_street, Err(StoreError::Registry(RegistryError::NotOwnBook))), "{by_street:?}");
    let no_reason = keep_until(store, &c1, zhang, until, "", three_years).await;
    assert!(matches!(no_reason, Err(StoreError::Registry(RegistryError::ReviewReasonRequired))), "{no_reason:?}");
    let past = keep_until(store, &c1, zhang, three_years.date_naive(), "仍在联系", three_years).await;
    assert!(matches!(past, Err(StoreError::Registry(RegistryError::ReviewDateNotLater))), "{past:?}");
    keep_until(store, &c1, zhang, until, "仍有返乡创业意愿，继续联系", three_years).await.expect("kept");
    erase_person(store, &c2, wang, "保存期限届满复核：不再需要", three_years).await.expect("erased");
    assert!(review_due_persons(store, &all, &ReviewQuery::default(), three_years).await.expect("review").is_empty());
    let kept = person_detail(store, &vault, &c1, zhang, false, three_years).await.expect("detail");
    assert_eq!(kept.retention_review_on, Some(until));

    // Everything is logged, chained, and holds no value.
    let log = access_log(store).await.expect("log");
    let actions = |a: &str| log.iter().filter(|e| e.action == a).count();
    assert_eq!(actions("request"), 5, "four recorded, one refused out of scope");
    assert!(log.iter().any(|e| e.action == "request-answer"
        && e.filter.as_deref().is_some_and(|f| f.ends_with("kind=correction outcome=done fields=mobile,employer"))));
    assert!(log.iter().any(|e| e.action == "request-answer" && e.outcome == "refused"));
    assert!(log.iter().any(|e| e.action == "review" && e.filter.as_deref() == Some(&*format!("keep-until={until}"))));
    for e in &log {
        let text = format!("{:?} {:?} {:?}", e.filter, e.reason, e.fields);
        assert!(!text.contains(MOBILE) && !text.contains(NEW_MOBILE) && !text.contains("乙公司"), "{text}");
    }
    assert_eq!(verify_access_log(store).await.expect("verify").first_tampered, None);
}

#[test]
fn requests_on_sqlite() {
    on_sqlite(async |store: &Store| requests_and_reviews(store).await);
}

#[test]
fn requests_on_postgres() {
    on_postgres("requests", async |store: &Store| requests_and_reviews(store).await);
}
