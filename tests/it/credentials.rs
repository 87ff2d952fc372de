//! The ways a student or a platform hands labcheck credentials, each through the real credential providers of
//! aws-config: an SSO profile (the portal answered by a local server, as `aws sso login` leaves the token) and a
//! profile that assumes a role (STS on LocalStack). `credential_process` is in `scenarios.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;

use crate::common::{Account, ItemsLab};

const START_URL: &str = "https://labcheck-tests.awsapps.com/start";
const TOKEN: &str = "sso-access-token-from-aws-sso-login";

/// A stand-in for the SSO portal's GetRoleCredentials: the account's test credentials for the cached token.
async fn portal(account: String) -> (String, Arc<AtomicU32>) {
    let calls = Arc::new(AtomicU32::new(0));
    let answer = move |State(calls): State<Arc<AtomicU32>>, headers: HeaderMap| {
        let account = account.clone();
        async move {
            calls.fetch_add(1, Ordering::Relaxed);
            if headers.get("x-amz-sso_bearer_token").and_then(|v| v.to_str().ok()) != Some(TOKEN) {
                return (axum::http::StatusCode::UNAUTHORIZED, "{}".to_owned());
            }
            let expiration = (std::time::SystemTime::now() + std::time::Duration::from_secs(3600))
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis();
            let body = format!(
                r#"{{"roleCredentials":{{"accessKeyId":"{account}","secretAccessKey":"test","sessionToken":"t","expiration":{expiration}}}}}"#
            );
            (axum::http::StatusCode::OK, body)
        }
    };
    let app = axum::Router::new().route("/federation/credentials", get(answer)).with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, calls)
}

/// The file name `aws sso login` gives a start URL's cached token: the SHA-1 of the URL, in hex.
fn token_file_name(start_url: &str) -> String {
    let out = std::process::Command::new("sha1sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(start_url.as_bytes())?;
            child.wait_with_output()
        })
        .expect("sha1sum");
    format!("{}.json", String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn sso_profiles_work() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let (portal_url, calls) = portal(account.id.clone()).await;
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let token = format!(
        r#"{{"startUrl":"{START_URL}","region":"us-east-1","accessToken":"{TOKEN}","expiresAt":"2099-01-01T00:00:00Z"}}"#
    );
    std::fs::write(cache.join(token_file_name(START_URL)), token).unwrap();
    let config = home.path().join("config");
    let profile = format!(
        "[profile lab-sso]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_account_id = {}\nsso_role_name = LabGrader\nregion = us-east-1\n",
        account.id
    );
    std::fs::write(&config, profile).unwrap();
    let graded = account.grade_with_profile(&config, "lab-sso", |cmd| {
        cmd.env("HOME", home.path()).env("AWS_ENDPOINT_URL_SSO", &portal_url);
    });
    assert_eq!(graded.code, 0, "{}", graded.output.stderr);
    assert_eq!(graded.report.target.account_id.as_deref(), Some(account.id.as_str()), "the SSO role's account");
    assert_eq!(calls.load(Ordering::Relaxed), 1, "the portal was asked once");
    assert!(!graded.output.stdout.contains(TOKEN) && !graded.output.stderr.contains(TOKEN), "the token is never shown");
}

#[tokio::test]
async fn assumed_role_profiles_work() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let profiles = format!(
        "[profile base]\naws_access_key_id = {id}\naws_secret_access_key = test\n\n[profile lab-role]\nrole_arn = arn:aws:iam::{id}:role/labcheck-grader\nsource_profile = base\nregion = us-east-1\n",
        id = account.id
    );
    std::fs::write(&config, profiles).unwrap();
    let graded = account.grade_with_profile(&config, "lab-role", |_| {});
    assert_eq!(graded.code, 0, "{}", graded.output.stderr);
    assert_eq!(graded.report.target.account_id.as_deref(), Some(account.id.as_str()), "the role's account");
}

/// Lab sandboxes export keys: `--profile` names the account to grade, and the keys in the environment (another
/// account's) must not win over it, as the AWS CLI puts a command-line option before the environment.
#[tokio::test]
async fn an_explicit_profile_wins_over_keys_in_the_environment() {
    let meant = Account::localstack();
    ItemsLab::complete().build(&meant).await;
    let other = Account::localstack();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(&config, format!("[profile b]\naws_access_key_id = {}\naws_secret_access_key = test\n", meant.id))
        .unwrap();
    let graded = meant.grade_with_profile(&config, "b", |cmd| {
        cmd.env("AWS_ACCESS_KEY_ID", &other.id).env("AWS_SECRET_ACCESS_KEY", "test").env("AWS_REGION", &meant.region);
    });
    assert_eq!(graded.report.target.account_id.as_deref(), Some(meant.id.as_str()), "the profile's account");
    assert_eq!(graded.code, 0, "{}", graded.output.stderr);
}
