//! A synthetic class with known answers, for the cohort suite (tests/it/cohort_synthetic.rs, over both stores) and
//! the cohort benchmark (bench/cohort.rs). Every learner is graded `gradings` times, a minute apart, and every
//! grading judges every check of the lab:
//! - learner `i` eventually passes the first `reach(i) = i mod (checks + 1)` checks, in lab order, each first at
//!   grading `passes_at(i, j)`, spread evenly over the gradings;
//! - except the **broken** check, which nobody ever passes (every failure says `synthetic-broken`), and so the
//!   clean-up checks (from `cleanup_from`), whose passes count only once the build is done, never do either;
//! - other failures say `synthetic-<i mod 7>`: seven reasons, none shared by a third of a class.

use labcheck::i18n::english;
use labcheck::lab::Lab;
use labcheck::model::{CheckResult, Report, Status, Target};
use labcheck::progress::Grading;

/// The check nobody passes: `lambda-aliases-created` in the Items lab (it needs only `lambda-function-created`).
pub const BROKEN: usize = 5;
/// When the class's first grading was (epoch seconds): 2026-11-01T10:00:00Z.
pub const START: i64 = 1_793_527_200;

#[derive(Debug, Clone, Copy)]
pub struct Class {
    pub learners: usize,
    pub gradings: usize,
    pub checks: usize,
    /// The first check of a step that undoes others (the clean-up).
    pub cleanup_from: usize,
}

impl Class {
    /// A class of `learners` graded `gradings` times in `lab`.
    pub fn of(lab: &Lab, learners: usize, gradings: usize) -> Self {
        let cleanup = lab.steps.iter().filter(|s| !s.undoes.is_empty()).flat_map(|s| &s.checks).next();
        let checks = lab.checks().count();
        let cleanup_from = cleanup.and_then(|c| lab.checks().position(|x| x.id == c.id)).unwrap_or(checks);
        Self { learners, gradings, checks, cleanup_from }
    }

    pub fn learner(&self, i: usize) -> String {
        format!("syn-{i:05}")
    }

    /// How many checks, in lab order, learner `i` gets through.
    pub fn reach(&self, i: usize) -> usize {
        i % (self.checks + 1)
    }

    /// The grading (from 0) at which learner `i` first passes check `j`, if they ever do.
    pub fn passes_at(&self, i: usize, j: usize) -> Option<usize> {
        (j < self.reach(i) && j != BROKEN && j < self.cleanup_from)
            .then(|| (j * self.gradings / self.checks + i % 2).min(self.gradings - 1))
    }

    /// The message id of learner `i`'s failure of check `j`.
    pub fn reason(&self, i: usize, j: usize) -> String {
        if j == BROKEN { "synthetic-broken".to_owned() } else { format!("synthetic-{}", i % 7) }
    }

    /// When grading `g` was, RFC 3339.
    pub fn at(&self, g: usize) -> String {
        let at = time::OffsetDateTime::from_unix_timestamp(START + 60 * g as i64).unwrap();
        at.format(&time::format_description::well_known::Rfc3339).unwrap()
    }

    /// Learner `i`'s grading `g`.
    pub fn grading(&self, lab: &Lab, i: usize, g: usize) -> Grading {
        let mut report =
            Report::started(lab.info(&english()), &english(), Target { account_id: None, region: "us-east-1".into() });
        report.checks = lab
            .checks()
            .enumerate()
            .map(|(j, check)| {
                let passed = self.passes_at(i, j).is_some_and(|at| g >= at);
                let (status, message_id) =
                    if passed { (Status::Pass, "synthetic-ok".to_owned()) } else { (Status::Fail, self.reason(i, j)) };
                CheckResult {
                    id: check.id.clone(),
                    step: check.step.clone(),
                    title: check.title.default_text().to_owned(),
                    validator: check.validator_name.clone(),
                    status,
                    points: if passed { check.points } else { 0 },
                    max_points: check.points,
                    message: message_id.clone(),
                    message_id: Some(message_id),
                    message_source: None,
                    hint: None,
                    evidence: Default::default(),
                    duration: std::time::Duration::ZERO,
                    passed_at: None,
                    grading: None,
                }
            })
            .collect();
        report.tally();
        Grading {
            id: format!("g{i:012x}-{g:016x}"),
            learner: self.learner(i),
            lab: lab.id.clone(),
            graded_at: self.at(g),
            report,
            evidence: None,
        }
    }
}
