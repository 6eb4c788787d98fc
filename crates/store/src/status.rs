//! `guiyan status`: per run, task counts by state per template and per unit, completion rolled up
//! the unit tree (a street includes its communities), and totals of every reported figure.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use plan::TaskState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::connect::Store;
use crate::entities::{run, task, unit};
use crate::error::StoreError;

/// Task counts by state; `overdue` counts open tasks past due (they are also in `open`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateCounts {
    pub waiting: u64,
    pub open: u64,
    pub done: u64,
    pub waived: u64,
    pub cancelled: u64,
    pub overdue: u64,
}

impl StateCounts {
    fn add(&mut self, state: TaskState, overdue: bool) {
        match state {
            TaskState::Waiting => self.waiting += 1,
            TaskState::Open => self.open += 1,
            TaskState::Done => self.done += 1,
            TaskState::Waived => self.waived += 1,
            TaskState::Cancelled => self.cancelled += 1,
        }
        self.overdue += u64::from(overdue);
    }

    fn merge(&mut self, other: &StateCounts) {
        self.waiting += other.waiting;
        self.open += other.open;
        self.done += other.done;
        self.waived += other.waived;
        self.cancelled += other.cancelled;
        self.overdue += other.overdue;
    }

    /// Tasks that count: all but cancelled.
    pub fn total(&self) -> u64 {
        self.waiting + self.open + self.done + self.waived
    }

    /// Done or waived, as a share of the tasks that count; `None` when there are none.
    pub fn completion(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| (self.done + self.waived) as f64 / total as f64)
    }
}

/// One unit's line in a run's status.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitStatus {
    pub unit: String,
    pub name: String,
    pub level: String,
    pub depth: u32,
    /// The unit's own tasks.
    pub own: StateCounts,
    /// The unit's and all its descendants' tasks.
    pub rolled_up: StateCounts,
    /// Reported figures of the unit and its descendants, by `template.key` (figures of different
    /// tasks are different things even when their keys match).
    pub figures: BTreeMap<String, f64>,
}

/// The status of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunStatus {
    pub campaign: String,
    pub key: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub timezone: String,
    /// When the engine closed the run (its closing time), if it has.
    pub closed_at: Option<i64>,
    /// When the engine found that the run's whole window had passed while nothing ran: the run
    /// never opened and has no tasks.
    pub missed_at: Option<i64>,
    pub totals: StateCounts,
    /// By template, in the order tasks were written: (template, title, counts).
    pub by_template: Vec<(String, String, StateCounts)>,
    /// Units with tasks (or with descendants that have tasks), in directory order.
    pub by_unit: Vec<UnitStatus>,
    /// Totals of every figure, per task in written order.
    pub figures: Vec<FigureTotal>,
}

/// The total of one figure of one task template.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureTotal {
    pub template: String,
    pub key: String,
    pub label: String,
    pub unit: Option<String>,
    pub total: f64,
}

/// The status of every run matching `filter` (`campaign` or `campaign/run`; all when `None`).
pub async fn status(store: &Store, filter: Option<&str>, now: DateTime<Utc>) -> Result<Vec<RunStatus>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now = now.timestamp();
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
    let units = unit::Entity::find().order_by_asc(unit::Column::Position).all(&store.db).await.map_err(err)?;
    let mut out = Vec::with_capacity(runs.len());
    for r in runs {
        let tasks = task::Entity::find()
            .filter(task::Column::RunId.eq(r.id))
            .order_by_asc(task::Column::Id)
            .all(&store.db)
            .await
            .map_err(err)?;
        out.push(summarize(&r, &tasks, &units, now));
    }
    Ok(out)
}

fn summarize(r: &run::Model, tasks: &[task::Model], units: &[unit::Model], now: i64) -> RunStatus {
    let mut totals = StateCounts::default();
    let mut by_template: Vec<(String, String, StateCounts)> = Vec::new();
    let mut own: HashMap<&str, StateCounts> = HashMap::new();
    let mut own_figures: HashMap<&str, BTreeMap<String, f64>> = HashMap::new();
    let mut labels: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    let mut figure_order: Vec<(String, String)> = Vec::new();
    for t in tasks {
        let state = TaskState::from_name(&t.state).unwrap_or(TaskState::Open);
        let overdue = state == TaskState::Open && t.due_at < now;
        totals.add(state, overdue);
        match by_template.iter_mut().find(|(id, _, _)| *id == t.template) {
            Some((_, _, counts)) => counts.add(state, overdue),
            None => {
                let mut counts = StateCounts::default();
                counts.add(state, overdue);
                by_template.push((t.template.clone(), t.title.clone(), counts));
            }
        }
        own.entry(t.unit.as_str()).or_default().add(state, overdue);
        let spec: Vec<serde_json::Value> = serde_json::from_str(&t.figure_spec).unwrap_or_default();
        for f in &spec {
            let key = f["key"].as_str().unwrap_or_default().to_string();
            if let std::collections::btree_map::Entry::Vacant(slot) = labels.entry(format!("{}.{key}", t.template)) {
                figure_order.push((t.template.clone(), key));
                slot.insert((
                    f["label"].as_str().unwrap_or_default().to_string(),
                    f["unit"].as_str().map(str::to_string),
                ));
            }
        }
        if state == TaskState::Done
            && let Some(values) = t.figures.as_deref().and_then(|f| serde_json::from_str::<serde_json::Value>(f).ok())
            && let Some(values) = values.as_object()
        {
            let entry = own_figures.entry(t.unit.as_str()).or_default();
            for (key, value) in values {
                *entry.entry(format!("{}.{key}", t.template)).or_default() += value.as_f64().unwrap_or_default();
            }
        }
    }
    // Roll up: units are in preorder, so walking backwards adds each unit into its parent after all
    // of its own descendants have been added into it.
    let index: HashMap<&str, usize> = units.iter().enumerate().map(|(i, u)| (u.id.as_str(), i)).collect();
    let mut rolled: Vec<StateCounts> =
        units.iter().map(|u| own.get(u.id.as_str()).copied().unwrap_or_default()).collect();
    let mut rolled_figures: Vec<BTreeMap<String, f64>> =
        units.iter().map(|u| own_figures.get(u.id.as_str()).cloned().unwrap_or_default()).collect();
    for i in (0..units.len()).rev() {
        if let Some(parent) = units[i].parent.as_deref().and_then(|p| index.get(p)).copied() {
            let (counts, figures) = (rolled[i], rolled_figures[i].clone());
            rolled[parent].merge(&counts);
            for (key, value) in figures {
                *rolled_figures[parent].entry(key).or_default() += value;
            }
        }
    }
    let by_unit = units
        .iter()
        .enumerate()
        .filter(|(i, _)| rolled[*i] != StateCounts::default())
        .map(|(i, u)| UnitStatus {
            unit: u.id.clone(),
            name: u.name.clone(),
            level: u.level.clone(),
            depth: u.depth.max(0) as u32,
            own: own.get(u.id.as_str()).copied().unwrap_or_default(),
            rolled_up: rolled[i],
            figures: rolled_figures[i].clone(),
        })
        .collect();
    let mut figure_totals: BTreeMap<String, f64> = BTreeMap::new();
    for values in own_figures.values() {
        for (key, value) in values {
            *figure_totals.entry(key.clone()).or_default() += value;
        }
    }
    let figures = figure_order
        .into_iter()
        .map(|(template, key)| {
            let full = format!("{template}.{key}");
            let (label, unit) = labels.get(&full).cloned().unwrap_or_default();
            let total = figure_totals.get(&full).copied().unwrap_or_default();
            FigureTotal { template, key, label, unit, total }
        })
        .collect();
    RunStatus {
        campaign: r.campaign.clone(),
        key: r.key.clone(),
        opens_at: r.opens_at,
        closes_at: r.closes_at,
        timezone: r.timezone.clone(),
        closed_at: r.closed_at,
        missed_at: r.missed_at,
        totals,
        by_template,
        by_unit,
        figures,
    }
}
