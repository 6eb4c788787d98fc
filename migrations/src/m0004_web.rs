//! What the web front door needs: the secret that signs links, the generation of each link subject
//! (bumped to revoke every older link), the leadership readers of the directory's groups, the
//! subtree of each unit, and the keys of web submissions already taken (a double submit counts
//! once).
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
        // Small named values of the installation: the link secret (hex), created on first use.
        manager
            .create_table(
                Table::create()
                    .table(id("settings"))
                    .col(ColumnDef::new(id("key")).text().not_null().primary_key())
                    .col(ColumnDef::new(id("value")).text().not_null())
                    .col(ColumnDef::new(id("updated_at")).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        // `u:UNIT` or `r:READER` → the generation links must carry; a link of an older one is revoked.
        manager
            .create_table(
                Table::create()
                    .table(id("link_subjects"))
                    .col(ColumnDef::new(id("subject")).text().not_null().primary_key())
                    .col(ColumnDef::new(id("generation")).integer().not_null())
                    .col(ColumnDef::new(id("updated_at")).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        // The members of the directory's report-recipient groups, each with an opaque key for links.
        manager
            .create_table(
                Table::create()
                    .table(id("readers"))
                    .col(ColumnDef::new(id("key")).text().not_null().primary_key())
                    .col(ColumnDef::new(id("group_name")).text().not_null())
                    .col(ColumnDef::new(id("name")).text().not_null())
                    .col(ColumnDef::new(id("email")).text().not_null())
                    // The unit whose subtree the reader sees: the top of the group's directory.
                    .col(ColumnDef::new(id("scope")).text().not_null())
                    .to_owned(),
            )
            .await?;
        // One past the position of the unit's last descendant: a subtree is a range of positions.
        manager
            .alter_table(
                Table::alter()
                    .table(id("units"))
                    .add_column(ColumnDef::new(id("subtree_end")).integer().not_null().default(0))
                    .to_owned(),
            )
            .await?;
        // Filled at the next apply; until then a unit's subtree is itself alone.
        manager.get_connection().execute_unprepared("UPDATE units SET subtree_end = position + 1").await?;
        // Web submissions taken: the form's key, so that a double tap or a retried POST counts once.
        manager
            .create_table(
                Table::create()
                    .table(id("submissions"))
                    .col(ColumnDef::new(id("key")).text().not_null().primary_key())
                    .col(ColumnDef::new(id("task_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("at")).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        // The portal lists a unit's tasks; the dashboard counts by run.
        manager
            .create_index(
                Index::create().name("tasks_unit").table(id("tasks")).col(id("unit")).col(id("run_id")).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("tasks_unit").table(id("tasks")).to_owned()).await?;
        for table in ["submissions", "readers", "link_subjects", "settings"] {
            manager.drop_table(Table::drop().table(id(table)).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(id("units")).drop_column(id("subtree_end")).to_owned()).await
    }
}
