//! The `guiyan` command line: parses arguments, wires the crates together, sets exit codes.

mod commands;
mod files;
mod lang;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use output::errln;

/// 归雁 guiyan — recurring outreach campaigns, from YAML to tasks, reminders and reports.
#[derive(Debug, Parser)]
#[command(name = "guiyan", version, about, long_about = None)]
struct Cli {
    /// Language of messages: zh (简体中文) or en. Default: from LC_ALL / LC_MESSAGES / LANG, else zh.
    #[arg(long, global = true, value_name = "zh|en")]
    lang: Option<String>,
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
    /// Print the JSON Schema of campaign, directory or holiday files.
    Schema {
        /// Which file kind.
        #[arg(value_enum, default_value = "campaign")]
        kind: commands::schema::Kind,
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
    let outcome = match cli.command {
        Command::Validate { paths, json } => commands::validate::run(&paths, json, lang),
        Command::Calendar { year, from, to, json } => commands::calendar::run(year, from, to, json, lang),
        Command::Plan { paths, year, json } => commands::plan::run(&paths, year, json, lang),
        Command::Schema { kind } => commands::schema::run(kind),
    };
    match outcome {
        Ok(code) => code.into(),
        Err(err) => {
            errln!("guiyan: {err:#}");
            ExitCode::from(2)
        }
    }
}
