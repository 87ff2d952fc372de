//! `labcheck run`: load the lab, read the account (or a snapshot), grade, report.

use std::path::PathBuf;

#[cfg(feature = "aws")]
use super::common::{AwsArgs, StoreArgs, learner_name};
use super::common::{LangArg, format_names};
use clap::Args;
#[cfg(feature = "aws")]
mod account;

use std::io::{IsTerminal, Write};
use std::path::Path;
#[cfg(feature = "aws")]
use std::time::Duration;

use super::common::{ColorChoice, Verbosity};
use super::{CliError, exit_code, prepare_output, write_output};
use crate::engine::EngineOptions;
use crate::grading;
use crate::lab::{Check, Lab, LabError};
#[cfg(feature = "aws")]
use crate::model::Recorded;
use crate::model::Report;
use crate::report::{self, Format, Human, Markdown, Style};
use crate::snapshot::Snapshot;

pub(super) fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// With `--format github` inside GitHub Actions, the Markdown checklist is appended to the job's step summary.
fn append_step_summary(report: &crate::model::Report, format: &dyn Format) -> Result<(), CliError> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|_| format.name() == "github") else {
        return Ok(());
    };
    let path = std::path::PathBuf::from(path);
    let text = report::render(report, &Markdown, Style::default());
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|source| CliError::Output { path: path.clone(), source })?;
    file.write_all(text.as_bytes()).map_err(|source| CliError::Output { path, source })
}

pub async fn run(args: RunArgs) -> Result<u8, CliError> {
    let lab = Lab::load(&args.lab)?;
    lab.select(&args.steps)?;
    let output = args.output.as_deref().map(prepare_output).transpose()?;
    // The store is opened before anything is read: one that cannot be used stops the run here.
    #[cfg(feature = "aws")]
    let (lab, store) = account::open_learner_store(&args, lab).await?;
    let checks = lab.select(&args.steps)?;
    let options = EngineOptions {
        #[cfg(feature = "aws")]
        check_timeout: Duration::from_secs(args.timeout.max(1)),
        #[cfg(feature = "aws")]
        wait: args.wait.map(Duration::from_secs),
        locale: lab.locale_for(&args.lang.requested()),
        ..EngineOptions::default()
    };

    #[cfg(feature = "aws")]
    let (report, evidence) = match &args.from {
        Some(path) => grade_snapshot(&lab, &checks, path, &options).await?,
        None => account::grade(&lab, &checks, &args, store.is_some(), &options).await?,
    };
    #[cfg(feature = "aws")]
    let report = account::keep(store.as_deref(), &lab, &args, report, evidence).await;
    #[cfg(not(feature = "aws"))]
    let (report, _) = grade_snapshot(&lab, &checks, &args.from, &options).await?;
    #[cfg(feature = "aws")]
    let not_kept = match &report.recorded {
        Some(Recorded::NotKept { error }) => Some(error.clone()),
        Some(Recorded::Kept { .. }) | None => None,
    };

    let format = report::named(&args.format).expect("clap allows only listed formats");
    let style = Style { color: use_color(args.color), stats: args.stats };
    let mut stdout = std::io::stdout().lock();
    match (output, &args.output) {
        (Some(file), Some(path)) => {
            let plain = Style { color: false, ..style };
            write_output(file, path, &report::render(&report, format, plain))?;
            Human.write(&report, style, &mut stdout)?;
        }
        _ => {
            format.write(&report, style, &mut stdout)?;
            if args.stats && format.name() != Human.name() {
                let text = report::render(&report, &Human, Style { color: false, stats: true });
                eprintln!("{}", text.lines().last().unwrap_or_default());
            }
        }
    }
    stdout.flush()?;
    append_step_summary(&report, format)?;
    #[cfg(feature = "aws")]
    if let Some(error) = not_kept {
        // The verdicts stand (printed above); that they were not kept is an error of its own.
        return Err(CliError::NotKept(error));
    }
    Ok(exit_code(report.outcome))
}

/// Grades the snapshot at `path`, which must have been taken for `lab`; the snapshot is the grading's evidence.
async fn grade_snapshot(
    lab: &Lab,
    checks: &[&Check],
    path: &Path,
    options: &EngineOptions,
) -> Result<(Report, Option<Snapshot>), CliError> {
    let snapshot = Snapshot::load(path)?;
    if snapshot.lab.id != lab.id {
        let message =
            format!("the snapshot {} was taken for lab `{}`, not `{}`", path.display(), snapshot.lab.id, lab.id);
        return Err(LabError { file: lab.file.clone(), line: None, message }.into());
    }
    let report = grading::grade_facts(lab, checks, snapshot.facts.clone(), snapshot.target.clone(), options).await;
    Ok((report, Some(snapshot)))
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

    #[command(flatten)]
    pub verbosity: Verbosity,
}

#[cfg(feature = "aws")]
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
