//! A person's requests about their record (PIPL arts. 44–47): 查阅复制, 更正补充 and 删除, recorded
//! with how they came and a due date, and answered — a copy given, the fields corrected (through
//! the same validation as entry), the record erased — or refused with a reason. Every step is in
//! the access log; a correction's log names the fields changed, never a value.
//!
//! Any unit whose scope holds the person records a request (a street office may take one at its
//! counter); the answer is the person's own community's (or the district's), which alone sees the
//! full record.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use serde::Serialize;
use talent::{Field, PersonName, RequestChannel, RequestOutcome, RightsRequestKind, request_due};
use vault::Vault;

use crate::connect::Store;
use crate::entities::{person_book, person_request};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::book::{load_persons, log_refusal};
use crate::registry::correction::correct_in;
use crate::registry::erase::erase_in;
use crate::registry::error::RegistryError;
use crate::registry::followup::in_scope;
use crate::registry::merge::merge_turn;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer, booked_in, subtree_query, visible};
use crate::registry::stored;

/// A request to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRequest {
    pub person_id: i64,
    pub kind: RightsRequestKind,
    pub channel: RequestChannel,
    pub received_on: NaiveDate,
    /// The due date; [`talent::request_due`] of the received date when `None`.
    pub due_on: Option<NaiveDate>,
}

/// How a request is answered.
#[derive(Clone, PartialEq, Eq)]
pub enum RequestAnswer {
    /// 查阅: a copy of the record was given (printed, or shown on the page); `note` says how.
    CopyGiven { note: String },
    /// 更正: these fields take these texts, validated as on entry with the rest of the record.
    Corrected { changes: Vec<(Field, String)>, note: String },
    /// 删除: the record is erased (anonymised) with the answer.
    Erased { note: String },
    /// Not done, for `reason` (told to the person).
    Refused { reason: String },
}

impl std::fmt::Debug for RequestAnswer {
    /// Names the fields a correction changes, never their new texts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestAnswer::CopyGiven { .. } => f.write_str("CopyGiven"),
            RequestAnswer::Corrected { changes, .. } => {
                let keys: Vec<&str> = changes.iter().map(|(field, _)| field.key()).collect();
                f.debug_struct("Corrected").field("fields", &keys).finish_non_exhaustive()
            }
            RequestAnswer::Erased { .. } => f.write_str("Erased"),
            RequestAnswer::Refused { .. } => f.write_str("Refused"),
        }
    }
}

impl RequestAnswer {
    fn outcome(&self) -> RequestOutcome {
        match self {
            RequestAnswer::Refused { .. } => RequestOutcome::Refused,
            _ => RequestOutcome::Done,
        }
    }

    fn text(&self) -> &str {
        match self {
            RequestAnswer::CopyGiven { note }
            | RequestAnswer::Corrected { note, .. }
            | RequestAnswer::Erased { note } => note.trim(),
            RequestAnswer::Refused { reason } => reason.trim(),
        }
    }

    /// The kind of request this answer does (a refusal answers any).
    fn answers(&self) -> Option<RightsRequestKind> {
        match self {
            RequestAnswer::CopyGiven { .. } => Some(RightsRequestKind::Access),
            RequestAnswer::Corrected { .. } => Some(RightsRequestKind::Correction),
            RequestAnswer::Erased { .. } => Some(RightsRequestKind::Erasure),
            RequestAnswer::Refused { .. } => None,
        }
    }
}

/// A request as read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RightsRequest {
    pub id: i64,
    pub person_id: i64,
    /// The person's name masked (`张*`), or `（已删除）` once erased.
    pub name: String,
    /// The scope that recorded it (a unit id, or `all` for the command line).
    pub unit: String,
    pub kind: RightsRequestKind,
    pub channel: RequestChannel,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    pub recorded_by: String,
    pub outcome: Option<RequestOutcome>,
    pub answered_on: Option<NaiveDate>,
    pub answered_by: Option<String>,
    pub answer: Option<String>,
    /// The keys of the fields a correction changed.
    pub fields: Vec<String>,
    /// Open and past its due date on the day read.
    pub overdue: bool,
}

/// Which requests to list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestQuery {
    /// Only the requests not yet answered.
    pub open_only: bool,
    /// Only the open requests past their due date.
    pub overdue_only: bool,
}

/// What an answer did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answered {
    pub request_id: i64,
    pub person_id: i64,
    pub outcome: RequestOutcome,
    /// The keys of the fields a correction changed (none when the texts were the same).
    pub fields: Vec<&'static str>,
}

fn ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Records a request of person `person_id` (in the viewer's scope). Returns its number. Logged as
/// `request`; a person outside the scope is refused, and that logged too.
pub async fn add_request(
    store: &Store,
    viewer: &Viewer,
    new: &NewRequest,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let due_on = new.due_on.unwrap_or_else(|| request_due(new.received_on));
    if due_on < new.received_on {
        return Err(RegistryError::DueBeforeReceived.into());
    }
    if new.received_on > now.date_naive() {
        return Err(RegistryError::ReceivedInFuture.into());
    }
    let filter = format!("kind={} via={} due={}", new.kind.key(), new.channel.key(), ymd(due_on));
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        in_scope(&txn, viewer, new.person_id).await?;
        let inserted = person_request::Entity::insert(person_request::ActiveModel {
            person_id: Set(new.person_id),
            unit: Set(viewer.scope.label().to_string()),
            kind: Set(new.kind.key().to_string()),
            channel: Set(new.channel.key().to_string()),
            received_on: Set(ymd(new.received_on)),
            due_on: Set(ymd(due_on)),
            recorded_by: Set(viewer.actor.name.clone()),
            created_at: Set(now.timestamp()),
            fields: Set(String::new()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let id = inserted.last_insert_id;
        let entry = NewEntry {
            action: AccessAction::Request,
            person_id: Some(new.person_id),
            filter: Some(format!("request={id} {filter}")),
            fields: Vec::new(),
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(id)
    };
    match work.await {
        Ok(id) => Ok(id),
        Err(StoreOrRegistry::Registry(e @ RegistryError::NoSuchPerson(_))) => {
            let entry = NewEntry {
                action: AccessAction::Request,
                person_id: Some(new.person_id),
                filter: Some(filter),
                fields: Vec::new(),
                reason: None,
                outcome: AccessOutcome::Refused,
            };
            log_refusal(store, viewer, entry, now).await?;
            Err(e.into())
        }
        Err(e) => Err(e.into_store(&store.url)),
    }
}

/// Answers request `request_id`: done as asked (a copy given, the fields corrected, the record
/// erased — in this transaction) or refused with a reason. Only the person's own community (or
/// the district) answers. Logged as `request-answer` (with the changed fields' keys), and a
/// correction or erasure as what it is too; a refusal by the store is logged as refused.
pub async fn answer_request(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    request_id: i64,
    answer: &RequestAnswer,
    now: DateTime<Utc>,
) -> Result<Answered, StoreError> {
    if matches!(answer, RequestAnswer::Refused { .. }) && answer.text().is_empty() {
        return Err(RegistryError::RefusalReasonRequired.into());
    }
    let mut person_seen = None;
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        // An erasure takes the merges' turn; every answer does, so that the order of locks is one.
        merge_turn(&txn).await?;
        let request = person_request::Entity::find_by_id(request_id)
            .one(&txn)
            .await?
            .ok_or(RegistryError::NoSuchRequest(request_id))?;
        person_seen = Some(request.person_id);
        // The books, not the live person, decide the scope: an erased person's requests stay
        // theirs (and answered).
        let seen = visible(&txn, &viewer.scope).await?;
        let books =
            person_book::Entity::find().filter(person_book::Column::PersonId.eq(request.person_id)).all(&txn).await?;
        if !books.iter().any(|b| seen.contains(&b.unit)) {
            return Err(RegistryError::NoSuchRequest(request_id).into());
        }
        let own = match &viewer.scope {
            Scope::All => true,
            Scope::Unit(unit) => books.iter().any(|b| &b.unit == unit),
        };
        if !own {
            return Err(RegistryError::NotOwnBook.into());
        }
        if request.outcome.is_some() {
            return Err(RegistryError::RequestClosed(request_id).into());
        }
        // Held against a merge; an erased (or merged) person is refused as gone.
        in_scope(&txn, viewer, request.person_id).await?;
        let kind: RightsRequestKind = stored::vocab(&request.kind, || format!("request {request_id} with the kind"))?;
        if let Some(answers) = answer.answers()
            && answers != kind
        {
            return Err(RegistryError::AnswerKindMismatch { request: request_id, kind }.into());
        }
        let fields = match answer {
            RequestAnswer::Corrected { changes, .. } => {
                correct_in(&txn, vault, request.person_id, changes, now).await?
            }
            RequestAnswer::Erased { .. } => {
                let reason = match answer.text() {
                    "" => format!("删除请求 {request_id}"),
                    note => format!("删除请求 {request_id}：{note}"),
                };
                erase_in(&txn, viewer, request.person_id, &reason, now).await?;
                Vec::new()
            }
            _ => Vec::new(),
        };
        let outcome = answer.outcome();
        person_request::Entity::update_many()
            .col_expr(person_request::Column::Outcome, Expr::value(outcome.key()))
            .col_expr(person_request::Column::AnsweredAt, Expr::value(now.timestamp()))
            .col_expr(person_request::Column::AnsweredBy, Expr::value(viewer.actor.name.clone()))
            .col_expr(
                person_request::Column::Answer,
                Expr::value((!answer.text().is_empty()).then(|| answer.text().to_string())),
            )
            .col_expr(person_request::Column::Fields, Expr::value(fields.join(",")))
            .filter(person_request::Column::Id.eq(request_id))
            .exec(&txn)
            .await?;
        let mut filter = format!("request={request_id} kind={} outcome={}", kind.key(), outcome.key());
        if !fields.is_empty() {
            filter.push_str(&format!(" fields={}", fields.join(",")));
        }
        let entry = NewEntry {
            action: AccessAction::RequestAnswer,
            person_id: Some(request.person_id),
            filter: Some(filter),
            fields: Vec::new(),
            reason: matches!(answer, RequestAnswer::Refused { .. }).then(|| answer.text().to_string()),
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(Answered { request_id, person_id: request.person_id, outcome, fields })
    };
    match work.await {
        Ok(done) => Ok(done),
        Err(StoreOrRegistry::Registry(e @ (RegistryError::NoSuchRequest(_) | RegistryError::NotOwnBook))) => {
            let entry = NewEntry {
                action: AccessAction::RequestAnswer,
                person_id: person_seen.filter(|_| matches!(e, RegistryError::NotOwnBook)),
                filter: Some(format!("request={request_id}")),
                fields: Vec::new(),
                reason: None,
                outcome: AccessOutcome::Refused,
            };
            log_refusal(store, viewer, entry, now).await?;
            Err(e.into())
        }
        Err(e) => Err(e.into_store(&store.url)),
    }
}

/// The requests of the persons in the viewer's scope: the overdue first (the longest overdue on
/// top), then the other open ones by due date, then the answered, newest first. Names masked.
/// Logged as `list` (filter `requests`).
pub async fn list_requests(
    store: &Store,
    viewer: &Viewer,
    query: RequestQuery,
    now: DateTime<Utc>,
) -> Result<Vec<RightsRequest>, StoreError> {
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let mut select = person_request::Entity::find();
        if let Some(units) = subtree_query(&txn, &viewer.scope).await? {
            // EXISTS, not IN: SQLite would otherwise probe the requests once per book entry.
            select = select.filter(booked_in((person_request::Entity, person_request::Column::PersonId), units));
        }
        if query.open_only || query.overdue_only {
            select = select.filter(person_request::Column::Outcome.is_null());
        }
        let rows = select.all(&txn).await?;
        let mut out = read_requests(&txn, rows, now.date_naive()).await?;
        if query.overdue_only {
            out.retain(|r| r.overdue);
        }
        sort_requests(&mut out);
        let entry = NewEntry {
            action: AccessAction::List,
            person_id: None,
            filter: Some(format!(
                "requests open={} overdue={} rows={}",
                query.open_only,
                query.overdue_only,
                out.len()
            )),
            fields: Vec::new(),
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(out)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// How many requests of the persons in the viewer's scope are open, and how many of them overdue
/// on the day of `now` (counts: nothing personal is read, nothing logged; the list is the logged
/// read).
pub async fn request_counts(store: &Store, viewer: &Viewer, now: DateTime<Utc>) -> Result<(u64, u64), StoreError> {
    let work = async {
        // Both counts in one statement: the open requests, and those of them due before today
        // (due days are `YYYY-MM-DD`, so they compare as text).
        let overdue = Expr::case(person_request::Column::DueOn.lt(ymd(now.date_naive())), 1);
        let mut select = person_request::Entity::find()
            .select_only()
            .expr(Expr::col((person_request::Entity, person_request::Column::Id)).count())
            .expr(Expr::expr(overdue).count())
            .filter(person_request::Column::Outcome.is_null());
        if let Some(units) = subtree_query(&store.db, &viewer.scope).await? {
            // Correlated: the statement starts from the open requests, not the scope's book.
            select = select.filter(booked_in((person_request::Entity, person_request::Column::PersonId), units));
        }
        let (open, overdue) = select.into_tuple::<(i64, i64)>().one(&store.db).await?.unwrap_or((0, 0));
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok::<_, StoreOrRegistry>((count(open), count(overdue)))
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// One person's requests (read inside the caller's logged view), in the list's order.
pub(crate) async fn requests_of(
    db: &impl ConnectionTrait,
    person_id: i64,
    today: NaiveDate,
) -> Result<Vec<RightsRequest>, StoreOrRegistry> {
    let rows = person_request::Entity::find().filter(person_request::Column::PersonId.eq(person_id)).all(db).await?;
    let mut out = read_requests(db, rows, today).await?;
    sort_requests(&mut out);
    Ok(out)
}

fn sort_requests(out: &mut [RightsRequest]) {
    // Overdue, then open, then answered; the open by due date, the answered newest first.
    out.sort_by(|a, b| {
        let rank = |r: &RightsRequest| {
            if r.overdue {
                0
            } else if r.outcome.is_none() {
                1
            } else {
                2
            }
        };
        rank(a)
            .cmp(&rank(b))
            .then_with(|| match rank(a) {
                2 => b.answered_on.cmp(&a.answered_on),
                _ => a.due_on.cmp(&b.due_on),
            })
            .then_with(|| a.id.cmp(&b.id))
    });
}

async fn read_requests(
    db: &impl ConnectionTrait,
    rows: Vec<person_request::Model>,
    today: NaiveDate,
) -> Result<Vec<RightsRequest>, StoreOrRegistry> {
    let ids: Vec<i64> = rows.iter().map(|r| r.person_id).collect();
    let persons = load_persons(db, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let name = match persons.get(&r.person_id) {
                Some(p) if p.erased => crate::registry::ERASED_NAME.to_string(),
                Some(p) => PersonName::parse(&p.name).map(|n| talent::mask_name(&n)).unwrap_or_else(|_| "*".into()),
                None => "*".into(),
            };
            let what = |column: &str| format!("request {} with the {column}", r.id);
            let due_on = stored::day(&r.due_on, || what("due day"))?;
            let outcome: Option<RequestOutcome> = stored::vocab_opt(r.outcome.as_deref(), || what("outcome"))?;
            Ok(RightsRequest {
                id: r.id,
                person_id: r.person_id,
                name,
                kind: stored::vocab(&r.kind, || what("kind"))?,
                channel: stored::vocab(&r.channel, || what("channel"))?,
                received_on: stored::day(&r.received_on, || what("day received"))?,
                unit: r.unit,
                due_on,
                recorded_by: r.recorded_by,
                overdue: outcome.is_none() && talent::request_overdue(due_on, today),
                outcome,
                answered_on: r.answered_at.and_then(|t| DateTime::from_timestamp(t, 0)).map(|t| t.date_naive()),
                answered_by: r.answered_by,
                answer: r.answer,
                fields: r.fields.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
            })
        })
        .collect()
}
