//! Real-browser tests: Debian's `chromium`, driven over WebDriver by its `chromedriver` (through
//! fantoccini), headless, in Chinese, as a phone in WeChat's in-app browser or as a desktop, with a
//! screenshot of every page a test wants a human to see.
//!
//! ```ignore
//! mod support;
//! use support::browser::{Browser, Profile};
//!
//! #[test]
//! fn reports_a_figure() {
//!     let site = /* a server on 127.0.0.1 */;
//!     for profile in [Profile::phone(), Profile::desktop(), Profile::phone().js_enabled(false)] {
//!         let b = Browser::open(profile);          // its own chromedriver and chromium
//!         b.goto(&format!("{site}/t/abc"));
//!         assert!(b.text_of("h1").contains("春节"));
//!         b.fill("#visits", "12");
//!         b.submit("form");                          // clicks the form's submit button
//!         b.wait_for("#result");
//!         b.screenshot("result");                    // target/screenshots/reports_a_figure/03-result-phone.png
//!     }
//! }
//! ```
//!
//! Each [`Browser`] starts its own `chromedriver` (`/usr/bin/chromedriver`) on a loopback port it
//! picks itself, and one Chromium (`/usr/bin/chromium`) with a fresh profile folder. Dropping the
//! browser — also when the test panics — ends the session, kills chromedriver's process group
//! (Chromium with it) and removes the profile folder.
//!
//! Nothing is skipped: [`Browser::open`] first checks for a file of each Debian package the tests
//! need — `chromium`, `chromium-driver`, `chromium-l10n` (the browser's own words in Chinese) and
//! `fonts-wqy-microhei` (without it every Chinese character is a box) — and panics saying how to
//! install the missing ones (`scripts/test` does it as root).
//!
//! # Profiles
//!
//! - [`Profile::phone`]: Chromium's mobile emulation at 390×844 CSS pixels, device scale factor 3,
//!   touch, and the user agent of WeChat's in-app browser on Android ([`WECHAT_UA`]): the product's
//!   links are opened from WeChat groups.
//! - [`Profile::desktop`]: a 1280×900 CSS-pixel viewport, Chromium's own user agent.
//! - [`Profile::js_enabled`]`(false)` on either: page scripts never run (the core flow must work
//!   without them). WebDriver still works: chromedriver runs its own scripts through DevTools. The
//!   phone then has no touch screen (clicks are mouse clicks): chromedriver ends a tap by awaiting
//!   a page timer, which never fires without JavaScript.
//!
//! Both are a Chinese browser in Beijing: `Accept-Language: zh-CN,zh` and `navigator.language`
//! `zh-CN`, the browser's own messages (form validation) and `Intl` formats in Chinese
//! (`LANGUAGE=zh_CN`, with Debian's chromium-l10n), and the time zone Asia/Shanghai.
//!
//! # Screenshots
//!
//! [`Browser::screenshot`]`("form")` saves the whole page (not only the part in the window) as
//! `target/screenshots/<test>/<nn>-form-<profile>.png` under the repository (gitignored), where
//! `<test>` is the test's name (`::` as `-`), `<nn>` counts 01, 02, … across all the browsers of the
//! test, and `<profile>` is `phone`, `desktop`, `phone-nojs`, …; it prints the path. The folder is
//! emptied of old PNGs and logs when the test takes its first screenshot, so it shows the last run
//! only. A failed wait also saves a `<nn>-failure-<profile>.png`, and a failed test keeps
//! chromedriver's log there as `chromedriver-<profile>.log`. Look at them with any image viewer, e.g.
//! `xdg-open target/screenshots/smoke_phone/`, or copy the folder off the machine.
//!
//! Use a [`Browser`] from a plain `#[test]` (it runs its own tokio runtime; from inside a tokio
//! runtime it moves each command to a scoped thread, so `#[tokio::test]` works too).

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use fantoccini::elements::Element as WdElement;
use fantoccini::error::CmdError;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tempfile::TempDir;

/// Debian's chromium launcher (it sources `/etc/chromium.d/` and runs `/usr/lib/chromium/chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver (package `chromium-driver`), of the same version as the browser.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The user agent of WeChat's in-app browser (XWEB, Chromium-based) on an Android phone, WeChat
/// 8.0: where most of the product's links are opened. Pages that sniff `MicroMessenger` must see it.
pub const WECHAT_UA: &str = "Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 \
                             (KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 \
                             XWEB/1300333 MMWEBSDK/20241103 MMWEBID/4727 MicroMessenger/8.0.55.2780(0x2800373B) \
                             WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";

/// The phone's viewport in CSS pixels and its device scale factor (a common 6.1" phone).
pub const PHONE: (u32, u32, f64) = (390, 844, 3.0);
/// The desktop's viewport in CSS pixels.
pub const DESKTOP: (u32, u32) = (1280, 900);

/// How long [`Browser::wait_for`] and [`Browser::wait_until`] wait unless told otherwise.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(5);
/// How long chromedriver may take to say it listens.
const DRIVER_START: Duration = Duration::from_secs(10);
/// How long a page may take to load before a navigation fails.
const PAGE_LOAD: Duration = Duration::from_secs(15);
/// How long one WebDriver command may take before the test fails rather than hangs (a page load
/// has [`PAGE_LOAD`] of it).
const COMMAND_LIMIT: Duration = Duration::from_secs(30);
/// How long ending the session may take on drop before chromedriver is killed regardless.
const CLOSE_LIMIT: Duration = Duration::from_secs(5);

/// What each Debian package the tests need leaves on disk: checked before starting, so that a
/// missing one fails the test instead of passing it with English messages or tofu boxes.
const NEEDED: [(&str, &str); 4] = [
    (CHROMIUM, "chromium"),
    (CHROMEDRIVER, "chromium-driver"),
    // The browser's own words (validation messages, number and date formats) in Chinese.
    ("/usr/lib/chromium/locales/zh-CN.pak", "chromium-l10n"),
    // Chinese glyphs: without a CJK font every character is a box.
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "fonts-wqy-microhei"),
];

const HOW_TO_INSTALL: &str = "The browser tests need Debian's chromium, chromium-driver, chromium-l10n and \
                              fonts-wqy-microhei: run `scripts/test` as root, or `sudo apt-get install \
                              --no-install-recommends chromium chromium-driver chromium-l10n fonts-wqy-microhei`.";

/// Which device a [`Browser`] pretends to be, and whether page scripts run.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    device: Device,
    javascript: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Device {
    Phone,
    Desktop,
}

impl Profile {
    /// A phone in WeChat: 390×844 CSS px at 3× with touch, [`WECHAT_UA`].
    pub fn phone() -> Profile {
        Profile { device: Device::Phone, javascript: true }
    }

    /// A desktop browser: a 1280×900 viewport.
    pub fn desktop() -> Profile {
        Profile { device: Device::Desktop, javascript: true }
    }

    /// With `false`, page scripts never run (Chromium's `webkit.webprefs.javascript_enabled`).
    pub fn js_enabled(mut self, enabled: bool) -> Profile {
        self.javascript = enabled;
        self
    }

    pub fn is_phone(&self) -> bool {
        self.device == Device::Phone
    }

    pub fn javascript(&self) -> bool {
        self.javascript
    }

    /// `phone`, `desktop`, `phone-nojs`, `desktop-nojs`: the screenshots' suffix.
    pub fn label(&self) -> String {
        let device = match self.device {
            Device::Phone => "phone",
            Device::Desktop => "desktop",
        };
        if self.javascript { device.to_string() } else { format!("{device}-nojs") }
    }

    /// The WebDriver capabilities that make Chromium this profile in `user_data_dir`.
    fn capabilities(&self, user_data_dir: &Path) -> Capabilities {
        let mut args = vec![
            // New headless mode: the real browser without a window (the old one is a separate,
            // older implementation).
            "--headless=new".to_string(),
            // Root in a container: no user namespaces for the sandbox.
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            // Shared memory in TMPDIR (the browser's own folder) instead of /dev/shm, which many
            // containers keep small: Chromium crashes when it fills.
            "--disable-dev-shm-usage".to_string(),
            // The machine's network is closed and refuses Chromium's own connections (component
            // and safe-browsing updates, sync, default apps, QUIC): these keep it from trying, so
            // that only the pages a test opens are fetched.
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--disable-default-apps".to_string(),
            // Chromium on Linux takes its UI language from LANGUAGE (set on chromedriver, which
            // Chromium inherits) and ignores --lang; kept so the intent shows in the command line.
            "--lang=zh-CN".to_string(),
            format!("--user-data-dir={}", user_data_dir.display()),
        ];
        let mut prefs = serde_json::Map::new();
        prefs.insert("intl.accept_languages".into(), json!("zh-CN,zh"));
        if !self.javascript {
            prefs.insert("webkit.webprefs.javascript_enabled".into(), json!(false));
        }
        let mut chrome = serde_json::Map::new();
        chrome.insert("binary".into(), json!(CHROMIUM));
        match self.device {
            Device::Phone => {
                let (width, height, scale) = PHONE;
                chrome.insert(
                    "mobileEmulation".into(),
                    json!({
                        // No touch screen without JavaScript: chromedriver ends each tap by awaiting a
                        // page timer, which never fires when page scripts are off, so a tap would
                        // hang forever; a mouse click does not wait for one.
                        "deviceMetrics": {
                            "width": width, "height": height, "pixelRatio": scale, "mobile": true, "touch": self.javascript,
                        },
                        "userAgent": WECHAT_UA,
                    }),
                );
            }
            Device::Desktop => {
                let (width, height) = DESKTOP;
                args.push(format!("--window-size={width},{height}"));
            }
        }
        chrome.insert("args".into(), json!(args));
        chrome.insert("prefs".into(), Value::Object(prefs));
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), Value::Object(chrome));
        caps.insert(
            "timeouts".into(),
            json!({ "pageLoad": PAGE_LOAD.as_millis() as u64, "script": 5000, "implicit": 0 }),
        );
        caps
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// A cookie as the browser holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub value: String,
    pub path: Option<String>,
    pub domain: Option<String>,
    pub http_only: bool,
    pub secure: bool,
    /// `Strict`, `Lax` or `None`, as the server set it.
    pub same_site: Option<String>,
    /// Whether it ends with the browser session (no `Expires` or `Max-Age`).
    pub session: bool,
}

/// A running chromedriver, killed with its process group (the Chromium it started) on drop.
struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Driver {
    /// Starts chromedriver on `--port=0` (it binds a free loopback port and says which, so nothing
    /// can take the port in between) and waits for it to say it listens.
    fn start(dir: &Path) -> Driver {
        let missing: Vec<String> = NEEDED
            .iter()
            .filter(|(file, _)| !Path::new(file).exists())
            .map(|(file, package)| format!("{file} (package {package})"))
            .collect();
        if !missing.is_empty() {
            panic!("missing: {}. {HOW_TO_INSTALL}", missing.join(", "));
        }
        let log = dir.join("chromedriver.log");
        let stderr = std::fs::File::create(&log).unwrap_or_else(|e| panic!("create {}: {e}", log.display()));
        let mut child = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .arg(format!("--log-path={}", log.display()))
            // Chromium inherits these. On Linux it takes its own language from LANGUAGE, not from
            // --lang: without it the validation bubbles speak English and Intl formats dates as
            // en-US. A phone in China is on Beijing time.
            .env("LANGUAGE", "zh_CN")
            .env("TZ", "Asia/Shanghai")
            // Chromium's scratch files (shared memory, with --disable-dev-shm-usage) go in the
            // browser's own folder, removed on drop even when Chromium was killed.
            .env("TMPDIR", dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // Chromium inherits this too; its complaints about D-Bus and the closed network are noise in
            // the test output but useful when something breaks, so they go to the log.
            .stderr(stderr)
            // Its own process group, so that drop can end chromedriver and every Chromium process it
            // started at once, even when chromedriver itself is stuck.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {CHROMEDRIVER}: {e}. {HOW_TO_INSTALL}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        // Reads to the end, so chromedriver never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let started = Instant::now();
        let mut said = Vec::new();
        let port = loop {
            let left = DRIVER_START.saturating_sub(started.elapsed());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    // "ChromeDriver was started successfully on port 45447."
                    if let Some(rest) = line.split("started successfully on port ").nth(1) {
                        match rest.trim_end_matches('.').trim().parse::<u16>() {
                            Ok(port) => break port,
                            Err(_) => said.push(line),
                        }
                    } else {
                        said.push(line);
                    }
                }
                Err(e) => {
                    let _ = child.kill();
                    let status = child.wait();
                    panic!(
                        "chromedriver did not say it listens within {DRIVER_START:?} ({e}; exit {status:?}); it \
                         said:\n{}\nits log ({}):\n{}",
                        said.join("\n"),
                        log.display(),
                        tail(&log)
                    );
                }
            }
        };
        Driver { child, url: format!("http://127.0.0.1:{port}"), log }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the browser it started (Chromium's helpers stay in the
        // group; they do not call setsid). SIGTERM first so Chromium can remove its lock files.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last lines of a log file, for panic messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Chromium over WebDriver, as one [`Profile`]. See the module docs.
pub struct Browser {
    rt: tokio::runtime::Runtime,
    /// `None` only while dropping.
    client: Option<Client>,
    profile: Profile,
    /// The test's name, for the screenshots' folder.
    test: String,
    wait: Duration,
    // Dropped in this order: the driver (and Chromium) before the folder holding the profile.
    driver: Driver,
    dir: TempDir,
}

impl fmt::Debug for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Browser").field("profile", &self.profile).field("driver", &self.driver.url).finish()
    }
}

impl Browser {
    /// Starts chromedriver and a Chromium session as `profile`, for the current test (its thread's
    /// name names the screenshots' folder). Panics, saying how to install them, when a package the
    /// tests need is missing.
    pub fn open(profile: Profile) -> Browser {
        let name = std::thread::current().name().unwrap_or("unnamed").replace("::", "-");
        Browser::open_for(&name, profile)
    }

    /// Like [`open`](Self::open), naming the screenshots' folder `test`.
    pub fn open_for(test: &str, profile: Profile) -> Browser {
        let dir = tempfile::Builder::new().prefix("guiyan-browser-").tempdir().expect("create a temp dir for Chromium");
        let user_data = dir.path().join("profile");
        let driver = Driver::start(dir.path());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("build a tokio runtime for WebDriver");
        let caps = profile.capabilities(&user_data);
        let url = driver.url.clone();
        let connected = on_runtime(&rt, async move {
            let mut builder = ClientBuilder::new(HttpConnector::new());
            builder.capabilities(caps);
            tokio::time::timeout(COMMAND_LIMIT, builder.connect(&url)).await
        });
        let client = match connected {
            Ok(Ok(client)) => client,
            Err(_) => panic!(
                "chromedriver did not start {CHROMIUM} as {profile} within {COMMAND_LIMIT:?}\nchromedriver's log \
                 ({}):\n{}",
                driver.log.display(),
                tail(&driver.log)
            ),
            Ok(Err(e)) => panic!(
                "chromedriver could not start {CHROMIUM} as {profile}: {e}\nchromedriver's log ({}):\n{}\n{HOW_TO_INSTALL}",
                driver.log.display(),
                tail(&driver.log)
            ),
        };
        let browser =
            Browser { rt, client: Some(client), profile, test: test.to_string(), wait: DEFAULT_WAIT, driver, dir };
        if browser.profile.device == Device::Desktop {
            browser.size_viewport(DESKTOP);
        }
        browser
    }

    /// Resizes the window so that the page gets `width`×`height` CSS pixels: `--window-size` sizes
    /// the window, and headless Chromium still keeps room in it for a toolbar.
    fn size_viewport(&self, (width, height): (u32, u32)) {
        let frame =
            self.execute("return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];");
        let extra = |i: usize| frame.get(i).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        let resized = self.run(self.client().set_window_size(width + extra(0), height + extra(1)));
        if let Err(e) = resized {
            panic!("[{}] cannot resize the window: {e}", self.profile);
        }
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// How long the waits wait from now on (default [`DEFAULT_WAIT`]).
    pub fn set_wait(&mut self, wait: Duration) {
        self.wait = wait;
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("the session is open until drop")
    }

    /// Runs one WebDriver future on this browser's runtime; panics if chromedriver does not answer
    /// within [`COMMAND_LIMIT`], so a stuck browser fails the test instead of hanging it.
    fn run<T: Send>(&self, future: impl Future<Output = T> + Send) -> T {
        match on_runtime(&self.rt, async { tokio::time::timeout(COMMAND_LIMIT, future).await }) {
            Ok(value) => value,
            Err(_) => panic!(
                "[{}] chromedriver did not answer within {COMMAND_LIMIT:?}; its log is kept under {}",
                self.profile,
                screenshots_root().join(&self.test).display()
            ),
        }
    }

    /// Panics with `what`, the page's URL and the start of its text, after saving a screenshot.
    fn fail(&self, what: &str) -> ! {
        let url =
            self.run(self.client().current_url()).map(|u| u.to_string()).unwrap_or_else(|e| format!("(no URL: {e})"));
        let text = self.body_text().unwrap_or_else(|e| format!("(no text: {e})"));
        let snippet: String = text.chars().take(600).collect();
        let more = if text.chars().count() > 600 { " …" } else { "" };
        let shot = match self.try_screenshot("failure") {
            Ok(path) => format!("screenshot: {}", path.display()),
            Err(e) => format!("no screenshot: {e}"),
        };
        panic!("[{}] {what}\n  at {url}\n  the page says: {snippet}{more}\n  {shot}", self.profile);
    }

    fn body_text(&self) -> Result<String, String> {
        self.run(async {
            let body = self.client().find(Locator::Css("body")).await?;
            body.text().await
        })
        .map_err(|e: CmdError| e.to_string())
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        if let Err(e) = self.run(self.client().goto(url)) {
            self.fail(&format!("cannot open {url}: {e}"));
        }
    }

    /// The URL the browser shows.
    pub fn current_url(&self) -> String {
        match self.run(self.client().current_url()) {
            Ok(url) => url.to_string(),
            Err(e) => panic!("[{}] cannot read the current URL: {e}", self.profile),
        }
    }

    /// The page's title.
    pub fn title(&self) -> String {
        self.run(self.client().title()).unwrap_or_else(|e| self.fail(&format!("cannot read the title: {e}")))
    }

    /// The page as the browser holds it now (the DOM serialized, not the bytes the server sent).
    pub fn page_source(&self) -> String {
        self.run(self.client().source()).unwrap_or_else(|e| self.fail(&format!("cannot read the page source: {e}")))
    }

    /// The text the page shows (`body`'s rendered text).
    pub fn page_text(&self) -> String {
        self.body_text().unwrap_or_else(|e| self.fail(&format!("cannot read the page's text: {e}")))
    }

    /// The first element matching `css`, now; `None` if there is none — or if the page is being
    /// replaced this instant (a form just submitted), since then no element is there yet.
    pub fn try_find(&self, css: &str) -> Option<Element<'_>> {
        match self.run(self.client().find(Locator::Css(css))) {
            Ok(element) => Some(Element { browser: self, css: css.to_string(), element }),
            Err(e) if e.is_no_such_element() || is_mid_navigation(&e) => None,
            Err(e) => self.fail(&format!("cannot look for `{css}`: {e}")),
        }
    }

    /// The first element matching `css`; panics if there is none.
    pub fn find(&self, css: &str) -> Element<'_> {
        self.try_find(css).unwrap_or_else(|| self.fail(&format!("no element matches `{css}`")))
    }

    /// Every element matching `css`, in document order.
    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        match self.run(self.client().find_all(Locator::Css(css))) {
            Ok(elements) => {
                elements.into_iter().map(|element| Element { browser: self, css: css.to_string(), element }).collect()
            }
            Err(e) => self.fail(&format!("cannot look for `{css}`: {e}")),
        }
    }

    /// Whether an element matches `css` now.
    pub fn exists(&self, css: &str) -> bool {
        self.try_find(css).is_some()
    }

    /// Clicks the element matching `css` (and waits for a navigation it starts).
    pub fn click(&self, css: &str) {
        self.find(css).click();
    }

    /// Replaces the value of the field matching `css` with `text`, typed key by key as a user
    /// would (so a number field refuses letters, `maxlength` cuts, input events fire).
    pub fn fill(&self, css: &str, text: &str) {
        self.find(css).fill(text);
    }

    /// Empties the field matching `css`.
    pub fn clear(&self, css: &str) {
        self.find(css).clear();
    }

    /// Chooses the file at `path` in the file input matching `css`, as a user picking it in the
    /// file dialog (WebDriver types the path into the input).
    pub fn choose_file(&self, css: &str, path: &std::path::Path) {
        let element = self.find(css);
        let result = self.run(element.element.send_keys(&path.to_string_lossy()));
        element.or_fail("choose a file in", result)
    }

    /// The rendered text of the element matching `css` (what a user reads: hidden parts left out).
    pub fn text_of(&self, css: &str) -> String {
        self.find(css).text()
    }

    /// The attribute `name` of the element matching `css`, `None` if it has none.
    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).attr(name)
    }

    /// The current value of the field matching `css` (its `value` property: what was typed).
    pub fn value_of(&self, css: &str) -> String {
        self.find(css).value()
    }

    /// Submits the form matching `css` (or the form of the element matching it) as a user does:
    /// clicks its submit button, so the browser's own validation (`required`, `min`, …) runs and
    /// may refuse, as it would for a user. Waits for the navigation the submission starts.
    pub fn submit(&self, css: &str) {
        let element = self.find(css);
        let button = self.run(async {
            let form = match element.element.tag_name().await?.as_str() {
                "form" => element.element.clone(),
                _ => element.element.find(Locator::XPath("./ancestor::form")).await?,
            };
            form.find(Locator::Css("button:not([type]), button[type=submit], input[type=submit]")).await
        });
        match button {
            Ok(button) => {
                Element { browser: self, css: format!("the submit button of `{css}`"), element: button }.click()
            }
            Err(e) => self.fail(&format!("`{css}` is not in a form with a submit button: {e}")),
        }
    }

    /// Waits until an element matches `css`, and returns it.
    pub fn wait_for(&self, css: &str) -> Element<'_> {
        self.wait_until(&format!("an element matching `{css}`"), |b| b.try_find(css))
    }

    /// Polls `probe` every 50 ms until it gives `Some`, for up to the browser's wait
    /// ([`DEFAULT_WAIT`] unless [`set_wait`](Self::set_wait)); then panics naming `what`, with the
    /// page's URL and text and a screenshot.
    pub fn wait_until<'b, T>(&'b self, what: &str, mut probe: impl FnMut(&'b Browser) -> Option<T>) -> T {
        let started = Instant::now();
        loop {
            if let Some(value) = probe(self) {
                return value;
            }
            if started.elapsed() > self.wait {
                self.fail(&format!("gave up after {:?} waiting for {what}", self.wait));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs `script` in the page (`return …;` gives a value). Works with the profile's JavaScript
    /// disabled too: chromedriver runs it through DevTools, not as a page script.
    pub fn execute(&self, script: &str) -> Value {
        self.run(self.client().execute(script, Vec::new()))
            .unwrap_or_else(|e| self.fail(&format!("script failed: {e}\n{script}")))
    }

    /// The cookies the browser holds for the current page's site.
    pub fn cookies(&self) -> Vec<Cookie> {
        let cookies = self
            .run(self.client().get_all_cookies())
            .unwrap_or_else(|e| self.fail(&format!("cannot read cookies: {e}")));
        cookies
            .into_iter()
            .map(|c| Cookie {
                name: c.name().to_string(),
                value: c.value().to_string(),
                path: c.path().map(str::to_string),
                domain: c.domain().map(str::to_string),
                http_only: c.http_only().unwrap_or(false),
                secure: c.secure().unwrap_or(false),
                same_site: c.same_site().map(|s| s.to_string()),
                session: c.expires().is_none() && c.max_age().is_none(),
            })
            .collect()
    }

    /// The cookie called `name`, if the browser holds it.
    pub fn cookie(&self, name: &str) -> Option<Cookie> {
        self.cookies().into_iter().find(|c| c.name == name)
    }

    /// Saves a PNG of the whole page as `target/screenshots/<test>/<nn>-<name>-<profile>.png`,
    /// prints its path and returns it.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        match self.try_screenshot(name) {
            Ok(path) => path,
            Err(e) => panic!("[{}] cannot take the screenshot {name}: {e}", self.profile),
        }
    }

    /// Prints the page on A4 as Chromium does for a user (its print stylesheet applied), saves the
    /// PDF beside the screenshots and returns its path and how many pages it has.
    pub fn print_a4(&self, name: &str) -> (PathBuf, usize) {
        use fantoccini::wd::{PrintConfiguration, PrintSize};
        let config = PrintConfiguration::builder().size(PrintSize::A4).build().expect("an A4 print configuration");
        let pdf = match self.run(self.client().print(config)) {
            Ok(pdf) => pdf,
            Err(e) => self.fail(&format!("cannot print {name}: {e}")),
        };
        let path = next_screenshot_path(&self.test, name, &self.profile.label())
            .map(|p| p.with_extension("pdf"))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&path, &pdf).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        eprintln!("printed: {}", path.display());
        // Each page is one `/Type /Page` object (the page tree is `/Type /Pages`).
        let text = String::from_utf8_lossy(&pdf);
        let pages = text
            .match_indices("/Type")
            .filter(|(at, _)| {
                let rest = text[at + 5..].trim_start();
                rest.starts_with("/Page") && !rest.starts_with("/Pages")
            })
            .count();
        (path, pages)
    }

    fn try_screenshot(&self, name: &str) -> Result<PathBuf, String> {
        let png = self.run(full_page_png(self.client())).map_err(|e| e.to_string())?;
        let path = next_screenshot_path(&self.test, name, &self.profile.label())?;
        std::fs::write(&path, png).map_err(|e| format!("write {}: {e}", path.display()))?;
        eprintln!("screenshot: {}", path.display());
        Ok(path)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the session so chromedriver quits Chromium cleanly; bounded, and never a panic (a
        // panic while unwinding would abort the test binary). The driver's drop kills what is left.
        if let Some(client) = self.client.take() {
            let _ = on_runtime(&self.rt, async move { tokio::time::timeout(CLOSE_LIMIT, client.close()).await });
        }
        // A failed test keeps chromedriver's log (Chromium's output included) beside its
        // screenshots, since the temp dir holding it goes next.
        if std::thread::panicking() {
            let dir = screenshots_root().join(&self.test);
            let kept = dir.join(format!("chromedriver-{}.log", self.profile.label()));
            if std::fs::create_dir_all(&dir).is_ok() && std::fs::copy(&self.driver.log, &kept).is_ok() {
                eprintln!("chromedriver's log: {}", kept.display());
            }
        }
    }
}

/// An element found by a [`Browser`], named by the selector that found it for messages.
pub struct Element<'b> {
    browser: &'b Browser,
    css: String,
    element: WdElement,
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Element").field("css", &self.css).finish()
    }
}

impl Element<'_> {
    fn or_fail<T>(&self, doing: &str, result: Result<T, CmdError>) -> T {
        result.unwrap_or_else(|e| self.browser.fail(&format!("cannot {doing} `{}`: {e}", self.css)))
    }

    pub fn click(&self) {
        let result = self.browser.run(self.element.click());
        self.or_fail("click", result)
    }

    /// Empties the field, then types `text` into it.
    pub fn fill(&self, text: &str) {
        self.clear();
        let result = self.browser.run(self.element.send_keys(text));
        self.or_fail("type into", result)
    }

    pub fn clear(&self) {
        let result = self.browser.run(self.element.clear());
        self.or_fail("clear", result)
    }

    /// The rendered text.
    pub fn text(&self) -> String {
        let mut result = self.browser.run(self.element.text());
        // A live page (the dashboard's refresh) may replace the element between finding and
        // reading it: read its successor, found again by the same selector.
        for _ in 0..3 {
            if !result.as_ref().is_err_and(is_stale) {
                break;
            }
            match self.browser.run(self.browser.client().find(Locator::Css(&self.css))) {
                Ok(fresh) => result = self.browser.run(fresh.text()),
                Err(_) => break,
            }
        }
        self.or_fail("read the text of", result)
    }

    pub fn attr(&self, name: &str) -> Option<String> {
        let result = self.browser.run(self.element.attr(name));
        self.or_fail(&format!("read the attribute {name} of"), result)
    }

    /// The `value` property (a field's current value).
    pub fn value(&self) -> String {
        self.prop("value")
    }

    /// The DOM property `name` as text (`value`, `checked`, `validationMessage`, …); empty if unset.
    pub fn prop(&self, name: &str) -> String {
        let result = self.browser.run(self.element.prop(name));
        self.or_fail(&format!("read the property {name} of"), result).unwrap_or_default()
    }

    pub fn is_displayed(&self) -> bool {
        let result = self.browser.run(self.element.is_displayed());
        self.or_fail("see whether it shows", result)
    }

    /// The element's box in CSS pixels: x, y, width, height.
    pub fn rect(&self) -> (f64, f64, f64, f64) {
        let result = self.browser.run(self.element.rectangle());
        self.or_fail("measure", result)
    }

    /// The outer HTML.
    pub fn html(&self) -> String {
        let mut result = self.browser.run(self.element.html(false));
        // As for `text`: a refreshed element is read again, found anew.
        for _ in 0..3 {
            if !result.as_ref().is_err_and(is_stale) {
                break;
            }
            match self.browser.run(self.browser.client().find(Locator::Css(&self.css))) {
                Ok(fresh) => result = self.browser.run(fresh.html(false)),
                Err(_) => break,
            }
        }
        self.or_fail("read the HTML of", result)
    }
}

/// Runs `future` on `rt`: directly from a plain thread, or from a scoped thread when the caller is
/// itself inside a tokio runtime (where `block_on` would panic).
fn on_runtime<T: Send>(rt: &tokio::runtime::Runtime, future: impl Future<Output = T> + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return rt.block_on(future);
    }
    std::thread::scope(|scope| {
        scope.spawn(|| rt.block_on(future)).join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// chromedriver's DevTools passthrough: `POST /session/{id}/goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

/// A PNG of the whole page, beyond the window too (WebDriver's own screenshot stops at the window,
/// which on a phone is the first screenful only).
async fn full_page_png(client: &Client) -> Result<Vec<u8>, CmdError> {
    let shot = client
        .issue_cmd(Cdp {
            cmd: "Page.captureScreenshot",
            params: json!({ "format": "png", "captureBeyondViewport": true, "fromSurface": true }),
        })
        .await?;
    let data = shot.get("data").and_then(Value::as_str).ok_or_else(|| CmdError::NotW3C(shot.clone()))?;
    base64::engine::general_purpose::STANDARD.decode(data).map_err(CmdError::ImageDecodeError)
}

/// `target/screenshots` of the repository.
pub fn screenshots_root() -> PathBuf {
    // Canonical, so that the printed paths have no `tests/..` in them.
    let repo = super::repo();
    std::fs::canonicalize(&repo).unwrap_or(repo).join("target").join("screenshots")
}

/// The next `<nn>-<name>-<label>.png` in the test's folder; the folder's old PNGs and logs are
/// removed the first time this process writes to it.
fn next_screenshot_path(test: &str, name: &str, label: &str) -> Result<PathBuf, String> {
    static COUNTERS: OnceLock<Mutex<HashMap<String, u32>>> = OnceLock::new();
    let dir = screenshots_root().join(test);
    let mut counters = COUNTERS.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let n = counters.entry(test.to_string()).or_insert(0);
    if *n == 0 {
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        let old = std::fs::read_dir(&dir).map_err(|e| format!("read {}: {e}", dir.display()))?;
        for entry in old.flatten() {
            if entry.path().extension().is_some_and(|ext| ext == "png" || ext == "log" || ext == "pdf") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    *n += 1;
    let file: String = format!("{:02}-{name}-{label}.png", *n)
        .chars()
        .map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' })
        .collect();
    Ok(dir.join(file))
}

/// Whether `error` says the page was being navigated away while the command ran: chromedriver
/// answers "aborted by navigation" (or loses the element's execution context) when a submitted
/// form's response replaces the document mid-command. The page is simply not there yet.
fn is_mid_navigation(error: &CmdError) -> bool {
    let text = error.to_string();
    ["aborted by navigation", "execution context was destroyed", "cannot find context with specified id"]
        .iter()
        .any(|needle| text.to_lowercase().contains(needle))
}

/// Whether `error` says the element was replaced in the page (a script re-rendered that part).
fn is_stale(error: &CmdError) -> bool {
    error.to_string().contains("stale element")
}
