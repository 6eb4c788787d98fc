//! A person's requests on the portal (查阅 / 更正 / 删除, PIPL arts. 44–47): the person's page lists
//! them and, in the own community, records one and answers one (the full record unlocked by the
//! PIN: the answer shows, corrects or erases it); a copy of the record to print for a 查阅; the
//! unit's requests, the overdue on top (`/r/requests`). Out of scope is "not found", as on every
//! registry route.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use store::StoreError;
use store::registry::{
    NewRequest, PersonDetail, RegistryError, RequestAnswer, RequestQuery, RightsRequest, add_request, answer_request,
    list_requests, person_detail,
};
use talent::{Field, RequestChannel, RightsRequestKind};
use tera::Context;

use crate::auth::csrf_for;
use crate::book::shown_name;
use crate::error::WebError;
use crate::i18n::{Lang, choose, texts};
use crate::person::{Extra, PersonQuery, show};
use crate::portal::lang_query;
use crate::registry::{choices, posted_session, reader, refusal, registry_session, today, vault};
use crate::render::base_context;
use crate::state::AppState;
use crate::unlock::{OwnPerson, own_person, unlock_cookie};

/// A request as a page lists it.
#[derive(Debug, Serialize)]
struct RequestView {
    id: i64,
    href: String,
    name: String,
    kind: String,
    kind_key: &'static str,
    via: String,
    received_on: String,
    due_on: String,
    overdue: bool,
    open: bool,
    outcome: String,
    answer: String,
    fields: String,
    action: String,
    problem: String,
}

fn view(r: &RightsRequest, lang: Lang, q: &str, extra: Option<&Extra>) -> RequestView {
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    let problem = extra
        .and_then(|e| e.request_problem.as_ref())
        .filter(|(id, _)| *id == Some(r.id))
        .map(|(_, p)| p.clone())
        .unwrap_or_default();
    RequestView {
        id: r.id,
        href: format!("/r/p/{}{q}", r.person_id),
        name: r.name.clone(),
        kind: r.kind.label(lang).to_string(),
        kind_key: r.kind.key(),
        via: r.channel.label(lang).to_string(),
        received_on: r.received_on.to_string(),
        due_on: r.due_on.to_string(),
        overdue: r.overdue,
        open: r.outcome.is_none(),
        outcome: r
            .outcome
            .map(|o| format!("{} {}", o.label(lang), r.answered_on.map(|d| d.to_string()).unwrap_or_default()))
            .unwrap_or_default(),
        answer: r.answer.clone().unwrap_or_default(),
        fields: r
            .fields
            .iter()
            .map(|k| Field::parse(k).map_or(k.as_str(), |f| f.label(lang)))
            .collect::<Vec<_>>()
            .join(sep),
        action: format!("/r/p/{}/requests/{}{q}", r.person_id, r.id),
        problem,
    }
}

/// What the person's page shows of requests and the retention review.
pub(crate) fn page_context(
    context: &mut Context,
    detail: &PersonDetail,
    lang: Lang,
    q: &str,
    today: NaiveDate,
    extra: &Extra,
) {
    let id = detail.record.id;
    let views: Vec<RequestView> = detail.requests.iter().map(|r| view(r, lang, q, Some(extra))).collect();
    context.insert("requests", &views);
    context.insert("request_action", &format!("/r/p/{id}/requests{q}"));
    context.insert("request_kinds", &choices::<RightsRequestKind>(lang));
    context.insert("request_vias", &choices::<RequestChannel>(lang));
    context.insert("request_today", &today.to_string());
    let new_problem = extra.request_problem.as_ref().filter(|(id, _)| id.is_none()).map(|(_, p)| p.clone());
    context.insert("request_problem", &new_problem);
    // A correction may change any field of the entry form, validated as on entry.
    context.insert("correctable", &Field::ALL.iter().map(|f| (f.key(), f.label(lang))).collect::<Vec<_>>());
    context.insert("print_href", &format!("/r/p/{id}/print{q}"));
    context.insert("retention_review_on", &detail.retention_review_on.map(|d| d.to_string()));
    context.insert("review_action", &format!("/r/p/{id}/review{q}"));
    context.insert("review_problem", &extra.review_problem);
    let until = detail
        .retention_review_on
        .filter(|d| *d > today)
        .unwrap_or_else(|| talent::retention_review_date(today))
        .to_string();
    context.insert("review_until_default", &until);
}

/// The form recording a request.
#[derive(Debug, Default, Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub via: String,
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub due_on: String,
}

fn back(id: i64, q: &str, what: &str) -> Response {
    let sep = if q.is_empty() { "?" } else { "&" };
    Redirect::to(&format!("/r/p/{id}{q}{sep}{what}")).into_response()
}

#[allow(clippy::too_many_arguments)] // the page again, with one form's problem
async fn again(
    state: &AppState,
    session: &crate::auth::Session,
    headers: &HeaderMap,
    lang: Lang,
    explicit: bool,
    id: i64,
    extra: Extra,
) -> Result<Response, WebError> {
    show(state, session, headers, lang, explicit, id, &PersonQuery::default(), extra, StatusCode::UNPROCESSABLE_ENTITY)
        .await
}

/// `POST /r/p/{id}/requests`: the person's own community records a request (due in
/// [`talent::REQUEST_DUE_DAYS`] days unless a due date is given).
pub async fn record(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PersonQuery>,
    headers: HeaderMap,
    Form(form): Form<RecordForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    let viewer = own_person(&state, &session, &headers, lang, id, OwnPerson::Book).await?;
    // The page offers only valid choices: anything else is a tampered form.
    let kind = RightsRequestKind::parse(&form.kind).map_err(|_| WebError::BadRequest(lang, "kind".into()))?;
    let channel = RequestChannel::parse(&form.via).map_err(|_| WebError::BadRequest(lang, "via".into()))?;
    let day = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d");
    let received_on = match form.received_on.trim() {
        "" => today(&state),
        text => match day(text) {
            Ok(d) => d,
            Err(_) => return Err(WebError::BadRequest(lang, "received_on".into())),
        },
    };
    let due_on = match form.due_on.trim() {
        "" => None,
        text => Some(day(text).map_err(|_| WebError::BadRequest(lang, "due_on".into()))?),
    };
    let new = NewRequest { person_id: id, kind, channel, received_on, due_on };
    match add_request(state.store(), &viewer, &new, state.now()).await {
        Ok(_) => {}
        Err(StoreError::Registry(e @ (RegistryError::DueBeforeReceived | RegistryError::ReceivedInFuture))) => {
            let mut extra = Extra::default();
            extra.request_problem = Some((None, e.message(lang)));
            return again(&state, &session, &headers, lang, explicit, id, extra).await;
        }
        Err(e) => return Err(refusal(lang, e)),
    }
    tracing::info!(person = id, kind = kind.key(), "a request was recorded from the web");
    Ok(back(id, lang_query(lang, explicit), "request=recorded"))
}

/// The form answering a request: done or refused; for a correction one field and its new value;
/// a note (what was done) or a refusal's reason.
#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    pub csrf: String,
    /// The request's kind as the page showed it; the store checks it against the request.
    #[serde(default)]
    pub kind: String,
    /// `done` or `refused`.
    #[serde(default)]
    pub how: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub text: String,
}

/// `POST /r/p/{id}/requests/{request}`: the own community, unlocked by its PIN, answers.
pub async fn answer(
    State(state): State<AppState>,
    Path((id, request)): Path<(i64, i64)>,
    Query(query): Query<PersonQuery>,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    let viewer = own_person(&state, &session, &headers, lang, id, OwnPerson::Unlocked).await?;
    let now = state.now();
    let bad = |what: &str| WebError::BadRequest(lang, what.into());
    let kind = RightsRequestKind::parse(&form.kind).map_err(|_| bad("kind"))?;
    let text = form.text.trim().to_string();
    let answer = match (form.how.as_str(), kind) {
        ("refused", _) => RequestAnswer::Refused { reason: text },
        ("done", RightsRequestKind::Access) => RequestAnswer::CopyGiven { note: text },
        ("done", RightsRequestKind::Erasure) => RequestAnswer::Erased { note: text },
        ("done", RightsRequestKind::Correction) => {
            let field = Field::parse(&form.field).map_err(|_| bad("field"))?;
            RequestAnswer::Corrected { changes: vec![(field, form.value.clone())], note: text }
        }
        _ => return Err(bad("how")),
    };
    let erased = matches!(answer, RequestAnswer::Erased { .. });
    let vault = vault(&state, lang)?;
    match answer_request(state.store(), &vault, &viewer, request, &answer, now).await {
        Ok(_) => {}
        Err(StoreError::Registry(
            e @ (RegistryError::InvalidCorrection(_)
            | RegistryError::NothingToCorrect
            | RegistryError::CorrectedIdNumberTaken
            | RegistryError::RefusalReasonRequired
            | RegistryError::AnswerKindMismatch { .. }
            | RegistryError::RequestClosed(_)),
        )) => {
            let mut extra = Extra::default();
            extra.request_problem = Some((Some(request), e.message(lang)));
            return again(&state, &session, &headers, lang, explicit, id, extra).await;
        }
        Err(e) => return Err(refusal(lang, e)),
    }
    tracing::info!(person = id, request, "a request was answered from the web");
    let q = lang_query(lang, explicit);
    if erased {
        let sep = if q.is_empty() { "?" } else { "&" };
        return Ok(Redirect::to(&format!("/r{q}{sep}erased=1")).into_response());
    }
    Ok(back(id, q, "request=answered"))
}

/// `?all=1` lists the answered too; `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub all: Option<u8>,
    pub lang: Option<String>,
}

/// `GET /r/requests`: the requests of the persons in the viewer's scope, the overdue on top;
/// open ones only unless `?all=1`.
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = registry_session(&state, &headers, lang).await?;
    let viewer = reader(&session);
    let asked = RequestQuery { open_only: query.all.is_none(), overdue_only: false };
    let requests = list_requests(state.store(), &viewer, asked, state.now()).await.map_err(|e| refusal(lang, e))?;
    let q = lang_query(lang, explicit);
    let views: Vec<RequestView> = requests.iter().map(|r| view(r, lang, q, None)).collect();
    let mut context = base_context(lang, explicit);
    context.insert("viewer", &session.viewer.name);
    context.insert("scope_name", &session.viewer.scope_name);
    context.insert("requests", &views);
    context.insert("overdue", &views.iter().filter(|v| v.overdue).count());
    context.insert("showing_all", &query.all.is_some());
    let sep = if q.is_empty() { "?" } else { "&" };
    context.insert("all_href", &format!("/r/requests{q}{sep}all=1"));
    context.insert("open_href", &format!("/r/requests{q}"));
    context.insert("book_href", &format!("/r{q}"));
    let html = state.inner.pages.render("requests.html", &context, lang)?;
    Ok(html.into_response())
}

/// `GET /r/p/{id}/print`: the full record to print and give the person (查阅复制), for its own
/// community once unlocked by the PIN (logged as a full view). Never cached.
pub async fn print(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PersonQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = registry_session(&state, &headers, lang).await?;
    let viewer = own_person(&state, &session, &headers, lang, id, OwnPerson::Unlocked).await?;
    let now = state.now();
    let vault = vault(&state, lang)?;
    let detail = person_detail(state.store(), &vault, &viewer, id, true, now).await.map_err(|e| refusal(lang, e))?;
    let words = texts(lang);
    let p = &detail.record;
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    let mut facts: Vec<(String, String)> = Vec::new();
    let mut fact = |field: Field, value: String| facts.push((field.label(lang).to_string(), value));
    fact(Field::Name, shown_name(&p.name, true));
    fact(Field::Gender, p.gender.map(|g| g.label(lang).to_string()).unwrap_or_default());
    fact(Field::BirthYearMonth, p.birth_year_month.map(|b| b.label(lang)).unwrap_or_default());
    fact(Field::IdNumber, p.id_number.as_ref().map(|s| s.text.clone()).unwrap_or_default());
    fact(Field::Mobile, p.mobile.as_ref().map(|s| s.text.clone()).unwrap_or_default());
    fact(Field::Address, p.address.as_ref().map(|s| s.text.clone()).unwrap_or_default());
    fact(Field::Employer, p.employer.clone().unwrap_or_default());
    fact(Field::WorkPlace, p.work_place.clone().unwrap_or_default());
    fact(Field::Category, p.categories.iter().map(|c| c.label(lang)).collect::<Vec<_>>().join(sep));
    fact(Field::Education, p.education.map(|e| e.label(lang).to_string()).unwrap_or_default());
    fact(Field::Specialty, p.specialty.clone().unwrap_or_default());
    fact(Field::ReturnIntent, p.return_intent.label(lang).to_string());
    fact(Field::FamilyNeeds, p.family_needs.iter().map(|n| n.label(lang)).collect::<Vec<_>>().join(sep));
    fact(Field::Note, p.note.clone().unwrap_or_default());
    let mut context = base_context(lang, explicit);
    context.insert("facts", &facts);
    context.insert(
        "books",
        &detail.books.iter().map(|b| format!("{}（{}）", b.unit_name, b.archive_no)).collect::<Vec<_>>(),
    );
    let followups: Vec<HashMap<&str, String>> = detail
        .followups
        .iter()
        .map(|f| {
            HashMap::from([
                ("on", f.contacted_on.to_string()),
                ("channel", f.channel.label(lang).to_string()),
                ("summary", f.summary.clone()),
            ])
        })
        .collect();
    context.insert("followups", &followups);
    context.insert("printed_on", &today(&state).to_string());
    context.insert("retention_review_on", &detail.retention_review_on.map(|d| d.to_string()));
    context.insert("scope_name", &session.viewer.scope_name);
    context.insert("title", words.get("print_title").copied().unwrap_or_default());
    context.insert("csrf", &csrf_for(&state, &session));
    let html = state.inner.pages.render("person_print.html", &context, lang)?;
    let mut response = html.into_response();
    if let Some(cookie) = unlock_cookie(&state, &session, now) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(response)
}
