//! The SMTP test server for the engine tests: `tests/support/smtp_server.py` (Debian's
//! python3-aiosmtpd) on a free loopback port with its own Maildir and control file, and the
//! delivered messages parsed back with mail-parser.
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

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};

/// The interpreter that sees Debian's python3-aiosmtpd (a pyenv python does not).
const PYTHON: &str = "/usr/bin/python3";

/// How long the server may take to report `READY <port>`.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// The server script, shared with the mail crate's tests.
pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("support/smtp_server.py")
}

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

/// A running SMTP test server.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
    control: PathBuf,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpServer").field("port", &self.port).field("maildir", &self.maildir).finish()
    }
}

impl SmtpServer {
    /// Starts the server on `--port 0` (it binds a free port itself and reports it, so nothing can
    /// take the port in between), accepting everything, and waits for `READY <port>`.
    pub fn start() -> SmtpServer {
        SmtpServer::start_with(&[])
    }

    /// Like [`SmtpServer::start`], with more options for `smtp_server.py` (TLS, AUTH, …).
    pub fn start_with(options: &[&str]) -> SmtpServer {
        let dir = tempfile::Builder::new().prefix("guiyan-smtp-").tempdir().expect("tempdir for the SMTP server");
        let maildir = dir.path().join("Maildir");
        let control = dir.path().join("control.json");
        let mut child = Command::new(PYTHON)
            .arg(script())
            .args(["--port", "0", "--maildir"])
            .arg(&maildir)
            .arg("--control")
            .arg(&control)
            .args(options)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {PYTHON} (apt-get install python3-aiosmtpd): {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let port = loop {
            match rx.recv_timeout(READY_TIMEOUT) {
                Ok(line) => {
                    if let Some(port) = line.strip_prefix("READY ") {
                        break port.trim().parse().expect("READY <port>");
                    }
                }
                Err(e) => {
                    let _ = child.kill();
                    let status = child.wait();
                    panic!(
                        "the SMTP test server did not report READY ({e}; exit {status:?}); is python3-aiosmtpd \
                         installed for {PYTHON}? (scripts/test installs it)"
                    );
                }
            }
        };
        SmtpServer { child, port, maildir, control, _dir: dir }
    }

    /// `smtps://127.0.0.1:PORT`, for a server started with `--implicit-tls`.
    pub fn smtps_url(&self) -> String {
        format!("smtps://127.0.0.1:{}", self.port)
    }

    /// `smtp://127.0.0.1:PORT`, for `GUIYAN_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Answers `mode` at DATA, and 550 at RCPT for the addresses in `permfail_rcpt`.
    pub fn set_mode(&self, mode: Mode, permfail_rcpt: &[&str]) {
        self.control(mode, permfail_rcpt, 0);
    }

    /// Like [`set_mode`](Self::set_mode), and waits `delay_ms` before answering DATA.
    pub fn control(&self, mode: Mode, permfail_rcpt: &[&str], delay_ms: u64) {
        let json = serde_json::json!({ "mode": mode.name(), "permfail_rcpt": permfail_rcpt, "delay_ms": delay_ms });
        // Atomically: the server re-reads the file on every RCPT and DATA.
        let tmp = self.control.with_extension("tmp");
        std::fs::write(&tmp, json.to_string()).expect("write the control file");
        std::fs::rename(&tmp, &self.control).expect("replace the control file");
    }

    /// The Maildir files of the delivered messages, in delivery order (the names start with the
    /// time in nanoseconds).
    pub fn files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        files
    }

    /// How many messages were delivered.
    pub fn count(&self) -> usize {
        self.files().len()
    }

    /// Every delivered message, parsed, in delivery order. Panics on a message that does not parse.
    pub fn messages(&self) -> Vec<Received> {
        self.files().iter().map(|f| parse_file(f)).collect()
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

impl Drop for SmtpServer {
    /// SIGTERM (the server closes its listener and exits), SIGKILL if it is still there after 5 s.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
