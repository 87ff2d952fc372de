//! `labcheck serve`: the grading service a lab platform calls over HTTP. It grades through the same code path as
//! the CLI ([`crate::grading`]) and answers with the same JSON report (or JUnit).

mod cache;
mod metrics;
mod request;

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use cache::BoundedCache;
pub use metrics::Metrics;
pub use request::GradeRequest;

use crate::engine::EngineOptions;
use crate::grading;
use crate::inventory::{AwsSession, InvokeUrlTemplate, Pacer, SessionError};
use crate::lab::Lab;
use crate::model::Report;
use crate::report::{self, Style};

/// How the service was started.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub listen: SocketAddr,
    pub labs: Vec<Lab>,
    /// Bearer tokens; secrets: never logged.
    pub tokens: Vec<String>,
    /// Grade the service's own account when a request has no `role_arn`.
    pub allow_own_account: bool,
    pub max_in_flight: usize,
    pub max_queue: usize,
    /// A request's deadline (504 after it).
    pub deadline: Duration,
    pub body_limit: usize,
    /// AWS calls per second to one account (API Gateway allows about 10).
    pub account_rate: f64,
    pub invoke: InvokeUrlTemplate,
    /// How long in-flight gradings may finish after SIGTERM.
    pub drain: Duration,
    /// The service's own AWS profile and default region (else the standard chain's).
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Roles whose assumed-role credentials are kept at most (least recently used go first).
    pub role_cache: usize,
    /// How long a client may take to send a request's headers, and its body.
    pub read_timeout: Duration,
}

/// How long assumed-role credentials (and their config) are kept: STS gives them for an hour by default, and the
/// provider refreshes them before they expire; past this the entry is made anew.
const ROLE_MAX_AGE: Duration = Duration::from_secs(50 * 60);
/// A role not graded for this long is forgotten.
const ROLE_MAX_IDLE: Duration = Duration::from_secs(15 * 60);
/// Accounts whose pacers are kept at most; an idle pacer has a full bucket, the same as a new one.
const PACER_CAPACITY: usize = 4096;
const PACER_MAX_IDLE: Duration = Duration::from_secs(10 * 60);

/// `{ "error": { "code", "message" } }` with a status.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), retry_after: None }
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

type Run = Shared<BoxFuture<'static, Result<Arc<Report>, ApiError>>>;

/// The same grading asked for twice at once shares one run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RunKey {
    lab: String,
    steps: Vec<String>,
    role_arn: Option<String>,
    external_id: Option<String>,
    region: Option<String>,
    wait_seconds: Option<u64>,
}

/// Role ARN, external id, region.
type RoleKey = (Option<String>, Option<String>, Option<String>);

struct AppState {
    config: ServiceConfig,
    labs: BTreeMap<String, Arc<Lab>>,
    base: SdkConfig,
    /// Per role (and external id, region): a config whose credentials are cached until shortly before expiry.
    /// Bounded: thousands of roles must not grow memory without end.
    role_configs: BoundedCache<RoleKey, SdkConfig>,
    pacers: BoundedCache<String, Arc<Pacer>>,
    runs: Mutex<HashMap<RunKey, Run>>,
    slots: Semaphore,
    metrics: Metrics,
    shutting_down: AtomicBool,
}

type AppStateRef = Arc<AppState>;

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compare against every token in constant time, so timing tells nothing about which or how much matched.
    let mut ok = subtle::Choice::from(0);
    for token in &state.config.tokens {
        ok |= presented.as_bytes().ct_eq(token.as_bytes());
    }
    if presented.is_empty() || !bool::from(ok) {
        state.metrics.refused("unauthorized");
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "a valid bearer token is required"));
    }
    Ok(())
}

fn not_shutting_down(state: &AppState) -> Result<(), ApiError> {
    if state.shutting_down.load(Ordering::SeqCst) {
        state.metrics.refused("shutting_down");
        return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "the service is shutting down"));
    }
    Ok(())
}

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

async fn list_labs(State(state): State<AppStateRef>, headers: HeaderMap) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let labs: Vec<LabSummary> = state.labs.values().map(|l| summary(l)).collect();
    Ok(axum::Json(serde_json::json!({ "labs": labs })).into_response())
}

async fn get_lab(
    State(state): State<AppStateRef>,
    headers: HeaderMap,
    Path(lab_id): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let lab = find_lab(&state, &lab_id)?;
    Ok(axum::Json(summary(&lab)).into_response())
}

fn find_lab(state: &AppState, id: &str) -> Result<Arc<Lab>, ApiError> {
    state.labs.get(id).cloned().ok_or_else(|| {
        state.metrics.refused("unknown_lab");
        let known: Vec<&str> = state.labs.keys().map(String::as_str).collect();
        ApiError::new(StatusCode::NOT_FOUND, "unknown_lab", format!("no lab `{id}` (labs: {})", known.join(", ")))
    })
}

#[derive(Deserialize)]
struct GradeQuery {
    #[serde(default)]
    format: Option<String>,
}

/// The SDK config for a grading: the service's own, or one per role assumed with STS (cached, so credentials are
/// fetched once per role until shortly before they expire).
async fn config_for(state: &AppState, request: &GradeRequest) -> Result<SdkConfig, ApiError> {
    let key = (request.role_arn.clone(), request.external_id.clone(), request.region.clone());
    if let Some(config) = state.role_configs.get(&key) {
        return Ok(config);
    }
    let mut builder = state.base.to_builder();
    if let Some(region) = &request.region {
        builder.set_region(Some(aws_config::Region::new(region.clone())));
    }
    let regional = builder.build();
    let config = match &request.role_arn {
        None => {
            if !state.config.allow_own_account {
                state.metrics.refused("no_role");
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "missing_role_arn",
                    "role_arn is required (this service does not grade its own account)",
                ));
            }
            regional
        }
        Some(role_arn) => {
            let mut provider = aws_config::sts::AssumeRoleProvider::builder(role_arn.clone())
                .session_name("labcheck")
                .configure(&regional);
            if let Some(external_id) = &request.external_id {
                provider = provider.external_id(external_id.clone());
            }
            let provider = provider.build().await;
            regional.to_builder().credentials_provider(SharedCredentialsProvider::new(provider)).build()
        }
    };
    state.role_configs.insert(key, config.clone());
    Ok(config)
}

fn pacer_for(state: &AppState, account_key: &str) -> Arc<Pacer> {
    let rate = state.config.account_rate;
    state.pacers.get_or_insert_with(&account_key.to_owned(), || Arc::new(Pacer::new(rate, rate)))
}

/// Runs one grading (admission, credentials, the engine), off the request.
async fn run_grading(state: AppStateRef, lab: Arc<Lab>, request: GradeRequest) -> Result<Arc<Report>, ApiError> {
    // Admission: a bounded queue in front of a bounded number of gradings.
    let permit = match state.slots.try_acquire() {
        Ok(permit) => permit,
        Err(_) => {
            let queued = state.metrics.queued.fetch_add(1, Ordering::SeqCst);
            if queued as usize >= state.config.max_queue {
                state.metrics.queued.fetch_sub(1, Ordering::SeqCst);
                state.metrics.refused("busy");
                let mut error = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "busy",
                    "too many gradings in flight and queued; retry later",
                );
                error.retry_after = Some(5);
                return Err(error);
            }
            let permit = state.slots.acquire().await;
            state.metrics.queued.fetch_sub(1, Ordering::SeqCst);
            permit.map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "shutting down"))?
        }
    };
    state.metrics.in_flight.fetch_add(1, Ordering::SeqCst);
    let started = Instant::now();
    let result = async {
        let config = config_for(&state, &request).await?;
        let account_key = request.role_arn.clone().unwrap_or_else(|| "own-account".to_owned());
        let session =
            AwsSession::from_sdk_config(&config, state.config.invoke.clone(), Some(pacer_for(&state, &account_key)))
                .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "no_region", e.to_string()))?;
        let checks =
            lab.select(&request.steps).map_err(|e| ApiError::new(StatusCode::NOT_FOUND, "unknown_step", e.message))?;
        let options = EngineOptions { wait: request.wait_seconds.map(Duration::from_secs), ..EngineOptions::default() };
        Ok::<_, ApiError>(grading::grade_account(&lab, &checks, Arc::new(session), &options).await)
    }
    .await;
    state.metrics.in_flight.fetch_sub(1, Ordering::SeqCst);
    drop(permit);
    let report = result?;
    state.metrics.graded(&report);
    tracing::info!(
        lab = %report.lab.id,
        account = report.target.account_id.as_deref().unwrap_or("unknown"),
        region = %report.target.region,
        outcome = ?report.outcome,
        score = report.score,
        max_score = report.max_score,
        duration_ms = started.elapsed().as_millis() as u64,
        "graded"
    );
    Ok(Arc::new(report))
}

async fn grade(
    State(state): State<AppStateRef>,
    headers: HeaderMap,
    Path(lab_id): Path<String>,
    Query(query): Query<GradeQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    not_shutting_down(&state)?;
    authorize(&state, &headers)?;
    let lab = find_lab(&state, &lab_id)?;
    let request = read_request(&state, body).await?;
    let format = report::named(query.format.as_deref().unwrap_or("json"))
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_format", e.to_string()))?;
    if let Err(e) = lab.select(&request.steps) {
        state.metrics.refused("unknown_step");
        return Err(ApiError::new(StatusCode::NOT_FOUND, "unknown_step", e.message));
    }
    let key = RunKey {
        lab: lab.id.clone(),
        steps: request.steps.clone(),
        role_arn: request.role_arn.clone(),
        external_id: request.external_id.clone(),
        region: request.region.clone(),
        wait_seconds: request.wait_seconds,
    };
    let run = {
        let mut runs = state.runs.lock().unwrap();
        match runs.get(&key) {
            Some(run) => {
                state.metrics.shared();
                run.clone()
            }
            None => {
                let task = tokio::spawn(run_grading(state.clone(), lab.clone(), request));
                let cleanup_state = state.clone();
                let cleanup_key = key.clone();
                let run: Run = async move {
                    let result = task.await.unwrap_or_else(|e| {
                        Err(ApiError::new(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            "internal",
                            format!("grading failed: {e}"),
                        ))
                    });
                    cleanup_state.runs.lock().unwrap().remove(&cleanup_key);
                    result
                }
                .boxed()
                .shared();
                // Drive the run to completion even if every requester gives up (its cleanup must happen).
                tokio::spawn(run.clone());
                runs.insert(key, run.clone());
                run
            }
        }
    };
    let report = match tokio::time::timeout(state.config.deadline, run).await {
        Ok(result) => result?,
        Err(_) => {
            state.metrics.refused("deadline");
            return Err(ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                "deadline",
                format!("the grading took longer than {}s", state.config.deadline.as_secs()),
            ));
        }
    };
    let text = report::render(&report, format, Style::default());
    Ok(([(header::CONTENT_TYPE, format.content_type())], text).into_response())
}

/// The body, read within `--read-timeout` and `--body-limit`, checked field by field.
async fn read_request(state: &AppState, body: Body) -> Result<GradeRequest, ApiError> {
    let limit = state.config.body_limit;
    let bytes = match tokio::time::timeout(state.config.read_timeout, axum::body::to_bytes(body, limit)).await {
        Err(_) => {
            state.metrics.refused("slow_body");
            let message = format!("the body did not arrive within {}s", state.config.read_timeout.as_secs());
            return Err(ApiError::new(StatusCode::REQUEST_TIMEOUT, "slow_body", message));
        }
        Ok(Err(_)) => {
            state.metrics.refused("too_large");
            let message = format!("the request body is larger than {limit} bytes");
            return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message));
        }
        Ok(Ok(bytes)) => bytes,
    };
    GradeRequest::parse(&bytes).map_err(|message| {
        state.metrics.refused("bad_body");
        ApiError::new(StatusCode::BAD_REQUEST, "bad_body", message)
    })
}

async fn healthz(State(state): State<AppStateRef>) -> Response {
    if state.shutting_down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response();
    }
    (StatusCode::OK, "ok\n").into_response()
}

/// Metrics need the token like every other endpoint but `/healthz`: they tell who is graded how often and how it
/// goes, which is the platform's business (Prometheus sends it with `authorization: {credentials_file: ...}`).
async fn metrics(State(state): State<AppStateRef>, headers: HeaderMap) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render(state.role_configs.size()))
        .into_response())
}

async fn fallback() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
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
    Io(#[from] std::io::Error),
}

/// Loads tokens: one per line (blank lines and `#` comments ignored).
pub fn read_tokens(file: Option<&PathBuf>, env: Option<String>) -> Result<Vec<String>, std::io::Error> {
    let mut text = env.unwrap_or_default().replace(',', "\n");
    if let Some(file) = file {
        text.push('\n');
        text.push_str(&std::fs::read_to_string(file)?);
    }
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect())
}

/// Serves until SIGTERM or Ctrl-C. Then it drains: `/healthz` answers 503 and new gradings are refused with 503
/// while the gradings in flight and queued finish (at most `drain`); then it stops listening, closes idle
/// connections and returns.
pub async fn serve(config: ServiceConfig) -> Result<(), ServiceError> {
    if config.tokens.is_empty() {
        return Err(ServiceError::NoTokens);
    }
    let mut labs = BTreeMap::new();
    for lab in config.labs.clone() {
        let id = lab.id.clone();
        if labs.insert(id.clone(), Arc::new(lab)).is_some() {
            return Err(ServiceError::DuplicateLab(id));
        }
    }
    // The service's own identity: --profile and --region, else the standard chain's (checked before serving).
    let (base, _region) = crate::inventory::load_config(config.profile.as_deref(), config.region.as_deref()).await?;
    let state = Arc::new(AppState {
        labs,
        base,
        role_configs: BoundedCache::new(config.role_cache, ROLE_MAX_AGE, ROLE_MAX_IDLE),
        pacers: BoundedCache::new(PACER_CAPACITY, Duration::MAX, PACER_MAX_IDLE),
        runs: Mutex::new(HashMap::new()),
        slots: Semaphore::new(config.max_in_flight.max(1)),
        metrics: Metrics::default(),
        shutting_down: AtomicBool::new(false),
        config: config.clone(),
    });
    let app = Router::new()
        .route("/v1/labs", get(list_labs))
        .route("/v1/labs/{lab_id}", get(get_lab))
        .route("/v1/labs/{lab_id}/grade", post(grade))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(fallback)
        .with_state(state.clone());
    let listener =
        tokio::net::TcpListener::bind(config.listen).await.map_err(|e| ServiceError::Listen(config.listen, e))?;
    let local = listener.local_addr()?;
    eprintln!("labcheck: serving {} lab(s) on http://{local}", state.labs.len());

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let drain_state = state.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        drain_state.shutting_down.store(true, Ordering::SeqCst);
        tracing::info!("shutting down: finishing the gradings in flight");
        let deadline = Instant::now() + config.drain;
        while gradings_pending(&drain_state) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if gradings_pending(&drain_state) {
            tracing::warn!("gradings still in flight after {}s; exiting", config.drain.as_secs());
        }
        let _ = stop_tx.send(true);
    });
    accept_until_stopped(listener, app, config.read_timeout, stop_rx).await;
    Ok(())
}

fn gradings_pending(state: &AppState) -> bool {
    state.metrics.in_flight.load(Ordering::SeqCst) > 0 || state.metrics.queued.load(Ordering::SeqCst) > 0
}

/// Accepts connections (HTTP/1.1 and HTTP/2) until `stop`, each bounded by `read_timeout` for its request headers;
/// then waits briefly for open connections to finish their answers.
async fn accept_until_stopped(
    listener: tokio::net::TcpListener,
    app: Router,
    read_timeout: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;

    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(read_timeout);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(read_timeout));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = ?e.to_string(), "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stop.wait_for(|stop| *stop) => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _: Result<(), Infallible> = connection.await.or(Ok(()));
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
