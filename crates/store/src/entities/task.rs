//! `tasks`: one piece of work of one run for one unit.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub campaign: String,
    pub run_key: String,
    pub template: String,
    pub unit: String,
    pub title: String,
    pub state: String,
    pub starts_at: i64,
    pub due_at: i64,
    pub schedule: String,
    pub figure_spec: String,
    pub figures: Option<String>,
    pub completed_by: Option<String>,
    pub completed_at: Option<i64>,
    pub note: Option<String>,
    pub next_event_at: Option<i64>,
    pub updated_at: i64,
    pub handled_until: Option<i64>,
    /// The unit marked its note as a typical case (典型事例) for the work report.
    pub typical: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
