//! A session: the AWS config and credentials of a run, its clients (one of each kind, made on first use), its
//! counters, and the graded account's id.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_sts::Client as StsClient;
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use futures::future::BoxFuture;
use tokio::sync::OnceCell;

use super::stats::{CallCounter, StatsRecorder};
use crate::facts::{Fact, FactError, FactErrorKind};
use super::clients::{ClientCache, ClientSettings, MakeClient};

/// Default timeout of one HTTP probe.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(10);

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
    #[error("{name} is set but is not a URL (`{value}`): unset it, or give the endpoint as http(s)://HOST[:PORT]")]
    BadEndpoint { name: String, value: String },
}

/// Every `AWS_ENDPOINT_URL`/`AWS_ENDPOINT_URL_<SERVICE>` set in `vars` is a URL (the SDK panics on an empty one).
pub fn check_endpoint_variables(vars: impl IntoIterator<Item = (String, String)>) -> Result<(), SessionError> {
    for (name, value) in vars {
        let is_endpoint = name == "AWS_ENDPOINT_URL" || name.starts_with("AWS_ENDPOINT_URL_");
        let host = value.trim().strip_prefix("http://").or_else(|| value.trim().strip_prefix("https://"));
        if is_endpoint && host.is_none_or(str::is_empty) {
            return Err(SessionError::BadEndpoint { name, value: crate::one_line(value) });
        }
    }
    Ok(())
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
    let vars = std::env::vars_os().map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned()));
    check_endpoint_variables(vars)?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(super::http::shared_https_client())
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
    let provider = match profile {
        Some(profile) => profile_credentials(profile, &region),
        None => config.credentials_provider().ok_or_else(|| SessionError::NoCredentials("no provider".into()))?,
    };
    use aws_credential_types::provider::ProvideCredentials;
    let credentials = provider.provide_credentials().await.map_err(|e| {
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg = format!("{msg}: {s}");
            source = s.source();
        }
        let msg = crate::one_line(msg);
        let profile = profile.map(str::to_owned).or_else(|| std::env::var("AWS_PROFILE").ok());
        SessionError::NoCredentials(match profile {
            Some(profile) => format!("profile `{profile}`: {msg}"),
            None => msg,
        })
    })?;
    // The clients' credentials cache starts from what was just fetched: an SSO portal or STS is asked once a run.
    let prefetched = Prefetched { first: std::sync::Mutex::new(Some(credentials)), then: provider };
    let config = config.into_builder().credentials_provider(SharedCredentialsProvider::new(prefetched)).build();
    Ok((config, region))
}

/// The credentials of the named profile alone. The standard chain asks the environment first, so a named profile
/// would lose to `AWS_ACCESS_KEY_ID` (which lab sandboxes export) and another account would be graded in silence;
/// as in the AWS CLI's precedence, an option on the command line wins over the environment. The profile's own
/// sources (static keys, SSO, `credential_process`, a role with `source_profile`) still apply.
fn profile_credentials(profile: &str, region: &str) -> SharedCredentialsProvider {
    let config = aws_config::provider_config::ProviderConfig::default()
        .with_http_client(super::http::shared_https_client())
        .with_behavior_version(Some(BehaviorVersion::latest()))
        .with_region(Some(aws_config::Region::new(region.to_owned())));
    let provider =
        aws_config::profile::ProfileFileCredentialsProvider::builder().configure(&config).profile_name(profile).build();
    SharedCredentialsProvider::new(provider)
}

/// Credentials fetched to check them, handed out once, then the provider they came from.
#[derive(Debug)]
struct Prefetched {
    first: std::sync::Mutex<Option<aws_credential_types::Credentials>>,
    then: SharedCredentialsProvider,
}

impl aws_credential_types::provider::ProvideCredentials for Prefetched {
    fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        match self.first.lock().expect("prefetched lock").take() {
            Some(credentials) => aws_credential_types::provider::future::ProvideCredentials::ready(Ok(credentials)),
            None => self.then.provide_credentials(),
        }
    }
}

/// Clients and counters shared by every round of a run.
pub struct AwsSession {
    /// One client of each kind (each provider's), made on first use.
    clients: ClientCache,
    sts: Sts,
    pub(crate) invoke: InvokeUrlTemplate,
    pub(crate) region: String,
    pub(crate) stats: Arc<StatsRecorder>,
    /// The graded account's id, asked of STS once a session: the report's target and the reads that need it
    /// (S3's account-wide public access block) share the one call.
    caller_account: OnceCell<Fact<String>>,
}

/// Where a session reads the account id.
enum Sts {
    /// A client made from the session's config on first use.
    FromConfig(std::sync::OnceLock<StsClient>),
    /// A ready-made client (tests).
    Given(StsClient),
    /// None: the account id is not read (tests over mocked clients).
    Absent,
}

/// Something that spaces out the AWS calls of a session (the service's per-account token bucket).
pub trait Pace: Send + Sync {
    /// Waits until a call may be made.
    fn wait_turn(&self) -> BoxFuture<'_, ()>;
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
        let clients = ClientCache::new(client_settings(config, &stats, options.probe_timeout));
        Ok(Self {
            clients,
            sts: Sts::FromConfig(std::sync::OnceLock::new()),
            invoke: options.invoke_url_template,
            region,
            stats,
            caller_account: OnceCell::new(),
        })
    }

    /// A session over an already loaded config (the service: one per grading, sharing the config's credentials
    /// cache, the process's connections and the account's pacer, which every AWS request of it waits for).
    pub fn from_sdk_config(
        config: &SdkConfig,
        invoke: InvokeUrlTemplate,
        pacer: Option<Arc<dyn Pace>>,
    ) -> Result<Self, SessionError> {
        let region = config.region().map(ToString::to_string).ok_or(SessionError::NoRegion)?;
        let options = SessionOptions { invoke_url_template: invoke, ..SessionOptions::default() };
        match pacer {
            None => Self::from_config(config, region, options),
            Some(pacer) => {
                let transport = config.http_client().unwrap_or_else(super::http::shared_https_client);
                let config = config.to_builder().http_client(super::http::paced(transport, pacer)).build();
                Self::from_config(&config, region, options)
            }
        }
    }

    /// A session for ready-made clients (tests, e.g. with `aws-smithy-mocks`), given with [`AwsSession::with_client`];
    /// a kind of client not given is made from an empty config.
    pub fn for_clients(region: &str, invoke: InvokeUrlTemplate) -> Self {
        let stats = Arc::new(StatsRecorder::default());
        let config = SdkConfig::builder().behavior_version(BehaviorVersion::latest()).build();
        let clients = ClientCache::new(client_settings(&config, &stats, None));
        Self { clients, sts: Sts::Absent, invoke, region: region.to_owned(), stats, caller_account: OnceCell::new() }
    }

    /// The same session reading through `client` for kind `K` (tests); it gets the session's interceptors.
    pub fn with_client<K: MakeClient>(self, client: K::Client) -> Self {
        self.clients.insert::<K>(client);
        self
    }

    /// The session's client of kind `K` (a provider's), made on first use.
    pub fn client<K: MakeClient>(&self) -> K::Client {
        self.clients.get::<K>()
    }

    /// The same session reading the account id through `sts` (tests).
    pub fn with_sts(mut self, sts: StsClient) -> Self {
        let conf = sts.config().to_builder().interceptor(CallCounter(self.stats.clone())).build();
        self.sts = Sts::Given(StsClient::from_conf(conf));
        self
    }

    /// The same session for a graded account known beforehand (the account of the role assumed into it): STS is
    /// not asked.
    pub fn knowing_account(self, account: &str) -> Self {
        let _ = self.caller_account.set(Ok(account.to_owned()));
        self
    }

    /// The STS client the account id is read through, made on first use.
    fn sts(&self) -> Option<&StsClient> {
        match &self.sts {
            Sts::FromConfig(client) => Some(client.get_or_init(|| {
                let config = aws_sdk_sts::config::Builder::from(&self.clients.settings().config);
                StsClient::from_conf(config.interceptor(CallCounter(self.stats.clone())).build())
            })),
            Sts::Given(client) => Some(client),
            Sts::Absent => None,
        }
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
        if !self.caller_account.initialized() {
            self.sts()?;
        }
        match tokio::time::timeout(deadline, self.caller_account()).await {
            Ok(Ok(account)) => Some(account),
            Ok(Err(err)) => {
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

    /// The graded account's id (STS GetCallerIdentity, asked once a session), or why it could not be read.
    pub(crate) async fn caller_account(&self) -> Fact<String> {
        self.caller_account
            .get_or_init(|| async {
                let Some(sts) = self.sts() else {
                    return Err(FactError::not_collected("the account id (no STS client)"));
                };
                let out = sts.get_caller_identity().send().await.map_err(|e| super::GET_CALLER_IDENTITY.error(e))?;
                out.account().map(str::to_owned).ok_or_else(|| {
                    FactError::new(
                        FactErrorKind::Malformed,
                        super::GET_CALLER_IDENTITY.name,
                        "the answer has no Account",
                    )
                })
            })
            .await
            .clone()
    }
}

/// What the providers' clients are made from: the config, a call counter feeding `stats`, the probe timeout.
fn client_settings(config: &SdkConfig, stats: &Arc<StatsRecorder>, probe: Option<Duration>) -> ClientSettings {
    ClientSettings {
        config: config.clone(),
        interceptors: vec![SharedInterceptor::new(CallCounter(stats.clone()))],
        probe_timeout: probe.unwrap_or(DEFAULT_PROBE_TIMEOUT),
    }
}

/// The account a role ARN belongs to (`arn:aws:iam::111122223333:role/grader` is in `111122223333`), when the ARN
/// is one of an IAM role.
pub fn account_of_role(role_arn: &str) -> Option<&str> {
    let mut parts = role_arn.splitn(6, ':');
    let (arn, _partition, service, region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let is_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (arn == "arn" && service == "iam" && region.is_empty() && is_account && resource.starts_with("role/"))
        .then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roles_account_is_read_from_its_arn() {
        assert_eq!(account_of_role("arn:aws:iam::111122223333:role/labcheck-grader"), Some("111122223333"));
        assert_eq!(account_of_role("arn:aws-cn:iam::111122223333:role/path/grader"), Some("111122223333"));
        for not_a_role in [
            "arn:aws:iam::111122223333:user/ana",
            "arn:aws:sts::111122223333:assumed-role/grader/s",
            "arn:aws:iam::11112222333:role/short",
            "arn:aws:iam:us-east-1:111122223333:role/regional",
            "111122223333",
            "",
        ] {
            assert_eq!(account_of_role(not_a_role), None, "{not_a_role}");
        }
    }

    #[test]
    fn an_endpoint_variable_that_is_not_a_url_is_named() {
        let var = |name: &str, value: &str| (name.to_owned(), value.to_owned());
        assert!(
            check_endpoint_variables([var("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4566"), var("HOME", "")]).is_ok()
        );
        let err = check_endpoint_variables([var("AWS_ENDPOINT_URL", "")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AWS_ENDPOINT_URL is set but is not a URL (``): unset it, or give the endpoint as http(s)://HOST[:PORT]"
        );
        assert!(check_endpoint_variables([var("AWS_ENDPOINT_URL_IAM", "localhost:5000")]).is_err());
        assert!(check_endpoint_variables([var("AWS_ENDPOINT_URL_IAM", "https://")]).is_err());
    }
}
