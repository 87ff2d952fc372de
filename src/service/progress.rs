//! Learners' progress over HTTP: `GET /v1/labs/{lab}/learners/{learner}/progress` and `GET /v1/gradings/{id}`,
//! answered from the store; and dropping old evidence hourly.

use crate::service::http::{store_of, unavailable};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::auth::{Caller, forbidden};
use super::errors::ErrorBody;
use super::grading::FormatQuery;
use crate::service::http::{accepted_languages, find_lab};
use super::{ApiError, AppStateRef};
use crate::model::Report;
use crate::progress::{self, Progress};
use crate::store::Store;
use crate::report::{self, Style};
use crate::snapshot::Snapshot;



/// A learner's progress in a lab: each check's best result so far, as a report (JSON; other formats with
/// `?format=`). A learner session reads its own learner's only.
#[utoipa::path(
    get,
    path = "/v1/labs/{lab_id}/learners/{learner}/progress",
    tag = "progress",
    params(
        ("lab_id" = String, Path, description = "The lab's id", example = "apigw-items"),
        ("learner" = String, Path, description = "The learner (1 to 128 of letters, digits and . _ @ + : -)", pattern = "^[A-Za-z0-9._@+:-]{1,128}$", example = "ana@example.com"),
        FormatQuery,
    ),
    responses(
        (status = 200, description = "The progress as a report", body = Report),
        (status = 400, description = "Not a learner id, or not a format", body = ErrorBody),
        (status = 403, description = "Another learner or lab than the session's", body = ErrorBody),
        (status = 404, description = "No such lab, or no store", body = ErrorBody),
        (status = 503, description = "The store cannot answer", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(super) async fn learner_progress(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path((lab_id, learner)): Path<(String, String)>,
    Query(query): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    caller.may_see_lab(&state, &lab_id)?;
    if let Caller::Learner(session) = &caller
        && session.learner != learner
    {
        return Err(forbidden(&state, "this session is for another learner"));
    }
    let lab = find_lab(&state, &lab_id)?;
    crate::ids::check_learner(&learner).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_learner", e))?;
    let format = query.format()?;
    let store = store_of(&state)?;
    let kept = store.progress(&learner, &lab.id).await.map_err(unavailable)?;
    let progress = kept.unwrap_or_else(|| Progress::new(&learner, &lab.id));
    let report = progress::report(&lab, &progress, &lab.locale_for(&accepted_languages(&headers)));
    let text = report::render(&report, format, Style::default());
    Ok(([(header::CONTENT_TYPE, format.content_type())], text).into_response())
}

/// A kept grading: who, which lab, when, its report and its evidence (`null` once dropped).
#[derive(Serialize, utoipa::ToSchema)]
struct GradingAnswer {
    id: String,
    learner: String,
    lab: String,
    graded_at: String,
    report: Report,
    /// The facts the grading read, as a snapshot `labcheck run --from` grades again.
    #[schema(value_type = Option<Object>)]
    evidence: Option<Snapshot>,
}

/// One kept grading with its evidence (platforms only).
#[utoipa::path(
    get,
    path = "/v1/gradings/{grading_id}",
    tag = "progress",
    params(("grading_id" = String, Path, description = "A grading id", pattern = "^g[0-9a-f]{12}-[0-9a-f]{16}$", example = "g019a8c4e2f1b-4be1d2c3a4b5c6d7")),
    responses(
        (status = 200, description = "The grading", body = GradingAnswer),
        (status = 400, description = "Not a grading id", body = ErrorBody),
        (status = 403, description = "A learner session", body = ErrorBody),
        (status = 404, description = "No such grading, or no store", body = ErrorBody),
        (status = 503, description = "The store cannot answer", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(super) async fn grading(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.platform_only(&state)?;
    crate::ids::check_grading_id(&id).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_grading_id", e))?;
    let store = store_of(&state)?;
    let Some(kept) = store.grading(&id).await.map_err(unavailable)? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "unknown_grading", format!("no grading {id}")));
    };
    let answer = GradingAnswer {
        id: kept.id,
        learner: kept.learner,
        lab: kept.lab,
        graded_at: kept.graded_at,
        report: kept.report,
        evidence: kept.evidence,
    };
    Ok(axum::Json(answer).into_response())
}

/// Drops evidence older than `days` days now and every hour after.
pub(super) async fn forget_old_evidence(store: Arc<dyn Store>, days: u64) {
    loop {
        match store.forget_evidence_before(&progress::days_ago(days)).await {
            Ok(dropped) => tracing::info!(dropped, days, "dropped old evidence"),
            Err(e) => tracing::warn!(error = %e, "could not drop old evidence"),
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}
