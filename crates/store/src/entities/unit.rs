//! `units`: the unit directory as last applied.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub name: String,
    pub level: String,
    pub depth: i32,
    pub email: String,
    pub parent: Option<String>,
    /// Preorder position in the directory, for stable listings.
    pub position: i32,
    /// One past the position of its last descendant: its subtree is `position..subtree_end`.
    pub subtree_end: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
