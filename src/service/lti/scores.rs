//! Scores after gradings: each launched session's progress sent to its platform's line item, off the grading's
//! path; a score not taken kept in the store and retried, platform by platform, until a day has passed.

use std::sync::Arc;
use std::time::Duration;

use crate::i18n::{Locale, msg};
use crate::lab::Lab;
use crate::lti::ags;
use crate::lti::records::PendingScore;
use crate::model::Status;
use crate::progress::Progress;
use crate::service::request::Passback;
use crate::service::{AppState, AppStateRef};

/// Sends `progress` to the platform of `passback` as a score, off the caller's path. A score not taken is kept for
/// [`retry_pending_scores`].
pub(in crate::service) fn send_score(state: &AppStateRef, passback: Passback, lab: Arc<Lab>, progress: Progress, locale: Locale) {
    let Some(endpoint) = passback.link.endpoint.clone() else { return };
    let state = state.clone();
    tokio::spawn(async move {
        let pending = PendingScore {
            session_id: passback.session_id.clone(),
            platform: passback.link.platform.clone(),
            endpoint,
            score: score_of(&passback.link.user_id, &lab, &progress, &locale),
            attempts: 0,
            last_error: String::new(),
        };
        deliver(&state, pending).await;
    });
}

/// The score of a learner's progress: best per check, as `labcheck progress` counts it, and the checks missing.
fn score_of(user_id: &str, lab: &Lab, progress: &Progress, locale: &Locale) -> ags::Score {
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
    let now = time::OffsetDateTime::now_utc();
    let at = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    ags::score(user_id, progress.score(), lab.max_score(), &missing, &prefix, &at)
}

/// One attempt to deliver `pending`; kept for later when the platform does not take it.
async fn deliver(state: &AppState, mut pending: PendingScore) {
    let (Some(lti), Some(store)) = (&state.lti, &state.store) else { return };
    let Some(registration) = lti.lti.registrations.iter().find(|r| r.name == pending.platform) else {
        tracing::warn!(platform = %pending.platform, "a score for a platform no longer registered is dropped");
        let _ = store.drop_pending_score(&pending.session_id, &pending.score.timestamp).await;
        return;
    };
    let sent = lti.scores.send(registration, &lti.lti.keys, &pending.endpoint, &pending.score).await;
    state.metrics.score_sent(sent.is_ok());
    match sent {
        Ok(()) => {
            tracing::info!(platform = %pending.platform, session = %pending.session_id, "LTI score sent");
            if pending.attempts > 0 {
                let _ = store.drop_pending_score(&pending.session_id, &pending.score.timestamp).await;
            }
        }
        Err(e) => {
            pending.attempts += 1;
            pending.last_error = e.to_string();
            tracing::warn!(platform = %pending.platform, session = %pending.session_id, error = ?e.to_string(), "LTI score not sent; kept to retry");
            if let Err(e) = store.put_pending_score(&pending).await {
                tracing::warn!(error = %e, "an LTI score could not be kept to retry");
            }
        }
    }
}

/// A score still refused this long after its grading is given up on (a metric and a log line say so).
pub(in crate::service) const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Every `--lti-retry-seconds`: the scores platforms did not take, sent again, each platform's in turn and the
/// platforms side by side (one that hangs or refuses delays no other's); a score older than [`GIVE_UP_AFTER`]
/// is dropped instead.
pub(in crate::service) async fn retry_pending_scores(state: AppStateRef) {
    loop {
        tokio::time::sleep(state.config.lti_retry).await;
        let Some(store) = &state.store else { return };
        match store.pending_scores().await {
            Ok(pending) => retry_by_platform(&state, pending).await,
            Err(e) => tracing::warn!(error = %e, "pending LTI scores could not be read"),
        }
    }
}

async fn retry_by_platform(state: &AppState, pending: Vec<PendingScore>) {
    let mut by_platform: std::collections::BTreeMap<String, Vec<PendingScore>> = std::collections::BTreeMap::new();
    for score in pending {
        by_platform.entry(score.platform.clone()).or_default().push(score);
    }
    let platforms = by_platform.into_values().map(|scores| async move {
        for score in scores {
            if given_up(&score) {
                abandon(state, score).await;
            } else {
                deliver(state, score).await;
            }
        }
    });
    futures::future::join_all(platforms).await;
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
    state.metrics.score_abandoned();
    tracing::warn!(
        platform = %score.platform,
        session = %score.session_id,
        attempts = score.attempts,
        last_error = ?score.last_error,
        "an LTI score was given up on: the platform did not take it within a day"
    );
    if let Some(store) = &state.store {
        let _ = store.drop_pending_score(&score.session_id, &score.score.timestamp).await;
    }
}

