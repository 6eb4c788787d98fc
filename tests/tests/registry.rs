//! The talent registry through the real `guiyan` binary, on SQLite and PostgreSQL: a sheet with
//! bad check characters, a bad mobile, a missing name, an impossible date and a repeated person
//! in another spelling comes back with exactly those rows and their reasons; the corrected errors
//! workbook completes the book; a repeated import changes nothing; a GBK CSV imports, with a match
//! in another community told by its name only; no known ID number, mobile or address reaches the
//! database or the commands' output; exports are masked unless revealed with a reason; a tampered
//! access-log row is found by `audit --verify`.

mod support;

use support::id_number as id;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use calamine::Reader;
use sqlx::Connection;
use support::site::{Site, stderr, stdout};
use support::{DbKind, TestDb, block_on, for_each_db};

const NOW: &str = "2027-01-20T10:00:00+08:00";

/// The people of the test, as their values are normalised (what must never be stored in clear).
struct People {
    zhang_id: String,
    li_id: String,
    li_bad_id: String,
    wang_id: String,
    qian_id: String,
    zhou_id: String,
    zheng_id: String,
}

fn people() -> People {
    let li_id = id("37080219800101123");
    let last = li_id.chars().last().expect("a check character");
    let wrong = if last == '1' { '2' } else { '1' };
    let li_bad_id = format!("{}{wrong}", &li_id[..17]);
    People {
        zhang_id: "11010519491231002X".into(),
        li_id,
        li_bad_id,
        wang_id: id("37080219750505234"),
        qian_id: id("37080219880808345"),
        zhou_id: id("37080219850315123"),
        zheng_id: id("37080219920202456"),
    }
}

const ADDRESS_ZHANG: &str = "山东省济南市历下区解放路街道解放路第一社区3号楼2单元501";
const ADDRESS_SUN: &str = "山东省济南市历下区解放路街道幸福里5号";
const ADDRESS_WU: &str = "山东省济南市历下区解放路街道和平巷8号";
const MOBILES: &[&str] =
    &["13800138000", "13900139000", "13500135000", "13700137000", "13600136000", "13300133000", "1380013800"];

/// Every personal value of the test that must not be found at rest or in a command's output.
fn secrets(p: &People) -> Vec<String> {
    let mut s: Vec<String> = MOBILES.iter().map(|m| m.to_string()).collect();
    s.extend([&p.zhang_id, &p.li_id, &p.wang_id, &p.qian_id, &p.zhou_id, &p.zheng_id].map(|x| x.to_string()));
    for a in [ADDRESS_ZHANG, ADDRESS_SUN, ADDRESS_WU] {
        s.push(a.to_string());
        // The part after the street, which the mask hides.
        s.push(a.split("街道").nth(1).expect("a street").to_string());
    }
    s
}

const HEADER: &[&str] = &["序号", "姓名", "身份证号", "联系电话", "出生年月", "家庭住址", "人才类别", "返乡意愿"];

/// The first sheet: rows 2…9 (row 1 is the header).
fn first_sheet(p: &People) -> Vec<Vec<String>> {
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    vec![
        row(&["1", "张三", &p.zhang_id, "13800138000", "", ADDRESS_ZHANG, "外出务工经商人员", "创业"]),
        row(&["2", "李四", &p.li_bad_id, "", "", "", "专业技术人员", ""]),
        row(&["3", "王五", &p.wang_id, "1380013800", "", "", "", ""]),
        row(&["4", "", &p.qian_id, "", "", "", "", ""]),
        row(&["5", "赵六", "", "13600136000", "1990.13", "", "", ""]),
        // 张三 again, in other spellings: a space in the name, full-width digits and a lowercase
        // x, +86 and dashes in the mobile.
        row(&["6", "张 三", "１１０１０５１９４９１２３１００２ｘ", "+86 138-0013-8000", "", "", "", ""]),
        row(&["7", "孙七", "", "13900139000", "", ADDRESS_SUN, "大中专毕业生", "就业"]),
        // 出生年月 is an Excel date cell here (written below).
        row(&["8", "周八", &p.zhou_id, "13500135000", "", "", "", "暂无"]),
    ]
}

/// Writes a workbook: a title row, then the header and rows; `birth_dates`: (row index, y, m, d)
/// written as Excel dates into the 出生年月 column.
fn write_xlsx(path: &Path, header: &[String], rows: &[Vec<String>], birth_dates: &[(usize, u16, u8, u8)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "解放路第一社区乡土人才排查统计表").expect("title");
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, h).expect("header");
    }
    let birth_col = header.iter().position(|h| h == "出生年月");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32 + 2, c as u16, cell).expect("cell");
            }
        }
        if let (Some(col), Some((_, y, m, d))) = (birth_col, birth_dates.iter().find(|b| b.0 == r)) {
            let date = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).expect("date");
            let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm");
            sheet.write_datetime_with_format(r as u32 + 2, col as u16, &date, &format).expect("date cell");
        }
    }
    book.save(path).expect("save workbook");
}

/// The first sheet of a workbook as text: the header and the rows.
fn read_xlsx(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut book = calamine::open_workbook_auto(path).expect("open the errors workbook");
    let range = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .filter(|r: &Vec<String>| !r.is_empty())
        .collect();
    let header = rows.remove(0);
    (header, rows)
}

/// Runs guiyan in zh (or en) and keeps its output for the leak check.
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

    fn code(&self, lang: &str, args: &[&str], code: i32) -> String {
        let out = self.run(lang, args);
        assert_eq!(out.status.code(), Some(code), "guiyan {args:?}:\n{}{}", stdout(&out), stderr(&out));
        stdout(&out)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.site.path().join(name)
    }

    fn persons(&self) -> u64 {
        let json: serde_json::Value =
            serde_json::from_str(&self.code("en", &["registry", "stats", "--json"], 0)).expect("stats JSON");
        json["persons"].as_u64().expect("a count")
    }
}

fn text(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn a_sheet_imports_its_valid_rows_hands_back_the_rest_and_nothing_personal_is_readable_at_rest() {
    for_each_db(scenario);
}

fn scenario(db: &TestDb) {
    let p = people();
    let site = Site::new(db);
    let r = Runner { site, outputs: Default::default() };
    r.code("en", &["apply"], 0);

    // The first sheet: five rows come back.
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    let sheet = r.path("台账.xlsx");
    write_xlsx(&sheet, &header, &first_sheet(&p), &[(7, 1985, 3, 15)]);
    let errors = r.path("errors.xlsx");
    let out = r.run("zh", &["registry", "import", &text(&sheet), "--unit", "jiefang-1", "--errors", &text(&errors)]);
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("新登记 3 人") && said.contains("5 行未导入"), "{said}");
    assert!(said.contains("已创建人才库密钥文件"), "the backup warning on first use: {said}");
    let (back_header, back) = read_xlsx(&errors);
    assert_eq!(back_header.last().map(String::as_str), Some("原因"));
    let names: Vec<&str> = back.iter().map(|row| row[1].as_str()).collect();
    assert_eq!(names, ["李四", "王五", "", "赵六", "张 三"], "exactly the bad rows, as they were");
    let reason = |i: usize| back[i].last().cloned().unwrap_or_default();
    assert!(reason(0).contains("身份证号") && reason(0).contains("校验"), "{}", reason(0));
    assert!(reason(1).starts_with("联系电话"), "{}", reason(1));
    assert!(reason(2).contains("姓名：必填"), "{}", reason(2));
    assert!(reason(3).starts_with("出生年月"), "{}", reason(3));
    assert!(reason(4).contains("第3行"), "the same person as row 3 (张三): {}", reason(4));
    assert_eq!(r.persons(), 3);

    // The worker fixes the errors workbook (and drops the repeated row) and imports it.
    let mut fixed = Vec::new();
    for row in &back {
        let mut row = row.clone();
        match row[1].as_str() {
            "李四" => row[2] = p.li_id.clone(),
            "王五" => row[3] = "13700137000".into(),
            "" => row[1] = "钱九".into(),
            "赵六" => row[4] = "1990.12".into(),
            _ => continue,
        }
        fixed.push(row);
    }
    let fixed_path = r.path("fixed.xlsx");
    write_xlsx(&fixed_path, &back_header, &fixed, &[]);
    let said = r.code("en", &["registry", "import", &text(&fixed_path), "--unit", "解放路第一社区"], 0);
    assert!(said.contains("4 added, 0 already registered") && said.contains("0 rejected"), "{said}");
    assert_eq!(r.persons(), 7);

    // Importing the first sheet again changes nothing.
    let again = r.path("again.xlsx");
    let out = r.run("en", &["registry", "import", &text(&sheet), "--unit", "jiefang-1", "--errors", &text(&again)]);
    let said = stdout(&out);
    assert!(said.contains("0 added, 3 already registered"), "{said}");
    assert_eq!(r.persons(), 7);

    // A GBK CSV covering a second community by its 社区 column: two new, 周八 linked by the same ID
    // number, 孙七 (same mobile and name) held back naming the other book only.
    let csv = format!(
        "序号,社区,姓名,联系电话,身份证号,家庭住址\r\n1,解放路第二社区,吴十,13300133000,,{ADDRESS_WU}\r\n\
         2,jiefang-2,郑十一,,{},\r\n3,解放路第二社区,孙七,139 0013 9000,,\r\n4,解放路第二社区,周八,,{},\r\n",
        p.zheng_id, p.zhou_id
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    let csv_path = r.path("二社区.csv");
    std::fs::write(&csv_path, &gbk).expect("write the CSV");
    let csv_errors = r.path("csv-errors.xlsx");
    let out = r.run("zh", &["registry", "import", &text(&csv_path), "--errors", &text(&csv_errors)]);
    let said = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{said}{}", stderr(&out));
    assert!(said.contains("新登记 2 人") && said.contains("1 人已在其他社区登记"), "{said}");
    assert!(said.contains("第5行：该人员已在解放路第一社区登记"), "{said}");
    let (_, back) = read_xlsx(&csv_errors);
    assert_eq!(back.len(), 1);
    assert_eq!(back[0][2], "孙七");
    let reason = back[0].last().map(String::as_str).unwrap_or_default();
    assert!(reason.starts_with("可能与解放路第一社区登记的人员重复，请与该社区联系。"), "{reason}");
    assert!(reason.contains("请在“确认为另一人”列填“是”后再次导入"), "{reason}");
    let stats: serde_json::Value =
        serde_json::from_str(&r.code("en", &["registry", "stats", "--unit", "jiefang-2", "--json"], 0)).expect("JSON");
    assert_eq!(stats["persons"], 3, "{stats}");

    // Exports: masked by default; revealed only with a reason.
    let masked = r.path("masked.csv");
    r.code("en", &["registry", "export", "--format", "csv", "-o", &text(&masked)], 0);
    let masked_text = String::from_utf8(std::fs::read(&masked).expect("export")).expect("UTF-8");
    assert!(masked_text.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(masked_text.contains("138****8000") && masked_text.contains("1101**********002X"), "{masked_text}");
    assert!(masked_text.contains("山东省济南市历下区解放路街道****"), "{masked_text}");
    let out = r.run("zh", &["registry", "export", "--format", "json", "-o", &text(&r.path("x.json")), "--reveal"]);
    assert_eq!(out.status.code(), Some(1), "refused without a reason");
    assert!(stderr(&out).contains("理由"), "{}", stderr(&out));
    let revealed = r.path("revealed.json");
    r.code(
        "en",
        &["registry", "export", "--format", "json", "-o", &text(&revealed), "--reveal", "--reason", "走访核实"],
        0,
    );
    let revealed_text = std::fs::read_to_string(&revealed).expect("export");
    assert!(revealed_text.contains("13800138000") && revealed_text.contains(ADDRESS_ZHANG), "{revealed_text}");
    assert!(revealed_text.contains(&p.zhang_id));

    // Nothing personal at rest, nor in anything the commands printed.
    let found_at_rest = at_rest(db);
    for secret in secrets(&p) {
        assert!(
            !found_at_rest.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{} holds {secret} in clear",
            db.kind
        );
        for output in r.outputs.borrow().iter() {
            assert!(!output.contains(&secret), "a command printed {secret}: {output}");
        }
    }

    // The access log: intact, then one row changed in SQL and found.
    let audit = r.code("en", &["registry", "audit"], 0);
    assert!(audit.contains("reveal") || audit.contains("export"), "{audit}");
    assert!(audit.contains("reason=走访核实") && audit.contains("refused"), "{audit}");
    let verified = r.code("en", &["registry", "audit", "--verify"], 0);
    assert!(verified.contains("intact"), "{verified}");
    tamper(db, "UPDATE registry_access SET reason = '例行检查' WHERE seq = 3");
    let broken = r.code("en", &["registry", "audit", "--verify"], 1);
    assert!(broken.contains("seq 3"), "{broken}");
}

/// Everything the database holds, as bytes: the SQLite file (and its write-ahead log), or a
/// `pg_dump` of the PostgreSQL database.
fn at_rest(db: &TestDb) -> Vec<u8> {
    match db.kind {
        DbKind::Sqlite => {
            let path = db.sqlite_path().expect("an SQLite file");
            let mut bytes = std::fs::read(path).expect("read the SQLite file");
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            bytes.extend(std::fs::read(PathBuf::from(wal)).unwrap_or_default());
            bytes
        }
        DbKind::Postgres => {
            let out = std::process::Command::new("pg_dump")
                .args(["--data-only", "--inserts", &db.url])
                .output()
                .expect("run pg_dump");
            assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
            assert!(String::from_utf8_lossy(&out.stdout).contains("registry_access"), "the dump has the tables");
            out.stdout
        }
    }
}

fn tamper(db: &TestDb, sql: &'static str) {
    block_on(async {
        match db.kind {
            DbKind::Sqlite => {
                let mut conn = sqlx::sqlite::SqliteConnection::connect(&db.url).await.expect("connect to SQLite");
                sqlx::raw_sql(sql).execute(&mut conn).await.expect("tamper");
                let _ = conn.close().await;
            }
            DbKind::Postgres => {
                let mut conn = sqlx::postgres::PgConnection::connect(&db.url).await.expect("connect to PostgreSQL");
                sqlx::raw_sql(sql).execute(&mut conn).await.expect("tamper");
                let _ = conn.close().await;
            }
        }
    });
}

#[test]
fn a_possible_duplicate_comes_back_with_a_column_to_confirm_and_the_confirmed_row_is_entered() {
    for_each_db(|db| {
        let site = Site::new(db);
        let r = Runner { site, outputs: Default::default() };
        r.code("en", &["apply"], 0);
        let header: Vec<String> = ["姓名", "联系电话", "人才类别"].iter().map(|h| h.to_string()).collect();
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let first = r.path("第一社区.xlsx");
        write_xlsx(&first, &header, &[row(&["张伟", "13800138000", "专业技术人员"])], &[]);
        r.code("zh", &["registry", "import", &text(&first), "--unit", "jiefang-1"], 0);

        // Another 张伟 with the same mobile in jiefang-2: held, handed back with the column.
        let second = r.path("第二社区.xlsx");
        write_xlsx(&second, &header, &[row(&["张伟", "138-0013-8000", "外出务工经商人员"])], &[]);
        let errors = r.path("第二社区.errors.xlsx");
        let said = r.code("zh", &["registry", "import", &text(&second), "--unit", "jiefang-2"], 1);
        assert!(said.contains("1 行未导入"), "{said}");
        let (back_header, back) = read_xlsx(&errors);
        assert_eq!(back_header, ["姓名", "联系电话", "人才类别", "确认为另一人", "原因"]);
        assert!(
            back[0][4].contains("可能与解放路第一社区登记的人员重复") && back[0][4].contains("填“是”"),
            "{:?}",
            back[0]
        );
        assert_eq!(r.persons(), 1);

        // Imported again unconfirmed: held again. Confirmed with 是: entered.
        r.code("zh", &["registry", "import", &text(&errors), "--unit", "jiefang-2"], 1);
        let confirmed = r.path("已核对.xlsx");
        let mut fixed = back[0].clone();
        fixed[3] = "是".into();
        write_xlsx(&confirmed, &back_header, &[fixed], &[]);
        let said = r.code("zh", &["registry", "import", &text(&confirmed), "--unit", "jiefang-2"], 0);
        assert!(said.contains("新登记 1 人"), "{said}");
        assert_eq!(r.persons(), 2);
        // And matched, not added, when that workbook is imported once more.
        let said = r.code("zh", &["registry", "import", &text(&confirmed), "--unit", "jiefang-2"], 0);
        assert!(said.contains("新登记 0 人") && said.contains("1 人此前已登记"), "{said}");
    });
}
