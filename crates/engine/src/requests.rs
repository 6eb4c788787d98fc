//! When persons' requests to see, correct or erase their record (查阅 / 更正 / 删除) are told: on
//! the day a request falls due still unanswered — the day in the campaigns' zone — the person's
//! own community, which answers it, gets one reminder, and [`REQUEST_ESCALATION_DAYS`] days later,
//! still unanswered, the unit above gets one escalation (督办), as suggestions are
//! (`suggestions.rs`, the loop shared in `due_mails.rs`). This file says how a requests mail is
//! composed.

use chrono::{DateTime, Utc};
use store::registry::{self, DueTopic};

use crate::due_mails::{DueMails, composed};
use crate::engine::{ComposedInfo, Engine, StepReport};
use crate::error::EngineError;

/// Days after a request's due day, still unanswered, when the unit above is told. The due day is
/// already the legal limit (15 days from receipt, `talent::REQUEST_DUE_DAYS`); three days more is
/// the street's cue to see it answered, as for suggestions.
pub const REQUEST_ESCALATION_DAYS: i64 = 3;

/// The requests' mails: linked to the unit's requests page.
pub(crate) const REQUEST_MAILS: DueMails =
    DueMails { topic: DueTopic::Requests, after_days: REQUEST_ESCALATION_DAYS, page: "r/requests" };

impl Engine {
    /// Composes today's reminders and escalations about requests fallen due unanswered.
    pub(crate) async fn compose_request_mails(
        &self,
        now: DateTime<Utc>,
        report: &mut StepReport,
    ) -> Result<(), EngineError> {
        let (_, locale) = self.contact_zone();
        let after_days = REQUEST_ESCALATION_DAYS;
        let (today, groups) = self.due_groups(now, &REQUEST_MAILS).await?;
        for (group, link) in &groups {
            if self.stopping() {
                return Ok(());
            }
            let mut info = None;
            let composing =
                registry::compose_request_mail(&self.store, group, today, after_days, now, &self.actor, |data| {
                    let composed = self.mailer().compose_requests(data, locale, after_days, now, link.as_deref())?;
                    info = Some(ComposedInfo::day_mail(group, &data.key, &data.recipient.id, &composed));
                    Ok::<_, EngineError>(composed)
                })
                .await?;
            self.report_due_mail(report, group, composed(composing, info));
        }
        Ok(())
    }
}
