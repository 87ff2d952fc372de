//! Turning SDK errors into [`FactError`]s with one readable line.

use std::error::Error as StdError;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::Operation;
use crate::facts::{FactError, FactErrorKind};

const ACCESS_DENIED_CODES: &[&str] = &[
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedException",
    "UnrecognizedClientException",
    "ForbiddenException",
    // EC2's
    "UnauthorizedOperation",
];
const THROTTLING_CODES: &[&str] = &[
    "TooManyRequestsException",
    "ThrottlingException",
    "Throttling",
    "RequestLimitExceeded",
    "LimitExceededException",
    // S3's
    "SlowDown",
];

/// The innermost message of an error chain, on one line.
fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut current = err;
    let mut messages = vec![current.to_string()];
    while let Some(source) = current.source() {
        messages.push(source.to_string());
        current = source;
    }
    messages.dedup();
    messages.join(": ").replace('\n', " ")
}

impl Operation {
    /// This operation's error, classified.
    pub fn error<E>(&self, err: SdkError<E, HttpResponse>) -> FactError
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        classify_sdk_error(self.name, &format!("{} on {}", self.action, self.resource), err)
    }
}

/// Whether an error means "there is no such thing" (a verdict), not "could not read" (an error).
pub fn is_not_found<E>(err: &SdkError<E, HttpResponse>) -> bool
where
    E: ProvideErrorMetadata,
{
    matches!(err, SdkError::ServiceError(ctx) if ctx.err().code() == Some("ResourceNotFoundException"))
}

/// Classifies an SDK error of `operation` (e.g. `apigateway:GetUsagePlans`). `iam_action` names the permission
/// that a denial means is missing (e.g. `apigateway:GET on arn:aws:apigateway:*::/usageplans`).
pub fn classify_sdk_error<E>(operation: &str, iam_action: &str, err: SdkError<E, HttpResponse>) -> FactError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    match &err {
        SdkError::ServiceError(ctx) => {
            let code = ctx.err().code().unwrap_or("");
            let message = ctx.err().message().unwrap_or("");
            let status = ctx.raw().status().as_u16();
            if ACCESS_DENIED_CODES.contains(&code) || (code.is_empty() && status == 403) {
                FactError::new(
                    FactErrorKind::AccessDenied,
                    operation,
                    format!("the credentials lack {iam_action} ({code} {message})").replace(" )", ")"),
                )
            } else if code.is_empty() && (200..300).contains(&status) {
                // A success status whose body did not parse as the operation's output.
                FactError::new(FactErrorKind::Malformed, operation, format!("unreadable answer: {}", root_cause(&err)))
            } else if THROTTLING_CODES.contains(&code) || status == 429 {
                FactError::new(
                    FactErrorKind::Throttled,
                    operation,
                    format!("AWS throttled the reads after retries ({code})"),
                )
            } else {
                let what = if code.is_empty() { format!("HTTP {status}") } else { code.to_owned() };
                let mut text = format!("{what}: {message}").trim_end_matches(": ").to_owned();
                // S3's redirects name the bucket's region only in this header (the SDK does not follow them).
                if let Some(region) = ctx.raw().headers().get("x-amz-bucket-region") {
                    text.push_str(&format!(" (the bucket is in {region}, not the graded region)"));
                }
                FactError::new(FactErrorKind::Service, operation, text)
            }
        }
        SdkError::TimeoutError(_) => FactError::new(FactErrorKind::Timeout, operation, "no answer in time"),
        SdkError::DispatchFailure(failure) => {
            let kind = if failure.is_timeout() { FactErrorKind::Timeout } else { FactErrorKind::Network };
            let cause = failure.as_connector_error().map_or_else(|| root_cause(&err), |e| root_cause(e));
            FactError::new(kind, operation, cause)
        }
        SdkError::ResponseError(_) => FactError::new(FactErrorKind::Malformed, operation, root_cause(&err)),
        _ => FactError::new(FactErrorKind::Service, operation, root_cause(&err)),
    }
}
