//! The cohort over both stores, on a synthetic class with known answers (tests/support/synthetic.rs): every grading
//! recorded through the store's own path, the class read back through its index, and the figures compared with
//! ones computed here from the generator's parameters alone (never from progress documents).

use std::collections::BTreeMap;
use std::sync::Arc;

use labcheck::cohort::{self, BrokenRule, Filter};
use labcheck::i18n::english;
use labcheck::lab::Lab;
use labcheck::progress::Store;

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

fn expected(class: &Class, lab: &Lab) -> Vec<Expected> {
    let ids: Vec<&str> = lab.checks().map(|c| c.id.as_str()).collect();
    let learners = 0..class.learners;
    let passed_finally = |i: usize, j: usize| class.passes_at(i, j).is_some();
    let first_unpassed = |i: usize| (0..ids.len()).find(|&j| !passed_finally(i, j));
    lab.checks()
        .enumerate()
        .map(|(j, check)| {
            let passers: Vec<usize> = learners.clone().filter_map(|i| class.passes_at(i, j)).collect();
            // What it needs: its `needs`, and for a clean-up check everything before the clean-up.
            let needs: Vec<usize> = if j >= class.cleanup_from {
                (0..class.cleanup_from).collect()
            } else {
                check.needs.iter().map(|need| ids.iter().position(|id| id == need).unwrap()).collect()
            };
            let needs_met = |i: usize| needs.iter().all(|&need| passed_finally(i, need));
            // Failing now after every grading (so after trying again), alike, with the needs met.
            let mut alike: BTreeMap<String, usize> = BTreeMap::new();
            for i in learners.clone().filter(|&i| !passed_finally(i, j) && needs_met(i)) {
                *alike.entry(class.reason(i, j)).or_default() += 1;
            }
            let most_alike = alike.values().copied().max().unwrap_or(0);
            Expected {
                attempted: class.learners,
                passed: passers.len(),
                first_try_pass_rate: Some(passers.iter().filter(|&&at| at == 0).count() as f64 / class.learners as f64),
                gradings_to_pass_median: nearest_rank_median(passers.iter().map(|&at| at as f64 + 1.0).collect()),
                seconds_to_pass_median: nearest_rank_median(passers.iter().map(|&at| at as f64 * 60.0).collect()),
                stuck: learners.clone().filter(|&i| first_unpassed(i) == Some(j)).count(),
                same_reason: most_alike >= 5 && most_alike * 3 >= class.learners,
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
    let progress = store.progress_of_lab(&lab.id, Some("syn-")).await.unwrap();
    assert_eq!(progress.len(), class.learners);
    let figures = cohort::compute(&lab, &progress, &Filter::default(), NOW, &english());
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
    assert_eq!(broken.failure_reasons[0].failures, (class.learners * class.gradings) as u64, "every grading");
    // Everyone who got past the function is stuck at the broken check, for the hour since their first grading.
    assert_eq!(broken.stuck_seconds_median, Some(3600.0));
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
    let store = labcheck::progress::SqliteStore::open(&dir.path().join("class.sqlite")).await.unwrap();
    the_cohort_matches_the_generator(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_synthetic_class_in_dynamodb() {
    the_cohort_matches_the_generator(Arc::new(crate::stores::dynamo_store().await)).await;
}
