//! The books written out in the sheet's own columns (档案编号, 社区, 户籍/现居, then every field),
//! so an export imports again: .xlsx, CSV (a BOM for Excel, formula injection defused by
//! `documents::csv`) or JSON. What is masked is the store's business (`export_books`): this only
//! writes the rows it is given.

use campaign::Lang;
use documents::{Cell, Sheet, Workbook};
use store::registry::{BookRow, Shown};
use talent::{Field, Vocabulary};

use crate::error::SheetError;

/// The formats an export is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Json,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Xlsx, ExportFormat::Csv, ExportFormat::Json];

    /// `xlsx`, `csv` or `json`; anything else is refused.
    pub fn parse(text: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.extension() == text)
    }

    /// The file name's extension and the format's key.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    /// The HTTP content type of a download in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }
}

fn shown(s: &Option<Shown>) -> String {
    s.as_ref().map(|s| s.text.clone()).unwrap_or_default()
}

fn labels<V: Vocabulary>(values: &[V]) -> String {
    values.iter().map(|v| v.label(Lang::Zh)).collect::<Vec<_>>().join("、")
}

/// One row's cells in `header()` order.
fn cells(r: &BookRow) -> Vec<String> {
    let p = &r.person;
    let mut out = vec![r.archive_no.clone(), r.unit_name.clone(), r.role.label(Lang::Zh).to_string()];
    for field in Field::ALL {
        out.push(match field {
            Field::Name => p.name.clone(),
            Field::Gender => p.gender.map(|g| g.label(Lang::Zh).to_string()).unwrap_or_default(),
            Field::BirthYearMonth => p.birth_year_month.map(|b| b.to_string()).unwrap_or_default(),
            Field::IdNumber => shown(&p.id_number),
            Field::Mobile => shown(&p.mobile),
            Field::Address => shown(&p.address),
            Field::Employer => p.employer.clone().unwrap_or_default(),
            Field::WorkPlace => p.work_place.clone().unwrap_or_default(),
            Field::Category => labels(&p.categories),
            Field::Education => p.education.map(|e| e.label(Lang::Zh).to_string()).unwrap_or_default(),
            Field::Specialty => p.specialty.clone().unwrap_or_default(),
            Field::ReturnIntent => p.return_intent.label(Lang::Zh).to_string(),
            Field::FamilyNeeds => labels(&p.family_needs),
            Field::Note => p.note.clone().unwrap_or_default(),
        });
    }
    out
}

fn header() -> Vec<String> {
    let mut h = vec!["档案编号".to_string(), "社区".to_string(), "户籍/现居".to_string()];
    h.extend(Field::ALL.iter().map(|f| f.label(Lang::Zh).to_string()));
    h
}

fn json_keys() -> Vec<&'static str> {
    let mut k = vec!["archive-no", "unit", "book-role"];
    k.extend(Field::ALL.iter().map(|f| f.key()));
    k
}

/// `rows` written in `format`.
pub fn render_export(rows: &[BookRow], format: ExportFormat) -> Result<Vec<u8>, SheetError> {
    let table: Vec<Vec<String>> = rows.iter().map(cells).collect();
    match format {
        ExportFormat::Xlsx | ExportFormat::Csv => {
            let sheet = Sheet {
                name: "乡土人才".into(),
                title: None,
                header: header(),
                rows: table.into_iter().map(|r| r.into_iter().map(Cell::Text).collect()).collect(),
            };
            if format == ExportFormat::Csv {
                Ok(documents::csv::render(&sheet))
            } else {
                documents::xlsx::render(&Workbook { sheets: vec![sheet] }).map_err(|e| SheetError::Write(e.to_string()))
            }
        }
        ExportFormat::Json => {
            let keys = json_keys();
            let list: Vec<serde_json::Value> = table
                .into_iter()
                .zip(rows)
                .map(|(r, row)| {
                    // The person's number first: what `registry erase`, `pool` and `merge` take.
                    let mut object = serde_json::Map::new();
                    object.insert("id".into(), row.person.id.into());
                    object.extend(keys.iter().zip(r).map(|(k, v)| (k.to_string(), serde_json::Value::String(v))));
                    serde_json::Value::Object(object)
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&list).map_err(|e| SheetError::Write(e.to_string()))?;
            text.push('\n');
            Ok(text.into_bytes())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_is_one_of_three_and_nothing_else() {
        for format in ExportFormat::ALL {
            assert_eq!(ExportFormat::parse(format.extension()), Some(format));
        }
        assert_eq!(ExportFormat::parse("XLSX"), None);
        assert_eq!(ExportFormat::parse("pdf"), None);
    }
}
