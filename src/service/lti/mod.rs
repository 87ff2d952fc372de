//! LTI 1.3 over HTTP (`--lti-config`): `/lti/login` (OIDC login initiation), `/lti/launch` (the platform's
//! `id_token`: a learner session, then the learner page), `/.well-known/jwks.json` (the tool's public keys); and
//! after each grading of a launched session, its progress sent to the platform's line item, kept and retried while
//! the platform does not take it.

mod browser;

use std::time::Duration;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::service::auth::Peer;
use crate::service::http::accepted_languages;
use crate::service::page;
use crate::service::{AppState, AppStateRef};
use crate::i18n::{self, msg};
use crate::lti::browser::{BrowserKey, PlatformStorage, holds_key, is_frame_name};
use crate::lti::launch::{self, Launch, Refusal};
use crate::lti::platform_keys::{KeyError, PlatformKeys};
use crate::clock::now_epoch;
use crate::lti::records::{LOGIN_SECONDS, Login};
use crate::lti::{Lti, LtiLink, ags};
use crate::sessions::{self, SessionRequest};

/// How long a session an LMS launched lasts: a working session on a lab.
const LAUNCHED_SESSION_SECONDS: u64 = 8 * 3600;

/// Login initiations one address may start at once: a class of 120 behind one school's NAT launching together.
pub(super) const LOGINS_AT_ONCE: f64 = 120.0;
/// Then one more each this often (120 a minute): a flood writes 2 logins a second, not hundreds.
pub(super) const LOGIN_EVERY: Duration = Duration::from_millis(500);
/// Addresses remembered at most.
pub(super) const LOGIN_ADDRESSES: usize = 16_384;

/// The LTI side of the service: registrations and keys, the platforms' key sets, the score sender.
#[derive(Debug)]
pub struct LtiService {
    pub lti: Lti,
    platform_keys: PlatformKeys,
    pub(in crate::service) scores: ags::Scores,
    pub(in crate::service) outboxes: crate::service::passback::Outboxes,
}

impl LtiService {
    pub fn new(lti: Lti) -> Self {
        let http = reqwest::Client::builder().build().expect("the HTTP client builds");
        Self {
            lti,
            platform_keys: PlatformKeys::new(http.clone()),
            scores: ags::Scores::new(http),
            outboxes: crate::service::passback::Outboxes::default(),
        }
    }

    /// Scores waiting in the platforms' outboxes.
    pub fn scores_waiting(&self) -> usize {
        self.outboxes.waiting()
    }
}

/// The OIDC login initiation's parameters (query or form).
#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub(super) struct LoginRequest {
    /// The platform's issuer.
    iss: String,
    login_hint: String,
    target_link_uri: String,
    #[serde(default)]
    lti_message_hint: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    lti_deployment_id: Option<String>,
    /// The platform's storage frame (LTI Client Side postMessages), for browsers that block labcheck's cookie.
    #[serde(default)]
    lti_storage_target: Option<String>,
}

/// The platform's authentication response, posted by the learner's browser.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(super) struct LaunchForm {
    id_token: String,
    state: String,
    /// The login's browser key, read back from the platform's storage (the launch page's own second post).
    #[serde(default)]
    browser_key: Option<String>,
}

/// Start an LTI 1.3 launch (OIDC login initiation, from the platform): redirect to the platform's auth URL with a
/// single-use state and nonce.
#[utoipa::path(
    get,
    path = "/lti/login",
    tag = "lti",
    params(LoginRequest),
    responses(
        (status = 200, description = "With lti_storage_target: the page that keeps the login's key in the platform's storage, then goes on to its auth URL", body = String, content_type = "text/html; charset=utf-8"),
        (status = 302, description = "To the platform's auth URL"),
        (status = 400, description = "Not a registered platform, or a bad request", body = String, content_type = "text/html; charset=utf-8"),
        (status = 404, description = "The service has no --lti-config", body = String, content_type = "text/html; charset=utf-8"),
        (status = 429, description = "Too many logins from this address (`Retry-After`)", body = String, content_type = "text/html; charset=utf-8"),
        (status = 503, description = "The store cannot answer", body = String, content_type = "text/html; charset=utf-8"),
    )
)]
pub(super) async fn login_get(
    State(state): State<AppStateRef>,
    Peer(peer): Peer,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(retry_after) = state.logins.take(peer) {
        return too_many_logins(&state, &headers, retry_after);
    }
    login_from(&state, &headers, query.unwrap_or_default().as_bytes()).await
}

/// The same as `GET /lti/login`, from a form post.
#[utoipa::path(
    post,
    path = "/lti/login",
    tag = "lti",
    request_body(content = LoginRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "With lti_storage_target: the page that keeps the login's key in the platform's storage, then goes on to its auth URL", body = String, content_type = "text/html; charset=utf-8"),
        (status = 302, description = "To the platform's auth URL"),
        (status = 400, description = "Not a registered platform, or a bad request", body = String, content_type = "text/html; charset=utf-8"),
        (status = 404, description = "The service has no --lti-config", body = String, content_type = "text/html; charset=utf-8"),
        (status = 408, description = "The body did not arrive within --read-timeout", body = super::errors::ErrorBody),
        (status = 413, description = "The body is larger than --body-limit", body = super::errors::ErrorBody),
        (status = 429, description = "Too many logins from this address (`Retry-After`)", body = String, content_type = "text/html; charset=utf-8"),
        (status = 503, description = "The store cannot answer", body = String, content_type = "text/html; charset=utf-8"),
    )
)]
pub(super) async fn login_post(
    State(state): State<AppStateRef>,
    Peer(peer): Peer,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(retry_after) = state.logins.take(peer) {
        return too_many_logins(&state, &headers, retry_after);
    }
    let bytes = match crate::service::http::read_body(&state, body).await {
        Ok(bytes) => bytes,
        Err(error) => return error.into_response(),
    };
    login_from(&state, &headers, &bytes).await
}

/// 429: this address started too many logins lately (each writes a login in flight to the store).
fn too_many_logins(state: &AppState, headers: &HeaderMap, retry_after: u64) -> Response {
    let why = format!("too many launches from this network at once; launch again in {retry_after} s");
    let mut response = refused(state, headers, StatusCode::TOO_MANY_REQUESTS, "login", &why);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// A login from its urlencoded parameters (a query string or a form): a refusal page when they do not read.
async fn login_from(state: &AppState, headers: &HeaderMap, encoded: &[u8]) -> Response {
    match serde_urlencoded::from_bytes::<LoginRequest>(encoded) {
        Ok(request) => login(state, headers, request).await,
        Err(e) => refused(state, headers, StatusCode::BAD_REQUEST, "login", &format!("not a login request: {e}")),
    }
}

/// Whether `target` is `/lti/launch` on the host this request was sent to.
fn is_this_launch(target: &str, headers: &HeaderMap) -> bool {
    let Ok(url) = reqwest::Url::parse(target) else { return false };
    let here = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let there = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return false,
    };
    url.path().ends_with("/lti/launch") && there.eq_ignore_ascii_case(here)
}

async fn login(state: &AppState, headers: &HeaderMap, request: LoginRequest) -> Response {
    let Some(lti) = &state.lti else { return no_lti(state, headers) };
    let Some(registration) = lti.lti.registration(&request.iss, request.client_id.as_deref()) else {
        let why = format!("issuer {:?} with client_id {:?} is not registered", cut(&request.iss), request.client_id);
        return refused(state, headers, StatusCode::BAD_REQUEST, "login", &why);
    };
    if let Some(deployment) = &request.lti_deployment_id
        && !registration.deployment_ids.contains(deployment)
    {
        let why = format!("deployment {:?} is not registered for {}", cut(deployment), registration.name);
        return refused(state, headers, StatusCode::BAD_REQUEST, "login", &why);
    }
    // Without --public-url the launch goes where the platform said, but only to this service's launch endpoint, on
    // the host the login came to: a login naming another site would have the platform post its id_token there
    // (platforms check registered redirect URIs too).
    if state.config.public_url.is_none() && !is_this_launch(&request.target_link_uri, headers) {
        let why = format!("target_link_uri {:?} is not labcheck's /lti/launch", cut(&request.target_link_uri));
        return refused(state, headers, StatusCode::BAD_REQUEST, "login", &why);
    }
    let storage = match request.lti_storage_target.as_deref().map(|target| platform_storage(target, registration)) {
        None => None,
        Some(Ok(storage)) => Some(storage),
        Some(Err(why)) => return refused(state, headers, StatusCode::BAD_REQUEST, "login", &why),
    };
    let Some(store) = &state.store else { return no_lti(state, headers) };
    let key = BrowserKey::mint();
    let login = Login {
        state: crate::ids::random_hex(16),
        nonce: crate::ids::random_hex(16),
        platform: registration.name.clone(),
        expires_at: now_epoch() + LOGIN_SECONDS,
        browser_digest: key.digest,
        storage,
    };
    if let Err(e) = store.put_login(&login).await {
        return refused(state, headers, StatusCode::SERVICE_UNAVAILABLE, "login", &e.to_string());
    }
    let redirect_uri = match &state.config.public_url {
        Some(base) => format!("{}/lti/launch", base.trim_end_matches('/')),
        None => request.target_link_uri.clone(),
    };
    let mut query = vec![
        ("scope", "openid"),
        ("response_type", "id_token"),
        ("response_mode", "form_post"),
        ("prompt", "none"),
        ("client_id", registration.client_id.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("login_hint", request.login_hint.as_str()),
        ("state", login.state.as_str()),
        ("nonce", login.nonce.as_str()),
    ];
    if let Some(hint) = &request.lti_message_hint {
        query.push(("lti_message_hint", hint));
    }
    let separator = if registration.auth_login_url.contains('?') { '&' } else { '?' };
    let location =
        format!("{}{separator}{}", registration.auth_login_url, serde_urlencoded::to_string(query).expect("encodes"));
    let mut response = match &login.storage {
        Some(storage) => browser::keep_key_page(state, headers, storage, &login.state, &key.key, &location),
        None => {
            let mut response = StatusCode::FOUND.into_response();
            match HeaderValue::from_str(&location) {
                Ok(value) => response.headers_mut().insert(header::LOCATION, value),
                Err(_) => {
                    return refused(state, headers, StatusCode::BAD_REQUEST, "login", "a login hint that is not a URL's");
                }
            };
            response
        }
    };
    if let Some(cookie) = browser::key_cookie(&login.state, &key.key) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The platform's storage a login offers: its frame, and the origin of the registration's auth URL.
fn platform_storage(target: &str, registration: &crate::lti::Registration) -> Result<PlatformStorage, String> {
    if !is_frame_name(target) {
        return Err(format!("lti_storage_target {:?} is not a frame's name", cut(target)));
    }
    let origin = reqwest::Url::parse(&registration.auth_login_url)
        .map(|url| url.origin().ascii_serialization())
        .map_err(|_| format!("the auth URL of {} is not a URL", registration.name))?;
    Ok(PlatformStorage { target: target.to_owned(), origin })
}

/// Finish an LTI 1.3 launch: the platform's `id_token`, validated in full, makes a learner session; on to the
/// learner page with its cookie.
#[utoipa::path(
    post,
    path = "/lti/launch",
    tag = "lti",
    request_body(content = LaunchForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "No login cookie, a platform that keeps the key: the page that reads it back and posts the launch again", body = String, content_type = "text/html; charset=utf-8"),
        (status = 303, description = "Launched: the page's cookie is set; on to the learner page"),
        (status = 400, description = "Not a launch, or a launch for no lab served", body = String, content_type = "text/html; charset=utf-8"),
        (status = 401, description = "The launch is refused (the page says why)", body = String, content_type = "text/html; charset=utf-8"),
        (status = 404, description = "The service has no --lti-config", body = String, content_type = "text/html; charset=utf-8"),
        (status = 408, description = "The body did not arrive within --read-timeout", body = super::errors::ErrorBody),
        (status = 413, description = "The body is larger than --body-limit", body = super::errors::ErrorBody),
        (status = 503, description = "The store cannot answer", body = String, content_type = "text/html; charset=utf-8"),
    )
)]
pub(super) async fn launch(State(state): State<AppStateRef>, headers: HeaderMap, body: Body) -> Response {
    let Some(lti) = &state.lti else { return no_lti(&state, &headers) };
    let Some(store) = &state.store else { return no_lti(&state, &headers) };
    let bytes = match crate::service::http::read_body(&state, body).await {
        Ok(bytes) => bytes,
        Err(error) => return error.into_response(),
    };
    let Ok(form) = serde_urlencoded::from_bytes::<LaunchForm>(&bytes) else {
        return refused(&state, &headers, StatusCode::BAD_REQUEST, "launch", "no id_token and state in the form");
    };
    let login = match store.take_login(&form.state).await {
        Ok(Some(login)) => login,
        Ok(None) => {
            let why =
                "this launch's login is unknown, used already or older than 5 minutes (launch again from the LMS)";
            return refused(&state, &headers, StatusCode::UNAUTHORIZED, "launch", why);
        }
        Err(e) => return refused(&state, &headers, StatusCode::SERVICE_UNAVAILABLE, "launch", &e.to_string()),
    };
    // The browser posting the launch must be the one that started its login (login CSRF).
    let presented = browser::cookie_key(&headers, &form.state).or(form.browser_key.clone()).filter(|k| !k.is_empty());
    match (presented, &login.storage) {
        (Some(key), _) if holds_key(&login.browser_digest, &key) => {}
        (Some(_), _) => {
            let why = "this launch was started in another browser (launch again from the LMS)";
            return refused(&state, &headers, StatusCode::UNAUTHORIZED, "launch", why);
        }
        (None, Some(storage)) if form.browser_key.is_none() => {
            // No cookie (blocked in the LMS's frame): the key is read back from the platform's storage, and the
            // launch posted again with it; the login waits for that post.
            if let Err(e) = store.put_login(&login).await {
                return refused(&state, &headers, StatusCode::SERVICE_UNAVAILABLE, "launch", &e.to_string());
            }
            return browser::read_key_page(&state, &headers, storage, &form.id_token, &form.state);
        }
        (None, _) => {
            let why = "this browser did not start this launch: its login cookie is missing (launch again from the \
LMS; if this keeps happening, the browser blocks labcheck's cookies and the LMS offers no storage for them)";
            return refused(&state, &headers, StatusCode::UNAUTHORIZED, "launch", why);
        }
    }
    let Some(registration) = lti.lti.registrations.iter().find(|r| r.name == login.platform) else {
        return refused(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            "launch",
            "the login's platform is no longer registered",
        );
    };
    let launched = match launch::validate(&form.id_token, registration, &login.nonce, &lti.platform_keys).await {
        Ok(launched) => launched,
        Err(refusal) => return refused_launch(&state, &headers, &refusal),
    };
    let mut response = start_session(&state, &headers, launched).await;
    if let Some(spent) = browser::spent_cookie(&form.state) {
        response.headers_mut().append(header::SET_COOKIE, spent);
    }
    response
}

/// A refused launch. A platform key set that could not be read is the platform's fault, not the learner's: the
/// page says so without the key set's address or why, which the log keeps for the platform's administrator.
fn refused_launch(state: &AppState, headers: &HeaderMap, refusal: &Refusal) -> Response {
    let status = refusal_status(refusal);
    match refusal {
        Refusal::Key(KeyError::Unreadable { .. }) => {
            tracing::warn!(reason = ?refusal.to_string(), "LTI launch refused: the platform's key set could not be read");
            let why = "the platform's signing keys could not be read; its administrator can see why in labcheck's log";
            refused(state, headers, status, "launch", why)
        }
        _ => refused(state, headers, status, "launch", &refusal.to_string()),
    }
}

fn refusal_status(refusal: &Refusal) -> StatusCode {
    match refusal {
        Refusal::NoLab | Refusal::BadCustom(_) => StatusCode::BAD_REQUEST,
        Refusal::AccountNotAllowed(_) | Refusal::ScoresElsewhere(_) => StatusCode::FORBIDDEN,
        Refusal::Malformed(_)
        | Refusal::Key(_)
        | Refusal::BadSignature
        | Refusal::Expired
        | Refusal::IssuedInTheFuture
        | Refusal::NotYetValid
        | Refusal::WrongIssuer
        | Refusal::WrongAudience
        | Refusal::Invalid(_)
        | Refusal::WrongNonce
        | Refusal::UnknownDeployment(_)
        | Refusal::WrongMessageType(_)
        | Refusal::WrongVersion(_)
        | Refusal::NoLearner => StatusCode::UNAUTHORIZED,
    }
}

/// The learner session of a valid launch, and the learner page.
async fn start_session(state: &AppState, headers: &HeaderMap, launched: Launch) -> Response {
    let Some(lab) = state.labs.get(&launched.lab) else {
        let why = format!("the link's lab {:?} is not served here", cut(&launched.lab));
        return refused(state, headers, StatusCode::BAD_REQUEST, "launch", &why);
    };
    if launched.account.role_arn.is_none() && !state.config.allow_own_account {
        let why = "no account to grade: set role_arn on the link's custom parameters or the platform's registration";
        return refused(state, headers, StatusCode::BAD_REQUEST, "launch", why);
    }
    let request = SessionRequest {
        learner: launched.learner(),
        lab: lab.id.clone(),
        account: launched.account.clone(),
        expires_in: LAUNCHED_SESSION_SECONDS,
        lti: Some(LtiLink {
            platform: launched.platform.clone(),
            user_id: launched.sub.clone(),
            endpoint: launched.score_endpoint.clone(),
        }),
    };
    if let Err(why) = request.check() {
        return refused(state, headers, StatusCode::BAD_REQUEST, "launch", &why);
    }
    let minted = sessions::mint(request);
    let Some(store) = &state.store else { return no_lti(state, headers) };
    if let Err(e) = store.put_session(&minted.session, &minted.digest).await {
        return refused(state, headers, StatusCode::SERVICE_UNAVAILABLE, "launch", &e.to_string());
    }
    state.strikes.live(&minted.session.id);
    tracing::info!(
        platform = %launched.platform,
        session = %minted.session.id,
        lab = %lab.id,
        scores = launched.score_endpoint.is_some(),
        "LTI launch"
    );
    page::with_cookie(page::see_page(&minted.session.id), &minted.session, minted.token.reveal())
}

/// The tool's public keys (JWKS), for platforms to verify its client assertions. No token needed.
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    tag = "lti",
    responses(
        (status = 200, description = "The JWKS: every key of --lti-config, each with its kid", body = Object, content_type = "application/json"),
        (status = 404, description = "The service has no --lti-config", body = super::errors::ErrorBody),
    )
)]
pub(super) async fn jwks(State(state): State<AppStateRef>) -> Response {
    match &state.lti {
        Some(lti) => axum::Json(lti.lti.keys.jwks()).into_response(),
        None => {
            super::ApiError::new(StatusCode::NOT_FOUND, "no_lti", "this service has no --lti-config").into_response()
        }
    }
}

/// A refused login or launch: a page saying why, and a log line with the reason (never the token).
fn refused(state: &AppState, headers: &HeaderMap, status: StatusCode, step: &'static str, why: &str) -> Response {
    // Debug-quoted: the reason quotes what the platform or the browser sent.
    tracing::warn!(step, reason = ?why, "LTI {step} refused");
    state.metrics.refused("lti");
    let locale = i18n::catalogue_locale(&accepted_languages(headers));
    let title = msg!("lti-refused-title").render(&locale);
    let text = msg!("lti-refused", reason = why).render(&locale);
    page::html(state, status, |nonce| page::render::notice(&locale, &title, &text, nonce))
}

fn no_lti(state: &AppState, headers: &HeaderMap) -> Response {
    refused(state, headers, StatusCode::NOT_FOUND, "setup", "this service has no --lti-config (and --store)")
}

fn cut(text: &str) -> String {
    text.chars().take(64).collect()
}
