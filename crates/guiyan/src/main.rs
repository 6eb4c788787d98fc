//! The `guiyan` command line: parses arguments, wires the crates together, sets exit codes.

mod clock;
mod commands;
mod config;
mod files;
mod lang;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use output::errln;

/// 归雁 guiyan — recurring outreach campaigns, from YAML to tasks, reminders and reports.
#[derive(Debug, Parser)]
#[command(name = "guiyan", version, about, long_about = None)]
struct Cli {
    /// Language of messages: zh (简体中文) or en. Default: from LC_ALL / LC_MESSAGES / LANG, else zh.
    #[arg(long, global = true, value_name = "zh|en")]
    lang: Option<String>,
    /// The current time for this command, to rehearse a season (RFC 3339). Default: the system clock.
    #[arg(long, global = true, env = "GUIYAN_NOW", value_name = "TIME")]
    now: Option<String>,
    /// Database: sqlite://FILE or postgres://USER@HOST/DB. Default: database_url in guiyan.toml, else ./guiyan.db.
    #[arg(long, global = true, env = "GUIYAN_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database_url: Option<String>,
    /// Configuration file.
    #[arg(long, global = true, default_value = "guiyan.toml", value_name = "FILE")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check campaign, directory and holiday files; report every error with its file, line and field.
    Validate {
        /// Files or folders (folders: every *.yaml / *.yml directly inside). Default: workflows/.
        paths: Vec<PathBuf>,
        /// Print the diagnostics as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the built-in festivals and the 24 solar terms with their dates.
    Calendar {
        /// One year.
        #[arg(long, conflicts_with_all = ["from", "to"])]
        year: Option<i32>,
        /// First year of a range.
        #[arg(long, requires = "to")]
        from: Option<i32>,
        /// Last year of a range.
        #[arg(long, requires = "from")]
        to: Option<i32>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the runs and tasks campaigns will create in a year.
    Plan {
        /// Campaign files or folders. Default: workflows/.
        paths: Vec<PathBuf>,
        /// The year whose runs to plan (festival campaigns: the anchor's year; cron: the opening).
        #[arg(long)]
        year: i32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record the definitions and materialize the runs open now: create, cancel or reschedule tasks.
    Apply {
        /// Campaign files or folders. Default: workflows/.
        paths: Vec<PathBuf>,
        /// Show what would change and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Progress per run: tasks by state per task and unit, completion rolled up the tree, figure totals.
    Status {
        /// `CAMPAIGN` or `CAMPAIGN/RUN`; all runs when absent.
        run: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List, complete, waive and reopen tasks, and show their history.
    #[command(subcommand)]
    Task(TaskCommand),
    /// The database schema.
    #[command(subcommand)]
    Db(DbCommand),
    /// Start the engine: open runs, assign, remind and escalate on time, and deliver the mail.
    Run {
        /// Campaign files or folders. Default: workflows/ (mail templates override: workflows/templates/).
        paths: Vec<PathBuf>,
        /// Log format on stderr.
        #[arg(long, value_enum, default_value = "text")]
        log_format: commands::engine_commands::LogFormat,
        /// Do what is due now, deliver what can be delivered, and exit (for cron-style operation
        /// and rehearsals); transient mail failures stay queued for the next run.
        #[arg(long)]
        once: bool,
        /// Do not serve the web (another process serves it: `guiyan serve`, or another engine).
        #[arg(long)]
        no_web: bool,
    },
    /// Serve the web alone (the units' portal, the dashboard, the API) over the database engines work on.
    Serve {
        /// Campaign files or folders, for the campaigns' names and languages. Default: workflows/.
        paths: Vec<PathBuf>,
    },
    /// A unit's or a leadership reader's signed link; revoke links, rotate the secret, list readers.
    Link(LinkArgs),
    /// Play a season on a virtual clock with a scratch database: every mail, escalation and run, in seconds.
    Simulate {
        /// Campaign files or folders. Default: workflows/.
        paths: Vec<PathBuf>,
        /// Start: a date (2027-01-20) or an RFC 3339 time.
        #[arg(long)]
        from: String,
        /// End: a date or an RFC 3339 time.
        #[arg(long)]
        to: String,
        /// Probability that a unit completes an opened task (0–1).
        #[arg(long, default_value_t = 0.8)]
        complete_rate: f64,
        /// Seed of the simulated units' choices.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Write the last report of each kind of each simulated run here, as text and Word: what
        /// leadership will receive.
        #[arg(long)]
        report_dir: Option<PathBuf>,
    },
    /// A run's report — progress, work report or the campaign's own — in text, Markdown, HTML,
    /// Word, Excel, CSV or JSON: from the run as it stands, or as sent at a report time (--at).
    Report {
        /// The run: CAMPAIGN/RUN, e.g. spring-festival/2027.
        run: String,
        /// Campaign files or folders. Default: workflows/.
        #[arg(long = "workflows")]
        paths: Vec<PathBuf>,
        /// A report of the campaign (e.g. weekly, final) or a built-in: progress, work-report.
        /// Default: the campaign's work report.
        #[arg(long)]
        template: Option<String>,
        /// The snapshot the engine took at the report time at or before this RFC 3339 time (the
        /// report as it was sent); without it, the run as it stands now.
        #[arg(long)]
        at: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: commands::report::ReportFormat,
        /// Write to this file (needed for docx and xlsx); default: standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The outbox: list mails, re-queue failed ones.
    #[command(subcommand)]
    Mail(MailCommand),
    /// The talent registry (一人一档): import and export the books, counts, the access log, the key.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Print the JSON Schema of campaign, directory or holiday files.
    Schema {
        /// Which file kind.
        #[arg(value_enum, default_value = "campaign")]
        kind: commands::schema::Kind,
    },
}

#[derive(Debug, Subcommand)]
enum TaskCommand {
    /// List tasks.
    List {
        /// `CAMPAIGN` or `CAMPAIGN/RUN`.
        #[arg(long)]
        run: Option<String>,
        /// A unit id.
        #[arg(long)]
        unit: Option<String>,
        /// waiting, open, done, waived or cancelled.
        #[arg(long)]
        state: Option<String>,
        /// Only open tasks past their due time.
        #[arg(long)]
        overdue: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mark a task done with its figures (checked against the campaign).
    Done {
        /// campaign/run/template/unit
        id: String,
        /// A reported figure, KEY=VALUE; repeat for each.
        #[arg(long = "figure", value_name = "KEY=VALUE")]
        figures: Vec<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// The note is a typical case (典型事例) for the work report.
        #[arg(long, requires = "note")]
        typical: bool,
        /// Who completed it. Default: $USER.
        #[arg(long)]
        by: Option<String>,
    },
    /// Excuse a task, with a reason.
    Waive {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Reopen a done or waived task.
    Reopen { id: String },
    /// Everything that happened to a task.
    History {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
struct LinkArgs {
    #[command(subcommand)]
    command: Option<LinkCommand>,
    /// The unit whose portal link to print (its id in the directory).
    #[arg(conflicts_with = "reader")]
    unit: Option<String>,
    /// Instead: the dashboard link of a report reader (email or key; see `guiyan link readers`).
    #[arg(long, value_name = "EMAIL")]
    reader: Option<String>,
    /// Valid this many days from now. Default: until 30 days after the newest run closes.
    #[arg(long, value_name = "N")]
    days: Option<u32>,
}

#[derive(Debug, Subcommand)]
enum LinkCommand {
    /// End every link so far of a unit (or `--reader EMAIL`), and the sessions they opened.
    Revoke {
        #[arg(conflicts_with = "reader", required_unless_present = "reader")]
        unit: Option<String>,
        #[arg(long, value_name = "EMAIL")]
        reader: Option<String>,
    },
    /// Replace the signing secret: every link and session ends at once.
    RotateSecret,
    /// List the report readers (from the directory's groups), who get dashboard links.
    Readers {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum RegistryCommand {
    /// Import a 乡土人才排查统计表 (.xlsx, or CSV in UTF-8 or GBK); rows not entered go to an errors workbook.
    Import {
        /// The sheet.
        file: PathBuf,
        /// The community the sheet is of (its id or name); else a 社区 column names each row's.
        #[arg(long)]
        unit: Option<String>,
        /// Where to write the rows not imported, with their reasons. Default: FILE.errors.xlsx beside FILE.
        #[arg(long, value_name = "OUT.xlsx")]
        errors: Option<PathBuf>,
    },
    /// Write the empty sheet, with its headers and what each column takes.
    Template {
        #[arg(short, long, value_name = "FILE.xlsx")]
        output: PathBuf,
    },
    /// Export the books: masked, unless --reveal with a --reason (logged).
    Export {
        /// One unit's books (and those below it); default: all.
        #[arg(long)]
        unit: Option<String>,
        /// xlsx, csv or json.
        #[arg(long, value_parser = commands::registry::parse_format, default_value = "xlsx")]
        format: ledger::ExportFormat,
        /// The file (needed for xlsx); default: standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// ID numbers, mobiles and addresses in the clear; needs --reason.
        #[arg(long)]
        reveal: bool,
        /// Why the personal data is revealed (kept in the access log).
        #[arg(long, requires = "reveal")]
        reason: Option<String>,
    },
    /// Counts by unit, category, intent to return and reserve pool status.
    Stats {
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print the access log; --verify checks its hash chain and names the first tampered entry.
    Audit {
        #[arg(long)]
        verify: bool,
        #[arg(long)]
        json: bool,
    },
    /// Erase a person at their request (删除): the record is anonymised, keeping what statistics count.
    Erase {
        /// The person's number (the `id` of `export --format json`, the address of their page).
        person: i64,
        /// Why (the request, its date): kept in the access log.
        #[arg(long)]
        reason: String,
    },
    /// Set a person's reserve-cadre pool status (后备干部库: 推荐, 考察, 入库, 退出), as the district.
    Pool {
        /// The person's number (the `id` of `export --format json`, the address of their page).
        person: i64,
        /// recommended, under-review, admitted or withdrawn (or 推荐, 考察, 入库, 退出).
        #[arg(long)]
        status: String,
        /// How they came: self-nominated, democratic-assessment, organisation-recommended (or 自荐, 民主测评, 组织推荐).
        #[arg(long)]
        route: Option<String>,
    },
    /// Merge two records of one person: ABSORB's book entries and follow-ups move to KEEP, KEEP's empty fields are filled.
    Merge {
        /// The person kept (the number of `export --format json`'s `id`, the address of their page).
        keep: i64,
        /// The person merged into KEEP (kept, marked merged, so the merge can be undone).
        absorb: i64,
        /// Why (kept with the merge and in the access log).
        #[arg(long)]
        reason: String,
    },
    /// Undo a merge: the absorbed person stands again with their own fields, book entries and follow-ups.
    Unmerge {
        /// The merge's number (`guiyan registry merges`).
        merge_id: i64,
        /// Why (kept with the merge and in the access log).
        #[arg(long)]
        reason: String,
    },
    /// List the merges, the newest first, with what each moved and whether it was undone.
    Merges {
        #[arg(long)]
        json: bool,
    },
    /// List the persons' suggestions (意见建议) routed to a unit's subtree, unanswered first.
    Suggestions {
        /// The unit's id or name (every suggestion without it).
        #[arg(long)]
        unit: Option<String>,
        /// Only those not answered yet.
        #[arg(long)]
        open: bool,
        #[arg(long)]
        json: bool,
    },
    /// A person's request to see, correct or erase their record (查阅 / 更正 / 删除): record one, answer one.
    Request {
        #[command(subcommand)]
        command: RequestCommand,
    },
    /// List the persons' requests, the overdue first.
    Requests {
        /// Only the requests not yet answered.
        #[arg(long)]
        open: bool,
        /// Only the open requests past their due date.
        #[arg(long)]
        overdue: bool,
        #[arg(long)]
        json: bool,
    },
    /// The persons whose retention review date has passed (masked); `review keep` and `review erase` decide.
    #[command(args_conflicts_with_subcommands = true)]
    Review {
        #[command(subcommand)]
        command: Option<ReviewCommand>,
        /// One unit's books (and those below it); default: all.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Clear a unit's PIN (it sets a new one at its next full record), as the district.
    ResetPin {
        /// The unit's id or name.
        unit: String,
    },
    /// Add a new data key and reseal every ID number, mobile and address under it.
    RotateKey {
        /// aes-256-gcm or sm4-gcm; default: registry_cipher in guiyan.toml, else aes-256-gcm.
        #[arg(long)]
        algorithm: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum RequestCommand {
    /// Record a person's request; due in 15 days unless --due says otherwise.
    Add {
        /// The person's number (the `id` of `export --format json`, the address of their page).
        person: i64,
        /// 查阅, 更正 or 删除 (access, correction, erasure).
        #[arg(long)]
        kind: String,
        /// How it came: 当面, 电话, 书面, 网上 or 其他 (in-person, phone, writing, online, other).
        #[arg(long)]
        via: String,
        /// The day it was received (YYYY-MM-DD); default: today.
        #[arg(long, value_name = "DATE")]
        received: Option<String>,
        /// The day it is due (YYYY-MM-DD); default: 15 days after it was received.
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
    },
    /// Answer a request: a copy given (查阅), fields corrected (更正), the record erased (删除), or refused.
    #[command(group(clap::ArgGroup::new("how").required(true).args(["copy_given", "set", "erase", "refuse"])))]
    Answer {
        /// The request's number (`guiyan registry requests`).
        id: i64,
        /// 查阅: a copy of the record was given to the person.
        #[arg(long)]
        copy_given: bool,
        /// 更正: a field's new value, e.g. `--set 联系电话=13900139000` (repeatable); validated as on entry.
        #[arg(long, value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// 删除: erase (anonymise) the person's record.
        #[arg(long)]
        erase: bool,
        /// Refuse the request; needs --reason.
        #[arg(long, requires = "reason")]
        refuse: bool,
        /// Why it is refused (told to the person; kept with the request and in the access log).
        #[arg(long)]
        reason: Option<String>,
        /// What was done, in a few words (kept with the request).
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// Keep a person's record until a new review date, for a reason.
    Keep {
        person: i64,
        /// The next review date (YYYY-MM-DD), after today.
        #[arg(long, value_name = "DATE")]
        until: String,
        #[arg(long)]
        reason: String,
    },
    /// Erase a person's record at review (anonymised, as `registry erase`).
    Erase {
        person: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// List mails, newest first.
    List {
        /// Only failed mails.
        #[arg(long, conflicts_with = "state")]
        failed: bool,
        /// queued, sending, sent or failed.
        #[arg(long)]
        state: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: u64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Re-queue a failed mail (by id or key).
    Retry { id: String },
}

#[derive(Debug, Subcommand)]
enum DbCommand {
    /// Apply pending migrations (guiyan also does this on start).
    Migrate,
    /// Show which migrations the database has.
    Status,
    /// Write a consistent copy of the SQLite database to FILE, even while the engine runs.
    Backup {
        /// The new file (never overwritten).
        file: PathBuf,
    },
    /// Replace the SQLite database with a backup (no engine may run); the replaced file is kept.
    Restore {
        /// A file written by `guiyan db backup`.
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // clap exits 0 for --help/--version and 2 for usage errors.
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let lang = match lang::resolve(cli.lang.as_deref()) {
        Ok(lang) => lang,
        Err(message) => {
            errln!("guiyan: {message}");
            return ExitCode::from(2);
        }
    };
    let outcome = run(cli, lang);
    match outcome {
        Ok(code) => code.into(),
        Err(err) => {
            errln!("guiyan: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn link(args: LinkArgs, settings: &config::Settings, now: DateTime<Utc>, lang: campaign::Lang) -> anyhow::Result<u8> {
    use commands::web_commands::{self as wc, LinkFor};
    let who = |unit: Option<String>, reader: Option<String>| match (unit, reader) {
        (_, Some(reader)) => Ok(LinkFor::Reader(reader)),
        (Some(unit), None) => Ok(LinkFor::Unit(unit)),
        (None, None) => Err(anyhow::anyhow!("name a unit (guiyan link UNIT) or a reader (guiyan link --reader EMAIL)")),
    };
    match args.command {
        None => wc::link(settings, &who(args.unit, args.reader)?, args.days, now, lang),
        Some(LinkCommand::Revoke { unit, reader }) => wc::revoke(settings, &who(unit, reader)?, now, lang),
        Some(LinkCommand::RotateSecret) => wc::rotate_secret(settings, now, lang),
        Some(LinkCommand::Readers { json }) => wc::readers(settings, json, lang),
    }
}

fn registry(
    command: RegistryCommand,
    settings: &config::Settings,
    now: DateTime<Utc>,
    lang: campaign::Lang,
) -> anyhow::Result<u8> {
    use commands::registry as r;
    let ctx = r::Ctx { settings, now, lang };
    match command {
        RegistryCommand::Import { file, unit, errors } => r::import(&ctx, &file, unit.as_deref(), errors.as_deref()),
        RegistryCommand::Template { output } => r::template(&output, lang),
        RegistryCommand::Export { unit, format, output, reveal, reason } => {
            r::export(&ctx, unit.as_deref(), format, output.as_deref(), reveal, reason.as_deref())
        }
        RegistryCommand::Stats { unit, json } => r::stats(&ctx, unit.as_deref(), json),
        RegistryCommand::Audit { verify, json } => r::audit(&ctx, verify, json),
        RegistryCommand::Erase { person, reason } => r::erase(&ctx, person, &reason),
        RegistryCommand::Pool { person, status, route } => r::pool(&ctx, person, &status, route.as_deref()),
        RegistryCommand::Merge { keep, absorb, reason } => r::merge(&ctx, keep, absorb, &reason),
        RegistryCommand::Unmerge { merge_id, reason } => r::unmerge(&ctx, merge_id, &reason),
        RegistryCommand::Merges { json } => r::merges(&ctx, json),
        RegistryCommand::Suggestions { unit, open, json } => r::suggestions(&ctx, unit.as_deref(), open, json),
        RegistryCommand::Request { command: RequestCommand::Add { person, kind, via, received, due } } => {
            r::request::add(&ctx, person, &kind, &via, received.as_deref(), due.as_deref())
        }
        RegistryCommand::Request {
            command: RequestCommand::Answer { id, copy_given, set, erase, refuse, reason, note },
        } => {
            let args = r::request::AnswerArgs {
                copy_given,
                set: &set,
                erase,
                refuse,
                note: note.as_deref(),
                reason: reason.as_deref(),
            };
            r::request::answer(&ctx, id, &args)
        }
        RegistryCommand::Requests { open, overdue, json } => r::request::list(&ctx, open, overdue, json),
        RegistryCommand::Review { command: None, unit, json } => r::review::list(&ctx, unit.as_deref(), json),
        RegistryCommand::Review { command: Some(ReviewCommand::Keep { person, until, reason }), .. } => {
            r::review::keep(&ctx, person, &until, &reason)
        }
        RegistryCommand::Review { command: Some(ReviewCommand::Erase { person, reason }), .. } => {
            r::erase(&ctx, person, &reason)
        }
        RegistryCommand::ResetPin { unit } => r::reset_pin(&ctx, &unit),
        RegistryCommand::RotateKey { algorithm } => r::rotate_key(&ctx, algorithm.as_deref()),
    }
}

fn run(cli: Cli, lang: campaign::Lang) -> anyhow::Result<u8> {
    use commands::store_commands as sc;
    let now = || clock::now(cli.now.as_deref());
    let explicit_config = cli.config != std::path::Path::new("guiyan.toml");
    let settings = || config::load(&cli.config, explicit_config, cli.database_url.clone());
    match cli.command {
        Command::Validate { paths, json } => commands::validate::run(&paths, json, lang),
        Command::Calendar { year, from, to, json } => commands::calendar::run(year, from, to, json, lang),
        Command::Plan { paths, year, json } => commands::plan::run(&paths, year, json, lang),
        Command::Schema { kind } => commands::schema::run(kind),
        Command::Apply { paths, dry_run } => sc::apply(&settings()?.database_url, &paths, now()?, dry_run, lang),
        Command::Status { run, json } => sc::status(&settings()?.database_url, run.as_deref(), now()?, json, lang),
        Command::Db(DbCommand::Migrate) => sc::db_migrate(&settings()?.database_url, lang),
        Command::Db(DbCommand::Status) => sc::db_status(&settings()?.database_url, lang),
        Command::Db(DbCommand::Backup { file }) => commands::backup::backup(&settings()?.database_url, &file, lang),
        Command::Db(DbCommand::Restore { file }) => {
            commands::backup::restore(&settings()?.database_url, &file, now()?, lang)
        }
        Command::Run { paths, log_format, once, no_web } => {
            commands::engine_commands::init_logging(log_format);
            let start = cli.now.as_deref().map(|_| now()).transpose()?;
            let web = !(once || no_web);
            commands::engine_commands::run(&paths, &settings()?, start, once, web, lang)
        }
        Command::Serve { paths } => {
            commands::engine_commands::init_logging(commands::engine_commands::LogFormat::Text);
            let start = cli.now.as_deref().map(|_| now()).transpose()?;
            commands::web_commands::serve(&paths, &settings()?, start, lang)
        }
        Command::Link(args) => link(args, &settings()?, now()?, lang),
        Command::Report { run, paths, template, at, format, output } => {
            let at = at.as_deref().map(|text| clock::now(Some(text))).transpose()?;
            let settings = settings()?;
            let args = commands::report::ReportArgs {
                database_url: &settings.database_url,
                paths: &paths,
                run: &run,
                template: template.as_deref(),
                at,
                format,
                output: output.as_deref(),
                now: now()?,
            };
            commands::report::run(args, lang)
        }
        Command::Simulate { paths, from, to, complete_rate, seed, json, report_dir } => {
            let args =
                commands::engine_commands::SimulateArgs { paths, from, to, complete_rate, seed, json, report_dir };
            commands::engine_commands::simulate(&args, &settings()?, lang)
        }
        Command::Mail(MailCommand::List { failed, state, limit, json }) => {
            let state = match (failed, state.as_deref()) {
                (true, _) => Some(store::MailState::Failed),
                (false, Some(name)) => Some(store::MailState::from_name(name).ok_or_else(|| {
                    anyhow::anyhow!("--state `{name}` is not a mail state; expected queued, sending, sent or failed")
                })?),
                (false, None) => None,
            };
            commands::engine_commands::mail_list(&settings()?.database_url, state, limit, json, lang)
        }
        Command::Mail(MailCommand::Retry { id }) => {
            commands::engine_commands::mail_retry(&settings()?.database_url, &id, now()?, lang)
        }
        Command::Registry(command) => registry(command, &settings()?, now()?, lang),
        Command::Task(task) => {
            let url = settings()?.database_url;
            let args = sc::TaskArgs { url: &url, now: now()?, lang };
            match task {
                TaskCommand::List { run, unit, state, overdue, json } => {
                    let state = state.as_deref().map(sc::parse_state).transpose()?;
                    sc::task_list(&args, store::TaskFilter { run, unit, state, overdue }, json)
                }
                TaskCommand::Done { id, figures, note, typical, by } => {
                    sc::task_done(&args, &id, &figures, note.as_deref(), typical, by)
                }
                TaskCommand::Waive { id, reason } => sc::task_waive(&args, &id, &reason),
                TaskCommand::Reopen { id } => sc::task_reopen(&args, &id),
                TaskCommand::History { id, json } => sc::task_history(&args, &id, json),
            }
        }
    }
}
