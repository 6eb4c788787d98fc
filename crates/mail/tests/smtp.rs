//! SMTP delivery against a real server (tests/support/smtp_server.py on loopback): mails land in
//! its Maildir byte for byte (plus the empty line lettre's DATA ending adds); 5xx is permanent, 4xx, refused connections and timeouts transient.

mod support;

use std::time::Duration;

use campaign::Locale;
use chrono::{TimeZone, Utc};
use mail::{Digest, MailKind, Mailbox, Outgoing, SmtpTransport, Templates, Transport, build_message, message_id_for};
use mail_parser::MessageParser;
use support::{SmtpServer, closed_port};

const TIMEOUT: Duration = Duration::from_secs(10);

fn mails(n: usize) -> Vec<(String, Outgoing)> {
    let templates = Templates::load(None).expect("loads");
    let from: Mailbox = "示例区委组织部 <zzb@shili.example.gov.cn>".parse().expect("mailbox");
    let date = Utc.with_ymd_and_hms(2027, 1, 24, 1, 0, 0).single().expect("valid");
    (0..n)
        .map(|i| {
            let kind = MailKind::ALL[i % MailKind::ALL.len()];
            let mut digest = Digest::sample(kind, if i % 2 == 0 { Locale::ZhCn } else { Locale::En });
            digest.recipient.email = format!("unit{i}@shili.example.gov.cn");
            // A line starting with a dot must survive SMTP dot-stuffing.
            digest.tasks[0].title = ".hidden? no: dot-stuffed".to_string();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_mails_are_delivered_byte_for_byte() {
    let server = SmtpServer::start();
    let transport = Transport::Smtp(smtp(&server.url(), TIMEOUT));
    let mails = mails(3);
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
        // lettre ends DATA with CRLF.CRLF even after a final CRLF: one empty line more arrives.
        assert!(
            got == sent || got == format!("{sent}\r\n"),
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

    server.control(r#"{"mode": "permfail"}"#);
    let err = transport.send(&mails[0].1, &mails[0].0).await.unwrap_err();
    assert!(err.permanent, "550 is permanent: {err}");
    assert!(err.message.contains("550") || err.message.contains("no such user"), "{err}");

    server.control(r#"{"mode": "tempfail"}"#);
    let err = transport.send(&mails[0].1, &mails[0].0).await.unwrap_err();
    assert!(!err.permanent, "451 is transient: {err}");
    assert!(err.message.contains("451") || err.message.contains("try later"), "{err}");

    server.control(&format!(r#"{{"mode": "accept", "permfail_rcpt": ["{}"]}}"#, mails[1].1.to));
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
    server.control(r#"{"delay_ms": 4000}"#);
    let err = transport.send(&mails[1].1, &mails[1].0).await.unwrap_err();
    assert!(!err.permanent, "{err}");
    assert!(err.message.contains("within"), "{err}");
    server.control(r#"{"mode": "accept"}"#);
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
