//! Follow-ups: a unit records a contact with a person of a book in its scope (the intent it found
//! becomes the person's, confirmed that day), and reads back the contacts that fall due.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::Serialize;
use talent::{Channel, FollowUpFields, ReturnIntent};

use crate::connect::Store;
use crate::entities::{person, person_book, person_followup};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::error::RegistryError;
use crate::registry::merge::hold_person;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, subtree_query, visible};
use crate::registry::stored;

/// A follow-up as read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    pub contacted_on: NaiveDate,
    pub channel: Channel,
    pub summary: String,
    pub intent: Option<ReturnIntent>,
    pub next_contact_on: Option<NaiveDate>,
    pub actor: String,
}

/// A person whose next contact is due, as a book's page lists it (the name only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContactDue {
    pub person_id: i64,
    pub name: String,
    pub unit: String,
    pub due_on: NaiveDate,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Records a follow-up with `person_id` by the viewer's unit (the person must be in a book in
/// its scope). The intent found, if any, becomes the person's, confirmed at `now`. Logged as
/// `follow-up`. Returns the follow-up's id.
pub async fn add_followup(
    store: &Store,
    viewer: &Viewer,
    person_id: i64,
    fields: &FollowUpFields,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let Scope::Unit(unit) = &viewer.scope else { return Err(RegistryError::NoUnit.into()) };
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        in_scope(&txn, viewer, person_id).await?;
        let inserted = person_followup::Entity::insert(person_followup::ActiveModel {
            person_id: Set(person_id),
            unit: Set(unit.clone()),
            contacted_on: Set(fields.contacted_on.format("%Y-%m-%d").to_string()),
            channel: Set(fields.channel.key().to_string()),
            summary: Set(fields.summary.clone()),
            intent: Set(fields.intent.map(|i| i.key().to_string())),
            next_contact_on: Set(fields.next_contact_on.map(|d| d.format("%Y-%m-%d").to_string())),
            actor: Set(viewer.actor.name.clone()),
            created_at: Set(now.timestamp()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        if let Some(intent) = fields.intent {
            person::Entity::update_many()
                .col_expr(person::Column::ReturnIntent, Expr::value(intent.key()))
                .col_expr(person::Column::IntentConfirmedAt, Expr::value(now.timestamp()))
                .col_expr(person::Column::UpdatedAt, Expr::value(now.timestamp()))
                .filter(person::Column::Id.eq(person_id))
                .exec(&txn)
                .await?;
        }
        let entry = NewEntry {
            action: AccessAction::FollowUp,
            person_id: Some(person_id),
            filter: None,
            fields: Vec::new(),
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(inserted.last_insert_id)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// Refuses a person no book in the viewer's scope holds (or an erased one, or one merged into
/// another) as unknown. The person is held against a merge until the caller's transaction ends.
pub(crate) async fn in_scope(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    person_id: i64,
) -> Result<Vec<person_book::Model>, StoreOrRegistry> {
    let seen = visible(db, &viewer.scope).await?;
    let gone = hold_person(db, person_id).await?.is_none_or(|p| p.erased || p.merged_into.is_some());
    let books = person_book::Entity::find().filter(person_book::Column::PersonId.eq(person_id)).all(db).await?;
    if gone || !books.iter().any(|b| seen.contains(&b.unit)) {
        return Err(RegistryError::NoSuchPerson(person_id).into());
    }
    Ok(books)
}

/// A person's follow-ups, the newest first (read inside the caller's logged request).
pub(crate) async fn followups_of(
    db: &impl ConnectionTrait,
    person_id: i64,
    names: &(dyn Fn(&str) -> String + Sync),
) -> Result<Vec<FollowUp>, StoreOrRegistry> {
    let rows = person_followup::Entity::find()
        .filter(person_followup::Column::PersonId.eq(person_id))
        .order_by_desc(person_followup::Column::ContactedOn)
        .order_by_desc(person_followup::Column::Id)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|r| {
            let what = |column: &str| format!("follow-up {} with the {column}", r.id);
            Ok(FollowUp {
                id: r.id,
                unit_name: names(&r.unit),
                contacted_on: stored::day(&r.contacted_on, || what("contact day"))?,
                channel: stored::vocab(&r.channel, || what("channel"))?,
                intent: stored::vocab_opt(r.intent.as_deref(), || what("intent"))?,
                next_contact_on: r
                    .next_contact_on
                    .as_deref()
                    .map(|d| stored::day(d, || what("next contact day")))
                    .transpose()?,
                unit: r.unit,
                summary: r.summary,
                actor: r.actor,
            })
        })
        .collect()
}

/// The persons in the viewer's scope whose latest follow-up asks for a next contact on or before
/// `on`, the most overdue first: what a community's book page and digest list. Names only (the
/// list is logged as a `list`).
pub async fn contacts_due(
    store: &Store,
    viewer: &Viewer,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<ContactDue>, StoreError> {
    let work = async {
        // SQLite: the write lock taken in turns on an async lock (see `Store::sqlite_write_turn`).
        let _turn = store.sqlite_write_turn().await;
        let txn = store.db.begin_with_options(begin_options()).await?;
        // Only the persons with a follow-up asking for a contact by `on` can be due (their latest
        // one decides, below): a book of 5,000 persons is not read whole on each page.
        let asked = Query::select()
            .column(person_followup::Column::PersonId)
            .from(person_followup::Entity)
            .and_where(person_followup::Column::NextContactOn.lte(on.format("%Y-%m-%d").to_string()))
            .to_owned();
        let mut books = person_book::Entity::find().filter(person_book::Column::PersonId.in_subquery(asked));
        if let Some(subtree) = subtree_query(&txn, &viewer.scope).await? {
            books = books.filter(person_book::Column::Unit.in_subquery(subtree));
        }
        let books = books.all(&txn).await?;
        let ids: Vec<i64> = books.iter().map(|b| b.person_id).collect();
        let mut latest: std::collections::HashMap<i64, person_followup::Model> = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let rows = person_followup::Entity::find()
                .filter(person_followup::Column::PersonId.is_in(chunk.to_vec()))
                .order_by_asc(person_followup::Column::ContactedOn)
                .order_by_asc(person_followup::Column::Id)
                .all(&txn)
                .await?;
            for r in rows {
                latest.insert(r.person_id, r);
            }
        }
        let persons = crate::registry::book::load_persons(&txn, &latest.keys().copied().collect::<Vec<_>>()).await?;
        let mut due = Vec::new();
        let mut listed = std::collections::HashSet::new();
        for b in &books {
            let Some(f) = latest.get(&b.person_id) else { continue };
            let Some(due_on) = f.next_contact_on.as_deref().and_then(date) else { continue };
            let Some(p) = persons.get(&b.person_id).filter(|p| !p.erased && !p.do_not_contact) else { continue };
            // A person in two books of the scope is listed once.
            if due_on <= on && listed.insert(p.id) {
                due.push(ContactDue { person_id: p.id, name: p.name.clone(), unit: b.unit.clone(), due_on });
            }
        }
        due.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.person_id.cmp(&b.person_id)));
        if !due.is_empty() {
            let entry = NewEntry {
                action: AccessAction::List,
                person_id: None,
                filter: Some(format!("contacts-due<={on}")),
                fields: Vec::new(),
                reason: None,
                outcome: AccessOutcome::Ok,
            };
            access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        }
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(due)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}
