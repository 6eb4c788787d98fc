//! `notices`: the outbox — what a state change must tell which unit, until composed into a mail.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key: String,
    pub run_id: i64,
    pub task_id: Option<i64>,
    pub kind: String,
    pub recipient: String,
    pub at: i64,
    pub created_at: i64,
    pub mail_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
