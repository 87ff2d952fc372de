//! The cohort view: a class's progress in one lab, for an instructor or a lab author. It is a pure function of the
//! lab and the learners' progress documents (each check's entry and its [`Trail`](crate::progress::Trail)), so every store answers it
//! the same way and the tests compute its figures independently.
//!
//! The figures and their rules (also in the book: docs/src/reference/cohort.md):
//! - per check: the learners who **attempted** it (a verdict, pass or fail) and who **passed** it; the **first-try
//!   pass rate** (passed on their first verdict, of those who attempted); the median and p90 **gradings to pass** and
//!   the median **time to pass** (from the first verdict to the first pass), over those who passed; **stuck here**:
//!   learners whose first check not passed, in lab order, is this one, and the median time since they first
//!   attempted it; the **failure reasons**: the message ids of the failures with counts, most first, each with an
//!   example: one learner's message now (the first by id), written in the reader's language;
//! - **may be broken** ([`BrokenRule`]): at least five learners, and a third of those who attempted it, fail it now
//!   with the same message id after trying it again (two verdicts or more) while every check it needs passed for
//!   them (the checks it names in `needs`, and for a clean-up check those of the steps it undoes); or at least five
//!   learners settled it (passed it, or fail it after trying again) and its settled pass rate is below half the
//!   mean of the other checks of its step. Learners who have not tried a check again are only arriving at it, so
//!   they count in neither rule;
//! - per step: how many learners completed it (every check passed) and the median time to do so (from the first
//!   verdict on one of its checks to the last first pass);
//! - per learner: score, last activity, and the check they are on (the first not passed, in lab order).

mod class;
mod format;
mod instants;
mod kept;
mod sources;

use serde::Serialize;

use crate::i18n::{Locale, Message, msg};
use crate::lab::Lab;
use crate::db::StoreError;
use crate::progress::Progress;

pub use class::Class;
pub(crate) use class::ratio;
pub use format::{CohortFormat, FormatError, content_security_policy};
pub use sources::Cohorts;

/// Why a check may be broken: the rule that flagged it. The answer states each rule in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BrokenRule {
    /// Many learners fail it with the same message while every check it needs passed for them.
    SameReason,
    /// Its pass rate is far below its step's.
    LowPassRate,
}

impl BrokenRule {
    pub const ALL: [BrokenRule; 2] = [BrokenRule::SameReason, BrokenRule::LowPassRate];

    /// Its id in the answer.
    pub fn id(self) -> &'static str {
        match self {
            BrokenRule::SameReason => "same-reason",
            BrokenRule::LowPassRate => "low-pass-rate",
        }
    }

    /// The rule in a few words, for a table.
    pub fn label(self) -> Message {
        match self {
            BrokenRule::SameReason => msg!("cohort-flag-same-reason"),
            BrokenRule::LowPassRate => msg!("cohort-flag-low-pass-rate"),
        }
    }

    /// The rule, in no language yet.
    pub fn message(self) -> Message {
        match self {
            BrokenRule::SameReason => msg!("cohort-rule-same-reason", learners = MIN_LEARNERS),
            BrokenRule::LowPassRate => msg!("cohort-rule-low-pass-rate", learners = MIN_LEARNERS),
        }
    }
}

/// A rule as the answer states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RuleText {
    pub rule: BrokenRule,
    pub text: String,
}

/// Learners needed before a check can be flagged.
const MIN_LEARNERS: usize = 5;

/// Which learners count.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only learners whose id starts with this (a class: `cs101-`).
    pub learner_prefix: Option<String>,
    /// Only learners active (last graded) at or after this time (RFC 3339).
    pub since: Option<String>,
    /// ... and at or before this one.
    pub until: Option<String>,
}

/// A class's figures in one lab.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = CohortFigures)]
pub struct Cohort {
    pub lab: String,
    /// When it was computed (RFC 3339): stuck times run to this.
    pub as_of: String,
    pub learners: usize,
    /// The rules behind the flags, as applied, in the reader's language.
    pub rules: Vec<RuleText>,
    pub steps: Vec<StepFigures>,
    pub checks: Vec<CheckFigures>,
    pub learner_rows: Vec<LearnerRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CheckFigures {
    pub id: String,
    pub step: String,
    pub attempted: usize,
    pub passed: usize,
    /// Passed on the first verdict, of those who attempted it.
    pub first_try_pass_rate: Option<f64>,
    pub gradings_to_pass_median: Option<f64>,
    pub gradings_to_pass_p90: Option<f64>,
    pub seconds_to_pass_median: Option<f64>,
    /// Learners failing it now after trying it again (two verdicts or more).
    pub failing_after_retry: usize,
    /// Learners whose first check not passed is this one.
    pub stuck: usize,
    /// Median seconds since the stuck learners first attempted it (those who never did are not timed).
    pub stuck_seconds_median: Option<f64>,
    /// Failures by message id, most first.
    pub failure_reasons: Vec<Reason>,
    /// Why it may be broken (the rule that fired, stated in `rules`), if it may.
    pub may_be_broken: Option<BrokenRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Reason {
    pub message_id: String,
    /// Failures with this message, over every learner's gradings.
    pub failures: u64,
    /// Learners failing it with this message now.
    pub learners_now: usize,
    /// One of those learners' messages (the first by learner id), in the reader's language; `None` when nobody
    /// fails with it now.
    pub example: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StepFigures {
    pub id: String,
    /// Learners who passed every check of the step.
    pub completed: usize,
    pub seconds_to_complete_median: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LearnerRow {
    pub learner: String,
    pub score: u32,
    pub last_activity: String,
    /// The first check not passed, in lab order; `None` when every check passed.
    pub on_check: Option<String>,
}

/// The cohort of `progresses` (documents read whole, one per learner of `lab`) that `filter` keeps, as of `now`
/// (RFC 3339), with its messages in `locale`.
pub fn compute(lab: &Lab, progresses: &[Progress], filter: &Filter, now: &str, locale: &Locale) -> Cohort {
    let mut class = Class::new(lab, filter.clone(), now, locale);
    for progress in progresses {
        class.add_progress(Some(progress));
    }
    class.finish()
}

/// The cohort of `lab` in `store` that `filter` keeps, as of now, with its messages in `locale`: the class read
/// through the store's index one document at a time.
pub async fn read(store: &(impl Cohorts + ?Sized), lab: &Lab, filter: Filter, locale: &Locale) -> Result<Cohort, StoreError> {
    let class = store.read_class(Class::new(lab, filter, &crate::clock::now(), locale)).await?;
    Ok(class.finish())
}

#[cfg(test)]
mod tests;
