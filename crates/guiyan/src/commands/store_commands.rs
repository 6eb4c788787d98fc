//! Commands that use the database: `db`, `apply`, `status`, `task`. Each opens the store (migrating
//! it), does its work in one transaction and prints the result.

use std::path::PathBuf;

use anyhow::Context;
use calendar::Tz;
use campaign::Lang;
use chrono::{DateTime, Utc};
use plan::TaskState;
use store::{Actor, ApplyReport, MailState, RunChange, Source, Store, StoreError, TaskFilter};

use super::validate::{load_valid, print_diagnostics};
use crate::output::{errln, outln};

/// A store error as an exit code: rejected input is 1, database trouble 2.
pub fn store_exit(err: &StoreError, lang: Lang) -> u8 {
    errln!("guiyan: {}", err.message(lang));
    match err {
        StoreError::NoSuchTask(_) | StoreError::WrongState { .. } | StoreError::Figures(_) => 1,
        StoreError::Registry(store::registry::RegistryError::Vault(_)) => 2,
        StoreError::Registry(_) => 1,
        _ => 2,
    }
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")
}

/// Opens the store (migrating it) and runs `work`; a store error becomes its message and exit code.
pub fn with_store(
    url: &str,
    lang: Lang,
    work: impl AsyncFnOnce(&Store) -> Result<u8, StoreError>,
) -> anyhow::Result<u8> {
    run_store(url, lang, Opening::Migrate, work)
}

/// Like [`with_store`], but without migrating (for `db` commands, which report on the schema).
fn with_connection(
    url: &str,
    lang: Lang,
    work: impl AsyncFnOnce(&Store) -> Result<u8, StoreError>,
) -> anyhow::Result<u8> {
    run_store(url, lang, Opening::Connect, work)
}

/// Like [`with_store`], for commands that only read: a database that cannot be written (a
/// read-only file, a backup on read-only media) is read as it stands.
pub fn with_store_to_read(
    url: &str,
    lang: Lang,
    work: impl AsyncFnOnce(&Store) -> Result<u8, StoreError>,
) -> anyhow::Result<u8> {
    run_store(url, lang, Opening::Read, work)
}

/// How a command opens the database.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// Migrating it first.
    Migrate,
    /// As it is, without migrating.
    Connect,
    /// Migrating it if it can be written; read-only as it is otherwise.
    Read,
}

fn run_store(
    url: &str,
    lang: Lang,
    opening: Opening,
    work: impl AsyncFnOnce(&Store) -> Result<u8, StoreError>,
) -> anyhow::Result<u8> {
    runtime()?.block_on(async {
        let opened = match opening {
            Opening::Migrate => Store::open(url).await,
            Opening::Connect => Store::connect(url).await,
            Opening::Read => Store::open_to_read(url).await,
        };
        let outcome = match opened {
            Ok(store) => {
                let outcome = work(&store).await;
                // Checkpointed, so that the database file alone holds what this command wrote.
                store.close().await;
                outcome
            }
            Err(e) => Err(e),
        };
        Ok(outcome.unwrap_or_else(|e| store_exit(&e, lang)))
    })
}

pub fn actor(by: Option<String>) -> Actor {
    let name = by.or_else(|| std::env::var("USER").ok()).unwrap_or_else(|| "admin".into());
    Actor { name, source: Source::Cli }
}

pub fn local(at: i64, timezone: &str) -> String {
    let tz: Tz = timezone.parse().unwrap_or(Tz::UTC);
    DateTime::<Utc>::from_timestamp(at, 0)
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub fn db_migrate(url: &str, lang: Lang) -> anyhow::Result<u8> {
    with_connection(url, lang, async |store| {
        let applied = store.migrate().await?;
        match (applied.is_empty(), lang) {
            (true, Lang::Zh) => outln!("数据库结构已是最新"),
            (true, Lang::En) => outln!("the schema is up to date"),
            (false, Lang::Zh) => outln!("已执行迁移：{}", applied.join(", ")),
            (false, Lang::En) => outln!("applied: {}", applied.join(", ")),
        }
        Ok(0)
    })
}

pub fn db_status(url: &str, lang: Lang) -> anyhow::Result<u8> {
    with_connection(url, lang, async |store| {
        outln!("{}", store.display_url());
        for m in store.migration_status().await? {
            let state = match (m.applied, lang) {
                (true, Lang::Zh) => "已执行",
                (false, Lang::Zh) => "待执行",
                (true, Lang::En) => "applied",
                (false, Lang::En) => "pending",
            };
            outln!("  {}  {state}", m.name);
        }
        Ok(0)
    })
}

pub fn apply(url: &str, paths: &[PathBuf], now: DateTime<Utc>, dry_run: bool, lang: Lang) -> anyhow::Result<u8> {
    let workflows = match load_valid(paths, lang)? {
        Ok(workflows) => workflows,
        Err(code) => return Ok(code),
    };
    let runs = match engine::runs_to_open(&workflows, now, &Default::default()) {
        Ok(runs) => runs,
        Err(problems) => {
            print_diagnostics(&problems, false, lang);
            return Ok(1);
        }
    };
    let definitions = engine::definitions(&workflows)?;
    if !dry_run {
        return with_store(url, lang, async |store| {
            let report = store::apply(store, &workflows, &definitions, &runs, now, &actor(None), false).await?;
            print_apply(&report, &runs, false, lang);
            Ok(0)
        });
    }
    // A dry run writes nothing, the schema included. Against a database that is still empty (or
    // an SQLite file that does not exist yet: a mistyped path must not become an empty database)
    // it rehearses on an empty database of its own, which is what that one would become; against
    // one whose schema is behind it refuses, as rehearsing would need the migrated data.
    let rehearsal =
        tempfile::Builder::new().prefix("guiyan-dry-run-").tempdir().context("cannot make a folder for the dry run")?;
    let rehearsal_url = format!("sqlite://{}?mode=rwc", rehearsal.path().join("guiyan.db").display());
    runtime()?.block_on(async {
        let outcome = async {
            let existing = match store::sqlite_file(url) {
                Some(file) if !file.exists() => None,
                _ => Some(Store::connect(url).await?),
            };
            let store = match existing {
                Some(store) => {
                    let migrations = store.migration_status().await?;
                    let pending: Vec<_> = migrations.iter().filter(|m| !m.applied).collect();
                    match pending.first() {
                        None => store,
                        Some(_) if pending.len() == migrations.len() => Store::open(&rehearsal_url).await?,
                        Some(first) => {
                            return Err(StoreError::SchemaBehind {
                                url: store.display_url(),
                                pending: pending.len(),
                                first: first.name.clone(),
                            });
                        }
                    }
                }
                None => Store::open(&rehearsal_url).await?,
            };
            let report = store::apply(&store, &workflows, &definitions, &runs, now, &actor(None), true).await?;
            print_apply(&report, &runs, true, lang);
            Ok(0)
        }
        .await;
        Ok(outcome.unwrap_or_else(|e| store_exit(&e, lang)))
    })
}

fn print_apply(report: &ApplyReport, runs: &[plan::PlannedRun], dry_run: bool, lang: Lang) {
    let zh = lang == Lang::Zh;
    if dry_run {
        outln!("{}", if zh { "（预演，不写入数据库）" } else { "(dry run: nothing is written)" });
    }
    if report.is_empty() {
        outln!(
            "{}",
            if zh {
                "没有变化：数据库已与定义一致"
            } else {
                "nothing to change: the database already matches the definitions"
            }
        );
        return;
    }
    for (campaign, version) in &report.new_versions {
        if zh {
            outln!("记录工作定义 {campaign} 第 {version} 版")
        } else {
            outln!("recorded {campaign} definition version {version}")
        }
    }
    if report.units_changed > 0 {
        if zh {
            outln!("单位名录：{} 个单位有变化", report.units_changed)
        } else {
            outln!("directory: {} unit(s) changed", report.units_changed)
        }
    }
    for run in &report.runs {
        let tz = runs
            .iter()
            .find(|r| r.campaign == run.campaign && r.key == run.key)
            .map(|r| r.opens_at.timezone().to_string())
            .unwrap_or_default();
        if run.new_run {
            if zh {
                outln!("{}/{}：新开一期，创建 {} 项任务", run.campaign, run.key, run.tasks)
            } else {
                outln!("{}/{}: new run, {} task(s) created", run.campaign, run.key, run.tasks)
            }
            continue;
        }
        if run.changes.is_empty() {
            continue;
        }
        outln!("{}/{}:", run.campaign, run.key);
        for change in &run.changes {
            match change {
                RunChange::Created { task, due_at } => {
                    if zh {
                        outln!("  + {task}  新建，截止 {}", local(*due_at, &tz))
                    } else {
                        outln!("  + {task}  created, due {}", local(*due_at, &tz))
                    }
                }
                RunChange::Cancelled { task } => outln!("  - {task}  {}", if zh { "取消" } else { "cancelled" }),
                RunChange::Restored { task } => outln!("  + {task}  {}", if zh { "恢复" } else { "restored" }),
                RunChange::Rescheduled { task, starts_at, due_at } => {
                    let mut parts = Vec::new();
                    if starts_at.0 != starts_at.1 {
                        parts.push(format!(
                            "{} {} → {}",
                            if zh { "开始" } else { "starts" },
                            local(starts_at.0, &tz),
                            local(starts_at.1, &tz)
                        ));
                    }
                    if due_at.0 != due_at.1 {
                        parts.push(format!(
                            "{} {} → {}",
                            if zh { "截止" } else { "due" },
                            local(due_at.0, &tz),
                            local(due_at.1, &tz)
                        ));
                    }
                    if parts.is_empty() {
                        parts.push(
                            (if zh { "提醒或督办时间调整" } else { "reminders or escalations moved" }).to_string(),
                        );
                    }
                    outln!("  ~ {task}  {}", parts.join(if zh { "；" } else { "; " }));
                }
                RunChange::Rewired { tasks } => {
                    if zh {
                        outln!("  ~ {tasks} 项任务的前置任务按新定义调整")
                    } else {
                        outln!("  ~ dependencies changed on {tasks} task(s)")
                    }
                }
                RunChange::Retitled { template, tasks } => {
                    let all = format!("{}/{}/{template}/*", run.campaign, run.key);
                    if zh {
                        outln!("  ~ {all}  {tasks} 项未完成任务的标题、填报项按新定义更新")
                    } else {
                        outln!("  ~ {all}  title and figures updated on {tasks} unfinished task(s)")
                    }
                }
            }
        }
    }
    if report.opened > 0 {
        if zh {
            outln!("已开始 {} 项任务（开始时间已到、前置任务已完成）", report.opened)
        } else {
            outln!("{} task(s) opened (start reached, dependencies met)", report.opened)
        }
    }
}

pub fn status(url: &str, filter: Option<&str>, now: DateTime<Utc>, json: bool, lang: Lang) -> anyhow::Result<u8> {
    with_store_to_read(url, lang, async |store| {
        let runs = store::status(store, filter, now).await?;
        let (mails, pending) = store::mail_counts(store).await?;
        let count = |state: MailState| mails.get(state.name()).copied().unwrap_or(0);
        if json {
            let mail = serde_json::json!({
                "queued": count(MailState::Queued), "sending": count(MailState::Sending),
                "sent": count(MailState::Sent), "failed": count(MailState::Failed), "notices_pending": pending,
            });
            let out = serde_json::json!({ "runs": super::status_json::runs(&runs), "mail": mail });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            return Ok(0);
        }
        super::status_json::print(&runs, lang);
        if !mails.is_empty() || pending > 0 {
            let (queued, failed) =
                (count(MailState::Queued) + count(MailState::Sending) + pending, count(MailState::Failed));
            match lang {
                Lang::Zh => {
                    outln!("\n邮件：已发送 {} 封，待发送 {queued} 封，失败 {failed} 封", count(MailState::Sent))
                }
                Lang::En => outln!("\nmail: {} sent, {queued} waiting, {failed} failed", count(MailState::Sent)),
            }
            if failed > 0 {
                match lang {
                    Lang::Zh => outln!("  查看失败邮件：guiyan mail list --failed；修复后重发：guiyan mail retry ID"),
                    Lang::En => {
                        outln!("  see them: guiyan mail list --failed; after fixing, resend: guiyan mail retry ID")
                    }
                }
            }
        }
        Ok(0)
    })
}

pub struct TaskArgs<'a> {
    pub url: &'a str,
    pub now: DateTime<Utc>,
    pub lang: Lang,
}

pub fn task_list(a: &TaskArgs, filter: TaskFilter, json: bool) -> anyhow::Result<u8> {
    with_store_to_read(a.url, a.lang, async |store| {
        let rows = store::list_tasks(store, &filter, a.now).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default());
            return Ok(0);
        }
        for t in &rows {
            let state = if t.overdue { format!("{}!", t.state.name()) } else { t.state.name().to_string() };
            outln!("{:<9} {}  {}  {}", state, t.due_at.format("%Y-%m-%d %H:%M"), t.id, t.title);
        }
        if a.lang == Lang::Zh {
            outln!("共 {} 项", rows.len())
        } else {
            outln!("{} task(s)", rows.len())
        }
        Ok(0)
    })
}

pub fn task_done(
    a: &TaskArgs,
    id: &str,
    figures: &[String],
    note: Option<&str>,
    typical: bool,
    by: Option<String>,
) -> anyhow::Result<u8> {
    let mut pairs = Vec::new();
    for f in figures {
        match f.split_once('=') {
            Some((k, v)) => pairs.push((k.trim().to_string(), v.trim().to_string())),
            None => anyhow::bail!("--figure `{f}` is not KEY=VALUE"),
        }
    }
    with_store(a.url, a.lang, async |store| {
        let opened =
            store::complete_task(store, id, &pairs, store::Note { text: note, typical }, a.now, &actor(by)).await?;
        if a.lang == Lang::Zh {
            outln!("{id} 已完成；{opened} 项后续任务随之开始")
        } else {
            outln!("{id} done; {opened} dependent task(s) opened")
        }
        Ok(0)
    })
}

pub fn task_waive(a: &TaskArgs, id: &str, reason: &str) -> anyhow::Result<u8> {
    with_store(a.url, a.lang, async |store| {
        let opened = store::waive_task(store, id, reason, a.now, &actor(None)).await?;
        if a.lang == Lang::Zh {
            outln!("{id} 已免除；{opened} 项后续任务随之开始")
        } else {
            outln!("{id} waived; {opened} dependent task(s) opened")
        }
        Ok(0)
    })
}

pub fn task_reopen(a: &TaskArgs, id: &str) -> anyhow::Result<u8> {
    with_store(a.url, a.lang, async |store| {
        store::reopen_task(store, id, a.now, &actor(None)).await?;
        outln!("{id} {}", if a.lang == Lang::Zh { "已重新打开" } else { "reopened" });
        Ok(0)
    })
}

pub fn task_history(a: &TaskArgs, id: &str, json: bool) -> anyhow::Result<u8> {
    with_store_to_read(a.url, a.lang, async |store| {
        let entries = store::task_history(store, id).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&entries).unwrap_or_default());
            return Ok(0);
        }
        for e in &entries {
            outln!("{}  {:<17} {}@{}  {}", e.at.format("%Y-%m-%d %H:%M"), e.kind.name(), e.actor, e.source, e.detail);
        }
        Ok(0)
    })
}

/// Parses `--state`.
pub fn parse_state(text: &str) -> anyhow::Result<TaskState> {
    TaskState::from_name(text).with_context(|| {
        let names: Vec<&str> = TaskState::ALL.iter().map(|s| s.name()).collect();
        format!("unknown state `{text}`; expected one of: {}", names.join(", "))
    })
}
