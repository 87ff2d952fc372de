//! Every step of the Items lab graded end to end: API Gateway on LocalStack (probes included), Lambda on moto,
//! each test in an account (and moto region) of its own.

use crate::common::{Account, BUILD_STEPS, Cors, Graded, ItemsLab, LambdaSetup};

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
    let account = Account::with_lambda();
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
    assert_eq!(graded.report.score, 22);
    assert_eq!(graded.report.max_score, 26);
    assert_eq!(graded.code, 1);
    let evidence = &graded.check("lambda-function-created").evidence;
    assert_eq!(
        (evidence["runtime"].as_str(), evidence["handler"].as_str()),
        (Some("python3.12"), Some("index.handler"))
    );

    // One API, one function, one plan: every collection once; GetPolicy once per alias (two policies).
    let calls = graded.report.stats.api_calls.clone();
    for (op, n) in &calls {
        let expected = if op == "lambda:GetPolicy" { 2 } else { 1 };
        assert_eq!(*n, expected, "{op} in {calls:?}");
    }
    assert_eq!(calls.len(), 12, "{calls:?}");
    // The REST API list (beside usage plans, keys, function names and the account id); then, with the API's id,
    // resources, stages, plan keys and the probes; then the Lambda reads of the function the integration names.
    assert_eq!(graded.report.stats.round_trips, 3, "{:?}", graded.report.stats);
}

#[tokio::test]
async fn every_step_but_cleanup_passes_when_graded_step_by_step() {
    let account = Account::with_lambda();
    ItemsLab::full().build(&account).await;
    for &step in BUILD_STEPS {
        let graded = grade(&account, &[step]);
        assert_eq!(graded.code, 0, "step {step}: {:?}", graded.report);
        assert!(graded.report.steps.iter().any(|s| s.id == step));
        if step == "api-keys" {
            // The floor: the lists (REST APIs, usage plans, API keys, the account id); then, with the API's and the
            // plan's ids, resources, stages, plan keys and every probe at once.
            assert_eq!(graded.report.stats.round_trips, 2, "{:?}", graded.report.stats);
        }
    }
    // Two steps at once: the score covers exactly what ran (their checks and the checks they need).
    let graded = grade(&account, &["resources", "cors"]);
    let ids: Vec<&str> = graded.report.checks.iter().map(|c| c.id.as_str()).collect();
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
    assert_eq!(graded.report.max_score, 6);
}

#[tokio::test]
async fn resources_step_broken() {
    let account = Account::with_lambda();
    ItemsLab { item_part: "{id}", ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["resources"]);
    graded.assert_statuses(&[
        ("rest-api-created", "pass"),
        ("resources-created", "fail"),
        ("get-methods-created", "skip"),
    ]);
    assert_eq!(graded.message("resources-created"), "ItemsAPI has no resource /items/{ID} (found /items/{id})");
    assert_eq!(graded.code, 1);

    let account = Account::with_lambda();
    ItemsLab { item_get: false, ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["resources"]);
    graded.assert_statuses(&[
        ("rest-api-created", "pass"),
        ("resources-created", "pass"),
        ("get-methods-created", "fail"),
    ]);
    assert_eq!(graded.message("get-methods-created"), "on ItemsAPI: GET /items/{ID} does not exist (no GET method)");

    let empty = Account::localstack();
    let graded = grade(&empty, &["resources"]);
    graded.assert_statuses(&[
        ("rest-api-created", "fail"),
        ("resources-created", "skip"),
        ("get-methods-created", "skip"),
    ]);
    assert_eq!(
        graded.message("rest-api-created"),
        "there is no REST API named ItemsAPI (the account has no REST APIs)"
    );
}

#[tokio::test]
async fn lambda_backend_step_broken() {
    let account = Account::with_lambda();
    let lambda = LambdaSetup { create: false, ..LambdaSetup::complete() };
    ItemsLab { lambda: Some(lambda), ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["lambda-backend"]);
    assert_eq!(graded.status("lambda-function-created"), "fail");
    assert_eq!(
        graded.message("lambda-function-created"),
        "GET /items on ItemsAPI integrates with Lambda function ItemsFunction, which does not exist"
    );

    let account = Account::localstack();
    ItemsLab { lambda: None, ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["lambda-backend"]);
    assert_eq!(
        graded.message("lambda-function-created"),
        "GET /items on ItemsAPI does not invoke a Lambda function (MOCK integration)"
    );
}

#[tokio::test]
async fn versions_aliases_step_broken() {
    let account = Account::with_lambda();
    let lambda = LambdaSetup {
        publish_version: false,
        aliases: vec![("dev", false), ("prod", false)],
        ..LambdaSetup::complete()
    };
    ItemsLab { lambda: Some(lambda), ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["versions-aliases"]);
    graded.assert_statuses(&[
        ("rest-api-created", "pass"),
        ("resources-created", "pass"),
        ("get-methods-created", "pass"),
        ("lambda-function-created", "pass"),
        ("lambda-version-published", "fail"),
        ("lambda-aliases-created", "pass"),
        ("prod-alias-on-version", "skip"),
    ]);
    assert_eq!(
        graded.message("lambda-version-published"),
        "Lambda function ItemsFunction has no published version (only $LATEST)"
    );

    let account = Account::with_lambda();
    let lambda = LambdaSetup { aliases: vec![("dev", false), ("prod", false)], ..LambdaSetup::complete() };
    ItemsLab { lambda: Some(lambda), ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["versions-aliases"]);
    assert_eq!(graded.status("prod-alias-on-version"), "fail");
    assert_eq!(
        graded.message("prod-alias-on-version"),
        "alias prod of ItemsFunction points at $LATEST, not a published version"
    );

    let account = Account::with_lambda();
    let lambda = LambdaSetup { aliases: vec![("dev", false)], ..LambdaSetup::complete() };
    ItemsLab { lambda: Some(lambda), ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["versions-aliases"]);
    assert_eq!(graded.status("lambda-aliases-created"), "fail");
    assert_eq!(
        graded.message("lambda-aliases-created"),
        "Lambda function ItemsFunction has no alias prod (aliases: dev)"
    );
}

#[tokio::test]
async fn backend_integration_step_broken() {
    let account = Account::with_lambda();
    let lambda = LambdaSetup { proxy_paths: vec!["/items"], ..LambdaSetup::complete() };
    ItemsLab { lambda: Some(lambda), ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["backend-integration"]);
    assert_eq!(graded.status("lambda-proxy-integration"), "fail");
    assert_eq!(graded.status("lambda-invoke-permission"), "skip");
    assert_eq!(
        graded.message("lambda-proxy-integration"),
        "on ItemsAPI: GET /items/{ID} is a MOCK integration, not a Lambda proxy integration (AWS_PROXY)"
    );

    let account = Account::with_lambda();
    let lambda = LambdaSetup { qualifier: ":prod", ..LambdaSetup::complete() };
    ItemsLab { lambda: Some(lambda), ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["backend-integration"]);
    assert_eq!(
        graded.message("lambda-proxy-integration"),
        "on ItemsAPI: GET /items invokes ItemsFunction:prod, not an alias chosen by a stage variable; GET /items/{ID} invokes ItemsFunction:prod, not an alias chosen by a stage variable"
    );

    let account = Account::with_lambda();
    let lambda = LambdaSetup { permissions: vec!["dev"], ..LambdaSetup::complete() };
    ItemsLab { lambda: Some(lambda), ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["backend-integration"]);
    assert_eq!(graded.status("lambda-proxy-integration"), "pass");
    assert_eq!(graded.status("lambda-invoke-permission"), "fail");
    // moto keeps one policy per function (it ignores the qualifier), so prod's lookup sees dev's statement only.
    let message = graded.message("lambda-invoke-permission");
    assert!(
        message
            == "the resource policy of ItemsFunction:prod does not let API Gateway invoke it for GET /items on prod and GET /items/{ID} on prod"
            || message == "ItemsFunction:prod has no resource policy",
        "{message}"
    );

    // A permission for GET /items alone: AWS answers 500 for GET /items/{ID}.
    let account = Account::with_lambda();
    let lambda = LambdaSetup { permission_methods: vec!["GET/items"], ..LambdaSetup::complete() };
    ItemsLab { lambda: Some(lambda), ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["backend-integration"]);
    assert_eq!(
        graded.message("lambda-invoke-permission"),
        "the resource policy of ItemsFunction:dev does not let API Gateway invoke it for GET /items/{ID} on dev; the resource policy of ItemsFunction:prod does not let API Gateway invoke it for GET /items/{ID} on prod"
    );

    // One statement with wildcards for the API, stage and method covers both.
    let account = Account::with_lambda();
    let lambda = LambdaSetup { permission_methods: vec!["*"], ..LambdaSetup::complete() };
    ItemsLab { lambda: Some(lambda), ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["backend-integration"]);
    assert_eq!(graded.status("lambda-invoke-permission"), "pass", "{}", graded.message("lambda-invoke-permission"));
}

#[tokio::test]
async fn best_practices_step_broken() {
    let account = Account::with_lambda();
    ItemsLab {
        stages: vec!["dev"],
        plan_stages: Some(vec!["dev"]),
        prod_cache: false,
        prod_method_caching: false,
        prod_throttle: false,
        ..ItemsLab::full()
    }
    .build(&account)
    .await;
    let graded = grade(&account, &["best-practices"]);
    assert_eq!(graded.status("stages-deployed"), "fail");
    assert_eq!(graded.status("stage-variables-select-aliases"), "skip");
    assert_eq!(graded.message("stages-deployed"), "ItemsAPI has no stage prod (stages: dev)");

    let account = Account::with_lambda();
    ItemsLab { stage_variables: vec![("dev", "dev"), ("prod", "dev")], ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["best-practices"]);
    assert_eq!(graded.status("stage-variables-select-aliases"), "fail");
    assert_eq!(graded.message("stage-variables-select-aliases"), "stage prod sets alias = dev, not prod");

    let account = Account::with_lambda();
    ItemsLab { stage_variables: vec![], ..ItemsLab::full() }.build(&account).await;
    let graded = grade(&account, &["best-practices"]);
    assert_eq!(
        graded.message("stage-variables-select-aliases"),
        "stage dev does not set the stage variable alias; stage prod does not set the stage variable alias"
    );
}

#[tokio::test]
async fn cors_step_broken() {
    let account = Account::localstack();
    ItemsLab { cors: Cors::ItemsOnly, ..ItemsLab::complete() }.build(&account).await;
    let graded = grade(&account, &["cors"]);
    assert_eq!(graded.status("cors-configured"), "fail");
    assert_eq!(graded.status("cors-preflight"), "skip");
    assert_eq!(
        graded.message("cors-configured"),
        "on ItemsAPI: OPTIONS /items/{ID} does not exist (no OPTIONS method)"
    );

    // Enabled in the console but never deployed: the API says yes, the stage says no.
    let account = Account::localstack();
    ItemsLab { cors: Cors::NotDeployed, ..ItemsLab::complete() }.build(&account).await;
    let graded = grade(&account, &["cors"]);
    assert_eq!(graded.status("cors-configured"), "pass");
    assert_eq!(graded.status("cors-preflight"), "fail");
    let message = graded.message("cors-preflight");
    assert!(message.starts_with("as a CORS preflight, OPTIONS /items on prod answered"), "{message}");
    assert!(message.ends_with("without Access-Control-Allow-Origin"), "{message}");
    assert!(graded.check("cors-preflight").hint.as_deref().unwrap().contains("Deploy API"));
}

#[tokio::test]
async fn caching_throttling_step_broken() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let graded = grade(&account, &["caching-throttling"]);
    graded.assert_statuses(&[
        ("rest-api-created", "pass"),
        ("stages-deployed", "pass"),
        ("usage-plan-created", "pass"),
        ("prod-cache-cluster", "fail"),
        ("prod-method-caching", "skip"),
        ("prod-throttling", "fail"),
        ("usage-plan-limits", "fail"),
    ]);
    assert_eq!(graded.message("prod-cache-cluster"), "stage prod of ItemsAPI has no cache cluster enabled");
    assert_eq!(
        graded.message("prod-throttling"),
        "stage prod of ItemsAPI has no throttling below the account default, and usage plan CloudAcademyPlan has no throttle"
    );
    assert_eq!(graded.message("usage-plan-limits"), "usage plan CloudAcademyPlan has neither throttling nor a quota");

    let account = Account::localstack();
    ItemsLab { prod_cache: true, ..ItemsLab::complete() }.build(&account).await;
    let graded = grade(&account, &["caching-throttling"]);
    assert_eq!(graded.status("prod-cache-cluster"), "pass");
    assert_eq!(graded.status("prod-method-caching"), "fail");
    assert_eq!(graded.message("prod-method-caching"), "no method setting of stage prod of ItemsAPI enables caching");
}

#[tokio::test]
async fn cleanup_step_on_cleaned_and_uncleaned_accounts() {
    let account = Account::with_lambda();
    account.wipe_lambda().await;
    let graded = grade(&account, &["cleanup"]);
    graded.assert_statuses(&[
        ("api-deleted", "pass"),
        ("function-deleted", "pass"),
        ("usage-plan-deleted", "pass"),
        ("api-key-deleted", "pass"),
    ]);
    assert_eq!(graded.code, 0);

    ItemsLab::full().build(&account).await;
    let graded = grade(&account, &["cleanup"]);
    graded.assert_statuses(&[
        ("api-deleted", "fail"),
        ("function-deleted", "fail"),
        ("usage-plan-deleted", "fail"),
        ("api-key-deleted", "fail"),
    ]);
    assert!(graded.message("api-deleted").starts_with("REST API ItemsAPI still exists ("));
    assert!(graded.message("usage-plan-deleted").starts_with("usage plan CloudAcademyPlan still exists ("));
    assert!(graded.message("api-key-deleted").starts_with("API key LabKey still exists ("));
    assert_eq!(graded.code, 1);
}
