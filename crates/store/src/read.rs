//! Reading for the front ends (the web portal, the dashboard, the API): units, runs, a unit's
//! tasks with what they wait on, one task in full, a run's progress for a unit's subtree, and tasks
//! page by page. Every row derives `Serialize` and carries times in its run's zone.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use serde::Serialize;

use crate::connect::Store;
use crate::entities::{run, task, unit};
use crate::error::StoreError;
use crate::operate::{HistoryEntry, TaskRow, task_history};
use crate::status::{RunStatus, run_status, unit_tree};

/// A unit of the directory as last applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitRow {
    pub id: String,
    pub name: String,
    pub level: String,
    pub email: String,
    pub parent: Option<String>,
    pub depth: u32,
}

impl From<unit::Model> for UnitRow {
    fn from(u: unit::Model) -> UnitRow {
        UnitRow {
            id: u.id,
            name: u.name,
            level: u.level,
            email: u.email,
            parent: u.parent,
            depth: u32::try_from(u.depth).unwrap_or(0),
        }
    }
}

/// The unit `id`, if the directory has it.
pub async fn unit(store: &Store, id: &str) -> Result<Option<UnitRow>, StoreError> {
    let found = unit::Entity::find_by_id(id.to_string())
        .one(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(found.map(UnitRow::from))
}

/// The units one level below `id`, in directory order.
pub async fn children(store: &Store, id: &str) -> Result<Vec<UnitRow>, StoreError> {
    Ok(unit::Entity::find()
        .filter(unit::Column::Parent.eq(id))
        .order_by_asc(unit::Column::Position)
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?
        .into_iter()
        .map(UnitRow::from)
        .collect())
}

/// Whether the unit `id` has units below it, from its own place in the directory: every page asks
/// this of its viewer, and listing the children scans the directory (10,501 units in a district of
/// 10,000 communities). False for a unit the directory does not have.
pub async fn has_units_below(store: &Store, id: &str) -> Result<bool, StoreError> {
    let found = unit::Entity::find_by_id(id.to_string())
        .one(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    // A unit's subtree is the positions [position, subtree_end): itself, then its descendants.
    Ok(found.is_some_and(|u| u.subtree_end > u.position + 1))
}

/// Whether `unit` is `ancestor` or below it in the directory.
pub async fn is_within(store: &Store, unit: &str, ancestor: &str) -> Result<bool, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let (Some(u), Some(a)) = (
        unit::Entity::find_by_id(unit.to_string()).one(&store.db).await.map_err(err)?,
        unit::Entity::find_by_id(ancestor.to_string()).one(&store.db).await.map_err(err)?,
    ) else {
        return Ok(false);
    };
    Ok(a.position <= u.position && u.position < a.subtree_end)
}

/// A run as the front ends list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunInfo {
    pub campaign: String,
    #[serde(rename = "run")]
    pub key: String,
    pub opens_at: DateTime<Tz>,
    pub closes_at: DateTime<Tz>,
    /// Closed by the engine (its closing time passed).
    pub closed: bool,
    /// Recorded as missed: its window passed while no engine ran; it has no tasks.
    pub missed: bool,
}

fn zone(r: &run::Model) -> Result<Tz, StoreError> {
    r.timezone.parse().map_err(|_| StoreError::Corrupt {
        what: format!("run {}/{} in time zone `{}`", r.campaign, r.key, r.timezone),
    })
}

pub(crate) fn run_info(r: &run::Model) -> Result<RunInfo, StoreError> {
    let tz = zone(r)?;
    let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or_default().with_timezone(&tz);
    Ok(RunInfo {
        campaign: r.campaign.clone(),
        key: r.key.clone(),
        opens_at: at(r.opens_at),
        closes_at: at(r.closes_at),
        closed: r.closed_at.is_some(),
        missed: r.missed_at.is_some(),
    })
}

/// Every run, the newest opening first.
pub async fn runs(store: &Store) -> Result<Vec<RunInfo>, StoreError> {
    run::Entity::find()
        .order_by_desc(run::Column::OpensAt)
        .order_by_asc(run::Column::Campaign)
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?
        .iter()
        .map(run_info)
        .collect()
}

pub(crate) async fn find_run(store: &Store, campaign: &str, key: &str) -> Result<Option<run::Model>, StoreError> {
    run::Entity::find()
        .filter(run::Column::Campaign.eq(campaign))
        .filter(run::Column::Key.eq(key))
        .one(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))
}

/// The run `campaign/key`, if there is one.
pub async fn run(store: &Store, campaign: &str, key: &str) -> Result<Option<RunInfo>, StoreError> {
    find_run(store, campaign, key).await?.as_ref().map(run_info).transpose()
}

/// The progress of run `campaign/key` for the subtree of `scope` (the whole run without one).
pub async fn run_progress(
    store: &Store,
    campaign: &str,
    key: &str,
    scope: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<RunStatus>, StoreError> {
    let Some(r) = find_run(store, campaign, key).await? else { return Ok(None) };
    let tree = unit_tree(store).await?;
    let root = match scope {
        Some(id) => Some(tree.index_of(id).ok_or_else(|| StoreError::Corrupt { what: format!("no unit `{id}`") })?),
        None => None,
    };
    Ok(Some(run_status(store, &r, &tree, root, now).await?))
}

/// A task the unit's portal lists: its row, its run, and what it waits on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitTask {
    #[serde(flatten)]
    pub task: TaskRow,
    /// Due within a day and not done.
    pub due_soon: bool,
    pub run_closes_at: DateTime<Tz>,
    pub run_closed: bool,
    /// For a waiting task: the tasks it waits for that are not done.
    pub waiting_on: Vec<Waiting>,
    /// The figures the unit reports on completion.
    pub figure_spec: Vec<campaign::Figure>,
}

/// A task another waits on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub unit_name: String,
    pub state: plan::TaskState,
}

/// What a unit's task page needs of its task's run.
struct RunPart {
    timezone: String,
    closes_at: i64,
    closed: bool,
}

/// The tasks of `unit` in every run that is not missed, the newest run first, each run's by due
/// time.
pub async fn unit_tasks(store: &Store, unit: &str, now: DateTime<Utc>) -> Result<Vec<UnitTask>, StoreError> {
    use sea_orm::FromQueryResult;
    let err = |e| StoreError::from_db(&store.url, e);
    let backend = store.backend();
    // The runs joined to the tasks: one round trip for the portal's home page, not two.
    let sql = crate::status::numbered(
        backend,
        "SELECT t.*, r.timezone AS run_timezone, r.closes_at AS run_closes_at, r.closed_at AS run_closed_at \
         FROM tasks t JOIN runs r ON r.id = t.run_id \
         WHERE t.unit = ?1 AND t.state <> 'cancelled' ORDER BY t.run_id DESC, t.due_at, t.id",
    );
    let rows =
        store.db.query_all_raw(Statement::from_sql_and_values(backend, sql, [unit.into()])).await.map_err(err)?;
    let mut tasks = Vec::with_capacity(rows.len());
    for row in &rows {
        let task = task::Model::from_query_result(row, "").map_err(err)?;
        let closed_at: Option<i64> = row.try_get("", "run_closed_at").map_err(err)?;
        let run = RunPart {
            timezone: row.try_get("", "run_timezone").map_err(err)?,
            closes_at: row.try_get("", "run_closes_at").map_err(err)?,
            closed: closed_at.is_some(),
        };
        tasks.push((task, run));
    }
    unit_task_rows(store, tasks, now).await
}

async fn unit_task_rows(
    store: &Store,
    tasks: Vec<(task::Model, RunPart)>,
    now: DateTime<Utc>,
) -> Result<Vec<UnitTask>, StoreError> {
    let waiting: Vec<i64> =
        tasks.iter().filter(|(t, _)| t.state == plan::TaskState::Waiting.name()).map(|(t, _)| t.id).collect();
    let mut waits = waiting_on(store, &waiting).await?;
    let now_s = now.timestamp();
    let mut out = Vec::with_capacity(tasks.len());
    for (t, r) in tasks {
        let tz: Tz = r.timezone.parse().map_err(|_| StoreError::Corrupt {
            what: format!("run {}/{} in time zone `{}`", t.campaign, t.run_key, r.timezone),
        })?;
        let id = t.id;
        let figure_spec = crate::stored::figure_spec(&t.figure_spec, t.id)?;
        let row = crate::operate::row(t, tz, now_s)?;
        let due_soon = row.state.is_active()
            && row.due_at.timestamp() >= now_s
            && row.due_at.timestamp() < now_s + crate::status::DUE_SOON_SECONDS;
        out.push(UnitTask {
            due_soon,
            run_closes_at: DateTime::from_timestamp(r.closes_at, 0).unwrap_or_default().with_timezone(&tz),
            run_closed: r.closed,
            waiting_on: waits.remove(&id).unwrap_or_default(),
            figure_spec,
            task: row,
        });
    }
    Ok(out)
}

/// For each of `waiting` (task ids), the tasks it waits on that are not settled.
async fn waiting_on(store: &Store, waiting: &[i64]) -> Result<HashMap<i64, Vec<Waiting>>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let backend = store.backend();
    let mut out: HashMap<i64, Vec<Waiting>> = HashMap::new();
    for chunk in waiting.chunks(500) {
        // Integers just read from the database, so listing them inline is safe.
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT d.task_id, t.campaign, t.run_key, t.template, t.unit, t.title, t.state, u.name \
             FROM task_dependencies d JOIN tasks t ON t.id = d.depends_on LEFT JOIN units u ON u.id = t.unit \
             WHERE d.task_id IN ({list}) AND t.state IN ('waiting', 'open') ORDER BY d.task_id, t.id"
        );
        for row in store.db.query_all_raw(Statement::from_string(backend, sql)).await.map_err(err)? {
            let of: i64 = row.try_get_by_index(0).map_err(err)?;
            let (campaign, run_key, template, unit): (String, String, String, String) = (
                row.try_get_by_index(1).map_err(err)?,
                row.try_get_by_index(2).map_err(err)?,
                row.try_get_by_index(3).map_err(err)?,
                row.try_get_by_index(4).map_err(err)?,
            );
            let state: String = row.try_get_by_index(6).map_err(err)?;
            let name: Option<String> = row.try_get_by_index(7).map_err(err)?;
            out.entry(of).or_default().push(Waiting {
                id: plan::task_id(&campaign, &run_key, &template, &unit),
                title: row.try_get_by_index(5).map_err(err)?,
                unit_name: name.unwrap_or_else(|| unit.clone()),
                unit,
                state: crate::stored::task_state(&state, of)?,
            });
        }
    }
    Ok(out)
}

/// One task in full: its row, run and waits, the figures it asks for, and its history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub task: UnitTask,
    pub unit_name: String,
    pub unit_email: String,
    pub history: Vec<HistoryEntry>,
}

/// The task `id` (`campaign/run/template/unit`) in full.
pub async fn task_detail(store: &Store, id: &str, now: DateTime<Utc>) -> Result<TaskDetail, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let model = crate::operate::find_task(&store.db, id)
        .await
        .map_err(err)?
        .ok_or_else(|| StoreError::NoSuchTask(id.to_string()))?;
    let (unit_name, unit_email) = match unit(store, &model.unit).await? {
        Some(u) => (u.name, u.email),
        None => (model.unit.clone(), String::new()),
    };
    let history = task_history(store, id).await?;
    let Some(r) = run::Entity::find_by_id(model.run_id).one(&store.db).await.map_err(err)? else {
        return Err(StoreError::NoSuchTask(id.to_string()));
    };
    let part = RunPart { timezone: r.timezone, closes_at: r.closes_at, closed: r.closed_at.is_some() };
    let task = unit_task_rows(store, vec![(model, part)], now)
        .await?
        .pop()
        .ok_or_else(|| StoreError::NoSuchTask(id.to_string()))?;
    Ok(TaskDetail { task, unit_name, unit_email, history })
}

/// Which tasks a page of the API or the dashboard lists.
#[derive(Clone, Debug, Default)]
pub struct TaskQuery {
    pub campaign: Option<String>,
    pub run: Option<String>,
    /// Only the tasks of this unit's subtree.
    pub scope: Option<String>,
    /// Only this unit's own tasks.
    pub unit: Option<String>,
    pub state: Option<plan::TaskState>,
    /// Only open tasks past their due time.
    pub overdue: bool,
    /// Only open tasks due within a day.
    pub due_soon: bool,
    pub offset: u64,
    /// At most this many (1 to 500).
    pub limit: u64,
}

/// One page of tasks and how many match in all.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskPage {
    pub total: u64,
    pub offset: u64,
    pub limit: u64,
    pub tasks: Vec<TaskRow>,
}

/// A page of the tasks matching `query`, by run, due time and id.
pub async fn tasks_page(store: &Store, query: &TaskQuery, now: DateTime<Utc>) -> Result<TaskPage, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now_s = now.timestamp();
    let mut select = task::Entity::find();
    match (&query.campaign, &query.run) {
        // One run: by its id, so that the index on (run_id, state) finds a state's tasks; by
        // campaign and key the database reads every task of the run (the dashboard's overdue and
        // due-soon lists took a second of a 51k run on SQLite).
        (Some(campaign), Some(run)) => {
            let Some(r) = find_run(store, campaign, run).await? else {
                let limit = query.limit.clamp(1, 500);
                return Ok(TaskPage { total: 0, offset: query.offset, limit, tasks: Vec::new() });
            };
            select = select.filter(task::Column::RunId.eq(r.id));
        }
        (campaign, run) => {
            if let Some(campaign) = campaign {
                select = select.filter(task::Column::Campaign.eq(campaign.as_str()));
            }
            if let Some(run) = run {
                select = select.filter(task::Column::RunKey.eq(run.as_str()));
            }
        }
    }
    if let Some(unit) = &query.unit {
        select = select.filter(task::Column::Unit.eq(unit.as_str()));
    }
    if let Some(scope) = &query.scope {
        let Some(root) = unit::Entity::find_by_id(scope.clone()).one(&store.db).await.map_err(err)? else {
            return Ok(TaskPage { total: 0, offset: query.offset, limit: query.limit, tasks: Vec::new() });
        };
        // The subtree's units as a subquery: listing their ids took a statement of 10,501
        // parameters (and two round trips of them: the count and the page) for a district of
        // 10,000 communities.
        let subtree = Query::select()
            .column(unit::Column::Id)
            .from(unit::Entity)
            .and_where(unit::Column::Position.gte(root.position))
            .and_where(unit::Column::Position.lt(root.subtree_end))
            .to_owned();
        select = select.filter(task::Column::Unit.in_subquery(subtree));
    }
    if let Some(state) = query.state {
        select = select.filter(task::Column::State.eq(state.name()));
    }
    if query.overdue {
        select =
            select.filter(task::Column::State.eq(plan::TaskState::Open.name())).filter(task::Column::DueAt.lt(now_s));
    }
    if query.due_soon {
        select = select
            .filter(task::Column::State.eq(plan::TaskState::Open.name()))
            .filter(task::Column::DueAt.gte(now_s))
            .filter(task::Column::DueAt.lt(now_s + crate::status::DUE_SOON_SECONDS));
    }
    let total = select.clone().count(&store.db).await.map_err(err)?;
    let limit = query.limit.clamp(1, 500);
    let models = select
        .order_by_desc(task::Column::RunId)
        .order_by_asc(task::Column::DueAt)
        .order_by_asc(task::Column::Id)
        .offset(query.offset)
        .limit(limit)
        .all(&store.db)
        .await
        .map_err(err)?;
    let mut run_ids: Vec<i64> = models.iter().map(|t| t.run_id).collect();
    run_ids.sort_unstable();
    run_ids.dedup();
    let mut zones: HashMap<i64, Tz> = HashMap::new();
    for r in run::Entity::find().filter(run::Column::Id.is_in(run_ids)).all(&store.db).await.map_err(err)? {
        zones.insert(r.id, zone(&r)?);
    }
    let tasks = models
        .into_iter()
        .map(|t| {
            let tz = zones.get(&t.run_id).copied().unwrap_or(Tz::UTC);
            crate::operate::row(t, tz, now_s)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TaskPage { total, offset: query.offset, limit, tasks })
}

/// How many tasks of a run were done each day (in the run's zone), for the burn-up chart: (day,
/// count), ascending.
pub async fn done_per_day(
    store: &Store,
    campaign: &str,
    key: &str,
    scope: Option<&str>,
) -> Result<Vec<(chrono::NaiveDate, u64)>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let Some(r) = find_run(store, campaign, key).await? else { return Ok(Vec::new()) };
    let tz = zone(&r)?;
    // The zone's offset at the opening: a day boundary moves with daylight saving in few zones,
    // and by an hour at most; China has none.
    let opening = DateTime::from_timestamp(r.opens_at, 0).unwrap_or_default().with_timezone(&tz);
    let offset = i64::from(chrono::Offset::fix(opening.offset()).local_minus_utc());
    let backend = store.backend();
    let sql = done_per_day_sql(backend, offset, scope.is_some());
    let mut values: Vec<sea_orm::Value> = vec![r.id.into()];
    if let Some(scope) = scope {
        values.push(scope.into());
    }
    let rows = store.db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await.map_err(err)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let day: i64 = row.try_get_by_index(0).map_err(err)?;
        let n: i64 = row.try_get_by_index(1).map_err(err)?;
        if let Some(date) = DateTime::from_timestamp(day * 86400, 0) {
            out.push((date.date_naive(), u64::try_from(n).unwrap_or(0)));
        }
    }
    Ok(out)
}

/// The statement of [`done_per_day`]: tasks of run `?1` done per day, the day starting `offset`
/// seconds after midnight UTC; `scoped`, of the subtree of unit `?2` only. Public for the bench,
/// whose baseline runs it bare.
#[doc(hidden)]
pub fn done_per_day_sql(backend: DbBackend, offset: i64, scoped: bool) -> String {
    let scope_filter = if scoped {
        " AND t.unit IN (SELECT u.id FROM units u, units s WHERE s.id = ?2 AND u.position >= s.position \
         AND u.position < s.subtree_end)"
    } else {
        ""
    };
    crate::status::numbered(
        backend,
        &format!(
            "SELECT (t.completed_at + {offset}) / 86400 AS day, count(*) FROM tasks t \
             WHERE t.run_id = ?1 AND t.state = 'done' AND t.completed_at IS NOT NULL{scope_filter} \
             GROUP BY day ORDER BY day"
        ),
    )
}

/// The names of the units `ids` (those the directory has), for a page that lists tasks of many
/// units (the dashboard's overdue and due-soon lists).
pub async fn unit_names(store: &Store, ids: &[&str]) -> Result<HashMap<String, String>, StoreError> {
    let mut wanted: Vec<&str> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(500) {
        let found = unit::Entity::find()
            .filter(unit::Column::Id.is_in(chunk.iter().copied()))
            .all(&store.db)
            .await
            .map_err(|e| StoreError::from_db(&store.url, e))?;
        out.extend(found.into_iter().map(|u| (u.id, u.name)));
    }
    Ok(out)
}
