//! Every step of the Items lab graded end to end: API Gateway on LocalStack (probes included), Lambda on moto,
//! each test in an account (and moto region) of its own.

mod common;

use common::{Account, Cors, Graded, ItemsLab, LambdaSetup};

/// Grades `steps` (all when empty) of the shipped lab.
fn grade(account: &Account, steps: &[&str]) -> Graded {
    let mut args = Vec::new();
    for step in steps {
        args.extend(["--step", step]);
    }
    account.grade(&args)
}

const ALL_BUT_CLEANUP: &[(&str, &str)] = &[
    ("rest-api-created", "pass"),
    ("resources-created", "pass"),
    ("get-methods-created", "pass"),
    ("lambda-function-created", "pass"),
    ("lambda-version-published", "pass"),
    ("lambda-aliases-created", "pass"),
    ("prod-alias-on-version", "pass"),
    ("lambda-proxy-integration", "pass"),
    ("lambda-invoke-permission", "pass"),
    ("stages-deployed", "pass"),
    ("stage-variables-select-aliases", "pass"),
    ("usage-plan-created", "pass"),
    ("usage-plan-key-created", "pass"),
    ("methods-require-api-key", "pass"),
    ("unauthenticated-get-forbidden", "pass"),
    ("authenticated-get-accepted", "pass"),
    ("cors-configured", "pass"),
    ("cors-preflight", "pass"),
    ("prod-cache-cluster", "pass"),
    ("prod-method-caching", "pass"),
    ("prod-throttling", "pass"),
    ("usage-plan-limits", "pass"),
];

#[tokio::test]
async fn complete_lab_end_to_end_reads_each_collection_once() {
    let account = Account::with_lambda(2);
    ItemsLab::full().build(&account).await;
    let graded = grade(&account, &[]);
    let mut expected = ALL_BUT_CLEANUP.to_vec();
    // The lab's resources are all still there, so the cleanup step fails, naming each.
    expected.extend([
        ("api-deleted", "fail"),
        ("function-deleted", "fail"),
        ("usage-plan-deleted", "fail"),
        ("api-key-deleted", "fail"),
    ]);
    graded.assert_statuses(&expected);
    assert_eq!(graded.message("function-deleted"), "Lambda function ItemsFunction still exists");
    assert_eq!(graded.report["score"], 22);
    assert_eq!(graded.report["max_score"], 26);
    assert_eq!(graded.code, 1);
    let evidence = &graded.check("lambda-function-created")["evidence"];
    assert_eq!(
        (evidence["runtime"].as_str(), evidence["handler"].as_str()),
        (Some("python3.12"), Some("index.handler"))
    );

    // One API, one function, one plan: every collection once; GetPolicy once per alias (two policies).
    let calls = graded.report["stats"]["api_calls"].as_object().unwrap().clone();
    for (op, n) in &calls {
        let expected = if op == "lambda:GetPolicy" { 2 } else { 1 };
        assert_eq!(n, expected, "{op} in {calls:?}");
    }
    assert_eq!(calls.len(), 12, "{calls:?}");
}

#[tokio::test]
async fn every_step_but_cleanup_passes_when_graded_step_by_step() {
    let account = Account::with_lambda(3);
    ItemsLab::full().build(&account).await;
    for step in [
        "resources",
        "lambda-backend",
        "versions-aliases",
        "backend-integration",
        "best-practices",
        "api-keys",
        "cors",
        "caching-throttling",
    ] {
        let graded = grade(&account, &[step]);
        assert_eq!(graded.code, 0, "step {step}: {}", graded.report);
        assert!(graded.report["steps"].as_array().unwrap().iter().any(|s| s["id"] == step));
    }
    // Two steps at once: the score covers exactly what ran (their checks and the checks they need).
    let graded = grade(&account, &["resources", "cors"]);
    let ids: Vec<&str> =
        graded.report["checks"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "rest-api-created",
            "resources-created",
            "get-methods-created",
            "stages-deployed",
            "cors-configured",
            "cors-preflight"
        ]
    );
    assert_eq!(graded.report["max_score"], 6);
}
