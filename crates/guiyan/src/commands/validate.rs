//! `guiyan validate`: every diagnostic of every file, as text or JSON; exit 0 valid, 1 invalid,
//! 2 when a file named on the command line cannot be read.

use crate::output::{errln, outln};
use std::path::PathBuf;

use campaign::{Diagnostic, Lang, Workflows};

use crate::files::{DiskFiles, expand};

/// Loads and validates; shared by every command that reads definitions.
pub fn load(paths: &[PathBuf]) -> anyhow::Result<(Workflows, Vec<Diagnostic>)> {
    let files = expand(paths)?;
    Ok(campaign::load(&files, &DiskFiles))
}

/// Loads and validates for a command that needs valid definitions: the workflows, or (after
/// printing the diagnostics) the exit code to stop with.
pub fn load_valid(paths: &[PathBuf], lang: Lang) -> anyhow::Result<Result<Workflows, u8>> {
    let (workflows, diagnostics) = load(paths)?;
    if diagnostics.is_empty() {
        return Ok(Ok(workflows));
    }
    print_diagnostics(&diagnostics, false, lang);
    Ok(Err(exit_code(&diagnostics)))
}

/// The exit code for a set of diagnostics: IO problems with named files are 2, others 1.
pub fn exit_code(diagnostics: &[Diagnostic]) -> u8 {
    if diagnostics.iter().any(|d| d.kind.code() == "io") {
        2
    } else if diagnostics.is_empty() {
        0
    } else {
        1
    }
}

/// Prints diagnostics to stderr (text) or stdout (JSON).
pub fn print_diagnostics(diagnostics: &[Diagnostic], json: bool, lang: Lang) {
    if json {
        let list: Vec<_> = diagnostics.iter().map(|d| d.to_json(lang)).collect();
        outln!("{}", serde_json::to_string_pretty(&serde_json::json!({ "diagnostics": list })).unwrap_or_default());
        return;
    }
    for d in diagnostics {
        errln!("{}", d.render(lang));
    }
    if !diagnostics.is_empty() {
        let files: std::collections::BTreeSet<_> = diagnostics.iter().map(|d| &d.file).collect();
        match lang {
            Lang::Zh => errln!("共 {} 个错误，涉及 {} 个文件", diagnostics.len(), files.len()),
            Lang::En => errln!("{} error(s) in {} file(s)", diagnostics.len(), files.len()),
        }
    }
}

pub fn run(paths: &[PathBuf], json: bool, lang: Lang) -> anyhow::Result<u8> {
    let files = expand(paths)?;
    let (workflows, diagnostics) = campaign::load(&files, &DiskFiles);
    print_diagnostics(&diagnostics, json, lang);
    if diagnostics.is_empty() && !json {
        let n = workflows.campaigns.len();
        match lang {
            Lang::Zh => outln!("已检查 {} 个文件，{} 项工作定义均有效", files.len(), n),
            Lang::En => outln!("checked {} file(s): {} campaign(s), all valid", files.len(), n),
        }
    }
    Ok(exit_code(&diagnostics))
}
