//! What signed links need from the database: the secret (created on first use from the operating
//! system's random source, rotatable), the generation each link subject's links must carry (bumped
//! to revoke them all), and the readers of the directory's report-recipient groups.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::Serialize;

use crate::connect::Store;
use crate::entities::{link_subject, reader, setting};
use crate::error::StoreError;
use crate::operate::begin_options;

/// The settings key of the link secret.
const SECRET_KEY: &str = "link-secret";

/// The link secret's length in bytes.
pub const LINK_SECRET_LEN: usize = 32;

/// The secret that signs links, sessions and form tokens: read, or created on first use.
pub async fn link_secret(store: &Store, now: DateTime<Utc>) -> Result<[u8; LINK_SECRET_LEN], StoreError> {
    if let Some(secret) = read_secret(store).await? {
        return Ok(secret);
    }
    let fresh = random_secret()?;
    // Two processes starting together: the first insert wins and both read it back.
    setting::Entity::insert(setting::ActiveModel {
        key: Set(SECRET_KEY.to_string()),
        value: Set(hex(&fresh)),
        updated_at: Set(now.timestamp()),
    })
    .on_conflict(OnConflict::column(setting::Column::Key).do_nothing().to_owned())
    .exec_without_returning(&store.db)
    .await
    .map_err(|e| StoreError::from_db(&store.url, e))?;
    read_secret(store).await?.ok_or_else(|| StoreError::Corrupt { what: "no link secret after creating one".into() })
}

/// Replaces the link secret: every link, session and form token signed so far stops working.
pub async fn rotate_link_secret(store: &Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    let fresh = random_secret()?;
    setting::Entity::insert(setting::ActiveModel {
        key: Set(SECRET_KEY.to_string()),
        value: Set(hex(&fresh)),
        updated_at: Set(now.timestamp()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(&store.db)
    .await
    .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(())
}

async fn read_secret(store: &Store) -> Result<Option<[u8; LINK_SECRET_LEN]>, StoreError> {
    let row = setting::Entity::find_by_id(SECRET_KEY.to_string())
        .one(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    let Some(row) = row else { return Ok(None) };
    parse_secret(&row.value).map(Some)
}

fn parse_secret(text: &str) -> Result<[u8; LINK_SECRET_LEN], StoreError> {
    let bytes = unhex(text)
        .filter(|b| b.len() == LINK_SECRET_LEN)
        .ok_or_else(|| StoreError::Corrupt { what: "a link secret that is not 32 bytes of hex".into() })?;
    let mut secret = [0u8; LINK_SECRET_LEN];
    secret.copy_from_slice(&bytes);
    Ok(secret)
}

fn random_secret() -> Result<[u8; LINK_SECRET_LEN], StoreError> {
    let mut secret = [0u8; LINK_SECRET_LEN];
    getrandom::fill(&mut secret)
        .map_err(|e| StoreError::Database(format!("the operating system gave no random bytes: {e}")))?;
    Ok(secret)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// The key under which a subject's generation is kept: `u:UNIT` or `r:READER`.
pub fn subject_key(subject: &links::Subject) -> String {
    match subject {
        links::Subject::Unit(unit) => format!("u:{unit}"),
        links::Subject::Reader(reader) => format!("r:{reader}"),
    }
}

/// A fresh link token for `subject`, valid until `expires_at` (Unix seconds), of its current
/// generation, signed with the installation's secret (created on first use).
pub async fn sign_link(
    store: &Store,
    subject: &links::Subject,
    expires_at: i64,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let secret = links::LinkSecret::new(link_secret(store, now).await?);
    let generation = link_generation(store, &subject_key(subject)).await?;
    Ok(links::sign(&secret, &links::Claims::link(subject.clone(), generation, expires_at)))
}

/// The generation `subject`'s links must carry (0 until revoked once).
pub async fn link_generation(store: &Store, subject: &str) -> Result<u32, StoreError> {
    let row = link_subject::Entity::find_by_id(subject.to_string())
        .one(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(row.map_or(0, |r| u32::try_from(r.generation).unwrap_or(0)))
}

/// What a token of `subject` is checked against, read together in one query on every request:
/// the generation its links must carry and the secret they must be signed with (so a revocation or
/// a rotation by another process takes effect at once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkStanding {
    pub generation: u32,
    /// `None` until a secret was made.
    pub secret: Option<[u8; LINK_SECRET_LEN]>,
}

/// The standing of `subject`'s tokens now (see [`LinkStanding`]).
pub async fn link_standing(store: &Store, subject: &str) -> Result<LinkStanding, StoreError> {
    Ok(link_standing_and_unit(store, subject, None).await?.0)
}

/// A unit as a session sees it: its row, and whether units are below it (it has a dashboard).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitPlace {
    pub unit: crate::UnitRow,
    pub has_units_below: bool,
}

/// The standing of `subject`'s tokens and, read in the same statement, the unit `unit` (a unit's
/// session needs both on every request: one round trip instead of three).
pub async fn link_standing_and_unit(
    store: &Store,
    subject: &str,
    unit: Option<&str>,
) -> Result<(LinkStanding, Option<UnitPlace>), StoreError> {
    use sea_orm::{ConnectionTrait, Statement};
    let err = |e| StoreError::from_db(&store.url, e);
    let backend = store.db.get_database_backend();
    // One row always (the LEFT JOIN of a one-row table): the unit's columns are NULL without one.
    let sql = crate::status::numbered(
        backend,
        "SELECT (SELECT generation FROM link_subjects WHERE subject = ?1), \
             (SELECT value FROM settings WHERE key = ?2), \
             u.id, u.name, u.level, u.email, u.parent, u.depth, u.position, u.subtree_end \
         FROM (SELECT 1 AS one) AS o LEFT JOIN units u ON u.id = ?3",
    );
    let values: [sea_orm::Value; 3] = [subject.into(), SECRET_KEY.into(), unit.map(str::to_string).into()];
    let row = store.db.query_one_raw(Statement::from_sql_and_values(backend, sql, values)).await.map_err(err)?;
    let Some(row) = row else { return Ok((LinkStanding { generation: 0, secret: None }, None)) };
    // The generation column is an INTEGER: i32 on PostgreSQL, i64 on SQLite; so are the units'.
    let int = |i: usize| -> Result<Option<i64>, StoreError> {
        match backend {
            sea_orm::DbBackend::Postgres => Ok(row.try_get_by_index::<Option<i32>>(i).map_err(err)?.map(i64::from)),
            _ => row.try_get_by_index(i).map_err(err),
        }
    };
    let generation = int(0)?;
    let secret: Option<String> = row.try_get_by_index(1).map_err(err)?;
    let secret = match secret {
        None => None,
        Some(text) => Some(parse_secret(&text)?),
    };
    let standing = LinkStanding { generation: generation.map_or(0, |g| u32::try_from(g).unwrap_or(0)), secret };
    let id: Option<String> = row.try_get_by_index(2).map_err(err)?;
    let place = match id {
        None => None,
        Some(id) => {
            let (depth, position, end) = (int(7)?.unwrap_or(0), int(8)?.unwrap_or(0), int(9)?.unwrap_or(0));
            Some(UnitPlace {
                unit: crate::UnitRow {
                    id,
                    name: row.try_get_by_index(3).map_err(err)?,
                    level: row.try_get_by_index(4).map_err(err)?,
                    email: row.try_get_by_index(5).map_err(err)?,
                    parent: row.try_get_by_index(6).map_err(err)?,
                    depth: u32::try_from(depth).unwrap_or(0),
                },
                // A unit's subtree is the positions [position, subtree_end): itself, then its
                // descendants (as `has_units_below`).
                has_units_below: end > position + 1,
            })
        }
    };
    Ok((standing, place))
}

/// Revokes every link of `subject` so far; returns the new generation.
pub async fn revoke_links(store: &Store, subject: &str, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let txn = store.db.begin_with_options(begin_options()).await.map_err(err)?;
    let current = link_subject::Entity::find_by_id(subject.to_string()).one(&txn).await.map_err(err)?;
    let next = current.as_ref().map_or(1, |r| r.generation.saturating_add(1));
    let active = link_subject::ActiveModel {
        subject: Set(subject.to_string()),
        generation: Set(next),
        updated_at: Set(now.timestamp()),
    };
    if current.is_some() {
        link_subject::Entity::update(active).exec(&txn).await.map_err(err)?;
    } else {
        link_subject::Entity::insert(active).exec_without_returning(&txn).await.map_err(err)?;
    }
    txn.commit().await.map_err(err)?;
    Ok(u32::try_from(next).unwrap_or(0))
}

/// A member of a report-recipient group, who reads the dashboard by a personal link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reader {
    /// Opaque: what the reader's links name.
    pub key: String,
    pub group: String,
    pub name: String,
    pub email: String,
    /// The unit whose subtree the reader sees.
    pub scope: String,
}

impl From<reader::Model> for Reader {
    fn from(r: reader::Model) -> Reader {
        Reader { key: r.key, group: r.group_name, name: r.name, email: r.email, scope: r.scope }
    }
}

/// Every reader, by group and name.
pub async fn readers(store: &Store) -> Result<Vec<Reader>, StoreError> {
    Ok(reader::Entity::find()
        .order_by_asc(reader::Column::GroupName)
        .order_by_asc(reader::Column::Name)
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?
        .into_iter()
        .map(Reader::from)
        .collect())
}

/// The reader of `key`, or of that email address (a person in one group).
pub async fn reader(store: &Store, key_or_email: &str) -> Result<Option<Reader>, StoreError> {
    let found = reader::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(reader::Column::Key.eq(key_or_email))
                .add(reader::Column::Email.eq(key_or_email)),
        )
        .order_by_asc(reader::Column::Key)
        .one(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(found.map(Reader::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_junk() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(unhex(&hex(&bytes)).as_deref(), Some(&bytes[..]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }

    #[test]
    fn the_secret_is_made_once_kept_and_replaced_on_rotation_and_revocation_counts_up() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let store = Store::open(&format!("sqlite://{}", dir.path().join("l.db").display())).await.expect("open");
            let now = DateTime::from_timestamp(1_800_000_000, 0).expect("time");
            let first = link_secret(&store, now).await.expect("made");
            assert_eq!(link_secret(&store, now).await.expect("kept"), first);
            rotate_link_secret(&store, now).await.expect("rotated");
            assert_ne!(link_secret(&store, now).await.expect("read"), first);
            assert_eq!(link_generation(&store, "u:jiefang-1").await.expect("none yet"), 0);
            assert_eq!(revoke_links(&store, "u:jiefang-1", now).await.expect("revoked"), 1);
            assert_eq!(revoke_links(&store, "u:jiefang-1", now).await.expect("again"), 2);
            assert_eq!(link_generation(&store, "u:jiefang-1").await.expect("read"), 2);
            store.close().await;
        });
    }
}
