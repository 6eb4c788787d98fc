//! When the registry's contacts are told (issue 18, item 6): on the day a follow-up's next
//! contact falls due — the day in the campaigns' zone — its community gets one reminder, and
//! [`CONTACT_ESCALATION_DAYS`] days later, still not followed up, the street above gets one
//! escalation (督办). The store decides what is due and keeps each mail once; this file decides
//! the day and when to wake for the next one.

use calendar::Tz;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use store::registry;

use crate::engine::{ComposedInfo, Engine, StepReport};
use crate::error::EngineError;

/// Days after a contact fell due, still not followed up, when its street is told.
pub const CONTACT_ESCALATION_DAYS: i64 = 3;

/// The zone of the registry's days when no campaign is loaded.
const DEFAULT_ZONE: Tz = Tz::Asia__Shanghai;

/// The first instant of `day` in `tz`.
pub(crate) fn start_of(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    calendar::resolve_local(tz, day.and_time(NaiveTime::MIN)).with_timezone(&Utc)
}

impl Engine {
    /// The zone and language of the registry's mails: the first campaign's, else Asia/Shanghai
    /// and Chinese.
    pub(crate) fn contact_zone(&self) -> (Tz, campaign::Locale) {
        let workflows = self.workflows();
        match workflows.campaigns.first() {
            Some(c) => (c.timezone, c.locale),
            None => (DEFAULT_ZONE, campaign::Locale::default()),
        }
    }

    /// The link secret, read afresh each time (`guiyan link rotate-secret` may have replaced it
    /// since); `None` when the web has no public address, and mails then carry no link.
    pub(crate) async fn link_secret_now(&self, now: DateTime<Utc>) -> Result<Option<links::LinkSecret>, EngineError> {
        match &self.config.base_url {
            Some(_) => Ok(Some(links::LinkSecret::new(store::link_secret(&self.store, now).await?))),
            None => Ok(None),
        }
    }

    /// `unit`'s signed link opening the portal at `to` (`r` the book, `r/s` the suggestions), or
    /// `None` without a public address (or for a unit id a link cannot name).
    pub(crate) async fn unit_link(
        &self,
        secret: Option<&links::LinkSecret>,
        unit: &str,
        to: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, EngineError> {
        let (Some(base), Some(secret), Ok(subject)) = (&self.config.base_url, secret, links::Subject::unit(unit))
        else {
            return Ok(None);
        };
        let generation = store::link_generation(&self.store, &store::subject_key(&subject)).await?;
        let portal = crate::mailer::Portal { base_url: base, secret, subject, generation };
        Ok(Some(format!("{}?to={to}", portal.link(now.timestamp()))))
    }

    /// Composes today's reminders and escalations about contacts that fell due.
    pub(crate) async fn compose_contact_mails(
        &self,
        now: DateTime<Utc>,
        report: &mut StepReport,
    ) -> Result<(), EngineError> {
        let (tz, locale) = self.contact_zone();
        let today = now.with_timezone(&tz).date_naive();
        let groups = registry::pending_contact_mails(&self.store, today, CONTACT_ESCALATION_DAYS).await?;
        if groups.is_empty() {
            return Ok(());
        }
        let secret = self.link_secret_now(now).await?;
        for group in &groups {
            if self.stopping() {
                return Ok(());
            }
            let recipient = group.recipient();
            // The unit's book; the link lives as long as a task mail's after its run closes.
            let link = self.unit_link(secret.as_ref(), recipient, "r", now).await?;
            let mut info = None;
            let composing = registry::compose_contact_mail(
                &self.store,
                group,
                today,
                CONTACT_ESCALATION_DAYS,
                now,
                &self.actor,
                |data| {
                    let composed =
                        self.mailer().compose_contacts(data, locale, CONTACT_ESCALATION_DAYS, now, link.as_deref())?;
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
                    tracing::info!(kind = group.kind(), unit = recipient, "contacts mail composed");
                    report.mails_composed.extend(info);
                }
                Some(Err(e)) => {
                    tracing::error!(kind = group.kind(), unit = recipient, error = %e, "cannot compose a contacts mail; it is tried again at the next step");
                }
                None => {}
            }
        }
        Ok(())
    }

    /// When a contact next falls due or becomes overdue: the start of that day in the zone, or
    /// of tomorrow when that day has come (today's mails are out; what is left waits a day).
    pub(crate) async fn next_contact_wakeup(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, EngineError> {
        let Some(day) = registry::next_contact_day(&self.store, CONTACT_ESCALATION_DAYS).await? else {
            return Ok(None);
        };
        let (tz, _) = self.contact_zone();
        let today = now.with_timezone(&tz).date_naive();
        let day = if day > today { day } else { today.succ_opt().unwrap_or(today) };
        Ok(Some(start_of(day, tz)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2027, 1, 20).expect("a day");
        assert_eq!(start_of(day, DEFAULT_ZONE).to_rfc3339(), "2027-01-19T16:00:00+00:00");
    }
}
