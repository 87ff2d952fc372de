//! `labcheck run` against an account (the `aws` feature): the learner's store opened first, the account read
//! live, and the grading kept in the learner's progress with its evidence.

use std::sync::Arc;

use super::RunArgs;
use crate::commands::{CliError, connect};
use crate::engine::EngineOptions;
use crate::grading;
use crate::lab::{Check, Lab};
use crate::model::Report;
use crate::progress;
use crate::snapshot::Snapshot;
use crate::store::Store;

/// The learner's store, opened before anything is read (one that cannot be used stops the run); the learner's
/// progress says what they built, which checks with `recall` judge.
pub(super) async fn open_learner_store(args: &RunArgs, lab: Lab) -> Result<(Lab, Option<Arc<dyn Store>>), CliError> {
    let Some(learner) = &args.learner.learner else {
        return Ok((lab, None));
    };
    let store = args.learner.store.spec().map_err(CliError::Store)?.open(None, args.learner.evidence_days).await?;
    let lab = if lab.recalls(&args.steps) {
        let progress = store.progress(learner, &lab.id).await?;
        lab.recalling(progress::recalled(progress.as_ref()))
    } else {
        lab
    };
    Ok((lab, Some(store)))
}

/// Grades the account the credential chain reaches; with a store, also the evidence to keep.
pub(super) async fn grade(
    lab: &Lab,
    checks: &[&Check],
    args: &RunArgs,
    keeping: bool,
    options: &EngineOptions,
) -> Result<(Report, Option<Snapshot>), CliError> {
    let session = Arc::new(connect(&args.aws).await?);
    // Evidence is read only to be kept with the learner's progress.
    Ok(if keeping {
        let (report, evidence) = grading::grade_account_with_evidence(lab, checks, session, options).await;
        (report, Some(evidence))
    } else {
        (grading::grade_account(lab, checks, session, options).await, None)
    })
}

/// With a learner and a store, keeps the grading in the learner's progress (the report then says whether it was
/// kept) and drops evidence older than `--evidence-days`.
pub(super) async fn keep(
    store: Option<&dyn Store>,
    lab: &Lab,
    args: &RunArgs,
    mut report: Report,
    evidence: Option<Snapshot>,
) -> Report {
    let (Some(store), Some(learner), Some(evidence)) = (store, &args.learner.learner, evidence) else {
        return report;
    };
    report.recorded = Some(progress::keep(store, Arc::new(lab.clone()), learner, &report, evidence).await.0);
    if let Some(days) = args.learner.evidence_days
        && let Err(e) = store.forget_evidence_before(&progress::days_ago(days)).await
    {
        eprintln!("labcheck: warning: old evidence was not dropped: {e}");
    }
    report
}
