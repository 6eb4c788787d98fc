//! The baseline of `scripts/bench-web`: a bare axum handler returning a fixed page, in the process
//! layout of `guiyan serve` (a multi-thread tokio runtime of 2 workers, a bound `TcpListener`,
//! `axum::serve` with the peer address as connect info), and nothing else: no store, no session,
//! no template, no middleware.
//!
//! `cargo run --release -p web --example bare_page -- ADDRESS FILE`: serves FILE's bytes (the
//! script saves a real page there, so the bytes on the wire are the same) as `text/html` on `GET /`
//! at ADDRESS (e.g. 127.0.0.1:8091) until interrupted.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::response::Html;
use axum::routing::get;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [address, file] = args.as_slice() else {
        eprintln!("usage: bare_page ADDRESS FILE");
        return std::process::ExitCode::from(2);
    };
    let Ok(address) = address.parse::<SocketAddr>() else {
        eprintln!("bare_page: `{address}` is not an address like 127.0.0.1:8091");
        return std::process::ExitCode::from(2);
    };
    let page = match std::fs::read(file) {
        Ok(bytes) => Bytes::from(bytes),
        Err(e) => {
            eprintln!("bare_page: {file}: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    // As `guiyan serve` builds its runtime (crates/guiyan/src/commands/web_commands.rs).
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("bare_page: no runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let app = Router::new().route("/", get(move || async move { Html(page.clone()) }));
        println!("bare page: http://{}/", listener.local_addr()?);
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await
    });
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bare_page: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
