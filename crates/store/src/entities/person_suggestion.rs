//! `person_suggestions`: a person's suggestion (意见建议), routed to a unit, with its state and due day.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_suggestions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    /// The unit that recorded it.
    pub recorded_by: String,
    /// The unit it is routed to, which handles and answers it.
    pub unit: String,
    pub category: Option<String>,
    pub text: String,
    pub state: String,
    pub due_on: String,
    pub actor: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The mail that reminded the unit, once it fell due open.
    pub reminder_mail_id: Option<i64>,
    /// The mail that escalated it to the unit above, when still open days later.
    pub escalation_mail_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
