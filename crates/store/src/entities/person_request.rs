//! `person_requests`: a person's request about their record (查阅 / 更正 / 删除) and its answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    /// The scope that recorded the request: a unit id, or `all` (the command line). The person's
    /// own community answers it (`request.rs`), which the engine's reminder goes to.
    pub unit: String,
    pub kind: String,
    pub channel: String,
    pub received_on: String,
    pub due_on: String,
    pub recorded_by: String,
    pub created_at: i64,
    /// `done` or `refused` once closed.
    pub outcome: Option<String>,
    pub answered_at: Option<i64>,
    pub answered_by: Option<String>,
    /// A refusal's reason, or what was done, as the worker wrote it.
    pub answer: Option<String>,
    /// The keys of the fields a correction changed, joined by `,`; never a value.
    pub fields: String,
    /// The mail that reminded the answering unit on the due day, once queued.
    pub reminder_mail_id: Option<i64>,
    /// The mail that escalated it to the unit above, once queued.
    pub escalation_mail_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
