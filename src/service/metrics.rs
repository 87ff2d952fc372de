//! Prometheus text metrics of the service.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::Report;

#[derive(Debug, Default)]
pub struct Metrics {
    /// (lab, outcome) -> gradings run.
    gradings: Mutex<BTreeMap<(String, String), u64>>,
    /// Requests that joined a grading of the same account already in flight.
    shared: AtomicU64,
    /// Requests refused: (reason) -> count.
    refused: Mutex<BTreeMap<&'static str, u64>>,
    pub in_flight: AtomicU64,
    pub queued: AtomicU64,
    aws_calls: AtomicU64,
    aws_retries: AtomicU64,
    probes: AtomicU64,
    check_seconds_sum: Mutex<f64>,
    checks: AtomicU64,
    /// Gradings kept in learners' progress, and those the store could not keep.
    kept: AtomicU64,
    not_kept: AtomicU64,
    /// Seconds spent keeping gradings (the store's share of a grading).
    store_seconds_sum: Mutex<f64>,
    /// LTI scores sent to a platform, and those it did not take (kept and retried).
    scores_sent: AtomicU64,
    scores_failed: AtomicU64,
    /// LTI scores given up on: still refused after [`super::passback::GIVE_UP_AFTER`].
    scores_abandoned: AtomicU64,
    /// LTI score sends a platform throttled (429, or Canvas's 403 "Rate Limit Exceeded"): its sends paused.
    scores_throttled: AtomicU64,
}

impl Metrics {
    pub fn graded(&self, report: &Report) {
        let outcome = format!("{:?}", report.outcome).to_ascii_lowercase();
        *self.gradings.lock().unwrap().entry((report.lab.id.clone(), outcome)).or_default() += 1;
        self.aws_calls.fetch_add(report.stats.api_calls_total, Ordering::Relaxed);
        let retries = report.stats.api_requests.saturating_sub(report.stats.api_calls_total);
        self.aws_retries.fetch_add(retries, Ordering::Relaxed);
        self.probes.fetch_add(report.stats.probes, Ordering::Relaxed);
        let seconds: f64 = report.checks.iter().map(|c| c.duration.as_secs_f64()).sum();
        *self.check_seconds_sum.lock().unwrap() += seconds;
        self.checks.fetch_add(report.checks.len() as u64, Ordering::Relaxed);
    }

    /// A grading for a learner: kept in the store or not, after `seconds` in the store.
    pub fn recorded(&self, kept: bool, seconds: f64) {
        let counter = if kept { &self.kept } else { &self.not_kept };
        counter.fetch_add(1, Ordering::Relaxed);
        *self.store_seconds_sum.lock().unwrap() += seconds;
    }

    /// An LTI score delivered, or not.
    pub fn score_sent(&self, delivered: bool) {
        let counter = if delivered { &self.scores_sent } else { &self.scores_failed };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// An LTI score send the platform throttled.
    pub fn score_throttled(&self) {
        self.scores_throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// An LTI score given up on.
    pub fn score_abandoned(&self) {
        self.scores_abandoned.fetch_add(1, Ordering::Relaxed);
    }

    pub fn shared(&self) {
        self.shared.fetch_add(1, Ordering::Relaxed);
    }

    pub fn refused(&self, reason: &'static str) {
        *self.refused.lock().unwrap().entry(reason).or_default() += 1;
    }

    /// The metrics as Prometheus text; `cached_roles` is the size of the service's role cache, `scores_waiting` the
    /// LTI scores in the platforms' outboxes.
    pub fn render(&self, cached_roles: usize, scores_waiting: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP labcheck_gradings_total Gradings run, by lab and outcome.");
        let _ = writeln!(out, "# TYPE labcheck_gradings_total counter");
        for ((lab, outcome), n) in self.gradings.lock().unwrap().iter() {
            let _ = writeln!(out, "labcheck_gradings_total{{lab=\"{lab}\",outcome=\"{outcome}\"}} {n}");
        }
        let counters = [
            (
                "labcheck_shared_gradings_total",
                "Requests answered by a grading of the same account already in flight.",
                &self.shared,
            ),
            ("labcheck_aws_calls_total", "AWS API operations called.", &self.aws_calls),
            ("labcheck_aws_retries_total", "AWS requests retried (throttling, 5xx, network).", &self.aws_retries),
            ("labcheck_probes_total", "HTTP probes sent to deployed stages.", &self.probes),
            ("labcheck_gradings_kept_total", "Gradings kept in learners' progress.", &self.kept),
            ("labcheck_gradings_not_kept_total", "Gradings for a learner the store could not keep.", &self.not_kept),
            ("labcheck_lti_scores_sent_total", "LTI scores a platform took (AGS).", &self.scores_sent),
            (
                "labcheck_lti_scores_failed_total",
                "LTI score deliveries that failed (each kept and retried).",
                &self.scores_failed,
            ),
            (
                "labcheck_lti_scores_abandoned_total",
                "LTI scores given up on: still refused a day after their grading.",
                &self.scores_abandoned,
            ),
            (
                "labcheck_lti_scores_throttled_total",
                "LTI score sends the platform throttled (its sends paused, the score sent again after).",
                &self.scores_throttled,
            ),
        ];
        for (name, help, value) in counters {
            let _ =
                writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}", value.load(Ordering::Relaxed));
        }
        let _ = writeln!(out, "# HELP labcheck_refused_total Requests refused before grading, by reason.");
        let _ = writeln!(out, "# TYPE labcheck_refused_total counter");
        for (reason, n) in self.refused.lock().unwrap().iter() {
            let _ = writeln!(out, "labcheck_refused_total{{reason=\"{reason}\"}} {n}");
        }
        for (name, help, value) in [
            ("labcheck_gradings_in_flight", "Gradings running now.", &self.in_flight),
            ("labcheck_gradings_queued", "Gradings waiting for a slot.", &self.queued),
        ] {
            let _ =
                writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {}", value.load(Ordering::Relaxed));
        }
        let _ = writeln!(
            out,
            "# HELP labcheck_cached_roles Roles whose assumed-role credentials are kept.\n# TYPE labcheck_cached_roles gauge\nlabcheck_cached_roles {cached_roles}"
        );
        let _ = writeln!(
            out,
            "# HELP labcheck_lti_scores_waiting LTI scores waiting in the platforms' outboxes (spaced, or paused by a throttling platform).
# TYPE labcheck_lti_scores_waiting gauge
labcheck_lti_scores_waiting {scores_waiting}"
        );
        let _ = writeln!(out, "# HELP labcheck_check_duration_seconds Time checks took, summed.");
        let _ = writeln!(out, "# TYPE labcheck_check_duration_seconds summary");
        let _ = writeln!(out, "labcheck_check_duration_seconds_sum {}", self.check_seconds_sum.lock().unwrap());
        let _ = writeln!(out, "labcheck_check_duration_seconds_count {}", self.checks.load(Ordering::Relaxed));
        let recorded = self.kept.load(Ordering::Relaxed) + self.not_kept.load(Ordering::Relaxed);
        let _ =
            writeln!(out, "# HELP labcheck_store_duration_seconds Time spent keeping gradings in the store, summed.");
        let _ = writeln!(out, "# TYPE labcheck_store_duration_seconds summary");
        let _ = writeln!(out, "labcheck_store_duration_seconds_sum {}", self.store_seconds_sum.lock().unwrap());
        let _ = writeln!(out, "labcheck_store_duration_seconds_count {recorded}");
        out
    }
}
