//! The vault through its public API: the key file on disk, sealing per algorithm, tampering,
//! rotation and blind indexes.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use campaign::Lang;
use proptest::prelude::*;
use vault::{Algorithm, KeyFileNotice, OVERHEAD, Vault, VaultError};

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).expect("the key file exists").permissions().mode() & 0o777
}

#[test]
fn the_key_file_is_created_0600_with_a_warning_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.keys");
    let (vault, notice) = Vault::open_or_create(&path, Algorithm::Aes256Gcm).unwrap();
    assert_eq!(notice, Some(KeyFileNotice::Created { path: path.clone() }));
    let warning = notice.unwrap().message(Lang::En);
    assert!(warning.contains("Back this file up") && warning.contains("cannot be read"), "{warning}");
    assert!(notice_zh(&path).contains("请立即备份"));
    assert_eq!(mode(&path), 0o600);
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["registry.keys"], "nothing left beside it");

    let sealed = vault.seal("mobile", "13800138000").unwrap();
    let index = vault.blind_index("mobile", "13800138000");
    drop(vault);

    let (again, notice) = Vault::open_or_create(&path, Algorithm::Sm4Gcm).unwrap();
    assert_eq!(notice, None, "an existing file is read, not replaced");
    assert_eq!(again.current_key(), (1, Algorithm::Aes256Gcm));
    assert_eq!(again.open("mobile", &sealed).unwrap(), "13800138000");
    assert_eq!(again.blind_index("mobile", "13800138000"), index, "stable across loads");
    assert_eq!(mode(&path), 0o600);
}

fn notice_zh(path: &std::path::Path) -> String {
    vault::backup_warning(path, Lang::Zh)
}

#[test]
fn processes_starting_together_share_one_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k");
    let indexes: Vec<_> = std::thread::scope(|s| {
        let starts: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let (vault, notice) = Vault::open_or_create(&path, Algorithm::Aes256Gcm).unwrap();
                    (vault.blind_index("mobile", "13800138000"), notice.is_some())
                })
            })
            .collect();
        starts.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(indexes.iter().all(|(i, _)| *i == indexes[0].0), "every start reads the same keys");
    assert_eq!(indexes.iter().filter(|(_, created)| *created).count(), 1, "one start created the file");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_key_file_holds_no_plaintext_and_the_debug_form_no_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k");
    let vault = Vault::create(&path, Algorithm::Aes256Gcm).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# guiyan talent registry keys"));
    assert!(text.contains("version = 1") && text.contains("aes-256-gcm"));
    let shown = format!("{vault:?}");
    assert!(shown.contains("aes-256-gcm") && !shown.contains("blind"), "{shown}");
    assert!(matches!(Vault::create(&path, Algorithm::Aes256Gcm), Err(VaultError::Io { .. })), "never overwritten");
}

#[test]
fn a_key_file_others_may_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k");
    Vault::create(&path, Algorithm::Aes256Gcm).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    match Vault::load(&path) {
        Err(e @ VaultError::TooOpen { mode: 0o640, .. }) => {
            assert!(e.to_string().contains("chmod 600"));
            assert!(e.message(Lang::Zh).contains("chmod 600"));
        }
        other => panic!("{other:?}"),
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    assert!(Vault::load(&path).is_ok());
}

#[test]
fn a_damaged_key_file_is_a_format_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k");
    Vault::create(&path, Algorithm::Aes256Gcm).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("current_key = 1", "current_key = 9")).unwrap();
    assert!(matches!(Vault::load(&path), Err(VaultError::Format { .. })));
    assert!(matches!(Vault::load(&dir.path().join("missing")), Err(VaultError::Io { .. })));
}

#[test]
fn a_vault_is_shared_between_threads() {
    // The store keeps one vault behind an `Arc` for every request and import worker.
    fn shared<T: Send + Sync>() {}
    shared::<Vault>();
    shared::<VaultError>();
}

#[test]
fn each_algorithm_round_trips() {
    for algorithm in Algorithm::ALL {
        let vault = Vault::in_memory(algorithm).unwrap();
        for text in ["", "13800138000", "山东省济南市历下区解放路街道解放路第一社区3号楼2单元501"]
        {
            let sealed = vault.seal("address", text).unwrap();
            assert_eq!(sealed.len(), text.len() + OVERHEAD);
            assert_eq!(vault.open("address", &sealed).unwrap(), text, "{algorithm:?}");
        }
        // A fresh nonce per value: the same text seals differently.
        assert_ne!(vault.seal("mobile", "13800138000").unwrap(), vault.seal("mobile", "13800138000").unwrap());
    }
}

#[test]
fn tampering_is_detected_without_panicking() {
    let vault = Vault::in_memory(Algorithm::Aes256Gcm).unwrap();
    let sealed = vault.seal("id_number", "11010519491231002X").unwrap();
    for i in 0..sealed.len() {
        let mut bad = sealed.clone();
        bad[i] ^= 0x01;
        assert!(vault.open("id_number", &bad).is_err(), "flipped bit in byte {i}");
    }
    assert!(matches!(vault.open("mobile", &sealed), Err(VaultError::Tampered { .. })), "moved to another field");
    for len in 0..OVERHEAD {
        assert!(matches!(vault.open("id_number", &sealed[..len]), Err(VaultError::Malformed { .. })));
    }
    let other = Vault::in_memory(Algorithm::Aes256Gcm).unwrap();
    assert!(matches!(other.open("id_number", &sealed), Err(VaultError::Tampered { .. })), "another key file");
    let mut other_key = sealed.clone();
    other_key[5] = 9;
    assert!(matches!(vault.open("id_number", &other_key), Err(VaultError::UnknownKey { key_id: 9, .. })));
    let mut other_algorithm = sealed.clone();
    other_algorithm[1] = 2;
    assert!(matches!(vault.open("id_number", &other_algorithm), Err(VaultError::Tampered { .. })));
    // No error names the plaintext.
    let e = vault.open("mobile", &sealed).unwrap_err();
    assert!(!e.to_string().contains("1101"));
}

#[test]
fn rotation_keeps_old_values_readable_and_marks_them_for_resealing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k");
    let mut vault = Vault::create(&path, Algorithm::Aes256Gcm).unwrap();
    let old = vault.seal("mobile", "13800138000").unwrap();
    let index = vault.blind_index("mobile", "13800138000");
    assert!(!vault.needs_reseal(&old).unwrap());

    assert_eq!(vault.rotate(Algorithm::Sm4Gcm).unwrap(), 2);
    assert_eq!(vault.current_key(), (2, Algorithm::Sm4Gcm));
    assert_eq!(mode(&path), 0o600);
    assert!(!dir.path().join("k.rotating").exists());
    assert!(vault.needs_reseal(&old).unwrap());
    assert_eq!(vault.open("mobile", &old).unwrap(), "13800138000");
    let new = vault.seal("mobile", "13800138000").unwrap();
    assert!(!vault.needs_reseal(&new).unwrap());
    assert_eq!(vault.blind_index("mobile", "13800138000"), index, "the blind-index key does not rotate");

    let reloaded = Vault::load(&path).unwrap();
    assert_eq!(reloaded.keys(), vec![(1, Algorithm::Aes256Gcm), (2, Algorithm::Sm4Gcm)]);
    assert_eq!(reloaded.open("mobile", &old).unwrap(), "13800138000");
    assert_eq!(reloaded.open("mobile", &new).unwrap(), "13800138000");
    assert!(reloaded.needs_reseal(&old).unwrap());
    assert!(reloaded.needs_reseal(&[1, 2]).is_err());
}

#[test]
fn blind_indexes_differ_per_field_and_per_key_file() {
    let a = Vault::in_memory(Algorithm::Aes256Gcm).unwrap();
    let b = Vault::in_memory(Algorithm::Aes256Gcm).unwrap();
    assert_eq!(a.blind_index("mobile", "13800138000"), a.blind_index("mobile", "13800138000"));
    assert_ne!(a.blind_index("mobile", "13800138000"), a.blind_index("id_number", "13800138000"));
    assert_ne!(a.blind_index("mobile", "13800138000"), b.blind_index("mobile", "13800138000"));
    assert_eq!(a.blind_index("mobile", "1").to_hex().len(), 64);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_text_round_trips(text in "\\PC{0,80}", field in "[a-z_]{1,12}") {
        let vault = Vault::in_memory(Algorithm::Sm4Gcm).unwrap();
        let sealed = vault.seal(&field, &text).unwrap();
        prop_assert_eq!(vault.open(&field, &sealed).unwrap(), text);
    }

    #[test]
    fn arbitrary_bytes_never_open_and_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
        let vault = Vault::in_memory(Algorithm::Aes256Gcm).unwrap();
        prop_assert!(vault.open("mobile", &bytes).is_err());
        let _ = vault.needs_reseal(&bytes);
    }
}
