//! Reminders of contacts that fall due (issue 18, item 6): the mail that reminded a follow-up's
//! next contact to its community, and the one that escalated it to the street.
//!
//! Identifiers are strings here, never store entities, so this file never changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(name: &str) -> Alias {
    Alias::new(name)
}

/// The columns added to `person_followups`, one statement each (SQLite adds one at a time).
const COLUMNS: [&str; 2] = ["reminder_mail_id", "escalation_mail_id"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The id of the mail that told the community its next contact fell due, and of the one
        // that told the street it is still not followed up: set once, in the transaction that
        // queued the mail, so no contact is ever reminded or escalated twice.
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(id("person_followups"))
                        .add_column(ColumnDef::new(id(column)).big_integer())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("person_followups_next_contact")
                    .table(id("person_followups"))
                    .col(id("next_contact_on"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("person_followups_next_contact").table(id("person_followups")).to_owned())
            .await?;
        for column in COLUMNS {
            manager
                .alter_table(Table::alter().table(id("person_followups")).drop_column(id(column)).to_owned())
                .await?;
        }
        Ok(())
    }
}
