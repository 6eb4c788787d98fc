//! A person's suggestions (意见建议, issue 18 item 6): each routed to a unit with a due day, moved
//! 受理 → 办理 → 已反馈, every move kept with its note; and the mails that reminded the unit and
//! escalated it to the unit above.
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
            .create_table(
                Table::create()
                    .table(id("person_suggestions"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("person_id")).big_integer().not_null())
                    // The unit that recorded it, and the unit it is routed to (that unit or one
                    // above it), which handles and answers it.
                    .col(ColumnDef::new(id("recorded_by")).text().not_null())
                    .col(ColumnDef::new(id("unit")).text().not_null())
                    .col(ColumnDef::new(id("category")).text())
                    .col(ColumnDef::new(id("text")).text().not_null())
                    .col(ColumnDef::new(id("state")).text().not_null())
                    // `YYYY-MM-DD`, sorting as the days do.
                    .col(ColumnDef::new(id("due_on")).text().not_null())
                    .col(ColumnDef::new(id("actor")).text().not_null())
                    .col(ColumnDef::new(id("created_at")).big_integer().not_null())
                    .col(ColumnDef::new(id("updated_at")).big_integer().not_null())
                    // Set once, in the transaction that queued the mail, so no suggestion is
                    // ever reminded or escalated twice.
                    .col(ColumnDef::new(id("reminder_mail_id")).big_integer())
                    .col(ColumnDef::new(id("escalation_mail_id")).big_integer())
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("person_suggestions_person", &["person_id"][..]),
            ("person_suggestions_unit", &["unit", "state"][..]),
            ("person_suggestions_due", &["state", "due_on"][..]),
        ] {
            let mut index = Index::create().name(name).table(id("person_suggestions")).to_owned();
            for column in columns {
                index.col(id(column));
            }
            manager.create_index(index).await?;
        }
        // Every state a suggestion entered: the recording (受理) and each move, with its note
        // (the answer given to the person, for 已反馈), who and when.
        manager
            .create_table(
                Table::create()
                    .table(id("person_suggestion_moves"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("suggestion_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("state")).text().not_null())
                    .col(ColumnDef::new(id("note")).text().not_null().default(""))
                    .col(ColumnDef::new(id("unit")).text().not_null())
                    .col(ColumnDef::new(id("actor")).text().not_null())
                    .col(ColumnDef::new(id("at")).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_suggestion_moves_suggestion")
                    .table(id("person_suggestion_moves"))
                    .col(id("suggestion_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(id("person_suggestion_moves")).to_owned()).await?;
        manager.drop_table(Table::drop().table(id("person_suggestions")).to_owned()).await
    }
}
