//! The live fact source: AWS SDK clients and per-round caches.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_apigateway::Client as ApiGatewayClient;
use aws_sdk_lambda::Client as LambdaClient;
use aws_sdk_sts::Client as StsClient;
use futures::FutureExt;
use futures::future::{BoxFuture, join_all};
use tokio::sync::OnceCell;

use super::FactSource;
use super::errors;
use super::pages::{self, IfMissing};
use super::probe;
use super::stats::{CallCounter, StatsRecorder};
use super::tolerant::TolerantJson;
use crate::facts::{
    ApiKey, ApiStage, Fact, FactError, Facts, Integration, LambdaAlias, LambdaFunction, LambdaPart, LambdaVersion,
    Method, MethodSetting, ProbeRecord, ProbeSpec, Quota, Read, Resource, RestApi, Stage, Throttle, UsagePlan,
    UsagePlanKey,
};

/// Default invoke URL of a stage on AWS.
pub const DEFAULT_INVOKE_URL_TEMPLATE: &str = "https://{api_id}.execute-api.{region}.amazonaws.com/{stage}";

/// Where probes are sent: a URL with `{api_id}`, `{stage}` and optionally `{region}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeUrlTemplate(String);

impl InvokeUrlTemplate {
    pub fn parse(template: &str) -> Result<Self, String> {
        for placeholder in ["{api_id}", "{stage}"] {
            if !template.contains(placeholder) {
                return Err(format!("invoke URL template `{template}` has no {placeholder}"));
            }
        }
        let sample = Self(template.to_owned()).url("abc123", "dev", "us-east-1");
        match reqwest::Url::parse(&sample) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Self(template.trim_end_matches('/').to_owned())),
            _ => Err(format!("invoke URL template `{template}` is not an http(s) URL")),
        }
    }

    pub fn url(&self, api_id: &str, stage: &str, region: &str) -> String {
        self.0.replace("{api_id}", api_id).replace("{stage}", stage).replace("{region}", region)
    }
}

impl Default for InvokeUrlTemplate {
    fn default() -> Self {
        Self(DEFAULT_INVOKE_URL_TEMPLATE.to_owned())
    }
}

/// How to reach the account.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub invoke_url_template: InvokeUrlTemplate,
    /// Timeout of one HTTP probe.
    pub probe_timeout: Option<Duration>,
}

/// Why no session could be set up: nothing was checked.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no AWS region: pass --region, set AWS_REGION, or set `region` in the profile")]
    NoRegion,
    #[error(
        "no usable AWS credentials: {0} (set AWS_PROFILE or --profile, run `aws sso login` for SSO profiles, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)"
    )]
    NoCredentials(String),
    #[error("cannot set up the HTTP client for probes: {0}")]
    Http(String),
}

/// Throttling (429, `TooManyRequestsException`), 5xx and dropped connections are retried, 5 attempts in all, with
/// exponential backoff and full jitter: the waits before the retries are drawn from up to 0.2, 0.4, 0.8 and 1.6 s
/// (3 s at most in all). Standard mode, not adaptive: adaptive mode makes each throttled request wait for its rate
/// limiter, up to the maximum backoff every time. A check's deadline (`--timeout`) still bounds the whole read; the
/// service also paces calls per account.
pub fn retry_config() -> aws_config::retry::RetryConfig {
    aws_config::retry::RetryConfig::standard()
        .with_max_attempts(5)
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_millis(1600))
}

/// The AWS config of `profile` (else the standard chain's) in `region` (else the chain's), with labcheck's timeouts
/// and retries, once its region and credentials are known to be there: the config and its region.
pub async fn load_config(profile: Option<&str>, region: Option<&str>) -> Result<(SdkConfig, String), SessionError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(15))
                .operation_timeout(Duration::from_secs(40))
                .build(),
        )
        .retry_config(retry_config());
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region.to_owned()));
    }
    let config = loader.load().await;
    let region = config.region().map(ToString::to_string).ok_or(SessionError::NoRegion)?;
    let provider = config.credentials_provider().ok_or_else(|| SessionError::NoCredentials("no provider".into()))?;
    use aws_credential_types::provider::ProvideCredentials;
    provider.provide_credentials().await.map_err(|e| {
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg = format!("{msg}: {s}");
            source = s.source();
        }
        let msg = msg.split_whitespace().collect::<Vec<_>>().join(" ");
        let profile = profile.map(str::to_owned).or_else(|| std::env::var("AWS_PROFILE").ok());
        SessionError::NoCredentials(match profile {
            Some(profile) => format!("profile `{profile}`: {msg}"),
            None => msg,
        })
    })?;
    Ok((config, region))
}

/// Clients and counters shared by every round of a run.
pub struct AwsSession {
    pub(crate) apigw: ApiGatewayClient,
    lambda: LambdaClient,
    sts: Option<StsClient>,
    pub(crate) http: reqwest::Client,
    pub(crate) invoke: InvokeUrlTemplate,
    pub(crate) region: String,
    pub(crate) stats: Arc<StatsRecorder>,
    /// Paces AWS calls to one account (the service shares one per account across gradings).
    pacer: Option<Arc<Pacer>>,
}

/// A token bucket: at most `rate` calls per second on average, `burst` at once.
#[derive(Debug)]
pub struct Pacer {
    rate: f64,
    burst: f64,
    state: tokio::sync::Mutex<(f64, tokio::time::Instant)>,
}

impl Pacer {
    pub fn new(rate: f64, burst: f64) -> Self {
        let burst = burst.max(1.0);
        Self { rate: rate.max(0.1), burst, state: tokio::sync::Mutex::new((burst, tokio::time::Instant::now())) }
    }

    /// Waits until a call may be made.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut state = self.state.lock().await;
                let now = tokio::time::Instant::now();
                let (tokens, last) = *state;
                let tokens = (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst);
                if tokens >= 1.0 {
                    *state = (tokens - 1.0, now);
                    return;
                }
                *state = (tokens, now);
                Duration::from_secs_f64((1.0 - tokens) / self.rate)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

impl fmt::Debug for AwsSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsSession").field("region", &self.region).field("invoke", &self.invoke).finish()
    }
}

impl AwsSession {
    /// Loads the standard AWS config chain (env, profiles, SSO, `credential_process`, roles, `AWS_ENDPOINT_URL*`)
    /// and checks that a region and credentials are there before anything is graded.
    pub async fn connect(options: SessionOptions) -> Result<Self, SessionError> {
        let (config, region) = load_config(options.profile.as_deref(), options.region.as_deref()).await?;
        Self::from_config(&config, region, options)
    }

    fn from_config(config: &SdkConfig, region: String, options: SessionOptions) -> Result<Self, SessionError> {
        let stats = Arc::new(StatsRecorder::default());
        let counter = CallCounter(stats.clone());
        let apigw = ApiGatewayClient::from_conf(
            aws_sdk_apigateway::config::Builder::from(config)
                .interceptor(counter.clone())
                .interceptor(TolerantJson)
                .build(),
        );
        let lambda = LambdaClient::from_conf(
            aws_sdk_lambda::config::Builder::from(config)
                .interceptor(counter.clone())
                .interceptor(TolerantJson)
                .build(),
        );
        let sts = StsClient::from_conf(aws_sdk_sts::config::Builder::from(config).interceptor(counter).build());
        let http = probe::client(options.probe_timeout.unwrap_or(probe::DEFAULT_TIMEOUT))
            .map_err(|e| SessionError::Http(e.to_string()))?;
        Ok(Self {
            apigw,
            lambda,
            sts: Some(sts),
            http,
            invoke: options.invoke_url_template,
            region,
            stats,
            pacer: None,
        })
    }

    /// A session over an already loaded config (the service: one per grading, sharing the config's credentials
    /// cache and the account's pacer).
    pub fn from_sdk_config(
        config: &SdkConfig,
        invoke: InvokeUrlTemplate,
        pacer: Option<Arc<Pacer>>,
    ) -> Result<Self, SessionError> {
        let region = config.region().map(ToString::to_string).ok_or(SessionError::NoRegion)?;
        let options = SessionOptions { invoke_url_template: invoke, ..SessionOptions::default() };
        let mut session = Self::from_config(config, region, options)?;
        session.pacer = pacer;
        Ok(session)
    }

    /// Waits for the account's pacer, if any, before an AWS call.
    pub(crate) async fn pace(&self) {
        if let Some(pacer) = &self.pacer {
            pacer.acquire().await;
        }
    }

    /// A session over ready-made clients (tests, e.g. with `aws-smithy-mocks`).
    pub fn with_clients(
        apigw: ApiGatewayClient,
        lambda: LambdaClient,
        region: &str,
        invoke: InvokeUrlTemplate,
    ) -> Self {
        let stats = Arc::new(StatsRecorder::default());
        let counter = CallCounter(stats.clone());
        let apigw_conf = apigw.config().to_builder().interceptor(counter.clone()).interceptor(TolerantJson).build();
        let lambda_conf = lambda.config().to_builder().interceptor(counter).interceptor(TolerantJson).build();
        Self {
            apigw: ApiGatewayClient::from_conf(apigw_conf),
            lambda: LambdaClient::from_conf(lambda_conf),
            sts: None,
            http: probe::client(probe::DEFAULT_TIMEOUT).expect("default HTTP client"),
            invoke,
            region: region.to_owned(),
            stats,
            pacer: None,
        }
    }

    /// The same session reading the account id through `sts` (tests).
    pub fn with_sts(mut self, sts: StsClient) -> Self {
        let conf = sts.config().to_builder().interceptor(CallCounter(self.stats.clone())).build();
        self.sts = Some(StsClient::from_conf(conf));
        self
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn stats(&self) -> &Arc<StatsRecorder> {
        &self.stats
    }

    /// The graded account, from STS GetCallerIdentity (`None` when it cannot be read within `deadline`, the same
    /// bound as every other read).
    pub async fn account_id(&self, deadline: Duration) -> Option<String> {
        let sts = self.sts.as_ref()?;
        match tokio::time::timeout(deadline, sts.get_caller_identity().send()).await {
            Ok(Ok(out)) => out.account().map(str::to_owned),
            Ok(Err(err)) => {
                let err = errors::GET_CALLER_IDENTITY.error(err);
                // Debug-quoted: the message is AWS's text and must not forge log lines.
                tracing::warn!(error = ?err.to_string(), "could not read the account id");
                None
            }
            Err(_) => {
                tracing::warn!("could not read the account id: no answer from STS within {deadline:?}");
                None
            }
        }
    }
}

/// A secret string: never printed, never serialized.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl Secret {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// API key values by key id, kept apart from the facts.
type KeyValues = HashMap<String, Secret>;

/// Lazily-filled cells keyed by id: each key is fetched at most once, concurrent askers wait for the same read.
struct Keyed<T> {
    cells: Mutex<HashMap<String, Arc<OnceCell<T>>>>,
}

impl<T: Clone> Keyed<T> {
    fn new() -> Self {
        Self { cells: Mutex::new(HashMap::new()) }
    }

    async fn get_or_fetch<F: Future<Output = T>>(&self, key: &str, fetch: impl FnOnce() -> F) -> T {
        let cell = self.cells.lock().expect("cells lock").entry(key.to_owned()).or_default().clone();
        cell.get_or_init(fetch).await.clone()
    }
}

/// One round of reads against AWS. Build a new one to re-read (`--wait`).
pub struct AwsInventory {
    session: Arc<AwsSession>,
    /// Read API key values too (only when a probe needs one).
    want_key_values: bool,
    rest_apis: OnceCell<Fact<Vec<RestApi>>>,
    resources: Keyed<Fact<Vec<Resource>>>,
    stages: Keyed<Fact<Vec<Stage>>>,
    usage_plans: OnceCell<Fact<Vec<UsagePlan>>>,
    usage_plan_keys: Keyed<Fact<Vec<UsagePlanKey>>>,
    api_keys: OnceCell<(Fact<Vec<ApiKey>>, Arc<KeyValues>)>,
    probes: Keyed<ProbeRecord>,
    lambda_functions: Keyed<Fact<Option<LambdaFunction>>>,
    lambda_versions: Keyed<Fact<Vec<LambdaVersion>>>,
    lambda_aliases: Keyed<Fact<Vec<LambdaAlias>>>,
    lambda_policies: Keyed<Fact<Option<serde_json::Value>>>,
    lambda_function_names: OnceCell<Fact<Vec<String>>>,
}

fn s(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

impl AwsInventory {
    /// `plan` is every read of the round, so that each collection can be read in one call shape (e.g. API keys
    /// with their values only when a probe needs one).
    pub fn new(session: Arc<AwsSession>, plan: &[Read]) -> Self {
        let want_key_values = plan.iter().any(|n| matches!(n, Read::Probe(ProbeSpec { api_key: Some(_), .. })));
        Self {
            session,
            want_key_values,
            rest_apis: OnceCell::new(),
            resources: Keyed::new(),
            stages: Keyed::new(),
            usage_plans: OnceCell::new(),
            usage_plan_keys: Keyed::new(),
            api_keys: OnceCell::new(),
            probes: Keyed::new(),
            lambda_functions: Keyed::new(),
            lambda_versions: Keyed::new(),
            lambda_aliases: Keyed::new(),
            lambda_policies: Keyed::new(),
            lambda_function_names: OnceCell::new(),
        }
    }

    async fn rest_apis(&self) -> Fact<Vec<RestApi>> {
        self.rest_apis
            .get_or_init(|| async {
                self.session.pace().await;
                let request = self.session.apigw.get_rest_apis().limit(500);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages = pages::read_all(pages, &errors::GET_REST_APIS, |p| p.position(), IfMissing::Error).await?;
                Ok(pages
                    .iter()
                    .flat_map(|p| p.items())
                    .map(|a| RestApi {
                        id: s(a.id()),
                        name: s(a.name()),
                        description: a.description().map(str::to_owned),
                    })
                    .collect())
            })
            .await
            .clone()
    }

    async fn resources(&self, api_id: &str) -> Fact<Vec<Resource>> {
        self.resources
            .get_or_fetch(api_id, || async {
                self.session.pace().await;
                let pages = self
                    .session
                    .apigw
                    .get_resources()
                    .rest_api_id(api_id)
                    .embed("methods")
                    .limit(500)
                    .into_paginator()
                    .stop_on_duplicate_token(false)
                    .send();
                let pages = pages::read_all(pages, &errors::GET_RESOURCES, |p| p.position(), IfMissing::Error).await?;
                Ok(pages.into_iter().flat_map(|p| p.items.unwrap_or_default()).map(convert_resource).collect())
            })
            .await
    }

    async fn stages(&self, api_id: &str) -> Fact<Vec<Stage>> {
        self.stages
            .get_or_fetch(api_id, || async {
                self.session.pace().await;
                let out = self
                    .session
                    .apigw
                    .get_stages()
                    .rest_api_id(api_id)
                    .send()
                    .await
                    .map_err(|e| errors::GET_STAGES.error(e))?;
                Ok(out.item().iter().map(convert_stage).collect())
            })
            .await
    }

    async fn usage_plans(&self) -> Fact<Vec<UsagePlan>> {
        self.usage_plans
            .get_or_init(|| async {
                self.session.pace().await;
                let request = self.session.apigw.get_usage_plans().limit(500);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages =
                    pages::read_all(pages, &errors::GET_USAGE_PLANS, |p| p.position(), IfMissing::Error).await?;
                Ok(pages.iter().flat_map(|p| p.items()).map(convert_usage_plan).collect())
            })
            .await
            .clone()
    }

    async fn usage_plan_keys(&self, plan_id: &str) -> Fact<Vec<UsagePlanKey>> {
        self.usage_plan_keys
            .get_or_fetch(plan_id, || async {
                self.session.pace().await;
                let pages = self
                    .session
                    .apigw
                    .get_usage_plan_keys()
                    .usage_plan_id(plan_id)
                    .limit(500)
                    .into_paginator()
                    .stop_on_duplicate_token(false)
                    .send();
                let pages =
                    pages::read_all(pages, &errors::GET_USAGE_PLAN_KEYS, |p| p.position(), IfMissing::Error).await?;
                // The response carries each key's value: it is dropped here and never leaves this function.
                Ok(pages
                    .iter()
                    .flat_map(|p| p.items())
                    .map(|k| UsagePlanKey { id: s(k.id()), name: s(k.name()), key_type: k.r#type().map(str::to_owned) })
                    .collect())
            })
            .await
    }

    async fn api_keys_with_values(&self) -> (Fact<Vec<ApiKey>>, Arc<KeyValues>) {
        self.api_keys
            .get_or_init(|| async {
                self.session.pace().await;
                let pages = self
                    .session
                    .apigw
                    .get_api_keys()
                    .include_values(self.want_key_values)
                    .limit(500)
                    .into_paginator()
                    .stop_on_duplicate_token(false)
                    .send();
                match pages::read_all(pages, &errors::GET_API_KEYS, |p| p.position(), IfMissing::Error).await {
                    Err(e) => (Err(e), Arc::new(KeyValues::new())),
                    Ok(pages) => {
                        let items: Vec<_> = pages.iter().flat_map(|p| p.items()).collect();
                        let mut values = KeyValues::new();
                        let mut keys = Vec::with_capacity(items.len());
                        for k in items {
                            if let (Some(id), Some(value)) = (k.id(), k.value()) {
                                values.insert(id.to_owned(), Secret(value.to_owned()));
                            }
                            keys.push(ApiKey { id: s(k.id()), name: s(k.name()), enabled: k.enabled() });
                        }
                        (Ok(keys), Arc::new(values))
                    }
                }
            })
            .await
            .clone()
    }

    /// The value of the API key named `name`: an enabled one first, then by id, so the choice is stable.
    async fn api_key_value(&self, name: &str) -> Result<Option<Secret>, FactError> {
        if !self.want_key_values {
            return Err(FactError::not_collected(format!("value of API key {name}")));
        }
        let (keys, values) = self.api_keys_with_values().await;
        let mut candidates: Vec<ApiKey> = keys?.into_iter().filter(|k| k.name == name).collect();
        candidates.sort_by(|a, b| b.enabled.cmp(&a.enabled).then_with(|| a.id.cmp(&b.id)));
        Ok(candidates.first().and_then(|k| values.get(&k.id).cloned()))
    }

    /// Every API key value this round read (none unless a probe needs one): what a probe answer must not keep.
    async fn known_secrets(&self) -> Vec<Secret> {
        if !self.want_key_values {
            return Vec::new();
        }
        self.api_keys_with_values().await.1.values().cloned().collect()
    }

    async fn probe(&self, spec: &ProbeSpec, api_id: &str) -> ProbeRecord {
        let key = format!("{api_id}\u{0}{spec:?}");
        self.probes
            .get_or_fetch(&key, || async {
                let url =
                    format!("{}{}", self.session.invoke.url(api_id, &spec.stage, &self.session.region), spec.path);
                let key_value = match &spec.api_key {
                    None => Ok(None),
                    Some(name) => match self.api_key_value(name).await {
                        Ok(Some(value)) => Ok(Some(value)),
                        Ok(None) => {
                            let outcome = Ok(crate::facts::ProbeOutcome::NoSuchApiKey { name: name.clone() });
                            return ProbeRecord { spec: spec.clone(), api_id: api_id.to_owned(), url, outcome };
                        }
                        Err(e) => Err(e),
                    },
                };
                let outcome = match key_value {
                    Err(e) => Err(e),
                    Ok(value) => {
                        let probe = probe::Probe { method: &spec.method, url: &url, api_key: value.as_ref() };
                        let sent = probe::send(&self.session.http, &self.session.stats, &probe);
                        let (outcome, secrets) = futures::join!(sent, self.known_secrets());
                        probe::redact_and_cut(outcome, &secrets)
                    }
                };
                ProbeRecord { spec: spec.clone(), api_id: api_id.to_owned(), url, outcome }
            })
            .await
    }

    async fn lambda_function(&self, name: &str) -> Fact<Option<LambdaFunction>> {
        self.lambda_functions
            .get_or_fetch(name, || async {
                self.session.pace().await;
                match self.session.lambda.get_function_configuration().function_name(name).send().await {
                    Ok(f) => Ok(Some(LambdaFunction {
                        name: s(f.function_name()),
                        arn: s(f.function_arn()),
                        runtime: f.runtime().map(|r| r.as_str().to_owned()),
                        handler: f.handler().map(str::to_owned),
                        state: f.state().map(|st| st.as_str().to_owned()),
                    })),
                    Err(e) if errors::is_not_found(&e) => Ok(None),
                    Err(e) => Err(errors::GET_FUNCTION_CONFIGURATION.error(e)),
                }
            })
            .await
    }

    async fn lambda_versions(&self, name: &str) -> Fact<Vec<LambdaVersion>> {
        self.lambda_versions
            .get_or_fetch(name, || async {
                self.session.pace().await;
                let request = self.session.lambda.list_versions_by_function().function_name(name).max_items(50);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages =
                    pages::read_all(pages, &errors::LIST_VERSIONS_BY_FUNCTION, |p| p.next_marker(), IfMissing::Empty)
                        .await?;
                Ok(pages.iter().flat_map(|p| p.versions()).map(|v| LambdaVersion { version: s(v.version()) }).collect())
            })
            .await
    }

    async fn lambda_aliases(&self, name: &str) -> Fact<Vec<LambdaAlias>> {
        self.lambda_aliases
            .get_or_fetch(name, || async {
                self.session.pace().await;
                let request = self.session.lambda.list_aliases().function_name(name).max_items(50);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages =
                    pages::read_all(pages, &errors::LIST_ALIASES, |p| p.next_marker(), IfMissing::Empty).await?;
                Ok(pages
                    .iter()
                    .flat_map(|p| p.aliases())
                    .map(|a| LambdaAlias { name: s(a.name()), function_version: s(a.function_version()) })
                    .collect())
            })
            .await
    }

    async fn lambda_policy(&self, name: &str, qualifier: &str) -> Fact<Option<serde_json::Value>> {
        self.lambda_policies
            .get_or_fetch(&format!("{name}:{qualifier}"), || async {
                self.session.pace().await;
                match self.session.lambda.get_policy().function_name(name).qualifier(qualifier).send().await {
                    Ok(out) => {
                        let text = out.policy().unwrap_or("{}");
                        serde_json::from_str(text).map(Some).map_err(|e| {
                            FactError::new(
                                crate::facts::FactErrorKind::Malformed,
                                errors::GET_POLICY.name,
                                format!("the policy is not JSON: {e}"),
                            )
                        })
                    }
                    Err(e) if errors::is_not_found(&e) => Ok(None),
                    Err(e) => Err(errors::GET_POLICY.error(e)),
                }
            })
            .await
    }

    async fn lambda_function_names(&self) -> Fact<Vec<String>> {
        self.lambda_function_names
            .get_or_init(|| async {
                self.session.pace().await;
                let request = self.session.lambda.list_functions().max_items(50);
                let pages = request.into_paginator().stop_on_duplicate_token(false).send();
                let pages =
                    pages::read_all(pages, &errors::LIST_FUNCTIONS, |p| p.next_marker(), IfMissing::Error).await?;
                Ok(pages.iter().flat_map(|p| p.functions()).map(|f| s(f.function_name())).collect())
            })
            .await
            .clone()
    }

    /// Resources of every API named `api`, and the Lambda functions their methods integrate with.
    async fn lambda_behind(&self, api: &str, part: &LambdaPart) -> Facts {
        let mut facts = self.collect_one(&Read::Resources { api: api.to_owned() }).await;
        let mut names: Vec<String> = facts
            .resources
            .values()
            .filter_map(|r| r.as_ref().ok())
            .flatten()
            .flat_map(|r| r.methods.values())
            .filter_map(|m| m.integration.as_ref()?.lambda_target())
            .map(|t| t.function_name)
            .collect();
        names.sort();
        names.dedup();
        match part {
            LambdaPart::Configuration => {
                let got = join_all(names.iter().map(|n| self.lambda_function(n))).await;
                facts.lambda_functions = names.into_iter().zip(got).collect();
            }
            LambdaPart::Versions => {
                let got = join_all(names.iter().map(|n| self.lambda_versions(n))).await;
                facts.lambda_versions = names.into_iter().zip(got).collect();
            }
            LambdaPart::Aliases => {
                let got = join_all(names.iter().map(|n| self.lambda_aliases(n))).await;
                facts.lambda_aliases = names.into_iter().zip(got).collect();
            }
            LambdaPart::Policy(qualifier) => {
                let got = join_all(names.iter().map(|n| self.lambda_policy(n, qualifier))).await;
                facts.lambda_policies = names.into_iter().map(|n| format!("{n}:{qualifier}")).zip(got).collect();
            }
        }
        facts
    }

    async fn ids_of_apis_named(&self, name: &str) -> (Fact<Vec<RestApi>>, Vec<String>) {
        let apis = self.rest_apis().await;
        let ids = match &apis {
            Ok(list) => list.iter().filter(|a| a.name == name).map(|a| a.id.clone()).collect(),
            Err(_) => Vec::new(),
        };
        (apis, ids)
    }

    fn collect_one<'a>(&'a self, read: &'a Read) -> BoxFuture<'a, Facts> {
        async move { self.collect_one_now(read).await }.boxed()
    }

    async fn collect_one_now(&self, read: &Read) -> Facts {
        let mut facts = Facts::default();
        match read {
            Read::RestApis => facts.rest_apis = Some(self.rest_apis().await),
            Read::Resources { api } => {
                let (apis, ids) = self.ids_of_apis_named(api).await;
                facts.rest_apis = Some(apis);
                let fetched = join_all(ids.iter().map(|id| self.resources(id))).await;
                facts.resources = ids.into_iter().zip(fetched).collect();
            }
            Read::Stages { api } => {
                let (apis, ids) = self.ids_of_apis_named(api).await;
                facts.rest_apis = Some(apis);
                let fetched = join_all(ids.iter().map(|id| self.stages(id))).await;
                facts.stages = ids.into_iter().zip(fetched).collect();
            }
            Read::UsagePlans => facts.usage_plans = Some(self.usage_plans().await),
            Read::UsagePlanKeys { plan } => {
                let plans = self.usage_plans().await;
                let ids: Vec<String> = match &plans {
                    Ok(list) => list.iter().filter(|p| &p.name == plan).map(|p| p.id.clone()).collect(),
                    Err(_) => Vec::new(),
                };
                facts.usage_plans = Some(plans);
                let fetched = join_all(ids.iter().map(|id| self.usage_plan_keys(id))).await;
                facts.usage_plan_keys = ids.into_iter().zip(fetched).collect();
            }
            Read::ApiKeys => facts.api_keys = Some(self.api_keys_with_values().await.0),
            Read::Probe(spec) => {
                let (apis, ids) = self.ids_of_apis_named(&spec.api).await;
                facts.rest_apis = Some(apis);
                facts.probes = join_all(ids.iter().map(|id| self.probe(spec, id))).await;
            }
            Read::LambdaBehindApi { api, part } => facts = self.lambda_behind(api, part).await,
            Read::LambdaFunctionNames => facts.lambda_function_names = Some(self.lambda_function_names().await),
        }
        facts
    }
}

impl FactSource for AwsInventory {
    fn collect<'a>(&'a self, reads: &'a [Read]) -> BoxFuture<'a, Facts> {
        async move {
            let parts = join_all(reads.iter().map(|read| self.collect_one(read))).await;
            let mut facts = Facts::default();
            for part in parts {
                facts.merge(part);
            }
            facts
        }
        .boxed()
    }
}

fn convert_resource(r: aws_sdk_apigateway::types::Resource) -> Resource {
    let methods = r
        .resource_methods()
        .map(|methods| {
            methods
                .iter()
                .map(|(verb, m)| {
                    let method = Method {
                        http_method: m.http_method().unwrap_or(verb).to_owned(),
                        authorization_type: m.authorization_type().map(str::to_owned),
                        api_key_required: m.api_key_required().unwrap_or(false),
                        integration: m.method_integration().map(convert_integration),
                    };
                    (verb.clone(), method)
                })
                .collect()
        })
        .unwrap_or_default();
    Resource { id: s(r.id()), path: s(r.path()), parent_id: r.parent_id().map(str::to_owned), methods }
}

fn convert_integration(i: &aws_sdk_apigateway::types::Integration) -> Integration {
    let responses = i
        .integration_responses()
        .map(|responses| {
            responses
                .iter()
                .map(|(status, r)| {
                    let params = r.response_parameters().map(|p| p.clone().into_iter().collect()).unwrap_or_default();
                    (status.clone(), params)
                })
                .collect()
        })
        .unwrap_or_default();
    Integration {
        integration_type: i.r#type().map(|t| t.as_str().to_owned()),
        uri: i.uri().map(str::to_owned),
        http_method: i.http_method().map(str::to_owned),
        responses,
    }
}

fn convert_stage(st: &aws_sdk_apigateway::types::Stage) -> Stage {
    Stage {
        name: s(st.stage_name()),
        deployment_id: st.deployment_id().map(str::to_owned),
        variables: st.variables().map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        cache_cluster_enabled: st.cache_cluster_enabled(),
        cache_cluster_size: st.cache_cluster_size().map(|c| c.as_str().to_owned()),
        method_settings: st
            .method_settings()
            .map(|settings| {
                settings
                    .iter()
                    .map(|(path, m)| {
                        let setting = MethodSetting {
                            caching_enabled: m.caching_enabled(),
                            cache_ttl_seconds: Some(m.cache_ttl_in_seconds()),
                            throttling_rate_limit: Some(m.throttling_rate_limit()),
                            throttling_burst_limit: Some(m.throttling_burst_limit()),
                        };
                        (path.clone(), setting)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn convert_usage_plan(p: &aws_sdk_apigateway::types::UsagePlan) -> UsagePlan {
    UsagePlan {
        id: s(p.id()),
        name: s(p.name()),
        description: p.description().map(str::to_owned),
        api_stages: p.api_stages().iter().map(|a| ApiStage { api_id: s(a.api_id()), stage: s(a.stage()) }).collect(),
        throttle: p
            .throttle()
            .map(|t| Throttle { burst_limit: Some(t.burst_limit()), rate_limit: Some(t.rate_limit()) }),
        quota: p.quota().map(|q| Quota { limit: Some(q.limit()), period: q.period().map(|p| p.as_str().to_owned()) }),
    }
}
