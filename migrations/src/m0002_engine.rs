//! The engine's tables: the notice outbox (what state changes must tell whom), composed mails with
//! their delivery state, and the columns the tick needs on runs and tasks.
//!
//! Identifiers are strings here, never store entities, so this file never changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(name: &str) -> Alias {
    Alias::new(name)
}

fn text(name: &str) -> ColumnDef {
    ColumnDef::new(id(name)).text().not_null().to_owned()
}

fn instant(name: &str) -> ColumnDef {
    ColumnDef::new(id(name)).big_integer().not_null().to_owned()
}

fn instant_null(name: &str) -> ColumnDef {
    ColumnDef::new(id(name)).big_integer().null().to_owned()
}

fn primary_key() -> ColumnDef {
    ColumnDef::new(id("id")).big_integer().not_null().auto_increment().primary_key().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // When the run was closed by the engine (NULL while open or not yet reached).
        manager.alter_table(Table::alter().table(id("runs")).add_column(instant_null("closed_at")).to_owned()).await?;
        // The digest of the plan the run's tasks were last brought in line with, while nothing but
        // an apply can make them differ from it: an apply of the same plan then reads no task.
        manager
            .alter_table(
                Table::alter().table(id("runs")).add_column(ColumnDef::new(id("plan_hash")).text().null()).to_owned(),
            )
            .await?;
        // Everything at or before this instant was decided by an earlier tick (NULL: nothing yet).
        manager
            .alter_table(Table::alter().table(id("tasks")).add_column(instant_null("handled_until")).to_owned())
            .await?;
        // The outbox: one row per thing a unit must be told, written in the transaction of the state
        // change that causes it; composed into mails (a digest per recipient) by the engine.
        manager
            .create_table(
                Table::create()
                    .table(id("notices"))
                    .col(primary_key())
                    // `task_id/kind/at/recipient` (or `run:run_id/kind/recipient`): a retried or
                    // concurrent decision cannot add a second notice.
                    .col(text("key"))
                    .col(ColumnDef::new(id("run_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("task_id")).big_integer().null())
                    .col(text("kind"))
                    .col(text("recipient"))
                    .col(instant("at"))
                    .col(instant("created_at"))
                    .col(ColumnDef::new(id("mail_id")).big_integer().null())
                    .foreign_key(ForeignKey::create().from(id("notices"), id("run_id")).to(id("runs"), id("id")))
                    .foreign_key(ForeignKey::create().from(id("notices"), id("task_id")).to(id("tasks"), id("id")))
                    .index(Index::create().name("notices_key").col(id("key")).unique())
                    .to_owned(),
            )
            .await?;
        // Only pending notices are ever looked up by recipient: a partial index stays as small as
        // the pending work, however long the history.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX notices_pending ON notices (recipient, run_id, kind) WHERE mail_id IS NULL",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(id("mails"))
                    .col(primary_key())
                    // The idempotency key: one mail per digest, whoever composes it.
                    .col(text("key"))
                    .col(text("message_id"))
                    .col(text("campaign"))
                    .col(text("run_key"))
                    .col(text("kind"))
                    .col(text("recipient"))
                    .col(text("to_address"))
                    .col(text("envelope_from"))
                    .col(text("subject"))
                    .col(ColumnDef::new(id("task_count")).integer().not_null())
                    // queued → sending (leased) → sent | failed (permanent); retry re-queues.
                    .col(text("state"))
                    .col(ColumnDef::new(id("attempts")).integer().not_null())
                    .col(instant("next_attempt_at"))
                    .col(instant_null("lease_until"))
                    .col(ColumnDef::new(id("claimed_by")).text().null())
                    .col(ColumnDef::new(id("last_error")).text().null())
                    .col(instant("created_at"))
                    .col(instant_null("sent_at"))
                    .index(Index::create().name("mails_key").col(id("key")).unique())
                    .to_owned(),
            )
            .await?;
        // The delivery queue: only unsettled mail, ordered by when it may next be tried.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX mails_queue ON mails (next_attempt_at) WHERE state IN ('queued', 'sending')",
            )
            .await?;
        manager
            .create_index(Index::create().name("mails_state").table(id("mails")).col(id("state")).to_owned())
            .await?;
        // The complete RFC 5322 message, so that a retry sends the very same bytes. Apart from the
        // mail's row: SQLite rewrites a whole record on every UPDATE, so a message kept in `mails`
        // would be copied at each state change (claim, delivery), and it never changes.
        manager
            .create_table(
                Table::create()
                    .table(id("mail_bodies"))
                    .col(ColumnDef::new(id("mail_id")).big_integer().not_null().primary_key())
                    .col(ColumnDef::new(id("raw")).binary().not_null())
                    .foreign_key(ForeignKey::create().from(id("mail_bodies"), id("mail_id")).to(id("mails"), id("id")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["mail_bodies", "mails", "notices"] {
            manager.drop_table(Table::drop().table(id(table)).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(id("tasks")).drop_column(id("handled_until")).to_owned()).await?;
        manager.alter_table(Table::alter().table(id("runs")).drop_column(id("plan_hash")).to_owned()).await?;
        manager.alter_table(Table::alter().table(id("runs")).drop_column(id("closed_at")).to_owned()).await
    }
}
