//! The outbox after the tick: pending notices composed into mails (one digest per recipient, run
//! and kind), and mails claimed, delivered, retried or given up — each step one transaction.
//!
//! Several processes may share this work on PostgreSQL: a digest is composed under a transaction
//! advisory lock on its group, deliveries are claimed with `FOR UPDATE SKIP LOCKED` and a lease, and
//! mail keys are unique. A lease that runs out (its process died mid-send) makes the mail due again:
//! SMTP gives no way to know whether the server took it, so it is sent again with the same
//! Message-ID (at-least-once delivery, the only safe choice; the receiving side can deduplicate).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use plan::{NoticeKind, TaskState};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, TransactionTrait,
};

use crate::connect::Store;
use crate::entities::{mail, mail_body, notice, run, task, unit};
use crate::error::StoreError;
use crate::event_kind::EventKind;
use crate::operate::{Actor, begin_options, record_event};

/// A recipient with notices not yet composed: all of them become one mail, whatever their kinds
/// and runs, so that a unit gets one mail per tick.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DigestGroup {
    pub recipient: String,
}

/// A unit as a mail addresses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitInfo {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// A task as a mail lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestTaskData {
    /// `campaign/run/template/unit`.
    pub id: String,
    pub template: String,
    pub title: String,
    pub unit: UnitInfo,
    pub starts_at: i64,
    pub due_at: i64,
    /// The figures the unit reports on completion.
    pub figure_spec: Vec<campaign::Figure>,
}

/// The notices of one kind about one run, as one part of a mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionData {
    pub kind: NoticeKind,
    pub campaign: String,
    pub run_key: String,
    pub timezone: String,
    pub opens_at: i64,
    pub closes_at: i64,
    /// For `run-opened`: every task of the run; for `run-closed`: its unfinished tasks; for
    /// `run-missed`: none; otherwise the tasks the notices name, by id.
    pub tasks: Vec<DigestTaskData>,
}

/// Everything needed to write one digest mail: every pending notice of one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestData {
    /// The idempotency key of the mail.
    pub key: String,
    pub recipient: UnitInfo,
    /// At least one; most pressing kind first (`NoticeKind` order), then by run opening.
    pub sections: Vec<SectionData>,
}

impl DigestData {
    /// The first section, whose kind and run name the mail.
    pub fn lead(&self) -> &SectionData {
        &self.sections[0]
    }

    /// Tasks over all sections.
    pub fn task_count(&self) -> usize {
        self.sections.iter().map(|s| s.tasks.len()).sum()
    }
}

/// A mail as rendered by the engine, ready to store and send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposedMail {
    pub message_id: String,
    pub to_address: String,
    pub envelope_from: String,
    pub subject: String,
    pub raw: Vec<u8>,
}

/// Recipients with pending notices, at most `limit`.
pub async fn pending_groups(store: &Store, limit: u64) -> Result<Vec<DigestGroup>, StoreError> {
    let rows: Vec<String> = notice::Entity::find()
        .select_only()
        .column(notice::Column::Recipient)
        .filter(notice::Column::MailId.is_null())
        .distinct()
        .limit(limit)
        .into_tuple()
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(rows.into_iter().map(|recipient| DigestGroup { recipient }).collect())
}

/// Composes every pending notice of one recipient into one queued mail with `render`, in one
/// transaction. Returns the mail's key, or `None` if another process holds the recipient or
/// nothing is pending any more. A render error leaves the notices pending and is returned.
pub async fn compose<E>(
    store: &Store,
    group: &DigestGroup,
    now: DateTime<Utc>,
    render: impl FnOnce(&DigestData) -> Result<ComposedMail, E>,
) -> Result<Option<Result<String, E>>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now = now.timestamp();
    let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        let lock = format!("notices:{}", group.recipient);
        let sql = "SELECT pg_try_advisory_xact_lock(hashtext($1))";
        let row = txn.query_one_raw(Statement::from_sql_and_values(backend, sql, [lock.into()])).await.map_err(err)?;
        let locked: bool = match row {
            Some(row) => row.try_get_by_index(0).map_err(err)?,
            None => false,
        };
        if !locked {
            return Ok(None);
        }
    }
    let notices = notice::Entity::find()
        .filter(notice::Column::MailId.is_null())
        .filter(notice::Column::Recipient.eq(&group.recipient))
        .order_by_asc(notice::Column::Id)
        .all(&txn)
        .await
        .map_err(err)?;
    let Some(first) = notices.first() else { return Ok(None) };
    let first_id = first.id;
    let Some(data) = digest_data(&txn, &group.recipient, &notices, first_id).await? else { return Ok(None) };
    let composed = match render(&data) {
        Ok(composed) => composed,
        Err(e) => return Ok(Some(Err(e))),
    };
    let lead = data.lead();
    let about = MailAbout {
        key: &data.key,
        campaign: &lead.campaign,
        run_key: &lead.run_key,
        kind: lead.kind.name(),
        recipient: &group.recipient,
        task_count: data.task_count(),
    };
    let mail_id = queue_mail(&txn, &about, composed, now).await.map_err(err)?;
    let ids: Vec<i64> = notices.iter().map(|n| n.id).collect();
    for chunk in ids.chunks(1000) {
        notice::Entity::update_many()
            .col_expr(notice::Column::MailId, Expr::value(mail_id))
            .filter(notice::Column::Id.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await
            .map_err(err)?;
    }
    txn.commit().await.map_err(err)?;
    Ok(Some(Ok(data.key)))
}

/// What a queued mail is about, as its row records it.
pub(crate) struct MailAbout<'a> {
    pub key: &'a str,
    pub campaign: &'a str,
    pub run_key: &'a str,
    /// The lead notice kind, or `report`.
    pub kind: &'a str,
    pub recipient: &'a str,
    pub task_count: usize,
}

/// Queues a composed mail in the caller's transaction: its row (due now) and its bytes apart.
/// Returns its id. Every path that composes mail (task digests, reports) goes through here.
pub(crate) async fn queue_mail(
    db: &impl ConnectionTrait,
    about: &MailAbout<'_>,
    composed: ComposedMail,
    now: i64,
) -> Result<i64, DbErr> {
    let inserted = mail::Entity::insert(mail::ActiveModel {
        key: Set(about.key.to_string()),
        message_id: Set(composed.message_id),
        campaign: Set(about.campaign.to_string()),
        run_key: Set(about.run_key.to_string()),
        kind: Set(about.kind.to_string()),
        recipient: Set(about.recipient.to_string()),
        to_address: Set(composed.to_address),
        envelope_from: Set(composed.envelope_from),
        subject: Set(composed.subject),
        task_count: Set(i32::try_from(about.task_count).unwrap_or(i32::MAX)),
        state: Set(MailState::Queued.name().to_string()),
        attempts: Set(0),
        claims: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    mail_body::Entity::insert(mail_body::ActiveModel { mail_id: Set(inserted.last_insert_id), raw: Set(composed.raw) })
        .exec_without_returning(db)
        .await?;
    Ok(inserted.last_insert_id)
}

/// The mail's data: the notices grouped into sections by (kind, run), with their tasks and units.
/// `None` if a run is gone (nothing to tell). A notice of a kind this guiyan does not know is an
/// error naming it, never a guess.
async fn digest_data(
    db: &impl ConnectionTrait,
    recipient: &str,
    notices: &[notice::Model],
    first_id: i64,
) -> Result<Option<DigestData>, StoreError> {
    let err = |e: DbErr| StoreError::Database(e.to_string());
    // (kind, run id) → the task ids its notices name, in notice order.
    let mut parts: BTreeMap<(NoticeKind, i64), Vec<i64>> = BTreeMap::new();
    for n in notices {
        let kind: NoticeKind = n.kind.parse().map_err(|e: plan::UnknownNoticeKind| StoreError::Corrupt {
            what: format!("notice {} of {recipient}: {e}", n.id),
        })?;
        parts.entry((kind, n.run_id)).or_default().extend(n.task_id);
    }
    let run_ids: Vec<i64> = parts.keys().map(|(_, run)| *run).collect();
    let runs: HashMap<i64, run::Model> = run::Entity::find()
        .filter(run::Column::Id.is_in(run_ids))
        .all(db)
        .await
        .map_err(err)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut sections: Vec<(NoticeKind, run::Model, Vec<task::Model>)> = Vec::with_capacity(parts.len());
    for ((kind, run_id), mut ids) in parts {
        let Some(run) = runs.get(&run_id) else { continue };
        let tasks = match kind {
            NoticeKind::RunOpened => task::Entity::find()
                .filter(task::Column::RunId.eq(run.id))
                .order_by_asc(task::Column::Id)
                .all(db)
                .await
                .map_err(err)?,
            NoticeKind::RunClosed => task::Entity::find()
                .filter(task::Column::RunId.eq(run.id))
                .filter(task::Column::State.is_in([TaskState::Waiting.name(), TaskState::Open.name()]))
                .order_by_asc(task::Column::Id)
                .all(db)
                .await
                .map_err(err)?,
            NoticeKind::RunMissed => Vec::new(),
            NoticeKind::Escalation | NoticeKind::Overdue | NoticeKind::Assigned | NoticeKind::Reminder => {
                ids.sort_unstable();
                ids.dedup();
                let mut tasks = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(1000) {
                    tasks.extend(
                        task::Entity::find()
                            .filter(task::Column::Id.is_in(chunk.iter().copied()))
                            .order_by_asc(task::Column::Id)
                            .all(db)
                            .await
                            .map_err(err)?,
                    );
                }
                tasks
            }
        };
        sections.push((kind, run.clone(), tasks));
    }
    // Most pressing kind first, then the runs in the order they opened.
    sections
        .sort_by(|a, b| (a.0, a.1.opens_at, &a.1.campaign, a.1.id).cmp(&(b.0, b.1.opens_at, &b.1.campaign, b.1.id)));
    let Some((lead_kind, lead_run, _)) = sections.first() else { return Ok(None) };
    let key = format!("{}/{}/{}/{recipient}/{first_id}", lead_run.campaign, lead_run.key, lead_kind.name());
    // Only the units this mail names: the recipient and the tasks' units.
    let mut wanted: Vec<&str> =
        sections.iter().flat_map(|(_, _, tasks)| tasks.iter().map(|t| t.unit.as_str())).collect();
    wanted.push(recipient);
    wanted.sort_unstable();
    wanted.dedup();
    let mut units: HashMap<String, unit::Model> = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(1000) {
        for u in
            unit::Entity::find().filter(unit::Column::Id.is_in(chunk.iter().copied())).all(db).await.map_err(err)?
        {
            units.insert(u.id.clone(), u);
        }
    }
    let info = |id: &str| match units.get(id) {
        Some(u) => UnitInfo { id: u.id.clone(), name: u.name.clone(), email: u.email.clone() },
        None => UnitInfo { id: id.to_string(), name: id.to_string(), email: String::new() },
    };
    let recipient_info = info(recipient);
    let mut out = Vec::with_capacity(sections.len());
    for (kind, run, tasks) in sections {
        let mut digest_tasks = Vec::with_capacity(tasks.len());
        for t in tasks {
            digest_tasks.push(DigestTaskData {
                id: plan::task_id(&t.campaign, &t.run_key, &t.template, &t.unit),
                unit: info(&t.unit),
                figure_spec: crate::stored::figure_spec(&t.figure_spec, t.id)?,
                template: t.template,
                title: t.title,
                starts_at: t.starts_at,
                due_at: t.due_at,
            });
        }
        out.push(SectionData {
            kind,
            tasks: digest_tasks,
            campaign: run.campaign,
            run_key: run.key,
            timezone: run.timezone,
            opens_at: run.opens_at,
            closes_at: run.closes_at,
        });
    }
    let sections = out;
    Ok(Some(DigestData { key, recipient: recipient_info, sections }))
}

/// A mail's delivery state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MailState {
    /// Waiting for its next attempt.
    Queued,
    /// Claimed by a worker, under a lease.
    Sending,
    Sent,
    /// Refused permanently (or given up); `guiyan mail retry` re-queues it.
    Failed,
}

impl MailState {
    pub fn name(self) -> &'static str {
        match self {
            MailState::Queued => "queued",
            MailState::Sending => "sending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }

    pub fn from_name(name: &str) -> Option<MailState> {
        [MailState::Queued, MailState::Sending, MailState::Sent, MailState::Failed]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// A mail claimed for delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedMail {
    pub id: i64,
    pub key: String,
    pub message_id: String,
    pub envelope_from: String,
    pub to_address: String,
    pub raw: Vec<u8>,
    /// SMTP tries recorded before this claim (a try cut short by a crash is not counted).
    pub attempts: i32,
    /// Claims so far, this one included.
    pub claims: i32,
    /// The previous attempt's lease ran out: a process stopped while sending it, so the server may
    /// already have it.
    pub resumed: bool,
}

/// Claims up to `limit` mails due at `now` for `worker`, leased until `now + lease_secs`, oldest
/// first, with their message bytes. A mail `worker` itself holds is never claimed again: a live
/// worker keeps its claims (renewing them) until it records their outcome or releases them, and a
/// worker's name is never reused by another process. Claiming is not an attempt: `claims` counts it,
/// `attempts` only the SMTP tries whose outcome was recorded.
///
/// PostgreSQL claims in one statement (the due rows locked with `SKIP LOCKED`, so that concurrent
/// workers take disjoint batches, updated and returned with their bodies). SQLite, where one engine
/// owns the file, selects the due ids from the queue index and updates them in one transaction.
pub async fn claim_mails(
    store: &Store,
    now: DateTime<Utc>,
    limit: u64,
    worker: &str,
    lease_secs: i64,
) -> Result<Vec<ClaimedMail>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now = now.timestamp();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let lease_until = now.saturating_add(lease_secs);
    let backend = store.db.get_database_backend();
    let read = |row: &sea_orm::QueryResult, resumed: bool| -> Result<ClaimedMail, DbErr> {
        Ok(ClaimedMail {
            id: row.try_get("", "id")?,
            key: row.try_get("", "key")?,
            message_id: row.try_get("", "message_id")?,
            envelope_from: row.try_get("", "envelope_from")?,
            to_address: row.try_get("", "to_address")?,
            attempts: row.try_get("", "attempts")?,
            claims: row.try_get("", "claims")?,
            raw: row.try_get("", "raw")?,
            resumed,
        })
    };
    let mut claimed = Vec::new();
    if backend == DbBackend::Postgres {
        // `resumed` is the state before the claim: a mail still `sending` lost its worker.
        let sql = "WITH due AS ( \
                SELECT id, state FROM mails \
                WHERE state IN ('queued', 'sending') AND next_attempt_at <= $3 \
                    AND NOT (state = 'sending' AND claimed_by = $2) \
                ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED), \
            claimed AS ( \
                UPDATE mails SET state = 'sending', lease_until = $1, next_attempt_at = $1, claimed_by = $2, \
                    claims = mails.claims + 1 \
                FROM due WHERE mails.id = due.id \
                RETURNING mails.id, mails.key, mails.message_id, mails.envelope_from, mails.to_address, \
                    mails.attempts, mails.claims, due.state = 'sending' AS resumed) \
            SELECT claimed.*, mail_bodies.raw FROM claimed JOIN mail_bodies ON mail_bodies.mail_id = claimed.id";
        let values = [lease_until.into(), worker.into(), now.into(), limit.into()];
        for row in store.db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await.map_err(err)? {
            let resumed = row.try_get("", "resumed").map_err(err)?;
            claimed.push(read(&row, resumed).map_err(err)?);
        }
    } else {
        let _turn = store.sqlite_write_turn().await;
        let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
        let due_sql = "SELECT id, state FROM mails WHERE state IN ('queued', 'sending') AND next_attempt_at <= ?1 \
            AND NOT (state = 'sending' AND claimed_by = ?3) ORDER BY next_attempt_at LIMIT ?2";
        let due = txn
            .query_all_raw(Statement::from_sql_and_values(backend, due_sql, [now.into(), limit.into(), worker.into()]))
            .await
            .map_err(err)?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        // Mail id → whether it was still `sending` (its worker stopped mid-send).
        let mut resumed = HashMap::with_capacity(due.len());
        for row in &due {
            let id: i64 = row.try_get_by_index(0).map_err(err)?;
            let state: String = row.try_get_by_index(1).map_err(err)?;
            resumed.insert(id, state == MailState::Sending.name());
        }
        // The ids are integers just read, so they are listed inline rather than bound one by one.
        let ids = resumed.keys().map(|id| id.to_string()).collect::<Vec<_>>().join(",");
        let sql = format!(
            "UPDATE mails SET state = 'sending', lease_until = ?1, next_attempt_at = ?1, claimed_by = ?2, \
                claims = claims + 1 \
             WHERE id IN ({ids}) \
             RETURNING id, key, message_id, envelope_from, to_address, attempts, claims, \
                (SELECT raw FROM mail_bodies WHERE mail_id = mails.id) AS raw"
        );
        let values = [lease_until.into(), worker.into()];
        for row in txn.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await.map_err(err)? {
            let id: i64 = row.try_get("", "id").map_err(err)?;
            claimed.push(read(&row, resumed.get(&id).copied().unwrap_or(false)).map_err(err)?);
        }
        txn.commit().await.map_err(err)?;
    }
    // Oldest first, as they were due.
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

/// Releases `worker`'s claims that are not yet sent, so that another process (or the next start)
/// sends them without waiting for the lease: on shutdown. `keep` are mails the server accepted
/// whose outcome could not be recorded: they stay claimed, never re-queued.
pub async fn release_claims(store: &Store, worker: &str, now: DateTime<Utc>, keep: &[i64]) -> Result<u64, StoreError> {
    let _turn = store.sqlite_write_turn().await;
    let result = mail::Entity::update_many()
        .col_expr(mail::Column::State, Expr::value(MailState::Queued.name()))
        .col_expr(mail::Column::LeaseUntil, Expr::value(None::<i64>))
        .col_expr(mail::Column::NextAttemptAt, Expr::value(now.timestamp()))
        .filter(mail::Column::State.eq(MailState::Sending.name()))
        .filter(mail::Column::ClaimedBy.eq(worker))
        .filter(mail::Column::Id.is_not_in(keep.iter().copied()))
        .exec(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(result.rows_affected)
}

/// Extends every lease `worker` holds to `now + lease_secs`: a live worker's claims never run out
/// while it still sends them or holds their outcome. Returns how many it holds.
pub async fn renew_claims(store: &Store, worker: &str, now: DateTime<Utc>, lease_secs: i64) -> Result<u64, StoreError> {
    let until = now.timestamp().saturating_add(lease_secs);
    let _turn = store.sqlite_write_turn().await;
    let result = mail::Entity::update_many()
        .col_expr(mail::Column::LeaseUntil, Expr::value(until))
        .col_expr(mail::Column::NextAttemptAt, Expr::value(until))
        .filter(mail::Column::State.eq(MailState::Sending.name()))
        .filter(mail::Column::ClaimedBy.eq(worker))
        .exec(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(result.rows_affected)
}

/// Makes every mail left `sending` by a stopped process due now. Only for a process that knows it
/// is alone (the SQLite engine, holding the run lock): no lease needs to run out.
pub async fn resume_orphaned(store: &Store, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let result = mail::Entity::update_many()
        .col_expr(mail::Column::NextAttemptAt, Expr::value(now.timestamp()))
        .col_expr(mail::Column::LeaseUntil, Expr::value(now.timestamp()))
        .filter(mail::Column::State.eq(MailState::Sending.name()))
        .exec(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(result.rows_affected)
}

/// Records the delivery of several mails in one statement: the ids still claimed by `worker` become
/// `sent`. Returns how many did; a mail whose claim was lost meanwhile is left to its new worker.
///
/// The ids travel as one JSON array, so the statement's text is the same for any number of them
/// and the driver prepares it once.
pub async fn mark_sent_many(store: &Store, ids: &[i64], worker: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let backend = store.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE mails SET state = 'sent', sent_at = $1, lease_until = NULL, last_error = NULL, \
                attempts = attempts + 1 \
             WHERE id = ANY(ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::bigint)) \
             AND claimed_by = $2 AND state = 'sending'"
        }
        _ => {
            "UPDATE mails SET state = 'sent', sent_at = ?1, lease_until = NULL, last_error = NULL, \
                attempts = attempts + 1 \
             WHERE id IN (SELECT value FROM json_each(?3)) AND claimed_by = ?2 AND state = 'sending'"
        }
    };
    let json = format!("[{}]", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","));
    let values = [now.timestamp().into(), worker.into(), json.into()];
    let _turn = store.sqlite_write_turn().await;
    let result = store
        .db
        .execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(result.rows_affected())
}

/// Records as sent the mails a server accepted whose outcome a stopped engine could not write
/// (its journal), whoever holds their claim now. Mails already settled are left alone.
pub async fn record_accepted(store: &Store, ids: &[i64], now: DateTime<Utc>) -> Result<u64, StoreError> {
    let _turn = store.sqlite_write_turn().await;
    let mut recorded = 0;
    for chunk in ids.chunks(1000) {
        let result = mail::Entity::update_many()
            .col_expr(mail::Column::State, Expr::value(MailState::Sent.name()))
            .col_expr(mail::Column::SentAt, Expr::value(now.timestamp()))
            .col_expr(mail::Column::LeaseUntil, Expr::value(None::<i64>))
            .col_expr(mail::Column::LastError, Expr::value(None::<String>))
            .col_expr(mail::Column::Attempts, Expr::col(mail::Column::Attempts).add(1))
            .filter(mail::Column::Id.is_in(chunk.iter().copied()))
            .filter(mail::Column::State.is_in([MailState::Queued.name(), MailState::Sending.name()]))
            .exec(&store.db)
            .await
            .map_err(|e| StoreError::from_db(&store.url, e))?;
        recorded += result.rows_affected;
    }
    Ok(recorded)
}

/// Records a failed SMTP attempt: retried at `retry_at`, or failed for good when `retry_at` is
/// `None`. Only while `worker` still holds the mail's claim.
pub async fn mark_failed(
    store: &Store,
    id: i64,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let (state, next) = match retry_at {
        Some(at) => (MailState::Queued, Some(at.timestamp())),
        None => (MailState::Failed, None),
    };
    let mut update = mail::Entity::update_many()
        .col_expr(mail::Column::State, Expr::value(state.name()))
        .col_expr(mail::Column::LeaseUntil, Expr::value(None::<i64>))
        .col_expr(mail::Column::LastError, Expr::value(error))
        .col_expr(mail::Column::Attempts, Expr::col(mail::Column::Attempts).add(1));
    if let Some(next) = next {
        update = update.col_expr(mail::Column::NextAttemptAt, Expr::value(next));
    }
    let _turn = store.sqlite_write_turn().await;
    let result = update
        .filter(mail::Column::Id.eq(id))
        .filter(mail::Column::ClaimedBy.eq(worker))
        .filter(mail::Column::State.eq(MailState::Sending.name()))
        .exec(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(result.rows_affected > 0)
}

/// A mail as `guiyan mail list` shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MailRow {
    pub id: i64,
    pub key: String,
    pub message_id: String,
    pub campaign: String,
    pub run: String,
    /// The kind of its first section, which names it.
    pub kind: String,
    /// Every section's kind (the notices it carries), most pressing first.
    pub kinds: Vec<NoticeKind>,
    pub recipient: String,
    pub to: String,
    pub subject: String,
    pub tasks: i32,
    pub state: String,
    /// SMTP tries whose outcome was recorded.
    pub attempts: i32,
    /// Times a worker claimed it (more than `attempts` when a worker stopped mid-send).
    pub claims: i32,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub next_attempt_at: Option<i64>,
    /// The time zone of the mail's run (its campaign's), in which to show its times.
    pub timezone: String,
}

/// Mails, newest first: all, or only those in `state`.
pub async fn list_mails(store: &Store, state: Option<MailState>, limit: u64) -> Result<Vec<MailRow>, StoreError> {
    let mut query = mail::Entity::find()
        .select_only()
        .columns([
            mail::Column::Id,
            mail::Column::Key,
            mail::Column::MessageId,
            mail::Column::Campaign,
            mail::Column::RunKey,
            mail::Column::Kind,
            mail::Column::Recipient,
            mail::Column::ToAddress,
            mail::Column::Subject,
            mail::Column::TaskCount,
            mail::Column::State,
            mail::Column::Attempts,
            mail::Column::Claims,
            mail::Column::LastError,
            mail::Column::CreatedAt,
            mail::Column::SentAt,
            mail::Column::NextAttemptAt,
        ])
        .order_by_desc(mail::Column::Id)
        .limit(limit);
    if let Some(state) = state {
        query = query.filter(mail::Column::State.eq(state.name()));
    }
    let err = |e| StoreError::from_db(&store.url, e);
    let rows: Vec<ListedMail> = query.into_model().all(&store.db).await.map_err(err)?;
    // The kinds each mail carries, from its notices.
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut kinds: HashMap<i64, Vec<NoticeKind>> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let pairs: Vec<(Option<i64>, String)> = notice::Entity::find()
            .select_only()
            .columns([notice::Column::MailId, notice::Column::Kind])
            .filter(notice::Column::MailId.is_in(chunk.iter().copied()))
            .distinct()
            .into_tuple()
            .all(&store.db)
            .await
            .map_err(err)?;
        for (mail_id, kind) in pairs {
            let kind: NoticeKind = kind.parse().map_err(|e: plan::UnknownNoticeKind| StoreError::Corrupt {
                what: format!("a notice of mail {}: {e}", mail_id.unwrap_or_default()),
            })?;
            kinds.entry(mail_id.unwrap_or_default()).or_default().push(kind);
        }
    }
    for list in kinds.values_mut() {
        list.sort();
    }
    // The runs' time zones: a handful of runs for any number of mails.
    let campaigns: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.campaign.as_str()).collect();
    let zones: HashMap<(String, String), String> = run::Entity::find()
        .select_only()
        .columns([run::Column::Campaign, run::Column::Key, run::Column::Timezone])
        .filter(run::Column::Campaign.is_in(campaigns))
        .into_tuple::<(String, String, String)>()
        .all(&store.db)
        .await
        .map_err(err)?
        .into_iter()
        .map(|(campaign, key, zone)| ((campaign, key), zone))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| MailRow {
            // Every mail belongs to a run; UTC only if its run were gone.
            timezone: zones.get(&(r.campaign.clone(), r.run_key.clone())).cloned().unwrap_or_else(|| "UTC".into()),
            next_attempt_at: (r.state == MailState::Queued.name()).then_some(r.next_attempt_at),
            kinds: kinds.remove(&r.id).unwrap_or_default(),
            id: r.id,
            key: r.key,
            message_id: r.message_id,
            campaign: r.campaign,
            run: r.run_key,
            kind: r.kind,
            recipient: r.recipient,
            to: r.to_address,
            subject: r.subject,
            tasks: r.task_count,
            state: r.state,
            attempts: r.attempts,
            claims: r.claims,
            last_error: r.last_error,
            created_at: r.created_at,
            sent_at: r.sent_at,
        })
        .collect())
}

/// The columns [`list_mails`] reads (not the message itself).
#[derive(Debug, sea_orm::FromQueryResult)]
struct ListedMail {
    id: i64,
    key: String,
    message_id: String,
    campaign: String,
    run_key: String,
    kind: String,
    recipient: String,
    to_address: String,
    subject: String,
    task_count: i32,
    state: String,
    attempts: i32,
    claims: i32,
    last_error: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
    next_attempt_at: i64,
}

/// Counts of mails by state (for `guiyan status`), and notices not yet composed.
pub async fn mail_counts(store: &Store) -> Result<(BTreeMap<String, u64>, u64), StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let rows: Vec<(String, i64)> = mail::Entity::find()
        .select_only()
        .column(mail::Column::State)
        .column_as(Expr::col(mail::Column::Id).count(), "n")
        .group_by(mail::Column::State)
        .into_tuple()
        .all(&store.db)
        .await
        .map_err(err)?;
    let pending: i64 = notice::Entity::find()
        .select_only()
        .column_as(Expr::col(notice::Column::Id).count(), "n")
        .filter(notice::Column::MailId.is_null())
        .into_tuple()
        .one(&store.db)
        .await
        .map_err(err)?
        .unwrap_or(0);
    Ok((
        rows.into_iter().map(|(s, n)| (s, u64::try_from(n).unwrap_or(0))).collect(),
        u64::try_from(pending).unwrap_or(0),
    ))
}

/// Re-queues a failed mail (by id or key) for delivery at `now`, recording who asked; `false` if no
/// failed mail matches.
pub async fn retry_mail(store: &Store, id_or_key: &str, now: DateTime<Utc>, actor: &Actor) -> Result<bool, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
    let mut query = mail::Entity::find().filter(mail::Column::State.eq(MailState::Failed.name()));
    query = match id_or_key.parse::<i64>() {
        Ok(id) => query.filter(mail::Column::Id.eq(id)),
        Err(_) => query.filter(mail::Column::Key.eq(id_or_key)),
    };
    let Some(failed) = query.one(&txn).await.map_err(err)? else { return Ok(false) };
    mail::Entity::update_many()
        .col_expr(mail::Column::State, Expr::value(MailState::Queued.name()))
        .col_expr(mail::Column::NextAttemptAt, Expr::value(now.timestamp()))
        .col_expr(mail::Column::LastError, Expr::value(None::<String>))
        .filter(mail::Column::Id.eq(failed.id))
        .filter(mail::Column::State.eq(MailState::Failed.name()))
        .exec(&txn)
        .await
        .map_err(err)?;
    // The event also wakes a running engine.
    let detail =
        serde_json::json!({ "mail": failed.key, "last_error": failed.last_error, "attempts": failed.attempts });
    let scope = Some((failed.campaign.as_str(), Some(failed.run_key.as_str())));
    record_event(&txn, now.timestamp(), actor, EventKind::MailRetried, scope, None, detail).await.map_err(err)?;
    txn.commit().await.map_err(err)?;
    Ok(true)
}
