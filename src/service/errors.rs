//! The service's errors: an HTTP answer `{"error": {"code", "message"}}`, and why the service did not start.

use std::net::SocketAddr;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::inventory::SessionError;

/// `{ "error": { "code", "message" } }` with a status.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    pub(super) retry_after: Option<u64>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), retry_after: None }
    }

    /// The one-line message, for answers that are not an HTTP error (a Jam validation answer).
    pub(super) fn message(&self) -> &str {
        &self.message
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&ErrorBody { error: ErrorDetail { code: self.code, message: &self.message } })
            .expect("error body serializes");
        let mut response = (self.status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Why the service did not start: one line, exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("two lab files have the id `{0}`")]
    DuplicateLab(String),
    #[error("no bearer tokens: give --tokens-file or LABCHECK_SERVICE_TOKENS")]
    NoTokens,
    #[error("{0}")]
    Session(#[from] SessionError),
    #[error("{0}")]
    Store(#[from] crate::progress::StoreError),
    #[error("{0}")]
    Setting(String),
    #[error("{0}")]
    Lab(#[from] crate::lab::LabError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
