//! `person_merge_books`: a book entry a merge moved to the kept person or dropped, as it was.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_merge_books")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub merge_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub book_id: i64,
    /// `moved` or `dropped` (`MergeBookAction`).
    pub action: String,
    pub person_id: i64,
    pub unit: String,
    pub role: String,
    pub archive_no: String,
    pub seq: i32,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
