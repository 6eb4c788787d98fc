//! `guiyan registry export`: the books in xlsx, CSV or JSON (`ledger::render_export`, the import
//! sheet's columns); masked unless `--reveal --reason TEXT`, which the access log keeps.

use std::path::Path;

use anyhow::Context;
use campaign::Lang;
use ledger::ExportFormat;

use super::{Ctx, keys, viewer};
use crate::output::outln;

/// `--format`: `xlsx`, `csv` or `json` (clap's value parser; the vocabulary is `ledger`'s).
pub fn parse_format(text: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(text).ok_or_else(|| format!("expected one of xlsx, csv, json; got {text:?}"))
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
        let bytes = ledger::render_export(&rows, format).map_err(|e| store::StoreError::Database(e.render(lang)))?;
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
