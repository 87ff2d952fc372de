//! HTTP probes of deployed stages: API Gateway's own answers, never the network's.
//!
//! - **Whose answer.** API Gateway puts its request id on every answer of a REST API, its own refusals and the
//!   backend's answers alike (`x-amzn-RequestId`, and `x-amz-apigw-id`). An answer without either came from
//!   something in between (a proxy, a load balancer, a CDN error page): it says nothing about the student's API,
//!   so it is an error, never a verdict.
//! - **Transient answers** (429 from anyone; 500/502/503/504 that API Gateway did not send) are retried: at most
//!   [`ATTEMPTS`] requests, waiting 250 ms then 500 ms, within the probe timeout. A 5xx that API Gateway sent is
//!   its verdict on the backend (a Lambda without permission answers 500) and is kept as is.
//! - **Untrusted bodies.** At most [`MAX_BODY`] bytes are read; every API key value labcheck knows is replaced by
//!   `[redacted]` before the answer is kept (an API can echo its request headers).

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::time::Duration;

use reqwest::header::{HeaderValue, USER_AGENT};

use super::{ProbeOutcome, ProbeResponse};
use crate::aws::{StatsRecorder, round_trips};
use crate::facts::{Fact, FactError, FactErrorKind};
use crate::providers::apigateway::Secret;

/// Bodies are kept up to this many bytes.
pub(crate) const MAX_BODY: usize = 4096;

/// Requests per probe at most (the first and two retries).
pub const ATTEMPTS: u32 = 3;

/// Wait before retry `n` (1-based): 250 ms, 500 ms.
pub(crate) fn backoff(retry: u32) -> Duration {
    Duration::from_millis(250 << (retry - 1).min(4))
}

/// What replaces a secret found in an answer.
pub const REDACTED: &str = "[redacted]";

/// Headers API Gateway sets on every answer of a REST API.
const REQUEST_ID_HEADERS: [&str; 2] = ["x-amzn-requestid", "x-amz-apigw-id"];

/// Response headers worth keeping (CORS, API Gateway's error type and request ids).
fn kept_header(name: &str) -> bool {
    name.starts_with("access-control-")
        || name == "content-type"
        || name == "x-amzn-errortype"
        || REQUEST_ID_HEADERS.contains(&name)
}

/// The process's HTTP client for probes with this timeout: one connection pool and one TLS setup (root
/// certificates loaded once) for every session, made on first use.
pub fn client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    static CLIENTS: std::sync::OnceLock<std::sync::Mutex<BTreeMap<Duration, reqwest::Client>>> =
        std::sync::OnceLock::new();
    let mut clients = CLIENTS.get_or_init(Default::default).lock().expect("probe clients lock");
    if let Some(client) = clients.get(&timeout) {
        return Ok(client.clone());
    }
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    clients.insert(timeout, client.clone());
    Ok(client)
}

fn probe_error(method: &str, err: reqwest::Error) -> FactError {
    http_error(format!("probe {method}"), err)
}

/// A request that got no answer (timed out, refused, reset), with every cause on one line; the URL left out (the
/// record has it).
pub(crate) fn http_error(operation: String, err: reqwest::Error) -> FactError {
    let kind = if err.is_timeout() { FactErrorKind::Timeout } else { FactErrorKind::Network };
    // The URL is in the probe record already; keep the message short.
    let err = err.without_url();
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    FactError::new(kind, operation, message)
}

/// The body, read up to `limit` bytes (the rest is never read).
pub(crate) async fn read_capped(response: &mut reqwest::Response, limit: usize) -> reqwest::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    while bytes.len() < limit {
        match response.chunk().await? {
            Some(chunk) => bytes.extend_from_slice(&chunk),
            None => break,
        }
    }
    bytes.truncate(limit);
    Ok(bytes)
}

/// One probe request.
pub struct Probe<'a> {
    pub method: &'a str,
    pub url: &'a str,
    /// Goes into `x-api-key`, marked sensitive so no log shows it.
    pub api_key: Option<&'a Secret>,
}

/// API key values are at most 128 characters: the body is read this far past [`MAX_BODY`], so that a secret which
/// straddles the cut is found whole by [`redact_and_cut`].
const SECRET_MARGIN: usize = 256;

/// One answer as received, before it is judged.
struct Answer {
    status: u16,
    from_api_gateway: bool,
    response: ProbeResponse,
}

impl Answer {
    fn transient(&self) -> bool {
        self.status == 429 || (!self.from_api_gateway && matches!(self.status, 500 | 502 | 503 | 504))
    }
}

/// Sends the probe, retrying transient answers; every request sent is counted in `stats`. The answer is not yet
/// fit to keep: pass it through [`redact_and_cut`].
pub async fn send(http: &reqwest::Client, stats: &StatsRecorder, probe: &Probe<'_>) -> Fact<ProbeOutcome> {
    let mut attempt = 1;
    loop {
        stats.record_probe();
        let depth = round_trips::sending();
        stats.record_round_trip(depth);
        let answer = send_once(http, probe).await;
        round_trips::answered(depth);
        let answer = answer?;
        if !answer.transient() || attempt == ATTEMPTS {
            return judge_origin(probe.method, answer, attempt);
        }
        tokio::time::sleep(backoff(attempt)).await;
        attempt += 1;
    }
}

/// An answer that API Gateway gave is the outcome; anything else is an error naming what came back.
fn judge_origin(method: &str, answer: Answer, attempts: u32) -> Fact<ProbeOutcome> {
    let operation = format!("probe {method}");
    let tries = if attempts == 1 { String::new() } else { format!(" after {attempts} attempts") };
    if answer.status == 429 {
        let message = format!("the stage answered 429 Too Many Requests{tries}");
        return Err(FactError::new(FactErrorKind::Throttled, operation, message));
    }
    if !answer.from_api_gateway {
        let message = format!(
            "HTTP {}{tries} without API Gateway's request id (x-amzn-RequestId): the answer came from something between labcheck and the API",
            answer.status
        );
        return Err(FactError::new(FactErrorKind::Network, operation, message));
    }
    Ok(ProbeOutcome::Response(answer.response))
}

async fn send_once(http: &reqwest::Client, probe: &Probe<'_>) -> Result<Answer, FactError> {
    let method = probe.method;
    let verb = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| FactError::new(FactErrorKind::Service, format!("probe {method}"), "not an HTTP method"))?;
    let mut request = http.request(verb, probe.url).header(USER_AGENT, concat!("labcheck/", env!("CARGO_PKG_VERSION")));
    if method == "OPTIONS" {
        request = request
            .header("origin", "https://labcheck.invalid")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "content-type,x-api-key");
    }
    if let Some(secret) = probe.api_key {
        let mut value = HeaderValue::from_str(secret.expose()).map_err(|_| {
            FactError::new(
                FactErrorKind::Malformed,
                format!("probe {method}"),
                "the API key value is not a valid header",
            )
        })?;
        value.set_sensitive(true);
        request = request.header("x-api-key", value);
    }
    let mut response = request.send().await.map_err(|e| probe_error(method, e))?;
    let status = response.status().as_u16();
    let from_api_gateway = REQUEST_ID_HEADERS.iter().any(|h| response.headers().contains_key(*h));
    let headers: BTreeMap<String, String> = response
        .headers()
        .iter()
        .filter(|(name, _)| kept_header(name.as_str()))
        .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect();
    let bytes = read_capped(&mut response, MAX_BODY + SECRET_MARGIN).await.map_err(|e| probe_error(method, e))?;
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Ok(Answer { status, from_api_gateway, response: ProbeResponse { status, body, headers } })
}

/// The outcome as it may be kept: every secret in the body and headers replaced by [`REDACTED`], then the body cut
/// at [`MAX_BODY`] bytes.
pub fn redact_and_cut(outcome: Fact<ProbeOutcome>, secrets: &[Secret]) -> Fact<ProbeOutcome> {
    outcome.map(|outcome| match outcome {
        ProbeOutcome::Response(response) => ProbeOutcome::Response(ProbeResponse {
            status: response.status,
            body: cut(&redact(&response.body, secrets), MAX_BODY),
            headers: response.headers.into_iter().map(|(name, value)| (name, redact(&value, secrets))).collect(),
        }),
        ProbeOutcome::NoSuchApiKey { name } => ProbeOutcome::NoSuchApiKey { name },
    })
}

/// `text` with every secret replaced by [`REDACTED`].
fn redact(text: &str, secrets: &[Secret]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.expose().is_empty()) {
        if out.contains(secret.expose()) {
            out = out.replace(secret.expose(), REDACTED);
        }
    }
    out
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, from_api_gateway: bool) -> Answer {
        let response = ProbeResponse { status, body: String::new(), headers: BTreeMap::new() };
        Answer { status, from_api_gateway, response }
    }

    #[test]
    fn only_api_gateway_answers_are_outcomes() {
        assert!(judge_origin("GET", answer(403, true), 1).is_ok());
        assert!(judge_origin("GET", answer(500, true), 1).is_ok(), "API Gateway's 500 is its verdict on the backend");
        let err = judge_origin("GET", answer(502, false), 3).unwrap_err();
        assert_eq!(err.kind, FactErrorKind::Network);
        assert_eq!(
            err.message,
            "HTTP 502 after 3 attempts without API Gateway's request id (x-amzn-RequestId): the answer came from something between labcheck and the API"
        );
        assert!(judge_origin("GET", answer(200, false), 1).is_err(), "not API Gateway's, whatever the status");
        assert_eq!(judge_origin("GET", answer(429, true), 3).unwrap_err().kind, FactErrorKind::Throttled);
    }

    #[test]
    fn transient_answers_are_retried_with_growing_waits() {
        assert!(answer(429, true).transient());
        assert!(answer(503, false).transient());
        assert!(!answer(502, true).transient());
        assert!(!answer(403, false).transient());
        assert_eq!((backoff(1), backoff(2)), (Duration::from_millis(250), Duration::from_millis(500)));
    }

    #[test]
    fn secrets_are_redacted_and_bodies_cut_on_char_boundaries() {
        let secrets = [Secret("k3y-value".into())];
        assert_eq!(redact("echo: k3y-value and k3y-value", &secrets), "echo: [redacted] and [redacted]");
        // A secret straddling the cut is redacted whole first.
        let body = format!("{}k3y-value", "a".repeat(MAX_BODY - 4));
        let headers = BTreeMap::from([("x-echo".to_owned(), "k3y-value".to_owned())]);
        let outcome = Ok(ProbeOutcome::Response(ProbeResponse { status: 200, body, headers }));
        let Ok(ProbeOutcome::Response(kept)) = redact_and_cut(outcome, &secrets) else { panic!() };
        assert_eq!(kept.body.len(), MAX_BODY);
        assert!(kept.body.ends_with("aaaa[red"), "{}", &kept.body[MAX_BODY - 10..]);
        assert_eq!(kept.headers["x-echo"], REDACTED);
        assert_eq!(cut("héllo", 2), "h");
        assert_eq!(cut("abc", 10), "abc");
    }
}
