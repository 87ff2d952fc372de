//! `DELETE /v1/learners/{learner}`: erase one learner's progress, gradings, evidence and sessions (platforms only).

use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::auth::Caller;
use super::errors::ErrorBody;
use crate::service::http::{store_of, unavailable};
use super::{ApiError, AppStateRef};
use crate::privacy::Forgotten;

/// Which of the learner's records.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ForgetQuery {
    /// Only their records in this lab (served or not); every lab without it.
    #[param(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", example = "apigw-items")]
    lab: Option<String>,
}

/// Erases a learner's progress, gradings (with their evidence) and sessions (with any score waiting for the LMS),
/// in one lab or in every lab: the cohort no longer counts them, and their session tokens stop working.
#[utoipa::path(
    delete,
    path = "/v1/learners/{learner}",
    tag = "progress",
    params(
        ("learner" = String, Path, description = "The learner (1 to 128 of letters, digits and . _ @ + : -)", pattern = "^[A-Za-z0-9._@+:-]{1,128}$", example = "ana@example.com"),
        ForgetQuery,
    ),
    responses(
        (status = 200, description = "What was erased", body = Forgotten),
        (status = 400, description = "Not a learner id, or not a lab id", body = ErrorBody),
        (status = 403, description = "A learner session", body = ErrorBody),
        (status = 404, description = "No store", body = ErrorBody),
        (status = 503, description = "The store cannot answer", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(super) async fn forget_learner(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    Path(learner): Path<String>,
    Query(query): Query<ForgetQuery>,
) -> Result<Response, ApiError> {
    caller.platform_only(&state)?;
    let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message);
    crate::ids::check_learner(&learner).map_err(|e| bad(format!("learner: {e}")))?;
    if let Some(lab) = &query.lab {
        crate::ids::check_lab_id(lab).map_err(|e| bad(format!("lab: {} is {e}", crate::ids::shown(lab))))?;
    }
    let store = store_of(&state)?;
    let forgotten = store.forget_learner(&learner, query.lab.as_deref()).await.map_err(unavailable)?;
    tracing::info!(learner = ?learner, lab = ?query.lab, ?forgotten, "learner forgotten");
    Ok(axum::Json(forgotten).into_response())
}
