//! `guiyan plan`: the runs, tasks, reminders, escalations and reports campaigns will create in a
//! year, for administrators (text) or scripts (JSON).

use crate::output::outln;
use std::path::PathBuf;

use campaign::Lang;

use super::validate::{load_valid, print_diagnostics};

pub fn run(paths: &[PathBuf], year: i32, json: bool, lang: Lang) -> anyhow::Result<u8> {
    let range = calendar::supported_years();
    if !range.contains(&year) {
        anyhow::bail!("--year must be within {}–{}", range.start(), range.end());
    }
    let workflows = match load_valid(paths, lang)? {
        Ok(workflows) => workflows,
        Err(code) => return Ok(code),
    };
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for campaign in &workflows.campaigns {
        let Some(directory) = workflows.directory_of(campaign) else { continue };
        match plan::plan_year(campaign, directory, workflows.workdays_of(campaign), year) {
            Ok(mut planned) => runs.extend(planned.drain(..).map(|run| (campaign, directory, run))),
            Err(mut d) => problems.append(&mut d),
        }
    }
    if !problems.is_empty() {
        campaign::sort_diagnostics(&mut problems);
        print_diagnostics(&problems, false, lang);
        return Ok(1);
    }
    if json {
        let list: Vec<_> = runs.into_iter().map(|(_, _, run)| run).collect();
        outln!("{}", serde_json::to_string_pretty(&plan::to_json(&list))?);
        return Ok(0);
    }
    if runs.is_empty() {
        match lang {
            Lang::Zh => outln!("{year} 年没有需要开展的工作"),
            Lang::En => outln!("no runs in {year}"),
        }
    }
    for (i, (campaign, directory, run)) in runs.iter().enumerate() {
        if i > 0 {
            outln!("");
        }
        outln!("{}", plan::render_text(run, campaign, directory, lang).trim_end());
    }
    Ok(0)
}
