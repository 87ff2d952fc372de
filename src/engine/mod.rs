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

use crate::i18n::{Locale, Message, and, msg};
use crate::inventory::FactSource;
use crate::lab::Check;
use crate::model::{CheckResult, Evidence, Status};
use crate::providers::Read;

#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Time one check may take to read what it needs.
    pub check_timeout: Duration,
    /// Keep re-reading checks that did not pass until they pass or this much time has passed.
    pub wait: Option<Duration>,
    /// Pause between rounds with `wait`.
    pub poll_interval: Duration,
    /// The language of the results' titles, messages and hints (one the lab has: [`crate::lab::Lab::locale_for`]).
    pub locale: Locale,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            check_timeout: Duration::from_secs(60),
            wait: None,
            poll_interval: Duration::from_secs(3),
            locale: crate::i18n::english(),
        }
    }
}

/// Results in the order of `checks`, and how many rounds it took.
#[derive(Debug, Clone)]
pub struct Graded {
    pub results: Vec<CheckResult>,
    pub rounds: u32,
}

/// What became of one check, before it is written in the grading's language.
struct Judged {
    status: Status,
    message: Message,
    evidence: Evidence,
    duration: Duration,
}

impl Judged {
    fn new(status: Status, message: Message, started: Instant) -> Self {
        Self { status, message, evidence: Evidence::new(), duration: started.elapsed() }
    }

    /// The check's result, its title, message and hint in `locale`.
    fn result(self, check: &Check, locale: &Locale) -> CheckResult {
        let passed = self.status == Status::Pass;
        CheckResult {
            id: check.id.clone(),
            step: check.step.clone(),
            title: check.title.get(locale).to_owned(),
            validator: check.validator_name.clone(),
            status: self.status,
            points: if passed { check.points } else { 0 },
            max_points: check.points,
            message: self.message.render(locale),
            message_id: Some(self.message.id().to_owned()),
            message_source: Some(self.message),
            hint: (!passed).then(|| check.hint.get(locale).to_owned()),
            evidence: self.evidence,
            duration: self.duration,
            passed_at: None,
            grading: None,
        }
    }
}

async fn evaluate(check: &Check, source: &dyn FactSource, timeout: Duration) -> Judged {
    let started = Instant::now();
    let reads = check.validator.reads();
    let Ok(facts) = tokio::time::timeout(timeout, source.collect(&reads)).await else {
        return Judged::new(Status::Error, msg!("read-timed-out", seconds = timeout.as_secs_f64()), started);
    };
    match check.validator.evaluate(&facts) {
        Ok(verdict) => {
            let status = if verdict.passed { Status::Pass } else { Status::Fail };
            Judged { evidence: verdict.evidence, ..Judged::new(status, verdict.message, started) }
        }
        Err(err) => Judged::new(Status::Error, err.describe(), started),
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
    options: &EngineOptions,
) -> HashMap<String, CheckResult> {
    let locale = &options.locale;
    let mut futures: HashMap<&str, Shared<BoxFuture<'_, CheckResult>>> = HashMap::new();
    for check in prerequisites_first(checks) {
        let future = if let Some(done) = passed.get(&check.id) {
            futures::future::ready(done.clone()).boxed()
        } else {
            let prerequisites: Vec<_> = check.needs.iter().filter_map(|id| futures.get(id.as_str()).cloned()).collect();
            async move {
                let started = Instant::now();
                let blocking: Vec<Message> = join_all(prerequisites)
                    .await
                    .into_iter()
                    .filter(|r| r.status != Status::Pass)
                    .map(|r| msg!("not-checked-because", title = r.title, status = r.status.as_str()))
                    .collect();
                let judged = if blocking.is_empty() {
                    evaluate(check, source, options.check_timeout).await
                } else {
                    Judged::new(Status::Skip, msg!("not-checked", checks = and(blocking)), started)
                };
                judged.result(check, locale)
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
        let checks_done = round(checks, &passed, source.as_ref(), options).boxed();
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
