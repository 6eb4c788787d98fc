//! The SMTP server of the tests: `tests/support/smtp_server.py` (Debian's python3-aiosmtpd) run
//! on a free loopback port with its own Maildir, control file and connection log, stopped when
//! dropped. The mail crate's SMTP tests and the engine's integration tests both use it.
//!
//! ```ignore
//! let server = SmtpServer::start();
//! transport_url = server.url();
//! server.write_control(r#"{"mode": "tempfail"}"#); // see the script's help for the keys
//! let files = server.files();                      // Maildir/new, in delivery order
//! ```

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The interpreter that sees Debian's python3-aiosmtpd (a pyenv python does not).
const PYTHON: &str = "/usr/bin/python3";

/// How long the server may take to report `READY <port>`.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// The workspace's `tests/support` folder: the server script and the test certificates.
fn support_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/support")
}

/// The server script.
pub fn script() -> PathBuf {
    support_dir().join("smtp_server.py")
}

/// The test CA and the server certificate it signed for 127.0.0.1 (`tests/support/tls/`).
pub fn tls_file(name: &str) -> PathBuf {
    support_dir().join("tls").join(name)
}

/// The test CA's certificate, for a client that must trust the server.
pub fn test_ca() -> Vec<u8> {
    std::fs::read(tls_file("ca.pem")).expect("tests/support/tls/ca.pem")
}

/// A loopback port nobody listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A running SMTP test server.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
    control: PathBuf,
    connections: PathBuf,
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

    /// Like [`SmtpServer::start`], with more options for the script (`--auth`, `--no-pipelining`,
    /// `--idle-timeout`, …).
    pub fn start_with(options: &[&str]) -> SmtpServer {
        let dir = tempfile::Builder::new().prefix("guiyan-smtp-").tempdir().expect("tempdir for the SMTP server");
        let maildir = dir.path().join("Maildir");
        let control = dir.path().join("control.json");
        let connections = dir.path().join("connections.log");
        let mut child = Command::new(PYTHON)
            .arg(script())
            .args(["--port", "0", "--maildir"])
            .arg(&maildir)
            .arg("--control")
            .arg(&control)
            .arg("--connections")
            .arg(&connections)
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
        SmtpServer { child, port, maildir, control, connections, _dir: dir }
    }

    /// Starts the server with the test certificate: STARTTLS offered and required before MAIL
    /// (`implicit`: TLS from the first byte instead), plus `options`.
    pub fn start_tls(implicit: bool, options: &[&str]) -> SmtpServer {
        let (cert, key) = (tls_file("server.pem"), tls_file("server.key"));
        let mut args =
            vec!["--tls-cert", cert.to_str().expect("UTF-8 path"), "--tls-key", key.to_str().expect("UTF-8 path")];
        if implicit {
            args.push("--implicit-tls");
        }
        args.extend_from_slice(options);
        SmtpServer::start_with(&args)
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// `smtps://127.0.0.1:PORT`, for a server started with `--implicit-tls`.
    pub fn smtps_url(&self) -> String {
        format!("smtps://127.0.0.1:{}", self.port)
    }

    /// Replaces the control file, atomically (the server re-reads it on every RCPT and DATA):
    /// `{"mode": "tempfail"}`, `{"permfail_rcpt": […]}`, … (see the script's help).
    pub fn write_control(&self, json: &str) {
        let tmp = self.control.with_extension("tmp");
        std::fs::write(&tmp, json).expect("write the control file");
        std::fs::rename(&tmp, &self.control).expect("replace the control file");
    }

    /// What happened to connections so far, in order: `open`, `pipelined` (a MAIL with RCPT sent
    /// behind it), `chained` (a message with the next commands behind it), `quit` (the client said
    /// QUIT), `timeout` (the server closes an idle connection), `close` (the connection ended).
    pub fn connection_events(&self) -> Vec<String> {
        std::fs::read_to_string(&self.connections).unwrap_or_default().lines().map(str::to_string).collect()
    }

    /// How many connections clients opened so far.
    pub fn connections_opened(&self) -> usize {
        self.connection_events().iter().filter(|e| *e == "open").count()
    }

    /// The Maildir files of the delivered messages, in delivery order (the names start with the
    /// time in nanoseconds).
    pub fn files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        files
    }

    /// The delivered messages' bytes, the server's `Return-Path` and `Delivered-To` lines first,
    /// in delivery order.
    pub fn delivered(&self) -> Vec<Vec<u8>> {
        self.files().into_iter().map(|f| std::fs::read(f).expect("read a delivered mail")).collect()
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
