//! What the handlers share: the served lab of a path, the request's languages and body, the store or why not, and
//! whether the service still takes work. Handlers import these, never one another.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};

use super::{ApiError, AppState};
use crate::db::StoreError;
use crate::i18n::{self, Locale};
use crate::lab::Lab;
use crate::store::Store;

/// The store, or 404 when the service keeps no progress.
pub(in crate::service) fn store_of(state: &AppState) -> Result<&Arc<dyn Store>, ApiError> {
    state.store.as_ref().ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "no_store", "this service keeps no progress (start it with --store)")
    })
}

/// A store that cannot answer: 503, the grading service itself still works.
pub(in crate::service) fn unavailable(error: StoreError) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store_unavailable", error.to_string())
}

/// The languages of the request's `Accept-Language`, best first.
pub(in crate::service) fn accepted_languages(headers: &HeaderMap) -> Vec<Locale> {
    let header = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    header.map(i18n::accept_language).unwrap_or_default()
}

/// The served lab `id`, or 404 naming the labs served.
pub(in crate::service) fn find_lab(state: &AppState, id: &str) -> Result<Arc<Lab>, ApiError> {
    state.labs.get(id).cloned().ok_or_else(|| {
        state.metrics.refused("unknown_lab");
        let known: Vec<&str> = state.labs.keys().map(String::as_str).collect();
        let id = crate::ids::shown(id);
        ApiError::new(StatusCode::NOT_FOUND, "unknown_lab", format!("no lab {id} (labs: {})", known.join(", ")))
    })
}

/// A request's body, read within `--read-timeout` and `--body-limit`.
pub(in crate::service) async fn read_body(state: &AppState, body: Body) -> Result<bytes::Bytes, ApiError> {
    let limit = state.config.body_limit;
    match tokio::time::timeout(state.config.read_timeout, axum::body::to_bytes(body, limit)).await {
        Err(_) => {
            state.metrics.refused("slow_body");
            let message = format!("the body did not arrive within {}s", state.config.read_timeout.as_secs());
            Err(ApiError::new(StatusCode::REQUEST_TIMEOUT, "slow_body", message))
        }
        Ok(Err(_)) => {
            state.metrics.refused("too_large");
            let message = format!("the request body is larger than {limit} bytes");
            Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message))
        }
        Ok(Ok(bytes)) => Ok(bytes),
    }
}

/// 503 while the service drains after SIGTERM.
pub(in crate::service) fn not_shutting_down(state: &AppState) -> Result<(), ApiError> {
    if state.shutting_down.load(Ordering::SeqCst) {
        state.metrics.refused("shutting_down");
        return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "the service is shutting down"));
    }
    Ok(())
}
