//! Lab progress: a learner's best result per check, accumulated over gradings, and each grading kept with its
//! evidence (the facts it read), in a store (its port: [`ProgressStore`]).
//!
//! The rules (also in the book: docs/src/reference/progress.md):
//! - A check's entry is its best result so far: a pass stays a pass (with when it first passed and the grading
//!   that earned it); otherwise the latest verdict, except that a grading which could not read the account
//!   (`error`) does not replace an earlier pass, fail or skip.
//! - A check of a step that `undoes` earlier steps (the cleanup) counts only once every check of those steps had
//!   passed in an earlier grading of this learner's progress: a fresh account has cleaned up nothing.
//! - The lab's score is the sum of the entries that passed.
//!
//! Merging is a pure function ([`merge`]); a store only reads, merges and writes one learner's progress atomically
//! (a transaction in SQLite, a conditional write in DynamoDB), so two gradings at once never lose an update.

#[cfg(feature = "aws")]
mod dynamodb;
mod sqlite;
mod outline;
mod trail;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::i18n::{Locale, Message, msg};
use crate::lab::Lab;
use crate::model::{CheckResult, Evidence, Recorded, Report, Status};
use crate::db::StoreError;
use crate::snapshot::Snapshot;

pub use outline::outline;
pub use trail::{Trail, prerequisites};

/// One grading as kept: who, which lab, when, the report and the evidence (none once retention dropped it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grading {
    pub id: String,
    pub learner: String,
    pub lab: String,
    /// RFC 3339, UTC.
    pub graded_at: String,
    pub report: Report,
    /// The facts the grading read (no secrets); `None` after `--evidence-days`.
    pub evidence: Option<Snapshot>,
}

/// A learner's progress in one lab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub learner: String,
    pub lab: String,
    /// Each graded check's best result, by check id.
    pub checks: BTreeMap<String, CheckProgress>,
    /// How many gradings were merged.
    pub gradings: u64,
    /// RFC 3339, UTC: the last merged grading.
    pub updated_at: String,
}

/// One check's best result so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckProgress {
    pub status: Status,
    pub points: u32,
    pub max_points: u32,
    pub message: String,
    /// The message's catalogue id, the same in every language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The message in no language yet, to write it in the reader's language (`message` is in the grading's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_source: Option<Message>,
    /// When it first passed (RFC 3339); set once, never changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed_at: Option<String>,
    /// The grading that gave this result.
    pub grading: String,
    /// The verdict's evidence: what this learner built (ids, names), never a secret.
    #[serde(default)]
    pub evidence: Evidence,
    /// How the learner got here, over every grading that judged the check.
    #[serde(default)]
    pub trail: Trail,
}

impl CheckProgress {
    /// Its message in `locale`: written again from its source when this labcheck knows it, else as it was kept.
    pub fn message_in(&self, locale: &Locale) -> String {
        self.message_source
            .as_ref()
            .and_then(|source| source.render_kept(locale))
            .unwrap_or_else(|| self.message.clone())
    }
}

impl Progress {
    pub fn new(learner: &str, lab: &str) -> Self {
        Self {
            learner: learner.to_owned(),
            lab: lab.to_owned(),
            checks: BTreeMap::new(),
            gradings: 0,
            updated_at: String::new(),
        }
    }

    pub fn score(&self) -> u32 {
        self.checks.values().filter(|c| c.status == Status::Pass).map(|c| c.points).sum()
    }

    /// When the last merge was, to the microsecond: later than every earlier merge's (see [`merge`]).
    pub fn stamp(&self) -> Option<time::OffsetDateTime> {
        crate::clock::parse(&self.updated_at).map(to_microsecond)
    }

    pub(crate) fn passed(&self, check: &str) -> bool {
        self.checks.get(check).is_some_and(|c| c.status == Status::Pass)
    }
}

/// How much a result is worth keeping over another: a pass, then a verdict, then an unreadable account.
fn rank(status: Status) -> u8 {
    match status {
        Status::Pass => 2,
        Status::Fail | Status::Skip => 1,
        Status::Error => 0,
    }
}

/// `previous` progress with `grading`'s results merged in, by the rules of the module doc.
pub fn merge(previous: Option<Progress>, lab: &Lab, grading: &Grading) -> Progress {
    let mut progress = previous.unwrap_or_else(|| Progress::new(&grading.learner, &grading.lab));
    let before = progress.clone();
    let locale = grading.report.locale();
    // Each check's verdict in this grading, as merged (a clean-up pass that comes too early is a skip).
    let mut verdicts = Vec::with_capacity(grading.report.checks.len());
    for result in &grading.report.checks {
        let mut entry = CheckProgress {
            status: result.status,
            points: result.points,
            max_points: result.max_points,
            message: result.message.clone(),
            message_id: result.message_id.clone(),
            message_source: result.message_source.clone(),
            passed_at: (result.status == Status::Pass).then(|| grading.graded_at.clone()),
            grading: grading.id.clone(),
            evidence: result.evidence.clone(),
            trail: Trail::default(),
        };
        if result.status == Status::Pass
            && let Some(waiting) = undone_too_early(lab, &before, &result.id, &locale)
        {
            (entry.status, entry.points, entry.message, entry.passed_at) =
                (Status::Skip, 0, waiting.render(&locale), None);
            entry.message_id = Some(waiting.id().to_owned());
            entry.message_source = Some(waiting);
        }
        let trail = before.checks.get(&result.id).map(|old| old.trail.clone()).unwrap_or_default();
        // A pass stays as it first came (when, which grading); otherwise only a better result is kept over the new.
        let keep_previous = before
            .checks
            .get(&result.id)
            .is_some_and(|old| old.status == Status::Pass || rank(old.status) > rank(entry.status));
        if !keep_previous {
            progress.checks.insert(result.id.clone(), CheckProgress { trail, ..entry.clone() });
        }
        verdicts.push(entry);
    }
    trail::follow(&mut progress, &before, lab, &grading.report.checks, &verdicts, &grading.graded_at);
    progress.gradings += 1;
    progress.updated_at = later_than(&before, &grading.graded_at);
    progress
}

/// When a merge of a grading made at `graded_at` into `before` is stamped: that time, unless it is no later (to the
/// microsecond) than `before`'s stamp, then a microsecond after it. Merges of one progress are serialized by its store
/// (one writer; a conditional write), so the stamps of a progress grow with every merge whatever order its gradings
/// ended in and whichever replica merged them, and a score stamped with its progress's [`Progress::stamp`] is later
/// than every score made from an older progress.
fn later_than(before: &Progress, graded_at: &str) -> String {
    let (Some(graded), Some(previous)) = (crate::clock::parse(graded_at), before.stamp()) else {
        return graded_at.to_owned();
    };
    if to_microsecond(graded) > previous {
        graded_at.to_owned()
    } else {
        let next = previous + time::Duration::microseconds(1);
        next.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| graded_at.to_owned())
    }
}

fn to_microsecond(at: time::OffsetDateTime) -> time::OffsetDateTime {
    at.replace_nanosecond(at.nanosecond() / 1_000 * 1_000).unwrap_or(at)
}

/// For a check of a step that undoes others: why its pass does not count yet (the undone steps whose checks had not
/// all passed before), or `None` when it counts.
fn undone_too_early(lab: &Lab, before: &Progress, check: &str, locale: &Locale) -> Option<Message> {
    let step = lab.steps.iter().find(|s| s.checks.iter().any(|c| c.id == check))?;
    let pending: Vec<String> = step
        .undoes
        .iter()
        .filter_map(|id| lab.steps.iter().find(|s| &s.id == id))
        .filter(|undone| !undone.checks.iter().all(|c| before.passed(&c.id)))
        .map(|undone| undone.title.get(locale).to_owned())
        .collect();
    (!pending.is_empty()).then(|| msg!("progress-cleanup-too-early", steps = crate::i18n::and(pending)))
}

/// What this learner built, for [`Lab::recalling`]: the evidence `key` of `check`, if it passed in their progress.
pub fn recalled<'a>(progress: Option<&'a Progress>) -> impl Fn(&str, &str) -> Option<serde_json::Value> + 'a {
    move |check, key| {
        let entry = progress?.checks.get(check).filter(|c| c.status == Status::Pass)?;
        entry.evidence.get(key).cloned()
    }
}

/// The progress as a report over the whole lab, for every format: each check's best result with when it passed;
/// checks never graded are `skip`.
pub fn report(lab: &Lab, progress: &Progress, locale: &Locale) -> Report {
    let checks = lab
        .checks()
        .map(|check| {
            let entry = progress.checks.get(&check.id);
            let status = entry.map_or(Status::Skip, |e| e.status);
            CheckResult {
                id: check.id.clone(),
                step: check.step.clone(),
                title: check.title.get(locale).to_owned(),
                validator: check.validator_name.clone(),
                status,
                points: entry.map_or(0, |e| e.points),
                max_points: check.points,
                message: entry.map_or_else(|| msg!("progress-not-graded").render(locale), |e| e.message_in(locale)),
                message_id: entry.map_or_else(|| Some("progress-not-graded".to_owned()), |e| e.message_id.clone()),
                message_source: None,
                hint: (status != Status::Pass).then(|| check.hint.get(locale).to_owned()),
                evidence: entry.map(|e| e.evidence.clone()).unwrap_or_default(),
                duration: std::time::Duration::ZERO,
                passed_at: entry.and_then(|e| e.passed_at.clone()),
                grading: entry.map(|e| e.grading.clone()),
            }
        })
        .collect::<Vec<_>>();
    let mut report = Report::started(lab.info(locale), locale, crate::model::Target { account_id: None, region: String::new() });
    report.started_at = progress.updated_at.clone();
    report.steps = lab
        .steps
        .iter()
        .filter(|s| !s.checks.is_empty())
        .map(|s| crate::model::StepInfo { id: s.id.clone(), title: s.title.get(locale).to_owned() })
        .collect();
    report.checks = checks;
    report.stats.rounds = u32::try_from(progress.gradings).unwrap_or(u32::MAX);
    report.tally();
    report
}

/// Where progress and gradings are kept: this domain's port, which each store implements (the store module
/// above the domains puts every domain's port together).
pub trait ProgressStore: Send + Sync + fmt::Debug {
    /// Keeps `grading` and merges it into its learner's progress in `lab` ([`merge`]), atomically: both or
    /// neither, and two gradings of one learner at once both count. Returns the progress after the merge.
    fn record<'a>(&'a self, lab: Arc<Lab>, grading: Grading) -> BoxFuture<'a, Result<Progress, StoreError>>;

    /// A learner's progress in a lab, if they were ever graded in it.
    fn progress<'a>(&'a self, learner: &'a str, lab: &'a str) -> BoxFuture<'a, Result<Option<Progress>, StoreError>>;

    /// One grading with its evidence.
    fn grading<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Grading>, StoreError>>;

    /// Drops the evidence of gradings before `cutoff` (RFC 3339); their reports and all progress stay. Returns how
    /// many gradings lost their evidence.
    fn forget_evidence_before<'a>(&'a self, cutoff: &'a str) -> BoxFuture<'a, Result<u64, StoreError>>;

    /// Whether the store drops old evidence itself (DynamoDB's TTL on what it writes), so that nothing need scan
    /// for it. The service prunes only stores that do not.
    fn expires_evidence(&self) -> bool {
        false
    }
}

/// Keeps a grading in `learner`'s progress and says what became of it: kept (with the score now), or why not; and
/// the progress after it, when kept.
/// The verdicts stand either way.
pub async fn keep(
    store: &dyn ProgressStore,
    lab: Arc<Lab>,
    learner: &str,
    report: &Report,
    evidence: Snapshot,
) -> (Recorded, Option<Progress>) {
    // Evidence is a record of the learner's account: only what regrading it needs is kept.
    let evidence = Snapshot { facts: evidence.facts.for_evidence(), ..evidence };
    let grading = Grading {
        id: new_grading_id(),
        learner: learner.to_owned(),
        lab: lab.id.clone(),
        graded_at: report.started_at.clone(),
        report: report.clone(),
        evidence: Some(evidence),
    };
    let grading_id = grading.id.clone();
    let max_score = lab.max_score();
    match store.record(lab, grading).await {
        Ok(progress) => {
            let kept = Recorded::Kept { grading_id, learner: learner.to_owned(), score: progress.score(), max_score };
            (kept, Some(progress))
        }
        Err(error) => (Recorded::NotKept { error: error.to_string() }, None),
    }
}

/// The longest `--evidence-days`: a hundred years (longer spans overflow the dates evidence is kept by).
pub const MAX_EVIDENCE_DAYS: u64 = 36_500;

/// `--evidence-days` as a setting (`LABCHECK_EVIDENCE_DAYS`): 1 to [`MAX_EVIDENCE_DAYS`].
pub fn evidence_days(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(days) if (1..=MAX_EVIDENCE_DAYS).contains(&days) => Ok(days),
        _ => Err(format!("`{}` is not a number of days from 1 to {MAX_EVIDENCE_DAYS}", text.escape_debug())),
    }
}

/// The RFC 3339 time `days` days ago (at most [`MAX_EVIDENCE_DAYS`]).
pub fn days_ago(days: u64) -> String {
    let days = i64::try_from(days.min(MAX_EVIDENCE_DAYS)).expect("a hundred years of days fit");
    let then = time::OffsetDateTime::now_utc() - time::Duration::days(days);
    then.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A new grading id: time-ordered (milliseconds since the epoch, in hex) and random, e.g. `g019a8c4e2f1b-4be1...`.
pub fn new_grading_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let millis = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let mut random = std::collections::hash_map::RandomState::new().build_hasher();
    random.write_i128(millis);
    format!("g{millis:012x}-{:016x}", random.finish())
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
