//! When persons' suggestions are told (issue 18, item 6): on the day a suggestion falls due still
//! unanswered — the day in the campaigns' zone — the unit it is routed to gets one reminder, and
//! [`SUGGESTION_ESCALATION_DAYS`] days later, still unanswered, the unit above gets one escalation
//! (督办), exactly as contacts are (`contacts.rs`). The store decides what is due and keeps each
//! mail once; this file decides the day and when to wake for the next one.

use chrono::{DateTime, Utc};
use store::registry;

use crate::contacts::start_of;
use crate::engine::{ComposedInfo, Engine, StepReport};
use crate::error::EngineError;

/// Days after a suggestion's due day, still unanswered, when the unit above is told.
pub const SUGGESTION_ESCALATION_DAYS: i64 = 3;

impl Engine {
    /// Composes today's reminders and escalations about suggestions fallen due unanswered.
    pub(crate) async fn compose_suggestion_mails(
        &self,
        now: DateTime<Utc>,
        report: &mut StepReport,
    ) -> Result<(), EngineError> {
        let (tz, locale) = self.contact_zone();
        let today = now.with_timezone(&tz).date_naive();
        let groups = registry::pending_suggestion_mails(&self.store, today, SUGGESTION_ESCALATION_DAYS).await?;
        if groups.is_empty() {
            return Ok(());
        }
        let secret = self.link_secret_now(now).await?;
        for group in &groups {
            if self.stopping() {
                return Ok(());
            }
            let recipient = group.recipient();
            // The unit's suggestions page.
            let link = self.unit_link(secret.as_ref(), recipient, "r/s", now).await?;
            let mut info = None;
            let composing = registry::compose_suggestion_mail(
                &self.store,
                group,
                today,
                SUGGESTION_ESCALATION_DAYS,
                now,
                &self.actor,
                |data| {
                    let composed = self.mailer().compose_suggestions(
                        data,
                        locale,
                        SUGGESTION_ESCALATION_DAYS,
                        now,
                        link.as_deref(),
                    )?;
                    info = Some(ComposedInfo {
                        key: data.key.clone(),
                        kind: group.kind().to_string(),
                        kinds: vec![group.kind().to_string()],
                        recipient: data.recipient.id.clone(),
                        to: composed.to_address.clone(),
                        tasks: 0,
                    });
                    Ok::<_, EngineError>(composed)
                },
            )
            .await?;
            match composing {
                Some(Ok(_)) => {
                    tracing::info!(kind = group.kind(), unit = recipient, "suggestions mail composed");
                    report.mails_composed.extend(info);
                }
                Some(Err(e)) => {
                    tracing::error!(kind = group.kind(), unit = recipient, error = %e, "cannot compose a suggestions mail; it is tried again at the next step");
                }
                None => {}
            }
        }
        Ok(())
    }

    /// When a suggestion next falls due or becomes overdue: the start of that day in the zone, or
    /// of tomorrow when that day has come (today's mails are out; what is left waits a day).
    pub(crate) async fn next_suggestion_wakeup(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, EngineError> {
        let Some(day) = registry::next_suggestion_day(&self.store, SUGGESTION_ESCALATION_DAYS).await? else {
            return Ok(None);
        };
        let (tz, _) = self.contact_zone();
        let today = now.with_timezone(&tz).date_naive();
        let day = if day > today { day } else { today.succ_opt().unwrap_or(today) };
        Ok(Some(start_of(day, tz)))
    }
}
