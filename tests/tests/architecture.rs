//! Tidy checks that keep ARCHITECTURE.md true: dependency directions, the purity of the core, and
//! a `//!` line atop every Rust file.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Dependency names of one `[dependencies]` table (not dev-dependencies: tests may use anything).
fn dependencies(manifest: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    let mut in_deps = false;
    let mut deps = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.']).next().unwrap_or_default().trim();
            deps.insert(name.to_string());
        }
    }
    deps
}

/// The pure core and the external crates each may use (none doing IO or reading the clock).
const PURE: &[(&str, &[&str])] = &[
    ("calendar", &["chrono", "chrono-tz", "croner", "icu_calendar", "tyme4rs", "thiserror", "serde"]),
    ("campaign", &["calendar", "chrono", "chrono-tz", "serde", "serde_json", "serde-saphyr", "schemars", "thiserror"]),
    ("plan", &["calendar", "campaign", "chrono", "chrono-tz", "serde", "serde_json", "thiserror"]),
    ("report", &["serde", "serde_json", "thiserror", "chrono", "chrono-tz", "campaign", "plan", "documents"]),
    // No randomness either: the caller supplies the secret.
    ("links", &["hmac", "sha2", "base64", "thiserror"]),
    ("charts", &["chrono"]),
    // rust_xlsxwriter reads the system clock for a workbook's creation date unless given one;
    // `documents::xlsx` always gives one (fixed), so no output depends on the time.
    ("documents", &["serde", "thiserror", "rust_xlsxwriter", "zip", "unicode-width"]),
    // The registry's rules: no keys, no randomness, no IO; `campaign` for `Lang` and the text rule.
    ("talent", &["campaign", "chrono", "serde", "thiserror"]),
];

#[test]
fn pure_crates_depend_only_on_allowed_crates() {
    for (krate, allowed) in PURE {
        let deps = dependencies(&root().join("crates").join(krate).join("Cargo.toml"));
        assert!(!deps.is_empty(), "no dependencies parsed for {krate}");
        let extra: Vec<_> = deps.iter().filter(|d| !allowed.contains(&d.as_str())).collect();
        assert!(extra.is_empty(), "`{krate}` is pure (no IO, no clock) but depends on {extra:?}; see ARCHITECTURE.md");
    }
}

#[test]
fn internal_dependencies_point_inward() {
    // `bench-support` and `smtp-test-server` are in no crate's list: dev-dependencies only.
    let internal = [
        "calendar",
        "campaign",
        "plan",
        "report",
        "links",
        "charts",
        "documents",
        "migrations",
        "store",
        "mail",
        "engine",
        "web",
        "guiyan",
        "talent",
        "vault",
        "ledger",
        "bench-support",
        "smtp-test-server",
    ];
    let allowed: &[(&str, &str, &[&str])] = &[
        ("calendar", "crates/calendar/Cargo.toml", &[]),
        ("campaign", "crates/campaign/Cargo.toml", &["calendar"]),
        ("plan", "crates/plan/Cargo.toml", &["calendar", "campaign"]),
        ("report", "crates/report/Cargo.toml", &["campaign", "plan", "documents"]),
        ("links", "crates/links/Cargo.toml", &[]),
        ("charts", "crates/charts/Cargo.toml", &[]),
        ("documents", "crates/documents/Cargo.toml", &[]),
        ("talent", "crates/talent/Cargo.toml", &["campaign"]),
        ("vault", "crates/vault/Cargo.toml", &["campaign"]),
        // The 台账 for the command line and the portal alike: read, imported through the store, written.
        ("ledger", "crates/ledger/Cargo.toml", &["campaign", "talent", "store", "vault", "documents"]),
        ("migrations", "migrations/Cargo.toml", &[]),
        // The registry: its rules from `talent`, its sealing and blind indexes from `vault`.
        ("store", "crates/store/Cargo.toml", &["campaign", "plan", "report", "migrations", "links", "talent", "vault"]),
        ("mail", "crates/mail/Cargo.toml", &["campaign", "calendar", "plan"]),
        (
            "engine",
            "crates/engine/Cargo.toml",
            &["calendar", "campaign", "plan", "store", "mail", "links", "report", "documents"],
        ),
        (
            "web",
            "crates/web/Cargo.toml",
            &["campaign", "plan", "report", "links", "charts", "store", "documents", "talent", "vault", "ledger"],
        ),
        (
            "guiyan",
            "crates/guiyan/Cargo.toml",
            &[
                "calendar",
                "campaign",
                "plan",
                "report",
                "links",
                "migrations",
                "store",
                "mail",
                "engine",
                "web",
                "documents",
                "talent",
                "vault",
                "ledger",
            ],
        ),
    ];
    for (krate, manifest, ok) in allowed {
        for dep in dependencies(&root().join(manifest)) {
            if internal.contains(&dep.as_str()) {
                assert!(ok.contains(&dep.as_str()), "`{krate}` must not depend on `{dep}`; see ARCHITECTURE.md");
            }
        }
    }
}

/// The crates that may hold cipher code; everyone else encrypts through `vault`, so there is one
/// key file, one header format and one place to audit.
#[test]
fn only_the_vault_encrypts() {
    let ciphers = ["aes-gcm", "sm4", "aes", "chacha20poly1305", "aead"];
    for entry in fs::read_dir(root().join("crates")).into_iter().flatten().flatten() {
        let krate = entry.file_name().to_string_lossy().to_string();
        if krate == "vault" {
            continue;
        }
        let deps = dependencies(&entry.path().join("Cargo.toml"));
        let found: Vec<_> = deps.iter().filter(|d| ciphers.contains(&d.as_str())).collect();
        assert!(found.is_empty(), "`{krate}` depends on {found:?}; only `vault` encrypts (see ARCHITECTURE.md)");
    }
}

#[test]
fn only_the_store_knows_sql() {
    let sql = ["sea-orm", "sqlx", "sea-query", "sea-orm-migration"];
    for entry in fs::read_dir(root().join("crates")).into_iter().flatten().flatten() {
        let krate = entry.file_name().to_string_lossy().to_string();
        if krate == "store" {
            continue;
        }
        let deps = dependencies(&entry.path().join("Cargo.toml"));
        let found: Vec<_> = deps.iter().filter(|d| sql.contains(&d.as_str())).collect();
        assert!(found.is_empty(), "`{krate}` depends on {found:?}; only `store` (and `migrations`) may know SQL");
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target" || n == "snapshots" || n == "data") {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn pure_crates_do_no_io_and_read_no_clock() {
    let banned = [
        "std::fs",
        "std::net",
        "std::process",
        "std::env",
        "Utc::now",
        "Local::now",
        "SystemTime::now",
        "Instant::now",
        "tokio",
    ];
    for (krate, _) in PURE {
        let mut files = Vec::new();
        rust_files(&root().join("crates").join(krate).join("src"), &mut files);
        assert!(!files.is_empty(), "no sources found for {krate}");
        for file in files {
            let text = fs::read_to_string(&file).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for word in banned {
                    assert!(
                        !code.contains(word),
                        "{}:{}: `{word}` in pure crate `{krate}`; pass data or `now` in instead",
                        file.display(),
                        n + 1
                    );
                }
            }
        }
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let mut files = Vec::new();
    for dir in ["crates", "migrations", "tests"] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 20, "too few Rust files found: {}", files.len());
    let missing: Vec<_> = files
        .iter()
        .filter(|f| !fs::read_to_string(f).unwrap_or_default().trim_start().starts_with("//!"))
        .map(|f| f.strip_prefix(root()).unwrap_or(f).display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a `//!` line saying what lives there: {missing:?}");
}

#[test]
fn crate_folders_are_named_after_their_packages_and_documented() {
    let architecture = fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap_or_default();
    let mut count = 0;
    for entry in fs::read_dir(root().join("crates")).into_iter().flatten().flatten() {
        let folder = entry.file_name().to_string_lossy().to_string();
        let manifest = fs::read_to_string(entry.path().join("Cargo.toml")).unwrap_or_default();
        assert!(manifest.contains(&format!("name = \"{folder}\"")), "crates/{folder} is not package `{folder}`");
        assert!(
            architecture.contains(&format!("`crates/{folder}`")),
            "ARCHITECTURE.md has no section for crates/{folder}"
        );
        count += 1;
    }
    assert!(count >= 4, "expected at least 4 crates, found {count}");
}
