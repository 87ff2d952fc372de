//! The cohort view: a class's progress in one lab, for an instructor or a lab author. It is a pure function of the
//! lab and the learners' progress documents (each check's entry and its [`Trail`]), so every store answers it
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

mod format;
mod instants;
mod sources;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::i18n::{Locale, Message, msg};
use crate::lab::Lab;
use crate::model::Status;
use crate::progress::{CheckProgress, Progress};
use instants::seconds;

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

/// The cohort of `progresses` (one per learner of `lab`) that `filter` keeps, as of `now` (RFC 3339), with its
/// example messages in `locale`.
pub fn compute(lab: &Lab, progresses: &[Progress], filter: &Filter, now: &str, locale: &Locale) -> Cohort {
    let mut kept: Vec<&Progress> = progresses.iter().filter(|p| p.lab == lab.id && keeps(filter, p)).collect();
    kept.sort_by(|a, b| a.learner.cmp(&b.learner));
    let now_text = now;
    let now = seconds(now).unwrap_or(0.0);
    let ids: Vec<&str> = lab.checks().map(|c| c.id.as_str()).collect();
    let class: Vec<Seen> = kept.iter().map(|p| Seen::of(p, &ids)).collect();
    let mut checks: Vec<CheckFigures> = lab
        .checks()
        .enumerate()
        .map(|(j, check)| figures(j, check, &needs_of(lab, check, &ids), &class, now, locale))
        .collect();
    flag_low_pass_rates(&mut checks);
    Cohort {
        lab: lab.id.clone(),
        as_of: now_text.to_owned(),
        learners: kept.len(),
        rules: BrokenRule::ALL.map(|rule| RuleText { rule, text: rule.message().render(locale) }).into(),
        steps: lab.steps.iter().filter(|s| !s.checks.is_empty()).map(|s| step_figures(s, &kept)).collect(),
        checks,
        learner_rows: class
            .iter()
            .map(|seen| LearnerRow {
                learner: seen.progress.learner.clone(),
                score: seen.progress.score(),
                last_activity: seen.progress.updated_at.clone(),
                on_check: seen.on.map(|j| ids[j].to_owned()),
            })
            .collect(),
    }
}

fn keeps(filter: &Filter, progress: &Progress) -> bool {
    let prefix = filter.learner_prefix.as_deref().is_none_or(|prefix| progress.learner.starts_with(prefix));
    if filter.since.is_none() && filter.until.is_none() {
        return prefix;
    }
    let at = seconds(&progress.updated_at);
    let since = filter.since.as_deref().and_then(seconds).is_none_or(|since| at.is_some_and(|at| at >= since));
    let until = filter.until.as_deref().and_then(seconds).is_none_or(|until| at.is_some_and(|at| at <= until));
    prefix && since && until
}

fn passed(progress: &Progress, check: &str) -> bool {
    progress.checks.get(check).is_some_and(|c| c.status == Status::Pass)
}

/// A learner as the figures read them: their entries in lab order, each looked up once.
struct Seen<'a> {
    progress: &'a Progress,
    entries: Vec<Option<&'a CheckProgress>>,
    /// The first check not passed, in lab order (an index), if any.
    on: Option<usize>,
}

impl<'a> Seen<'a> {
    fn of(progress: &'a Progress, ids: &[&str]) -> Self {
        let entries: Vec<Option<&CheckProgress>> = ids.iter().map(|id| progress.checks.get(*id)).collect();
        let on = entries.iter().position(|e| !e.is_some_and(|e| e.status == Status::Pass));
        Self { progress, entries, on }
    }

    fn passed(&self, j: usize) -> bool {
        self.entries[j].is_some_and(|e| e.status == Status::Pass)
    }
}

/// What `check` needs passed before failing it says something about the check (indexes in lab order): its
/// `needs`, and for a check of a step that undoes others (the clean-up), every check of those steps.
fn needs_of(lab: &Lab, check: &crate::lab::Check, ids: &[&str]) -> Vec<usize> {
    let needs = crate::progress::prerequisites(lab, check);
    needs.filter_map(|need| ids.iter().position(|id| *id == need)).collect()
}

/// Check `j`'s figures over `class`.
fn figures(
    j: usize,
    check: &crate::lab::Check,
    needs: &[usize],
    class: &[Seen],
    now: f64,
    locale: &Locale,
) -> CheckFigures {
    let entries: Vec<(&Seen, &CheckProgress)> =
        class.iter().filter_map(|seen| seen.entries[j].map(|e| (seen, e))).collect();
    let attempted: Vec<&CheckProgress> = entries.iter().map(|(_, e)| *e).filter(|e| e.trail.judged > 0).collect();
    let passers: Vec<&CheckProgress> = attempted.iter().copied().filter(|e| e.trail.judged_to_pass.is_some()).collect();
    let first_try = attempted.iter().filter(|e| e.trail.judged_to_pass == Some(1)).count();
    let to_pass: Vec<f64> = passers.iter().filter_map(|e| e.trail.judged_to_pass).map(f64::from).collect();
    let time_to_pass: Vec<f64> = passers
        .iter()
        .filter_map(|e| Some(seconds(e.passed_at.as_deref()?)? - seconds(e.trail.first_judged_at.as_deref()?)?))
        .collect();
    let stuck: Vec<&Seen> = class.iter().filter(|seen| seen.on == Some(j)).collect();
    let stuck_for: Vec<f64> = stuck
        .iter()
        .filter_map(|seen| Some((now - seconds(seen.entries[j]?.trail.first_judged_at.as_deref()?)?).max(0.0)))
        .collect();
    // Failing now after trying again: by message, those whose needs all passed.
    let retried: Vec<(&Seen, &CheckProgress)> =
        entries.iter().copied().filter(|(_, e)| e.status == Status::Fail && e.trail.judged >= 2).collect();
    let mut alike: BTreeMap<&str, usize> = BTreeMap::new();
    for (seen, entry) in &retried {
        if let Some(id) = entry.message_id.as_deref()
            && needs.iter().all(|&need| seen.passed(need))
        {
            *alike.entry(id).or_default() += 1;
        }
    }
    let same_reason = alike.values().any(|&n| n >= MIN_LEARNERS && n * 3 >= attempted.len());
    CheckFigures {
        id: check.id.clone(),
        step: check.step.clone(),
        attempted: attempted.len(),
        passed: passers.len(),
        first_try_pass_rate: ratio(first_try, attempted.len()),
        gradings_to_pass_median: quantile(&to_pass, 0.5),
        gradings_to_pass_p90: quantile(&to_pass, 0.9),
        seconds_to_pass_median: quantile(&time_to_pass, 0.5),
        failing_after_retry: retried.len(),
        stuck: stuck.len(),
        stuck_seconds_median: quantile(&stuck_for, 0.5),
        failure_reasons: reasons(entries.iter().map(|(_, e)| *e), locale),
        may_be_broken: same_reason.then_some(BrokenRule::SameReason),
    }
}

/// A reason's tally: failures, learners failing with it now, and the first of those learners' entry.
#[derive(Default)]
struct Tally<'a> {
    failures: u64,
    learners_now: usize,
    example: Option<&'a CheckProgress>,
}

/// The failure reasons of `entries` (in learner order).
fn reasons<'a>(entries: impl Iterator<Item = &'a CheckProgress>, locale: &Locale) -> Vec<Reason> {
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    for entry in entries {
        for (id, n) in &entry.trail.failures {
            tallies.entry(id).or_default().failures += u64::from(*n);
        }
        if entry.status == Status::Fail
            && let Some(id) = entry.message_id.as_deref()
        {
            let tally = tallies.entry(id).or_default();
            tally.learners_now += 1;
            tally.example.get_or_insert(entry);
        }
    }
    let mut reasons: Vec<Reason> = tallies
        .into_iter()
        .map(|(id, tally)| Reason {
            message_id: id.to_owned(),
            failures: tally.failures,
            learners_now: tally.learners_now,
            example: tally.example.map(|entry| entry.message_in(locale)),
        })
        .collect();
    reasons.sort_by(|a, b| b.failures.cmp(&a.failures).then_with(|| a.message_id.cmp(&b.message_id)));
    reasons
}

/// The second flag: a settled pass rate (passed, of those who passed or fail after trying again) below half the
/// mean of the step's other checks.
fn flag_low_pass_rates(checks: &mut [CheckFigures]) {
    let settled = |c: &CheckFigures| c.passed + c.failing_after_retry;
    let rate = |c: &CheckFigures| ratio(c.passed, settled(c));
    let rates: Vec<Option<f64>> = checks.iter().map(rate).collect();
    for i in 0..checks.len() {
        let others: Vec<f64> = (0..checks.len())
            .filter(|&j| j != i && checks[j].step == checks[i].step)
            .filter_map(|j| rates[j])
            .collect();
        let (Some(own), false) = (rates[i], others.is_empty()) else { continue };
        let mean = others.iter().sum::<f64>() / others.len() as f64;
        if settled(&checks[i]) >= MIN_LEARNERS && own < mean / 2.0 && checks[i].may_be_broken.is_none() {
            checks[i].may_be_broken = Some(BrokenRule::LowPassRate);
        }
    }
}

fn step_figures(step: &crate::lab::Step, learners: &[&Progress]) -> StepFigures {
    let completed: Vec<&&Progress> = learners.iter().filter(|p| step.checks.iter().all(|c| passed(p, &c.id))).collect();
    let durations: Vec<f64> = completed
        .iter()
        .filter_map(|p| {
            let entries: Vec<_> = step.checks.iter().filter_map(|c| p.checks.get(&c.id)).collect();
            let start = entries.iter().filter_map(|e| seconds(e.trail.first_judged_at.as_deref()?)).reduce(f64::min)?;
            let end = entries.iter().filter_map(|e| seconds(e.passed_at.as_deref()?)).reduce(f64::max)?;
            Some(end - start)
        })
        .collect();
    StepFigures {
        id: step.id.clone(),
        completed: completed.len(),
        seconds_to_complete_median: quantile(&durations, 0.5),
    }
}

pub(crate) fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The `q` quantile by the nearest-rank method (the median of 1, 2, 3, 4 is 2; its p90 is 4).
fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Now, in RFC 3339: the `now` of a cohort asked for now.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests;
