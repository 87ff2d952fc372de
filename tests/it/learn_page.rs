//! The learner page in a real browser: headless Chromium driven by playwright-core (tests/consumers/learn-page.mjs)
//! against a live `labcheck serve` on LocalStack, with and without JavaScript, in English and Spanish. Screenshots
//! go to target/learn-page/ (the book's, docs/src/images/, come from there).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::fault_proxy::{Fault, FaultProxy, Rule};
use crate::common::{self, Account, ItemsLab};
use crate::learners::{call, new_session, sqlite_store};
use crate::service::Server;

/// The next event the browser script prints.
fn next_event(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> Value {
    let line = lines.next().expect("the browser script prints an event").unwrap();
    serde_json::from_str(&line).unwrap_or_else(|_| panic!("not an event: {line}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_student_checks_their_progress_in_the_browser_with_and_without_javascript() {
    let account = Account::localstack();
    ItemsLab::empty().build(&account).await;
    let store = sqlite_store();
    // API Gateway answers its API list slowly: a second press lands while the first grading runs, and joins it.
    let slow = Rule::always("GET /restapis", Fault::Delay(Duration::from_millis(1500)));
    let proxy = FaultProxy::start(&common::localstack_url(), vec![slow]).await;
    // The platform's page (served by the browser script on 127.0.0.1, another site than localhost) may frame it.
    let args = ["--allow-own-account", "--store", &store, "--frame-ancestors", "http://127.0.0.1:*"];
    let server = Server::start(&account, &args, &[("AWS_ENDPOINT_URL", &proxy.url)]);
    // Secure cookies are kept on http://localhost (a secure context), as on https.
    let base = server.url.replace("127.0.0.1", "localhost");
    let ana = new_session(&server, json!({ "learner": "ana", "lab": "apigw-items" })).await;
    let bea = new_session(&server, json!({ "learner": "bea", "lab": "apigw-items", "lang": "es" })).await;
    let cy = new_session(&server, json!({ "learner": "cy", "lab": "apigw-items" })).await;
    let shots = common::repo_path("target/learn-page");
    std::fs::create_dir_all(&shots).unwrap();
    let config = json!({
        "page_url": format!("{base}{}", ana["page_url"].as_str().unwrap()),
        "plain_url": format!("{base}/learn/{}", bea["session_id"].as_str().unwrap()),
        "plain_token": bea["token"],
        "frame_url": format!("{base}{}", cy["page_url"].as_str().unwrap()),
        "step": "resources",
        "check": "rest-api-created",
        "shots": shots,
    });
    let mut node = Command::new("node")
        .arg(common::repo_path("tests/consumers/learn-page.mjs"))
        .arg(config.to_string())
        .env("NODE_PATH", common::repo_path("tests/consumers/node_modules"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (scripts/test.sh installs playwright-core)");
    let mut stdin = node.stdin.take().unwrap();
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();

    // Opened from the link: the token left the address bar; nothing checked yet; checked, the check fails and says
    // how to fix it.
    let ready = next_event(&mut lines);
    assert_eq!(ready["event"], "ready", "{ready}");
    assert_eq!(ready["fresh"], "not checked yet", "{ready}");
    assert!(!ready["url"].as_str().unwrap().contains("token"), "the token is dropped from the URL: {ready}");
    assert!(ready["hint"].as_str().unwrap().starts_with("Hint: "), "{ready}");
    assert_eq!(ready["before"], 0, "{ready}");

    // The student fixes the account, then presses the step's button.
    ItemsLab::complete().build(&account).await;
    writeln!(stdin, "go").unwrap();
    let checked = next_event(&mut lines);
    assert_eq!(checked["event"], "checked", "{checked}");
    assert!(checked["checking"].as_str().unwrap().starts_with("Checking "), "what is being checked: {checked}");
    assert!(checked["after"].as_u64().unwrap() > checked["before"].as_u64().unwrap(), "the score rose: {checked}");
    assert_eq!(checked["notReloaded"], true, "updated in place: {checked}");
    assert_eq!(checked["liveRegion"], "polite", "{checked}");
    assert!(checked["status"].as_str().unwrap().starts_with("Checked: "), "announced: {checked}");
    assert_eq!(checked["focused"], "BUTTON", "focus stays on the button: {checked}");

    // Without JavaScript, in Spanish: the access code in a form, the button a plain form.
    let plain = next_event(&mut lines);
    assert_eq!(plain["event"], "plain", "{plain}");
    assert!(plain["plainBefore"].as_str().unwrap().contains("skip"), "not checked yet: {plain}");
    assert!(plain["plainScore"].as_u64().unwrap() >= 1, "{plain}");
    assert_eq!(plain["lang"], "es", "{plain}");
    assert!(plain["heading"].as_str().unwrap().contains("API"), "{plain}");
    assert!(!plain["url"].as_str().unwrap().contains('?'), "nothing in a query string: {plain}");

    // Framed by the platform's page on another site.
    let framed = next_event(&mut lines);
    assert_eq!(framed["event"], "framed", "{framed}");
    assert!(!framed["frameUrl"].as_str().unwrap().contains("token"), "{framed}");
    assert!(node.wait().unwrap().success());

    for shot in ["learn-en-before.png", "learn-en-after.png", "learn-es-nojs.png", "learn-framed.png"] {
        let png = std::fs::read(shots.join(shot)).expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{shot}: {} bytes", png.len());
    }
    // The first press, then two while one grading ran (the second joined it), then the no-JS one and the framed one.
    let (_, metrics) = call(&server, Method::GET, "/metrics", crate::service::TOKEN, None).await;
    let graded = Server::metric(&metrics, "labcheck_gradings_total");
    let shared = Server::metric(&metrics, "labcheck_shared_gradings_total");
    assert_eq!((graded, shared), (4.0, 1.0), "{metrics}");
}
