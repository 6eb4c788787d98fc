//! `guiyan report CAMPAIGN/RUN`: a run's report in any format — the progress report, the work
//! report or the campaign's own template — from the run as it stands now, or from the snapshot the
//! engine froze at a report time (`--at`), so a report sent earlier can be written again.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use campaign::{Lang, Report, ReportTemplate};
use chrono::{DateTime, Utc};

use super::store_commands::{runtime, store_exit};
use super::validate::load_valid;
use crate::output::{errln, outln};

/// The formats a report is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Plain text (the default; for the terminal and mail).
    Text,
    /// Markdown.
    Md,
    /// A standalone HTML page.
    Html,
    /// Word, in the layout offices exchange (needs -o).
    Docx,
    /// The Excel ledger: a summary sheet and one sheet per task (needs -o).
    Xlsx,
    /// Every task as one CSV table, UTF-8 with a BOM for Excel.
    Csv,
    /// The report's data.
    Json,
}

impl ReportFormat {
    fn is_binary(self) -> bool {
        matches!(self, ReportFormat::Docx | ReportFormat::Xlsx)
    }
}

/// What `guiyan report` was asked.
pub struct ReportArgs<'a> {
    pub database_url: &'a str,
    pub paths: &'a [PathBuf],
    pub run: &'a str,
    pub template: Option<&'a str>,
    pub at: Option<DateTime<Utc>>,
    pub format: ReportFormat,
    pub output: Option<&'a Path>,
    pub now: DateTime<Utc>,
}

/// The report declaration `--template` names: a report id of the campaign, or a built-in
/// (`progress`, `work-report`) used with the campaign's own declaration of it if there is one.
/// Without `--template`: the campaign's work report, else its first report, else the progress
/// report. An unknown name gives the names there are.
fn choose<'c>(campaign: &'c campaign::Campaign, template: Option<&str>) -> Result<Cow<'c, Report>, String> {
    match template {
        None => Ok(campaign
            .reports
            .iter()
            .find(|r| r.template == ReportTemplate::WorkReport)
            .or_else(|| campaign.reports.first())
            .map(Cow::Borrowed)
            .unwrap_or_else(|| report::declared_or_built_in(campaign, ReportTemplate::Progress))),
        Some(id) => match campaign.reports.iter().find(|r| r.id == id) {
            Some(report) => Ok(Cow::Borrowed(report)),
            None if id == "progress" => Ok(report::declared_or_built_in(campaign, ReportTemplate::Progress)),
            None if id == "work-report" => Ok(report::declared_or_built_in(campaign, ReportTemplate::WorkReport)),
            None => {
                let mut known: Vec<&str> = campaign.reports.iter().map(|r| r.id.as_str()).collect();
                known.extend(["progress", "work-report"]);
                Err(known.join(", "))
            }
        },
    }
}

/// Runs `guiyan report`.
pub fn run(args: ReportArgs<'_>, lang: Lang) -> anyhow::Result<u8> {
    let workflows = match load_valid(args.paths, lang)? {
        Ok(workflows) => workflows,
        Err(code) => return Ok(code),
    };
    let Some((campaign_id, run_key)) = args.run.split_once('/') else {
        errln!(
            "{}",
            match lang {
                Lang::Zh => format!("guiyan: 请写成 活动/轮次，例如 spring-festival/2027（收到 `{}`）", args.run),
                Lang::En =>
                    format!("guiyan: name the run as CAMPAIGN/RUN, e.g. spring-festival/2027 (got `{}`)", args.run),
            }
        );
        return Ok(2);
    };
    let Some(campaign) = workflows.campaign(campaign_id) else {
        let known: Vec<&str> = workflows.campaigns.iter().map(|c| c.id.as_str()).collect();
        errln!(
            "{}",
            match lang {
                Lang::Zh => format!("guiyan: 没有活动 `{campaign_id}`（已有：{}）", known.join("、")),
                Lang::En => format!("guiyan: no campaign `{campaign_id}` (there are: {})", known.join(", ")),
            }
        );
        return Ok(2);
    };
    let definition = match choose(campaign, args.template) {
        Ok(definition) => definition,
        Err(known) => {
            let asked = args.template.unwrap_or_default();
            errln!(
                "{}",
                match lang {
                    Lang::Zh => format!("guiyan: 活动 {campaign_id} 没有报告 `{asked}`（可用：{known}）"),
                    Lang::En => format!("guiyan: campaign {campaign_id} has no report `{asked}` (there are: {known})"),
                }
            );
            return Ok(2);
        }
    };
    if args.format.is_binary() && args.output.is_none() {
        errln!(
            "{}",
            match lang {
                Lang::Zh => "guiyan: docx 和 xlsx 是文件格式，请用 -o 指定要写入的文件，例如 -o 情况报告.docx",
                Lang::En => "guiyan: docx and xlsx are files; name one with -o, e.g. -o report.docx",
            }
        );
        return Ok(2);
    }
    let rt = runtime()?;
    let loaded = rt.block_on(load_snapshots(args.database_url, campaign, run_key, &definition.id, args.at, args.now));
    let loaded = match loaded {
        Ok(Some(loaded)) => loaded,
        Ok(None) => {
            errln!("{}", no_snapshot(campaign_id, run_key, &definition.id, args.at, lang));
            return Ok(1);
        }
        Err(e) => return Ok(store_exit(&e, lang)),
    };
    let compared = report::Compared {
        snapshot: &loaded.snapshot,
        previous: loaded.previous.as_ref(),
        last_season: loaded.last_season.as_ref(),
    };
    // The report is written in its campaign's language, as its mail is; `--lang` words messages.
    let bytes = render(&definition, compared, args.format, campaign.locale.into())?;
    match args.output {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
            outln!(
                "{}",
                match lang {
                    Lang::Zh => format!("已写入 {}（{} 字节）", path.display(), bytes.len()),
                    Lang::En => format!("wrote {} ({} bytes)", path.display(), bytes.len()),
                }
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes).context("cannot write the report")?;
        }
    }
    Ok(0)
}

fn no_snapshot(campaign: &str, run: &str, report: &str, at: Option<DateTime<Utc>>, lang: Lang) -> String {
    match (at, lang) {
        (Some(at), Lang::Zh) => format!(
            "guiyan: {campaign}/{run} 在 {at} 及以前没有报告 {report} 的快照（快照只在报告时间由引擎生成；不加 --at 则按当前数据生成）"
        ),
        (Some(at), Lang::En) => format!(
            "guiyan: {campaign}/{run} has no snapshot of report {report} at or before {at} (the engine takes them at report times; without --at the report is written from the run as it stands)"
        ),
        (None, Lang::Zh) => format!("guiyan: 数据库中没有 {campaign}/{run} 这一轮（先 guiyan apply 或 guiyan run）"),
        (None, Lang::En) => {
            format!("guiyan: there is no run {campaign}/{run} in the database (guiyan apply or guiyan run first)")
        }
    }
}

/// The snapshot a report is written from, with the ones it is compared with.
struct Loaded {
    snapshot: report::Snapshot,
    previous: Option<report::Snapshot>,
    last_season: Option<report::Snapshot>,
}

async fn load_snapshots(
    url: &str,
    campaign: &campaign::Campaign,
    run: &str,
    report_id: &str,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<Loaded>, store::StoreError> {
    let store = store::Store::open_to_read(url).await?;
    let stored = store::snapshots_of_run(&store, &campaign.id, run).await?;
    let of_report: Vec<&(i64, String, i64)> = stored.iter().filter(|(_, r, _)| r == report_id).collect();
    match at {
        Some(at) => {
            let Some((id, _, _)) = of_report.iter().rev().find(|(_, _, scheduled)| *scheduled <= at.timestamp()) else {
                return Ok(None);
            };
            Ok(store::snapshot(&store, *id).await?.map(|s| Loaded {
                snapshot: s.snapshot,
                previous: s.previous,
                last_season: s.last_season,
            }))
        }
        None => {
            let Some(snapshot) = store::snapshot_now(&store, campaign, run, now).await? else { return Ok(None) };
            // Compared with the last one sent of the same report.
            let previous = match of_report.last() {
                Some((id, _, _)) => store::snapshot(&store, *id).await?.map(|s| s.snapshot),
                None => None,
            };
            Ok(Some(Loaded { snapshot, previous, last_season: None }))
        }
    }
}

/// The report's bytes in `format`.
fn render(
    definition: &Report,
    compared: report::Compared<'_>,
    format: ReportFormat,
    lang: Lang,
) -> anyhow::Result<Vec<u8>> {
    let document = || engine::report_document(definition, compared, lang, report::Length::Full);
    let html_lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    Ok(match format {
        ReportFormat::Text => documents::text::render(&document()?).into_bytes(),
        ReportFormat::Md => documents::markdown::render(&document()?).into_bytes(),
        ReportFormat::Html => documents::html::render_page(&document()?, html_lang).into_bytes(),
        ReportFormat::Docx => documents::docx::render(&document()?)?,
        ReportFormat::Xlsx => documents::xlsx::render(&report::ledger(compared.snapshot, &definition.title, lang))?,
        ReportFormat::Csv => documents::csv::render(&report::flat_ledger(compared.snapshot, lang)),
        ReportFormat::Json => {
            let mut text = serde_json::to_string_pretty(&compared.data(&definition.title))?;
            text.push('\n');
            text.into_bytes()
        }
    })
}
