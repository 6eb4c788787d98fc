//! `guiyan registry import FILE [--unit UNIT] [--errors OUT.xlsx]`: a sheet's rows validated and
//! entered through the matching ladder in one transaction; every row not entered handed back in
//! an errors workbook — the row as it was and a 原因 column — to fix and import again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use campaign::Lang;
use store::registry::{Entered, NewPerson};
use talent::{BookRole, PersonDraft};

use super::sheet::{self, CONFIRM_HEADER, Column, REASON_HEADER, Row};
use super::{Ctx, keys, viewer};
use crate::output::{errln, outln};

/// A row handed back, with its reason.
struct Rejected {
    row: Row,
    reason: String,
    /// Held as a possible duplicate: the worker may confirm it is someone else.
    candidate: bool,
}

/// Imports `file`; exit 0 when every row was entered or already there, 1 when rows came back.
pub fn import(ctx: &Ctx, file: &Path, unit: Option<&str>, errors: Option<&Path>) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let sheet = sheet::read(file)?;
    let unknown = sheet.unknown_headers();
    if !unknown.is_empty() {
        match lang {
            Lang::Zh => errln!("注意：以下列不是排查统计表的列，未导入：{}", unknown.join("、")),
            Lang::En => {
                errln!("note: these columns are not of the sheet and were not imported: {}", unknown.join(", "))
            }
        }
    }
    let has_unit_column = sheet.columns.contains(&Column::Unit);
    if unit.is_none() && !has_unit_column {
        anyhow::bail!(match lang {
            Lang::Zh => "请用 --unit 指明这张表属于哪个社区，或在表中加“社区”列（填社区名称或代码）",
            Lang::En => "say which community the sheet is of with --unit, or add a 社区 column (a unit's name or id)",
        });
    }
    let vault = keys::open(ctx.settings, lang)?;
    let today = ctx.now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let errors_path = errors.map(Path::to_path_buf).unwrap_or_else(|| default_errors_path(file));
    super::with_store(&ctx.settings.database_url, lang, async |store| {
        let default_unit = match unit {
            Some(text) => match store::registry::find_unit(store, text).await? {
                Some((id, _)) => Some(id),
                None => return Err(store::registry::RegistryError::NoSuchUnit(text.to_string()).into()),
            },
            None => None,
        };
        let mut units: HashMap<String, Option<String>> = HashMap::new();
        let mut rejected = Vec::new();
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
                    Column::Confirm => confirmed = sheet::confirms(cell),
                    Column::Ignored => {}
                }
            }
            let mut reasons = Vec::new();
            let row_unit = if unit_text.is_empty() {
                default_unit.clone()
            } else {
                if !units.contains_key(&unit_text) {
                    let found = store::registry::find_unit(store, &unit_text).await?.map(|(id, _)| id);
                    units.insert(unit_text.clone(), found);
                }
                units.get(&unit_text).cloned().flatten()
            };
            if row_unit.is_none() {
                reasons.push(match lang {
                    Lang::Zh if unit_text.is_empty() => "社区：必填（或用 --unit 指明）".to_string(),
                    Lang::Zh => format!("社区：单位目录中没有“{unit_text}”"),
                    Lang::En if unit_text.is_empty() => "社区: required (or give --unit)".to_string(),
                    Lang::En => format!("社区: no unit “{unit_text}” in the directory"),
                });
            }
            match talent::validate(&draft, today) {
                Err(field_errors) => reasons.extend(field_errors.iter().map(|e| e.render(lang))),
                Ok(fields) => {
                    if let (Some(unit), true) = (&row_unit, reasons.is_empty()) {
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
                rejected.push(Rejected { row: row.clone(), reason: reasons.join(separator(lang)), candidate: false });
            }
        }
        let outcomes = store::registry::import_persons(store, &vault, &viewer(), &valid, &source, ctx.now).await?;
        let (mut added, mut registered, mut linked) = (0, 0, 0);
        for (new, outcome) in valid.iter().zip(&outcomes) {
            match outcome {
                Entered::Added { .. } => added += 1,
                Entered::AlreadyRegistered { .. } => registered += 1,
                Entered::Linked { .. } => {
                    linked += 1;
                    if let Some(notice) = outcome.notice(lang) {
                        match lang {
                            Lang::Zh => outln!("第{}行：{notice}", new.row),
                            Lang::En => outln!("row {}: {notice}", new.row),
                        }
                    }
                }
                Entered::Held(hold) => {
                    if let Some(row) = rows_of.remove(&new.row) {
                        let candidate = matches!(hold, store::registry::Hold::Candidate { .. });
                        let mut reason = hold.message(lang);
                        if candidate {
                            reason.push_str(match lang {
                                Lang::Zh => "。核对后确是另一人的，请在“确认为另一人”列填“是”后再次导入",
                                Lang::En => {
                                    ". If it is someone else, write 是 in the 确认为另一人 column and import again"
                                }
                            });
                        }
                        rejected.push(Rejected { row, reason, candidate });
                    }
                }
            }
        }
        rejected.sort_by_key(|r| r.row.line);
        let written = if rejected.is_empty() {
            None
        } else {
            write_errors(&errors_path, &sheet, &rejected).map_err(|e| store::StoreError::Database(format!("{e:#}")))?;
            Some(errors_path.clone())
        };
        print_summary(lang, added, registered, linked, rejected.len(), written.as_deref());
        Ok(u8::from(!rejected.is_empty()))
    })
}

fn separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "；",
        Lang::En => "; ",
    }
}

/// `台账.xlsx` → `台账.errors.xlsx` beside it.
fn default_errors_path(file: &Path) -> PathBuf {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "registry".into());
    file.with_file_name(format!("{stem}.errors.xlsx"))
}

/// The errors workbook: the sheet's header (a previous 原因 and 确认为另一人 dropped), 确认为另一人
/// when a row was held as a possible duplicate, and 原因; then each rejected row as it was with
/// its reason.
fn write_errors(path: &Path, sheet: &sheet::Sheet, rejected: &[Rejected]) -> anyhow::Result<()> {
    let keep: Vec<usize> = (0..sheet.header.len())
        .filter(|i| sheet.header[*i].trim() != REASON_HEADER && sheet.columns.get(*i) != Some(&Column::Confirm))
        .collect();
    let with_confirm = rejected.iter().any(|r| r.candidate);
    let mut header: Vec<String> = keep.iter().map(|i| sheet.header[*i].clone()).collect();
    if with_confirm {
        header.push(CONFIRM_HEADER.to_string());
    }
    header.push(REASON_HEADER.to_string());
    let rows = rejected
        .iter()
        .map(|r| {
            let mut cells: Vec<documents::Cell> =
                keep.iter().map(|i| documents::Cell::text(r.row.cells.get(*i).cloned().unwrap_or_default())).collect();
            if with_confirm {
                cells.push(documents::Cell::Empty);
            }
            cells.push(documents::Cell::text(r.reason.clone()));
            cells
        })
        .collect();
    let book =
        documents::Workbook { sheets: vec![documents::Sheet { name: "待修正".into(), title: None, header, rows }] };
    let bytes = documents::xlsx::render(&book).context("cannot write the errors workbook")?;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

fn print_summary(lang: Lang, added: usize, registered: usize, linked: usize, rejected: usize, errors: Option<&Path>) {
    match lang {
        Lang::Zh => {
            outln!(
                "新登记 {added} 人，{registered} 人此前已登记，{linked} 人已在其他社区登记、现同时列入本册，{rejected} 行未导入"
            );
            if let Some(path) = errors {
                outln!("未导入的行及原因已写入 {}：请在该文件中改正后再次导入", path.display());
            }
        }
        Lang::En => {
            outln!(
                "{added} added, {registered} already registered, {linked} linked from another community's book, {rejected} rejected"
            );
            if let Some(path) = errors {
                outln!(
                    "the rejected rows and their reasons are in {}: fix them there and import that file",
                    path.display()
                );
            }
        }
    }
}
