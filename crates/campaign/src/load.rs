//! Loading a set of files: each is parsed, recognised as a campaign, directory or holidays file,
//! validated, and cross-checked. File access is injected, so this stays free of IO.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calendar::WorkdayCalendar;

use crate::diagnostic::{self, Diagnostic, DiagnosticKind, Loc};
use crate::directory::{Directory, validate_directory};
use crate::holidays::validate_holidays;
use crate::model::Campaign;
use crate::paths::normalize;
use crate::raw::{RawCampaign, RawDirectory, RawHolidays};
use crate::read::{FromNode, Reader};
use crate::validate::{Context, referenced_files, validate_campaign};
use crate::yaml::{self, Value};

/// How the loader reaches files: the binary passes the file system, tests an in-memory map.
pub trait Files {
    /// The bytes of a file, or a one-line reason it cannot be read.
    fn read(&self, path: &Path) -> Result<Vec<u8>, String>;
    /// Whether a file exists.
    fn exists(&self, path: &Path) -> bool;
}

/// Everything loaded from a set of files. Only valid campaigns are kept.
#[derive(Clone, Debug, Default)]
pub struct Workflows {
    pub campaigns: Vec<Campaign>,
    pub directories: BTreeMap<PathBuf, Directory>,
    pub holidays: BTreeMap<PathBuf, WorkdayCalendar>,
}

impl Workflows {
    pub fn campaign(&self, id: &str) -> Option<&Campaign> {
        self.campaigns.iter().find(|c| c.id == id)
    }

    /// The directory of a valid campaign (always loaded).
    pub fn directory_of(&self, campaign: &Campaign) -> Option<&Directory> {
        self.directories.get(&campaign.directory)
    }

    /// The holiday arrangements of a campaign; empty when the file is absent (then the campaign
    /// uses no working-day offsets, or validation said so).
    pub fn workdays_of(&self, campaign: &Campaign) -> &WorkdayCalendar {
        static EMPTY: std::sync::OnceLock<WorkdayCalendar> = std::sync::OnceLock::new();
        self.holidays.get(&campaign.holidays).unwrap_or_else(|| EMPTY.get_or_init(WorkdayCalendar::default))
    }
}

/// What a file holds, recognised by its top-level keys.
enum Document {
    Campaign(Box<RawCampaign>),
    Directory(RawDirectory),
    Holidays(RawHolidays),
}

/// Loads and validates `paths` (and the directory and holiday files they refer to). Returns what
/// is valid and every diagnostic, sorted by file and position.
pub fn load(paths: &[PathBuf], files: &dyn Files) -> (Workflows, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut out = Workflows::default();
    let mut campaigns: Vec<(PathBuf, RawCampaign)> = Vec::new();
    let mut parsed: BTreeMap<PathBuf, Option<Document>> = BTreeMap::new();

    for path in paths.iter().map(|p| normalize(p)) {
        if parsed.contains_key(&path) {
            continue;
        }
        let document = read_document(&path, files, None, &mut diagnostics);
        parsed.insert(path, document);
    }
    // Directories and holiday files first: campaigns are checked against them.
    for (path, document) in &parsed {
        match document {
            Some(Document::Directory(raw)) => {
                let mut r = Reader::new(path);
                out.directories.insert(path.clone(), validate_directory(raw, &mut r));
                diagnostics.extend(r.diagnostics);
            }
            Some(Document::Holidays(raw)) => {
                let mut r = Reader::new(path);
                out.holidays.insert(path.clone(), validate_holidays(raw, &mut r));
                diagnostics.extend(r.diagnostics);
            }
            Some(Document::Campaign(raw)) => campaigns.push((path.clone(), (**raw).clone())),
            None => {}
        }
    }
    let mut seen_ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (path, raw) in &campaigns {
        let (directory_ref, holidays_path) = referenced_files(raw, path);
        // A directory or holidays file named by a campaign but not among `paths` is read now.
        if let Some(dir_ref) = &directory_ref
            && !out.directories.contains_key(&dir_ref.value)
            && !parsed.contains_key(&dir_ref.value)
        {
            let referrer = Some((path.as_path(), dir_ref.loc, "directory"));
            let document = read_document(&dir_ref.value, files, referrer, &mut diagnostics);
            if let Some(Document::Directory(raw_dir)) = &document {
                let mut r = Reader::new(&dir_ref.value);
                out.directories.insert(dir_ref.value.clone(), validate_directory(raw_dir, &mut r));
                diagnostics.extend(r.diagnostics);
            } else if document.is_some() {
                diagnostics.push(Diagnostic::new(
                    path,
                    dir_ref.loc,
                    "directory",
                    DiagnosticKind::NotAnIncludedKind { path: dir_ref.value.display().to_string() },
                ));
            }
            parsed.insert(dir_ref.value.clone(), None);
        }
        if !out.holidays.contains_key(&holidays_path) && !parsed.contains_key(&holidays_path) {
            // The holidays file is optional unless working-day offsets are used (checked in validation),
            // or unless the campaign names one explicitly.
            let explicit = raw.holidays.as_ref().map(|h| (path.as_path(), h.loc, "holidays"));
            if files.exists(&holidays_path) || explicit.is_some() {
                match read_document(&holidays_path, files, explicit, &mut diagnostics) {
                    Some(Document::Holidays(raw_h)) => {
                        let mut r = Reader::new(&holidays_path);
                        out.holidays.insert(holidays_path.clone(), validate_holidays(&raw_h, &mut r));
                        diagnostics.extend(r.diagnostics);
                    }
                    Some(_) => {
                        let (campaign, loc, field) = explicit.unwrap_or((path.as_path(), Loc::START, "holidays"));
                        let kind = DiagnosticKind::NotAnIncludedKind { path: holidays_path.display().to_string() };
                        diagnostics.push(Diagnostic::new(campaign, loc, field, kind));
                    }
                    None => {}
                }
            }
            parsed.insert(holidays_path.clone(), None);
        }
        let directory = directory_ref.as_ref().and_then(|d| out.directories.get(&d.value));
        let exists = |p: &Path| files.exists(p);
        let cx = Context { directory, has_workdays: out.holidays.contains_key(&holidays_path), file_exists: &exists };
        let mut r = Reader::new(path);
        let campaign = validate_campaign(raw, &mut r, &cx);
        diagnostics.extend(r.diagnostics);
        if let Some(id) = &raw.id {
            if let Some(other) = seen_ids.get(&id.value) {
                diagnostics.push(Diagnostic::new(
                    path,
                    id.loc,
                    "id",
                    DiagnosticKind::DuplicateCampaign { id: id.value.clone(), other_file: other.display().to_string() },
                ));
                continue;
            }
            seen_ids.insert(id.value.clone(), path.clone());
        }
        if let Some(campaign) = campaign {
            out.campaigns.push(campaign);
        }
    }
    // A directory with errors invalidates the campaigns that use it.
    let broken: Vec<PathBuf> = diagnostics.iter().map(|d| d.file.clone()).collect();
    out.campaigns.retain(|c| !broken.contains(&c.directory) && !broken.contains(&c.holidays));
    out.campaigns.sort_by(|a, b| a.id.cmp(&b.id));
    diagnostic::sort(&mut diagnostics);
    (out, diagnostics)
}

/// Reads and parses one file and recognises its kind. `referrer` is the campaign field naming the
/// file, where a missing file is reported.
fn read_document(
    path: &Path,
    files: &dyn Files,
    referrer: Option<(&Path, Loc, &str)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Document> {
    let bytes = match files.read(path) {
        Ok(bytes) => bytes,
        Err(detail) => {
            let d = match referrer {
                Some((campaign, loc, field)) => Diagnostic::new(
                    campaign,
                    loc,
                    field,
                    DiagnosticKind::MissingFile { path: path.display().to_string(), detail },
                ),
                None => Diagnostic::new(path, Loc::START, "", DiagnosticKind::Io { detail }),
            };
            diagnostics.push(d);
            return None;
        }
    };
    let node = match yaml::parse(&bytes) {
        Ok(node) => node,
        Err((loc, kind)) => {
            diagnostics.push(Diagnostic::new(path, loc, "", kind));
            return None;
        }
    };
    let Value::Map(entries) = &node.value else {
        let kind = if node.value == Value::Null {
            DiagnosticKind::EmptyDocument
        } else {
            DiagnosticKind::WrongType { expected: "mapping", found: node.value.type_name() }
        };
        diagnostics.push(Diagnostic::new(path, node.loc, "", kind));
        return None;
    };
    let has = |key: &str| entries.iter().any(|(k, _)| k.value == Value::String(key.to_string()));
    // A campaign key anywhere makes it a campaign, so a broken campaign is reported as one.
    let campaign_like = ["id", "name", "owner", "recurrence", "tasks"].iter().any(|k| has(k));
    let mut r = Reader::new(path);
    let document = if campaign_like {
        RawCampaign::from_node(&node, &mut r).map(|c| Document::Campaign(Box::new(c)))
    } else if has("holidays") {
        RawHolidays::from_node(&node, &mut r).map(Document::Holidays)
    } else if has("units") || has("levels") {
        RawDirectory::from_node(&node, &mut r).map(Document::Directory)
    } else {
        r.error(node.loc, DiagnosticKind::NotAnIncludedKind { path: path.display().to_string() });
        None
    };
    diagnostics.extend(r.diagnostics);
    document
}
