//! Sample digests of every kind, modelled on the bundled Spring Festival 2027 campaign: templates
//! are test-rendered against them at load, and they make previews and snapshot tests.

use campaign::Locale;
use chrono::DateTime;
use chrono_tz::{Asia::Shanghai, Tz};

use crate::digest::{Digest, DigestTask, FigureLine, MailKind, Recipient};

/// Local time in Asia/Shanghai (no DST there, so every wall time exists once).
fn at(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Tz> {
    use chrono::TimeZone;
    match Shanghai.with_ymd_and_hms(2027, month, day, hour, minute, 0) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t,
        // Unreachable for Asia/Shanghai in 2027; fall back to the epoch rather than panic.
        chrono::LocalResult::None => DateTime::UNIX_EPOCH.with_timezone(&Shanghai),
    }
}

struct Words {
    campaign: &'static str,
    district: &'static str,
    streets: [&'static str; 3],
    communities: [&'static str; 9],
    kickoff: &'static str,
    work_plan: &'static str,
    street_deployment: &'static str,
    publicity: &'static str,
    visits: &'static str,
    banners: (&'static str, &'static str),
    letters: (&'static str, &'static str),
    posts: (&'static str, &'static str),
    visited: (&'static str, &'static str),
    registered: (&'static str, &'static str),
}

const ZH: Words = Words {
    campaign: "春节期间乡土人才联络和回归工作",
    district: "示例区委组织部",
    streets: ["解放路街道办事处", "人民路街道办事处", "滨河街道办事处"],
    communities: [
        "解放路第一社区",
        "解放路第二社区",
        "解放路第三社区",
        "人民路第一社区",
        "人民路第二社区",
        "人民路第三社区",
        "滨河第一社区",
        "滨河第二社区",
        "滨河第三社区",
    ],
    kickoff: "召开乡土人才联络和回归工作推进会",
    work_plan: "制定并印发工作方案和《致全区在外工作乡亲的一封信》",
    street_deployment: "街道党工委召开推进会议，动员部署",
    publicity: "悬挂横幅、张贴家书，利用LED屏、微信公众号、微信群宣传",
    visits: "入户走访，摸排返乡人员，登记造册、建档入库",
    banners: ("悬挂宣传横幅", "条"),
    letters: ("张贴公开信", "封"),
    posts: ("新媒体推送", "条"),
    visited: ("走访返乡人员", "人"),
    registered: ("乡土人才入库", "人"),
};

const EN: Words = Words {
    campaign: "Spring Festival outreach to local talent",
    district: "Shili District Organization Department",
    streets: ["Jiefang Road Subdistrict Office", "Renmin Road Subdistrict Office", "Binhe Subdistrict Office"],
    communities: [
        "Jiefang Road Community 1",
        "Jiefang Road Community 2",
        "Jiefang Road Community 3",
        "Renmin Road Community 1",
        "Renmin Road Community 2",
        "Renmin Road Community 3",
        "Binhe Community 1",
        "Binhe Community 2",
        "Binhe Community 3",
    ],
    kickoff: "Hold the outreach kick-off meeting",
    work_plan: "Issue the work plan and the Letter to Fellow Townspeople Working Away",
    street_deployment: "Subdistrict Party committee holds a deployment meeting",
    publicity: "Hang banners, post letters, publicize on LED screens, WeChat accounts and groups",
    visits: "Visit households, record returning residents and register local talent",
    banners: ("Banners hung", "banners"),
    letters: ("Open letters posted", "letters"),
    posts: ("Social media posts", "posts"),
    visited: ("Returning residents visited", "people"),
    registered: ("Local talent registered", "people"),
};

const STREET_IDS: [&str; 3] = ["jiefang", "renmin", "binhe"];
const COMMUNITY_IDS: [&str; 9] =
    ["jiefang-1", "jiefang-2", "jiefang-3", "renmin-1", "renmin-2", "renmin-3", "binhe-1", "binhe-2", "binhe-3"];

fn figure(key: &str, (label, unit): (&str, &str), required: bool) -> FigureLine {
    FigureLine { key: key.to_string(), label: label.to_string(), unit: Some(unit.to_string()), required }
}

fn task(
    template: &str,
    title: &str,
    unit: (&str, &str),
    starts_at: DateTime<Tz>,
    due_at: DateTime<Tz>,
    figures: Vec<FigureLine>,
) -> DigestTask {
    DigestTask {
        id: format!("spring-festival/2027/{template}/{}", unit.0),
        title: title.to_string(),
        unit_id: unit.0.to_string(),
        unit_name: unit.1.to_string(),
        starts_at,
        due_at,
        figures,
    }
}

impl Digest {
    /// A realistic digest of `kind` in `locale` (Spring Festival 2027, Asia/Shanghai), for
    /// previews and tests. Never reads the clock.
    pub fn sample(kind: MailKind, locale: Locale) -> Digest {
        let w = match locale {
            Locale::ZhCn => &ZH,
            Locale::En => &EN,
        };
        let community = |i: usize| (COMMUNITY_IDS[i], w.communities[i]);
        let publicity = |i: usize| {
            task(
                "publicity",
                w.publicity,
                community(i),
                at(1, 24, 9, 0),
                at(2, 3, 17, 30),
                vec![
                    figure("banners", w.banners, true),
                    figure("letters", w.letters, true),
                    figure("posts", w.posts, false),
                ],
            )
        };
        let visits = |i: usize| {
            task(
                "household-visits",
                w.visits,
                community(i),
                at(1, 30, 9, 0),
                at(2, 21, 17, 30),
                vec![figure("visited", w.visited, true), figure("registered", w.registered, true)],
            )
        };
        let recipient = |id: &str, name: &str, email: &str| Recipient {
            unit_id: id.to_string(),
            unit_name: name.to_string(),
            email: email.to_string(),
        };
        let community_1 = recipient(COMMUNITY_IDS[0], w.communities[0], "jf1@shili.example.gov.cn");

        let (recipient, moment, tasks) = match kind {
            MailKind::Assigned => (community_1, at(1, 24, 9, 0), vec![publicity(0), visits(0)]),
            MailKind::Reminder => (community_1, at(1, 31, 17, 30), vec![publicity(0)]),
            MailKind::Overdue => (community_1, at(2, 4, 9, 0), vec![publicity(0)]),
            MailKind::Escalation => (
                recipient(STREET_IDS[0], w.streets[0], "jiefang@shili.example.gov.cn"),
                at(2, 5, 17, 30),
                vec![publicity(0), publicity(2)],
            ),
            MailKind::RunOpened => {
                let district = ("district-org", w.district);
                let mut tasks = vec![
                    task("kickoff", w.kickoff, district, at(1, 16, 9, 0), at(1, 19, 17, 30), Vec::new()),
                    task("work-plan", w.work_plan, district, at(1, 16, 9, 0), at(1, 21, 17, 30), Vec::new()),
                ];
                for (id, name) in STREET_IDS.into_iter().zip(w.streets) {
                    let (starts, due) = (at(1, 16, 9, 0), at(1, 24, 17, 30));
                    tasks.push(task("street-deployment", w.street_deployment, (id, name), starts, due, Vec::new()));
                }
                tasks.extend((0..COMMUNITY_IDS.len()).map(publicity));
                tasks.extend((0..COMMUNITY_IDS.len()).map(visits));
                (recipient("district-org", w.district, "zzb@shili.example.gov.cn"), at(1, 16, 9, 0), tasks)
            }
        };
        let (run_opens_at, run_closes_at) = match kind {
            MailKind::RunOpened => (Some(at(1, 16, 9, 0)), Some(at(3, 8, 17, 30))),
            _ => (None, None),
        };
        Digest {
            kind,
            locale,
            campaign_id: "spring-festival".to_string(),
            campaign_name: w.campaign.to_string(),
            run_key: "2027".to_string(),
            recipient,
            moment,
            run_opens_at,
            run_closes_at,
            tasks,
        }
    }
}
