//! `person_merge_followups`: a follow-up a merge moved to the kept person.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_merge_followups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub merge_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub followup_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
