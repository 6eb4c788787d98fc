//! What the engine needs to hold under faults: a mail's claims counted apart from its SMTP
//! attempts (a crash loop claims without trying), and runs recorded as missed when their whole
//! window passed while no engine ran.
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
        // How often a worker claimed the mail; `attempts` now counts only SMTP tries whose outcome
        // was recorded. Until now every claim was counted as an attempt: both start from it.
        manager
            .alter_table(
                Table::alter()
                    .table(id("mails"))
                    .add_column(ColumnDef::new(id("claims")).integer().not_null().default(0))
                    .to_owned(),
            )
            .await?;
        manager.get_connection().execute_unprepared("UPDATE mails SET claims = attempts").await?;
        // When the engine found that the run's whole window had passed while nothing ran (NULL for
        // a run that opened). A missed run has no tasks; it is known, so it never opens late.
        manager
            .alter_table(
                Table::alter()
                    .table(id("runs"))
                    .add_column(ColumnDef::new(id("missed_at")).big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(id("runs")).drop_column(id("missed_at")).to_owned()).await?;
        manager.alter_table(Table::alter().table(id("mails")).drop_column(id("claims")).to_owned()).await
    }
}
