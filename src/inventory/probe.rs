//! HTTP probes of deployed stages.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::time::Duration;

use reqwest::header::{HeaderValue, USER_AGENT};

use super::aws::Secret;
use crate::facts::{Fact, FactError, FactErrorKind, ProbeOutcome, ProbeResponse};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Bodies are kept up to this many bytes.
const MAX_BODY: usize = 4096;

/// Response headers worth keeping (CORS, API Gateway's error type).
fn kept_header(name: &str) -> bool {
    name.starts_with("access-control-") || name == "content-type" || name == "x-amzn-errortype"
}

pub fn client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

fn probe_error(method: &str, err: reqwest::Error) -> FactError {
    let kind = if err.is_timeout() { FactErrorKind::Timeout } else { FactErrorKind::Network };
    // The URL is in the probe record already; keep the message short.
    let err = err.without_url();
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    FactError::new(kind, format!("probe {method}"), message)
}

/// Sends one probe. `api_key` goes into `x-api-key`, marked sensitive so no log shows it.
pub async fn send(http: &reqwest::Client, method: &str, url: &str, api_key: Option<&Secret>) -> Fact<ProbeOutcome> {
    let verb = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| FactError::new(FactErrorKind::Service, format!("probe {method}"), "not an HTTP method"))?;
    let mut request = http.request(verb, url).header(USER_AGENT, concat!("labcheck/", env!("CARGO_PKG_VERSION")));
    if method == "OPTIONS" {
        request = request
            .header("origin", "https://labcheck.invalid")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "content-type,x-api-key");
    }
    if let Some(secret) = api_key {
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
    let response = request.send().await.map_err(|e| probe_error(method, e))?;
    let status = response.status().as_u16();
    let headers: BTreeMap<String, String> = response
        .headers()
        .iter()
        .filter(|(name, _)| kept_header(name.as_str()))
        .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect();
    let bytes = response.bytes().await.map_err(|e| probe_error(method, e))?;
    let cut = &bytes[..bytes.len().min(MAX_BODY)];
    let body = String::from_utf8_lossy(cut).into_owned();
    Ok(ProbeOutcome::Response(ProbeResponse { status, body, headers }))
}
