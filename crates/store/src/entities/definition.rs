//! `definitions`: every applied version of a campaign definition, with its source text.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "definitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign: String,
    pub version: i32,
    pub hash: String,
    pub path: String,
    pub source: String,
    pub applied_at: i64,
    pub applied_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
