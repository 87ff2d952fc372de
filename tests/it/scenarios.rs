//! The API-keys step graded end to end: state created through the real SDK on LocalStack, graded by the real
//! `labcheck` binary (control plane reads and HTTP probes of the deployed stages).

use crate::common;

use crate::common::{Account, ItemsLab, KeyState};

const STEP: [&str; 2] = ["--step", "api-keys"];

#[tokio::test]
async fn complete_step_passes_every_check() {
    let account = Account::localstack();
    let built = ItemsLab::complete().build(&account).await;
    let graded = account.grade(&STEP);
    graded.assert_statuses(&[
        ("usage-plan-created", "pass"),
        ("usage-plan-key-created", "pass"),
        ("methods-require-api-key", "pass"),
        ("unauthenticated-get-forbidden", "pass"),
        ("authenticated-get-accepted", "pass"),
    ]);
    assert_eq!(graded.code, 0, "{}", graded.output.stderr);
    assert_eq!(graded.report.score, 5);
    assert_eq!(graded.report.max_score, 5);
    assert_eq!(graded.report.outcome, labcheck::model::Outcome::Pass);
    assert_eq!(graded.report.target.account_id.as_deref(), Some(account.id.as_str()));
    let evidence = &graded.check("usage-plan-created").evidence;
    assert_eq!(evidence["usage_plan_id"], built.plan_id.unwrap().as_str());
    assert!(graded.check("usage-plan-created").hint.is_none(), "no hint on a pass");
}

#[tokio::test]
async fn each_collection_is_read_once() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let graded = account.grade(&STEP);
    let stats = &graded.report.stats;
    let calls = &stats.api_calls;
    for op in [
        "apigateway:GetRestApis",
        "apigateway:GetResources",
        "apigateway:GetStages",
        "apigateway:GetUsagePlans",
        "apigateway:GetUsagePlanKeys",
        "apigateway:GetApiKeys",
        "sts:GetCallerIdentity",
    ] {
        assert_eq!(calls.get(op), Some(&1), "{op} in {stats:?}");
    }
    assert_eq!(stats.api_calls_total, 7, "{stats:?}");
    // 2 requests x 2 stages, without and with the key.
    assert_eq!(stats.probes, 8, "{stats:?}");
    assert_eq!(stats.rounds, 1);
}

#[tokio::test]
async fn no_usage_plan() {
    let account = Account::localstack();
    let lab =
        ItemsLab { plan_stages: None, key: Some(KeyState { enabled: true, in_plan: false }), ..ItemsLab::complete() };
    lab.build(&account).await;
    let graded = account.grade(&STEP);
    graded.assert_statuses(&[
        ("usage-plan-created", "fail"),
        ("usage-plan-key-created", "skip"),
        ("methods-require-api-key", "pass"),
        ("unauthenticated-get-forbidden", "pass"),
        ("authenticated-get-accepted", "skip"),
    ]);
    assert_eq!(
        graded.message("usage-plan-created"),
        "no usage plan named CloudAcademyPlan (the account has no usage plans)"
    );
    assert!(graded.message("usage-plan-key-created").contains("\"Created the Usage Plan\" (fail)"));
    assert!(graded.check("usage-plan-created").hint.as_deref().unwrap().contains("Usage Plans"));
    assert_eq!(graded.code, 1);
    assert_eq!(graded.report.score, 2);
}

#[tokio::test]
async fn plan_bound_to_dev_only() {
    let account = Account::localstack();
    ItemsLab { plan_stages: Some(vec!["dev"]), ..ItemsLab::complete() }.build(&account).await;
    let graded = account.grade(&STEP);
    graded.assert_statuses(&[
        ("usage-plan-created", "fail"),
        ("usage-plan-key-created", "skip"),
        ("methods-require-api-key", "pass"),
        ("unauthenticated-get-forbidden", "pass"),
        ("authenticated-get-accepted", "skip"),
    ]);
    assert_eq!(
        graded.message("usage-plan-created"),
        "usage plan CloudAcademyPlan is bound to ItemsAPI/dev only; prod is missing"
    );
    assert_eq!(graded.code, 1);
}

#[tokio::test]
async fn key_not_in_plan() {
    let account = Account::localstack();
    ItemsLab { key: Some(KeyState { enabled: true, in_plan: false }), ..ItemsLab::complete() }.build(&account).await;
    let graded = account.grade(&STEP);
    graded.assert_statuses(&[
        ("usage-plan-created", "pass"),
        ("usage-plan-key-created", "fail"),
        ("methods-require-api-key", "pass"),
        ("unauthenticated-get-forbidden", "pass"),
        ("authenticated-get-accepted", "skip"),
    ]);
    assert_eq!(
        graded.message("usage-plan-key-created"),
        "API key LabKey exists but is not a key of usage plan CloudAcademyPlan"
    );
    assert_eq!(graded.code, 1);
}

/// Students retry: besides the key in the plan, four more enabled keys named LabKey in no plan. LocalStack, like
/// AWS, refuses those; the probe carries the key in the plan bound to the stage, run after run.
#[tokio::test]
async fn retried_keys_of_one_name_grade_the_same_every_time() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let c = account.apigw();
    for _ in 0..4 {
        c.create_api_key().name("LabKey").enabled(true).send().await.expect("create API key");
    }
    for run in 1..=3 {
        let graded = account.grade(&STEP);
        assert_eq!(graded.status("authenticated-get-accepted"), "pass", "run {run}: {:#?}", graded.verdicts());
        assert_eq!(graded.status("usage-plan-key-created"), "pass");
    }
}

#[tokio::test]
async fn key_disabled() {
    let account = Account::localstack();
    ItemsLab { key: Some(KeyState { enabled: false, in_plan: true }), ..ItemsLab::complete() }.build(&account).await;
    let graded = account.grade(&STEP);
    graded.assert_statuses(&[
        ("usage-plan-created", "pass"),
        ("usage-plan-key-created", "fail"),
        ("methods-require-api-key", "pass"),
        ("unauthenticated-get-forbidden", "pass"),
        ("authenticated-get-accepted", "skip"),
    ]);
    assert_eq!(
        graded.message("usage-plan-key-created"),
        "API key LabKey is a key of usage plan CloudAcademyPlan but it is disabled"
    );
}

#[tokio::test]
async fn disabled_key_is_refused_by_the_deployed_stage() {
    // Graded on its own (no `needs` in the way): the probe itself sees the 403.
    let account = Account::localstack();
    ItemsLab { key: Some(KeyState { enabled: false, in_plan: true }), ..ItemsLab::complete() }.build(&account).await;
    let graded = account.grade_lab(&common::repo_path("tests/labs/probes-only.toml"), &[]);
    graded.assert_statuses(&[("unauthenticated", "pass"), ("authenticated", "fail")]);
    assert!(
        graded.message("authenticated").starts_with("with key LabKey, GET /items on dev and prod answered 403"),
        "{}",
        graded.message("authenticated")
    );
}

#[tokio::test]
async fn one_method_without_api_key_required() {
    let account = Account::localstack();
    ItemsLab { open_methods: vec!["/items/{ID}"], ..ItemsLab::complete() }.build(&account).await;
    let graded = account.grade(&STEP);
    graded.assert_statuses(&[
        ("usage-plan-created", "pass"),
        ("usage-plan-key-created", "pass"),
        ("methods-require-api-key", "fail"),
        ("unauthenticated-get-forbidden", "skip"),
        ("authenticated-get-accepted", "pass"),
    ]);
    assert_eq!(graded.message("methods-require-api-key"), "on ItemsAPI: GET /items/{ID} does not require an API key");
    assert_eq!(graded.code, 1);
}

#[tokio::test]
async fn api_key_required_but_not_redeployed() {
    let account = Account::localstack();
    ItemsLab { not_redeployed: true, ..ItemsLab::complete() }.build(&account).await;
    let graded = account.grade(&STEP);
    graded.assert_statuses(&[
        ("usage-plan-created", "pass"),
        ("usage-plan-key-created", "pass"),
        ("methods-require-api-key", "pass"),
        ("unauthenticated-get-forbidden", "fail"),
        ("authenticated-get-accepted", "pass"),
    ]);
    let message = graded.message("unauthenticated-get-forbidden");
    assert_eq!(
        message,
        "without an API key, GET /items and GET /items/{ID} on dev and prod answered 200 {\"items\": []}"
    );
    let hint = graded.check("unauthenticated-get-forbidden").hint.as_deref().unwrap();
    assert!(hint.contains("Deploy API"), "the hint must say to redeploy: {hint}");
    assert_eq!(graded.code, 1);
}

#[tokio::test]
async fn empty_account() {
    let account = Account::localstack();
    let graded = account.grade(&STEP);
    graded.assert_statuses(&[
        ("usage-plan-created", "fail"),
        ("usage-plan-key-created", "skip"),
        ("methods-require-api-key", "fail"),
        ("unauthenticated-get-forbidden", "skip"),
        ("authenticated-get-accepted", "skip"),
    ]);
    assert_eq!(graded.message("methods-require-api-key"), "there is no REST API named ItemsAPI");
    assert_eq!(graded.report.score, 0);
    assert_eq!(graded.code, 1);
}

#[tokio::test]
async fn stopped_emulator_is_an_error_never_a_pass() {
    // A port nothing listens on: every read fails to connect.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let account = Account::new_on(dead);
    let graded = account.grade(&[&STEP[..], &["--timeout", "20"]].concat());
    graded.assert_statuses(&[
        ("usage-plan-created", "error"),
        ("usage-plan-key-created", "skip"),
        ("methods-require-api-key", "error"),
        ("unauthenticated-get-forbidden", "skip"),
        ("authenticated-get-accepted", "skip"),
    ]);
    let message = graded.message("usage-plan-created");
    assert!(message.starts_with("could not read apigateway:GetUsagePlans (could not connect)"), "{message}");
    assert_eq!(graded.report.outcome, labcheck::model::Outcome::Error);
    assert_eq!(graded.report.target.account_id, None);
    assert_eq!(graded.code, 3);
}

#[tokio::test]
async fn wait_regrades_until_the_redeploy_lands() {
    let account = Account::localstack();
    let built = ItemsLab { not_redeployed: true, ..ItemsLab::complete() }.build(&account).await;
    let api_id = built.api_id.unwrap();
    let c = account.apigw();
    let redeploy = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
        common::deploy(&c, &api_id, "dev").await;
        common::deploy(&c, &api_id, "prod").await;
    });
    let graded = tokio::task::spawn_blocking(move || {
        account.grade_live(&common::lab_file(), &[&STEP[..], &["--wait", "40"]].concat())
    })
    .await
    .unwrap();
    redeploy.await.unwrap();
    assert_eq!(graded.status("unauthenticated-get-forbidden"), "pass", "{:?}", graded.report);
    assert_eq!(graded.code, 0);
    let rounds = u64::from(graded.report.stats.rounds);
    assert!(rounds >= 2, "rounds: {rounds}");
    // Later rounds re-read only what the pending check needs.
    let calls = &graded.report.stats.api_calls;
    assert_eq!(calls["apigateway:GetUsagePlans"], 1, "{calls:?}");
    assert_eq!(calls["apigateway:GetStages"], rounds, "{calls:?}");
}

#[tokio::test]
async fn outputs_never_contain_the_api_key_value() {
    let account = Account::localstack();
    // The API echoes the key it is sent: the value comes back in the probe's answer.
    let built = ItemsLab { echo_api_key: true, ..ItemsLab::complete() }.build(&account).await;
    let secret = built.key_value.expect("LocalStack returns the generated value");
    assert_eq!(secret.len(), 40);
    let dir = tempfile::tempdir().unwrap();
    for format in ["human", "json", "junit"] {
        let out_file = dir.path().join(format!("report.{format}"));
        let mut cmd = account.labcheck();
        cmd.arg("run")
            .arg(common::lab_file())
            .args(["--step", "api-keys", "--format", format, "--stats", "-vv", "--output"])
            .arg(&out_file);
        let out = common::run(cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let written = std::fs::read_to_string(&out_file).unwrap();
        for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr), ("file", &written)] {
            assert!(!text.contains(&secret), "{format} {what} contains the API key value");
        }
    }
    let snapshot = dir.path().join("state.json");
    let mut cmd = account.labcheck();
    cmd.arg("snapshot").arg(common::lab_file()).args(["--step", "api-keys", "-vv", "--output"]).arg(&snapshot);
    let out = common::run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(&snapshot).unwrap();
    assert!(written.contains("\"LabKey\""), "the snapshot has the key's facts");
    assert!(written.contains(r#"\"echo\": \"[redacted]\""#), "the echoed value is redacted: {written}");
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr), ("snapshot", &written)] {
        assert!(!text.contains(&secret), "snapshot {what} contains the API key value");
    }
}

#[tokio::test]
async fn credential_process_profiles_work() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let dir = tempfile::tempdir().unwrap();
    let config = account.credential_process_config(dir.path(), "lab");
    let graded = account.grade_with_profile(&config, "lab", |_| {});
    assert_eq!(graded.code, 0, "{}", graded.output.stderr);
    assert_eq!(graded.report.target.account_id.as_deref(), Some(account.id.as_str()));
}

#[tokio::test]
async fn junit_output_file_and_checklist_on_stdout() {
    let account = Account::localstack();
    ItemsLab { plan_stages: Some(vec!["dev"]), ..ItemsLab::complete() }.build(&account).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("junit.xml");
    let mut cmd = account.labcheck();
    cmd.arg("run").arg(common::lab_file()).args(["--step", "api-keys", "--format", "junit", "--output"]).arg(&file);
    let out = common::run(cmd);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let xml = std::fs::read_to_string(&file).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"2\""), "{xml}");
    assert!(xml.contains("<failure type=\"fail\" message=\"usage plan CloudAcademyPlan is bound to ItemsAPI/dev only; prod is missing\">"), "{xml}");
    assert!(xml.contains("<skipped type=\"skip\""), "{xml}");
    // The person watching the CI log gets the checklist.
    assert!(out.stdout.contains("✘ Created the Usage Plan"), "{}", out.stdout);
    assert!(out.stdout.contains("Score 2/5"), "{}", out.stdout);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("junit.xml")], "no temp file left behind");
}

/// Evidence is a record of the learner's account: a stage variable no integration selects with keeps only a digest
/// of its value, a probe's answer only what a check shows of it; the alias variable the checks judge stays, and the
/// evidence regrades to the same verdicts (before: every value and 4 KiB of every answer were kept).
#[tokio::test]
async fn evidence_keeps_what_regrading_needs_and_no_more() {
    use aws_sdk_apigateway::types::{Op, PatchOperation};
    // The whole lab: API Gateway on LocalStack, the function (selected by `${stageVariables.alias}`) on moto.
    let account = Account::with_lambda();
    account.wipe_lambda().await;
    let built = ItemsLab { echo_api_key: true, ..ItemsLab::full() }.build(&account).await;
    let api_id = built.api_id.unwrap();
    let secret = "s3cr3t-stage-VALUE-0123456789";
    let patch = PatchOperation::builder().op(Op::Replace).path("/variables/DB_PASSWORD").value(secret).build();
    account.apigw().update_stage().rest_api_id(&api_id).stage_name("dev").patch_operations(patch).send().await.unwrap();
    let store = tempfile::tempdir().unwrap().keep().join("progress.sqlite");
    let store = format!("sqlite:{}", store.display());
    let mut run = account.labcheck();
    let steps = ["--step", "backend-integration", "--step", "api-keys", "--format", "json"];
    run.arg("run").arg(common::lab_file()).args(steps);
    run.args(["--learner", "ana", "--store", &store]);
    let live = common::run(run);
    let report: labcheck::model::Report =
        serde_json::from_str(&live.stdout).unwrap_or_else(|e| panic!("{e}: {}", live.stderr));
    let Some(labcheck::model::Recorded::Kept { grading_id, .. }) = &report.recorded else {
        panic!("{:?}", report.recorded)
    };
    let mut evidence = account.labcheck();
    evidence.args(["evidence", grading_id, "--store", &store]);
    let kept = common::run(evidence);
    assert_eq!(kept.code, 0, "{}", kept.stderr);
    assert!(!kept.stdout.contains(secret), "the unselected variable's value is not kept");
    let snapshot: serde_json::Value = serde_json::from_str(&kept.stdout).unwrap();
    let stages = snapshot["facts"]["stages"][&api_id]["Ok"].as_array().unwrap();
    let dev = stages.iter().find(|s| s["name"] == "dev").unwrap();
    assert!(dev["variables"]["DB_PASSWORD"].as_str().unwrap().starts_with("sha256:"), "{dev}");
    assert_eq!(dev["variables"]["alias"], "dev", "the variable the checks judge keeps its value: {dev}");
    let probes = snapshot["facts"]["probes"].as_array().unwrap();
    assert!(!probes.is_empty());
    let bodies: Vec<&str> = probes.iter().filter_map(|p| p["outcome"]["Ok"]["body"].as_str()).collect();
    assert!(bodies.iter().any(|b| !b.is_empty()), "{probes:?}");
    for body in bodies {
        assert!(body.chars().count() <= 81, "a probe's body is cut to what a check shows: {body}");
    }
    // Regraded from the evidence: the same verdicts.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &kept.stdout).unwrap();
    let mut again = account.labcheck();
    again.arg("run").arg(common::lab_file()).args(steps).arg("--from");
    let regraded = common::run({
        again.arg(file.path());
        again
    });
    let regraded: labcheck::model::Report = serde_json::from_str(&regraded.stdout).unwrap();
    let verdicts = |r: &labcheck::model::Report| -> Vec<(String, String, String)> {
        r.checks.iter().map(|c| (c.id.clone(), c.status.as_str().to_owned(), c.message.clone())).collect()
    };
    assert_eq!(verdicts(&regraded), verdicts(&report));
}
