//! `labcheck serve`: load the labs, then hand over to the service.

use std::path::PathBuf;

use clap::Args;
use super::common::AwsArgs;
use std::time::Duration;

use super::{CliError, exit};
use crate::aws::InvokeUrlTemplate;
use crate::lab::LabError;
use crate::service::{self, ServiceConfig};

pub async fn serve(args: ServeArgs) -> Result<u8, CliError> {
    let labs = crate::lab::load_labs(&args.labs)?;
    let invoke = InvokeUrlTemplate::parse(&args.aws.invoke_url_template).map_err(CliError::InvokeUrlTemplate)?;
    let tokens = service::read_tokens(args.tokens_file.as_ref(), std::env::var("LABCHECK_SERVICE_TOKENS").ok())
        .map_err(|e| LabError {
            file: args.tokens_file.clone().unwrap_or_default(),
            line: None,
            message: format!("cannot read the tokens: {e}"),
        })?;
    let config = ServiceConfig {
        listen: args.listen,
        labs,
        tokens,
        allow_own_account: args.allow_own_account,
        max_in_flight: args.max_in_flight,
        max_queue: args.max_queue,
        deadline: Duration::from_secs(args.deadline.max(1)),
        body_limit: args.body_limit,
        account_rate: args.account_rate,
        invoke,
        drain: Duration::from_secs(args.drain),
        profile: args.aws.profile.clone(),
        region: args.aws.region.clone(),
        role_cache: args.role_cache,
        read_timeout: Duration::from_secs(args.read_timeout.max(1)),
        max_connections: args.max_connections,
        max_connections_per_peer: args.max_connections_per_peer,
        trusted_proxies: args.trusted_proxies.clone(),
        store: args.store.clone(),
        evidence_days: args.evidence_days,
        public_url: args.public_url.clone(),
        frame_ancestors: args.frame_ancestors.clone(),
        lti_config: args.lti_config.clone(),
        lti_retry: Duration::from_secs(args.lti_retry_seconds),
    };
    service::serve(config).await?;
    Ok(exit::PASS)
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Lab files or folders of lab files to serve (repeatable).
    #[arg(long = "labs", value_name = "PATH", default_value = "checks")]
    pub labs: Vec<PathBuf>,

    /// Address to listen on (port 0: any free port, printed on start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,

    /// File of bearer tokens, one per line (also LABCHECK_SERVICE_TOKENS, comma-separated).
    #[arg(long, value_name = "FILE")]
    pub tokens_file: Option<PathBuf>,

    /// Grade the service's own account when a request has no role_arn.
    #[arg(long)]
    pub allow_own_account: bool,

    /// Gradings run at once.
    #[arg(long, default_value_t = 8)]
    pub max_in_flight: usize,

    /// Gradings that may wait for a slot; more get 429.
    #[arg(long, default_value_t = 32)]
    pub max_queue: usize,

    /// Seconds a request may take (504 after).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub deadline: u64,

    /// Largest request body, in bytes (413 above).
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024)]
    pub body_limit: usize,

    /// AWS calls per second to one graded account (API Gateway allows about 10).
    #[arg(long, value_name = "PER_SECOND", default_value_t = 8.0)]
    pub account_rate: f64,

    /// Seconds in-flight gradings may take to finish after SIGTERM.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub drain: u64,

    /// Seconds a client may take to send a request's first byte, its headers, and again its body (slow and idle
    /// clients are cut off).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub read_timeout: u64,

    /// Connections open at once (idle ones are closed after --read-timeout); 8 more are served /healthz only.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,

    /// Connections open at once from one address.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_connections_per_peer: usize,

    /// A proxy or load balancer in front of the service (an address or a range, 10.0.0.0/8; repeatable, or
    /// comma-separated in LABCHECK_TRUSTED_PROXIES): its Forwarded / X-Forwarded-For headers name the client, read
    /// right to left, and its connections are not limited per address. Anyone else's forwarding headers are ignored.
    #[arg(long = "trusted-proxy", env = "LABCHECK_TRUSTED_PROXIES", value_name = "RANGE", value_delimiter = ',')]
    pub trusted_proxies: Vec<crate::service::Cidr>,

    /// Roles whose assumed-role credentials are kept, each until shortly before they end (least recently used go
    /// first; about 5 KB each with the account's pacer, measured).
    #[arg(long, value_name = "ROLES", default_value_t = 32_768)]
    pub role_cache: usize,

    /// Keep learners' progress and gradings here (`sqlite:PATH`, a path, or `dynamodb:TABLE`): requests may then
    /// carry a `learner`. Without it the service keeps nothing.
    #[arg(long, env = "LABCHECK_STORE", value_name = "STORE")]
    pub store: Option<crate::store::StoreSpec>,

    /// Drop the evidence of gradings older than DAYS days (checked hourly; reports and progress stay).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u64).range(1..=crate::progress::MAX_EVIDENCE_DAYS))]
    pub evidence_days: Option<u64>,

    /// Where browsers reach the service (https://labcheck.example.com): learner sessions' page_url is made absolute
    /// with it (a path without it).
    #[arg(long, env = "LABCHECK_PUBLIC_URL", value_name = "URL", value_parser = public_url)]
    pub public_url: Option<String>,

    /// An origin that may show the learner page in a frame (https://lms.example.com; repeatable, or comma-separated
    /// in LABCHECK_FRAME_ANCESTORS). Without one, no page may frame it.
    #[arg(long, env = "LABCHECK_FRAME_ANCESTORS", value_name = "ORIGIN", value_delimiter = ',', value_parser = frame_ancestor)]
    pub frame_ancestors: Vec<String>,

    /// LTI 1.3 registrations and the tool's keys (TOML; see the book's "Grades into the LMS", docs/src/service/lti.md); needs --store.
    #[arg(long, env = "LABCHECK_LTI_CONFIG", value_name = "FILE")]
    pub lti_config: Option<PathBuf>,

    /// Seconds between attempts to send again the LTI scores a platform did not take.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub lti_retry_seconds: u64,

    /// The service's own AWS identity and region (default for requests without one), and where probes go.
    #[command(flatten)]
    pub aws: AwsArgs,

    /// More log output on stderr (-v info, the default for serve; -vv debug). Secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

fn public_url(url: &str) -> Result<String, String> {
    crate::service::check_public_url(url).map(|()| url.to_owned())
}

fn frame_ancestor(origin: &str) -> Result<String, String> {
    crate::service::check_frame_ancestor(origin).map(|()| origin.to_owned())
}
