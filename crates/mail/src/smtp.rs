//! SMTP delivery: lettre's SMTP client on a small pool of our own TCP_NODELAY connections.
//!
//! Why not lettre's pooled `AsyncSmtpTransport`: its sockets keep Nagle's algorithm on, and lettre
//! writes a message's final `\r\n.\r\n` as a separate small write, which then waits for the
//! server's delayed ACK of the body (~40 ms a mail: 90 mails/s over 4 connections, see
//! docs/benchmarks.md, "Mail delivery to a local SMTP sink"). Here lettre still speaks SMTP (an
//! [`AsyncSmtpConnection`] for each connection: greeting, EHLO, STARTTLS, AUTH, the commands and
//! the dot-stuffed message), but on sockets opened by us with TCP_NODELAY, which also hold lettre's
//! writes until its next read, so that a message's body and final dot leave together
//! ([`WritesBeforeReads`]). Where the server offers PIPELINING (RFC 2920), MAIL, RCPT and DATA go
//! out as one group ([`EnvelopeGroup`]) through lettre's public `command` and `read_response`, and
//! a message goes out in one write with the next mail's group ([`Chained`]): one round trip a mail
//! while mails are queued.
//!
//! Sending: a send queues its mail and waits for the outcome. Up to `max_connections` worker tasks
//! take queued mails in turn, each on one connection (the most recently used idle one, or a new
//! one) for as long as mails are queued and the connection stays good; then the connection goes
//! back to the pool and the worker ends. A mail can be withdrawn while it is queued
//! ([`SmtpTransport::send_unless_withdrawn`]). No NOOP probes a connection before reuse (a round
//! trip per mail): instead, when a reused connection turns out to be closed before the server
//! accepted `DATA` (nothing of the message was sent), the mail goes out once more on a fresh
//! connection. Idle connections are closed with QUIT after [`IDLE_LIMIT`].

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
#[allow(deprecated)] // see `ImplicitTls`
use lettre::transport::smtp::client::AsyncNetworkStream;
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use lettre::{Address, address::Envelope};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::mime::{MailError, Outgoing};
use crate::transport::{SendError, redact_url};

/// How long a connection may stay idle in the pool before it is closed. Servers drop silent
/// clients (Postfix after 300 s, some relays after 60 s); a connection kept longer would mostly
/// fail at its next use and cost a retry.
const IDLE_LIMIT: Duration = Duration::from_secs(60);

/// How long closing a connection politely (QUIT and its reply) may take before it is just dropped.
const QUIT_LIMIT: Duration = Duration::from_secs(2);

/// The SMTP reply code of a server closing the connection (RFC 5321 §3.8: "service not available,
/// closing transmission channel"), as it says when it times out an idle client.
const CLOSING: &str = "421";

/// SMTP reply codes of failed authentication: the setting is wrong, not the mail.
const AUTH_CODES: [&str; 4] = ["530", "534", "535", "538"];

/// SMTP through lettre's connection code on at most `max_connections` connections, each driven by
/// a worker task that takes the queued mails in turn; a timeout bounds every exchange with the
/// server (connecting, a command and its replies).
#[derive(Clone)]
pub struct SmtpTransport {
    inner: Arc<SmtpInner>,
}

struct SmtpInner {
    settings: Settings,
    shared: Mutex<Shared>,
}

/// Everything a URL says, and the limits.
#[derive(Clone)]
struct Settings {
    host: String,
    port: u16,
    security: Security,
    hello: ClientId,
    credentials: Option<Credentials>,
    max_connections: usize,
    timeout: Duration,
    idle_limit: Duration,
    /// The URL with its password replaced by `***`: the only form that is shown or logged.
    url: String,
}

#[derive(Clone)]
enum Security {
    /// `smtp://`: plain text (local relays, tests).
    Plain,
    /// `smtp://…?tls=required` (fail unless the server offers STARTTLS) or `?tls=opportunistic`
    /// (STARTTLS when offered).
    StartTls { tls: TlsParameters, required: bool },
    /// `smtps://`: TLS from the first byte.
    Implicit(TlsParameters),
}

impl Security {
    fn tls_mut(&mut self) -> Option<&mut TlsParameters> {
        match self {
            Security::Plain => None,
            Security::StartTls { tls, .. } | Security::Implicit(tls) => Some(tls),
        }
    }
}

/// What the senders and the workers share.
#[derive(Default)]
struct Shared {
    /// Mails waiting for a connection, oldest first.
    queue: VecDeque<Job>,
    /// Worker tasks running; each holds at most one connection.
    workers: usize,
    /// Idle connections, the most recently used last.
    idle: Vec<Idle>,
    /// Whether a task is closing connections as they pass [`Settings::idle_limit`].
    reaper: bool,
}

struct Idle {
    conn: Connection,
    since: Instant,
}

/// A mail waiting for a connection, and where its outcome goes: `Some(result)`, or `None` when it
/// was withdrawn before a connection took it.
struct Job {
    envelope: Envelope,
    raw: Vec<u8>,
    key: String,
    to: String,
    withdrawn: Option<Arc<AtomicBool>>,
    reply: oneshot::Sender<Option<Result<(), SendError>>>,
}

impl Job {
    /// Whether nobody wants the outcome any more: withdrawn, or the sender stopped waiting.
    fn is_abandoned(&self) -> bool {
        self.reply.is_closed() || self.withdrawn.as_ref().is_some_and(|w| w.load(Ordering::SeqCst))
    }

    /// Reports the server's answer (and logs it).
    fn finish(self, outcome: Result<Response, Failure>, settings: &Settings) {
        let (key, to) = (&self.key, &self.to);
        let outcome = match outcome {
            Ok(response) => {
                tracing::debug!(key, to, code = %response.code(), "mail sent");
                Ok(())
            }
            Err(failure) => {
                let error = classify(&failure, settings);
                tracing::warn!(key, to, permanent = error.permanent, error = %error.message, "mail not sent");
                Err(error)
            }
        };
        let _ = self.reply.send(Some(outcome));
    }
}

/// One open SMTP connection: lettre's, and whether the server pipelines (RFC 2920), which lettre's
/// `ServerInfo` does not record.
struct Connection {
    smtp: AsyncSmtpConnection,
    pipelining: bool,
}

/// Why a send failed.
enum Failure {
    /// No TCP connection to the server.
    Connect(io::Error),
    /// The server lacks an extension this mail needs (SMTPUTF8, 8BITMIME): it never will.
    Unsupported(&'static str),
    /// lettre's error: a negative reply, TLS, or the connection failing mid-conversation.
    /// `before_data`: it came before the server accepted `DATA`, so nothing of the message was
    /// sent and sending it on another connection cannot deliver it twice.
    Smtp { error: lettre::transport::smtp::Error, before_data: bool },
    /// No answer within [`Settings::timeout`]; the connection is dropped.
    Timeout,
}

impl From<lettre::transport::smtp::Error> for Failure {
    /// A failure while connecting (greeting, EHLO, STARTTLS, AUTH): no mail was under way.
    fn from(error: lettre::transport::smtp::Error) -> Self {
        Failure::Smtp { error, before_data: true }
    }
}

impl Failure {
    /// Whether a reused connection failed because the server had closed it while it sat in the
    /// pool: the connection ended (EOF, reset) or the server said 421, before `DATA` was accepted.
    /// A negative reply to the mail itself (4xx/5xx) is not: another connection would get the same.
    fn is_stale_connection(&self) -> bool {
        let Failure::Smtp { error, before_data: true } = self else { return false };
        error.status().is_some_and(|c| c.to_string() == CLOSING) || error.is_response() || has_io_error(error)
    }
}

fn has_io_error(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = error.source();
    while let Some(s) = source {
        if s.is::<io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

impl fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpTransport")
            .field("url", &self.inner.settings.url)
            .field("max_connections", &self.inner.settings.max_connections)
            .field("timeout", &self.inner.settings.timeout)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for SmtpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.settings.url)
    }
}

impl SmtpTransport {
    /// `smtp://[user:pass@]host[:port]` (plain, for local relays and tests; port 25 by default),
    /// `smtp://…?tls=required` (STARTTLS; port 587), `smtp://…?tls=opportunistic` (STARTTLS when
    /// the server offers it) or `smtps://…` (implicit TLS; port 465). A path segment sets the EHLO
    /// name; user and password (percent-encoded) authenticate with AUTH PLAIN or LOGIN. `timeout`
    /// bounds each exchange with the server: connecting (greeting, EHLO, STARTTLS, AUTH), a mail's
    /// MAIL, RCPT and DATA, its message. Connections are opened at the first send,
    /// which must run inside a Tokio runtime. Servers' certificates are checked against the
    /// built-in Mozilla roots.
    pub fn from_url(url: &str, max_connections: usize, timeout: Duration) -> Result<SmtpTransport, MailError> {
        let redacted = redact_url(url);
        let bad = |detail: String| MailError::BadUrl { url: redacted.clone(), detail };
        if max_connections == 0 {
            return Err(bad("max_connections must be at least 1".to_string()));
        }
        let parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
        // An IPv6 literal without its brackets: `host_str` keeps them, which neither a socket
        // address nor a TLS server name accepts.
        let host = match parsed.host() {
            Some(url::Host::Domain(name)) if !name.is_empty() => name.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(bad("no host given".to_string())),
        };
        let tls_mode = parsed.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let tls = || TlsParameters::new(host.clone()).map_err(|e| bad(e.to_string()));
        let (security, default_port) = match (parsed.scheme(), tls_mode.as_deref()) {
            ("smtp", None) => (Security::Plain, 25),
            ("smtp", Some("required")) => (Security::StartTls { tls: tls()?, required: true }, 587),
            ("smtp", Some("opportunistic")) => (Security::StartTls { tls: tls()?, required: false }, 587),
            ("smtps", _) => (Security::Implicit(tls()?), 465),
            (scheme, mode) => {
                return Err(bad(format!(
                    "unknown scheme `{scheme}` or tls={}: expected smtp://, smtp://…?tls=required, \
                     smtp://…?tls=opportunistic or smtps://",
                    mode.unwrap_or("")
                )));
            }
        };
        let hello = match parsed.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };
        let credentials = match parsed.password() {
            Some(password) => {
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8()
                        .map(|s| s.into_owned())
                        .map_err(|_| bad("the user name or password is not UTF-8 once percent-decoded".to_string()))
                };
                Some(Credentials::new(decode(parsed.username())?, decode(password)?))
            }
            None => None,
        };
        let settings = Settings {
            host,
            port: parsed.port().unwrap_or(default_port),
            security,
            hello,
            credentials,
            max_connections,
            timeout,
            idle_limit: IDLE_LIMIT,
            url: redacted,
        };
        Ok(SmtpTransport::with_settings(settings))
    }

    /// The same transport, also trusting the CA certificates in `pem` for TLS (a relay whose
    /// certificate comes from a private CA; the tests' own CA). For a plain `smtp://` URL it
    /// changes nothing. Call it before the first send.
    pub fn trusting_ca_pem(self, pem: &[u8]) -> Result<SmtpTransport, MailError> {
        let mut settings = self.inner.settings.clone();
        let bad = |detail: String| MailError::BadUrl { url: settings.url.clone(), detail };
        // Read here rather than by lettre's `Certificate::from_pem`, which takes a text without any
        // certificate for an empty list.
        let certificates = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(format!("cannot read the CA certificate: {e}")))?;
        if certificates.is_empty() {
            return Err(bad("no certificate in the CA PEM".to_string()));
        }
        let mut builder = TlsParameters::builder(settings.host.clone());
        for der in certificates {
            let certificate =
                Certificate::from_der(der.to_vec()).map_err(|e| bad(format!("cannot read the CA certificate: {e}")))?;
            builder = builder.add_root_certificate(certificate);
        }
        let built = builder.build().map_err(|e| bad(format!("cannot use the CA certificate: {e}")))?;
        if let Some(tls) = settings.security.tls_mut() {
            *tls = built;
        }
        Ok(SmtpTransport::with_settings(settings))
    }

    /// The same transport, closing connections idle for `limit` instead of 60 s. Call it before the
    /// first send.
    pub fn with_idle_limit(self, limit: Duration) -> SmtpTransport {
        let mut settings = self.inner.settings.clone();
        settings.idle_limit = limit;
        SmtpTransport::with_settings(settings)
    }

    fn with_settings(settings: Settings) -> SmtpTransport {
        SmtpTransport { inner: Arc::new(SmtpInner { settings, shared: Mutex::default() }) }
    }

    /// How many connections (and so sends) run at once at most.
    pub fn max_connections(&self) -> usize {
        self.inner.settings.max_connections
    }

    /// Sends the stored bytes of `outgoing` to its envelope recipient.
    pub async fn send(&self, outgoing: &Outgoing, key: &str) -> Result<(), SendError> {
        self.send_unless_withdrawn(outgoing.clone(), key, None)
            .await
            .unwrap_or_else(|| Err(SendError::transient("the send was withdrawn")))
    }

    /// Queues `outgoing` for the next free connection and waits for the server's answer. `None`:
    /// `withdrawn` was set before a connection took the mail, and nothing of it was sent.
    pub async fn send_unless_withdrawn(
        &self,
        outgoing: Outgoing,
        key: &str,
        withdrawn: Option<&Arc<AtomicBool>>,
    ) -> Option<Result<(), SendError>> {
        let envelope = match envelope(&outgoing) {
            Ok(envelope) => envelope,
            Err(error) => return Some(Err(error)),
        };
        let (reply, answer) = oneshot::channel();
        let job = Job {
            envelope,
            raw: outgoing.raw,
            key: key.to_string(),
            to: outgoing.to,
            withdrawn: withdrawn.cloned(),
            reply,
        };
        let start_worker = {
            let mut shared = self.inner.lock();
            shared.queue.push_back(job);
            let start = shared.workers < self.inner.settings.max_connections;
            shared.workers += usize::from(start);
            start
        };
        if start_worker {
            tokio::spawn(work(Arc::clone(&self.inner)));
        }
        answer.await.unwrap_or_else(|_| Some(Err(SendError::transient("the SMTP worker stopped before answering"))))
    }
}

impl SmtpInner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next mail somebody still waits for, if one is queued.
    fn next_job(shared: &mut Shared) -> Option<Job> {
        while let Some(job) = shared.queue.pop_front() {
            if !job.is_abandoned() {
                return Some(job);
            }
            // A withdrawn mail is told so; a mail whose sender is gone is just dropped.
            let _ = job.reply.send(None);
        }
        None
    }

    /// The next queued mail for a worker; when there is none, the worker ends: its connection
    /// goes back to the pool and it is counted out, under the lock a sender queues under, so a
    /// mail queued meanwhile either finds this worker or starts another.
    fn next_job_or_retire(self: &Arc<Self>, conn: &mut Option<Connection>) -> Option<Job> {
        let start_reaper = {
            let mut shared = self.lock();
            if let Some(job) = SmtpInner::next_job(&mut shared) {
                return Some(job);
            }
            shared.workers -= 1;
            match conn.take() {
                Some(conn) if !conn.smtp.has_broken() => {
                    shared.idle.push(Idle { conn, since: Instant::now() });
                    !std::mem::replace(&mut shared.reaper, true)
                }
                _ => false,
            }
        };
        if start_reaper {
            tokio::spawn(reap(Arc::downgrade(self)));
        }
        None
    }

    fn take_idle(&self) -> Option<Connection> {
        self.lock().idle.pop().map(|idle| idle.conn)
    }

    /// Delivers `first` and, on a server that pipelines, every mail queued by the time the last
    /// one's message is written, each message going out in one write with the next mail's MAIL,
    /// RCPT and DATA (RFC 2920 §3.1 lets the message content start a group): one round trip a
    /// mail. Returns the connection when it is still good for another mail.
    async fn deliver_chain(&self, conn: Option<Connection>, first: Job) -> Option<Connection> {
        let settings = &self.settings;
        // The first mail's MAIL, RCPT and DATA: on the worker's or an idle connection, or on a
        // fresh one when there is none or the reused one turns out to be closed before anything
        // of the mail was sent.
        let opened = match conn.or_else(|| self.take_idle()) {
            Some(mut reused) => match settings.exchange(open_transaction(&mut reused, &first)).await {
                Ok(()) => Ok(reused),
                Err(failure) if failure.is_stale_connection() => {
                    if let Failure::Smtp { error, .. } = &failure {
                        tracing::debug!(url = %settings.url, %error, "pooled SMTP connection was closed; sending on a fresh one");
                    }
                    // The server has gone from it: no QUIT, the socket just closes.
                    drop(reused);
                    settings.open_fresh(&first).await
                }
                Err(failure) => {
                    abort(reused).await;
                    Err(failure)
                }
            },
            None => settings.open_fresh(&first).await,
        };
        let mut conn = match opened {
            Ok(conn) => conn,
            Err(failure) => {
                first.finish(Err(failure), settings);
                return None;
            }
        };
        let mut job = first;
        loop {
            // The server has said 354 to `job`'s DATA: its message now, with the next mail's
            // envelope behind it where that can go in the same write.
            let chained = match std::str::from_utf8(&job.raw) {
                Ok(text) if conn.pipelining => self.next_chained(&conn).map(|(next, mail)| (text, next, mail)),
                _ => None,
            };
            let Some((text, next, next_mail)) = chained else {
                let sent = settings.exchange(send_message(&mut conn, &job.raw)).await;
                let good = sent.is_ok();
                job.finish(sent, settings);
                if good {
                    return Some(conn);
                }
                abort(conn).await;
                return None;
            };
            let group = EnvelopeGroup { mail: next_mail, recipients: next.envelope.to() };
            let message = DataContent(text);
            let sent = settings.exchange(async {
                conn.smtp
                    .command(Chained { message, group })
                    .await
                    .map_err(|error| Failure::Smtp { error, before_data: false })
            });
            let sent = sent.await;
            let good = sent.is_ok();
            job.finish(sent, settings);
            if !good {
                // Whatever the server made of the next mail's envelope, none of its message went
                // out: it waits for another connection, first in line.
                abort(conn).await;
                self.lock().queue.push_front(next);
                return None;
            }
            if next.is_abandoned() {
                // Withdrawn while the last message went out (the engine is stopping): its
                // message is not sent; closing the connection in the middle of the transaction
                // leaves the server nothing to deliver.
                abort(conn).await;
                let _ = next.reply.send(None);
                return None;
            }
            if let Err(failure) = settings.exchange(read_envelope_replies(&mut conn, &next)).await {
                abort(conn).await;
                next.finish(Err(failure), settings);
                return None;
            }
            job = next;
        }
    }

    /// The next queued mail and its MAIL command, to chain behind the message being sent. A mail
    /// this connection cannot carry fails at once (it never will be able to).
    fn next_chained(&self, conn: &Connection) -> Option<(Job, Mail)> {
        loop {
            let next = SmtpInner::next_job(&mut self.lock())?;
            match mail_command(&conn.smtp, &next) {
                Ok(mail) => return Some((next, mail)),
                Err(failure) => next.finish(Err(failure), &self.settings),
            }
        }
    }
}

/// A worker: delivers queued mails until there are none, on one connection as long as it stays
/// good; then its connection goes back to the pool and it ends.
async fn work(inner: Arc<SmtpInner>) {
    // A worker that panicked is still counted out, or the transport would lose a connection.
    struct CountedOut<'a>(&'a SmtpInner, bool);
    impl Drop for CountedOut<'_> {
        fn drop(&mut self) {
            if !self.1 {
                self.0.lock().workers -= 1;
            }
        }
    }
    let mut counted = CountedOut(&inner, false);
    let mut conn = None;
    while let Some(job) = inner.next_job_or_retire(&mut conn) {
        conn = inner.deliver_chain(conn.take(), job).await;
    }
    counted.1 = true;
}

/// Closes pooled connections as they pass the idle limit; ends when the pool is empty (the next
/// connection put back starts another) or the transport is gone. Holds only a weak reference, so
/// it never keeps a dropped transport alive.
async fn reap(inner: Weak<SmtpInner>) {
    loop {
        let (expired, next) = {
            let Some(inner) = inner.upgrade() else { return };
            let limit = inner.settings.idle_limit;
            let mut shared = inner.lock();
            let now = Instant::now();
            let (expired, kept): (Vec<Idle>, Vec<Idle>) =
                std::mem::take(&mut shared.idle).into_iter().partition(|idle| now.duration_since(idle.since) >= limit);
            shared.idle = kept;
            let next = shared.idle.iter().map(|idle| idle.since + limit).min();
            if next.is_none() {
                // Decided under the lock: a connection put back from now on starts a new reaper.
                shared.reaper = false;
            }
            (expired, next)
        };
        for idle in expired {
            quit(idle.conn).await;
        }
        match next {
            Some(at) => tokio::time::sleep_until(at).await,
            None => return,
        }
    }
}

/// Says QUIT and drops the connection, giving up after [`QUIT_LIMIT`].
async fn quit(mut conn: Connection) {
    let _ = tokio::time::timeout(QUIT_LIMIT, conn.smtp.quit()).await;
}

/// Drops a connection after a failure: QUIT if it still works (lettre's `abort`), never waiting
/// longer than [`QUIT_LIMIT`]. A message cut short by it is discarded by the server.
async fn abort(mut conn: Connection) {
    let _ = tokio::time::timeout(QUIT_LIMIT, conn.smtp.abort()).await;
}

impl Drop for SmtpInner {
    /// Closes the idle connections with QUIT on a task of the current runtime, never waiting for
    /// it; outside a runtime (after it has shut down) they are dropped and the sockets just close.
    fn drop(&mut self) {
        let idle = std::mem::take(&mut self.shared.get_mut().unwrap_or_else(PoisonError::into_inner).idle);
        if idle.is_empty() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                for idle in idle {
                    quit(idle.conn).await;
                }
            });
        }
    }
}

impl Settings {
    /// `exchange` with the server, or [`Failure::Timeout`] when it takes longer than the timeout.
    async fn exchange<T>(&self, exchange: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
        tokio::time::timeout(self.timeout, exchange).await.unwrap_or(Err(Failure::Timeout))
    }

    /// A new connection with `job`'s transaction started on it (closed again if that fails).
    async fn open_fresh(&self, job: &Job) -> Result<Connection, Failure> {
        let mut conn = self.exchange(self.connect()).await?;
        match self.exchange(open_transaction(&mut conn, job)).await {
            Ok(()) => Ok(conn),
            Err(failure) => {
                abort(conn).await;
                Err(failure)
            }
        }
    }

    /// A new connection: TCP with TCP_NODELAY, TLS for `smtps://`, the greeting and EHLO,
    /// STARTTLS when asked for, a second EHLO of our own to learn whether the server pipelines,
    /// AUTH when the URL has credentials.
    async fn connect(&self) -> Result<Connection, Failure> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port)).await.map_err(Failure::Connect)?;
        // The point of this module: without it each mail's final dot waits ~40 ms for an ACK.
        tcp.set_nodelay(true).map_err(Failure::Connect)?;
        let socket = WritesBeforeReads { tcp, pending: Vec::new() };
        let mut conn = match &self.security {
            Security::Implicit(tls) => {
                #[allow(deprecated)]
                let mut stream = AsyncNetworkStream::use_existing_tokio1(Box::new(socket));
                stream.upgrade_tls(tls.clone()).await?;
                AsyncSmtpConnection::connect_with_transport(Box::new(ImplicitTls(stream)), &self.hello).await?
            }
            Security::Plain | Security::StartTls { .. } => {
                AsyncSmtpConnection::connect_with_transport(Box::new(socket), &self.hello).await?
            }
        };
        match &self.security {
            // No QUIT after a failed STARTTLS: lettre leaves the stream unusable (writing to it
            // would panic in a debug build); dropping the connection closes the socket.
            Security::StartTls { tls, required } if *required || conn.can_starttls() => {
                conn.starttls(tls.clone(), &self.hello).await?;
            }
            _ => {}
        }
        // lettre's `ServerInfo` keeps only the extensions lettre uses, so PIPELINING is read from
        // an EHLO of our own: one round trip a connection, saving two a mail. A repeated EHLO
        // resets nothing that matters here (RFC 5321 §4.1.4: as RSET); it comes before AUTH.
        let pipelining = match conn.command(Ehlo::new(self.hello.clone())).await {
            Ok(reply) => reply.message().any(|line| {
                line.split_whitespace().next().is_some_and(|keyword| keyword.eq_ignore_ascii_case("PIPELINING"))
            }),
            Err(error) => {
                conn.abort().await;
                return Err(error.into());
            }
        };
        if let Some(credentials) = &self.credentials
            && let Err(error) = conn.auth(DEFAULT_MECHANISMS, credentials).await
        {
            conn.abort().await;
            return Err(error.into());
        }
        tracing::debug!(url = %self.url, pipelining, "SMTP connection opened");
        Ok(Connection { smtp: conn, pipelining })
    }
}

/// MAIL with the parameters this mail needs from this server: SMTPUTF8 for an address that is not
/// ASCII, 8BITMIME for a message that is not.
fn mail_command(conn: &AsyncSmtpConnection, job: &Job) -> Result<Mail, Failure> {
    let envelope = &job.envelope;
    let mut options = Vec::new();
    let ascii_addresses = envelope.from().into_iter().chain(envelope.to()).all(|a| AsRef::<str>::as_ref(a).is_ascii());
    if !ascii_addresses {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(Failure::Unsupported("the address is not ASCII and the server does not support SMTPUTF8"));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !job.raw.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(Failure::Unsupported("the message is not ASCII and the server does not support 8BITMIME"));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    Ok(Mail::new(envelope.from().cloned(), options))
}

/// Starts a mail's transaction: MAIL, RCPT, DATA, up to the server's 354. Where the server
/// pipelines they go as one group and their replies are read together; otherwise one at a time,
/// as lettre's `AsyncSmtpConnection::send` does. A failure here is before `DATA` was accepted.
async fn open_transaction(conn: &mut Connection, job: &Job) -> Result<(), Failure> {
    let mail = mail_command(&conn.smtp, job)?;
    let recipients = job.envelope.to();
    if conn.pipelining {
        let group = EnvelopeGroup { mail, recipients };
        conn.smtp.command(group).await.map_err(before_data)?;
        return read_envelope_replies_after_mail(conn, recipients.len()).await;
    }
    conn.smtp.command(mail).await.map_err(before_data)?;
    for to in recipients {
        conn.smtp.command(Rcpt::new(to.clone(), Vec::new())).await.map_err(before_data)?;
    }
    conn.smtp.command(Data).await.map_err(before_data)?;
    Ok(())
}

/// The replies to a pipelined group's RCPTs and DATA, MAIL's having been read. The first negative
/// reply ends the send; the connection is then closed, not reused, so the replies still unread do
/// not matter. The message itself waits for DATA's 354.
async fn read_envelope_replies_after_mail(conn: &mut Connection, recipients: usize) -> Result<(), Failure> {
    for _ in 0..recipients {
        conn.smtp.read_response().await.map_err(before_data)?;
    }
    conn.smtp.read_response().await.map_err(before_data)?;
    Ok(())
}

/// The replies to a chained mail's MAIL, RCPTs and DATA, written behind the last message.
async fn read_envelope_replies(conn: &mut Connection, job: &Job) -> Result<(), Failure> {
    conn.smtp.read_response().await.map_err(before_data)?;
    read_envelope_replies_after_mail(conn, job.envelope.to().len()).await
}

fn before_data(error: lettre::transport::smtp::Error) -> Failure {
    Failure::Smtp { error, before_data: true }
}

/// A message after DATA's 354, alone, and the server's reply to it.
async fn send_message(conn: &mut Connection, raw: &[u8]) -> Result<Response, Failure> {
    let after_data = |error| Failure::Smtp { error, before_data: false };
    match std::str::from_utf8(raw) {
        Ok(text) => conn.smtp.command(DataContent(text)).await.map_err(after_data),
        // Not UTF-8 (never a message guiyan composed): lettre's own encoding, byte by byte.
        Err(_) => conn.smtp.message(raw).await.map_err(after_data),
    }
}

/// A message and the next mail's envelope group, written together; lettre then reads one reply,
/// the message's.
struct Chained<'a> {
    message: DataContent<'a>,
    group: EnvelopeGroup<'a>,
}

impl fmt::Display for Chained<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.message, self.group)
    }
}

/// A message as DATA sends it (RFC 5321 §4.5.2): a `.` doubled where it starts a line, the last
/// line ended, then the line of one `.`; written through lettre's `command`, which writes what it
/// is given and reads one reply. lettre's `message` pushes the message into its buffer a byte at
/// a time (the client's largest cost in the delivery bench after the system calls) and adds an
/// empty line to a message that already ends its last line; this copies whole runs of lines and
/// delivers the bytes as they are.
struct DataContent<'a>(&'a str);

impl fmt::Display for DataContent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        if text.starts_with('.') {
            f.write_str(".")?;
        }
        let mut start = 0;
        for (at, _) in text.match_indices("\r\n.") {
            // Through the CRLF, then the extra dot; the line's own dot follows with the next run.
            f.write_str(&text[start..at + 2])?;
            f.write_str(".")?;
            start = at + 2;
        }
        f.write_str(&text[start..])?;
        if !text.is_empty() && !text.ends_with("\r\n") {
            f.write_str("\r\n")?;
        }
        f.write_str(".\r\n")
    }
}

/// MAIL, a RCPT for each recipient and DATA, written as one pipelined group (RFC 2920 §3.1:
/// DATA may end a group). lettre writes whatever a command displays as, then reads one reply.
struct EnvelopeGroup<'a> {
    mail: Mail,
    recipients: &'a [Address],
}

impl fmt::Display for EnvelopeGroup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.mail)?;
        for to in self.recipients {
            write!(f, "{}", Rcpt::new(to.clone(), Vec::new()))?;
        }
        write!(f, "{Data}")
    }
}

fn envelope(outgoing: &Outgoing) -> Result<Envelope, SendError> {
    let parse =
        |a: &str| a.parse::<Address>().map_err(|e| SendError::permanent(format!("invalid mail address `{a}`: {e}")));
    Envelope::new(Some(parse(&outgoing.envelope_from)?), vec![parse(&outgoing.to)?])
        .map_err(|e| SendError::permanent(format!("invalid envelope: {e}")))
}

/// Permanent: 5xx replies and what the server can never accept; transient: 4xx, network, TLS,
/// timeouts, and failed authentication (a setting to fix, not a bad mail).
fn classify(failure: &Failure, settings: &Settings) -> SendError {
    let url = &settings.url;
    let error = match failure {
        Failure::Connect(e) => return SendError::transient(format!("cannot connect to {url}: {e}")),
        Failure::Timeout => {
            return SendError::transient(format!("no answer from {url} within {:?}", settings.timeout));
        }
        Failure::Unsupported(what) => return SendError::permanent(format!("{url}: {what}")),
        Failure::Smtp { error, .. } => error,
    };
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    let code = error.status().map(|c| c.to_string());
    if code.as_deref().is_some_and(|c| AUTH_CODES.contains(&c)) {
        return SendError::transient(format!("SMTP authentication failed, check the credentials: {message}"));
    }
    if error.is_permanent() || error.is_client() {
        SendError::permanent(message)
    } else {
        SendError::transient(message)
    }
}

/// Once this many bytes are pending, a write first sends them out (and waits while the socket
/// cannot take them), so what is held stays bounded by this plus one write.
const PENDING_LIMIT: usize = 64 * 1024;

/// The TCP_NODELAY socket under lettre, holding what lettre writes until it next reads (or shuts
/// the stream down). lettre writes a message's body and its final `\r\n.\r\n` as two writes,
/// each flushed; with TCP_NODELAY that is two segments, and two wake-ups for the server, per mail.
/// Joined, they leave as one write: 1–11 % more mails per second in two A/B runs of the outbox
/// bench (e.g. 7,068 against 6,690). Deferring to the next read is safe because lettre always
/// reads the reply after writing a command, a message or a TLS handshake message, and shuts the
/// stream down after QUIT; so `flush` has nothing to do here.
#[derive(Debug)]
struct WritesBeforeReads {
    tcp: TcpStream,
    pending: Vec<u8>,
}

impl WritesBeforeReads {
    /// Writes out everything pending.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let n = ready!(Pin::new(&mut self.tcp).poll_write(cx, &self.pending))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending.drain(..n);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for WritesBeforeReads {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_drain(cx))?;
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for WritesBeforeReads {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.pending.len() >= PENDING_LIMIT {
            ready!(self.poll_drain(cx))?;
        }
        self.pending.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_drain(cx))?;
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for WritesBeforeReads {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.tcp.peer_addr()
    }
}

/// An `smtps://` connection: lettre's own TLS stream (the same `TlsParameters`, so the same
/// roots, as STARTTLS) over our TCP_NODELAY socket, handed back to lettre as a plain stream,
/// since `connect_with_transport` takes only a stream and reads the greeting at once. It reads
/// and writes through the futures-io traits that lettre's stream implements.
///
/// `AsyncNetworkStream` is public but deprecated in lettre 0.11 ("not meant to be made public");
/// when lettre drops it, this becomes a `tokio_rustls` client stream built the same way.
#[allow(deprecated)]
#[derive(Debug)]
struct ImplicitTls(AsyncNetworkStream);

impl AsyncRead for ImplicitTls {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(futures_io::AsyncRead::poll_read(Pin::new(&mut self.0), cx, buf.initialize_unfilled()))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for ImplicitTls {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        futures_io::AsyncWrite::poll_write(Pin::new(&mut self.0), cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_flush(Pin::new(&mut self.0), cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_io::AsyncWrite::poll_close(Pin::new(&mut self.0), cx)
    }
}

impl AsyncTokioStream for ImplicitTls {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: &str) -> String {
        DataContent(text).to_string()
    }

    #[test]
    fn data_doubles_a_dot_that_starts_a_line_and_ends_with_the_dot_line() {
        assert_eq!(data("a\r\n.b\r\n..c\r\nd.e\r\n"), "a\r\n..b\r\n...c\r\nd.e\r\n.\r\n");
        assert_eq!(data(".first\r\n"), "..first\r\n.\r\n");
        assert_eq!(data(".\r\n"), "..\r\n.\r\n", "a line of one dot is not the end");
        // A bare LF does not end a line in SMTP (RFC 5321 §2.3.8), so nothing follows it doubled.
        assert_eq!(data("a\n.b\r\n"), "a\n.b\r\n.\r\n");
    }

    #[test]
    fn data_ends_the_last_line_once() {
        assert_eq!(data("last\r\n"), "last\r\n.\r\n");
        assert_eq!(data("no end"), "no end\r\n.\r\n");
        assert_eq!(data("dot at the end\r\n."), "dot at the end\r\n..\r\n.\r\n");
        assert_eq!(data(""), ".\r\n");
    }

    #[test]
    fn data_undone_as_a_server_does_gives_the_message_back() {
        let message = "Subject: x\r\n\r\n.a\r\n\r\n..\r\nb.\r\n.\r\n";
        let sent = data(message);
        let body = sent.strip_suffix(".\r\n").expect("the dot line");
        let unstuffed: String =
            body.split_inclusive("\r\n").map(|line| line.strip_prefix('.').unwrap_or(line)).collect();
        assert_eq!(unstuffed, message);
    }

    #[test]
    fn urls_set_security_ports_hello_and_credentials() {
        let t = SmtpTransport::from_url("smtp://127.0.0.1", 1, Duration::from_secs(5)).expect("plain");
        let s = &t.inner.settings;
        assert!(matches!(s.security, Security::Plain));
        assert_eq!((s.host.as_str(), s.port), ("127.0.0.1", 25));
        assert!(s.credentials.is_none());

        let t = SmtpTransport::from_url("smtp://u:p%40ss@relay.example.org/guiyan.example.org?tls=required", 3, TEN)
            .expect("starttls");
        let s = &t.inner.settings;
        assert!(matches!(s.security, Security::StartTls { required: true, .. }));
        assert_eq!((s.host.as_str(), s.port, s.max_connections), ("relay.example.org", 587, 3));
        assert_eq!(s.hello, ClientId::Domain("guiyan.example.org".to_string()));
        assert_eq!(s.credentials, Some(Credentials::new("u".to_string(), "p@ss".to_string())));
        assert_eq!(t.to_string(), "smtp://u:***@relay.example.org/guiyan.example.org?tls=required");

        let t = SmtpTransport::from_url("smtp://relay.example.org:2525?tls=opportunistic", 1, TEN).expect("opp");
        assert!(matches!(t.inner.settings.security, Security::StartTls { required: false, .. }));
        assert_eq!(t.inner.settings.port, 2525);

        let t = SmtpTransport::from_url("smtps://[::1]", 1, TEN).expect("smtps");
        assert!(matches!(t.inner.settings.security, Security::Implicit(_)));
        assert_eq!((t.inner.settings.host.as_str(), t.inner.settings.port), ("::1", 465));
    }

    #[test]
    fn bad_urls_are_refused_without_the_password() {
        for url in ["smtp://u:s3cret@host?tls=maybe", "smtq://u:s3cret@host", "smtp://u:s3cret@", "smtp://u:%FF@host"] {
            let err = SmtpTransport::from_url(url, 1, TEN).map(|_| ()).unwrap_err();
            assert!(!err.to_string().contains("s3cret"), "{err}");
            assert!(matches!(err, MailError::BadUrl { .. }), "{url}: {err}");
        }
        let t = SmtpTransport::from_url("smtps://u:s3cret@host", 1, TEN).expect("valid");
        let err = t.trusting_ca_pem(b"not a certificate").map(|_| ()).unwrap_err();
        assert!(!err.to_string().contains("s3cret"), "{err}");
    }

    const TEN: Duration = Duration::from_secs(10);
}
