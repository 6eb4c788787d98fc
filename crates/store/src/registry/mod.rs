//! The talent registry (一人一档) in the store: persons with their ID number, mobile and address
//! sealed by `vault`, community books with archive numbers, the matching ladder over blind
//! indexes, and a hash-chained access log.
//!
//! Every function takes a [`Viewer`] (an actor and a scope) and writes its access-log entry in
//! the transaction that does the work: a list, an export, a reveal, an import, an addition, the
//! counts. Nothing here logs through `tracing`, and no error carries a personal value.
//!
//! - [`add_person`], [`import_persons`]: the ladder (`entry.rs`, `ladder.rs`);
//! - [`list_books`], [`export_books`]: masked unless an export is revealed with a reason
//!   (`book.rs`); [`reveal_field`]: one field of one person (`reveal.rs`);
//! - [`registry_stats`]: counts by unit, category, intent and pool status (`stats.rs`);
//! - [`access_log`], [`verify_access_log`]: the log and its check (`access_log.rs`);
//! - [`rotate_key`]: a new data key, every value resealed (`rotate.rs`);
//! - [`person_detail`]: one person's page, full only in its own book (`person.rs`);
//! - [`add_followup`], [`contacts_due`]: contacts and the next ones due (`followup.rs`);
//! - [`pending_contact_mails`], [`compose_contact_mail`], [`next_contact_day`]: the engine's
//!   reminders of contacts fallen due and their escalation to the street (`reminders.rs`);
//! - [`set_pin`], [`check_pin`], [`reset_pin`]: a unit's PIN, its lock and reset (`pin.rs`);
//! - [`register_counts`](counts): what the register counts for figures counted from it (`counts.rs`);
//! - [`set_pool_status`]: the reserve pool, recommended by the community, decided above (`pool.rs`);
//! - [`record_suggestion`], [`move_suggestion`], [`list_suggestions`], [`person_suggestions`]: a
//!   person's suggestions routed to a unit, 受理 → 办理 → 已反馈 (`suggestion.rs`), and the engine's
//!   reminders of those fallen due and their escalation to the unit above (`suggestion_reminders.rs`; what is due and when, [`pending_due_mails`] and [`next_due_day`] in `day_mail.rs`);
//! - [`erase_person`]: anonymised, keeping what the statistics count (`erase.rs`);
//! - [`merge_persons`], [`unmerge`], [`list_merges`]: two records of one person made one, the
//!   merge undone, the merges listed (`merge.rs`, `merge_fill.rs`, `unmerge.rs`);
//! - [`add_request`], [`answer_request`], [`list_requests`], [`request_counts`]: a person's requests to see, correct
//!   or erase their record, due and answered (`request.rs`; a correction, `correction.rs`);
//! - [`pending_due_mails`], [`compose_request_mail`], [`next_due_day`]: the engine's
//!   reminders of requests fallen due to the unit answering them and their escalation to the unit
//!   above (`request_reminders.rs`, sharing `day_mail.rs` with the suggestions');
//! - [`review_due_persons`], [`review_due_count`], [`keep_until`]: the retention review
//!   (`retention.rs`).

mod access_log;
mod book;
mod correction;
mod counts;
mod day_mail;
mod entry;
mod erase;
mod error;
mod followup;
mod ladder;
mod merge;
mod merge_fill;
mod person;
mod pin;
mod pool;
mod reminders;
mod request;
mod request_reminders;
mod retention;
mod reveal;
mod rotate;
mod scope;
mod sealing;
mod stats;
mod stored;
mod suggestion;
mod suggestion_reminders;
mod unmerge;

pub use access_log::{
    AccessAction, AccessEntry, AccessOutcome, AuditVerdict, GENESIS, access_log, verify_access_log, verify_entries,
};
pub use book::{BookPage, BookQuery, BookRow, BookSearch, export_books, list_books};
pub use counts::CountWindow;
pub(crate) use counts::{register_counts, register_total};
pub use day_mail::{DayMailData, DueMailGroup, DueStep, DueTopic, OverdueLine, next_due_day, pending_due_mails};
pub use entry::{Entered, Hold, NewPerson, Told, add_person, import_persons};
pub use erase::{ERASED_NAME, erase_person};
pub use error::RegistryError;
pub use followup::{ContactDue, FollowUp, add_followup, contacts_due};
pub use ladder::{Found, find_match};
pub use merge::{MergeBookAction, MergeRecord, Merged, Undone, list_merges, merge_persons};
pub use merge_fill::MergeField;
pub use person::{PersonBook, PersonDetail, is_own_book, person_detail};
pub use pin::{PIN_LOCK_SECONDS, PIN_TRIES, PinCheck, check_pin, pin_is_set, reset_pin, set_pin};
pub use pool::set_pool_status;
pub use reminders::{
    ContactMailBody, ContactMailData, ContactMailGroup, DueContact, OverdueCount, compose_contact_mail,
    next_contact_day, pending_contact_mails,
};
pub use request::{
    Answered, NewRequest, RequestAnswer, RequestQuery, RightsRequest, add_request, answer_request, list_requests,
    request_counts,
};
pub use request_reminders::{DueRequest, RequestMailBody, RequestMailData, compose_request_mail};
pub use retention::{ReviewDue, ReviewQuery, keep_until, review_due_count, review_due_persons};
pub use reveal::reveal_field;
pub use rotate::{Rotated, rotate_key};
pub use scope::{Scope, Viewer, find_unit, unit_in_scope};
pub use sealing::{PersonRecord, Shown};
pub use stats::{RegistryStats, UnitCount, registry_stats};
pub use suggestion::{
    NewSuggestion, SUGGESTION_DUE_DAYS, SUGGESTION_MAX_CHARS, Suggestion, SuggestionMove, SuggestionQuery,
    list_suggestions, move_suggestion, person_suggestions, record_suggestion, route_choices,
};
pub use suggestion_reminders::{DueSuggestion, SuggestionMailBody, SuggestionMailData, compose_suggestion_mail};
pub use unmerge::{Unmerged, unmerge};

#[cfg(test)]
mod request_reminder_tests;
#[cfg(test)]
mod request_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod suggestion_tests;
#[cfg(test)]
mod test_db;
#[cfg(test)]
mod tests;
