//! A unit's PIN, asked before a person's full record is shown: set by the unit on first use,
//! tried with five wrong tries in a row locking it for fifteen minutes, reset by the unit above.
//! Stored as the vault's keyed hash of the unit and the digits: the key is in the key file, not
//! the database, so a copy of the database cannot be tried offline against the million PINs.
//! Every set, try and reset is written to the access log.

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use talent::Pin;
use vault::Vault;

use crate::connect::Store;
use crate::entities::{unit, unit_pin};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::error::RegistryError;
use crate::registry::scope::{Scope, StoreOrRegistry, Viewer};

/// Wrong tries in a row that lock a PIN.
pub const PIN_TRIES: i32 = 5;
/// How long a locked PIN stays locked.
pub const PIN_LOCK_SECONDS: i64 = 15 * 60;

/// What trying a PIN came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinCheck {
    /// The right PIN.
    Right,
    /// A wrong one; this many tries are left before the lock.
    Wrong { tries_left: u32 },
    /// Locked (now, or by this wrong try) until then; the PIN was not tried.
    Locked { until: DateTime<Utc> },
    /// The unit has no PIN yet: it sets one first.
    NotSet,
}

fn pin_hash(vault: &Vault, unit: &str, pin: &Pin) -> String {
    vault.blind_index("unit-pin", &format!("{unit}:{}", pin.digits())).to_hex()
}

fn own_unit(viewer: &Viewer) -> Result<&str, RegistryError> {
    match &viewer.scope {
        Scope::Unit(unit) => Ok(unit),
        Scope::All => Err(RegistryError::NoUnit),
    }
}

fn entry(action: AccessAction, outcome: AccessOutcome, filter: Option<String>) -> NewEntry {
    NewEntry { action, person_id: None, filter, fields: Vec::new(), reason: None, outcome }
}

/// Whether the viewer's unit has a PIN.
pub async fn pin_is_set(store: &Store, viewer: &Viewer) -> Result<bool, StoreError> {
    let unit = own_unit(viewer)?;
    let found = unit_pin::Entity::find_by_id(unit.to_string())
        .one(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(found.is_some())
}

/// Sets the viewer's unit's first PIN; refused if it has one (the unit above resets it).
pub async fn set_pin(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    pin: &Pin,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let unit = own_unit(viewer)?.to_string();
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        if unit_pin::Entity::find_by_id(unit.clone()).one(&txn).await?.is_some() {
            return Err(RegistryError::PinAlreadySet(unit.clone()).into());
        }
        unit_pin::Entity::insert(unit_pin::ActiveModel {
            unit: Set(unit.clone()),
            pin_hash: Set(pin_hash(vault, &unit, pin)),
            failed_tries: Set(0),
            locked_until: Set(None),
            set_at: Set(now.timestamp()),
        })
        .exec_without_returning(&txn)
        .await?;
        access_log::append(
            &txn,
            now.timestamp(),
            viewer,
            entry(AccessAction::Unlock, AccessOutcome::Ok, Some("set".into())),
        )
        .await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(())
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// Tries `pin` for the viewer's unit. Five wrong tries in a row lock it for fifteen minutes
/// (tries while locked are not compared, and do not extend the lock); the right one clears the
/// count. Every try is logged, a wrong or locked one as refused.
pub async fn check_pin(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    pin: &Pin,
    now: DateTime<Utc>,
) -> Result<PinCheck, StoreError> {
    let unit = own_unit(viewer)?.to_string();
    let at = now.timestamp();
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let Some(row) = unit_pin::Entity::find_by_id(unit.clone()).one(&txn).await? else {
            return Ok(PinCheck::NotSet);
        };
        let locked = |until: i64| PinCheck::Locked { until: Utc.timestamp_opt(until, 0).single().unwrap_or(now) };
        let check = match row.locked_until {
            Some(until) if until > at => locked(until),
            _ if row.pin_hash == pin_hash(vault, &unit, pin) => {
                unit_pin::Entity::update_many()
                    .col_expr(unit_pin::Column::FailedTries, Expr::value(0))
                    .col_expr(unit_pin::Column::LockedUntil, Expr::value(Option::<i64>::None))
                    .filter(unit_pin::Column::Unit.eq(unit.clone()))
                    .exec(&txn)
                    .await?;
                PinCheck::Right
            }
            _ => {
                // A lock that ran out starts the count again.
                let before = if row.locked_until.is_some() { 0 } else { row.failed_tries };
                let failed = before + 1;
                let until = (failed >= PIN_TRIES).then_some(at + PIN_LOCK_SECONDS);
                unit_pin::Entity::update_many()
                    .col_expr(unit_pin::Column::FailedTries, Expr::value(if until.is_some() { 0 } else { failed }))
                    .col_expr(unit_pin::Column::LockedUntil, Expr::value(until))
                    .filter(unit_pin::Column::Unit.eq(unit.clone()))
                    .exec(&txn)
                    .await?;
                match until {
                    Some(until) => locked(until),
                    None => PinCheck::Wrong { tries_left: (PIN_TRIES - failed).max(0) as u32 },
                }
            }
        };
        let outcome = if check == PinCheck::Right { AccessOutcome::Ok } else { AccessOutcome::Refused };
        let filter = match check {
            PinCheck::Locked { .. } => "locked",
            _ => "try",
        };
        access_log::append(&txn, at, viewer, entry(AccessAction::Unlock, outcome, Some(filter.into()))).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(check)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}

/// Clears `unit`'s PIN (it sets a new one on its next use), by the unit directly above it or the
/// district (`Scope::All`). True if it had one.
pub async fn reset_pin(store: &Store, viewer: &Viewer, unit: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let row = unit::Entity::find_by_id(unit.to_string())
            .one(&txn)
            .await?
            .ok_or(RegistryError::NoSuchUnit(unit.into()))?;
        let allowed = match &viewer.scope {
            Scope::All => true,
            Scope::Unit(scope) => row.parent.as_deref() == Some(scope.as_str()),
        };
        if !allowed {
            return Err(RegistryError::NotParent(unit.to_string()).into());
        }
        let removed = unit_pin::Entity::delete_by_id(unit.to_string()).exec(&txn).await?.rows_affected > 0;
        let filter = Some(format!("unit={unit}"));
        access_log::append(&txn, now.timestamp(), viewer, entry(AccessAction::PinReset, AccessOutcome::Ok, filter))
            .await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(removed)
    };
    work.await.map_err(|e| e.into_store(&store.url))
}
