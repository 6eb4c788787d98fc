//! `guiyan registry import FILE [--unit UNIT] [--errors OUT.xlsx]`: the file read and imported by
//! `ledger` (rows validated and entered in one transaction, the rest handed back), the errors
//! workbook written beside it (or to `--errors`), and the counts printed.

use std::path::{Path, PathBuf};

use anyhow::Context;
use campaign::Lang;
use ledger::Column;

use super::{Ctx, keys, viewer};
use crate::output::{errln, outln};

/// Imports `file`; exit 0 when every row was entered or already there, 1 when rows came back.
pub fn import(ctx: &Ctx, file: &Path, unit: Option<&str>, errors: Option<&Path>) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let sheet =
        ledger::read_sheet(&bytes, &source).map_err(|e| anyhow::anyhow!("{}: {}", file.display(), e.render(lang)))?;
    if unit.is_none() && !sheet.columns.contains(&Column::Unit) {
        anyhow::bail!(match lang {
            Lang::Zh => "请用 --unit 指明这张表属于哪个社区，或在表中加“社区”列（填社区名称或代码）",
            Lang::En => "say which community the sheet is of with --unit, or add a 社区 column (a unit's name or id)",
        });
    }
    let vault = keys::open(ctx.settings, lang)?;
    let today = ctx.now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let errors_path = errors.map(Path::to_path_buf).unwrap_or_else(|| default_errors_path(file));
    super::with_store(&ctx.settings.database_url, lang, async |store| {
        let default_unit = match unit {
            Some(text) => match store::registry::find_unit(store, text).await? {
                Some((id, _)) => Some(id),
                None => return Err(store::registry::RegistryError::NoSuchUnit(text.to_string()).into()),
            },
            None => None,
        };
        let outcome = ledger::import_sheet(
            store,
            &vault,
            &viewer(),
            &sheet,
            default_unit.as_deref(),
            &source,
            today,
            ctx.now,
            lang,
        )
        .await?;
        if !outcome.unknown_headers.is_empty() {
            match lang {
                Lang::Zh => errln!("注意：以下列不是排查统计表的列，未导入：{}", outcome.unknown_headers.join("、")),
                Lang::En => errln!(
                    "note: these columns are not of the sheet and were not imported: {}",
                    outcome.unknown_headers.join(", ")
                ),
            }
        }
        for (row, notice) in &outcome.notices {
            match lang {
                Lang::Zh => outln!("第{row}行：{notice}"),
                Lang::En => outln!("row {row}: {notice}"),
            }
        }
        let written = match outcome.errors_workbook(&sheet) {
            Ok(None) => None,
            Ok(Some(bytes)) => {
                std::fs::write(&errors_path, bytes)
                    .with_context(|| format!("cannot write {}", errors_path.display()))
                    .map_err(|e| store::StoreError::Database(format!("{e:#}")))?;
                Some(errors_path.clone())
            }
            Err(e) => return Err(store::StoreError::Database(e.render(lang))),
        };
        print_summary(lang, &outcome, written.as_deref());
        Ok(u8::from(!outcome.rejected.is_empty()))
    })
}

/// `台账.xlsx` → `台账.errors.xlsx` beside it.
fn default_errors_path(file: &Path) -> PathBuf {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "registry".into());
    file.with_file_name(format!("{stem}.errors.xlsx"))
}

fn print_summary(lang: Lang, outcome: &ledger::ImportOutcome, errors: Option<&Path>) {
    let (added, registered, linked, rejected) =
        (outcome.added, outcome.registered, outcome.linked, outcome.rejected.len());
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
