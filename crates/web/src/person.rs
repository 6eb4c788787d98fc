//! One person's page: masked for everyone by default; in the person's own community, the full
//! record once the unit's PIN unlocked this browser (and every personal page keeps it unlocked
//! for fifteen more minutes); elsewhere in the scope (a street office), one field revealed at a
//! time with a written reason. The follow-ups, newest first, and the form that records one; the
//! person's suggestions and the form that records one (`suggestion.rs`).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use campaign::wording::format_time;
use chrono::{TimeZone, Utc};
use serde::{Deserialize, Serialize};
use store::StoreError;
use store::registry::{PersonDetail, RegistryError, add_followup, is_own_book, person_detail, reveal_field};
use talent::{Channel, Field, FollowUpDraft, FollowUpField, PoolRoute, PoolStatus, ReturnIntent, validate_followup};

use crate::auth::{Session, csrf_for};
use crate::book::shown_name;
use crate::error::WebError;
use crate::i18n::{Lang, choose, locale, texts};
use crate::portal::lang_query;
use crate::registry::{choices, posted_session, reader, refusal, registry_session, today, today_zone, vault};
use crate::render::base_context;
use crate::state::AppState;
use crate::unlock::{OwnPerson, own_person, unlock_cookie, unlocked};

/// `?entered=` (what the add form came to), `?followed=1`, `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct PersonQuery {
    pub entered: Option<String>,
    pub followed: Option<u8>,
    pub pooled: Option<u8>,
    /// Set after a request was recorded (`recorded`) or answered (`answered`), or a review kept.
    pub request: Option<String>,
    pub reviewed: Option<u8>,
    pub suggested: Option<u8>,
    pub lang: Option<String>,
}

/// One line of the record.
#[derive(Debug, Serialize)]
struct FactView {
    label: String,
    value: String,
    /// A sealed field (ID number, mobile, address): its key, and whether it shows the value.
    sealed: Option<&'static str>,
    revealed: bool,
}

#[derive(Debug, Serialize)]
struct FollowUpView {
    contacted_on: String,
    channel: String,
    summary: String,
    intent: String,
    next_contact_on: String,
    by: String,
}

/// What one render of the page carries besides the person: a revealed field, a follow-up form
/// with its problems, a reveal form's problem.
#[derive(Default)]
pub(crate) struct Extra {
    revealed: Option<(Field, Option<String>)>,
    followup: Option<(FollowUpDraft, HashMap<FollowUpField, String>)>,
    reveal_problem: Option<String>,
    reveal_reason: String,
    erase_problem: Option<String>,
    /// A request form's problem: the request answered (`Some(id)`) or the new one (`None`).
    pub(crate) request_problem: Option<(Option<i64>, String)>,
    pub(crate) review_problem: Option<String>,
    suggestion: Option<crate::suggestion::SuggestionDraft>,
}

/// `GET /r/p/{id}`: the person's page.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PersonQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let session = registry_session(&state, &headers, lang).await?;
    show(&state, &session, &headers, lang, query.lang.is_some(), id, &query, Extra::default(), StatusCode::OK).await
}

/// The person's page again with the suggestion form as typed and its problem (422).
pub(crate) async fn show_with_suggestion(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    lang: Lang,
    explicit: bool,
    id: i64,
    draft: crate::suggestion::SuggestionDraft,
) -> Result<Response, WebError> {
    let extra = Extra { suggestion: Some(draft), ..Extra::default() };
    show(state, session, headers, lang, explicit, id, &PersonQuery::default(), extra, StatusCode::UNPROCESSABLE_ENTITY)
        .await
}

#[allow(clippy::too_many_arguments)] // one render behind the page and its forms
pub(crate) async fn show(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    lang: Lang,
    explicit: bool,
    id: i64,
    query: &PersonQuery,
    extra: Extra,
    status: StatusCode,
) -> Result<Response, WebError> {
    let vault = vault(state, lang)?;
    let viewer = reader(session);
    let now = state.now();
    let own = is_own_book(state.store(), &viewer, id).await.map_err(|e| refusal(lang, e))?;
    let full = own && unlocked(state, session, headers, now);
    let detail = person_detail(state.store(), &vault, &viewer, id, full, now).await.map_err(|e| refusal(lang, e))?;
    let words = texts(lang);
    let word = |k: &str| words.get(k).copied().unwrap_or_default().to_string();
    let q = lang_query(lang, explicit);
    let zone = today_zone(state);
    let mut context = base_context(lang, explicit);
    context.insert("viewer", &session.viewer.name);
    context.insert("name", &shown_name(&detail.record.name, detail.own_book));
    context.insert("facts", &facts(&detail, lang, &extra, zone));
    context.insert(
        "books",
        &detail
            .books
            .iter()
            .map(|b| format!("{}（{}，{}）", b.unit_name, b.role.label(lang), b.archive_no))
            .collect::<Vec<_>>(),
    );
    let followups: Vec<FollowUpView> = detail
        .followups
        .iter()
        .map(|f| FollowUpView {
            contacted_on: f.contacted_on.format("%Y-%m-%d").to_string(),
            channel: f.channel.label(lang).to_string(),
            summary: f.summary.clone(),
            intent: f.intent.map(|i| i.label(lang).to_string()).unwrap_or_default(),
            next_contact_on: f.next_contact_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            // A link's actor is its unit's name: said once.
            by: if f.actor == f.unit_name { f.unit_name.clone() } else { format!("{}（{}）", f.actor, f.unit_name) },
        })
        .collect();
    context.insert("followups", &followups);
    context.insert("own_book", &detail.own_book);
    context.insert("full", &full);
    context.insert(
        "intent_confirmed",
        &detail
            .intent_confirmed_at
            .and_then(|t| Utc.timestamp_opt(t, 0).single())
            .map(|t| format_time(&t.with_timezone(&zone), locale(lang))),
    );
    let notice = match query.entered.as_deref() {
        Some("added") => Some(word("entered_added")),
        Some("already") => Some(word("entered_already")),
        Some("linked") => Some(word("entered_linked")),
        _ if query.followed.is_some() => Some(word("followed")),
        _ if query.pooled.is_some() => Some(word("pooled")),
        _ if query.request.as_deref() == Some("recorded") => Some(word("request_recorded")),
        _ if query.request.as_deref() == Some("answered") => Some(word("request_answered")),
        _ if query.reviewed.is_some() => Some(word("review_kept")),
        _ if query.suggested.is_some() => Some(word("suggested")),
        _ => None,
    };
    context.insert("notice", &notice);
    context.insert("csrf", &csrf_for(state, session));
    let lang_param = q.strip_prefix('?').map(|l| format!("&{l}")).unwrap_or_default();
    context.insert("unlock_href", &format!("/r/unlock?to={id}{lang_param}"));
    context.insert("book_href", &format!("/r{q}"));
    context.insert("reveal_action", &format!("/r/p/{id}/reveal{q}"));
    context.insert("followup_action", &format!("/r/p/{id}/followups{q}"));
    context.insert("reveal_problem", &extra.reveal_problem);
    context.insert("reveal_reason", &extra.reveal_reason);
    context.insert("erase_action", &format!("/r/p/{id}/erase{q}"));
    context.insert("erase_problem", &extra.erase_problem);
    context.insert(
        "sealed_fields",
        &[Field::Mobile, Field::IdNumber, Field::Address].map(|f| (f.key(), f.label(lang))).to_vec(),
    );
    let (draft, problems) = extra.followup.clone().unwrap_or_else(|| {
        (
            FollowUpDraft { contacted_on: today(state).format("%Y-%m-%d").to_string(), ..Default::default() },
            HashMap::new(),
        )
    });
    let problem = |f: FollowUpField| problems.get(&f).cloned().unwrap_or_default();
    context.insert(
        "fu",
        &HashMap::from([
            ("contacted_on", draft.contacted_on.clone()),
            ("channel", draft.channel.clone()),
            ("summary", draft.summary.clone()),
            ("intent", draft.intent.clone()),
            ("next_contact_on", draft.next_contact_on.clone()),
        ]),
    );
    context.insert(
        "fu_error",
        &HashMap::from([
            ("contacted_on", problem(FollowUpField::ContactedOn)),
            ("channel", problem(FollowUpField::Channel)),
            ("summary", problem(FollowUpField::Summary)),
            ("intent", problem(FollowUpField::Intent)),
            ("next_contact_on", problem(FollowUpField::NextContactOn)),
        ]),
    );
    context.insert("fu_has_errors", &!problems.is_empty());
    context.insert("channels", &choices::<Channel>(lang));
    context.insert("intents", &choices::<ReturnIntent>(lang));
    context.insert("pool_action", &format!("/r/p/{id}/pool{q}"));
    // Its community recommends; the units above decide (see store::registry::set_pool_status).
    let statuses: Vec<(&str, &str)> = if detail.own_book {
        vec![(PoolStatus::Recommended.key(), PoolStatus::Recommended.label(lang))]
    } else {
        choices::<PoolStatus>(lang)
    };
    context.insert("pool_statuses", &statuses);
    context.insert("pool_routes", &choices::<PoolRoute>(lang));
    context.insert("pool_status", &detail.record.pool_status.map(|s| s.key()));
    let decided = matches!(detail.record.pool_status, Some(PoolStatus::UnderReview | PoolStatus::Admitted));
    context.insert("pool_may_change", &!(detail.own_book && decided));
    crate::requests::page_context(&mut context, &detail, lang, q, today(state), &extra);
    // The person's suggestions, and the form that records one (units only; a reader reads).
    let suggestions =
        store::registry::person_suggestions(state.store(), &viewer, id, now).await.map_err(|e| refusal(lang, e))?;
    context.insert("suggestions", &crate::suggestion::views(&suggestions, lang, today(state), q));
    context.insert("suggestions_href", &format!("/r/s{q}"));
    let routes = match &session.viewer.own_unit {
        Some(unit) => store::registry::route_choices(state.store(), unit).await.map_err(|e| refusal(lang, e))?,
        None => Vec::new(),
    };
    context.insert("may_suggest", &!routes.is_empty());
    context.insert("sg_routes", &routes);
    context.insert("sg_categories", &crate::suggestion::categories(lang));
    context.insert("suggestion_action", &format!("/r/p/{id}/suggestions{q}"));
    let draft = extra.suggestion.clone().unwrap_or_else(|| crate::suggestion::SuggestionDraft {
        due_on: crate::suggestion::default_due(today(state)).format("%Y-%m-%d").to_string(),
        ..Default::default()
    });
    context.insert("sg", &draft.context());
    let html = state.inner.pages.render("person.html", &context, lang)?;
    let mut response = (status, html).into_response();
    // Every personal page seen unlocked keeps the browser unlocked for fifteen more minutes.
    if full && let Some(cookie) = unlock_cookie(state, session, now) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    // A personal page is never kept by the browser or a proxy.
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(response)
}

fn facts(detail: &PersonDetail, lang: Lang, extra: &Extra, zone: chrono_tz::Tz) -> Vec<FactView> {
    let p = &detail.record;
    let mut out = Vec::new();
    let mut plain = |field: Field, value: String| {
        if !value.is_empty() {
            out.push(FactView { label: field.label(lang).to_string(), value, sealed: None, revealed: false });
        }
    };
    plain(Field::Gender, p.gender.map(|g| g.label(lang).to_string()).unwrap_or_default());
    plain(Field::BirthYearMonth, p.birth_year_month.map(|b| b.label(lang)).unwrap_or_default());
    let mut sealed = Vec::new();
    for (field, shown) in [(Field::IdNumber, &p.id_number), (Field::Mobile, &p.mobile), (Field::Address, &p.address)] {
        let Some(shown) = shown else { continue };
        let (value, revealed) = match &extra.revealed {
            Some((f, Some(value))) if *f == field => (value.clone(), true),
            _ => (shown.text.clone(), shown.revealed),
        };
        sealed.push(FactView { label: field.label(lang).to_string(), value, sealed: Some(field.key()), revealed });
    }
    out.extend(sealed);
    let mut plain = |field: Field, value: String| {
        if !value.is_empty() {
            out.push(FactView { label: field.label(lang).to_string(), value, sealed: None, revealed: false });
        }
    };
    plain(Field::Employer, p.employer.clone().unwrap_or_default());
    plain(Field::WorkPlace, p.work_place.clone().unwrap_or_default());
    plain(Field::Category, p.categories.iter().map(|c| c.label(lang)).collect::<Vec<_>>().join("、"));
    plain(Field::Education, p.education.map(|e| e.label(lang).to_string()).unwrap_or_default());
    plain(Field::Specialty, p.specialty.clone().unwrap_or_default());
    plain(Field::ReturnIntent, p.return_intent.label(lang).to_string());
    plain(Field::FamilyNeeds, p.family_needs.iter().map(|n| n.label(lang)).collect::<Vec<_>>().join("、"));
    plain(Field::Note, p.note.clone().unwrap_or_default());
    let words = texts(lang);
    let word = |k: &str| words.get(k).copied().unwrap_or_default().to_string();
    if let Some(version) = &p.notice_version {
        let day = p
            .notice_given_at
            .and_then(|t| Utc.timestamp_opt(t, 0).single())
            .map(|t| t.with_timezone(&zone).format("%Y-%m-%d").to_string());
        let value = match (day, lang) {
            (Some(day), Lang::Zh) => format!("{version}（{day} 告知）"),
            (Some(day), Lang::En) => format!("{version} (shown {day})"),
            (None, _) => version.clone(),
        };
        out.push(FactView { label: word("notice_record"), value, sealed: None, revealed: false });
    }
    if let Some(basis) = p.legal_basis {
        out.push(FactView {
            label: word("legal_basis"),
            value: format!("{}（{}）", basis.label(lang), basis.article(lang)),
            sealed: None,
            revealed: false,
        });
    }
    if let Some(status) = p.pool_status {
        let route = p.pool_route.map(|r| format!("（{}）", r.label(lang))).unwrap_or_default();
        out.push(FactView {
            label: word("pool"),
            value: format!("{}{route}", status.label(lang)),
            sealed: None,
            revealed: false,
        });
    }
    out
}

/// The pool form: the status (a community may only recommend) and the route.
#[derive(Debug, Default, Deserialize)]
pub struct PoolForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub route: String,
}

/// `POST /r/p/{id}/pool`: the person's reserve-pool status. Their community recommends (推荐);
/// the street or the district examines, admits or withdraws. Back to the page.
pub async fn pool(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PersonQuery>,
    headers: HeaderMap,
    Form(form): Form<PoolForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    let viewer = reader(&session);
    // A form tampered with is refused as a bad request: the page only offers valid choices.
    let status = PoolStatus::parse(&form.status).map_err(|_| WebError::BadRequest(lang, "status".into()))?;
    let route = match form.route.trim() {
        "" => None,
        text => Some(PoolRoute::parse(text).map_err(|_| WebError::BadRequest(lang, "route".into()))?),
    };
    store::registry::set_pool_status(state.store(), &viewer, id, status, route, state.now())
        .await
        .map_err(|e| refusal(lang, e))?;
    let q = lang_query(lang, explicit);
    let sep = if q.is_empty() { "?" } else { "&" };
    Ok(Redirect::to(&format!("/r/p/{id}{q}{sep}pooled=1")).into_response())
}

/// The reveal form: which sealed field, and why.
#[derive(Debug, Default, Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /r/p/{id}/reveal`: one sealed field of a person outside the reader's own book, with a
/// written reason (logged). The value is shown on the page that answers, never put in an address.
pub async fn reveal(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PersonQuery>,
    headers: HeaderMap,
    Form(form): Form<RevealForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    let vault = vault(&state, lang)?;
    let field = match Field::parse(&form.field) {
        Ok(f @ (Field::IdNumber | Field::Mobile | Field::Address)) => f,
        _ => return Err(WebError::BadRequest(lang, "field".into())),
    };
    let now = state.now();
    let reason = form.reason.trim();
    let words = texts(lang);
    let extra = match reveal_field(state.store(), &vault, &reader(&session), id, field, Some(reason), now).await {
        Ok(value) => {
            tracing::info!(person = id, field = field.key(), "a sealed field was revealed with a reason");
            Extra { revealed: Some((field, value)), ..Extra::default() }
        }
        Err(StoreError::Registry(RegistryError::ReasonRequired)) => Extra {
            reveal_problem: Some(words.get("reveal_reason_required").copied().unwrap_or_default().to_string()),
            reveal_reason: form.reason.clone(),
            ..Extra::default()
        },
        Err(e) => return Err(refusal(lang, e)),
    };
    let status = if extra.reveal_problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    show(&state, &session, &headers, lang, explicit, id, &PersonQuery::default(), extra, status).await
}

/// The follow-up form as sent.
#[derive(Debug, Default, Deserialize)]
pub struct FollowUpForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub contacted_on: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub intent: String,
    #[serde(default)]
    pub next_contact_on: String,
}

/// `POST /r/p/{id}/followups`: records a contact with the person (their own community only).
pub async fn followup(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PersonQuery>,
    headers: HeaderMap,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    let viewer = own_person(&state, &session, &headers, lang, id, OwnPerson::Book).await?;
    let draft = FollowUpDraft {
        contacted_on: form.contacted_on,
        channel: form.channel,
        summary: form.summary,
        intent: form.intent,
        next_contact_on: form.next_contact_on,
    };
    let fields = match validate_followup(&draft, today(&state)) {
        Ok(fields) => fields,
        Err(problems) => {
            let problems = problems.iter().map(|p| (p.field, p.message(lang))).collect();
            let extra = Extra { followup: Some((draft, problems)), ..Extra::default() };
            return show(
                &state,
                &session,
                &headers,
                lang,
                explicit,
                id,
                &PersonQuery::default(),
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    add_followup(state.store(), &viewer, id, &fields, state.now()).await.map_err(|e| refusal(lang, e))?;
    tracing::info!(person = id, "a follow-up was recorded from the web");
    let q = lang_query(lang, explicit);
    let sep = if q.is_empty() { "?" } else { "&" };
    Ok(Redirect::to(&format!("/r/p/{id}{q}{sep}followed=1")).into_response())
}

/// The erase form: why (the person's request).
#[derive(Debug, Default, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /r/p/{id}/erase`: the person's own community, unlocked by its PIN, erases the person at
/// their request (anonymised; the counts keep them). Back to the book.
pub async fn erase(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PersonQuery>,
    headers: HeaderMap,
    Form(form): Form<EraseForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    let viewer = own_person(&state, &session, &headers, lang, id, OwnPerson::Unlocked).await?;
    let now = state.now();
    match store::registry::erase_person(state.store(), &viewer, id, &form.reason, now).await {
        Ok(()) => {}
        Err(StoreError::Registry(RegistryError::ReasonRequired)) => {
            let words = texts(lang);
            let extra = Extra {
                erase_problem: Some(words.get("erase_reason_required").copied().unwrap_or_default().to_string()),
                ..Extra::default()
            };
            return show(
                &state,
                &session,
                &headers,
                lang,
                explicit,
                id,
                &PersonQuery::default(),
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(refusal(lang, e)),
    }
    tracing::info!(person = id, "a person was erased from the web");
    let q = lang_query(lang, explicit);
    let sep = if q.is_empty() { "?" } else { "&" };
    Ok(Redirect::to(&format!("/r{q}{sep}erased=1")).into_response())
}
