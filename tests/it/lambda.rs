//! The grading service as a Lambda function, on a real Lambda runtime emulator: `cargo lambda watch` serves the
//! Lambda runtime API and the invoke endpoints (Function URL events and direct invocations) and the real
//! `labcheck-lambda` binary polls it, as on AWS; API Gateway on LocalStack, the progress store on moto's DynamoDB.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{self, Account, ItemsLab, KeyState};
use crate::service::Server;

const TOKEN: &str = "lambda-test-token-0123456789";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `cargo lambda watch` (the runtime API and invoke endpoints) and the function polling it.
struct LambdaFunction {
    emulator: Child,
    function: Child,
    url: String,
    http: reqwest::Client,
    /// From the function's start to its first answer.
    pub cold_start: Duration,
}

impl LambdaFunction {
    fn start(account: &Account, env: &[(&str, &str)]) -> Self {
        let cargo_lambda = std::env::var("LABCHECK_TEST_CARGO_LAMBDA")
            .expect("LABCHECK_TEST_CARGO_LAMBDA: run the tests with scripts/test.sh (it installs cargo-lambda)");
        let port = free_port();
        let mut emulator = Command::new(cargo_lambda);
        emulator
            .args(["lambda", "watch", "--only-lambda-apis", "--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(port.to_string())
            .current_dir(common::repo_path(""))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let emulator = emulator.spawn().expect("cargo lambda watch starts");
        let url = format!("http://127.0.0.1:{port}");
        wait_until_listening(port);
        // The function as the emulator says to start it, with the account's credentials and endpoints.
        let mut function = Command::new(env!("CARGO_BIN_EXE_labcheck-lambda"));
        function.env_clear();
        for (name, value) in account.labcheck().get_envs() {
            if let Some(value) = value {
                function.env(name, value);
            }
        }
        function
            .env("AWS_LAMBDA_RUNTIME_API", format!("http://127.0.0.1:{port}/.rt"))
            .env("AWS_LAMBDA_FUNCTION_NAME", "_")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
            .env("LABCHECK_LABS", common::repo_path("checks"))
            .env("LABCHECK_SERVICE_TOKENS", TOKEN)
            .env("LABCHECK_ALLOW_OWN_ACCOUNT", "true")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut function = function.spawn().expect("the function starts");
        let lines = BufReader::new(function.stderr.take().unwrap()).lines();
        std::thread::spawn(move || for _ in lines {});
        // Cold start: from the process starting to its first answer (labs loaded, store opened, runtime polled).
        while !healthy(port) {
            assert!(started.elapsed() < Duration::from_secs(60), "the function did not answer within a minute");
            std::thread::sleep(Duration::from_millis(5));
        }
        let cold_start = started.elapsed();
        Self { emulator, function, url, http: reqwest::Client::new(), cold_start }
    }

    /// A Function URL request.
    async fn http(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, String) {
        let mut request = self.http.request(method, format!("{}/lambda-url/_{path}", self.url)).bearer_auth(TOKEN);
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        let response = request.timeout(Duration::from_secs(120)).send().await.expect("the emulator answers");
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// A direct invocation (`lambda:InvokeFunction`): the event in, the function's answer out.
    async fn invoke(&self, event: Value) -> Value {
        let url = format!("{}/2015-03-31/functions/_/invocations", self.url);
        let response = self.http.post(url).body(event.to_string()).timeout(Duration::from_secs(120)).send().await;
        let text = response.expect("the emulator answers").text().await.unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    /// The function's resident memory high-water mark (VmHWM), in KiB.
    fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.function.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

impl Drop for LambdaFunction {
    fn drop(&mut self) {
        let _ = self.function.kill();
        let _ = self.emulator.kill();
        let _ = self.function.wait();
        let _ = self.emulator.wait();
    }
}

/// `GET /lambda-url/_/healthz` answered 200 (plain HTTP/1.1 over a socket: this runs before any async client).
fn healthy(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut socket) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = socket.set_read_timeout(Some(Duration::from_secs(5)));
    let request = "GET /lambda-url/_/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let mut answer = String::new();
    socket.write_all(request.as_bytes()).is_ok()
        && socket.read_to_string(&mut answer).is_ok()
        && answer.starts_with("HTTP/1.1 200")
}

fn wait_until_listening(port: u16) {
    for _ in 0..240 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("cargo lambda watch did not listen on {port} within a minute");
}

/// What a grading decided, check by check (times left out).
fn verdicts(report: &Value) -> Vec<(String, String, String)> {
    let checks = report["checks"].as_array().unwrap_or_else(|| panic!("not a report: {report}"));
    checks.iter().map(|c| (c["id"].to_string(), c["status"].to_string(), c["message"].to_string())).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_function_grades_as_serve_does() {
    let complete = Account::localstack();
    ItemsLab::complete().build(&complete).await;
    let broken = Account::localstack();
    ItemsLab { key: Some(KeyState { enabled: true, in_plan: false }), ..ItemsLab::complete() }.build(&broken).await;
    for account in [&complete, &broken] {
        let function = LambdaFunction::start(account, &[]);
        let body = json!({ "steps": ["api-keys"] });
        let (status, text) = function.http(reqwest::Method::POST, "/v1/labs/apigw-items/grade", Some(body)).await;
        assert_eq!(status, 200, "{text}");
        let on_lambda: Value = serde_json::from_str(&text).unwrap();
        let server = Server::start(account, &["--allow-own-account"], &[]);
        let (status, served) = server.post("/v1/labs/apigw-items/grade", json!({ "steps": ["api-keys"] })).await;
        assert_eq!(status, 200, "{served}");
        let served: Value = serde_json::from_str(&served).unwrap();
        assert_eq!(verdicts(&on_lambda), verdicts(&served), "the same report as `labcheck serve`");
        assert_eq!(on_lambda["target"], served["target"]);

        // Directly invoked: the same report, and AWS Jam's answer.
        let direct = function.invoke(json!({ "lab": "apigw-items", "steps": ["api-keys"] })).await;
        assert_eq!(verdicts(&direct), verdicts(&served));
        let jam = function.invoke(json!({ "lab": "apigw-items", "steps": ["api-keys"], "answer": "jam" })).await;
        let passed = served["outcome"] == "pass";
        assert_eq!(jam["completed"], passed, "{jam}");
        assert_eq!(jam["progressPercent"], served["score"].as_u64().unwrap() * 100 / 5, "{jam}");
        if !passed {
            let message = jam["message"].as_str().unwrap();
            assert!(
                message.starts_with("Created the Usage Plan Key: API key LabKey exists but is not a key"),
                "{message}"
            );
            assert!(message.contains("Hint: "), "{message}");
        }
        println!("cold start {:?}, peak memory {} KiB", function.cold_start, function.peak_kib());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn direct_invocations_are_checked_and_http_needs_the_token() {
    let account = Account::localstack();
    let function = LambdaFunction::start(&account, &[]);
    for (event, expected) in [
        (json!({ "steps": ["api-keys"] }), "lab: "),
        (json!({ "lab": "nope" }), "no lab \"nope\""),
        (json!({ "lab": "apigw-items", "region": "us-east-1\n{}" }), "region: "),
        (json!({ "lab": "apigw-items", "answer": "xml" }), "answer: "),
        (json!([1, 2]), "JSON object"),
    ] {
        let answer = function.invoke(event.clone()).await;
        let message = answer["error"]["message"].as_str().unwrap_or_else(|| panic!("{event}: {answer}"));
        assert!(message.contains(expected), "{event}: {message}");
    }
    let jam = function.invoke(json!({ "lab": "nope", "answer": "jam" })).await;
    assert_eq!((jam["completed"].as_bool(), jam["progressPercent"].as_u64()), (Some(false), Some(0)), "{jam}");
    let (status, _) = function.http(reqwest::Method::GET, "/healthz", None).await;
    assert_eq!(status, 200);
    let unauthorized = function.http.get(format!("{}/lambda-url/_/v1/labs", function.url)).send().await.unwrap();
    assert_eq!(unauthorized.status().as_u16(), 401);
}

/// An Application Load Balancer's event for `GET path` with `token`, from the client the ALB appends to
/// X-Forwarded-For (`forwarded_for`).
fn alb_event(path: &str, token: &str, forwarded_for: &str) -> Value {
    json!({
        "requestContext": { "elb": { "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/labcheck/0123456789abcdef" } },
        "httpMethod": "GET",
        "path": path,
        "queryStringParameters": {},
        "headers": {
            "authorization": format!("Bearer {token}"),
            "host": "labcheck-alb-123.us-east-1.elb.amazonaws.com",
            "x-forwarded-for": forwarded_for,
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https"
        },
        "isBase64Encoded": false,
        "body": ""
    })
}

/// Behind an ALB every event came with no address, so ten junk tokens from one client locked out the platform
/// itself (429 `too_many_bad_tokens`). The client is the address the ALB appended to X-Forwarded-For.
#[tokio::test(flavor = "multi_thread")]
async fn one_client_behind_an_alb_cannot_lock_out_another() {
    let account = Account::localstack();
    let function = LambdaFunction::start(&account, &[]);
    let mut statuses = Vec::new();
    for n in 0..11 {
        let answer = function.invoke(alb_event("/v1/labs", &format!("guess-{n}"), "198.51.100.1, 203.0.113.7")).await;
        statuses.push(answer["statusCode"].as_u64().unwrap_or_else(|| panic!("{answer}")));
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let other = function.invoke(alb_event("/v1/labs", "guess-other", "203.0.113.8")).await;
    assert_eq!(other["statusCode"], 401, "another client has strikes of its own: {other}");
    let platform = function.invoke(alb_event("/v1/labs", TOKEN, "203.0.113.9")).await;
    assert_eq!(platform["statusCode"], 200, "{platform}");
    let same_address = function.invoke(alb_event("/v1/labs", TOKEN, "203.0.113.7")).await;
    assert_eq!(same_address["statusCode"], 200, "the platform's token opens even from the struck address");
}

/// Progress from the function, kept in DynamoDB (moto), read back over HTTP.
#[tokio::test(flavor = "multi_thread")]
async fn the_function_keeps_progress_in_dynamodb() {
    let account = Account::localstack();
    ItemsLab::complete().build(&account).await;
    let moto = common::moto_url();
    let store = account.dynamodb_store("lambda", &moto);
    let function = LambdaFunction::start(
        &account,
        &[("AWS_ENDPOINT_URL_DYNAMODB", moto.as_str()), ("LABCHECK_STORE", store.as_str())],
    );
    let kept = function.invoke(json!({ "lab": "apigw-items", "steps": ["api-keys"], "learner": "ana" })).await;
    assert_eq!(kept["recorded"]["score"], 5, "{kept}");
    let (status, text) = function.http(reqwest::Method::GET, "/v1/labs/apigw-items/learners/ana/progress", None).await;
    assert_eq!(status, 200, "{text}");
    let progress: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(progress["score"], 5);
}
