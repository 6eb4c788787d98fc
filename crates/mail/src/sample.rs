//! Sample digests of every kind, modelled on the bundled Spring Festival 2027 campaign (and a
//! Qingming run for the missed one): templates are test-rendered against them at load, and they
//! make previews and snapshot tests.

use campaign::Locale;
use chrono::DateTime;
use chrono_tz::{Asia::Shanghai, Tz};
use plan::NoticeKind;

use crate::digest::{Digest, DigestTask, FigureLine, Recipient, Section};

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
    qingming: &'static str,
    district: &'static str,
    streets: [&'static str; 3],
    communities: [&'static str; 9],
    kickoff: &'static str,
    work_plan: &'static str,
    street_deployment: &'static str,
    publicity: &'static str,
    visits: &'static str,
    family_visits: &'static str,
    talks: &'static str,
    supervision: &'static str,
    follow_up: &'static str,
    inspection: &'static str,
    banners: (&'static str, &'static str),
    letters: (&'static str, &'static str),
    posts: (&'static str, &'static str),
    visited: (&'static str, &'static str),
    registered: (&'static str, &'static str),
    sessions: (&'static str, &'static str),
    attendees: (&'static str, &'static str),
    inspected: (&'static str, &'static str),
}

const ZH: Words = Words {
    campaign: "春节期间乡土人才联络和回归工作",
    qingming: "清明节期间乡土人才联络工作",
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
    family_visits: "走访慰问返乡乡土人才及其家属",
    talks: "举办恳谈会、茶话会",
    supervision: "督导检查所辖社区宣传发动情况",
    follow_up: "跟进有返乡创业、就业意愿人员，推荐纳入后备干部库",
    inspection: "开展“逐社观摩、整街推进、全面提升”活动",
    banners: ("悬挂宣传横幅", "条"),
    letters: ("张贴公开信", "封"),
    posts: ("新媒体推送", "条"),
    visited: ("走访返乡人员", "人"),
    registered: ("乡土人才入库", "人"),
    sessions: ("恳谈会", "场次"),
    attendees: ("覆盖返乡人员", "人"),
    inspected: ("督导检查社区", "个"),
};

const EN: Words = Words {
    campaign: "Spring Festival outreach to local talent",
    qingming: "Qingming outreach to local talent",
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
    family_visits: "Visit returning local talent and their families",
    talks: "Hold informal talks and tea gatherings",
    supervision: "Inspect the communities' publicity work",
    follow_up: "Follow up on residents who wish to return, recommend candidates for the reserve cadre pool",
    inspection: "Hold the community-by-community inspection and improvement drive",
    banners: ("Banners hung", "banners"),
    letters: ("Open letters posted", "letters"),
    posts: ("Social media posts", "posts"),
    visited: ("Returning residents visited", "people"),
    registered: ("Local talent registered", "people"),
    sessions: ("Talks held", "sessions"),
    attendees: ("Returning residents reached", "people"),
    inspected: ("Communities inspected", "communities"),
};

const STREET_IDS: [&str; 3] = ["jiefang", "renmin", "binhe"];
const COMMUNITY_IDS: [&str; 9] =
    ["jiefang-1", "jiefang-2", "jiefang-3", "renmin-1", "renmin-2", "renmin-3", "binhe-1", "binhe-2", "binhe-3"];
const DISTRICT_ID: &str = "district-org";

fn figure(key: &str, (label, unit): (&str, &str), required: bool) -> FigureLine {
    FigureLine {
        key: key.to_string(),
        label: label.to_string(),
        unit: Some(unit.to_string()),
        required,
        counted: false,
    }
}

fn recipient(id: &str, name: &str, email: &str) -> Recipient {
    Recipient { unit_id: id.to_string(), unit_name: name.to_string(), email: email.to_string() }
}

/// The Spring Festival 2027 run in one language: its units and tasks.
struct Samples {
    w: &'static Words,
}

impl Samples {
    fn new(locale: Locale) -> Samples {
        Samples {
            w: match locale {
                Locale::ZhCn => &ZH,
                Locale::En => &EN,
            },
        }
    }

    fn community(&self, i: usize) -> (&'static str, &'static str) {
        (COMMUNITY_IDS[i], self.w.communities[i])
    }

    fn street(&self, i: usize) -> (&'static str, &'static str) {
        (STREET_IDS[i], self.w.streets[i])
    }

    fn district(&self) -> (&'static str, &'static str) {
        (DISTRICT_ID, self.w.district)
    }

    fn task(
        &self,
        template: &str,
        title: &str,
        unit: (&str, &str),
        (starts_at, due_at): (DateTime<Tz>, DateTime<Tz>),
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

    fn kickoff(&self) -> DigestTask {
        self.task("kickoff", self.w.kickoff, self.district(), (at(1, 16, 9, 0), at(1, 19, 17, 30)), Vec::new())
    }

    fn work_plan(&self) -> DigestTask {
        self.task("work-plan", self.w.work_plan, self.district(), (at(1, 16, 9, 0), at(1, 21, 17, 30)), Vec::new())
    }

    fn street_deployment(&self, street: usize) -> DigestTask {
        let window = (at(1, 16, 9, 0), at(1, 24, 17, 30));
        self.task("street-deployment", self.w.street_deployment, self.street(street), window, Vec::new())
    }

    fn publicity(&self, community: usize) -> DigestTask {
        let w = self.w;
        let figures = vec![
            figure("banners", w.banners, true),
            figure("letters", w.letters, true),
            figure("posts", w.posts, false),
        ];
        self.task("publicity", w.publicity, self.community(community), (at(1, 24, 9, 0), at(2, 3, 17, 30)), figures)
    }

    fn visits(&self, community: usize) -> DigestTask {
        let w = self.w;
        let figures = vec![figure("visited", w.visited, true), figure("registered", w.registered, true)];
        let window = (at(1, 30, 9, 0), at(2, 21, 17, 30));
        self.task("household-visits", w.visits, self.community(community), window, figures)
    }

    fn family_visits(&self, community: usize) -> DigestTask {
        let window = (at(1, 30, 9, 0), at(2, 16, 17, 30));
        self.task("family-visits", self.w.family_visits, self.community(community), window, Vec::new())
    }

    fn follow_up(&self, community: usize) -> DigestTask {
        let window = (at(2, 21, 17, 30), at(3, 1, 17, 30));
        self.task("follow-up", self.w.follow_up, self.community(community), window, Vec::new())
    }

    fn inspection(&self, street: usize) -> DigestTask {
        let window = (at(3, 1, 17, 30), at(3, 8, 17, 30));
        self.task("inspection", self.w.inspection, self.street(street), window, Vec::new())
    }

    /// A street office's task that opened late, after its due time had passed.
    fn supervision(&self, street: usize) -> DigestTask {
        let figures = vec![figure("inspected", self.w.inspected, true)];
        self.task("supervision", self.w.supervision, self.street(street), (at(1, 25, 9, 0), at(2, 1, 17, 30)), figures)
    }

    fn talks(&self, street: usize) -> DigestTask {
        let w = self.w;
        let figures = vec![figure("sessions", w.sessions, true), figure("attendees", w.attendees, false)];
        self.task("talks", w.talks, self.street(street), (at(2, 3, 9, 0), at(2, 18, 17, 30)), figures)
    }

    /// A section of the Spring Festival 2027 run; only the run notices carry its window.
    fn section(&self, kind: NoticeKind, tasks: Vec<DigestTask>) -> Section {
        let window = matches!(kind, NoticeKind::RunOpened | NoticeKind::RunClosed | NoticeKind::RunMissed);
        Section {
            kind,
            campaign_id: "spring-festival".to_string(),
            campaign_name: self.w.campaign.to_string(),
            run_key: "2027".to_string(),
            run_opens_at: window.then(|| at(1, 16, 9, 0)),
            run_closes_at: window.then(|| at(3, 8, 17, 30)),
            tasks,
        }
    }

    fn community_1(&self) -> Recipient {
        recipient(COMMUNITY_IDS[0], self.w.communities[0], "jf1@shili.example.gov.cn")
    }

    fn street_office(&self) -> Recipient {
        recipient(STREET_IDS[0], self.w.streets[0], "jiefang@shili.example.gov.cn")
    }

    fn owner(&self) -> Recipient {
        recipient(DISTRICT_ID, self.w.district, "zzb@shili.example.gov.cn")
    }
}

/// The signed portal link the samples carry (a link's shape, signed by no secret).
pub const SAMPLE_LINK: &str = "https://guiyan.example.gov.cn/l/AQEDgKbmywcBamllZmFuZy0xVGhpc0lzQVNhbXBsZVRhZw";

impl Digest {
    /// A realistic one-section digest of `kind` in `locale` (Spring Festival 2027, Asia/Shanghai;
    /// Qingming 2027 for [`NoticeKind::RunMissed`]), for previews and tests. Never reads the clock.
    pub fn sample(kind: NoticeKind, locale: Locale) -> Digest {
        let s = Samples::new(locale);
        let (recipient, moment, section) = match kind {
            NoticeKind::Assigned => {
                (s.community_1(), at(1, 24, 9, 0), s.section(kind, vec![s.publicity(0), s.visits(0)]))
            }
            NoticeKind::Reminder => (s.community_1(), at(1, 31, 17, 30), s.section(kind, vec![s.publicity(0)])),
            NoticeKind::Overdue => (s.community_1(), at(2, 4, 9, 0), s.section(kind, vec![s.publicity(0)])),
            NoticeKind::Escalation => {
                (s.street_office(), at(2, 5, 17, 30), s.section(kind, vec![s.publicity(0), s.publicity(2)]))
            }
            NoticeKind::RunOpened => {
                let mut tasks = vec![s.kickoff(), s.work_plan()];
                tasks.extend((0..STREET_IDS.len()).map(|i| s.street_deployment(i)));
                tasks.extend((0..COMMUNITY_IDS.len()).map(|i| s.publicity(i)));
                tasks.extend((0..COMMUNITY_IDS.len()).map(|i| s.visits(i)));
                (s.owner(), at(1, 16, 9, 0), s.section(kind, tasks))
            }
            NoticeKind::RunClosed => {
                // The engine was stopped before the run closed on 8 March and started again the
                // next morning: a dozen tasks of seven units were left unfinished.
                let tasks = vec![
                    s.inspection(0),
                    s.inspection(2),
                    s.family_visits(1),
                    s.visits(1),
                    s.follow_up(1),
                    s.follow_up(3),
                    s.family_visits(5),
                    s.follow_up(5),
                    s.follow_up(6),
                    s.family_visits(7),
                    s.visits(7),
                    s.follow_up(7),
                ];
                (s.owner(), at(3, 9, 9, 0), s.section(kind, tasks))
            }
            NoticeKind::RunMissed => {
                // Qingming 2027 (5 April): the run was to open ten days before and close seven
                // days after; the engine was not running from before the opening until 19 April.
                let section = Section {
                    kind,
                    campaign_id: "qingming".to_string(),
                    campaign_name: s.w.qingming.to_string(),
                    run_key: "2027".to_string(),
                    run_opens_at: Some(at(3, 26, 9, 0)),
                    run_closes_at: Some(at(4, 12, 17, 30)),
                    tasks: Vec::new(),
                };
                (s.owner(), at(4, 19, 9, 0), section)
            }
        };
        Digest { locale, recipient, moment, sections: vec![section], portal_link: Some(SAMPLE_LINK.to_string()) }
    }

    /// A realistic digest of several sections in `locale`: a street office told at once of the
    /// overdue work of two of its communities (督办), of its own overdue task and of two new tasks,
    /// one of which opened after its due time had passed. Never reads the clock.
    pub fn sample_combined(locale: Locale) -> Digest {
        let s = Samples::new(locale);
        Digest {
            locale,
            recipient: s.street_office(),
            moment: at(2, 5, 17, 30),
            sections: vec![
                s.section(NoticeKind::Escalation, vec![s.publicity(0), s.publicity(2)]),
                s.section(NoticeKind::Overdue, vec![s.street_deployment(0)]),
                s.section(NoticeKind::Assigned, vec![s.supervision(0), s.talks(0)]),
            ],
            portal_link: Some(SAMPLE_LINK.to_string()),
        }
    }
}
