//! The engine behind `guiyan run` and `guiyan simulate`: opens runs, ticks due tasks, composes
//! notices into digest mails and delivers them, all on an injected clock.

mod clock;
mod contacts;
mod deliver;
mod due_mails;
mod engine;
mod error;
mod lock;
mod mailer;
mod materialize;
mod reports;
mod requests;
mod simulate;
mod suggestions;

pub use clock::{Clock, SystemClock, VirtualClock};
pub use contacts::CONTACT_ESCALATION_DAYS;
pub use engine::{ComposedInfo, Engine, EngineConfig, ReadWorkflows, StepReport, StopHandle};
pub use error::EngineError;
pub use lock::{EngineLock, lock_sqlite};
pub use mailer::{LINK_AFTER_CLOSE, Mailer, Portal};
pub use materialize::{definitions, next_opening, runs_to_open};
pub use reports::document as report_document;
pub use requests::REQUEST_ESCALATION_DAYS;
pub use simulate::{Random, SimulationOptions, Timeline, TimelineEntry, TimelineEvent, simulate};
pub use suggestions::SUGGESTION_ESCALATION_DAYS;
