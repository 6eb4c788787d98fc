//! What the registry's reminder mails share (the contacts' in `reminders.rs`, the suggestions' in
//! `suggestion_reminders.rs`): a mail of the day is composed once — claimed under its key (a
//! PostgreSQL advisory lock, and no mail of that key yet) — the reader's access-log entry and the
//! queued mail written in the same transaction, and the rows it tells of marked compare-and-set, so
//! a row another process marked meanwhile makes this mail a repeat (rolled back). An escalation
//! lists counts per unit, in directory order, never names.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Statement};

use crate::entities::{mail, unit};
use crate::operate::Actor;
use crate::outbox::{ComposedMail, MailAbout, UnitInfo, queue_mail};
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::scope::{Scope, Viewer};

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
pub(crate) struct OverdueLine {
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
