//! A frozen snapshot of a run at a report time: every unit the run concerns, every task template
//! with its figures, and every task's state, times, figures and note. Reports are rendered from a
//! snapshot alone, so a report can be re-rendered later, in another format, and reads the same.
//!
//! Compact on purpose (a run can have 300,000 tasks): tasks name their template and unit by index.

use std::collections::BTreeMap;

use campaign::{Figure, TaskKind};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use plan::TaskState;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The format version written into every snapshot; a reader refuses any other.
pub const SNAPSHOT_VERSION: u32 = 1;

/// A run as it stood at one moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub version: u32,
    pub campaign: String,
    /// The campaign's name ("春节期间乡土人才联络和回归工作").
    pub campaign_name: String,
    /// The run's key ("2027").
    pub run: String,
    /// The report this snapshot was taken for; `None` when taken on demand (`guiyan report`).
    pub report: Option<String>,
    /// The run's time zone (IANA name), in which every date of a report is written.
    #[serde(with = "tz_name")]
    pub timezone: Tz,
    /// The report time it was taken for (unix seconds).
    pub scheduled_at: i64,
    /// The moment its data describes (unix seconds): the report time, or later when the engine
    /// caught up after a stop.
    pub at: i64,
    pub opens_at: i64,
    pub closes_at: i64,
    /// Whether the run had closed at `at`.
    pub closed: bool,
    /// The campaign's owner unit, by index into `units`.
    pub owner: usize,
    /// The units the run's tasks concern, with their ancestors, in directory preorder.
    pub units: Vec<SnapshotUnit>,
    /// The campaign's task templates, in campaign order.
    pub templates: Vec<SnapshotTemplate>,
    pub tasks: Vec<SnapshotTask>,
}

/// A unit of the directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotUnit {
    pub id: String,
    pub name: String,
    /// Directory level ("street", "community").
    pub level: String,
    /// Index of its parent in `units`; `None` for the top.
    pub parent: Option<usize>,
    pub email: String,
}

/// A task template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotTemplate {
    pub id: String,
    pub title: String,
    #[serde(with = "kind_name")]
    pub kind: TaskKind,
    pub figures: Vec<Figure>,
}

/// One task: one template for one unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotTask {
    /// Index into `templates`.
    pub template: usize,
    /// Index into `units`.
    pub unit: usize,
    #[serde(with = "state_name")]
    pub state: TaskState,
    pub starts_at: i64,
    pub due_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<i64>,
    /// The figures reported (key → value); empty until done.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub figures: BTreeMap<String, f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The unit marked its note as a typical case (典型事例) for the work report.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub typical: bool,
    /// For each figure counted from the talent register (`counted:`), the persons the register
    /// holds for this unit at the snapshot's moment, whether or not the task is done. Reports
    /// give these, not what was typed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub registered: BTreeMap<String, u64>,
}

/// Why a stored snapshot cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("the snapshot does not read: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the snapshot is of format version {found}; this guiyan reads version {SNAPSHOT_VERSION}")]
    Version { found: u32 },
    #[error("the snapshot is inconsistent: {0}")]
    Inconsistent(String),
}

impl Snapshot {
    /// The snapshot as stored (JSON).
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored snapshot, refusing another format version or indexes out of range.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        #[derive(Deserialize)]
        struct Version {
            version: u32,
        }
        let found = serde_json::from_str::<Version>(text)?.version;
        if found != SNAPSHOT_VERSION {
            return Err(SnapshotError::Version { found });
        }
        let snapshot: Snapshot = serde_json::from_str(text)?;
        snapshot.check()?;
        Ok(snapshot)
    }

    /// Checks that every index points into its list and parents come before their children.
    pub fn check(&self) -> Result<(), SnapshotError> {
        let bad = |what: String| Err(SnapshotError::Inconsistent(what));
        if self.owner >= self.units.len() {
            return bad(format!("owner index {} of {} units", self.owner, self.units.len()));
        }
        for (i, unit) in self.units.iter().enumerate() {
            if unit.parent.is_some_and(|p| p >= i) {
                return bad(format!("unit {} comes before its parent", unit.id));
            }
        }
        for (i, task) in self.tasks.iter().enumerate() {
            if task.template >= self.templates.len() || task.unit >= self.units.len() {
                return bad(format!("task {i} names a template or unit that is not there"));
            }
        }
        Ok(())
    }

    /// `at` as a time.
    pub fn at_time(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.at, 0).unwrap_or_default()
    }

    /// Whether `task` was overdue at the snapshot's moment: open (or waiting) past its due time.
    pub fn is_overdue(&self, task: &SnapshotTask) -> bool {
        task.state.is_active() && task.due_at < self.at
    }

    /// Whether `unit` is `ancestor` or below it.
    pub fn is_within(&self, unit: usize, ancestor: usize) -> bool {
        let mut at = Some(unit);
        while let Some(u) = at {
            if u == ancestor {
                return true;
            }
            at = self.units.get(u).and_then(|x| x.parent);
        }
        false
    }

    /// The figures of `task` as reports count them: a figure counted from the talent register
    /// (`counted:`) is the register's count, whatever the task's state (cancelled aside), since
    /// the records are there whether or not the unit has reported; every other figure is what the
    /// unit reported, once its task is done.
    pub fn report_figures<'a>(&'a self, task: &'a SnapshotTask) -> impl Iterator<Item = (&'a str, f64)> + 'a {
        let template = &self.templates[task.template];
        let counted = |key: &str| template.figures.iter().any(|f| f.key == key && f.counted.is_some());
        let typed = (task.state == TaskState::Done).then_some(&task.figures).into_iter().flatten();
        let registered = (task.state != TaskState::Cancelled).then_some(&task.registered).into_iter().flatten();
        typed
            .filter(move |(key, _)| !counted(key))
            .map(|(key, value)| (key.as_str(), *value))
            .chain(registered.map(|(key, n)| (key.as_str(), *n as f64)))
    }

    /// What the unit typed for `key`, once its task is done (for a counted figure, to show beside
    /// the register's count).
    pub fn typed_figure(&self, task: &SnapshotTask, key: &str) -> Option<f64> {
        task.figures.get(key).copied().filter(|_| task.state == TaskState::Done)
    }

    /// The template with `id`, by index.
    pub fn template_index(&self, id: &str) -> Option<usize> {
        self.templates.iter().position(|t| t.id == id)
    }
}

mod tz_name {
    //! A time zone as its IANA name.
    use super::*;

    pub fn serialize<S: Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(tz.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(|_| serde::de::Error::custom(format!("unknown time zone `{name}`")))
    }
}

mod kind_name {
    //! A task kind as its name in the campaign format.
    use super::*;

    pub fn serialize<S: Serializer>(kind: &TaskKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(kind.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TaskKind, D::Error> {
        let name = String::deserialize(d)?;
        TaskKind::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown task kind `{name}`")))
    }
}

mod state_name {
    //! A task state as stored.
    use super::*;

    pub fn serialize<S: Serializer>(state: &TaskState, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(state.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TaskState, D::Error> {
        let name = String::deserialize(d)?;
        TaskState::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown task state `{name}`")))
    }
}
