//! Importing a sheet: each row validated (`talent::validate`, the entry form's rules), its unit
//! found (the 社区 column, else the importer's own) and checked against the importer's scope, the
//! valid rows entered through the matching ladder in one transaction (`store::registry::
//! import_persons`), and every row not entered handed back with its reason in an errors workbook —
//! the row as it was and a 原因 column — to fix and import again.

use std::collections::HashMap;

use campaign::Lang;
use chrono::{DateTime, NaiveDate, Utc};
use store::registry::{Entered, Hold, NewPerson, Viewer};
use store::{Store, StoreError};
use talent::{BookRole, PersonDraft};
use vault::Vault;

use crate::error::SheetError;
use crate::sheet::{CONFIRM_HEADER, Column, REASON_HEADER, Row, Sheet, confirms};

/// A row handed back, with its reason.
#[derive(Clone, Debug)]
pub struct Rejected {
    pub row: Row,
    pub reason: String,
    /// Held as a possible duplicate: the worker may confirm it is someone else (确认为另一人).
    pub candidate: bool,
}

/// What an import did.
#[derive(Clone, Debug, Default)]
pub struct ImportOutcome {
    /// New persons entered.
    pub added: usize,
    /// Rows of persons already in their book: nothing changed.
    pub registered: usize,
    /// Persons already in another community's book, now in this one too.
    pub linked: usize,
    /// What the worker is told of a row entered (a link into another book: that book's name only),
    /// by the row's line.
    pub notices: Vec<(usize, String)>,
    /// The rows not entered, by line.
    pub rejected: Vec<Rejected>,
    /// Headers that are neither the sheet's fields nor the importer's own: not imported.
    pub unknown_headers: Vec<String>,
}

/// Imports `sheet` as `viewer`. A row's unit is its 社区 cell (a unit's id or name), else
/// `default_unit` (an id); a unit outside the viewer's scope or not in the directory sends the row
/// back, as does any field's problem. `source` (the file's name) goes to the access log.
#[allow(clippy::too_many_arguments)] // the store's and the sheet's inputs, each needed
pub async fn import_sheet(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    sheet: &Sheet,
    default_unit: Option<&str>,
    source: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<ImportOutcome, StoreError> {
    let mut outcome = ImportOutcome {
        unknown_headers: sheet.unknown_headers().into_iter().map(str::to_string).collect(),
        ..Default::default()
    };
    // Each unit named in the sheet, found once: its id, or why the row cannot go there.
    let mut units: HashMap<String, Result<String, String>> = HashMap::new();
    let mut valid = Vec::new();
    let mut rows_of: HashMap<usize, Row> = HashMap::new();
    for row in &sheet.rows {
        let mut draft = PersonDraft::default();
        let mut unit_text = String::new();
        let mut confirmed = false;
        for (column, cell) in sheet.columns.iter().zip(&row.cells) {
            match column {
                Column::Field(field) => draft.set(*field, cell.clone()),
                Column::Unit => unit_text = cell.trim().to_string(),
                Column::Confirm => confirmed = confirms(cell),
                Column::Ignored => {}
            }
        }
        let mut reasons = Vec::new();
        let unit = if unit_text.is_empty() {
            default_unit.map(str::to_string).ok_or_else(|| match lang {
                Lang::Zh => "社区：必填".to_string(),
                Lang::En => "社区: required".to_string(),
            })
        } else {
            if !units.contains_key(&unit_text) {
                let found = find_in_scope(store, viewer, &unit_text, lang).await?;
                units.insert(unit_text.clone(), found);
            }
            units.get(&unit_text).cloned().unwrap_or_else(|| Err(String::new()))
        };
        if let Err(reason) = &unit {
            reasons.push(reason.clone());
        }
        match talent::validate(&draft, today) {
            Err(field_errors) => reasons.extend(field_errors.iter().map(|e| e.render(lang))),
            Ok(fields) => {
                if let (Ok(unit), true) = (&unit, reasons.is_empty()) {
                    valid.push(NewPerson {
                        row: row.line,
                        unit: unit.clone(),
                        role: BookRole::Registered,
                        fields,
                        told: None,
                        confirmed,
                    });
                    rows_of.insert(row.line, row.clone());
                }
            }
        }
        if !reasons.is_empty() {
            outcome.rejected.push(Rejected {
                row: row.clone(),
                reason: reasons.join(separator(lang)),
                candidate: false,
            });
        }
    }
    let entered = store::registry::import_persons(store, vault, viewer, &valid, source, now).await?;
    for (new, entered) in valid.iter().zip(&entered) {
        match entered {
            Entered::Added { .. } => outcome.added += 1,
            Entered::AlreadyRegistered { .. } => outcome.registered += 1,
            Entered::Linked { .. } => {
                outcome.linked += 1;
                if let Some(notice) = entered.notice(lang) {
                    outcome.notices.push((new.row, notice));
                }
            }
            Entered::Held(hold) => {
                if let Some(row) = rows_of.remove(&new.row) {
                    let candidate = matches!(hold, Hold::Candidate { .. });
                    let mut reason = hold.message(lang);
                    if candidate {
                        reason.push_str(match lang {
                            Lang::Zh => "。核对后确是另一人的，请在“确认为另一人”列填“是”后再次导入",
                            Lang::En => ". If it is someone else, write 是 in the 确认为另一人 column and import again",
                        });
                    }
                    outcome.rejected.push(Rejected { row, reason, candidate });
                }
            }
        }
    }
    outcome.rejected.sort_by_key(|r| r.row.line);
    Ok(outcome)
}

/// The unit a sheet names (its id or its name), if the viewer may enter persons there; else why not.
async fn find_in_scope(
    store: &Store,
    viewer: &Viewer,
    text: &str,
    lang: Lang,
) -> Result<Result<String, String>, StoreError> {
    let Some((id, name)) = store::registry::find_unit(store, text).await? else {
        return Ok(Err(match lang {
            Lang::Zh => format!("社区：单位目录中没有“{text}”"),
            Lang::En => format!("社区: no unit “{text}” in the directory"),
        }));
    };
    if store::registry::unit_in_scope(store, &viewer.scope, &id).await? {
        Ok(Ok(id))
    } else {
        Ok(Err(match lang {
            Lang::Zh => format!("社区：“{name}”不在本单位的范围内，不能登记到该社区"),
            Lang::En => format!("社区: “{name}” is outside your unit's scope"),
        }))
    }
}

fn separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "；",
        Lang::En => "; ",
    }
}

impl ImportOutcome {
    /// The errors workbook, when rows came back: the sheet's header (a previous 原因 and
    /// 确认为另一人 dropped), 确认为另一人 when a row was held as a possible duplicate, and 原因;
    /// then each rejected row as it was, with its reason.
    pub fn errors_workbook(&self, sheet: &Sheet) -> Result<Option<Vec<u8>>, SheetError> {
        if self.rejected.is_empty() {
            return Ok(None);
        }
        let keep: Vec<usize> = (0..sheet.header.len())
            .filter(|i| sheet.header[*i].trim() != REASON_HEADER && sheet.columns.get(*i) != Some(&Column::Confirm))
            .collect();
        let with_confirm = self.rejected.iter().any(|r| r.candidate);
        let mut header: Vec<String> = keep.iter().map(|i| sheet.header[*i].clone()).collect();
        if with_confirm {
            header.push(CONFIRM_HEADER.to_string());
        }
        header.push(REASON_HEADER.to_string());
        let rows = self
            .rejected
            .iter()
            .map(|r| {
                let mut cells: Vec<documents::Cell> = keep
                    .iter()
                    .map(|i| documents::Cell::text(r.row.cells.get(*i).cloned().unwrap_or_default()))
                    .collect();
                if with_confirm {
                    cells.push(documents::Cell::Empty);
                }
                cells.push(documents::Cell::text(r.reason.clone()));
                cells
            })
            .collect();
        let book = documents::Workbook {
            sheets: vec![documents::Sheet { name: "待修正".into(), title: None, header, rows }],
        };
        documents::xlsx::render(&book).map(Some).map_err(|e| SheetError::Write(e.to_string()))
    }
}
