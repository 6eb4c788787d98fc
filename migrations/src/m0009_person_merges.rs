//! Merging two records of one person (issue 18, item 5): the absorbed record is marked merged into
//! the kept one (never deleted, so the merge can be undone), and each merge is recorded with what
//! it moved and dropped, so that undoing it restores exactly what was there.
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
        // The person this record was merged into, while the merge stands; never listed, matched
        // or counted on its own then.
        manager
            .alter_table(
                Table::alter()
                    .table(id("persons"))
                    .add_column(ColumnDef::new(id("merged_into")).big_integer())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("persons_merged_into").table(id("persons")).col(id("merged_into")).to_owned(),
            )
            .await?;
        // One merge: who, when, why, which of the kept record's empty fields it filled, and,
        // once undone, who undid it, when and why.
        manager
            .create_table(
                Table::create()
                    .table(id("person_merges"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("kept_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("absorbed_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("reason")).text().not_null())
                    .col(ColumnDef::new(id("actor")).text().not_null())
                    .col(ColumnDef::new(id("merged_at")).big_integer().not_null())
                    // Field keys joined by `,`: the kept record's fields that were empty and
                    // were filled from the absorbed one.
                    .col(ColumnDef::new(id("filled")).text().not_null().default(""))
                    .col(ColumnDef::new(id("unmerged_at")).big_integer())
                    .col(ColumnDef::new(id("unmerged_by")).text())
                    .col(ColumnDef::new(id("unmerge_reason")).text())
                    .to_owned(),
            )
            .await?;
        for column in ["kept_id", "absorbed_id"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("person_merges_{column}"))
                        .table(id("person_merges"))
                        .col(id(column))
                        .to_owned(),
                )
                .await?;
        }
        // The book entries a merge touched: `moved` from the absorbed person to the kept one, or
        // `dropped` (a book holding both keeps the older archive number) — the dropped row as it
        // was, so that undoing the merge puts it back, and so that its archive number is never
        // given to anyone else meanwhile.
        manager
            .create_table(
                Table::create()
                    .table(id("person_merge_books"))
                    .col(ColumnDef::new(id("merge_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("book_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("action")).text().not_null())
                    .col(ColumnDef::new(id("person_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("unit")).text().not_null())
                    .col(ColumnDef::new(id("role")).text().not_null())
                    .col(ColumnDef::new(id("archive_no")).text().not_null())
                    .col(ColumnDef::new(id("seq")).integer().not_null())
                    .col(ColumnDef::new(id("created_at")).big_integer().not_null())
                    .primary_key(Index::create().col(id("merge_id")).col(id("book_id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_merge_books_unit")
                    .table(id("person_merge_books"))
                    .col(id("unit"))
                    .col(id("seq"))
                    .to_owned(),
            )
            .await?;
        // The follow-ups a merge moved to the kept person (those recorded later stay there).
        manager
            .create_table(
                Table::create()
                    .table(id("person_merge_followups"))
                    .col(ColumnDef::new(id("merge_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("followup_id")).big_integer().not_null())
                    .primary_key(Index::create().col(id("merge_id")).col(id("followup_id")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["person_merge_followups", "person_merge_books", "person_merges"] {
            manager.drop_table(Table::drop().table(id(table)).to_owned()).await?;
        }
        manager.drop_index(Index::drop().name("persons_merged_into").table(id("persons")).to_owned()).await?;
        manager.alter_table(Table::alter().table(id("persons")).drop_column(id("merged_into")).to_owned()).await?;
        Ok(())
    }
}
