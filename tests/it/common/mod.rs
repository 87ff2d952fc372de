//! Shared test support: the emulators started by `scripts/emulators.sh`, isolated accounts, the lab's fixtures
//! built through the real SDK, and running the real `labcheck` binary.
#![allow(dead_code)]

pub mod fault_proxy;
pub mod labs;
pub mod shapes;
pub mod stage_stand_in;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_apigateway::types::{
    ApiStage, IntegrationType, Op, PatchOperation, QuotaPeriodType, QuotaSettings, ThrottleSettings,
};
use labcheck::model::{CheckResult, Report};

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

/// The Items lab's steps that build something, in order (every step with checks but the cleanup).
pub const BUILD_STEPS: &[&str] = &[
    "resources",
    "lambda-backend",
    "versions-aliases",
    "backend-integration",
    "best-practices",
    "api-keys",
    "cors",
    "caching-throttling",
];

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn lab_file() -> PathBuf {
    repo_path("checks/apigw-items/lab.toml")
}

/// A fresh, empty account on an emulator. LocalStack takes a 12-digit access key id as the account id; moto
/// serves one account, so there each test gets a region of its own instead.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub endpoint: String,
    pub region: String,
    /// Where Lambda is, when not at `endpoint` (moto, for the Lambda steps).
    pub lambda_endpoint: Option<String>,
}

static NEXT: AtomicU32 = AtomicU32::new(1);

fn unique_account_id() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{:05}{:04}{:03}", std::process::id() % 100_000, nanos % 10_000, n % 1000)
}

/// Regions handed out to moto tests, one per account a test asks for ([`next_moto_region`]).
pub const MOTO_REGIONS: &[&str] = &[
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
    "us-east-2",
    "eu-south-1",
    "ap-northeast-3",
    "ap-east-1",
    "me-south-1",
    "af-south-1",
    "eu-south-2",
    "eu-central-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "me-central-1",
    "il-central-1",
    "ca-west-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ap-northeast-3",
    "eu-south-1",
];

static NEXT_MOTO_REGION: AtomicU32 = AtomicU32::new(0);

/// A moto region no other test of this run uses (moto serves one account, so a region stands in for one).
pub fn next_moto_region() -> usize {
    let slot = NEXT_MOTO_REGION.fetch_add(1, Ordering::Relaxed) as usize;
    assert!(slot < MOTO_REGIONS.len(), "more moto accounts than regions: add regions to MOTO_REGIONS");
    slot
}

impl Account {
    /// An empty account on an endpoint where only this test works (a dead endpoint, say).
    pub fn new_on(endpoint: String) -> Self {
        Self { id: unique_account_id(), endpoint, region: REGION.to_owned(), lambda_endpoint: None }
    }

    /// An account on LocalStack (where deployed stages can be invoked).
    pub fn localstack() -> Self {
        Self::new_on(localstack_url())
    }

    /// A region of its own on moto.
    pub fn moto() -> Self {
        Self::moto_in(next_moto_region())
    }

    /// Region `slot` of [`MOTO_REGIONS`] on moto (scripts that seed one state in a process of their own).
    pub fn moto_in(slot: usize) -> Self {
        let region = MOTO_REGIONS[slot].to_owned();
        Self { id: MOTO_ACCOUNT.to_owned(), endpoint: moto_url(), region, lambda_endpoint: None }
    }

    pub fn apigw(&self) -> Client {
        let conf = aws_sdk_apigateway::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new(&self.id, "test", None, None, "labcheck-tests"))
            // The answer to PutIntegrationResponse with an empty template has a null in a map, as on AWS.
            .interceptor(labcheck::aws::TolerantJson)
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
            .env("LABCHECK_INVOKE_URL_TEMPLATE", self.invoke_url_template());
        if let Some(lambda) = &self.lambda_endpoint {
            // moto serves Lambda and the services a function's lab involves (its role, its table).
            cmd.env("AWS_ENDPOINT_URL_LAMBDA", lambda)
                .env("AWS_ENDPOINT_URL_IAM", lambda)
                .env("AWS_ENDPOINT_URL_DYNAMODB", lambda);
        }
        // S3 website probes go to the emulator, with the website endpoint's name as the Host.
        cmd.env("LABCHECK_S3_WEBSITE_ADDRESS", self.endpoint.trim_start_matches("http://"));
        cmd
    }

    /// Where probes of this account's stages go: LocalStack's stages through the [`stage_stand_in`] (which answers
    /// as the lab's function where LocalStack cannot run it), any other endpoint's as they are.
    pub fn invoke_url_template(&self) -> String {
        if std::env::var("LABCHECK_TEST_LOCALSTACK_URL").is_ok_and(|localstack| localstack == self.endpoint) {
            stage_stand_in::invoke_url_template(self)
        } else {
            format!("{}/_aws/execute-api/{{api_id}}/{{stage}}", self.endpoint)
        }
    }

    /// An AWS config file in `dir` with one profile whose `credential_process` gives this account's credentials.
    pub fn credential_process_config(&self, dir: &Path, profile: &str) -> PathBuf {
        let config = dir.join("config");
        let creds = format!("{{\"Version\": 1, \"AccessKeyId\": \"{}\", \"SecretAccessKey\": \"test\"}}", self.id);
        let text = format!("[profile {profile}]\nregion = us-east-1\ncredential_process = echo '{creds}'\n");
        std::fs::write(&config, text).unwrap();
        config
    }

    /// Runs `labcheck run LAB --format json ARGS...` on the account, then snapshots the account and grades the
    /// snapshot offline, and asserts both gradings agree on every status and message (and the exit code).
    pub fn grade(&self, args: &[&str]) -> Graded {
        self.grade_lab(&lab_file(), args)
    }

    pub fn grade_lab(&self, lab: &Path, args: &[&str]) -> Graded {
        self.grade_lab_keeping(lab, args, None)
    }

    /// [`Account::grade_lab`], keeping the snapshot at `keep` (a lab's regression case).
    pub fn grade_lab_keeping(&self, lab: &Path, args: &[&str], keep: Option<&Path>) -> Graded {
        let live = self.grade_live(lab, args);
        let dir = tempfile::tempdir().unwrap();
        let snapshot = dir.path().join("state.json");
        let steps: Vec<&str> = args.chunks(2).filter(|pair| pair[0] == "--step").flatten().copied().collect();
        let mut cmd = self.labcheck();
        cmd.arg("snapshot").arg(lab).args(&steps).arg("--output").arg(&snapshot);
        let out = run(cmd);
        assert_eq!(out.code, 0, "snapshot failed: {}", out.stderr);
        let mut cmd = self.labcheck();
        cmd.env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY").env_remove("AWS_REGION");
        cmd.arg("run").arg(lab).args(["--format", "json", "--from"]).arg(&snapshot).args(&steps);
        let offline = Graded::from(run(cmd));
        assert_eq!(offline.verdicts(), live.verdicts(), "grading the snapshot differs from grading the account");
        assert_eq!(offline.code, live.code);
        assert_eq!(offline.report.target, live.report.target);
        if let Some(keep) = keep {
            std::fs::copy(&snapshot, keep).unwrap_or_else(|e| panic!("{}: {e}", keep.display()));
        }
        live
    }

    /// Grades the API-keys step of the Items lab through `profile` of the AWS config file `config`, without the
    /// account's keys or region in the environment; `configure` adds what the profile needs (a HOME, an endpoint).
    pub fn grade_with_profile(&self, config: &Path, profile: &str, configure: impl FnOnce(&mut Command)) -> Graded {
        let mut cmd = self.labcheck();
        cmd.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_REGION")
            .env("AWS_CONFIG_FILE", config);
        configure(&mut cmd);
        cmd.arg("run").arg(lab_file()).args(["--profile", profile, "--step", "api-keys", "--format", "json"]);
        Graded::from(run(cmd))
    }

    /// Runs `labcheck run LAB --format json ARGS...` on the account only.
    pub fn grade_live(&self, lab: &Path, args: &[&str]) -> Graded {
        let mut cmd = self.labcheck();
        cmd.arg("run").arg(lab).args(["--format", "json"]).args(args);
        Graded::from(run(cmd))
    }
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the real `labcheck` with ARGS in the repository, with no environment but `PATH`: nothing reaches AWS.
pub fn offline(args: &[&str]) -> Output {
    let bin = option_env!("CARGO_BIN_EXE_labcheck").map_or_else(|| repo_path("target/debug/labcheck"), PathBuf::from);
    let mut cmd = Command::new(bin);
    cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default()).current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.args(args);
    run(cmd)
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
    /// The JSON report, read back into labcheck's own type.
    pub report: Report,
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
    pub fn check(&self, id: &str) -> &CheckResult {
        self.report.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no check {id} in {:?}", self.report))
    }

    pub fn status(&self, id: &str) -> &str {
        self.check(id).status.as_str()
    }

    pub fn message(&self, id: &str) -> &str {
        &self.check(id).message
    }

    /// (id, status, message) of every check, in order.
    pub fn verdicts(&self) -> Vec<(String, String, String)> {
        let verdict = |c: &CheckResult| (c.id.clone(), c.status.as_str().to_owned(), c.message.clone());
        self.report.checks.iter().map(verdict).collect()
    }

    /// Asserts the status of every check, in order, with the messages in the failure text.
    pub fn assert_statuses(&self, expected: &[(&str, &str)]) {
        let actual: Vec<(&str, &str)> = self.report.checks.iter().map(|c| (c.id.as_str(), c.status.as_str())).collect();
        let messages: Vec<(&str, &str)> =
            self.report.checks.iter().map(|c| (c.id.as_str(), c.message.as_str())).collect();
        assert_eq!(actual, expected, "messages: {messages:#?}");
    }
}

/// How far the student got; `complete()` is the API-keys step done right on MOCK backends, `full()` the whole
/// lab done right (Lambda on moto, API Gateway on LocalStack).
#[derive(Debug, Clone)]
pub struct ItemsLab {
    pub api: bool,
    /// Path part of the item resource (`{ID}`; a student may type `{id}`).
    pub item_part: &'static str,
    /// Whether the item resource has its GET method.
    pub item_get: bool,
    /// Resource paths whose GET does not require a key.
    pub open_methods: Vec<&'static str>,
    /// Stages to deploy.
    pub stages: Vec<&'static str>,
    /// Set apiKeyRequired only after deploying (the student forgot to redeploy).
    pub not_redeployed: bool,
    /// Stages the usage plan is bound to; `None`: no plan.
    pub plan_stages: Option<Vec<&'static str>>,
    /// Throttle and quota on the usage plan.
    pub plan_limits: bool,
    pub key: Option<KeyState>,
    /// The Lambda backend; `None`: MOCK integrations.
    pub lambda: Option<LambdaSetup>,
    /// Stage variable `alias` per stage.
    pub stage_variables: Vec<(&'static str, &'static str)>,
    pub cors: Cors,
    /// A cache cluster on prod.
    pub prod_cache: bool,
    /// Caching enabled in prod's method settings.
    pub prod_method_caching: bool,
    /// Throttling below the account default on prod.
    pub prod_throttle: bool,
    /// The MOCK GETs echo the request's `x-api-key` in their body (an API can echo what it is sent).
    pub echo_api_key: bool,
}

#[derive(Debug, Clone)]
pub struct KeyState {
    pub enabled: bool,
    pub in_plan: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cors {
    None,
    /// OPTIONS on both resources, deployed.
    Deployed,
    /// OPTIONS on `/items` only.
    ItemsOnly,
    /// OPTIONS on both, added after the last deployment.
    NotDeployed,
}

#[derive(Debug, Clone)]
pub struct LambdaSetup {
    /// Create the function (else the integration points at a function that does not exist).
    pub create: bool,
    pub publish_version: bool,
    /// Alias name and whether it points at the published version (else at `$LATEST`).
    pub aliases: Vec<(&'static str, bool)>,
    /// Aliases API Gateway may invoke.
    pub permissions: Vec<&'static str>,
    /// The `METHOD/path` part of each permission's source ARN (one statement each, as the console adds them).
    pub permission_methods: Vec<&'static str>,
    /// Paths whose GET is a Lambda proxy integration (the others are MOCK).
    pub proxy_paths: Vec<&'static str>,
    /// What follows `function:ItemsFunction` in the URI (`:${stageVariables.alias}`, `:prod`, or nothing).
    pub qualifier: &'static str,
    /// The method the integration calls Lambda with (Lambda takes POST only).
    pub integration_method: &'static str,
}

impl LambdaSetup {
    pub fn complete() -> Self {
        Self {
            create: true,
            publish_version: true,
            aliases: vec![("dev", false), ("prod", true)],
            permissions: vec!["dev", "prod"],
            permission_methods: vec!["GET/items", "GET/items/*"],
            proxy_paths: vec!["/items", "/items/{ID}"],
            qualifier: ":${stageVariables.alias}",
            integration_method: "POST",
        }
    }
}

pub const FUNCTION: &str = "ItemsFunction";
/// moto's one account.
pub const MOTO_ACCOUNT: &str = "123456789012";

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
            item_part: "{ID}",
            item_get: true,
            open_methods: vec![],
            stages: vec!["dev", "prod"],
            not_redeployed: false,
            plan_stages: Some(vec!["dev", "prod"]),
            plan_limits: false,
            key: Some(KeyState { enabled: true, in_plan: true }),
            lambda: None,
            stage_variables: vec![],
            cors: Cors::None,
            prod_cache: false,
            prod_method_caching: false,
            prod_throttle: false,
            echo_api_key: false,
        }
    }

    /// Every step of the lab done.
    pub fn full() -> Self {
        Self {
            plan_limits: true,
            lambda: Some(LambdaSetup::complete()),
            stage_variables: vec![("dev", "dev"), ("prod", "prod")],
            cors: Cors::Deployed,
            prod_cache: true,
            prod_method_caching: true,
            prod_throttle: true,
            ..Self::complete()
        }
    }

    pub fn empty() -> Self {
        Self { api: false, stages: vec![], plan_stages: None, key: None, ..Self::complete() }
    }

    pub async fn build(&self, account: &Account) -> Built {
        let c = account.apigw();
        let mut built = Built::default();
        if let Some(lambda) = &self.lambda {
            account.build_function(lambda).await;
        }
        if self.api {
            let api_id = self.build_api(&c, account).await;
            if let Some(lambda) = &self.lambda {
                account.grant_invoke(lambda, &api_id).await;
            }
            built.api_id = Some(api_id);
        }
        if let Some(stages) = &self.plan_stages {
            let mut req = c.create_usage_plan().name("CloudAcademyPlan").description("Cloud Academy Lab Plan");
            for stage in stages {
                let api_id = built.api_id.clone().expect("a plan with stages needs the API");
                req = req.api_stages(ApiStage::builder().api_id(api_id).stage(*stage).build());
            }
            if self.plan_limits {
                // Set at creation: moto stores a later /quota/limit patch as a string.
                req = req
                    .throttle(ThrottleSettings::builder().rate_limit(5.0).burst_limit(10).build())
                    .quota(QuotaSettings::builder().limit(1000).period(QuotaPeriodType::Month).build());
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

    async fn build_api(&self, c: &Client, account: &Account) -> String {
        let api_id = c.create_rest_api().name("ItemsAPI").send().await.expect("create API").id.unwrap();
        let resources = c.get_resources().rest_api_id(&api_id).send().await.unwrap();
        let root = resources.items().iter().find(|r| r.path() == Some("/")).unwrap().id().unwrap().to_owned();
        let items = create_resource(c, &api_id, &root, "items").await;
        let item = create_resource(c, &api_id, &items, self.item_part).await;
        let methods = [("/items", &items), ("/items/{ID}", &item)];
        for (path, resource_id) in methods {
            if path == "/items/{ID}" && !self.item_get {
                continue;
            }
            let key_required = !self.not_redeployed && !self.open_methods.contains(&path);
            match &self.lambda {
                Some(lambda) if lambda.proxy_paths.contains(&path) => {
                    let uri = format!(
                        "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/arn:aws:lambda:{region}:{MOTO_ACCOUNT}:function:{FUNCTION}{}/invocations",
                        lambda.qualifier,
                        region = account.region
                    );
                    let method = lambda.integration_method;
                    put_lambda_get(c, &api_id, resource_id, key_required, &uri, method).await;
                }
                _ => put_mock_get(c, &api_id, resource_id, key_required, self.echo_api_key).await,
            }
        }
        let cors_paths: &[(&str, &String)] = match self.cors {
            Cors::None => &[],
            Cors::ItemsOnly => &methods[..1],
            Cors::Deployed | Cors::NotDeployed => &methods,
        };
        if self.cors != Cors::NotDeployed {
            for (_, resource_id) in cors_paths {
                put_cors_options(c, &api_id, resource_id).await;
            }
        }
        for stage in &self.stages {
            let mut deploy = c.create_deployment().rest_api_id(&api_id).stage_name(*stage);
            if let Some((_, alias)) = self.stage_variables.iter().find(|(s, _)| s == stage) {
                deploy = deploy.variables("alias", *alias);
            }
            deploy.send().await.expect("deploy");
        }
        if self.cors == Cors::NotDeployed {
            for (_, resource_id) in cors_paths {
                put_cors_options(c, &api_id, resource_id).await;
            }
        }
        if self.not_redeployed {
            for (path, resource_id) in methods {
                if !self.open_methods.contains(&path) && (self.item_get || path == "/items") {
                    set_api_key_required(c, &api_id, resource_id).await;
                }
            }
        }
        let mut prod_patches = Vec::new();
        if self.prod_cache {
            prod_patches.push(patch("/cacheClusterEnabled", "true"));
            prod_patches.push(patch("/cacheClusterSize", "0.5"));
        }
        if self.prod_method_caching {
            prod_patches.push(patch("/*/*/caching/enabled", "true"));
        }
        if self.prod_throttle {
            prod_patches.push(patch("/*/*/throttling/rateLimit", "5"));
            prod_patches.push(patch("/*/*/throttling/burstLimit", "10"));
        }
        if !prod_patches.is_empty() {
            c.update_stage()
                .rest_api_id(&api_id)
                .stage_name("prod")
                .set_patch_operations(Some(prod_patches))
                .send()
                .await
                .expect("update prod stage");
        }
        api_id
    }
}

fn patch(path: &str, value: &str) -> PatchOperation {
    PatchOperation::builder().op(Op::Replace).path(path).value(value).build()
}

async fn create_resource(c: &Client, api_id: &str, parent: &str, part: &str) -> String {
    let out = c.create_resource().rest_api_id(api_id).parent_id(parent).path_part(part).send().await;
    out.expect("create resource").id.unwrap()
}

/// A GET method without authorization, requiring an API key or not.
async fn put_get_method(c: &Client, api_id: &str, resource_id: &str, api_key_required: bool) {
    c.put_method()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("GET")
        .authorization_type("NONE")
        .api_key_required(api_key_required)
        .send()
        .await
        .expect("put method");
}

/// GET with a MOCK integration answering 200 `{"items": []}` (with `"echo": "<x-api-key>"` when `echo_key`).
async fn put_mock_get(c: &Client, api_id: &str, resource_id: &str, api_key_required: bool, echo_key: bool) {
    put_get_method(c, api_id, resource_id, api_key_required).await;
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
        .response_templates(
            "application/json",
            if echo_key { "{\"items\": [], \"echo\": \"$input.params('x-api-key')\"}" } else { "{\"items\": []}" },
        )
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
    /// A new DynamoDB table (`labcheck-NAME-PID`) made by `labcheck store-init` through `endpoint`; its `--store`.
    pub fn dynamodb_store(&self, name: &str, endpoint: &str) -> String {
        let store = format!("dynamodb:labcheck-{name}-{}", std::process::id());
        let mut init = self.labcheck();
        init.env("AWS_ENDPOINT_URL_DYNAMODB", endpoint).args(["store-init", "--store", &store]);
        let out = run(init);
        assert_eq!(out.code, 0, "store-init: {}", out.stderr);
        store
    }

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

/// GET with a Lambda proxy integration.
async fn put_lambda_get(c: &Client, api_id: &str, resource_id: &str, api_key_required: bool, uri: &str, method: &str) {
    put_get_method(c, api_id, resource_id, api_key_required).await;
    c.put_integration()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("GET")
        .r#type(IntegrationType::AwsProxy)
        .integration_http_method(method)
        .uri(uri)
        .send()
        .await
        .expect("put Lambda integration");
}

/// OPTIONS with a MOCK integration answering the CORS headers, as the console's "Enable CORS" makes it: its
/// integration response has an empty template, which API Gateway (and LocalStack) read back as
/// `"responseTemplates": {"application/json": null}`.
async fn put_cors_options(c: &Client, api_id: &str, resource_id: &str) {
    let headers = ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"];
    let values = ["'*'", "'GET,OPTIONS'", "'Content-Type,X-Api-Key'"];
    c.put_method()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("OPTIONS")
        .authorization_type("NONE")
        .send()
        .await
        .expect("put OPTIONS");
    c.put_integration()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("OPTIONS")
        .r#type(IntegrationType::Mock)
        .request_templates("application/json", "{\"statusCode\": 200}")
        .send()
        .await
        .expect("put OPTIONS integration");
    let mut method_response =
        c.put_method_response().rest_api_id(api_id).resource_id(resource_id).http_method("OPTIONS").status_code("200");
    for h in headers {
        method_response = method_response.response_parameters(format!("method.response.header.{h}"), false);
    }
    method_response.send().await.expect("put OPTIONS method response");
    let mut integration_response = c
        .put_integration_response()
        .rest_api_id(api_id)
        .resource_id(resource_id)
        .http_method("OPTIONS")
        .status_code("200");
    for (h, v) in headers.iter().zip(values) {
        integration_response = integration_response.response_parameters(format!("method.response.header.{h}"), v);
    }
    integration_response = integration_response.response_templates("application/json", "");
    integration_response.send().await.expect("put OPTIONS integration response");
}

impl Account {
    /// An account whose API Gateway is LocalStack and whose Lambda is moto (in a region of its own there).
    pub fn with_lambda() -> Self {
        Self::with_lambda_in(next_moto_region())
    }

    /// The same, in region `slot` of [`MOTO_REGIONS`] (the seed example: one state per process).
    pub fn with_lambda_in(slot: usize) -> Self {
        let mut account = Self::localstack();
        account.region = MOTO_REGIONS[slot].to_owned();
        account.lambda_endpoint = Some(moto_url());
        account
    }

    pub fn lambda(&self) -> aws_sdk_lambda::Client {
        let conf = aws_sdk_lambda::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_url(self.lambda_endpoint.as_deref().expect("an account with a Lambda endpoint"))
            .credentials_provider(Credentials::new(&self.id, "test", None, None, "labcheck-tests"))
            .build();
        aws_sdk_lambda::Client::from_conf(conf)
    }

    /// Deletes every Lambda function of this account's region on moto.
    pub async fn wipe_lambda(&self) {
        let l = self.lambda();
        let functions = l.list_functions().send().await.expect("list functions");
        for f in functions.functions() {
            l.delete_function().function_name(f.function_name().unwrap()).send().await.expect("delete function");
        }
    }

    /// The execution role moto insists on (IAM over its query API; moto does not check signatures).
    async fn ensure_lambda_role(&self) {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let body = format!(
            "Action=CreateRole&Version=2010-05-08&RoleName=lambda-role&AssumeRolePolicyDocument={}",
            url_encode(policy)
        );
        let response = reqwest::Client::new()
            .post(self.lambda_endpoint.as_deref().unwrap())
            .header("content-type", "application/x-www-form-urlencoded")
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
            )
            .body(body)
            .send()
            .await
            .expect("IAM CreateRole");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success() || text.contains("EntityAlreadyExists"), "CreateRole: {status} {text}");
    }

    async fn build_function(&self, setup: &LambdaSetup) {
        self.wipe_lambda().await;
        if !setup.create {
            return;
        }
        self.ensure_lambda_role().await;
        let l = self.lambda();
        let code = aws_sdk_lambda::types::FunctionCode::builder()
            .zip_file(aws_sdk_lambda::primitives::Blob::new(handler_zip()))
            .build();
        l.create_function()
            .function_name(FUNCTION)
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .role(format!("arn:aws:iam::{MOTO_ACCOUNT}:role/lambda-role"))
            .handler("index.handler")
            .code(code)
            .send()
            .await
            .expect("create function");
        let mut version = "$LATEST".to_owned();
        if setup.publish_version {
            version = l.publish_version().function_name(FUNCTION).send().await.expect("publish").version.unwrap();
        }
        for (alias, on_version) in &setup.aliases {
            let target = if *on_version { version.as_str() } else { "$LATEST" };
            l.create_alias().function_name(FUNCTION).name(*alias).function_version(target).send().await.expect("alias");
        }
    }

    async fn grant_invoke(&self, setup: &LambdaSetup, api_id: &str) {
        if !setup.create {
            return;
        }
        let l = self.lambda();
        for alias in setup.permissions.iter().filter(|p| setup.aliases.iter().any(|(a, _)| a == *p)) {
            for (n, method) in setup.permission_methods.iter().enumerate() {
                l.add_permission()
                    .function_name(FUNCTION)
                    .qualifier(*alias)
                    .statement_id(format!("apigateway-{alias}-{n}"))
                    .action("lambda:InvokeFunction")
                    .principal("apigateway.amazonaws.com")
                    // The account the integration URI names (moto's): on AWS the API and the function share it.
                    .source_arn(format!("arn:aws:execute-api:{}:{MOTO_ACCOUNT}:{api_id}/*/{method}", self.region))
                    .send()
                    .await
                    .expect("add permission");
            }
        }
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A zip with `index.py` (stored, not deflated), built by hand. No emulator runs it: where LocalStack would call
/// it, the [`stage_stand_in`] answers what it returns.
pub fn handler_zip() -> Vec<u8> {
    let name = b"index.py";
    let answer =
        serde_json::json!({ "statusCode": stage_stand_in::FUNCTION_STATUS, "body": stage_stand_in::FUNCTION_BODY });
    let data = format!("def handler(event, context):\n    return {answer}\n");
    let data = data.as_bytes();
    let crc = crc32(data);
    let mut zip = Vec::new();
    let local = |zip: &mut Vec<u8>| {
        zip.extend_from_slice(&[0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        zip.extend_from_slice(&crc.to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip.extend_from_slice(name);
        zip.extend_from_slice(data);
    };
    local(&mut zip);
    let central_start = zip.len();
    zip.extend_from_slice(&[0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    zip.extend_from_slice(&crc.to_le_bytes());
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&[0; 12]);
    zip.extend_from_slice(&0u32.to_le_bytes());
    zip.extend_from_slice(name);
    let central_len = zip.len() - central_start;
    zip.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
    zip.extend_from_slice(&(central_len as u32).to_le_bytes());
    zip.extend_from_slice(&(central_start as u32).to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
