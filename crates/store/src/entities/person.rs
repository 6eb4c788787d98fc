//! `persons`: one person of the talent registry; ID number, mobile and address only sealed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "persons")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub gender: Option<String>,
    pub birth_ym: Option<String>,
    pub id_number_sealed: Option<Vec<u8>>,
    pub id_number_index: Option<String>,
    pub id_number_last4: Option<String>,
    pub mobile_sealed: Option<Vec<u8>>,
    pub mobile_index: Option<String>,
    pub address_sealed: Option<Vec<u8>>,
    pub address_area: Option<String>,
    pub employer: Option<String>,
    pub work_place: Option<String>,
    pub categories: String,
    pub education: Option<String>,
    pub specialty: Option<String>,
    pub return_intent: String,
    pub intent_confirmed_at: Option<i64>,
    pub pool_status: Option<String>,
    pub pool_route: Option<String>,
    pub family_needs: String,
    pub note: Option<String>,
    pub legal_basis: Option<String>,
    pub notice_version: Option<String>,
    pub notice_given_at: Option<i64>,
    pub do_not_contact: bool,
    pub retention_review_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub erased: bool,
    /// The person this record was merged into, while the merge stands (then never listed,
    /// matched or counted on its own).
    pub merged_into: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
