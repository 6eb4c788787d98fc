//! The mails that reminded the unit answering a person's request (查阅 / 更正 / 删除) on its due day
//! and escalated it (督办) to the unit above days later, as m0010 keeps them for suggestions; and
//! the index the engine's daily question reads: the open requests (`outcome IS NULL`) due by a day.
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
        // Set once, in the transaction that queued the mail, so no request is ever reminded or
        // escalated twice. One column a statement: SQLite adds one at a time.
        for column in ["reminder_mail_id", "escalation_mail_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(id("person_requests"))
                        .add_column(ColumnDef::new(id(column)).big_integer())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("person_requests_open_due")
                    .table(id("person_requests"))
                    .col(id("outcome"))
                    .col(id("due_on"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("person_requests_open_due").table(id("person_requests")).to_owned())
            .await?;
        for column in ["escalation_mail_id", "reminder_mail_id"] {
            manager.alter_table(Table::alter().table(id("person_requests")).drop_column(id(column)).to_owned()).await?;
        }
        Ok(())
    }
}
