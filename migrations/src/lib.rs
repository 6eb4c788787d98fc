//! Database migrations (sea-orm-migration), oldest first. Migrations use string identifiers and
//! never import store entities, so an old migration never changes when the entities do.

pub use sea_orm_migration::prelude::*;

mod m0001_initial;
mod m0002_engine;
mod m0003_faults;
mod m0004_web;
mod m0005_reports;
mod m0006_registry;
mod m0007_registry_pages;
mod m0008_contact_reminders;
mod m0009_person_merges;
mod m0010_person_suggestions;
mod m0011_person_requests;
mod m0012_registry_page_indexes;
mod m0013_registry_count_indexes;
mod m0014_request_reminders;

/// Every migration, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_initial::Migration),
            Box::new(m0002_engine::Migration),
            Box::new(m0003_faults::Migration),
            Box::new(m0004_web::Migration),
            Box::new(m0005_reports::Migration),
            Box::new(m0006_registry::Migration),
            Box::new(m0007_registry_pages::Migration),
            Box::new(m0008_contact_reminders::Migration),
            Box::new(m0009_person_merges::Migration),
            Box::new(m0010_person_suggestions::Migration),
            Box::new(m0011_person_requests::Migration),
            Box::new(m0012_registry_page_indexes::Migration),
            Box::new(m0013_registry_count_indexes::Migration),
            Box::new(m0014_request_reminders::Migration),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_listed_oldest_first() {
        let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
