//! From a campaign's report declaration and a snapshot to the document it asks for: the built-in
//! progress report or work report. (A tera template over the same data is rendered by the caller,
//! which reads the file; see [`ReportData`].)

use std::borrow::Cow;

use campaign::{Base, Campaign, Lang, Locale, Report, ReportTemplate, ReportWhen, TimeExpr};
use documents::Document;
use serde::Serialize;

use crate::progress::Progress;
use crate::progress_report::{Length, progress_document};
use crate::snapshot::Snapshot;
use crate::work_report::work_report_document;

/// A snapshot with the two it is compared with.
#[derive(Clone, Copy, Debug)]
pub struct Compared<'a> {
    pub snapshot: &'a Snapshot,
    /// The previous snapshot of the same report of the same run (较上期).
    pub previous: Option<&'a Snapshot>,
    /// Last season's snapshot of the same report at the same point (同比).
    pub last_season: Option<&'a Snapshot>,
}

/// Everything a report says, as data: what a tera template is given, and what `--format json`
/// prints.
#[derive(Clone, Debug, Serialize)]
pub struct ReportData<'a> {
    pub title: &'a str,
    pub snapshot: &'a Snapshot,
    pub progress: Progress,
}

impl<'a> Compared<'a> {
    /// The report's data.
    pub fn data(&self, title: &'a str) -> ReportData<'a> {
        ReportData {
            title,
            snapshot: self.snapshot,
            progress: Progress::of(self.snapshot, self.previous, self.last_season),
        }
    }
}

/// The campaign's own declaration of a built-in `template` (progress or work report), or one made
/// up for it — titled after the campaign, due at the close, sent to nobody: what `guiyan report`
/// and the dashboard's downloads write when the campaign declares none.
pub fn declared_or_built_in(campaign: &Campaign, template: ReportTemplate) -> Cow<'_, Report> {
    if let Some(declared) = campaign.reports.iter().find(|r| r.template == template) {
        return Cow::Borrowed(declared);
    }
    let (id, title) = match (&template, campaign.locale) {
        (ReportTemplate::WorkReport, Locale::ZhCn) => ("work-report", format!("{}情况报告", campaign.name)),
        (ReportTemplate::WorkReport, Locale::En) => ("work-report", format!("{}: work report", campaign.name)),
        (_, Locale::ZhCn) => ("progress", format!("{}进度通报", campaign.name)),
        (_, Locale::En) => ("progress", format!("{}: progress report", campaign.name)),
    };
    Cow::Owned(Report {
        id: id.to_string(),
        title,
        when: ReportWhen::At(TimeExpr { base: Base::Close, offset: None }),
        to: Vec::new(),
        template,
        layout: None,
        loc: Default::default(),
    })
}

/// The document `report` asks for. A tera file template is not a document: `None`.
pub fn report_document(report: &Report, compared: Compared<'_>, lang: Lang, length: Length) -> Option<Document> {
    match &report.template {
        ReportTemplate::Progress => {
            let progress = Progress::of(compared.snapshot, compared.previous, compared.last_season);
            Some(progress_document(compared.snapshot, &progress, &report.title, lang, length))
        }
        ReportTemplate::WorkReport => {
            Some(work_report_document(compared.snapshot, &report.title, report.layout.as_ref(), lang))
        }
        ReportTemplate::File(_) => None,
    }
}

/// A document from the text a tera report template wrote: the first line is the title; a line
/// that opens with a section number ("一、", "1. ") is a heading; every other line a paragraph.
pub fn text_document(text: &str) -> Document {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut doc = Document::new(lines.next().unwrap_or_default());
    for line in lines {
        let numbered = line
            .split_once('、')
            .is_some_and(|(head, _)| !head.is_empty() && head.chars().all(|c| "一二三四五六七八九十".contains(c)));
        if numbered {
            doc.blocks.push(documents::Block::heading(1, line));
        } else {
            doc.blocks.push(documents::Block::paragraph(line));
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_text_becomes_a_document() {
        let doc = text_document("报告\n\n　一、部署\n内容\n");
        assert_eq!(doc.title, "报告");
        assert_eq!(doc.blocks, vec![documents::Block::heading(1, "一、部署"), documents::Block::paragraph("内容")]);
    }
}
