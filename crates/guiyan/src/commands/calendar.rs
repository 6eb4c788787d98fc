//! `guiyan calendar`: the built-in festivals and solar terms of one or more years.

use crate::output::outln;
use anyhow::bail;
use calendar::{festivals_in_year, supported_years};
use campaign::Lang;

pub fn run(year: Option<i32>, from: Option<i32>, to: Option<i32>, json: bool, lang: Lang) -> anyhow::Result<u8> {
    let (first, last) = match (year, from, to) {
        (Some(y), _, _) => (y, y),
        (None, Some(f), Some(t)) => (f, t),
        _ => bail!("give --year YEAR, or --from YEAR --to YEAR"),
    };
    let range = supported_years();
    if !range.contains(&first) || !range.contains(&last) || first > last {
        bail!("years must be within {}–{} with --from ≤ --to", range.start(), range.end());
    }
    let mut rows = Vec::new();
    for y in first..=last {
        rows.extend(festivals_in_year(y)?);
    }
    if json {
        let list: Vec<_> = rows
            .iter()
            .map(|(f, date)| serde_json::json!({ "name": f.name(), "zh": f.zh(), "date": date.to_string() }))
            .collect();
        outln!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(0);
    }
    for (festival, date) in rows {
        let weekday = match lang {
            Lang::Zh => ["一", "二", "三", "四", "五", "六", "日"]
                [chrono::Datelike::weekday(&date).num_days_from_monday() as usize]
                .to_string(),
            Lang::En => date.format("%a").to_string(),
        };
        match lang {
            Lang::Zh => outln!("{date}  周{weekday}  {}\t{}", festival.zh(), festival.name()),
            Lang::En => outln!("{date}  {weekday}  {}\t{}", festival.en(), festival.name()),
        }
    }
    Ok(0)
}
