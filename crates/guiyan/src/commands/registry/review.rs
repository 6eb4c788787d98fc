//! `guiyan registry review`: the persons whose retention review date has passed (masked), and the
//! review's decision — kept until a new date, with a reason, or erased — as the district.

use campaign::Lang;
use store::registry::ReviewQuery;

use super::request::parse_day;
use super::{Ctx, viewer};
use crate::commands::store_commands::with_store;
use crate::output::outln;

/// `guiyan registry review [--unit U] [--json]`.
pub fn list(ctx: &Ctx, unit: Option<&str>, json: bool) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    with_store(&ctx.settings.database_url, lang, async |store| {
        let unit = match unit {
            Some(text) => match store::registry::find_unit(store, text).await? {
                Some((id, _)) => Some(id),
                None => return Err(store::registry::RegistryError::NoSuchUnit(text.to_string()).into()),
            },
            None => None,
        };
        let due = store::registry::review_due_persons(store, &viewer(), &ReviewQuery { unit }, ctx.now).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&due).unwrap_or_default());
            return Ok(0);
        }
        match lang {
            Lang::Zh => outln!("待复核 {} 人（保存期限复核日期已到）", due.len()),
            Lang::En => outln!("{} person(s) due for retention review", due.len()),
        }
        for d in &due {
            match lang {
                Lang::Zh => outln!(
                    "  第 {} 号 {}  {} {}  复核日期 {}",
                    d.person_id,
                    d.name,
                    d.unit_name,
                    d.archive_no,
                    d.review_on
                ),
                Lang::En => outln!(
                    "  person {} {}  {} {}  review date {}",
                    d.person_id,
                    d.name,
                    d.unit_name,
                    d.archive_no,
                    d.review_on
                ),
            }
        }
        if !due.is_empty() {
            match lang {
                Lang::Zh => outln!(
                    "继续保存：guiyan registry review keep 编号 --until YYYY-MM-DD --reason 理由；不再需要：guiyan registry review erase 编号 --reason 理由"
                ),
                Lang::En => outln!(
                    "keep: guiyan registry review keep PERSON --until YYYY-MM-DD --reason TEXT; no longer needed: guiyan registry review erase PERSON --reason TEXT"
                ),
            }
        }
        Ok(0)
    })
}

/// `guiyan registry review keep PERSON --until DATE --reason TEXT`.
pub fn keep(ctx: &Ctx, person: i64, until: &str, reason: &str) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let until = parse_day("--until", until, lang)?;
    with_store(&ctx.settings.database_url, lang, async |store| {
        store::registry::keep_until(store, &viewer(), person, until, reason, ctx.now).await?;
        match lang {
            Lang::Zh => outln!("第 {person} 号人员的档案继续保存，下次复核日期 {until}，已记入访问日志"),
            Lang::En => outln!("person {person}'s record is kept; next review on {until}; logged"),
        }
        Ok(0)
    })
}
