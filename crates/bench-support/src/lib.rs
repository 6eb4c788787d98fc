//! What the benches of `plan`, `store` and `engine` share: finding and running the tools they
//! compare against (sqlite3, psql, pgbench, Postfix's smtp-sink), the databases and the command-line
//! filters, PostgreSQL URLs, the generated unit directory and large campaign, the load average and
//! medians. A dev-dependency only: nothing here ships.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The PostgreSQL server to use (an admin URL), as for the tests; `scripts/bench-*` set it.
pub const POSTGRES_URL_VAR: &str = "GUIYAN_TEST_POSTGRES_URL";

/// The two databases a bench measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

impl Db {
    pub const ALL: [Db; 2] = [Db::Sqlite, Db::Postgres];
    /// The names that select them on a bench's command line.
    pub const NAMES: [&'static str; 2] = ["sqlite", "postgres"];

    pub fn name(self) -> &'static str {
        Db::NAMES[self as usize]
    }

    /// The database a name selects; panics on any other name.
    pub fn parse(name: &str) -> Db {
        Db::ALL.into_iter().find(|d| d.name() == name).unwrap_or_else(|| panic!("unknown database {name}"))
    }
}

/// A bench's arguments after the program name, or `None` when `cargo test --benches` runs the
/// binary (without `--bench`) and there is nothing to do.
pub fn bench_args() -> Option<Vec<String>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    args.iter().any(|a| a == "--bench").then_some(args)
}

/// The words of a bench's command line that choose what it measures, each of one kind (databases,
/// sizes, parts); a kind none of whose words is given is chosen whole.
pub struct Filters {
    words: Vec<String>,
}

impl Filters {
    /// The arguments not starting with `-`; panics on a word of no kind, listing the kinds.
    pub fn parse(args: &[String], kinds: &[&[&str]]) -> Filters {
        let words: Vec<String> = args.iter().filter(|a| !a.starts_with('-')).cloned().collect();
        if let Some(unknown) = words.iter().find(|w| !kinds.iter().any(|k| k.contains(&w.as_str()))) {
            panic!("unknown filter {unknown}: expected any of {kinds:?}");
        }
        Filters { words }
    }

    /// Whether `name`, one of `kind`, is measured.
    pub fn chosen(&self, name: &str, kind: &[&str]) -> bool {
        let given = |n: &str| self.words.iter().any(|w| w == n);
        given(name) || !kind.iter().any(|n| given(n))
    }

    /// The databases chosen.
    pub fn databases(&self) -> Vec<Db> {
        Db::ALL.into_iter().filter(|d| self.chosen(d.name(), &Db::NAMES)).collect()
    }
}

/// The PostgreSQL admin URL from `POSTGRES_URL_VAR`, empty when unset; panics naming `script`
/// when it is `needed` and unset.
pub fn postgres_admin(needed: bool, script: &str) -> String {
    let admin = std::env::var(POSTGRES_URL_VAR).unwrap_or_default();
    if needed && admin.is_empty() {
        panic!(
            "{POSTGRES_URL_VAR} is not set: run {script}, or \
             `export {POSTGRES_URL_VAR}=\"$(scripts/postgres.sh)\"` first"
        );
    }
    admin
}

/// A program on PATH, in /usr/sbin (Postfix's), or among the newest PostgreSQL server binaries
/// (`pgbench`, `initdb`); panics naming the script that installs it.
pub fn tool(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(std::iter::once(PathBuf::from("/usr/sbin")))
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    let server = || {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin").join(name))
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        found.pop()
    };
    on_path.or_else(server).unwrap_or_else(|| {
        panic!(
            "`{name}` not found: run the bench through scripts/bench-store or scripts/bench-engine (they install it)"
        )
    })
}

/// Runs a command to completion, `stdin` written to it; panics with its error output on failure;
/// returns its standard output.
pub fn run(cmd: &mut Command, stdin: Option<&str>) -> String {
    finish(cmd, stdin, Stdio::piped(), false)
}

/// `run` for a command that must also stay silent: anything on its error output is a failure
/// (a warning from `sqlite3` or `psql` would otherwise go unseen in a bench's setup).
pub fn run_quiet(cmd: &mut Command, stdin: Option<&str>) -> String {
    finish(cmd, stdin, Stdio::piped(), true)
}

/// Runs a bench's own child process, its error output (progress lines) passed through to ours;
/// panics on failure; returns its standard output.
pub fn run_child(cmd: &mut Command) -> String {
    finish(cmd, None, Stdio::inherit(), false)
}

fn finish(cmd: &mut Command, stdin: Option<&str>, stderr: Stdio, quiet: bool) -> String {
    let mut child = cmd
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    if let Some(text) = stdin {
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?} failed ({}):\n{stderr}", out.status);
    assert!(!quiet || stderr.trim().is_empty(), "{cmd:?} wrote to its error output:\n{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The server's admin URL with another database name (its query string kept).
pub fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = admin.split_once('?').map_or((admin, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let slash = base[authority_end..].find('/').map_or(base.len(), |i| authority_end + i);
    let mut url = format!("{}/{name}", &base[..slash]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// The 1-, 5- and 15-minute load averages, to print beside a measurement.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The median (the mean of the middle two for an even count; NaN for none).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The benches' unit directory (`units.yaml`): a district, `streets` street offices of
/// `communities` communities each, and a leadership group.
pub fn directory_yaml(streets: usize, communities: usize) -> String {
    let mut y = String::with_capacity(streets * communities * 120);
    y.push_str("levels: [district, street, community]\nunits:\n");
    y.push_str("  - id: district-org\n    name: 示例区委组织部\n    level: district\n");
    y.push_str("    email: zzb@shili.example.gov.cn\n    children:\n");
    for s in 1..=streets {
        let _ = write!(
            y,
            "      - id: street-{s:03}\n        name: 第{s}街道办事处\n        level: street\n        \
             email: street-{s:03}@shili.example.gov.cn\n        children:\n"
        );
        for c in 1..=communities {
            let _ = writeln!(
                y,
                "          - {{ id: street-{s:03}-{c:02}, name: 第{s}街道第{c}社区, level: community, \
                 email: s{s:03}c{c:02}@shili.example.gov.cn }}"
            );
        }
    }
    y.push_str("groups:\n  leadership:\n    - { name: 区委书记, email: shuji@shili.example.gov.cn }\n");
    y
}

/// How many times the five community templates of spring-festival appear in the large variant.
pub const GROUPS: usize = 6;

/// The spring-festival campaign up to its community templates (same dates, defaults, district and
/// street templates), under another id.
const VARIANT_HEAD: &str = r#"id: spring-festival-x30
name: 春节期间乡土人才联络和回归工作（30项社区任务）
owner: district-org
timezone: Asia/Shanghai
directory: units.yaml
recurrence:
  anchor: spring-festival
  opens: -21d
  closes: +30d
defaults:
  due_time: "17:30"
  reminders: [-3d, -1d]
  escalate:
    after: 2d
    to: parent
tasks:
  - id: kickoff
    kind: meeting
    title: 召开乡土人才联络和回归工作推进会
    assignee: district-org
    due: open+3d
  - id: work-plan
    kind: document
    title: 制定并印发工作方案和《致全区在外工作乡亲的一封信》
    assignee: district-org
    after: [kickoff]
    due: open+5d
  - id: street-deployment
    kind: meeting
    title: 街道党工委召开推进会议,动员部署
    assignees: { level: street }
    after: [work-plan]
    due: open+8d
  - id: talks
    kind: forum
    title: 举办恳谈会、茶话会
    assignees: { level: street }
    starts: anchor-3d
    due: anchor+12d
    figures:
      sessions:  { label: 恳谈会, unit: 场次 }
      attendees: { label: 覆盖返乡人员, unit: 人 }
"#;

/// The five community templates of spring-festival, with `-{k}` ids (dependencies kept in-group).
const COMMUNITY_TEMPLATES: &str = r#"  - id: publicity-{k}
    kind: publicity
    title: 悬挂横幅、张贴家书,利用LED屏、微信公众号、微信群宣传（{k}）
    assignees: { level: community }
    after: [street-deployment]
    due: anchor-3d
    figures:
      banners: { label: 悬挂宣传横幅, unit: 条 }
      letters: { label: 张贴公开信, unit: 封 }
      posts:   { label: 新媒体推送, unit: 条, required: false }
  - id: household-visits-{k}
    kind: visit
    title: 入户走访,摸排返乡人员,登记造册、建档入库（{k}）
    assignees: { level: community }
    after: [street-deployment]
    starts: anchor-7d
    due: anchor+15d
    reminders: [-5d, -1d]
    figures:
      visited:    { label: 走访返乡人员, unit: 人 }
      phoned:     { label: 电话联系外出未返乡人员, unit: 人 }
      registered: { label: 乡土人才入库, unit: 人 }
  - id: lectures-{k}
    kind: forum
    title: 开展"双向讲习"活动（{k}）
    assignees: { level: community }
    starts: anchor-3d
    due: anchor+12d
    figures:
      sessions:  { label: 讲习活动, unit: 场次 }
      attendees: { label: 覆盖返乡人员, unit: 人 }
  - id: family-visits-{k}
    kind: visit
    title: 走访慰问返乡乡土人才及其家属（{k}）
    assignees: { level: community }
    starts: anchor-7d
    due: anchor+10d
    figures:
      families: { label: 走访慰问, unit: 户 }
  - id: follow-up-{k}
    kind: follow-up
    title: 跟进有返乡创业、就业意愿人员,推荐纳入后备干部库（{k}）
    assignees: { level: community }
    after: [household-visits-{k}]
    due: close-7d
    figures:
      willing:  { label: 有返乡创业意愿, unit: 人 }
      reserve:  { label: 纳入后备干部库, unit: 人 }
"#;

const VARIANT_TAIL: &str = r#"reports:
  - id: weekly
    title: 乡土人才联络和回归工作进展周报
    schedule: "0 9 * * Mon"
    to: [leadership, district-org]
    template: progress
  - id: final
    title: 春节期间开展乡土人才联络和回归工作情况报告
    at: close
    to: [leadership]
    template: work-report
"#;

/// The benches' large campaign, `spring-festival-x30`: spring-festival with its 5 community
/// templates repeated 6 times: 30 × 10,000 community tasks, plus the 2 district and 3 × 500 street
/// tasks; `inspection` waits for every group's follow-up.
pub fn spring_festival_x30_yaml() -> String {
    let mut y = String::from(VARIANT_HEAD);
    for k in 1..=GROUPS {
        y.push_str(&COMMUNITY_TEMPLATES.replace("{k}", &k.to_string()));
    }
    let follow_ups: Vec<String> = (1..=GROUPS).map(|k| format!("follow-up-{k}")).collect();
    let _ = write!(
        y,
        "  - id: inspection\n    kind: inspection\n    title: 开展\"逐社观摩、整街推进、全面提升\"活动\n    \
         assignees: {{ level: street }}\n    after: [{}]\n    due: close\n",
        follow_ups.join(", ")
    );
    y.push_str(VARIANT_TAIL);
    y
}

/// The headers of the benches' 排查统计表, in the order [`PersonCells::cells`] gives them.
pub const PERSON_HEADERS: [&str; 13] = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "身份证号",
    "联系电话",
    "家庭住址",
    "工作单位",
    "工作地点",
    "人才类别",
    "学历",
    "专业特长",
    "返乡意愿",
];

/// One generated row of the registry's import sheet, as an office types it: every field valid,
/// the ID number's check character right and its birth date and sex agreeing with 出生年月 and
/// 性别. Persons `0..10_000_000` have distinct ID numbers and mobiles.
#[derive(Clone, Debug)]
pub struct PersonCells {
    pub name: String,
    pub gender: &'static str,
    pub birth: String,
    pub id_number: String,
    pub mobile: String,
    pub address: String,
    pub employer: String,
    pub work_place: &'static str,
    pub category: &'static str,
    pub education: &'static str,
    pub specialty: &'static str,
    pub intent: &'static str,
}

const SURNAMES: [&str; 40] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡",
];
const GIVEN: [&str; 50] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂", "英", "华", "玉", "建", "国", "文", "辉", "红", "鹏", "飞", "春", "海", "波", "宁", "浩", "宇",
    "婷", "雪", "琳", "晨", "阳", "佳", "欣", "思", "嘉", "子", "俊", "峰",
];

/// GB 11643-1999's check character of 17 digits.
pub fn id_check_character(body: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    CHECK[(sum % 11) as usize]
}

/// Person `i` of the benches.
pub fn person_cells(i: usize) -> PersonCells {
    // Born on one of 3,650 days from 1965-01-01, a thousand persons a day (the sequence number's
    // last digit is the sex: odd for men).
    let day = (i / 1000) % 3650;
    let seq = i % 1000;
    let (y, m, d) = civil_from_days(days_from_civil(1965, 1, 1) + day as i64);
    // Ten thousand persons born on the same day would repeat an ID number: the region code
    // changes every 3,650,000.
    let region = 370102 + (i / 3_650_000) as u32;
    let body = format!("{region}{y:04}{m:02}{d:02}{seq:03}");
    let id_number = format!("{body}{}", id_check_character(&body));
    let name = format!("{}{}{}", SURNAMES[i % 40], GIVEN[(i / 40) % 50], GIVEN[(i / 2000) % 50]);
    const CATEGORIES: [&str; 4] = ["外出务工经商人员", "专业技术人员", "大中专毕业生", "机关企事业单位离退休人员"];
    const EDUCATION: [&str; 4] = ["高中", "大专", "本科", "研究生"];
    const INTENT: [&str; 4] = ["创业", "就业", "暂无", "未知"];
    PersonCells {
        name,
        gender: if seq % 2 == 1 { "男" } else { "女" },
        birth: format!("{y}.{m:02}"),
        id_number,
        mobile: format!("13{}{:08}", 8 - (i / 100_000_000) % 6, i % 100_000_000),
        address: format!(
            "山东省济南市历下区解放路街道解放路第{}社区{}号楼{}单元{}",
            i % 20 + 1,
            i % 37 + 1,
            i % 4 + 1,
            101 + i % 600
        ),
        employer: format!("深圳市第{}电子科技有限公司", i % 500 + 1),
        work_place: "广东省深圳市",
        category: CATEGORIES[i % 4],
        education: EDUCATION[(i / 4) % 4],
        specialty: "电子商务",
        intent: INTENT[(i / 16) % 4],
    }
}

impl PersonCells {
    /// The row's cells under [`PERSON_HEADERS`], `row` as its 序号.
    pub fn cells(&self, row: usize) -> [String; 13] {
        [
            row.to_string(),
            self.name.clone(),
            self.gender.to_string(),
            self.birth.clone(),
            self.id_number.clone(),
            self.mobile.clone(),
            self.address.clone(),
            self.employer.clone(),
            self.work_place.to_string(),
            self.category.to_string(),
            self.education.to_string(),
            self.specialty.to_string(),
            self.intent.to_string(),
        ]
    }
}

/// The sheet of persons `first..first + count` as CSV (UTF-8, no quoting needed: no cell holds a
/// comma or a quote). With `units`, a 社区 column gives person `i` the unit `units[i % len]` (a
/// district-wide sheet).
pub fn persons_csv(first: usize, count: usize, units: &[String]) -> String {
    let mut out = String::with_capacity(count * 200);
    out.push_str(&PERSON_HEADERS.join(","));
    if !units.is_empty() {
        out.push_str(",社区");
    }
    out.push('\n');
    for (row, i) in (first..first + count).enumerate() {
        out.push_str(&person_cells(i).cells(row + 1).join(","));
        if !units.is_empty() {
            out.push(',');
            out.push_str(&units[i % units.len()]);
        }
        out.push('\n');
    }
    out
}

/// The community ids of [`directory_yaml`]`(streets, communities)`, in its order.
pub fn community_ids(streets: usize, communities: usize) -> Vec<String> {
    (1..=streets).flat_map(|s| (1..=communities).map(move |c| format!("street-{s:03}-{c:02}"))).collect()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_swaps_only_the_database_name() {
        assert_eq!(with_database("postgres://u@h:5432/postgres", "b1"), "postgres://u@h:5432/b1");
        assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "b1"), "postgres://u@h/b1?sslmode=disable");
        assert_eq!(with_database("postgres://u@h", "b1"), "postgres://u@h/b1");
    }

    #[test]
    fn median_of_odd_even_and_no_values() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn filters_choose_a_whole_kind_when_none_of_its_words_is_given() {
        let sizes = ["300k", "3m"];
        let filters = Filters::parse(&args(&["--bench", "postgres"]), &[&Db::NAMES, &sizes]);
        assert_eq!(filters.databases(), [Db::Postgres]);
        assert!(filters.chosen("300k", &sizes) && filters.chosen("3m", &sizes));
        let filters = Filters::parse(&args(&["3m", "--bench"]), &[&Db::NAMES, &sizes]);
        assert_eq!(filters.databases(), Db::ALL);
        assert!(!filters.chosen("300k", &sizes) && filters.chosen("3m", &sizes));
    }

    #[test]
    #[should_panic(expected = "unknown filter mysql")]
    fn filters_refuse_a_word_of_no_kind() {
        Filters::parse(&args(&["--bench", "mysql"]), &[&Db::NAMES]);
    }

    #[test]
    fn generated_persons_have_distinct_valid_ids_and_mobiles() {
        assert_eq!(id_check_character("11010519491231002"), 'X');
        assert_eq!(civil_from_days(days_from_civil(1968, 2, 29)), (1968, 2, 29));
        let mut ids = std::collections::HashSet::new();
        let mut mobiles = std::collections::HashSet::new();
        for i in (0..1_100_000).step_by(7) {
            let p = person_cells(i);
            assert_eq!(p.id_number.len(), 18);
            assert!(ids.insert(p.id_number) && mobiles.insert(p.mobile), "person {i} repeats");
        }
    }

    #[test]
    fn databases_parse_from_their_names() {
        assert_eq!(Db::ALL.map(|d| Db::parse(d.name())), Db::ALL);
    }
}
