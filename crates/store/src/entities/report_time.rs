//! `report_times`: a planned report time of a run, and what the engine made of it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_times")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub report: String,
    pub at: i64,
    /// `taken`, `skipped` or NULL (still to come); see `ReportOutcome`.
    pub outcome: Option<String>,
    pub snapshot_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
