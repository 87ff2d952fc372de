//! `GET /v1/labs` and `GET /v1/labs/{lab}`: the labs served, their steps and checks with points.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::auth::authorize;
use super::{ApiError, AppState, AppStateRef};
use crate::lab::Lab;

#[derive(Serialize)]
struct LabSummary {
    id: String,
    title: String,
    steps: Vec<StepSummary>,
    max_score: u32,
}

#[derive(Serialize)]
struct StepSummary {
    id: String,
    title: String,
    checks: Vec<CheckSummary>,
}

#[derive(Serialize)]
struct CheckSummary {
    id: String,
    title: String,
    points: u32,
    validator: String,
    needs: Vec<String>,
}

fn summary(lab: &Lab) -> LabSummary {
    LabSummary {
        id: lab.id.clone(),
        title: lab.title.clone(),
        max_score: lab.max_score(),
        steps: lab
            .steps
            .iter()
            .map(|s| StepSummary {
                id: s.id.clone(),
                title: s.title.clone(),
                checks: s
                    .checks
                    .iter()
                    .map(|c| CheckSummary {
                        id: c.id.clone(),
                        title: c.title.clone(),
                        points: c.points,
                        validator: c.validator_name.clone(),
                        needs: c.needs.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

pub(super) async fn list_labs(State(state): State<AppStateRef>, headers: HeaderMap) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let labs: Vec<LabSummary> = state.labs.values().map(|l| summary(l)).collect();
    Ok(axum::Json(serde_json::json!({ "labs": labs })).into_response())
}

pub(super) async fn get_lab(
    State(state): State<AppStateRef>,
    headers: HeaderMap,
    Path(lab_id): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let lab = find_lab(&state, &lab_id)?;
    Ok(axum::Json(summary(&lab)).into_response())
}

pub(super) fn find_lab(state: &AppState, id: &str) -> Result<Arc<Lab>, ApiError> {
    state.labs.get(id).cloned().ok_or_else(|| {
        state.metrics.refused("unknown_lab");
        let known: Vec<&str> = state.labs.keys().map(String::as_str).collect();
        ApiError::new(StatusCode::NOT_FOUND, "unknown_lab", format!("no lab `{id}` (labs: {})", known.join(", ")))
    })
}
