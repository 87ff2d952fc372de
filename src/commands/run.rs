//! `labcheck run`: load the lab, read the account (or a snapshot), grade, report.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use super::{CliError, connect, exit_code, prepare_output, write_output};
use crate::cli::{ColorChoice, RunArgs};
use crate::engine::EngineOptions;
use crate::grading;
use crate::lab::{Lab, LabError};
use crate::model::Recorded;
use crate::progress;
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
    let mut lab = Lab::load(&args.lab)?;
    lab.select(&args.steps)?;
    let output = args.output.as_deref().map(prepare_output).transpose()?;
    // The store is opened before anything is read: one that cannot be used stops the run here. The learner's
    // progress says what they built, which checks with `recall` judge.
    let store = match &args.learner.learner {
        Some(learner) => {
            let store =
                args.learner.store.spec().map_err(CliError::Store)?.open(None, args.learner.evidence_days).await?;
            if lab.recalls(&args.steps) {
                let progress = store.progress(learner, &lab.id).await?;
                lab = lab.recalling(progress::recalled(progress.as_ref()));
            }
            Some(store)
        }
        None => None,
    };
    let checks = lab.select(&args.steps)?;
    let options = EngineOptions {
        check_timeout: Duration::from_secs(args.timeout.max(1)),
        wait: args.wait.map(Duration::from_secs),
        locale: lab.locale_for(&args.lang.requested()),
        ..EngineOptions::default()
    };

    let report = match &args.from {
        Some(path) => {
            let snapshot = Snapshot::load(path)?;
            if snapshot.lab.id != lab.id {
                let message = format!(
                    "the snapshot {} was taken for lab `{}`, not `{}`",
                    path.display(),
                    snapshot.lab.id,
                    lab.id
                );
                return Err(LabError { file: lab.file.clone(), line: None, message }.into());
            }
            let report = grading::grade_facts(&lab, &checks, snapshot.facts.clone(), snapshot.target.clone(), &options);
            (report.await, Some(snapshot))
        }
        None => {
            let session = Arc::new(connect(&args.aws).await?);
            // Evidence is read only to be kept with the learner's progress.
            if store.is_some() && args.learner.learner.is_some() {
                let (report, evidence) = grading::grade_account_with_evidence(&lab, &checks, session, &options).await;
                (report, Some(evidence))
            } else {
                (grading::grade_account(&lab, &checks, session, &options).await, None)
            }
        }
    };
    let (mut report, evidence) = report;
    if let (Some(store), Some(learner), Some(evidence)) = (&store, &args.learner.learner, evidence) {
        report.recorded =
            Some(progress::keep(store.as_ref(), Arc::new(lab.clone()), learner, &report, evidence).await.0);
        if let Some(days) = args.learner.evidence_days
            && let Err(e) = store.forget_evidence_before(&progress::days_ago(days)).await
        {
            eprintln!("labcheck: warning: old evidence was not dropped: {e}");
        }
    }
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
    match not_kept {
        // The verdicts stand (printed above); that they were not kept is an error of its own.
        Some(error) => Err(CliError::NotKept(error)),
        None => Ok(exit_code(report.outcome)),
    }
}
