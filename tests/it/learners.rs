//! Learner sessions over HTTP: what a session's token may do (its lab, its account, its learner) and what it may
//! not, revocation and expiry, bad tokens slowed down, tokens never logged; sessions made by the CLI and shared by
//! replicas on DynamoDB.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::fault_proxy::FaultProxy;
use crate::common::{self, Account, ItemsLab};
use crate::service::{Server, TOKEN, error_code};

pub(crate) fn sqlite_store() -> String {
    let store = tempfile::tempdir().unwrap().keep().join("progress.sqlite");
    format!("sqlite:{}", store.display())
}

/// One request with `token` (none if empty): status and body.
pub(crate) async fn call(
    server: &Server,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, String) {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", server.url));
    if !token.is_empty() {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.expect("the server answers");
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A session made by the platform: its answer.
pub(crate) async fn new_session(server: &Server, body: Value) -> Value {
    let (status, answer) = call(server, Method::POST, "/v1/sessions", TOKEN, Some(body)).await;
    assert_eq!(status, 201, "{answer}");
    serde_json::from_str(&answer).unwrap()
}

fn token_of(session: &Value) -> String {
    session["token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_learner_token_reaches_its_lab_account_and_learner_and_nothing_else() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let store = sqlite_store();
    let server = Server::start(&account, &["--allow-own-account", "--store", &store, "-vv"], &[]);
    let session = new_session(&server, json!({ "learner": "ana", "lab": "apigw-items", "expires_in": 600 })).await;
    let token = token_of(&session);
    let id = session["session_id"].as_str().unwrap();
    assert!(token.len() >= 4 + 33 + 1 + 64, "at least 128 random bits: {token}");
    assert_eq!(session["page_url"], format!("/learn/{id}#token={token}"), "the token rides in the fragment");

    // Its own lab: graded for its own learner, against its own account.
    let (status, body) =
        call(&server, Method::POST, "/v1/labs/apigw-items/grade", &token, Some(json!({ "steps": ["api-keys"] }))).await;
    assert_eq!(status, 200, "{body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["recorded"]["learner"], "ana", "{body}");
    let grading_id = report["recorded"]["grading_id"].as_str().unwrap().to_owned();
    let (status, body) = call(&server, Method::GET, "/v1/labs/apigw-items/learners/ana/progress", &token, None).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(&server, Method::GET, "/v1/labs", &token, None).await;
    let labs: Value = serde_json::from_str(&body).unwrap();
    let ids: Vec<&str> = labs["labs"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!((status, ids), (200, vec!["apigw-items"]), "only its own lab is listed");

    // Everything else: 403.
    let refused: &[(Method, &str, Option<Value>)] = &[
        (Method::GET, "/v1/labs/apigw-items/learners/bob/progress", None),
        (Method::GET, "/v1/labs/apigw-pets/learners/ana/progress", None),
        (Method::GET, "/v1/labs/apigw-pets", None),
        (Method::POST, "/v1/labs/apigw-pets/grade", Some(json!({}))),
        (Method::GET, &format!("/v1/gradings/{grading_id}"), None),
        (Method::GET, "/metrics", None),
        (Method::GET, "/v1/labs/apigw-items/cohort", None),
        (Method::POST, "/v1/sessions", Some(json!({ "learner": "ana", "lab": "apigw-items" }))),
        (Method::DELETE, &format!("/v1/sessions/{id}"), None),
        (Method::DELETE, "/v1/learners/ana", None),
    ];
    for (method, path, body) in refused {
        let (status, answer) = call(&server, method.clone(), path, &token, body.clone()).await;
        assert_eq!((status, error_code(&answer).as_str()), (403, "forbidden"), "{method} {path}: {answer}");
    }
    // A body cannot point the grading at another account or learner.
    for field in [
        json!({ "role_arn": "arn:aws:iam::999999999999:role/other" }),
        json!({ "region": "eu-west-1" }),
        json!({ "external_id": "someone-else" }),
        json!({ "learner": "bob" }),
    ] {
        let (status, answer) =
            call(&server, Method::POST, "/v1/labs/apigw-items/grade", &token, Some(field.clone())).await;
        assert_eq!((status, error_code(&answer).as_str()), (400, "bad_body"), "{field}: {answer}");
    }

    // The platform still does everything.
    let (status, body) = call(&server, Method::GET, &format!("/v1/gradings/{grading_id}"), TOKEN, None).await;
    assert_eq!(status, 200, "{body}");
    let (status, metrics) = call(&server, Method::GET, "/metrics", TOKEN, None).await;
    assert_eq!(status, 200);
    let (status, body) = call(&server, Method::GET, "/v1/labs/apigw-items/cohort?learner_prefix=an", TOKEN, None).await;
    let cohort: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((status, cohort["learners"].as_u64()), (200, Some(1)), "{body}");
    let (status, _) = call(&server, Method::GET, "/v1/labs/apigw-items/cohort?since=yesterday", TOKEN, None).await;
    assert_eq!(status, 400);
    assert!(Server::metric(&metrics, "labcheck_refused_total{reason=\"forbidden\"}") >= 8.0, "{metrics}");

    // Revoked: 401, from now on.
    let (status, _) = call(&server, Method::DELETE, &format!("/v1/sessions/{id}"), TOKEN, None).await;
    assert_eq!(status, 204);
    let (status, answer) = call(&server, Method::GET, "/v1/labs", &token, None).await;
    assert_eq!((status, error_code(&answer).as_str()), (401, "unauthorized"), "{answer}");
    assert!(answer.contains("revoked"), "{answer}");
    let (status, answer) =
        call(&server, Method::DELETE, "/v1/sessions/s00000000000000000000000000000000", TOKEN, None).await;
    assert_eq!((status, error_code(&answer).as_str()), (404, "unknown_session"));

    // Erased by the platform: progress, gradings and sessions; the cohort no longer counts ana.
    let (status, answer) = call(&server, Method::DELETE, "/v1/learners/ana?lab=not%20a%20lab", TOKEN, None).await;
    assert_eq!((status, error_code(&answer).as_str()), (400, "bad_request"), "{answer}");
    let (status, answer) = call(&server, Method::DELETE, "/v1/learners/ana?lab=apigw-items", TOKEN, None).await;
    let forgotten: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!((forgotten["progress"].as_u64(), forgotten["sessions"].as_u64()), (Some(1), Some(1)), "{answer}");
    assert!(forgotten["gradings"].as_u64().unwrap() >= 1, "{answer}");
    let (status, body) = call(&server, Method::GET, &format!("/v1/gradings/{grading_id}"), TOKEN, None).await;
    assert_eq!(status, 404, "{body}");
    let (_, body) = call(&server, Method::GET, "/v1/labs/apigw-items/cohort?learner_prefix=an", TOKEN, None).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["learners"], 0, "{body}");

    // No token, in any form, reached the log (the server logs at debug level here).
    let log = server.log.lock().unwrap().clone();
    let secret = token.rsplit('.').next().unwrap();
    assert!(log.contains("learner session made"), "the log is captured: {log}");
    assert!(!log.contains(secret) && !log.contains(TOKEN), "a token was logged:\n{log}");
}

/// A session past its expiry is refused with 401, whatever the store holds (written here as a replica would).
#[tokio::test(flavor = "multi_thread")]
async fn an_expired_session_is_refused() {
    let account = Account::localstack();
    let store = sqlite_store();
    let server = Server::start(&account, &["--allow-own-account", "--store", &store], &[]);
    let session = new_session(&server, json!({ "learner": "ana", "lab": "apigw-items", "expires_in": 60 })).await;
    let path = store.strip_prefix("sqlite:").unwrap();
    let connection = rusqlite::Connection::open(path).unwrap();
    let changed = connection
        .execute(
            "UPDATE sessions SET body = json_set(body, '$.expires_at', '2020-01-01T00:00:00Z') WHERE id = ?1",
            [session["session_id"].as_str().unwrap()],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let (status, answer) = call(&server, Method::GET, "/v1/labs", &token_of(&session), None).await;
    assert_eq!((status, error_code(&answer).as_str()), (401, "unauthorized"), "{answer}");
    assert!(answer.contains("expired"), "{answer}");
}

/// Ten tokens that open nothing from one address, then that address is refused (429 with Retry-After) before any
/// token it sends is looked at.
#[tokio::test(flavor = "multi_thread")]
async fn repeated_bad_tokens_from_one_address_are_slowed_down() {
    let account = Account::localstack();
    let store = sqlite_store();
    let server = Server::start(&account, &["--allow-own-account", "--store", &store], &[]);
    let forged =
        "lcs.s0123456789abcdef0123456789abcdef.0000000000000000000000000000000000000000000000000000000000000000";
    for token in
        ["guess-1", "guess-2", "guess-3", "guess-4", "guess-5", "guess-6", "guess-7", "guess-8", "guess-9", forged]
    {
        let (status, _) = call(&server, Method::GET, "/v1/labs", token, None).await;
        assert_eq!(status, 401, "{token}");
    }
    let response =
        reqwest::Client::new().get(format!("{}/v1/labs", server.url)).bearer_auth("guess-11").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=7).contains(&retry), "{retry}");
    assert_eq!(error_code(&response.text().await.unwrap()), "too_many_bad_tokens");
    let (status, _) = call(&server, Method::GET, "/healthz", "", None).await;
    assert_eq!(status, 200, "health checks need no token and are never slowed");
}

/// Sends `count` bad tokens to `/v1/labs`, as from `forwarded_for` when given; the statuses.
async fn bad_tokens(server: &Server, count: usize, forwarded_for: Option<&str>) -> Vec<u16> {
    let mut statuses = Vec::new();
    for n in 0..count {
        let mut request =
            reqwest::Client::new().get(format!("{}/v1/labs", server.url)).bearer_auth(format!("guess-{n}"));
        if let Some(client) = forwarded_for {
            request = request.header("x-forwarded-for", client);
        }
        statuses.push(request.send().await.unwrap().status().as_u16());
    }
    statuses
}

/// Strikes slow guessing, not customers: once an address is refused for bad tokens, the platform's token and a
/// learner's live session from the same address still open (before: 429 for everyone behind the address), and
/// an unknown session is still refused unread.
#[tokio::test(flavor = "multi_thread")]
async fn strikes_never_lock_out_the_platform_or_a_live_session() {
    let account = Account::localstack();
    let store = sqlite_store();
    let server = Server::start(&account, &["--allow-own-account", "--store", &store], &[]);
    let session = new_session(&server, json!({ "learner": "ana", "lab": "apigw-items", "expires_in": 600 })).await;
    assert_eq!(bad_tokens(&server, 11, None).await.last(), Some(&429));
    let (status, answer) = call(&server, Method::GET, "/v1/labs", TOKEN, None).await;
    assert_eq!(status, 200, "the platform's token: {answer}");
    let (status, answer) = call(&server, Method::GET, "/v1/labs", &token_of(&session), None).await;
    assert_eq!(status, 200, "the learner's live session: {answer}");
    let forged =
        "lcs.s0123456789abcdef0123456789abcdef.0000000000000000000000000000000000000000000000000000000000000000";
    let (status, answer) = call(&server, Method::GET, "/v1/labs", forged, None).await;
    assert_eq!((status, error_code(&answer).as_str()), (429, "too_many_bad_tokens"), "{answer}");
}

/// Behind a proxy named with `--trusted-proxy`, each client has its own strikes (the proxy's X-Forwarded-For,
/// read right to left); without it, X-Forwarded-For is a stranger's word and ignored.
#[tokio::test(flavor = "multi_thread")]
async fn behind_a_trusted_proxy_each_client_has_its_own_strikes() {
    let account = Account::localstack();
    let server = Server::start(&account, &["--allow-own-account", "--trusted-proxy", "127.0.0.0/8"], &[]);
    let guesser = bad_tokens(&server, 11, Some("198.51.100.1, 203.0.113.7")).await;
    assert_eq!(guesser.last(), Some(&429), "{guesser:?}");
    let other = bad_tokens(&server, 1, Some("203.0.113.8")).await;
    assert_eq!(other, [401], "another client behind the same proxy has strikes of its own");
    // 203.0.113.8 writes the guesser's address first; the proxy appends .8's own: .8 it is.
    let spoofing = bad_tokens(&server, 1, Some("203.0.113.7, 203.0.113.8")).await;
    assert_eq!(spoofing, [401], "the hop the proxy appended counts, not one the client wrote");

    let direct = Server::start(&account, &["--allow-own-account"], &[]);
    let statuses = bad_tokens(&direct, 11, Some("203.0.113.99")).await;
    assert_eq!(statuses.last(), Some(&429), "without --trusted-proxy the connection's address counts");
    let (status, _) = direct
        .http_get_with(&format!("{}/v1/labs", direct.url), &[("x-forwarded-for", "198.51.100.50")], "guess-x")
        .await;
    assert_eq!(status, 429, "a forwarded address from a stranger changes nothing");
}

/// A learner erased with `DELETE /v1/learners/{id}` leaves a tab open that keeps calling: a real session's token,
/// refused with 401 and no strike (before: the eleventh call locked the address out, 429).
#[tokio::test(flavor = "multi_thread")]
async fn an_erased_learners_open_tab_earns_no_strikes() {
    let account = Account::localstack();
    let store = sqlite_store();
    let server = Server::start(&account, &["--allow-own-account", "--store", &store], &[]);
    let session = new_session(&server, json!({ "learner": "zoe", "lab": "apigw-items", "expires_in": 600 })).await;
    let (status, _) = call(&server, Method::GET, "/v1/labs", &token_of(&session), None).await;
    assert_eq!(status, 200);
    let (status, answer) = call(&server, Method::DELETE, "/v1/learners/zoe", TOKEN, None).await;
    assert_eq!(status, 200, "{answer}");
    for n in 0..15 {
        let (status, answer) = call(&server, Method::GET, "/v1/labs", &token_of(&session), None).await;
        assert_eq!((status, error_code(&answer).as_str()), (401, "unauthorized"), "call {n}: {answer}");
    }
    let (status, _) = call(&server, Method::GET, "/v1/labs", "guess-after", None).await;
    assert_eq!(status, 401, "the address has no strikes");
}

/// A service keeping progress whose every read of the REST APIs takes a second (so gradings overlap), with these
/// slots and queue places; the proxy lives as long as the pair.
async fn service_with_slow_reads(max_in_flight: &str, max_queue: &str) -> (Server, FaultProxy) {
    use crate::common::fault_proxy::{Fault, Rule};
    let store = sqlite_store();
    let slow = Rule::always("GET /restapis", Fault::Delay(std::time::Duration::from_secs(1)));
    let proxy = FaultProxy::start(&common::localstack_url(), vec![slow]).await;
    let args = ["--allow-own-account", "--store", &store, "--max-in-flight", max_in_flight, "--max-queue", max_queue];
    let server = Server::start(&Account::localstack(), &args, &[("AWS_ENDPOINT_URL", proxy.url.as_str())]);
    (server, proxy)
}

/// One learner pressing Check on many steps at once filled every slot and queue place, and everyone else got 429
/// `busy`. A learner's gradings now wait behind their own: beyond their line they are the ones refused, and the
/// platform's grading is served.
#[tokio::test(flavor = "multi_thread")]
async fn one_learner_flooding_steps_cannot_fill_every_slot() {
    let (server, _proxy) = service_with_slow_reads("2", "2").await;
    let session = new_session(&server, json!({ "learner": "flood", "lab": "apigw-items", "expires_in": 600 })).await;
    let token = token_of(&session);
    let grade = "/v1/labs/apigw-items/grade";
    let steps = ["resources", "lambda-backend", "versions-aliases", "backend-integration", "best-practices"];
    let presses: Vec<(&str, &str)> = steps.iter().flat_map(|step| [(*step, "en"), (*step, "es")]).collect();
    let flood =
        futures::future::join_all(
            presses.iter().map(|(step, lang)| {
                let token = token.clone();
                let server = &server;
                async move {
                    call(server, Method::POST, grade, &token, Some(json!({ "steps": [step], "lang": lang }))).await
                }
            }),
        );
    let platform = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        call(&server, Method::POST, grade, TOKEN, Some(json!({ "steps": ["api-keys"] }))).await
    };
    let (flood, (status, answer)) = tokio::join!(flood, platform);
    assert_eq!(status, 200, "the platform's grading is served: {answer}");
    let refused = flood.iter().filter(|(status, body)| *status == 429 && error_code(body) == "busy").count();
    assert_eq!(refused, presses.len() - 6, "the learner's own line holds 6: {flood:?}");
    assert!(flood.iter().filter(|(status, _)| *status == 200).count() >= 2, "{flood:?}");
}

/// A class pressing Check together filled every slot and queue place, and the platform's own grading got 429
/// `busy`. Learner sessions now run in their share (all slots but a quarter, three quarters of the queue): beyond
/// it they are refused, and the platform's grading runs at once in the slot kept for it.
#[tokio::test(flavor = "multi_thread")]
async fn a_class_pressing_check_together_leaves_the_platform_its_slot() {
    let (server, _proxy) = service_with_slow_reads("4", "4").await;
    let mut tokens = Vec::new();
    for learner in ["ana", "bea", "cai", "dev"] {
        let session =
            new_session(&server, json!({ "learner": learner, "lab": "apigw-items", "expires_in": 600 })).await;
        tokens.push(token_of(&session));
    }
    let grade = "/v1/labs/apigw-items/grade";
    let class = futures::future::join_all(tokens.iter().flat_map(|token| {
        ["resources", "lambda-backend"].map(|step| {
            let server = &server;
            async move { call(server, Method::POST, grade, token, Some(json!({ "steps": [step] }))).await }
        })
    }));
    let platform = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        call(&server, Method::POST, grade, TOKEN, Some(json!({ "steps": ["api-keys"] }))).await
    };
    let (class, (status, answer)) = tokio::join!(class, platform);
    assert_eq!(status, 200, "the platform's grading is served: {answer}");
    let served = class.iter().filter(|(status, _)| *status == 200).count();
    let refused = class.iter().filter(|(status, body)| *status == 429 && error_code(body) == "busy").count();
    assert_eq!((served, refused), (6, 2), "3 slots and 3 queue places are the learners': {class:?}");
}

/// `labcheck session create|revoke` against the store a service uses: the service honours the session, then its
/// revocation.
#[tokio::test(flavor = "multi_thread")]
async fn the_cli_makes_and_revokes_sessions_in_the_store() {
    let account = Account::localstack();
    let store = sqlite_store();
    let mut create = account.labcheck();
    create.args(["session", "create", "--store", &store, "--learner", "ana", "--region", "us-east-1"]);
    create.args(["--public-url", "https://labcheck.example.com", "--lab"]).arg(common::repo_path("checks/apigw-items"));
    let out = common::run(create);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let session: Value = serde_json::from_str(&out.stdout).unwrap();
    let id = session["session_id"].as_str().unwrap();
    assert!(
        session["page_url"].as_str().unwrap().starts_with(&format!("https://labcheck.example.com/learn/{id}#token="))
    );
    let server = Server::start(&account, &["--allow-own-account", "--store", &store], &[]);
    let (status, body) = call(&server, Method::GET, "/v1/labs/apigw-items", &token_of(&session), None).await;
    assert_eq!(status, 200, "{body}");

    let mut revoke = account.labcheck();
    revoke.args(["session", "revoke", id, "--store", &store]);
    let out = common::run(revoke);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (status, _) = call(&server, Method::GET, "/v1/labs/apigw-items", &token_of(&session), None).await;
    assert_eq!(status, 401);

    // Bad input: one line naming the field, exit 2.
    let mut bad = account.labcheck();
    bad.args(["session", "create", "--store", &store, "--learner", "a b", "--lab"])
        .arg(common::repo_path("checks/apigw-items"));
    let out = common::run(bad);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("learner") && out.stderr.trim().lines().count() == 1, "{}", out.stderr);
    let mut unknown = account.labcheck();
    unknown.args(["session", "revoke", "s00000000000000000000000000000000", "--store", &store]);
    assert_eq!(common::run(unknown).code, 2);
}

/// Two replicas on one DynamoDB table: a session made on one opens the other; revoked on the other, it is refused
/// on the first at once.
#[tokio::test(flavor = "multi_thread")]
async fn replicas_share_sessions_in_dynamodb() {
    let account = Account::localstack();
    let moto = FaultProxy::start(&common::moto_url(), vec![]).await;
    let store = account.dynamodb_store("sessions", &moto.url);
    // What `store-init` (an administrator's one-off) called is not the service's.
    let made = moto.recorded().len();
    let dynamodb = [("AWS_ENDPOINT_URL_DYNAMODB", moto.url.as_str())];
    let args = ["--allow-own-account", "--store", store.as_str()];
    let (one, two) = (Server::start(&account, &args, &dynamodb), Server::start(&account, &args, &dynamodb));
    let session = new_session(&one, json!({ "learner": "ana", "lab": "apigw-items" })).await;
    let token = token_of(&session);
    let (status, body) = call(&two, Method::GET, "/v1/labs/apigw-items", &token, None).await;
    assert_eq!(status, 200, "{body}");
    let path = format!("/v1/sessions/{}", session["session_id"].as_str().unwrap());
    assert_eq!(call(&two, Method::DELETE, &path, TOKEN, None).await.0, 204);
    let (status, answer) = call(&one, Method::GET, "/v1/labs/apigw-items", &token, None).await;
    assert!(status == 401 && answer.contains("revoked"), "{status} {answer}");

    // Every DynamoDB action the store used is one its IAM policy and the SAM template grant (before: UpdateItem,
    // which revoking needs, was in neither).
    let policy = std::fs::read_to_string(common::repo_path("iam/labcheck-store-policy.json")).unwrap();
    let template = std::fs::read_to_string(common::repo_path("deploy/template.yaml")).unwrap();
    let used: std::collections::BTreeSet<String> = moto.recorded()[made..]
        .iter()
        .filter_map(|r| r.target.as_deref()?.strip_prefix("DynamoDB_20120810."))
        // IAM has no action for a transaction: it authorizes each item's Put or ConditionCheck.
        .filter(|op| *op != "TransactWriteItems")
        .map(|op| format!("dynamodb:{op}"))
        .collect();
    assert!(used.contains("dynamodb:UpdateItem"), "{used:?}");
    for action in &used {
        assert!(policy.contains(&format!("\"{action}\"")), "{action} is not in iam/labcheck-store-policy.json");
        assert!(template.contains(&format!("- {action}\n")), "{action} is not in deploy/template.yaml");
    }
}
