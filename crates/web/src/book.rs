//! A unit's talent book on the portal (一社区一册): its persons masked, the contacts that fall
//! due, and the form that adds a person — every field checked at once, each problem beside its
//! field with what was entered kept, and a possible duplicate held for the worker to confirm.
//! A street office (or a leadership reader) reads the books below it the same way, names masked
//! too, and adds nobody.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use store::registry::{BookQuery, Entered, NewPerson, Scope, Told, add_person, contacts_due, list_books};
use talent::{
    BookRole, Category, Education, Field, Gender, LegalBasis, PersonDraft, PersonName, ReturnIntent, mask_name,
    validate,
};

use crate::auth::{Session, csrf_for};
use crate::error::WebError;
use crate::export::percent_encode;
use crate::i18n::{Lang, choose, texts};
use crate::portal::lang_query;
use crate::registry::{PAGE, choices, posted_session, reader, refusal, registry_session, today, vault};
use crate::render::base_context;
use crate::state::AppState;

/// `?page=`, `?unit=` (one unit's book within the scope), `?q=` (the search box's text),
/// `?reset=` (the unit whose PIN was just reset) and `?lang=`.
#[derive(Default, Deserialize)]
pub struct BookPageQuery {
    pub page: Option<u64>,
    pub unit: Option<String>,
    /// What the worker searched for: a name, a mobile, an ID number or an archive number.
    pub q: Option<String>,
    pub reset: Option<String>,
    /// Set after a person was erased.
    pub erased: Option<u8>,
    pub lang: Option<String>,
}

impl std::fmt::Debug for BookPageQuery {
    /// Without the search text, which may be a phone or an ID number.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BookPageQuery").field("page", &self.page).field("unit", &self.unit).finish_non_exhaustive()
    }
}

/// A person as a book's list shows them.
#[derive(Debug, Serialize)]
struct RowView {
    href: String,
    archive_no: String,
    name: String,
    gender: String,
    birth: String,
    mobile: String,
    categories: String,
    intent: String,
    unit_name: String,
}

/// A name as a reader outside the person's own book sees it: `张*三`.
pub(crate) fn shown_name(name: &str, own_book: bool) -> String {
    if own_book {
        return name.to_string();
    }
    PersonName::parse(name).map(|n| mask_name(&n)).unwrap_or_else(|_| "*".into())
}

/// `GET /r`: the book of the viewer's scope, a page at a time, with the contacts due.
pub async fn book(
    State(state): State<AppState>,
    Query(query): Query<BookPageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = registry_session(&state, &headers, lang).await?;
    let vault = vault(&state, lang)?;
    let viewer = reader(&session);
    let now = state.now();
    let page = query.page.unwrap_or(1).max(1);
    let typed = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let asked = BookQuery {
        unit: query.unit.clone(),
        search: typed.map(str::to_string),
        offset: (page - 1) * PAGE,
        limit: PAGE,
    };
    let listed = list_books(state.store(), &vault, &viewer, &asked, now).await.map_err(|e| refusal(lang, e))?;
    let due = contacts_due(state.store(), &viewer, today(&state), now).await.map_err(|e| refusal(lang, e))?;
    let own = |unit: &str| matches!(&viewer.scope, Scope::Unit(u) if u == unit);
    let q = lang_query(lang, explicit);
    let rows: Vec<RowView> = listed
        .rows
        .iter()
        .map(|row| {
            let p = &row.person;
            RowView {
                href: format!("/r/p/{}{q}", p.id),
                archive_no: row.archive_no.clone(),
                name: shown_name(&p.name, own(&row.unit)),
                gender: p.gender.map(|g| g.label(lang).to_string()).unwrap_or_default(),
                birth: p.birth_year_month.map(|b| b.label(lang)).unwrap_or_default(),
                mobile: p.mobile.as_ref().map(|m| m.text.clone()).unwrap_or_default(),
                categories: p.categories.iter().map(|c| c.label(lang)).collect::<Vec<_>>().join("、"),
                intent: p.return_intent.label(lang).to_string(),
                unit_name: row.unit_name.clone(),
            }
        })
        .collect();
    let due: Vec<HashMap<&str, String>> = due
        .iter()
        .map(|d| {
            HashMap::from([
                ("href", format!("/r/p/{}{q}", d.person_id)),
                ("name", shown_name(&d.name, own(&d.unit))),
                ("due_on", d.due_on.format("%Y-%m-%d").to_string()),
            ])
        })
        .collect();
    let pages = listed.total.div_ceil(PAGE).max(1);
    let sep = if q.is_empty() { "?" } else { "&" };
    // The unit and the search stay on every page's link.
    let kept: String = [("unit", query.unit.as_deref()), ("q", typed)]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("&{k}={}", percent_encode(v))))
        .collect();
    let page_href = |n: u64| format!("/r{q}{sep}page={n}{kept}");
    // A unit with units below resets their PINs (a reader resets nothing).
    let below = match (&session.viewer.own_unit, session.viewer.has_units_below) {
        (Some(unit), true) => store::children(state.store(), unit).await.map_err(|e| refusal(lang, e))?,
        _ => Vec::new(),
    };
    let reset_notice = query.reset.as_deref().and_then(|id| below.iter().find(|u| u.id == id)).map(|u| {
        let words = texts(lang);
        format!("{}{}", u.name, words.get("pin_reset_done").copied().unwrap_or_default())
    });
    let mut context = base_context(lang, explicit);
    context.insert("viewer", &session.viewer.name);
    context.insert("scope_name", &session.viewer.scope_name);
    context.insert("below", &below.iter().map(|u| (u.id.as_str(), u.name.as_str())).collect::<Vec<_>>());
    context.insert("reset_notice", &reset_notice);
    context.insert("erased", &query.erased.is_some());
    context.insert("reset_action", &format!("/r/pin-reset{q}"));
    context.insert("csrf", &csrf_for(&state, &session));
    context.insert("rows", &rows);
    context.insert("total", &listed.total);
    context.insert("due", &due);
    context.insert("page", &page);
    context.insert("pages", &pages);
    context.insert("prev_href", &(page > 1).then(|| page_href(page - 1)));
    context.insert("next_href", &(page < pages).then(|| page_href(page + 1)));
    context.insert("may_add", &session.viewer.own_unit.is_some());
    context.insert("shows_unit", &session.viewer.has_units_below);
    context.insert("new_href", &format!("/r/new{q}"));
    context.insert("import_href", &format!("/r/import{q}"));
    // The search form (a GET, so it works without script) and the masked export.
    context.insert("q", &typed.unwrap_or_default());
    context.insert("searched", &typed.is_some());
    context.insert("unit", &query.unit);
    context.insert("lang_param", &explicit.then_some(if lang == Lang::En { "en" } else { "zh" }));
    let unit_part = query.unit.as_deref().map(|u| format!("&unit={}", percent_encode(u))).unwrap_or_default();
    let unit_only = query.unit.as_deref().map(|u| format!("{sep}unit={}", percent_encode(u))).unwrap_or_default();
    context.insert("clear_href", &format!("/r{q}{unit_only}"));
    context.insert("export_xlsx_href", &format!("/r/export?format=xlsx{unit_part}"));
    context.insert("export_csv_href", &format!("/r/export?format=csv{unit_part}"));
    // A count, nothing personal: the list behind it (`/r/review`) is the logged read.
    let review_due =
        store::registry::review_due_count(state.store(), &viewer, now).await.map_err(|e| refusal(lang, e))?;
    context.insert("review_due", &review_due);
    context.insert("review_href", &format!("/r/review{q}"));
    context.insert("requests_href", &format!("/r/requests{q}"));
    let (open_requests, overdue_requests) =
        store::registry::request_counts(state.store(), &viewer, now).await.map_err(|e| refusal(lang, e))?;
    context.insert("open_request_count", &open_requests);
    context.insert("overdue_request_count", &overdue_requests);
    let notices: Vec<(String, String)> = crate::notice::notices(&state)
        .into_iter()
        .map(|(campaign, name, version)| (format!("/n/{campaign}{q}"), format!("{name}（{version}）")))
        .collect();
    context.insert("notices", &notices);
    let html = state.inner.pages.render("book.html", &context, lang)?;
    Ok(html.into_response())
}

/// The add form as sent: the person's fields by their keys (`id-number`), the book's role, and
/// whether the worker confirmed a possible duplicate is someone else.
#[derive(Debug, Default, Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub role: String,
    /// Sent (a ticked checkbox) when the worker confirms a held candidate is another person.
    pub confirm: Option<String>,
    #[serde(flatten)]
    pub fields: HashMap<String, String>,
}

/// One input of the add form.
#[derive(Debug, Serialize)]
struct InputView {
    name: &'static str,
    label: &'static str,
    value: String,
    error: String,
    /// `text`, `tel`, `select`, `textarea`.
    kind: &'static str,
    /// The choices of a select: (key, label).
    choices: Vec<(&'static str, &'static str)>,
    hint: String,
    required: bool,
}

fn inputs(lang: Lang, entered: &HashMap<String, String>, errors: &HashMap<Field, String>) -> Vec<InputView> {
    let words = texts(lang);
    let word = |k: &str| words.get(k).copied().unwrap_or_default().to_string();
    let all = [
        Field::Name,
        Field::Gender,
        Field::BirthYearMonth,
        Field::IdNumber,
        Field::Mobile,
        Field::Address,
        Field::Employer,
        Field::WorkPlace,
        Field::Category,
        Field::Education,
        Field::Specialty,
        Field::ReturnIntent,
        Field::FamilyNeeds,
        Field::Note,
    ];
    all.iter()
        .map(|&field| {
            let (kind, choices) = match field {
                Field::Gender => ("select", choices::<Gender>(lang)),
                Field::Category => ("select", choices::<Category>(lang)),
                Field::Education => ("select", choices::<Education>(lang)),
                Field::ReturnIntent => ("select", choices::<ReturnIntent>(lang)),
                Field::Mobile => ("tel", Vec::new()),
                Field::Note => ("textarea", Vec::new()),
                _ => ("text", Vec::new()),
            };
            let hint = match field {
                Field::BirthYearMonth => word("hint_birth"),
                Field::Mobile => word("hint_id_or_mobile"),
                Field::FamilyNeeds => word("hint_family_needs"),
                _ => String::new(),
            };
            InputView {
                name: field.key(),
                label: field.label(lang),
                value: entered.get(field.key()).cloned().unwrap_or_default(),
                error: errors.get(&field).cloned().unwrap_or_default(),
                kind,
                choices,
                hint,
                required: field == Field::Name,
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)] // the form's states, spelled out
fn render_form(
    state: &AppState,
    session: &Session,
    lang: Lang,
    explicit: bool,
    form: &PersonForm,
    errors: &HashMap<Field, String>,
    held: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let q = lang_query(lang, explicit);
    let mut context = base_context(lang, explicit);
    context.insert("viewer", &session.viewer.name);
    context.insert("scope_name", &session.viewer.scope_name);
    context.insert("inputs", &inputs(lang, &form.fields, errors));
    context.insert("roles", &choices::<BookRole>(lang));
    context.insert("role", &form.role);
    context.insert("has_errors", &!errors.is_empty());
    context.insert("held", &held);
    // The notices (告知书) to show the person first, and the legal basis they are told of.
    let notices: Vec<HashMap<&str, String>> = crate::notice::notices(state)
        .into_iter()
        .map(|(campaign, name, version)| {
            let words = texts(lang);
            let given = words.get("notice_given").copied().unwrap_or_default().replace("{version}", &version);
            HashMap::from([
                ("campaign", campaign.clone()),
                ("label", format!("{given}（{name}）")),
                ("href", format!("/n/{campaign}{q}")),
            ])
        })
        .collect();
    context.insert("notices", &notices);
    context.insert("notice", &form.fields.get("notice").cloned().unwrap_or_default());
    context.insert("legal_bases", &choices::<LegalBasis>(lang));
    context.insert("legal_basis", &form.fields.get("legal_basis").cloned().unwrap_or_default());
    context.insert("csrf", &csrf_for(state, session));
    context.insert("action", &format!("/r/new{q}"));
    context.insert("book_href", &format!("/r{q}"));
    let html = state.inner.pages.render("person_new.html", &context, lang)?;
    Ok((status, html).into_response())
}

/// `GET /r/new`: the empty form (units only: a reader adds to no book).
pub async fn new_person(
    State(state): State<AppState>,
    Query(query): Query<BookPageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let session = registry_session(&state, &headers, lang).await?;
    vault(&state, lang)?;
    if session.viewer.own_unit.is_none() {
        return Err(WebError::Forbidden(lang));
    }
    render_form(
        &state,
        &session,
        lang,
        query.lang.is_some(),
        &PersonForm::default(),
        &HashMap::new(),
        None,
        StatusCode::OK,
    )
}

/// `POST /r/new`: checks the person and enters them into the unit's own book; a new person (or
/// one linked from another book) goes on to their page, a problem comes back on the form.
pub async fn add(
    State(state): State<AppState>,
    Query(query): Query<BookPageQuery>,
    headers: HeaderMap,
    Form(form): Form<PersonForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let explicit = query.lang.is_some();
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    let vault = vault(&state, lang)?;
    let Some(unit) = session.viewer.own_unit.clone() else { return Err(WebError::Forbidden(lang)) };
    let mut draft = PersonDraft::default();
    for (key, value) in &form.fields {
        if let Ok(field) = Field::parse(key) {
            draft.set(field, value.clone());
        }
    }
    let role = match form.role.trim() {
        "" => BookRole::Registered,
        text => BookRole::parse(text).map_err(|_| WebError::BadRequest(lang, "role".into()))?,
    };
    let fields = match validate(&draft, today(&state)) {
        Ok(fields) => fields,
        Err(problems) => {
            let mut errors: HashMap<Field, String> = HashMap::new();
            for p in problems {
                let text = p.message(lang);
                errors.entry(p.field).and_modify(|t| *t = format!("{t}；{text}")).or_insert(text);
            }
            return render_form(
                &state,
                &session,
                lang,
                explicit,
                &form,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    // The notice shown (a campaign with one) and the basis told; a made-up value is a bad request,
    // since the form offers only real ones.
    let told = match form.fields.get("notice").map(|n| n.trim()).filter(|n| !n.is_empty()) {
        None => None,
        Some(campaign) => {
            let version = state
                .config()
                .definition(campaign)
                .and_then(|c| c.notice.as_ref().map(|n| n.version.clone()))
                .ok_or_else(|| WebError::BadRequest(lang, "notice".into()))?;
            let legal_basis = match form.fields.get("legal_basis").map(|b| b.trim()).unwrap_or_default() {
                "" => LegalBasis::StatutoryDuty,
                text => LegalBasis::parse(text).map_err(|_| WebError::BadRequest(lang, "legal_basis".into()))?,
            };
            Some(Told { notice_version: version, legal_basis })
        }
    };
    let new = NewPerson { row: 0, unit, role, fields, told, confirmed: form.confirm.is_some() };
    let now = state.now();
    let entered =
        add_person(state.store(), &vault, &reader(&session), &new, false, now).await.map_err(|e| refusal(lang, e))?;
    let q = lang_query(lang, explicit);
    let sep = if q.is_empty() { "?" } else { "&" };
    let (id, outcome) = match &entered {
        Entered::Added { person_id, .. } => (*person_id, "added"),
        Entered::AlreadyRegistered { person_id, .. } => (*person_id, "already"),
        Entered::Linked { person_id, .. } => (*person_id, "linked"),
        Entered::Held(hold) => {
            let held = hold.message(lang);
            return render_form(
                &state,
                &session,
                lang,
                explicit,
                &form,
                &HashMap::new(),
                Some(held),
                StatusCode::CONFLICT,
            );
        }
    };
    tracing::info!(person = id, outcome, "a person was entered from the web");
    Ok(Redirect::to(&format!("/r/p/{id}{q}{sep}entered={outcome}")).into_response())
}

/// The PIN reset form: the unit below whose PIN is cleared.
#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub unit: String,
}

/// `POST /r/pin-reset`: the unit directly above clears a unit's PIN (it sets a new one on its
/// next full record). Anyone else is refused by the store.
pub async fn reset_pin(
    State(state): State<AppState>,
    Query(query): Query<BookPageQuery>,
    headers: HeaderMap,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    let lang = choose(query.lang.as_deref(), None);
    let session = posted_session(&state, &headers, lang, &form.csrf).await?;
    vault(&state, lang)?;
    if session.viewer.own_unit.is_none() {
        return Err(WebError::Forbidden(lang));
    }
    store::registry::reset_pin(state.store(), &reader(&session), &form.unit, state.now())
        .await
        .map_err(|e| refusal(lang, e))?;
    tracing::info!(unit = %form.unit, by = %session.viewer.scope, "a registry PIN was reset");
    let q = lang_query(lang, query.lang.is_some());
    let sep = if q.is_empty() { "?" } else { "&" };
    Ok(Redirect::to(&format!("/r{q}{sep}reset={}", form.unit)).into_response())
}
