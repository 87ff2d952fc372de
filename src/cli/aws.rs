//! The arguments of the commands that read AWS accounts or keep progress (the `aws` feature).

use std::path::PathBuf;

use clap::Args;

use super::{ColorChoice, LangArg, format_names};

/// Where learners' progress and gradings are kept.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The store: a SQLite file (`sqlite:PATH` or a path) or a DynamoDB table (`dynamodb:TABLE`, reached through
    /// the standard AWS chain) [default: $XDG_DATA_HOME/labcheck/progress.sqlite, else
    /// ~/.local/share/labcheck/progress.sqlite]
    #[arg(long, env = "LABCHECK_STORE", value_name = "STORE")]
    pub store: Option<crate::progress::StoreSpec>,
}

impl StoreArgs {
    /// The store asked for, or the user's default one.
    pub fn spec(&self) -> Result<crate::progress::StoreSpec, String> {
        match &self.store {
            Some(spec) => Ok(spec.clone()),
            None => crate::progress::StoreSpec::default_for_user(|name| std::env::var(name).ok())
                .ok_or_else(|| "no HOME or XDG_DATA_HOME for the default store: give --store".to_owned()),
        }
    }
}
#[derive(Debug, Args)]
pub struct MutateArgs {
    /// Lab: a lab folder (checks/apigw-items) with its cases/
    pub lab: PathBuf,
    /// Only this case (repeatable; default every case of the lab).
    #[arg(long = "case", value_name = "NAME")]
    pub cases: Vec<String>,
    /// human, json or junit.
    #[arg(long, default_value = "human", value_parser = ["human", "json", "junit"])]
    pub format: String,
    /// Exit 1 when a check has no kill of its own and no accepted reason, or two checks are duplicates.
    #[arg(long)]
    pub require_teeth: bool,
    /// Which mutants when a collection has more than --cap (the same ones for the same seed).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Mutants graded per collection of a case at most.
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub cap: u64,
}
/// Recording a grading in a learner's progress.
#[derive(Debug, Args)]
pub struct LearnerArgs {
    /// Record this grading in NAME's progress (and keep its evidence) in the store.
    #[arg(long, value_name = "NAME", value_parser = learner_name)]
    pub learner: Option<String>,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Drop the evidence of gradings older than DAYS days (their reports and all progress stay).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u64).range(1..=crate::progress::MAX_EVIDENCE_DAYS), requires = "learner")]
    pub evidence_days: Option<u64>,
}

fn public_url(url: &str) -> Result<String, String> {
    crate::service::check_public_url(url).map(|()| url.to_owned())
}

fn frame_ancestor(origin: &str) -> Result<String, String> {
    crate::service::check_frame_ancestor(origin).map(|()| origin.to_owned())
}

fn learner_name(name: &str) -> Result<String, String> {
    crate::progress::check_learner(name).map(|()| name.to_owned())
}
#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Lab: a lab folder (checks/apigw-items) or its lab.toml
    pub lab: PathBuf,

    /// The learner, as given to `run --learner`.
    #[arg(long, value_name = "NAME", value_parser = learner_name)]
    pub learner: String,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Output format.
    #[arg(long, short, value_parser = format_names(), default_value = "human")]
    pub format: String,

    #[command(flatten)]
    pub lang: LangArg,

    /// When to colour the checklist.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// The grading's id (`run --learner` prints it; the JSON report has it under `recorded`).
    #[arg(value_parser = grading_id)]
    pub grading: String,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Write the snapshot to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn grading_id(id: &str) -> Result<String, String> {
    crate::progress::check_grading_id(id).map(|()| id.to_owned())
}
/// How to reach the account.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// AWS profile (SSO and credential_process profiles work); its credentials win over keys in the environment.
    /// Default: the standard chain (AWS_ACCESS_KEY_ID, then AWS_PROFILE or `default`).
    #[arg(long)]
    pub profile: Option<String>,

    /// AWS region. Default: AWS_REGION or the profile's region.
    #[arg(long)]
    pub region: Option<String>,

    /// Invoke URL of a stage for probes, with {api_id}, {stage} and optionally {region}.
    #[arg(
        long,
        env = "LABCHECK_INVOKE_URL_TEMPLATE",
        value_name = "URL",
        default_value = crate::inventory::DEFAULT_INVOKE_URL_TEMPLATE
    )]
    pub invoke_url_template: String,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Lab: a lab folder (checks/apigw-items) or its lab.toml
    pub lab: PathBuf,

    /// Watch only this step (repeatable). Checks these need from other steps are watched too.
    #[arg(long = "step", value_name = "ID")]
    pub steps: Vec<String>,

    /// Seconds between rounds (at least 2: a round reads each collection of what is pending once, so the reads stay
    /// well under API Gateway's control-plane limit).
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub interval: u64,

    #[command(flatten)]
    pub lang: LangArg,

    /// How to reach the account.
    #[command(flatten)]
    pub aws: AwsArgs,

    /// Time one check may take to read the account.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,

    /// More log output on stderr (-v info, -vv debug). Secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Lab: a lab folder (checks/apigw-items) or its lab.toml
    pub lab: PathBuf,

    /// Record only what these steps' checks need (repeatable).
    #[arg(long = "step", value_name = "ID")]
    pub steps: Vec<String>,

    /// Write the snapshot to FILE (atomically); stdout if absent.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Time the reads may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,

    /// More log output on stderr (-v info, -vv debug). Secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
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
    pub store: Option<crate::progress::StoreSpec>,

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
