//! Delivering built mails: over SMTP, into a folder of `.eml` files, or into memory.
//!
//! Every transport sends the stored bytes of an [`Outgoing`] unchanged, and takes the mail's
//! idempotency key: the file and capture transports deliver a key at most once.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::mime::{MailError, Outgoing, sha256_hex};
pub use crate::smtp::SmtpTransport;

/// A failed delivery. `permanent`: retrying the same mail cannot succeed (SMTP 5xx, a rejected
/// address); otherwise it is worth retrying later (4xx, connection refused, timeout, TLS or IO
/// errors, and failed SMTP authentication, which is a setting to fix rather than a bad mail).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} failure: {message}", if *permanent { "permanent" } else { "transient" })]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

impl SendError {
    pub fn permanent(message: impl Into<String>) -> Self {
        SendError { permanent: true, message: message.into() }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        SendError { permanent: false, message: message.into() }
    }
}

/// Where mails go.
#[derive(Clone, Debug)]
pub enum Transport {
    Smtp(SmtpTransport),
    Files(FileTransport),
    Capture(CaptureTransport),
}

impl Transport {
    /// A transport from a URL: `smtp://…` / `smtps://…` (see [`SmtpTransport::from_url`]),
    /// `file:DIR` or `file:///abs/dir` (see [`FileTransport`]), or `capture:` (in memory).
    pub fn from_url(url: &str, max_connections: usize, timeout: Duration) -> Result<Transport, MailError> {
        if url.starts_with("smtp://") || url.starts_with("smtps://") {
            return SmtpTransport::from_url(url, max_connections, timeout).map(Transport::Smtp);
        }
        if let Some(rest) = url.strip_prefix("file:") {
            let dir = rest.strip_prefix("//").unwrap_or(rest);
            if dir.is_empty() {
                return Err(MailError::BadUrl { url: url.to_string(), detail: "no folder given".to_string() });
            }
            return Ok(Transport::Files(FileTransport::new(dir)));
        }
        if url == "capture:" {
            return Ok(Transport::Capture(CaptureTransport::new()));
        }
        Err(MailError::BadUrl {
            url: redact_url(url),
            detail: "expected smtp://, smtps://, file: or capture:".to_string(),
        })
    }

    /// How many sends run at once: the SMTP connections, a few file writes, one capture. A caller
    /// keeps more sends than this waiting, so that a connection that comes free (or, over SMTP,
    /// one whose message is being written) always has the next mail at hand.
    pub fn parallelism(&self) -> usize {
        match self {
            Transport::Smtp(t) => t.max_connections().max(1),
            Transport::Files(_) => 8,
            Transport::Capture(_) => 1,
        }
    }

    /// Delivers one mail.
    pub async fn send(&self, outgoing: &Outgoing, key: &str) -> Result<(), SendError> {
        match self {
            Transport::Smtp(t) => t.send(outgoing, key).await,
            Transport::Files(t) => t.send(outgoing, key).await,
            Transport::Capture(t) => t.send(outgoing, key).await,
        }
    }

    /// Delivers one mail unless `withdrawn` is set before the transport starts on it: `None` then,
    /// and nothing of it was sent. A caller that stops sets it and still waits for every send: the
    /// ones under way finish, the others come back at once.
    pub async fn send_unless_withdrawn(
        &self,
        outgoing: Outgoing,
        key: &str,
        withdrawn: &Arc<AtomicBool>,
    ) -> Option<Result<(), SendError>> {
        match self {
            Transport::Smtp(t) => t.send_unless_withdrawn(outgoing, key, Some(withdrawn)).await,
            _ if withdrawn.load(Ordering::SeqCst) => None,
            Transport::Files(t) => Some(t.send(&outgoing, key).await),
            Transport::Capture(t) => Some(t.send(&outgoing, key).await),
        }
    }
}

impl fmt::Display for Transport {
    /// Where mails go, safe to log (no password).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transport::Smtp(t) => write!(f, "{t}"),
            Transport::Files(t) => write!(f, "file:{}", t.dir.display()),
            Transport::Capture(_) => write!(f, "capture:"),
        }
    }
}

/// `scheme://user:***@host…`: the URL with any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else { return url.to_string() };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..].find(['/', '?', '#']).map_or(url.len(), |i| authority_start + i);
    let authority = &url[authority_start..authority_end];
    let Some(at) = authority.rfind('@') else { return url.to_string() };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else { return url.to_string() };
    format!("{}{}:***{}", &url[..authority_start], &userinfo[..colon], &url[authority_start + at..])
}

/// Writes each mail to `DIR/<key>.eml` (written to a temporary file, then renamed), creating the
/// folder. A key already delivered is not written again: one file per key. For rehearsals and for
/// a mail drop that another program picks up.
#[derive(Clone, Debug)]
pub struct FileTransport {
    dir: PathBuf,
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl FileTransport {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileTransport { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a key is delivered to. Keys are made safe as file names: characters other than
    /// ASCII letters, digits, `.`, `-` and `_` become `_`, and then (or when the key is very
    /// long) a hash of the key is appended so distinct keys never share a file.
    pub fn path_for(&self, key: &str) -> PathBuf {
        let mut name: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
            .collect();
        if name != key || name.len() > 150 || name.starts_with('.') || name.is_empty() {
            name.truncate(150);
            name = format!("{name}-{}", &sha256_hex(key.as_bytes())[..16]);
        }
        self.dir.join(format!("{name}.eml"))
    }

    pub async fn send(&self, outgoing: &Outgoing, key: &str) -> Result<(), SendError> {
        let io = |what: &str, path: &Path, e: std::io::Error| {
            SendError::transient(format!("{what} {}: {e}", path.display()))
        };
        let path = self.path_for(key);
        tokio::fs::create_dir_all(&self.dir).await.map_err(|e| io("cannot create", &self.dir, e))?;
        if tokio::fs::try_exists(&path).await.map_err(|e| io("cannot check", &path, e))? {
            tracing::debug!(key, path = %path.display(), "mail already written");
            return Ok(());
        }
        let tmp = self.dir.join(format!(
            ".tmp-{}-{}-{}",
            std::process::id(),
            TMP_COUNTER.fetch_add(1, Ordering::Relaxed),
            path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
        ));
        let write = async {
            use tokio::io::AsyncWriteExt;
            let mut file = tokio::fs::File::create(&tmp).await?;
            file.write_all(&outgoing.raw).await?;
            file.sync_all().await?;
            tokio::fs::rename(&tmp, &path).await
        };
        if let Err(e) = write.await {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(io("cannot write", &path, e));
        }
        tracing::debug!(key, path = %path.display(), "mail written");
        Ok(())
    }
}

/// Keeps mails in memory (for `guiyan simulate` and tests). Every send is kept, a repeated key
/// too: a mail delivered twice is a bug the simulation and the tests must see.
#[derive(Clone, Debug, Default)]
pub struct CaptureTransport {
    state: Arc<Mutex<Vec<(String, Outgoing)>>>,
}

impl CaptureTransport {
    pub fn new() -> Self {
        Self::default()
    }

    pub async fn send(&self, outgoing: &Outgoing, key: &str) -> Result<(), SendError> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).push((key.to_string(), outgoing.clone()));
        Ok(())
    }

    /// The mails captured since the last call, with their keys, oldest first (they are removed).
    pub fn taken(&self) -> Vec<(String, Outgoing)> {
        std::mem::take(&mut *self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many mails are waiting to be taken.
    pub fn len(&self) -> usize {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Installs rustls' ring provider as the process default. lettre picks ring on its own, but when
/// another dependency also enables a provider (aws-lc-rs), rustls can no longer choose one and
/// panics at the first TLS connection of a crate that relies on the default: call this at the
/// start of `main` (and of such tests). Calling it again does nothing.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("smtp://user:s3cret@mail.example.org:25"), "smtp://user:***@mail.example.org:25");
        assert_eq!(redact_url("smtps://u:p@ss@host/ehlo?x=1"), "smtps://u:***@host/ehlo?x=1");
        assert_eq!(redact_url("smtp://user@host"), "smtp://user@host");
        assert_eq!(redact_url("smtp://host:25?tls=required"), "smtp://host:25?tls=required");
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn smtp_urls_never_show_the_password() {
        let t =
            SmtpTransport::from_url("smtp://user:s3cret@127.0.0.1:2525", 2, Duration::from_secs(5)).expect("valid url");
        assert!(!format!("{t} {t:?}").contains("s3cret"));
        let err = SmtpTransport::from_url("smtq://user:s3cret@host", 2, Duration::from_secs(5)).unwrap_err();
        assert!(!err.to_string().contains("s3cret"), "{err}");
        assert!(err.to_string().contains("smtq://user:***@host"), "{err}");
        let err = SmtpTransport::from_url("smtp://user:s3cret@host", 0, Duration::from_secs(5)).unwrap_err();
        assert!(!err.to_string().contains("s3cret"), "{err}");
        let t = Transport::from_url("smtps://user:s3cret@mail.example.org", 2, Duration::from_secs(5)).expect("ok");
        assert_eq!(t.to_string(), "smtps://user:***@mail.example.org");
    }

    #[test]
    fn file_names_are_safe_and_distinct() {
        let t = FileTransport::new("/tmp/x");
        assert_eq!(t.path_for("assigned-2027-jiefang-1"), Path::new("/tmp/x/assigned-2027-jiefang-1.eml"));
        let a = t.path_for("a/b");
        let b = t.path_for("a_b");
        assert_ne!(a, b);
        assert!(a.file_name().is_some_and(|n| n.to_string_lossy().starts_with("a_b-")));
        assert_eq!(t.path_for("../../etc/passwd").parent(), Some(Path::new("/tmp/x")));
        assert!(t.path_for(&"k".repeat(1000)).file_name().is_some_and(|n| n.len() < 200));
    }
}
