//! Searching the books against a real database — SQLite and PostgreSQL, a fresh database each
//! (`test_db.rs`): a mobile in any spelling and an ID number by their blind index, a name or
//! archive number by its part, each within the viewer's scope; a partial phone finds nothing; the
//! total counts what is listed (no erased person); a merged-away record's mobile finds the kept
//! person; the log says the kind of search, never what was searched; a stored role this guiyan does
//! not know is an error, not a default.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement};
use talent::{BookRole, Field, PersonDraft, validate};
use vault::{Algorithm, Vault};

use super::*;
use crate::connect::Store;
use crate::error::StoreError;
use crate::operate::{Actor, Source};
use crate::registry::test_db::{directory, on_postgres, on_sqlite};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("a time")
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn viewer(scope: &str) -> Viewer {
    let scope = if scope == "all" { Scope::All } else { Scope::Unit(scope.into()) };
    Viewer { actor: Actor { name: "tester".into(), source: Source::Cli }, scope }
}

const ID: &str = "11010519491231002X";
const ID_2: &str = "110105198001010016";
const MOBILE: &str = "13800138000";

/// Enters one person into `unit`'s book: their id.
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
        confirmed: true,
    };
    match add_person(store, vault, &viewer("all"), &new, true, now()).await.expect("add") {
        Entered::Added { person_id, .. } => person_id,
        other => panic!("{other:?}"),
    }
}

async fn search_the_books(store: &Store) {
    directory(store).await;
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).expect("a vault");
    let zhang =
        enter(store, &vault, "c1", &[(Field::Name, "张三"), (Field::IdNumber, ID), (Field::Mobile, MOBILE)]).await;
    let li = enter(store, &vault, "c1", &[(Field::Name, "李四"), (Field::Mobile, "13900139000")]).await;
    let zhao = enter(store, &vault, "c1", &[(Field::Name, "赵六"), (Field::Mobile, "13300133000")]).await;
    let wang =
        enter(store, &vault, "c2", &[(Field::Name, "王五"), (Field::IdNumber, ID_2), (Field::Mobile, "13700137000")])
            .await;
    let zhang_c2 = enter(store, &vault, "c2", &[(Field::Name, "张三丰"), (Field::Mobile, "13200132000")]).await;
    let search = |scope: &'static str, text: &'static str| {
        let vault = &vault;
        async move {
            let query = BookQuery { search: Some(text.into()), limit: 50, ..Default::default() };
            let page = list_books(store, vault, &viewer(scope), &query, now()).await.expect("a search");
            assert_eq!(page.total, page.rows.len() as u64, "{scope} {text}: the total counts the rows");
            page.rows.iter().map(|r| (r.archive_no.clone(), r.person.id)).collect::<Vec<_>>()
        }
    };
    let c1 = |n: &str| format!("c1-{n}");

    // A mobile in another spelling, an ID number with a lower-case x: the own community finds the
    // person, masked; another community nothing; the street its community's person.
    assert_eq!(search("c1", "+86 138-0013-8000").await, [(c1("0001"), zhang)]);
    assert_eq!(search("c1", "１３８００１３８０００").await, [(c1("0001"), zhang)], "full-width digits");
    assert_eq!(search("c1", "11010519491231002x").await, [(c1("0001"), zhang)]);
    assert_eq!(search("c2", MOBILE).await, []);
    assert_eq!(search("c2", ID).await, []);
    assert_eq!(search("c1", ID_2).await, [], "c2's person from c1");
    assert_eq!(search("street", ID_2).await, [("c2-0001".to_string(), wang)]);
    let query = BookQuery { search: Some(MOBILE.into()), limit: 50, ..Default::default() };
    let found = list_books(store, &vault, &viewer("street"), &query, now()).await.expect("a search");
    assert_eq!(found.rows[0].person.mobile.as_ref().map(|m| m.text.as_str()), Some("138****8000"), "masked");
    // Part of a phone or an ID number is not looked up: sealed fields only by a whole value.
    assert_eq!(search("c1", "8000").await, []);
    assert_eq!(search("c1", "138001").await, []);
    assert_eq!(search("c1", "002X").await, []);

    // A name's part, within the scope; the street sees both communities'.
    assert_eq!(search("c1", "张").await, [(c1("0001"), zhang)]);
    assert_eq!(search("c1", " 张 三 ").await, [(c1("0001"), zhang)], "spaces as a name is stored");
    assert_eq!(search("street", "张三").await, [(c1("0001"), zhang), ("c2-0002".to_string(), zhang_c2)]);
    assert_eq!(search("c2", "李四").await, []);
    // An archive number, whole or in part, any case.
    assert_eq!(search("c1", "c1-0002").await, [(c1("0002"), li)]);
    assert_eq!(search("c1", "C1-0002").await, [(c1("0002"), li)]);
    assert_eq!(search("street", "0002").await, [(c1("0002"), li), ("c2-0002".to_string(), zhang_c2)]);
    // LIKE's wildcards are the text itself.
    assert_eq!(search("c1", "%").await, []);
    assert_eq!(search("c1", "_").await, []);
    // A blank search lists the book.
    assert_eq!(search("c1", "  ").await.len(), 3);
    // A unit outside the scope is refused with a search as without.
    let outside = BookQuery { unit: Some("c2".into()), search: Some("王".into()), limit: 50, ..Default::default() };
    let refused = list_books(store, &vault, &viewer("c1"), &outside, now()).await;
    assert!(matches!(refused, Err(StoreError::Registry(RegistryError::OutOfScope { .. }))), "{refused:?}");

    // Erased: neither counted in the list's total nor found.
    erase_person(store, &viewer("c1"), zhao, "本人要求删除", now()).await.expect("erase");
    let page = list_books(store, &vault, &viewer("c1"), &BookQuery { limit: 2, ..Default::default() }, now())
        .await
        .expect("list");
    assert_eq!((page.total, page.rows.len()), (2, 2), "the erased person is neither listed nor counted");
    assert_eq!(search("c1", "13300133000").await, []);
    assert_eq!(search("c1", "赵").await, []);
    let exported = export_books(store, &vault, &viewer("c1"), None, None, now()).await.expect("export");
    assert_eq!(exported.iter().map(|r| r.person.id).collect::<Vec<_>>(), [zhang, li]);

    // Merged: the record merged away is found by its own mobile as the kept person.
    let zhou_c2 = enter(store, &vault, "c2", &[(Field::Name, "周七"), (Field::Mobile, "13600136000")]).await;
    let zhou_c1 = enter(store, &vault, "c1", &[(Field::Name, "周七"), (Field::Mobile, "13500135000")]).await;
    merge_persons(store, &viewer("all"), zhou_c1, zhou_c2, "同一人", now()).await.expect("merge");
    let found = search("street", "13600136000").await;
    assert!(!found.is_empty() && found.iter().all(|(_, id)| *id == zhou_c1), "{found:?}");
    assert_eq!(search("c1", "13600136000").await.iter().map(|(_, id)| *id).collect::<Vec<_>>(), [zhou_c1]);

    // The log: each search's kind, never the text searched.
    let log = access_log(store).await.expect("log");
    let filters: Vec<&str> = log.iter().filter(|e| e.action == "list").filter_map(|e| e.filter.as_deref()).collect();
    for kind in ["search=mobile", "search=id-number", "search=name"] {
        assert!(filters.iter().any(|f| f.ends_with(kind)), "{kind} in {filters:?}");
    }
    for entry in &log {
        let text = format!("{:?} {:?}", entry.filter, entry.reason);
        for secret in ["138", "0013", "1101", "002", "张", "李", "王五", "C1-", "c1-0002", "%"] {
            assert!(!text.contains(secret), "{secret} in the access log: {text}");
        }
    }
    assert_eq!(verify_access_log(store).await.expect("verify").first_tampered, None, "the chain holds");

    // A role this guiyan does not know is an error, never read as another.
    let bogus = "UPDATE person_books SET role = 'chief' WHERE archive_no = 'c1-0002'";
    store.db.execute_raw(Statement::from_string(store.backend(), bogus)).await.expect("an update");
    let corrupt = list_books(store, &vault, &viewer("c1"), &BookQuery { limit: 50, ..Default::default() }, now()).await;
    assert!(matches!(&corrupt, Err(StoreError::Corrupt { what }) if what.contains("chief")), "{corrupt:?}");
    let detail = person_detail(store, &vault, &viewer("c1"), li, false, now()).await;
    assert!(matches!(&detail, Err(StoreError::Corrupt { what }) if what.contains("chief")), "{detail:?}");

    // Likewise a person's stored intent (was read as 未知) and a follow-up's channel (the
    // follow-up was dropped from the person's page without a word).
    let restore = "UPDATE person_books SET role = 'registered' WHERE archive_no = 'c1-0002'";
    store.db.execute_raw(Statement::from_string(store.backend(), restore)).await.expect("an update");
    assert!(person_detail(store, &vault, &viewer("c1"), li, false, now()).await.is_ok(), "readable again");
    let intent = format!("UPDATE persons SET return_intent = 'emigrate' WHERE id = {li}");
    store.db.execute_raw(Statement::from_string(store.backend(), intent)).await.expect("an update");
    let detail = person_detail(store, &vault, &viewer("c1"), li, false, now()).await;
    assert!(
        matches!(&detail, Err(StoreError::Corrupt { what }) if what.contains(&format!("person {li}")) && what.contains("emigrate")),
        "{detail:?}"
    );
}

#[test]
fn search_on_sqlite() {
    on_sqlite(async |store: &Store| search_the_books(store).await);
}

#[test]
fn search_on_postgres() {
    on_postgres("search", async |store: &Store| search_the_books(store).await);
}
