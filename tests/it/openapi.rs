//! `/openapi.json` against real OpenAPI tooling (pinned by tests/api/requirements.lock, installed by
//! scripts/test.sh): openapi-spec-validator checks the document; schemathesis calls a live `labcheck serve` on
//! LocalStack from it, once with a platform token and once with a learner session's, bounded in examples and time.
//! The bar: no 5xx, every answer in a documented status, content type and schema, and (tests/api/hooks.py) no
//! learner call answered with data outside its session.

use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{self, Account, ItemsLab};
use crate::learners::{call, new_session, sqlite_store};
use crate::service::{Server, TOKEN};

fn tool(name: &str) -> std::path::PathBuf {
    common::repo_path(".emulators/api-tools/bin").join(name)
}

fn start() -> (Account, Server) {
    let account = Account::localstack();
    // LTI set up too, so that its endpoints answer as they do in service (its platform is never reached).
    let dir = tempfile::tempdir().unwrap().keep();
    let mut keygen = account.labcheck();
    keygen.args(["lti", "keygen", "--output"]).arg(dir.join("key.pem"));
    assert_eq!(common::run(keygen).code, 0);
    let lti = "[tool]\nkeys = [\"key.pem\"]\nallow_http = true\n\n[[platform]]\nname = \"lms\"\nissuer = \"https://lms.example\"\n\
client_id = \"c1\"\ndeployment_ids = [\"d1\"]\nauth_login_url = \"http://127.0.0.1:9/auth\"\n\
auth_token_url = \"http://127.0.0.1:9/token\"\njwks_url = \"http://127.0.0.1:9/jwks\"\n";
    std::fs::write(dir.join("lti.toml"), lti).unwrap();
    let config = dir.join("lti.toml");
    // A short deadline bounds every grading schemathesis asks for (a longer wait is refused with 400).
    let store = sqlite_store();
    let args = ["--allow-own-account", "--store", &store, "--deadline", "5", "--lti-config", config.to_str().unwrap()];
    let server = Server::start(&account, &args, &[]);
    (account, server)
}

/// The book links to a copy of the document the service serves with the shipped labs
/// (docs/src/service/openapi.json); `LABCHECK_BLESS_DOCS=1` writes it again.
fn the_books_copy_is_current(document: &Value) {
    let path = common::repo_path("docs/src/service/openapi.json");
    let served = serde_json::to_string_pretty(document).unwrap() + "\n";
    if std::env::var_os("LABCHECK_BLESS_DOCS").is_some() {
        std::fs::write(&path, &served).unwrap();
    }
    let copy = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        copy == served,
        "docs/src/service/openapi.json is not what /openapi.json serves: rerun with LABCHECK_BLESS_DOCS=1"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_is_valid_and_describes_every_route() {
    let (_account, server) = start();
    let (status, text) = call(&server, Method::GET, "/openapi.json", "", None).await;
    assert_eq!(status, 200, "no token needed: {text}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &text).unwrap();
    let out = Command::new(tool("openapi-spec-validator")).arg(&file).output().expect("scripts/test.sh installs it");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    let document: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    the_books_copy_is_current(&document);
    let paths: Vec<&str> = document["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    for route in [
        "/v1/labs",
        "/v1/labs/{lab_id}",
        "/v1/labs/{lab_id}/grade",
        "/v1/labs/{lab_id}/learners/{learner}/progress",
        "/v1/gradings/{grading_id}",
        "/v1/labs/{lab_id}/cohort",
        "/v1/sessions",
        "/v1/sessions/{session_id}",
        "/learn/{session_id}",
        "/learn/{session_id}/open",
        "/learn/{session_id}/check",
        "/metrics",
        "/healthz",
        "/openapi.json",
    ] {
        assert!(paths.contains(&route), "{route} is documented: {paths:?}");
    }
    // `?format=` names every format the service answers in, from the one list of formats.
    let grade = &document["paths"]["/v1/labs/{lab_id}/grade"]["post"];
    let format = grade["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "format").unwrap();
    let names: Vec<&str> = format["schema"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let formats: Vec<&str> = labcheck::report::FORMATS.iter().map(|f| f.name()).collect();
    assert_eq!(names, formats);
    let contents = grade["responses"]["200"]["content"].as_object().unwrap();
    for f in labcheck::report::FORMATS {
        assert!(contents.contains_key(f.content_type()), "{}: {:?}", f.content_type(), contents.keys());
    }
    // The served labs, and nothing else, are the lab ids.
    let lab_id = grade["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "lab_id").unwrap();
    assert!(lab_id["schema"]["enum"].as_array().unwrap().contains(&json!("apigw-items")), "{lab_id}");
}

/// One schemathesis run with `token` (and the session it may reach); its output when it finds something.
fn schemathesis(server: &Server, token: &str, session: &Value, learner_run: bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut st = Command::new(tool("st"));
    st.current_dir(dir.path())
        .env("PYTHONPATH", common::repo_path("tests/api"))
        .env("SCHEMATHESIS_HOOKS", "hooks")
        .env("LABCHECK_SESSION_ID", session["session_id"].as_str().unwrap())
        .env("LABCHECK_SESSION_TOKEN", session["token"].as_str().unwrap())
        .env("LABCHECK_SESSION_LAB", "apigw-items")
        .env("LABCHECK_SESSION_LEARNER", session["learner"].as_str().unwrap())
        .args(["run", &format!("{}/openapi.json", server.url)])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "not_a_server_error,status_code_conformance,content_type_conformance"])
        .args(["--checks", "response_schema_conformance,response_headers_conformance,stays_in_session"])
        .args(["--max-examples", "8", "--request-timeout", "20", "--seed", "20261130", "--no-color"]);
    if learner_run {
        st.args(["--header", &format!("Cookie: labcheck_learn={}", session["token"].as_str().unwrap())]);
    }
    let out = st.output().expect("scripts/test.sh installs schemathesis");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "schemathesis found something:\n{text}");
    assert!(text.contains(" passed"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn schemathesis_finds_nothing_with_a_platform_or_a_learner_token() {
    let (account, server) = start();
    ItemsLab::complete().build(&account).await;
    let platform_session = new_session(&server, json!({ "learner": "ana", "lab": "apigw-items" })).await;
    schemathesis(&server, TOKEN, &platform_session, false);
    let learner_session = new_session(&server, json!({ "learner": "bea", "lab": "apigw-items" })).await;
    let token = learner_session["token"].as_str().unwrap().to_owned();
    schemathesis(&server, &token, &learner_session, true);
}
