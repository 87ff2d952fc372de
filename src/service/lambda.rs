//! The service on AWS Lambda: the router of `labcheck serve` ([`super::app`]), served by `lambda_http` for API
//! Gateway (REST and HTTP APIs), Function URL and ALB events, plus a direct-invocation contract for platforms that
//! invoke the function with the SDK (authorized by IAM's `lambda:InvokeFunction`, so no bearer token).
//!
//! Direct invocation, in:
//! ```json
//! {"lab": "apigw-items", "steps": ["api-keys"], "role_arn": "arn:aws:iam::111122223333:role/labcheck-grader",
//!  "external_id": "platform-42", "region": "us-east-1", "learner": "ana", "lang": "es", "answer": "report"}
//! ```
//! Everything but `lab` and `answer` is the HTTP grade request's body. Out: with `"answer": "report"` (the
//! default) the JSON report, or `{"error": {"code", "message"}}`; with `"answer": "jam"` AWS Jam's validation
//! answer, `{"completed": true|false, "message": "...", "progressPercent": 0..100}` (an error is not completed, its
//! message says why).

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use lambda_http::request::RequestContext;
use lambda_http::{RequestExt, tower::ServiceExt};
use serde::Serialize;

use super::grading::{graded, requested_languages};
use crate::service::http::find_lab;
use super::{ApiError, AppStateRef, GradeRequest, ServiceConfig, ServiceError, app};
use crate::i18n::msg;
use crate::model::{Outcome, Report, Status};

/// Serves `config` as a Lambda function until the runtime stops it.
pub async fn run(config: ServiceConfig) -> Result<(), lambda_http::Error> {
    let (router, state) = app(config).await?;
    let handler = lambda_http::service_fn(move |request: lambda_http::Request| {
        let (router, state) = (router.clone(), state.clone());
        async move { Ok::<_, Infallible>(answer(router, state, request).await) }
    });
    lambda_http::run(handler).await
}

/// An HTTP event goes to the router as it is; a direct invocation (lambda_http's pass-through) to [`invoke`].
async fn answer(router: Router, state: AppStateRef, request: lambda_http::Request) -> Response {
    if matches!(request.request_context_ref(), Some(RequestContext::PassThrough)) {
        return invoke(&state, request.body()).await;
    }
    let peer = super::auth::Peer(client_of(&request, &state.config.trusted_proxies));
    let mut request = request.map(|body| Body::from(body.to_vec()));
    request.extensions_mut().insert(peer);
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The client's address. API Gateway and Function URL events name it (`sourceIp`; behind a trusted proxy, the
/// client that proxy forwards for); an ALB event names none, but the load balancer appends the address it received
/// the request from to `X-Forwarded-For`, so the rightmost hop that is not a trusted proxy is the client (all ALB
/// clients counted as one locked each other out).
fn client_of(request: &lambda_http::Request, proxies: &[super::Cidr]) -> Option<std::net::IpAddr> {
    let headers = request.headers();
    let source = |ip: Option<&str>| ip.and_then(|ip| ip.parse().ok());
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV1(context) => {
            super::client::client_address(source(context.identity.source_ip.as_deref()), headers, proxies)
        }
        RequestContext::ApiGatewayV2(context) => {
            super::client::client_address(source(context.http.source_ip.as_deref()), headers, proxies)
        }
        RequestContext::Alb(_) => super::client::forwarded_client(headers, proxies),
        RequestContext::PassThrough => None,
        // The enum is non-exhaustive: a context added later has no address we know of.
        _ => None,
    }
}

/// The answer AWS Jam's validation functions give.
#[derive(Debug, Serialize)]
struct JamAnswer {
    completed: bool,
    message: String,
    #[serde(rename = "progressPercent")]
    progress_percent: u32,
}

/// Which answer a direct invocation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Report,
    Jam,
}

async fn invoke(state: &AppStateRef, body: &[u8]) -> Response {
    let (answer, graded) = match split(body) {
        Ok((lab_id, answer, request)) => (answer, grade(state, &lab_id, request).await),
        Err((answer, error)) => (answer, Err(error)),
    };
    match (answer, graded) {
        (Answer::Report, Ok(report)) => json(&*report),
        (Answer::Report, Err(error)) => error.into_response(),
        (Answer::Jam, Ok(report)) => json(&jam(&report)),
        (Answer::Jam, Err(error)) => {
            json(&JamAnswer { completed: false, message: error.message().to_owned(), progress_percent: 0 })
        }
    }
}

async fn grade(state: &AppStateRef, lab_id: &str, request: GradeRequest) -> Result<Arc<Report>, ApiError> {
    let lab = find_lab(state, lab_id)?;
    let requested = requested_languages(&request, &[]);
    graded(state, lab, request, &requested).await
}

/// The invocation's lab and answer, and the rest as a grade request (checked field by field as over HTTP).
fn split(body: &[u8]) -> Result<(String, Answer, GradeRequest), (Answer, ApiError)> {
    let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_body", message);
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| (Answer::Report, bad(format!("the event is not JSON: {e}"))))?;
    let fields =
        value.as_object_mut().ok_or_else(|| (Answer::Report, bad("the event must be a JSON object".into())))?;
    let answer = match fields.remove("answer") {
        None => Answer::Report,
        Some(serde_json::Value::String(s)) if s == "report" => Answer::Report,
        Some(serde_json::Value::String(s)) if s == "jam" => Answer::Jam,
        Some(_) => return Err((Answer::Report, bad("answer: \"report\" or \"jam\"".into()))),
    };
    let lab = match fields.remove("lab") {
        Some(serde_json::Value::String(lab)) => lab,
        _ => return Err((answer, bad("lab: the id of a lab the function serves, e.g. \"apigw-items\"".into()))),
    };
    let request = GradeRequest::parse(value.to_string().as_bytes()).map_err(|e| (answer, bad(e)))?;
    Ok((lab, answer, request))
}

/// A report as Jam's answer: completed when every check passed; the message the first check that did not pass,
/// with its hint, in the report's language.
fn jam(report: &Report) -> JamAnswer {
    let progress_percent = (report.score * 100).checked_div(report.max_score).unwrap_or(100);
    let first = report.checks.iter().find(|c| c.status != Status::Pass);
    let message = match first {
        None => report.say(msg!("report-score", score = report.score, max = report.max_score)),
        Some(check) => {
            let hint = check.hint.as_deref().map(|hint| report.say(msg!("report-hint-sentence", hint)));
            [Some(format!("{}: {}", check.title, check.message)), hint]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    JamAnswer { completed: report.outcome == Outcome::Pass, message, progress_percent }
}

fn json(value: &impl Serialize) -> Response {
    let body = serde_json::to_string(value).expect("answers serialize");
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The function's config from its environment (what `labcheck serve` takes as flags):
/// - `LABCHECK_LABS`: the labs folder (default `checks` beside the binary, as `cargo lambda build --include checks`
///   packs it);
/// - `LABCHECK_SERVICE_TOKENS`: bearer tokens for HTTP events, comma-separated; or `LABCHECK_TOKENS_FILE`;
/// - `LABCHECK_STORE` (`dynamodb:TABLE`), `LABCHECK_EVIDENCE_DAYS`, `LABCHECK_ALLOW_OWN_ACCOUNT=true`,
///   `LABCHECK_ROLE_CACHE` (default 64 per execution environment), `LABCHECK_DEADLINE` (seconds, default 25),
///   `LABCHECK_INVOKE_URL_TEMPLATE`.
pub fn config_from_env(labs: Vec<crate::lab::Lab>, tokens: Vec<String>) -> Result<ServiceConfig, ServiceError> {
    config_from(labs, tokens, |name| std::env::var(name).ok())
}

/// The function's config from `setting(NAME)`: the environment, in [`config_from_env`].
fn config_from(
    labs: Vec<crate::lab::Lab>,
    tokens: Vec<String>,
    setting: impl Fn(&str) -> Option<String>,
) -> Result<ServiceConfig, ServiceError> {
    let var = |name: &str| setting(name).filter(|v| !v.is_empty());
    let number = |name: &str, default: u64| -> Result<u64, ServiceError> {
        var(name).map_or(Ok(default), |v| {
            v.parse().map_err(|_| ServiceError::Setting(format!("{name}: `{v}` is not a number")))
        })
    };
    let store = var("LABCHECK_STORE")
        .map(|s| s.parse().map_err(|e| ServiceError::Setting(format!("LABCHECK_STORE: {e}"))))
        .transpose()?;
    let invoke =
        var("LABCHECK_INVOKE_URL_TEMPLATE").unwrap_or_else(|| crate::aws::DEFAULT_INVOKE_URL_TEMPLATE.into());
    let invoke = crate::aws::InvokeUrlTemplate::parse(&invoke)
        .map_err(|e| ServiceError::Setting(format!("LABCHECK_INVOKE_URL_TEMPLATE: {e}")))?;
    Ok(ServiceConfig {
        listen: ([127, 0, 0, 1], 0).into(),
        labs,
        tokens,
        allow_own_account: var("LABCHECK_ALLOW_OWN_ACCOUNT").is_some_and(|v| v == "true"),
        max_in_flight: 8,
        max_queue: 32,
        deadline: std::time::Duration::from_secs(number("LABCHECK_DEADLINE", 25)?.max(1)),
        body_limit: 16 * 1024,
        account_rate: 8.0,
        invoke,
        drain: std::time::Duration::from_secs(0),
        profile: None,
        region: None,
        role_cache: usize::try_from(number("LABCHECK_ROLE_CACHE", 4096)?).unwrap_or(4096),
        read_timeout: std::time::Duration::from_secs(10),
        // Lambda hands the function one event at a time: it opens no connections of its own.
        max_connections: 1,
        max_connections_per_peer: 1,
        trusted_proxies: var("LABCHECK_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|range| !range.is_empty())
            .map(|range| range.parse().map_err(|e| ServiceError::Setting(format!("LABCHECK_TRUSTED_PROXIES: {e}"))))
            .collect::<Result<_, _>>()?,
        store,
        evidence_days: var("LABCHECK_EVIDENCE_DAYS")
            .map(|v| {
                crate::progress::evidence_days(&v)
                    .map_err(|e| ServiceError::Setting(format!("LABCHECK_EVIDENCE_DAYS: {e}")))
            })
            .transpose()?,
        lti_config: var("LABCHECK_LTI_CONFIG").map(std::path::PathBuf::from),
        lti_retry: std::time::Duration::from_secs(60),
        public_url: var("LABCHECK_PUBLIC_URL")
            .map(|url| {
                super::check_public_url(&url)
                    .map(|()| url)
                    .map_err(|e| ServiceError::Setting(format!("LABCHECK_PUBLIC_URL: {e}")))
            })
            .transpose()?,
        frame_ancestors: var("LABCHECK_FRAME_ANCESTORS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|origin| !origin.is_empty())
            .map(|origin| {
                super::check_frame_ancestor(origin)
                    .map(|()| origin.to_owned())
                    .map_err(|e| ServiceError::Setting(format!("LABCHECK_FRAME_ANCESTORS: {e}")))
            })
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(settings: &[(&str, &str)]) -> Result<ServiceConfig, ServiceError> {
        let settings: Vec<(String, String)> = settings.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        config_from(Vec::new(), vec!["t".into()], |name| {
            settings.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    /// `--evidence-days` refuses 0 and spans that overflow; the function's setting must too (before: 0 accepted).
    #[test]
    fn evidence_days_out_of_range_stop_the_function_at_start() {
        assert_eq!(config(&[("LABCHECK_EVIDENCE_DAYS", "30")]).unwrap().evidence_days, Some(30));
        for bad in ["0", "99999999", "-1", "a week"] {
            let error = config(&[("LABCHECK_EVIDENCE_DAYS", bad)]).unwrap_err().to_string();
            assert!(error.contains("LABCHECK_EVIDENCE_DAYS") && error.contains("from 1 to 36500"), "{bad}: {error}");
        }
    }

    /// The learner page's settings: checked as `serve` checks its flags, so nothing reaches a header unchecked.
    #[test]
    fn page_settings_are_checked_at_start() {
        let settings = [
            ("LABCHECK_PUBLIC_URL", "https://grader.example.com"),
            ("LABCHECK_FRAME_ANCESTORS", "https://lms.example.com, 'self'"),
        ];
        let config = config(&settings).unwrap();
        assert_eq!(config.public_url.as_deref(), Some("https://grader.example.com"));
        assert_eq!(config.frame_ancestors, ["https://lms.example.com", "'self'"]);
        let error = config_error(&[("LABCHECK_FRAME_ANCESTORS", "https://a.com; script-src *")]);
        assert!(error.starts_with("LABCHECK_FRAME_ANCESTORS: "), "{error}");
        let error = config_error(&[("LABCHECK_PUBLIC_URL", "javascript:alert(1)")]);
        assert!(error.starts_with("LABCHECK_PUBLIC_URL: "), "{error}");
    }

    fn config_error(settings: &[(&str, &str)]) -> String {
        config(settings).unwrap_err().to_string()
    }
}
