//! The registry against a real database — SQLite and PostgreSQL, a fresh database each
//! (`test_db.rs`): the matching ladder, scopes, masking, reveals and the access log's chain.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use talent::{BookRole, Field, PersonDraft, validate};
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

fn person(row: usize, unit: &str, cells: &[(Field, &str)]) -> NewPerson {
    let mut draft = PersonDraft::default();
    for (f, t) in cells {
        draft.set(*f, *t);
    }
    NewPerson {
        row,
        unit: unit.into(),
        role: BookRole::Registered,
        fields: validate(&draft, today()).expect("valid"),
        told: None,
        confirmed: false,
    }
}

fn viewer(scope: Scope) -> Viewer {
    Viewer { actor: Actor { name: "tester".into(), source: Source::Cli }, scope }
}

const ID: &str = "11010519491231002X";
const MOBILE: &str = "13800138000";
const ADDRESS: &str = "山东省济南市历下区解放路街道解放路第一社区3号楼2单元501";

async fn the_ladder_scopes_and_the_log(store: &Store) {
    directory(store).await;
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let all = viewer(Scope::All);
    let zhang = person(
        1,
        "c1",
        &[(Field::Name, "张三"), (Field::IdNumber, ID), (Field::Mobile, MOBILE), (Field::Address, ADDRESS)],
    );
    let first =
        import_persons(store, &vault, &all, std::slice::from_ref(&zhang), "a.xlsx", now()).await.expect("import");
    let Entered::Added { person_id, archive_no } = &first[0] else { panic!("{first:?}") };
    assert_eq!(archive_no, "c1-0001");
    let person_id = *person_id;

    // The same ID, another spelling, again in c1: matched; in the same batch twice: handed back.
    let again = person(2, "c1", &[(Field::Name, "张 三"), (Field::IdNumber, "11010519491231002x")]);
    let twice =
        import_persons(store, &vault, &all, &[again.clone(), again.clone()], "b.xlsx", now()).await.expect("import");
    assert_eq!(twice[0], Entered::AlreadyRegistered { person_id, archive_no: "c1-0001".into() });
    assert_eq!(twice[1], Entered::Held(Hold::SameAsRow { row: 2 }));

    // The same mobile and name in c2: a candidate, told by the other book's name only.
    let candidate = person(1, "c2", &[(Field::Name, "张三"), (Field::Mobile, "+86 138 0013 8000")]);
    let held =
        import_persons(store, &vault, &all, std::slice::from_ref(&candidate), "c.csv", now()).await.expect("import");
    let Entered::Held(hold) = &held[0] else { panic!("{held:?}") };
    assert_eq!(hold.message(campaign::Lang::Zh), "可能与解放路第一社区登记的人员重复，请与该社区联系");
    // A sibling sharing the phone is no candidate; confirmed, a candidate is added.
    let sibling = person(1, "c2", &[(Field::Name, "张四"), (Field::Mobile, MOBILE)]);
    assert!(matches!(add_person(store, &vault, &all, &sibling, false, now()).await, Ok(Entered::Added { .. })));
    assert!(matches!(add_person(store, &vault, &all, &candidate, true, now()).await, Ok(Entered::Added { .. })));

    // The same ID number in c2: linked into c2's book too.
    let linked = import_persons(
        store,
        &vault,
        &all,
        &[person(1, "c2", &[(Field::Name, "张三"), (Field::IdNumber, ID)])],
        "d",
        now(),
    )
    .await
    .expect("import");
    let Entered::Linked { person_id: p, other_books, .. } = &linked[0] else { panic!("{linked:?}") };
    assert_eq!((*p, other_books.as_slice()), (person_id, &["解放路第一社区".to_string()][..]));

    // Scope: c1 sees its one book row, masked; the street sees both communities.
    let c1 = viewer(Scope::Unit("c1".into()));
    let page = list_books(store, &vault, &c1, &BookQuery { unit: None, search: None, offset: 0, limit: 50 }, now())
        .await
        .expect("list");
    assert_eq!(page.total, 1);
    let shown = &page.rows[0].person;
    assert_eq!(shown.mobile.as_ref().map(|s| s.text.as_str()), Some("138****8000"));
    assert_eq!(shown.id_number.as_ref().map(|s| s.text.as_str()), Some("1101**********002X"));
    assert_eq!(shown.address.as_ref().map(|s| s.text.as_str()), Some("山东省济南市历下区解放路街道****"));
    let street = viewer(Scope::Unit("street".into()));
    let page = list_books(store, &vault, &street, &BookQuery::default(), now()).await.expect("list");
    assert_eq!(page.total, 4);
    assert!(
        list_books(store, &vault, &c1, &BookQuery { unit: Some("c2".into()), ..Default::default() }, now())
            .await
            .is_err()
    );

    // Reveals: free in the own book, else with a reason; outside the scope, no such person.
    let mobile = reveal_field(store, &vault, &c1, person_id, Field::Mobile, None, now()).await.expect("own book");
    assert_eq!(mobile.as_deref(), Some(MOBILE));
    let refused = reveal_field(store, &vault, &street, person_id, Field::IdNumber, Some("  "), now()).await;
    assert!(matches!(refused, Err(crate::StoreError::Registry(RegistryError::ReasonRequired))), "{refused:?}");
    let id = reveal_field(store, &vault, &street, person_id, Field::IdNumber, Some("核实身份"), now())
        .await
        .expect("reason");
    assert_eq!(id.as_deref(), Some(ID));
    let sibling_id = crate::entities::person::Entity::find()
        .all(&store.db)
        .await
        .expect("persons")
        .into_iter()
        .find(|p| p.name == "张四")
        .map(|p| p.id)
        .expect("张四");
    let outside = reveal_field(store, &vault, &c1, sibling_id, Field::Mobile, Some("x"), now()).await;
    assert!(matches!(outside, Err(crate::StoreError::Registry(RegistryError::NoSuchPerson(_)))), "{outside:?}");

    // Nothing in clear in any column.
    for p in person::Entity::find().all(&store.db).await.expect("persons") {
        let text = format!("{p:?}");
        for secret in [ID, MOBILE, ADDRESS, "3号楼2单元501"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        for sealed in [&p.id_number_sealed, &p.mobile_sealed, &p.address_sealed].into_iter().flatten() {
            assert!(!sealed.windows(MOBILE.len()).any(|w| w == MOBILE.as_bytes()));
        }
    }

    // A rotation reseals everything; it all still opens.
    let mut vault = vault;
    let rotated = rotate_key(store, &mut vault, Algorithm::Sm4Gcm, &all, now()).await.expect("rotate");
    assert_eq!(rotated.key_id, 2);
    assert!(rotated.resealed_values >= 3);
    let id = reveal_field(store, &vault, &c1, person_id, Field::IdNumber, None, now()).await.expect("opens");
    assert_eq!(id.as_deref(), Some(ID));

    // The log: every call above, refusals included; intact, until a row is edited.
    let log = access_log(store).await.expect("log");
    assert!(log.iter().any(|e| e.action == "reveal" && e.outcome == "refused"));
    assert_eq!(verify_access_log(store).await.expect("verify").first_tampered, None);
    store
        .db
        .execute_raw(Statement::from_string(
            store.backend(),
            "UPDATE registry_access SET actor = 'someone' WHERE seq = 4",
        ))
        .await
        .expect("tamper");
    assert_eq!(verify_access_log(store).await.expect("verify").first_tampered, Some(4));
}

async fn pins_and_followups(store: &Store) {
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let (c1, c2) = (viewer(Scope::Unit("c1".into())), viewer(Scope::Unit("c2".into())));
    let street = viewer(Scope::Unit("street".into()));
    let pin = |text: &str| talent::Pin::parse(text).expect("a pin");
    let later = |seconds: i64| now() + chrono::TimeDelta::seconds(seconds);

    // A PIN: set once, tried, locked by the fifth wrong try in a row for fifteen minutes.
    assert!(!pin_is_set(store, &c1).await.expect("read"));
    assert_eq!(check_pin(store, &vault, &c1, &pin("482913"), now()).await.expect("try"), PinCheck::NotSet);
    let new = talent::Pin::new("482913", "482913").expect("a new pin");
    set_pin(store, &vault, &c1, &new, now()).await.expect("set");
    let twice = set_pin(store, &vault, &c1, &new, now()).await;
    assert!(matches!(twice, Err(StoreError::Registry(RegistryError::PinAlreadySet(_)))), "{twice:?}");
    assert_eq!(check_pin(store, &vault, &c1, &pin("482913"), now()).await.expect("try"), PinCheck::Right);
    for left in (1..=4).rev() {
        let tried = check_pin(store, &vault, &c1, &pin("000001"), now()).await.expect("try");
        assert_eq!(tried, PinCheck::Wrong { tries_left: left });
    }
    let locked = PinCheck::Locked { until: later(PIN_LOCK_SECONDS) };
    assert_eq!(check_pin(store, &vault, &c1, &pin("000001"), now()).await.expect("try"), locked);
    // Locked: not even the right PIN is compared, and the lock is not extended.
    assert_eq!(check_pin(store, &vault, &c1, &pin("482913"), later(60)).await.expect("try"), locked);
    let after = later(PIN_LOCK_SECONDS + 1);
    assert_eq!(check_pin(store, &vault, &c1, &pin("482913"), after).await.expect("try"), PinCheck::Right);
    // Another unit's PIN is its own; only the unit above resets one.
    assert_eq!(check_pin(store, &vault, &c2, &pin("482913"), now()).await.expect("try"), PinCheck::NotSet);
    let by_sibling = reset_pin(store, &c2, "c1", now()).await;
    assert!(matches!(by_sibling, Err(StoreError::Registry(RegistryError::NotParent(_)))), "{by_sibling:?}");
    assert!(reset_pin(store, &street, "c1", now()).await.expect("reset"));
    assert!(!pin_is_set(store, &c1).await.expect("read"));

    // A follow-up by the person's own community; nobody else's.
    let li = person(1, "c1", &[(Field::Name, "李四"), (Field::Mobile, "13900139000"), (Field::ReturnIntent, "暂无")]);
    let entered = add_person(store, &vault, &c1, &li, false, now()).await.expect("add");
    let Entered::Added { person_id, .. } = entered else { panic!("{entered:?}") };
    let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date");
    let fields = talent::FollowUpFields {
        contacted_on: today(),
        channel: talent::Channel::Visit,
        summary: "在家过年，有意回乡开办农家乐".into(),
        intent: Some(talent::ReturnIntent::StartBusiness),
        next_contact_on: Some(date("2027-02-15")),
    };
    let elsewhere = add_followup(store, &c2, person_id, &fields, now()).await;
    assert!(matches!(elsewhere, Err(StoreError::Registry(RegistryError::NoSuchPerson(_)))), "{elsewhere:?}");
    add_followup(store, &c1, person_id, &fields, now()).await.expect("a follow-up");
    let detail = person_detail(store, &vault, &c1, person_id, true, now()).await.expect("its own person, in full");
    assert!(detail.own_book);
    assert_eq!(detail.followups.len(), 1);
    assert_eq!(detail.record.return_intent, talent::ReturnIntent::StartBusiness);
    assert_eq!(detail.intent_confirmed_at, Some(now().timestamp()));
    assert_eq!(detail.record.mobile.as_ref().map(|m| (m.text.as_str(), m.revealed)), Some(("13900139000", true)));
    let masked = person_detail(store, &vault, &street, person_id, false, now()).await.expect("masked for the street");
    assert_eq!(masked.record.mobile.as_ref().map(|m| m.text.as_str()), Some("139****9000"));
    let full = person_detail(store, &vault, &street, person_id, true, now()).await;
    assert!(matches!(full, Err(StoreError::Registry(RegistryError::ReasonRequired))), "{full:?}");
    let other = person_detail(store, &vault, &c2, person_id, false, now()).await;
    assert!(matches!(other, Err(StoreError::Registry(RegistryError::NoSuchPerson(_)))), "{other:?}");

    // The next contact falls due on its day, for the community and the street above it.
    let due = |viewer: Viewer, on: &'static str| async move {
        contacts_due(store, &viewer, date(on), now())
            .await
            .expect("due")
            .into_iter()
            .map(|d| d.name)
            .collect::<Vec<_>>()
    };
    assert!(due(c1.clone(), "2027-02-14").await.is_empty());
    assert_eq!(due(c1.clone(), "2027-02-15").await, ["李四"]);
    assert_eq!(due(street.clone(), "2027-02-20").await, ["李四"]);
    assert!(due(c2.clone(), "2027-02-20").await.is_empty());

    let log = access_log(store).await.expect("log");
    for (action, outcome) in
        [("unlock", "refused"), ("unlock", "ok"), ("pin-reset", "ok"), ("follow-up", "ok"), ("view", "refused")]
    {
        assert!(log.iter().any(|e| e.action == action && e.outcome == outcome), "{action} {outcome}");
    }
}

/// Erasing `pins_and_followups`'s person (after `contact_reminders`, which reminds of them).
async fn erase_keeps_the_counts(store: &Store) {
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let (c1, street) = (viewer(Scope::Unit("c1".into())), viewer(Scope::Unit("street".into())));
    let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date");
    let due = |viewer: Viewer, on: &'static str| async move {
        contacts_due(store, &viewer, date(on), now())
            .await
            .expect("due")
            .into_iter()
            .map(|d| d.name)
            .collect::<Vec<_>>()
    };
    let person_id = person::Entity::find()
        .all(&store.db)
        .await
        .expect("persons")
        .into_iter()
        .find(|p| p.name == "李四")
        .expect("the person of pins_and_followups")
        .id;
    // Erased at the person's request: only by the own community, with a reason; counted, never shown.
    let by_street = erase_person(store, &street, person_id, "本人要求", now()).await;
    assert!(matches!(by_street, Err(StoreError::Registry(RegistryError::NotOwnBook))), "{by_street:?}");
    let no_reason = erase_person(store, &c1, person_id, " ", now()).await;
    assert!(matches!(no_reason, Err(StoreError::Registry(RegistryError::ReasonRequired))), "{no_reason:?}");
    let before = registry_stats(store, &street, None, now()).await.expect("stats");
    erase_person(store, &c1, person_id, "本人于2027-01-20电话要求删除", now()).await.expect("erase");
    let gone = person_detail(store, &vault, &c1, person_id, false, now()).await;
    assert!(matches!(gone, Err(StoreError::Registry(RegistryError::NoSuchPerson(_)))), "{gone:?}");
    // (That the book no longer lists the person is checked through the web, tests/tests/web.rs: this
    // scenario's c1 also holds persons sealed under the first scenario's rotated key.)
    let after = registry_stats(store, &street, None, now()).await.expect("stats");
    assert_eq!((after.persons, after.erased), (before.persons, before.erased + 1), "still counted");
    assert_eq!(after.by_intent, before.by_intent, "the intent stays for the counts");
    let row = person::Entity::find_by_id(person_id).one(&store.db).await.expect("read").expect("the row stays");
    assert_eq!(row.name, ERASED_NAME);
    assert!(row.mobile_sealed.is_none() && row.mobile_index.is_none() && row.erased);
    assert!(due(c1.clone(), "2027-02-20").await.is_empty(), "an erased person is not due for contact");

    let log = access_log(store).await.expect("log");
    assert!(log.iter().any(|e| e.action == "erase" && e.reason.as_deref() == Some("本人于2027-01-20电话要求删除")));
}

/// The reserve pool (a community recommends, the street admits) and the register's counts for
/// figures counted from it, over a unit's subtree and within a window.
async fn pool_and_counts(store: &Store) {
    use crate::entities::person_book;
    use campaign::RegisterCount;
    use sea_orm::{ColumnTrait, QueryFilter};
    use talent::{PoolRoute, PoolStatus};
    let (c1, street) = (viewer(Scope::Unit("c1".into())), viewer(Scope::Unit("street".into())));
    let erased: Vec<i64> = person::Entity::find()
        .all(&store.db)
        .await
        .expect("persons")
        .into_iter()
        .filter(|p| p.erased)
        .map(|p| p.id)
        .collect();
    let in_c2 =
        person_book::Entity::find().filter(person_book::Column::Unit.eq("c2")).all(&store.db).await.expect("c2");
    // Someone in c1's book alone (the earlier scenarios' persons are linked into c2 or erased).
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let wu = person(1, "c1", &[(Field::Name, "吴七"), (Field::Mobile, "13700137000"), (Field::ReturnIntent, "创业")]);
    let entered = add_person(store, &vault, &c1, &wu, false, now()).await.expect("add");
    let Entered::Added { person_id: id, .. } = entered else { panic!("{entered:?}") };
    assert!(!erased.contains(&id) && !in_c2.iter().any(|b| b.person_id == id));
    let c1_books =
        person_book::Entity::find().filter(person_book::Column::Unit.eq("c1")).all(&store.db).await.expect("c1's book");

    let refused = set_pool_status(store, &c1, id, PoolStatus::Admitted, None, now()).await;
    assert!(matches!(refused, Err(StoreError::Registry(RegistryError::PoolDecidedAbove))), "{refused:?}");
    set_pool_status(store, &c1, id, PoolStatus::Recommended, Some(PoolRoute::SelfNominated), now()).await.expect("c1");
    set_pool_status(store, &street, id, PoolStatus::Admitted, None, now()).await.expect("the street admits");
    let again = set_pool_status(store, &c1, id, PoolStatus::Recommended, None, now()).await;
    assert!(matches!(again, Err(StoreError::Registry(RegistryError::PoolDecidedAbove))), "{again:?}");
    let row = person::Entity::find_by_id(id).one(&store.db).await.expect("read").expect("the person");
    assert_eq!((row.pool_status.as_deref(), row.pool_route.as_deref()), (Some("admitted"), Some("self-nominated")));
    let outside =
        set_pool_status(store, &viewer(Scope::Unit("c2".into())), id, PoolStatus::Recommended, None, now()).await;
    assert!(matches!(outside, Err(StoreError::Registry(RegistryError::NoSuchPerson(_)))), "{outside:?}");

    // The counts, per unit over its subtree: the pool is not limited to a window.
    let all = CountWindow { from: 0, to: i64::MAX };
    let units = ["c1", "c2", "street", "district", "nowhere"];
    let pool = register_counts(&store.db, RegisterCount::Pool, all, &units).await.expect("count");
    assert_eq!(
        units.map(|u| pool[u]),
        [1, 0, 1, 1, 0],
        "the admitted person counts in c1 and above it, and nowhere else"
    );
    let entered = register_counts(&store.db, RegisterCount::Entered, all, &units).await.expect("count");
    let in_c2 =
        person_book::Entity::find().filter(person_book::Column::Unit.eq("c2")).all(&store.db).await.expect("c2");
    assert_eq!((entered["c1"], entered["c2"]), (c1_books.len() as u64, in_c2.len() as u64));
    assert_eq!(entered["street"], entered["c1"] + entered["c2"], "a street counts its communities' books");
    let later = CountWindow { from: now().timestamp() + 1, to: i64::MAX };
    let none = register_counts(&store.db, RegisterCount::Entered, later, &["street"]).await.expect("count");
    assert_eq!(none["street"], 0, "nothing was entered after now");
    let district = register_total(&store.db, RegisterCount::Entered, all, None).await.expect("total");
    assert_eq!(district, entered["district"]);

    let log = access_log(store).await.expect("log");
    let pool_entries: Vec<&str> =
        log.iter().filter(|e| e.action == "pool").map(|e| e.filter.as_deref().unwrap_or_default()).collect();
    assert_eq!(pool_entries, ["pool=recommended route=self-nominated", "pool=admitted"]);
}

/// The engine's reminders of the contact `pins_and_followups` left due on 2027-02-15 in c1: one
/// mail to c1 that day, one to the street three days later, each once.
async fn contact_reminders(store: &Store) {
    let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date");
    let engine = Actor { name: "engine".into(), source: Source::Engine };
    let render = |data: &ContactMailData| {
        Ok::<_, std::convert::Infallible>(crate::outbox::ComposedMail {
            message_id: format!("<{}@test>", data.key),
            to_address: data.recipient.email.clone(),
            envelope_from: "guiyan@test".into(),
            subject: data.key.clone(),
            raw: format!("{:?}", data.body).into_bytes(),
        })
    };
    assert!(pending_contact_mails(store, date("2027-02-14"), 3).await.expect("pending").is_empty());
    assert_eq!(next_contact_day(store, 3).await.expect("next"), Some(date("2027-02-15")));
    let due = pending_contact_mails(store, date("2027-02-15"), 3).await.expect("pending");
    assert_eq!(due, [ContactMailGroup::Due { unit: "c1".into() }]);
    let mut body = None;
    let composed = compose_contact_mail(store, &due[0], date("2027-02-15"), 3, now(), &engine, |data| {
        body = Some(data.body.clone());
        render(data)
    })
    .await
    .expect("compose");
    assert!(matches!(composed, Some(Ok(ref key)) if key == "contacts-due/c1/2027-02-15"), "{composed:?}");
    let Some(ContactMailBody::Due(contacts)) = body else { panic!("{body:?}") };
    assert_eq!(contacts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["李四"]);
    let again = compose_contact_mail(store, &due[0], date("2027-02-15"), 3, now(), &engine, render).await;
    assert!(matches!(again, Ok(None)), "{again:?}");
    assert!(pending_contact_mails(store, date("2027-02-17"), 3).await.expect("pending").is_empty());
    assert_eq!(next_contact_day(store, 3).await.expect("next"), Some(date("2027-02-18")));
    let overdue = pending_contact_mails(store, date("2027-02-18"), 3).await.expect("pending");
    assert_eq!(overdue, [ContactMailGroup::Overdue { street: "street".into() }]);
    let mut body = None;
    compose_contact_mail(store, &overdue[0], date("2027-02-18"), 3, now(), &engine, |data| {
        body = Some(data.body.clone());
        render(data)
    })
    .await
    .expect("compose");
    let Some(ContactMailBody::Overdue { communities, .. }) = body else { panic!("{body:?}") };
    assert_eq!(communities.iter().map(|c| (c.unit.id.as_str(), c.contacts)).collect::<Vec<_>>(), [("c1", 1)]);
    assert!(pending_contact_mails(store, date("2027-03-01"), 3).await.expect("pending").is_empty());
    assert_eq!(next_contact_day(store, 3).await.expect("next"), None);
    let log = access_log(store).await.expect("log");
    let by_engine: Vec<(&str, &str)> =
        log.iter().filter(|e| e.actor == "engine").map(|e| (e.action.as_str(), e.scope.as_str())).collect();
    assert_eq!(by_engine, [("list", "c1"), ("stats", "street")]);
}

/// Two records of one person merged and the merge undone, on a fresh database: books, follow-ups,
/// filled fields, the refusals, the counts, the ladder and the access log.
async fn merge_and_unmerge(store: &Store) {
    directory(store).await;
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let all = viewer(Scope::All);
    let (c1, c2, street) =
        (viewer(Scope::Unit("c1".into())), viewer(Scope::Unit("c2".into())), viewer(Scope::Unit("street".into())));
    const ID2: &str = "110105198001010016";
    const ID3: &str = "110105198503150027";
    let added = |e: Entered| match e {
        Entered::Added { person_id, .. } | Entered::Linked { person_id, .. } => person_id,
        other => panic!("{other:?}"),
    };
    let refused = |r: Result<Merged, StoreError>| match r {
        Err(StoreError::Registry(e)) => e,
        other => panic!("{other:?}"),
    };
    // 王五 entered in c1 with one mobile, and in c2 with another and his ID number; c2's record is
    // linked into c1's book by the ID number, so c1's book holds both (c1-0001, then c1-0002).
    let first = person(1, "c1", &[(Field::Name, "王五"), (Field::Mobile, "13700137000"), (Field::Employer, "甲公司")]);
    let p1 = added(add_person(store, &vault, &c1, &first, false, now()).await.expect("add"));
    let second = person(
        1,
        "c2",
        &[
            (Field::Name, "王五"),
            (Field::IdNumber, ID2),
            (Field::Mobile, "13600136000"),
            (Field::Address, ADDRESS),
            (Field::ReturnIntent, "创业"),
        ],
    );
    let p2 = added(add_person(store, &vault, &c2, &second, false, now()).await.expect("add"));
    let linked = person(2, "c1", &[(Field::Name, "王五"), (Field::IdNumber, ID2)]);
    assert_eq!(added(add_person(store, &vault, &c1, &linked, false, now()).await.expect("link")), p2);
    let other = person(1, "c2", &[(Field::Name, "赵六"), (Field::IdNumber, ID3)]);
    let p3 = added(add_person(store, &vault, &c2, &other, false, now()).await.expect("add"));
    let gone = person(2, "c2", &[(Field::Name, "钱八"), (Field::Mobile, "13500135000")]);
    let p4 = added(add_person(store, &vault, &c2, &gone, false, now()).await.expect("add"));
    erase_person(store, &all, p4, "本人要求删除", now()).await.expect("erase");

    let contact = |summary: &str| talent::FollowUpFields {
        contacted_on: today(),
        channel: talent::Channel::Phone,
        summary: summary.into(),
        intent: None,
        next_contact_on: None,
    };
    // Each community asks for a next contact with its record of 王五.
    let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date");
    let next = |summary: &str, on: &str| talent::FollowUpFields { next_contact_on: Some(date(on)), ..contact(summary) };
    let f1 = add_followup(store, &c1, p1, &next("c1 的电话", "2027-02-15"), now()).await.expect("a follow-up");
    let f2 = add_followup(store, &c2, p2, &next("c2 的电话", "2027-02-16"), now()).await.expect("a follow-up");
    let reminders = || async { pending_contact_mails(store, date("2027-02-20"), 3).await.expect("pending") };
    let due = |unit: &str| ContactMailGroup::Due { unit: unit.into() };
    let overdue = ContactMailGroup::Overdue { street: "street".into() };
    assert_eq!(reminders().await, [due("c1"), due("c2"), overdue.clone()]);

    let row =
        |id: i64| async move { person::Entity::find_by_id(id).one(&store.db).await.expect("read").expect("the row") };
    let books = |id: i64| async move {
        let mut b: Vec<(i64, String, String)> = crate::entities::person_book::Entity::find()
            .all(&store.db)
            .await
            .expect("books")
            .into_iter()
            .filter(|b| b.person_id == id)
            .map(|b| (b.id, b.unit, b.archive_no))
            .collect();
        b.sort();
        b
    };
    let followups = |id: i64| async move {
        let mut f: Vec<i64> = crate::entities::person_followup::Entity::find()
            .all(&store.db)
            .await
            .expect("follow-ups")
            .into_iter()
            .filter(|f| f.person_id == id)
            .map(|f| f.id)
            .collect();
        f.sort();
        f
    };
    let counts = |viewer: Viewer| async move {
        let s = registry_stats(store, &viewer, None, now()).await.expect("stats");
        (s.persons, s.by_unit.iter().map(|u| (u.unit.clone(), u.persons)).collect::<Vec<_>>())
    };
    let (p1_before, p2_before) = (row(p1).await, row(p2).await);
    let (p1_books, p2_books) = (books(p1).await, books(p2).await);
    assert_eq!(p1_books.iter().map(|b| b.2.as_str()).collect::<Vec<_>>(), ["c1-0001"]);
    assert_eq!(p2_books.iter().map(|b| b.2.as_str()).collect::<Vec<_>>(), ["c2-0001", "c1-0002"]);
    let before = counts(street.clone()).await;
    assert_eq!(before, (4, vec![("c1".into(), 2), ("c2".into(), 3)]));

    // Refused: no reason, one person twice, a book outside the scope, an erased person, two ID
    // numbers; each refusal is logged.
    assert!(matches!(
        refused(merge_persons(store, &street, p2, p1, "  ", now()).await),
        RegistryError::MergeReasonRequired
    ));
    assert!(matches!(refused(merge_persons(store, &all, p1, p1, "重复", now()).await), RegistryError::MergeSelf(_)));
    let out_of_scope = refused(merge_persons(store, &c1, p2, p1, "重复", now()).await);
    assert!(
        matches!(&out_of_scope, RegistryError::MergeOutOfScope { person, unit, .. } if *person == p2 && unit == "c2"),
        "{out_of_scope:?}"
    );
    assert!(matches!(refused(merge_persons(store, &c1, p3, p1, "重复", now()).await), RegistryError::NoSuchPerson(_)));
    assert!(matches!(refused(merge_persons(store, &all, p2, p4, "重复", now()).await), RegistryError::MergeErased(_)));
    assert!(matches!(
        refused(merge_persons(store, &all, p2, p3, "重复", now()).await),
        RegistryError::DifferentIdNumbers { .. }
    ));
    assert_eq!(row(p1).await, p1_before, "a refused merge writes nothing");

    // Merged by the street, which covers both communities.
    let merged = merge_persons(store, &street, p2, p1, "同一人在两个社区登记，手机号不同", now()).await.expect("merge");
    assert_eq!((merged.books_moved, merged.books_dropped, merged.followups_moved), (1, 1, 1));
    assert!(merged.filled.contains(&MergeField::Employer), "{:?}", merged.filled);
    assert!(!merged.filled.contains(&MergeField::Mobile), "the kept mobile is never overwritten");
    let kept = row(p2).await;
    assert_eq!(kept.employer.as_deref(), Some("甲公司"));
    assert_eq!(
        (kept.mobile_sealed.as_ref(), kept.mobile_index.as_ref()),
        (p2_before.mobile_sealed.as_ref(), p2_before.mobile_index.as_ref())
    );
    assert_eq!(kept.return_intent, p2_before.return_intent);
    assert_eq!(row(p1).await.merged_into, Some(p2));
    // c1's book keeps one entry, the older archive number; every follow-up is the kept person's.
    let kept_books: Vec<String> = books(p2).await.into_iter().map(|b| b.2).collect();
    assert_eq!(kept_books, ["c1-0001", "c2-0001"]);
    assert!(books(p1).await.is_empty());
    assert_eq!(followups(p2).await, [f1, f2]);
    // One person, one contact: the latest follow-up of the two records (c2's) is reminded, once.
    assert_eq!(reminders().await, [due("c2"), overdue.clone()]);
    let street_due = contacts_due(store, &street, date("2027-02-20"), now()).await.expect("due");
    assert_eq!(street_due.iter().map(|d| (d.person_id, d.due_on)).collect::<Vec<_>>(), [(p2, date("2027-02-16"))]);
    // Counted, listed and matched once.
    assert_eq!(counts(street.clone()).await, (3, vec![("c1".into(), 1), ("c2".into(), 3)]));
    let page = list_books(store, &vault, &c1, &BookQuery { unit: None, search: None, offset: 0, limit: 50 }, now())
        .await
        .expect("list");
    assert_eq!(page.rows.iter().map(|r| (r.archive_no.as_str(), r.person.id)).collect::<Vec<_>>(), [("c1-0001", p2)]);
    let absorbed = person_detail(store, &vault, &c1, p1, false, now()).await;
    assert!(matches!(absorbed, Err(StoreError::Registry(RegistryError::NoSuchPerson(_)))), "{absorbed:?}");
    let detail = person_detail(store, &vault, &street, p2, false, now()).await.expect("the kept person");
    assert_eq!(detail.followups.len(), 2);
    // The absorbed record's mobile (not the kept one's) still finds the person, in c2's book.
    let again = person(3, "c2", &[(Field::Name, "王五"), (Field::Mobile, "13700137000")]);
    let matched = add_person(store, &vault, &c2, &again, false, now()).await.expect("add");
    assert_eq!(matched, Entered::AlreadyRegistered { person_id: p2, archive_no: "c2-0001".into() });
    // The dropped archive number is not given to anyone else while the merge stands.
    let newcomer = person(4, "c1", &[(Field::Name, "周九"), (Field::Mobile, "13400134000")]);
    let Entered::Added { person_id: p5, archive_no } =
        add_person(store, &vault, &c1, &newcomer, false, now()).await.expect("add")
    else {
        panic!("added")
    };
    assert_eq!(archive_no, "c1-0003");
    // Merged already: refused either way round.
    assert!(matches!(
        refused(merge_persons(store, &all, p3, p1, "重复", now()).await),
        RegistryError::AlreadyMerged { .. }
    ));
    let listed = list_merges(store, &all, now()).await.expect("merges");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].moved_archive_nos.as_slice(), listed[0].dropped_archive_nos.as_slice()),
        (&["c1-0001".to_string()][..], &["c1-0002".to_string()][..])
    );
    assert!(listed[0].undone.is_none());
    // A follow-up recorded after the merge stays with the kept person when it is undone.
    let f3 = add_followup(store, &c1, p2, &contact("合并后的走访"), now()).await.expect("a follow-up");

    // Undone: refused without a reason or for an unknown merge; then exactly as before.
    let unmerge_refused = |r: Result<Unmerged, StoreError>| match r {
        Err(StoreError::Registry(e)) => e,
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        unmerge_refused(unmerge(store, &street, merged.merge_id, "", now()).await),
        RegistryError::MergeReasonRequired
    ));
    assert!(matches!(unmerge_refused(unmerge(store, &all, 999, "错了", now()).await), RegistryError::NoSuchMerge(999)));
    let undone = unmerge(store, &street, merged.merge_id, "核实后确是两人", now()).await.expect("unmerge");
    assert_eq!((undone.books_returned, undone.books_restored, undone.followups_returned), (1, 1, 1));
    assert_eq!(row(p1).await, p1_before, "the absorbed record as it was");
    let mut kept = row(p2).await;
    kept.updated_at = p2_before.updated_at;
    assert_eq!(kept, p2_before, "the kept record's filled fields emptied again");
    assert_eq!(books(p1).await, p1_books);
    assert_eq!(books(p2).await, p2_books);
    assert_eq!(followups(p1).await, [f1]);
    assert_eq!(followups(p2).await, [f2, f3]);
    let (persons, by_unit) = counts(street.clone()).await;
    assert_eq!((persons, by_unit), (5, vec![("c1".into(), 3), ("c2".into(), 3)]), "counted twice again");
    // c1's contact is its record's again; the kept person's was followed up after the merge.
    assert_eq!(reminders().await, [due("c1"), overdue.clone()]);
    assert!(matches!(
        unmerge_refused(unmerge(store, &all, merged.merge_id, "再撤销", now()).await),
        RegistryError::AlreadyUnmerged(_)
    ));

    // Merges into one person are undone newest first, and not once the kept person is merged
    // into another or erased; erasing the kept person erases what was merged into it.
    let m2 = merge_persons(store, &all, p2, p1, "同一人", now()).await.expect("merge");
    let m3 = merge_persons(store, &all, p2, p5, "同一人", now()).await.expect("merge");
    assert!(matches!(
        unmerge_refused(unmerge(store, &all, m2.merge_id, "撤销", now()).await),
        RegistryError::UnmergeLaterMerge { later, .. } if later == m3.merge_id
    ));
    let lone = person(5, "c2", &[(Field::Name, "吴十"), (Field::Mobile, "13300133000")]);
    let p6 = added(add_person(store, &vault, &c2, &lone, false, now()).await.expect("add"));
    let m5 = merge_persons(store, &all, p6, p2, "同一人", now()).await.expect("merge");
    assert!(matches!(
        unmerge_refused(unmerge(store, &all, m3.merge_id, "撤销", now()).await),
        RegistryError::UnmergeKeptMerged { into, .. } if into == p6
    ));
    unmerge(store, &all, m5.merge_id, "撤销", now()).await.expect("unmerge");
    let before_erase = counts(all.clone()).await;
    erase_person(store, &c2, p2, "本人要求删除", now()).await.expect("erase");
    for id in [p1, p5] {
        let r = row(id).await;
        assert!(r.erased && r.mobile_sealed.is_none() && r.mobile_index.is_none(), "merged into an erased person");
    }
    assert!(matches!(
        unmerge_refused(unmerge(store, &all, m3.merge_id, "撤销", now()).await),
        RegistryError::UnmergeKeptErased { .. }
    ));
    assert_eq!(counts(all.clone()).await, before_erase, "erasing changes no count");

    let log = access_log(store).await.expect("log");
    let merges: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e.action == "merge" || e.action == "unmerge")
        .map(|e| (e.action.as_str(), e.outcome.as_str()))
        .collect();
    assert!(merges.contains(&("merge", "refused")) && merges.contains(&("unmerge", "refused")));
    assert_eq!(merges.iter().filter(|m| **m == ("merge", "ok")).count(), 4);
    assert_eq!(merges.iter().filter(|m| **m == ("unmerge", "ok")).count(), 2);
    assert!(log.iter().any(|e| e.action == "merge" && e.reason.as_deref() == Some("同一人在两个社区登记，手机号不同")));
    assert_eq!(verify_access_log(store).await.expect("verify").first_tampered, None);
}

/// On PostgreSQL a merge waits for a writer that holds a person it found (the ladder linking a
/// book to them, a follow-up recorded with them) to commit, so nothing lands on a record merged
/// away meanwhile.
async fn a_merge_waits_for_a_writer_holding_the_person(store: &Store) {
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let all = viewer(Scope::All);
    let mut ids = Vec::new();
    for (unit, mobile) in [("c1", "13200132000"), ("c2", "13100131000")] {
        let row = person(1, unit, &[(Field::Name, "郑一"), (Field::Mobile, mobile)]);
        let Ok(Entered::Added { person_id, .. }) = add_person(store, &vault, &all, &row, false, now()).await else {
            panic!("added")
        };
        ids.push(person_id);
    }
    let txn = sea_orm::TransactionTrait::begin(&store.db).await.expect("begin");
    let held = crate::registry::merge::hold_person(&txn, ids[1]).await.expect("hold");
    assert!(held.is_some());
    let merge = merge_persons(store, &all, ids[0], ids[1], "同一人", now());
    tokio::pin!(merge);
    let waited = tokio::time::timeout(std::time::Duration::from_millis(500), &mut merge).await;
    assert!(waited.is_err(), "the merge waits while the person is held: {waited:?}");
    txn.commit().await.expect("commit");
    merge.await.expect("the merge, once the holder committed");
}

#[test]
fn the_ladder_on_sqlite() {
    on_sqlite(async |store: &Store| {
        the_ladder_scopes_and_the_log(store).await;
        pins_and_followups(store).await;
        contact_reminders(store).await;
        erase_keeps_the_counts(store).await;
        pool_and_counts(store).await;
    });
}

#[test]
fn the_ladder_on_postgres() {
    on_postgres("registry", async |store: &Store| {
        the_ladder_scopes_and_the_log(store).await;
        pins_and_followups(store).await;
        contact_reminders(store).await;
        erase_keeps_the_counts(store).await;
        pool_and_counts(store).await;
    });
}

#[test]
fn merges_on_sqlite() {
    on_sqlite(async |store: &Store| merge_and_unmerge(store).await);
}

#[test]
fn merges_on_postgres() {
    on_postgres("merge", async |store: &Store| {
        merge_and_unmerge(store).await;
        a_merge_waits_for_a_writer_holding_the_person(store).await;
    });
}
