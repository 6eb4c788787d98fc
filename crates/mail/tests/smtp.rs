//! SMTP delivery against a real server (tests/support/smtp_server.py on loopback): mails land in
//! its Maildir byte for byte; 5xx is permanent, 4xx, refused connections and timeouts transient;
//! connections are reused, replaced when the server closed them while idle, closed with QUIT when
//! idle too long or dropped; MAIL, RCPT and DATA pipelined only where the server offers it;
//! STARTTLS and SMTPS.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use campaign::Locale;
use chrono::{TimeZone, Utc};
use mail::{Digest, Mailbox, NoticeKind, Outgoing, SmtpTransport, Templates, Transport, build_message, message_id_for};
use mail_parser::MessageParser;
use smtp_test_server::{SmtpServer, closed_port, test_ca};

const TIMEOUT: Duration = Duration::from_secs(10);

fn mails(n: usize) -> Vec<(String, Outgoing)> {
    let templates = Templates::load(None).expect("loads");
    let from: Mailbox = "示例区委组织部 <zzb@shili.example.gov.cn>".parse().expect("mailbox");
    let date = Utc.with_ymd_and_hms(2027, 1, 24, 1, 0, 0).single().expect("valid");
    (0..n)
        .map(|i| {
            let kind = NoticeKind::ALL[i % NoticeKind::ALL.len()];
            let mut digest = Digest::sample(kind, if i % 2 == 0 { Locale::ZhCn } else { Locale::En });
            digest.recipient.email = format!("unit{i}@shili.example.gov.cn");
            // A line starting with a dot must survive SMTP dot-stuffing (a run-missed mail lists
            // no task to carry it).
            if let Some(task) = digest.sections[0].tasks.first_mut() {
                task.title = ".hidden? no: dot-stuffed".to_string();
            }
            let rendered = templates.render(&digest).expect("renders");
            let key = format!("{}/spring-festival/2027/unit{i}", kind.name());
            let id = message_id_for(&key, "shili.example.gov.cn");
            let out =
                build_message(&rendered, &from, &digest.recipient.unit_name, &digest.recipient.email, &id, date, &key)
                    .expect("builds");
            (key, out)
        })
        .collect()
}

/// The message part of a Maildir file: what follows the delivery headers the server adds.
fn message_of(file: &[u8]) -> &[u8] {
    let mut rest = file;
    while rest.starts_with(b"Return-Path:") || rest.starts_with(b"Delivered-To:") {
        let end = rest.windows(2).position(|w| w == b"\r\n").expect("header line") + 2;
        rest = &rest[end..];
    }
    rest
}

fn smtp(url: &str, timeout: Duration) -> SmtpTransport {
    SmtpTransport::from_url(url, 2, timeout).expect("valid url")
}

/// Sends every mail at once, each in its own task, and asserts each was accepted.
async fn send_all_at_once(transport: &Transport, mails: &[(String, Outgoing)]) {
    let sends: Vec<_> = mails
        .iter()
        .cloned()
        .map(|(key, out)| {
            let transport = transport.clone();
            tokio::spawn(async move { transport.send(&out, &key).await })
        })
        .collect();
    for send in sends {
        send.await.expect("task ran").expect("sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_mails_are_delivered_byte_for_byte() {
    let server = SmtpServer::start();
    let transport = Transport::Smtp(smtp(&server.url(), TIMEOUT));
    let mails = mails(3);
    send_all_at_once(&transport, &mails).await;
    let delivered = server.delivered();
    assert_eq!(delivered.len(), 3);
    for (_, out) in &mails {
        let to = format!("Delivered-To: {}\r\n", out.to);
        let file = delivered
            .iter()
            .find(|f| f.windows(to.len()).any(|w| w == to.as_bytes()))
            .unwrap_or_else(|| panic!("no mail for {}", out.to));
        let got = String::from_utf8_lossy(message_of(file));
        let sent = String::from_utf8_lossy(&out.raw);
        assert!(
            got == sent,
            "the stored bytes differ from those sent:\n--- got (tail)\n{:?}\n--- sent (tail)\n{:?}",
            &got[got.len().saturating_sub(80)..],
            &sent[sent.len().saturating_sub(80)..]
        );
        let parsed = MessageParser::default().parse(message_of(file)).expect("parses");
        assert!(parsed.body_text(0).is_some_and(|t| t.contains(".hidden? no: dot-stuffed")));
    }
}

#[tokio::test]
async fn failures_are_classified_and_modes_switch_at_runtime() {
    let server = SmtpServer::start();
    let transport = smtp(&server.url(), TIMEOUT);
    let mails = mails(4);

    server.write_control(r#"{"mode": "permfail"}"#);
    let err = transport.send(&mails[0].1, &mails[0].0).await.unwrap_err();
    assert!(err.permanent, "550 is permanent: {err}");
    assert!(err.message.contains("550") || err.message.contains("no such user"), "{err}");

    server.write_control(r#"{"mode": "tempfail"}"#);
    let err = transport.send(&mails[0].1, &mails[0].0).await.unwrap_err();
    assert!(!err.permanent, "451 is transient: {err}");
    assert!(err.message.contains("451") || err.message.contains("try later"), "{err}");

    server.write_control(&format!(r#"{{"mode": "accept", "permfail_rcpt": ["{}"]}}"#, mails[1].1.to));
    let err = transport.send(&mails[1].1, &mails[1].0).await.unwrap_err();
    assert!(err.permanent, "550 at RCPT is permanent: {err}");
    transport.send(&mails[0].1, &mails[0].0).await.expect("accepted again, no restart");
    transport.send(&mails[2].1, &mails[2].0).await.expect("accepted");
    assert_eq!(server.delivered().len(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_transient() {
    let transport = smtp(&format!("smtp://127.0.0.1:{}", closed_port()), Duration::from_secs(5));
    let (key, out) = &mails(1)[0];
    let err = transport.send(out, key).await.unwrap_err();
    assert!(!err.permanent, "{err}");
}

#[tokio::test]
async fn a_slow_server_times_out_transiently_and_the_next_send_works() {
    let server = SmtpServer::start();
    let transport = smtp(&server.url(), Duration::from_millis(1500));
    let mails = mails(2);
    transport.send(&mails[0].1, &mails[0].0).await.expect("warm connection in the pool");
    server.write_control(r#"{"delay_ms": 4000}"#);
    let err = transport.send(&mails[1].1, &mails[1].0).await.unwrap_err();
    assert!(!err.permanent, "{err}");
    assert!(err.message.contains("within"), "{err}");
    server.write_control(r#"{"mode": "accept"}"#);
    // The cut-off connection is not reused: a fresh one delivers.
    transport.send(&mails[1].1, &mails[1].0).await.expect("sent after the timeout");
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The slow server may still store the cut-off copy once its delay ends; the engine's key
    // (X-Guiyan-Key, Message-ID) lets a reader spot it. At least the two sends arrived.
    assert!(server.delivered().len() >= 2);
}

#[tokio::test]
async fn credentials_in_the_url_authenticate() {
    let server = SmtpServer::start_with(&["--auth", "guiyan:s3cret"]);
    let mails = mails(2);
    let good = smtp(&format!("smtp://guiyan:s3cret@127.0.0.1:{}", server.port), TIMEOUT);
    good.send(&mails[0].1, &mails[0].0).await.expect("authenticated");
    assert_eq!(server.delivered().len(), 1);

    let bad = smtp(&format!("smtp://guiyan:wrong@127.0.0.1:{}", server.port), TIMEOUT);
    assert!(!bad.to_string().contains("wrong"));
    let err = bad.send(&mails[1].1, &mails[1].0).await.unwrap_err();
    assert!(!err.permanent, "bad credentials are a setting to fix, not a bad mail: {err}");
    assert!(!err.message.contains("wrong"), "{err}");
    assert_eq!(server.delivered().len(), 1);
}

/// Waits (up to 10 s) until the server has logged `event` at least `times` times.
async fn wait_for(server: &SmtpServer, event: &str, times: usize) {
    for _ in 0..100 {
        if server.connection_events().iter().filter(|e| *e == event).count() >= times {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server never logged `{event}` {times} times: {:?}", server.connection_events());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mails_reuse_fewer_connections_than_mails() {
    let server = SmtpServer::start();
    let transport = Transport::Smtp(smtp(&server.url(), TIMEOUT));
    assert_eq!(transport.parallelism(), 2);
    let mails = mails(24);
    // 16 at once (at most two in flight: the transport's limit), then 8 one after another.
    send_all_at_once(&transport, &mails[..16]).await;
    for (key, out) in &mails[16..] {
        transport.send(out, key).await.expect("sent");
    }
    assert_eq!(server.delivered().len(), 24);
    let events = server.connection_events();
    let opened = server.connections_opened();
    assert!((1..=2).contains(&opened), "{opened} connections for 24 mails: {events:?}");
    assert!(!events.contains(&"close".to_string()), "no connection was closed in between: {events:?}");
}

/// The server ends a pooled connection while it is idle (`extra`: how); the next send must still
/// deliver, once, on a fresh connection, which is pooled in its turn.
async fn an_idle_connection_closed_by_the_server_is_replaced(extra: &[&str]) {
    let mut args = vec!["--idle-timeout", "0.5"];
    args.extend_from_slice(extra);
    let server = SmtpServer::start_with(&args);
    let transport = smtp(&server.url(), TIMEOUT);
    let mails = mails(3);
    transport.send(&mails[0].1, &mails[0].0).await.expect("first mail");
    wait_for(&server, "timeout", 1).await;
    transport.send(&mails[1].1, &mails[1].0).await.expect("sent on a fresh connection");
    transport.send(&mails[2].1, &mails[2].0).await.expect("sent on the fresh connection, reused");
    assert_eq!(server.delivered().len(), 3, "each mail once");
    assert_eq!(server.connections_opened(), 2, "{:?}", server.connection_events());
}

#[tokio::test]
async fn an_idle_connection_the_server_closed_silently_is_replaced() {
    an_idle_connection_closed_by_the_server_is_replaced(&[]).await;
}

#[tokio::test]
async fn an_idle_connection_the_server_closed_with_421_is_replaced() {
    an_idle_connection_closed_by_the_server_is_replaced(&["--idle-421"]).await;
}

#[tokio::test]
async fn mail_rcpt_and_data_go_out_as_one_group_where_the_server_pipelines() {
    let server = SmtpServer::start();
    let transport = smtp(&server.url(), TIMEOUT);
    for (key, out) in &mails(3) {
        transport.send(out, key).await.expect("sent");
    }
    assert_eq!(server.delivered().len(), 3);
    let pipelined = server.connection_events().iter().filter(|e| *e == "pipelined").count();
    assert_eq!(pipelined, 3, "every MAIL had RCPT and DATA behind it: {:?}", server.connection_events());
}

/// Queues every mail at once on this (single-threaded) runtime, so that all are waiting before
/// the transport's first connection is open; the outcomes in the mails' order.
async fn send_queued(transport: &SmtpTransport, mails: &[(String, Outgoing)]) -> Vec<Result<(), mail::SendError>> {
    let mut sends = tokio::task::JoinSet::new();
    for (i, (key, out)) in mails.iter().cloned().enumerate() {
        let transport = transport.clone();
        sends.spawn(async move { (i, transport.send(&out, &key).await) });
    }
    let mut outcomes = sends.join_all().await;
    outcomes.sort_by_key(|(i, _)| *i);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

#[tokio::test]
async fn queued_mails_go_out_chained_each_message_with_the_next_envelope() {
    let server = SmtpServer::start();
    let transport = SmtpTransport::from_url(&server.url(), 1, TIMEOUT).expect("valid url");
    let mails = mails(5);
    for outcome in send_queued(&transport, &mails).await {
        outcome.expect("sent");
    }
    let delivered = server.delivered();
    assert_eq!(delivered.len(), 5);
    for (file, (_, out)) in delivered.iter().zip(&mails) {
        assert_eq!(message_of(file), &out.raw[..], "byte for byte, in order");
    }
    let events = server.connection_events();
    let count = |event: &str| events.iter().filter(|e| *e == event).count();
    assert_eq!((count("open"), count("pipelined"), count("chained")), (1, 5, 4), "{events:?}");
}

#[tokio::test]
async fn a_mail_refused_in_a_chain_fails_alone_and_the_next_is_delivered_once() {
    let server = SmtpServer::start();
    let transport = SmtpTransport::from_url(&server.url(), 1, TIMEOUT).expect("valid url");
    let mails = mails(6);
    // Refused after its message (the next mail's envelope is already behind it), then refused at
    // RCPT (its envelope was chained behind the last message).
    server.write_control(&format!(
        r#"{{"permfail_data": ["{}"], "permfail_rcpt": ["{}"]}}"#,
        mails[1].1.to, mails[4].1.to
    ));
    let outcomes = send_queued(&transport, &mails).await;
    let refused: Vec<usize> = (0..6).filter(|i| outcomes[*i].is_err()).collect();
    assert_eq!(refused, [1, 4], "{outcomes:?}");
    assert!(
        outcomes.iter().flatten().count() == 4 && outcomes.iter().filter_map(|o| o.as_ref().err()).all(|e| e.permanent)
    );
    let delivered = server.delivered();
    let expected: Vec<&[u8]> = [0, 2, 3, 5].iter().map(|i| &mails[*i].1.raw[..]).collect();
    let got: Vec<&[u8]> = delivered.iter().map(|file| message_of(file)).collect();
    assert_eq!(got, expected, "each accepted mail exactly once, in order");
    // A refusal closes the connection: the mail chained behind it goes on a fresh one.
    assert_eq!(server.connections_opened(), 3, "{:?}", server.connection_events());
}

#[tokio::test]
async fn withdrawn_mails_are_not_sent_not_even_when_chained_behind_a_message_under_way() {
    let server = SmtpServer::start();
    let transport = SmtpTransport::from_url(&server.url(), 1, TIMEOUT).expect("valid url");
    let mails = mails(4);
    // Each message takes the server a second: time to withdraw the rest while the first is sent
    // (the second's envelope then already follows it on the connection).
    server.write_control(r#"{"delay_ms": 1000}"#);
    let withdrawn = Arc::new(AtomicBool::new(false));
    let mut sends = tokio::task::JoinSet::new();
    for (i, (key, out)) in mails.iter().cloned().enumerate() {
        let (transport, withdrawn) = (transport.clone(), Arc::clone(&withdrawn));
        sends.spawn(async move { (i, transport.send_unless_withdrawn(out, &key, Some(&withdrawn)).await) });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    withdrawn.store(true, Ordering::SeqCst);
    let mut outcomes = sends.join_all().await;
    outcomes.sort_by_key(|(i, _)| *i);
    let outcomes: Vec<_> = outcomes.into_iter().map(|(_, outcome)| outcome).collect();
    assert_eq!(outcomes, [Some(Ok(())), None, None, None]);
    assert_eq!(server.delivered().len(), 1);
    assert_eq!(server.connection_events().iter().filter(|e| *e == "chained").count(), 1, "the second was chained");
}

#[tokio::test]
async fn a_server_without_pipelining_gets_one_command_at_a_time() {
    let server = SmtpServer::start_with(&["--no-pipelining"]);
    let transport = smtp(&server.url(), TIMEOUT);
    for (key, out) in &mails(3) {
        transport.send(out, key).await.expect("sent");
    }
    assert_eq!(server.delivered().len(), 3);
    let events = server.connection_events();
    assert!(!events.contains(&"pipelined".to_string()), "the client waited for each reply: {events:?}");
}

#[tokio::test]
async fn a_rejected_mail_is_not_sent_again_on_another_connection() {
    let server = SmtpServer::start();
    let transport = smtp(&server.url(), TIMEOUT);
    let mails = mails(4);
    transport.send(&mails[0].1, &mails[0].0).await.expect("warms a pooled connection");

    server.write_control(&format!(r#"{{"permfail_rcpt": ["{}"]}}"#, mails[1].1.to));
    let err = transport.send(&mails[1].1, &mails[1].0).await.unwrap_err();
    assert!(err.permanent, "550 at RCPT on a reused connection is permanent: {err}");
    assert_eq!(server.connections_opened(), 1, "not retried: {:?}", server.connection_events());

    server.write_control(&format!(r#"{{"tempfail_rcpt": ["{}"]}}"#, mails[2].1.to));
    let err = transport.send(&mails[2].1, &mails[2].0).await.unwrap_err();
    assert!(!err.permanent, "451 at RCPT is transient: {err}");
    assert_eq!(server.connections_opened(), 2, "one connection for that send: {:?}", server.connection_events());

    server.write_control(r#"{"mode": "accept"}"#);
    transport.send(&mails[3].1, &mails[3].0).await.expect("accepted");
    assert_eq!(server.delivered().len(), 2);
}

#[tokio::test]
async fn idle_connections_are_closed_with_quit() {
    let server = SmtpServer::start();
    let transport = smtp(&server.url(), TIMEOUT).with_idle_limit(Duration::from_millis(300));
    let mails = mails(2);
    transport.send(&mails[0].1, &mails[0].0).await.expect("sent");
    wait_for(&server, "close", 1).await;
    assert_eq!(server.connection_events(), ["open", "pipelined", "quit", "close"]);
    transport.send(&mails[1].1, &mails[1].0).await.expect("sent on a new connection");
    assert_eq!(server.connections_opened(), 2);
}

#[tokio::test]
async fn dropping_the_transport_says_quit() {
    let server = SmtpServer::start();
    let transport = smtp(&server.url(), TIMEOUT);
    let (key, out) = &mails(1)[0];
    transport.send(out, key).await.expect("sent");
    drop(transport);
    wait_for(&server, "close", 1).await;
    assert_eq!(server.connection_events(), ["open", "pipelined", "quit", "close"]);
}

#[test]
fn a_transport_outliving_its_runtime_is_dropped_quietly() {
    let server = SmtpServer::start();
    let transport = smtp(&server.url(), TIMEOUT);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let (key, out) = &mails(1)[0];
    runtime.block_on(transport.send(out, key)).expect("sent");
    drop(runtime);
    drop(transport);
    for _ in 0..100 {
        if server.connection_events().contains(&"close".to_string()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the connection stayed open: {:?}", server.connection_events());
}

#[tokio::test]
async fn starttls_authenticates_delivers_and_reuses_its_connection() {
    let server = SmtpServer::start_tls(false, &["--auth", "guiyan:s3cret"]);
    let url = format!("smtp://guiyan:s3cret@127.0.0.1:{}?tls=required", server.port);
    let transport = smtp(&url, TIMEOUT).trusting_ca_pem(&test_ca()).expect("the test CA");
    let mails = mails(4);
    for (key, out) in &mails[..3] {
        transport.send(out, key).await.expect("sent over STARTTLS");
    }
    assert_eq!(server.delivered().len(), 3);
    assert_eq!(server.connections_opened(), 1, "{:?}", server.connection_events());

    // The server requires STARTTLS before MAIL: plain SMTP is refused, so the sends above used it.
    let plain = smtp(&format!("smtp://guiyan:s3cret@127.0.0.1:{}", server.port), TIMEOUT);
    assert!(plain.send(&mails[3].1, &mails[3].0).await.is_err());
    // Without the test CA the server's certificate is not trusted: transient, nothing sent.
    let untrusting = smtp(&url, TIMEOUT);
    let err = untrusting.send(&mails[3].1, &mails[3].0).await.unwrap_err();
    assert!(!err.permanent, "{err}");
    assert!(!err.message.contains("s3cret"), "{err}");
    assert_eq!(server.delivered().len(), 3);
}

#[tokio::test]
async fn smtps_delivers_reuses_and_replaces_a_closed_connection() {
    let server = SmtpServer::start_tls(true, &["--idle-timeout", "1"]);
    let url = format!("smtps://127.0.0.1:{}", server.port);
    let transport = smtp(&url, TIMEOUT).trusting_ca_pem(&test_ca()).expect("the test CA");
    let mails = mails(4);
    for (key, out) in &mails[..3] {
        transport.send(out, key).await.expect("sent over implicit TLS");
    }
    assert_eq!(server.connections_opened(), 1, "{:?}", server.connection_events());
    wait_for(&server, "timeout", 1).await;
    transport.send(&mails[3].1, &mails[3].0).await.expect("sent on a fresh TLS connection");
    assert_eq!(server.delivered().len(), 4);
    assert_eq!(server.connections_opened(), 2, "{:?}", server.connection_events());
    let message = String::from_utf8_lossy(&server.delivered()[3]).into_owned();
    assert!(message.contains(&format!("Delivered-To: {}", mails[3].1.to)), "{message}");

    let untrusting = smtp(&url, TIMEOUT);
    let err = untrusting.send(&mails[0].1, &mails[0].0).await.unwrap_err();
    assert!(!err.permanent, "{err}");
}

#[tokio::test]
async fn a_message_larger_than_the_write_buffer_arrives_whole() {
    // The socket holds lettre's writes until its next read, and sends them before a write once
    // 64 KiB are pending. 350 kB, with lines that need dot-stuffing.
    let server = SmtpServer::start();
    let transport = smtp(&server.url(), TIMEOUT);
    let body: String =
        (0..8_000).map(|i| if i % 7 == 0 { format!(".line {i:05}\r\n") } else { format!("{i:048}\r\n") }).collect();
    let out = Outgoing {
        envelope_from: "zzb@shili.example.gov.cn".to_string(),
        to: "unit1@shili.example.gov.cn".to_string(),
        raw: format!("Subject: large\r\nMessage-ID: <large@shili.example.gov.cn>\r\n\r\n{body}").into_bytes(),
    };
    assert!(out.raw.len() > 5 * 64 * 1024, "{}", out.raw.len());
    transport.send(&out, "large").await.expect("sent");
    transport.send(&out, "large-again").await.expect("sent again on the same connection");
    let delivered = server.delivered();
    assert_eq!(delivered.len(), 2);
    for file in &delivered {
        let got = message_of(file);
        assert!(got == out.raw.as_slice(), "{} bytes arrived for {} sent", got.len(), out.raw.len());
    }
    assert_eq!(server.connections_opened(), 1);
}
