//! Which runs to materialize: the runs open now (for `guiyan apply` and the engine's start) or only
//! those whose time came and are not yet in the database (each tick), with the definitions' text.

use std::collections::HashSet;

use campaign::{Diagnostic, Workflows};
use chrono::{DateTime, Utc};
use plan::PlannedRun;

use crate::error::EngineError;

/// The text of every campaign file, recorded with each applied version.
pub fn definitions(workflows: &Workflows) -> Result<Vec<store::Definition>, EngineError> {
    workflows
        .campaigns
        .iter()
        .map(|campaign| {
            let source = std::fs::read_to_string(&campaign.source)
                .map_err(|e| EngineError::Read { path: campaign.source.clone(), detail: e.to_string() })?;
            Ok(store::Definition { campaign: campaign.id.clone(), path: campaign.source.display().to_string(), source })
        })
        .collect()
}

/// Every run open at `now`, planned, except those `known` (campaign, key) already materialized.
pub fn runs_to_open(
    workflows: &Workflows,
    now: DateTime<Utc>,
    known: &HashSet<(String, String)>,
) -> Result<Vec<PlannedRun>, Vec<Diagnostic>> {
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for campaign in &workflows.campaigns {
        let Some(directory) = workflows.directory_of(campaign) else { continue };
        let exists = |key: &str| known.contains(&(campaign.id.clone(), key.to_string()));
        match plan::runs_to_open(campaign, directory, workflows.workdays_of(campaign), now, exists) {
            Ok(planned) => runs.extend(planned),
            Err(d) => problems.extend(d),
        }
    }
    if problems.is_empty() {
        Ok(runs)
    } else {
        campaign::sort_diagnostics(&mut problems);
        Err(problems)
    }
}

/// When the next run of any campaign opens after `now`.
pub fn next_opening(workflows: &Workflows, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    workflows
        .campaigns
        .iter()
        .filter_map(|campaign| plan::next_opening(campaign, workflows.workdays_of(campaign), now))
        .min()
}
