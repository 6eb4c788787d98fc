//! `guiyan registry`: the talent registry's books from the command line, acting as the district's
//! administrator (every book in scope; the actor is $USER, source `cli`). Import and export the
//! 台账 (through `ledger`, which the portal shares), the empty template, counts, the access log
//! and its check, key rotation, erasure, merging two records of one person (`merge.rs`), a
//! person's requests (`request.rs`), the retention review (`review.rs`) and the persons'
//! suggestions (`suggestions.rs`). Nothing printed here carries an ID number, mobile or address,
//! except an export revealed with a reason, which goes to its file.

mod export;
mod import;
mod keys;
mod merge;
pub mod request;
pub mod review;
mod suggestions;
mod template;

pub use keys::open as open_key_file;

use campaign::Lang;
use chrono::{DateTime, Utc};
use store::registry::{Scope, Viewer};

pub use export::{export, parse_format};
pub use import::import;
pub use merge::{merge, merges, unmerge};
pub use suggestions::suggestions;
pub use template::template;

use crate::commands::store_commands::{actor, local, with_store, with_store_to_read};
use crate::config::Settings;
use crate::output::outln;

/// What every registry command is given.
pub struct Ctx<'a> {
    pub settings: &'a Settings,
    pub now: DateTime<Utc>,
    pub lang: Lang,
}

/// The command line's reader: the administrator, the whole district.
pub(super) fn viewer() -> Viewer {
    Viewer { actor: actor(None), scope: Scope::All }
}

/// The zone the registry's times are shown in: the offices' own.
pub(super) const ZONE: &str = "Asia/Shanghai";

/// `guiyan registry stats`: counts by unit, category, intent and pool status.
pub fn stats(ctx: &Ctx, unit: Option<&str>, json: bool) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    with_store(&ctx.settings.database_url, lang, async |store| {
        let unit = match unit {
            Some(text) => match store::registry::find_unit(store, text).await? {
                Some((id, _)) => Some(id),
                None => return Err(store::registry::RegistryError::NoSuchUnit(text.to_string()).into()),
            },
            None => None,
        };
        let s = store::registry::registry_stats(store, &viewer(), unit.as_deref(), ctx.now).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
            return Ok(0);
        }
        let label = |vocab: &str, key: &str| -> String { vocabulary_label(vocab, key, lang) };
        match lang {
            Lang::Zh => outln!("人才库共 {} 人（其中应本人要求删除个人信息 {} 人）", s.persons, s.erased),
            Lang::En => outln!("{} person(s) registered ({} erased at their request)", s.persons, s.erased),
        }
        if !s.by_child.is_empty() {
            outln!("{}", if lang == Lang::Zh { "按下级单位：" } else { "By unit below:" });
            for u in &s.by_child {
                outln!("  {} ({})  {}", u.name, u.unit, u.persons);
            }
        }
        outln!("{}", if lang == Lang::Zh { "按名册：" } else { "By book:" });
        for u in &s.by_unit {
            outln!("  {} ({})  {}", u.name, u.unit, u.persons);
        }
        for (title_zh, title_en, vocab, counts) in [
            ("按人才类别：", "By category:", "category", &s.by_category),
            ("按返乡意愿：", "By intent to return:", "return-intent", &s.by_intent),
            ("按后备干部库状态：", "By reserve pool status:", "pool-status", &s.by_pool_status),
        ] {
            outln!("{}", if lang == Lang::Zh { title_zh } else { title_en });
            for (key, n) in counts {
                outln!("  {}  {n}", label(vocab, key));
            }
        }
        match lang {
            Lang::Zh => outln!("  未进入后备干部库流程  {}", s.not_in_pool),
            Lang::En => outln!("  not in the pool  {}", s.not_in_pool),
        }
        Ok(0)
    })
}

fn vocabulary_label(vocab: &str, key: &str, lang: Lang) -> String {
    let found = match vocab {
        "category" => talent::Category::parse(key).ok().map(|v| v.label(lang)),
        "return-intent" => talent::ReturnIntent::parse(key).ok().map(|v| v.label(lang)),
        "pool-status" => talent::PoolStatus::parse(key).ok().map(|v| v.label(lang)),
        _ => None,
    };
    found.unwrap_or(key).to_string()
}

/// `guiyan registry audit [--verify]`: the access log; with `--verify`, exit 1 naming the first
/// entry changed or removed.
pub fn audit(ctx: &Ctx, verify: bool, json: bool) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    with_store_to_read(&ctx.settings.database_url, lang, async |store| {
        let entries = store::registry::access_log(store).await?;
        let verdict = store::registry::verify_entries(&entries);
        if json && !verify {
            outln!("{}", serde_json::to_string_pretty(&entries).unwrap_or_default());
        } else if !verify {
            for e in &entries {
                let mut line = format!(
                    "#{}  {}  {} ({})  {}  {}  {}",
                    e.seq,
                    local(e.at, ZONE),
                    e.actor,
                    e.source,
                    e.action,
                    e.scope,
                    e.outcome
                );
                if let Some(p) = e.person_id {
                    line.push_str(&format!("  person={p}"));
                }
                if let Some(f) = &e.filter {
                    line.push_str(&format!("  {f}"));
                }
                if !e.fields.is_empty() {
                    line.push_str(&format!("  fields={}", e.fields));
                }
                if let Some(r) = &e.reason {
                    line.push_str(&format!("  reason={r}"));
                }
                outln!("{line}");
            }
        }
        if json && verify {
            outln!("{}", serde_json::to_string_pretty(&verdict).unwrap_or_default());
        } else if verify || entries.is_empty() {
            match (verdict.first_tampered, lang) {
                (None, Lang::Zh) => outln!("访问日志完整：共 {} 条，哈希链校验通过", verdict.entries),
                (None, Lang::En) => {
                    outln!("the access log is intact: {} entries, hash chain verified", verdict.entries)
                }
                (Some(seq), Lang::Zh) => {
                    outln!("访问日志被篡改：第 {seq} 条记录（seq {seq}）与哈希链不符，其后各条均不可信")
                }
                (Some(seq), Lang::En) => outln!(
                    "the access log was tampered with: entry seq {seq} does not match the hash chain; entries from it on cannot be trusted"
                ),
            }
        }
        Ok(if verify && verdict.first_tampered.is_some() { 1 } else { 0 })
    })
}

/// `guiyan registry erase PERSON --reason TEXT`: the person anonymised, as the district.
pub fn erase(ctx: &Ctx, person: i64, reason: &str) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    with_store(&ctx.settings.database_url, lang, async |store| {
        store::registry::erase_person(store, &viewer(), person, reason, ctx.now).await?;
        match lang {
            Lang::Zh => {
                outln!("已删除第 {person} 号人员的个人信息（保留人才类别、意愿和所在街道以供统计），已记入访问日志")
            }
            Lang::En => outln!(
                "person {person}'s personal data is erased (category, intent and street kept for the counts); logged"
            ),
        }
        Ok(0)
    })
}

/// `guiyan registry pool PERSON --status S [--route R]`: the person's reserve-pool status, as the
/// district.
pub fn pool(ctx: &Ctx, person: i64, status: &str, route: Option<&str>) -> anyhow::Result<u8> {
    use talent::{PoolRoute, PoolStatus};
    let lang = ctx.lang;
    let status = PoolStatus::parse(status).map_err(|e| anyhow::anyhow!("--status: {}", e.message(lang)))?;
    let route = route.map(PoolRoute::parse).transpose().map_err(|e| anyhow::anyhow!("--route: {}", e.message(lang)))?;
    with_store(&ctx.settings.database_url, lang, async |store| {
        store::registry::set_pool_status(store, &viewer(), person, status, route, ctx.now).await?;
        let said = status.label(lang);
        match lang {
            Lang::Zh => outln!("第 {person} 号人员的后备干部库状态已设为“{said}”，已记入访问日志"),
            Lang::En => outln!("person {person}'s reserve-pool status is now {said}; logged"),
        }
        Ok(0)
    })
}

/// `guiyan registry reset-pin UNIT`: the unit's PIN cleared, as the district.
pub fn reset_pin(ctx: &Ctx, unit: &str) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    with_store(&ctx.settings.database_url, lang, async |store| {
        let Some((id, name)) = store::registry::find_unit(store, unit).await? else {
            return Err(store::registry::RegistryError::NoSuchUnit(unit.to_string()).into());
        };
        let had = store::registry::reset_pin(store, &viewer(), &id, ctx.now).await?;
        match (lang, had) {
            (Lang::Zh, true) => outln!("{name} 的查阅密码已重置；该单位下次查看完整信息时重新设置"),
            (Lang::Zh, false) => outln!("{name} 尚未设置查阅密码，无需重置"),
            (Lang::En, true) => outln!("{name}'s PIN is cleared; it sets a new one at its next full record"),
            (Lang::En, false) => outln!("{name} has no PIN yet; nothing to reset"),
        }
        Ok(0)
    })
}

/// `guiyan registry rotate-key`: a new data key, every sealed value resealed under it.
pub fn rotate_key(ctx: &Ctx, algorithm: Option<&str>) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let algorithm = match algorithm {
        Some(name) => vault::Algorithm::from_name(name)
            .ok_or_else(|| anyhow::anyhow!("--algorithm `{name}`: expected aes-256-gcm or sm4-gcm"))?,
        None => ctx.settings.registry_cipher,
    };
    let mut vault = keys::open(ctx.settings, lang)?;
    with_store(&ctx.settings.database_url, lang, async |store| {
        let r = store::registry::rotate_key(store, &mut vault, algorithm, &viewer(), ctx.now).await?;
        match lang {
            Lang::Zh => outln!(
                "已启用新密钥 {}（{}），重新加密 {} 个字段值；旧密钥仍保留在密钥文件中。请重新备份密钥文件。",
                r.key_id,
                algorithm.name(),
                r.resealed_values
            ),
            Lang::En => outln!(
                "key {} ({}) is now current; {} value(s) resealed; the old keys stay in the key file. Back the key file up again.",
                r.key_id,
                algorithm.name(),
                r.resealed_values
            ),
        }
        Ok(0)
    })
}
