//! What the portal's tests share: a site inside the 2027 Spring Festival run with jiefang's
//! deployment done, and a unit's session opened from its link, its pages and its forms.

#![allow(dead_code)] // each test file uses a different part

use super::TestDb;
use super::http::{self, Response};
use super::serve::Server;
use super::site::Site;

/// Inside the run: the communities' publicity tasks are open.
pub const NOW: &str = "2027-02-02T10:00:00+08:00";
pub const RUN_ID: &str = "spring-festival/2027";

/// A site inside the run, with jiefang's deployment done so its communities have open tasks.
pub fn site_in_run(db: &TestDb) -> Site<'_> {
    let site = Site::new(db);
    site.ok("2027-01-16T10:00:00+08:00", &["apply"]);
    for task in ["kickoff/district-org", "work-plan/district-org", "street-deployment/jiefang"] {
        site.ok("2027-01-20T10:00:00+08:00", &["task", "done", &format!("{RUN_ID}/{task}")]);
    }
    site.ok(NOW, &["apply"]);
    site
}

/// Opens a link: the session cookie (`gy_session=…`) it sets.
pub fn open(server: &Server, token: &str) -> String {
    let r = http::get(&server.base, &format!("/l/{token}"), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    r.set_cookie("gy_session").expect("a session cookie").0
}

/// A GET with the session `cookie`.
pub fn page(server: &Server, path: &str, cookie: &str) -> Response {
    http::get(&server.base, path, &[("Cookie", cookie)])
}

/// A form POST from guiyan's own page with the session `cookie`.
pub fn post(server: &Server, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Response {
    http::post_form(&server.base, path, &[("Cookie", cookie), ("Sec-Fetch-Site", "same-origin")], fields)
}
