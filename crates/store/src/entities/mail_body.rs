//! `mail_bodies`: the exact bytes of each composed mail, apart from its changing delivery state.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_bodies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub mail_id: i64,
    pub raw: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
