//! LTI 1.3 against a real LTI platform implementation: the test LMS of tests/lms/lms.py (lti1p3platform, pinned)
//! launches learners into a live `labcheck serve` on LocalStack and records what labcheck sends, asserted here claim
//! by claim: the OIDC auth request, the client-credentials token request and its assertion, the AGS scores.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{self, Account, ItemsLab};
use crate::learners::{call, sqlite_store};
use crate::service::Server;

const CLIENT_ID: &str = "labcheck-tool";
const DEPLOYMENT: &str = "deployment-1";

/// The test LMS, on a free port.
struct Lms {
    child: Child,
    url: String,
    issuer: String,
}

impl Lms {
    fn start(config: Value) -> Self {
        let mut child = Command::new(common::repo_path(".emulators/lms/bin/python"))
            .arg(common::repo_path("tests/lms/lms.py"))
            .arg(config.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .expect("scripts/test.sh installs the test LMS");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let hello: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        Self { child, url: hello["url"].as_str().unwrap().into(), issuer: hello["issuer"].as_str().unwrap().into() }
    }

    async fn get(&self, path: &str) -> Value {
        let text = reqwest::get(format!("{}{path}", self.url)).await.unwrap().text().await.unwrap();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// The scores received, waiting up to 30 s for `count` of them.
    async fn scores(&self, count: usize) -> Vec<Value> {
        for _ in 0..300 {
            let records = self.get("/records").await;
            let scores = records["scores"].as_array().unwrap().clone();
            if scores.len() >= count {
                return scores;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("fewer than {count} scores: {}", self.get("/records").await);
    }
}

impl Drop for Lms {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// labcheck registered with `lms`, its tool key made by `labcheck lti keygen`; the LMS told labcheck's address.
async fn labcheck_for(lms: &Lms, account: &Account, extra: &[&str]) -> (Server, String) {
    labcheck_with_store(lms, account, extra, &sqlite_store()).await
}

/// [`labcheck_for`], keeping progress and LTI records in `store`.
async fn labcheck_with_store(lms: &Lms, account: &Account, extra: &[&str], store: &str) -> (Server, String) {
    labcheck_with(lms, account, extra, store, &format!("{}/jwks", lms.url)).await
}

/// [`labcheck_with_store`], with the platform's key set registered at `jwks_url`.
async fn labcheck_with(lms: &Lms, account: &Account, extra: &[&str], store: &str, jwks_url: &str) -> (Server, String) {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut keygen = account.labcheck();
    keygen.args(["lti", "keygen", "--output"]).arg(dir.join("tool-key.pem"));
    let out = common::run(keygen);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let kid = out.stdout.trim().to_owned();
    let config = format!(
        "[tool]\nkeys = [\"tool-key.pem\"]\nallow_http = true\n\n[[platform]]\nname = \"testlms\"\nissuer = \"{issuer}\"\n\
client_id = \"{CLIENT_ID}\"\ndeployment_ids = [\"{DEPLOYMENT}\"]\nauth_login_url = \"{url}/authorize\"\n\
auth_token_url = \"{url}/token\"\njwks_url = \"{jwks_url}\"\n",
        issuer = lms.issuer,
        url = lms.url
    );
    std::fs::write(dir.join("lti.toml"), config).unwrap();
    let config = dir.join("lti.toml");
    let mut args = vec!["--allow-own-account", "--store", store];
    args.extend(["--lti-config", config.to_str().unwrap()]);
    args.extend(extra);
    let server = Server::start(account, &args, &[]);
    let tool = server.url.replace("127.0.0.1", "localhost");
    lms.get(&format!("/configure?tool={}", urlencode(&tool))).await;
    (server, kid)
}

fn urlencode(text: &str) -> String {
    url_form(&[("x", text)]).trim_start_matches("x=").to_owned()
}

fn url_form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let value: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={value}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn next_event(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> Value {
    let line = lines.next().expect("the browser script prints an event").unwrap();
    serde_json::from_str(&line).unwrap_or_else(|_| panic!("not an event: {line}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_lms_launches_a_learner_and_receives_partial_scores_with_comments() {
    let account = Account::localstack();
    ItemsLab::empty().build(&account).await;
    let lms =
        Lms::start(json!({ "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items" }));
    let (server, kid) = labcheck_for(&lms, &account, &[]).await;
    let shots = common::repo_path("target/learn-page");
    std::fs::create_dir_all(&shots).unwrap();
    let config = json!({
        "course_url": format!("{}/course?user=student-1", lms.url),
        "step": "resources",
        "check": "rest-api-created",
        "shots": shots,
    });
    let mut node = Command::new("node")
        .arg(common::repo_path("tests/consumers/lti-launch.mjs"))
        .arg(config.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut stdin = node.stdin.take().unwrap();
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();

    // 1. The launch, in the browser: LMS -> /lti/login -> the LMS's auth URL -> form post to /lti/launch -> page.
    let ready = next_event(&mut lines);
    assert_eq!(ready["event"], "ready", "{ready}");
    assert!(ready["url"].as_str().unwrap().contains("/learn/s"), "the learner page: {ready}");
    let visited: Vec<&str> = ready["visited"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for step in ["/launch?user=student-1", "/lti/login?", "/authorize?", "POST ", "/lti/launch", "/learn/s"] {
        assert!(visited.iter().any(|v| v.contains(step)), "{step} in {visited:?}");
    }
    let records = lms.get("/records").await;
    let auth = &records["auth_requests"][0];
    for (name, value) in [
        ("scope", "openid"),
        ("response_type", "id_token"),
        ("response_mode", "form_post"),
        ("prompt", "none"),
        ("client_id", CLIENT_ID),
        ("login_hint", "student-1"),
        ("lti_message_hint", "resource-link-1"),
    ] {
        assert_eq!(auth[name], value, "{name}: {auth}");
    }
    assert!(auth["redirect_uri"].as_str().unwrap().ends_with("/lti/launch"), "{auth}");
    assert!(auth["state"].as_str().unwrap().len() >= 32 && auth["nonce"].as_str().unwrap().len() >= 32, "{auth}");

    // 2. The learner completes a step and checks it: the LMS gets the partial score and what is missing.
    ItemsLab::complete().build(&account).await;
    writeln!(stdin, "go").unwrap();
    let checked = next_event(&mut lines);
    let first = &lms.scores(1).await[0];
    assert_eq!(first["content_type"], "application/vnd.ims.lis.v1.score+json", "{first}");
    assert_eq!(first["token_valid"], true, "a token from the LMS's own token endpoint: {first}");
    assert_eq!(first["query"]["type_id"], "7", "the line item's query string kept: {first}");
    let score: Value = serde_json::from_str(first["body"].as_str().unwrap()).unwrap();
    assert_eq!(score["userId"], "student-1", "{score}");
    assert_eq!(score["scoreGiven"], checked["score"].as_f64().unwrap(), "the page's best so far: {score}");
    assert_eq!(score["scoreMaximum"], 26.0, "{score}");
    assert_eq!(
        (score["activityProgress"].as_str(), score["gradingProgress"].as_str()),
        (Some("InProgress"), Some("FullyGraded"))
    );
    let comment = score["comment"].as_str().unwrap();
    assert!(comment.starts_with("Still missing 23 checks:") && comment.contains("Created the Usage Plan"), "{comment}");
    assert!(!comment.contains('\n'), "one line");
    time::OffsetDateTime::parse(score["timestamp"].as_str().unwrap(), &time::format_description::well_known::Rfc3339)
        .expect("an RFC 3339 timestamp");

    // The token: client credentials with a JWT assertion signed by the tool's key, aud = the token URL.
    let records = lms.get("/records").await;
    let token_requests = records["token_requests"].as_array().unwrap();
    let form = &token_requests[0]["form"];
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_assertion_type"], "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assert_eq!(form["scope"], "https://purl.imsglobal.org/spec/lti-ags/scope/score");
    assert_eq!(token_requests[0]["content_type"], "application/x-www-form-urlencoded");
    let claims = &token_requests[1]["assertion_claims"];
    assert_eq!((claims["iss"].as_str(), claims["sub"].as_str()), (Some(CLIENT_ID), Some(CLIENT_ID)), "{claims}");
    assert_eq!(claims["aud"], format!("{}/token", lms.url), "{claims}");
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16), "{claims}");
    let lifetime = claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap();
    assert!(lifetime <= 300, "a short-lived assertion: {lifetime}");
    assert_eq!(token_requests[1]["assertion_header"]["kid"], kid.as_str());
    assert_eq!(token_requests[1]["assertion_header"]["alg"], "RS256");

    // 3. A second grading raises the score; the LMS's latest score is the new one, with the same token.
    writeln!(stdin, "go").unwrap();
    let checked_lab = next_event(&mut lines);
    let scores = lms.scores(2).await;
    let latest: Value = serde_json::from_str(scores.last().unwrap()["body"].as_str().unwrap()).unwrap();
    assert_eq!(latest["scoreGiven"], checked_lab["score"].as_f64().unwrap(), "{latest}");
    assert!(latest["scoreGiven"].as_f64() > score["scoreGiven"].as_f64(), "{latest}");
    assert!(latest["timestamp"].as_str() > score["timestamp"].as_str(), "newer");
    let records = lms.get("/records").await;
    assert_eq!(records["token_requests"].as_array().unwrap().len(), 2, "one token request (form + claims), cached");
    assert_eq!(records["problems"], json!([]), "the LMS found nothing wrong");
    assert!(node.wait().unwrap().success());
    let (_, metrics) = call(&server, Method::GET, "/metrics", crate::service::TOKEN, None).await;
    assert_eq!(Server::metric(&metrics, "labcheck_lti_scores_sent_total"), 2.0, "{metrics}");
}

/// labcheck's login for student-9 (or `extra`'s `login_hint`, with its other parameters): its answer, and the login's cookie as a browser
/// sends it back (`name=value`).
async fn start_login(server: &Server, lms: &Lms, extra: &[(&str, &str)]) -> (reqwest::Response, String) {
    start_login_from(server, lms, extra, None).await
}

/// [`start_login`] from `address`, as a trusted proxy in front of labcheck names it (`X-Forwarded-For`).
async fn start_login_from(
    server: &Server,
    lms: &Lms,
    extra: &[(&str, &str)],
    address: Option<&str>,
) -> (reqwest::Response, String) {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let target = format!("{}/lti/launch", server.url);
    let mut params = vec![
        ("iss", lms.issuer.as_str()),
        ("target_link_uri", target.as_str()),
        ("client_id", CLIENT_ID),
        ("lti_message_hint", "resource-link-1"),
    ];
    if !extra.iter().any(|(name, _)| *name == "login_hint") {
        params.push(("login_hint", "student-9"));
    }
    params.extend_from_slice(extra);
    let mut login = http.get(format!("{}/lti/login?{}", server.url, url_form(&params)));
    if let Some(address) = address {
        login = login.header("x-forwarded-for", address);
    }
    let answer = login.send().await.unwrap();
    let set_cookie = answer.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let cookie = set_cookie.split(';').next().unwrap_or_default().to_owned();
    (answer, cookie)
}

/// The LMS's answer to labcheck's auth request (`query`), the id_token spoiled as `forge` says: the launch form.
async fn forged_form(lms: &Lms, query: &str, forge: &str) -> String {
    let authorize = format!("{}/authorize?{query}&forge={forge}", lms.url);
    let forged: Value = serde_json::from_str(&reqwest::get(authorize).await.unwrap().text().await.unwrap()).unwrap();
    url_form(&[("id_token", forged["id_token"].as_str().unwrap()), ("state", forged["state"].as_str().unwrap())])
}

/// `form` posted to `/lti/launch` with `cookie`: status, body and the page's cookie if any.
async fn post_launch(server: &Server, form: &str, cookie: &str) -> (u16, String, Option<String>) {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut post = http
        .post(format!("{}/lti/launch", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if !cookie.is_empty() {
        post = post.header("cookie", cookie);
    }
    let answer = post.send().await.unwrap();
    let status = answer.status().as_u16();
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("labcheck_learn="));
    (status, answer.text().await.unwrap(), cookie)
}

/// A launch through labcheck's login and the LMS's auth endpoint, the id_token spoiled as `forge` says, posted by
/// the browser that started it; the answer (status, body, and the page's cookie if any), the form and the cookie.
async fn forged_launch(server: &Server, lms: &Lms, forge: &str) -> (u16, String, Option<String>, String, String) {
    let (answer, cookie) = start_login(server, lms, &[]).await;
    assert_eq!(answer.status().as_u16(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let form = forged_form(lms, location.split_once('?').unwrap().1, forge).await;
    let (status, body, page_cookie) = post_launch(server, &form, &cookie).await;
    (status, body, page_cookie, form, cookie)
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_launches_are_refused_with_a_page_that_says_why() {
    let account = Account::localstack();
    let lms =
        Lms::start(json!({ "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items" }));
    let (server, _kid) = labcheck_for(&lms, &account, &[]).await;
    for (forge, says) in [
        ("wrong_signature", "signature does not verify"),
        ("unknown_kid", "no-such-key"),
        ("wrong_aud", "for another tool"),
        ("expired", "expired"),
        ("wrong_type", "not LtiResourceLinkRequest"),
        ("unknown_deployment", "not registered"),
        ("not_yet_valid", "not valid yet (nbf)"),
    ] {
        let (status, page, cookie, ..) = forged_launch(&server, &lms, forge).await;
        assert_eq!(status, 401, "{forge}: {page}");
        assert!(page.contains(says), "{forge}: the page says why: {page}");
        assert!(page.contains("could not be opened"), "{forge}: a page for a person: {page}");
        assert!(cookie.is_none(), "{forge}: no session");
    }
    // A link naming an account the registration does not allow, a line item off the platform's hosts: refused
    // (before: the link chose the graded account, and labcheck posted the platform's token anywhere).
    for (forge, says) in [
        ("foreign_account", "arn:aws:iam::999999999999:role/chosen-by-a-link-editor"),
        ("lineitem_elsewhere", "https://collector.example/lineitems/1/lineitem"),
    ] {
        let (status, page, cookie, ..) = forged_launch(&server, &lms, forge).await;
        assert_eq!(status, 403, "{forge}: {page}");
        assert!(page.contains(says), "{forge}: the page says why: {page}");
        assert!(cookie.is_none(), "{forge}: no session");
    }
    // A good launch opens; the same id_token and state again is a replay.
    let (status, page, cookie, form, login_cookie) = forged_launch(&server, &lms, "none").await;
    assert_eq!(status, 303, "{page}");
    assert!(cookie.unwrap().starts_with("labcheck_learn=lcs."));
    let (status, page, _) = post_launch(&server, &form, &login_cookie).await;
    assert_eq!(status, 401);
    assert!(page.contains("used already"), "{page}");
    // A login that would send the id_token elsewhere.
    let login = url_form(&[
        ("iss", &lms.issuer),
        ("login_hint", "x"),
        ("target_link_uri", "https://evil.example/collect"),
        ("client_id", CLIENT_ID),
    ]);
    let (status, page) = call(&server, Method::GET, &format!("/lti/login?{login}"), "", None).await;
    assert!(status == 400 && page.contains("not labcheck"), "{status}: {page}");
    // A launch endpoint on another host (before: forwarded as the redirect_uri).
    let login = url_form(&[
        ("iss", &lms.issuer),
        ("login_hint", "x"),
        ("target_link_uri", "https://evil.example/lti/launch"),
        ("client_id", CLIENT_ID),
    ]);
    let (status, page) = call(&server, Method::GET, &format!("/lti/login?{login}"), "", None).await;
    assert!(status == 400 && page.contains("not labcheck"), "{status}: {page}");
    // A login from an issuer that is not registered.
    let login = url_form(&[("iss", "https://evil.example"), ("login_hint", "x"), ("target_link_uri", "x")]);
    let (status, page) = call(&server, Method::GET, &format!("/lti/login?{login}"), "", None).await;
    assert!(status == 400 && page.contains("not registered"), "{status}: {page}");
    // Every refusal was logged with its reason, and no token was.
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("LTI launch refused") && log.contains("expired"), "{log}");
    assert!(!log.contains("eyJ"), "no JWT in the log:\n{log}");
}

/// Login CSRF: an id_token and state from someone's login, posted by another browser, opened a session there
/// (the victim worked in the attacker's session). The login now gives its browser a key, in a cookie scoped to the
/// launch, and the launch wants it.
#[tokio::test(flavor = "multi_thread")]
async fn a_launch_opens_only_in_the_browser_that_started_its_login() {
    let account = Account::localstack();
    let lms =
        Lms::start(json!({ "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items" }));
    let (server, _kid) = labcheck_for(&lms, &account, &[]).await;
    let (answer, _) = start_login(&server, &lms, &[]).await;
    let set_cookie = answer.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["Path=/lti/launch", "Max-Age=300", "HttpOnly", "Secure", "SameSite=None", "Partitioned"] {
        assert!(set_cookie.contains(attribute), "{attribute}: {set_cookie}");
    }
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let form = forged_form(&lms, location.split_once('?').unwrap().1, "none").await;
    let (status, page, session) = post_launch(&server, &form, "").await;
    assert_eq!(status, 401, "another browser, no cookie: {page}");
    assert!(page.contains("did not start this launch") && session.is_none(), "{page}");
    // A login's form, posted with the key of another login (the refused one above was spent: a new one).
    let (answer, cookie) = start_login(&server, &lms, &[]).await;
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let form = forged_form(&lms, location.split_once('?').unwrap().1, "none").await;
    let (_, other_browser) = start_login(&server, &lms, &[]).await;
    let (name, _) = cookie.split_once('=').unwrap();
    let (_, key) = other_browser.split_once('=').unwrap();
    let (status, page, _) = post_launch(&server, &form, &format!("{name}={key}")).await;
    assert_eq!(status, 401, "a key of another login: {page}");
    assert!(page.contains("started in another browser"), "{page}");
    // The browser that started it.
    let (status, page, session, ..) = forged_launch(&server, &lms, "none").await;
    assert_eq!(status, 303, "{page}");
    assert!(session.is_some());
}

/// A browser that blocks labcheck's cookie in the LMS's frame launches through the platform's storage: the login's
/// page keeps the key there (`lti.put_data`), the launch's page reads it back (`lti.get_data`) and posts the
/// launch again with it. A post with no key, or another, opens nothing.
#[tokio::test(flavor = "multi_thread")]
async fn without_its_cookie_a_launch_reads_its_key_from_the_platforms_storage() {
    let account = Account::localstack();
    let lms =
        Lms::start(json!({ "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items" }));
    let (server, _kid) = labcheck_for(&lms, &account, &[]).await;
    let (answer, cookie) = start_login(&server, &lms, &[("lti_storage_target", "_parent")]).await;
    assert_eq!(answer.status().as_u16(), 200, "a page, not a redirect");
    let csp = answer.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let page = answer.text().await.unwrap();
    let data = storage_data(&page);
    assert_eq!((data["subject"].as_str(), data["target"].as_str()), (Some("lti.put_data"), Some("_parent")), "{data}");
    assert_eq!(data["origin"].as_str(), Some(lms.url.as_str()), "the auth URL's origin: {data}");
    assert_eq!(data["value"].as_str(), cookie.split_once('=').map(|(_, key)| key), "the cookie's key: {data}");
    assert!(csp.contains("script-src 'nonce-"), "{csp}");
    let next = data["next"].as_str().unwrap();
    assert!(next.starts_with(&format!("{}/authorize?", lms.url)), "{next}");
    let form = forged_form(&lms, next.split_once('?').unwrap().1, "none").await;
    let (status, page, session) = post_launch(&server, &form, "").await;
    assert_eq!((status, session), (200, None), "the page that reads the key back: {page}");
    let read = storage_data(&page);
    assert_eq!((read["subject"].as_str(), read["key"].as_str()), (Some("lti.get_data"), data["key"].as_str()));
    assert!(page.contains("name=\"browser_key\""), "{page}");
    let (status, page, _) = post_launch(&server, &format!("{form}&browser_key="), "").await;
    assert_eq!(status, 401, "the platform had no key: {page}");
    // A new login, read back with its key: the learner is in.
    let (answer, _) = start_login(&server, &lms, &[("lti_storage_target", "_parent")]).await;
    let data = storage_data(&answer.text().await.unwrap());
    let form = forged_form(&lms, data["next"].as_str().unwrap().split_once('?').unwrap().1, "none").await;
    let (status, _, _) = post_launch(&server, &form, "").await;
    assert_eq!(status, 200);
    let key = data["value"].as_str().unwrap();
    let (status, page, session) = post_launch(&server, &format!("{form}&browser_key={key}"), "").await;
    assert_eq!(status, 303, "{page}");
    assert!(session.is_some());
    // A frame name that is not one is refused.
    let (answer, _) = start_login(&server, &lms, &[("lti_storage_target", "x\"><script>")]).await;
    assert_eq!(answer.status().as_u16(), 400);
}

/// The same, in a real browser: Chromium, the lab in the LMS's frame, labcheck's login cookie dropped on the way as a
/// browser blocking it would. The storage page keeps the key with the LMS's page (`lti.put_data`), the launch page
/// reads it back (`lti.get_data`), and the learner page opens in the frame.
#[tokio::test(flavor = "multi_thread")]
async fn a_browser_blocking_the_cookie_launches_through_the_platforms_storage() {
    let account = Account::localstack();
    let lms =
        Lms::start(json!({ "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items" }));
    let (server, _kid) = labcheck_for(&lms, &account, &["--frame-ancestors", &lms.url]).await;
    let shots = common::repo_path("target/learn-page");
    std::fs::create_dir_all(&shots).unwrap();
    let config = json!({ "framed_url": format!("{}/framed?user=student-7", lms.url), "check": "rest-api-created", "shots": shots });
    let out = Command::new("node")
        .arg(common::repo_path("tests/consumers/lti-storage.mjs"))
        .arg(config.to_string())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let launched: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert!(launched["url"].as_str().unwrap().contains("/learn/s"), "the learner page, in the frame: {launched}");
    let log = launched["log"].as_array().unwrap();
    let subjects: Vec<&str> = log.iter().map(|m| m["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects, ["lti.put_data", "lti.get_data"], "{launched}");
    assert_eq!(log[0]["key"], log[1]["key"], "the same login's key: {launched}");
    let tool_origin = server.url.replace("127.0.0.1", "localhost");
    assert_eq!(log[0]["origin"].as_str(), Some(tool_origin.as_str()), "{launched}");
    let launches = launched["launches"].as_array().unwrap();
    assert_eq!(launches.len(), 2, "the platform's post, then the page's with the key: {launched}");
    assert!(launches.iter().all(|cookie| !cookie.as_str().unwrap().contains("labcheck_lti_")), "{launched}");
}

/// The JSON of a platform-storage page.
fn storage_data(page: &str) -> Value {
    let start = page.find("id=\"lti-storage\">").expect("a storage page") + "id=\"lti-storage\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

/// A deadline rush, small: a class of 200 launched from an LMS that throttles as Canvas does (a leaky bucket
/// charging each score post, parallel ones first, 403 "Rate Limit Exceeded" when spent; other tools have spent it
/// when the first score comes) and, at first, answers 429 with `Retry-After`. Every learner grades three times at once. The LMS ends with each learner's latest progress,
/// got no older score after a newer one, no two scores of a learner within 10 s, and never more than 2 at once
/// (before: a score per grading, all at once, retried without pause).
#[tokio::test(flavor = "multi_thread")]
async fn a_class_rushing_before_a_deadline_reaches_a_throttling_lms_with_every_latest_score() {
    use futures::StreamExt;
    const LEARNERS: usize = 200;
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let throttle = json!({ "high_water": 700, "outflow": 60, "preflight": 50, "cost": 6, "used": 700 });
    let lms = Lms::start(json!({
        "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items",
        "too_many": 2, "throttle": throttle,
    }));
    // The class comes from many addresses, through loopback as a trusted proxy.
    let extra =
        ["--account-rate", "1000", "--max-in-flight", "16", "--max-queue", "1024", "--trusted-proxy", "127.0.0.0/8"];
    let (server, _kid) = labcheck_for(&lms, &account, &extra).await;
    let launches = (0..LEARNERS).map(|learner| {
        let (server, lms) = (&server, &lms);
        async move {
            let hint = format!("student-{learner}");
            let address = format!("10.0.{}.{}", learner / 250, learner % 250 + 1);
            let (answer, cookie) = start_login_from(server, lms, &[("login_hint", &hint)], Some(&address)).await;
            let location = answer.headers()["location"].to_str().unwrap().to_owned();
            let form = forged_form(lms, location.split_once('?').unwrap().1, "none").await;
            let (status, page, session) = post_launch(server, &form, &cookie).await;
            assert_eq!(status, 303, "{page}");
            let session = session.unwrap();
            let token = session.split(';').next().unwrap().trim_start_matches("labcheck_learn=").to_owned();
            (hint, token)
        }
    });
    let tokens: Vec<(String, String)> = futures::stream::iter(launches).buffer_unordered(8).collect().await;
    let grade = "/v1/labs/apigw-items/grade";
    // One client for the class (a client made per request costs a debug build so much that a connection made
    // early waits past the server's first-byte timeout for its request to be written).
    let http = reqwest::Client::new();
    let rush = tokens.iter().flat_map(|(_, token)| {
        ["resources", "api-keys", "resources"].map(|step| {
            let (http, url) = (&http, format!("{}{grade}", server.url));
            async move {
                let body = json!({ "steps": [step] }).to_string();
                let post = http.post(url).bearer_auth(token).header("content-type", "application/json").body(body);
                let answer = post.send().await.expect("the server answers");
                (answer.status().as_u16(), answer.text().await.unwrap())
            }
        })
    });
    for (status, body) in futures::future::join_all(rush).await {
        assert_eq!(status, 200, "{body}");
    }
    let mut latest = std::collections::BTreeMap::new();
    for (hint, _) in &tokens {
        let path = format!("/v1/labs/apigw-items/learners/lti:testlms:{hint}/progress");
        let (status, body) = call(&server, Method::GET, &path, crate::service::TOKEN, None).await;
        assert_eq!(status, 200, "{body}");
        let progress: Value = serde_json::from_str(&body).unwrap();
        latest.insert(hint.clone(), progress["score"].as_f64().unwrap());
    }
    assert!(latest.values().all(|score| *score > 0.0), "{latest:?}");
    // The LMS, once it has every learner's latest. The pauses the throttlings call for come first (a 403 without
    // `Retry-After` pauses the platform's sends 20 s after two 429s, 40 s if two posts met it at once), then some
    // 400 posts at the bucket's 10 a second, then the latest scores 10 s behind the first: given 5 minutes.
    let waited = std::time::Instant::now();
    let mut by_learner: std::collections::BTreeMap<String, Vec<(f64, f64, String)>> = Default::default();
    for _ in 0..3000 {
        by_learner.clear();
        for entry in lms.get("/records").await["scores"].as_array().unwrap() {
            let score: Value = serde_json::from_str(entry["body"].as_str().unwrap()).unwrap();
            let (user, given) = (score["userId"].as_str().unwrap().to_owned(), score["scoreGiven"].as_f64().unwrap());
            let at = (entry["at"].as_f64().unwrap(), given, score["timestamp"].as_str().unwrap().to_owned());
            by_learner.entry(user).or_default().push(at);
        }
        let done = latest.iter().all(|(hint, score)| {
            by_learner
                .get(hint)
                .and_then(|got| got.iter().max_by(|a, b| a.0.total_cmp(&b.0)))
                .is_some_and(|last| last.1 == *score)
        });
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("waited {:?} after the gradings for the LMS to have every latest score", waited.elapsed());
    let records = lms.get("/records").await;
    for (hint, score) in &latest {
        let mut got = by_learner.get(hint).cloned().unwrap_or_default();
        got.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(got.last().map(|last| last.1), Some(*score), "{hint} ends with their latest: {got:?}");
        for pair in got.windows(2) {
            assert!(pair[1].0 - pair[0].0 >= 9.8, "{hint}: two scores within 10 s: {got:?}");
            assert!(pair[1].2 > pair[0].2, "{hint}: an older score after a newer one: {got:?}");
        }
        assert!(got.len() <= 3, "{hint}: latest wins, not a score per grading: {got:?}");
    }
    assert!(records["max_in_flight"].as_u64().unwrap() <= 2, "{}", records["max_in_flight"]);
    let throttled: Vec<u64> =
        records["throttled"].as_array().unwrap().iter().map(|t| t["status"].as_u64().unwrap()).collect();
    assert!(throttled.contains(&429) && throttled.contains(&403), "both throttlings were met: {throttled:?}");
    let (_, metrics) = call(&server, Method::GET, "/metrics", crate::service::TOKEN, None).await;
    assert!(Server::metric(&metrics, "labcheck_lti_scores_throttled_total") >= 3.0, "{metrics}");
    assert_eq!(Server::metric(&metrics, "labcheck_lti_scores_waiting"), 0.0, "every score out: {metrics}");
}

/// An anonymous flood of login initiations wrote a login in flight for each (634 a second) and slowed every other
/// write. An address now starts 120 at once and then 2 a second (429 with `Retry-After` beyond); another address,
/// behind the same trusted proxy, still launches.
#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_logins_from_one_address_is_bounded_and_others_still_launch() {
    let account = Account::localstack();
    let lms =
        Lms::start(json!({ "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items" }));
    let (server, _kid) = labcheck_for(&lms, &account, &["--trusted-proxy", "127.0.0.0/8"]).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login = url_form(&[
        ("iss", &lms.issuer),
        ("login_hint", "student-9"),
        ("target_link_uri", &format!("{}/lti/launch", server.url)),
        ("client_id", CLIENT_ID),
    ]);
    let from = |address: &'static str| {
        http.get(format!("{}/lti/login?{login}", server.url)).header("x-forwarded-for", address).send()
    };
    let mut statuses = Vec::new();
    for _ in 0..125 {
        statuses.push(from("198.51.100.7").await.unwrap().status().as_u16());
    }
    assert!(statuses[..120].iter().all(|s| *s == 302), "a class's worth starts: {statuses:?}");
    // Half a second refills one: the flood's tail is refused.
    assert!(statuses[123..].iter().all(|s| *s == 429), "then 2 a second: {statuses:?}");
    let refused = from("198.51.100.7").await.unwrap();
    assert_eq!(refused.status().as_u16(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert!(refused.text().await.unwrap().contains("too many launches from this network"));
    assert_eq!(from("198.51.100.8").await.unwrap().status().as_u16(), 302, "another address is not bounded by it");
}

/// The LMS's token endpoint fails: the grading's verdicts stand, the score is kept and sent once the endpoint works.
#[tokio::test(flavor = "multi_thread")]
async fn a_failing_token_endpoint_costs_no_verdict_and_the_score_is_retried() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let lms = Lms::start(
        json!({ "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items", "token_failures": 3 }),
    );
    let (server, _kid) = labcheck_for(&lms, &account, &["--lti-retry-seconds", "1"]).await;
    let (status, _, cookie, ..) = forged_launch(&server, &lms, "none").await;
    assert_eq!(status, 303);
    let token = cookie.unwrap().split(';').next().unwrap().trim_start_matches("labcheck_learn=").to_owned();
    let (status, body) =
        call(&server, Method::POST, "/v1/labs/apigw-items/grade", &token, Some(json!({ "steps": ["resources"] })))
            .await;
    assert_eq!(status, 200, "the verdicts are answered: {body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["score"], 3, "{body}");
    // Three 500s from the token endpoint (one delivery's attempts), then the retry loop delivers.
    let scores = lms.scores(1).await;
    let score: Value = serde_json::from_str(scores[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!((score["scoreGiven"].as_f64(), score["userId"].as_str()), (Some(3.0), Some("student-9")), "{score}");
    let records = lms.get("/records").await;
    let forms = records["token_requests"].as_array().unwrap().iter().filter(|r| r.get("form").is_some()).count();
    assert_eq!(forms, 4, "3 failed, then 1: {records}");
    let (_, metrics) = call(&server, Method::GET, "/metrics", crate::service::TOKEN, None).await;
    assert_eq!(Server::metric(&metrics, "labcheck_lti_scores_failed_total"), 1.0, "{metrics}");
    assert_eq!(Server::metric(&metrics, "labcheck_lti_scores_sent_total"), 1.0, "{metrics}");
}

/// A score the platform keeps refusing was retried forever. A day after its grading it is given up on: dropped,
/// counted (`labcheck_lti_scores_abandoned_total`) and logged, and never sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_score_still_refused_a_day_later_is_given_up_on() {
    use labcheck::lti::records::{LtiRecords, PendingScore};
    let account = Account::localstack();
    let lms =
        Lms::start(json!({ "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items" }));
    let store = sqlite_store();
    let (server, _kid) = labcheck_with_store(&lms, &account, &["--lti-retry-seconds", "1"], &store).await;
    let two_days_ago = "2026-01-01T10:00:00.000Z";
    let pending = PendingScore {
        session_id: "s0123456789abcdef0123456789abcdef".into(),
        platform: "testlms".into(),
        endpoint: labcheck::lti::launch::ScoreEndpoint {
            lineitem: format!("{}/lineitems/1/lineitem?type_id=7", lms.url),
            scopes: vec![labcheck::lti::launch::SCORE_SCOPE.into()],
        },
        score: labcheck::lti::ags::score("student-old", 3, 26, &[], "x", two_days_ago),
        attempts: 40,
        last_error: "HTTP 500".into(),
    };
    let path = store.strip_prefix("sqlite:").unwrap_or(&store);
    let kept = labcheck::db::SqliteStore::open(std::path::Path::new(path)).await.unwrap();
    kept.put_pending_score(&pending).await.unwrap();
    let mut abandoned = 0.0;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (_, metrics) = call(&server, Method::GET, "/metrics", crate::service::TOKEN, None).await;
        abandoned = Server::metric(&metrics, "labcheck_lti_scores_abandoned_total");
        if abandoned > 0.0 {
            break;
        }
    }
    assert_eq!(abandoned, 1.0);
    assert!(kept.pending_scores().await.unwrap().is_empty(), "dropped");
    let records = lms.get("/records").await;
    assert!(records["scores"].as_array().is_none_or(|s| s.is_empty()), "never sent: {records}");
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("given up on"), "{log}");
}

/// A platform whose key set cannot be read: the learner's page says the platform's keys could not be read, never
/// the key set's address or the network's words (before: both, on a page a learner sees); the log keeps them.
#[tokio::test(flavor = "multi_thread")]
async fn a_platform_key_set_that_cannot_be_read_is_not_shown_to_the_learner() {
    let account = Account::localstack();
    let lms =
        Lms::start(json!({ "tool": "", "client_id": CLIENT_ID, "deployment_id": DEPLOYMENT, "lab": "apigw-items" }));
    let dead = "http://127.0.0.1:9/private-jwks-path";
    let (server, _kid) = labcheck_with(&lms, &account, &[], &sqlite_store(), dead).await;
    let (status, page, cookie, ..) = forged_launch(&server, &lms, "none").await;
    assert_eq!(status, 401, "{page}");
    assert!(cookie.is_none());
    assert!(page.contains("signing keys could not be read"), "{page}");
    assert!(!page.contains("private-jwks-path") && !page.contains("127.0.0.1:9"), "{page}");
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("private-jwks-path"), "the log keeps why: {log}");
}
