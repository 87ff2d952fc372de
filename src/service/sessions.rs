//! `POST /v1/sessions` and `DELETE /v1/sessions/{id}`: a platform makes a learner session (and revokes it). The
//! answer carries the session's token once; the store keeps its digest.

use axum::body::Body;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::auth::Caller;
use super::labs::find_lab;
use super::progress::{store_of, unavailable};
use super::{ApiError, AppState, AppStateRef};
use crate::sessions::{self, SessionRequest};

/// A session lasts an hour unless the platform says otherwise.
pub const DEFAULT_EXPIRES_IN: u64 = 3600;

/// The body of `POST /v1/sessions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewSession {
    learner: String,
    lab: String,
    #[serde(default)]
    role_arn: Option<String>,
    #[serde(default)]
    external_id: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    /// Seconds (60 to 30 days); an hour without it.
    #[serde(default)]
    expires_in: Option<u64>,
}

/// The answer: the session and its token (given this once), and the learner's page with the token in its fragment.
#[derive(Debug, Serialize)]
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

pub(super) async fn create(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.platform_only(&state)?;
    let store = store_of(&state)?;
    let bytes = super::grading::read_body(&state, body).await?;
    let asked: NewSession =
        super::request::parse_object(&bytes, r#"{"learner": "ana", "lab": "apigw-items", "role_arn": "..."}"#)
            .map_err(|message| bad_body(&state, message))?;
    let lab = find_lab(&state, &asked.lab)?;
    let request = SessionRequest {
        learner: asked.learner,
        lab: lab.id.clone(),
        role_arn: asked.role_arn,
        external_id: asked.external_id,
        region: asked.region,
        lang: asked.lang,
        expires_in: asked.expires_in.unwrap_or(DEFAULT_EXPIRES_IN),
    };
    request.check().map_err(|message| bad_body(&state, message))?;
    if request.role_arn.is_none() && !state.config.allow_own_account {
        return Err(bad_body(&state, "role_arn: required (this service does not grade its own account)".into()));
    }
    let minted = sessions::mint(request);
    store.put_session(&minted.session, &minted.digest).await.map_err(unavailable)?;
    tracing::info!(session = %minted.session.id, lab = %minted.session.lab, "learner session made");
    let answer = SessionCreated::new(&minted, state.config.public_url.as_deref());
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

pub(super) async fn revoke(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.platform_only(&state)?;
    sessions::check_session_id(&id).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_session_id", e))?;
    let store = store_of(&state)?;
    if !store.revoke_session(&id, &sessions::now()).await.map_err(unavailable)? {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "unknown_session", format!("no session {id}")));
    }
    tracing::info!(session = %id, "learner session revoked");
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn bad_body(state: &AppState, message: String) -> ApiError {
    state.metrics.refused("bad_body");
    ApiError::new(StatusCode::BAD_REQUEST, "bad_body", message)
}
