//! A replay server for load benchmarks: what the emulators answered for one lab state, served again at line rate
//! after a fixed latency, so that a benchmark measures labcheck rather than the emulator.
//!
//!     cargo run --release --example replay -- record UPSTREAM_URL FILE     # a recording proxy
//!     cargo run --release --example replay -- serve FILE LATENCY_MS         # answers from FILE
//!
//! Both listen on a free loopback port and print `listening on http://127.0.0.1:PORT` first. `record` forwards
//! every request to UPSTREAM_URL and rewrites FILE after each answer. `serve` looks each request up by method,
//! path and query, whether it carries an `x-api-key`, and (for form-encoded bodies) the `Action`; an unknown
//! request gets 404 and is counted (`GET /__replay` gives the counts, `AssumeRole` calls among them). STS is
//! answered by `serve` itself, for the account of the role a grading assumes, so every role is an account of its
//! own: `AssumeRole` hands out credentials whose key id carries the account (`ASIA` + the 12 digits), and
//! `GetCallerIdentity` reads it back.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// One recorded answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

/// Headers not replayed: the transport's own.
const HOP: &[&str] = &["connection", "content-length", "transfer-encoding", "date", "keep-alive", "server"];

/// What identifies a request among those of a grading.
fn key(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> String {
    let with_key = if headers.contains_key("x-api-key") { " +key" } else { "" };
    let form = headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|t| t.contains("form"));
    let action = if form {
        form_value(body, "Action").map(|a| format!(" Action={a}")).unwrap_or_default()
    } else {
        String::new()
    };
    format!("{method} {}{with_key}{action}", uri.path_and_query().map_or("/", |p| p.as_str()))
}

fn form_value(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let raw = text.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))?;
    Some(percent_encoding::percent_decode_str(&raw.replace('+', " ")).decode_utf8_lossy().into_owned())
}

struct Recorder {
    upstream: String,
    file: String,
    http: reqwest::Client,
    answers: Mutex<BTreeMap<String, Answer>>,
}

async fn record(
    State(state): State<Arc<Recorder>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key = key(&method, &uri, &headers, &body);
    let url = format!("{}{}", state.upstream, uri.path_and_query().map_or("/", |p| p.as_str()));
    let mut request = state.http.request(method, url).body(body.to_vec());
    for (name, value) in &headers {
        if name != "host" && !HOP.contains(&name.as_str()) {
            request = request.header(name, value);
        }
    }
    let answer = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .filter(|(name, _)| !HOP.contains(&name.as_str()))
                .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
                .collect();
            Answer { status, headers, body: response.text().await.unwrap_or_default() }
        }
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let mut answers = state.answers.lock().unwrap();
    answers.insert(key, answer.clone());
    std::fs::write(&state.file, serde_json::to_string_pretty(&*answers).unwrap()).expect("write the recording");
    respond(&answer)
}

fn respond(answer: &Answer) -> Response {
    let mut response =
        (StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK), answer.body.clone()).into_response();
    for (name, value) in &answer.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

struct Replayer {
    answers: BTreeMap<String, Answer>,
    latency: Duration,
    served: AtomicU64,
    missed: AtomicU64,
    assumed: AtomicU64,
}

async fn replay(
    State(state): State<Arc<Replayer>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if uri.path() == "/__replay" {
        let (served, missed) = (state.served.load(Ordering::Relaxed), state.missed.load(Ordering::Relaxed));
        let assumed = state.assumed.load(Ordering::Relaxed);
        return format!("{{\"served\":{served},\"missed\":{missed},\"assumed\":{assumed}}}").into_response();
    }
    tokio::time::sleep(state.latency).await;
    if let Some(answer) = sts(&headers, &body) {
        state.served.fetch_add(1, Ordering::Relaxed);
        if form_value(&body, "Action").as_deref() == Some("AssumeRole") {
            state.assumed.fetch_add(1, Ordering::Relaxed);
        }
        return answer;
    }
    let key = key(&method, &uri, &headers, &body);
    match state.answers.get(&key) {
        Some(answer) => {
            state.served.fetch_add(1, Ordering::Relaxed);
            respond(answer)
        }
        None => {
            state.missed.fetch_add(1, Ordering::Relaxed);
            (StatusCode::NOT_FOUND, format!("no recording for {key}")).into_response()
        }
    }
}

/// STS's answers, made up for the account the request is about.
fn sts(headers: &HeaderMap, body: &[u8]) -> Option<Response> {
    let xml = |body: String| ([("content-type", "text/xml")], body).into_response();
    match form_value(body, "Action")?.as_str() {
        "AssumeRole" => {
            let role = form_value(body, "RoleArn")?;
            let account = role.split(':').nth(4).filter(|a| a.len() == 12)?.to_owned();
            let expiration = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
            let expiration = expiration.format(&time::format_description::well_known::Rfc3339).ok()?;
            Some(xml(format!(
                r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA{account}</AccessKeyId><SecretAccessKey>replayed</SecretAccessKey><SessionToken>replayed</SessionToken><Expiration>{expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAREPLAY:labcheck</AssumedRoleId><Arn>arn:aws:sts::{account}:assumed-role/replay/labcheck</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>replay</RequestId></ResponseMetadata></AssumeRoleResponse>"#
            )))
        }
        "GetCallerIdentity" => {
            let authorization = headers.get("authorization")?.to_str().ok()?;
            let key_id = authorization.split("Credential=").nth(1)?.split('/').next()?;
            let account = key_id.strip_prefix("ASIA").filter(|a| a.len() == 12).unwrap_or("000000000000");
            Some(xml(format!(
                r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::{account}:assumed-role/replay/labcheck</Arn><UserId>AROAREPLAY:labcheck</UserId><Account>{account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>replay</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#
            )))
        }
        _ => None,
    }
}

async fn listen(app: axum::Router) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    println!("listening on http://{}", listener.local_addr().unwrap());
    axum::serve(listener, app).await.expect("serve");
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: replay record UPSTREAM_URL FILE | replay serve FILE LATENCY_MS";
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["record", upstream, file] => {
            let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let state = Arc::new(Recorder {
                upstream: upstream.trim_end_matches('/').to_owned(),
                file: (*file).to_owned(),
                http,
                answers: Mutex::new(BTreeMap::new()),
            });
            listen(axum::Router::new().fallback(record).with_state(state)).await;
        }
        ["serve", file, latency] => {
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
            let answers: BTreeMap<String, Answer> = serde_json::from_str(&text).expect("a recording");
            let latency = Duration::from_millis(latency.parse().expect("LATENCY_MS is a number"));
            let (served, missed, assumed) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
            let state = Arc::new(Replayer { answers, latency, served, missed, assumed });
            listen(axum::Router::new().fallback(replay).with_state(state)).await;
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
