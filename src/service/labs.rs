//! `GET /v1/labs` and `GET /v1/labs/{lab}`: the labs served, their steps and checks with points.

use crate::service::http::{accepted_languages, find_lab};

use axum::extract::{Extension, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::auth::Caller;
use super::errors::ErrorBody;
use super::{ApiError, AppStateRef};
use crate::i18n::Locale;
use crate::lab::Lab;

/// The labs a caller may see.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct LabList {
    labs: Vec<LabSummary>,
}

/// A lab: its steps and checks with points, titles in the asked language.
#[derive(Serialize, utoipa::ToSchema)]
struct LabSummary {
    id: String,
    title: String,
    /// The language of the titles.
    lang: String,
    /// Every language the lab has (ask for one with `Accept-Language`).
    languages: Vec<String>,
    steps: Vec<StepSummary>,
    max_score: u32,
}

#[derive(Serialize, utoipa::ToSchema)]
struct StepSummary {
    id: String,
    title: String,
    checks: Vec<CheckSummary>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct CheckSummary {
    id: String,
    title: String,
    points: u32,
    validator: String,
    needs: Vec<String>,
}

/// The lab's summary, titles in `locale`.
fn summary(lab: &Lab, locale: &Locale) -> LabSummary {
    LabSummary {
        id: lab.id.clone(),
        title: lab.title.get(locale).to_owned(),
        lang: locale.to_string(),
        max_score: lab.max_score(),
        languages: lab.languages.iter().map(ToString::to_string).collect(),
        steps: lab
            .steps
            .iter()
            .map(|s| StepSummary {
                id: s.id.clone(),
                title: s.title.get(locale).to_owned(),
                checks: s
                    .checks
                    .iter()
                    .map(|c| CheckSummary {
                        id: c.id.clone(),
                        title: c.title.get(locale).to_owned(),
                        points: c.points,
                        validator: c.validator_name.clone(),
                        needs: c.needs.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The labs served: every lab for a platform, its own lab alone for a learner session.
#[utoipa::path(
    get,
    path = "/v1/labs",
    tag = "labs",
    params(("accept-language" = Option<String>, Header, description = "The titles' language")),
    responses((status = 200, description = "The labs", body = LabList)),
    security(("bearer" = []))
)]
pub(super) async fn list_labs(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let requested = accepted_languages(&headers);
    let labs: Vec<LabSummary> = state
        .labs
        .values()
        .filter(|lab| caller.may_see_lab(&state, &lab.id).is_ok())
        .map(|l| summary(l, &l.locale_for(&requested)))
        .collect();
    Ok(axum::Json(LabList { labs }).into_response())
}

/// One lab: its steps and checks with points.
#[utoipa::path(
    get,
    path = "/v1/labs/{lab_id}",
    tag = "labs",
    params(
        ("lab_id" = String, Path, description = "The lab's id", example = "apigw-items"),
        ("accept-language" = Option<String>, Header, description = "The titles' language"),
    ),
    responses(
        (status = 200, description = "The lab", body = LabSummary),
        (status = 403, description = "A learner session's other lab", body = ErrorBody),
        (status = 404, description = "No such lab", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(super) async fn get_lab(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(lab_id): Path<String>,
) -> Result<Response, ApiError> {
    caller.may_see_lab(&state, &lab_id)?;
    let lab = find_lab(&state, &lab_id)?;
    let locale = lab.locale_for(&accepted_languages(&headers));
    Ok(axum::Json(summary(&lab, &locale)).into_response())
}


