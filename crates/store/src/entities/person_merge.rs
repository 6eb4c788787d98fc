//! `person_merges`: one merge of two records of a person, and its undoing.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_merges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kept_id: i64,
    pub absorbed_id: i64,
    pub reason: String,
    pub actor: String,
    pub merged_at: i64,
    /// Field keys joined by `,`: the kept record's empty fields filled from the absorbed one.
    pub filled: String,
    pub unmerged_at: Option<i64>,
    pub unmerged_by: Option<String>,
    pub unmerge_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
