//! `GET /v1/labs/{lab}/cohort`: a class's figures in a lab (platforms only: it names every learner of the class).

use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::auth::Caller;
use super::errors::ErrorBody;
use crate::service::http::find_lab;
use crate::service::http::{store_of, unavailable};
use super::{ApiError, AppStateRef};
use crate::cohort::{self, Cohort, CohortFormat, Filter};

/// Which learners count.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct CohortQuery {
    /// Only learners whose id starts with this (a class, e.g. `cs101-`).
    #[param(pattern = "^[A-Za-z0-9._@+:-]{1,128}$")]
    learner_prefix: Option<String>,
    /// Only learners last graded at or after this time (RFC 3339).
    since: Option<String>,
    /// Only learners last graded at or before this time (RFC 3339).
    until: Option<String>,
    /// The answer's format: JSON without it; CSV with a row per check or per learner; an HTML page.
    #[param(value_type = Option<CohortFormat>, inline)]
    format: Option<String>,
}

/// A class's figures in a lab: per check (pass rates, gradings and time to pass, stuck learners, failure reasons,
/// the may-be-broken flags with their rules), per step (the funnel) and per learner.
#[utoipa::path(
    get,
    path = "/v1/labs/{lab_id}/cohort",
    tag = "progress",
    params(("lab_id" = String, Path, description = "The lab's id", example = "apigw-items"), CohortQuery),
    responses(
        (status = 200, description = "The class's figures (JSON; CSV or HTML with `?format=`)", content(
            (Cohort = "application/json"),
            (String = "text/csv"),
            (String = "text/html"),
        )),
        (status = 400, description = "A prefix, a time or a format that does not read", body = ErrorBody),
        (status = 403, description = "A learner session", body = ErrorBody),
        (status = 404, description = "No such lab, or no store", body = ErrorBody),
        (status = 503, description = "The store cannot answer", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(super) async fn cohort(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    Path(lab_id): Path<String>,
    Query(query): Query<CohortQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    caller.platform_only(&state)?;
    let lab = find_lab(&state, &lab_id)?;
    let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message);
    if let Some(prefix) = &query.learner_prefix {
        crate::ids::check_learner(prefix).map_err(|e| bad(format!("learner_prefix: {e}")))?;
    }
    for (name, time) in [("since", &query.since), ("until", &query.until)] {
        if let Some(time) = time
            && time::OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339).is_err()
        {
            return Err(bad(format!("{name}: not an RFC 3339 time (2026-11-01T00:00:00Z)")));
        }
    }
    let format = CohortFormat::parse(query.format.as_deref().unwrap_or("json"))
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_format", e))?;
    let store = store_of(&state)?;
    let filter = Filter { learner_prefix: query.learner_prefix, since: query.since, until: query.until };
    let locale = lab.locale_for(&crate::service::http::accepted_languages(&headers));
    let figures = cohort::read(&**store, &lab, filter, &locale).await.map_err(unavailable)?;
    let text = format.write(&figures, &lab, &locale).map_err(|e| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("could not write the cohort: {e}"))
    })?;
    let mut response = ([(header::CONTENT_TYPE, format.content_type())], text).into_response();
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-language"));
    match format {
        CohortFormat::Html => {
            let policy = format!("{}; frame-ancestors 'none'", cohort::content_security_policy());
            if let Ok(policy) = HeaderValue::from_str(&policy) {
                headers.insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        }
        CohortFormat::Json | CohortFormat::ChecksCsv | CohortFormat::LearnersCsv => {}
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
