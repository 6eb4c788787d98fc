//! A small HTTP/1.1 client for the web tests: one request per connection (`Connection: close`),
//! headers and cookies by hand, redirects never followed — the tests look at every `Location`
//! and `Set-Cookie` themselves.
//!
//! ```ignore
//! let page = http::get(&base, "/d", &[("Cookie", &cookie)]);
//! assert_eq!(page.status, 200);
//! let posted = http::post_form(&base, "/t/…", &[("Cookie", &cookie)], &[("csrf", &token)]);
//! ```

#![allow(dead_code)] // each test file uses a different part

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A response, its body as text (and as the bytes it came in, for a download).
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    /// Header names in lowercase, in order.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body as sent (a download's bytes).
    pub bytes: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// The `name=value` part of the `Set-Cookie` for cookie `name`, and the whole header.
    pub fn set_cookie(&self, name: &str) -> Option<(String, String)> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v)
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| (v.split(';').next().unwrap_or_default().to_string(), v.clone()))
    }
}

/// `GET base + path` with `headers`.
pub fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    request(base, "GET", path, headers, None)
}

/// `POST base + path` of a form (`application/x-www-form-urlencoded`).
pub fn post_form(base: &str, path: &str, headers: &[(&str, &str)], fields: &[(&str, &str)]) -> Response {
    let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    all.push(("Content-Type", "application/x-www-form-urlencoded"));
    request(base, "POST", path, &all, Some(body.as_bytes()))
}

/// `POST base + path` of a `multipart/form-data` form: its text `fields`, then `file` (the part's
/// name, the file's name, its bytes), as a browser sends a file input.
pub fn post_multipart(
    base: &str,
    path: &str,
    headers: &[(&str, &str)],
    fields: &[(&str, &str)],
    file: (&str, &str, &[u8]),
) -> Response {
    let boundary = "----guiyan-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    let (name, file_name, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    all.push(("Content-Type", &content_type));
    request(base, "POST", path, &all, Some(&body))
}

/// Percent-encodes a form value (UTF-8; space as `+`).
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One request to `base` (`http://host:port`); panics if the server does not answer.
pub fn request(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Response {
    let address = base.strip_prefix("http://").unwrap_or_else(|| panic!("{base} is not an http:// address"));
    let address = address.trim_end_matches('/');
    let mut stream = TcpStream::connect(address).unwrap_or_else(|e| panic!("connect to {address}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("read timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send the request");
    let mut raw = Vec::new();
    match body {
        Some(body) if body.len() > LARGE_BODY => {
            // A server may answer a body over its limit before reading all of it (413) and close:
            // the body is sent from a second thread while this one reads the answer, and a
            // connection reset after the answer came is the end of it, not a failure.
            let mut writer = stream.try_clone().expect("clone the connection");
            let body = body.to_vec();
            let sender = std::thread::spawn(move || {
                let _ = writer.write_all(&body);
            });
            let mut chunk = [0u8; 8192];
            loop {
                match stream.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => raw.extend_from_slice(&chunk[..n]),
                    Err(_) if !raw.is_empty() => break,
                    Err(e) => panic!("{method} {path}: read the response: {e}"),
                }
            }
            let _ = stream.shutdown(std::net::Shutdown::Both);
            let _ = sender.join();
        }
        Some(body) => {
            stream.write_all(body).expect("send the body");
            stream.read_to_end(&mut raw).unwrap_or_else(|e| panic!("{method} {path}: read the response: {e}"));
        }
        None => {
            stream.read_to_end(&mut raw).unwrap_or_else(|e| panic!("{method} {path}: read the response: {e}"));
        }
    }
    parse(&raw).unwrap_or_else(|| panic!("{method} {path}: not an HTTP response: {}", String::from_utf8_lossy(&raw)))
}

/// A body larger than this is sent while the answer is read (see [`request`]).
const LARGE_BODY: usize = 1024 * 1024;

fn parse(raw: &[u8]) -> Option<Response> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body)?;
    }
    Some(Response { status, headers, body: String::from_utf8_lossy(&body).into_owned(), bytes: body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).ok()?.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// The value of `<input name="NAME" value="…">` in a page (the first such input), unescaped of the
/// entities a template escapes.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value = tag.split("value=\"").nth(1)?.split('"').next()?;
    Some(
        value
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_and_forms_read_back() {
        let raw = b"HTTP/1.1 303 See Other\r\nLocation: /\r\nSet-Cookie: a=1; Path=/\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        let r = parse(raw).expect("parses");
        assert_eq!((r.status, r.header("location"), r.body.as_str()), (303, Some("/"), "abc"));
        assert_eq!(r.set_cookie("a").map(|c| c.0), Some("a=1".to_string()));
        assert_eq!(encode("a b/中"), "a+b%2F%E4%B8%AD");
        let html = r#"<input type="hidden" name="csrf" value="X&amp;Y">"#;
        assert_eq!(input_value(html, "csrf").as_deref(), Some("X&Y"));
    }
}
