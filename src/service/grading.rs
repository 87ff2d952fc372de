//! `POST /v1/labs/{lab}/grade`: admission (a bounded queue before a bounded number of gradings), one shared run for
//! the same grading asked twice at once, the deadline, and the answer in the asked format.

use crate::service::http::read_body;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use serde::Deserialize;

use super::accounts::{config_for, pacer_for};
use super::auth::Caller;
use super::errors::ErrorBody;
use crate::service::http::{accepted_languages, find_lab};
use super::slots::{Held, NoSlot, Share};
use super::{ApiError, AppState, AppStateRef, GradeRequest};
use crate::service::http::not_shutting_down;
use crate::engine::EngineOptions;
use crate::grading;
use crate::i18n::{self, Locale};
use crate::aws::{AwsSession, account_of_role};
use crate::lab::Lab;
use crate::model::{Recorded, Report};
use crate::progress;
use crate::report::{self, Style};

pub(super) type Run = Shared<BoxFuture<'static, Result<Arc<Report>, ApiError>>>;

/// The same grading asked for twice at once shares one run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct RunKey {
    lab: String,
    steps: Vec<String>,
    role_arn: Option<String>,
    external_id: Option<String>,
    region: Option<String>,
    wait_seconds: Option<u64>,
    locale: String,
    learner: Option<String>,
    from_learner_session: bool,
}

/// `?format=`: any format of the CLI; JSON without it.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FormatQuery {
    /// The answer's format (json, junit, tap, markdown, html, ...); JSON without it.
    #[serde(default)]
    format: Option<String>,
}

impl FormatQuery {
    pub(super) fn format(&self) -> Result<&'static dyn report::Format, ApiError> {
        report::named(self.format.as_deref().unwrap_or("json"))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_format", e.to_string()))
    }
}

/// Runs one grading (admission, credentials, the engine), off the request.
async fn run_grading(
    state: AppStateRef,
    lab: Arc<Lab>,
    request: GradeRequest,
    locale: Locale,
) -> Result<Arc<Report>, ApiError> {
    // Each caller's own line first: one learner's many gradings wait behind each other, not in front of others'.
    let owner = super::turns::owner(request.learner.as_deref(), request.role_arn.as_deref());
    let Some(turn) = state.turns.take(&owner).await else {
        state.metrics.refused("busy");
        let message = format!(
            "{} gradings of this learner or account are running or waiting; retry when one is done",
            super::turns::AT_ONCE + super::turns::WAITING
        );
        let mut error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "busy", message);
        error.retry_after = Some(5);
        return Err(error);
    };
    // Admission: a bounded queue in front of a bounded number of gradings, a share of them kept for the platform.
    let share = if request.from_learner_session { Share::Learners } else { Share::Platform };
    let permit = match state.slots.take(share, &state.metrics.queued).await {
        Ok(slot) => slot,
        Err(NoSlot::Full) => {
            state.metrics.refused("busy");
            let mut error =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "busy", "too many gradings in flight and queued; retry later");
            error.retry_after = Some(5);
            return Err(error);
        }
        Err(NoSlot::Closed) => {
            return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "shutting down"));
        }
    };
    let in_flight = Held::up(&state.metrics.in_flight);
    let started = Instant::now();
    let store_time = store_time(state.config.deadline);
    let result = async {
        let config = config_for(&state, &request).await?;
        let account_key = request.role_arn.clone().unwrap_or_else(|| "own-account".to_owned());
        let session =
            AwsSession::from_sdk_config(&config, state.config.invoke.clone(), Some(pacer_for(&state, &account_key)))
                .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "no_region", e.to_string()))?;
        // With a learner, checks that `recall` judge what this learner built. A store that cannot say stops no
        // grading, but the checks that needed it are `error`: never judged on the params as written.
        let lab = match (&request.learner, &state.store) {
            (Some(learner), Some(store)) if lab.recalls(&request.steps) => {
                let read = tokio::time::timeout(store_time, store.progress(learner, &lab.id)).await;
                match read.unwrap_or_else(|_| Err(store_silent(&state, store_time))) {
                    Ok(progress) => Arc::new(lab.recalling(progress::recalled(progress.as_ref()))),
                    Err(e) => {
                        tracing::warn!(error = %e, "the learner's progress could not be read; its recalls are errors");
                        Arc::new(lab.unrecalled(&e.to_string()))
                    }
                }
            }
            _ => lab,
        };
        let checks =
            lab.select(&request.steps).map_err(|e| ApiError::new(StatusCode::NOT_FOUND, "unknown_step", e.message))?;
        let wait = request.wait_seconds.map(Duration::from_secs);
        let options = EngineOptions { wait, locale: locale.clone(), ..EngineOptions::default() };
        // Assumed into a role, the graded account is the role's: STS need not be asked.
        let session = match request.role_arn.as_deref().and_then(account_of_role) {
            Some(account) => session.knowing_account(account),
            None => session,
        };
        let session = Arc::new(session);
        let (Some(learner), Some(store)) = (&request.learner, &state.store) else {
            return Ok(grading::grade_account(&lab, &checks, session, &options).await);
        };
        let (mut report, evidence) = grading::grade_account_with_evidence(&lab, &checks, session, &options).await;
        let keeping = Instant::now();
        let kept = progress::keep(store.as_ref(), lab.clone(), learner, &report, evidence);
        let (recorded, progress) = tokio::time::timeout(store_time, kept)
            .await
            .unwrap_or_else(|_| (Recorded::NotKept { error: store_silent(&state, store_time).to_string() }, None));
        if let Recorded::NotKept { error } = &recorded {
            tracing::warn!(lab = %lab.id, error = %error, "a grading was not kept");
        }
        // A session an LMS launched: its progress kept as a score before the answer (on Lambda nothing runs after
        // it), and sent to the gradebook off the answer's path.
        if let (Some(passback), Some(progress)) = (&request.passback, progress)
            && let Some(score) = super::passback::pending_score(&state, passback, &lab, &progress, &locale)
        {
            let kept = tokio::time::timeout(store_time, super::passback::keep_score(&state, &score)).await;
            if kept.is_err() {
                tracing::warn!("an LTI score could not be kept before the answer: the store was silent; sent all the same");
            }
            super::passback::send_score(&state, score);
        }
        state.metrics.recorded(matches!(recorded, Recorded::Kept { .. }), keeping.elapsed().as_secs_f64());
        report.recorded = Some(recorded);
        Ok::<_, ApiError>(report)
    }
    .await;
    drop(in_flight);
    drop(permit);
    drop(turn);
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

/// Grade the lab (or some of its steps) against an account. A learner session grades its own account for its own
/// learner; a platform names the role, region and learner in the body.
#[utoipa::path(
    post,
    path = "/v1/labs/{lab_id}/grade",
    tag = "grading",
    params(("lab_id" = String, Path, description = "The lab's id", example = "apigw-items"), FormatQuery),
    request_body(content = GradeRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The report (JSON; other formats with `?format=`)", body = Report),
        (status = 400, description = "A field of the body is wrong (the message names it)", body = ErrorBody),
        (status = 403, description = "A learner session's other lab", body = ErrorBody),
        (status = 404, description = "No such lab or step", body = ErrorBody),
        (status = 408, description = "The body did not arrive within --read-timeout", body = ErrorBody),
        (status = 413, description = "The body is larger than --body-limit", body = ErrorBody),
        (status = 429, description = "Too many gradings in flight and queued (`Retry-After`)", body = ErrorBody),
        (status = 504, description = "The grading took longer than the deadline", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub(super) async fn grade(
    State(state): State<AppStateRef>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(lab_id): Path<String>,
    Query(query): Query<FormatQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    not_shutting_down(&state)?;
    caller.may_see_lab(&state, &lab_id)?;
    let lab = find_lab(&state, &lab_id)?;
    let request = caller.scope(&state, &lab.id, read_request(&state, body).await?)?;
    let format = query.format()?;
    let requested = requested_languages(&request, &accepted_languages(&headers));
    let report = graded(&state, lab, request, &requested).await?;
    let text = report::render(&report, format, Style::default());
    Ok(([(header::CONTENT_TYPE, format.content_type())], text).into_response())
}

/// A checked request graded (or joined to the same grading in flight) within the deadline: what every way of
/// asking for a grading ends in (HTTP here, a direct invocation on Lambda).
pub(super) async fn graded(
    state: &AppStateRef,
    lab: Arc<Lab>,
    request: GradeRequest,
    requested: &[Locale],
) -> Result<Arc<Report>, ApiError> {
    if request.learner.is_some() && state.store.is_none() {
        state.metrics.refused("no_store");
        let message = "`learner` needs a service that keeps progress (start it with --store)";
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "no_store", message));
    }
    if let Err(e) = lab.select(&request.steps) {
        state.metrics.refused("unknown_step");
        return Err(ApiError::new(StatusCode::NOT_FOUND, "unknown_step", e.message));
    }
    // A wait the deadline would cut short is refused: the caller learns the limit instead of a 504.
    let deadline = state.config.deadline.as_secs();
    if request.wait_seconds.is_some_and(|wait| wait >= deadline) {
        state.metrics.refused("bad_body");
        let message = format!("wait_seconds: less than the service's deadline, {deadline}s");
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_body", message));
    }
    let locale = lab.locale_for(requested);
    let run = shared_run(state, lab, request, locale);
    within_deadline(state, run).await
}

/// The run of this grading: the one already in flight for the same lab, steps, account and wait (a double click),
/// or a new one. A run is driven to its end even if every requester gives up, so its entry is always removed.
fn shared_run(state: &AppStateRef, lab: Arc<Lab>, request: GradeRequest, locale: Locale) -> Run {
    let key = RunKey {
        locale: locale.to_string(),
        learner: request.learner.clone(),
        lab: lab.id.clone(),
        steps: request.steps.clone(),
        role_arn: request.role_arn.clone(),
        external_id: request.external_id.clone(),
        region: request.region.clone(),
        wait_seconds: request.wait_seconds,
        from_learner_session: request.from_learner_session,
    };
    let mut runs = state.runs.lock().unwrap();
    if let Some(run) = runs.get(&key) {
        state.metrics.shared();
        return run.clone();
    }
    // The deadline ends the work, not only the answer: past it the grading is dropped, and with it its slot.
    let deadline = state.config.deadline;
    let graded = tokio::time::timeout(deadline, run_grading(state.clone(), lab, request, locale));
    let task = tokio::spawn(async move { graded.await.unwrap_or_else(|_| Err(past_deadline(deadline))) });
    let (cleanup_state, cleanup_key) = (state.clone(), key.clone());
    let run: Run = async move {
        let result = task.await.unwrap_or_else(|e| {
            Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("grading failed: {e}")))
        });
        cleanup_state.runs.lock().unwrap().remove(&cleanup_key);
        result
    }
    .boxed()
    .shared();
    tokio::spawn(run.clone());
    runs.insert(key, run.clone());
    run
}

/// The languages the learner asked for, best first: the body's `lang`, else `accepted` (`Accept-Language`).
pub(super) fn requested_languages(request: &GradeRequest, accepted: &[Locale]) -> Vec<Locale> {
    match &request.lang {
        Some(tag) => i18n::parse_tag(tag).into_iter().collect(),
        None => accepted.to_vec(),
    }
}

/// The run's report, or 504 once the request's deadline passes (a request that joined a run late may wait less:
/// the run ends at its own deadline).
async fn within_deadline(state: &AppState, run: Run) -> Result<Arc<Report>, ApiError> {
    let result = tokio::time::timeout(state.config.deadline, run)
        .await
        .unwrap_or_else(|_| Err(past_deadline(state.config.deadline)));
    if result.as_ref().is_err_and(ApiError::is_deadline) {
        state.metrics.refused("deadline");
    }
    result
}

/// How long one call to the store may take in a grading: a third of the deadline, at most 10 s. A store that
/// does not answer in time costs the grading its record (or its recalled params), never its verdicts.
fn store_time(deadline: Duration) -> Duration {
    (deadline / 3).min(Duration::from_secs(10))
}

fn store_silent(state: &AppState, waited: Duration) -> crate::db::StoreError {
    let store = state.config.store.as_ref().map_or_else(String::new, ToString::to_string);
    crate::db::StoreError::Failed { store, message: format!("no answer within {}s", waited.as_secs_f32()) }
}

fn past_deadline(deadline: Duration) -> ApiError {
    let message = format!("the grading took longer than {}s", deadline.as_secs());
    ApiError::new(StatusCode::GATEWAY_TIMEOUT, "deadline", message)
}

/// The body, read within `--read-timeout` and `--body-limit`, checked field by field.
async fn read_request(state: &AppState, body: Body) -> Result<GradeRequest, ApiError> {
    let bytes = read_body(state, body).await?;
    GradeRequest::parse(&bytes).map_err(|message| {
        state.metrics.refused("bad_body");
        ApiError::new(StatusCode::BAD_REQUEST, "bad_body", message)
    })
}

