//! Faults from AWS and the network never produce a wrong grade: a fault-injecting proxy between labcheck and the
//! emulators answers 429, 500, delays past the deadline or drops connections for chosen operations, and records
//! every request (labcheck only reads).

mod common;

use std::time::Duration;

use common::fault_proxy::{Fault, FaultProxy, Rule};
use common::{Account, Graded, ItemsLab};

/// Grades the API-keys step of `account` through `proxy` (probes included), off the async runtime.
async fn grade_via(account: &Account, proxy: &FaultProxy, extra: &[&str]) -> Graded {
    let via = Account { endpoint: proxy.url.clone(), ..account.clone() };
    let mut args = vec!["--step".to_owned(), "api-keys".to_owned()];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        via.grade_live(&common::lab_file(), &args)
    })
    .await
    .unwrap()
}

async fn complete_lab() -> Account {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    account
}

fn requests(graded: &Graded) -> (u64, u64) {
    let stats = &graded.report["stats"];
    (stats["api_calls_total"].as_u64().unwrap(), stats["api_requests"].as_u64().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_that_never_ends_is_an_error_and_other_checks_keep_their_verdicts() {
    let account = complete_lab().await;
    let proxy = FaultProxy::start(&account.endpoint, vec![Rule::always("GET /usageplans", Fault::Throttle)]).await;
    let graded = grade_via(&account, &proxy, &[]).await;
    graded.assert_statuses(&[
        ("usage-plan-created", "error"),
        ("usage-plan-key-created", "skip"),
        ("methods-require-api-key", "pass"),
        ("unauthenticated-get-forbidden", "pass"),
        ("authenticated-get-accepted", "skip"),
    ]);
    assert_eq!(
        graded.message("usage-plan-created"),
        "could not read apigateway:GetUsagePlans (throttled by AWS): AWS throttled the reads after retries (TooManyRequestsException)"
    );
    assert_eq!(graded.code, 3);
    let throttled = proxy.recorded().iter().filter(|r| r.fault == Some(Fault::Throttle)).count();
    assert_eq!(throttled, 5, "five attempts in all");
    let (calls, sent) = requests(&graded);
    assert_eq!(sent, calls + 4, "the four retries are counted");
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_that_passes_is_retried_to_the_true_verdict() {
    let account = complete_lab().await;
    let rules =
        vec![Rule::first(2, "GET /usageplans", Fault::Throttle), Rule::first(1, "GET /apikeys", Fault::ServerError)];
    let proxy = FaultProxy::start(&account.endpoint, rules).await;
    let graded = grade_via(&account, &proxy, &[]).await;
    assert_eq!(graded.code, 0, "{}", graded.report);
    let (calls, sent) = requests(&graded);
    assert_eq!(sent, calls + 3, "2 throttled + 1 server error retried");
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_and_dropped_connections_are_errors_never_verdicts() {
    let account = complete_lab().await;
    let rules = vec![Rule::always("GET /apikeys", Fault::ServerError), Rule::always("GET /restapis/", Fault::Drop)];
    let proxy = FaultProxy::start(&account.endpoint, rules).await;
    let graded = grade_via(&account, &proxy, &[]).await;
    graded.assert_statuses(&[
        ("usage-plan-created", "pass"),
        ("usage-plan-key-created", "error"),
        ("methods-require-api-key", "error"),
        ("unauthenticated-get-forbidden", "skip"),
        ("authenticated-get-accepted", "skip"),
    ]);
    assert!(
        graded
            .message("usage-plan-key-created")
            .starts_with("could not read apigateway:GetApiKeys (service error): InternalFailure")
    );
    assert!(
        graded.message("methods-require-api-key").starts_with("could not read apigateway:GetResources"),
        "{}",
        graded.message("methods-require-api-key")
    );
    assert_eq!(graded.code, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_slower_than_the_deadline_is_an_error() {
    let account = complete_lab().await;
    let rules = vec![Rule::always("GET /restapis/", Fault::Delay(Duration::from_secs(8)))];
    let proxy = FaultProxy::start(&account.endpoint, rules).await;
    let graded = grade_via(&account, &proxy, &["--timeout", "2"]).await;
    assert_eq!(graded.status("methods-require-api-key"), "error");
    assert_eq!(graded.message("methods-require-api-key"), "timed out after 2s reading the account");
    assert_eq!(graded.status("usage-plan-created"), "pass", "untouched checks keep their verdict");
    assert_eq!(graded.code, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unanswered_probe_is_an_error_but_a_403_is_a_verdict() {
    let account = complete_lab().await;
    let rules = vec![Rule::always("GET /_aws/execute-api/", Fault::Drop)];
    let proxy = FaultProxy::start(&account.endpoint, rules).await;
    let graded = grade_via(&account, &proxy, &[]).await;
    assert_eq!(graded.status("unauthenticated-get-forbidden"), "error");
    assert!(
        graded.message("unauthenticated-get-forbidden").starts_with("could not read probe GET (could not connect)"),
        "{}",
        graded.message("unauthenticated-get-forbidden")
    );
    assert_eq!(graded.status("methods-require-api-key"), "pass");
    assert_eq!(graded.code, 3);
}

/// Every request labcheck sends while grading the whole lab is a read: GETs to the control planes, the one STS
/// GetCallerIdentity, and GET/OPTIONS probes to invoke URLs.
#[tokio::test(flavor = "multi_thread")]
async fn grading_the_whole_lab_only_reads() {
    let account = Account::with_lambda(10);
    ItemsLab::full().build(&account).await;
    let front = FaultProxy::start(&account.endpoint, vec![]).await;
    let lambda = FaultProxy::start(account.lambda_endpoint.as_deref().unwrap(), vec![]).await;
    let via = Account { endpoint: front.url.clone(), lambda_endpoint: Some(lambda.url.clone()), ..account.clone() };
    let graded = tokio::task::spawn_blocking(move || via.grade_live(&common::lab_file(), &[])).await.unwrap();
    assert_eq!(graded.report["summary"]["errors"], 0, "{}", graded.report);
    let mut seen = Vec::new();
    for r in front.recorded().iter().chain(lambda.recorded().iter()) {
        let is_probe = r.path.starts_with("/_aws/execute-api/");
        let is_sts = r.method == "POST" && r.path == "/" && r.body.contains("Action=GetCallerIdentity");
        let read = match r.method.as_str() {
            "GET" => true,
            "OPTIONS" => is_probe,
            _ => is_sts,
        };
        assert!(read, "not a read: {} {} {}", r.method, r.path, r.body);
        seen.push(format!("{} {}", r.method, r.path));
    }
    assert!(seen.iter().any(|s| s.starts_with("GET /2015-03-31/functions/")), "Lambda reads went through: {seen:?}");
    assert!(seen.iter().any(|s| s.starts_with("OPTIONS /_aws/execute-api/")), "the CORS probe went through");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_probe_to_a_host_that_does_not_resolve_is_an_error() {
    let account = complete_lab().await;
    let mut cmd = account.labcheck();
    cmd.env("LABCHECK_INVOKE_URL_TEMPLATE", "http://{api_id}.labcheck-test.invalid/{stage}");
    cmd.arg("run").arg(common::lab_file()).args(["--step", "api-keys", "--format", "json"]);
    let graded = tokio::task::spawn_blocking(move || Graded::from(common::run(cmd))).await.unwrap();
    assert_eq!(graded.status("unauthenticated-get-forbidden"), "error");
    assert!(
        graded.message("unauthenticated-get-forbidden").starts_with("could not read probe GET (could not connect)")
    );
    assert_eq!(graded.status("usage-plan-created"), "pass");
    assert_eq!(graded.code, 3);
}
