//! Commands around the web: `guiyan serve` (the web alone) and `guiyan link …` (a unit's or a
//! reader's signed link, revoking links, rotating the secret, listing readers). `guiyan run`
//! serves the web beside the engine through [`start_web`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use campaign::{Lang, Workflows};
use chrono::{DateTime, TimeDelta, Utc};
use engine::Clock;
use store::Store;

use super::engine_commands::wait_for_signal;
use super::store_commands::{store_exit, with_store, with_store_to_read};
use super::validate::load_valid;
use crate::config::Settings;
use crate::output::{errln, outln};

/// How long a link made by `guiyan link` lasts at least, and past the close of the newest run.
const LINK_DAYS: i64 = 30;

/// The web's view of the campaigns: names and page languages, by id.
pub fn campaign_infos(workflows: &Workflows) -> std::collections::HashMap<String, web::CampaignInfo> {
    workflows
        .campaigns
        .iter()
        .map(|c| {
            let info =
                web::CampaignInfo { name: c.name.clone(), lang: c.locale.into(), definition: Arc::new(c.clone()) };
            (c.id.clone(), info)
        })
        .collect()
}

/// The web, bound and ready: where it listens and the address its links use.
pub struct BoundWeb {
    listener: tokio::net::TcpListener,
    pub listening: SocketAddr,
    pub base_url: String,
}

/// Binds `settings.listen` now, so a taken port is reported before anything else starts.
pub async fn bind_web(settings: &Settings, lang: Lang) -> Result<BoundWeb, u8> {
    let listener = match web::bind(settings.listen).await {
        Ok(listener) => listener,
        Err(e) => {
            let listen = settings.listen;
            match lang {
                Lang::Zh => errln!(
                    "guiyan: 网页无法监听 {listen}：{e}；该端口可能已被占用（另一个 guiyan？），可在 guiyan.toml 设置 listen 或用环境变量 GUIYAN_LISTEN 换一个端口"
                ),
                Lang::En => errln!(
                    "guiyan: the web cannot listen on {listen}: {e}; the port may be taken (another guiyan?); set listen in guiyan.toml or GUIYAN_LISTEN"
                ),
            }
            return Err(2);
        }
    };
    let listening = listener.local_addr().unwrap_or(settings.listen);
    Ok(BoundWeb { listener, listening, base_url: settings.base_url_for(listening) })
}

/// Serves the bound web over `store` until `shutdown` resolves. The registry's key file is
/// opened (created on first start, with the warning to back it up); if it cannot be, the reason
/// is printed and the registry's pages say it is unavailable while the rest is served.
pub async fn start_web(
    bound: BoundWeb,
    store: Store,
    workflows: &Workflows,
    clock: Arc<dyn Clock>,
    settings: &Settings,
    lang: Lang,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<tokio::task::JoinHandle<std::io::Result<()>>, store::StoreError> {
    let registry = match super::registry::open_key_file(settings, lang) {
        Ok(vault) => Some(Arc::new(vault)),
        Err(e) => {
            match lang {
                Lang::Zh => errln!("guiyan: 人才库不可用（网页其余部分照常）：{e:#}"),
                Lang::En => errln!("guiyan: the talent registry is unavailable (the rest of the web is served): {e:#}"),
            }
            None
        }
    };
    let config = web::WebConfig {
        listen: bound.listening,
        base_url: bound.base_url,
        campaigns: campaign_infos(workflows),
        now: Arc::new(move || clock.now()),
        registry,
    };
    let state = web::AppState::new(store, config).await?;
    Ok(tokio::spawn(web::serve_on(state, bound.listener, shutdown)))
}

/// The lines that tell whoever started guiyan where the web is and how units get in. The first
/// (`web: ADDRESS`) is also what scripts and tests look for.
pub fn web_banner(web: &BoundWeb, settings: &Settings, lang: Lang) {
    let zh = lang == Lang::Zh;
    outln!("  web: {}", web.base_url);
    if zh {
        outln!("    单位从任务邮件中的链接进入；单独发一个链接：guiyan link 单位代码");
        outln!("    领导看板的链接：guiyan link --reader 邮箱（名单见 guiyan link readers）");
    } else {
        outln!("    units enter by the link in their task mail; one link by hand: guiyan link UNIT");
        outln!("    a leadership dashboard link: guiyan link --reader EMAIL (see guiyan link readers)");
    }
    if settings.base_url.is_none() && !web.listening.ip().is_loopback() {
        if zh {
            outln!("    注意：未设置 base_url，邮件中的链接指向 {}，请在 guiyan.toml 设置对外地址", web.base_url);
        } else {
            outln!(
                "    note: base_url is not set; links in mail point at {}; set the public address in guiyan.toml",
                web.base_url
            );
        }
    }
}

/// `guiyan serve`: the web alone, over the database an engine (or several) works on.
pub fn serve(paths: &[PathBuf], settings: &Settings, start: Option<DateTime<Utc>>, lang: Lang) -> anyhow::Result<u8> {
    let workflows = match load_valid(paths, lang)? {
        Ok(workflows) => workflows,
        Err(code) => return Ok(code),
    };
    let clock: Arc<dyn Clock> = Arc::new(match start {
        Some(at) => engine::SystemClock::starting_at(at),
        None => engine::SystemClock::real(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = match Store::open(&settings.database_url).await {
            Ok(store) => store,
            Err(e) => return Ok(store_exit(&e, lang)),
        };
        let bound = match bind_web(settings, lang).await {
            Ok(bound) => bound,
            Err(code) => return Ok(code),
        };
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let shutdown = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let listening = bound.listening;
        match lang {
            Lang::Zh => outln!("归雁网页已启动，数据库 {}", store.display_url()),
            Lang::En => outln!("guiyan web started, database {}", store.display_url()),
        }
        web_banner(&bound, settings, lang);
        outln!("{}", if lang == Lang::Zh { "按 Ctrl-C 停止。" } else { "Press Ctrl-C to stop." });
        let served = match start_web(bound, store.clone(), &workflows, clock, settings, lang, shutdown).await {
            Ok(handle) => handle,
            Err(e) => return Ok(store_exit(&e, lang)),
        };
        tracing::info!(%listening, "web serving");
        tokio::spawn(async move {
            wait_for_signal().await;
            let _ = stop.send(true);
        });
        let outcome = served.await.context("the web stopped unexpectedly")?;
        store.close().await;
        match outcome {
            Ok(()) => Ok(0),
            Err(e) => {
                errln!("guiyan: web: {e}");
                Ok(2)
            }
        }
    })
}

/// Who a link is for: a unit (its portal) or a leadership reader (the dashboard).
#[derive(Clone, Debug)]
pub enum LinkFor {
    Unit(String),
    /// A reader's key or email address.
    Reader(String),
}

/// `guiyan link UNIT` / `guiyan link --reader EMAIL`: prints a fresh link on stdout (alone, for
/// scripts), and on stderr whom it opens what for and until when.
pub fn link(
    settings: &Settings,
    who: &LinkFor,
    days: Option<u32>,
    now: DateTime<Utc>,
    lang: Lang,
) -> anyhow::Result<u8> {
    let zh = lang == Lang::Zh;
    let base_url = settings.base_url_for(settings.listen);
    with_store(&settings.database_url, lang, async |store| {
        let Some((subject, described, tz)) = link_subject(store, who, lang).await? else { return Ok(1) };
        let expires_at = match days {
            Some(days) => now + TimeDelta::days(i64::from(days)),
            None => {
                let newest_close = store::runs(store).await?.iter().map(|r| r.closes_at.with_timezone(&Utc)).max();
                let floor = now + TimeDelta::days(LINK_DAYS);
                newest_close.map(|close| close + TimeDelta::days(LINK_DAYS)).map_or(floor, |t| t.max(floor))
            }
        };
        let token = store::sign_link(store, &subject, expires_at.timestamp(), now).await?;
        outln!("{}/l/{token}", base_url.trim_end_matches('/'));
        let until = expires_at.with_timezone(&tz).format("%Y-%m-%d %H:%M");
        if zh {
            errln!("这是{described}的链接，有效至 {until}。请只发给本人：持有链接即可查看和报送，无需账号。");
            errln!("作废该对象的全部链接：guiyan link revoke {}", revoke_args(who));
        } else {
            errln!(
                "This is {described}'s link, valid until {until}. Send it to them only: whoever holds it can read and report, no account needed."
            );
            errln!("To end all their links: guiyan link revoke {}", revoke_args(who));
        }
        if settings.base_url.is_none() {
            if zh {
                errln!("注意：未设置 base_url，链接使用监听地址；对外服务时请在 guiyan.toml 设置 base_url。");
            } else {
                errln!(
                    "Note: base_url is not set, so the link uses the listening address; set base_url in guiyan.toml to serve others."
                );
            }
        }
        Ok(0)
    })
}

fn revoke_args(who: &LinkFor) -> String {
    match who {
        LinkFor::Unit(unit) => unit.clone(),
        LinkFor::Reader(reader) => format!("--reader {reader}"),
    }
}

/// The subject of a link, how to name it to a person, and the zone its times are shown in; `None`
/// (after saying why) when there is no such unit or reader.
async fn link_subject(
    store: &Store,
    who: &LinkFor,
    lang: Lang,
) -> Result<Option<(links::Subject, String, calendar::Tz)>, store::StoreError> {
    let zh = lang == Lang::Zh;
    let tz = store::runs(store).await?.last().map(|r| r.closes_at.timezone()).unwrap_or(calendar::Tz::Asia__Shanghai);
    match who {
        LinkFor::Unit(id) => {
            let unit = store::unit(store, id).await?;
            match (unit, links::Subject::unit(id)) {
                (Some(unit), Ok(subject)) => {
                    let described = if zh {
                        format!("{}（{}）", unit.name, unit.id)
                    } else {
                        format!("{} ({})", unit.name, unit.id)
                    };
                    Ok(Some((subject, described, tz)))
                }
                _ => {
                    if zh {
                        errln!("guiyan: 没有单位 `{id}`；单位代码见 workflows/ 中的单位名录，且须先 guiyan apply");
                    } else {
                        errln!(
                            "guiyan: no unit `{id}`; unit ids are in the directory under workflows/, recorded by guiyan apply"
                        );
                    }
                    Ok(None)
                }
            }
        }
        LinkFor::Reader(key) => {
            let reader = store::reader(store, key).await?;
            match reader.map(|r| (links::Subject::reader(&r.key), r)) {
                Some((Ok(subject), reader)) => {
                    let described = if zh {
                        format!("{}（{}，{}）", reader.name, reader.group, reader.email)
                    } else {
                        format!("{} ({}, {})", reader.name, reader.group, reader.email)
                    };
                    Ok(Some((subject, described, tz)))
                }
                _ => {
                    if zh {
                        errln!("guiyan: 没有报告接收人 `{key}`；名单见 guiyan link readers");
                    } else {
                        errln!("guiyan: no report reader `{key}`; see guiyan link readers");
                    }
                    Ok(None)
                }
            }
        }
    }
}

/// `guiyan link revoke UNIT` / `--reader EMAIL`: every link so far of that unit or reader stops
/// working, and the sessions they opened end.
pub fn revoke(settings: &Settings, who: &LinkFor, now: DateTime<Utc>, lang: Lang) -> anyhow::Result<u8> {
    with_store(&settings.database_url, lang, async |store| {
        let Some((subject, described, _)) = link_subject(store, who, lang).await? else { return Ok(1) };
        store::revoke_links(store, &store::subject_key(&subject), now).await?;
        match lang {
            Lang::Zh => {
                outln!("{described}的全部链接已作废，已打开的页面也需新链接；新链接：guiyan link {}", revoke_args(who))
            }
            Lang::En => outln!(
                "every link of {described} is revoked, open sessions too; a new one: guiyan link {}",
                revoke_args(who)
            ),
        }
        Ok(0)
    })
}

/// `guiyan link rotate-secret`: a new signing secret; every link and session ends at once.
pub fn rotate_secret(settings: &Settings, now: DateTime<Utc>, lang: Lang) -> anyhow::Result<u8> {
    with_store(&settings.database_url, lang, async |store| {
        store::rotate_link_secret(store, now).await?;
        match lang {
            Lang::Zh => outln!("签名密钥已更换：此前发出的全部链接和已打开的页面即刻失效；此后的邮件带新链接"),
            Lang::En => outln!(
                "the signing secret is replaced: every link sent so far and every open session ends now; mails from now on carry new links"
            ),
        }
        Ok(0)
    })
}

/// `guiyan link readers`: the report readers, who get dashboard links.
pub fn readers(settings: &Settings, json: bool, lang: Lang) -> anyhow::Result<u8> {
    with_store_to_read(&settings.database_url, lang, async |store| {
        let readers = store::readers(store).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&serde_json::json!({ "readers": readers })).unwrap_or_default());
            return Ok(0);
        }
        if readers.is_empty() {
            match lang {
                Lang::Zh => outln!("没有报告接收人（在单位名录的 groups 中定义，guiyan apply 后生效）"),
                Lang::En => {
                    outln!("no report readers (defined under groups in the directory, recorded by guiyan apply)")
                }
            }
        }
        for r in &readers {
            outln!("{:<16} {:<10} {:<32} {}", r.group, r.name, r.email, r.scope);
        }
        Ok(0)
    })
}
