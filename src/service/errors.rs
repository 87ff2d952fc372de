//! The service's errors: an HTTP answer `{"error": {"code", "message"}}`, and why the service did not start.

use std::net::SocketAddr;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::aws::SessionError;

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

    pub(super) fn status(&self) -> StatusCode {
        self.status
    }

    /// Whether this is the answer to a grading past its deadline.
    pub(super) fn is_deadline(&self) -> bool {
        self.code == "deadline"
    }

    /// The one-line message, for answers that are not an HTTP error (a Jam validation answer).
    pub(super) fn message(&self) -> &str {
        &self.message
    }
}

/// Every error answer: `{"error": {"code", "message"}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ErrorDetail<'a> {
    /// A stable, machine-readable code (`unauthorized`, `bad_body`, `unknown_lab`, ...).
    code: &'a str,
    /// One line for a person.
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

/// Every error answer in the documented shape. Errors that axum or hyper make themselves (a path that does not
/// decode, a query parameter given twice, a method the route does not take) come as plain text or nothing; they
/// are answered here as `{"error": {"code", "message"}}`, their headers (`Allow`, `Retry-After`) kept.
pub(super) async fn json_errors(response: Response) -> Response {
    let status = response.status();
    // JSON is the API's own shape; HTML is a learner page's own refusal, written for a person.
    let own = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/html"));
    if own || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 1024).await.unwrap_or_default();
    let said = crate::one_line(String::from_utf8_lossy(&text));
    let message: String = match said.chars().count() {
        0 => status.canonical_reason().unwrap_or("error").to_lowercase(),
        1..=200 => said,
        _ => said.chars().take(200).chain(['…']).collect(),
    };
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        status if status.is_client_error() => "bad_request",
        _ => "internal",
    };
    let answer = ApiError::new(status, code, message).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, answer.into_body())
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
    Store(#[from] crate::db::StoreError),
    #[error("{0}")]
    Setting(String),
    #[error("{0}")]
    Lab(#[from] crate::lab::LabError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Lti(#[from] crate::lti::LtiError),
}
