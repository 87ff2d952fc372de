//! GETs of a bucket's website endpoint (`http://BUCKET.s3-website-REGION.amazonaws.com/PATH`): what a visitor
//! really gets, which the configuration only promises.
//!
//! - **Whose answer.** S3 puts its request id (`x-amz-request-id`) on every answer of a website endpoint, its
//!   pages and its own errors alike; an answer without it came from something in between and is an error.
//! - **Transient answers** (500, 503 `SlowDown`) are retried as probes are: at most three requests, waiting 250 ms
//!   then 500 ms.
//! - **Untrusted bodies.** At most 4 KiB are read and kept.
//! - **Emulators.** `LABCHECK_S3_WEBSITE_ADDRESS=HOST:PORT` sends the requests to that address instead, with the
//!   website endpoint's name in the `Host` header (how LocalStack tells a website request from an API call).
//!   Nothing stands between labcheck and an address it was given, and LocalStack sends no request id: there every
//!   answer is the emulator's.

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HOST, LOCATION, USER_AGENT};

use super::WebsiteResponse;
use crate::aws::StatsRecorder;
use crate::facts::{Fact, FactError, FactErrorKind};
use crate::providers::probes::send::{ATTEMPTS, MAX_BODY, backoff, http_error, read_capped};

const OPERATION: &str = "probe S3 website";

/// Regions whose website endpoints are `s3-website-REGION` (a dash); every other region's is `s3-website.REGION`.
const DASH_REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "eu-west-1",
    "sa-east-1",
    "us-gov-west-1",
];

/// The host name of a bucket's website endpoint.
pub fn website_host(bucket: &str, region: &str) -> String {
    let separator = if DASH_REGIONS.contains(&region) { '-' } else { '.' };
    format!("{bucket}.s3-website{separator}{region}.amazonaws.com")
}

/// The HTTP client that asks website endpoints, and where it sends them.
#[derive(Clone)]
pub struct WebsiteClient {
    http: reqwest::Client,
    /// `LABCHECK_S3_WEBSITE_ADDRESS`: send every request here instead of to the endpoint's address.
    address: Option<String>,
}

impl WebsiteClient {
    pub fn new(timeout: Duration) -> Self {
        // The probes' client: the same timeouts, no redirects followed, one per process.
        let http = crate::providers::probes::client(timeout).expect("an HTTP client with default TLS roots");
        let address = std::env::var("LABCHECK_S3_WEBSITE_ADDRESS").ok().filter(|a| !a.is_empty());
        Self { http, address }
    }

    /// GETs `path` of the bucket's website, retrying transient answers; each request is counted as a probe.
    pub async fn get(&self, stats: &StatsRecorder, bucket: &str, region: &str, path: &str) -> Fact<WebsiteResponse> {
        let host = website_host(bucket, region);
        let url = format!("http://{host}{path}");
        let sent_to = match &self.address {
            Some(address) => format!("http://{address}{path}"),
            None => url.clone(),
        };
        let mut attempt = 1;
        loop {
            stats.record_probe();
            let (response, from_s3) = self.get_once(&sent_to, &host, &url).await?;
            let transient = matches!(response.status, 500 | 503);
            if !transient || attempt == ATTEMPTS {
                return judge_origin(response, from_s3, attempt);
            }
            tokio::time::sleep(backoff(attempt)).await;
            attempt += 1;
        }
    }

    async fn get_once(&self, sent_to: &str, host: &str, url: &str) -> Result<(WebsiteResponse, bool), FactError> {
        let mut request = self.http.get(sent_to).header(USER_AGENT, concat!("labcheck/", env!("CARGO_PKG_VERSION")));
        if self.address.is_some() {
            request = request.header(HOST, host);
        }
        let mut response = request.send().await.map_err(|e| http_error(OPERATION.into(), e))?;
        let header = |name| response.headers().get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let (content_type, location) = (header(CONTENT_TYPE), header(LOCATION));
        let from_s3 = self.address.is_some() || response.headers().contains_key("x-amz-request-id");
        let status = response.status().as_u16();
        let bytes = read_capped(&mut response, MAX_BODY).await.map_err(|e| http_error(OPERATION.into(), e))?;
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Ok((WebsiteResponse { url: url.to_owned(), status, content_type, location, body }, from_s3))
    }
}

fn judge_origin(response: WebsiteResponse, from_s3: bool, attempts: u32) -> Fact<WebsiteResponse> {
    if from_s3 {
        return Ok(response);
    }
    let tries = if attempts == 1 { String::new() } else { format!(" after {attempts} attempts") };
    let message = format!(
        "HTTP {}{tries} without S3's request id (x-amz-request-id): the answer came from something between labcheck and the website endpoint",
        response.status
    );
    Err(FactError::new(FactErrorKind::Network, OPERATION, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_hosts_follow_the_region_s_form() {
        assert_eq!(website_host("site", "us-east-1"), "site.s3-website-us-east-1.amazonaws.com");
        assert_eq!(website_host("site", "eu-central-1"), "site.s3-website.eu-central-1.amazonaws.com");
    }

    #[test]
    fn only_s3_s_answers_are_facts() {
        let response = || WebsiteResponse {
            url: "http://b/".into(),
            status: 502,
            content_type: None,
            location: None,
            body: String::new(),
        };
        assert!(judge_origin(response(), true, 1).is_ok());
        let err = judge_origin(response(), false, 3).unwrap_err();
        assert_eq!(err.kind, FactErrorKind::Network);
        assert!(err.message.starts_with("HTTP 502 after 3 attempts without S3's request id"), "{}", err.message);
    }
}
