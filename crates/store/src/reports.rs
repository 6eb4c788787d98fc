//! Reports in the database: the report times of each run (written when the run is applied), the
//! snapshots taken at those times — each written in one transaction with the report's notices to
//! its recipients, so a restart or a second engine never makes two — and the report mails composed
//! from them, one per recipient.
//!
//! Catch-up: an engine that slept through several times of one report takes only the newest (the
//! older are recorded `skipped`), and the snapshot states what the data was when it was taken, not
//! at the missed time, which cannot be reconstructed.

use std::collections::{BTreeMap, HashMap};

use campaign::{Campaign, Workflows};
use chrono::{DateTime, Utc};
use plan::PlannedRun;
use report::{SNAPSHOT_VERSION, Snapshot, SnapshotTask, SnapshotTemplate, SnapshotUnit};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::sqlx;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, QueryTrait, TransactionTrait,
};

use crate::connect::Store;
use crate::entities::{link_subject, reader, report_notice, report_time, run, snapshot, task, unit};
use crate::error::StoreError;
use crate::event_kind::EventKind;
use crate::operate::{Actor, begin_options, record_event};
use crate::outbox::{ComposedMail, MailAbout, UnitInfo, queue_mail};

/// What became of a planned report time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportOutcome {
    /// The snapshot was taken and the report sent.
    Taken,
    /// The engine was not running at this time and a later time of the same report was due too;
    /// only the latest is taken.
    Skipped,
}

impl ReportOutcome {
    pub fn name(self) -> &'static str {
        match self {
            ReportOutcome::Taken => "taken",
            ReportOutcome::Skipped => "skipped",
        }
    }
}

/// How long after its run's close a report is still sent late, when the engine was not running at
/// its time: a work report a day late is still the season's report; one a year late is noise (and
/// `guiyan report` writes it on demand). Later times are recorded skipped.
pub const REPORT_STALE_AFTER: i64 = 7 * 86_400;

/// Brings a run's report times in line with its plan: adds new times, drops times still to come
/// that the plan no longer has (a changed schedule); taken or skipped times stay as history. A new
/// time already past at `now` (a run opened late, a schedule changed) is recorded skipped: nothing
/// was there to report then.
pub(crate) async fn sync_report_times(
    db: &impl ConnectionTrait,
    run_id: i64,
    planned: &PlannedRun,
    now: i64,
) -> Result<(), DbErr> {
    let existing = report_time::Entity::find().filter(report_time::Column::RunId.eq(run_id)).all(db).await?;
    let wanted: Vec<(String, i64)> = planned.reports.iter().map(|r| (r.id.clone(), r.at.timestamp())).collect();
    for row in &existing {
        if row.outcome.is_none() && !wanted.contains(&(row.report.clone(), row.at)) {
            report_time::Entity::delete_by_id(row.id).exec(db).await?;
        }
    }
    let new: Vec<report_time::ActiveModel> = wanted
        .iter()
        .filter(|(id, at)| !existing.iter().any(|row| &row.report == id && row.at == *at))
        .map(|(id, at)| report_time::ActiveModel {
            run_id: Set(run_id),
            report: Set(id.clone()),
            at: Set(*at),
            outcome: Set((*at < now).then(|| ReportOutcome::Skipped.name().to_string())),
            ..Default::default()
        })
        .collect();
    if !new.is_empty() {
        report_time::Entity::insert_many(new)
            .on_conflict(
                OnConflict::columns([report_time::Column::RunId, report_time::Column::Report, report_time::Column::At])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A report taken by [`take_reports`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TakenReport {
    pub campaign: String,
    pub run: String,
    pub report: String,
    pub scheduled_at: i64,
    pub recipients: usize,
    /// Earlier times of the same report passed over (the engine was not running then).
    pub skipped: usize,
    /// Not sent: its run closed more than [`REPORT_STALE_AFTER`] before the engine came back.
    pub stale: bool,
}

/// Takes the snapshot of every report time due at `now`, and writes each with its notices to the
/// report's recipients in one transaction. A report whose campaign is no longer in `workflows`
/// is skipped.
pub async fn take_reports(
    store: &Store,
    workflows: &Workflows,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<Vec<TakenReport>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let now = now.timestamp();
    let mut taken = Vec::new();
    loop {
        let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
        let mut query = report_time::Entity::find()
            .filter(report_time::Column::Outcome.is_null())
            .filter(report_time::Column::At.lte(now))
            .order_by_asc(report_time::Column::At)
            .limit(200);
        if txn.get_database_backend() == DbBackend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let due = query.all(&txn).await.map_err(err)?;
        if due.is_empty() {
            txn.rollback().await.map_err(err)?;
            return Ok(taken);
        }
        // The newest due time of each (run, report) is taken; the others are passed over.
        let mut newest: BTreeMap<(i64, String), report_time::Model> = BTreeMap::new();
        let mut skipped: HashMap<(i64, String), usize> = HashMap::new();
        for row in due {
            let key = (row.run_id, row.report.clone());
            if let Some(older) = newest.insert(key.clone(), row) {
                set_outcome(&txn, older.id, ReportOutcome::Skipped, None).await.map_err(err)?;
                *skipped.entry(key).or_default() += 1;
            }
        }
        for ((run_id, report_id), time) in newest {
            let Some(run) = run::Entity::find_by_id(run_id).one(&txn).await.map_err(err)? else {
                set_outcome(&txn, time.id, ReportOutcome::Skipped, None).await.map_err(err)?;
                continue;
            };
            let campaign = workflows.campaign(&run.campaign);
            let definition = campaign.and_then(|c| c.reports.iter().find(|r| r.id == report_id).map(|r| (c, r)));
            let Some((campaign, definition)) = definition else {
                set_outcome(&txn, time.id, ReportOutcome::Skipped, None).await.map_err(err)?;
                continue;
            };
            if now > run.closes_at.saturating_add(REPORT_STALE_AFTER) {
                // Told by `TakenReport::stale`, logged by the engine.
                set_outcome(&txn, time.id, ReportOutcome::Skipped, None).await.map_err(err)?;
                taken.push(TakenReport {
                    campaign: run.campaign.clone(),
                    run: run.key.clone(),
                    report: report_id.clone(),
                    scheduled_at: time.at,
                    recipients: 0,
                    skipped: 0,
                    stale: true,
                });
                continue;
            }
            let snapshot = take_snapshot(&txn, &run, campaign, Some(&report_id), time.at, now).await?;
            let inserted = snapshot::Entity::insert(snapshot::ActiveModel {
                run_id: Set(run.id),
                report: Set(report_id.clone()),
                scheduled_at: Set(time.at),
                taken_at: Set(now),
                data: Set(snapshot.to_json()),
                ..Default::default()
            })
            .exec(&txn)
            .await
            .map_err(err)?;
            let snapshot_id = inserted.last_insert_id;
            let recipients = recipients(&txn, &definition.to).await.map_err(err)?;
            let notices: Vec<report_notice::ActiveModel> = recipients
                .iter()
                .map(|recipient| report_notice::ActiveModel {
                    key: Set(format!("{snapshot_id}/{recipient}")),
                    snapshot_id: Set(snapshot_id),
                    recipient: Set(recipient.clone()),
                    created_at: Set(now),
                    ..Default::default()
                })
                .collect();
            if !notices.is_empty() {
                report_notice::Entity::insert_many(notices).exec_without_returning(&txn).await.map_err(err)?;
            }
            set_outcome(&txn, time.id, ReportOutcome::Taken, Some(snapshot_id)).await.map_err(err)?;
            let key = (run.id, report_id.clone());
            let skipped = skipped.get(&key).copied().unwrap_or(0);
            let detail = serde_json::json!({
                "report": report_id, "scheduled_at": time.at, "recipients": recipients.len(), "skipped": skipped,
            });
            record_event(&txn, now, actor, EventKind::ReportTaken, Some((&run.campaign, Some(&run.key))), None, detail)
                .await
                .map_err(err)?;
            taken.push(TakenReport {
                campaign: run.campaign.clone(),
                run: run.key.clone(),
                report: report_id,
                scheduled_at: time.at,
                recipients: recipients.len(),
                skipped,
                stale: false,
            });
        }
        txn.commit().await.map_err(err)?;
    }
}

async fn set_outcome(
    db: &impl ConnectionTrait,
    id: i64,
    outcome: ReportOutcome,
    snapshot_id: Option<i64>,
) -> Result<(), DbErr> {
    report_time::Entity::update_many()
        .col_expr(report_time::Column::Outcome, Expr::value(outcome.name()))
        .col_expr(report_time::Column::SnapshotId, Expr::value(snapshot_id))
        .filter(report_time::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The recipients of a report's `to:` list: the units named, and every reader of the groups named
/// (by reader key), each once, in that order.
async fn recipients(db: &impl ConnectionTrait, to: &[String]) -> Result<Vec<String>, DbErr> {
    let mut out: Vec<String> = Vec::new();
    for name in to {
        let readers: Vec<String> = reader::Entity::find()
            .select_only()
            .column(reader::Column::Key)
            .filter(reader::Column::GroupName.eq(name))
            .order_by_asc(reader::Column::Key)
            .into_tuple()
            .all(db)
            .await?;
        if readers.is_empty() {
            if unit::Entity::find_by_id(name.clone()).one(db).await?.is_some() && !out.contains(name) {
                out.push(name.clone());
            }
        } else {
            for key in readers {
                if !out.contains(&key) {
                    out.push(key);
                }
            }
        }
    }
    Ok(out)
}

/// A task's columns a snapshot needs, as the driver holds them: the text is borrowed from the
/// fetched row rather than copied into a `String` per column and task (a run has up to 300,000
/// tasks). Read by position, in the order of [`TASK_COLUMNS`]. The title is not among
/// them: the campaign has it, and it is read apart only for templates since removed.
struct TaskRow<'r> {
    template: &'r str,
    unit: &'r str,
    state: &'r str,
    starts_at: i64,
    due_at: i64,
    completed_at: Option<i64>,
    figures: Option<&'r str>,
    note: Option<&'r str>,
    typical: bool,
}

/// The columns of a [`TaskRow`], in its order.
const TASK_COLUMNS: [task::Column; 9] = [
    task::Column::Template,
    task::Column::Unit,
    task::Column::State,
    task::Column::StartsAt,
    task::Column::DueAt,
    task::Column::CompletedAt,
    task::Column::Figures,
    task::Column::Note,
    task::Column::Typical,
];

impl<'r> TaskRow<'r> {
    /// Reads one row. With `checked`, every column's type is checked against the Rust type first
    /// (sqlx's `try_get`); without, only decoded (`try_get_unchecked`). The check cost about as
    /// much as the decoding (it compares type names), and on PostgreSQL every row of a statement has
    /// the column types of its first, so [`take_snapshot`] checks the first row only. (SQLite types
    /// each value, but these columns are the migrations' own, `TEXT`, `BIGINT` and `BOOLEAN`.)
    fn read(row: &'r QueryResult, checked: bool) -> Result<TaskRow<'r>, StoreError> {
        let read = if let Some(row) = row.try_as_pg_row() {
            TaskRow::decode(row, checked)
        } else if let Some(row) = row.try_as_sqlite_row() {
            TaskRow::decode(row, checked)
        } else {
            return Err(StoreError::Database("a task row from a database other than SQLite or PostgreSQL".into()));
        };
        read.map_err(|e| StoreError::Database(e.to_string()))
    }

    fn decode<R: sqlx::Row>(row: &'r R, checked: bool) -> Result<TaskRow<'r>, sqlx::Error>
    where
        usize: sqlx::ColumnIndex<R>,
        &'r str: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        fn get<'r, R: sqlx::Row, T>(row: &'r R, index: usize, checked: bool) -> Result<T, sqlx::Error>
        where
            usize: sqlx::ColumnIndex<R>,
            T: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        {
            if checked { row.try_get(index) } else { row.try_get_unchecked(index) }
        }
        Ok(TaskRow {
            template: get(row, 0, checked)?,
            unit: get(row, 1, checked)?,
            state: get(row, 2, checked)?,
            starts_at: get(row, 3, checked)?,
            due_at: get(row, 4, checked)?,
            completed_at: get(row, 5, checked)?,
            figures: get(row, 6, checked)?,
            note: get(row, 7, checked)?,
            typical: get(row, 8, checked)?,
        })
    }
}

/// A unit's columns a snapshot needs: id, name, level, parent, email.
type UnitRow = (String, String, String, Option<String>, String);

/// The snapshot of `run` as the database holds it now (`at`), for the report time `scheduled_at`.
pub(crate) async fn take_snapshot(
    db: &impl ConnectionTrait,
    run: &run::Model,
    campaign: &Campaign,
    report: Option<&str>,
    scheduled_at: i64,
    at: i64,
) -> Result<Snapshot, StoreError> {
    let err = |e: DbErr| StoreError::Database(e.to_string());
    let query = task::Entity::find()
        .select_only()
        .columns(TASK_COLUMNS)
        .filter(task::Column::RunId.eq(run.id))
        .order_by_asc(task::Column::Id)
        .build(db.get_database_backend());
    let fetched = db.query_all_raw(query).await.map_err(err)?;
    let rows = fetched.iter().enumerate().map(|(i, row)| TaskRow::read(row, i == 0)).collect::<Result<Vec<_>, _>>()?;
    // The units the tasks concern, their ancestors and the owner, in directory preorder.
    let all_units: Vec<UnitRow> = unit::Entity::find()
        .select_only()
        .columns([unit::Column::Id, unit::Column::Name, unit::Column::Level, unit::Column::Parent, unit::Column::Email])
        .order_by_asc(unit::Column::Position)
        .into_tuple::<UnitRow>()
        .all(db)
        .await
        .map_err(err)?;
    let by_id: HashMap<&str, usize> = all_units.iter().enumerate().map(|(i, u)| (u.0.as_str(), i)).collect();
    let parent_of: Vec<Option<usize>> =
        all_units.iter().map(|u| u.3.as_deref().and_then(|p| by_id.get(p).copied())).collect();
    let mut wanted = vec![false; all_units.len()];
    let mut mark = |mut at: Option<usize>| {
        while let Some(i) = at {
            if wanted[i] {
                break;
            }
            wanted[i] = true;
            at = parent_of[i];
        }
    };
    mark(by_id.get(campaign.owner.as_str()).copied());
    // Each task's unit as its place in `all_units`, looked up once (consecutive tasks often share one).
    let mut last: Option<(&str, Option<usize>)> = None;
    let task_units: Vec<Option<usize>> = rows
        .iter()
        .map(|row| {
            let found = match last {
                Some((id, found)) if id == row.unit => found,
                _ => by_id.get(row.unit).copied(),
            };
            last = Some((row.unit, found));
            mark(found);
            found
        })
        .collect();
    let owner = by_id.get(campaign.owner.as_str()).copied();
    drop(by_id);
    // `all_units` index → `units` index, for the units kept.
    let mut kept: Vec<Option<usize>> = vec![None; all_units.len()];
    let mut units = Vec::new();
    for (i, (id, name, level, _parent, email)) in all_units.into_iter().enumerate() {
        if wanted[i] {
            kept[i] = Some(units.len());
            units.push(SnapshotUnit { id, name, level, parent: parent_of[i].and_then(|p| kept[p]), email });
        }
    }
    let mut templates: Vec<SnapshotTemplate> = campaign
        .tasks
        .iter()
        .map(|t| SnapshotTemplate {
            id: t.id.clone(),
            title: t.title.clone(),
            kind: t.kind,
            figures: t.figures.clone(),
        })
        .collect();
    let mut template_index: HashMap<&str, usize> =
        campaign.tasks.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
    let mut last_template: Option<(&str, usize)> = None;
    let mut tasks = Vec::with_capacity(rows.len());
    for (row, unit) in rows.iter().zip(task_units) {
        let state = crate::stored::task_state(row.state, 0)?;
        let template = match last_template {
            Some((id, i)) if id == row.template => i,
            _ => match template_index.get(row.template) {
                Some(&i) => i,
                None => {
                    // A template since removed from the campaign: its (cancelled) tasks keep their title.
                    let title = removed_template_title(db, run.id, row.template).await?;
                    templates.push(SnapshotTemplate {
                        id: row.template.to_string(),
                        title,
                        kind: campaign::TaskKind::Other,
                        figures: Vec::new(),
                    });
                    template_index.insert(row.template, templates.len() - 1);
                    templates.len() - 1
                }
            },
        };
        last_template = Some((row.template, template));
        let Some(unit) = unit.and_then(|u| kept[u]) else {
            // A unit since removed from the directory: its tasks were cancelled; nothing to report.
            continue;
        };
        let figures: BTreeMap<String, f64> = match row.figures {
            Some(text) if !text.is_empty() => serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
                what: format!("figures of task {}/{} do not read ({e})", row.template, row.unit),
            })?,
            _ => BTreeMap::new(),
        };
        tasks.push(SnapshotTask {
            template,
            unit,
            state,
            starts_at: row.starts_at,
            due_at: row.due_at,
            completed_at: row.completed_at,
            figures,
            note: row.note.filter(|n| !n.trim().is_empty()).map(str::to_string),
            typical: row.typical,
            registered: BTreeMap::new(),
        });
    }
    add_register_counts(db, run, &templates, &units, &mut tasks, at).await?;
    let owner = owner.and_then(|o| kept[o]).unwrap_or(0);
    Ok(Snapshot {
        version: SNAPSHOT_VERSION,
        campaign: run.campaign.clone(),
        campaign_name: campaign.name.clone(),
        run: run.key.clone(),
        report: report.map(str::to_string),
        timezone: run.timezone.parse().unwrap_or(campaign.timezone),
        scheduled_at,
        at,
        opens_at: run.opens_at,
        closes_at: run.closes_at,
        closed: run.closed_at.is_some_and(|c| c <= at),
        owner,
        units,
        templates,
        tasks,
    })
}

/// Puts the register's count of every figure counted from it (`counted:`) on each task of its
/// template, over the task unit's books from the run's opening to `at` (or its close).
async fn add_register_counts(
    db: &impl ConnectionTrait,
    run: &run::Model,
    templates: &[SnapshotTemplate],
    units: &[SnapshotUnit],
    tasks: &mut [SnapshotTask],
    at: i64,
) -> Result<(), StoreError> {
    let window = crate::counted::run_window(run, at);
    for (index, template) in templates.iter().enumerate() {
        for figure in &template.figures {
            let Some(count) = figure.counted else { continue };
            let mut ids: Vec<&str> =
                tasks.iter().filter(|t| t.template == index).map(|t| units[t.unit].id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            let counts = crate::registry::register_counts(db, count, window, &ids)
                .await
                .map_err(|e| StoreError::Database(e.to_string()))?;
            for task in tasks.iter_mut().filter(|t| t.template == index) {
                let n = counts.get(&units[task.unit].id).copied().unwrap_or(0);
                task.registered.insert(figure.key.clone(), n);
            }
        }
    }
    Ok(())
}

/// The title a removed template's tasks were given (they keep it; the campaign no longer has it).
async fn removed_template_title(db: &impl ConnectionTrait, run_id: i64, template: &str) -> Result<String, StoreError> {
    let title: Option<String> = task::Entity::find()
        .select_only()
        .column(task::Column::Title)
        .filter(task::Column::RunId.eq(run_id))
        .filter(task::Column::Template.eq(template))
        .into_tuple()
        .one(db)
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?;
    Ok(title.unwrap_or_else(|| template.to_string()))
}

/// A snapshot on demand: `campaign`'s run `key` as it stands at `at` (for `guiyan report`). `None`
/// if there is no such run.
pub async fn snapshot_now(
    store: &Store,
    campaign: &Campaign,
    key: &str,
    at: DateTime<Utc>,
) -> Result<Option<Snapshot>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let Some(run) = run::Entity::find()
        .filter(run::Column::Campaign.eq(&campaign.id))
        .filter(run::Column::Key.eq(key))
        .one(&store.db)
        .await
        .map_err(err)?
    else {
        return Ok(None);
    };
    let at = at.timestamp();
    Ok(Some(take_snapshot(&store.db, &run, campaign, None, at, at).await?))
}

/// A stored snapshot with the two it is compared with.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredSnapshot {
    pub id: i64,
    pub snapshot: Snapshot,
    /// The previous snapshot of the same report of the same run (较上期).
    pub previous: Option<Snapshot>,
    /// Last season's snapshot of the same report at the same point of its run (同比).
    pub last_season: Option<Snapshot>,
}

fn read_snapshot(row: &snapshot::Model) -> Result<Snapshot, StoreError> {
    Snapshot::from_json(&row.data).map_err(|e| StoreError::Corrupt { what: format!("snapshot {}: {e}", row.id) })
}

/// The snapshot with `id`, with its previous one and last season's.
pub(crate) async fn stored_snapshot(db: &impl ConnectionTrait, id: i64) -> Result<Option<StoredSnapshot>, StoreError> {
    let err = |e: DbErr| StoreError::Database(e.to_string());
    let Some(row) = snapshot::Entity::find_by_id(id).one(db).await.map_err(err)? else { return Ok(None) };
    let snapshot = read_snapshot(&row)?;
    let previous = snapshot::Entity::find()
        .filter(snapshot::Column::RunId.eq(row.run_id))
        .filter(snapshot::Column::Report.eq(&row.report))
        .filter(snapshot::Column::ScheduledAt.lt(row.scheduled_at))
        .order_by_desc(snapshot::Column::ScheduledAt)
        .one(db)
        .await
        .map_err(err)?;
    let previous = previous.as_ref().map(read_snapshot).transpose()?;
    // Last season: the campaign's run opened before this one, latest first; its snapshot of the
    // same report taken at the same point (time since opening) or the last before that point.
    let last_run = run::Entity::find()
        .filter(run::Column::Campaign.eq(&snapshot.campaign))
        .filter(run::Column::OpensAt.lt(snapshot.opens_at))
        .order_by_desc(run::Column::OpensAt)
        .one(db)
        .await
        .map_err(err)?;
    let mut last_season = None;
    if let Some(last_run) = last_run {
        let point = last_run.opens_at + (row.scheduled_at - snapshot.opens_at);
        let found = snapshot::Entity::find()
            .filter(snapshot::Column::RunId.eq(last_run.id))
            .filter(snapshot::Column::Report.eq(&row.report))
            .filter(snapshot::Column::ScheduledAt.lte(point))
            .order_by_desc(snapshot::Column::ScheduledAt)
            .one(db)
            .await
            .map_err(err)?;
        last_season = found.as_ref().map(read_snapshot).transpose()?;
    }
    Ok(Some(StoredSnapshot { id, snapshot, previous, last_season }))
}

/// The stored snapshots of a run: (id, report, scheduled at), in time order.
pub async fn snapshots_of_run(store: &Store, campaign: &str, key: &str) -> Result<Vec<(i64, String, i64)>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let Some(run) = run::Entity::find()
        .filter(run::Column::Campaign.eq(campaign))
        .filter(run::Column::Key.eq(key))
        .one(&store.db)
        .await
        .map_err(err)?
    else {
        return Ok(Vec::new());
    };
    snapshot::Entity::find()
        .select_only()
        .columns([snapshot::Column::Id, snapshot::Column::Report, snapshot::Column::ScheduledAt])
        .filter(snapshot::Column::RunId.eq(run.id))
        .order_by_asc(snapshot::Column::ScheduledAt)
        .order_by_asc(snapshot::Column::Id)
        .into_tuple()
        .all(&store.db)
        .await
        .map_err(err)
}

/// A stored snapshot by id, with the two it is compared with.
pub async fn snapshot(store: &Store, id: i64) -> Result<Option<StoredSnapshot>, StoreError> {
    stored_snapshot(&store.db, id).await
}

/// Report notices not yet composed into a mail (ids), oldest first, at most `limit`.
pub async fn pending_reports(store: &Store, limit: u64) -> Result<Vec<i64>, StoreError> {
    report_notice::Entity::find()
        .select_only()
        .column(report_notice::Column::Id)
        .filter(report_notice::Column::MailId.is_null())
        .order_by_asc(report_notice::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))
}

/// Everything needed to write one report mail.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportMailData {
    /// The mail's idempotency key.
    pub key: String,
    /// The report's id in its campaign.
    pub report: String,
    pub recipient: UnitInfo,
    /// Whether the recipient is a reader of a directory group (else a unit).
    pub is_reader: bool,
    /// The generation the recipient's links must carry (for the dashboard link in the mail).
    pub link_generation: u32,
    pub snapshot: StoredSnapshot,
}

/// Composes the report notice `id` into one queued mail with `render`, in one transaction. `None`
/// if it is composed already (by another process) or its snapshot is gone.
pub async fn compose_report<E>(
    store: &Store,
    id: i64,
    now: DateTime<Utc>,
    render: impl FnOnce(&ReportMailData) -> Result<ComposedMail, E>,
) -> Result<Option<Result<String, E>>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
    let mut query = report_notice::Entity::find_by_id(id).filter(report_notice::Column::MailId.is_null());
    if txn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some(notice) = query.one(&txn).await.map_err(err)? else { return Ok(None) };
    let Some(stored) = stored_snapshot(&txn, notice.snapshot_id).await? else { return Ok(None) };
    let (recipient, is_reader) =
        match reader::Entity::find_by_id(notice.recipient.clone()).one(&txn).await.map_err(err)? {
            Some(r) => (UnitInfo { id: r.key, name: r.name, email: r.email }, true),
            None => match unit::Entity::find_by_id(notice.recipient.clone()).one(&txn).await.map_err(err)? {
                Some(u) => (UnitInfo { id: u.id, name: u.name, email: u.email }, false),
                None => (
                    UnitInfo { id: notice.recipient.clone(), name: notice.recipient.clone(), email: String::new() },
                    false,
                ),
            },
        };
    let report = stored.snapshot.report.clone().unwrap_or_default();
    let subject_key = if is_reader { format!("r:{}", recipient.id) } else { format!("u:{}", recipient.id) };
    let link_generation = link_subject::Entity::find_by_id(subject_key)
        .one(&txn)
        .await
        .map_err(err)?
        .map_or(0, |r| u32::try_from(r.generation).unwrap_or(0));
    let data = ReportMailData {
        key: format!("{}/{}/report/{}/{}", stored.snapshot.campaign, stored.snapshot.run, report, notice.key),
        report,
        recipient,
        is_reader,
        link_generation,
        snapshot: stored,
    };
    let composed = match render(&data) {
        Ok(composed) => composed,
        Err(e) => return Ok(Some(Err(e))),
    };
    let now = now.timestamp();
    let about = MailAbout {
        key: &data.key,
        campaign: &data.snapshot.snapshot.campaign,
        run_key: &data.snapshot.snapshot.run,
        kind: "report",
        recipient: &notice.recipient,
        task_count: 0,
    };
    let mail_id = queue_mail(&txn, &about, composed, now).await.map_err(err)?;
    report_notice::Entity::update_many()
        .col_expr(report_notice::Column::MailId, Expr::value(mail_id))
        .filter(report_notice::Column::Id.eq(notice.id))
        .exec(&txn)
        .await
        .map_err(err)?;
    txn.commit().await.map_err(err)?;
    Ok(Some(Ok(data.key)))
}
