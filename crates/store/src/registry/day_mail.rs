//! What the registry's reminder mails share (the contacts' in `reminders.rs`, the suggestions' in
//! `suggestion_reminders.rs`, the requests' in `request_reminders.rs`): a mail of the day is
//! composed once — claimed under its key (a PostgreSQL advisory lock, and no mail of that key yet)
//! — the reader's access-log entry and the queued mail written in the same transaction, and the
//! rows it tells of marked compare-and-set, so a row another process marked meanwhile makes this
//! mail a repeat (rolled back). An escalation lists counts per unit, in directory order, never
//! names.
//!
//! Suggestions and requests share more: rows with a due day, each answered by one unit, reminded
//! to that unit on the day ([`DueStep::Due`]) and escalated to the unit above some days later
//! ([`DueStep::Overdue`]), a unit with none above never escalated. [`DueMailGroup`] names such a
//! mail; [`OpenRow`] is a row still to be told, and the functions over them decide which mails
//! are due, when the next one is, and which rows a mail tells of.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Statement, TransactionTrait,
};

use crate::connect::Store;
use crate::entities::{mail, unit};
use crate::error::StoreError;
use crate::operate::{Actor, begin_options};
use crate::outbox::{ComposedMail, MailAbout, UnitInfo, queue_mail};
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::request_reminders::open_requests;
use crate::registry::scope::{Scope, Viewer};
use crate::registry::suggestion_reminders::open_suggestions;

/// Claims the mail `key` for this transaction: `false` when another process is composing it
/// (PostgreSQL: its advisory lock is taken) or it exists already.
pub(crate) async fn claim(txn: &impl ConnectionTrait, key: &str) -> Result<bool, DbErr> {
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        let sql = "SELECT pg_try_advisory_xact_lock(hashtext($1))";
        let row = txn.query_one_raw(Statement::from_sql_and_values(backend, sql, [key.into()])).await?;
        let locked: bool = match row {
            Some(row) => row.try_get_by_index(0)?,
            None => false,
        };
        if !locked {
            return Ok(false);
        }
    }
    Ok(mail::Entity::find().filter(mail::Column::Key.eq(key)).one(txn).await?.is_none())
}

/// A transaction holding the claim of the mail `key` ([`claim`]), or `None` when another process
/// is composing it or it exists already.
pub(crate) async fn begin_claimed(db: &DatabaseConnection, key: &str) -> Result<Option<DatabaseTransaction>, DbErr> {
    let txn = db.begin_with_options(begin_options()).await?;
    Ok(claim(&txn, key).await?.then_some(txn))
}

/// The units of `ids`, by id, a chunk at a time.
pub(crate) async fn units_by_id(
    db: &impl ConnectionTrait,
    ids: &BTreeSet<&str>,
) -> Result<HashMap<String, unit::Model>, DbErr> {
    let ids: Vec<&str> = ids.iter().copied().collect();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for u in unit::Entity::find().filter(unit::Column::Id.is_in(chunk.iter().copied())).all(db).await? {
            out.insert(u.id.clone(), u);
        }
    }
    Ok(out)
}

/// A unit as a mail names it (its id when it left the directory).
pub(crate) fn unit_info(units: &HashMap<String, unit::Model>, id: &str) -> UnitInfo {
    match units.get(id) {
        Some(u) => UnitInfo { id: u.id.clone(), name: u.name.clone(), email: u.email.clone() },
        None => UnitInfo { id: id.to_string(), name: id.to_string(), email: String::new() },
    }
}

/// One unit's line of an escalation: how many it has overdue, and the oldest due day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueLine {
    pub unit: UnitInfo,
    pub count: usize,
    pub oldest: NaiveDate,
}

/// The `(unit, due day)` of each row told, counted per unit in directory order.
pub(crate) fn overdue_by_unit<'a>(
    rows: impl IntoIterator<Item = (&'a str, NaiveDate)>,
    units: &HashMap<String, unit::Model>,
) -> Vec<OverdueLine> {
    let mut counts: HashMap<&str, (usize, NaiveDate)> = HashMap::new();
    for (unit, due_on) in rows {
        let entry = counts.entry(unit).or_insert((0, due_on));
        entry.0 += 1;
        entry.1 = entry.1.min(due_on);
    }
    let mut lines: Vec<OverdueLine> = counts
        .into_iter()
        .map(|(unit, (count, oldest))| OverdueLine { unit: unit_info(units, unit), count, oldest })
        .collect();
    let position = |id: &str| units.get(id).map_or(i32::MAX, |u| u.position);
    lines.sort_by(|a, b| (position(&a.unit.id), &a.unit.id).cmp(&(position(&b.unit.id), &b.unit.id)));
    lines
}

/// A mail of the day, composed, to queue.
pub(crate) struct DayMail<'a> {
    pub key: &'a str,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub day: NaiveDate,
    /// How many rows it tells of.
    pub count: usize,
    /// What the engine read, logged like any reader's: `list` (names) or `stats` (counts).
    pub action: AccessAction,
    pub filter: String,
}

/// Writes `mail`'s access-log entry (the engine read as the recipient's scope) and queues it;
/// its id.
pub(crate) async fn log_and_queue(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    mail: DayMail<'_>,
    composed: ComposedMail,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let viewer = Viewer { actor: actor.clone(), scope: Scope::Unit(mail.recipient.to_string()) };
    let entry = NewEntry {
        action: mail.action,
        person_id: None,
        filter: Some(mail.filter),
        fields: Vec::new(),
        reason: None,
        outcome: AccessOutcome::Ok,
    };
    access_log::append(txn, now.timestamp(), &viewer, entry).await?;
    let day = mail.day.format("%Y-%m-%d").to_string();
    let about = MailAbout {
        key: mail.key,
        campaign: "registry",
        run_key: &day,
        kind: mail.kind,
        recipient: mail.recipient,
        task_count: mail.count,
    };
    queue_mail(txn, &about, composed, now.timestamp()).await
}

/// Records `mail_id` in `column` of the rows `ids` of `E` whose `column` is still empty; `false`
/// when any of them was marked meanwhile (the caller rolls back: its mail would be a repeat).
pub(crate) async fn mark_told<E: EntityTrait>(
    txn: &impl ConnectionTrait,
    id_column: E::Column,
    column: E::Column,
    ids: &[i64],
    mail_id: i64,
) -> Result<bool, DbErr> {
    let mut marked = 0;
    for chunk in ids.chunks(500) {
        marked += E::update_many()
            .col_expr(column, Expr::value(mail_id))
            .filter(id_column.is_in(chunk.to_vec()))
            .filter(column.is_null())
            .exec(txn)
            .await?
            .rows_affected;
    }
    Ok(marked == u64::try_from(ids.len()).unwrap_or(u64::MAX))
}

/// What a mail of the day tells of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DueTopic {
    /// Persons' suggestions (意见建议), answered by the unit each is routed to.
    Suggestions,
    /// Persons' requests about their record (查阅 / 更正 / 删除), answered by their own community.
    Requests,
}

/// Which of the two mails: the reminder on the due day, or the escalation (督办) days later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DueStep {
    /// To the unit answering: its rows fallen due unanswered.
    Due,
    /// To the unit above: the rows of the units directly below it still unanswered days after.
    Overdue,
}

/// A mail about rows fallen due that is due to be composed: about what, which step, to whom.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DueMailGroup {
    pub topic: DueTopic,
    pub step: DueStep,
    /// The unit mailed: the one answering (a reminder) or the one above it (an escalation).
    pub recipient: String,
}

impl DueMailGroup {
    /// The reminder of `topic` to `unit`.
    pub fn due(topic: DueTopic, unit: impl Into<String>) -> Self {
        DueMailGroup { topic, step: DueStep::Due, recipient: unit.into() }
    }

    /// The escalation of `topic` to `parent`.
    pub fn overdue(topic: DueTopic, parent: impl Into<String>) -> Self {
        DueMailGroup { topic, step: DueStep::Overdue, recipient: parent.into() }
    }

    /// The mail kind, as the `mails` row records it: `suggestions-due`, `requests-overdue`, ….
    pub fn kind(&self) -> &'static str {
        match (self.topic, self.step) {
            (DueTopic::Suggestions, DueStep::Due) => "suggestions-due",
            (DueTopic::Suggestions, DueStep::Overdue) => "suggestions-overdue",
            (DueTopic::Requests, DueStep::Due) => "requests-due",
            (DueTopic::Requests, DueStep::Overdue) => "requests-overdue",
        }
    }

    /// The recipient unit.
    pub fn recipient(&self) -> &str {
        &self.recipient
    }

    /// The mail's idempotency key on `day`: one of each kind per recipient and day.
    pub fn key(&self, day: NaiveDate) -> String {
        format!("{}/{}/{day}", self.kind(), self.recipient)
    }

    /// What the engine read for this mail, as the access log records it: a `list` of the rows
    /// (names) for the reminder, `stats` (counts) for the escalation, and the filter saying which.
    fn access(&self, today: NaiveDate, after_days: i64) -> (AccessAction, String) {
        match self.step {
            DueStep::Due => (AccessAction::List, format!("{}<={today}", self.kind())),
            DueStep::Overdue => {
                let since = today.checked_sub_signed(TimeDelta::days(after_days)).unwrap_or(NaiveDate::MIN);
                (AccessAction::Stats, format!("{}<={since}", self.kind()))
            }
        }
    }
}

/// Everything needed to write one mail of the day, `B` saying what it tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayMailData<B> {
    /// The idempotency key of the mail.
    pub key: String,
    pub recipient: UnitInfo,
    /// The day (in the engine's zone) the mail is for.
    pub day: NaiveDate,
    pub body: B,
}

/// An unanswered row still to be reminded or escalated, as the mails of the day see it.
pub(crate) struct OpenRow<R> {
    pub row: R,
    pub id: i64,
    /// The unit that answers it, reminded on its due day.
    pub unit: String,
    pub due_on: NaiveDate,
    pub reminded: bool,
    pub escalated: bool,
}

/// The day a row due on `due_on` is escalated, `after_days` later.
fn escalates_on(due_on: NaiveDate, after_days: i64) -> NaiveDate {
    due_on.checked_add_signed(TimeDelta::days(after_days)).unwrap_or(NaiveDate::MAX)
}

/// The unit above the one answering `open`, when its escalation is still to come.
fn escalation_to<'a, R>(open: &OpenRow<R>, units: &'a HashMap<String, unit::Model>) -> Option<&'a String> {
    if open.escalated {
        return None;
    }
    units.get(&open.unit).and_then(|u| u.parent.as_ref())
}

/// Whether `open` belongs in `group`'s mail on `today`.
fn belongs<R>(
    open: &OpenRow<R>,
    group: &DueMailGroup,
    today: NaiveDate,
    after_days: i64,
    units: &HashMap<String, unit::Model>,
) -> bool {
    match group.step {
        DueStep::Due => !open.reminded && open.due_on <= today && open.unit == group.recipient,
        DueStep::Overdue => {
            escalates_on(open.due_on, after_days) <= today && escalation_to(open, units) == Some(&group.recipient)
        }
    }
}

/// The units the rows of `open` are answered by (and `also`), by id.
async fn units_of<R>(
    db: &impl ConnectionTrait,
    open: &[OpenRow<R>],
    also: Option<&str>,
) -> Result<HashMap<String, unit::Model>, DbErr> {
    let mut ids: BTreeSet<&str> = open.iter().map(|o| o.unit.as_str()).collect();
    ids.extend(also);
    units_by_id(db, &ids).await
}

/// The mails about `open` (rows of `topic`, due on or before `today`) due to be composed on
/// `today`, none already composed.
async fn pending_groups<R>(
    db: &impl ConnectionTrait,
    topic: DueTopic,
    open: &[OpenRow<R>],
    today: NaiveDate,
    after_days: i64,
) -> Result<Vec<DueMailGroup>, DbErr> {
    let units = units_of(db, open, None).await?;
    let mut groups = BTreeSet::new();
    for o in open {
        if !o.reminded && o.due_on <= today {
            groups.insert(DueMailGroup::due(topic, o.unit.clone()));
        }
        if escalates_on(o.due_on, after_days) <= today
            && let Some(parent) = escalation_to(o, &units)
        {
            groups.insert(DueMailGroup::overdue(topic, parent.clone()));
        }
    }
    let keys: Vec<String> = groups.iter().map(|g| g.key(today)).collect();
    let sent = composed_keys(db, &keys).await?;
    Ok(groups.into_iter().filter(|g| !sent.contains(&g.key(today))).collect())
}

/// Which of the mail `keys` are composed already (a mail of that key exists), a chunk at a time.
pub(crate) async fn composed_keys(db: &impl ConnectionTrait, keys: &[String]) -> Result<BTreeSet<String>, DbErr> {
    let mut sent = BTreeSet::new();
    for chunk in keys.chunks(500) {
        let rows: Vec<String> = mail::Entity::find()
            .select_only()
            .column(mail::Column::Key)
            .filter(mail::Column::Key.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        sent.extend(rows);
    }
    Ok(sent)
}

/// The mails about `topic` due to be composed on `today`: a reminder for each unit with rows
/// fallen due unanswered, an escalation for each unit above one with rows `after_days` overdue —
/// but none already composed today.
pub async fn pending_due_mails(
    store: &Store,
    topic: DueTopic,
    today: NaiveDate,
    after_days: i64,
) -> Result<Vec<DueMailGroup>, StoreError> {
    let db = &store.db;
    let pending = match topic {
        DueTopic::Suggestions => match open_suggestions(db, Some(today)).await {
            Ok(open) => pending_groups(db, topic, &open, today, after_days).await,
            Err(e) => Err(e),
        },
        DueTopic::Requests => match open_requests(db, Some(today)).await {
            Ok(open) => pending_groups(db, topic, &open, today, after_days).await,
            Err(e) => Err(e),
        },
    };
    pending.map_err(|e| StoreError::from_db(&store.url, e))
}

/// The first day from which a mail about `topic` may be due: a row falling due, or becoming
/// `after_days` overdue under a unit that has one above it.
pub async fn next_due_day(store: &Store, topic: DueTopic, after_days: i64) -> Result<Option<NaiveDate>, StoreError> {
    let db = &store.db;
    let next = match topic {
        DueTopic::Suggestions => match open_suggestions(db, None).await {
            Ok(open) => next_day(db, &open, after_days).await,
            Err(e) => Err(e),
        },
        DueTopic::Requests => match open_requests(db, None).await {
            Ok(open) => next_day(db, &open, after_days).await,
            Err(e) => Err(e),
        },
    };
    next.map_err(|e| StoreError::from_db(&store.url, e))
}

/// The first day from which a mail about `open` may be due.
async fn next_day<R>(
    db: &impl ConnectionTrait,
    open: &[OpenRow<R>],
    after_days: i64,
) -> Result<Option<NaiveDate>, DbErr> {
    let units = units_of(db, open, None).await?;
    Ok(open
        .iter()
        .flat_map(|o| {
            [(!o.reminded).then_some(o.due_on), escalation_to(o, &units).map(|_| escalates_on(o.due_on, after_days))]
        })
        .flatten()
        .min())
}

/// The rows of `open` that `group`'s mail tells of on `today`, the most overdue first, and the
/// units they and the recipient are.
pub(crate) async fn told<R>(
    db: &impl ConnectionTrait,
    open: Vec<OpenRow<R>>,
    group: &DueMailGroup,
    today: NaiveDate,
    after_days: i64,
) -> Result<(Vec<OpenRow<R>>, HashMap<String, unit::Model>), DbErr> {
    let units = units_of(db, &open, Some(group.recipient())).await?;
    let mut told: Vec<OpenRow<R>> = open.into_iter().filter(|o| belongs(o, group, today, after_days, &units)).collect();
    told.sort_by_key(|o| (o.due_on, o.id));
    Ok((told, units))
}

/// The escalation's lines: the rows of `told` counted per unit answering them.
pub(crate) fn overdue_lines<R>(told: &[OpenRow<R>], units: &HashMap<String, unit::Model>) -> Vec<OverdueLine> {
    overdue_by_unit(told.iter().map(|o| (o.unit.as_str(), o.due_on)), units)
}

/// Queues `group`'s rendered mail for `today` in `txn` — with the access-log entry of what the
/// engine read — marks the rows `told` with it in `reminded` or `escalated` (by the group's step),
/// and commits. `false` (rolled back) when any row was marked meanwhile: the mail would be a
/// repeat.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn queue_told<E: EntityTrait, R>(
    txn: DatabaseTransaction,
    actor: &Actor,
    group: &DueMailGroup,
    today: NaiveDate,
    after_days: i64,
    composed: ComposedMail,
    now: DateTime<Utc>,
    told: &[OpenRow<R>],
    (id_column, reminded, escalated): (E::Column, E::Column, E::Column),
) -> Result<bool, DbErr> {
    let key = group.key(today);
    let (action, filter) = group.access(today, after_days);
    let mail = DayMail {
        key: &key,
        kind: group.kind(),
        recipient: group.recipient(),
        day: today,
        count: told.len(),
        action,
        filter,
    };
    let mail_id = log_and_queue(&txn, actor, mail, composed, now).await?;
    let ids: Vec<i64> = told.iter().map(|o| o.id).collect();
    let column = match group.step {
        DueStep::Due => reminded,
        DueStep::Overdue => escalated,
    };
    if !mark_told::<E>(&txn, id_column, column, &ids, mail_id).await? {
        txn.rollback().await?;
        return Ok(false);
    }
    txn.commit().await?;
    Ok(true)
}
