//! LTI 1.3 over HTTP (`--lti-config`): `/lti/login` (OIDC login initiation), `/lti/launch` (the platform's
//! `id_token`: a learner session, then the learner page), `/.well-known/jwks.json` (the tool's public keys); and
//! after each grading of a launched session, its progress sent to the platform's line item, kept and retried while
//! the platform does not take it.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::auth::Peer;
use super::labs::accepted_languages;
use super::page;
use super::request::Passback;
use super::{AppState, AppStateRef};
use crate::i18n::{self, Locale, msg};
use crate::lab::Lab;
use crate::lti::launch::{self, Launch, Refusal};
use crate::lti::platform_keys::{KeyError, PlatformKeys};
use crate::lti::records::{LOGIN_SECONDS, Login, PendingScore, now_epoch};
use crate::lti::{Lti, LtiLink, ags};
use crate::model::Status;
use crate::progress::Progress;
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
    scores: ags::Scores,
}

impl LtiService {
    pub fn new(lti: Lti) -> Self {
        let http = reqwest::Client::builder().build().expect("the HTTP client builds");
        Self { lti, platform_keys: PlatformKeys::new(http.clone()), scores: ags::Scores::new(http) }
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
}

/// The platform's authentication response, posted by the learner's browser.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(super) struct LaunchForm {
    id_token: String,
    state: String,
}

/// Start an LTI 1.3 launch (OIDC login initiation, from the platform): redirect to the platform's auth URL with a
/// single-use state and nonce.
#[utoipa::path(
    get,
    path = "/lti/login",
    tag = "lti",
    params(LoginRequest),
    responses(
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
    let bytes = match super::grading::read_body(&state, body).await {
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
    let Some(store) = &state.store else { return no_lti(state, headers) };
    let login = Login {
        state: sessions::random_hex(16),
        nonce: sessions::random_hex(16),
        platform: registration.name.clone(),
        expires_at: now_epoch() + LOGIN_SECONDS,
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
    let mut response = StatusCode::FOUND.into_response();
    match HeaderValue::from_str(&location) {
        Ok(value) => response.headers_mut().insert(header::LOCATION, value),
        Err(_) => return refused(state, headers, StatusCode::BAD_REQUEST, "login", "a login hint that is not a URL's"),
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Finish an LTI 1.3 launch: the platform's `id_token`, validated in full, makes a learner session; on to the
/// learner page with its cookie.
#[utoipa::path(
    post,
    path = "/lti/launch",
    tag = "lti",
    request_body(content = LaunchForm, content_type = "application/x-www-form-urlencoded"),
    responses(
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
    let bytes = match super::grading::read_body(&state, body).await {
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
    start_session(&state, &headers, launched).await
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
    if launched.role_arn.is_none() && !state.config.allow_own_account {
        let why = "no account to grade: set role_arn on the link's custom parameters or the platform's registration";
        return refused(state, headers, StatusCode::BAD_REQUEST, "launch", why);
    }
    let request = SessionRequest {
        learner: launched.learner(),
        lab: lab.id.clone(),
        role_arn: launched.role_arn.clone(),
        external_id: launched.external_id.clone(),
        region: launched.region.clone(),
        lang: launched.lang.clone(),
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

/// Sends `progress` to the platform of `passback` as a score, off the caller's path. A score not taken is kept for
/// [`retry_pending_scores`].
pub(super) fn send_score(state: &AppStateRef, passback: Passback, lab: Arc<Lab>, progress: Progress, locale: Locale) {
    let Some(endpoint) = passback.link.endpoint.clone() else { return };
    let state = state.clone();
    tokio::spawn(async move {
        let pending = PendingScore {
            session_id: passback.session_id.clone(),
            platform: passback.link.platform.clone(),
            endpoint,
            score: score_of(&passback.link.user_id, &lab, &progress, &locale),
            attempts: 0,
            last_error: String::new(),
        };
        deliver(&state, pending).await;
    });
}

/// The score of a learner's progress: best per check, as `labcheck progress` counts it, and the checks missing.
fn score_of(user_id: &str, lab: &Lab, progress: &Progress, locale: &Locale) -> ags::Score {
    let missing: Vec<String> = lab
        .checks()
        .filter(|c| progress.checks.get(&c.id).is_none_or(|p| p.status != Status::Pass))
        .map(|c| c.title.get(locale).to_owned())
        .collect();
    let prefix = if missing.is_empty() {
        msg!("lti-comment-done").render(locale)
    } else {
        msg!("lti-comment-missing", count = missing.len()).render(locale)
    };
    let now = time::OffsetDateTime::now_utc();
    let at = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    ags::score(user_id, progress.score(), lab.max_score(), &missing, &prefix, &at)
}

/// One attempt to deliver `pending`; kept for later when the platform does not take it.
async fn deliver(state: &AppState, mut pending: PendingScore) {
    let (Some(lti), Some(store)) = (&state.lti, &state.store) else { return };
    let Some(registration) = lti.lti.registrations.iter().find(|r| r.name == pending.platform) else {
        tracing::warn!(platform = %pending.platform, "a score for a platform no longer registered is dropped");
        let _ = store.drop_pending_score(&pending.session_id, &pending.score.timestamp).await;
        return;
    };
    let sent = lti.scores.send(registration, &lti.lti.keys, &pending.endpoint, &pending.score).await;
    state.metrics.score_sent(sent.is_ok());
    match sent {
        Ok(()) => {
            tracing::info!(platform = %pending.platform, session = %pending.session_id, "LTI score sent");
            if pending.attempts > 0 {
                let _ = store.drop_pending_score(&pending.session_id, &pending.score.timestamp).await;
            }
        }
        Err(e) => {
            pending.attempts += 1;
            pending.last_error = e.to_string();
            tracing::warn!(platform = %pending.platform, session = %pending.session_id, error = ?e.to_string(), "LTI score not sent; kept to retry");
            if let Err(e) = store.put_pending_score(&pending).await {
                tracing::warn!(error = %e, "an LTI score could not be kept to retry");
            }
        }
    }
}

/// A score still refused this long after its grading is given up on (a metric and a log line say so).
pub(super) const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Every `--lti-retry-seconds`: the scores platforms did not take, sent again, each platform's in turn and the
/// platforms side by side (one that hangs or refuses delays no other's); a score older than [`GIVE_UP_AFTER`]
/// is dropped instead.
pub(super) async fn retry_pending_scores(state: AppStateRef) {
    loop {
        tokio::time::sleep(state.config.lti_retry).await;
        let Some(store) = &state.store else { return };
        match store.pending_scores().await {
            Ok(pending) => retry_by_platform(&state, pending).await,
            Err(e) => tracing::warn!(error = %e, "pending LTI scores could not be read"),
        }
    }
}

async fn retry_by_platform(state: &AppState, pending: Vec<PendingScore>) {
    let mut by_platform: std::collections::BTreeMap<String, Vec<PendingScore>> = std::collections::BTreeMap::new();
    for score in pending {
        by_platform.entry(score.platform.clone()).or_default().push(score);
    }
    let platforms = by_platform.into_values().map(|scores| async move {
        for score in scores {
            if given_up(&score) {
                abandon(state, score).await;
            } else {
                deliver(state, score).await;
            }
        }
    });
    futures::future::join_all(platforms).await;
}

/// Whether a score's grading is older than [`GIVE_UP_AFTER`].
fn given_up(score: &PendingScore) -> bool {
    let Ok(at) = time::OffsetDateTime::parse(&score.score.timestamp, &time::format_description::well_known::Rfc3339)
    else {
        return true;
    };
    time::OffsetDateTime::now_utc() - at > GIVE_UP_AFTER
}

async fn abandon(state: &AppState, score: PendingScore) {
    state.metrics.score_abandoned();
    tracing::warn!(
        platform = %score.platform,
        session = %score.session_id,
        attempts = score.attempts,
        last_error = ?score.last_error,
        "an LTI score was given up on: the platform did not take it within a day"
    );
    if let Some(store) = &state.store {
        let _ = store.drop_pending_score(&score.session_id, &score.score.timestamp).await;
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
