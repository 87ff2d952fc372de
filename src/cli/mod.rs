//! The command line: the commands and their arguments (each command's own in its module under
//! [`crate::commands`]), and which command runs.

use std::path::PathBuf;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{CliError, common::LangArg, run::RunArgs};
#[cfg(feature = "aws")]
use crate::commands::{
    common::StoreArgs, evidence::EvidenceArgs, mutate::MutateArgs, progress::ProgressArgs, serve::ServeArgs,
    snapshot::SnapshotArgs, watch::WatchArgs,
};

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
            Command::Run(args) => args.verbosity.verbose,
            #[cfg(feature = "aws")]
            Command::Watch(args) => args.verbosity.verbose,
            #[cfg(feature = "aws")]
            Command::Snapshot(args) => args.verbosity.verbose,
            #[cfg(feature = "aws")]
            Command::Serve(args) => args.verbose.max(1),
            Command::List { .. }
            | Command::Test { .. }
            | Command::Explain { .. }
            | Command::Policy { .. }
            | Command::Validators { .. } => 0,
            #[cfg(feature = "aws")]
            Command::Mutate(_)
            | Command::Progress(_)
            | Command::Session(_)
            | Command::Lti(_)
            | Command::Cohort(_)
            | Command::Export(_)
            | Command::Forget(_)
            | Command::Evidence(_)
            | Command::StoreInit { .. } => 0,
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

/// Runs the command `cli` names: its exit code, or why it could not run (exit 2).
pub async fn dispatch(cli: Cli) -> Result<ExitCode, CliError> {
    use crate::commands::*;
    let code = match cli.command {
        Command::Run(args) => run::run(args).await?,
        Command::List { lab, lang } => list::list(&lab, &lang)?,
        Command::Explain { lab, check, lang } => explain::explain(&lab, &check, &lang)?,
        Command::Validators { verbose, markdown } => validators::validators(verbose, markdown)?,
        Command::Policy { labs, all } => policy::policy(&labs, all)?,
        #[cfg(not(feature = "aws"))]
        Command::Test { dir, bless, only } => test::test(&dir, bless, &only).await?,
        #[cfg(feature = "aws")]
        Command::Test { dir, bless, only, mutate } => test::test(&dir, bless, &only, mutate).await?,
        #[cfg(feature = "aws")]
        Command::Watch(args) => watch::watch(args).await?,
        #[cfg(feature = "aws")]
        Command::Snapshot(args) => snapshot::snapshot(args).await?,
        #[cfg(feature = "aws")]
        Command::Serve(args) => serve::serve(args).await?,
        #[cfg(feature = "aws")]
        Command::Mutate(args) => mutate::mutate(args).await?,
        #[cfg(feature = "aws")]
        Command::Progress(args) => progress::progress(args).await?,
        #[cfg(feature = "aws")]
        Command::Cohort(args) => cohort::cohort(args).await?,
        #[cfg(feature = "aws")]
        Command::Export(args) => learner_data::export(args).await?,
        #[cfg(feature = "aws")]
        Command::Forget(args) => learner_data::forget(args).await?,
        #[cfg(feature = "aws")]
        Command::Evidence(args) => evidence::evidence(args).await?,
        #[cfg(feature = "aws")]
        Command::Session(command) => session::session(command).await?,
        #[cfg(feature = "aws")]
        Command::Lti(command) => lti::lti(command)?,
        #[cfg(feature = "aws")]
        Command::StoreInit { store } => {
            let spec = store.spec().map_err(CliError::Store)?;
            spec.init().await?;
            eprintln!("labcheck: store {spec} is ready");
            exit::PASS
        }
    };
    Ok(ExitCode::from(code))
}
