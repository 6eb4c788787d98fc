//! Merging two records of one person through the real `guiyan` binary, on SQLite and PostgreSQL:
//! one person entered in two communities with different mobiles is merged (counted once, its
//! books under the older archive number, the kept record's empty fields filled), the merge is
//! listed, refused where it must be, undone exactly (counted twice again), and every step is in
//! the access log, whose chain still verifies; nothing personal is printed.

mod support;

use std::path::PathBuf;
use std::process::{Output, Stdio};

use sqlx::Connection;
use support::site::{Site, stderr, stdout};
use support::{DbKind, TestDb, block_on, for_each_db};

const NOW: &str = "2027-01-20T10:00:00+08:00";
const MOBILE_1: &str = "13700137000";
const MOBILE_2: &str = "13600136000";
const ADDRESS: &str = "山东省济南市历下区解放路街道幸福里5号";

fn id_number() -> String {
    let body = "37080219750505234";
    format!("{body}{}", talent::check_character(body).expect("17 digits"))
}

struct Runner<'a> {
    site: Site<'a>,
    outputs: std::cell::RefCell<Vec<String>>,
}

impl Runner<'_> {
    fn run(&self, lang: &str, args: &[&str]) -> Output {
        let out = self.site.command_lang(Some(lang), NOW, args).stdin(Stdio::null()).output().expect("run guiyan");
        self.outputs.borrow_mut().push(format!("{}{}", stdout(&out), stderr(&out)));
        out
    }

    /// Runs, asserts the exit code, returns stdout and stderr together.
    fn code(&self, lang: &str, args: &[&str], code: i32) -> String {
        let out = self.run(lang, args);
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(code), "guiyan {args:?}:\n{said}");
        said
    }

    fn path(&self, name: &str) -> PathBuf {
        self.site.path().join(name)
    }

    fn import(&self, name: &str, unit: &str, csv: &str) {
        let path = self.path(name);
        std::fs::write(&path, csv).expect("write the CSV");
        self.code("en", &["registry", "import", &path.to_string_lossy(), "--unit", unit], 0);
    }

    fn stats(&self) -> serde_json::Value {
        serde_json::from_str(&self.code("en", &["registry", "stats", "--json"], 0)).expect("stats JSON")
    }
}

/// The person a book entry is of, read from the database (the command line names persons by
/// number, as their page's address does).
fn person_of(db: &TestDb, archive_no: &str) -> i64 {
    block_on(async {
        match db.kind {
            DbKind::Sqlite => {
                let mut conn = sqlx::sqlite::SqliteConnection::connect(&db.url).await.expect("connect to SQLite");
                let id: i64 = sqlx::query_scalar("SELECT person_id FROM person_books WHERE archive_no = ?")
                    .bind(archive_no)
                    .fetch_one(&mut conn)
                    .await
                    .expect("the entry");
                let _ = conn.close().await;
                id
            }
            DbKind::Postgres => {
                let mut conn = sqlx::postgres::PgConnection::connect(&db.url).await.expect("connect to PostgreSQL");
                let id: i64 = sqlx::query_scalar("SELECT person_id FROM person_books WHERE archive_no = $1")
                    .bind(archive_no)
                    .fetch_one(&mut conn)
                    .await
                    .expect("the entry");
                let _ = conn.close().await;
                id
            }
        }
    })
}

#[test]
fn two_records_of_one_person_merge_and_the_merge_is_undone() {
    for_each_db(scenario);
}

fn scenario(db: &TestDb) {
    let r = Runner { site: Site::new(db), outputs: Default::default() };
    r.code("en", &["apply"], 0);
    let id = id_number();
    // 王五 entered by 解放路第一社区 with one mobile and his employer, and by 解放路第二社区 with
    // another mobile, his ID number and address; then the first community enters the ID number
    // too and is linked to the second's record: its book holds both.
    r.import("a.csv", "jiefang-1", &format!("姓名,联系电话,工作单位\n王五,{MOBILE_1},甲公司\n"));
    r.import("b.csv", "jiefang-2", &format!("姓名,身份证号,联系电话,家庭住址\n王五,{id},{MOBILE_2},{ADDRESS}\n"));
    r.import("c.csv", "jiefang-1", &format!("姓名,身份证号\n王五,{id}\n"));
    let absorb = person_of(db, "jiefang-1-0001");
    let keep = person_of(db, "jiefang-2-0001");
    assert_eq!(person_of(db, "jiefang-1-0002"), keep);
    let before = r.stats();
    assert_eq!(before["persons"], 2, "{before}");
    let (keep_text, absorb_text) = (keep.to_string(), absorb.to_string());
    let merge = |lang: &str, keep: &str, absorb: &str, reason: &str, code: i32| {
        r.code(lang, &["registry", "merge", keep, absorb, "--reason", reason], code)
    };

    // Refused: an empty reason, one person twice, an unknown person.
    assert!(merge("zh", &keep_text, &absorb_text, " ", 1).contains("须填写理由"));
    assert!(merge("zh", &keep_text, &keep_text, "重复登记", 1).contains("不能与自身合并"));
    assert!(merge("en", &keep_text, "9999", "duplicate", 1).contains("no person 9999"));
    assert_eq!(r.stats()["persons"], 2);

    // Merged: counted once; the first community's book keeps its older archive number.
    let said = merge("zh", &keep_text, &absorb_text, "同一人在两个社区登记，手机号不同", 0);
    assert!(said.contains(&format!("已将第 {absorb} 号人员的档案并入第 {keep} 号（合并编号 1）")), "{said}");
    assert!(said.contains("名册条目移入 1 条，同一名册重复的条目去除 1 条"), "{said}");
    assert!(said.contains("补全的空白字段：工作单位"), "{said}");
    let merged = r.stats();
    assert_eq!(merged["persons"], 1, "{merged}");
    let by_unit: Vec<(String, u64)> = merged["by_unit"]
        .as_array()
        .expect("by unit")
        .iter()
        .map(|u| (u["unit"].as_str().unwrap_or_default().to_string(), u["persons"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(by_unit, [("jiefang-1".to_string(), 1), ("jiefang-2".to_string(), 1)]);
    assert_eq!(person_of(db, "jiefang-1-0001"), keep);
    let export = r.path("books.json");
    r.code("en", &["registry", "export", "--format", "json", "-o", &export.to_string_lossy()], 0);
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export).expect("the export")).expect("JSON");
    let rows = rows.as_array().expect("rows");
    let numbers: Vec<&str> = rows.iter().map(|row| row["archive-no"].as_str().unwrap_or_default()).collect();
    assert_eq!(numbers, ["jiefang-1-0001", "jiefang-2-0001"]);
    assert!(rows.iter().all(|row| row["employer"] == "甲公司" && row["mobile"] == "136****6000"), "{rows:?}");

    // Listed, in both languages; merged already, it is refused again.
    let listed = r.code("zh", &["registry", "merges"], 0);
    assert!(listed.contains("#1  ") && listed.contains("有效"), "{listed}");
    assert!(listed.contains("移入的档案编号：jiefang-1-0001  去除的档案编号：jiefang-1-0002"), "{listed}");
    assert!(listed.contains("理由：同一人在两个社区登记，手机号不同"), "{listed}");
    let listed = r.code("en", &["registry", "merges"], 0);
    assert!(listed.contains(&format!("person {absorb} into person {keep}  standing")), "{listed}");
    assert!(listed.contains("filled: employer"), "{listed}");
    let json: serde_json::Value =
        serde_json::from_str(&r.code("en", &["registry", "merges", "--json"], 0)).expect("JSON");
    assert_eq!(json[0]["merge_id"], 1, "{json}");
    assert!(merge("zh", &keep_text, &absorb_text, "再次合并", 1).contains("已并入"));

    // Undone: counted twice again, each book entry back with its own person.
    assert!(r.code("zh", &["registry", "unmerge", "7", "--reason", "撤销"], 1).contains("没有编号为 7 的合并记录"));
    let said = r.code("en", &["registry", "unmerge", "1", "--reason", "checked: two people after all"], 0);
    assert!(said.contains(&format!("merge 1 is undone: person {absorb} stands on their own again")), "{said}");
    assert_eq!(r.stats(), before);
    assert_eq!(person_of(db, "jiefang-1-0001"), absorb);
    assert_eq!(person_of(db, "jiefang-1-0002"), keep);
    assert!(r.code("zh", &["registry", "unmerge", "1", "--reason", "再撤销"], 1).contains("已经撤销"));
    let listed = r.code("zh", &["registry", "merges"], 0);
    assert!(listed.contains("已撤销") && listed.contains("理由：checked: two people after all"), "{listed}");

    // The access log has the merge, its undoing and the refusals, with their reasons; intact.
    let audit = r.code("en", &["registry", "audit"], 0);
    assert!(audit.contains("merge  all  ok") && audit.contains("reason=同一人在两个社区登记，手机号不同"), "{audit}");
    assert!(audit.contains("unmerge  all  ok") && audit.contains("merge  all  refused"), "{audit}");
    assert!(r.code("en", &["registry", "audit", "--verify"], 0).contains("intact"));

    // Nothing personal in anything printed.
    for secret in [MOBILE_1, MOBILE_2, id.as_str(), ADDRESS, "幸福里5号"] {
        for output in r.outputs.borrow().iter() {
            assert!(!output.contains(secret), "a command printed {secret}: {output}");
        }
    }
}
