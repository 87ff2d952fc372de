//! Grading an account live: each round's facts read by the providers over one [`AwsSession`] (the `aws` feature).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures::FutureExt;
use futures::future::BoxFuture;
use time::OffsetDateTime;

use super::report;
use crate::aws::AwsSession;
use crate::engine::{self, EngineOptions, Graded};
use crate::inventory::{AwsInventory, FactSource};
use crate::lab::{Check, Lab};
use crate::model::{Report, Target};
use crate::providers::{Facts, Read};
use crate::snapshot::{Snapshot, SnapshotLab};

/// Grades `checks` of `lab` against the account `session` reaches.
pub async fn grade_account(lab: &Lab, checks: &[&Check], session: Arc<AwsSession>, options: &EngineOptions) -> Report {
    let round_session = session.clone();
    let new_source =
        move |plan: &[Read]| -> Box<dyn FactSource> { Box::new(AwsInventory::new(round_session.clone(), plan)) };
    grade_through(lab, checks, &session, &new_source, options).await
}

/// [`grade_account`], and the evidence: a snapshot of every fact the grading read (no secrets), which
/// `run --from` grades again. Only a grading whose evidence is kept asks for it: keeping it costs a copy of what a
/// round read when the engine still holds it.
pub async fn grade_account_with_evidence(
    lab: &Lab,
    checks: &[&Check],
    session: Arc<AwsSession>,
    options: &EngineOptions,
) -> (Report, Snapshot) {
    let round_session = session.clone();
    let rounds = Arc::new(Mutex::new(Vec::new()));
    let recorded = rounds.clone();
    let new_source = move |plan: &[Read]| -> Box<dyn FactSource> {
        let inventory = Box::new(AwsInventory::new(round_session.clone(), plan));
        Box::new(Recorder { source: inventory, rounds: recorded.clone() })
    };
    let report = grade_through(lab, checks, &session, &new_source, options).await;
    let rounds = std::mem::take(&mut *rounds.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let mut facts = Facts::default();
    for round in rounds {
        // The engine is done with the round's facts by now: they are moved, not copied.
        facts.merge(Arc::try_unwrap(round).unwrap_or_else(|shared| Facts::clone(&shared)));
    }
    let steps: Vec<String> = report.steps.iter().map(|s| s.id.clone()).collect();
    let lab_ref = SnapshotLab { id: lab.id.clone(), file: lab.file.display().to_string() };
    let evidence = Snapshot::new(lab_ref, steps, report.started_at.clone(), report.target.clone(), facts);
    (report, evidence)
}

/// One grading through `new_source`'s fact sources, with the account id read alongside.
async fn grade_through(
    lab: &Lab,
    checks: &[&Check],
    session: &AwsSession,
    new_source: &(dyn Fn(&[Read]) -> Box<dyn FactSource> + Sync),
    options: &EngineOptions,
) -> Report {
    let started_at = OffsetDateTime::now_utc();
    let clock = Instant::now();
    let (graded, account_id) =
        tokio::join!(engine::grade(checks, new_source, options), session.account_id(options.check_timeout));
    let target = Target { account_id, region: session.region().to_owned() };
    let stats = session.stats().snapshot(graded.rounds);
    report(lab, graded, target, stats, started_at, clock, options)
}

/// A round's fact source that keeps what it answers with (shared, not copied): the grading's evidence, merged in
/// order once the grading is done, so a later round (`--wait`) overwrites what it reads again.
struct Recorder {
    source: Box<dyn FactSource>,
    rounds: Arc<Mutex<Vec<Arc<Facts>>>>,
}

impl FactSource for Recorder {
    fn collect<'a>(&'a self, reads: &'a [Read]) -> BoxFuture<'a, Arc<Facts>> {
        async move {
            let facts = self.source.collect(reads).await;
            self.rounds.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(facts.clone());
            facts
        }
        .boxed()
    }
}

/// [`grade_account`] round after round (`options.wait`), showing each round's report to `on_report`, which may stop
/// the grading by answering `false`: `labcheck watch`.
pub async fn watch_account(
    lab: &Lab,
    checks: &[&Check],
    session: Arc<AwsSession>,
    options: &EngineOptions,
    on_report: &mut (dyn FnMut(&Report) -> bool + Send),
) -> Report {
    let started_at = OffsetDateTime::now_utc();
    let clock = Instant::now();
    let account_id = session.account_id(options.check_timeout).await;
    let target = Target { account_id, region: session.region().to_owned() };
    let round_session = session.clone();
    let new_source =
        move |plan: &[Read]| -> Box<dyn FactSource> { Box::new(AwsInventory::new(round_session.clone(), plan)) };
    let mut on_round = |graded: &Graded| {
        let stats = session.stats().snapshot(graded.rounds);
        on_report(&report(lab, graded.clone(), target.clone(), stats, started_at, clock, options))
    };
    let graded = engine::grade_watching(checks, &new_source, options, &mut on_round).await;
    let stats = session.stats().snapshot(graded.rounds);
    report(lab, graded, target, stats, started_at, clock, options)
}
