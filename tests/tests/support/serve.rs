//! `guiyan serve` started for a test, and signed links to open on it.

use std::process::{Child, Stdio};

use super::site::{PATIENCE, Site, wait_for};

/// `guiyan serve` in the background; killed on drop.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, as the server printed it.
    pub base: String,
    out: std::path::PathBuf,
}

impl Server {
    /// Starts `guiyan serve` at `now` and waits for its address.
    pub fn start(site: &Site, now: &str) -> Server {
        let out = site.path().join("serve.stdout");
        let err = site.path().join("serve.stderr");
        let child = site
            .command(now, &["serve"])
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).expect("stdout file"))
            .stderr(std::fs::File::create(&err).expect("stderr file"))
            .spawn()
            .expect("start guiyan serve");
        let mut server = Server { child, base: String::new(), out };
        server.base = wait_for("guiyan serve to print its address", PATIENCE, || {
            let text = std::fs::read_to_string(&server.out).unwrap_or_default();
            match text.lines().find_map(|l| l.trim().strip_prefix("web: ")) {
                Some(rest) => Ok(rest.split_whitespace().next().unwrap_or_default().to_string()),
                None => {
                    if let Ok(Some(status)) = server.child.try_wait() {
                        panic!("guiyan serve ended ({status}): {}", std::fs::read_to_string(&err).unwrap_or_default());
                    }
                    Err(text)
                }
            }
        });
        server
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token of a fresh link printed by `guiyan link ARGS` at `now` (a unit, or `--reader EMAIL`).
pub fn link_token(site: &Site, now: &str, args: &[&str]) -> String {
    let mut all = vec!["link"];
    all.extend_from_slice(args);
    let printed = site.ok(now, &all);
    let link = printed.lines().next().unwrap_or_default();
    link.rsplit_once("/l/").map(|(_, t)| t.to_string()).unwrap_or_else(|| panic!("not a link: {printed}"))
}
