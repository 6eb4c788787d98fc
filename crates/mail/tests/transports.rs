//! The file and capture transports: one delivery per key, atomic files.

use std::fs;
use std::time::Duration;

use mail::{CaptureTransport, FileTransport, Outgoing, Transport};

fn outgoing(n: u8) -> Outgoing {
    Outgoing {
        envelope_from: "zzb@example.org".to_string(),
        to: format!("unit{n}@example.org"),
        raw: format!("Subject: {n}\r\n\r\nbody {n}\r\n").into_bytes(),
    }
}

#[tokio::test]
async fn the_file_transport_writes_one_file_per_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("outbox").join("mails");
    let transport = Transport::Files(FileTransport::new(&folder));
    let key = "assigned/spring-festival/2027/jiefang-1";
    transport.send(&outgoing(1), key).await.expect("sent");
    transport.send(&outgoing(1), key).await.expect("sent again");
    transport.send(&outgoing(2), "reminder-2027-jiefang-2").await.expect("sent");

    let mut names: Vec<String> = fs::read_dir(&folder)
        .expect("folder made")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.ends_with(".eml") && !n.starts_with('.')), "{names:?}");
    assert!(names.contains(&"reminder-2027-jiefang-2.eml".to_string()), "{names:?}");
    let Transport::Files(files) = &transport else { unreachable!() };
    assert_eq!(fs::read(files.path_for(key)).expect("written"), outgoing(1).raw);
}

#[tokio::test]
async fn the_file_transport_reports_an_unusable_folder_as_transient() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("not-a-folder");
    fs::write(&file, "x").expect("write");
    let err = FileTransport::new(&file).send(&outgoing(1), "k").await.unwrap_err();
    assert!(!err.permanent, "{err}");
    assert!(err.message.contains("not-a-folder"), "{err}");
}

#[tokio::test]
async fn the_capture_transport_keeps_every_send_in_memory() {
    let capture = CaptureTransport::new();
    let transport = Transport::Capture(capture.clone());
    transport.send(&outgoing(1), "a").await.expect("sent");
    transport.send(&outgoing(2), "b").await.expect("sent");
    transport.send(&outgoing(1), "a").await.expect("sent again");
    assert_eq!(capture.len(), 3, "a repeated send is kept, so that tests can see it");
    let taken: Vec<String> = capture.taken().into_iter().map(|(key, _)| key).collect();
    assert_eq!(taken, vec!["a", "b", "a"]);
    assert!(capture.is_empty());
    transport.send(&outgoing(3), "c").await.expect("sent");
    assert_eq!(capture.taken(), vec![("c".to_string(), outgoing(3))]);
}

#[test]
fn transports_from_urls() {
    let t = Transport::from_url("capture:", 1, Duration::from_secs(1)).expect("capture");
    assert!(matches!(t, Transport::Capture(_)));
    let t = Transport::from_url("file:///var/spool/guiyan", 1, Duration::from_secs(1)).expect("file");
    assert_eq!(t.to_string(), "file:/var/spool/guiyan");
    let t = Transport::from_url("file:out/mails", 1, Duration::from_secs(1)).expect("file");
    assert_eq!(t.to_string(), "file:out/mails");
    let t = Transport::from_url("smtp://u:pw@127.0.0.1:2525?tls=required", 4, Duration::from_secs(1)).expect("smtp");
    assert_eq!(t.to_string(), "smtp://u:***@127.0.0.1:2525?tls=required");
    let err = Transport::from_url("http://u:pw@x", 1, Duration::from_secs(1)).unwrap_err();
    assert!(err.to_string().contains("http://u:***@x"), "{err}");
}
