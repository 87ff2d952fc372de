//! The learner's "Check my progress" page: `GET /learn/{session}`, opened with the session's token (from the
//! link's fragment by the page's script, or pasted into its form) traded for a cookie scoped to the page, then
//! `POST /learn/{session}/check` grading the lab or one step through the same path as the API.
//!
//! Security: the cookie is `HttpOnly; Secure; SameSite=None; Partitioned` (the page lives in the platform's frame)
//! and a POST carrying it must come from the page itself (`Sec-Fetch-Site`, else `Origin`); the CSP allows the
//! page's own inline style and script by nonce and nothing else, and `frame-ancestors` only `--frame-ancestors`.

pub(super) mod render;

use std::net::IpAddr;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::auth::{Caller, Peer, caller_of};
use super::errors::ErrorBody;
use super::grading::graded;
use crate::service::http::read_body;
use crate::service::http::accepted_languages;
use super::{AppState, AppStateRef, GradeRequest};
use crate::i18n::{self, Locale, Message, msg};
use crate::model::{Recorded, Report};
use crate::progress::{self, Progress};
use crate::sessions::{self, LearnerSession};

/// The cookie holding a session's token, scoped to its page's path.
pub(super) const COOKIE: &str = "labcheck_learn";

/// The header the page's script sends: answer with the page, not a redirect.
const SCRIPT_HEADER: &str = "x-labcheck-page";

/// The access code, pasted or taken from the link's fragment.
#[derive(Deserialize, utoipa::ToSchema)]
struct OpenForm {
    token: String,
}

/// Which step to check; the whole lab without it.
#[derive(Deserialize, Default, utoipa::ToSchema)]
struct CheckForm {
    #[serde(default)]
    step: Option<String>,
}

/// The learner's page: their checklist (with the session's cookie), or the page that opens the session in this
/// browser (from the link's `#token=` fragment, or a pasted access code).
#[utoipa::path(
    get,
    path = "/learn/{session_id}",
    tag = "learner page",
    params(("session_id" = String, Path, description = "The session's id", pattern = "^s[0-9a-f]{32}$")),
    responses(
        (status = 200, description = "The checklist, or the page that opens the session", body = String, content_type = "text/html; charset=utf-8"),
        (status = 401, description = "A cookie that opens nothing, or an expired or revoked session", body = String, content_type = "text/html; charset=utf-8"),
        (status = 429, description = "Too many bad tokens from this address", body = String, content_type = "text/html; charset=utf-8"),
        (status = 503, description = "The store cannot answer", body = String, content_type = "text/html; charset=utf-8"),
    ),
    security((), ("session_cookie" = []))
)]
pub(super) async fn show(
    State(state): State<AppStateRef>,
    Peer(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match learner(&state, &id, &headers, peer).await {
        Ok(session) => checklist(&state, &session, &headers, None).await,
        Err(refused) => open_page(&state, &id, &headers, refused),
    }
}

/// Open a session in this browser: the token (a form field, never a query string) becomes the page's cookie.
#[utoipa::path(
    post,
    path = "/learn/{session_id}/open",
    tag = "learner page",
    params(("session_id" = String, Path, description = "The session's id", pattern = "^s[0-9a-f]{32}$")),
    request_body(content = OpenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 204, description = "Opened (asked by the page's script): the cookie is set"),
        (status = 303, description = "Opened: the cookie is set; on to the page"),
        (status = 200, description = "The form was not filled in: the page that opens the session", body = String, content_type = "text/html; charset=utf-8"),
        (status = 401, description = "The token opens nothing here", body = String, content_type = "text/html; charset=utf-8"),
        (status = 408, description = "The body did not arrive within --read-timeout", body = ErrorBody),
        (status = 413, description = "The body is larger than --body-limit", body = ErrorBody),
        (status = 429, description = "Too many bad tokens from this address", body = String, content_type = "text/html; charset=utf-8"),
        (status = 503, description = "The store cannot answer", body = String, content_type = "text/html; charset=utf-8"),
    )
)]
pub(super) async fn open(
    State(state): State<AppStateRef>,
    Peer(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> Response {
    let form: Option<OpenForm> = match read_form(&state, body).await {
        Ok(form) => form,
        Err(error) => return error.into_response(),
    };
    let Some(form) = form else {
        return open_page(&state, &id, &headers, Refused::Page(msg!("page-refused-invalid")));
    };
    let session = match caller_of(&state, &form.token, peer).await {
        Ok(Caller::Learner(session)) if session.id == id => *session,
        Ok(_) => return open_page(&state, &id, &headers, Refused::Page(msg!("page-refused-invalid"))),
        Err(error) => return open_page(&state, &id, &headers, Refused::Api(error)),
    };
    let response = if headers.contains_key(SCRIPT_HEADER) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        see_page(&session.id)
    };
    with_cookie(response, &session, &form.token)
}

/// `response` setting the page's cookie: the session's `token`, for the session's page alone, until it expires.
pub(super) fn with_cookie(mut response: Response, session: &LearnerSession, token: &str) -> Response {
    let max_age = (session.expires_epoch() - time::OffsetDateTime::now_utc().unix_timestamp()).max(0);
    let cookie = format!(
        "{COOKIE}={token}; Path=/learn/{}; Max-Age={max_age}; HttpOnly; Secure; SameSite=None; Partitioned",
        session.id
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    no_store(response)
}

/// Check my progress: grade the lab (or `step`), then the page (to the page's script) or a redirect to it (a
/// plain form). Only from the page itself, with its cookie.
#[utoipa::path(
    post,
    path = "/learn/{session_id}/check",
    tag = "learner page",
    params(("session_id" = String, Path, description = "The session's id", pattern = "^s[0-9a-f]{32}$")),
    request_body(content = CheckForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Graded (asked by the page's script), or the page that opens the session", body = String, content_type = "text/html; charset=utf-8"),
        (status = 303, description = "Graded: on to the page"),
        (status = 401, description = "A cookie that opens nothing, or an expired or revoked session", body = String, content_type = "text/html; charset=utf-8"),
        (status = 403, description = "Not sent from the learner's page", body = ErrorBody),
        (status = 408, description = "The body did not arrive within --read-timeout", body = ErrorBody),
        (status = 413, description = "The body is larger than --body-limit", body = ErrorBody),
        (status = 429, description = "Too many bad tokens from this address", body = String, content_type = "text/html; charset=utf-8"),
        (status = 503, description = "The store cannot answer", body = String, content_type = "text/html; charset=utf-8"),
    ),
    security(("session_cookie" = []))
)]
pub(super) async fn check(
    State(state): State<AppStateRef>,
    Peer(peer): Peer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> Response {
    let session = match learner(&state, &id, &headers, peer).await {
        Ok(session) => session,
        Err(refused) => return open_page(&state, &id, &headers, refused),
    };
    if !from_the_page(&headers) {
        return super::auth::forbidden(&state, "a check must come from the learner's page").into_response();
    }
    let form: CheckForm = match read_form(&state, body).await {
        Ok(form) => form.unwrap_or_default(),
        Err(error) => return error.into_response(),
    };
    let locale = locale_of(&state, &session, &headers);
    let notice = match grade(&state, &session, form.step, &locale).await {
        Ok(report) => outcome_notice(&report, &locale),
        Err(reason) => Some(render::Notice {
            text: msg!("page-could-not-check", reason = reason.as_str()).render(&locale),
            problem: true,
        }),
    };
    if headers.contains_key(SCRIPT_HEADER) {
        checklist(&state, &session, &headers, notice).await
    } else {
        see_page(&session.id)
    }
}

/// Grades `step` (or the lab) for the session, through the API's path (pacing, joining, deadline, recording).
async fn grade(
    state: &AppStateRef,
    session: &LearnerSession,
    step: Option<String>,
    locale: &Locale,
) -> Result<Report, String> {
    let lab = state.labs.get(&session.lab).cloned().ok_or_else(|| format!("no lab {}", session.lab))?;
    let asked = GradeRequest { steps: step.into_iter().collect(), ..GradeRequest::default() };
    let request =
        Caller::Learner(Box::new(session.clone())).scope(state, &lab.id, asked).map_err(|e| e.message().to_owned())?;
    let report = graded(state, lab, request, std::slice::from_ref(locale)).await.map_err(|e| e.message().to_owned())?;
    Ok((*report).clone())
}

/// What the page says after a grading: nothing when it was kept (the checklist shows it), else that it was not.
fn outcome_notice(report: &Report, locale: &Locale) -> Option<render::Notice> {
    match &report.recorded {
        Some(Recorded::Kept { .. }) | None => None,
        Some(Recorded::NotKept { .. }) => {
            Some(render::Notice { text: msg!("page-not-kept").render(locale), problem: true })
        }
    }
}

/// The checklist of the session's learner: their progress, best so far.
async fn checklist(
    state: &AppState,
    session: &LearnerSession,
    headers: &HeaderMap,
    notice: Option<render::Notice>,
) -> Response {
    let Some(lab) = state.labs.get(&session.lab) else {
        return crate::service::http::find_lab(state, &session.lab).err().map(IntoResponse::into_response).unwrap_or_default();
    };
    let locale = locale_of(state, session, headers);
    let (kept, problem) = match &state.store {
        Some(store) => match store.progress(&session.learner, &lab.id).await {
            Ok(kept) => (kept, None),
            Err(e) => (None, Some(msg!("page-could-not-check", reason = e.to_string()).render(&locale))),
        },
        None => (None, None),
    };
    let progress = kept.unwrap_or_else(|| Progress::new(&session.learner, &lab.id));
    let report = progress::report(lab, &progress, &locale);
    let notice = notice.or(problem.map(|text| render::Notice { text, problem: true }));
    let announce = msg!(
        "page-checked",
        score = report.score,
        max = report.max_score,
        missing = report.checks.iter().filter(|c| c.status != crate::model::Status::Pass).count()
    )
    .render(&locale);
    let page = render::Checklist {
        lab,
        session_id: &session.id,
        progress: &report,
        locale: &locale,
        announce: Some(notice.as_ref().map_or(announce, |n| n.text.clone())),
        notice,
    };
    html(state, StatusCode::OK, |nonce| render::checklist(&page, nonce))
}

/// Why a page could not be shown to this browser.
enum Refused {
    /// No cookie yet, or a token that opens nothing: the page that opens the session.
    Page(Message),
    /// No cookie at all: the same page, nothing said.
    NoCookie,
    /// An answer of the API's (429 after bad tokens, 503 when the store cannot say).
    Api(super::ApiError),
}

/// The session of the page's cookie.
async fn learner(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Result<LearnerSession, Refused> {
    if sessions::check_session_id(id).is_err() {
        return Err(Refused::Page(msg!("page-refused-invalid")));
    }
    let Some(token) = cookie(headers, COOKIE) else { return Err(Refused::NoCookie) };
    match caller_of(state, token, peer).await {
        Ok(Caller::Learner(session)) if session.id == id => Ok(*session),
        Ok(_) => Err(Refused::Page(msg!("page-refused-invalid"))),
        Err(error) => Err(Refused::Api(error)),
    }
}

/// The page that opens a session in this browser, saying why it is shown.
fn open_page(state: &AppState, id: &str, headers: &HeaderMap, refused: Refused) -> Response {
    let locale = i18n::catalogue_locale(&accepted_languages(headers));
    let (status, message) = match refused {
        Refused::NoCookie => (StatusCode::OK, None),
        Refused::Page(message) => (StatusCode::UNAUTHORIZED, Some(message)),
        Refused::Api(error) => {
            let message = match error.message() {
                m if m.contains("expired") => msg!("page-refused-expired"),
                m if m.contains("revoked") => msg!("page-refused-revoked"),
                m => msg!("page-could-not-check", reason = m),
            };
            (error.status(), Some(message))
        }
    };
    let id = if sessions::check_session_id(id).is_ok() { id } else { "" };
    html(state, status, |nonce| render::open(&locale, id, message, nonce))
}

/// The learner's language: the session's, else the browser's.
fn locale_of(state: &AppState, session: &LearnerSession, headers: &HeaderMap) -> Locale {
    let requested: Vec<Locale> = match session.account.lang.as_deref().and_then(|tag| i18n::parse_tag(tag).ok()) {
        Some(tag) => vec![tag],
        None => accepted_languages(headers),
    };
    state.labs.get(&session.lab).map_or_else(i18n::english, |lab| lab.locale_for(&requested))
}

/// An HTML answer with the page's headers: a fresh nonce for its inline style and script, the CSP, no caching.
pub(super) fn html(state: &AppState, status: StatusCode, body: impl FnOnce(&str) -> String) -> Response {
    let nonce = crate::ids::random_hex(16);
    let ancestors = match state.config.frame_ancestors.as_slice() {
        [] => "'none'".to_owned(),
        origins => origins.join(" "),
    };
    let csp = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; \
form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    );
    let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body(&nonce)).into_response();
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    no_store(response)
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub(super) fn see_page(session_id: &str) -> Response {
    let location = format!("/learn/{session_id}");
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    no_store(response)
}

/// Whether a POST carrying the cookie comes from the page itself: `Sec-Fetch-Site` says so (browsers send it), or,
/// without it, an `Origin` naming this host (or none: not a browser's cross-site request).
fn from_the_page(headers: &HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (value("origin"), value("host")) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(_, rest)| rest == host),
        (Some(_), None) => false,
    }
}

/// A cookie's value from the `Cookie` headers.
pub(in crate::service) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A urlencoded form body, read within the service's limits; `None` when it is not the form asked for.
async fn read_form<T: serde::de::DeserializeOwned>(state: &AppState, body: Body) -> Result<Option<T>, super::ApiError> {
    let bytes = read_body(state, body).await?;
    Ok(serde_urlencoded::from_bytes(&bytes).ok())
}

/// `--public-url`: `http(s)://host[:port][/path]`, nothing a link could be bent with.
pub fn check_public_url(url: &str) -> Result<(), String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let fine = rest.is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with('/')
            && rest.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:/[]%".contains(c))
    });
    if fine {
        Ok(())
    } else {
        Err(format!("`{}` is not an http(s) URL (https://labcheck.example.com)", url.escape_debug()))
    }
}

/// `--frame-ancestors`: an origin (`https://lms.example.com`, `https://*.example.com`, `http://localhost:8000`)
/// or `'self'`: nothing that could add a directive to the CSP.
pub fn check_frame_ancestor(origin: &str) -> Result<(), String> {
    let fine = origin == "'self'"
        || (origin.starts_with("https://") || origin.starts_with("http://"))
            && origin.split_once("://").is_some_and(|(_, host)| {
                !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.*:[]".contains(c))
            });
    if fine {
        Ok(())
    } else {
        Err(format!("`{}` is not an origin (https://lms.example.com) or 'self'", origin.escape_debug()))
    }
}

#[cfg(test)]
mod tests;
