//! Commands around the engine: `guiyan run` (the service), `guiyan simulate` (a season on a
//! virtual clock) and `guiyan mail list|retry` (the outbox).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use calendar::Tz;
use campaign::{Lang, Workflows};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use engine::{Engine, EngineConfig, EngineError, Mailer, SimulationOptions, SystemClock, TimelineEvent};
use store::{MailState, Store};

use super::store_commands::{local, runtime, store_exit, with_store, with_store_to_read};
use super::validate::{load, load_valid};
use super::web_commands;
use crate::config::Settings;
use crate::files::DEFAULT_FOLDER;
use crate::output::{errln, outln};

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Sends logs to stderr; `RUST_LOG` filters them (default: info). Text is coloured only on a
/// terminal (and not with `NO_COLOR` set): a log file or a journal gets plain lines.
pub fn init_logging(format: LogFormat) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colour);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The folder whose `templates/` overrides the built-in mail templates: the first folder named on
/// the command line (default `workflows/`), else the folder of the first file.
fn template_dir(paths: &[PathBuf]) -> Option<PathBuf> {
    let defaults = [PathBuf::from(DEFAULT_FOLDER)];
    let paths = if paths.is_empty() { &defaults[..] } else { paths };
    let base = paths.iter().find(|p| p.is_dir()).cloned().or_else(|| paths.first()?.parent().map(Path::to_path_buf))?;
    let dir = base.join("templates");
    dir.is_dir().then_some(dir)
}

fn mailer(paths: &[PathBuf], settings: &Settings) -> anyhow::Result<Mailer> {
    let templates = mail::Templates::load(template_dir(paths).as_deref())?;
    Ok(Mailer::new(templates, &settings.mail_from)?)
}

/// The engine's settings; `base_url`: the web's address when one serves the portal (mails then
/// carry links instead of commands).
fn engine_config(settings: &Settings, base_url: Option<String>) -> EngineConfig {
    let seconds = |n: u64| TimeDelta::seconds(i64::try_from(n).unwrap_or(i64::MAX / 1000));
    EngineConfig {
        worker: worker_name(),
        lease: seconds(settings.mail_lease_seconds),
        retry_first: seconds(settings.mail_retry_first_seconds),
        retry_max: seconds(settings.mail_retry_max_seconds),
        max_attempts: i32::try_from(settings.mail_max_attempts).unwrap_or(i32::MAX),
        base_url,
        ..EngineConfig::default()
    }
}

/// This process's name in mail claims: host, pid and a random part, never reused by another
/// process (a restarted container often gets the same pid), since a worker never claims again what
/// a worker of its name holds.
fn worker_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut random = std::collections::hash_map::RandomState::new().build_hasher();
    random.write_u32(std::process::id());
    format!("{}-{}-{:04x}", hostname(), std::process::id(), random.finish() & 0xffff)
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "guiyan".into())
}

fn transport(settings: &Settings) -> anyhow::Result<(mail::Transport, String)> {
    match &settings.smtp_url {
        Some(url) => {
            let timeout = Duration::from_secs(settings.smtp_timeout_seconds);
            let connections = usize::try_from(settings.smtp_connections).unwrap_or(4);
            let mut smtp = mail::SmtpTransport::from_url(url, connections, timeout)?;
            if let Some(ca) = &settings.smtp_ca_file {
                let pem = std::fs::read(ca)
                    .with_context(|| format!("smtp_ca_file (GUIYAN_SMTP_CA_FILE): cannot read {}", ca.display()))?;
                smtp = smtp
                    .trusting_ca_pem(&pem)
                    .with_context(|| format!("smtp_ca_file (GUIYAN_SMTP_CA_FILE): {}", ca.display()))?;
            }
            Ok((mail::Transport::Smtp(smtp), format!("SMTP {}", mail::redact_url(url))))
        }
        None if settings.smtp_ca_file.is_some() => {
            anyhow::bail!("smtp_ca_file (GUIYAN_SMTP_CA_FILE) is set but smtp_url is not: mail would go to files")
        }
        None => {
            let dir = settings.outbox_dir.clone();
            Ok((mail::Transport::Files(mail::FileTransport::new(&dir)), format!("{}/*.eml", dir.display())))
        }
    }
}

fn engine_error(e: EngineError, lang: Lang) -> u8 {
    match e {
        EngineError::Store(e) => store_exit(&e, lang),
        EngineError::AlreadyRunning { database, lock } if lang == Lang::Zh => {
            errln!(
                "guiyan: 已有一个 guiyan run 在服务数据库 {database}（锁文件 {}）；请先停止它，或改用 PostgreSQL 以运行多个引擎",
                lock.display()
            );
            2
        }
        other => {
            errln!("guiyan: {other}");
            2
        }
    }
}

/// `guiyan run`: the long-running service, with the web beside the engine when `web`.
pub fn run(
    paths: &[PathBuf],
    settings: &Settings,
    start: Option<DateTime<Utc>>,
    once: bool,
    web: bool,
    lang: Lang,
) -> anyhow::Result<u8> {
    mail::install_crypto_provider();
    let workflows = match load_valid(paths, lang)? {
        Ok(workflows) => workflows,
        Err(code) => return Ok(code),
    };
    let mailer = mailer(paths, settings)?;
    let (transport, mail_target) = transport(settings)?;
    let clock: Arc<dyn engine::Clock> = Arc::new(match start {
        Some(at) => SystemClock::starting_at(at),
        None => SystemClock::real(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = match Store::open(&settings.database_url).await {
            Ok(store) => store,
            Err(e) => return Ok(store_exit(&e, lang)),
        };
        let _lock = match store.sqlite_path().map(|path| engine::lock_sqlite(&path)).transpose() {
            Ok(lock) => lock,
            Err(e) => return Ok(engine_error(e, lang)),
        };
        // Bound before anything else starts, so a taken port stops here.
        let bound = match web {
            true => match web_commands::bind_web(settings, lang).await {
                Ok(bound) => Some(bound),
                Err(code) => return Ok(code),
            },
            false => None,
        };
        // Mails carry links when this process serves the web or another one does (`base_url` set).
        let base_url = bound.as_ref().map(|b| b.base_url.clone()).or_else(|| settings.base_url.clone());
        let config = engine_config(settings, base_url);
        let worker = config.worker.clone();
        let mut engine = match Engine::new(store.clone(), workflows, mailer, transport, clock.clone(), config) {
            Ok(engine) => engine.rereading_with(reread(paths)),
            Err(e) => return Ok(engine_error(e, lang)),
        };
        if let Some(path) = store.sqlite_path() {
            engine = engine.with_journal(journal_path(&path));
            // Mails the previous engine sent but could not record are recorded first, never resent.
            if let Err(e) = engine.recover_journal().await {
                return Ok(engine_error(e, lang));
            }
            // Alone on this file: a mail left `sending` by a killed process is due again now.
            if let Err(e) = store::resume_orphaned(&store, engine.now()).await {
                return Ok(store_exit(&e, lang));
            }
        }
        let applied = match engine.apply_all().await {
            Ok(report) => report,
            Err(e) => return Ok(engine_error(e, lang)),
        };
        if once {
            let stepped = engine.step().await;
            // Whatever could not be recorded or sent is settled as on a stop.
            let (stop, stopped) = tokio::sync::watch::channel(true);
            drop(stop);
            let settled = engine.serve(stopped).await;
            store.close().await;
            return match (stepped, settled) {
                (Ok(report), Ok(())) => {
                    print_step(&report, &applied, lang);
                    Ok(0)
                }
                (Err(e), _) | (_, Err(e)) => Ok(engine_error(e, lang)),
            };
        }
        banner(&engine, &store, &mail_target, &worker, &applied, lang).await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let web_served = match bound {
            Some(bound) => {
                web_commands::web_banner(&bound, settings, lang);
                let mut web_stopped = stopped.clone();
                let shutdown = async move {
                    let _ = web_stopped.wait_for(|stop| *stop).await;
                };
                let workflows = engine.workflows();
                match web_commands::start_web(bound, store.clone(), &workflows, clock.clone(), settings, lang, shutdown)
                    .await
                {
                    Ok(handle) => Some(handle),
                    Err(e) => return Ok(store_exit(&e, lang)),
                }
            }
            None => None,
        };
        outln!("{}", if lang == Lang::Zh { "按 Ctrl-C 停止。" } else { "Press Ctrl-C to stop." });
        let handle = engine.stop_handle();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("stopping: finishing the work in hand");
            handle.stop();
            let _ = stop.send(true);
        });
        // On a runtime worker rather than this thread (which is not one): the mails it hands to
        // the transport then start on the same worker without a cross-thread wake-up each.
        let served = tokio::spawn(async move { engine.serve(stopped).await }).await;
        if let Some(web) = web_served
            && let Ok(Err(e)) = web.await
        {
            tracing::error!(error = %e, "the web stopped with an error");
        }
        // Checkpointed on a clean exit: the database file alone holds everything.
        store.close().await;
        match served.context("the engine stopped unexpectedly")? {
            Ok(()) => {
                tracing::info!("stopped");
                Ok(0)
            }
            Err(e) => Ok(engine_error(e, lang)),
        }
    })
}

/// The accepted-mail journal beside an SQLite database: `guiyan.db.accepted`.
fn journal_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".accepted");
    PathBuf::from(name)
}

/// The summary of `guiyan run --once`: the start's apply and the step together.
fn print_step(report: &engine::StepReport, applied: &store::ApplyReport, lang: Lang) {
    let runs_opened = report.runs_opened.len() + applied.runs.iter().filter(|r| r.new_run).count();
    let tasks_opened = report.tasks_opened + applied.opened;
    let (composed, sent, deferred, failed) =
        (report.mails_composed.len(), report.mails_sent, report.mails_deferred, report.mails_failed);
    let closed = report.runs_closed.len();
    match lang {
        Lang::Zh => outln!(
            "开启 {runs_opened} 期、结束 {closed} 期；开始任务 {tasks_opened} 项；生成邮件 {composed} 封，发出 {sent} 封，稍后重试 {deferred} 封，失败 {failed} 封"
        ),
        Lang::En => outln!(
            "runs opened {runs_opened}, closed {closed}; tasks opened {tasks_opened}; mails composed {composed}, sent {sent}, deferred {deferred}, failed {failed}"
        ),
    }
}

/// Ctrl-C or SIGTERM.
pub async fn wait_for_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}

/// How the engine reads the campaigns again while it runs: from the same paths, folders expanded
/// anew (a campaign file added since the start counts), validated as at the start. A problem is
/// one English line for the log.
fn reread(paths: &[PathBuf]) -> engine::ReadWorkflows {
    let paths = paths.to_vec();
    Box::new(move || {
        let (workflows, diagnostics) = load(&paths).map_err(|e| format!("{e:#}"))?;
        if diagnostics.is_empty() {
            Ok(workflows)
        } else {
            Err(diagnostics.iter().map(|d| d.render(Lang::En)).collect::<Vec<_>>().join("; "))
        }
    })
}

/// What the service serves and what comes next, for the person who just started it.
async fn banner(
    engine: &Engine,
    store: &Store,
    mail_target: &str,
    worker: &str,
    applied: &store::ApplyReport,
    lang: Lang,
) {
    let zh = lang == Lang::Zh;
    let now = engine.now();
    let workflows = engine.workflows();
    let tz: Tz = workflows.campaigns.first().map(|c| c.timezone).unwrap_or(Tz::Asia__Shanghai);
    let show = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    if zh {
        outln!("归雁引擎已启动（{worker}），当前时间 {}", show(now));
        outln!("  数据库：{}", store.display_url());
        outln!("  邮件：{mail_target}，发件人 {}", engine.mailer().from());
    } else {
        outln!("guiyan engine started ({worker}), now {}", show(now));
        outln!("  database: {}", store.display_url());
        outln!("  mail: {mail_target}, from {}", engine.mailer().from());
    }
    for campaign in &workflows.campaigns {
        let next = plan::next_opening(campaign, workflows.workdays_of(campaign), now).map(show);
        let next = next.unwrap_or_else(|| "-".into());
        if zh {
            outln!("  工作：{}（{}），下一期开启 {next}", campaign.name, campaign.id);
        } else {
            outln!("  campaign: {} ({}), next run opens {next}", campaign.name, campaign.id);
        }
    }
    for run in applied.runs.iter().filter(|r| r.new_run) {
        if zh {
            outln!("  已开启 {}/{}：{} 项任务", run.campaign, run.key, run.tasks);
        } else {
            outln!("  opened {}/{}: {} tasks", run.campaign, run.key, run.tasks);
        }
    }
    match store::upcoming(store, 5).await {
        Ok(upcoming) if !upcoming.is_empty() => {
            outln!("{}", if zh { "  即将发生：" } else { "  next events:" });
            for (at, task, state) in upcoming {
                let at = DateTime::from_timestamp(at, 0).map(show).unwrap_or_default();
                outln!("    {at}  {task} ({state})");
            }
        }
        _ => outln!("{}", if zh { "  暂无待办事件" } else { "  nothing due yet" }),
    }
}

/// Parses `--from`/`--to`: an RFC 3339 time, or a date meaning its midnight in `tz`.
fn parse_moment(text: &str, tz: Tz, flag: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("{flag} `{text}` is neither a date (2027-01-20) nor an RFC 3339 time"))?;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Ok(calendar::resolve_local(tz, midnight).with_timezone(&Utc))
}

/// Arguments of `guiyan simulate`.
#[derive(Clone, Debug)]
pub struct SimulateArgs {
    pub paths: Vec<PathBuf>,
    pub from: String,
    pub to: String,
    pub complete_rate: f64,
    pub seed: u64,
    pub json: bool,
    /// Where to write the last report of each kind of each simulated run (text and Word).
    pub report_dir: Option<PathBuf>,
}

/// `guiyan simulate`: the season on a virtual clock, printed as a timeline.
pub fn simulate(args: &SimulateArgs, settings: &Settings, lang: Lang) -> anyhow::Result<u8> {
    if !(0.0..=1.0).contains(&args.complete_rate) {
        anyhow::bail!("--complete-rate must be between 0 and 1, not {}", args.complete_rate);
    }
    let workflows = match load_valid(&args.paths, lang)? {
        Ok(workflows) => workflows,
        Err(code) => return Ok(code),
    };
    let tz: Tz = workflows.campaigns.first().map(|c| c.timezone).unwrap_or(Tz::Asia__Shanghai);
    let from = parse_moment(&args.from, tz, "--from")?;
    let to = parse_moment(&args.to, tz, "--to")?;
    if to <= from {
        anyhow::bail!("--to must be after --from");
    }
    let mailer = mailer(&args.paths, settings)?;
    let scratch = tempfile::tempdir().context("cannot create a scratch folder")?;
    let url = format!("sqlite://{}", scratch.path().join("simulation.db").display());
    let options = SimulationOptions { from, to, complete_rate: args.complete_rate, seed: args.seed };
    let names = unit_names(&workflows);
    runtime()?.block_on(async {
        let store = match Store::open(&url).await {
            Ok(store) => store,
            Err(e) => return Ok(store_exit(&e, lang)),
        };
        let timeline = match engine::simulate(store.clone(), workflows.clone(), mailer, &options).await {
            Ok(timeline) => timeline,
            Err(e) => return Ok(engine_error(e, lang)),
        };
        if let Some(dir) = &args.report_dir {
            match write_simulated_reports(&store, &workflows, dir).await {
                Ok(files) => {
                    for file in files {
                        errln!(
                            "{}",
                            if lang == Lang::Zh {
                                format!("报告：{}", file.display())
                            } else {
                                format!("report: {}", file.display())
                            }
                        );
                    }
                }
                Err(e) => {
                    errln!("guiyan: {e:#}");
                    return Ok(2);
                }
            }
        }
        if args.json {
            outln!("{}", serde_json::to_string_pretty(&timeline).unwrap_or_default());
        } else {
            print_timeline(&timeline, tz, &names, lang);
        }
        Ok(0)
    })
}

/// Writes the last snapshot of each report of each simulated run as text and Word, named
/// `CAMPAIGN-RUN-REPORT.txt` / `.docx`: what leadership would receive at the end of the season.
async fn write_simulated_reports(store: &Store, workflows: &Workflows, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    for run in store::runs(store).await? {
        let Some(campaign) = workflows.campaign(&run.campaign) else { continue };
        let snapshots = store::snapshots_of_run(store, &run.campaign, &run.key).await?;
        for definition in &campaign.reports {
            let Some((id, _, _)) = snapshots.iter().rev().find(|(_, report, _)| *report == definition.id) else {
                continue;
            };
            let Some(stored) = store::snapshot(store, *id).await? else { continue };
            let compared = report::Compared {
                snapshot: &stored.snapshot,
                previous: stored.previous.as_ref(),
                last_season: stored.last_season.as_ref(),
            };
            let document = engine::report_document(definition, compared, campaign.locale.into(), report::Length::Full)?;
            let stem = format!("{}-{}-{}", run.campaign, run.key, definition.id);
            let text = dir.join(format!("{stem}.txt"));
            std::fs::write(&text, documents::text::render(&document))
                .with_context(|| format!("cannot write {}", text.display()))?;
            let docx = dir.join(format!("{stem}.docx"));
            std::fs::write(&docx, documents::docx::render(&document)?)
                .with_context(|| format!("cannot write {}", docx.display()))?;
            written.extend([text, docx]);
        }
    }
    Ok(written)
}

fn unit_names(workflows: &Workflows) -> std::collections::HashMap<String, String> {
    workflows.directories.values().flat_map(|d| d.units.iter().map(|u| (u.id.clone(), u.name.clone()))).collect()
}

/// A mail kind as the timeline shows it: the mail's own words for it in Chinese, the name in English.
fn kind_label(kind: &str, lang: Lang) -> &str {
    match (kind.parse::<mail::NoticeKind>(), lang) {
        (Ok(kind), Lang::Zh) => mail::view::kind_label(kind, campaign::Locale::ZhCn),
        _ => kind,
    }
}

fn print_timeline(timeline: &engine::Timeline, tz: Tz, names: &std::collections::HashMap<String, String>, lang: Lang) {
    let zh = lang == Lang::Zh;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    for entry in &timeline.entries {
        let at = entry.at.with_timezone(&tz).format("%Y-%m-%d %H:%M");
        let line = match (&entry.event, zh) {
            (TimelineEvent::RunOpened { campaign, run, tasks }, true) => {
                format!("开启 {campaign}/{run}，共 {tasks} 项任务")
            }
            (TimelineEvent::RunOpened { campaign, run, tasks }, false) => {
                format!("run {campaign}/{run} opened, {tasks} tasks")
            }
            (TimelineEvent::TasksOpened { count }, true) => format!("{count} 项任务开始"),
            (TimelineEvent::TasksOpened { count }, false) => format!("{count} task(s) opened"),
            (TimelineEvent::Mail { kind, recipient, to, tasks }, true) => {
                format!("邮件 {} → {}（{to}），{tasks} 项", kind_label(kind, lang), name(recipient))
            }
            (TimelineEvent::Mail { kind, recipient, to, tasks }, false) => {
                format!("mail {kind} → {} ({to}), {tasks} task(s)", name(recipient))
            }
            (TimelineEvent::TaskCompleted { task, late }, true) => {
                format!("完成 {task}{}", if *late { "（逾期）" } else { "" })
            }
            (TimelineEvent::TaskCompleted { task, late }, false) => {
                format!("done {task}{}", if *late { " (late)" } else { "" })
            }
            (TimelineEvent::RunClosed { campaign, run }, true) => format!("结束 {campaign}/{run}"),
            (TimelineEvent::RunClosed { campaign, run }, false) => format!("run {campaign}/{run} closed"),
            (TimelineEvent::Report { campaign, run, report }, true) => format!("报告 {campaign}/{run} {report}"),
            (TimelineEvent::Report { campaign, run, report }, false) => format!("report {campaign}/{run} {report}"),
        };
        outln!("{at}  {line}");
    }
    let mails: Vec<String> = timeline
        .mails
        .iter()
        .map(|(kind, n)| if zh { format!("{} {n} 封", kind_label(kind, lang)) } else { format!("{kind} {n}") })
        .collect();
    if zh {
        outln!(
            "合计：邮件 {}；完成任务 {} 项（其中逾期完成 {} 项）；模拟 {} 个时刻",
            if mails.is_empty() { "无".to_string() } else { mails.join("，") },
            timeline.tasks_completed,
            timeline.tasks_completed_late,
            timeline.steps
        );
    } else {
        outln!(
            "total: mails {}; {} task(s) completed ({} late); {} moments simulated",
            if mails.is_empty() { "none".to_string() } else { mails.join(", ") },
            timeline.tasks_completed,
            timeline.tasks_completed_late,
            timeline.steps
        );
    }
}

/// `guiyan mail list`.
pub fn mail_list(url: &str, state: Option<MailState>, limit: u64, json: bool, lang: Lang) -> anyhow::Result<u8> {
    with_store_to_read(url, lang, async |store| {
        let mails = store::list_mails(store, state, limit).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&serde_json::json!({ "mails": mails })).unwrap_or_default());
            return Ok(0);
        }
        if mails.is_empty() {
            outln!("{}", if lang == Lang::Zh { "没有邮件" } else { "no mail" });
        }
        for m in &mails {
            let created = local(m.created_at, &m.timezone);
            let kinds = m.kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join("+");
            outln!("{:>6}  {:<8} {created}  {kinds} → {} <{}>  {}", m.id, m.state, m.recipient, m.to, m.subject);
            if let Some(error) = &m.last_error {
                match lang {
                    Lang::Zh => outln!("        最近错误（已尝试 {} 次，领取 {} 次）：{error}", m.attempts, m.claims),
                    Lang::En => {
                        outln!("        last error ({} attempt(s), {} claim(s)): {error}", m.attempts, m.claims)
                    }
                }
            }
        }
        Ok(0)
    })
}

/// `guiyan mail retry ID|KEY`.
pub fn mail_retry(url: &str, id: &str, now: DateTime<Utc>, lang: Lang) -> anyhow::Result<u8> {
    with_store(url, lang, async |store| {
        if store::retry_mail(store, id, now, &super::store_commands::actor(None)).await? {
            match lang {
                Lang::Zh => outln!("邮件 {id} 已重新排队，引擎将尽快发送"),
                Lang::En => outln!("mail {id} re-queued; the engine sends it next"),
            }
            Ok(0)
        } else {
            match lang {
                Lang::Zh => errln!("guiyan: 没有处于失败状态的邮件 `{id}`（见 guiyan mail list --failed）"),
                Lang::En => errln!("guiyan: no failed mail `{id}` (see guiyan mail list --failed)"),
            }
            Ok(1)
        }
    })
}
