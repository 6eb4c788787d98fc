//! A person's requests (查阅 / 更正 / 删除) and the retention review on the portal, through the
//! real binary over HTTP on SQLite and PostgreSQL, route by route: each new route is the own
//! community's (another community and the street get "not found", a form without its token a
//! bad request), the answers need the PIN, a correction is validated as on entry, the overdue are
//! listed on top, the printable copy is behind the PIN, a record is kept until a new date; the
//! access log verifies and the server printed nothing personal.

mod support;

use support::for_each_db;
use support::http::input_value;
use support::portal::{NOW, open, page, post, site_in_run as site};
use support::serve::{Server, link_token};

const ID: &str = "11010519491231002X";
const MOBILE: &str = "13800138000";
const NEW_MOBILE: &str = "13900139000";
const ADDRESS: &str = "解放路街道解放路第一社区3号楼2单元501";

fn csrf(server: &Server, cookie: &str) -> String {
    input_value(&page(server, "/r/new", cookie).body, "csrf").expect("csrf")
}

#[test]
fn requests_and_reviews_on_the_portal_keep_to_the_own_community() {
    for_each_db(|db| {
        let site = site(db);
        let server = Server::start(&site, NOW);
        let j1 = open(&server, &link_token(&site, NOW, &["jiefang-1"]));
        let r2 = open(&server, &link_token(&site, NOW, &["renmin-2"]));
        let street = open(&server, &link_token(&site, NOW, &["jiefang"]));

        // A person, and the community's PIN.
        let token = csrf(&server, &j1);
        let fields = [
            ("csrf", token.as_str()),
            ("role", "registered"),
            ("name", "张三"),
            ("id-number", ID),
            ("mobile", MOBILE),
            ("address", ADDRESS),
        ];
        let added = post(&server, "/r/new", &j1, &fields);
        assert_eq!(added.status, 303, "{}", added.body);
        let person = added.header("location").and_then(|l| l.split('?').next()).expect("the person").to_string();
        let to = person.trim_start_matches("/r/p/").to_string();
        let set =
            post(&server, "/r/unlock", &j1, &[("csrf", &token), ("to", &to), ("pin", "482913"), ("again", "482913")]);
        assert_eq!(set.status, 303, "{}", set.body);
        let both = format!("{j1}; {}", set.set_cookie("gy_unlock").expect("unlocked").0);

        // The page shows the review date (three years on) and the request form.
        let shown = page(&server, &person, &j1);
        assert!(shown.body.contains("保存期限复核日期") && shown.body.contains("2030-02-02"), "{}", shown.body);
        assert!(shown.body.contains(&format!("action=\"{person}/requests\"")), "{}", shown.body);

        // Recording: the own community only; a form without its token is refused.
        let requests = format!("{person}/requests");
        let correction =
            [("kind", "correction"), ("via", "phone"), ("received_on", "2027-01-20"), ("due_on", "2027-01-25")];
        for (cookie, status) in [(&r2, 404), (&street, 404)] {
            let mut form = correction.to_vec();
            let t = csrf(&server, cookie);
            form.push(("csrf", &t));
            let r = post(&server, &requests, cookie, &form);
            assert_eq!(r.status, status, "{}", r.body);
            assert!(!r.body.contains("张"), "{}", r.body);
        }
        assert_eq!(post(&server, &requests, &j1, &correction).status, 400, "no token");
        let mut form = correction.to_vec();
        form.push(("csrf", &token));
        let recorded = post(&server, &requests, &j1, &form);
        assert_eq!(recorded.status, 303, "{}", recorded.body);
        assert_eq!(recorded.header("location"), Some(format!("{person}?request=recorded").as_str()));
        let bad_due = [
            ("csrf", token.as_str()),
            ("kind", "access"),
            ("via", "in-person"),
            ("received_on", "2027-02-02"),
            ("due_on", "2027-02-01"),
        ];
        let refused = post(&server, &requests, &j1, &bad_due);
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("答复期限"), "{}", refused.body);
        for kind in ["access", "erasure"] {
            let r = post(&server, &requests, &j1, &[("csrf", &token), ("kind", kind), ("via", "writing")]);
            assert_eq!(r.status, 303, "{}", r.body);
        }
        let tampered = post(&server, &requests, &j1, &[("csrf", &token), ("kind", "complaint"), ("via", "writing")]);
        assert_eq!(tampered.status, 400);

        // The unit's list: the overdue on top; another community sees none; the street masked.
        let book = page(&server, "/r", &j1);
        assert!(book.body.contains("已逾期：1") && book.body.contains("待答复的申请 3"), "{}", book.body);
        let listed = page(&server, "/r/requests", &j1);
        assert_eq!(listed.status, 200);
        let first = listed.body.find("data-request=").expect("a request");
        assert!(listed.body[first..].starts_with("data-request=\"1\""), "{}", listed.body);
        assert!(listed.body.contains("已逾期 1"), "{}", listed.body);
        let other = page(&server, "/r/requests", &r2);
        assert_eq!(other.status, 200);
        assert!(!other.body.contains("data-request=") && !other.body.contains("张"), "{}", other.body);
        let above = page(&server, "/r/requests", &street);
        assert!(above.body.contains("张*") && !above.body.contains("张三"), "{}", above.body);

        // Answering: not without the PIN, not by another community; a correction validated.
        let answer = |n: &str| format!("{person}/requests/{n}");
        let bad = [
            ("csrf", token.as_str()),
            ("kind", "correction"),
            ("how", "done"),
            ("field", "mobile"),
            ("value", "1390013"),
        ];
        assert_eq!(post(&server, &answer("1"), &j1, &bad).status, 403, "not unlocked");
        let r2_token = csrf(&server, &r2);
        let r2_form = [("csrf", r2_token.as_str()), ("kind", "access"), ("how", "done")];
        assert_eq!(post(&server, &answer("2"), &r2, &r2_form).status, 404);
        let invalid = post(&server, &answer("1"), &both, &bad);
        assert_eq!(invalid.status, 422, "{}", invalid.body);
        assert!(invalid.body.contains("更正后的档案不符合要求"), "{}", invalid.body);
        let good = [
            ("csrf", token.as_str()),
            ("kind", "correction"),
            ("how", "done"),
            ("field", "联系电话"),
            ("value", NEW_MOBILE),
        ];
        let corrected = post(&server, &answer("1"), &both, &good);
        assert_eq!(corrected.status, 303, "{}", corrected.body);
        let full = page(&server, &person, &both);
        assert!(full.body.contains(NEW_MOBILE) && !full.body.contains(MOBILE), "{}", full.body);
        assert!(full.body.contains("已办理") && full.body.contains("（联系电话）"), "{}", full.body);
        let no_reason = [("csrf", token.as_str()), ("kind", "access"), ("how", "refused"), ("text", " ")];
        assert_eq!(post(&server, &answer("2"), &both, &no_reason).status, 422);
        let copy = [("csrf", token.as_str()), ("kind", "access"), ("how", "done"), ("text", "打印交本人")];
        assert_eq!(post(&server, &answer("2"), &both, &copy).status, 303);

        // The printable copy: the own community, unlocked; nobody else.
        let print = format!("{person}/print");
        let printed = page(&server, &print, &both);
        assert_eq!(printed.status, 200, "{}", printed.body);
        assert!(printed.body.contains(ID) && printed.body.contains(NEW_MOBILE), "{}", printed.body);
        assert_eq!(printed.header("cache-control"), Some("no-store"));
        assert_eq!(page(&server, &print, &j1).status, 403, "not unlocked");
        for cookie in [&r2, &street] {
            let r = page(&server, &print, cookie);
            assert_eq!(r.status, 404);
            assert!(!r.body.contains(ID));
        }

        // Retention review: nobody is due today; the page keeps a record until a new date.
        let book = page(&server, "/r", &j1);
        assert!(book.body.contains("待复核 0 人"), "{}", book.body);
        assert_eq!(page(&server, "/r/review", &j1).status, 200);
        assert!(!page(&server, "/r/review", &r2).body.contains("张"));
        let review = format!("{person}/review");
        let keep = [("csrf", token.as_str()), ("until", "2031-02-02"), ("reason", "仍在联系")];
        assert_eq!(post(&server, &review, &j1, &keep).status, 403, "not unlocked");
        let r2_keep = [("csrf", r2_token.as_str()), ("until", "2031-02-02"), ("reason", "x")];
        assert_eq!(post(&server, &review, &r2, &r2_keep).status, 404);
        let past = [("csrf", token.as_str()), ("until", "2027-02-01"), ("reason", "仍在联系")];
        assert_eq!(post(&server, &review, &both, &past).status, 422);
        let kept = post(&server, &review, &both, &keep);
        assert_eq!(kept.status, 303, "{}", kept.body);
        assert!(page(&server, &person, &j1).body.contains("2031-02-02"));

        // The erasure request answered: the person is erased with it.
        let erase = [("csrf", token.as_str()), ("kind", "erasure"), ("how", "done"), ("text", "本人书面申请")];
        let erased = post(&server, &answer("3"), &both, &erase);
        assert_eq!(erased.status, 303, "{}", erased.body);
        assert_eq!(erased.header("location"), Some("/r?erased=1"));
        assert_eq!(page(&server, &person, &j1).status, 404);

        let log = site.ok(NOW, &["registry", "audit"]);
        assert!(log.lines().any(|l| l.contains("request-answer") && l.contains("fields=mobile")), "{log}");
        assert!(log.lines().any(|l| l.contains("review") && l.contains("keep-until=2031-02-02")), "{log}");
        let verified = site.ok(NOW, &["registry", "audit", "--verify"]);
        assert!(verified.contains("哈希链校验通过") || verified.contains("hash chain verified"), "{verified}");
        drop(server);
        for file in ["serve.stdout", "serve.stderr"] {
            let text = std::fs::read_to_string(site.path().join(file)).unwrap_or_default();
            for secret in [MOBILE, NEW_MOBILE, ID, "3号楼2单元501", "张三"] {
                assert!(!text.contains(secret), "{secret} in {file}");
            }
        }
    });
}
