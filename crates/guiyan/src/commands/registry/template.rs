//! `guiyan registry template -o FILE.xlsx`: the empty 乡土人才排查统计表 (`ledger::template`).

use std::path::Path;

use anyhow::Context;
use campaign::Lang;

use crate::output::outln;

pub fn template(output: &Path, lang: Lang) -> anyhow::Result<u8> {
    let bytes = ledger::template().map_err(|e| anyhow::anyhow!(e.render(lang)))?;
    std::fs::write(output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
    match lang {
        Lang::Zh => outln!("已写入空白排查统计表 {}", output.display()),
        Lang::En => outln!("wrote the empty sheet to {}", output.display()),
    }
    Ok(0)
}
