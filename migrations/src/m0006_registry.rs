//! The talent registry (issue 18): persons, their community books and the hash-chained access log.
//!
//! ID numbers, mobiles and addresses are stored only sealed (`*_sealed`, bytes from `vault`),
//! with keyed blind indexes (`*_index`, 64 hex characters) for equality lookups; the address's
//! street-level prefix is kept in `address_area` for display and statistics. No column holds a
//! plaintext ID number, mobile or address.
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
                    .table(id("persons"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("name")).text().not_null())
                    .col(ColumnDef::new(id("gender")).text())
                    // `1985-03`, BirthYearMonth's storage form.
                    .col(ColumnDef::new(id("birth_ym")).text())
                    .col(ColumnDef::new(id("id_number_sealed")).binary())
                    .col(ColumnDef::new(id("id_number_index")).text())
                    .col(ColumnDef::new(id("id_number_last4")).text())
                    .col(ColumnDef::new(id("mobile_sealed")).binary())
                    .col(ColumnDef::new(id("mobile_index")).text())
                    .col(ColumnDef::new(id("address_sealed")).binary())
                    .col(ColumnDef::new(id("address_area")).text())
                    .col(ColumnDef::new(id("employer")).text())
                    .col(ColumnDef::new(id("work_place")).text())
                    // Vocabulary keys joined by `,`; empty when none.
                    .col(ColumnDef::new(id("categories")).text().not_null().default(""))
                    .col(ColumnDef::new(id("education")).text())
                    .col(ColumnDef::new(id("specialty")).text())
                    .col(ColumnDef::new(id("return_intent")).text().not_null())
                    .col(ColumnDef::new(id("intent_confirmed_at")).big_integer())
                    .col(ColumnDef::new(id("pool_status")).text())
                    .col(ColumnDef::new(id("pool_route")).text())
                    .col(ColumnDef::new(id("family_needs")).text().not_null().default(""))
                    .col(ColumnDef::new(id("note")).text())
                    .col(ColumnDef::new(id("legal_basis")).text())
                    .col(ColumnDef::new(id("notice_version")).text())
                    .col(ColumnDef::new(id("notice_given_at")).big_integer())
                    .col(ColumnDef::new(id("do_not_contact")).boolean().not_null().default(false))
                    .col(ColumnDef::new(id("retention_review_at")).big_integer())
                    .col(ColumnDef::new(id("created_at")).big_integer().not_null())
                    .col(ColumnDef::new(id("updated_at")).big_integer().not_null())
                    .col(ColumnDef::new(id("erased")).boolean().not_null().default(false))
                    .to_owned(),
            )
            .await?;
        for column in ["id_number_index", "mobile_index"] {
            manager
                .create_index(
                    Index::create().name(format!("persons_{column}")).table(id("persons")).col(id(column)).to_owned(),
                )
                .await?;
        }
        // A person's place in a community's book: 户籍地 or 现居地, with the book's archive number.
        manager
            .create_table(
                Table::create()
                    .table(id("person_books"))
                    .col(ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(id("person_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("unit")).text().not_null())
                    .col(ColumnDef::new(id("role")).text().not_null())
                    .col(ColumnDef::new(id("archive_no")).text().not_null())
                    .col(ColumnDef::new(id("seq")).integer().not_null())
                    .col(ColumnDef::new(id("created_at")).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_books_archive_no")
                    .table(id("person_books"))
                    .col(id("unit"))
                    .col(id("archive_no"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_books_person_unit")
                    .table(id("person_books"))
                    .col(id("person_id"))
                    .col(id("unit"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The access log: `seq` is assigned by the writer (max + 1 in its transaction), so the
        // chain has no gaps a rolled-back autoincrement would leave.
        manager
            .create_table(
                Table::create()
                    .table(id("registry_access"))
                    .col(ColumnDef::new(id("seq")).big_integer().not_null().primary_key())
                    .col(ColumnDef::new(id("at")).big_integer().not_null())
                    .col(ColumnDef::new(id("actor")).text().not_null())
                    .col(ColumnDef::new(id("source")).text().not_null())
                    .col(ColumnDef::new(id("action")).text().not_null())
                    .col(ColumnDef::new(id("scope")).text().not_null())
                    .col(ColumnDef::new(id("person_id")).big_integer())
                    .col(ColumnDef::new(id("filter")).text())
                    .col(ColumnDef::new(id("fields")).text().not_null())
                    .col(ColumnDef::new(id("reason")).text())
                    .col(ColumnDef::new(id("outcome")).text().not_null())
                    .col(ColumnDef::new(id("prev_hash")).text().not_null())
                    .col(ColumnDef::new(id("hash")).text().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["registry_access", "person_books", "persons"] {
            manager.drop_table(Table::drop().table(id(table)).to_owned()).await?;
        }
        Ok(())
    }
}
