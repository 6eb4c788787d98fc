//! `person_followups`: one contact with a person, and the next one due.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_followups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub unit: String,
    pub contacted_on: String,
    pub channel: String,
    pub summary: String,
    pub intent: Option<String>,
    pub next_contact_on: Option<String>,
    pub actor: String,
    pub created_at: i64,
    /// The mail that reminded the community of the next contact, once it fell due.
    pub reminder_mail_id: Option<i64>,
    /// The mail that escalated it to the street, when still not followed up days later.
    pub escalation_mail_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
