//! A small run for the tests of this crate: a district, two streets, three communities; a meeting
//! of the district, a deployment per street and a publicity task per community with figures.

use std::collections::BTreeMap;

use campaign::{Figure, FigureKind, TaskKind};
use plan::TaskState;

use crate::snapshot::{SNAPSHOT_VERSION, Snapshot, SnapshotTask, SnapshotTemplate, SnapshotUnit};

/// 2027-02-01T09:00:00+08:00.
pub const AT: i64 = 1_801_443_600;
const DAY: i64 = 86_400;

fn unit(id: &str, name: &str, level: &str, parent: Option<usize>) -> SnapshotUnit {
    SnapshotUnit { id: id.into(), name: name.into(), level: level.into(), parent, email: format!("{id}@example.org") }
}

fn figure(key: &str, label: &str, unit: &str) -> Figure {
    Figure {
        key: key.into(),
        label: label.into(),
        unit: Some(unit.into()),
        kind: FigureKind::Integer,
        required: true,
        counted: None,
    }
}

fn task(template: usize, unit: usize, state: TaskState, due_at: i64, figures: &[(&str, f64)]) -> SnapshotTask {
    SnapshotTask {
        template,
        unit,
        state,
        starts_at: AT - 10 * DAY,
        due_at,
        completed_at: (state == TaskState::Done).then_some(due_at - DAY),
        figures: figures.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
        note: None,
        typical: false,
        registered: BTreeMap::new(),
    }
}

/// The run at [`AT`]: the meeting done; east deployed, west overdue; c1 reported, c2 late and
/// open, c3 waiting on west.
pub fn snapshot() -> Snapshot {
    let units = vec![
        unit("district", "示例区委组织部", "district", None),
        unit("east", "东街道", "street", Some(0)),
        unit("east-1", "东一社区", "community", Some(1)),
        unit("east-2", "东二社区", "community", Some(1)),
        unit("west", "西街道", "street", Some(0)),
        unit("west-1", "西一社区", "community", Some(4)),
    ];
    let templates = vec![
        SnapshotTemplate {
            id: "kickoff".into(), title: "召开推进会".into(), kind: TaskKind::Meeting, figures: vec![]
        },
        SnapshotTemplate {
            id: "deploy".into(), title: "动员部署".into(), kind: TaskKind::Meeting, figures: vec![]
        },
        SnapshotTemplate {
            id: "publicity".into(),
            title: "宣传发动".into(),
            kind: TaskKind::Publicity,
            figures: vec![figure("banners", "悬挂宣传横幅", "条"), figure("letters", "张贴公开信", "封")],
        },
    ];
    let tasks = vec![
        task(0, 0, TaskState::Done, AT - 9 * DAY, &[]),
        task(1, 1, TaskState::Done, AT - 5 * DAY, &[]),
        task(1, 4, TaskState::Open, AT - 3 * DAY, &[]),
        task(2, 2, TaskState::Done, AT - DAY, &[("banners", 3.0), ("letters", 120.0)]),
        task(2, 3, TaskState::Open, AT - 2 * DAY, &[]),
        task(2, 5, TaskState::Waiting, AT + 5 * DAY, &[]),
    ];
    Snapshot {
        version: SNAPSHOT_VERSION,
        campaign: "spring-festival".into(),
        campaign_name: "春节期间乡土人才联络和回归工作".into(),
        run: "2027".into(),
        report: Some("weekly".into()),
        timezone: chrono_tz::Asia::Shanghai,
        scheduled_at: AT,
        at: AT,
        opens_at: AT - 16 * DAY,
        closes_at: AT + 35 * DAY,
        closed: false,
        owner: 0,
        units,
        templates,
        tasks,
    }
}
