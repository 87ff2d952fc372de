//! Shared test support: the emulators started by `scripts/emulators.sh`, isolated accounts, the lab's fixtures
//! built through the real SDK, and running the real `labcheck` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_apigateway::types::{ApiStage, IntegrationType, Op, PatchOperation};
use serde_json::Value;

pub const REGION: &str = "us-east-1";

fn emulator(var: &str) -> String {
    std::env::var(var)
        .unwrap_or_else(|_| panic!("{var} is not set: run the tests with scripts/test.sh, which starts the emulators"))
}

/// LocalStack: API Gateway control plane and invoking deployed stages.
pub fn localstack_url() -> String {
    emulator("LABCHECK_TEST_LOCALSTACK_URL")
}

/// moto: control plane and Lambda.
pub fn moto_url() -> String {
    emulator("LABCHECK_TEST_MOTO_URL")
}

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn lab_file() -> PathBuf {
    repo_path("checks/apigw-items.toml")
}

/// A fresh, empty account on an emulator. LocalStack takes a 12-digit access key id as the account id; moto
/// serves one account, so there each test gets a region of its own instead.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub endpoint: String,
    pub region: String,
}

static NEXT: AtomicU32 = AtomicU32::new(1);

fn unique_account_id() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{:05}{:04}{:03}", std::process::id() % 100_000, nanos % 10_000, n % 1000)
}

/// Regions handed out to moto tests, one per test binary and test (each test binary has its own moto tests).
const MOTO_REGIONS: &[&str] = &[
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "sa-east-1",
    "us-west-1",
    "us-west-2",
];

impl Account {
    /// An empty account on an endpoint where only this test works (a dead endpoint, say).
    pub fn new_on(endpoint: String) -> Self {
        Self { id: unique_account_id(), endpoint, region: REGION.to_owned() }
    }

    /// An account on LocalStack (where deployed stages can be invoked).
    pub fn localstack() -> Self {
        Self::new_on(localstack_url())
    }

    /// A region of its own on moto: `slot` must be unique among the moto tests of all test binaries.
    pub fn moto(slot: usize) -> Self {
        let region = MOTO_REGIONS[slot].to_owned();
        Self { id: "123456789012".to_owned(), endpoint: moto_url(), region }
    }

    pub fn apigw(&self) -> Client {
        let conf = aws_sdk_apigateway::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new(&self.id, "test", None, None, "labcheck-tests"))
            .build();
        Client::from_conf(conf)
    }

    /// `labcheck` with this account's credentials and endpoints and nothing from the machine's AWS config.
    pub fn labcheck(&self) -> Command {
        // Integration tests know the binary cargo built; the seed example (which shares this module) does not run it.
        let bin =
            option_env!("CARGO_BIN_EXE_labcheck").map_or_else(|| repo_path("target/debug/labcheck"), PathBuf::from);
        let mut cmd = Command::new(bin);
        let home = std::env::temp_dir().join("labcheck-test-home");
        std::fs::create_dir_all(&home).unwrap();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("AWS_CONFIG_FILE", home.join("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ACCESS_KEY_ID", &self.id)
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", &self.region)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("LABCHECK_INVOKE_URL_TEMPLATE", format!("{}/_aws/execute-api/{{api_id}}/{{stage}}", self.endpoint));
        cmd
    }

    /// Runs `labcheck run LAB --format json ARGS...` and parses the report.
    pub fn grade(&self, args: &[&str]) -> Graded {
        let lab = lab_file();
        let mut cmd = self.labcheck();
        cmd.arg("run").arg(&lab).args(["--format", "json"]).args(args);
        Graded::from(run(cmd))
    }
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(mut cmd: Command) -> Output {
    let out = cmd.output().expect("labcheck runs");
    Output {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A finished `labcheck run --format json`.
#[derive(Debug)]
pub struct Graded {
    pub code: i32,
    pub report: Value,
    pub output: Output,
}

impl From<Output> for Graded {
    fn from(output: Output) -> Self {
        let report = serde_json::from_str(&output.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a JSON report ({e}); stderr: {}", output.stderr));
        Self { code: output.code, report, output }
    }
}

impl Graded {
    pub fn check(&self, id: &str) -> &Value {
        self.report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no check {id} in {}", self.report))
    }

    pub fn status(&self, id: &str) -> &str {
        self.check(id)["status"].as_str().unwrap()
    }

    pub fn message(&self, id: &str) -> &str {
        self.check(id)["message"].as_str().unwrap()
    }

    /// Asserts the status of every check, in order, with the messages in the failure text.
    pub fn assert_statuses(&self, expected: &[(&str, &str)]) {
        let actual: Vec<(String, String)> = self.report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].as_str().unwrap().to_owned(), c["status"].as_str().unwrap().to_owned()))
            .collect();
        let expected: Vec<(String, String)> =
            expected.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
        assert_eq!(actual, expected, "messages: {:#}", self.messages());
    }

    fn messages(&self) -> Value {
        self.report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].clone(), c["message"].clone()))
            .fold(serde_json::Map::new(), |mut m, (k, v)| {
                m.insert(k.as_str().unwrap().to_owned(), v);
                m
            })
            .into()
    }
}

/// How far the student got in the API-keys step; `complete()` is the lab done right.
#[derive(Debug, Clone)]
pub struct ItemsLab {
    pub api: bool,
    /// Resource paths whose GET does not require a key.
    pub open_methods: Vec<&'static str>,
    /// Stages to deploy.
    pub stages: Vec<&'static str>,
    /// Set apiKeyRequired only after deploying (the student forgot to redeploy).
    pub not_redeployed: bool,
    /// Stages the usage plan is bound to; `None`: no plan.
    pub plan_stages: Option<Vec<&'static str>>,
    pub key: Option<KeyState>,
}

#[derive(Debug, Clone)]
pub struct KeyState {
    pub enabled: bool,
    pub in_plan: bool,
}

/// Ids of what a fixture created.
#[derive(Debug, Clone, Default)]
pub struct Built {
    pub api_id: Option<String>,
    pub plan_id: Option<String>,
    pub key_id: Option<String>,
    /// The generated API key value: tests assert it never appears in any output.
    pub key_value: Option<String>,
}

impl ItemsLab {
    pub fn complete() -> Self {
        Self {
            api: true,
            open_methods: vec![],
            stages: vec!["dev", "prod"],
            not_redeployed: false,
            plan_stages: Some(vec!["dev", "prod"]),
            key: Some(KeyState { enabled: true, in_plan: true }),
        }
    }

    pub fn empty() -> Self {
        Self { api: false, open_methods: vec![], stages: vec![], not_redeployed: false, plan_stages: None, key: None }
    }

    pub async fn build(&self, account: &Account) -> Built {
        let c = account.apigw();
        let mut built = Built::default();
        if self.api {
            built.api_id = Some(self.build_api(&c).await);
        }
        if let Some(stages) = &self.plan_stages {
            let mut req = c.create_usage_plan().name("CloudAcademyPlan").description("Cloud Academy Lab Plan");
            for stage in stages {
                let api_id = built.api_id.clone().expect("a plan with stages needs the API");
                req = req.api_stages(ApiStage::builder().api_id(api_id).stage(*stage).build());
            }
            built.plan_id = req.send().await.expect("create usage plan").id;
        }
        if let Some(key) = &self.key {
            let out = c
                .create_api_key()
                .name("LabKey")
                .description("Cloud Academy Lab Key")
                .enabled(key.enabled)
                .send()
                .await
                .expect("create API key");
            built.key_id = out.id.clone();
            built.key_value = out.value.clone();
            if key.in_plan {
                c.create_usage_plan_key()
                    .usage_plan_id(built.plan_id.clone().expect("key in plan needs a plan"))
                    .key_id(out.id.unwrap())
                    .key_type("API_KEY")
                    .send()
                    .await
                    .expect("create usage plan key");
            }
        }
        built
    }

    async fn build_api(&self, c: &Client) -> String {
        let api_id = c.create_rest_api().name("ItemsAPI").send().await.expect("create API").id.unwrap();
        let resources = c.get_resources().rest_api_id(&api_id).send().await.unwrap();
        let root = resources.items().iter().find(|r| r.path() == Some("/")).unwrap().id().unwrap().to_owned();
        let items = create_resource(c, &api_id, &root, "items").await;
        let item = create_resource(c, &api_id, &items, "{ID}").await;
        let methods = [("/items", &items), ("/items/{ID}", &item)];
        for (path, resource_id) in methods {
            let key_required = !self.not_redeployed && !self.open_methods.contains(&path);
            put_mock_get(c, &api_id, resource_id, key_required).await;
        }
        for stage in &self.stages {
            c.create_deployment().rest_api_id(&api_id).stage_name(*stage).send().await.expect("deploy");
        }
        if self.not_redeployed {
            for (path, resource_id) in methods {
                if !self.open_methods.contains(&path) {
                    set_api_key_required(c, &api_id, resource_id).await;
                }
            }
        }
        api_id
    }
}

async fn create_resource(c: &Client, api_id: &str, parent: &str, part: &str) -> String {
    let out = c.create_resource().rest_api_id(api_id).parent_id(parent).path_part(part).send().await;
    out.expect("create resource").id.unwrap()
}

/// GET with a MOCK integration answering 200 `{"items": []}`.
async fn put_mock_get(c: &Client, api_id: &str, resource_id: &str, api_key_required: bool) {
    c.put_method()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("GET")
        .authorization_type("NONE")
        .api_key_required(api_key_required)
        .send()
        .await
        .expect("put method");
    c.put_integration()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("GET")
        .r#type(IntegrationType::Mock)
        .request_templates("application/json", "{\"statusCode\": 200}")
        .send()
        .await
        .expect("put integration");
    c.put_method_response()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("GET")
        .status_code("200")
        .send()
        .await
        .expect("put method response");
    c.put_integration_response()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("GET")
        .status_code("200")
        .response_templates("application/json", "{\"items\": []}")
        .send()
        .await
        .expect("put integration response");
}

pub async fn set_api_key_required(c: &Client, api_id: &str, resource_id: &str) {
    c.update_method()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("GET")
        .patch_operations(PatchOperation::builder().op(Op::Replace).path("/apiKeyRequired").value("true").build())
        .send()
        .await
        .expect("update method");
}

/// Redeploys `api_id` to `stage`.
pub async fn deploy(c: &Client, api_id: &str, stage: &str) {
    c.create_deployment().rest_api_id(api_id).stage_name(stage).send().await.expect("deploy");
}

impl Account {
    /// Deletes every REST API, usage plan and API key (moto regions outlive a test run against the same server).
    pub async fn wipe(&self) {
        let c = self.apigw();
        let plans = c.get_usage_plans().send().await.expect("list plans");
        for plan in plans.items() {
            c.delete_usage_plan().usage_plan_id(plan.id().unwrap()).send().await.expect("delete plan");
        }
        let keys = c.get_api_keys().send().await.expect("list keys");
        for key in keys.items() {
            c.delete_api_key().api_key(key.id().unwrap()).send().await.expect("delete key");
        }
        let apis = c.get_rest_apis().send().await.expect("list APIs");
        for api in apis.items() {
            c.delete_rest_api().rest_api_id(api.id().unwrap()).send().await.expect("delete API");
        }
    }
}
