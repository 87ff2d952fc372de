//! Who is calling: a platform (one of the service's bearer tokens: everything) or a learner session (a session
//! token: one lab, one account, one learner). Tokens are compared as digests in constant time and never logged; an
//! address that keeps presenting bad tokens is refused for a while ([`super::strikes`]).

use std::net::IpAddr;
use std::path::PathBuf;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;

use super::{ApiError, AppState, AppStateRef, GradeRequest};
use crate::sessions::{self, LearnerSession, Refusal};

/// The caller of a request, as its token says.
#[derive(Debug, Clone)]
pub(super) enum Caller {
    /// A platform: every endpoint.
    Platform,
    /// A learner session: its lab, its account, its learner's progress.
    Learner(Box<LearnerSession>),
}

impl Caller {
    /// 403 unless the caller is a platform.
    pub(super) fn platform_only(&self, state: &AppState) -> Result<(), ApiError> {
        match self {
            Caller::Platform => Ok(()),
            Caller::Learner(_) => Err(forbidden(state, "a learner session cannot use this endpoint")),
        }
    }

    /// 403 unless the caller may see `lab` (every lab for a platform; its own for a learner).
    pub(super) fn may_see_lab(&self, state: &AppState, lab: &str) -> Result<(), ApiError> {
        match self {
            Caller::Platform => Ok(()),
            Caller::Learner(session) if session.lab == lab => Ok(()),
            Caller::Learner(_) => Err(forbidden(state, "this session is for another lab")),
        }
    }
}

impl Caller {
    /// A grading request as this caller may make it. A platform's is as it came. A learner's grades its session's
    /// lab, account and learner: a body naming a role, an external id, a region or a learner is refused (400), so
    /// that nothing in the browser can point a grading elsewhere; the language is the body's, else the session's.
    pub(super) fn scope(&self, state: &AppState, lab: &str, request: GradeRequest) -> Result<GradeRequest, ApiError> {
        let Caller::Learner(session) = self else { return Ok(request) };
        self.may_see_lab(state, lab)?;
        let named = [
            ("role_arn", request.role_arn.is_some()),
            ("external_id", request.external_id.is_some()),
            ("region", request.region.is_some()),
            ("learner", request.learner.is_some()),
        ];
        if let Some((field, _)) = named.iter().find(|(_, given)| *given) {
            state.metrics.refused("bad_body");
            let message = format!("{field}: a learner session grades its own account and learner; leave {field} out");
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_body", message));
        }
        let account = &session.account;
        Ok(GradeRequest {
            role_arn: account.role_arn.clone(),
            external_id: account.external_id.clone(),
            region: account.region.clone(),
            learner: Some(session.learner.clone()),
            lang: request.lang.or_else(|| account.lang.clone()),
            passback: session.lti.clone().map(|link| super::request::Passback { session_id: session.id.clone(), link }),
            from_learner_session: true,
            ..request
        })
    }
}

pub(super) fn forbidden(state: &AppState, message: &str) -> ApiError {
    state.metrics.refused("forbidden");
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
}

/// The client's address, as the connection (or the Lambda event) gives it; an extractor (unknown when neither did).
#[derive(Debug, Clone, Copy)]
pub(super) struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Peer>().copied().unwrap_or(Peer(None)))
    }
}

/// Middleware of every endpoint that needs a token: the [`Caller`] for the handler, or 401 (429 after repeated bad
/// tokens from one address).
pub(super) async fn authenticate(State(state): State<AppStateRef>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<Peer>().and_then(|p| p.0);
    match caller_of(&state, bearer(request.headers()), peer).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(error) => axum::response::IntoResponse::into_response(error),
    }
}

/// The caller `presented` (a bearer token or a session cookie) names, or why not. Strikes slow guessing, never a
/// customer ([`super::strikes`]): a platform token, and a session this process saw live, are judged whatever the
/// address's strikes; anything else from a struck address is refused unread.
pub(super) async fn caller_of(state: &AppState, presented: &str, peer: Option<IpAddr>) -> Result<Caller, ApiError> {
    if presented.is_empty() {
        return Err(unauthorized(state, "a valid bearer token is required"));
    }
    if is_platform_token(state, presented) {
        return Ok(Caller::Platform);
    }
    let id = sessions::session_id_of(presented);
    let live = id.is_some_and(|id| state.strikes.is_live(id));
    if !live {
        state.strikes.admit(peer).map_err(|retry_after| too_many_bad_tokens(state, retry_after))?;
    }
    let refusal = match (&state.store, id) {
        (Some(store), Some(id)) => match sessions::verify(store.as_ref(), presented).await {
            Ok(Ok(session)) => {
                state.strikes.live(id);
                return Ok(Caller::Learner(Box::new(session)));
            }
            Ok(Err(refusal)) => refusal,
            Err(e) => return Err(crate::service::http::unavailable(e)),
        },
        _ => Refusal::Invalid,
    };
    // A token that was never good counts against its address; an expired or revoked one is a real session's, and
    // so is one of a session seen live here that the store no longer has (its learner was erased).
    let gone = live && refusal == Refusal::Invalid && session_is_gone(state, id).await;
    if refusal == Refusal::Invalid && !gone {
        state.strikes.strike(peer);
    }
    Err(unauthorized(state, &refusal.to_string()))
}

/// Whether the store has no session `id` at all (erased), rather than one whose secret was wrong.
async fn session_is_gone(state: &AppState, id: Option<&str>) -> bool {
    match (&state.store, id) {
        (Some(store), Some(id)) => matches!(store.session(id).await, Ok(None)),
        _ => false,
    }
}

fn too_many_bad_tokens(state: &AppState, retry_after: u64) -> ApiError {
    state.metrics.refused("bad_tokens");
    let mut error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_bad_tokens",
        "too many bad tokens from this address; retry later",
    );
    error.retry_after = Some(retry_after);
    error
}

fn unauthorized(state: &AppState, message: &str) -> ApiError {
    state.metrics.refused("unauthorized");
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

fn bearer(headers: &HeaderMap) -> &str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
}

/// Whether `presented` is one of the platform tokens. Digests are compared against every token in constant time,
/// so timing tells nothing about which token matched, how much of it, or how long the tokens are.
fn is_platform_token(state: &AppState, presented: &str) -> bool {
    let presented_digest = digest(presented);
    let mut ok = subtle::Choice::from(0);
    for token in &state.config.tokens {
        ok |= presented_digest.as_ref().ct_eq(digest(token).as_ref());
    }
    bool::from(ok)
}

/// SHA-256 of a token: the same length whatever the token's.
fn digest(token: &str) -> aws_lc_rs::digest::Digest {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes())
}

/// Loads tokens: one per line (blank lines and `#` comments ignored).
pub fn read_tokens(file: Option<&PathBuf>, env: Option<String>) -> Result<Vec<String>, std::io::Error> {
    let mut text = env.unwrap_or_default().replace(',', "\n");
    if let Some(file) = file {
        text.push('\n');
        text.push_str(&std::fs::read_to_string(file)?);
    }
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect())
}
