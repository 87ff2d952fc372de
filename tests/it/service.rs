//! `labcheck serve` over HTTP: the real server on a free port, graded against the emulators.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::common::fault_proxy::FaultProxy;
use crate::common::{Account, ItemsLab};
use serde_json::{Value, json};

pub(crate) const TOKEN: &str = "test-token-0123456789";

pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
    http: reqwest::Client,
    /// What the server wrote to stderr so far.
    pub(crate) log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Starts `labcheck serve` with `account`'s credentials and endpoints.
    pub(crate) fn start(account: &Account, extra: &[&str], env: &[(&str, &str)]) -> Self {
        let mut cmd = account.labcheck();
        for (k, v) in env {
            cmd.env(k, v);
        }
        Self::start_command(cmd, extra)
    }

    /// Starts `labcheck serve` from a prepared `labcheck` command.
    pub(crate) fn start_command(mut cmd: std::process::Command, extra: &[&str]) -> Self {
        cmd.args(["serve", "--labs"]).arg(common::repo_path("checks")).args(["--listen", "127.0.0.1:0"]).args(extra);
        cmd.env("LABCHECK_SERVICE_TOKENS", TOKEN).stderr(Stdio::piped()).stdout(Stdio::null());
        let mut child = cmd.spawn().expect("labcheck serve starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let url = loop {
            let line = lines.next().expect("the server says where it listens").unwrap();
            if let Some(at) = line.find("on http://") {
                break line[at + 3..].trim().to_owned();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut log = kept.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Self { child, url, http: reqwest::Client::new(), log }
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (u16, String) {
        self.post_raw(path, body.to_string(), Some(TOKEN)).await
    }

    /// POST with `Accept-Language: accept_language`.
    async fn post_in(&self, path: &str, body: Value, accept_language: &str) -> (u16, String) {
        let request = self.http.post(format!("{}{path}", self.url)).header("accept-language", accept_language);
        let request = request.header("content-type", "application/json").body(body.to_string());
        let response = request.bearer_auth(TOKEN).send().await.expect("the server answers");
        (response.status().as_u16(), response.text().await.unwrap())
    }

    pub(crate) async fn post_raw(&self, path: &str, body: String, token: Option<&str>) -> (u16, String) {
        let mut request =
            self.http.post(format!("{}{path}", self.url)).header("content-type", "application/json").body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// GET `url` with these headers and `token`.
    pub(crate) async fn http_get_with(&self, url: &str, headers: &[(&str, &str)], token: &str) -> (u16, String) {
        let mut request = self.http.get(url).bearer_auth(token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("the server answers");
        (response.status().as_u16(), response.text().await.unwrap())
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, String) {
        self.get_in(path, "").await
    }

    /// GET with `Accept-Language: accept_language` (none if empty).
    async fn get_in(&self, path: &str, accept_language: &str) -> (u16, String) {
        let mut request = self.http.get(format!("{}{path}", self.url)).bearer_auth(TOKEN);
        if !accept_language.is_empty() {
            request = request.header("accept-language", accept_language);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The server's resident memory (VmRSS), in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    pub(crate) fn metric(text: &str, name: &str) -> f64 {
        text.lines().filter(|l| l.starts_with(name)).filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok()).sum()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn error_code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    v["error"]["code"].as_str().unwrap_or_else(|| panic!("no error code: {body}")).to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn grades_over_http_with_the_cli_report() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let server = Server::start(&account, &["--allow-own-account"], &[]);
    let (status, body) = server.post("/v1/labs/apigw-items/grade", json!({ "steps": ["api-keys"] })).await;
    assert_eq!(status, 200, "{body}");
    let report: labcheck::model::Report = serde_json::from_str(&body).unwrap();
    assert_eq!(report.schema_version, 1);
    assert_eq!(report.outcome, labcheck::model::Outcome::Pass, "{body}");
    assert_eq!((report.score, report.max_score), (5, 5));
    assert_eq!(report.target.account_id.as_deref(), Some(account.id.as_str()));
    // The same document the CLI writes.
    let cli = account.grade_live(&common::lab_file(), &["--step", "api-keys"]);
    let statuses = |r: &labcheck::model::Report| -> Vec<(String, String)> {
        r.checks.iter().map(|c| (c.id.clone(), c.message.clone())).collect()
    };
    assert_eq!(statuses(&report), statuses(&cli.report));

    let (status, xml) = server.post("/v1/labs/apigw-items/grade?format=junit", json!({ "steps": ["api-keys"] })).await;
    assert_eq!(status, 200);
    assert!(xml.starts_with("<?xml") && xml.contains("tests=\"5\" failures=\"0\" errors=\"0\" skipped=\"0\""), "{xml}");

    let (status, labs) = server.get("/v1/labs").await;
    assert_eq!(status, 200);
    let labs: Value = serde_json::from_str(&labs).unwrap();
    let ids: Vec<&str> = labs["labs"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["apigw-items", "apigw-pets", "dynamodb-items", "s3-website"]);
    let (status, lab) = server.get("/v1/labs/apigw-items").await;
    assert_eq!(status, 200);
    let lab: Value = serde_json::from_str(&lab).unwrap();
    assert_eq!(lab["max_score"], 26);
    assert_eq!(lab["steps"][7]["checks"][0]["id"], "usage-plan-created");
    assert_eq!(lab["steps"][7]["checks"][0]["points"], 1);
    assert_eq!((&lab["lang"], &lab["languages"]), (&json!("en"), &json!(["en", "es"])));

    // The learner's language: Accept-Language, or the body's `lang` over it.
    let (status, body) =
        server.post_in("/v1/labs/apigw-items/grade", json!({ "steps": ["api-keys"] }), "es-MX,es;q=0.9,en;q=0.5").await;
    assert_eq!(status, 200, "{body}");
    let spanish: labcheck::model::Report = serde_json::from_str(&body).unwrap();
    assert_eq!(spanish.lang, "es");
    assert_eq!(spanish.checks[0].title, "Creaste el plan de uso");
    assert!(spanish.checks[0].message.starts_with("el plan de uso CloudAcademyPlan está asociado"), "{body}");
    let body = json!({ "steps": ["api-keys"], "lang": "en" });
    let (_, english) = server.post_in("/v1/labs/apigw-items/grade?format=html", body, "es").await;
    assert!(english.contains("<html lang=\"en\">") && english.contains("Created the Usage Plan"), "{english}");
    let (status, lab) = server.get_in("/v1/labs/apigw-items", "es").await;
    assert_eq!(status, 200);
    let lab: Value = serde_json::from_str(&lab).unwrap();
    assert_eq!(
        (&lab["lang"], &lab["steps"][7]["checks"][0]["title"]),
        (&json!("es"), &json!("Creaste el plan de uso"))
    );

    let health = reqwest::get(format!("{}/healthz", server.url)).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let (_, metrics) = server.get("/metrics").await;
    assert_eq!(
        Server::metric(&metrics, "labcheck_gradings_total{lab=\"apigw-items\",outcome=\"pass\"}"),
        4.0,
        "{metrics}"
    );
    assert!(Server::metric(&metrics, "labcheck_aws_calls_total") >= 14.0, "{metrics}");
    assert!(!metrics.contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_json_errors_with_the_right_status() {
    let account = Account::localstack();
    let server = Server::start(&account, &["--allow-own-account", "--body-limit", "1024"], &[]);
    let grade = "/v1/labs/apigw-items/grade";
    let (status, body) = server.post("/v1/labs/nope/grade", json!({})).await;
    assert_eq!((status, error_code(&body).as_str()), (404, "unknown_lab"));
    assert!(body.contains("apigw-items"), "names the labs there are: {body}");
    let (status, body) = server.post(grade, json!({ "steps": ["api-key"] })).await;
    assert_eq!((status, error_code(&body).as_str()), (404, "unknown_step"));
    assert!(body.contains("did you mean `api-keys`"), "{body}");
    let (status, body) = server.post(grade, json!({ "steps": 5 })).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "bad_body"));
    assert!(body.contains("steps"), "names the field: {body}");
    let (status, body) = server.post(grade, json!({ "stepz": [] })).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "bad_body"));
    assert!(body.contains("stepz"), "names the field: {body}");
    let (status, body) = server.post_raw(grade, "{not json".into(), Some(TOKEN)).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "bad_body"));
    let (status, body) = server.post_raw(grade, "{}".into(), Some("wrong-token")).await;
    assert_eq!((status, error_code(&body).as_str()), (401, "unauthorized"));
    let (status, body) = server.post_raw(grade, "{}".into(), None).await;
    assert_eq!((status, error_code(&body).as_str()), (401, "unauthorized"));
    let big = json!({ "steps": ["x".repeat(4096)] }).to_string();
    let (status, body) = server.post_raw(grade, big, Some(TOKEN)).await;
    assert_eq!((status, error_code(&body).as_str()), (413, "too_large"));
    let (status, body) = server.post(&format!("{grade}?format=xml"), json!({})).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "bad_format"));
    for (body, field) in [
        (json!([]), "JSON object"),
        (json!(null), "JSON object"),
        (json!({ "region": "us-east-1\n{\"forged\": true}" }), "region: "),
        (json!({ "role_arn": "arn:aws:s3:::bucket" }), "role_arn: "),
        (json!({ "wait_seconds": 86400 }), "wait_seconds: "),
        (json!({ "lang": "e s" }), "lang: "),
    ] {
        let (status, answer) = server.post(grade, body.clone()).await;
        assert_eq!((status, error_code(&answer).as_str()), (400, "bad_body"), "{body}: {answer}");
        assert!(answer.contains(field), "{body}: {answer}");
    }
    // Metrics need the token; health does not.
    let metrics = reqwest::get(format!("{}/metrics", server.url)).await.unwrap();
    assert_eq!(metrics.status().as_u16(), 401);
    let health = reqwest::get(format!("{}/healthz", server.url)).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

/// Errors that axum makes itself (a path that does not decode, a query parameter given twice, a method the route
/// does not take) answer the documented JSON error too (before: plain text or nothing); what the caller sent is
/// shown cut, never echoed whole.
#[tokio::test(flavor = "multi_thread")]
async fn every_error_answer_is_the_json_error_shape() {
    let account = Account::localstack();
    let server = Server::start(&account, &["--allow-own-account"], &[]);
    let raw = |method: reqwest::Method, path: String| {
        let request = server.http.request(method, format!("{}{path}", server.url)).bearer_auth(TOKEN);
        async move {
            let response = request.header("content-type", "application/json").body("{}").send().await.unwrap();
            let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
            (response.status().as_u16(), content_type, response.text().await.unwrap())
        }
    };
    let long_id = "x".repeat(10_000);
    for (method, path, status, code) in [
        (reqwest::Method::POST, "/v1/labs/%FF%FE/grade".to_owned(), 400, "bad_request"),
        (reqwest::Method::POST, "/v1/labs/apigw-items/grade?format=json&format=junit".to_owned(), 400, "bad_request"),
        (reqwest::Method::GET, "/v1/labs/apigw-items/grade".to_owned(), 405, "method_not_allowed"),
        (reqwest::Method::DELETE, "/healthz".to_owned(), 405, "method_not_allowed"),
        (reqwest::Method::POST, format!("/v1/labs/{long_id}/grade"), 404, "unknown_lab"),
        (reqwest::Method::GET, "/v1/nothing".to_owned(), 404, "not_found"),
    ] {
        let (got, content_type, body) = raw(method.clone(), path.clone()).await;
        let shown = &path[..path.len().min(60)];
        assert_eq!((got, error_code(&body).as_str()), (status, code), "{method} {shown}: {body}");
        assert_eq!(content_type.as_deref(), Some("application/json"), "{method} {shown}");
        assert!(body.len() < 1_000, "{method} {shown}: not echoed whole ({} bytes)", body.len());
    }
    let (status, body) = server
        .post_raw("/v1/labs/apigw-items/grade", r#"{"steps":["resources"],"steps":["api-keys"]}"#.into(), Some(TOKEN))
        .await;
    assert_eq!((status, error_code(&body).as_str()), (400, "bad_body"), "a key given twice: {body}");
}

/// A client that sends its headers or its body too slowly is cut off instead of holding a connection forever.
#[tokio::test(flavor = "multi_thread")]
async fn slow_clients_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let account = Account::localstack();
    let server = Server::start(&account, &["--allow-own-account", "--read-timeout", "1"], &[]);
    let address = server.url.trim_start_matches("http://").to_owned();

    // Headers that never end: the connection is closed after the read timeout.
    let mut slow_headers = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow_headers.write_all(b"POST /v1/labs/apigw-items/grade HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), slow_headers.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server closed the connection");

    // A body that never arrives: 408.
    let mut slow_body = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /v1/labs/apigw-items/grade HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"steps\""
    );
    slow_body.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), slow_body.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("slow_body"), "{answer}");
}

/// Connections that send nothing: from one address, past its limit they are refused at once; within it they are
/// closed after the read timeout; a real grading from elsewhere still succeeds meanwhile; and when every connection
/// is taken, `/healthz` is still answered (before: idle connections stayed open for good, so enough of them left
/// no one served).
#[tokio::test(flavor = "multi_thread")]
async fn idle_connections_are_bounded_and_closed() {
    use tokio::io::AsyncReadExt;
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let limits = ["--max-connections", "12", "--max-connections-per-peer", "4", "--read-timeout", "2"];
    let server = Server::start(&account, &[&["--allow-own-account"], &limits[..]].concat(), &[]);
    let address: std::net::SocketAddr = server.url.trim_start_matches("http://").parse().unwrap();
    let idle_from = |peer: [u8; 4]| async move {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind((std::net::Ipv4Addr::from(peer), 0).into()).unwrap();
        socket.connect(address).await.unwrap()
    };
    // Closed by the server within `within`: the read ends (EOF, an answer, or a reset).
    let closed_within = |mut stream: tokio::net::TcpStream, within: Duration| async move {
        let mut answer = Vec::new();
        tokio::time::timeout(within, stream.read_to_end(&mut answer)).await.is_ok()
    };
    let started = std::time::Instant::now();
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(idle_from([127, 0, 0, 2]).await);
    }
    let refused =
        futures::future::join_all(idle.drain(4..).map(|s| closed_within(s, Duration::from_millis(500)))).await;
    assert!(refused.iter().all(|closed| *closed), "past the peer's limit, refused at once");
    let (status, body) = server.post("/v1/labs/apigw-items/grade", json!({ "steps": ["resources"] })).await;
    assert_eq!(status, 200, "a grading from another address is served: {body}");
    let closed = futures::future::join_all(idle.drain(..).map(|s| closed_within(s, Duration::from_secs(5)))).await;
    assert!(closed.iter().all(|closed| *closed), "idle connections are closed after the read timeout");
    assert!(started.elapsed() >= Duration::from_millis(1500), "not before: {:?}", started.elapsed());
    // Every connection taken (3 peers x 4): health is answered from the reserve, a grading is told to retry.
    for peer in 3..6 {
        for _ in 0..4 {
            idle.push(idle_from([127, 0, 0, peer]).await);
        }
    }
    let health = reqwest::get(format!("{}/healthz", server.url)).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    // A new connection (the server's client would reuse the one it kept from the grading above).
    let fresh = reqwest::Client::new().post(format!("{}/v1/labs/apigw-items/grade", server.url)).bearer_auth(TOKEN);
    let answer = fresh.header("content-type", "application/json").body("{}").send().await.unwrap();
    let (status, body) = (answer.status().as_u16(), answer.text().await.unwrap());
    assert_eq!((status, error_code(&body).as_str()), (503, "too_many_connections"), "{body}");
    drop(idle);
}

/// `--profile` and `--region` are the service's own identity and default region.
#[tokio::test(flavor = "multi_thread")]
async fn serve_uses_its_profile_and_region() {
    let account = Account::localstack();
    let dir = tempfile::tempdir().unwrap();
    let config = account.credential_process_config(dir.path(), "grader");
    // The progress table is in the flag's region (before: the store ignored --profile and --region, found no
    // credentials and region of its own, and the service did not start).
    let moto = common::moto_url();
    let store = format!("dynamodb:labcheck-profile-{}", std::process::id());
    let mut init = account.labcheck();
    init.env("AWS_REGION", "eu-west-3").env("AWS_ENDPOINT_URL_DYNAMODB", &moto).args(["store-init", "--store", &store]);
    assert_eq!(common::run(init).code, 0);
    let mut cmd = account.labcheck();
    cmd.env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY").env_remove("AWS_REGION");
    cmd.env("AWS_CONFIG_FILE", &config).env("AWS_ENDPOINT_URL_DYNAMODB", &moto);
    let flags = ["--allow-own-account", "--profile", "grader", "--region", "eu-west-3", "--store", &store];
    let server = Server::start_command(cmd, &flags);
    let body = json!({ "steps": ["resources"], "learner": "ana" });
    let (status, body) = server.post("/v1/labs/apigw-items/grade", body).await;
    assert_eq!(status, 200, "{body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["target"]["account_id"], account.id.as_str(), "the profile's credentials were used");
    assert_eq!(report["target"]["region"], "eu-west-3", "the flag's region");
    assert_eq!(report["summary"]["errors"], 0, "{body}");
    assert!(report["recorded"]["grading_id"].is_string(), "kept in the table of the flag's region: {body}");
}

/// A class in a thousand accounts: each learner's role is assumed once, however often they grade (before: the
/// cache kept a whole SDK config per role, 160 KB each, and held 1,024 of them, so a rush re-assumed), and the
/// server's memory stays flat over the roles.
#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_roles_are_each_assumed_once_and_memory_stays_flat() {
    let account = Account::localstack();
    let sts = FaultProxy::start(&common::moto_url(), vec![]).await;
    let server = Server::start(&account, &["--max-in-flight", "16"], &[("AWS_ENDPOINT_URL_STS", sts.url.as_str())]);
    let grade_roles = |from: usize, to: usize| {
        let server = &server;
        async move {
            let requests = (from..to).map(|n| async move {
                let request = json!({
                    "steps": ["resources"],
                    "role_arn": format!("arn:aws:iam::123456789012:role/student-{n}"),
                    "region": "us-east-1"
                });
                let (status, body) = server.post("/v1/labs/apigw-items/grade", request).await;
                assert_eq!(status, 200, "{body}");
            });
            futures::stream::iter(requests).buffer_unordered(16).collect::<Vec<()>>().await;
        }
    };
    use futures::StreamExt;
    grade_roles(0, 300).await;
    let warm = server.rss_kib();
    grade_roles(300, 1100).await;
    let after = server.rss_kib();
    grade_roles(0, 300).await;
    let assumed = sts.recorded().iter().filter(|r| r.body.contains("Action=AssumeRole")).count();
    assert_eq!(assumed, 1100, "each role once, the second gradings of 300 included");
    let (_, metrics) = server.get("/metrics").await;
    assert_eq!(Server::metric(&metrics, "labcheck_cached_roles"), 1100.0, "{metrics}");
    let per_1000_roles = (after.saturating_sub(warm)) as f64 / 0.8;
    eprintln!("RSS {warm} KiB after 300 roles, {after} KiB after 1100: {per_1000_roles:.0} KiB per 1000 more roles");
    // A whole config per role cost about 125 MB for 800 roles (160 KB each).
    assert!(per_1000_roles < 16_000.0, "memory grows {per_1000_roles:.0} KiB per 1000 roles");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_double_click_shares_one_grading() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let server = Server::start(&account, &["--allow-own-account"], &[]);
    let body = json!({ "steps": ["api-keys"] });
    let (a, b) = tokio::join!(
        server.post("/v1/labs/apigw-items/grade", body.clone()),
        server.post("/v1/labs/apigw-items/grade", body.clone())
    );
    assert_eq!((a.0, b.0), (200, 200));
    let (a, b): (Value, Value) = (serde_json::from_str(&a.1).unwrap(), serde_json::from_str(&b.1).unwrap());
    assert_eq!(a["started_at"], b["started_at"], "one run answered both");
    let (_, metrics) = server.get("/metrics").await;
    assert_eq!(Server::metric(&metrics, "labcheck_gradings_total"), 1.0, "{metrics}");
    assert_eq!(Server::metric(&metrics, "labcheck_shared_gradings_total"), 1.0, "{metrics}");
}

#[tokio::test(flavor = "multi_thread")]
async fn assumed_role_credentials_are_fetched_once_per_role() {
    let account = Account::localstack();
    // STS AssumeRole is served by moto, through a proxy that counts the calls.
    let sts = FaultProxy::start(&common::moto_url(), vec![]).await;
    let server = Server::start(&account, &[], &[("AWS_ENDPOINT_URL_STS", sts.url.as_str())]);
    let request = json!({
        "steps": ["resources"],
        "role_arn": "arn:aws:iam::123456789012:role/labcheck-grader",
        "external_id": "platform-42",
        "region": "us-east-1"
    });
    for _ in 0..3 {
        let (status, body) = server.post("/v1/labs/apigw-items/grade", request.clone()).await;
        assert_eq!(status, 200, "{body}");
        let report: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(report["summary"]["errors"], 0, "{body}");
        assert_eq!(report["target"]["account_id"], "123456789012", "the role's account: {body}");
    }
    let assumed = sts.recorded().iter().filter(|r| r.body.contains("Action=AssumeRole")).count();
    assert_eq!(assumed, 1, "credentials cached per role");
    let asked_identity = sts.recorded().iter().any(|r| r.body.contains("Action=GetCallerIdentity"));
    assert!(!asked_identity, "the graded account is the role's: STS is not asked who it is");
    let with_external_id = sts.recorded().iter().any(|r| r.body.contains("ExternalId=platform-42"));
    assert!(with_external_id, "the external id is sent");
    // Without a role, a service not started with --allow-own-account refuses.
    let (status, body) = server.post("/v1/labs/apigw-items/grade", json!({ "steps": ["resources"] })).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "missing_role_arn"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_the_grading_in_flight_then_exits_zero() {
    let account = Account::localstack();
    // The plan is missing, so with wait_seconds the grading keeps re-reading for a while.
    ItemsLab { plan_stages: None, key: None, ..ItemsLab::complete() }.build(&account).await;
    let mut server = Server::start(&account, &["--allow-own-account"], &[]);
    let request_body = json!({ "steps": ["api-keys"], "wait_seconds": 4 }).to_string();
    let in_flight = {
        let url = format!("{}/v1/labs/apigw-items/grade", server.url);
        let http = server.http.clone();
        tokio::spawn(async move {
            let request = http.post(url).bearer_auth(TOKEN).header("content-type", "application/json");
            let response = request.body(request_body).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        })
    };
    // SIGTERM once the grading is in flight (polled: a loaded machine may take a while to start it).
    for _ in 0..100 {
        let (_, metrics) = server.get("/metrics").await;
        if Server::metric(&metrics, "labcheck_gradings_in_flight") >= 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Draining: health says so (a load balancer stops sending), new gradings are refused.
    let health = reqwest::get(format!("{}/healthz", server.url)).await.unwrap();
    assert_eq!(health.status().as_u16(), 503);
    let (status, body) = server.post("/v1/labs/apigw-items/grade", json!({ "steps": ["resources"] })).await;
    assert_eq!((status, error_code(&body).as_str()), (503, "shutting_down"));
    let (status, body) = in_flight.await.unwrap();
    assert_eq!(status, 200, "the grading in flight completes: {body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert!(report["stats"]["rounds"].as_u64().unwrap() >= 2);
    let code = tokio::task::spawn_blocking(move || {
        let code = server.child.wait().unwrap().code();
        (code, server)
    })
    .await
    .unwrap()
    .0;
    assert_eq!(code, Some(0));
}

/// One slot, no queue, a 2 s deadline, and the first read of the first grading held up for 20 s: that grading
/// answers 504 at its deadline, a grading asked meanwhile 429; once the deadline has passed the slot is free again
/// (before: the run kept its slot until its read came back, and every grading got 429). A wait the deadline would
/// cut short is refused up front.
#[tokio::test(flavor = "multi_thread")]
async fn over_the_limits_answers_429_and_past_the_deadline_504_and_frees_the_slot() {
    use crate::common::fault_proxy::{Fault, Rule};
    let account = Account::localstack();
    // LocalStack's first API Gateway answer can take seconds on its own: warmed here, the deadline below is ours.
    account.apigw().get_rest_apis().send().await.expect("LocalStack answers");
    let held = Rule::first(1, "GET /restapis", Fault::Delay(Duration::from_secs(20)));
    let proxy = FaultProxy::start(&common::localstack_url(), vec![held]).await;
    let server = Server::start(
        &account,
        &["--allow-own-account", "--max-in-flight", "1", "--max-queue", "0", "--deadline", "2"],
        &[("AWS_ENDPOINT_URL", proxy.url.as_str())],
    );
    let grade = "/v1/labs/apigw-items/grade";
    let first = server.post(grade, json!({ "steps": ["resources"] }));
    let second = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let response = server
            .http
            .post(format!("{}{grade}", server.url))
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body(json!({ "steps": ["resources"], "lang": "es" }).to_string())
            .send()
            .await
            .unwrap();
        let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
        (response.status().as_u16(), retry_after, response.text().await.unwrap())
    };
    let ((status, body), (busy_status, retry_after, busy_body)) = tokio::join!(first, second);
    assert_eq!((status, error_code(&body).as_str()), (504, "deadline"), "{body}");
    assert_eq!((busy_status, error_code(&busy_body).as_str()), (429, "busy"), "{busy_body}");
    assert_eq!(retry_after.as_deref(), Some("5"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, body) = server.post(grade, json!({ "steps": ["resources"] })).await;
    assert_eq!(status, 200, "the slot is free once the deadline has passed: {body}");
    let (_, metrics) = server.get("/metrics").await;
    assert_eq!(Server::metric(&metrics, "labcheck_gradings_in_flight"), 0.0, "{metrics}");
    let (status, body) = server.post(grade, json!({ "steps": ["resources"], "wait_seconds": 2 })).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "bad_body"), "{body}");
    assert!(body.contains("wait_seconds: less than the service's deadline, 2s"), "{body}");
}

/// Gradings of one learner, asked at once to each of `servers`: every one is kept and merged.
async fn learner_progress_through(servers: &[&Server]) {
    let steps = ["api-keys", "resources", "cors", "best-practices"];
    let requests = steps.iter().enumerate().map(|(i, step)| {
        let server = servers[i % servers.len()];
        server.post("/v1/labs/apigw-items/grade", json!({ "steps": [step], "learner": "ana@example.com" }))
    });
    let mut ids = Vec::new();
    let mut passed_somewhere = std::collections::BTreeSet::new();
    for (status, body) in futures::future::join_all(requests).await {
        assert_eq!(status, 200, "{body}");
        let report: labcheck::model::Report = serde_json::from_str(&body).unwrap();
        let Some(labcheck::model::Recorded::Kept { grading_id, .. }) = &report.recorded else {
            panic!("not kept: {body}")
        };
        ids.push(grading_id.clone());
        passed_somewhere
            .extend(report.checks.iter().filter(|c| c.status == labcheck::model::Status::Pass).map(|c| c.id.clone()));
    }
    for server in servers {
        let (status, body) = server.get("/v1/labs/apigw-items/learners/ana@example.com/progress").await;
        assert_eq!(status, 200, "{body}");
        let progress: labcheck::model::Report = serde_json::from_str(&body).unwrap();
        let passed: std::collections::BTreeSet<String> =
            progress.checks.iter().filter(|c| c.passed_at.is_some()).map(|c| c.id.clone()).collect();
        assert_eq!(passed, passed_somewhere, "what passed in any of the four gradings, and nothing else");
        assert_eq!((progress.score, progress.stats.rounds), (passed.len() as u32, 4), "{body}");
    }
    let (status, body) = servers[0].get(&format!("/v1/gradings/{}", ids[0])).await;
    assert_eq!(status, 200, "{body}");
    let kept: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((kept["learner"].as_str(), kept["lab"].as_str()), (Some("ana@example.com"), Some("apigw-items")));
    assert_eq!(kept["evidence"]["kind"], "labcheck-snapshot", "the facts it read, which `run --from` grades again");
    assert_eq!(kept["report"]["checks"][0]["id"], "usage-plan-created");
    let (status, body) = servers[0].get("/v1/gradings/g019a8c4e2f1b-4be1d2c3a4b5c6d7").await;
    assert_eq!((status, error_code(&body).as_str()), (404, "unknown_grading"));
    let (status, body) = servers[0].get("/v1/labs/apigw-items/learners/not%20a%20learner/progress").await;
    assert_eq!((status, error_code(&body).as_str()), (400, "bad_learner"));
}

#[tokio::test(flavor = "multi_thread")]
async fn keeps_learners_progress_in_sqlite() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let store = tempfile::tempdir().unwrap().keep().join("progress.sqlite");
    let store = format!("sqlite:{}", store.display());
    let server = Server::start(&account, &["--allow-own-account", "--store", &store, "--evidence-days", "30"], &[]);
    learner_progress_through(&[&server]).await;
    let (_, metrics) = server.get("/metrics").await;
    assert_eq!(Server::metric(&metrics, "labcheck_gradings_kept_total"), 4.0, "{metrics}");
}

/// Two replicas on one DynamoDB table (moto): the progress is one, whichever replica answers.
#[tokio::test(flavor = "multi_thread")]
async fn replicas_share_progress_in_dynamodb() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    // moto's transactions are not safe under concurrency (see FaultProxy::one_at_a_time); the replicas still race.
    let moto = FaultProxy::one_at_a_time(&common::moto_url()).await;
    let store = account.dynamodb_store("service", &moto.url);
    let dynamodb = [("AWS_ENDPOINT_URL_DYNAMODB", moto.url.as_str())];
    let args = ["--allow-own-account", "--store", store.as_str()];
    let (one, two) = (Server::start(&account, &args, &dynamodb), Server::start(&account, &args, &dynamodb));
    learner_progress_through(&[&one, &two]).await;
}

/// The learner's progress cannot be read when the grading starts (the table throttles the read and each retry),
/// then answers for the write. The cleanup check that recalls the function this learner built is `error`, never
/// judged on the lab's name pattern, and progress does not keep it as a pass (before: the pattern found nothing in
/// this account, so it passed, and the pass was kept for good).
#[tokio::test(flavor = "multi_thread")]
async fn a_progress_read_that_fails_makes_recalling_checks_errors_never_passes() {
    use crate::common::fault_proxy::{Fault, Rule};
    // Lambda on moto, with no function left: the lab's name pattern finds nothing.
    let account = Account::with_lambda();
    account.wipe_lambda().await;
    let moto = common::moto_url();
    let store = account.dynamodb_store("recall", &moto);
    // The learner did the lab: their progress from the shipped case of the whole lab done.
    let mut seed = account.labcheck();
    seed.env("AWS_ENDPOINT_URL_DYNAMODB", &moto).current_dir(common::repo_path("."));
    seed.args(["run", "checks/apigw-items", "--from", "checks/apigw-items/cases/complete.json"]);
    seed.args(["--learner", "ana", "--store", &store]);
    let seeded = common::run(seed);
    assert_eq!(seeded.code, 1, "graded (the cleanup left undone) and kept: {}", seeded.stderr);
    let reads = Rule::first(5, "POST /", Fault::Throttle)
        .containing(&["DynamoDB_20120810.GetItem", "progress#apigw-items#ana"]);
    let proxy = FaultProxy::start(&moto, vec![reads]).await;
    let env = [("AWS_ENDPOINT_URL_DYNAMODB", proxy.url.as_str())];
    let server = Server::start(&account, &["--allow-own-account", "--store", &store], &env);
    let (status, body) =
        server.post("/v1/labs/apigw-items/grade", json!({ "learner": "ana", "steps": ["cleanup"] })).await;
    assert_eq!(status, 200, "{body}");
    let report: labcheck::model::Report = serde_json::from_str(&body).unwrap();
    let recalled = report.checks.iter().find(|c| c.id == "function-deleted").unwrap();
    assert_eq!(recalled.status.as_str(), "error", "{}", recalled.message);
    assert!(recalled.message.contains("could not be recalled"), "{}", recalled.message);
    assert!(matches!(report.recorded, Some(labcheck::model::Recorded::Kept { .. })), "{:?}", report.recorded);
    let throttled = proxy.recorded().iter().filter(|r| r.fault.is_some()).count();
    assert_eq!(throttled, 5, "the progress read and its retries were refused");
    let (status, body) = server.get("/v1/labs/apigw-items/learners/ana/progress").await;
    assert_eq!(status, 200, "{body}");
    let progress: labcheck::model::Report = serde_json::from_str(&body).unwrap();
    let kept = progress.checks.iter().find(|c| c.id == "function-deleted").unwrap();
    assert_ne!(kept.status.as_str(), "pass", "an error never enters progress as a pass");
}

/// Another process holds the SQLite file's write lock. Three gradings of learners at once each answer their
/// verdicts once SQLite gives up waiting (5 s), saying they were not kept, and a progress read meanwhile answers at
/// once (before: one connection behind a mutex; the gradings answered one after the other at 10, 20 and 30 s, and
/// the read waited behind them).
#[tokio::test(flavor = "multi_thread")]
async fn a_locked_sqlite_file_stalls_no_one() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let file = tempfile::tempdir().unwrap().keep().join("progress.sqlite");
    let store = format!("sqlite:{}", file.display());
    let server = Server::start(&account, &["--allow-own-account", "--store", &store], &[]);
    let grade = "/v1/labs/apigw-items/grade";
    let (status, body) = server.post(grade, json!({ "learner": "ana", "steps": ["resources"] })).await;
    assert_eq!(status, 200, "{body}");
    let holder = rusqlite::Connection::open(&file).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE; UPDATE progress SET body = body;").unwrap();
    let started = std::time::Instant::now();
    let learners =
        ["bo", "cy", "di"].map(|learner| server.post(grade, json!({ "learner": learner, "steps": ["resources"] })));
    let read = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let answer = server.get("/v1/labs/apigw-items/learners/ana/progress").await;
        (answer, started.elapsed())
    };
    let (answers, ((read_status, _), read_after)) = tokio::join!(futures::future::join_all(learners), read);
    let took = started.elapsed();
    drop(holder);
    for (status, body) in answers {
        assert_eq!(status, 200, "{body}");
        let report: labcheck::model::Report = serde_json::from_str(&body).unwrap();
        assert!(report.checks.iter().all(|c| c.status.as_str() == "pass"), "every verdict stands");
        let Some(labcheck::model::Recorded::NotKept { error }) = report.recorded else {
            panic!("{:?}", report.recorded)
        };
        assert!(error.contains("locked"), "{error}");
    }
    println!("three gradings on a locked file answered in {took:?}; a progress read meanwhile in {read_after:?}");
    assert!(took < Duration::from_secs(9), "answered together, after SQLite's wait, not one after another: {took:?}");
    assert_eq!(read_status, 200);
    assert!(read_after < Duration::from_secs(3), "a read is not held up by writes waiting on the file: {read_after:?}");
}

/// The DynamoDB store stops answering reads and writes after the service started. Gradings of learners answer
/// their verdicts within the deadline, not kept; gradings without a learner are not held up at all (before: no
/// timeout on the store's client; every grading of a learner held its slot until the deadline, then 504).
#[tokio::test(flavor = "multi_thread")]
async fn a_dynamodb_store_that_never_answers_costs_records_not_verdicts() {
    use crate::common::fault_proxy::{Fault, Rule};
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let moto = common::moto_url();
    let store = account.dynamodb_store("hung", &moto);
    let silent = |operation: &'static str| {
        Rule::always("POST /", Fault::Delay(Duration::from_secs(60))).containing(&[operation])
    };
    let rules = vec![silent("DynamoDB_20120810.GetItem"), silent("DynamoDB_20120810.TransactWriteItems")];
    let proxy = FaultProxy::start(&moto, rules).await;
    let env = [("AWS_ENDPOINT_URL_DYNAMODB", proxy.url.as_str())];
    let server = Server::start(&account, &["--allow-own-account", "--store", &store, "--deadline", "20"], &env);
    let grade = "/v1/labs/apigw-items/grade";
    let started = std::time::Instant::now();
    let learner = server.post(grade, json!({ "learner": "ana", "steps": ["resources"] }));
    let anonymous = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let answer = server.post(grade, json!({ "steps": ["resources"] })).await;
        (answer, started.elapsed())
    };
    let ((status, body), ((plain_status, _), plain_after)) = tokio::join!(learner, anonymous);
    assert_eq!(status, 200, "{body}");
    let report: labcheck::model::Report = serde_json::from_str(&body).unwrap();
    assert!(report.checks.iter().all(|c| c.status.as_str() == "pass"), "every verdict stands");
    assert!(matches!(report.recorded, Some(labcheck::model::Recorded::NotKept { .. })), "{:?}", report.recorded);
    println!(
        "a grading on a silent store answered in {:?}; one without a learner in {plain_after:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(15), "within the deadline: {:?}", started.elapsed());
    assert_eq!(plain_status, 200);
    assert!(
        plain_after < Duration::from_secs(3),
        "a grading without a learner never waits for the store: {plain_after:?}"
    );
}

/// With `--evidence-days` a DynamoDB store writes each evidence item with a TTL, so DynamoDB drops it: the service
/// never scans the table for old evidence (before: a scan of the whole table at start, then hourly; on Lambda at
/// every cold start).
#[tokio::test(flavor = "multi_thread")]
async fn a_dynamodb_store_relies_on_its_ttl_and_is_never_scanned() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let moto = FaultProxy::one_at_a_time(&common::moto_url()).await;
    let store = account.dynamodb_store("ttl", &moto.url);
    let env = [("AWS_ENDPOINT_URL_DYNAMODB", moto.url.as_str())];
    let server = Server::start(&account, &["--allow-own-account", "--store", &store, "--evidence-days", "30"], &env);
    let (status, body) =
        server.post("/v1/labs/apigw-items/grade", json!({ "learner": "ana", "steps": ["resources"] })).await;
    assert_eq!(status, 200, "{body}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let bodies: Vec<String> = moto.recorded().into_iter().map(|r| r.body).collect();
    assert!(bodies.iter().any(|b| b.contains("expires_at")), "evidence is written with its TTL: {bodies:#?}");
    assert!(!bodies.iter().any(|b| b.contains("FilterExpression")), "no scan: {bodies:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_learner_needs_a_store_and_an_unusable_store_stops_the_service() {
    let account = Account::localstack();
    let server = Server::start(&account, &["--allow-own-account"], &[]);
    let (status, body) = server.post("/v1/labs/apigw-items/grade", json!({ "learner": "ana" })).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "no_store"));
    let (status, body) = server.post("/v1/labs/apigw-items/grade", json!({ "learner": "ana\nforged" })).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "bad_body"));
    assert!(body.contains("learner: "), "{body}");
    let (status, body) = server.get("/v1/labs/apigw-items/learners/ana/progress").await;
    assert_eq!((status, error_code(&body).as_str()), (404, "no_store"));

    let garbage = tempfile::tempdir().unwrap().keep().join("progress.sqlite");
    std::fs::write(&garbage, "not a database, just text long enough to look like a header page of one").unwrap();
    let mut cmd = account.labcheck();
    cmd.args(["serve", "--labs"]).arg(common::repo_path("checks")).args(["--listen", "127.0.0.1:0", "--store"]);
    cmd.arg(&garbage).env("LABCHECK_SERVICE_TOKENS", TOKEN);
    let out = common::run(cmd);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.trim_end().ends_with("file is not a database"), "{}", out.stderr);
}

/// The store failing after the service started (its table deleted): gradings still answer with their verdicts,
/// and say they were not kept; reading progress is 503.
#[tokio::test(flavor = "multi_thread")]
async fn a_store_that_fails_changes_no_verdict() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let endpoint = common::moto_url();
    let env = [("AWS_ENDPOINT_URL_DYNAMODB", endpoint.as_str())];
    let store = account.dynamodb_store("gone", &endpoint);
    let table = store.trim_start_matches("dynamodb:").to_owned();
    let server = Server::start(&account, &["--allow-own-account", "--store", &store], &env);
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(account.region.clone()))
            .endpoint_url(&endpoint)
            .credentials_provider(aws_credential_types::Credentials::new(&account.id, "test", None, None, "tests"))
            .build(),
    );
    dynamodb.delete_table().table_name(&table).send().await.unwrap();

    let (status, body) =
        server.post("/v1/labs/apigw-items/grade", json!({ "steps": ["api-keys"], "learner": "ana" })).await;
    assert_eq!(status, 200, "{body}");
    let report: labcheck::model::Report = serde_json::from_str(&body).unwrap();
    assert_eq!((report.outcome, report.score), (labcheck::model::Outcome::Pass, 5), "the verdicts stand");
    match &report.recorded {
        Some(labcheck::model::Recorded::NotKept { error }) => assert!(error.contains(&table), "{error}"),
        other => panic!("{other:?}"),
    }
    let (status, body) = server.get("/v1/labs/apigw-items/learners/ana/progress").await;
    assert_eq!((status, error_code(&body).as_str()), (503, "store_unavailable"));
    let (_, metrics) = server.get("/metrics").await;
    assert_eq!(Server::metric(&metrics, "labcheck_gradings_not_kept_total"), 1.0, "{metrics}");
}
