//! Where the engine's time comes from: the system clock (optionally shifted, to rehearse a season
//! with `--now`) or a virtual clock that `guiyan simulate` and tests move by hand.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};

/// The current time, injected everywhere the engine needs it.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock, shifted by a fixed amount: `starting_at(T)` reads T now and runs on in real time.
#[derive(Clone, Copy, Debug)]
pub struct SystemClock {
    shift: TimeDelta,
}

impl SystemClock {
    /// The real time.
    pub fn real() -> SystemClock {
        SystemClock { shift: TimeDelta::zero() }
    }

    /// A clock that reads `start` now and advances in real time from there.
    pub fn starting_at(start: DateTime<Utc>) -> SystemClock {
        SystemClock { shift: start - system_now() }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        system_now() + self.shift
    }
}

#[allow(clippy::disallowed_methods)] // the one place that reads the system clock
fn system_now() -> DateTime<Utc> {
    Utc::now()
}

/// A clock that stands still until moved.
#[derive(Clone, Debug)]
pub struct VirtualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl VirtualClock {
    pub fn new(start: DateTime<Utc>) -> VirtualClock {
        VirtualClock { now: Arc::new(Mutex::new(start)) }
    }

    /// Moves the clock to `to` (never backwards).
    pub fn set(&self, to: DateTime<Utc>) {
        let mut now = self.now.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if to > *now {
            *now = to;
        }
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_reads_its_start_and_runs_on() {
        let start = DateTime::parse_from_rfc3339("2027-01-20T10:00:00+08:00").unwrap().with_timezone(&Utc);
        let clock = SystemClock::starting_at(start);
        let read = clock.now();
        assert!(read >= start && read - start < TimeDelta::seconds(5), "{read}");
    }

    #[test]
    fn a_virtual_clock_never_goes_backwards() {
        let start = DateTime::from_timestamp(1_000, 0).unwrap();
        let clock = VirtualClock::new(start);
        clock.set(DateTime::from_timestamp(2_000, 0).unwrap());
        clock.set(start);
        assert_eq!(clock.now().timestamp(), 2_000);
    }
}
