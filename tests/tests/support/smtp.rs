//! The SMTP test server for the engine tests: `smtp-test-server`'s (`tests/support/smtp_server.py`,
//! Debian's python3-aiosmtpd, on a free loopback port with its own Maildir and control file),
//! answering in the engine's terms ([`Mode`]), with the delivered messages parsed back with
//! mail-parser.
//!
//! ```ignore
//! let smtp = SmtpServer::start();
//! cmd.env("GUIYAN_SMTP_URL", smtp.url());
//! smtp.set_mode(Mode::Tempfail, &[]);                      // 451 at DATA, nothing stored
//! smtp.set_mode(Mode::Accept, &["jf1@shili.example.gov.cn"]); // 550 at RCPT for that address only
//! for m in smtp.messages() { /* m.key, m.message_id, m.subject, m.text, … */ }
//! ```
//!
//! Dropping the server stops it (SIGTERM, then SIGKILL) and removes its folder.

use std::path::{Path, PathBuf};

use mail_parser::{MessageParser, MimeHeaders};

/// What the server answers at DATA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// 250: stored in the Maildir.
    Accept,
    /// 451 4.3.0: nothing stored; the engine retries.
    Tempfail,
    /// 550 5.1.1: nothing stored; the engine gives the mail up.
    Permfail,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Accept => "accept",
            Mode::Tempfail => "tempfail",
            Mode::Permfail => "permfail",
        }
    }
}

/// One message as the server stored it.
#[derive(Clone, Debug)]
pub struct Received {
    /// The Maildir file.
    pub file: PathBuf,
    /// The envelope recipients (the `Delivered-To` lines the server adds).
    pub delivered_to: Vec<String>,
    /// The address of the `To` header.
    pub to: String,
    /// The decoded subject.
    pub subject: String,
    /// Without angle brackets.
    pub message_id: String,
    /// The `X-Guiyan-Key` header: the mail's idempotency key.
    pub key: String,
    /// The first text/plain part, line ends normalised to `\n`.
    pub text: String,
    /// The first text/html part.
    pub html: String,
    /// The top-level content type, e.g. `multipart/alternative`.
    pub content_type: String,
    pub text_parts: usize,
    pub html_parts: usize,
}

/// A running SMTP test server (stopped when dropped).
#[derive(Debug)]
pub struct SmtpServer {
    server: smtp_test_server::SmtpServer,
}

impl SmtpServer {
    /// Starts the server on a free port, accepting everything.
    pub fn start() -> SmtpServer {
        SmtpServer { server: smtp_test_server::SmtpServer::start() }
    }

    /// With the test certificate: STARTTLS offered and required (`implicit`: TLS from the first
    /// byte instead).
    pub fn start_tls(implicit: bool) -> SmtpServer {
        SmtpServer { server: smtp_test_server::SmtpServer::start_tls(implicit, &[]) }
    }

    /// `smtps://127.0.0.1:PORT`, for a server started with `--implicit-tls`.
    pub fn smtps_url(&self) -> String {
        self.server.smtps_url()
    }

    /// `smtp://127.0.0.1:PORT`, for `GUIYAN_SMTP_URL`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Answers `mode` at DATA, and 550 at RCPT for the addresses in `permfail_rcpt`.
    pub fn set_mode(&self, mode: Mode, permfail_rcpt: &[&str]) {
        self.control(mode, permfail_rcpt, 0);
    }

    /// Like [`set_mode`](Self::set_mode), and waits `delay_ms` before answering DATA.
    pub fn control(&self, mode: Mode, permfail_rcpt: &[&str], delay_ms: u64) {
        let json = serde_json::json!({ "mode": mode.name(), "permfail_rcpt": permfail_rcpt, "delay_ms": delay_ms });
        self.server.write_control(&json.to_string());
    }

    /// How many messages were delivered.
    pub fn count(&self) -> usize {
        self.server.files().len()
    }

    /// Every delivered message, parsed, in delivery order. Panics on a message that does not parse.
    pub fn messages(&self) -> Vec<Received> {
        self.server.files().iter().map(|f| parse_file(f)).collect()
    }

    /// The delivered messages whose key starts with `prefix` (`contacts-`, `requests-`), by key.
    pub fn keyed(&self, prefix: &str) -> Vec<Received> {
        let mut mails: Vec<Received> = self.messages().into_iter().filter(|m| m.key.starts_with(prefix)).collect();
        mails.sort_by(|a, b| a.key.cmp(&b.key));
        mails
    }
}

/// Parses a Maildir file or an `.eml` file.
pub fn parse_file(file: &Path) -> Received {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
    parse(file, &bytes)
}

fn parse(file: &Path, bytes: &[u8]) -> Received {
    let what = file.display();
    let message = MessageParser::default().parse(bytes).unwrap_or_else(|| panic!("{what} does not parse as MIME"));
    let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_string());
    // The server writes `Return-Path:` and `Delivered-To:` lines before the message.
    let delivered_to = String::from_utf8_lossy(bytes)
        .lines()
        .take_while(|l| l.starts_with("Return-Path:") || l.starts_with("Delivered-To:"))
        .filter_map(|l| l.strip_prefix("Delivered-To:").map(|a| a.trim().to_string()))
        .collect::<Vec<_>>();
    let to = message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_else(|| panic!("{what} has no To address"))
        .to_string();
    let content_type = message
        .content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
        .unwrap_or_default();
    Received {
        file: file.to_path_buf(),
        delivered_to,
        to,
        subject: message.subject().unwrap_or_else(|| panic!("{what} has no Subject")).to_string(),
        message_id: message.message_id().unwrap_or_else(|| panic!("{what} has no Message-ID")).to_string(),
        key: header("X-Guiyan-Key").unwrap_or_else(|| panic!("{what} has no X-Guiyan-Key")),
        text: message.body_text(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default(),
        html: message.body_html(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default(),
        content_type,
        text_parts: message.text_body_count(),
        html_parts: message.html_body_count(),
    }
}
