//! A learner's progress through the CLI: `run --learner`, `progress`, `evidence`, the lab done step by step on the
//! emulators, broken stores, and a store surviving processes killed in the middle of writing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use labcheck::model::{Recorded, Report};

use crate::common::{Account, BUILD_STEPS, Graded, ItemsLab, lab_file, offline};

fn store_path() -> PathBuf {
    tempfile::tempdir().unwrap().keep().join("progress.sqlite")
}

fn kept(graded: &Graded) -> (String, u32) {
    match &graded.report.recorded {
        Some(Recorded::Kept { grading_id, score, .. }) => (grading_id.clone(), *score),
        other => panic!("not recorded: {other:?}"),
    }
}

/// `labcheck ARGS` with no AWS at all, in the repository.
fn progress_report(store: &Path, learner: &str) -> (Report, i32) {
    let store = store.to_str().unwrap();
    let out = offline(&["progress", "checks/apigw-items", "--learner", learner, "--store", store, "--format", "json"]);
    (serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr)), out.code)
}

#[tokio::test]
async fn the_lab_done_step_by_step_then_cleaned_up_scores_26() {
    let account = Account::with_lambda();
    account.wipe_lambda().await;
    let store = store_path();
    let learner = ["--learner", "ana@example.com", "--store", store.to_str().unwrap()];
    let grade = |steps: &[&str]| {
        let mut args: Vec<&str> = learner.to_vec();
        for step in steps {
            args.extend(["--step", step]);
        }
        account.grade_live(&lab_file(), &args)
    };
    // A fresh account passes the cleanup step, which counts for nothing: nothing was built yet.
    let fresh = grade(&["cleanup"]);
    assert_eq!((fresh.report.score, kept(&fresh).1), (4, 0));

    ItemsLab::full().build(&account).await;
    let mut evidence_of_api_keys = None;
    let mut score = 0;
    for &step in BUILD_STEPS {
        let graded = grade(&[step]);
        assert_eq!(graded.code, 0, "{step}: {:?}", graded.report.checks);
        let (grading_id, now) = kept(&graded);
        assert!(now > score, "{step}: the progress grows ({score} -> {now})");
        score = now;
        if step == "api-keys" {
            evidence_of_api_keys = Some((grading_id, graded));
        }
    }
    assert_eq!(score, 22, "everything but the cleanup");

    // The evidence of a grading is the snapshot of what it read: grading it again gives the same verdicts.
    let (grading_id, live) = evidence_of_api_keys.unwrap();
    let snapshot = store.with_file_name("api-keys.json");
    let out =
        offline(&["evidence", &grading_id, "--store", store.to_str().unwrap(), "--output", snapshot.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let again = offline(&[
        "run",
        "checks/apigw-items",
        "--from",
        snapshot.to_str().unwrap(),
        "--step",
        "api-keys",
        "--format",
        "json",
    ]);
    assert_eq!(Graded::from(again).verdicts(), live.verdicts());

    // Cleaned up: the function deleted, and the API, plan and key gone. (LocalStack 2026.3 answers DeleteUsagePlan
    // with an internal error, so the learner's API Gateway side is a fresh account: to the cleanup checks, an
    // account without the lab's API, plan and key is exactly a cleaned-up one.)
    account.wipe_lambda().await;
    let cleaned_account = Account { id: Account::localstack().id, ..account.clone() };
    let mut args: Vec<&str> = learner.to_vec();
    args.extend(["--step", "cleanup"]);
    let cleaned = cleaned_account.grade_live(&lab_file(), &args);
    assert_eq!((cleaned.code, kept(&cleaned).1), (0, 26));
    // The cleanup judged the function this learner built, found through their API earlier, not a name pattern.
    assert_eq!(cleaned.message("function-deleted"), "no Lambda function matching ItemsFunction is left");

    let (progress, code) = progress_report(&store, "ana@example.com");
    assert_eq!((progress.score, progress.max_score, code), (26, 26, 0));
    assert!(progress.checks.iter().all(|c| c.passed_at.is_some() && c.grading.is_some()), "{:?}", progress.checks);
    let text = offline(&[
        "progress",
        "checks/apigw-items",
        "--learner",
        "ana@example.com",
        "--store",
        store.to_str().unwrap(),
    ]);
    assert!(text.stdout.contains("Score 26/26"), "{}", text.stdout);
    assert!(text.stdout.contains("1/1  passed 20"), "when each check passed: {}", text.stdout);
    let (nobody, code) = progress_report(&store, "bob");
    assert_eq!((nobody.score, code), (0, 1), "a learner never graded has every check to do");
}

#[test]
fn unusable_stores_and_bad_learners_stop_before_grading() {
    let case = "checks/apigw-items/cases/complete.json";
    let garbage = store_path();
    std::fs::create_dir_all(garbage.parent().unwrap()).unwrap();
    std::fs::write(&garbage, "not a database, just text long enough to look like a header page of one").unwrap();
    for (args, expected) in [
        (vec!["--learner", "a b"], "learner `a b` must be 1 to 128 of letters"),
        (vec!["--learner", "ana", "--store", garbage.to_str().unwrap()], "file is not a database"),
        (vec!["--learner", "ana", "--store", "dynamodb:x y"], "is not a DynamoDB table name"),
        // Before: recorded, then a panic (exit 101) before the report was printed.
        (vec!["--learner", "ana", "--evidence-days", "99999999"], "99999999 is not in 1..=36500"),
        (vec!["--learner", "ana", "--evidence-days", "0"], "0 is not in 1..=36500"),
    ] {
        let out = offline(&[&["run", "checks/apigw-items", "--from", case], args.as_slice()].concat());
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "nothing graded: {}", out.stdout);
        let first = out.stderr.lines().next().unwrap_or_default();
        assert!(first.contains(expected), "{args:?}: {}", out.stderr);
    }
    let without_learner = offline(&["run", "checks/apigw-items", "--from", case, "--evidence-days", "3"]);
    assert_eq!(without_learner.code, 2, "--evidence-days without --learner is refused, not ignored");
    assert!(without_learner.stderr.contains("--learner"), "{}", without_learner.stderr);
    let store = store_path();
    assert_eq!(offline(&["store-init", "--store", store.to_str().unwrap()]).code, 0);
    let missing = offline(&["evidence", "g019a8c4e2f1b-4be1d2c3a4b5c6d7", "--store", store.to_str().unwrap()]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no grading g019a8c4e2f1b-4be1d2c3a4b5c6d7 in store sqlite:"),
        "{}",
        missing.stderr
    );
    let bad_id = offline(&["evidence", "../../etc/passwd", "--store", store.to_str().unwrap()]);
    assert_eq!(bad_id.code, 2);
    assert!(bad_id.stderr.contains("is not a grading id"), "{}", bad_id.stderr);
}

/// Processes killed in the middle of recording (SIGKILL, at random points): every grading a process answered for is
/// in the store, the store opens, and its progress counts exactly the gradings it holds.
#[test]
fn a_killed_process_loses_nothing_already_answered() {
    let store = store_path();
    let store_arg = store.to_str().unwrap();
    let mut answered = Vec::new();
    for round in 0..12u64 {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_labcheck"));
        cmd.env_clear().current_dir(env!("CARGO_MANIFEST_DIR"));
        cmd.args(["run", "checks/apigw-items", "--from", "checks/apigw-items/cases/complete.json", "--format", "json"]);
        cmd.args(["--learner", "kim", "--store", store_arg]).stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        // Every third run finishes; the others are killed somewhere between start and the end of the write.
        if round % 3 != 0 {
            std::thread::sleep(Duration::from_millis(5 + (round * 7) % 40));
            let _ = child.kill();
        }
        let out = child.wait_with_output().unwrap();
        if let Ok(report) = serde_json::from_slice::<Report>(&out.stdout)
            && let Some(Recorded::Kept { grading_id, .. }) = report.recorded
        {
            answered.push(grading_id);
        }
    }
    assert!(answered.len() >= 4, "at least the runs left alone answered: {answered:?}");
    let connection = rusqlite::Connection::open(&store).unwrap();
    let rows: u64 =
        connection.query_row("SELECT count(*) FROM gradings WHERE learner = 'kim'", [], |r| r.get(0)).unwrap();
    for id in &answered {
        let found: u64 =
            connection.query_row("SELECT count(*) FROM gradings WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(found, 1, "answered grading {id} is in the store");
    }
    let body: String =
        connection.query_row("SELECT body FROM progress WHERE learner = 'kim'", [], |r| r.get(0)).unwrap();
    let progress: labcheck::progress::Progress = serde_json::from_str(&body).unwrap();
    assert_eq!(progress.gradings, rows, "a grading and its merge are written together or not at all");
    let (report, _) = progress_report(&store, "kim");
    assert_eq!(report.score, 22);
}
