//! `labcheck serve`: the grading service a lab platform calls over HTTP. It grades through the same code path as
//! the CLI ([`crate::grading`]) and answers with the same JSON report (or JUnit).

mod accounts;
mod allowance;
mod auth;
mod cache;
mod client;
mod cohort;
mod connections;
mod erasure;
mod errors;
mod grading;
mod http;
mod labs;
#[cfg(feature = "lambda")]
pub mod lambda;
mod lti;
mod metrics;
mod openapi;
mod page;
mod passback;
mod progress;
pub(crate) mod request;
mod server;
mod sessions;
mod strikes;
mod slots;
mod turns;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use axum::Router;
use axum::extract::{Extension, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use accounts::{PACER_CAPACITY, PACER_MAX_IDLE, Pacer, ROLE_MAX_AGE, RoleKey};
pub use auth::read_tokens;
pub use client::Cidr;
use cache::BoundedCache;
pub use errors::{ApiError, ServiceError};
use grading::{Run, RunKey};
pub use metrics::Metrics;
pub use page::{check_frame_ancestor, check_public_url};
pub use request::GradeRequest;
pub use sessions::{DEFAULT_EXPIRES_IN, SessionCreated};

use crate::aws::InvokeUrlTemplate;
use crate::lab::Lab;
use crate::store::{Store, StoreSpec};

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
    /// How long a client may take to send a request's first byte, its headers, and its body.
    pub read_timeout: Duration,
    /// Connections open at once, overall and from one address (a few more are kept for `/healthz`).
    pub max_connections: usize,
    pub max_connections_per_peer: usize,
    /// Proxies (addresses or ranges) whose `Forwarded` / `X-Forwarded-For` name the client, read right to left;
    /// their own connections are not limited per address.
    pub trusted_proxies: Vec<Cidr>,
    /// Where learners' progress is kept; `None`: requests with a `learner` are refused.
    pub store: Option<StoreSpec>,
    /// Evidence older than this many days is dropped (hourly).
    pub evidence_days: Option<u64>,
    /// Where the service is reached from browsers (`https://labcheck.example.com`): learner pages' links are made
    /// absolute with it.
    pub public_url: Option<String>,
    /// The origins that may embed the learner page in a frame (CSP `frame-ancestors`); none: no one may.
    pub frame_ancestors: Vec<String>,
    /// LTI 1.3 registrations and keys (a TOML file); `None`: no LMS may launch learners.
    pub lti_config: Option<std::path::PathBuf>,
    /// How often scores a platform did not take are sent again.
    pub lti_retry: Duration,
}

struct AppState {
    config: ServiceConfig,
    labs: BTreeMap<String, Arc<Lab>>,
    base: SdkConfig,
    /// Per role (and external id, region): its assumed-role credentials, kept until shortly before they end.
    /// Bounded: thousands of roles must not grow memory without end.
    role_credentials: BoundedCache<RoleKey, accounts::RoleSlot>,
    pacers: BoundedCache<String, Arc<Pacer>>,
    runs: Mutex<HashMap<RunKey, Run>>,
    /// The gradings running and waiting, a share kept for the platform.
    slots: slots::Slots,
    /// Each learner's (or account's) line in front of the slots.
    turns: turns::Turns,
    metrics: Metrics,
    shutting_down: AtomicBool,
    store: Option<Arc<dyn Store>>,
    strikes: strikes::Strikes,
    /// LTI login initiations per address ([`lti::LOGINS_AT_ONCE`] at once, refilled one each
    /// [`lti::LOGIN_EVERY`]): a flood of logins cannot fill the store with logins in flight.
    logins: allowance::Allowance,
    lti: Option<lti::LtiService>,
}

type AppStateRef = Arc<AppState>;


/// Whether the service is up: `ok`, or 503 while it drains after SIGTERM. No token needed.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses(
        (status = 200, description = "Serving", body = String, content_type = "text/plain"),
        (status = 503, description = "Shutting down", body = errors::ErrorBody),
    )
)]
async fn healthz(State(state): State<AppStateRef>) -> Response {
    if state.shutting_down.load(Ordering::SeqCst) {
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "the service is shutting down")
            .into_response();
    }
    (StatusCode::OK, "ok\n").into_response()
}

/// Metrics need the token like every other endpoint but `/healthz`: they tell who is graded how often and how it
/// goes, which is the platform's business (Prometheus sends it with `authorization: {credentials_file: ...}`).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses(
        (status = 200, description = "Prometheus metrics", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 403, description = "A learner session", body = errors::ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn metrics(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<auth::Caller>,
) -> Result<Response, ApiError> {
    caller.platform_only(&state)?;
    let scores_waiting = state.lti.as_ref().map_or(0, lti::LtiService::scores_waiting);
    let text = state.metrics.render(state.role_credentials.size(), scores_waiting);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
}

/// What a connection over the limits is served: `/healthz`, and 503 for everything else.
fn health_only(state: AppStateRef) -> Router {
    let busy = || async {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "too_many_connections", "too many open connections; retry later")
    };
    Router::new()
        .route("/healthz", get(healthz))
        .fallback(busy)
        .layer(axum::middleware::map_response(errors::json_errors))
        .with_state(state)
}

async fn fallback() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

/// Serves until SIGTERM or Ctrl-C. Then it drains: `/healthz` answers 503 and new gradings are refused with 503
/// while the gradings in flight and queued finish (at most `drain`); then it stops listening, closes idle
/// connections and returns.
/// The service's router and state, from its config: the one code path behind `labcheck serve` and the function on
/// AWS Lambda ([`lambda`]).
async fn app(config: ServiceConfig) -> Result<(Router, AppStateRef), ServiceError> {
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
    let (base, _region) = crate::aws::load_config(config.profile.as_deref(), config.region.as_deref()).await?;
    // The store is opened (and checked) before serving: one that cannot be used stops the service here.
    let store = match &config.store {
        Some(spec) => Some(spec.open(Some(&base), config.evidence_days).await?),
        None => None,
    };
    // A store that expires evidence itself (DynamoDB's TTL) is not scanned: a scan's cost grows with the table, and
    // on Lambda it would run at every cold start.
    if let (Some(store), Some(days)) = (&store, config.evidence_days)
        && !store.expires_evidence()
    {
        tokio::spawn(progress::forget_old_evidence(store.clone(), days));
    }
    // LTI needs the store: its logins and the sessions it makes are kept there.
    let lti = match (&config.lti_config, &store) {
        (Some(file), Some(_)) => Some(lti::LtiService::new(crate::lti::Lti::load(file)?)),
        (Some(_), None) => return Err(ServiceError::Setting("--lti-config needs --store".into())),
        (None, _) => None,
    };
    let state = Arc::new(AppState {
        lti,
        store,
        labs,
        base,
        role_credentials: BoundedCache::new(config.role_cache, ROLE_MAX_AGE, ROLE_MAX_AGE),
        pacers: BoundedCache::new(PACER_CAPACITY, Duration::MAX, PACER_MAX_IDLE),
        runs: Mutex::new(HashMap::new()),
        slots: slots::Slots::new(config.max_in_flight, config.max_queue),
        turns: turns::Turns::default(),
        metrics: Metrics::default(),
        shutting_down: AtomicBool::new(false),
        strikes: strikes::Strikes::default(),
        logins: allowance::Allowance::new(lti::LOGINS_AT_ONCE, lti::LOGIN_EVERY, lti::LOGIN_ADDRESSES),
        config: config.clone(),
    });
    if state.lti.is_some() {
        tokio::spawn(passback::retry_pending_scores(state.clone()));
    }
    Ok((router(state.clone()), state))
}

/// The service's routes, and from the same handlers its OpenAPI document, served at `/openapi.json`.
fn router(state: AppStateRef) -> Router {
    let (app, document) = routes(state.clone()).split_for_parts();
    let labs: Vec<&str> = state.labs.keys().map(String::as_str).collect();
    let document = openapi::finish(document, &labs).to_json().expect("the document serializes");
    let document = openapi::Document(Arc::new(document));
    app.fallback(fallback)
        .layer(axum::middleware::map_response(errors::json_errors))
        .layer(Extension(document))
        .with_state(state)
}

/// Every route with its documentation: the API behind the token middleware (the handlers then judge what the
/// caller may do), and `/healthz`, `/openapi.json` and the learner page without it.
fn routes(state: AppStateRef) -> OpenApiRouter<AppStateRef> {
    let mut authenticated = OpenApiRouter::with_openapi(openapi::Frame::openapi())
        .routes(routes!(labs::list_labs))
        .routes(routes!(labs::get_lab))
        .routes(routes!(grading::grade))
        .routes(routes!(progress::learner_progress))
        .routes(routes!(progress::grading))
        .routes(routes!(cohort::cohort))
        .routes(routes!(erasure::forget_learner))
        .routes(routes!(sessions::create))
        .routes(routes!(sessions::revoke))
        .routes(routes!(metrics))
        .route_layer(axum::middleware::from_fn_with_state(state, auth::authenticate));
    openapi::behind_the_token(authenticated.get_openapi_mut());
    authenticated
        .routes(routes!(healthz))
        .routes(routes!(openapi::document))
        .routes(routes!(page::show))
        .routes(routes!(page::open))
        .routes(routes!(page::check))
        .routes(routes!(lti::login_get, lti::login_post))
        .routes(routes!(lti::launch))
        .routes(routes!(lti::jwks))
}

/// Serves `config` on its `listen` address until SIGTERM or Ctrl-C, then drains.
pub async fn serve(config: ServiceConfig) -> Result<(), ServiceError> {
    let (app, state) = app(config.clone()).await?;
    let listener =
        tokio::net::TcpListener::bind(config.listen).await.map_err(|e| ServiceError::Listen(config.listen, e))?;
    let local = listener.local_addr()?;
    eprintln!("labcheck: serving {} lab(s) on http://{local}", state.labs.len());

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let drain_state = state.clone();
    tokio::spawn(async move {
        server::shutdown_signal().await;
        drain_state.shutting_down.store(true, Ordering::SeqCst);
        tracing::info!("shutting down: finishing the gradings in flight");
        let deadline = Instant::now() + config.drain;
        while server::gradings_pending(&drain_state) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if server::gradings_pending(&drain_state) {
            tracing::warn!("gradings still in flight after {}s; exiting", config.drain.as_secs());
        }
        let _ = stop_tx.send(true);
    });
    let limits =
        connections::Limits { total: config.max_connections.max(1), per_peer: config.max_connections_per_peer.max(1) };
    let apps = server::Apps { full: app, health_only: health_only(state.clone()) };
    let proxies: std::sync::Arc<[Cidr]> = config.trusted_proxies.clone().into();
    server::accept_until_stopped(listener, apps, config.read_timeout, limits, proxies, stop_rx).await;
    Ok(())
}
