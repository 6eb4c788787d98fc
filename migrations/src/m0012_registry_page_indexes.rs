//! Indexes for the registry's pages (issue 18's book-page bench): a scope's subtree is a range of
//! `units.position`, which no index ordered (each of a page's statements scanned the directory),
//! and a book's page is `person_books` of one unit ordered by `seq`, which sorted the whole book.
//!
//! Identifiers are strings here, never store entities, so this file never changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(name: &str) -> Alias {
    Alias::new(name)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(Index::create().name("units_position").table(id("units")).col(id("position")).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_books_unit_seq")
                    .table(id("person_books"))
                    .col(id("unit"))
                    .col(id("seq"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("person_books_unit_seq").table(id("person_books")).to_owned()).await?;
        manager.drop_index(Index::drop().name("units_position").table(id("units")).to_owned()).await
    }
}
