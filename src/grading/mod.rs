//! One grading, from a lab's selected checks to a [`Report`]: the one code path behind `labcheck run` and the
//! service.

#[cfg(feature = "aws")]
mod account;

use std::sync::Arc;
use std::time::Instant;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::engine::{self, EngineOptions, Graded};
use crate::i18n::Locale;
use crate::inventory::FactSource;
use crate::lab::{Check, Lab};
use crate::model::{CheckResult, Report, Stats, StepInfo, Target};
use crate::providers::{Facts, Read};
use crate::snapshot::SnapshotSource;

#[cfg(feature = "aws")]
pub use account::{grade_account, grade_account_with_evidence, watch_account};

/// Grades `checks` of `lab` against recorded facts (no network).
pub async fn grade_facts(
    lab: &Lab,
    checks: &[&Check],
    facts: Facts,
    target: Target,
    options: &EngineOptions,
) -> Report {
    let started_at = OffsetDateTime::now_utc();
    let clock = Instant::now();
    let facts = Arc::new(facts);
    let new_source = move |_: &[Read]| -> Box<dyn FactSource> { Box::new(SnapshotSource::new(facts.clone())) };
    let graded = engine::grade(checks, &new_source, options).await;
    let stats = Stats { rounds: graded.rounds, ..Stats::default() };
    report(lab, graded, target, stats, started_at, clock, options)
}

fn report(
    lab: &Lab,
    graded: Graded,
    target: Target,
    stats: Stats,
    started_at: OffsetDateTime,
    clock: Instant,
    options: &EngineOptions,
) -> Report {
    let locale = &options.locale;
    let mut report = Report::started(lab.info(locale), locale, target);
    report.started_at = started_at.format(&Rfc3339).unwrap_or_default();
    report.duration = clock.elapsed();
    report.steps = steps_of(lab, &graded.results, locale);
    report.checks = graded.results;
    report.stats = stats;
    report.tally();
    report
}

/// The steps that have graded checks, in lab order.
fn steps_of(lab: &Lab, results: &[CheckResult], locale: &Locale) -> Vec<StepInfo> {
    lab.steps
        .iter()
        .filter(|s| results.iter().any(|r| r.step == s.id))
        .map(|s| StepInfo { id: s.id.clone(), title: s.title.get(locale).to_owned() })
        .collect()
}
