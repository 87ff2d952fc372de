//! How a learner got to each check: the tries that count, from which the cohort's figures are made.
//!
//! A grading is a try of a check only when the learner had reached the check and had changed something:
//! - **Reached**: every check it needs has passed ([`prerequisites`]: its `needs`, and for a check of a step that
//!   undoes others, the clean-up, every check of those steps), or work on its step began (another check of its
//!   step has passed). A class that finishes every step without starting the clean-up has not tried it.
//! - **Changed**: some verdict of this grading, or its evidence, differs from the learner's previous one of that
//!   check. A press of "Check my progress" with nothing changed is not a try; nor is the first check's failure
//!   graded twice before anything was built. A verdict that could not read the account (`error`) says nothing
//!   either way.
//!
//! A pass is always a try (the first pass of a check can only come from a change). The same start applies to the
//! first-try rate, gradings and time to pass (`first_judged_at` is the first try).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CheckProgress, Progress};
use crate::lab::{Check, Lab};
use crate::model::{CheckResult, Status};

/// How a learner got to a check's result, over the gradings that were tries of it (pass or fail; an `error` or a
/// `skip` judged nothing): the figures a cohort is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trail {
    /// When it was first tried (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_judged_at: Option<String>,
    /// Gradings that were tries of it.
    #[serde(default)]
    pub judged: u32,
    /// Tries it took to pass, the passing one included (1: passed on the first try); `None` until it passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged_to_pass: Option<u32>,
    /// Its failures by message id, over its tries.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub failures: BTreeMap<String, u32>,
    /// The fingerprint of its last verdict that read the account (status, message id, evidence), to tell a
    /// changed account from a press with nothing changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}

impl Trail {
    /// The trail with one more try, given at `at`.
    fn tried(mut self, status: Status, message_id: Option<&str>, at: &str) -> Self {
        match status {
            Status::Pass | Status::Fail => {}
            Status::Error | Status::Skip => return self,
        }
        self.judged += 1;
        self.first_judged_at.get_or_insert_with(|| at.to_owned());
        match status {
            Status::Pass => {
                self.judged_to_pass.get_or_insert(self.judged);
            }
            Status::Fail | Status::Error | Status::Skip => {
                *self.failures.entry(message_id.unwrap_or("unknown").to_owned()).or_default() += 1;
            }
        }
        self
    }
}

/// The checks `check` needs passed before trying it says something: its `needs`, and for a check of a step that
/// undoes others (the clean-up), every check of those steps.
pub fn prerequisites<'a>(lab: &'a Lab, check: &'a Check) -> impl Iterator<Item = &'a str> + 'a {
    let step = lab.steps.iter().find(|s| s.id == check.step);
    let undone = step.into_iter().flat_map(|s| &s.undoes);
    let undone_checks = undone.filter_map(|id| lab.steps.iter().find(|s| &s.id == id)).flat_map(|s| &s.checks);
    check.needs.iter().map(String::as_str).chain(undone_checks.map(|c| c.id.as_str()))
}

/// Whether the learner (as `progress` has them after this grading) has reached the check `id`.
fn reached(lab: &Lab, progress: &Progress, id: &str) -> bool {
    let Some(check) = lab.checks().find(|c| c.id == id) else {
        return true;
    };
    let step_began = || lab.checks().any(|c| c.step == check.step && c.id != check.id && progress.passed(&c.id));
    prerequisites(lab, check).all(|need| progress.passed(need)) || step_began()
}

/// A verdict's fingerprint: FNV-1a (64 bits) of its status, message id and evidence as JSON. Stable across runs and
/// versions, and nothing a learner can read back (it is not evidence).
fn fingerprint(verdict: &CheckProgress) -> String {
    let text = serde_json::to_string(&(verdict.status, &verdict.message_id, &verdict.evidence)).unwrap_or_default();
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

/// Adds this grading's tries to the trail of each check it judged: `results` are the report's, `verdicts` the
/// same checks as merged (a clean-up pass that came too early is a skip), `before` the progress before it.
pub(super) fn follow(
    progress: &mut Progress,
    before: &Progress,
    lab: &Lab,
    results: &[CheckResult],
    verdicts: &[CheckProgress],
    at: &str,
) {
    let read = |verdict: &CheckProgress| verdict.status != Status::Error;
    let prints: Vec<Option<String>> = verdicts.iter().map(|v| read(v).then(|| fingerprint(v))).collect();
    let changed = results.iter().zip(&prints).any(|(result, print)| {
        let last = before.checks.get(&result.id).and_then(|c| c.trail.last_seen.as_ref());
        print.is_some() && print.as_ref() != last
    });
    for ((result, verdict), print) in results.iter().zip(verdicts).zip(prints) {
        let reached = reached(lab, progress, &result.id);
        let Some(entry) = progress.checks.get_mut(&result.id) else {
            continue;
        };
        let mut trail = std::mem::take(&mut entry.trail);
        let first_pass = verdict.status == Status::Pass && trail.judged_to_pass.is_none();
        if (changed && reached) || first_pass {
            trail = trail.tried(verdict.status, verdict.message_id.as_deref(), at);
        }
        if print.is_some() {
            trail.last_seen = print;
        }
        entry.trail = trail;
    }
}
