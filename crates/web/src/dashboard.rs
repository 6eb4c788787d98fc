//! The leadership dashboard: a run's completion in the viewer's subtree (or a unit below it), the
//! units below ranked and marked as a 情况通报 would, overdue and due-soon work with who is
//! responsible, figure totals, and three charts drawn on the server. The live part is also served
//! alone (`/d/live`), which the page's script fetches every few seconds; without JavaScript the
//! page is complete and a reload refreshes it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use campaign::wording::{format_duration, format_time};
use charts::{BurnUpChart, BurnUpPoint, CompletionChart, DateMarker, FigureChart, Options, UnitBar};
use chrono::{DateTime, NaiveDate, Utc};
use report::{Mark, Tally};
use serde::{Deserialize, Serialize};
use store::{FigureTotal, RunInfo, ScopeProgress, StoreError, TaskPage, TaskQuery, TemplateStatus};

use crate::auth::session;
use crate::error::WebError;
use crate::i18n::{Lang, choose, locale, texts};
use crate::render::base_context;
use crate::state::AppState;

/// `?run=campaign/key&unit=…&lang=…&v=…`.
#[derive(Debug, Default, Deserialize)]
pub struct DashQuery {
    pub run: Option<String>,
    pub unit: Option<String>,
    pub lang: Option<String>,
    /// The version the live part was rendered at: unchanged → 204.
    pub v: Option<i64>,
}

#[derive(Debug, Serialize)]
struct RunLink {
    label: String,
    href: String,
    current: bool,
    missed: bool,
}

#[derive(Debug, Serialize)]
struct RankedView {
    place: usize,
    unit: String,
    name: String,
    href: String,
    completion: String,
    done: u64,
    total: u64,
    overdue: u64,
    due_soon: u64,
    mark: &'static str,
    mark_label: String,
    email: String,
}

#[derive(Debug, Serialize)]
struct ListedTask {
    href: String,
    title: String,
    unit_name: String,
    due_at: String,
    timing: String,
}

/// One task (template) of the run: its completion across the viewer's units.
#[derive(Debug, Serialize)]
struct TaskLine {
    title: String,
    completion: String,
    /// Settled of all, `12/19`.
    done: String,
}

#[derive(Debug, Serialize)]
struct FigureLine {
    label: String,
    /// The total, or "（待报送）" when nobody reported the figure.
    total: String,
    unit: String,
    pending: bool,
}

#[derive(Debug, Serialize)]
struct UnitFigures {
    name: String,
    values: Vec<String>,
}

/// Each figure's name as the dashboard shows it: its label, followed by its task's title where
/// another task's figure has the same label.
fn figure_labels(figures: &[FigureTotal], templates: &[TemplateStatus], lang: Lang) -> Vec<String> {
    figures
        .iter()
        .map(|f| {
            let shared = figures.iter().filter(|g| g.label == f.label).count() > 1;
            let task = templates.iter().find(|t| t.template == f.template).map(|t| t.title.as_str());
            match (shared, task, lang) {
                (true, Some(task), Lang::Zh) => format!("{}（{task}）", f.label),
                (true, Some(task), Lang::En) => format!("{} ({task})", f.label),
                _ => f.label.clone(),
            }
        })
        .collect()
}

/// The run the dashboard shows: the one asked for, else the newest one open at `now`, else the
/// newest that is not missed.
fn choose_run(runs: &[RunInfo], asked: Option<&str>, now: DateTime<Utc>) -> Option<RunInfo> {
    if let Some((campaign, key)) = asked.and_then(|r| r.split_once('/')) {
        return runs.iter().find(|r| r.campaign == campaign && r.key == key).cloned();
    }
    runs.iter()
        .find(|r| !r.missed && r.opens_at.with_timezone(&Utc) <= now && now < r.closes_at.with_timezone(&Utc))
        .or_else(|| runs.iter().find(|r| !r.missed))
        .cloned()
}

fn percent(tally: &Tally) -> String {
    tally.completion().map_or_else(|| "—".to_string(), |p| format!("{}%", (p * 100.0).floor()))
}

fn mark_word(mark: Mark) -> &'static str {
    match mark {
        Mark::Behind => "mark_behind",
        Mark::AtRisk => "mark_at_risk",
        Mark::OnTrack => "mark_on_track",
        Mark::NoTasks => "mark_no_tasks",
    }
}

fn chart_mark(mark: Mark) -> charts::Mark {
    match mark {
        Mark::Behind => charts::Mark::Behind,
        Mark::AtRisk => charts::Mark::AtRisk,
        Mark::OnTrack => charts::Mark::OnTrack,
        Mark::NoTasks => charts::Mark::NoTasks,
    }
}

/// What the dashboard of one run and scope reads from the store; kept in the state's cache while
/// nothing changed (see [`data`]).
pub(crate) struct DashData {
    progress: ScopeProgress,
    per_day: Vec<(NaiveDate, u64)>,
    overdue: TaskPage,
    due_soon: TaskPage,
    /// The names of the units of the listed tasks.
    names: HashMap<String, String>,
}

/// The cache's key: campaign, run and scope.
pub(crate) type DashKey = (String, String, String);
/// The cache's stamp: the change marker and the minute of `now`. Every write that shows on the
/// dashboard (a report, a waiver, the engine opening a task, an apply) logs an event, which moves
/// the marker, read from the database with every view: a change by this or another process shows
/// at the next view or refresh. The minute covers what moves with time alone (an open task turns
/// overdue or due soon without any write): at most a minute late.
pub(crate) type DashStamp = (i64, i64);

/// The dashboard's data of `run` in `scope` at `now`, from the cache when nothing changed since it
/// was read (200 views at once of a district's dashboard ask the database once).
async fn data(
    state: &AppState,
    run: &RunInfo,
    scope: &str,
    version: i64,
    now: DateTime<Utc>,
) -> Result<Arc<Option<DashData>>, StoreError> {
    let key = (run.campaign.clone(), run.key.clone(), scope.to_string());
    let stamp = (version, now.timestamp().div_euclid(60));
    state.inner.dashboards.get_or_compute(&key, &stamp, || read(state, run, scope, now)).await
}

async fn read(
    state: &AppState,
    run: &RunInfo,
    scope: &str,
    now: DateTime<Utc>,
) -> Result<Option<DashData>, StoreError> {
    let store = state.store();
    let Some(progress) = store::progress_by_child(store, &run.campaign, &run.key, scope, now).await? else {
        return Ok(None);
    };
    let per_day = store::done_per_day(store, &run.campaign, &run.key, Some(scope)).await?;
    let listed = |overdue: bool| TaskQuery {
        campaign: Some(run.campaign.clone()),
        run: Some(run.key.clone()),
        scope: Some(scope.to_string()),
        overdue,
        due_soon: !overdue,
        limit: 100,
        ..TaskQuery::default()
    };
    let overdue = store::tasks_page(store, &listed(true), now).await?;
    let due_soon = store::tasks_page(store, &listed(false), now).await?;
    let units: Vec<&str> = overdue.tasks.iter().chain(&due_soon.tasks).map(|t| t.unit.as_str()).collect();
    let names = store::unit_names(store, &units).await?;
    Ok(Some(DashData { progress, per_day, overdue, due_soon, names }))
}

/// `GET /d`: the whole page.
pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<DashQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    render(state, query, headers, "dashboard.html").await
}

/// `GET /d/live`: the live part alone; 204 when nothing changed since version `v`.
pub async fn live(
    State(state): State<AppState>,
    Query(query): Query<DashQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(seen) = query.v {
        let now = store::change_marker(state.store()).await.map_err(|e| WebError::Store(Lang::Zh, e))?;
        if now == seen && session(&state, &headers).await?.is_some() {
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
    }
    render(state, query, headers, "live.html").await
}

async fn render(state: AppState, query: DashQuery, headers: HeaderMap, template: &str) -> Result<Response, WebError> {
    let fallback = choose(query.lang.as_deref(), None);
    let Some(session) = session(&state, &headers).await? else { return Err(WebError::Forbidden(fallback)) };
    let viewer = &session.viewer;
    if !viewer.has_units_below {
        return Err(WebError::Forbidden(fallback));
    }
    let store_err = |e| WebError::Store(fallback, e);
    // A unit below the viewer may be looked at; anything else is outside its scope.
    let scope = match query.unit.as_deref() {
        Some(unit) if viewer.sees(state.store(), unit).await.map_err(store_err)? => unit.to_string(),
        Some(_) => return Err(WebError::Forbidden(fallback)),
        None => viewer.scope.clone(),
    };
    let version = store::change_marker(state.store()).await.map_err(store_err)?;
    let now = state.now();
    let runs = store::runs(state.store()).await.map_err(store_err)?;
    let run = choose_run(&runs, query.run.as_deref(), now);
    let explicit = query.lang.as_deref().and_then(Lang::from_tag).is_some();
    let lang = choose(query.lang.as_deref(), run.as_ref().and_then(|r| state.config().campaign_lang(&r.campaign)));
    let words = texts(lang);
    let word = |k: &str| words.get(k).copied().unwrap_or_default().to_string();
    let loc = locale(lang);
    let lang_param =
        if explicit { format!("&lang={}", if lang == Lang::En { "en" } else { "zh" }) } else { String::new() };
    let mut context = base_context(lang, explicit);
    context.insert("viewer", &viewer.name);
    context.insert("scope_name", &viewer.scope_name);
    context.insert("has_registry", &state.config().registry.is_some());
    context.insert("version", &version);
    context.insert("own_portal", &viewer.own_unit.is_some());
    let run_links: Vec<RunLink> = runs
        .iter()
        .map(|r| RunLink {
            label: format!("{}（{}）", state.config().campaign_name(&r.campaign), r.key),
            href: format!("/d?run={}/{}{lang_param}", r.campaign, r.key),
            current: run.as_ref().is_some_and(|c| c.campaign == r.campaign && c.key == r.key),
            missed: r.missed,
        })
        .collect();
    context.insert("runs", &run_links);
    let Some(run) = run else {
        context.insert("run", &Option::<String>::None);
        return Ok(state.inner.pages.render(template, &context, lang)?.into_response());
    };
    let run_param = format!("run={}/{}", run.campaign, run.key);
    context.insert("run", &format!("{}（{}）", state.config().campaign_name(&run.campaign), run.key));
    context.insert("run_missed", &run.missed);
    // The whole campaign's report and ledger, for those who see all of it.
    let owner = state.config().definition(&run.campaign).map(|c| c.owner.clone());
    let downloads = owner.is_some_and(|owner| owner == viewer.scope) && !run.missed;
    context.insert("downloads", &downloads);
    context.insert("download_base", &format!("/d/report/{}/{}", run.campaign, run.key));
    context
        .insert("run_window", &format!("{} — {}", format_time(&run.opens_at, loc), format_time(&run.closes_at, loc)));
    let unit_param = if scope == viewer.scope { String::new() } else { format!("&unit={scope}") };
    context.insert("live_href", &format!("/d/live?{run_param}{unit_param}{lang_param}"));
    let data = data(&state, &run, &scope, version, now).await.map_err(store_err)?;
    let data = Option::as_ref(&data).ok_or(WebError::NotFound(lang))?;
    let progress = &data.progress;
    context.insert("unit_name", &progress.scope.name);
    context.insert("drilled", &(scope != viewer.scope));
    context.insert("up_href", &format!("/d?{run_param}{lang_param}"));
    let totals = progress.totals;
    context.insert("totals", &totals);
    context.insert("completion", &percent(&totals));

    // The units one level below the scope, ranked.
    let children = &progress.children;
    let tallies: Vec<(usize, Tally)> = children.iter().enumerate().map(|(i, c)| (i, c.tally)).collect();
    let ranking = report::rank(&tallies);
    let ranked: Vec<RankedView> = ranking
        .iter()
        .map(|r| {
            let unit = &children[r.unit].unit;
            RankedView {
                place: r.place,
                href: format!("/d?{run_param}&unit={}{lang_param}", unit.id),
                unit: unit.id.clone(),
                name: unit.name.clone(),
                completion: percent(&r.tally),
                done: r.tally.settled(),
                total: r.tally.total(),
                overdue: r.tally.overdue,
                due_soon: r.tally.due_soon,
                mark: r.mark.name(),
                mark_label: word(mark_word(r.mark)),
                email: unit.email.clone(),
            }
        })
        .collect();
    context.insert("ranked", &ranked);
    // About the width of a card on a phone (390 px less margins), so the text is not shrunk there.
    let chart_width = 340;
    let options =
        Options::new(if lang == Lang::En { charts::Locale::En } else { charts::Locale::ZhCn }).with_width(chart_width);
    let completion_chart = CompletionChart {
        title: word("by_unit_chart"),
        bars: ranking
            .iter()
            .map(|r| {
                let unit = &children[r.unit].unit;
                UnitBar::new(unit.name.clone(), r.completion * 100.0, chart_mark(r.mark))
                    .counts(r.tally.settled(), r.tally.total())
            })
            .collect(),
    };
    context.insert("chart_units", &completion_chart.render(&options.clone().with_id("chart-units")));

    // Done per day, for the burn-up.
    let start = run.opens_at.date_naive();
    let end = run.closes_at.date_naive();
    let today = now.with_timezone(&run.opens_at.timezone()).date_naive();
    let mut points = Vec::new();
    let mut done = 0;
    for (day, n) in &data.per_day {
        done += n;
        points.push(BurnUpPoint { date: *day, done, total: totals.total() });
    }
    if points.first().is_none_or(|p| p.date > start) {
        points.insert(0, BurnUpPoint { date: start, done: 0, total: totals.total() });
    }
    let last_day = today.min(end);
    if points.last().is_some_and(|p| p.date < last_day) {
        points.push(BurnUpPoint { date: last_day, done, total: totals.total() });
    }
    let burn_up = BurnUpChart {
        title: word("burn_up"),
        start,
        end,
        points,
        today: (start..=end).contains(&today).then_some(today),
        markers: Vec::<DateMarker>::new(),
    };
    context.insert("chart_burn_up", &burn_up.render(&options.clone().with_id("chart-burn-up")));

    // Figures: totals of the scope, and by unit below. Two tasks may ask for a figure of the same
    // name (people reached at talks and at lectures): those are named with their task. A figure
    // nobody reported is no 0 (the reports' rule): it is left out of the chart and said to be
    // not yet reported.
    let labels = figure_labels(&progress.figures, &progress.by_template, lang);
    let figure_lines: Vec<FigureLine> = progress
        .figures
        .iter()
        .zip(&labels)
        .map(|(f, label)| FigureLine {
            label: label.clone(),
            total: if f.reported == 0 { word("figure_pending") } else { charts_number(f.total, lang) },
            unit: f.unit.clone().unwrap_or_default(),
            pending: f.reported == 0,
        })
        .collect();
    let reported: Vec<charts::Figure> = progress
        .figures
        .iter()
        .zip(&labels)
        .filter(|(f, _)| f.reported > 0)
        .map(|(f, label)| charts::Figure::new(label.clone(), f.total, f.unit.clone().unwrap_or_default()))
        .collect();
    let chart_figures = if reported.is_empty() {
        String::new()
    } else {
        FigureChart { title: word("figures"), figures: reported }.render(&options.with_id("chart-figures"))
    };
    let pending: Vec<String> = figure_lines
        .iter()
        .filter(|f| f.pending)
        .map(|f| match lang {
            Lang::Zh => format!("{}{}", f.label, f.total),
            Lang::En => format!("{} {}", f.label, f.total),
        })
        .collect();
    // Figures counted from the talent register: the register's count (what the reports give)
    // beside what the units typed, so a difference shows.
    let registered: Vec<String> = progress
        .figures
        .iter()
        .zip(&labels)
        .filter_map(|(f, label)| {
            let n = f.registered?;
            let unit = f.unit.as_deref().unwrap_or_default();
            let typed = if f.reported == 0 { word("figure_pending") } else { charts_number(f.total, lang) };
            Some(match lang {
                Lang::Zh => format!("{label}：人才名册{n}{unit}，单位填报{typed}{unit}"),
                Lang::En => format!("{label}: {n}{unit} in the talent register, {typed} typed by units"),
            })
        })
        .collect();
    context.insert("figures", &figure_lines);
    context.insert("figures_pending", &pending);
    context.insert("figures_registered", &registered);
    context.insert("chart_figures", &chart_figures);
    let figures_by_unit: Vec<UnitFigures> = children
        .iter()
        .map(|c| UnitFigures {
            name: c.unit.name.clone(),
            values: progress
                .figures
                .iter()
                .map(|f| {
                    c.figures
                        .get(&format!("{}.{}", f.template, f.key))
                        .map_or_else(|| "—".to_string(), |v| charts_number(*v, lang))
                })
                .collect(),
        })
        .collect();
    context.insert("figures_by_unit", &figures_by_unit);

    // Overdue and due-soon work, with the unit responsible.
    for (key, overdue, page) in [("overdue", true, &data.overdue), ("due_soon", false, &data.due_soon)] {
        let tasks: Vec<ListedTask> = page
            .tasks
            .iter()
            .map(|t| {
                let due = t.due_at.with_timezone(&Utc);
                ListedTask {
                    href: format!(
                        "/t/{}{}",
                        t.id,
                        if explicit {
                            format!("?lang={}", if lang == Lang::En { "en" } else { "zh" })
                        } else {
                            String::new()
                        }
                    ),
                    title: t.title.clone(),
                    unit_name: data.names.get(&t.unit).cloned().unwrap_or_else(|| t.unit.clone()),
                    due_at: format_time(&t.due_at, loc),
                    timing: if overdue {
                        format!("{}{}", word("overdue_by"), format_duration(now - due, loc))
                    } else {
                        format!("{}{}", word("time_left"), format_duration(due - now, loc))
                    },
                }
            })
            .collect();
        context.insert(format!("{key}_tasks"), &tasks);
        context.insert(format!("{key}_total"), &page.total);
    }
    let by_task: Vec<TaskLine> = progress
        .by_template
        .iter()
        .map(|t| TaskLine {
            title: t.title.clone(),
            completion: percent(&t.counts),
            done: format!("{}/{}", t.counts.settled(), t.counts.total()),
        })
        .collect();
    context.insert("by_task", &by_task);
    Ok(state.inner.pages.render(template, &context, lang)?.into_response())
}

/// A figure total as the page shows it: digits grouped, decimals only when there are.
fn charts_number(value: f64, lang: Lang) -> String {
    let locale = if lang == Lang::En { charts::Locale::En } else { charts::Locale::ZhCn };
    if value.fract() == 0.0 && value.abs() < 1e15 { locale.count(value as u64) } else { locale.figure(value) }
}
