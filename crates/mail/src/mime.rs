//! The MIME message of a rendered mail: deterministic bytes that are stored once and resent as is.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use sha2::{Digest as _, Sha256};

use crate::templates::Rendered;

/// The header carrying the idempotency key of a mail.
pub const KEY_HEADER: &str = "X-Guiyan-Key";

/// A mail ready to send: the SMTP envelope and the message bytes (CRLF line ends).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The envelope sender (`MAIL FROM`), a bare address.
    pub envelope_from: String,
    /// The envelope recipient (`RCPT TO`), a bare address.
    pub to: String,
    /// The whole message, headers and body.
    pub raw: Vec<u8>,
}

/// A mail that cannot be built, or a transport that cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid mail address `{address}`: {detail}")]
    Address { address: String, detail: String },
    #[error("invalid idempotency key `{0}`: only printable ASCII without spaces is allowed")]
    BadKey(String),
    #[error("invalid Message-ID `{0}`: expected `local@domain` in printable ASCII")]
    BadMessageId(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    /// The URL is shown with its password replaced by `***`.
    #[error("invalid mail transport URL `{url}`: {detail}")]
    BadUrl { url: String, detail: String },
}

/// A deterministic Message-ID (without angle brackets) for an idempotency key: the first 32 hex
/// digits of the key's SHA-256, `@` the sender's domain. The same key always gives the same id.
pub fn message_id_for(key: &str, from_domain: &str) -> String {
    format!("{}@{}", &sha256_hex(key.as_bytes())[..32], from_domain)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_address(address: &str) -> Result<Address, MailError> {
    address
        .trim()
        .parse::<Address>()
        .map_err(|e| MailError::Address { address: address.to_string(), detail: e.to_string() })
}

/// Text fit for a header: control characters (line breaks above all, which lettre cannot
/// encode and which would otherwise start a new header) become spaces, runs of blanks one.
fn header_text(text: &str) -> String {
    let cleaned: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn printable(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic())
}

/// Builds the MIME message of `rendered`: multipart/alternative with a UTF-8 text/plain and a
/// UTF-8 text/html part, an encoded Subject and To display name, the given Message-ID (with or
/// without angle brackets) and Date, and an `X-Guiyan-Key: key` header (`key`: the mail's
/// idempotency key). The same arguments give
/// the same bytes (the MIME boundary is derived from the Message-ID), so a resend after a crash
/// is the same message.
pub fn build_message(
    rendered: &Rendered,
    from: &Mailbox,
    to_name: &str,
    to_email: &str,
    message_id: &str,
    date: DateTime<Utc>,
    key: &str,
) -> Result<Outgoing, MailError> {
    let to_address = parse_address(to_email)?;
    let to_name = header_text(to_name);
    let to = Mailbox::new((!to_name.is_empty()).then_some(to_name), to_address.clone());
    let mut from = from.clone();
    from.name = from.name.as_deref().map(header_text).filter(|n| !n.is_empty());
    if !printable(key) {
        return Err(MailError::BadKey(key.to_string()));
    }
    let bare_id = message_id.trim().trim_start_matches('<').trim_end_matches('>');
    if !printable(bare_id) || !bare_id.contains('@') || bare_id.contains(['<', '>']) {
        return Err(MailError::BadMessageId(message_id.to_string()));
    }
    let boundary = format!("guiyan-{}", &sha256_hex(format!("boundary:{bare_id}").as_bytes())[..32]);
    let body = MultiPart::alternative()
        .boundary(boundary)
        .singlepart(SinglePart::plain(rendered.text.clone()))
        .singlepart(SinglePart::html(rendered.html.clone()));
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(header_text(&rendered.subject))
        .message_id(Some(format!("<{bare_id}>")))
        .date(SystemTime::from(date))
        .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str(KEY_HEADER), key.to_string()))
        .multipart(body)
        .map_err(|e| MailError::Build(e.to_string()))?;
    Ok(Outgoing { envelope_from: from.email.to_string(), to: to_address.to_string(), raw: message.formatted() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_text_is_one_clean_line() {
        assert_eq!(header_text(" 解放路\r\nBcc: x@y\t第一社区 "), "解放路 Bcc: x@y 第一社区");
        assert_eq!(header_text("\n"), "");
    }

    #[test]
    fn message_ids_are_deterministic() {
        let a = message_id_for("assigned/spring-festival/2027/jiefang-1", "shili.example.gov.cn");
        assert_eq!(a, message_id_for("assigned/spring-festival/2027/jiefang-1", "shili.example.gov.cn"));
        assert_ne!(a, message_id_for("assigned/spring-festival/2027/jiefang-2", "shili.example.gov.cn"));
        assert!(a.ends_with("@shili.example.gov.cn"));
        assert_eq!(a.split('@').next().map(str::len), Some(32));
    }
}
