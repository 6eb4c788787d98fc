//! The calendar for guiyan: Chinese festivals and solar terms, official working days,
//! offsets such as `-21d` or `+3wd`, cron schedules and local times. Pure: no IO, no clock.
//!
//! ```
//! use calendar::{Festival, WorkdayCalendar, apply_offset, parse_offset};
//! use chrono::{NaiveDate, NaiveTime};
//!
//! let mid_autumn = Festival::from_name("中秋").unwrap();
//! let anchor = mid_autumn.dates_in_year(2026).unwrap()[0];
//! assert_eq!(anchor, NaiveDate::from_ymd_opt(2026, 9, 25).unwrap());
//!
//! // A campaign opening three weeks before, at 09:00.
//! let opens = apply_offset(
//!     anchor.and_hms_opt(0, 0, 0).unwrap(),
//!     parse_offset("-21d").unwrap(),
//!     NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
//!     &WorkdayCalendar::default(),
//! )
//! .unwrap();
//! assert_eq!(opens.to_string(), "2026-09-04 09:00:00");
//! ```

mod cron;
mod error;
mod festival;
mod local_time;
mod lunar;
mod lunar_month_day;
mod offset;
mod serde_impls;
mod solar_term;
mod workdays;
mod years;

pub use chrono_tz::Tz;

pub use crate::cron::CronSchedule;
pub use crate::error::{CalendarError, CronError, OffsetError, UnknownName};
pub use crate::festival::{Festival, festivals_in_year};
pub use crate::local_time::resolve_local;
pub use crate::lunar::{lunar_to_gregorian, new_years_eve, spring_festival};
pub use crate::lunar_month_day::LunarMonthDay;
pub use crate::offset::{Offset, OffsetUnit, apply_offset, parse_offset};
pub use crate::solar_term::SolarTerm;
pub use crate::workdays::{WorkdayCalendar, YearArrangement};
pub use crate::years::supported_years;
