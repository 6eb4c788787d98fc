//! `guiyan registry merge|unmerge|merges`: two records of one person made one, a merge undone,
//! and the merges listed, as the district. Persons and merges are named by their numbers; nothing
//! personal is printed (a merge says which fields it filled, never their values).

use campaign::Lang;
use store::registry::{MergeRecord, Merged};

use super::{Ctx, ZONE, viewer};
use crate::commands::store_commands::{local, with_store};
use crate::output::outln;

fn filled(merged: &Merged, lang: Lang) -> String {
    if merged.filled.is_empty() {
        return if lang == Lang::Zh { "无".into() } else { "none".into() };
    }
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    merged.filled.iter().map(|f| f.label(lang)).collect::<Vec<_>>().join(sep)
}

/// `guiyan registry merge KEEP ABSORB --reason TEXT`.
pub fn merge(ctx: &Ctx, keep: i64, absorb: i64, reason: &str) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    with_store(&ctx.settings.database_url, lang, async |store| {
        let m = store::registry::merge_persons(store, &viewer(), keep, absorb, reason, ctx.now).await?;
        match lang {
            Lang::Zh => {
                outln!("已将第 {absorb} 号人员的档案并入第 {keep} 号（合并编号 {}），已记入访问日志", m.merge_id);
                outln!(
                    "  名册条目移入 {} 条，同一名册重复的条目去除 {} 条（保留较早的档案编号），跟进记录移入 {} 条",
                    m.books_moved,
                    m.books_dropped,
                    m.followups_moved
                );
                outln!("  补全的空白字段：{}", filled(&m, lang));
                outln!("  如需撤销：guiyan registry unmerge {} --reason 理由", m.merge_id);
            }
            Lang::En => {
                outln!("person {absorb} is merged into person {keep} (merge {}); logged", m.merge_id);
                outln!(
                    "  {} book entr(ies) moved, {} duplicate entr(ies) in the same book dropped (the older archive number kept), {} follow-up(s) moved",
                    m.books_moved,
                    m.books_dropped,
                    m.followups_moved
                );
                outln!("  empty fields filled: {}", filled(&m, lang));
                outln!("  to undo it: guiyan registry unmerge {} --reason TEXT", m.merge_id);
            }
        }
        Ok(0)
    })
}

/// `guiyan registry unmerge MERGE_ID --reason TEXT`.
pub fn unmerge(ctx: &Ctx, merge_id: i64, reason: &str) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    with_store(&ctx.settings.database_url, lang, async |store| {
        let u = store::registry::unmerge(store, &viewer(), merge_id, reason, ctx.now).await?;
        match lang {
            Lang::Zh => outln!(
                "已撤销第 {merge_id} 号合并：第 {} 号人员恢复为单独的档案（名册条目退回 {} 条、恢复 {} 条，跟进记录退回 {} 条），已记入访问日志",
                u.absorbed_id,
                u.books_returned,
                u.books_restored,
                u.followups_returned
            ),
            Lang::En => outln!(
                "merge {merge_id} is undone: person {} stands on their own again ({} book entr(ies) returned, {} restored, {} follow-up(s) returned); logged",
                u.absorbed_id,
                u.books_returned,
                u.books_restored,
                u.followups_returned
            ),
        }
        Ok(0)
    })
}

/// `guiyan registry merges [--json]`: every merge, the newest first.
pub fn merges(ctx: &Ctx, json: bool) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    with_store(&ctx.settings.database_url, lang, async |store| {
        let merges = store::registry::list_merges(store, &viewer(), ctx.now).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&merges).unwrap_or_default());
            return Ok(0);
        }
        if merges.is_empty() {
            outln!("{}", if lang == Lang::Zh { "尚无合并记录" } else { "no merges yet" });
        }
        for m in &merges {
            print_merge(m, lang);
        }
        Ok(0)
    })
}

fn print_merge(m: &MergeRecord, lang: Lang) {
    let g = &m.merged;
    let numbers = |list: &[String]| if list.is_empty() { "-".to_string() } else { list.join(" ") };
    match lang {
        Lang::Zh => {
            let state = if m.undone.is_some() { "已撤销" } else { "有效" };
            outln!(
                "#{}  {}  第 {} 号并入第 {} 号  {state}  {}  理由：{}",
                g.merge_id,
                local(m.at, ZONE),
                g.absorbed_id,
                g.kept_id,
                m.actor,
                m.reason
            );
            outln!(
                "  移入的档案编号：{}  去除的档案编号：{}  跟进记录：{} 条  补全：{}",
                numbers(&m.moved_archive_nos),
                numbers(&m.dropped_archive_nos),
                g.followups_moved,
                filled(g, lang)
            );
            if let Some(u) = &m.undone {
                outln!("  撤销：{}  {}  理由：{}", local(u.at, ZONE), u.by, u.reason);
            }
        }
        Lang::En => {
            let state = if m.undone.is_some() { "undone" } else { "standing" };
            outln!(
                "#{}  {}  person {} into person {}  {state}  {}  reason: {}",
                g.merge_id,
                local(m.at, ZONE),
                g.absorbed_id,
                g.kept_id,
                m.actor,
                m.reason
            );
            outln!(
                "  archive numbers moved: {}  dropped: {}  follow-ups: {}  filled: {}",
                numbers(&m.moved_archive_nos),
                numbers(&m.dropped_archive_nos),
                g.followups_moved,
                filled(g, lang)
            );
            if let Some(u) = &m.undone {
                outln!("  undone: {}  {}  reason: {}", local(u.at, ZONE), u.by, u.reason);
            }
        }
    }
}
