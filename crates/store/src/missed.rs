//! Runs that never opened: their whole window passed while no engine ran. Each is recorded as a
//! run with no tasks and a `missed_at` time, so that it shows in `guiyan status`, is never opened
//! late, and its campaign's owner gets one `run-missed` notice.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use plan::{MissedRun, NoticeKind, RunAnchor};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};

use crate::bulk::Rows;
use crate::connect::Store;
use crate::entities::{definition, run};
use crate::error::StoreError;
use crate::event_kind::EventKind;
use crate::operate::{Actor, begin_options, record_event};
use crate::tick::{Owners, insert_notices};

/// When each campaign's first definition was applied: since then, its runs are the engine's
/// to open, and one that never opened was missed.
pub async fn campaigns_in_use_since(store: &Store) -> Result<HashMap<String, DateTime<Utc>>, StoreError> {
    let rows: Vec<(String, Option<i64>)> = definition::Entity::find()
        .select_only()
        .column(definition::Column::Campaign)
        .column_as(definition::Column::AppliedAt.min(), "since")
        .group_by(definition::Column::Campaign)
        .into_tuple()
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(rows
        .into_iter()
        .filter_map(|(campaign, since)| Some((campaign, DateTime::from_timestamp(since?, 0)?)))
        .collect())
}

/// Records `missed` runs at `now`, each with a `run-missed` notice to its campaign's owner, in one
/// transaction. A run another process recorded meanwhile is left as it is. Returns the runs
/// recorded here: (campaign, key).
pub async fn record_missed_runs(
    store: &Store,
    missed: &[MissedRun],
    owners: &Owners,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<Vec<(String, String)>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    if missed.is_empty() {
        return Ok(Vec::new());
    }
    let now = now.timestamp();
    let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
    let mut recorded = Vec::new();
    let mut notices = Rows::new();
    for run in missed {
        // The version in force, so the run row names the definition it was missed under.
        let definition_id: Option<i64> = definition::Entity::find()
            .select_only()
            .column_as(definition::Column::Id.max(), "id")
            .filter(definition::Column::Campaign.eq(&run.campaign))
            .into_tuple()
            .one(&txn)
            .await
            .map_err(err)?
            .flatten();
        let Some(definition_id) = definition_id else { continue };
        let anchor = match run.anchor {
            RunAnchor::Day(day) => day.to_string(),
            RunAnchor::Instant(at) => at.to_rfc3339(),
        };
        let inserted = run::Entity::insert(run::ActiveModel {
            campaign: Set(run.campaign.clone()),
            key: Set(run.key.clone()),
            definition_id: Set(definition_id),
            anchor: Set(anchor),
            opens_at: Set(run.opens_at.timestamp()),
            closes_at: Set(run.closes_at.timestamp()),
            timezone: Set(run.timezone.to_string()),
            next_event_at: Set(None),
            closed_at: Set(Some(run.closes_at.timestamp())),
            missed_at: Set(Some(now)),
            ..Default::default()
        })
        .on_conflict(OnConflict::columns([run::Column::Campaign, run::Column::Key]).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await
        .map_err(err)?;
        if inserted == 0 {
            continue;
        }
        let run_id: Option<i64> = run::Entity::find()
            .select_only()
            .column(run::Column::Id)
            .filter(run::Column::Campaign.eq(&run.campaign))
            .filter(run::Column::Key.eq(&run.key))
            .into_tuple()
            .one(&txn)
            .await
            .map_err(err)?;
        let Some(run_id) = run_id else { continue };
        let detail =
            serde_json::json!({ "opens_at": run.opens_at.timestamp(), "closes_at": run.closes_at.timestamp() });
        let scope = Some((run.campaign.as_str(), Some(run.key.as_str())));
        record_event(&txn, now, actor, EventKind::RunMissed, scope, None, detail).await.map_err(err)?;
        if let Some(owner) = owners.get(&run.campaign) {
            let kind = NoticeKind::RunMissed.name();
            let key = format!("run:{run_id}/{kind}/{owner}");
            notices.row().text(&key).int(run_id).opt_int(None).text(kind).text(owner).int(now);
        }
        recorded.push((run.campaign.clone(), run.key.clone()));
    }
    insert_notices(&txn, notices, now).await.map_err(err)?;
    txn.commit().await.map_err(err)?;
    Ok(recorded)
}
