//! From a digest of notices to a stored, sendable message: the templates, the sender address and
//! the MIME build. A mail is rendered once, when composed; every retry sends the same bytes.

use calendar::Tz;
use campaign::Workflows;
use chrono::{DateTime, Utc};
use store::registry::{
    ContactMailBody, ContactMailData, RequestMailBody, RequestMailData, SuggestionMailBody, SuggestionMailData,
};
use store::registry::{DayMailData, OverdueLine};
use store::{ComposedMail, DigestData, ReportMailData};

use crate::error::EngineError;

/// What a mail to a unit needs to carry its portal link: the web's address, the link secret, and
/// the unit with its link generation.
#[derive(Debug)]
pub struct Portal<'a> {
    pub base_url: &'a str,
    pub secret: &'a links::LinkSecret,
    pub subject: links::Subject,
    pub generation: u32,
}

/// How long a mailed link stays valid after the close of the newest run the mail is about: units
/// look up what they reported for a while after.
pub const LINK_AFTER_CLOSE: i64 = 30 * 86_400;

impl Portal<'_> {
    /// The signed link, valid until `closes_at` plus [`LINK_AFTER_CLOSE`].
    pub fn link(&self, closes_at: i64) -> String {
        let claims =
            links::Claims::link(self.subject.clone(), self.generation, closes_at.saturating_add(LINK_AFTER_CLOSE));
        format!("{}/l/{}", self.base_url.trim_end_matches('/'), links::sign(self.secret, &claims))
    }
}

/// Renders digests into messages.
#[derive(Debug)]
pub struct Mailer {
    templates: mail::Templates,
    from: mail::Mailbox,
    from_domain: String,
}

impl Mailer {
    /// `from` is an address, optionally with a name: `归雁 <guiyan@example.org>`.
    pub fn new(templates: mail::Templates, from: &str) -> Result<Mailer, EngineError> {
        let from: mail::Mailbox =
            from.parse().map_err(|e| mail::MailError::Address { address: from.to_string(), detail: format!("{e}") })?;
        let from_domain = from.email.domain().to_string();
        Ok(Mailer { templates, from, from_domain })
    }

    /// The sender, for the start banner.
    pub fn from(&self) -> String {
        self.from.to_string()
    }

    /// Renders one digest at `now`: one letter, a section per (kind, run). Times are shown in the
    /// zone of the lead section's campaign, and the letter is in its language. With a `portal`, the
    /// mail carries the unit's signed link, valid past the close of the newest run it is about.
    pub fn compose(
        &self,
        data: &DigestData,
        workflows: &Workflows,
        now: DateTime<Utc>,
        portal: Option<&Portal<'_>>,
    ) -> Result<ComposedMail, EngineError> {
        let lead = data.lead();
        let lead_campaign = workflows.campaign(&lead.campaign);
        let tz: Tz = lead_campaign.map(|c| c.timezone).or_else(|| lead.timezone.parse().ok()).unwrap_or(Tz::UTC);
        let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or_default().with_timezone(&tz);
        let sections = data
            .sections
            .iter()
            .map(|section| {
                let campaign = workflows.campaign(&section.campaign);
                mail::Section {
                    kind: section.kind,
                    campaign_id: section.campaign.clone(),
                    campaign_name: campaign.map(|c| c.name.clone()).unwrap_or_else(|| section.campaign.clone()),
                    run_key: section.run_key.clone(),
                    run_opens_at: Some(at(section.opens_at)),
                    run_closes_at: Some(at(section.closes_at)),
                    tasks: section
                        .tasks
                        .iter()
                        .map(|t| mail::DigestTask {
                            id: t.id.clone(),
                            title: t.title.clone(),
                            unit_id: t.unit.id.clone(),
                            unit_name: t.unit.name.clone(),
                            starts_at: at(t.starts_at),
                            due_at: at(t.due_at),
                            figures: t.figure_spec.iter().map(mail::FigureLine::from).collect(),
                        })
                        .collect(),
                }
            })
            .collect();
        let digest = mail::Digest {
            locale: lead_campaign.map(|c| c.locale).unwrap_or_default(),
            recipient: mail::Recipient {
                unit_id: data.recipient.id.clone(),
                unit_name: data.recipient.name.clone(),
                email: data.recipient.email.clone(),
            },
            moment: now.with_timezone(&tz),
            sections,
            portal_link: portal
                .map(|p| p.link(data.sections.iter().map(|s| s.closes_at).max().unwrap_or(now.timestamp()))),
        };
        let rendered = self.templates.render(&digest)?;
        self.package(rendered, &data.key, &data.recipient, now)
    }

    /// Renders one report mail: the report (built-in, or the campaign's tera template) from its
    /// snapshot, in the campaign's language, with the recipient's dashboard `link` if any.
    pub fn compose_report(
        &self,
        data: &ReportMailData,
        workflows: &Workflows,
        now: DateTime<Utc>,
        link: Option<&str>,
    ) -> Result<ComposedMail, EngineError> {
        let snapshot = &data.snapshot.snapshot;
        let campaign = workflows.campaign(&snapshot.campaign).ok_or_else(|| {
            EngineError::Report(format!("campaign `{}` is no longer in the workflows", snapshot.campaign))
        })?;
        let definition = campaign.reports.iter().find(|r| r.id == data.report).ok_or_else(|| {
            EngineError::Report(format!("report `{}` is no longer in campaign `{}`", data.report, campaign.id))
        })?;
        let compared = report::Compared {
            snapshot,
            previous: data.snapshot.previous.as_ref(),
            last_season: data.snapshot.last_season.as_ref(),
        };
        let lang: campaign::Lang = campaign.locale.into();
        let document = crate::reports::document(definition, compared, lang, report::Length::Brief(30))?;
        let subject = format!("{}（{}）", definition.title, snapshot.run);
        let text = documents::text::render(&document);
        let html = documents::html::render_fragment(&document);
        let rendered = mail::render_report(&mail::ReportMail {
            locale: campaign.locale,
            subject: &subject,
            recipient_name: &data.recipient.name,
            text: &text,
            html: &html,
            dashboard_link: link,
        });
        self.package(rendered, &data.key, &data.recipient, now)
    }

    /// Renders one mail about the registry's contacts: the community's reminder (names and due
    /// days) or the street's escalation (counts per community), in `locale`, with the unit's
    /// signed `link` to its book if any. Escalation comes after `escalate_after_days`.
    pub fn compose_contacts(
        &self,
        data: &ContactMailData,
        locale: campaign::Locale,
        escalate_after_days: i64,
        now: DateTime<Utc>,
        link: Option<&str>,
    ) -> Result<ComposedMail, EngineError> {
        let rendered = match &data.body {
            ContactMailBody::Due(contacts) => {
                let contacts: Vec<mail::DueContact> =
                    contacts.iter().map(|c| mail::DueContact { name: c.name.clone(), due_on: c.due_on }).collect();
                mail::render_contacts_due(&mail::ContactsDueMail {
                    locale,
                    recipient_name: &data.recipient.name,
                    day: data.day,
                    contacts: &contacts,
                    escalate_after_days,
                    book_link: link,
                })
            }
            ContactMailBody::Overdue { after_days, communities } => {
                let communities: Vec<mail::OverdueCommunity> = communities
                    .iter()
                    .map(|c| mail::OverdueCommunity {
                        name: c.unit.name.clone(),
                        contacts: c.contacts,
                        oldest: c.oldest,
                    })
                    .collect();
                mail::render_contacts_overdue(&mail::ContactsOverdueMail {
                    locale,
                    recipient_name: &data.recipient.name,
                    day: data.day,
                    after_days: *after_days,
                    communities: &communities,
                    book_link: link,
                })
            }
        };
        self.package(rendered, &data.key, &data.recipient, now)
    }

    /// Renders one mail about persons' suggestions: the reminder to the unit they are routed to
    /// (numbers, subjects, states, due days; names only for its own book) or the escalation to the
    /// unit above (counts per unit), in `locale`, with the unit's signed `link` to its suggestions.
    pub fn compose_suggestions(
        &self,
        data: &SuggestionMailData,
        locale: campaign::Locale,
        escalate_after_days: i64,
        now: DateTime<Utc>,
        link: Option<&str>,
    ) -> Result<ComposedMail, EngineError> {
        let lang: campaign::Lang = locale.into();
        let rendered = match &data.body {
            SuggestionMailBody::Due(due) => {
                let lines: Vec<mail::DueSuggestionLine> = due
                    .iter()
                    .map(|s| mail::DueSuggestionLine {
                        id: s.id,
                        name: s.name.clone(),
                        category: s.category_label(lang).map(str::to_string),
                        state: s.state_label(lang).to_string(),
                        due_on: s.due_on,
                    })
                    .collect();
                mail::render_suggestions_due(&mail::SuggestionsDueMail {
                    locale,
                    recipient_name: &data.recipient.name,
                    day: data.day,
                    suggestions: &lines,
                    escalate_after_days,
                    link,
                })
            }
            SuggestionMailBody::Overdue { after_days, units } => {
                render_overdue(mail::render_suggestions_overdue, data, locale, *after_days, units, link)
            }
        };
        self.package(rendered, &data.key, &data.recipient, now)
    }

    /// Renders one mail about persons' requests: the reminder to the community answering them
    /// (numbers, names, kinds, received and due days) or the escalation to the unit above (counts
    /// per unit), in `locale`, with the unit's signed `link` to its requests.
    pub fn compose_requests(
        &self,
        data: &RequestMailData,
        locale: campaign::Locale,
        escalate_after_days: i64,
        now: DateTime<Utc>,
        link: Option<&str>,
    ) -> Result<ComposedMail, EngineError> {
        let lang: campaign::Lang = locale.into();
        let rendered = match &data.body {
            RequestMailBody::Due(due) => {
                let lines: Vec<mail::DueRequestLine> = due
                    .iter()
                    .map(|r| mail::DueRequestLine {
                        id: r.id,
                        name: r.name.clone(),
                        kind: r.kind_label(lang).to_string(),
                        received_on: r.received_on,
                        due_on: r.due_on,
                    })
                    .collect();
                mail::render_requests_due(&mail::RequestsDueMail {
                    locale,
                    recipient_name: &data.recipient.name,
                    day: data.day,
                    requests: &lines,
                    escalate_after_days,
                    link,
                })
            }
            RequestMailBody::Overdue { after_days, units } => {
                render_overdue(mail::render_requests_overdue, data, locale, *after_days, units, link)
            }
        };
        self.package(rendered, &data.key, &data.recipient, now)
    }

    /// The MIME message of a rendered mail to `recipient`, with the Message-ID of its `key`: the
    /// bytes stored and sent, the same on every retry.
    fn package(
        &self,
        rendered: mail::Rendered,
        key: &str,
        recipient: &store::UnitInfo,
        now: DateTime<Utc>,
    ) -> Result<ComposedMail, EngineError> {
        let message_id = mail::message_id_for(key, &self.from_domain);
        let outgoing =
            mail::build_message(&rendered, &self.from, &recipient.name, &recipient.email, &message_id, now, key)?;
        Ok(ComposedMail {
            message_id,
            to_address: outgoing.to,
            envelope_from: outgoing.envelope_from,
            subject: rendered.subject,
            raw: outgoing.raw,
        })
    }
}

/// An escalation of `data` (suggestions or requests) rendered by `render`: `units` counted by name.
fn render_overdue<B>(
    render: fn(&mail::OverdueUnitsMail<'_>) -> mail::Rendered,
    data: &DayMailData<B>,
    locale: campaign::Locale,
    after_days: i64,
    units: &[OverdueLine],
    link: Option<&str>,
) -> mail::Rendered {
    let units: Vec<mail::OverdueUnitCount> = units
        .iter()
        .map(|u| mail::OverdueUnitCount { name: u.unit.name.clone(), count: u.count, oldest: u.oldest })
        .collect();
    render(&mail::OverdueUnitsMail {
        locale,
        recipient_name: &data.recipient.name,
        day: data.day,
        after_days,
        units: &units,
        link,
    })
}
