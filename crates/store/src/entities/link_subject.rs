//! `link_subjects`: the generation each link subject's links must carry (older ones are revoked).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "link_subjects")]
pub struct Model {
    /// `u:UNIT` or `r:READER`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject: String,
    pub generation: i32,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
