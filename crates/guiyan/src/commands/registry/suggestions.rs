//! `guiyan registry suggestions`: the persons' suggestions (意见建议) routed to a unit's subtree
//! (every one without `--unit`), unanswered first, the earliest due first, as the district's
//! administrator reads them (logged as a `list`).

use campaign::Lang;
use store::registry::{RegistryError, SuggestionQuery, find_unit, list_suggestions};

use super::{Ctx, viewer};
use crate::commands::store_commands::with_store;
use crate::output::outln;

/// Lists the suggestions; `--open` only those not answered; `--json` for scripts.
pub fn suggestions(ctx: &Ctx, unit: Option<&str>, open: bool, json: bool) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    with_store(&ctx.settings.database_url, lang, async |store| {
        let unit = match unit {
            Some(text) => match find_unit(store, text).await? {
                Some((id, _)) => Some(id),
                None => return Err(RegistryError::NoSuchUnit(text.to_string()).into()),
            },
            None => None,
        };
        let asked = SuggestionQuery { unit, open_only: open };
        let list = list_suggestions(store, &viewer(), &asked, ctx.now).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
            return Ok(0);
        }
        let today = ctx.now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
        if list.is_empty() {
            outln!("{}", if lang == Lang::Zh { "没有意见建议。" } else { "No suggestions." });
        }
        for s in &list {
            let overdue = match (lang, s.overdue_days(today)) {
                (_, 0) => String::new(),
                (Lang::Zh, n) => format!("  已逾期{n}天"),
                (Lang::En, n) => format!("  {n} day(s) overdue"),
            };
            let category = s.category.map(|c| format!("  {}", c.label(lang))).unwrap_or_default();
            outln!(
                "#{}  {}  {}  {} {}{overdue}{category}",
                s.id,
                s.state.label(lang),
                s.unit_name,
                if lang == Lang::Zh { "反馈期限" } else { "due" },
                s.due_on
            );
            // Typed on a phone: no control character reaches the terminal.
            let text: String = s.text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
            outln!("    {}（{}）：{text}", s.person_name, s.recorded_by_name);
        }
        Ok(0)
    })
}
