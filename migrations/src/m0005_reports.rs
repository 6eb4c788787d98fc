//! Reports: the times each run's reports are due (written when the run is applied), the frozen
//! snapshots taken at those times, and the report mails still to compose, one per recipient.
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
        // One row per planned report time of a run; `outcome` is NULL until the engine takes the
        // snapshot ('taken') or passes over a time it slept through ('skipped').
        manager
            .create_table(
                Table::create()
                    .table(id("report_times"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("run_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("report")).text().not_null())
                    .col(ColumnDef::new(id("at")).big_integer().not_null())
                    .col(ColumnDef::new(id("outcome")).text())
                    .col(ColumnDef::new(id("snapshot_id")).big_integer())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("report_times_key")
                    .table(id("report_times"))
                    .col(id("run_id"))
                    .col(id("report"))
                    .col(id("at"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("report_times_due")
                    .table(id("report_times"))
                    .col(id("outcome"))
                    .col(id("at"))
                    .to_owned(),
            )
            .await?;
        // Immutable once written; unique per report time, so a second engine never makes two.
        manager
            .create_table(
                Table::create()
                    .table(id("snapshots"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("run_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("report")).text().not_null())
                    .col(ColumnDef::new(id("scheduled_at")).big_integer().not_null())
                    .col(ColumnDef::new(id("taken_at")).big_integer().not_null())
                    .col(ColumnDef::new(id("data")).text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("snapshots_key")
                    .table(id("snapshots"))
                    .col(id("run_id"))
                    .col(id("report"))
                    .col(id("scheduled_at"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        // A report to one recipient (a unit, or a reader of a directory group), until composed.
        manager
            .create_table(
                Table::create()
                    .table(id("report_notices"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("key")).text().not_null().unique_key())
                    .col(ColumnDef::new(id("snapshot_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("recipient")).text().not_null())
                    .col(ColumnDef::new(id("created_at")).big_integer().not_null())
                    .col(ColumnDef::new(id("mail_id")).big_integer())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("report_notices_pending")
                    .table(id("report_notices"))
                    .col(id("mail_id"))
                    .to_owned(),
            )
            .await?;
        // A unit's note marked as a typical case (典型事例) for the work report.
        manager
            .alter_table(
                Table::alter()
                    .table(id("tasks"))
                    .add_column(ColumnDef::new(id("typical")).boolean().not_null().default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(id("tasks")).drop_column(id("typical")).to_owned()).await?;
        for table in ["report_notices", "snapshots", "report_times"] {
            manager.drop_table(Table::drop().table(id(table)).to_owned()).await?;
        }
        Ok(())
    }
}
