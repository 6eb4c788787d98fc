//! An index for the registry book page's count of records due for review (issue 18's book-page
//! bench): the count filters live persons (`merged_into IS NULL`) by `retention_review_at`, and
//! SQLite, offered the single-column `persons_merged_into`, read every live person of the district
//! through it (5,000 rows for one community's 5,000: 3–5 ms per view) to find the few due. With
//! both columns in one index the count reads only the persons due.
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
            .create_index(
                Index::create()
                    .name("persons_live_review")
                    .table(id("persons"))
                    .col(id("merged_into"))
                    .col(id("retention_review_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("persons_live_review").table(id("persons")).to_owned()).await
    }
}
