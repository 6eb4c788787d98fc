//! `guiyan schema`: the JSON Schema of a file kind, for editors (yaml-language-server).

use crate::output::outln;

/// Which file kind's schema to print.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Kind {
    Campaign,
    Directory,
    Holidays,
}

pub fn run(kind: Kind) -> anyhow::Result<u8> {
    let schema = match kind {
        Kind::Campaign => campaign::schema::campaign_schema(),
        Kind::Directory => campaign::schema::directory_schema(),
        Kind::Holidays => campaign::schema::holidays_schema(),
    };
    outln!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(0)
}
