//! The retention review on the portal (PIPL art. 19): the persons of the scope whose review date
//! has passed, masked (`/r/review`, the book's "待复核 N 人"), and, on a person's page in the own
//! community unlocked by its PIN, keeping the record until a new date with a reason (erasing is
//! the page's erase form).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use store::StoreError;
use store::registry::{RegistryError, ReviewQuery, keep_until, review_due_persons};

use crate::error::WebError;
use crate::i18n::choose;
use crate::person::{Extra, PersonQuery, show};
use crate::portal::lang_query;
use crate::registry::{posted_session, reader, refusal, registry_session};
use crate::render::base_context;
use crate::state::AppState;
use crate::unlock::{OwnPerson, own_person};

/// `?unit=` (one unit's books in the scope), `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct ReviewPageQuery {
    pub unit: Option<String>,
    pub lang: Option<String>,
}

/// `GET /r/review`: the persons due for review, masked, the earliest first.
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<ReviewPageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = registry_session(&state, &headers, lang).await?;
    let viewer = reader(&session);
    let asked = ReviewQuery { unit: query.unit.clone() };
    let due = review_due_persons(state.store(), &viewer, &asked, state.now()).await.map_err(|e| refusal(lang, e))?;
    let q = lang_query(lang, explicit);
    let rows: Vec<HashMap<&str, String>> = due
        .iter()
        .map(|d| {
            HashMap::from([
                ("href", format!("/r/p/{}{q}", d.person_id)),
                ("name", d.name.clone()),
                ("archive_no", d.archive_no.clone()),
                ("unit_name", d.unit_name.clone()),
                ("review_on", d.review_on.to_string()),
            ])
        })
        .collect();
    let mut context = base_context(lang, explicit);
    context.insert("viewer", &session.viewer.name);
    context.insert("scope_name", &session.viewer.scope_name);
    context.insert("rows", &rows);
    context.insert("book_href", &format!("/r{q}"));
    let html = state.inner.pages.render("review.html", &context, lang)?;
    Ok(html.into_response())
}

/// The keep form: until when, and why.
#[derive(Debug, Default, Deserialize)]
pub struct KeepForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /r/p/{id}/review`: kept until a new review date, by the own community once unlocked.
pub async fn keep(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<PersonQuery>,
    headers: HeaderMap,
    Form(form): Form<KeepForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    let viewer = own_person(&state, &session, &headers, lang, id, OwnPerson::Unlocked).await?;
    let now = state.now();
    let until = NaiveDate::parse_from_str(form.until.trim(), "%Y-%m-%d")
        .map_err(|_| WebError::BadRequest(lang, "until".into()))?;
    match keep_until(state.store(), &viewer, id, until, &form.reason, now).await {
        Ok(()) => {}
        Err(StoreError::Registry(e @ (RegistryError::ReviewReasonRequired | RegistryError::ReviewDateNotLater))) => {
            let mut extra = Extra::default();
            extra.review_problem = Some(e.message(lang));
            return show(
                &state,
                &session,
                &headers,
                lang,
                explicit,
                id,
                &PersonQuery::default(),
                extra,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(refusal(lang, e)),
    }
    tracing::info!(person = id, "a retention review was recorded from the web");
    let q = lang_query(lang, explicit);
    let sep = if q.is_empty() { "?" } else { "&" };
    Ok(Redirect::to(&format!("/r/p/{id}{q}{sep}reviewed=1")).into_response())
}
