//! Command-line interface definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[cfg(feature = "aws")]
mod aws;
#[cfg(feature = "aws")]
pub use aws::*;

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
            #[cfg(feature = "aws")]
            Command::Watch(args) => args.verbose,
            #[cfg(feature = "aws")]
            Command::Snapshot(args) => args.verbose,
            #[cfg(feature = "aws")]
            Command::Serve(args) => args.verbose.max(1),
            _ => 0,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Grade the account the AWS credential chain reaches (or a snapshot, with --from) against a lab file.
    #[cfg_attr(
        not(feature = "aws"),
        command(
            about = "Grade a snapshot (--from) against a lab file (this build reads no account: no `aws` feature)"
        )
    )]
    Run(RunArgs),
    /// A live checklist: re-check what has not passed every few seconds until everything passes (or Ctrl-C).
    #[cfg(feature = "aws")]
    Watch(WatchArgs),
    /// Record the facts a lab's checks need (no secrets) to grade later with `run --from`.
    #[cfg(feature = "aws")]
    Snapshot(SnapshotArgs),
    /// List a lab's steps and checks with points and validators.
    List {
        /// Lab: a lab folder (checks/apigw-items) or its lab.toml
        lab: PathBuf,
        #[command(flatten)]
        lang: LangArg,
    },
    /// Grade each snapshot in DIR and compare with the statuses expected beside it (NAME.json + NAME.expected.toml).
    Test {
        /// Lab folders (checks), one lab folder (checks/apigw-items), or a folder of cases
        dir: PathBuf,
        /// Write the statuses labcheck gets into the expected files (review the diff!).
        #[arg(long)]
        bless: bool,
        /// Only these cases (repeatable).
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
        /// Also run the mutation analysis on every lab (as `labcheck mutate`) and fail on a check with no teeth.
        #[cfg(feature = "aws")]
        #[arg(long)]
        mutate: bool,
    },
    /// Prove each check has teeth: grade mutants of the lab's cases (one fact changed each) and report, per check,
    /// the mutants that fail it, the checks none fails, and the changes no check notices.
    #[cfg(feature = "aws")]
    Mutate(MutateArgs),
    /// Serve gradings over HTTP to a lab platform (POST /v1/labs/{lab}/grade).
    #[cfg(feature = "aws")]
    Serve(ServeArgs),
    /// Explain one check of a lab: what it verifies, its validator and params, and the student's hint.
    Explain {
        /// Lab: a lab folder (checks/apigw-items) or its lab.toml
        lab: PathBuf,
        /// Check id, e.g. usage-plan-created (`labcheck list LAB` shows them)
        check: String,
        #[command(flatten)]
        lang: LangArg,
    },
    /// A learner's progress in a lab: each check's best result so far, when it passed, and the lab's score.
    #[cfg(feature = "aws")]
    Progress(ProgressArgs),
    /// Learner sessions: make one (its token grades one lab against one account for one learner) or revoke one.
    #[cfg(feature = "aws")]
    #[command(subcommand)]
    Session(crate::commands::session::SessionCommand),
    /// LTI 1.3 (an LMS launching learners, and its gradebook): make the tool's signing key.
    #[cfg(feature = "aws")]
    #[command(subcommand)]
    Lti(crate::commands::lti::LtiCommand),
    /// A class's figures in a lab: pass rates, gradings and time to pass, where learners are stuck, why checks fail,
    /// and which check may be broken (JSON, CSV or an HTML page).
    #[cfg(feature = "aws")]
    Cohort(crate::commands::cohort::CohortArgs),
    /// Everything kept about one learner (progress, gradings with their evidence, sessions), as JSON: a
    /// data-subject request.
    #[cfg(feature = "aws")]
    Export(crate::commands::learner_data::ExportArgs),
    /// Erase one learner's progress, gradings, evidence and sessions (in one lab, or every lab).
    #[cfg(feature = "aws")]
    Forget(crate::commands::learner_data::ForgetArgs),
    /// Write the evidence of one recorded grading (the facts it read) as a snapshot that `run --from` grades.
    #[cfg(feature = "aws")]
    Evidence(EvidenceArgs),
    /// Make the progress store if it does not exist: the SQLite file, or the DynamoDB table (with TTL on evidence).
    #[cfg(feature = "aws")]
    StoreInit {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print the least-privilege read-only IAM policy that grading these labs needs (every provider's with --all).
    Policy {
        /// Labs: lab folders (checks/apigw-items) or their lab.toml
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        labs: Vec<PathBuf>,
        /// The policy for every read labcheck can make (iam/labcheck-readonly-policy.json).
        #[arg(long)]
        all: bool,
    },
    /// List every validator a lab file can use.
    Validators {
        /// Print each validator's full documentation with an example lab entry.
        #[arg(long)]
        verbose: bool,
        /// Print the book's validators reference (docs/src/reference/validators.md) as Markdown.
        #[arg(long, conflicts_with = "verbose")]
        markdown: bool,
    },
}

/// `--format`'s values: the names in the one list of formats, with their summaries for `--help`.
pub(crate) fn format_names() -> clap::builder::PossibleValuesParser {
    let values = crate::report::FORMATS.iter().map(|f| clap::builder::PossibleValue::new(f.name()).help(f.summary()));
    clap::builder::PossibleValuesParser::new(values)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

/// The learner's language.
#[derive(Debug, Args)]
pub struct LangArg {
    /// Language of titles, hints and messages, e.g. es or pt-BR (the lab's own where it has no translation)
    /// [default: from LC_ALL, LC_MESSAGES or LANG]
    #[arg(long, value_name = "TAG", value_parser = crate::i18n::parse_tag)]
    pub lang: Option<crate::i18n::Locale>,
}

impl LangArg {
    /// The languages asked for, best first: `--lang`, else the POSIX locale environment.
    pub fn requested(&self) -> Vec<crate::i18n::Locale> {
        match &self.lang {
            Some(lang) => vec![lang.clone()],
            None => crate::i18n::from_environment(|name| std::env::var(name).ok()),
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Lab: a lab folder (checks/apigw-items) or its lab.toml
    pub lab: PathBuf,

    /// Grade only this step (repeatable). Checks these need from other steps are graded too.
    #[arg(long = "step", value_name = "ID")]
    pub steps: Vec<String>,

    /// Output format.
    #[arg(long, short, value_parser = format_names(), default_value = "human")]
    pub format: String,

    /// Write the report to FILE (atomically) instead of stdout; the checklist still goes to stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub lang: LangArg,

    #[cfg(feature = "aws")]
    #[command(flatten)]
    pub learner: LearnerArgs,

    /// Grade a snapshot (from `labcheck snapshot`) instead of the account: no network, no credentials. A build
    /// without the `aws` feature grades snapshots only.
    #[cfg(feature = "aws")]
    #[arg(long, value_name = "SNAPSHOT", conflicts_with_all = ["profile", "region", "wait"])]
    pub from: Option<PathBuf>,
    /// Grade a snapshot (from `labcheck snapshot`): this build reads no account (it has no `aws` feature).
    #[cfg(not(feature = "aws"))]
    #[arg(long, value_name = "SNAPSHOT")]
    pub from: PathBuf,

    #[cfg(feature = "aws")]
    #[command(flatten)]
    pub aws: AwsArgs,

    /// Re-read and re-check what did not pass until it passes or SECONDS have passed.
    #[cfg(feature = "aws")]
    #[arg(long, value_name = "SECONDS")]
    pub wait: Option<u64>,

    /// Time one check may take to read the account.
    #[cfg(feature = "aws")]
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
