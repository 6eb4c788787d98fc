//! Progress of runs, for `guiyan status`, the dashboard and the API: task counts by state per task
//! template and per unit, rolled up the unit tree (a street includes its communities), and totals
//! of every reported figure — optionally for one unit's subtree only.
//!
//! The database counts (`GROUP BY` unit, template and state; figure sums over the stored JSON) and
//! the `report` crate adds up the tree, so the cost grows with units and templates, not tasks.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use plan::TaskState;
use report::{Tally, UnitNode, UnitTree};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QueryResult, Statement};
use serde::Serialize;

use crate::connect::Store;
use crate::entities::{run, task, unit};
use crate::error::StoreError;

/// How soon a task's due time must be for it to count as due soon (yellow on the pages): two
/// days, so that a task "还剩1天" is flagged while there is still a working day to act.
pub const DUE_SOON_SECONDS: i64 = report::DUE_SOON_SECONDS;

/// One unit's line in a run's status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitStatus {
    pub unit: String,
    pub name: String,
    pub level: String,
    pub depth: u32,
    /// The unit's own tasks.
    pub own: Tally,
    /// The unit's and all its descendants' tasks.
    pub rolled_up: Tally,
    /// Reported figures of the unit and its descendants, by `template.key` (figures of different
    /// tasks are different things even when their keys match).
    pub figures: BTreeMap<String, f64>,
}

/// One task template's line in a run's status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TemplateStatus {
    pub template: String,
    pub title: String,
    pub counts: Tally,
}

/// The status of one run (of one unit's subtree, when asked).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunStatus {
    pub campaign: String,
    #[serde(rename = "run")]
    pub key: String,
    pub opens_at: DateTime<Tz>,
    pub closes_at: DateTime<Tz>,
    /// Whether the engine closed the run.
    pub closed: bool,
    /// When the engine found that the run's whole window had passed while nothing ran: the run
    /// never opened and has no tasks.
    pub missed_at: Option<DateTime<Tz>>,
    pub totals: Tally,
    /// By template, in the order tasks were written.
    #[serde(rename = "templates")]
    pub by_template: Vec<TemplateStatus>,
    /// Units with tasks (or with descendants that have tasks), in directory order.
    #[serde(rename = "units")]
    pub by_unit: Vec<UnitStatus>,
    /// Totals of every figure, per task in written order.
    pub figures: Vec<FigureTotal>,
}

impl RunStatus {
    /// The run's time zone.
    pub fn timezone(&self) -> Tz {
        self.opens_at.timezone()
    }
}

/// The total of one figure of one task template.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FigureTotal {
    pub template: String,
    pub key: String,
    pub label: String,
    pub unit: Option<String>,
    pub total: f64,
    /// How many tasks reported it: 0 when nobody did, and then `total` is no value but a gap (the
    /// pages say "（待报送）", never 0).
    pub reported: u64,
    /// What the talent register counts for it (`counted:`), if anything.
    pub counted: Option<campaign::RegisterCount>,
    /// For a counted figure, the register's count over the scope's books (the district's when
    /// unscoped) from the run's opening to now: what reports give, shown beside what was typed.
    pub registered: Option<u64>,
}

/// The status of every run matching `filter` (`campaign` or `campaign/run`; all when `None`),
/// oldest first.
pub async fn status(store: &Store, filter: Option<&str>, now: DateTime<Utc>) -> Result<Vec<RunStatus>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let mut runs = run::Entity::find().order_by_asc(run::Column::OpensAt).order_by_asc(run::Column::Campaign);
    if let Some(filter) = filter {
        match filter.split_once('/') {
            Some((campaign, key)) => {
                runs = runs.filter(run::Column::Campaign.eq(campaign)).filter(run::Column::Key.eq(key))
            }
            None => runs = runs.filter(run::Column::Campaign.eq(filter)),
        }
    }
    let runs = runs.all(&store.db).await.map_err(err)?;
    let tree = unit_tree(store).await?;
    let mut out = Vec::with_capacity(runs.len());
    for r in &runs {
        out.push(run_status(store, r, &tree, None, now).await?);
    }
    Ok(out)
}

/// The directory as a tree in preorder (the units as last applied).
pub(crate) async fn unit_tree(store: &Store) -> Result<UnitTree, StoreError> {
    let units = unit::Entity::find()
        .order_by_asc(unit::Column::Position)
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    let index: HashMap<&str, usize> = units.iter().enumerate().map(|(i, u)| (u.id.as_str(), i)).collect();
    let nodes = units
        .iter()
        .map(|u| UnitNode {
            id: u.id.clone(),
            name: u.name.clone(),
            level: u.level.clone(),
            depth: u32::try_from(u.depth).unwrap_or(0),
            parent: u.parent.as_deref().and_then(|p| index.get(p).copied()),
        })
        .collect();
    UnitTree::new(nodes).map_err(|e| StoreError::Corrupt { what: format!("a unit directory out of order: {e}") })
}

/// The status of one run; with `scope`, of the tasks of that unit's subtree only.
pub(crate) async fn run_status(
    store: &Store,
    r: &run::Model,
    tree: &UnitTree,
    scope: Option<usize>,
    now: DateTime<Utc>,
) -> Result<RunStatus, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let tz: Tz = r.timezone.parse().map_err(|_| StoreError::Corrupt {
        what: format!("run {}/{} in time zone `{}`", r.campaign, r.key, r.timezone),
    })?;
    let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or_default().with_timezone(&tz);
    let in_scope = |unit: usize| scope.is_none_or(|root| tree.is_within(unit, root));
    let index: HashMap<&str, usize> = tree.units().iter().enumerate().map(|(i, u)| (u.id.as_str(), i)).collect();

    // Counts by (unit, template, state), with the open ones overdue or due soon.
    let backend = store.backend();
    let sql = tally_statement(backend, "t.unit", "tasks t", "t.run_id = ?1");
    let rows = store
        .db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, tally_values(r.id, now)))
        .await
        .map_err(err)?;
    let mut own: HashMap<usize, Tally> = HashMap::new();
    let mut by_template: HashMap<String, Tally> = HashMap::new();
    for row in &rows {
        let unit: String = row.try_get_by_index(0).map_err(err)?;
        let (template, tally) = read_tally(store, r, row)?;
        let Some(&u) = index.get(unit.as_str()) else { continue };
        if !in_scope(u) {
            continue;
        }
        own.entry(u).or_default().merge(&tally);
        by_template.entry(template).or_default().merge(&tally);
    }

    // Figure sums by (unit, template.key), over done tasks.
    let sql = figure_statement(backend, "t.unit", "tasks t", "t.run_id = ?1");
    let rows =
        store.db.query_all_raw(Statement::from_sql_and_values(backend, sql, [r.id.into()])).await.map_err(err)?;
    let mut own_figures: HashMap<usize, BTreeMap<String, f64>> = HashMap::new();
    let mut figure_totals = FigureSums::new();
    for row in &rows {
        let unit: String = row.try_get_by_index(0).map_err(err)?;
        let (key, value, n) = read_sum(store, row)?;
        let Some(&u) = index.get(unit.as_str()) else { continue };
        if in_scope(u) {
            add_sum(&mut figure_totals, &key, value, n);
            *own_figures.entry(u).or_default().entry(key).or_default() += value;
        }
    }
    let (templates, figures) =
        templates_and_figures(store, r, &by_template, &figure_totals, scope.map(|u| tree.units()[u].id.as_str()), now)
            .await?;

    let own_list: Vec<(usize, Tally)> = own.iter().map(|(u, t)| (*u, *t)).collect();
    let rolled = report::roll_up(tree, &own_list);
    let figure_list: Vec<(usize, BTreeMap<String, f64>)> = own_figures.into_iter().collect();
    let rolled_figures = report::roll_up_sums(tree, &figure_list);
    let units: Vec<usize> = match scope {
        Some(root) => tree.subtree(root).collect(),
        None => (0..tree.len()).collect(),
    };
    let by_unit: Vec<UnitStatus> = units
        .iter()
        .filter(|&&i| rolled[i] != Tally::default())
        .map(|&i| {
            let u = &tree.units()[i];
            UnitStatus {
                unit: u.id.clone(),
                name: u.name.clone(),
                level: u.level.clone(),
                depth: u.depth,
                own: own.get(&i).copied().unwrap_or_default(),
                rolled_up: rolled[i],
                figures: rolled_figures[i].clone(),
            }
        })
        .collect();
    let mut totals = Tally::default();
    for tally in own.values() {
        totals.merge(tally);
    }
    Ok(RunStatus {
        campaign: r.campaign.clone(),
        key: r.key.clone(),
        opens_at: at(r.opens_at),
        closes_at: at(r.closes_at),
        closed: r.closed_at.is_some(),
        missed_at: r.missed_at.map(at),
        totals,
        by_template: templates,
        by_unit,
        figures,
    })
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// `?n` placeholders as the backend spells them (`$n` on PostgreSQL). The statements here contain
/// no other `?`.
pub(crate) fn numbered(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Postgres => sql.replace('?', "$"),
        _ => sql.to_string(),
    }
}

/// The statement counting tasks by (`group`, template, state), with the open ones overdue (due
/// before `?2`) and due soon (before `?3`): `SELECT group, template, state, n, overdue, due_soon
/// FROM from WHERE filter GROUP BY …`, `t` being the tasks. The status of every unit groups by
/// unit, the dashboard by the scope's child (see `by_child`): one tally code for both.
pub(crate) fn tally_statement(backend: DbBackend, group: &str, from: &str, filter: &str) -> String {
    let (overdue, due_soon) = match backend {
        DbBackend::Postgres => (
            "count(*) FILTER (WHERE t.state = 'open' AND t.due_at < ?2)",
            "count(*) FILTER (WHERE t.state = 'open' AND t.due_at >= ?2 AND t.due_at < ?3)",
        ),
        _ => ("sum(t.state = 'open' AND t.due_at < ?2)", "sum(t.state = 'open' AND t.due_at >= ?2 AND t.due_at < ?3)"),
    };
    numbered(
        backend,
        &format!(
            "SELECT {group}, t.template, t.state, count(*), {overdue}, {due_soon} FROM {from} WHERE {filter} \
             GROUP BY {group}, t.template, t.state"
        ),
    )
}

/// The values of a [`tally_statement`]: the run, now, and the end of "due soon".
pub(crate) fn tally_values(run_id: i64, now: DateTime<Utc>) -> Vec<sea_orm::Value> {
    let now_s = now.timestamp();
    vec![run_id.into(), now_s.into(), now_s.saturating_add(DUE_SOON_SECONDS).into()]
}

/// A row of a [`tally_statement`] after its group column: the template and its tally.
pub(crate) fn read_tally(store: &Store, r: &run::Model, row: &QueryResult) -> Result<(String, Tally), StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let template: String = row.try_get_by_index(1).map_err(err)?;
    let state: String = row.try_get_by_index(2).map_err(err)?;
    let n: i64 = row.try_get_by_index(3).map_err(err)?;
    let overdue: Option<i64> = row.try_get_by_index(4).map_err(err)?;
    let due_soon: Option<i64> = row.try_get_by_index(5).map_err(err)?;
    let state = TaskState::from_name(&state)
        .ok_or_else(|| StoreError::Corrupt { what: format!("tasks of {}/{} in state `{state}`", r.campaign, r.key) })?;
    Ok((template, tally_of(state, count(n), count(overdue.unwrap_or(0)), count(due_soon.unwrap_or(0)))))
}

/// A tally of `n` tasks in `state`, of which `overdue` and `due_soon` (open ones).
fn tally_of(state: TaskState, n: u64, overdue: u64, due_soon: u64) -> Tally {
    let mut tally = Tally { overdue, due_soon, ..Tally::default() };
    match state {
        TaskState::Waiting => tally.waiting = n,
        TaskState::Open => tally.open = n,
        TaskState::Done => tally.done = n,
        TaskState::Waived => tally.waived = n,
        TaskState::Cancelled => tally.cancelled = n,
    }
    tally
}

/// The statement summing reported figures of done tasks by (`group`, template, key) over the
/// stored JSON, with how many tasks reported each: `SELECT group, template, key, sum, n`.
pub(crate) fn figure_statement(backend: DbBackend, group: &str, from: &str, filter: &str) -> String {
    let (each, sum) = match backend {
        DbBackend::Postgres => ("jsonb_each_text(t.figures::jsonb)", "sum(f.value::float8)"),
        _ => ("json_each(t.figures)", "total(f.value)"),
    };
    numbered(
        backend,
        &format!(
            "SELECT {group}, t.template, f.key, {sum}, count(*) FROM {from}, {each} AS f \
             WHERE {filter} AND t.state = 'done' AND t.figures IS NOT NULL GROUP BY {group}, t.template, f.key"
        ),
    )
}

/// A row of a [`figure_statement`] after its group column: `template.key`, the sum, and how many
/// tasks reported it.
pub(crate) fn read_sum(store: &Store, row: &QueryResult) -> Result<(String, f64, u64), StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let template: String = row.try_get_by_index(1).map_err(err)?;
    let key: String = row.try_get_by_index(2).map_err(err)?;
    let value: f64 = row.try_get_by_index(3).map_err(err)?;
    let n: i64 = row.try_get_by_index(4).map_err(err)?;
    Ok((format!("{template}.{key}"), value, count(n)))
}

/// Figure totals by `template.key`: the sum and how many tasks reported it.
pub(crate) type FigureSums = BTreeMap<String, (f64, u64)>;

pub(crate) fn add_sum(sums: &mut FigureSums, key: &str, value: f64, n: u64) {
    match sums.get_mut(key) {
        Some((total, count)) => {
            *total += value;
            *count += n;
        }
        None => {
            sums.insert(key.to_string(), (value, n));
        }
    }
}

/// The statement of [`first_task_of_each_template`]'s first step (for the bench's baseline too).
pub(crate) const FIRST_TASKS_SQL: &str = "SELECT min(id) FROM tasks WHERE run_id = ?1 GROUP BY template";

/// The run's templates in written order with their counts (of those that have tasks in the scope,
/// when `scoped`), and the total of every figure they ask for, from the title and figure spec of
/// each template's first task.
pub(crate) async fn templates_and_figures(
    store: &Store,
    r: &run::Model,
    by_template: &HashMap<String, Tally>,
    sums: &FigureSums,
    scope: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Vec<TemplateStatus>, Vec<FigureTotal>), StoreError> {
    let scoped = scope.is_some();
    let firsts = first_task_of_each_template(store, r.id).await?;
    let mut templates = Vec::with_capacity(firsts.len());
    let mut figures = Vec::new();
    for first in &firsts {
        let counts = by_template.get(&first.template).copied().unwrap_or_default();
        // A scope lists the templates it has tasks of; every figure stays listed (as it always was).
        if !scoped || counts != Tally::default() {
            templates.push(TemplateStatus { template: first.template.clone(), title: first.title.clone(), counts });
        }
        for f in crate::stored::figure_spec(&first.figure_spec, first.id)? {
            let (total, reported) = sums.get(&format!("{}.{}", first.template, f.key)).copied().unwrap_or_default();
            let registered = match f.counted {
                Some(count) => {
                    let window = crate::counted::run_window(r, now.timestamp());
                    let n = crate::registry::register_total(&store.db, count, window, scope)
                        .await
                        .map_err(|e| StoreError::from_db(&store.url, e))?;
                    Some(n)
                }
                None => None,
            };
            figures.push(FigureTotal {
                template: first.template.clone(),
                key: f.key,
                label: f.label,
                unit: f.unit,
                total,
                reported,
                counted: f.counted,
                registered,
            });
        }
    }
    Ok((templates, figures))
}

/// The first task of each template of a run, in written order: its title and figure spec stand for
/// the template's.
async fn first_task_of_each_template(store: &Store, run_id: i64) -> Result<Vec<task::Model>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let backend = store.backend();
    let sql = numbered(backend, FIRST_TASKS_SQL);
    let rows =
        store.db.query_all_raw(Statement::from_sql_and_values(backend, sql, [run_id.into()])).await.map_err(err)?;
    let ids: Vec<i64> = rows.iter().map(|row| row.try_get_by_index::<i64>(0)).collect::<Result<_, _>>().map_err(err)?;
    task::Entity::find()
        .filter(task::Column::Id.is_in(ids))
        .order_by_asc(task::Column::Id)
        .all(&store.db)
        .await
        .map_err(err)
}
