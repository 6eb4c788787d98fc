//! Loading a set of files: each is parsed, recognised as a campaign, directory or holidays file,
//! validated, and cross-checked. File access is injected, so this stays free of IO.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calendar::WorkdayCalendar;

use crate::diagnostic::{self, Diagnostic, DiagnosticKind, FileKind, Loc, ReadProblem};
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
    /// The bytes of a file.
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadProblem>;
    /// Whether a file exists.
    fn exists(&self, path: &Path) -> bool;
}

/// Files held in memory: for tests, benches and rehearsals that generate definitions. A path not
/// in the map does not exist.
#[derive(Clone, Debug, Default)]
pub struct MemoryFiles(pub BTreeMap<PathBuf, Vec<u8>>);

impl Files for MemoryFiles {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadProblem> {
        self.0.get(path).cloned().ok_or(ReadProblem::NotFound)
    }

    fn exists(&self, path: &Path) -> bool {
        self.0.contains_key(path)
    }
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

/// What became of each file read so far.
#[derive(Clone, Debug, PartialEq)]
enum Loaded {
    /// Read and recognised; its own diagnostics (if any) are already reported.
    Kind(FileKind),
    /// Could not be read.
    Unreadable(ReadProblem),
    /// Read, but not YAML of a known kind (already reported in the file itself).
    Broken,
}

/// Loads and validates `paths` (and the directory and holiday files they refer to). Returns what
/// is valid and every diagnostic, sorted by file and position.
pub fn load(paths: &[PathBuf], files: &dyn Files) -> (Workflows, Vec<Diagnostic>) {
    let mut state = State { files, out: Workflows::default(), loaded: BTreeMap::new(), diagnostics: Vec::new() };
    let mut campaigns: Vec<(PathBuf, RawCampaign)> = Vec::new();
    for path in paths.iter().map(|p| normalize(p)) {
        if state.loaded.contains_key(&path) {
            continue;
        }
        match state.read(&path) {
            Some(Document::Campaign(raw)) => {
                state.loaded.insert(path.clone(), Loaded::Kind(FileKind::Campaign));
                campaigns.push((path, *raw));
            }
            Some(other) => state.add(&path, other),
            None => {
                if let Some(Loaded::Unreadable(problem)) = state.loaded.get(&path) {
                    let kind = DiagnosticKind::Io { problem: problem.clone() };
                    state.diagnostics.push(Diagnostic::new(&path, Loc::START, "", kind));
                }
            }
        }
    }
    let mut seen_ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (path, raw) in &campaigns {
        let (directory_ref, holidays_path) = referenced_files(raw, path);
        if let Some(dir_ref) = &directory_ref {
            state.require(&dir_ref.value, FileKind::Directory, (path, dir_ref.loc, "directory"));
        }
        // The holidays file is needed only for working-day offsets (validation says so when it is
        // missing), unless the campaign names one explicitly.
        let explicit = raw.holidays.as_ref().map(|h| h.loc);
        let holidays_ok = match explicit {
            Some(loc) => state.require(&holidays_path, FileKind::Holidays, (path, loc, "holidays")),
            None if files.exists(&holidays_path) || state.loaded.contains_key(&holidays_path) => {
                state.require(&holidays_path, FileKind::Holidays, (path, Loc::START, "holidays"))
            }
            None => false,
        };
        let directory = directory_ref.as_ref().and_then(|d| state.out.directories.get(&d.value));
        let exists = |p: &Path| files.exists(p);
        // An explicit holidays reference that failed is reported already; don't add "missing".
        let has_workdays = holidays_ok || explicit.is_some();
        let cx = Context { directory, has_workdays, file_exists: &exists };
        let mut r = Reader::new(path);
        let campaign = validate_campaign(raw, &mut r, &cx);
        state.diagnostics.extend(r.diagnostics);
        if let Some(id) = &raw.id {
            if let Some(other) = seen_ids.get(&id.value) {
                let kind =
                    DiagnosticKind::DuplicateCampaign { id: id.value.clone(), other_file: other.display().to_string() };
                state.diagnostics.push(Diagnostic::new(path, id.loc, "id", kind));
                continue;
            }
            seen_ids.insert(id.value.clone(), path.clone());
        }
        state.out.campaigns.extend(campaign);
    }
    let State { mut out, mut diagnostics, .. } = state;
    // A campaign is valid only if its own file, its directory and its holidays file are.
    let broken: std::collections::BTreeSet<&PathBuf> = diagnostics.iter().map(|d| &d.file).collect();
    out.campaigns
        .retain(|c| !broken.contains(&c.source) && !broken.contains(&c.directory) && !broken.contains(&c.holidays));
    out.campaigns.sort_by(|a, b| a.id.cmp(&b.id));
    diagnostic::sort(&mut diagnostics);
    (out, diagnostics)
}

struct State<'a> {
    files: &'a dyn Files,
    out: Workflows,
    loaded: BTreeMap<PathBuf, Loaded>,
    diagnostics: Vec<Diagnostic>,
}

impl State<'_> {
    /// Validates a directory or holidays document and records it.
    fn add(&mut self, path: &Path, document: Document) {
        let mut r = Reader::new(path);
        let kind = match document {
            Document::Directory(raw) => {
                self.out.directories.insert(path.to_path_buf(), validate_directory(&raw, &mut r));
                FileKind::Directory
            }
            Document::Holidays(raw) => {
                self.out.holidays.insert(path.to_path_buf(), validate_holidays(&raw, &mut r));
                FileKind::Holidays
            }
            Document::Campaign(_) => FileKind::Campaign,
        };
        self.diagnostics.extend(r.diagnostics);
        self.loaded.insert(path.to_path_buf(), Loaded::Kind(kind));
    }

    /// Makes sure a file a campaign refers to is loaded and of the expected kind; otherwise reports
    /// the problem at the campaign's field (for every campaign that refers to it). Returns whether
    /// the file is usable.
    fn require(&mut self, path: &Path, expected: FileKind, referrer: (&Path, Loc, &str)) -> bool {
        if !self.loaded.contains_key(path)
            && let Some(document) = self.read(path)
        {
            self.add(path, document);
        }
        let (campaign, loc, field) = referrer;
        let kind = match self.loaded.get(path) {
            Some(Loaded::Kind(kind)) if *kind == expected => return true,
            Some(Loaded::Kind(_)) => DiagnosticKind::WrongFileKind { path: path.display().to_string(), expected },
            Some(Loaded::Unreadable(problem)) => {
                DiagnosticKind::MissingFile { path: path.display().to_string(), problem: problem.clone() }
            }
            Some(Loaded::Broken) | None => return false,
        };
        self.diagnostics.push(Diagnostic::new(campaign, loc, field, kind));
        false
    }

    /// Reads and parses one file and recognises its kind, recording unreadable and broken files.
    fn read(&mut self, path: &Path) -> Option<Document> {
        let bytes = match self.files.read(path) {
            Ok(bytes) => bytes,
            Err(problem) => {
                self.loaded.insert(path.to_path_buf(), Loaded::Unreadable(problem));
                return None;
            }
        };
        self.loaded.insert(path.to_path_buf(), Loaded::Broken);
        let node = match yaml::parse(&bytes) {
            Ok(node) => node,
            Err((loc, kind)) => {
                self.diagnostics.push(Diagnostic::new(path, loc, "", kind));
                return None;
            }
        };
        let Value::Map(entries) = &node.value else {
            let kind = if node.value == Value::Null {
                DiagnosticKind::EmptyDocument
            } else {
                DiagnosticKind::WrongType { expected: "mapping", found: node.value.type_name() }
            };
            self.diagnostics.push(Diagnostic::new(path, node.loc, "", kind));
            return None;
        };
        let has = |key: &str| entries.iter().any(|(k, _)| k.value == Value::String(key.to_string()));
        // A campaign key anywhere makes it a campaign, so a broken campaign is reported as one.
        let campaign_like = ["id", "name", "owner", "recurrence", "tasks"].iter().any(|k| has(k));
        let mut r = Reader::with_source(path, yaml::source_text(&bytes));
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
        self.diagnostics.extend(r.diagnostics);
        document
    }
}
