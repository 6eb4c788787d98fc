//! The 排查统计表 uploaded on the portal, through the real binary over HTTP on SQLite and
//! PostgreSQL: a community downloads the template, uploads a sheet with a bad check character, a
//! missing name, a row for a community outside its scope and one person twice (the second in
//! full-width digits); exactly those rows come back with their reasons, in the page and in the
//! errors workbook it hands back; that workbook corrected and uploaded completes the book; the
//! same sheet again changes nothing; a street's sheet with a 社区 column fills its communities'
//! books; a form without its token, from another site, empty, too large or not a sheet is refused
//! and enters nobody; a leadership reader uploads nothing; the server printed nothing personal.

mod support;

use support::id_number as id;

use base64::Engine as _;
use calamine::Reader;
use support::for_each_db;
use support::http::{self, Response, input_value};
use support::portal::{NOW, open, page, site_in_run};
use support::serve::{Server, link_token};

const ZHANG_ID: &str = "11010519491231002X";
/// 张三's ID number again, typed in full-width digits with a lowercase x.
const ZHANG_ID_WIDE: &str = "１１０１０５１９４９１２３１００２x";
const LI_BAD_ID: &str = "110105194912310021";
const ZHANG_MOBILE: &str = "13800138000";
const ZHANG_ADDRESS: &str = "解放路街道解放路第一社区3号楼2单元501";

/// A workbook of `header` and `rows` as .xlsx bytes, the header on the first line.
fn xlsx(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, cell).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("a workbook")
}

/// The first sheet of workbook `bytes`: its header and rows as text.
fn read_xlsx(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a workbook");
    let range = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    let mut rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let header = rows.remove(0);
    (header, rows)
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// Uploads `bytes` as `file_name` from the import page of `cookie`'s session.
fn upload(server: &Server, cookie: &str, file_name: &str, bytes: &[u8]) -> Response {
    let form = page(server, "/r/import", cookie);
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = input_value(&form.body, "csrf").expect("csrf");
    http::post_multipart(
        &server.base,
        "/r/import",
        &[("Cookie", cookie), ("Sec-Fetch-Site", "same-origin")],
        &[("csrf", &csrf)],
        ("sheet", file_name, bytes),
    )
}

/// The number the result page shows in `<strong class="{class}">`.
fn count(page: &Response, class: &str) -> usize {
    let marker = format!("<strong class=\"{class}\">");
    let at = page.body.find(&marker).unwrap_or_else(|| panic!("no {class} count: {}", page.body)) + marker.len();
    page.body[at..].split('<').next().and_then(|n| n.trim().parse().ok()).expect("a number")
}

/// The errors workbook a result page hands back (its `data:` link), read.
fn errors_workbook(page: &Response) -> (Vec<String>, Vec<Vec<String>>) {
    let at = page.body.find("id=\"errors-workbook\" href=\"").expect("an errors workbook link")
        + "id=\"errors-workbook\" href=\"".len();
    let href = page.body[at..].split('"').next().expect("a link");
    let data = href.split_once(";base64,").expect("a base64 data link").1;
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).expect("base64");
    read_xlsx(&bytes)
}

#[test]
fn a_sheet_uploaded_on_the_portal_fills_the_book_and_hands_back_exactly_the_bad_rows() {
    for_each_db(|db| {
        let site = site_in_run(db);
        let server = Server::start(&site, NOW);
        let j1 = open(&server, &link_token(&site, NOW, &["jiefang-1"]));
        let r2 = open(&server, &link_token(&site, NOW, &["renmin-2"]));
        let street = open(&server, &link_token(&site, NOW, &["jiefang"]));

        // The book links the upload; the template is a workbook whose headers the importer reads.
        assert!(page(&server, "/r", &j1).body.contains("href=\"/r/import\""));
        let template = page(&server, "/r/template.xlsx", &j1);
        assert_eq!(template.status, 200);
        assert_eq!(
            template.header("content-type"),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert!(template.header("content-disposition").is_some_and(|d| d.contains("attachment")));
        let (header, rows) = read_xlsx(&template.bytes);
        for h in ["姓名", "身份证号", "联系电话", "家庭住址", "社区"] {
            assert!(header.iter().any(|c| c == h), "{h} in the template's header {header:?}");
        }
        assert!(rows.is_empty(), "an empty template");

        let header = ["序号", "姓名", "性别", "身份证号", "联系电话", "家庭住址", "社区"];
        let wang_id = id("37080219750505234");
        let sheet = xlsx(
            &header,
            &[
                row(&["1", "张三", "女", ZHANG_ID, ZHANG_MOBILE, ZHANG_ADDRESS, ""]),
                row(&["2", "李四", "", LI_BAD_ID, "13900139000", "", ""]),
                row(&["3", "", "", "", "13500135000", "", ""]),
                row(&["4", "王五", "", &wang_id, "13700137000", "", "人民路第二社区"]),
                row(&["5", "张 三", "女", ZHANG_ID_WIDE, "", "", ""]),
            ],
        );

        // Refused before anything is read: no token, another site, no session; nothing entered.
        let bare = http::post_multipart(
            &server.base,
            "/r/import",
            &[("Cookie", &j1), ("Sec-Fetch-Site", "same-origin")],
            &[],
            ("sheet", "台账.xlsx", &sheet),
        );
        assert_eq!(bare.status, 400, "no CSRF token: {}", bare.body);
        let csrf = input_value(&page(&server, "/r/import", &j1).body, "csrf").expect("csrf");
        let cross = http::post_multipart(
            &server.base,
            "/r/import",
            &[("Cookie", &j1), ("Sec-Fetch-Site", "cross-site")],
            &[("csrf", &csrf)],
            ("sheet", "台账.xlsx", &sheet),
        );
        assert_eq!(cross.status, 400);
        let anonymous = http::post_multipart(
            &server.base,
            "/r/import",
            &[("Sec-Fetch-Site", "same-origin")],
            &[("csrf", &csrf)],
            ("sheet", "台账.xlsx", &sheet),
        );
        assert_eq!(anonymous.status, 403);
        assert!(!page(&server, "/r", &j1).body.contains("张三"), "nothing entered by a refused upload");

        // No file, a file that is not the sheet, a broken workbook, one over the limit: said beside the
        // field.
        let empty = upload(&server, &j1, "", b"");
        assert_eq!(empty.status, 422, "{}", empty.body);
        assert!(empty.body.contains("请选择要上传的排查统计表"), "{}", empty.body);
        let not_a_sheet = upload(&server, &j1, "notes.csv", "开会时间,地点\n周一,会议室\n".as_bytes());
        assert_eq!(not_a_sheet.status, 422);
        assert!(not_a_sheet.body.contains("没有找到表头"), "{}", not_a_sheet.body);
        let broken = upload(&server, &j1, "台账.xlsx", b"PK\x03\x04 not really a workbook");
        assert_eq!(broken.status, 422);
        assert!(broken.body.contains("无法读取该 Excel 文件"), "{}", broken.body);
        let huge = upload(&server, &j1, "台账.csv", &vec![b'x'; 11 * 1024 * 1024]);
        assert_eq!(huge.status, 413, "{}", huge.body);
        assert!(huge.body.contains("文件过大"), "{}", huge.body);

        // The sheet: 张三 entered; exactly the other four rows back, each with its reason.
        let result = upload(&server, &j1, "解放路第一社区台账.xlsx", &sheet);
        assert_eq!(result.status, 200, "{}", result.body);
        assert_eq!(result.header("cache-control"), Some("no-store"));
        assert_eq!((count(&result, "added"), count(&result, "registered"), count(&result, "rejected")), (1, 0, 4));
        for (line, reason) in [
            ("第3行", "身份证号"),
            ("第4行", "姓名"),
            ("第5行", "“人民路第二社区”不在本单位的范围内"),
            ("第6行", "与本表第2行是同一人"),
        ] {
            let at = result.body.find(line).unwrap_or_else(|| panic!("{line} not listed: {}", result.body));
            let item = &result.body[at..at + result.body[at..].find("</li>").expect("an item")];
            assert!(item.contains(reason), "{line}: {reason} in {item}");
        }
        let (errors_header, errors_rows) = errors_workbook(&result);
        assert_eq!(errors_header.last().map(String::as_str), Some("原因"), "{errors_header:?}");
        assert_eq!(errors_rows.len(), 4, "{errors_rows:?}");
        assert_eq!(
            errors_rows.iter().map(|r| r[1].as_str()).collect::<Vec<_>>(),
            ["李四", "", "王五", "张 三"],
            "the rows as they were"
        );
        let book = page(&server, "/r", &j1);
        assert!(book.body.contains("张三") && book.body.contains("138****8000"), "{}", book.body);

        // The errors workbook corrected (李四's ID number, a name; 王五 left to his community, the
        // repeated 张三 kept) and uploaded: the book completes, 张三 is matched, not added again.
        let li_id = id("11010519800101001");
        let corrected: Vec<Vec<String>> = errors_rows
            .iter()
            .filter(|r| r[1] != "王五")
            .map(|r| {
                let mut r = r[..errors_header.len() - 1].to_vec();
                if r[1] == "李四" {
                    r[3] = li_id.clone();
                }
                if r[1].is_empty() {
                    r[1] = "赵六".into();
                }
                r
            })
            .collect();
        let corrected_header: Vec<&str> = errors_header[..errors_header.len() - 1].iter().map(String::as_str).collect();
        let again = upload(&server, &j1, "解放路第一社区台账.errors.xlsx", &xlsx(&corrected_header, &corrected));
        assert_eq!(again.status, 200, "{}", again.body);
        assert_eq!((count(&again, "added"), count(&again, "registered"), count(&again, "rejected")), (2, 1, 0));
        assert!(again.body.contains("各行均已导入或此前已登记"), "{}", again.body);
        assert!(!again.body.contains("errors-workbook"), "nothing to hand back");
        let book = page(&server, "/r", &j1);
        for name in ["张三", "李四", "赵六"] {
            assert!(book.body.contains(name), "{name} in the book: {}", book.body);
        }
        assert!(book.body.contains("3 人"), "three persons: {}", book.body);

        // The first sheet again: nothing new.
        let repeated = upload(&server, &j1, "解放路第一社区台账.xlsx", &sheet);
        assert_eq!((count(&repeated, "added"), count(&repeated, "registered")), (0, 1));

        // Another community sees none of it; its own upload of the same rows is its own book's.
        assert!(!page(&server, "/r", &r2).body.contains("张"), "another community's book");

        // The street uploads for its communities with a 社区 column: each row to its book; a row
        // for a community of another street comes back.
        let street_sheet = xlsx(
            &["姓名", "联系电话", "社区"],
            &[row(&["钱七", "13600136000", "解放路第二社区"]), row(&["孙八", "13300133000", "renmin-3"])],
        );
        let street_result = upload(&server, &street, "街道汇总.xlsx", &street_sheet);
        assert_eq!(street_result.status, 200, "{}", street_result.body);
        assert!(street_result.body.contains("一张表含多个社区时"), "the street is told of the 社区 column");
        assert_eq!((count(&street_result, "added"), count(&street_result, "rejected")), (1, 1));
        let j2 = open(&server, &link_token(&site, NOW, &["jiefang-2"]));
        assert!(page(&server, "/r", &j2).body.contains("钱七"), "in jiefang-2's book");

        // A leadership reader enters nobody.
        let readers = site.ok(NOW, &["link", "readers"]);
        let email = readers.lines().find_map(|l| l.split_whitespace().find(|w| w.contains('@'))).expect("a reader");
        let reader = open(&server, &link_token(&site, NOW, &["--reader", email]));
        assert_eq!(page(&server, "/r/import", &reader).status, 403);

        // English.
        let english = page(&server, "/r/import?lang=en", &j1);
        assert!(english.body.contains("Upload and import"), "{}", english.body);

        // Each import is in the access log by its file's name; the chain verifies.
        let log = site.ok(NOW, &["registry", "audit"]);
        assert!(log.lines().any(|l| l.contains("import") && l.contains("source=解放路第一社区台账.xlsx")), "{log}");
        let verified = site.ok(NOW, &["registry", "audit", "--verify"]);
        assert!(verified.contains("哈希链校验通过") || verified.contains("hash chain verified"), "{verified}");

        // Nothing personal in what the server printed.
        drop(server);
        for file in ["serve.stdout", "serve.stderr"] {
            let text = std::fs::read_to_string(site.path().join(file)).unwrap_or_default();
            for secret in [ZHANG_MOBILE, ZHANG_ID, "3号楼2单元501", "张三", "李四"] {
                assert!(!text.contains(secret), "{secret} in {file}");
            }
        }
    });
}
