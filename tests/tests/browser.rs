//! The real-browser harness proves itself (support/browser.rs): Chromium, as a phone in WeChat and
//! as a desktop, with and without JavaScript, loads a Chinese page from a tiny server of this test,
//! is refused an invalid number by its own form validation, submits a valid one and shows what the
//! server answered; every page is saved as a screenshot under `target/screenshots/<test>/`.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use support::browser::{Browser, DESKTOP, PHONE, Profile};

/// A request the page server received.
#[derive(Clone, Debug)]
struct Request {
    method: String,
    path: String,
    /// Header names lowercased.
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A one-page site on a free loopback port: `GET /` the form, `POST /report` its answer. Every
/// connection gets its own thread, since Chromium opens connections it may never use.
struct PageServer {
    url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl PageServer {
    fn start() -> PageServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port for the page server");
        let url = format!("http://{}", listener.local_addr().expect("the page server's address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        // Lives as long as the test process; each test has its own listener.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || serve(stream, &log));
            }
        });
        PageServer { url, requests }
    }

    fn posts(&self) -> Vec<Request> {
        self.requests.lock().expect("request log").iter().filter(|r| r.method == "POST").cloned().collect()
    }

    fn first_get(&self) -> Request {
        self.requests
            .lock()
            .expect("request log")
            .iter()
            .find(|r| r.method == "GET" && r.path == "/")
            .cloned()
            .expect("the browser asked for /")
    }
}

/// Answers one request (HTTP/1.1 with `Connection: close`); a connection that says nothing for 5 s
/// is dropped.
fn serve(stream: TcpStream, log: &Mutex<Vec<Request>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request = Request { method, path, headers, body: String::from_utf8_lossy(&body).into_owned() };
    let (status, page) = answer(&request);
    log.lock().expect("request log").push(request);
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nSet-Cookie: \
         smoke=1; Path=/; HttpOnly; SameSite=Lax\r\nConnection: close\r\n\r\n",
        page.len()
    );
    let _ = writer.write_all(head.as_bytes());
    let _ = writer.write_all(page.as_bytes());
}

/// The form, the answer to a valid report, the server's refusal of an invalid one, or 404.
fn answer(request: &Request) -> (&'static str, String) {
    let lang = html_escape(request.header("accept-language").unwrap_or("(none)"));
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/") => ("200 OK", page("", &lang)),
        // Three screens and more on a phone: the screenshot must hold all of it.
        ("GET", "/long") => {
            let rows: String = (1..=40).map(|i| format!("<p>第 {i} 个单位：已走访。</p>")).collect();
            ("200 OK", format!("{HEAD}<h1>走访进度</h1>{rows}<p id=\"end\">以上共 40 个单位。</p></body></html>"))
        }
        ("POST", "/report") => {
            let visits = request.body.split('&').find_map(|pair| pair.strip_prefix("visits=")).unwrap_or("");
            match visits.parse::<u32>() {
                Ok(n) if n <= 1000 => (
                    "200 OK",
                    format!(
                        "{HEAD}<h1>已收到</h1><p id=\"result\">本单位走访在外人才 <b id=\"visits\">{n}</b> 人，谢谢！</p>\
                         <p><a href=\"/\">返回</a></p></body></html>"
                    ),
                ),
                _ => ("422 Unprocessable Content", page("<p id=\"error\">请填写 0 到 1000 之间的整数。</p>", &lang)),
            }
        }
        _ => ("404 Not Found", format!("{HEAD}<h1>找不到页面</h1></body></html>")),
    }
}

const HEAD: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>归雁 · 浏览器冒烟测试</title>\
<style>body{font-family:sans-serif;margin:0 auto;padding:16px;max-width:40em;line-height:1.6}\
h1{font-size:1.5em}label{display:block;font-weight:bold}\
input{font-size:1.2em;width:100%;box-sizing:border-box;padding:8px;border:2px solid #888}\
input:user-invalid{border-color:#c00}button{font-size:1.2em;margin-top:12px;padding:8px 24px}\
.phone{display:none}@media (max-width:600px){.phone{display:block}.desktop{display:none}}</style></head><body>";

/// The form page, with `extra` (an error) above the form.
fn page(extra: &str, lang: &str) -> String {
    format!(
        "{HEAD}<h1>春节期间乡土人才联络和回归工作</h1>\
         <p id=\"intro\">请填写本单位春节期间走访的在外人才人数。</p>\
         <p class=\"phone\" id=\"narrow\">窄屏排版（手机）</p><p class=\"desktop\" id=\"wide\">宽屏排版（电脑）</p>\
         <p id=\"js\">脚本未运行</p><p>浏览器语言：<span id=\"lang\">{lang}</span></p>{extra}\
         <form method=\"post\" action=\"/report\"><label for=\"visits\">走访人数</label>\
         <input id=\"visits\" name=\"visits\" type=\"number\" min=\"0\" max=\"1000\" step=\"1\" required>\
         <button type=\"submit\">提交</button></form>\
         <script>document.getElementById('js').textContent = '脚本已运行';</script></body></html>"
    )
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The whole flow on one profile.
fn smoke(profile: Profile) {
    let server = PageServer::start();
    let b = Browser::open(profile.clone());

    b.goto(&format!("{}/", server.url));
    assert_eq!(b.title(), "归雁 · 浏览器冒烟测试");
    assert_eq!(b.text_of("h1"), "春节期间乡土人才联络和回归工作");
    assert!(b.page_text().contains("走访的在外人才人数"), "{}", b.page_text());
    let script = if profile.javascript() { "脚本已运行" } else { "脚本未运行" };
    assert_eq!(b.text_of("#js"), script, "page scripts run exactly when the profile enables JavaScript");
    assert!(b.text_of("#lang").starts_with("zh-CN"), "Accept-Language: {}", b.text_of("#lang"));

    // The CSS layout follows the device: the phone gets the narrow one.
    assert_eq!(b.find("#narrow").is_displayed(), profile.is_phone());
    assert_eq!(b.find("#wide").is_displayed(), !profile.is_phone());
    // Scripts of WebDriver's own run with the page's disabled too.
    let viewport = b.execute("return [window.innerWidth, window.innerHeight, window.devicePixelRatio];");
    let viewport: Vec<f64> = viewport.as_array().expect("an array").iter().filter_map(|n| n.as_f64()).collect();
    let expected = if profile.is_phone() {
        vec![f64::from(PHONE.0), f64::from(PHONE.1), PHONE.2]
    } else {
        vec![f64::from(DESKTOP.0), f64::from(DESKTOP.1), 1.0]
    };
    assert_eq!(viewport, expected, "the viewport in CSS pixels and the device scale factor");
    let locale = b.execute(
        "return [navigator.language, Intl.DateTimeFormat().resolvedOptions().locale, \
         Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(0).toLocaleString()];",
    );
    assert_eq!(locale, json!(["zh-CN", "zh-CN", "Asia/Shanghai", "1970/1/1 08:00:00"]));
    let user_agent = server.first_get().header("user-agent").unwrap_or_default().to_string();
    assert_eq!(user_agent.contains("MicroMessenger/8.0"), profile.is_phone(), "User-Agent: {user_agent}");
    assert_eq!(b.cookie("smoke").map(|c| (c.value, c.http_only)), Some(("1".to_string(), true)));
    b.screenshot("form");

    // An invalid number: the browser's own validation (no script) keeps the form from being sent.
    b.fill("#visits", "-5");
    assert_eq!(b.value_of("#visits"), "-5");
    let form_url = b.current_url();
    b.submit("form");
    assert!(b.exists("#visits:invalid"), "-5 is below min=0");
    assert_eq!(b.find("#visits").prop("validationMessage"), "值必须大于或等于 0。", "the browser speaks Chinese");
    assert_eq!(b.current_url(), form_url);
    assert!(server.posts().is_empty(), "nothing was posted: {:?}", server.posts());
    b.screenshot("invalid");

    // A valid one: posted, answered, shown.
    b.fill("#visits", "42");
    assert!(!b.exists("#visits:invalid"));
    b.submit("form");
    let result = b.wait_for("#result");
    assert_eq!(result.text(), "本单位走访在外人才 42 人，谢谢！");
    assert_eq!(b.current_url(), format!("{}/report", server.url));
    let posts = server.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].body, "visits=42");
    b.screenshot("result");

    b.click("a");
    b.wait_until("the form again", |b| b.try_find("#visits").filter(|field| field.value().is_empty()));

    // A page longer than the window: the screenshot is the whole page, at the device's scale.
    b.goto(&format!("{}/long", server.url));
    let (_, _, _, height) = b.find("html").rect();
    // Without the desktop's scroll bar.
    let width = b.execute("return document.documentElement.clientWidth;").as_f64().expect("a width");
    let shot = b.screenshot("long");
    let (png_width, png_height) = png_size(&shot);
    let scale = if profile.is_phone() { PHONE.2 } else { 1.0 };
    assert_eq!(f64::from(png_width), width * scale, "{}", shot.display());
    assert!(f64::from(png_height) >= height * scale - 1.0, "{}: {png_height} px for {height} CSS px", shot.display());
    assert!(b.find("#end").rect().1 > f64::from(if profile.is_phone() { PHONE.1 } else { DESKTOP.1 }));
}

/// A PNG file's width and height (its IHDR chunk).
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("read the screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() >= 24, "{} is not a PNG", path.display());
    let number = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (number(16), number(20))
}

/// A wait that fails says what it waited for, where, and what the page said, and leaves a
/// screenshot of it.
#[test]
fn a_failed_wait_names_the_page() {
    let server = PageServer::start();
    let mut b = Browser::open(Profile::desktop());
    b.goto(&format!("{}/", server.url));
    b.set_wait(Duration::from_millis(300));
    let failed = std::panic::catch_unwind(AssertUnwindSafe(|| b.wait_for("#no-such-thing")));
    let message = match failed {
        Ok(_) => panic!("#no-such-thing was found"),
        Err(panic) => panic.downcast_ref::<String>().cloned().unwrap_or_else(|| panic!("the panic carries a String")),
    };
    assert!(message.contains("waiting for an element matching `#no-such-thing`"), "{message}");
    assert!(message.contains(&format!("at {}/", server.url)), "{message}");
    assert!(message.contains("春节期间乡土人才联络和回归工作"), "{message}");
    let shot = message.split("screenshot: ").nth(1).expect("a screenshot path").trim();
    assert!(shot.ends_with("-failure-desktop.png") && Path::new(shot).is_file(), "{message}");
}

#[test]
fn smoke_phone() {
    smoke(Profile::phone());
}

#[test]
fn smoke_desktop() {
    smoke(Profile::desktop());
}

#[test]
fn smoke_phone_without_javascript() {
    smoke(Profile::phone().js_enabled(false));
}
