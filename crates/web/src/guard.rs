//! What stands in front of every route: security headers (a CSP without inline script, no
//! referrer, no framing, no caching of personal pages), a request log that never carries a token,
//! the CSRF check of every POST, and a limit on bad tokens per address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy of every response: everything from guiyan itself, nothing inline
/// (the charts are SVG with presentation attributes, the script is a file), no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Adds the security headers and logs the request, its path redacted.
pub async fn headers_and_log(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = redacted_path(request.uri().path());
    let started = Instant::now();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        // Pages are personal: never kept by a shared cache or the back button of another user.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    tracing::info!(%method, %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    response
}

/// A path as the log may show it: a link's token replaced.
pub fn redacted_path(path: &str) -> String {
    match path.strip_prefix("/l/") {
        Some(_) => "/l/<token>".to_string(),
        None => path.to_string(),
    }
}

/// Whether a POST comes from guiyan's own pages: the browser's `Sec-Fetch-Site` (when sent) must
/// say same-origin, and `Origin` (when sent, and not the `null` a no-referrer page sends) must be
/// guiyan's. The session's CSRF token is checked besides, by the handler.
pub fn same_origin_post(method: &Method, headers: &HeaderMap, origin: &str) -> bool {
    if method != Method::POST {
        return true;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None | Some("null") => true,
        Some(sent) => sent.eq_ignore_ascii_case(origin),
    }
}

/// Counts bad tokens per address: more than `LIMIT` in `WINDOW` and the address is refused until
/// the window passes.
#[derive(Debug, Default)]
pub struct Limiter {
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// Bad tokens an address may present per window.
pub const LIMIT: u32 = 20;
/// The window of [`LIMIT`].
pub const WINDOW: Duration = Duration::from_secs(60);

impl Limiter {
    /// Whether `ip` is refused now.
    pub fn refused(&self, ip: IpAddr) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.get(&ip).is_some_and(|(since, count)| since.elapsed() < WINDOW && *count >= LIMIT)
    }

    /// Records a bad token from `ip`.
    pub fn bad(&self, ip: IpAddr) {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Old entries go, so a scan of many addresses does not grow the map without end.
        if seen.len() > 10_000 {
            seen.retain(|_, (since, _)| since.elapsed() < WINDOW);
        }
        let entry = seen.entry(ip).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

/// The client's address: the peer's, or — when the peer is a reverse proxy on this host (a
/// loopback address) — the last address of its `X-Forwarded-For`, the one that proxy added. Only
/// a process on this host can set that header for us, so nobody outside can pose as another.
pub fn client_ip(info: &ConnectInfo<std::net::SocketAddr>, headers: &axum::http::HeaderMap) -> IpAddr {
    let peer = info.0.ip();
    if !peer.is_loopback() {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forwarded_address_counts_only_from_a_proxy_on_this_host() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("10.0.0.9, 203.0.113.7"));
        let via = |peer: &str| client_ip(&ConnectInfo(peer.parse().expect("address")), &headers).to_string();
        assert_eq!(via("127.0.0.1:5000"), "203.0.113.7", "the proxy's own hop");
        assert_eq!(via("198.51.100.1:5000"), "198.51.100.1", "a remote peer cannot pose as another");
        assert_eq!(
            client_ip(&ConnectInfo("127.0.0.1:1".parse().expect("a")), &Default::default()).to_string(),
            "127.0.0.1"
        );
    }

    #[test]
    fn tokens_never_reach_the_log() {
        assert_eq!(redacted_path("/l/AQEBCoGT5ZUaDXN0cmVldC0xMi1jMjXnXk"), "/l/<token>");
        assert_eq!(
            redacted_path("/t/spring-festival/2027/publicity/jiefang-1"),
            "/t/spring-festival/2027/publicity/jiefang-1"
        );
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        let origin = "https://guiyan.example.gov.cn";
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                map.insert(*k, HeaderValue::from_static(v));
            }
            map
        };
        assert!(same_origin_post(&Method::POST, &headers(&[("sec-fetch-site", "same-origin")]), origin));
        assert!(same_origin_post(&Method::POST, &headers(&[("origin", "null")]), origin));
        assert!(same_origin_post(&Method::POST, &headers(&[("origin", "https://guiyan.example.gov.cn")]), origin));
        assert!(!same_origin_post(&Method::POST, &headers(&[("sec-fetch-site", "cross-site")]), origin));
        assert!(!same_origin_post(&Method::POST, &headers(&[("origin", "https://evil.example")]), origin));
        assert!(same_origin_post(&Method::GET, &headers(&[("sec-fetch-site", "cross-site")]), origin));
    }

    #[test]
    fn an_address_is_refused_after_too_many_bad_tokens() {
        let limiter = Limiter::default();
        let ip: IpAddr = "10.0.0.1".parse().expect("ip");
        for _ in 0..LIMIT {
            assert!(!limiter.refused(ip));
            limiter.bad(ip);
        }
        assert!(limiter.refused(ip));
        assert!(!limiter.refused("10.0.0.2".parse().expect("ip")));
    }
}
