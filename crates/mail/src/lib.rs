//! Mail content and delivery for the engine: what a mail says ([`Digest`]: one letter to one unit,
//! of one or more [`Section`]s, one per kind of notice), how it reads ([`Templates`], zh-CN first,
//! English available), its MIME bytes ([`build_message`]) and where it goes ([`Transport`]: SMTP,
//! `.eml` files or memory).
//!
//! An IO edge: it reads template files and talks SMTP, but never reads the clock; every time is a
//! parameter (`Digest::moment`, the `date` of [`build_message`]).
//!
//! The flow, for one mail:
//!
//! ```text
//! Digest ──Templates::render──▶ Rendered ──build_message──▶ Outgoing (stored) ──Transport::send──▶
//! ```
//!
//! The engine stores the [`Outgoing`] bytes and resends exactly them after a failure; the
//! Message-ID ([`message_id_for`]) and the `X-Guiyan-Key` header come from the mail's idempotency
//! key, so a retry is recognisably the same mail.

mod contact_mail;
mod digest;
mod due_mail;
mod mime;
mod report_mail;
mod request_mail;
mod sample;
mod smtp;
mod suggestion_mail;
mod templates;
mod transport;
pub mod view;

pub use contact_mail::{
    ContactsDueMail, ContactsOverdueMail, DueContact, OverdueCommunity, render_contacts_due, render_contacts_overdue,
};
pub use digest::{Digest, DigestTask, FigureLine, Recipient, Section};
pub use due_mail::{OverdueUnitCount, OverdueUnitsMail};
pub use lettre::message::Mailbox;
pub use mime::{KEY_HEADER, MailError, Outgoing, build_message, message_id_for};
/// The kinds of notice a mail's sections are, from the `plan` crate.
pub use plan::NoticeKind;
pub use report_mail::{ReportMail, render_report};
pub use request_mail::{DueRequestLine, RequestsDueMail, render_requests_due, render_requests_overdue};
pub use suggestion_mail::{DueSuggestionLine, SuggestionsDueMail, render_suggestions_due, render_suggestions_overdue};
pub use templates::{Rendered, TemplateError, Templates, locale_prefix, template_name, template_names};
pub use transport::{
    CaptureTransport, FileTransport, SendError, SmtpTransport, Transport, install_crypto_provider, redact_url,
};
