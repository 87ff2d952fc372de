//! Command-line interface definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "labcheck",
    version,
    about = "Grades the state of an AWS account against a hands-on cloud lab",
    after_help = "Exit codes: 0 all checks passed · 1 a check failed · 2 bad invocation or lab file (nothing checked) · 3 a check could not be evaluated"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// How verbose the logs on stderr are.
    pub fn log_level(&self) -> u8 {
        match &self.command {
            Command::Run(args) => args.verbose,
            Command::Snapshot(args) => args.verbose,
            _ => 0,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade the account the AWS credential chain reaches (or a snapshot, with --from) against a lab file.
    Run(RunArgs),
    /// Record the facts a lab's checks need (no secrets) to grade later with `run --from`.
    Snapshot(SnapshotArgs),
    /// List a lab's steps and checks with points and validators.
    List {
        /// Lab file, e.g. checks/apigw-items.toml
        lab: PathBuf,
    },
    /// Grade each snapshot in DIR and compare with the statuses expected beside it (NAME.json + NAME.expected.toml).
    Test {
        /// Folder of cases, e.g. examples
        dir: PathBuf,
        /// Write the statuses labcheck gets into the expected files (review the diff!).
        #[arg(long)]
        bless: bool,
        /// Only these cases (repeatable).
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
    },
    /// Explain one check of a lab: what it verifies, its validator and params, and the student's hint.
    Explain {
        /// Lab file, e.g. checks/apigw-items.toml
        lab: PathBuf,
        /// Check id, e.g. usage-plan-created (`labcheck list LAB` shows them)
        check: String,
    },
    /// List every validator a lab file can use.
    Validators {
        /// Print each validator's full documentation with an example lab entry.
        #[arg(long)]
        verbose: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

/// How to reach the account.
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// AWS profile (SSO and credential_process profiles work). Default: AWS_PROFILE or `default`.
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
pub struct RunArgs {
    /// Lab file, e.g. checks/apigw-items.toml
    pub lab: PathBuf,

    /// Grade only this step (repeatable). Checks these need from other steps are graded too.
    #[arg(long = "step", value_name = "ID")]
    pub steps: Vec<String>,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE (atomically) instead of stdout; the checklist still goes to stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Grade a snapshot (from `labcheck snapshot`) instead of the account: no network, no credentials.
    #[arg(long, value_name = "SNAPSHOT", conflicts_with_all = ["profile", "region", "wait"])]
    pub from: Option<PathBuf>,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Re-read and re-check what did not pass until it passes or SECONDS have passed.
    #[arg(long, value_name = "SECONDS")]
    pub wait: Option<u64>,

    /// Time one check may take to read the account.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,

    /// Print how many AWS API calls and probes the grading made.
    #[arg(long)]
    pub stats: bool,

    /// When to colour the checklist.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// More log output on stderr (-v info, -vv debug). Secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Lab file, e.g. checks/apigw-items.toml
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
