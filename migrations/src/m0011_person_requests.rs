//! A person's requests about their record (查阅 / 更正 / 删除, PIPL arts. 44–47), and the retention
//! review (PIPL art. 19): every record gets its review date.
//!
//! m0010 belongs to another branch (suggestions); nothing here reads or changes its tables, so the
//! two apply in either order. Identifiers are strings here, never store entities, so this file
//! never changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(name: &str) -> Alias {
    Alias::new(name)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One request: whose, of which kind, how it came, received and due (days, `YYYY-MM-DD`),
        // recorded by which unit and worker; once closed, the outcome, by whom, when, the reason
        // (a refusal's, or what was done) and the fields a correction changed — their keys only,
        // never a value.
        manager
            .create_table(
                Table::create()
                    .table(id("person_requests"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("person_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("unit")).text().not_null())
                    .col(ColumnDef::new(id("kind")).text().not_null())
                    .col(ColumnDef::new(id("channel")).text().not_null())
                    .col(ColumnDef::new(id("received_on")).text().not_null())
                    .col(ColumnDef::new(id("due_on")).text().not_null())
                    .col(ColumnDef::new(id("recorded_by")).text().not_null())
                    .col(ColumnDef::new(id("created_at")).big_integer().not_null())
                    .col(ColumnDef::new(id("outcome")).text())
                    .col(ColumnDef::new(id("answered_at")).big_integer())
                    .col(ColumnDef::new(id("answered_by")).text())
                    .col(ColumnDef::new(id("answer")).text())
                    .col(ColumnDef::new(id("fields")).text().not_null().default(""))
                    .to_owned(),
            )
            .await?;
        for column in ["person_id", "unit"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("person_requests_{column}"))
                        .table(id("person_requests"))
                        .col(id(column))
                        .to_owned(),
                )
                .await?;
        }
        // Records entered before this migration get their review date from when they were
        // entered: three years of days (1096, a leap day included), at the start of that day
        // (UTC), as entry sets it from now on.
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE persons SET retention_review_at = ((created_at / 86400) + 1096) * 86400 \
             WHERE retention_review_at IS NULL",
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("persons_retention_review_at")
                    .table(id("persons"))
                    .col(id("retention_review_at"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("persons_retention_review_at").table(id("persons")).to_owned()).await?;
        manager.drop_table(Table::drop().table(id("person_requests")).to_owned()).await?;
        Ok(())
    }
}
