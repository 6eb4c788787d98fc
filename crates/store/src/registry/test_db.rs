//! What the registry's store tests share: a runtime, a fresh SQLite file or PostgreSQL database
//! for each test, and the small directory most of them enter persons into. PostgreSQL comes from
//! `GUIYAN_TEST_POSTGRES_URL` (`scripts/test` sets it); unset, the PostgreSQL half fails rather
//! than pass without having run, like the integration tests' harness.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, Statement};

use crate::connect::Store;
use crate::entities::unit;

/// A unit of a test directory: id, name, parent, position, subtree end.
pub(super) type TestUnit = (&'static str, &'static str, Option<&'static str>, i32, i32);

/// district [0, 4): street [1, 4): two communities.
pub(super) const DIRECTORY: [TestUnit; 4] = [
    ("district", "示例区", None, 0, 4),
    ("street", "解放路街道", Some("district"), 1, 4),
    ("c1", "解放路第一社区", Some("street"), 2, 3),
    ("c2", "解放路第二社区", Some("street"), 3, 4),
];

/// Writes `units` into the directory.
pub(super) async fn insert_units(store: &Store, units: &[TestUnit]) {
    for (id, name, parent, position, end) in units {
        unit::Entity::insert(unit::ActiveModel {
            id: Set(id.to_string()),
            name: Set(name.to_string()),
            level: Set("x".into()),
            depth: Set(0),
            email: Set(format!("{id}@example.gov.cn")),
            parent: Set(parent.map(str::to_string)),
            position: Set(*position),
            subtree_end: Set(*end),
        })
        .exec_without_returning(&store.db)
        .await
        .expect("a unit");
    }
}

/// The district, its street and two communities ([`DIRECTORY`]).
pub(super) async fn directory(store: &Store) {
    insert_units(store, &DIRECTORY).await;
}

pub(super) fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(f)
}

/// Runs `body` on a fresh SQLite file.
pub(super) fn on_sqlite(body: impl AsyncFnOnce(&Store)) {
    block_on(async {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = Store::open(&format!("sqlite://{}", dir.path().join("t.db").display())).await.expect("open");
        body(&store).await;
        store.close().await;
    });
}

/// Runs `body` on a fresh PostgreSQL database named after `tag`, dropped afterwards.
pub(super) fn on_postgres(tag: &str, body: impl AsyncFnOnce(&Store)) {
    let admin = std::env::var("GUIYAN_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "GUIYAN_TEST_POSTGRES_URL is not set: the PostgreSQL half of the {tag} test cannot run (scripts/test \
             sets it; see scripts/postgres.sh)"
        )
    });
    block_on(async {
        let name = format!("guiyan_t_{tag}_{}", std::process::id());
        let server = Store::connect(&admin).await.expect("connect to PostgreSQL");
        let create = format!("CREATE DATABASE \"{name}\"");
        server.db.execute_raw(Statement::from_string(server.backend(), create)).await.expect("create a database");
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("GUIYAN_TEST_POSTGRES_URL has no database part: {admin}"),
        };
        let store = Store::open(&url).await.expect("open");
        body(&store).await;
        store.close().await;
        let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        server.db.execute_raw(Statement::from_string(server.backend(), drop)).await.expect("drop the database");
    });
}
