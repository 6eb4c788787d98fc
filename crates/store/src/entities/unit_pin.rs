//! `unit_pins`: a unit's PIN as a keyed hash, its wrong tries in a row and its lock.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_pins")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit: String,
    pub pin_hash: String,
    pub failed_tries: i32,
    pub locked_until: Option<i64>,
    pub set_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
