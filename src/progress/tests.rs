use super::*;
use crate::i18n::english;

use super::fixtures::{self, lab};

/// A grading at minute `minute` with these statuses.
fn grading(minute: u32, statuses: &[(&str, Status)]) -> Grading {
    let lab = lab();
    let results = statuses
        .iter()
        .map(|(id, status)| {
            let evidence = Evidence::from([("minute".to_owned(), serde_json::json!(minute))]);
            fixtures::result(
                &lab,
                id,
                *status,
                format!("{id} at {minute}"),
                &format!("{}-{id}", status.as_str()),
                evidence,
            )
        })
        .collect();
    fixtures::grading(&lab, format!("g{minute}"), "ana@example.com", format!("2026-11-29T10:{minute:02}:00Z"), results)
}

fn merged(gradings: &[Grading]) -> Progress {
    let lab = lab();
    gradings.iter().fold(None, |progress, g| Some(merge(progress, &lab, g))).unwrap()
}

/// A rush found a learner's latest score never reaching the LMS: two gradings' merges were answered together and the
/// older progress's score, stamped last by the clock, went out as the latest. A score is stamped with its progress,
/// and each merge's stamp is later than the one before, whatever order the gradings ended in.
#[test]
fn each_merge_is_stamped_later_than_the_last_whatever_order_the_gradings_ended_in() {
    let first = merged(&[grading(5, &[("plan", Status::Fail)])]);
    assert_eq!(first.updated_at, "2026-11-29T10:05:00Z", "a grading's own time when it is the latest");
    let lab = lab();
    let late = merge(Some(first.clone()), &lab, &grading(3, &[("plan", Status::Pass)]));
    assert_eq!(late.updated_at, "2026-11-29T10:05:00.000001Z", "a microsecond after the progress it extends");
    let again = merge(Some(late.clone()), &lab, &grading(3, &[("plan", Status::Pass)]));
    assert!(again.stamp() > late.stamp() && late.stamp() > first.stamp(), "{again:?}");
    let mut close = first.clone();
    close.updated_at = "2026-11-29T10:05:00.0000004Z".to_owned();
    let within = merge(Some(close), &lab, &grading(5, &[("plan", Status::Pass)]));
    assert!(within.stamp() > first.stamp(), "within the same microsecond: {}", within.updated_at);
}

#[test]
fn a_pass_stays_a_pass_with_when_it_first_passed() {
    let progress = merged(&[
        grading(1, &[("plan", Status::Fail)]),
        grading(2, &[("plan", Status::Pass)]),
        grading(3, &[("plan", Status::Fail)]),
        grading(4, &[("plan", Status::Pass)]),
    ]);
    let plan = &progress.checks["plan"];
    assert_eq!((plan.status, plan.points), (Status::Pass, 2));
    assert_eq!(plan.passed_at.as_deref(), Some("2026-11-29T10:02:00Z"));
    assert_eq!(plan.grading, "g2");
    assert_eq!(progress.gradings, 4);
    assert_eq!(progress.score(), 2);
}

#[test]
fn the_latest_verdict_counts_until_a_pass_and_an_unreadable_account_replaces_none() {
    let progress = merged(&[grading(1, &[("key", Status::Skip)]), grading(2, &[("key", Status::Fail)])]);
    assert_eq!(progress.checks["key"].message, "key at 2");
    let progress = merged(&[grading(1, &[("key", Status::Fail)]), grading(2, &[("key", Status::Error)])]);
    assert_eq!((progress.checks["key"].status, progress.checks["key"].grading.as_str()), (Status::Fail, "g1"));
    let progress = merged(&[grading(1, &[("key", Status::Error)])]);
    assert_eq!(progress.checks["key"].status, Status::Error, "an error is kept when there is nothing better");
}

#[test]
fn cleanup_counts_only_after_what_it_undoes_had_passed() {
    // A fresh account: nothing to clean up yet, so the cleanup pass does not count.
    let fresh = merged(&[grading(1, &[("plan-gone", Status::Pass)])]);
    let gone = &fresh.checks["plan-gone"];
    assert_eq!((gone.status, gone.points), (Status::Skip, 0));
    assert_eq!(gone.message, "counts once Build it passed in an earlier grading");
    // Built (every check of the undone step passed), then cleaned up: it counts.
    let done = merged(&[
        grading(1, &[("plan", Status::Pass), ("key", Status::Fail), ("plan-gone", Status::Fail)]),
        grading(2, &[("key", Status::Pass)]),
        grading(3, &[("plan", Status::Fail), ("key", Status::Fail), ("plan-gone", Status::Pass)]),
    ]);
    assert_eq!(done.checks["plan-gone"].status, Status::Pass);
    assert_eq!(done.score(), 4, "the earlier passes stay while the cleanup removes what earned them");
    // Built and cleaned up in the same grading is impossible; in one that passes both, cleanup waits.
    let same = merged(&[grading(1, &[("plan", Status::Pass), ("key", Status::Pass), ("plan-gone", Status::Pass)])]);
    assert_eq!(same.checks["plan-gone"].status, Status::Skip);
}

#[test]
fn the_progress_report_covers_the_whole_lab() {
    let lab = lab();
    let progress = merged(&[grading(1, &[("plan", Status::Pass)])]);
    let report = report(&lab, &progress, &crate::i18n::english());
    let ids: Vec<&str> = report.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["plan", "key", "plan-gone"]);
    assert_eq!((report.score, report.max_score), (2, 4));
    assert_eq!(report.checks[0].passed_at.as_deref(), Some("2026-11-29T10:01:00Z"));
    assert_eq!((report.checks[1].status, report.checks[1].message.as_str()), (Status::Skip, "not graded yet"));
    assert_eq!(report.checks[1].hint.as_deref(), Some("Create it."));
}

#[test]
fn learners_and_grading_ids_are_checked() {
    assert!(crate::ids::check_learner("ana.perez+lab@example.com").is_ok());
    assert!(crate::ids::check_learner("").is_err());
    assert!(crate::ids::check_learner("ana\n{\"forged\": 1}").is_err());
    assert!(crate::ids::check_learner(&"a".repeat(129)).is_err());
    let id = new_grading_id();
    assert!(crate::ids::check_grading_id(&id).is_ok(), "{id}");
    assert_ne!(id, new_grading_id());
    assert!(crate::ids::check_grading_id("../../etc/passwd").is_err());
}

/// The trail counts every verdict (not errors or skips), the gradings it took to pass, and the failures by message
/// id, in the progress a store merges atomically: the cohort's figures, with no history to replay.
#[test]
fn the_trail_counts_verdicts_the_gradings_to_pass_and_failures_by_message() {
    let progress = merged(&[
        grading(1, &[("plan", Status::Error)]),
        grading(2, &[("plan", Status::Fail)]),
        grading(3, &[("plan", Status::Skip), ("key", Status::Pass)]),
        grading(4, &[("plan", Status::Fail)]),
        grading(5, &[("plan", Status::Pass)]),
        grading(6, &[("plan", Status::Fail)]),
    ]);
    let plan = &progress.checks["plan"].trail;
    assert_eq!(plan.first_judged_at.as_deref(), Some("2026-11-29T10:02:00Z"), "the error judged nothing");
    assert_eq!(plan.judged, 4);
    assert_eq!(plan.judged_to_pass, Some(3), "fail, fail, pass");
    assert_eq!(plan.failures, BTreeMap::from([("fail-plan".to_owned(), 3)]));
    assert_eq!(progress.checks["plan"].status, Status::Pass, "a pass stays; its trail still grows");
    let key = &progress.checks["key"].trail;
    assert_eq!((key.judged, key.judged_to_pass), (1, Some(1)), "passed on the first try");
    // A progress kept before trails existed reads back with an empty one.
    let old = r#"{"status":"fail","points":0,"max_points":1,"message":"m","grading":"g1"}"#;
    let entry: CheckProgress = serde_json::from_str(old).unwrap();
    assert_eq!((entry.trail, entry.message_id), (Trail::default(), None));
}

#[test]
fn a_progress_report_writes_each_message_in_the_readers_language_from_its_kept_source() {
    let lab = lab();
    let spanish: Locale = "es".parse().unwrap();
    let source = msg!("rest-api-missing", name = "P");
    let mut failed =
        fixtures::result(&lab, "plan", Status::Fail, source.render(&english()), "rest-api-missing", Evidence::new());
    failed.message_source = Some(source.clone());
    let progress =
        merge(None, &lab, &fixtures::grading(&lab, "g1".into(), "ana", "2026-11-29T10:00:00Z".into(), vec![failed]));
    let stored: Progress = serde_json::from_str(&serde_json::to_string(&progress).unwrap()).unwrap();
    let in_spanish = report(&lab, &stored, &spanish);
    assert_eq!(in_spanish.checks[0].message, source.render(&spanish));
    assert_ne!(in_spanish.checks[0].message, source.render(&english()), "the catalogue has it in Spanish");

    // A message kept by another version of labcheck, unknown to this one, is shown as it was written.
    let mut from_elsewhere = stored;
    let entry = from_elsewhere.checks.get_mut("plan").unwrap();
    entry.message_source =
        Some(serde_json::from_value(serde_json::json!({"id": "a-newer-message", "args": []})).unwrap());
    assert_eq!(report(&lab, &from_elsewhere, &spanish).checks[0].message, source.render(&english()));
}
