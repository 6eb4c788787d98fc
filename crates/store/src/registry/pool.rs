//! The reserve-cadre pool (后备干部库): a person's status moves 推荐 → 考察 → 入库 (or 退出), with
//! the route they came by (自荐 / 民主测评 / 组织推荐). A community recommends its own people; the
//! examination, admission and withdrawal are the street's or the district's (the organization
//! department's) to decide, so a community may set 推荐 only, and only for a person not under
//! examination or admitted. Every change is in the access log.
//!
//! Figures counted as `pool` (`campaign::RegisterCount::Pool`) count the persons admitted.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use talent::{PoolRoute, PoolStatus};

use crate::connect::Store;
use crate::entities::person;
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::error::RegistryError;
use crate::registry::followup::in_scope;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer};
use crate::registry::stored;

/// Sets person `person_id`'s pool status (and route, when given; the one recorded stays
/// otherwise). Refused for a person outside the viewer's scope, and for a community setting
/// anything but 推荐 (it recommends; the units above decide).
pub async fn set_pool_status(
    store: &Store,
    viewer: &Viewer,
    person_id: i64,
    status: PoolStatus,
    route: Option<PoolRoute>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let books = in_scope(&txn, viewer, person_id).await?;
        let own_book = match &viewer.scope {
            Scope::All => false,
            Scope::Unit(unit) => books.iter().any(|b| &b.unit == unit),
        };
        if own_book {
            // A community recommends a person not in the pool's process (or withdrawn from it);
            // one under examination or admitted is the units above's to move.
            let current = person::Entity::find_by_id(person_id).one(&txn).await?.and_then(|p| p.pool_status);
            let current: Option<PoolStatus> =
                stored::vocab_opt(current.as_deref(), || format!("person {person_id} with the pool status"))?;
            let decided = current.is_some_and(|c| matches!(c, PoolStatus::UnderReview | PoolStatus::Admitted));
            if status != PoolStatus::Recommended || decided {
                return Err(RegistryError::PoolDecidedAbove.into());
            }
        }
        let mut update = person::Entity::update_many()
            .col_expr(person::Column::PoolStatus, Expr::value(status.key()))
            .col_expr(person::Column::UpdatedAt, Expr::value(now.timestamp()))
            .filter(person::Column::Id.eq(person_id));
        if let Some(route) = route {
            update = update.col_expr(person::Column::PoolRoute, Expr::value(route.key()));
        }
        update.exec(&txn).await?;
        let filter = match route {
            Some(route) => format!("pool={} route={}", status.key(), route.key()),
            None => format!("pool={}", status.key()),
        };
        let entry = NewEntry {
            action: AccessAction::Pool,
            person_id: Some(person_id),
            filter: Some(filter),
            fields: Vec::new(),
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(())
    };
    work.await.map_err(|e| e.into_store(&store.url))
}
