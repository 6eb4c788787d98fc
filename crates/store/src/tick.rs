//! The engine's tick in the database: find tasks with something due (the indexed `next_event_at`),
//! decide with [`plan::decide`], and write each task's new state together with the notices it
//! causes — one transaction, so a state change and its mail are never apart. Also closes runs: a
//! run that closed while no engine ran (more than [`plan::LATE_CLOSE_GRACE`] ago) with work left
//! unfinished gets one `run-closed` notice to its campaign's owner, and its tasks tell no unit.
//!
//! Several processes may tick one PostgreSQL database: due rows are claimed with
//! `FOR UPDATE SKIP LOCKED`, and notice keys are unique, so nothing is decided or told twice.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use plan::{Decision, Notice, NoticeKind, TaskDue, TaskState, decide};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement, TransactionTrait, Value,
    sea_query::{LockBehavior, LockType},
};

use crate::bulk::{BulkInsert, Kind, Rows};
use crate::connect::Store;
use crate::entities::{run, task};
use crate::error::StoreError;
use crate::event_kind::EventKind;
use crate::operate::{Actor, begin_options, record_event};

/// The owner unit of each campaign (campaign id → unit id): whom a run's close is reported to.
pub type Owners = HashMap<String, String>;

/// What one tick batch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Tasks whose due moment was handled.
    pub tasks: usize,
    pub opened: usize,
    /// Notices written, by kind.
    pub notices: HashMap<NoticeKind, usize>,
    /// Runs closed: (campaign, run key).
    pub closed_runs: Vec<(String, String)>,
    /// Of those, the ones closed late (no engine ran at their close), with their unfinished tasks:
    /// (campaign, run key, unfinished).
    pub closed_late: Vec<(String, String, u64)>,
    /// Tasks whose stored state or schedule does not read (written by hand, or by a newer guiyan):
    /// (task id, problem). They are set aside (no next event) rather than decided on a guess.
    pub unreadable: Vec<(String, String)>,
}

impl TickReport {
    fn absorb(&mut self, other: TickReport) {
        self.tasks += other.tasks;
        self.opened += other.opened;
        for (kind, n) in other.notices {
            *self.notices.entry(kind).or_default() += n;
        }
        self.closed_runs.extend(other.closed_runs);
        self.closed_late.extend(other.closed_late);
        self.unreadable.extend(other.unreadable);
    }

    pub fn notice_count(&self) -> usize {
        self.notices.values().sum()
    }
}

/// Handles everything due at or before `now`: closes runs and advances due tasks, `batch` tasks per
/// transaction, until nothing due is left (or only rows another process holds). `owners` says whom
/// to tell of a run that closed while no engine ran.
pub async fn tick(
    store: &Store,
    now: DateTime<Utc>,
    batch: u64,
    actor: &Actor,
    owners: &Owners,
) -> Result<TickReport, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now = now.timestamp();
    let mut report = TickReport::default();
    loop {
        let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
        let closing = close_due_runs(&txn, now, actor, owners).await.map_err(err)?;
        let due = select_due(&txn, now, batch).await.map_err(err)?;
        let count = due.len() as u64;
        let mut part = advance(&txn, due, now, actor).await.map_err(err)?;
        part.closed_runs = closing.closed;
        part.closed_late = closing.late;
        if closing.notices > 0 {
            *part.notices.entry(NoticeKind::RunClosed).or_default() += closing.notices;
        }
        txn.commit().await.map_err(err)?;
        report.absorb(part);
        if count < batch {
            return Ok(report);
        }
    }
}

/// What deciding a task needs of its row: not its title, figures, note or history.
#[derive(Debug, FromQueryResult)]
struct DueTask {
    id: i64,
    run_id: i64,
    campaign: String,
    run_key: String,
    template: String,
    unit: String,
    state: String,
    starts_at: i64,
    due_at: i64,
    schedule: String,
    handled_until: Option<i64>,
}

/// Tasks with the columns of [`DueTask`].
fn select_for_decision() -> sea_orm::Select<task::Entity> {
    task::Entity::find().select_only().columns([
        task::Column::Id,
        task::Column::RunId,
        task::Column::Campaign,
        task::Column::RunKey,
        task::Column::Template,
        task::Column::Unit,
        task::Column::State,
        task::Column::StartsAt,
        task::Column::DueAt,
        task::Column::Schedule,
        task::Column::HandledUntil,
    ])
}

/// Due tasks, earliest first; on PostgreSQL rows another process is handling are skipped.
async fn select_due(db: &impl ConnectionTrait, now: i64, limit: u64) -> Result<Vec<DueTask>, DbErr> {
    let mut query = select_for_decision()
        .filter(task::Column::NextEventAt.lte(now))
        .order_by_asc(task::Column::NextEventAt)
        .limit(limit);
    if db.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    query.into_model::<DueTask>().all(db).await
}

/// What closing runs did.
#[derive(Default)]
struct Closing {
    closed: Vec<(String, String)>,
    late: Vec<(String, String, u64)>,
    notices: usize,
}

/// Closes the runs whose closing time came. A run closed late (no engine ran at its close) with
/// unfinished work gets a `run-closed` notice to its campaign's owner.
async fn close_due_runs(db: &impl ConnectionTrait, now: i64, actor: &Actor, owners: &Owners) -> Result<Closing, DbErr> {
    let mut query =
        run::Entity::find().filter(run::Column::NextEventAt.lte(now)).filter(run::Column::ClosedAt.is_null());
    if db.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut closing = Closing::default();
    let mut notices = Rows::new();
    for r in query.all(db).await? {
        run::Entity::update_many()
            .col_expr(run::Column::ClosedAt, Expr::value(r.closes_at))
            .col_expr(run::Column::NextEventAt, Expr::value(None::<i64>))
            .filter(run::Column::Id.eq(r.id))
            .exec(db)
            .await?;
        let late = now > r.closes_at.saturating_add(plan::LATE_CLOSE_GRACE);
        let unfinished = if late { unfinished_tasks(db, r.id).await? } else { 0 };
        let detail = serde_json::json!({ "closes_at": r.closes_at, "late": late, "unfinished": unfinished });
        record_event(db, now, actor, EventKind::RunClosed, Some((&r.campaign, Some(&r.key))), None, detail).await?;
        if unfinished > 0
            && let Some(owner) = owners.get(&r.campaign)
        {
            let kind = NoticeKind::RunClosed.name();
            let key = format!("run:{}/{kind}/{owner}", r.id);
            notices.row().text(&key).int(r.id).opt_int(None).text(kind).text(owner).int(now);
        }
        if late {
            closing.late.push((r.campaign.clone(), r.key.clone(), unfinished));
        }
        closing.closed.push((r.campaign, r.key));
    }
    closing.notices = notices.len();
    insert_notices(db, notices, now).await?;
    Ok(closing)
}

/// How many tasks of a run are still waiting or open.
async fn unfinished_tasks(db: &impl ConnectionTrait, run_id: i64) -> Result<u64, DbErr> {
    task::Entity::find()
        .filter(task::Column::RunId.eq(run_id))
        .filter(task::Column::State.is_in([TaskState::Waiting.name(), TaskState::Open.name()]))
        .count(db)
        .await
}

/// Re-examines waiting tasks whose start passed and whose dependencies are all settled (after a
/// dependency was done, waived or cancelled): marks them due now, optionally only the dependants of
/// `of`. Returns their ids.
pub(crate) async fn wake_ready(db: &impl ConnectionTrait, now: i64, of: Option<i64>) -> Result<Vec<i64>, DbErr> {
    let unblocked = "NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks t2 ON t2.id = d.depends_on \
         WHERE d.task_id = tasks.id AND t2.state IN ('waiting', 'open'))";
    let mut query = task::Entity::find()
        .select_only()
        .column(task::Column::Id)
        .filter(task::Column::State.eq(TaskState::Waiting.name()))
        .filter(task::Column::StartsAt.lte(now))
        .filter(Expr::cust(unblocked));
    if let Some(settled) = of {
        // An integer, so formatting it into the SQL is safe.
        query = query.filter(Expr::cust(format!(
            "tasks.id IN (SELECT task_id FROM task_dependencies WHERE depends_on = {settled})"
        )));
    } else {
        // Only those not already due: a task due now is handled anyway.
        query = query.filter(
            sea_orm::Condition::any().add(task::Column::NextEventAt.is_null()).add(task::Column::NextEventAt.gt(now)),
        );
    }
    let ids: Vec<i64> = query.into_tuple().all(db).await?;
    for chunk in ids.chunks(1000) {
        task::Entity::update_many()
            .col_expr(task::Column::NextEventAt, Expr::value(now))
            .filter(task::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(ids)
}

/// Advances every task due at `now`, in the caller's transaction (rows another process holds are
/// left to it).
pub(crate) async fn advance_due(db: &impl ConnectionTrait, now: i64, actor: &Actor) -> Result<TickReport, DbErr> {
    let mut report = TickReport::default();
    loop {
        let due = select_due(db, now, 5000).await?;
        let done = due.len() < 5000;
        report.absorb(advance(db, due, now, actor).await?);
        if done {
            return Ok(report);
        }
    }
}

/// Advances the given tasks (by id) at `now`, in the caller's transaction.
pub(crate) async fn advance_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
    now: i64,
    actor: &Actor,
) -> Result<TickReport, DbErr> {
    let mut report = TickReport::default();
    for chunk in ids.chunks(1000) {
        let tasks = select_for_decision()
            .filter(task::Column::Id.is_in(chunk.iter().copied()))
            .into_model::<DueTask>()
            .all(db)
            .await?;
        report.absorb(advance(db, tasks, now, actor).await?);
    }
    Ok(report)
}

/// Everything due for the engine, so that it can sleep until then: the earliest task event, run
/// closing and mail attempt.
pub async fn next_due(store: &Store) -> Result<Option<DateTime<Utc>>, StoreError> {
    let sql = "SELECT min(t) FROM (\
         SELECT min(next_event_at) AS t FROM tasks \
         UNION ALL SELECT min(next_event_at) FROM runs WHERE closed_at IS NULL \
         UNION ALL SELECT min(at) FROM report_times WHERE outcome IS NULL \
         UNION ALL SELECT min(next_attempt_at) FROM mails WHERE state IN ('queued', 'sending')) AS due";
    let backend = store.backend();
    let row = store
        .db
        .query_one_raw(Statement::from_string(backend, sql))
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    let at: Option<i64> = match row {
        Some(row) => row.try_get_by_index(0).map_err(|e| StoreError::from_db(&store.url, e))?,
        None => None,
    };
    Ok(at.and_then(|s| DateTime::from_timestamp(s, 0)))
}

/// The runs already in the database: (campaign, key).
pub async fn known_runs(store: &Store) -> Result<HashSet<(String, String)>, StoreError> {
    let rows: Vec<(String, String)> = run::Entity::find()
        .select_only()
        .column(run::Column::Campaign)
        .column(run::Column::Key)
        .into_tuple()
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(rows.into_iter().collect())
}

/// The next task events, earliest first: (when, task id `campaign/run/template/unit`, state).
pub async fn upcoming(store: &Store, limit: u64) -> Result<Vec<(i64, String, String)>, StoreError> {
    let rows = task::Entity::find()
        .filter(task::Column::NextEventAt.is_not_null())
        .order_by_asc(task::Column::NextEventAt)
        .limit(limit)
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(rows
        .into_iter()
        .map(|t| {
            (t.next_event_at.unwrap_or_default(), plan::task_id(&t.campaign, &t.run_key, &t.template, &t.unit), t.state)
        })
        .collect())
}

/// A marker that changes whenever anything is recorded (the newest event id): the engine compares
/// it to notice work done by other processes, e.g. a task completed from the command line.
pub async fn change_marker(store: &Store) -> Result<i64, StoreError> {
    let backend = store.backend();
    let row = store
        .db
        .query_one_raw(Statement::from_string(backend, "SELECT coalesce(max(id), 0) FROM events"))
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    match row {
        Some(row) => row.try_get_by_index(0).map_err(|e| StoreError::from_db(&store.url, e)),
        None => Ok(0),
    }
}

/// Decides every task and writes the outcome: new state, next event, handled-until, notices, and a
/// `task-opened` event per opened task.
async fn advance(db: &impl ConnectionTrait, tasks: Vec<DueTask>, now: i64, actor: &Actor) -> Result<TickReport, DbErr> {
    let mut report = TickReport { tasks: tasks.len(), ..Default::default() };
    if tasks.is_empty() {
        return Ok(report);
    }
    let blocked = blocked_among(db, &tasks).await?;
    let closes = run_closes(db, &tasks).await?;
    let mut updates = Rows::new();
    let mut notices = Rows::new();
    let mut events = Rows::new();
    for t in &tasks {
        let read = crate::stored::task_state(&t.state, t.id)
            .and_then(|state| Ok((state, crate::stored::schedule(&t.schedule, t.id)?)));
        let (state, schedule) = match read {
            Ok(read) => read,
            Err(problem) => {
                // Set aside, never decided on a guess: no next event, so no tick picks it again.
                let id = plan::task_id(&t.campaign, &t.run_key, &t.template, &t.unit);
                report.unreadable.push((id, problem.to_string()));
                updates.row().int(t.id).text(&t.state).opt_int(None).opt_int(t.handled_until);
                continue;
            }
        };
        let due = TaskDue {
            state,
            starts_at: t.starts_at,
            due_at: t.due_at,
            reminders: schedule.reminders,
            escalations: schedule.escalations.into_iter().map(|e| (e.at, e.to)).collect(),
            dependencies_settled: !blocked.contains(&t.id),
            handled_until: t.handled_until.unwrap_or(i64::MIN),
            run_closes_at: closes.get(&t.run_id).copied().unwrap_or(i64::MAX),
        };
        let decision: Decision = decide(&due, now);
        let new_state = if decision.open { TaskState::Open } else { state };
        updates.row().int(t.id).text(new_state.name()).opt_int(decision.next_event_at).int(decision.handled_until);
        if decision.open {
            report.opened += 1;
            events.row().opt_int(Some(t.id)).text(&t.campaign).text(&t.run_key);
        }
        for notice in &decision.notices {
            let (at, recipient) = match notice {
                Notice::Assigned => (now, t.unit.as_str()),
                Notice::Reminder { at } => (*at, t.unit.as_str()),
                Notice::Overdue { due_at } => (*due_at, t.unit.as_str()),
                Notice::Escalation { at, to } => (*at, to.as_str()),
            };
            let kind = notice.kind();
            // Zero-padded: keys sort by task, so a tick's new keys land together in the index instead
            // of among every older task whose id shares leading digits (cost grew with history).
            let key = format!("{:019}/{kind}/{at}/{recipient}", t.id);
            notices.row().text(&key).int(t.run_id).int(t.id).text(kind.name()).text(recipient).int(at);
            *report.notices.entry(kind).or_default() += 1;
        }
    }
    bulk_update_tasks(db, updates, now).await?;
    insert_notices(db, notices, now).await?;
    BulkInsert {
        table: "events",
        constants: vec![
            ("at", now.into()),
            ("actor", actor.name.as_str().into()),
            ("source", actor.source.name().into()),
            ("kind", EventKind::TaskOpened.name().into()),
            ("detail", "{}".into()),
        ],
        columns: &[("task_id", Kind::Int), ("campaign", Kind::Text), ("run_key", Kind::Text)],
        conflict: &["id"],
    }
    .exec(db, events)
    .await?;
    Ok(report)
}

/// Notice rows: key, run_id, task_id, kind, recipient, at.
pub(crate) const NOTICE_COLUMNS: &[(&str, Kind)] = &[
    ("key", Kind::Text),
    ("run_id", Kind::Int),
    ("task_id", Kind::Int),
    ("kind", Kind::Text),
    ("recipient", Kind::Text),
    ("at", Kind::Int),
];

pub(crate) async fn insert_notices(db: &impl ConnectionTrait, rows: Rows, now: i64) -> Result<(), DbErr> {
    BulkInsert {
        table: "notices",
        constants: vec![("created_at", now.into())],
        columns: NOTICE_COLUMNS,
        conflict: &["key"],
    }
    .exec(db, rows)
    .await
}

/// When the runs of `tasks` close, by run id (a handful of runs for any number of tasks).
async fn run_closes(db: &impl ConnectionTrait, tasks: &[DueTask]) -> Result<HashMap<i64, i64>, DbErr> {
    let mut ids: Vec<i64> = tasks.iter().map(|t| t.run_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<(i64, i64)> = run::Entity::find()
        .select_only()
        .columns([run::Column::Id, run::Column::ClosesAt])
        .filter(run::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The waiting tasks among `tasks` with a dependency still waiting or open.
async fn blocked_among(db: &impl ConnectionTrait, tasks: &[DueTask]) -> Result<HashSet<i64>, DbErr> {
    let waiting: Vec<i64> = tasks.iter().filter(|t| t.state == TaskState::Waiting.name()).map(|t| t.id).collect();
    let mut blocked = HashSet::new();
    for chunk in waiting.chunks(1000) {
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT DISTINCT d.task_id FROM task_dependencies d JOIN tasks t2 ON t2.id = d.depends_on \
             WHERE d.task_id IN ({list}) AND t2.state IN ('waiting', 'open')"
        );
        let backend = db.get_database_backend();
        for row in db.query_all_raw(Statement::from_string(backend, sql)).await? {
            blocked.insert(row.try_get_by_index::<i64>(0)?);
        }
    }
    Ok(blocked)
}

/// Writes (id, state, next_event_at, handled_until) rows in one statement per 5,000.
async fn bulk_update_tasks(db: &impl ConnectionTrait, rows: Rows, now: i64) -> Result<(), DbErr> {
    if rows.len() == 0 {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE tasks SET state = r.v ->> 1, next_event_at = (r.v ->> 2)::bigint, \
             handled_until = (r.v ->> 3)::bigint, updated_at = $1 \
             FROM jsonb_array_elements($2::jsonb) AS r(v) WHERE tasks.id = (r.v ->> 0)::bigint"
        }
        _ => {
            "UPDATE tasks SET state = r.value ->> 1, next_event_at = r.value ->> 2, \
             handled_until = r.value ->> 3, updated_at = ?1 \
             FROM json_each(?2) AS r WHERE tasks.id = r.value ->> 0"
        }
    };
    let json = rows.finish();
    db.execute_raw(Statement::from_sql_and_values(backend, sql, [Value::from(now), Value::from(json)])).await?;
    Ok(())
}
