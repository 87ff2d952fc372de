//! The cohort over both stores, on a synthetic class with known answers (tests/support/synthetic.rs): every grading
//! recorded through the store's own path, the class read back through its index, and the figures compared with
//! ones computed here from the generator's parameters alone (never from progress documents).

use std::collections::BTreeMap;
use std::sync::Arc;

use labcheck::cohort::{self, BrokenRule, Filter};
use labcheck::i18n::english;
use labcheck::lab::Lab;
use labcheck::store::Store;

#[path = "../support/synthetic.rs"]
mod synthetic;

use synthetic::{BROKEN, Class};

/// Now, for the cohort: an hour after the first grading.
const NOW: &str = "2026-11-01T11:00:00Z";

/// One check's figures as the generator implies them.
#[derive(Debug, PartialEq)]
struct Expected {
    attempted: usize,
    passed: usize,
    first_try_pass_rate: Option<f64>,
    gradings_to_pass_median: Option<f64>,
    seconds_to_pass_median: Option<f64>,
    stuck: usize,
    same_reason: bool,
}

fn nearest_rank_median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    (!values.is_empty()).then(|| values[values.len().div_ceil(2) - 1])
}

/// Learner `i`'s tries of check `j`, as the gradings (from 0) that were tries: a grading is a try once the learner
/// reached the check (every check it needs passed, or another check of its step passed) and changed their account
/// (some verdict flipped: the generator's failures keep their message and evidence), and a first pass always is.
fn tries(class: &Class, lab: &Lab, i: usize, j: usize) -> Vec<usize> {
    let ids: Vec<&str> = lab.checks().map(|c| c.id.as_str()).collect();
    let checks: Vec<&labcheck::lab::Check> = lab.checks().collect();
    let passed = |k: usize, g: usize| class.passes_at(i, k).is_some_and(|at| g >= at);
    // What it needs: its `needs`, and for a clean-up check everything before the clean-up.
    let needs: Vec<usize> = if j >= class.cleanup_from {
        (0..class.cleanup_from).collect()
    } else {
        checks[j].needs.iter().map(|need| ids.iter().position(|id| id == need).unwrap()).collect()
    };
    let same_step: Vec<usize> = (0..ids.len()).filter(|&k| k != j && checks[k].step == checks[j].step).collect();
    let reached = |g: usize| needs.iter().all(|&k| passed(k, g)) || same_step.iter().any(|&k| passed(k, g));
    let changed = |g: usize| g == 0 || (0..ids.len()).any(|k| class.passes_at(i, k) == Some(g));
    (0..class.gradings).filter(|&g| (changed(g) && reached(g)) || class.passes_at(i, j) == Some(g)).collect()
}

fn expected(class: &Class, lab: &Lab) -> Vec<Expected> {
    let ids: Vec<&str> = lab.checks().map(|c| c.id.as_str()).collect();
    let learners = 0..class.learners;
    let passed_finally = |i: usize, j: usize| class.passes_at(i, j).is_some();
    let first_unpassed = |i: usize| (0..ids.len()).find(|&j| !passed_finally(i, j));
    (0..ids.len())
        .map(|j| {
            let tried: Vec<(usize, Vec<usize>)> =
                learners.clone().map(|i| (i, tries(class, lab, i, j))).filter(|(_, t)| !t.is_empty()).collect();
            // Each passer's tries up to its pass, and its first try.
            let passers: Vec<(usize, usize)> = tried
                .iter()
                .filter_map(|(i, t)| {
                    let at = class.passes_at(*i, j)?;
                    Some((t.iter().filter(|&&g| g <= at).count(), at - t[0]))
                })
                .collect();
            // Failing now after two tries or more, alike: the generator gives each learner one reason.
            let mut alike: BTreeMap<String, usize> = BTreeMap::new();
            for (i, t) in &tried {
                if !passed_finally(*i, j) && t.len() >= 2 {
                    *alike.entry(class.reason(*i, j)).or_default() += 1;
                }
            }
            let most_alike = alike.values().copied().max().unwrap_or(0);
            let attempted = tried.len();
            Expected {
                attempted,
                passed: passers.len(),
                first_try_pass_rate: (attempted > 0)
                    .then(|| passers.iter().filter(|(tries, _)| *tries == 1).count() as f64 / attempted as f64),
                gradings_to_pass_median: nearest_rank_median(passers.iter().map(|(tries, _)| *tries as f64).collect()),
                seconds_to_pass_median: nearest_rank_median(
                    passers.iter().map(|(_, minutes)| *minutes as f64 * 60.0).collect(),
                ),
                stuck: learners.clone().filter(|&i| first_unpassed(i) == Some(j)).count(),
                same_reason: most_alike >= 5 && most_alike * 3 >= attempted,
            }
        })
        .collect()
}

async fn the_cohort_matches_the_generator(store: Arc<dyn Store>) {
    let lab = Arc::new(Lab::load(&crate::common::repo_path("checks/apigw-items")).unwrap());
    let class = Class::of(&lab, 54, 6);
    for i in 0..class.learners {
        for g in 0..class.gradings {
            store.record(lab.clone(), class.grading(&lab, i, g)).await.unwrap();
        }
    }
    let everyone = Filter { learner_prefix: Some("syn-".into()), ..Default::default() };
    let figures = store.read_class(cohort::Class::new(&lab, everyone, NOW, &english())).await.unwrap().finish();
    assert_eq!(figures.learners, class.learners);
    let expected = expected(&class, &lab);
    for (j, (check, want)) in figures.checks.iter().zip(&expected).enumerate() {
        let got = Expected {
            attempted: check.attempted,
            passed: check.passed,
            first_try_pass_rate: check.first_try_pass_rate,
            gradings_to_pass_median: check.gradings_to_pass_median,
            seconds_to_pass_median: check.seconds_to_pass_median,
            stuck: check.stuck,
            same_reason: check.may_be_broken == Some(BrokenRule::SameReason),
        };
        assert_eq!(&got, want, "check {j} {}", check.id);
    }
    let flagged: Vec<usize> = expected.iter().enumerate().filter(|(_, e)| e.same_reason).map(|(j, _)| j).collect();
    assert_eq!(flagged, vec![BROKEN], "the generator's broken check, and only it, fails alike");
    let broken = &figures.checks[BROKEN];
    assert_eq!(broken.failure_reasons[0].message_id, "synthetic-broken");
    let tried: usize = (0..class.learners).map(|i| tries(&class, &lab, i, BROKEN).len()).sum();
    assert_eq!(broken.failure_reasons[0].failures, tried as u64, "every try");
    // Everyone who got past the function is stuck at the broken check, since their first try of it.
    let stuck_for: Vec<f64> = (0..class.learners)
        .filter(|&i| (0..BROKEN).all(|j| class.passes_at(i, j).is_some()))
        .filter_map(|i| tries(&class, &lab, i, BROKEN).first().map(|&g| 3600.0 - g as f64 * 60.0))
        .collect();
    assert_eq!(broken.stuck_seconds_median, nearest_rank_median(stuck_for));
    // The funnel: the first step is completed by those who reach past its three checks.
    let first_step = lab.steps.iter().find(|s| !s.checks.is_empty()).unwrap();
    let completing = (0..class.learners).filter(|&i| class.reach(i) >= first_step.checks.len()).count();
    assert_eq!(figures.steps[0].completed, completing);
    let done = figures.learner_rows.iter().filter(|r| r.on_check.is_none()).count();
    assert_eq!(done, 0, "nobody passes the broken check, so nobody is done");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_synthetic_class_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = labcheck::db::SqliteStore::open(&dir.path().join("class.sqlite")).await.unwrap();
    the_cohort_matches_the_generator(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_synthetic_class_in_dynamodb() {
    the_cohort_matches_the_generator(Arc::new(crate::stores::dynamo_store().await)).await;
}
