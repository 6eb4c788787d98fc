//! `guiyan apply`: record definitions, sync the unit directory, and materialize the runs open now —
//! creating, cancelling, restoring or rescheduling tasks — in one transaction, idempotently.

use std::collections::{BTreeMap, HashMap, HashSet};

use campaign::{Campaign, Directory, TaskTemplate, Workflows};
use chrono::{DateTime, Utc};
use plan::{ExistingTask, PlannedRun, RunAnchor, TaskChange, TaskState, diff_run, schedule_of};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
    Value,
};
use sha2::{Digest, Sha256};

use crate::bulk::{BulkInsert, Kind, Pipeline, Rows};
use crate::connect::Store;
use crate::entities::{definition, reader, run, task, task_dependency, unit};
use crate::error::StoreError;
use crate::event_kind::EventKind;
use crate::operate::{Actor, record_event};
use crate::tick::{advance_due, insert_notices, wake_ready};

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

/// One change to a task of an existing run, for display. `Retitled`: a template's title or figure
/// list changed, and `tasks` of its waiting or open tasks now show the new one. `Rewired`: the
/// dependencies of `tasks` tasks changed while nothing else about them did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunChange {
    Created { task: String, due_at: i64 },
    Cancelled { task: String },
    Restored { task: String },
    Rescheduled { task: String, starts_at: (i64, i64), due_at: (i64, i64) },
    Retitled { template: String, tasks: u64 },
    Rewired { tasks: usize },
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
    // Readers are not units: a changed group is not a changed directory in the report.
    sync_readers(&txn, &directories).await.map_err(err)?;
    if report.units_changed > 0 {
        let detail = serde_json::json!({ "units_changed": report.units_changed });
        record_event(&txn, now_s, actor, EventKind::DirectoryUpdated, None, None, detail).await.map_err(err)?;
    }

    let mut rewritten = false;
    for planned in runs {
        let Some(campaign) = workflows.campaign(&planned.campaign) else { continue };
        let definition_id = definition_ids.get(&planned.campaign).copied().unwrap_or_default();
        let (applied, changed) = apply_run(&txn, campaign, planned, definition_id, now_s, actor).await.map_err(err)?;
        let run_id: Option<i64> = run::Entity::find()
            .select_only()
            .column(run::Column::Id)
            .filter(run::Column::Campaign.eq(&planned.campaign))
            .filter(run::Column::Key.eq(&planned.key))
            .into_tuple()
            .one(&txn)
            .await
            .map_err(err)?;
        if let Some(run_id) = run_id {
            crate::reports::sync_report_times(&txn, run_id, planned, now_s).await.map_err(err)?;
        }
        rewritten |= changed;
        report.runs.push(applied);
    }
    // Whatever is due now happens now, with its notices: new tasks whose start passed open. A task
    // blocked by its dependencies waits unseen by the tick until they settle: by `task done` or
    // `waive`, which wake it themselves, or by this apply changing a run (a cancelled dependency,
    // rewritten dependencies); new runs' tasks are written with their next event already.
    if rewritten {
        wake_ready(&txn, now_s, None).await.map_err(err)?;
    }
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

/// The id of the newest recorded definition version (0 before any): it grows whenever an apply,
/// from any process, records a changed definition, so an engine compares it to notice one.
pub async fn newest_definition_id(store: &Store) -> Result<i64, StoreError> {
    let newest: Option<Option<i64>> = definition::Entity::find()
        .select_only()
        .column_as(definition::Column::Id.max(), "newest")
        .into_tuple()
        .one(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(newest.flatten().unwrap_or(0))
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
    record_event(txn, now, actor, EventKind::DefinitionApplied, Some((&def.campaign, None)), None, detail).await?;
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
                    subtree_end: (offset + u.subtree_end) as i32,
                },
            );
        }
        offset += directory.units.len();
    }
    let mut changed = 0;
    // A new district's directory is thousands of units: insert them in bulk, not one by one.
    let insert = BulkInsert {
        table: "units",
        constants: Vec::new(),
        columns: &[
            ("id", Kind::Text),
            ("name", Kind::Text),
            ("level", Kind::Text),
            ("depth", Kind::Int),
            ("email", Kind::Text),
            ("parent", Kind::Text),
            ("position", Kind::Int),
            ("subtree_end", Kind::Int),
        ],
        // New: not among the units read under the apply's lock.
        conflict: &[],
    };
    let mut added: Vec<&unit::Model> = Vec::new();
    for (id, model) in &wanted {
        match existing.get(id) {
            Some(old) if old == model => {}
            Some(_) => {
                unit::Entity::update(to_unit_active(model)).exec(txn).await?;
                changed += 1;
            }
            None => added.push(model),
        }
    }
    changed += added.len();
    for batch in added.chunks(CHUNK) {
        let mut rows = Rows::new();
        for u in batch {
            let (depth, position) = (i64::from(u.depth), i64::from(u.position));
            rows.row().text(&u.id).text(&u.name).text(&u.level).int(depth).text(&u.email);
            rows.opt_text(u.parent.as_deref()).int(position).int(i64::from(u.subtree_end));
        }
        insert.exec(txn, rows).await?;
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
        subtree_end: Set(m.subtree_end),
    }
}

/// Brings the `readers` table in line with the directories' groups: each member of a group gets a
/// reader, scoped to the top of its directory, keyed by a digest of group and address (so a link
/// survives a directory edit that leaves the member where it is). Returns how many changed.
async fn sync_readers(txn: &DatabaseTransaction, directories: &[&Directory]) -> Result<usize, sea_orm::DbErr> {
    let existing: BTreeMap<String, reader::Model> =
        reader::Entity::find().all(txn).await?.into_iter().map(|r| (r.key.clone(), r)).collect();
    let mut wanted: BTreeMap<String, reader::Model> = BTreeMap::new();
    for directory in directories {
        let Some(top) = directory.units.first() else { continue };
        for group in &directory.groups {
            for member in &group.members {
                let key = reader_key(&group.name, &member.email);
                wanted.entry(key.clone()).or_insert(reader::Model {
                    key,
                    group_name: group.name.clone(),
                    name: member.name.clone(),
                    email: member.email.clone(),
                    scope: top.id.clone(),
                });
            }
        }
    }
    let mut changed = 0;
    for (key, model) in &wanted {
        if existing.get(key) == Some(model) {
            continue;
        }
        changed += 1;
        let active = reader::ActiveModel {
            key: Set(model.key.clone()),
            group_name: Set(model.group_name.clone()),
            name: Set(model.name.clone()),
            email: Set(model.email.clone()),
            scope: Set(model.scope.clone()),
        };
        if existing.contains_key(key) {
            reader::Entity::update(active).exec(txn).await?;
        } else {
            reader::Entity::insert(active).exec_without_returning(txn).await?;
        }
    }
    let removed: Vec<String> = existing.keys().filter(|k| !wanted.contains_key(*k)).cloned().collect();
    changed += removed.len();
    if !removed.is_empty() {
        reader::Entity::delete_many().filter(reader::Column::Key.is_in(removed)).exec(txn).await?;
    }
    Ok(changed)
}

/// A reader's key: `rd-` and 12 hex digits of the digest of group and address. Opaque, since a
/// link shows its subject to whoever holds it.
pub(crate) fn reader_key(group: &str, email: &str) -> String {
    let digest = Sha256::digest(format!("{group}\0{}", email.to_ascii_lowercase()).as_bytes());
    format!("rd-{}", digest.iter().take(6).map(|b| format!("{b:02x}")).collect::<String>())
}

fn figure_spec(campaign: &Campaign, template: &str) -> String {
    crate::stored::figure_spec_text(campaign.task(template).map(|t| &t.figures[..]).unwrap_or_default())
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
/// the report columns start NULL.
const TASK_COLUMNS: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("unit", Kind::Text),
    ("starts_at", Kind::Int),
    ("due_at", Kind::Int),
    ("schedule", Kind::Text),
    ("next_event_at", Kind::Int),
    ("handled_until", Kind::Int),
];

/// Writes a new (waiting) task's row, in `TASK_COLUMNS` order. A task that is `blocked` (it waits
/// for a task created with it, so still waiting) and whose start has passed is written as the tick
/// would leave it (`plan::decide`: nothing to do until a dependency settles, decided up to `now`),
/// so that the apply need not read it back to decide that.
fn new_task(rows: &mut Rows, planned: &PlannedRun, index: usize, id: i64, blocked: bool, now: i64) {
    let t = &planned.tasks[index];
    let schedule = schedule_of(t);
    let (starts_at, due_at) = (t.starts_at.timestamp(), t.due_at.timestamp());
    let (next, handled_until) = if blocked && starts_at <= now {
        (None, Some(now))
    } else {
        (next_event_at(TaskState::Waiting, starts_at, due_at, &schedule, now), None)
    };
    rows.row().int(id).text(&t.unit).int(starts_at).int(due_at).text(&schedule).opt_int(next).opt_int(handled_until);
}

/// A digest of everything an apply derives from a plan for a run's tasks: the run's opening and
/// closing, each planned task's template, unit, start, due time, reminders, escalations and
/// dependencies, and the title and figure list of each of the campaign's templates. An apply stores it with the run
/// once the run's rows agree with that plan (see `apply_run`); an apply with the same digest has
/// nothing to compare, since only an apply changes the times, membership, titles and figure lists
/// of a run's tasks.
pub(crate) fn plan_hash(planned: &PlannedRun, campaign: &Campaign) -> String {
    fn text(hash: &mut Sha256, value: &str) {
        hash.update((value.len() as u64).to_le_bytes());
        hash.update(value.as_bytes());
    }
    fn int(hash: &mut Sha256, value: i64) {
        hash.update(value.to_le_bytes());
    }
    let mut hash = Sha256::new();
    // v2: with the templates' titles and figure lists (a v1 hash never matches: one full compare).
    text(&mut hash, "guiyan plan v2");
    // The stored form of a schedule (`schedule_of`, which the diff compares), shown on a sample: a
    // new format is a new plan. Formatting every task's schedule would double the time this takes.
    let sample = plan::PlannedTask {
        id: String::new(),
        template: "".into(),
        unit: "".into(),
        starts_at: planned.opens_at,
        due_at: planned.closes_at,
        after: Vec::new(),
        reminders: vec![planned.opens_at, planned.closes_at].into(),
        escalations: vec![plan::PlannedEscalation { at: planned.closes_at, to: "unit".into() }].into(),
    };
    text(&mut hash, &schedule_of(&sample));
    int(&mut hash, planned.opens_at.timestamp());
    int(&mut hash, planned.closes_at.timestamp());
    int(&mut hash, planned.tasks.len() as i64);
    for t in &planned.tasks {
        text(&mut hash, &t.template);
        text(&mut hash, &t.unit);
        int(&mut hash, t.starts_at.timestamp());
        int(&mut hash, t.due_at.timestamp());
        int(&mut hash, t.reminders.len() as i64);
        for reminder in t.reminders.iter() {
            int(&mut hash, reminder.timestamp());
        }
        int(&mut hash, t.escalations.len() as i64);
        for escalation in t.escalations.iter() {
            int(&mut hash, escalation.at.timestamp());
            text(&mut hash, &escalation.to);
        }
        // By id rather than position, as since the hash was introduced: a stored hash stays valid.
        int(&mut hash, t.after.len() as i64);
        for dependency in planned.dependencies(t) {
            text(&mut hash, &dependency.id);
        }
    }
    for template in &campaign.tasks {
        text(&mut hash, &template.id);
        text(&mut hash, &template.title);
        text(&mut hash, &figure_spec(campaign, &template.id));
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Brings one run in line with its plan; also says whether tasks or dependencies of an existing
/// run were changed.
async fn apply_run(
    txn: &DatabaseTransaction,
    campaign: &Campaign,
    planned: &PlannedRun,
    definition_id: i64,
    now: i64,
    actor: &Actor,
) -> Result<(AppliedRun, bool), sea_orm::DbErr> {
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
    let hash = plan_hash(planned, campaign);
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
            plan_hash: Set(Some(hash)),
            ..Default::default()
        })
        .on_conflict(OnConflict::columns([run::Column::Campaign, run::Column::Key]).do_nothing().to_owned())
        .exec(txn)
        .await?;
        let run_id = inserted.last_insert_id;
        let all: Vec<usize> = (0..planned.tasks.len()).collect();
        let first_id = reserve_task_ids(txn, all.len()).await?;
        insert_tasks(txn, campaign, run_id, planned, &all, first_id, true, now).await?;
        // Task `i` of the plan got the id `first_id + i`.
        let stored = |i: usize| (i < planned.tasks.len()).then(|| first_id + i as i64);
        write_dependencies(txn, planned, stored).await?;
        let detail = serde_json::json!({ "tasks": planned.tasks.len(), "opens_at": planned.opens_at.timestamp(), "closes_at": planned.closes_at.timestamp() });
        record_event(txn, now, actor, EventKind::RunOpened, scope, None, detail).await?;
        // The campaign's owner is told the run opened.
        let mut notice = Rows::new();
        let kind = plan::NoticeKind::RunOpened.name();
        let key = format!("run:{run_id}/{kind}/{}", campaign.owner);
        notice.row().text(&key).int(run_id).opt_int(None).text(kind).text(&campaign.owner).int(now);
        insert_notices(txn, notice, now).await?;
        let applied = AppliedRun {
            campaign: planned.campaign.clone(),
            key: planned.key.clone(),
            new_run: true,
            tasks: planned.tasks.len(),
            changes: Vec::new(),
        };
        return Ok((applied, false));
    };

    let unchanged = |run: &run::Model| AppliedRun {
        campaign: run.campaign.clone(),
        key: run.key.clone(),
        new_run: false,
        tasks: 0,
        changes: Vec::new(),
    };
    if existing_run.plan_hash.as_deref() == Some(hash.as_str()) {
        // The rows agree with this very plan: nothing to read or compare.
        if existing_run.definition_id != definition_id {
            run::Entity::update_many()
                .col_expr(run::Column::DefinitionId, Expr::value(definition_id))
                .filter(run::Column::Id.eq(existing_run.id))
                .exec(txn)
                .await?;
        }
        return Ok((unchanged(&existing_run), false));
    }

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
            state: TaskState::from_name(state).ok_or_else(|| {
                sea_orm::DbErr::Custom(format!("task {id} is in state `{state}`, which this guiyan does not know"))
            })?,
            starts_at: *starts_at,
            due_at: *due_at,
            schedule: schedule.clone(),
        });
    }
    let by_key: HashMap<(&str, &str), &ExistingTask> =
        existing.iter().map(|t| ((t.template.as_str(), t.unit.as_str()), t)).collect();
    let changes = diff_run(planned, &existing);
    // Whether the rows will agree with the plan once the changes are written, whatever happens to
    // them later without an apply (the tick opens tasks, users complete, waive and reopen them):
    // every planned task's row has the planned times, and no row outside the plan can become
    // active again. Only then is the plan's hash stored; otherwise the next apply compares again.
    let mut agrees = settled_rows_agree(planned, &existing);
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
                    agrees = false;
                    continue;
                }
                let id = plan::task_id(&planned.campaign, &planned.key, template, unit);
                record_event(
                    txn,
                    now,
                    actor,
                    EventKind::TaskCancelled,
                    scope,
                    Some(row_id),
                    serde_json::json!({"reason": "removed from the definition"}),
                )
                .await?;
                shown.push(RunChange::Cancelled { task: id });
            }
            TaskChange::Restore { planned: i } | TaskChange::Reschedule { planned: i, .. } => {
                let t = &planned.tasks[*i];
                let key = (&*t.template, &*t.unit);
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
                    agrees = false;
                    continue;
                }
                if restore {
                    record_event(txn, now, actor, EventKind::TaskRestored, scope, Some(row_id), serde_json::json!({}))
                        .await?;
                    shown.push(RunChange::Restored { task: t.id.clone() });
                } else if let TaskChange::Reschedule { starts_at, due_at, .. } = change {
                    let detail =
                        serde_json::json!({"starts_at": [starts_at.0, starts_at.1], "due_at": [due_at.0, due_at.1]});
                    record_event(txn, now, actor, EventKind::TaskRescheduled, scope, Some(row_id), detail).await?;
                    shown.push(RunChange::Rescheduled { task: t.id.clone(), starts_at: *starts_at, due_at: *due_at });
                }
            }
        }
    }
    for template in &campaign.tasks {
        let retitled = retitle(txn, campaign, existing_run.id, template, now).await?;
        if retitled > 0 {
            let detail = serde_json::json!({"template": template.id, "tasks": retitled});
            record_event(txn, now, actor, EventKind::TasksRetitled, scope, None, detail).await?;
            shown.push(RunChange::Retitled { template: template.id.clone(), tasks: retitled });
        }
    }
    let first_id = reserve_task_ids(txn, creates.len()).await?;
    if !creates.is_empty() {
        insert_tasks(txn, campaign, existing_run.id, planned, &creates, first_id, false, now).await?;
        let mut events = Rows::new();
        for k in 0..creates.len() {
            events.row().int(first_id + k as i64);
        }
        BulkInsert {
            table: "events",
            constants: vec![
                ("at", now.into()),
                ("actor", actor.name.as_str().into()),
                ("source", actor.source.name().into()),
                ("kind", EventKind::TaskCreated.name().into()),
                ("campaign", planned.campaign.as_str().into()),
                ("run_key", planned.key.as_str().into()),
                ("detail", "{}".into()),
            ],
            columns: &[("task_id", Kind::Int)],
            conflict: &[],
        }
        .exec(txn, events)
        .await?;
    }
    // An edit of dependencies alone changes no task row: compare the stored ones with the plan's.
    let rewired = if changes.is_empty() { rewired_tasks(txn, planned, existing_run.id, &ids).await? } else { 0 };
    if rewired > 0 {
        shown.push(RunChange::Rewired { tasks: rewired });
    }
    if !changes.is_empty() || rewired > 0 {
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
        // The stored id of each planned task: read with the diff, or given to it just now.
        let mut stored: Vec<Option<i64>> =
            planned.tasks.iter().map(|t| ids.get(&(&*t.template, &*t.unit)).copied()).collect();
        for (k, &i) in creates.iter().enumerate() {
            stored[i] = Some(first_id + k as i64);
        }
        write_dependencies(txn, planned, |i| stored.get(i).copied().flatten()).await?;
    }
    let (opens_at, closes_at) = (planned.opens_at.timestamp(), planned.closes_at.timestamp());
    let plan_hash = agrees.then_some(hash);
    if existing_run.opens_at != opens_at
        || existing_run.closes_at != closes_at
        || existing_run.definition_id != definition_id
        || existing_run.plan_hash != plan_hash
    {
        let mut update = run::Entity::update_many()
            .col_expr(run::Column::OpensAt, Expr::value(opens_at))
            .col_expr(run::Column::ClosesAt, Expr::value(closes_at))
            .col_expr(run::Column::DefinitionId, Expr::value(definition_id))
            .col_expr(run::Column::PlanHash, Expr::value(plan_hash));
        if existing_run.closed_at.is_none() && existing_run.closes_at != closes_at {
            // The engine closes the run at its (new) closing time.
            update = update.col_expr(run::Column::NextEventAt, Expr::value(closes_at));
        }
        update.filter(run::Column::Id.eq(existing_run.id)).exec(txn).await?;
    }
    Ok((AppliedRun { changes: shown, ..unchanged(&existing_run) }, !changes.is_empty() || rewired > 0))
}

/// How many tasks of run `run_id` have stored dependencies other than the plan's, when every
/// planned task has a row (`ids`: stored id by template and unit).
async fn rewired_tasks(
    txn: &DatabaseTransaction,
    planned: &PlannedRun,
    run_id: i64,
    ids: &HashMap<(&str, &str), i64>,
) -> Result<usize, sea_orm::DbErr> {
    let stored: HashSet<(i64, i64)> = task_dependency::Entity::find()
        .select_only()
        .columns([task_dependency::Column::TaskId, task_dependency::Column::DependsOn])
        .filter(
            task_dependency::Column::TaskId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(task::Column::Id)
                    .from(task::Entity)
                    .and_where(task::Column::RunId.eq(run_id))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let mut wanted = HashSet::with_capacity(stored.len());
    for t in &planned.tasks {
        let Some(&task_id) = ids.get(&(&*t.template, &*t.unit)) else { continue };
        for dependency in planned.dependencies(t) {
            if let Some(&depends_on) = ids.get(&(&*dependency.template, &*dependency.unit)) {
                wanted.insert((task_id, depends_on));
            }
        }
    }
    let tasks: HashSet<i64> = stored.symmetric_difference(&wanted).map(|(task_id, _)| *task_id).collect();
    Ok(tasks.len())
}

/// Gives the waiting and open tasks of `template` in run `run_id` the template's current title and
/// figure list, where they differ; returns how many changed. Done, waived and cancelled tasks keep
/// what they were done (or dropped) under.
async fn retitle(
    txn: &DatabaseTransaction,
    campaign: &Campaign,
    run_id: i64,
    template: &TaskTemplate,
    now: i64,
) -> Result<u64, sea_orm::DbErr> {
    let title = template.title.clone();
    let spec = figure_spec(campaign, &template.id);
    let updated = task::Entity::update_many()
        .col_expr(task::Column::Title, Expr::value(title.clone()))
        .col_expr(task::Column::FigureSpec, Expr::value(spec.clone()))
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .filter(task::Column::RunId.eq(run_id))
        .filter(task::Column::Template.eq(&template.id))
        .filter(task::Column::State.is_in(ACTIVE.map(TaskState::name)))
        .filter(Condition::any().add(task::Column::Title.ne(title)).add(task::Column::FigureSpec.ne(spec)))
        .exec(txn)
        .await?;
    Ok(updated.rows_affected)
}

/// Whether every done or waived row is planned, with the planned times and schedule: such a row is
/// never changed by an apply, but a reopened one is compared again, so a stale one (the plan moved
/// after the work was done) or one outside the plan (removed after it was done) means the next
/// apply must compare.
fn settled_rows_agree(planned: &PlannedRun, existing: &[ExistingTask]) -> bool {
    let mut settled = existing.iter().filter(|t| t.state.is_settled()).peekable();
    if settled.peek().is_none() {
        return true;
    }
    let by_key: HashMap<(&str, &str), &plan::PlannedTask> =
        planned.tasks.iter().map(|t| ((&*t.template, &*t.unit), t)).collect();
    settled.all(|row| {
        by_key.get(&(row.template.as_str(), row.unit.as_str())).is_some_and(|t| {
            row.starts_at == t.starts_at.timestamp()
                && row.due_at == t.due_at.timestamp()
                && row.schedule == schedule_of(t)
        })
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

/// Inserts the planned tasks `indices`, in that order, with the ids `first_id`, `first_id + 1`, …;
/// `CHUNK` at most per statement, each statement holding tasks of one template (plans list tasks
/// template by template). `new_run` says that every task of the run is among them, so a task that
/// waits for another (always one of the run) is blocked.
#[allow(clippy::too_many_arguments)]
async fn insert_tasks(
    txn: &DatabaseTransaction,
    campaign: &Campaign,
    run_id: i64,
    planned: &PlannedRun,
    indices: &[usize],
    first_id: i64,
    new_run: bool,
    now: i64,
) -> Result<(), sea_orm::DbErr> {
    let blocked = |i: usize| new_run && planned.dependencies(&planned.tasks[i]).next().is_some();
    let template_of = |i: &usize| &*planned.tasks[*i].template;
    let mut pipeline = Pipeline::new();
    let mut offset = 0;
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
            // New: not among the run's tasks read under the apply's lock (a new run has none); the
            // natural key still refuses a duplicate.
            conflict: &[],
        };
        for chunk in same_template.chunks(CHUNK) {
            let first = first_id + offset as i64;
            let build = || {
                let mut rows = Rows::new();
                for (k, &i) in chunk.iter().enumerate() {
                    new_task(&mut rows, planned, i, first + k as i64, blocked(i), now);
                }
                rows
            };
            pipeline.push(txn, insert.clone(), build).await?;
            offset += chunk.len();
        }
    }
    pipeline.finish(txn).await
}

/// Reserves `count` consecutive ids for new tasks, from the database's own sequence, and returns
/// the first. Only an apply inserts tasks, and applies are serialized (an IMMEDIATE transaction on
/// SQLite, the advisory lock on PostgreSQL), so nothing else takes an id of the block (the primary
/// key would refuse it). Knowing the ids spares reading them back to write the dependencies.
async fn reserve_task_ids(db: &impl ConnectionTrait, count: usize) -> Result<i64, sea_orm::DbErr> {
    if count == 0 {
        return Ok(0);
    }
    let backend = db.get_database_backend();
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT setval(pg_get_serial_sequence('tasks', 'id'), nextval(pg_get_serial_sequence('tasks', 'id')) \
             + $1 - 1) - $1 + 1",
            [Value::from(count as i64)],
        ),
        // AUTOINCREMENT: the next id is past every id ever used, even by a row since deleted.
        _ => Statement::from_string(
            backend,
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'tasks'), 0), \
             coalesce((SELECT max(id) FROM tasks), 0)) + 1",
        ),
    };
    let row = db.query_one_raw(statement).await?;
    let first: Option<i64> = match row {
        Some(row) => row.try_get_by_index(0)?,
        None => None,
    };
    first.ok_or_else(|| sea_orm::DbErr::Custom("no task id could be reserved".into()))
}

/// Writes the dependency rows of a run from its plan: `stored` gives the id of the planned task
/// `i`, if it has a row.
async fn write_dependencies(
    txn: &DatabaseTransaction,
    planned: &PlannedRun,
    stored: impl Fn(usize) -> Option<i64>,
) -> Result<(), sea_orm::DbErr> {
    let insert = BulkInsert {
        table: "task_dependencies",
        constants: Vec::new(),
        columns: &[("task_id", Kind::Int), ("depends_on", Kind::Int)],
        // New: the run's dependencies were deleted (or it is new), and each task's are deduplicated.
        conflict: &[],
    };
    let mut pipeline = Pipeline::new();
    let mut tasks = planned.tasks.iter().enumerate().peekable();
    let mut depends_on: Vec<i64> = Vec::new();
    while tasks.peek().is_some() {
        let build = || {
            let mut rows = Rows::new();
            for (i, t) in tasks.by_ref() {
                let Some(task_id) = stored(i) else { continue };
                depends_on.clear();
                depends_on.extend(t.after.iter().filter_map(|&dep| stored(dep)));
                depends_on.sort_unstable();
                depends_on.dedup();
                for &d in &depends_on {
                    rows.row().int(task_id).int(d);
                }
                if rows.len() >= CHUNK * 2 {
                    break;
                }
            }
            rows
        };
        pipeline.push(txn, insert.clone(), build).await?;
    }
    pipeline.finish(txn).await
}
