//! Faults from AWS and the network never produce a wrong grade: a fault-injecting proxy between labcheck and the
//! emulators answers 429, 500, delays past the deadline or drops connections for chosen operations, and records
//! every request (labcheck only reads).

use crate::common;

use std::time::Duration;

use crate::common::fault_proxy::{Fault, FaultProxy, Rule};
use crate::common::{Account, Graded, ItemsLab};

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
    let stats = &graded.report.stats;
    (stats.api_calls_total, stats.api_requests)
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
    assert_eq!(graded.code, 0, "{:?}", graded.report);
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
    assert_eq!(graded.message("methods-require-api-key"), "timed out after 2 s reading the account");
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
    let account = Account::with_lambda();
    ItemsLab::full().build(&account).await;
    let front = FaultProxy::start(&account.endpoint, vec![]).await;
    let lambda = FaultProxy::start(account.lambda_endpoint.as_deref().unwrap(), vec![]).await;
    let via = Account { endpoint: front.url.clone(), lambda_endpoint: Some(lambda.url.clone()), ..account.clone() };
    let graded = tokio::task::spawn_blocking(move || via.grade_live(&common::lab_file(), &[])).await.unwrap();
    assert_eq!(graded.report.summary.errors, 0, "{:?}", graded.report);
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

/// Empty and non-JSON success answers are errors: an empty 200 once read as "nothing exists" and passed the
/// cleanup checks of an account where everything still existed.
#[tokio::test(flavor = "multi_thread")]
async fn empty_or_non_json_success_answers_are_errors_not_an_empty_account() {
    let account = complete_lab().await;
    let empty = Fault::Respond { status: 200, body: "", request_id: true };
    let html = Fault::Respond { status: 200, body: "<html>maintenance</html>", request_id: true };
    let rules = vec![
        Rule::always("GET /restapis?", empty),
        Rule::always("GET /usageplans", empty),
        Rule::always("GET /apikeys", html),
    ];
    let proxy = FaultProxy::start(&account.endpoint, rules).await;
    let via = Account { endpoint: proxy.url.clone(), ..account.clone() };
    let graded =
        tokio::task::spawn_blocking(move || via.grade_live(&common::lab_file(), &["--step", "cleanup"])).await.unwrap();
    for check in ["api-deleted", "usage-plan-deleted", "api-key-deleted"] {
        assert_eq!(graded.status(check), "error", "{check}: {}", graded.message(check));
    }
    assert!(graded.message("api-deleted").contains("the answer was empty"), "{}", graded.message("api-deleted"));
    assert!(graded.message("api-key-deleted").contains("not JSON"), "{}", graded.message("api-key-deleted"));
    assert_eq!(graded.code, 3);
}

/// A `position` that comes back is a pagination loop: an error, not the partial list the SDK would stop at.
#[tokio::test(flavor = "multi_thread")]
async fn a_pagination_loop_is_an_error() {
    let account = complete_lab().await;
    let looping = Fault::Respond { status: 200, body: r#"{"item": [], "position": "p1"}"#, request_id: true };
    let proxy = FaultProxy::start(&account.endpoint, vec![Rule::always("GET /usageplans", looping)]).await;
    let graded = grade_via(&account, &proxy, &[]).await;
    assert_eq!(graded.status("usage-plan-created"), "error");
    assert_eq!(
        graded.message("usage-plan-created"),
        "could not read apigateway:GetUsagePlans (malformed response): pagination loop: page 2 named a position that had already been read"
    );
    let pages = proxy.recorded().iter().filter(|r| r.path.starts_with("/usageplans")).count();
    assert_eq!(pages, 2, "it stops at the first repeat");
}

/// A 502 that API Gateway did not send (no request id: a proxy or load balancer in between) is retried, then an
/// error: never a fail that blames the student, never "accepted".
#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_error_from_the_network_is_an_error_not_a_verdict() {
    let account = complete_lab().await;
    let bad_gateway = Fault::Respond { status: 502, body: "<html>Bad Gateway</html>", request_id: false };
    let proxy = FaultProxy::start(&account.endpoint, vec![Rule::always("GET /_aws/execute-api/", bad_gateway)]).await;
    let graded = grade_via(&account, &proxy, &[]).await;
    for check in ["unauthenticated-get-forbidden", "authenticated-get-accepted"] {
        assert_eq!(graded.status(check), "error", "{check}: {}", graded.message(check));
        assert!(graded.message(check).contains("HTTP 502 after 3 attempts without API Gateway's request id"));
    }
    assert_eq!(graded.code, 3);
    let probes = proxy.recorded().iter().filter(|r| r.path.starts_with("/_aws/execute-api/")).count();
    assert_eq!(probes, 8 * 3, "each of the 8 probes was tried 3 times");
    assert_eq!(graded.report.stats.probes, 24, "every request sent is counted");
}

/// A transient 503 from the network is retried to API Gateway's true answer.
#[tokio::test(flavor = "multi_thread")]
async fn a_transient_probe_answer_is_retried_to_the_true_verdict() {
    let account = complete_lab().await;
    let unavailable = Fault::Respond { status: 503, body: "", request_id: false };
    let proxy = FaultProxy::start(&account.endpoint, vec![Rule::first(2, "GET /_aws/execute-api/", unavailable)]).await;
    let graded = grade_via(&account, &proxy, &[]).await;
    assert_eq!(graded.code, 0, "{:?}", graded.report);
}

/// Throttling backoff starts short and grows: the four waits of a read that stays throttled stay within the
/// documented schedule (full jitter up to 0.2 + 0.4 + 0.8 + 1.6 s), instead of a rate limiter's 5 s each.
#[tokio::test(flavor = "multi_thread")]
async fn throttling_backoff_follows_the_schedule() {
    let account = complete_lab().await;
    let proxy = FaultProxy::start(&account.endpoint, vec![Rule::always("GET /usageplans", Fault::Throttle)]).await;
    grade_via(&account, &proxy, &[]).await;
    let times: Vec<std::time::Instant> =
        proxy.recorded().iter().filter(|r| r.fault == Some(Fault::Throttle)).map(|r| r.at).collect();
    assert_eq!(times.len(), 5);
    let waited = times[4] - times[0];
    // 3 s is the schedule's ceiling; the margin covers a loaded machine.
    assert!(waited < Duration::from_millis(4500), "waited {waited:?} over four retries");
}

/// STS is bounded by --timeout like every read: a stalled GetCallerIdentity leaves the account id unknown, and the
/// run ends near the deadline rather than at the SDK's own 40 s.
#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_sts_is_bounded_by_the_timeout() {
    let account = complete_lab().await;
    let rules = vec![Rule::always("POST /", Fault::Delay(Duration::from_secs(60)))];
    let proxy = FaultProxy::start(&account.endpoint, rules).await;
    let started = std::time::Instant::now();
    let graded = grade_via(&account, &proxy, &["--timeout", "2"]).await;
    assert_eq!(graded.report.target.account_id, None);
    assert_eq!(graded.status("usage-plan-created"), "pass", "the grade itself is unaffected");
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
}
