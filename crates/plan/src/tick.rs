//! The engine's decisions for one task at one moment, as data: open it, remind, report it overdue,
//! escalate — including catch-up after downtime. Pure: the store supplies the task as it stands and
//! the time handled so far; the engine executes the decision (state change and mail in one
//! transaction).
//!
//! Catch-up rules: whatever fell due while nothing ran happens once, late; a reminder whose due
//! time has already passed is folded into the overdue notice instead of being sent stale; several
//! missed reminders before the due time become one; every missed escalation goes out (each to its
//! own unit); a task that opens after its due time is assigned once, its assignment saying it is
//! already overdue, with no separate overdue notice. Once its run closed more than
//! [`LATE_CLOSE_GRACE`] ago, a task is decided in silence: it neither opens nor tells anyone, since
//! units are never mailed about a closed run (the owner hears of the unfinished work once, from
//! the close). Nothing is decided twice: a decision covers the window `(handled_until, now]`.

use crate::diff::TaskState;
use crate::notice_kind::NoticeKind;

/// How long after a run's close its tasks are still decided as usual: a tick that handles an event
/// at the closing time runs a moment after it. Later than this, the engine was not running when
/// the run closed, and its tasks are closed without a word to their units.
pub const LATE_CLOSE_GRACE: i64 = 3600;

/// What the engine needs to know of an unsettled task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDue {
    pub state: TaskState,
    pub starts_at: i64,
    pub due_at: i64,
    /// Ascending.
    pub reminders: Vec<i64>,
    /// Ascending: (when, to which unit).
    pub escalations: Vec<(i64, String)>,
    /// Whether every task this one waits for is done, waived or cancelled.
    pub dependencies_settled: bool,
    /// Everything at or before this instant was decided by an earlier tick.
    pub handled_until: i64,
    /// When the task's run closes.
    pub run_closes_at: i64,
}

/// A message a decision causes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The task opened: tell the unit it has work.
    Assigned,
    /// The due time approaches.
    Reminder { at: i64 },
    /// The due time passed and the work is not done.
    Overdue { due_at: i64 },
    /// Overdue work reported to a unit higher up.
    Escalation { at: i64, to: String },
}

impl Notice {
    /// The notice's kind, as stored and mailed.
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::Assigned => NoticeKind::Assigned,
            Notice::Reminder { .. } => NoticeKind::Reminder,
            Notice::Overdue { .. } => NoticeKind::Overdue,
            Notice::Escalation { .. } => NoticeKind::Escalation,
        }
    }
}

/// The outcome of one task at one tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Whether the task opens now.
    pub open: bool,
    pub notices: Vec<Notice>,
    /// The next moment something is due for the task; `None` until something else changes it (a
    /// waiting task whose start passed waits for its dependencies; a task with nothing left).
    pub next_event_at: Option<i64>,
    /// The new `handled_until`: `now`.
    pub handled_until: i64,
}

/// Decides what happens to a task at `now`. Settled tasks (done, waived, cancelled) get nothing.
pub fn decide(task: &TaskDue, now: i64) -> Decision {
    let mut decision = Decision { open: false, notices: Vec::new(), next_event_at: None, handled_until: now };
    let since = task.handled_until;
    if now > task.run_closes_at.saturating_add(LATE_CLOSE_GRACE) {
        return decision;
    }
    match task.state {
        TaskState::Done | TaskState::Waived | TaskState::Cancelled => return decision,
        TaskState::Waiting if task.starts_at > now => {
            decision.next_event_at = Some(task.starts_at);
            return decision;
        }
        TaskState::Waiting if !task.dependencies_settled => return decision,
        TaskState::Waiting => {
            decision.open = true;
            decision.notices.push(Notice::Assigned);
            // The assignment mail says what a reminder would, and that the task is overdue if it
            // is: earlier reminders and the overdue notice are not sent. Escalations go up.
            push_escalations(task, since, now, &mut decision.notices);
        }
        TaskState::Open => {
            let missed: Vec<i64> = task.reminders.iter().copied().filter(|r| *r > since && *r <= now).collect();
            if let Some(&latest) = missed.last()
                && task.due_at > now
            {
                decision.notices.push(Notice::Reminder { at: latest });
            }
            if task.due_at > since && task.due_at <= now {
                decision.notices.push(Notice::Overdue { due_at: task.due_at });
            }
            push_escalations(task, since, now, &mut decision.notices);
        }
    }
    decision.next_event_at = task
        .reminders
        .iter()
        .copied()
        .filter(|r| *r < task.due_at)
        .chain(std::iter::once(task.due_at))
        .chain(task.escalations.iter().map(|(at, _)| *at))
        .filter(|t| *t > now)
        .min();
    decision
}

fn push_escalations(task: &TaskDue, since: i64, now: i64, notices: &mut Vec<Notice>) {
    for (at, to) in &task.escalations {
        if *at > since && *at <= now {
            notices.push(Notice::Escalation { at: *at, to: to.clone() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3600;
    const DAY: i64 = 24 * HOUR;

    fn open_task() -> TaskDue {
        TaskDue {
            state: TaskState::Open,
            starts_at: 0,
            due_at: 10 * DAY,
            reminders: vec![7 * DAY, 9 * DAY],
            escalations: vec![(12 * DAY, "street".into()), (14 * DAY, "district".into())],
            dependencies_settled: true,
            handled_until: 0,
            run_closes_at: 30 * DAY,
        }
    }

    #[test]
    fn a_reminder_goes_out_once_at_its_time() {
        let task = open_task();
        let d = decide(&task, 7 * DAY);
        assert_eq!(d.notices, vec![Notice::Reminder { at: 7 * DAY }]);
        assert_eq!(d.next_event_at, Some(9 * DAY));
        let again = decide(&TaskDue { handled_until: d.handled_until, ..task }, 7 * DAY + HOUR);
        assert!(again.notices.is_empty(), "nothing twice: {again:?}");
    }

    #[test]
    fn missed_reminders_before_the_due_time_become_one() {
        let d = decide(&open_task(), 9 * DAY + HOUR);
        assert_eq!(d.notices, vec![Notice::Reminder { at: 9 * DAY }]);
        assert_eq!(d.next_event_at, Some(10 * DAY));
    }

    #[test]
    fn a_stale_reminder_is_folded_into_the_overdue_notice() {
        let d = decide(&open_task(), 11 * DAY);
        assert_eq!(d.notices, vec![Notice::Overdue { due_at: 10 * DAY }]);
        assert_eq!(d.next_event_at, Some(12 * DAY));
    }

    #[test]
    fn catch_up_after_downtime_sends_every_missed_escalation_once() {
        let d = decide(&open_task(), 20 * DAY);
        assert_eq!(
            d.notices,
            vec![
                Notice::Overdue { due_at: 10 * DAY },
                Notice::Escalation { at: 12 * DAY, to: "street".into() },
                Notice::Escalation { at: 14 * DAY, to: "district".into() },
            ]
        );
        assert_eq!(d.next_event_at, None);
    }

    #[test]
    fn settled_work_generates_nothing() {
        for state in [TaskState::Done, TaskState::Waived, TaskState::Cancelled] {
            let d = decide(&TaskDue { state, ..open_task() }, 20 * DAY);
            assert!(d.notices.is_empty() && !d.open && d.next_event_at.is_none(), "{state:?}");
        }
    }

    #[test]
    fn a_waiting_task_opens_when_its_start_passed_and_dependencies_are_settled() {
        let waiting = TaskDue { state: TaskState::Waiting, starts_at: 2 * DAY, ..open_task() };
        let early = decide(&waiting, DAY);
        assert!(!early.open && early.notices.is_empty());
        assert_eq!(early.next_event_at, Some(2 * DAY));
        let blocked = decide(&TaskDue { dependencies_settled: false, ..waiting.clone() }, 3 * DAY);
        assert!(!blocked.open && blocked.next_event_at.is_none(), "woken when a dependency settles");
        let opened = decide(&waiting, 8 * DAY);
        assert!(opened.open);
        assert_eq!(opened.notices, vec![Notice::Assigned], "the assignment replaces the missed reminder");
        assert_eq!(opened.next_event_at, Some(9 * DAY));
    }

    #[test]
    fn a_task_opening_after_its_due_time_is_assigned_once_and_escalated() {
        let late = TaskDue { state: TaskState::Waiting, ..open_task() };
        let d = decide(&late, 13 * DAY);
        // The assignment says the task is overdue; no second notice to the same unit.
        assert_eq!(d.notices, vec![Notice::Assigned, Notice::Escalation { at: 12 * DAY, to: "street".into() }]);
    }

    #[test]
    fn a_closed_run_mails_no_unit_once_its_close_is_past_the_grace() {
        for state in [TaskState::Waiting, TaskState::Open] {
            let task = TaskDue { state, ..open_task() };
            let d = decide(&task, 30 * DAY + LATE_CLOSE_GRACE + 1);
            assert_eq!(
                d,
                Decision { open: false, notices: vec![], next_event_at: None, handled_until: d.handled_until }
            );
        }
        // An event at the closing time, handled a moment after it, still goes out.
        let due_at_close = TaskDue { due_at: 30 * DAY, reminders: vec![], escalations: vec![], ..open_task() };
        let d = decide(&due_at_close, 30 * DAY + 2);
        assert_eq!(d.notices, vec![Notice::Overdue { due_at: 30 * DAY }]);
    }
}
