//! The first schema: definitions, units, runs, tasks, task dependencies and the event log.
//!
//! Instants are BIGINT Unix seconds (UTC): the same meaning, ordering and index behaviour on SQLite
//! and PostgreSQL. Identifiers are strings here, never store entities, so this file never changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(name: &str) -> Alias {
    Alias::new(name)
}

fn text(name: &str) -> ColumnDef {
    ColumnDef::new(id(name)).text().not_null().to_owned()
}

fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(id(name)).text().null().to_owned()
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
        // Every applied version of a campaign definition, with its source text.
        manager
            .create_table(
                Table::create()
                    .table(id("definitions"))
                    .col(primary_key())
                    .col(text("campaign"))
                    .col(ColumnDef::new(id("version")).integer().not_null())
                    .col(text("hash"))
                    .col(text("path"))
                    .col(text("source"))
                    .col(instant("applied_at"))
                    .col(text("applied_by"))
                    .index(
                        Index::create()
                            .name("definitions_campaign_version")
                            .col(id("campaign"))
                            .col(id("version"))
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        // The unit directory as last applied.
        manager
            .create_table(
                Table::create()
                    .table(id("units"))
                    .col(ColumnDef::new(id("id")).text().not_null().primary_key())
                    .col(text("name"))
                    .col(text("level"))
                    .col(ColumnDef::new(id("depth")).integer().not_null())
                    .col(text("email"))
                    .col(text_null("parent"))
                    .col(ColumnDef::new(id("position")).integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(id("runs"))
                    .col(primary_key())
                    .col(text("campaign"))
                    .col(text("key"))
                    .col(ColumnDef::new(id("definition_id")).big_integer().not_null())
                    .col(text("anchor"))
                    .col(instant("opens_at"))
                    .col(instant("closes_at"))
                    .col(text("timezone"))
                    .col(instant_null("next_event_at"))
                    .foreign_key(
                        ForeignKey::create().from(id("runs"), id("definition_id")).to(id("definitions"), id("id")),
                    )
                    .index(Index::create().name("runs_campaign_key").col(id("campaign")).col(id("key")).unique())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("runs_next_event_at").table(id("runs")).col(id("next_event_at")).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(id("tasks"))
                    .col(primary_key())
                    .col(ColumnDef::new(id("run_id")).big_integer().not_null())
                    .col(text("campaign"))
                    .col(text("run_key"))
                    .col(text("template"))
                    .col(text("unit"))
                    .col(text("title"))
                    .col(text("state"))
                    .col(instant("starts_at"))
                    .col(instant("due_at"))
                    // JSON {"reminders": [at], "escalations": [{at, to}]}: what the engine will send.
                    .col(text("schedule"))
                    // JSON: the figures to report (key, label, unit, kind, required).
                    .col(text("figure_spec"))
                    // JSON object of reported figures, once done.
                    .col(text_null("figures"))
                    .col(text_null("completed_by"))
                    .col(instant_null("completed_at"))
                    .col(text_null("note"))
                    .col(instant_null("next_event_at"))
                    .col(instant("updated_at"))
                    .foreign_key(ForeignKey::create().from(id("tasks"), id("run_id")).to(id("runs"), id("id")))
                    .index(
                        Index::create()
                            .name("tasks_natural_key")
                            .col(id("campaign"))
                            .col(id("run_key"))
                            .col(id("template"))
                            .col(id("unit"))
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("tasks_next_event_at").table(id("tasks")).col(id("next_event_at")).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("tasks_run_state")
                    .table(id("tasks"))
                    .col(id("run_id"))
                    .col(id("state"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(id("task_dependencies"))
                    .col(ColumnDef::new(id("task_id")).big_integer().not_null())
                    .col(ColumnDef::new(id("depends_on")).big_integer().not_null())
                    .primary_key(Index::create().col(id("task_id")).col(id("depends_on")))
                    .foreign_key(
                        ForeignKey::create().from(id("task_dependencies"), id("task_id")).to(id("tasks"), id("id")),
                    )
                    .foreign_key(
                        ForeignKey::create().from(id("task_dependencies"), id("depends_on")).to(id("tasks"), id("id")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("task_dependencies_depends_on")
                    .table(id("task_dependencies"))
                    .col(id("depends_on"))
                    .to_owned(),
            )
            .await?;
        // Append-only: who did what, when, from where.
        manager
            .create_table(
                Table::create()
                    .table(id("events"))
                    .col(primary_key())
                    .col(instant("at"))
                    .col(text("actor"))
                    .col(text("source"))
                    .col(text("kind"))
                    .col(text_null("campaign"))
                    .col(text_null("run_key"))
                    .col(ColumnDef::new(id("task_id")).big_integer().null())
                    .col(text("detail"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("events_task").table(id("events")).col(id("task_id")).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["events", "task_dependencies", "tasks", "runs", "units", "definitions"] {
            manager.drop_table(Table::drop().table(id(table)).to_owned()).await?;
        }
        Ok(())
    }
}
