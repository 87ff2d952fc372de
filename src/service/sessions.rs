//! `POST /v1/sessions` and `DELETE /v1/sessions/{id}`: a platform makes a learner session (and revokes it). The
//! answer carries the session's token once; the store keeps its digest.

use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::errors::ErrorBody;
use crate::service::http::find_lab;
use crate::service::http::{store_of, unavailable};
use super::{ApiError, AppState, AppStateRef};
use crate::sessions::{self, SessionRequest};

/// A session lasts an hour unless the platform says otherwise.
pub const DEFAULT_EXPIRES_IN: u64 = 3600;

/// The body of `POST /v1/sessions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewSession {
    #[schema(pattern = "^[A-Za-z0-9._@+:-]{1,128}$", example = "ana@example.com")]
    learner: String,
    #[schema(example = "apigw-items")]
    lab: String,
    /// The role to assume in the learner's account (required unless the service grades its own account).
    #[serde(default)]
    #[schema(pattern = "^arn:aws[^:]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", max_length = 2048)]
    role_arn: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9+=,.@:/_-]{2,1224}$")]
    external_id: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[a-z]{2}(-[a-z]{2,10}){1,3}-[0-9]{1,2}$", max_length = 25, example = "us-east-1")]
    region: Option<String>,
    /// The learner's language for the page (`es`, `pt-BR`); else the browser's.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9_-]{1,35}$", example = "es")]
    lang: Option<String>,
    /// Seconds (60 to 30 days); an hour without it.
    #[serde(default)]
    #[schema(minimum = 60, maximum = 2592000)]
    expires_in: Option<u64>,
}

/// The answer: the session and its token (given this once), and the learner's page with the token in its fragment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionCreated {
    pub session_id: String,
    /// The session's bearer token: a secret, shown only here.
    pub token: String,
    pub expires_at: String,
    /// The learner's page, `/learn/{session_id}#token=...` (absolute with `--public-url`): the fragment never
    /// reaches a server or a log.
    pub page_url: String,
    pub learner: String,
    pub lab: String,
}

impl SessionCreated {
    /// The answer for `minted`, its page under `public_url` (a path alone without it).
    pub fn new(minted: &sessions::Minted, public_url: Option<&str>) -> Self {
        let session = &minted.session;
        let base = public_url.map(|url| url.trim_end_matches('/')).unwrap_or_default();
        Self {
            session_id: session.id.clone(),
            token: minted.token.reveal().to_owned(),
            expires_at: session.expires_at.clone(),
            page_url: format!("{base}/learn/{}#token={}", session.id, minted.token.reveal()),
            learner: session.learner.clone(),
            lab: session.lab.clone(),
        }
    }
}

/// Make a learner session (platforms only): its token grades this lab against this account for this learner, and
/// reads their progress, nothing else.
#[utoipa::path(
    post,
    path = "/v1/sessions",
    tag = "sessions",
    request_body(content = NewSession, content_type = "application/json"),
    responses(
        (status = 201, description = "The session, with its token (shown this once)", body = SessionCreated),
        (status = 400, description = "A field of the body is wrong (the message names it)", body = ErrorBody),
        (status = 403, description = "A learner session", body = ErrorBody),
        (status = 404, description = "No such lab, or no store", body = ErrorBody),
        (status = 408, description = "The body did not arrive within --read-timeout", body = ErrorBody),
        (status = 413, description = "The body is larger than --body-limit", body = ErrorBody),
        (status = 503, description = "The store cannot answer", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(super) async fn create(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.platform_only(&state)?;
    let store = store_of(&state)?;
    let bytes = crate::service::http::read_body(&state, body).await?;
    let asked: NewSession =
        super::request::parse_object(&bytes, r#"{"learner": "ana", "lab": "apigw-items", "role_arn": "..."}"#)
            .map_err(|message| bad_body(&state, message))?;
    let lab = find_lab(&state, &asked.lab)?;
    let request = SessionRequest {
        learner: asked.learner,
        lab: lab.id.clone(),
        account: crate::ids::AccountRef {
            role_arn: asked.role_arn,
            external_id: asked.external_id,
            region: asked.region,
            lang: asked.lang,
        },
        expires_in: asked.expires_in.unwrap_or(DEFAULT_EXPIRES_IN),
        lti: None,
    };
    request.check().map_err(|message| bad_body(&state, message))?;
    if request.account.role_arn.is_none() && !state.config.allow_own_account {
        return Err(bad_body(&state, "role_arn: required (this service does not grade its own account)".into()));
    }
    let minted = sessions::mint(request);
    store.put_session(&minted.session, &minted.digest).await.map_err(unavailable)?;
    state.strikes.live(&minted.session.id);
    tracing::info!(session = %minted.session.id, lab = %minted.session.lab, "learner session made");
    let answer = SessionCreated::new(&minted, state.config.public_url.as_deref());
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

/// Revoke a learner session (platforms only): its token is refused from now on.
#[utoipa::path(
    delete,
    path = "/v1/sessions/{session_id}",
    tag = "sessions",
    params(("session_id" = String, Path, description = "The session's id", pattern = "^s[0-9a-f]{32}$")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "Not a session id", body = ErrorBody),
        (status = 403, description = "A learner session", body = ErrorBody),
        (status = 404, description = "No such session, or no store", body = ErrorBody),
        (status = 503, description = "The store cannot answer", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(super) async fn revoke(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.platform_only(&state)?;
    sessions::check_session_id(&id).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_session_id", e))?;
    let store = store_of(&state)?;
    if !store.revoke_session(&id, &crate::clock::now()).await.map_err(unavailable)? {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "unknown_session", format!("no session {id}")));
    }
    tracing::info!(session = %id, "learner session revoked");
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn bad_body(state: &AppState, message: String) -> ApiError {
    state.metrics.refused("bad_body");
    ApiError::new(StatusCode::BAD_REQUEST, "bad_body", message)
}
