//! Passback, the scores after gradings: each launched session's progress kept in the store and sent to its platform's line item
//! through the platform's outbox ([`super::outbox`]: the latest per session, spaced, paused while the platform
//! throttles, a few at a time), off the grading's path; a score refused is retried until a day has passed.

use std::sync::Arc;
use std::time::Duration;

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

mod outbox;

use outbox::{Next, Outcome, Queue};
use crate::i18n::{Locale, msg};
use crate::lab::Lab;
use crate::lti::ags::{self, PassbackError};
use crate::lti::records::PendingScore;
use crate::model::Status;
use crate::progress::Progress;
use crate::service::request::Passback;
use crate::service::{AppState, AppStateRef};

/// The score of a grading of a launched session, stamped with its progress's [`Progress::stamp`]: later than every
/// score of its session made from an older progress, whatever order the tasks that make them run in (a learner's
/// gradings that end together have their merges answered together). `None` when the launch gave no line item.
pub(in crate::service) fn pending_score(
    state: &AppState,
    passback: &Passback,
    lab: &Lab,
    progress: &Progress,
    locale: &Locale,
) -> Option<PendingScore> {
    let endpoint = passback.link.endpoint.clone()?;
    state.lti.as_ref()?;
    let at = progress.stamp().unwrap_or_else(time::OffsetDateTime::now_utc);
    Some(PendingScore {
        session_id: passback.session_id.clone(),
        platform: passback.link.platform.clone(),
        endpoint,
        score: score_of(&passback.link.user_id, lab, progress, locale, at),
        attempts: 0,
        last_error: String::new(),
    })
}

/// Keeps `score` in the store until its platform takes it: no score is lost to a restart, a frozen Lambda or a
/// throttling LMS.
pub(in crate::service) async fn keep_score(state: &AppState, score: &PendingScore) {
    let Some(store) = &state.store else { return };
    if let Err(e) = store.put_pending_score(score).await {
        tracing::warn!(error = %e, "an LTI score could not be kept before sending; sent all the same");
    }
}

/// Sends `score` to its platform, through the platform's outbox, off the caller's path.
pub(in crate::service) fn send_score(state: &AppStateRef, score: PendingScore) {
    offer(state, score);
}

/// Each platform's outbox ([`Queue`]) and the sends it lets out: at most the registration's `scores_in_flight`
/// at once.
#[derive(Default)]
pub(in crate::service) struct Outboxes {
    lines: Mutex<HashMap<String, Arc<Line>>>,
}

impl std::fmt::Debug for Outboxes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Outboxes")
    }
}

impl Outboxes {
    /// Scores waiting, every platform's.
    pub(in crate::service) fn waiting(&self) -> usize {
        let lines = self.lines.lock().expect("outbox lock");
        lines.values().map(|line| line.queue.lock().expect("outbox lock").len()).sum()
    }
}

struct Line {
    queue: Mutex<Queue>,
    wake: Notify,
    in_flight: Arc<Semaphore>,
}

/// `pending` into its platform's outbox (the platform's sender started with its first score).
fn offer(state: &AppStateRef, pending: PendingScore) {
    let Some(lti) = &state.lti else { return };
    let line = {
        let mut lines = lti.outboxes.lines.lock().expect("outbox lock");
        match lines.get(&pending.platform) {
            Some(line) => line.clone(),
            None => {
                let in_flight = lti
                    .lti
                    .registrations
                    .iter()
                    .find(|r| r.name == pending.platform)
                    .map_or(1, |r| r.scores_in_flight.max(1));
                let line = Arc::new(Line {
                    queue: Mutex::new(Queue::default()),
                    wake: Notify::new(),
                    in_flight: Arc::new(Semaphore::new(in_flight)),
                });
                lines.insert(pending.platform.clone(), line.clone());
                tokio::spawn(run_line(state.clone(), line.clone()));
                line
            }
        }
    };
    if line.queue.lock().expect("outbox lock").offer(pending, Instant::now()) {
        line.wake.notify_one();
    }
}

/// A platform's sender: the next due score out as soon as a send slot is free, for ever.
async fn run_line(state: AppStateRef, line: Arc<Line>) {
    loop {
        let Ok(permit) = line.in_flight.clone().acquire_owned().await else { return };
        let next = line.queue.lock().expect("outbox lock").next(Instant::now());
        match next {
            Next::Send(score) => {
                let (state, line) = (state.clone(), line.clone());
                tokio::spawn(async move {
                    let outcome = deliver(&state, &score).await;
                    drop(permit);
                    line.queue.lock().expect("outbox lock").done(&score, outcome, Instant::now());
                    line.wake.notify_one();
                });
            }
            Next::WaitUntil(until) => {
                drop(permit);
                tokio::select! {
                    () = tokio::time::sleep_until(until) => {}
                    () = line.wake.notified() => {}
                }
            }
            Next::Idle => {
                drop(permit);
                line.wake.notified().await;
            }
        }
    }
}

/// The score of a learner's progress: best per check, as `labcheck progress` counts it, and the checks missing.
fn score_of(user_id: &str, lab: &Lab, progress: &Progress, locale: &Locale, at: time::OffsetDateTime) -> ags::Score {
    let missing: Vec<String> = lab
        .checks()
        .filter(|c| progress.checks.get(&c.id).is_none_or(|p| p.status != Status::Pass))
        .map(|c| c.title.get(locale).to_owned())
        .collect();
    let prefix = if missing.is_empty() {
        msg!("lti-comment-done").render(locale)
    } else {
        msg!("lti-comment-missing", count = missing.len()).render(locale)
    };
    // RFC 3339 with microseconds always written: stamps of one width order as text, as the store compares them.
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    let at = at.format(&format).unwrap_or_default();
    ags::score(user_id, progress.score(), lab.max_score(), &missing, &prefix, &at)
}

/// One attempt to deliver `pending`. Taken, it leaves the store (unless a newer one replaced it there); refused,
/// it stays there for [`retry_pending_scores`], with the reason; throttled, the outbox sends it again after the
/// pause.
async fn deliver(state: &AppState, pending: &PendingScore) -> Outcome {
    let (Some(lti), Some(store)) = (&state.lti, &state.store) else { return Outcome::Failed };
    let Some(registration) = lti.lti.registrations.iter().find(|r| r.name == pending.platform) else {
        tracing::warn!(platform = %pending.platform, "a score for a platform no longer registered is dropped");
        let _ = store.drop_pending_score(&pending.session_id, &pending.score.timestamp).await;
        return Outcome::Failed;
    };
    let sent = lti.scores.send(registration, &lti.lti.keys, &pending.endpoint, &pending.score).await;
    state.metrics.score_sent(sent.is_ok());
    match sent {
        Ok(()) => {
            tracing::info!(platform = %pending.platform, session = %pending.session_id, "LTI score sent");
            let _ = store.drop_pending_score(&pending.session_id, &pending.score.timestamp).await;
            Outcome::Taken
        }
        Err(PassbackError::Throttled { wait, said }) => {
            state.metrics.score_throttled();
            tracing::warn!(platform = %pending.platform, said = ?said, wait_seconds = wait.map(|w| w.as_secs()), "the platform throttles LTI scores; its sends pause");
            Outcome::Throttled(wait)
        }
        Err(PassbackError::Unanswered) => {
            // The platform may still be running the post: its sends pause (the backoff) rather than add another.
            state.metrics.score_throttled();
            tracing::warn!(platform = %pending.platform, "the platform did not answer an LTI score in time; its sends pause");
            Outcome::Throttled(None)
        }
        Err(e) => {
            let kept = PendingScore { attempts: pending.attempts + 1, last_error: e.to_string(), ..pending.clone() };
            tracing::warn!(platform = %pending.platform, session = %pending.session_id, error = ?e.to_string(), "LTI score not sent; kept to retry");
            if let Err(e) = store.put_pending_score(&kept).await {
                tracing::warn!(error = %e, "an LTI score could not be kept to retry");
            }
            Outcome::Failed
        }
    }
}

/// A score still refused this long after its grading is given up on (a metric and a log line say so).
pub(in crate::service) const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Every `--lti-retry-seconds`: the scores the store still keeps (refused, or kept by a replica or a process that
/// stopped) offered again to their platforms' outboxes, which send each platform's side by side (one that hangs or
/// refuses delays no other's) and drop what was taken already; a score older than [`GIVE_UP_AFTER`] is dropped
/// instead.
pub(in crate::service) async fn retry_pending_scores(state: AppStateRef) {
    loop {
        tokio::time::sleep(state.config.lti_retry).await;
        let Some(store) = &state.store else { return };
        match store.pending_scores().await {
            Ok(pending) => offer_again(&state, pending).await,
            Err(e) => tracing::warn!(error = %e, "pending LTI scores could not be read"),
        }
    }
}

async fn offer_again(state: &AppStateRef, pending: Vec<PendingScore>) {
    for score in pending {
        if given_up(&score) {
            abandon(state, score).await;
        } else {
            offer(state, score);
        }
    }
}

/// Whether a score's grading is older than [`GIVE_UP_AFTER`].
fn given_up(score: &PendingScore) -> bool {
    let Ok(at) = time::OffsetDateTime::parse(&score.score.timestamp, &time::format_description::well_known::Rfc3339)
    else {
        return true;
    };
    time::OffsetDateTime::now_utc() - at > GIVE_UP_AFTER
}

async fn abandon(state: &AppState, score: PendingScore) {
    // Dropped and logged first, then counted: whoever sees the count (a test, an operator) sees the score gone.
    if let Some(store) = &state.store {
        let _ = store.drop_pending_score(&score.session_id, &score.score.timestamp).await;
    }
    tracing::warn!(
        platform = %score.platform,
        session = %score.session_id,
        attempts = score.attempts,
        last_error = ?score.last_error,
        "an LTI score was given up on: the platform did not take it within a day"
    );
    state.metrics.score_abandoned();
}
