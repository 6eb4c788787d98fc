//! Test support: runs `tests/support/smtp_server.py` (Debian's python3-aiosmtpd) on a free
//! loopback port, with a Maildir, a control file and a log of its connections, and stops it when
//! dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The interpreter that sees Debian's python3-aiosmtpd (a pyenv python does not).
const PYTHON: &str = "/usr/bin/python3";

/// The server script, shared with the engine's integration tests.
pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/support/smtp_server.py")
}

/// The test CA and the server certificate it signed for 127.0.0.1 (`tests/support/tls/`).
pub fn tls_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/support/tls").join(name)
}

/// The test CA's certificate, for `SmtpTransport::trusting_ca_pem`.
pub fn test_ca() -> Vec<u8> {
    std::fs::read(tls_file("ca.pem")).expect("tests/support/tls/ca.pem")
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

impl SmtpServer {
    /// Starts the server (`--port 0`: it binds a free port itself and reports it, so no other
    /// process can take the port between choosing and binding) and waits for `READY <port>`.
    pub fn start() -> SmtpServer {
        Self::start_with(&[])
    }

    /// Starts the server with extra arguments, e.g. `["--auth", "user:pass"]`.
    pub fn start_with(extra: &[&str]) -> SmtpServer {
        let dir = tempfile::tempdir().expect("tempdir");
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
            .args(extra)
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
            match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(line) => {
                    if let Some(port) = line.strip_prefix("READY ") {
                        break port.trim().parse().expect("READY <port>");
                    }
                }
                Err(e) => {
                    let _ = child.kill();
                    let status = child.wait();
                    panic!(
                        "SMTP test server did not report READY ({e}; exit {status:?}); is python3-aiosmtpd installed?"
                    );
                }
            }
        };
        SmtpServer { child, port, maildir, control, connections, _dir: dir }
    }

    /// Starts the server with the test certificate: STARTTLS offered and required before MAIL
    /// (`implicit`: TLS from the first byte instead), plus `extra` arguments.
    pub fn start_tls(implicit: bool, extra: &[&str]) -> SmtpServer {
        let (cert, key) = (tls_file("server.pem"), tls_file("server.key"));
        let mut args =
            vec!["--tls-cert", cert.to_str().expect("UTF-8 path"), "--tls-key", key.to_str().expect("UTF-8 path")];
        if implicit {
            args.push("--implicit-tls");
        }
        args.extend_from_slice(extra);
        Self::start_with(&args)
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Replaces the control file atomically: `{"mode": "tempfail"}`, …
    pub fn control(&self, json: &str) {
        let tmp = self.control.with_extension("tmp");
        std::fs::write(&tmp, json).expect("write control");
        std::fs::rename(&tmp, &self.control).expect("replace control");
    }

    /// What happened to connections so far, in order: `open`, `pipelined` (a MAIL with RCPT sent
    /// behind it), `quit` (the client said QUIT), `timeout` (the server closes an idle
    /// connection), `close` (the connection ended).
    pub fn connection_events(&self) -> Vec<String> {
        std::fs::read_to_string(&self.connections).unwrap_or_default().lines().map(str::to_string).collect()
    }

    /// How many connections clients opened so far.
    pub fn connections_opened(&self) -> usize {
        self.connection_events().iter().filter(|e| *e == "open").count()
    }

    /// The delivered messages (`Maildir/new`), oldest first.
    pub fn delivered(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        files.into_iter().map(|f| std::fs::read(f).expect("read mail")).collect()
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

/// A loopback port nobody listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}
