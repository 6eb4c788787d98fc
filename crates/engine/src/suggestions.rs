//! When persons' suggestions are told (issue 18, item 6): on the day a suggestion falls due still
//! unanswered — the day in the campaigns' zone — the unit it is routed to gets one reminder, and
//! [`SUGGESTION_ESCALATION_DAYS`] days later, still unanswered, the unit above gets one escalation
//! (督办), exactly as contacts are (`contacts.rs`) and requests (`requests.rs`). The loop, the
//! links and the wake-up are shared (`due_mails.rs`); this file says how a suggestions mail is
//! composed.

use chrono::{DateTime, Utc};
use store::registry::{self, DueTopic};

use crate::due_mails::{DueMails, composed};
use crate::engine::{ComposedInfo, Engine, StepReport};
use crate::error::EngineError;

/// Days after a suggestion's due day, still unanswered, when the unit above is told.
pub const SUGGESTION_ESCALATION_DAYS: i64 = 3;

/// The suggestions' mails: linked to the unit's suggestions page.
pub(crate) const SUGGESTION_MAILS: DueMails =
    DueMails { topic: DueTopic::Suggestions, after_days: SUGGESTION_ESCALATION_DAYS, page: "r/s" };

impl Engine {
    /// Composes today's reminders and escalations about suggestions fallen due unanswered.
    pub(crate) async fn compose_suggestion_mails(
        &self,
        now: DateTime<Utc>,
        report: &mut StepReport,
    ) -> Result<(), EngineError> {
        let (_, locale) = self.contact_zone();
        let after_days = SUGGESTION_ESCALATION_DAYS;
        let (today, groups) = self.due_groups(now, &SUGGESTION_MAILS).await?;
        for (group, link) in &groups {
            if self.stopping() {
                return Ok(());
            }
            let mut info = None;
            let composing =
                registry::compose_suggestion_mail(&self.store, group, today, after_days, now, &self.actor, |data| {
                    let composed = self.mailer().compose_suggestions(data, locale, after_days, now, link.as_deref())?;
                    info = Some(ComposedInfo::day_mail(group, &data.key, &data.recipient.id, &composed));
                    Ok::<_, EngineError>(composed)
                })
                .await?;
            self.report_due_mail(report, group, composed(composing, info));
        }
        Ok(())
    }
}
