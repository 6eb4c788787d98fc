//! sea-orm entities, one per table. They never leave the store crate.

pub mod definition;
pub mod event;
pub mod link_subject;
pub mod mail;
pub mod mail_body;
pub mod notice;
pub mod person;
pub mod person_book;
pub mod person_followup;
pub mod person_merge;
pub mod person_merge_book;
pub mod person_merge_followup;
pub mod person_suggestion;
pub mod person_suggestion_move;
pub mod reader;
pub mod registry_access;
pub mod report_notice;
pub mod report_time;
pub mod run;
pub mod setting;
pub mod snapshot;
pub mod submission;
pub mod task;
pub mod task_dependency;
pub mod unit;
pub mod unit_pin;
