//! The registry's access log, hash-chained: every list, reveal, export, import, addition and key
//! rotation appends one entry in the transaction that does it, and `verify` names the first entry
//! that was changed or removed.
//!
//! An entry's hash is SHA-256 over its canonical encoding — a JSON array of its fields in a fixed
//! order, the previous entry's hash among them — so changing any field of any entry, deleting one
//! or reordering them breaks the chain from there on. An entry names fields and filters, never a
//! personal value.

use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryOrder, QuerySelect, Statement};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::connect::Store;
use crate::entities::registry_access;
use crate::error::StoreError;
use crate::registry::scope::Viewer;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What was done to the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessAction {
    List,
    View,
    Reveal,
    Export,
    Import,
    Add,
    Stats,
    RotateKey,
    /// A follow-up recorded with a person.
    FollowUp,
    /// A unit's PIN tried (refused when wrong or locked) or set.
    Unlock,
    /// A unit's PIN cleared by its parent unit.
    PinReset,
    /// A person anonymised (删除).
    Erase,
    /// A person's reserve-pool status set (推荐 / 考察 / 入库 / 退出).
    Pool,
    /// Two records of one person merged into one.
    Merge,
    /// A merge undone.
    Unmerge,
    /// A person's request about their record (查阅 / 更正 / 删除) recorded.
    Request,
    /// A person's request answered (done, or refused with a reason); a correction names the
    /// fields it changed.
    RequestAnswer,
    /// A record's retention review: kept until a new date, or its review date set.
    Review,
    /// A person's suggestion (意见建议) recorded and routed.
    Suggestion,
    /// A suggestion moved (办理, 已反馈).
    SuggestionMove,
}

impl AccessAction {
    pub const ALL: [AccessAction; 20] = [
        AccessAction::List,
        AccessAction::View,
        AccessAction::Reveal,
        AccessAction::Export,
        AccessAction::Import,
        AccessAction::Add,
        AccessAction::Stats,
        AccessAction::RotateKey,
        AccessAction::FollowUp,
        AccessAction::Unlock,
        AccessAction::PinReset,
        AccessAction::Erase,
        AccessAction::Pool,
        AccessAction::Merge,
        AccessAction::Unmerge,
        AccessAction::Request,
        AccessAction::RequestAnswer,
        AccessAction::Review,
        AccessAction::Suggestion,
        AccessAction::SuggestionMove,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AccessAction::List => "list",
            AccessAction::View => "view",
            AccessAction::Reveal => "reveal",
            AccessAction::Export => "export",
            AccessAction::Import => "import",
            AccessAction::Add => "add",
            AccessAction::Stats => "stats",
            AccessAction::RotateKey => "rotate-key",
            AccessAction::FollowUp => "follow-up",
            AccessAction::Unlock => "unlock",
            AccessAction::PinReset => "pin-reset",
            AccessAction::Erase => "erase",
            AccessAction::Pool => "pool",
            AccessAction::Merge => "merge",
            AccessAction::Unmerge => "unmerge",
            AccessAction::Request => "request",
            AccessAction::RequestAnswer => "request-answer",
            AccessAction::Review => "review",
            AccessAction::Suggestion => "suggestion",
            AccessAction::SuggestionMove => "suggestion-move",
        }
    }
}

/// Whether the request was served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessOutcome {
    Ok,
    Refused,
}

impl AccessOutcome {
    pub fn name(self) -> &'static str {
        match self {
            AccessOutcome::Ok => "ok",
            AccessOutcome::Refused => "refused",
        }
    }
}

/// One entry to append.
#[derive(Clone, Debug)]
pub(crate) struct NewEntry {
    pub action: AccessAction,
    pub person_id: Option<i64>,
    /// What was asked for, without personal values: `unit=jiefang-1 offset=0 limit=50`.
    pub filter: Option<String>,
    /// The fields shown in the clear, by their keys (`mobile`); empty for masked reads.
    pub fields: Vec<&'static str>,
    pub reason: Option<String>,
    pub outcome: AccessOutcome,
}

/// An entry as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub source: String,
    pub action: String,
    pub scope: String,
    pub person_id: Option<i64>,
    pub filter: Option<String>,
    pub fields: String,
    pub reason: Option<String>,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<registry_access::Model> for AccessEntry {
    fn from(m: registry_access::Model) -> AccessEntry {
        AccessEntry {
            seq: m.seq,
            at: m.at,
            actor: m.actor,
            source: m.source,
            action: m.action,
            scope: m.scope,
            person_id: m.person_id,
            filter: m.filter,
            fields: m.fields,
            reason: m.reason,
            outcome: m.outcome,
            prev_hash: m.prev_hash,
            hash: m.hash,
        }
    }
}

impl AccessEntry {
    /// The hash this entry must carry: SHA-256 of its canonical encoding, in hex.
    pub fn expected_hash(&self) -> String {
        let canonical = serde_json::json!([
            "guiyan-registry-access-v1",
            self.seq,
            self.at,
            self.actor,
            self.source,
            self.action,
            self.scope,
            self.person_id,
            self.filter,
            self.fields,
            self.reason,
            self.outcome,
            self.prev_hash,
        ]);
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Appends an entry in the caller's transaction; returns its sequence number.
pub(crate) async fn append(db: &impl ConnectionTrait, at: i64, viewer: &Viewer, entry: NewEntry) -> Result<i64, DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        // Writers take turns at the chain's end; SQLite's IMMEDIATE transactions already do.
        db.execute_raw(Statement::from_string(DbBackend::Postgres, "SELECT pg_advisory_xact_lock(1818001)")).await?;
    }
    let last = registry_access::Entity::find().order_by_desc(registry_access::Column::Seq).limit(1).one(db).await?;
    let (seq, prev_hash) = match last {
        Some(l) => (l.seq + 1, l.hash),
        None => (1, GENESIS.to_string()),
    };
    let mut row = AccessEntry {
        seq,
        at,
        actor: viewer.actor.name.clone(),
        source: viewer.actor.source.name().to_string(),
        action: entry.action.name().to_string(),
        scope: viewer.scope.label().to_string(),
        person_id: entry.person_id,
        filter: entry.filter,
        fields: entry.fields.join(","),
        reason: entry.reason,
        outcome: entry.outcome.name().to_string(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = row.expected_hash();
    registry_access::Entity::insert(registry_access::ActiveModel {
        seq: Set(row.seq),
        at: Set(row.at),
        actor: Set(row.actor),
        source: Set(row.source),
        action: Set(row.action),
        scope: Set(row.scope),
        person_id: Set(row.person_id),
        filter: Set(row.filter),
        fields: Set(row.fields),
        reason: Set(row.reason),
        outcome: Set(row.outcome),
        prev_hash: Set(row.prev_hash),
        hash: Set(row.hash),
    })
    .exec_without_returning(db)
    .await?;
    Ok(seq)
}

/// The log, oldest first.
pub async fn access_log(store: &Store) -> Result<Vec<AccessEntry>, StoreError> {
    let rows = registry_access::Entity::find()
        .order_by_asc(registry_access::Column::Seq)
        .all(&store.db)
        .await
        .map_err(|e| StoreError::from_db(&store.url, e))?;
    Ok(rows.into_iter().map(AccessEntry::from).collect())
}

/// The outcome of checking the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditVerdict {
    pub entries: usize,
    /// The first entry whose hash, link to its predecessor or sequence number is wrong.
    pub first_tampered: Option<i64>,
}

/// Checks every entry's hash and link, oldest first.
pub fn verify_entries(entries: &[AccessEntry]) -> AuditVerdict {
    let mut prev = GENESIS.to_string();
    for (expected_seq, entry) in (1..).zip(entries) {
        if entry.seq != expected_seq || entry.prev_hash != prev || entry.hash != entry.expected_hash() {
            return AuditVerdict { entries: entries.len(), first_tampered: Some(entry.seq) };
        }
        prev = entry.hash.clone();
    }
    AuditVerdict { entries: entries.len(), first_tampered: None }
}

/// Reads and checks the whole log.
pub async fn verify_access_log(store: &Store) -> Result<AuditVerdict, StoreError> {
    Ok(verify_entries(&access_log(store).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, prev: &str) -> AccessEntry {
        let mut e = AccessEntry {
            seq,
            at: 1,
            actor: "admin".into(),
            source: "cli".into(),
            action: "list".into(),
            scope: "all".into(),
            person_id: None,
            filter: None,
            fields: String::new(),
            reason: None,
            outcome: "ok".into(),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        e.hash = e.expected_hash();
        e
    }

    #[test]
    fn a_changed_field_breaks_the_chain_at_its_entry() {
        let a = entry(1, GENESIS);
        let b = entry(2, &a.hash);
        let c = entry(3, &b.hash);
        assert_eq!(verify_entries(&[a.clone(), b.clone(), c.clone()]).first_tampered, None);
        let mut changed = b.clone();
        changed.reason = Some("x".into());
        assert_eq!(verify_entries(&[a.clone(), changed, c.clone()]).first_tampered, Some(2));
        assert_eq!(verify_entries(&[a, c]).first_tampered, Some(3), "a removed entry");
    }
}
