//! `guiyan registry export`: the books in xlsx, CSV (BOM, formula injection defused by
//! `documents::csv`) or JSON; masked unless `--reveal --reason TEXT`, which the access log keeps.
//! The columns are the import sheet's, so an export imports again.

use std::path::Path;

use anyhow::Context;
use campaign::Lang;
use documents::{Cell, Sheet, Workbook};
use store::registry::{BookRow, Shown};
use talent::{Field, Vocabulary};

use super::{Ctx, keys, viewer};
use crate::output::outln;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Json,
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

pub fn export(
    ctx: &Ctx,
    unit: Option<&str>,
    format: ExportFormat,
    output: Option<&Path>,
    reveal: bool,
    reason: Option<&str>,
) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    if format == ExportFormat::Xlsx && output.is_none() {
        anyhow::bail!(match lang {
            Lang::Zh => "xlsx 格式须用 -o 指明输出文件",
            Lang::En => "the xlsx format needs an output file (-o FILE)",
        });
    }
    let vault = keys::open(ctx.settings, lang)?;
    super::with_store(&ctx.settings.database_url, lang, async |store| {
        let unit = match unit {
            Some(text) => match store::registry::find_unit(store, text).await? {
                Some((id, _)) => Some(id),
                None => return Err(store::registry::RegistryError::NoSuchUnit(text.to_string()).into()),
            },
            None => None,
        };
        // `--reveal` without a reason asks the store with an empty one: refused, and logged.
        let reveal = reveal.then(|| reason.unwrap_or(""));
        let rows = store::registry::export_books(store, &vault, &viewer(), unit.as_deref(), reveal, ctx.now).await?;
        let table: Vec<Vec<String>> = rows.iter().map(cells).collect();
        let bytes = match format {
            ExportFormat::Xlsx | ExportFormat::Csv => {
                let sheet = Sheet {
                    name: "乡土人才".into(),
                    title: None,
                    header: header(),
                    rows: table.into_iter().map(|r| r.into_iter().map(Cell::Text).collect()).collect(),
                };
                if format == ExportFormat::Csv {
                    documents::csv::render(&sheet)
                } else {
                    documents::xlsx::render(&Workbook { sheets: vec![sheet] })
                        .map_err(|e| store::StoreError::Database(e.to_string()))?
                }
            }
            ExportFormat::Json => {
                let keys = json_keys();
                let list: Vec<serde_json::Value> = table
                    .into_iter()
                    .zip(&rows)
                    .map(|(r, row)| {
                        // The person's number first: what `registry erase`, `pool` and `merge` take.
                        let mut object = serde_json::Map::new();
                        object.insert("id".into(), row.person.id.into());
                        object.extend(keys.iter().zip(r).map(|(k, v)| (k.to_string(), serde_json::Value::String(v))));
                        serde_json::Value::Object(object)
                    })
                    .collect();
                let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
                text.push('\n');
                text.into_bytes()
            }
        };
        match output {
            Some(path) => {
                std::fs::write(path, &bytes)
                    .with_context(|| format!("cannot write {}", path.display()))
                    .map_err(|e| store::StoreError::Database(format!("{e:#}")))?;
                let revealed = reveal.is_some();
                match (lang, revealed) {
                    (Lang::Zh, false) => outln!("已导出 {} 条（已脱敏）到 {}", rows.len(), path.display()),
                    (Lang::Zh, true) => {
                        outln!("已导出 {} 条（含完整个人信息，已记入访问日志）到 {}", rows.len(), path.display())
                    }
                    (Lang::En, false) => outln!("exported {} row(s), masked, to {}", rows.len(), path.display()),
                    (Lang::En, true) => outln!(
                        "exported {} row(s) with personal data in the clear (logged) to {}",
                        rows.len(),
                        path.display()
                    ),
                }
            }
            None => {
                use std::io::Write;
                let _ = std::io::stdout().lock().write_all(&bytes);
            }
        }
        Ok(0)
    })
}
