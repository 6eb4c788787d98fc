//! `mails`: composed messages and their delivery state.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mails")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key: String,
    pub message_id: String,
    pub campaign: String,
    pub run_key: String,
    pub kind: String,
    pub recipient: String,
    pub to_address: String,
    pub envelope_from: String,
    pub subject: String,
    pub task_count: i32,
    pub state: String,
    /// SMTP tries whose outcome was recorded.
    pub attempts: i32,
    /// Times a worker claimed the mail (a claim cut short by a crash is no attempt).
    pub claims: i32,
    pub next_attempt_at: i64,
    pub lease_until: Option<i64>,
    pub claimed_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
