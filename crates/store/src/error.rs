//! Errors of the store, each one line, worded in English (`Display`) or either language
//! ([`StoreError::message`]) so that any front end — the command line, the web — says the same.

use campaign::Lang;

use crate::cause;

/// Why a store operation failed. Nothing was written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {detail}")]
    Open { url: String, detail: String },
    #[error(
        "the database {url} is locked by {} (busy for more than {seconds} s); try again",
        holder_text(holders, Lang::En)
    )]
    Locked { url: String, seconds: u64, holders: Vec<u32> },
    #[error("the database {url} cannot be written: {detail}")]
    ReadOnly { url: String, detail: String },
    #[error(
        "the disk holding the database {url} is full ({detail}); free some space: guiyan carries on once it can write"
    )]
    DiskFull { url: String, detail: String },
    #[error(
        "the database {url} has schema version {found}, newer than this guiyan understands (latest {known}); upgrade guiyan"
    )]
    SchemaNewer { url: String, found: String, known: String },
    #[error(
        "the database {url} lacks {pending} migration(s) of this guiyan (first: {first}); a dry run changes nothing, \
         so run `guiyan db migrate` first"
    )]
    SchemaBehind { url: String, pending: usize, first: String },
    #[error(
        "no task `{0}`; task ids look like campaign/run/template/unit, e.g. spring-festival/2027/publicity/jiefang-1"
    )]
    NoSuchTask(String),
    #[error("task `{task}` is {state}; {action} needs {needs}")]
    WrongState { task: String, state: String, action: &'static str, needs: &'static str },
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Figures(Vec<FigureProblem>),
    #[error("database error: {0}")]
    Database(String),
    #[error("the database holds {what}, which this guiyan does not understand; was it written by a newer guiyan?")]
    Corrupt { what: String },
    #[error(transparent)]
    Registry(#[from] crate::registry::RegistryError),
}

impl StoreError {
    /// Classifies a database error: locks, a full disk and read-only files get their own message,
    /// naming the process that holds a lock where the system says.
    pub(crate) fn from_db(url: &str, err: sea_orm::DbErr) -> StoreError {
        let found = cause::classify(url, &err);
        match found {
            cause::Cause::Locked { holders } => {
                StoreError::Locked { url: redact(url), seconds: crate::connect::BUSY_TIMEOUT.as_secs(), holders }
            }
            cause::Cause::ReadOnly(detail) => StoreError::ReadOnly { url: redact(url), detail },
            cause::Cause::DiskFull(detail) => StoreError::DiskFull { url: redact(url), detail },
            cause::Cause::Other(detail) => StoreError::Database(detail),
        }
    }

    /// Whether the error is the database's state rather than the request: busy, full, read-only,
    /// unreachable. Waiting and trying again may succeed; nothing about the request is wrong.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Locked { .. } | StoreError::DiskFull { .. } | StoreError::Database(_))
    }

    /// The message in `lang`, one line.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            StoreError::Open { url, detail } => format!("无法打开数据库 {url}：{detail}"),
            StoreError::Locked { url, seconds, holders } => {
                format!("数据库 {url} 正被{}占用（等待超过 {seconds} 秒），请稍后重试", holder_text(holders, Lang::Zh))
            }
            StoreError::ReadOnly { url, detail } => format!("数据库 {url} 无法写入：{detail}"),
            StoreError::DiskFull { url, detail } => {
                format!("数据库 {url} 所在磁盘已满（{detail}）；请清理磁盘空间，腾出空间后 guiyan 会自动继续")
            }
            StoreError::SchemaNewer { url, found, known } => {
                format!("数据库 {url} 的结构版本 {found} 比本程序支持的 {known} 更新，请升级 guiyan")
            }
            StoreError::SchemaBehind { url, pending, first } => format!(
                "数据库 {url} 尚缺本程序的 {pending} 个结构迁移（第一个：{first}）；预演不改动数据库，请先运行 guiyan db migrate"
            ),
            StoreError::NoSuchTask(id) => {
                format!(
                    "没有任务 `{id}`；任务标识形如 工作/期/任务/单位，例如 spring-festival/2027/publicity/jiefang-1"
                )
            }
            StoreError::WrongState { task, state, action, .. } => {
                format!("任务 `{task}` 的状态为 {state}，不能执行 {action}")
            }
            StoreError::Figures(problems) => {
                let lines: Vec<String> = problems.iter().map(|p| p.message(Lang::Zh)).collect();
                format!("数据项有误：{}", lines.join("；"))
            }
            StoreError::Database(detail) => format!("数据库错误：{detail}"),
            StoreError::Corrupt { what } => {
                format!("数据库中有本程序无法识别的内容：{what}；是否由更新版本的 guiyan 写入？")
            }
            StoreError::Registry(e) => e.message(lang),
        }
    }
}

/// Who holds a lock: `process 123`, `processes 123, 456`, or `another process` when unknown; this
/// process itself is marked.
fn holder_text(holders: &[u32], lang: Lang) -> String {
    let own = std::process::id();
    let pids = holders
        .iter()
        .map(|pid| match (*pid == own, lang) {
            (false, _) => pid.to_string(),
            (true, Lang::En) => format!("{pid} (this process)"),
            (true, Lang::Zh) => format!("{pid}（本进程）"),
        })
        .collect::<Vec<_>>();
    match (holders.len(), lang) {
        (0, Lang::En) => "another process".to_string(),
        (1, Lang::En) => format!("process {}", pids[0]),
        (_, Lang::En) => format!("processes {}", pids.join(", ")),
        (0, Lang::Zh) => "其他进程".to_string(),
        (_, Lang::Zh) => format!("进程 {}", pids.join("、")),
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// One problem with the figures reported for a task.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FigureProblem {
    #[error("unknown figure `{key}`; {}", if expected.is_empty() { "this task takes no figures".to_string() } else { format!("expected one of: {}", expected.join(", ")) })]
    Unknown { key: String, expected: Vec<String> },
    #[error("figure `{key}` given twice")]
    Twice { key: String },
    #[error("figure `{key}` ({label}) is `{value}`; expected {}", if *.decimal { "a non-negative number" } else { "a non-negative whole number" })]
    Invalid { key: String, label: String, value: String, decimal: bool },
    #[error("missing required figure `{key}` ({label}); give --figure {key}=N")]
    Missing { key: String, label: String },
    #[error("figure `{key}` ({label}) is `{value}`, more than the most a unit may report (1,000,000,000)")]
    TooLarge { key: String, label: String, value: String },
    #[error("figure `{key}` ({label}) is {value}, more than the register holds: {registered} ({}); enter the persons in the talent register (人才名册) first, or correct the figure", count.describe(Lang::En))]
    MoreThanRegistered { key: String, label: String, value: u64, registered: u64, count: campaign::RegisterCount },
}

impl FigureProblem {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            FigureProblem::Unknown { key, expected } if expected.is_empty() => {
                format!("未知的数据项 `{key}`，该任务无需报送数据")
            }
            FigureProblem::Unknown { key, expected } => {
                format!("未知的数据项 `{key}`，应为以下之一：{}", expected.join("、"))
            }
            FigureProblem::Twice { key } => format!("数据项 `{key}` 重复填写"),
            FigureProblem::Invalid { key, label, value, decimal } => {
                format!("数据项 `{key}`（{label}）为 `{value}`，应为{}", if *decimal { "非负数" } else { "非负整数" })
            }
            FigureProblem::Missing { key, label } => {
                format!("缺少必填数据项 `{key}`（{label}），请加 --figure {key}=N")
            }
            FigureProblem::TooLarge { key, label, value } => {
                format!("数据项 `{key}`（{label}）为 `{value}`，超过可报送的上限（1,000,000,000）")
            }
            FigureProblem::MoreThanRegistered { key, label, value, registered, count } => format!(
                "数据项 `{key}`（{label}）填报 {value}，多于人才名册中的 {registered}（{}）；请先在人才名册登记，或改正数字",
                count.describe(Lang::Zh)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://guiyan.db"), "sqlite://guiyan.db");
    }

    #[test]
    fn a_lock_names_its_holders_when_known() {
        let locked = |holders: Vec<u32>| StoreError::Locked { url: "sqlite://g.db".into(), seconds: 5, holders };
        assert_eq!(
            locked(vec![]).to_string(),
            "the database sqlite://g.db is locked by another process (busy for more than 5 s); try again"
        );
        assert!(locked(vec![42]).to_string().contains("locked by process 42 (busy"));
        assert!(locked(vec![42, 7]).message(Lang::Zh).contains("正被进程 42、7占用"));
    }
}
