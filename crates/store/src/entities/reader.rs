//! `readers`: members of the directory's report-recipient groups, who read the dashboard by link.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "readers")]
pub struct Model {
    /// Opaque, stable while the member's group and address stay: what a link names.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub group_name: String,
    pub name: String,
    pub email: String,
    /// The unit whose subtree the reader sees.
    pub scope: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
