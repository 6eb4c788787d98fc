//! `guiyan apply`: record definitions, sync the unit directory, and materialize the runs open now —
//! creating, cancelling, restoring or rescheduling tasks — in one transaction, idempotently.

use std::collections::{BTreeMap, HashMap};

use campaign::{Campaign, Directory, FigureKind, Workflows};
use chrono::{DateTime, Utc};
use plan::{ExistingTask, PlannedRun, RunAnchor, TaskChange, TaskState, diff_run, schedule_of};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::bulk::{self, BulkInsert, Kind, Rows};
use crate::connect::Store;
use crate::entities::{definition, run, task, task_dependency, unit};
use crate::error::StoreError;
use crate::operate::{Actor, record_event};
use crate::tick::{NOTICE_RUN_OPENED, advance_due, insert_notices, wake_ready};

/// A campaign file's text, recorded with each applied version.
#[derive(Clone, Debug)]
pub struct Definition {
    pub campaign: String,
    pub path: String,
    pub source: String,
}

/// What an apply did (or, with `--dry-run`, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Campaigns whose definition was recorded as a new version: (campaign, version).
    pub new_versions: Vec<(String, i32)>,
    /// Units added, changed or removed.
    pub units_changed: usize,
    pub runs: Vec<AppliedRun>,
    /// Waiting tasks that opened because their start passed and their dependencies were met.
    pub opened: usize,
}

impl ApplyReport {
    pub fn is_empty(&self) -> bool {
        self.new_versions.is_empty()
            && self.units_changed == 0
            && self.opened == 0
            && self.runs.iter().all(|r| !r.new_run && r.changes.is_empty())
    }
}

/// The effect on one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedRun {
    pub campaign: String,
    pub key: String,
    pub new_run: bool,
    /// Tasks created with a new run.
    pub tasks: usize,
    pub changes: Vec<RunChange>,
}

/// One change to a task of an existing run, for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunChange {
    Created { task: String, due_at: i64 },
    Cancelled { task: String },
    Restored { task: String },
    Rescheduled { task: String, starts_at: (i64, i64), due_at: (i64, i64) },
}

/// Tasks per insert statement (dependencies: twice as many).
const CHUNK: usize = 5000;

/// Applies definitions and the runs open at `now` (planned by the caller). With `dry_run`, computes
/// the same report and writes nothing.
pub async fn apply(
    store: &Store,
    workflows: &Workflows,
    definitions: &[Definition],
    runs: &[PlannedRun],
    now: DateTime<Utc>,
    actor: &Actor,
    dry_run: bool,
) -> Result<ApplyReport, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let options =
        TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() };
    let txn = store.db.begin_with_options(options).await.map_err(err)?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Applies serialize: a second one sees what the first created and changes nothing.
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7120251125)").await.map_err(err)?;
    }
    let now_s = now.timestamp();
    let mut report = ApplyReport::default();

    let mut definition_ids: HashMap<String, i64> = HashMap::new();
    for def in definitions {
        let (id, new_version) = record_definition(&txn, def, now_s, actor).await.map_err(err)?;
        definition_ids.insert(def.campaign.clone(), id);
        if let Some(version) = new_version {
            report.new_versions.push((def.campaign.clone(), version));
        }
    }
    let directories: Vec<&Directory> = workflows.directories.values().collect();
    report.units_changed = sync_units(&txn, &directories).await.map_err(err)?;
    if report.units_changed > 0 {
        let detail = serde_json::json!({ "units_changed": report.units_changed });
        record_event(&txn, now_s, actor, "directory-updated", None, None, detail).await.map_err(err)?;
    }

    for planned in runs {
        let Some(campaign) = workflows.campaign(&planned.campaign) else { continue };
        let definition_id = definition_ids.get(&planned.campaign).copied().unwrap_or_default();
        let applied = apply_run(&txn, campaign, planned, definition_id, now_s, actor).await.map_err(err)?;
        report.runs.push(applied);
    }
    // Whatever is due now happens now, with its notices: new tasks whose start passed open.
    wake_ready(&txn, now_s, None).await.map_err(err)?;
    report.opened = advance_due(&txn, now_s, actor).await.map_err(err)?.opened;

    if dry_run {
        txn.rollback().await.map_err(err)?;
    } else {
        txn.commit().await.map_err(err)?;
    }
    Ok(report)
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Records a definition if its text changed; returns its id and the new version number, if any.
async fn record_definition(
    txn: &DatabaseTransaction,
    def: &Definition,
    now: i64,
    actor: &Actor,
) -> Result<(i64, Option<i32>), sea_orm::DbErr> {
    let hash = sha256(&def.source);
    let latest = definition::Entity::find()
        .filter(definition::Column::Campaign.eq(&def.campaign))
        .order_by_desc(definition::Column::Version)
        .one(txn)
        .await?;
    if let Some(latest) = &latest
        && latest.hash == hash
    {
        return Ok((latest.id, None));
    }
    let version = latest.map_or(1, |l| l.version + 1);
    let inserted = definition::Entity::insert(definition::ActiveModel {
        campaign: Set(def.campaign.clone()),
        version: Set(version),
        hash: Set(hash.clone()),
        path: Set(def.path.clone()),
        source: Set(def.source.clone()),
        applied_at: Set(now),
        applied_by: Set(actor.name.clone()),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    let detail = serde_json::json!({ "version": version, "hash": hash, "path": def.path });
    record_event(txn, now, actor, "definition-applied", Some((&def.campaign, None)), None, detail).await?;
    Ok((inserted.last_insert_id, Some(version)))
}

/// Makes the `units` table match the union of the directories in use (the first directory wins for
/// a unit listed twice); returns how many units changed.
async fn sync_units(txn: &DatabaseTransaction, directories: &[&Directory]) -> Result<usize, sea_orm::DbErr> {
    let existing: BTreeMap<String, unit::Model> =
        unit::Entity::find().all(txn).await?.into_iter().map(|u| (u.id.clone(), u)).collect();
    let mut wanted: BTreeMap<String, unit::Model> = BTreeMap::new();
    let mut offset = 0;
    for directory in directories {
        for (position, u) in directory.units.iter().enumerate() {
            if wanted.contains_key(&u.id) {
                continue;
            }
            let depth = directory.ancestors(position).count() as i32;
            wanted.insert(
                u.id.clone(),
                unit::Model {
                    id: u.id.clone(),
                    name: u.name.clone(),
                    level: directory.levels[u.level].clone(),
                    depth,
                    email: u.email.clone(),
                    parent: u.parent.map(|p| directory.units[p].id.clone()),
                    position: (offset + position) as i32,
                },
            );
        }
        offset += directory.units.len();
    }
    let mut changed = 0;
    let mut added = Vec::new();
    for (id, model) in &wanted {
        match existing.get(id) {
            Some(old) if old == model => {}
            Some(_) => {
                unit::Entity::update(to_unit_active(model)).exec(txn).await?;
                changed += 1;
            }
            None => added.push(to_unit_active(model)),
        }
    }
    changed += added.len();
    // A new district's directory is thousands of units: insert them in batches, not one by one.
    for batch in added.chunks(1000) {
        unit::Entity::insert_many(batch.to_vec()).exec_without_returning(txn).await?;
    }
    let removed: Vec<String> = existing.keys().filter(|id| !wanted.contains_key(*id)).cloned().collect();
    if !removed.is_empty() {
        changed += removed.len();
        unit::Entity::delete_many().filter(unit::Column::Id.is_in(removed)).exec(txn).await?;
    }
    Ok(changed)
}

fn to_unit_active(m: &unit::Model) -> unit::ActiveModel {
    unit::ActiveModel {
        id: Set(m.id.clone()),
        name: Set(m.name.clone()),
        level: Set(m.level.clone()),
        depth: Set(m.depth),
        email: Set(m.email.clone()),
        parent: Set(m.parent.clone()),
        position: Set(m.position),
    }
}

fn figure_spec(campaign: &Campaign, template: &str) -> String {
    let figures: Vec<serde_json::Value> = campaign
        .task(template)
        .map(|t| {
            t.figures
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "key": f.key,
                        "label": f.label,
                        "unit": f.unit,
                        "kind": match f.kind { FigureKind::Integer => "integer", FigureKind::Decimal => "decimal" },
                        "required": f.required,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    serde_json::Value::Array(figures).to_string()
}

/// The next moment something is due for a task: its start while waiting; its next reminder, due
/// time or escalation after `now` while open; nothing once settled.
pub(crate) fn next_event_at(state: TaskState, starts_at: i64, due_at: i64, schedule: &str, now: i64) -> Option<i64> {
    match state {
        TaskState::Waiting => Some(starts_at),
        TaskState::Open => {
            let parsed: serde_json::Value = serde_json::from_str(schedule).unwrap_or_default();
            let reminders = parsed["reminders"].as_array().into_iter().flatten().filter_map(|v| v.as_i64());
            let escalations = parsed["escalations"].as_array().into_iter().flatten().filter_map(|v| v["at"].as_i64());
            reminders.chain(std::iter::once(due_at)).chain(escalations).filter(|t| *t > now).min()
        }
        TaskState::Done | TaskState::Waived | TaskState::Cancelled => None,
    }
}

/// The task columns `new_task` writes. The others are the same for every task of one statement
/// (`run_id`, `campaign`, `run_key`, `template`, `title`, `state`, `figure_spec`, `updated_at`);
/// `id` is generated and the report columns start NULL.
const TASK_COLUMNS: &[(&str, Kind)] = &[
    ("unit", Kind::Text),
    ("starts_at", Kind::Int),
    ("due_at", Kind::Int),
    ("schedule", Kind::Text),
    ("next_event_at", Kind::Int),
];

/// Writes a new (waiting) task's row, in `TASK_COLUMNS` order.
fn new_task(rows: &mut Rows, planned: &PlannedRun, index: usize, now: i64) {
    let t = &planned.tasks[index];
    let schedule = schedule_of(t);
    let (starts_at, due_at) = (t.starts_at.timestamp(), t.due_at.timestamp());
    let next = next_event_at(TaskState::Waiting, starts_at, due_at, &schedule, now);
    rows.row().text(&t.unit).int(starts_at).int(due_at).text(&schedule).opt_int(next);
}

async fn apply_run(
    txn: &DatabaseTransaction,
    campaign: &Campaign,
    planned: &PlannedRun,
    definition_id: i64,
    now: i64,
    actor: &Actor,
) -> Result<AppliedRun, sea_orm::DbErr> {
    let anchor = match planned.anchor {
        RunAnchor::Day(d) => d.to_string(),
        RunAnchor::Instant(t) => t.to_rfc3339(),
    };
    let existing_run = run::Entity::find()
        .filter(run::Column::Campaign.eq(&planned.campaign))
        .filter(run::Column::Key.eq(&planned.key))
        .one(txn)
        .await?;
    let scope = Some((planned.campaign.as_str(), Some(planned.key.as_str())));
    let Some(existing_run) = existing_run else {
        let inserted = run::Entity::insert(run::ActiveModel {
            campaign: Set(planned.campaign.clone()),
            key: Set(planned.key.clone()),
            definition_id: Set(definition_id),
            anchor: Set(anchor),
            opens_at: Set(planned.opens_at.timestamp()),
            closes_at: Set(planned.closes_at.timestamp()),
            timezone: Set(campaign.timezone.to_string()),
            next_event_at: Set(Some(planned.closes_at.timestamp())),
            ..Default::default()
        })
        .on_conflict(OnConflict::columns([run::Column::Campaign, run::Column::Key]).do_nothing().to_owned())
        .exec(txn)
        .await?;
        let run_id = inserted.last_insert_id;
        let all: Vec<usize> = (0..planned.tasks.len()).collect();
        insert_tasks(txn, campaign, run_id, planned, &all, now).await?;
        write_dependencies(txn, run_id, planned).await?;
        let detail = serde_json::json!({ "tasks": planned.tasks.len(), "opens_at": planned.opens_at.timestamp(), "closes_at": planned.closes_at.timestamp() });
        record_event(txn, now, actor, "run-opened", scope, None, detail).await?;
        // The campaign's owner is told the run opened.
        let mut notice = Rows::new();
        let key = format!("run:{run_id}/{NOTICE_RUN_OPENED}/{}", campaign.owner);
        notice.row().text(&key).int(run_id).opt_int(None).text(NOTICE_RUN_OPENED).text(&campaign.owner).int(now);
        insert_notices(txn, notice, now).await?;
        return Ok(AppliedRun {
            campaign: planned.campaign.clone(),
            key: planned.key.clone(),
            new_run: true,
            tasks: planned.tasks.len(),
            changes: Vec::new(),
        });
    };

    // Only what the diff needs: rows of a large run are many, and titles and figure specs are long.
    let rows: Vec<(i64, String, String, String, i64, i64, String)> = task::Entity::find()
        .select_only()
        .columns([
            task::Column::Id,
            task::Column::Template,
            task::Column::Unit,
            task::Column::State,
            task::Column::StartsAt,
            task::Column::DueAt,
            task::Column::Schedule,
        ])
        .filter(task::Column::RunId.eq(existing_run.id))
        .into_tuple()
        .all(txn)
        .await?;
    let mut ids: HashMap<(&str, &str), i64> = HashMap::with_capacity(rows.len());
    let mut existing: Vec<ExistingTask> = Vec::with_capacity(rows.len());
    for (id, template, unit, state, starts_at, due_at, schedule) in &rows {
        ids.insert((template.as_str(), unit.as_str()), *id);
        existing.push(ExistingTask {
            template: template.clone(),
            unit: unit.clone(),
            state: TaskState::from_name(state).unwrap_or(TaskState::Open),
            starts_at: *starts_at,
            due_at: *due_at,
            schedule: schedule.clone(),
        });
    }
    let by_key: HashMap<(&str, &str), &ExistingTask> =
        existing.iter().map(|t| ((t.template.as_str(), t.unit.as_str()), t)).collect();
    let changes = diff_run(planned, &existing);
    let mut shown = Vec::with_capacity(changes.len());
    let mut creates = Vec::new();
    for change in &changes {
        match change {
            TaskChange::Create { planned: i } => {
                creates.push(*i);
                let t = &planned.tasks[*i];
                shown.push(RunChange::Created { task: t.id.clone(), due_at: t.due_at.timestamp() });
            }
            TaskChange::Cancel { template, unit } => {
                let Some(&row_id) = ids.get(&(template.as_str(), unit.as_str())) else { continue };
                // Conditional: work completed meanwhile by someone else is left alone.
                if !set_state(txn, row_id, TaskState::Cancelled, &ACTIVE, now).await? {
                    continue;
                }
                let id = plan::task_id(&planned.campaign, &planned.key, template, unit);
                record_event(
                    txn,
                    now,
                    actor,
                    "task-cancelled",
                    scope,
                    Some(row_id),
                    serde_json::json!({"reason": "removed from the definition"}),
                )
                .await?;
                shown.push(RunChange::Cancelled { task: id });
            }
            TaskChange::Restore { planned: i } | TaskChange::Reschedule { planned: i, .. } => {
                let t = &planned.tasks[*i];
                let key = (t.template.as_str(), t.unit.as_str());
                let (Some(row), Some(&row_id)) = (by_key.get(&key), ids.get(&key)) else { continue };
                let restore = matches!(change, TaskChange::Restore { .. });
                let state = if restore { TaskState::Waiting } else { row.state };
                let schedule = schedule_of(t);
                let (starts_at, due_at) = (t.starts_at.timestamp(), t.due_at.timestamp());
                // Conditional on the state read: a task completed meanwhile (by `task done` in
                // another process) is never rescheduled or revived.
                let expected = if restore { TaskState::Cancelled } else { state };
                let updated = task::Entity::update_many()
                    .col_expr(task::Column::State, Expr::value(state.name()))
                    .col_expr(task::Column::StartsAt, Expr::value(starts_at))
                    .col_expr(task::Column::DueAt, Expr::value(due_at))
                    .col_expr(
                        task::Column::NextEventAt,
                        Expr::value(next_event_at(state, starts_at, due_at, &schedule, now)),
                    )
                    .col_expr(task::Column::Schedule, Expr::value(schedule))
                    .col_expr(task::Column::UpdatedAt, Expr::value(now))
                    .filter(task::Column::Id.eq(row_id))
                    .filter(task::Column::State.eq(expected.name()))
                    .exec(txn)
                    .await?;
                if updated.rows_affected == 0 {
                    continue;
                }
                if restore {
                    record_event(txn, now, actor, "task-restored", scope, Some(row_id), serde_json::json!({})).await?;
                    shown.push(RunChange::Restored { task: t.id.clone() });
                } else if let TaskChange::Reschedule { starts_at, due_at, .. } = change {
                    let detail =
                        serde_json::json!({"starts_at": [starts_at.0, starts_at.1], "due_at": [due_at.0, due_at.1]});
                    record_event(txn, now, actor, "task-rescheduled", scope, Some(row_id), detail).await?;
                    shown.push(RunChange::Rescheduled { task: t.id.clone(), starts_at: *starts_at, due_at: *due_at });
                }
            }
        }
    }
    if !creates.is_empty() {
        insert_tasks(txn, campaign, existing_run.id, planned, &creates, now).await?;
        let created = task::Entity::find().filter(task::Column::RunId.eq(existing_run.id)).all(txn).await?;
        for row in created.iter().filter(|r| !by_key.contains_key(&(r.template.as_str(), r.unit.as_str()))) {
            record_event(txn, now, actor, "task-created", scope, Some(row.id), serde_json::json!({})).await?;
        }
    }
    if !changes.is_empty() {
        task_dependency::Entity::delete_many()
            .filter(
                task_dependency::Column::TaskId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(task::Column::Id)
                        .from(task::Entity)
                        .and_where(task::Column::RunId.eq(existing_run.id))
                        .to_owned(),
                ),
            )
            .exec(txn)
            .await?;
        write_dependencies(txn, existing_run.id, planned).await?;
    }
    if existing_run.opens_at != planned.opens_at.timestamp()
        || existing_run.closes_at != planned.closes_at.timestamp()
        || existing_run.definition_id != definition_id
    {
        run::Entity::update_many()
            .col_expr(run::Column::OpensAt, Expr::value(planned.opens_at.timestamp()))
            .col_expr(run::Column::ClosesAt, Expr::value(planned.closes_at.timestamp()))
            .col_expr(run::Column::DefinitionId, Expr::value(definition_id))
            .filter(run::Column::Id.eq(existing_run.id))
            .exec(txn)
            .await?;
    }
    Ok(AppliedRun {
        campaign: planned.campaign.clone(),
        key: planned.key.clone(),
        new_run: false,
        tasks: 0,
        changes: shown,
    })
}

fn updated(result: sea_orm::UpdateResult) -> bool {
    result.rows_affected > 0
}

/// Waiting or open: the states a definition change or an administrator may still act on.
pub(crate) const ACTIVE: [TaskState; 2] = [TaskState::Waiting, TaskState::Open];

/// Moves a task to `state` only if it is still in one of `from` (compare-and-set, so concurrent
/// changes never overwrite each other); returns whether it moved.
pub(crate) async fn set_state(
    txn: &impl ConnectionTrait,
    task_id: i64,
    state: TaskState,
    from: &[TaskState],
    now: i64,
) -> Result<bool, sea_orm::DbErr> {
    let next =
        if matches!(state, TaskState::Cancelled | TaskState::Done | TaskState::Waived) { None } else { Some(now) };
    let result = task::Entity::update_many()
        .col_expr(task::Column::State, Expr::value(state.name()))
        .col_expr(task::Column::NextEventAt, Expr::value(next))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::Id.eq(task_id))
        .filter(task::Column::State.is_in(from.iter().map(|s| s.name())))
        .exec(txn)
        .await?;
    Ok(updated(result))
}

/// Inserts new tasks in the order of `indices`, `CHUNK` at most per statement, each statement
/// holding tasks of one template (plans list tasks template by template).
async fn insert_tasks(
    txn: &DatabaseTransaction,
    campaign: &Campaign,
    run_id: i64,
    planned: &PlannedRun,
    indices: &[usize],
    now: i64,
) -> Result<(), sea_orm::DbErr> {
    let template_of = |i: &usize| planned.tasks[*i].template.as_str();
    for same_template in indices.chunk_by(|a, b| template_of(a) == template_of(b)) {
        let template = template_of(&same_template[0]);
        let title = campaign.task(template).map(|x| x.title.clone()).unwrap_or_default();
        let insert = BulkInsert {
            table: "tasks",
            constants: vec![
                ("run_id", run_id.into()),
                ("campaign", planned.campaign.as_str().into()),
                ("run_key", planned.key.as_str().into()),
                ("template", template.into()),
                ("title", title.into()),
                ("state", TaskState::Waiting.name().into()),
                ("figure_spec", figure_spec(campaign, template).into()),
                ("updated_at", now.into()),
            ],
            columns: TASK_COLUMNS,
            conflict: &["campaign", "run_key", "template", "unit"],
        };
        for chunk in same_template.chunks(CHUNK) {
            let mut rows = Rows::new();
            for &i in chunk {
                new_task(&mut rows, planned, i, now);
            }
            insert.exec(txn, rows).await?;
        }
    }
    Ok(())
}

/// Writes the dependency rows of a run from its plan (task ids resolved by natural key).
async fn write_dependencies(
    txn: &DatabaseTransaction,
    run_id: i64,
    planned: &PlannedRun,
) -> Result<(), sea_orm::DbErr> {
    let index: HashMap<(&str, &str), usize> =
        planned.tasks.iter().enumerate().map(|(i, t)| ((t.template.as_str(), t.unit.as_str()), i)).collect();
    // The stored id of each planned task, if it has a row.
    let mut ids: Vec<Option<i64>> = vec![None; planned.tasks.len()];
    for (id, template, unit) in bulk::task_keys(txn, run_id).await? {
        if let Some(&i) = index.get(&(template.as_str(), unit.as_str())) {
            ids[i] = Some(id);
        }
    }
    drop(index);
    let by_task_id: HashMap<&str, usize> = planned.tasks.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
    let lookup = |id: &str| by_task_id.get(id).and_then(|&i| ids[i]);
    let insert = BulkInsert {
        table: "task_dependencies",
        constants: Vec::new(),
        columns: &[("task_id", Kind::Int), ("depends_on", Kind::Int)],
        conflict: &["task_id", "depends_on"],
    };
    let mut rows = Rows::new();
    for (t, task_id) in planned.tasks.iter().zip(&ids) {
        let Some(task_id) = *task_id else { continue };
        for dep in &t.after {
            if let Some(depends_on) = lookup(dep) {
                rows.row().int(task_id).int(depends_on);
            }
        }
        if rows.len() >= CHUNK * 2 {
            insert.exec(txn, std::mem::replace(&mut rows, Rows::new())).await?;
        }
    }
    insert.exec(txn, rows).await
}
