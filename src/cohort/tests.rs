//! A synthetic class of ten, merged through the real progress path, against figures worked out by hand.

use super::class::quantile;
use super::*;
use crate::model::Status;
use crate::i18n::english;
use crate::progress::fixtures::{self, lab};
use crate::progress::{Grading, merge};

/// A grading of `learner` at `minute` past 10:00 with these (check, status, message id), after the learner
/// changed something in their account (each verdict's evidence names the account's state at that minute).
fn grading(learner: &str, minute: u32, results: &[(&str, Status, &str)]) -> Grading {
    graded_in_state(learner, minute, &format!("state at minute {minute}"), results)
}

/// The same, the account in `state` (gradings in the same state are presses with nothing changed).
fn graded_in_state(learner: &str, minute: u32, state: &str, results: &[(&str, Status, &str)]) -> Grading {
    let lab = lab();
    let evidence = crate::model::Evidence::from([("account".to_owned(), serde_json::json!(state))]);
    let results = results
        .iter()
        .map(|(id, status, message_id)| {
            fixtures::result(&lab, id, *status, (*message_id).to_owned(), message_id, evidence.clone())
        })
        .collect();
    let (id, at) = (format!("g-{learner}-{minute}"), format!("2026-11-30T10:{minute:02}:00Z"));
    fixtures::grading(&lab, id, learner, at, results)
}

/// Ten learners:
/// - l0..l5: plan passed at minute 1 (first try); key failed at 2 with `key-not-in-plan` (its need met), still;
///   l0..l4 tried it again at 4, failing alike.
/// - l6, l7: plan failed at 1 (`plan-missing`), then plan and key passed at 3 (key first try).
/// - l8, l9: plan failed at 1, still (`plan-missing`).
fn class() -> Vec<Progress> {
    use Status::{Fail, Pass};
    let lab = lab();
    let mut gradings: Vec<Vec<Grading>> = Vec::new();
    for i in 0..6 {
        let l = format!("cs101-l{i}");
        let mut trying =
            vec![grading(&l, 1, &[("plan", Pass, "plan-bound")]), grading(&l, 2, &[("key", Fail, "key-not-in-plan")])];
        if i < 5 {
            trying.push(grading(&l, 4, &[("key", Fail, "key-not-in-plan")]));
        }
        gradings.push(trying);
    }
    for i in 6..8 {
        let l = format!("cs101-l{i}");
        gradings.push(vec![
            grading(&l, 1, &[("plan", Fail, "plan-missing")]),
            grading(&l, 3, &[("plan", Pass, "plan-bound"), ("key", Pass, "key-found")]),
        ]);
    }
    for i in 8..10 {
        gradings.push(vec![grading(&format!("cs102-l{i}"), 1, &[("plan", Fail, "plan-missing")])]);
    }
    gradings.iter().map(|g| g.iter().fold(None, |p, g| Some(merge(p, &lab, g))).unwrap()).collect()
}

const NOW: &str = "2026-11-30T11:00:00Z";

#[test]
fn the_figures_of_a_class_match_the_hand_worked_ones() {
    let cohort = compute(&lab(), &class(), &Filter::default(), NOW, &english());
    assert_eq!(cohort.learners, 10);
    let plan = &cohort.checks[0];
    assert_eq!((plan.attempted, plan.passed), (10, 8));
    assert_eq!(plan.first_try_pass_rate, Some(0.6));
    assert_eq!((plan.gradings_to_pass_median, plan.gradings_to_pass_p90), (Some(1.0), Some(2.0)), "1×6, 2×2");
    assert_eq!(plan.seconds_to_pass_median, Some(0.0), "six passed at once, two after 120 s");
    assert_eq!(plan.stuck, 2, "l8, l9");
    assert_eq!(plan.stuck_seconds_median, Some(59.0 * 60.0), "first attempted at 10:01, now 11:00");
    assert_eq!(
        plan.failure_reasons,
        vec![Reason {
            message_id: "plan-missing".into(),
            failures: 4,
            learners_now: 2,
            example: Some("plan-missing".into())
        }]
    );
    assert_eq!(plan.may_be_broken, None);

    let key = &cohort.checks[1];
    assert_eq!((key.attempted, key.passed), (8, 2));
    assert_eq!(key.first_try_pass_rate, Some(0.25));
    assert_eq!(key.stuck, 6);
    assert_eq!(key.may_be_broken, Some(BrokenRule::SameReason), "five tried again and fail alike, the plan passed");
    assert_eq!(
        key.failure_reasons[0],
        Reason {
            message_id: "key-not-in-plan".into(),
            failures: 11,
            learners_now: 6,
            example: Some("key-not-in-plan".into())
        }
    );

    let gone = &cohort.checks[2];
    assert_eq!((gone.attempted, gone.stuck, gone.stuck_seconds_median), (0, 2, None), "never attempted: not timed");

    assert_eq!(
        cohort.steps[0],
        StepFigures { id: "build".into(), completed: 2, seconds_to_complete_median: Some(120.0) }
    );
    assert_eq!(cohort.steps[1].completed, 0);
    let l0 = cohort.learner_rows.iter().find(|r| r.learner == "cs101-l0").unwrap();
    assert_eq!((l0.score, l0.on_check.as_deref(), l0.last_activity.as_str()), (2, Some("key"), "2026-11-30T10:04:00Z"));
    let rules: Vec<_> = cohort.rules.iter().map(|r| (r.rule, r.text.as_str())).collect();
    let same = "at least 5 learners, and at least a third of those who attempted it, fail it now with the same message \
                after trying it again, while every check it needs passed for them";
    let rate = "at least 5 learners settled it (passed it, or fail it after trying again) and its pass rate among them \
                is below half the mean of the other checks of its step";
    assert_eq!(rules, vec![(BrokenRule::SameReason, same), (BrokenRule::LowPassRate, rate)]);
}

#[test]
fn a_pass_rate_far_below_its_steps_is_flagged() {
    use Status::{Fail, Pass};
    let lab = lab();
    // Five pass the plan; the key fails for all five after a second try, each with another message: not one reason,
    // but a rate of 0 against the plan's 1.
    let class: Vec<Progress> = (0..5)
        .map(|i| {
            let l = format!("l{i}");
            let gradings = [
                grading(&l, 1, &[("plan", Pass, "plan-bound")]),
                grading(&l, 2, &[("key", Fail, &format!("reason-{i}"))]),
                grading(&l, 3, &[("key", Fail, &format!("reason-{i}"))]),
            ];
            gradings.iter().fold(None, |p, g| Some(merge(p, &lab, g))).unwrap()
        })
        .collect();
    let cohort = compute(&lab, &class, &Filter::default(), NOW, &english());
    assert_eq!(cohort.checks[1].may_be_broken, Some(BrokenRule::LowPassRate));
    assert_eq!(cohort.checks[0].may_be_broken, None);
}

#[test]
fn failure_reasons_carry_an_example_and_rules_are_stated_in_the_readers_language() {
    let lab = lab();
    let spanish: Locale = "es".parse().unwrap();
    let class: Vec<Progress> = ["l2", "l1"]
        .iter()
        .map(|learner| {
            let source = msg!("rest-api-missing", name = format!("plan-of-{learner}"));
            let mut result = fixtures::result(
                &lab,
                "plan",
                Status::Fail,
                source.render(&english()),
                source.id(),
                Default::default(),
            );
            result.message_source = Some(source);
            let at = "2026-11-30T10:01:00Z".to_owned();
            merge(None, &lab, &fixtures::grading(&lab, format!("g-{learner}"), learner, at, vec![result]))
        })
        .collect();
    let cohort = compute(&lab, &class, &Filter::default(), NOW, &spanish);
    let reason = &cohort.checks[0].failure_reasons[0];
    let expected = msg!("rest-api-missing", name = "plan-of-l1").render(&spanish);
    assert_eq!(reason.example.as_deref(), Some(expected.as_str()), "the first learner by id, in Spanish");
    assert_ne!(expected, msg!("rest-api-missing", name = "plan-of-l1").render(&english()));
    assert_eq!(cohort.rules[0].text, BrokenRule::SameReason.message().render(&spanish));
    assert!(cohort.rules[0].text.starts_with("al menos 5 estudiantes"), "{}", cohort.rules[0].text);
}

#[test]
fn a_class_is_chosen_by_prefix_and_time() {
    let class = class();
    let prefix = Filter { learner_prefix: Some("cs102-".into()), ..Filter::default() };
    assert_eq!(compute(&lab(), &class, &prefix, NOW, &english()).learners, 2);
    let late = Filter { since: Some("2026-11-30T10:02:00Z".into()), ..Filter::default() };
    assert_eq!(compute(&lab(), &class, &late, NOW, &english()).learners, 8, "l8 and l9 were last seen at 10:01");
    let early = Filter { until: Some("2026-11-30T10:01:00Z".into()), ..Filter::default() };
    assert_eq!(compute(&lab(), &class, &early, NOW, &english()).learners, 2);
}

#[test]
fn quantiles_by_nearest_rank() {
    assert_eq!(quantile(&[], 0.5), None);
    assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.5), Some(2.0));
    assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.9), Some(4.0));
    assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
}

/// The class of ten as a cohort, with its lab: for the tests of the formats.
pub(super) fn class_cohort() -> (Cohort, Lab) {
    (compute(&lab(), &class(), &Filter::default(), NOW, &english()), lab())
}

/// Five learners failing `check` alike, each with `tries` verdicts on it, after gradings `before`.
fn failing_alike(check: &str, tries: u32, before: &[(&str, Status, &str)]) -> Vec<Progress> {
    let lab = lab();
    (0..5)
        .map(|i| {
            let l = format!("l{i}");
            let mut gradings = vec![grading(&l, 1, before)];
            gradings.extend((0..tries).map(|t| grading(&l, 2 + t, &[(check, Status::Fail, "still-there")])));
            gradings.iter().fold(None, |p, g| Some(merge(p, &lab, g))).unwrap()
        })
        .collect()
}

#[test]
fn learners_only_arriving_at_a_check_do_not_flag_it() {
    use Status::Pass;
    let flag = |class: Vec<Progress>, check: usize| {
        compute(&lab(), &class, &Filter::default(), NOW, &english()).checks[check].may_be_broken
    };
    let plan_passed = [("plan", Pass, "plan-bound")];
    assert_eq!(flag(failing_alike("key", 1, &plan_passed), 1), None, "one verdict each: they have just got there");
    assert_eq!(flag(failing_alike("key", 2, &plan_passed), 1), Some(BrokenRule::SameReason));
    // The clean-up needs the build done: failing it while building says nothing about it.
    assert_eq!(flag(failing_alike("plan-gone", 2, &plan_passed), 2), None, "the key was never built");
    let built = [("plan", Pass, "plan-bound"), ("key", Pass, "key-found")];
    assert_eq!(flag(failing_alike("plan-gone", 2, &built), 2), Some(BrokenRule::SameReason));
}

/// Six learners, each grading every check, as a real grading does.
fn six(gradings: impl Fn(&str) -> Vec<Grading>) -> Vec<Progress> {
    let lab = lab();
    (0..6).map(|i| gradings(&format!("l{i}")).iter().fold(None, |p, g| Some(merge(p, &lab, g))).unwrap()).collect()
}

fn flags(class: &[Progress]) -> Vec<(String, Option<BrokenRule>)> {
    let cohort = compute(&lab(), class, &Filter::default(), NOW, &english());
    cohort.checks.iter().map(|c| (c.id.clone(), c.may_be_broken)).collect()
}

/// A class that builds everything (the clean-up failing in every grading, as it does while the lab's resources
/// exist) and never starts the clean-up: it has not tried the clean-up, which was flagged `same-reason` before.
#[test]
fn a_class_that_never_starts_the_clean_up_flags_nothing() {
    use Status::{Fail, Pass};
    let class = six(|l| {
        vec![
            grading(l, 1, &[("plan", Pass, "plan-bound"), ("key", Fail, "key-missing"), ("plan-gone", Fail, "still-there")]),
            graded_in_state(l, 2, "done", &[("plan", Pass, "plan-bound"), ("key", Pass, "key-found"), ("plan-gone", Fail, "still-there")]),
            graded_in_state(l, 3, "done", &[("plan", Pass, "plan-bound"), ("key", Pass, "key-found"), ("plan-gone", Fail, "still-there")]),
            graded_in_state(l, 4, "done", &[("plan", Pass, "plan-bound"), ("key", Pass, "key-found"), ("plan-gone", Fail, "still-there")]),
        ]
    });
    assert!(flags(&class).iter().all(|(_, flag)| flag.is_none()), "{:?}", flags(&class));
    let cohort = compute(&lab(), &class, &Filter::default(), NOW, &english());
    let gone = cohort.checks.iter().find(|c| c.id == "plan-gone").unwrap();
    assert_eq!(gone.attempted, 6, "reached once the build passed: the grading that finished it is the one try");
}

/// A class that presses "Check my progress" twice before building anything: nothing changed, so the second press
/// is not a try, and the first checks were flagged `same-reason` before.
#[test]
fn a_class_graded_twice_before_building_anything_flags_nothing() {
    use Status::{Fail, Skip};
    let fresh = [("plan", Fail, "plan-missing"), ("key", Skip, "needs"), ("plan-gone", Skip, "too-early")];
    let class = six(|l| vec![graded_in_state(l, 1, "empty", &fresh), graded_in_state(l, 2, "empty", &fresh)]);
    assert!(flags(&class).iter().all(|(_, flag)| flag.is_none()), "{:?}", flags(&class));
    let cohort = compute(&lab(), &class, &Filter::default(), NOW, &english());
    assert_eq!(cohort.checks[0].gradings_to_pass_median, None);
    let l0 = class.iter().find(|p| p.learner == "l0").unwrap();
    assert_eq!(l0.checks["plan"].trail.judged, 1, "one try: the second press changed nothing");
}

/// A class that works on the key, changing the account between tries, and fails it for one reason: flagged.
#[test]
fn a_class_failing_one_check_for_one_reason_after_working_on_it_is_flagged() {
    use Status::{Fail, Pass, Skip};
    let class = six(|l| {
        (1..=3)
            .map(|minute| {
                grading(l, minute, &[("plan", Pass, "plan-bound"), ("key", Fail, "key-not-in-plan"), ("plan-gone", Skip, "too-early")])
            })
            .collect()
    });
    let flags = flags(&class);
    assert_eq!(flags[1], ("key".to_owned(), Some(BrokenRule::SameReason)), "{flags:?}");
    assert!(flags.iter().filter(|(id, _)| id != "key").all(|(_, flag)| flag.is_none()), "{flags:?}");
}

/// Documents read as stored, one at a time and in any order (borrowed from their text, unescaped where they must
/// be, evidence skipped), give the same figures in every language as the documents read whole.
#[test]
fn documents_read_as_stored_give_the_same_figures() {
    let mut class = class();
    let l0 = class.iter_mut().find(|p| p.learner == "cs101-l0").unwrap();
    let key = l0.checks.get_mut("key").unwrap();
    (key.message, key.message_source) = ("the plan \"basic\"\nhas no key".to_owned(), None);
    for locale in [english(), crate::i18n::parse_tag("es").unwrap()] {
        let whole = compute(&lab(), &class, &Filter::default(), NOW, &locale);
        let example = &whole.checks[1].failure_reasons[0].example;
        assert_eq!(example.as_deref(), Some("the plan \"basic\"\nhas no key"), "the first learner's, unescaped");
        let mut stored = Class::new(&lab(), Filter::default(), NOW, &locale);
        for progress in class.iter().rev() {
            stored.read(&serde_json::to_string(progress).unwrap()).unwrap();
        }
        assert_eq!(stored.finish(), whole);
    }
}
