//! What the mails about persons' suggestions (`suggestions.rs`) and requests (`requests.rs`)
//! share in the engine: on the day a row falls due still unanswered — the day in the campaigns'
//! zone — the unit answering it gets one reminder, and some days later, still unanswered, the unit
//! above gets one escalation (督办). The store decides what is due and keeps each mail once
//! (`store::registry::pending_due_mails`); this file asks it each step, links each mail to the
//! unit's page, logs the outcome, and decides when to wake for the next day.

use chrono::{DateTime, NaiveDate, Utc};
use store::registry::{self, DueMailGroup, DueTopic};

use crate::contacts::start_of;
use crate::engine::{ComposedInfo, Engine, StepReport};
use crate::error::EngineError;

/// How one topic's mails are written: the rows' escalation delay and the portal page linked.
pub(crate) struct DueMails {
    pub topic: DueTopic,
    pub after_days: i64,
    /// The page a mail's signed link opens (`r/s`, `r/requests`).
    pub page: &'static str,
}

/// What a store's compose said (`composing`) with what its render closure recorded (`info`): the
/// mail composed, a render error, or nothing (nothing to tell, or composed already).
pub(crate) fn composed(
    composing: Option<Result<String, EngineError>>,
    info: Option<ComposedInfo>,
) -> Option<Result<ComposedInfo, EngineError>> {
    match (composing, info) {
        (Some(Ok(_)), Some(info)) => Some(Ok(info)),
        (Some(Err(e)), _) => Some(Err(e)),
        _ => None,
    }
}

impl ComposedInfo {
    /// What a registry mail of the day `group` with `key`, to `recipient`, composed as `composed`,
    /// reports.
    pub(crate) fn day_mail(group: &DueMailGroup, key: &str, recipient: &str, composed: &store::ComposedMail) -> Self {
        ComposedInfo {
            key: key.to_string(),
            kind: group.kind().to_string(),
            kinds: vec![group.kind().to_string()],
            recipient: recipient.to_string(),
            to: composed.to_address.clone(),
            tasks: 0,
        }
    }
}

impl Engine {
    /// Today's day in the zone and the mails of `mails.topic` due to be composed today, each with
    /// the recipient's signed link to its page (`None` without a public address).
    pub(crate) async fn due_groups(
        &self,
        now: DateTime<Utc>,
        mails: &DueMails,
    ) -> Result<(NaiveDate, Vec<(DueMailGroup, Option<String>)>), EngineError> {
        let (tz, _) = self.contact_zone();
        let today = now.with_timezone(&tz).date_naive();
        let groups = registry::pending_due_mails(&self.store, mails.topic, today, mails.after_days).await?;
        if groups.is_empty() {
            return Ok((today, Vec::new()));
        }
        let secret = self.link_secret_now(now).await?;
        let mut linked = Vec::with_capacity(groups.len());
        for group in groups {
            let link = self.unit_link(secret.as_ref(), group.recipient(), mails.page, now).await?;
            linked.push((group, link));
        }
        Ok((today, linked))
    }

    /// Reports and logs what composing `group`'s mail came to (see [`composed`]): a render error
    /// is logged and tried again at the next step.
    pub(crate) fn report_due_mail(
        &self,
        report: &mut StepReport,
        group: &DueMailGroup,
        outcome: Option<Result<ComposedInfo, EngineError>>,
    ) {
        let unit = group.recipient();
        match outcome {
            Some(Ok(info)) => {
                tracing::info!(kind = group.kind(), unit, "registry mail composed");
                report.mails_composed.push(info);
            }
            Some(Err(e)) => {
                tracing::error!(kind = group.kind(), unit, error = %e, "cannot compose a registry mail; it is tried again at the next step");
            }
            None => {}
        }
    }

    /// When a row of `mails.topic` next falls due or becomes overdue: the start of that day in the
    /// zone, or of tomorrow when that day has come (today's mails are out; what is left waits a
    /// day).
    pub(crate) async fn next_due_wakeup(
        &self,
        now: DateTime<Utc>,
        mails: &DueMails,
    ) -> Result<Option<DateTime<Utc>>, EngineError> {
        let Some(day) = registry::next_due_day(&self.store, mails.topic, mails.after_days).await? else {
            return Ok(None);
        };
        let (tz, _) = self.contact_zone();
        let today = now.with_timezone(&tz).date_naive();
        let day = if day > today { day } else { today.succ_opt().unwrap_or(today) };
        Ok(Some(start_of(day, tz)))
    }
}
