//! The registry on the portal (issue 18): each unit's PIN (the second factor a forwarded link
//! lacks) and the follow-ups a community records with its persons, with the next contact due.
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
        // A unit's PIN: only its keyed hash (the vault's blind-index key, kept outside the
        // database, so a copy of the database alone cannot try the million PINs), the wrong tries
        // in a row and, after the fifth, until when it is locked.
        manager
            .create_table(
                Table::create()
                    .table(id("unit_pins"))
                    .col(ColumnDef::new(id("unit")).text().not_null().primary_key())
                    .col(ColumnDef::new(id("pin_hash")).text().not_null())
                    .col(ColumnDef::new(id("failed_tries")).integer().not_null().default(0))
                    .col(ColumnDef::new(id("locked_until")).big_integer())
                    .col(ColumnDef::new(id("set_at")).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        // One contact with a person: when, how, what came of it, and when to contact them next.
        manager
            .create_table(
                Table::create()
                    .table(id("person_followups"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("person_id")).big_integer().not_null())
                    // The unit whose worker made the contact.
                    .col(ColumnDef::new(id("unit")).text().not_null())
                    // `2027-01-20`: the day of the contact, and of the next one due.
                    .col(ColumnDef::new(id("contacted_on")).text().not_null())
                    .col(ColumnDef::new(id("channel")).text().not_null())
                    .col(ColumnDef::new(id("summary")).text().not_null())
                    // The intent to return as it stood after the contact, when it changed.
                    .col(ColumnDef::new(id("intent")).text())
                    .col(ColumnDef::new(id("next_contact_on")).text())
                    .col(ColumnDef::new(id("actor")).text().not_null())
                    .col(ColumnDef::new(id("created_at")).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_followups_person")
                    .table(id("person_followups"))
                    .col(id("person_id"))
                    .col(id("id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["person_followups", "unit_pins"] {
            manager.drop_table(Table::drop().table(id(table)).to_owned()).await?;
        }
        Ok(())
    }
}
