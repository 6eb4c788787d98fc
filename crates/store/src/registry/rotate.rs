//! Rotating the registry's data key: a new current key in the key file, then every sealed value
//! opened and sealed again under it, in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, TransactionTrait};
use vault::{Algorithm, Vault};

use crate::connect::Store;
use crate::entities::person;
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::scope::{StoreOrRegistry, Viewer};
use crate::registry::sealing::{ADDRESS_COLUMN, ID_NUMBER_COLUMN, MOBILE_COLUMN};

/// What a rotation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rotated {
    pub key_id: u32,
    pub resealed_values: u64,
}

/// Adds a new data key of `algorithm` to the key file and reseals every value under it. The key
/// file is written first and keeps the old keys, so a failed reseal leaves every value readable
/// (and the next rotation reseals them). Logged as `rotate-key`.
pub async fn rotate_key(
    store: &Store,
    vault: &mut Vault,
    algorithm: Algorithm,
    viewer: &Viewer,
    now: DateTime<Utc>,
) -> Result<Rotated, StoreError> {
    let key_id = vault.rotate(algorithm).map_err(|e| StoreError::Registry(e.into()))?;
    let vault = &*vault;
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let mut count = 0u64;
        for p in person::Entity::find().all(&txn).await? {
            let reseal = |column: &str, value: &Option<Vec<u8>>| -> Result<Option<Vec<u8>>, vault::VaultError> {
                match value {
                    Some(sealed) if vault.needs_reseal(sealed)? => {
                        let plain = vault.open(column, sealed)?;
                        Ok(Some(vault.seal(column, &plain)?))
                    }
                    _ => Ok(None),
                }
            };
            let id = reseal(ID_NUMBER_COLUMN, &p.id_number_sealed)?;
            let mobile = reseal(MOBILE_COLUMN, &p.mobile_sealed)?;
            let address = reseal(ADDRESS_COLUMN, &p.address_sealed)?;
            if id.is_none() && mobile.is_none() && address.is_none() {
                continue;
            }
            count += [&id, &mobile, &address].iter().filter(|v| v.is_some()).count() as u64;
            let mut active = p.into_active_model();
            if let Some(v) = id {
                active.id_number_sealed = Set(Some(v));
            }
            if let Some(v) = mobile {
                active.mobile_sealed = Set(Some(v));
            }
            if let Some(v) = address {
                active.address_sealed = Set(Some(v));
            }
            active.update(&txn).await?;
        }
        let entry = NewEntry {
            action: AccessAction::RotateKey,
            person_id: None,
            filter: Some(format!("key={key_id} algorithm={} resealed={count}", algorithm.name())),
            fields: Vec::new(),
            reason: None,
            outcome: AccessOutcome::Ok,
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(count)
    };
    let resealed_values = work.await.map_err(|e| e.into_store(&store.url))?;
    Ok(Rotated { key_id, resealed_values })
}
