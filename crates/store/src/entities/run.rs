//! `runs`: one occurrence of a campaign.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign: String,
    pub key: String,
    pub definition_id: i64,
    pub anchor: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub timezone: String,
    pub next_event_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// The digest of the plan the run's tasks agree with (`apply::plan_hash`): an apply of that plan
    /// reads no task. NULL when they may not agree (the next apply compares them).
    pub plan_hash: Option<String>,
    /// When the engine recorded the run as missed: its whole window passed while nothing ran.
    pub missed_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
