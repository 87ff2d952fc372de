use crate::providers::apigateway;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use super::*;
use crate::facts::{FactError, FactErrorKind};
use crate::i18n::Text;
use crate::model::Verdict;
use crate::providers::Facts;
use crate::validators::Validator;

/// Passes when a usage plan with this name exists.
#[derive(Debug)]
struct PlanNamed(&'static str);

impl Validator for PlanNamed {
    fn reads(&self) -> Vec<Read> {
        vec![Read::from(apigateway::Read::UsagePlans)]
    }

    fn judges(&self) -> Vec<crate::validators::Judged> {
        vec![crate::validators::Judged::field("usage_plans[].name")]
    }

    fn evaluate(&self, facts: &Facts) -> Result<Verdict, FactError> {
        let found = facts.apigateway.usage_plans()?.iter().any(|p| p.name == self.0);
        Ok(if found {
            Verdict::pass(msg!("plan-limits", plan = self.0, limits = "none"))
        } else {
            Verdict::fail(msg!("plan-missing", plan = self.0))
        })
    }
}

fn check(id: &str, validator: impl Validator + 'static, needs: &[&str]) -> Check {
    Check {
        id: id.into(),
        title: Text::plain(format!("Title of {id}")),
        step: "s".into(),
        validator_name: "test".into(),
        validator: Arc::new(validator),
        points: 2,
        hint: Text::plain(format!("hint for {id}")),
        description: None,
        needs: needs.iter().map(|s| (*s).to_owned()).collect(),
        params: toml::Table::new(),
        recall: Vec::new(),
        line: 1,
    }
}

fn plans(names: &[&str]) -> Facts {
    crate::providers::testing::usage_plans(names)
}

/// Serves fixed facts, optionally slowly, and counts collects.
struct Fixed {
    facts: Facts,
    delay: Duration,
    collects: Arc<AtomicU32>,
}

impl FactSource for Fixed {
    fn collect<'a>(&'a self, _needs: &'a [Read]) -> BoxFuture<'a, Arc<Facts>> {
        self.collects.fetch_add(1, Ordering::SeqCst);
        async move {
            tokio::time::sleep(self.delay).await;
            Arc::new(self.facts.clone())
        }
        .boxed()
    }
}

fn source(facts: Facts) -> impl Fn(&[Read]) -> Box<dyn FactSource> + Sync {
    move |_: &[Read]| -> Box<dyn FactSource> {
        Box::new(Fixed { facts: facts.clone(), delay: Duration::ZERO, collects: Arc::default() })
    }
}

fn statuses(graded: &Graded) -> Vec<(&str, Status)> {
    graded.results.iter().map(|r| (r.id.as_str(), r.status)).collect()
}

#[tokio::test]
async fn pass_fail_and_skip_with_points_and_hints() {
    let a = check("a", PlanNamed("A"), &[]);
    let b = check("b", PlanNamed("B"), &[]);
    let c = check("c", PlanNamed("A"), &["b"]);
    let d = check("d", PlanNamed("A"), &["a"]);
    let graded = grade(&[&a, &b, &c, &d], &source(plans(&["A"])), &EngineOptions::default()).await;
    assert_eq!(statuses(&graded), [("a", Status::Pass), ("b", Status::Fail), ("c", Status::Skip), ("d", Status::Pass)]);
    let r = &graded.results;
    assert_eq!((r[0].points, r[0].max_points, r[0].hint.as_deref()), (2, 2, None));
    assert_eq!((r[1].points, r[1].hint.as_deref()), (0, Some("hint for b")));
    assert_eq!(r[2].message, "not checked: needs \"Title of b\" (fail) to pass first");
    assert_eq!(graded.rounds, 1);
}

#[tokio::test]
async fn prerequisite_listed_after_its_dependent_is_still_awaited() {
    let dependent = check("dependent", PlanNamed("A"), &["first"]);
    let first = check("first", PlanNamed("missing"), &[]);
    let graded = grade(&[&dependent, &first], &source(plans(&["A"])), &EngineOptions::default()).await;
    assert_eq!(statuses(&graded), [("dependent", Status::Skip), ("first", Status::Fail)]);
}

#[tokio::test]
async fn unreadable_facts_make_an_error_and_dependents_skip() {
    let denied =
        FactError::new(FactErrorKind::AccessDenied, "apigateway:GetUsagePlans", "the credentials lack apigateway:GET");
    let facts = Facts {
        apigateway: crate::providers::apigateway::Facts { usage_plans: Some(Err(denied)), ..Default::default() },
        ..Facts::default()
    };
    let a = check("a", PlanNamed("A"), &[]);
    let b = check("b", PlanNamed("A"), &["a"]);
    let graded = grade(&[&a, &b], &source(facts), &EngineOptions::default()).await;
    assert_eq!(statuses(&graded), [("a", Status::Error), ("b", Status::Skip)]);
    assert_eq!(
        graded.results[0].message,
        "could not read apigateway:GetUsagePlans (access denied): the credentials lack apigateway:GET"
    );
    assert_eq!(graded.results[0].points, 0);
}

#[tokio::test]
async fn a_check_that_reads_too_long_is_an_error() {
    let slow = |_: &[Read]| -> Box<dyn FactSource> {
        Box::new(Fixed { facts: plans(&["A"]), delay: Duration::from_secs(5), collects: Arc::default() })
    };
    let a = check("a", PlanNamed("A"), &[]);
    let options = EngineOptions { check_timeout: Duration::from_millis(50), ..EngineOptions::default() };
    let graded = grade(&[&a], &slow, &options).await;
    assert_eq!(graded.results[0].status, Status::Error);
    assert_eq!(graded.results[0].message, "timed out after 0.05 s reading the account");
}

#[tokio::test]
async fn wait_rereads_until_pass_and_keeps_earlier_passes() {
    let round = Arc::new(AtomicU32::new(0));
    let plans_asked = Arc::new(Mutex::new(Vec::new()));
    let (round2, asked2) = (round.clone(), plans_asked.clone());
    let changing = move |plan: &[Read]| -> Box<dyn FactSource> {
        asked2.lock().unwrap().push(plan.len());
        let n = round2.fetch_add(1, Ordering::SeqCst);
        let names: &[&str] = if n < 2 { &["A"] } else { &["A", "B"] };
        Box::new(Fixed { facts: plans(names), delay: Duration::ZERO, collects: Arc::default() })
    };
    let a = check("a", PlanNamed("A"), &[]);
    let b = check("b", PlanNamed("B"), &[]);
    let options = EngineOptions {
        wait: Some(Duration::from_secs(30)),
        poll_interval: Duration::from_millis(10),
        ..EngineOptions::default()
    };
    let graded = grade(&[&a, &b], &changing, &options).await;
    assert_eq!(statuses(&graded), [("a", Status::Pass), ("b", Status::Pass)]);
    assert_eq!(graded.rounds, 3);
    // Round 1 plans both checks' needs; later rounds only the pending check's.
    assert_eq!(*plans_asked.lock().unwrap(), [2, 1, 1]);
}

#[tokio::test]
async fn wait_gives_up_when_time_is_up() {
    let a = check("a", PlanNamed("never"), &[]);
    let options = EngineOptions {
        wait: Some(Duration::from_millis(200)),
        poll_interval: Duration::from_millis(50),
        ..EngineOptions::default()
    };
    let started = Instant::now();
    let graded = grade(&[&a], &source(plans(&[])), &options).await;
    assert_eq!(graded.results[0].status, Status::Fail);
    assert!(graded.rounds >= 2, "rounds {}", graded.rounds);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn checks_share_one_source_per_round() {
    let collects = Arc::new(AtomicU32::new(0));
    let made = Arc::new(AtomicU32::new(0));
    let (c2, m2) = (collects.clone(), made.clone());
    let counting = move |_: &[Read]| -> Box<dyn FactSource> {
        m2.fetch_add(1, Ordering::SeqCst);
        Box::new(Fixed { facts: plans(&["A"]), delay: Duration::ZERO, collects: c2.clone() })
    };
    let checks: Vec<Check> = (0..5).map(|i| check(&format!("c{i}"), PlanNamed("A"), &[])).collect();
    let refs: Vec<&Check> = checks.iter().collect();
    grade(&refs, &counting, &EngineOptions::default()).await;
    assert_eq!(made.load(Ordering::SeqCst), 1, "one source per round");
    assert_eq!(collects.load(Ordering::SeqCst), 6, "each check asks it, and the round once for all its reads");
}

/// Passes once it has read `0`.
#[derive(Debug)]
struct Reads(Read);

impl Validator for Reads {
    fn reads(&self) -> Vec<Read> {
        vec![self.0.clone()]
    }

    fn judges(&self) -> Vec<crate::validators::Judged> {
        Vec::new()
    }

    fn evaluate(&self, _facts: &Facts) -> Result<Verdict, FactError> {
        Ok(Verdict::pass(msg!("path", path = "read")))
    }
}

/// Records when each read is asked for; every collect takes `delay`.
struct Recording {
    delay: Duration,
    asked: Arc<Mutex<Vec<(Read, Instant)>>>,
}

impl FactSource for Recording {
    fn collect<'a>(&'a self, reads: &'a [Read]) -> BoxFuture<'a, Arc<Facts>> {
        let now = Instant::now();
        self.asked.lock().unwrap().extend(reads.iter().map(|r| (r.clone(), now)));
        async move {
            tokio::time::sleep(self.delay).await;
            Arc::new(Facts::default())
        }
        .boxed()
    }
}

/// The critical path is the reads' depth, not the chain of `needs`: a check's reads start with the round, while
/// the check it needs is still reading.
#[tokio::test]
async fn every_read_of_the_round_starts_before_prerequisites_finish() {
    let a = check("a", Reads(Read::from(apigateway::Read::UsagePlans)), &[]);
    let b = check("b", Reads(Read::from(apigateway::Read::ApiKeys)), &["a"]);
    let asked = Arc::new(Mutex::new(Vec::new()));
    let delay = Duration::from_millis(300);
    let recorded = asked.clone();
    let source = move |_: &[Read]| -> Box<dyn FactSource> { Box::new(Recording { delay, asked: recorded.clone() }) };
    let started = Instant::now();
    let graded = grade(&[&a, &b], &source, &EngineOptions::default()).await;
    assert_eq!(statuses(&graded), [("a", Status::Pass), ("b", Status::Pass)]);
    let asked = asked.lock().unwrap();
    let first_api_keys = asked.iter().find(|(r, _)| *r == Read::from(apigateway::Read::ApiKeys)).unwrap().1;
    assert!(first_api_keys - started < delay / 2, "b's read waited for a: {:?}", first_api_keys - started);
}
