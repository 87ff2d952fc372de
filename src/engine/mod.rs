//! The check engine: evaluates selected checks concurrently against one fact source per round.
//!
//! Each check waits only for the checks it `needs`; a check whose prerequisite did not pass is `skip`. Facts are
//! read through the round's [`FactSource`], which reads each collection once however many checks ask for it.
//! Every read of the round starts at once, before any check waits for a prerequisite: a grading takes the depth of
//! its read dependencies in round trips (the REST API list, then its resources, stages and probes), not that depth
//! plus the chain of `needs`. A read started for a check that ends up skipped is dropped with the round.
//! With `wait`, checks that did not pass are evaluated again on fresh reads until they pass or time is up.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, FutureExt, Shared, join_all};

use crate::facts::Read;
use crate::inventory::FactSource;
use crate::lab::Check;
use crate::model::{CheckResult, Evidence, Status};

#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Time one check may take to read what it needs.
    pub check_timeout: Duration,
    /// Keep re-reading checks that did not pass until they pass or this much time has passed.
    pub wait: Option<Duration>,
    /// Pause between rounds with `wait`.
    pub poll_interval: Duration,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self { check_timeout: Duration::from_secs(60), wait: None, poll_interval: Duration::from_secs(3) }
    }
}

/// Results in the order of `checks`, and how many rounds it took.
#[derive(Debug, Clone)]
pub struct Graded {
    pub results: Vec<CheckResult>,
    pub rounds: u32,
}

fn result(check: &Check, status: Status, message: String, evidence: Evidence, duration: Duration) -> CheckResult {
    let passed = status == Status::Pass;
    CheckResult {
        id: check.id.clone(),
        step: check.step.clone(),
        title: check.title.clone(),
        validator: check.validator_name.clone(),
        status,
        points: if passed { check.points } else { 0 },
        max_points: check.points,
        message,
        hint: (!passed).then(|| check.hint.clone()),
        evidence,
        duration,
    }
}

async fn evaluate(check: &Check, source: &dyn FactSource, timeout: Duration) -> CheckResult {
    let started = Instant::now();
    let reads = check.validator.reads();
    let Ok(facts) = tokio::time::timeout(timeout, source.collect(&reads)).await else {
        let message = format!("timed out after {timeout:?} reading the account");
        return result(check, Status::Error, message, Evidence::new(), started.elapsed());
    };
    match check.validator.evaluate(&facts) {
        Ok(verdict) => {
            let status = if verdict.passed { Status::Pass } else { Status::Fail };
            result(check, status, verdict.message, verdict.evidence, started.elapsed())
        }
        Err(err) => result(check, Status::Error, err.to_string(), Evidence::new(), started.elapsed()),
    }
}

/// `checks` ordered so that every check comes after the checks it needs (ids outside `checks` are ignored).
fn prerequisites_first<'a>(checks: &[&'a Check]) -> Vec<&'a Check> {
    let by_id: HashMap<&str, &Check> = checks.iter().map(|c| (c.id.as_str(), *c)).collect();
    let mut ordered = Vec::with_capacity(checks.len());
    let mut placed = std::collections::HashSet::new();
    fn place<'a>(
        check: &'a Check,
        by_id: &HashMap<&str, &'a Check>,
        placed: &mut std::collections::HashSet<&'a str>,
        ordered: &mut Vec<&'a Check>,
    ) {
        if !placed.insert(check.id.as_str()) {
            return;
        }
        for need in &check.needs {
            if let Some(prerequisite) = by_id.get(need.as_str()) {
                place(prerequisite, by_id, placed, ordered);
            }
        }
        ordered.push(check);
    }
    for check in checks {
        place(check, &by_id, &mut placed, &mut ordered);
    }
    ordered
}

/// One round: every check not already `passed` is evaluated against `source`.
async fn round(
    checks: &[&Check],
    passed: &HashMap<String, CheckResult>,
    source: &dyn FactSource,
    timeout: Duration,
) -> HashMap<String, CheckResult> {
    let mut futures: HashMap<&str, Shared<BoxFuture<'_, CheckResult>>> = HashMap::new();
    for check in prerequisites_first(checks) {
        let future = if let Some(done) = passed.get(&check.id) {
            futures::future::ready(done.clone()).boxed()
        } else {
            let prerequisites: Vec<_> = check.needs.iter().filter_map(|id| futures.get(id.as_str()).cloned()).collect();
            async move {
                let started = Instant::now();
                let blocking: Vec<String> = join_all(prerequisites)
                    .await
                    .into_iter()
                    .filter(|r| r.status != Status::Pass)
                    .map(|r| format!("\"{}\" ({})", r.title, r.status.as_str()))
                    .collect();
                if blocking.is_empty() {
                    evaluate(check, source, timeout).await
                } else {
                    let message = format!("not checked: needs {} to pass first", blocking.join(" and "));
                    result(check, Status::Skip, message, Evidence::new(), started.elapsed())
                }
            }
            .boxed()
        };
        futures.insert(check.id.as_str(), future.shared());
    }
    let ids: Vec<&str> = futures.keys().copied().collect();
    let results = join_all(futures.into_values()).await;
    ids.into_iter().map(str::to_owned).zip(results).collect()
}

/// Grades `checks`. `new_source` builds the fact source of a round from every need of that round.
pub async fn grade(
    checks: &[&Check],
    new_source: &(dyn Fn(&[Read]) -> Box<dyn FactSource> + Sync),
    options: &EngineOptions,
) -> Graded {
    grade_watching(checks, new_source, options, &mut |_| true).await
}

/// [`grade`], calling `on_round` with each round's results (in the order of `checks`); it stops early when
/// `on_round` answers `false`.
pub async fn grade_watching(
    checks: &[&Check],
    new_source: &(dyn Fn(&[Read]) -> Box<dyn FactSource> + Sync),
    options: &EngineOptions,
    on_round: &mut (dyn FnMut(&Graded) -> bool + Send),
) -> Graded {
    let started = Instant::now();
    let mut passed: HashMap<String, CheckResult> = HashMap::new();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let plan: Vec<Read> =
            checks.iter().filter(|c| !passed.contains_key(&c.id)).flat_map(|c| c.validator.reads()).collect();
        let source = new_source(&plan);
        let checks_done = round(checks, &passed, source.as_ref(), options.check_timeout).boxed();
        let latest = match futures::future::select(checks_done, source.collect(&plan)).await {
            // The checks are done: whatever is still being read was for checks that did not need it after all.
            futures::future::Either::Left((latest, _unneeded)) => latest,
            futures::future::Either::Right((_, checks_done)) => checks_done.await,
        };
        let all_passed = latest.values().all(|r| r.status == Status::Pass);
        let time_left = options.wait.is_some_and(|wait| started.elapsed() + options.poll_interval < wait);
        let graded = Graded { results: checks.iter().map(|c| latest[&c.id].clone()).collect(), rounds };
        let go_on = on_round(&graded);
        if all_passed || !time_left || !go_on {
            return graded;
        }
        passed.extend(latest.into_iter().filter(|(_, r)| r.status == Status::Pass));
        tracing::info!(round = rounds, pending = checks.len() - passed.len(), "not all checks pass yet; reading again");
        tokio::time::sleep(options.poll_interval).await;
    }
}

#[cfg(test)]
mod tests;
