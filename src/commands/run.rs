//! `labcheck run`: load the lab, connect, grade, report.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{CliError, exit_code};
use crate::cli::{ColorChoice, RunArgs};
use crate::engine::{self, EngineOptions};
use crate::facts::Need;
use crate::inventory::{AwsInventory, AwsSession, FactSource, InvokeUrlTemplate, SessionOptions};
use crate::lab::Lab;
use crate::model::{LabInfo, Outcome, REPORT_SCHEMA_VERSION, Report, StepInfo, Summary, Target};
use crate::report::{self, Format, HumanOptions};

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// A temp file beside `path`, made before grading so an unwritable path fails fast and nothing is half-written.
fn prepare_output(path: &Path) -> Result<tempfile::NamedTempFile, CliError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(".labcheck-")
        .tempfile_in(dir)
        .map_err(|source| CliError::Output { path: path.to_owned(), source })
}

pub async fn run(args: RunArgs) -> Result<u8, CliError> {
    let lab = Lab::load(&args.lab)?;
    let checks = lab.select(&args.steps)?;
    let invoke = InvokeUrlTemplate::parse(&args.invoke_url_template).map_err(CliError::InvokeUrlTemplate)?;
    let output = args.output.as_deref().map(prepare_output).transpose()?;

    let session = Arc::new(
        AwsSession::connect(SessionOptions {
            profile: args.profile.clone(),
            region: args.region.clone(),
            invoke_url_template: invoke,
            probe_timeout: None,
        })
        .await?,
    );

    let started_at = OffsetDateTime::now_utc();
    let clock = Instant::now();
    let options = EngineOptions {
        check_timeout: Duration::from_secs(args.timeout.max(1)),
        wait: args.wait.map(Duration::from_secs),
        ..EngineOptions::default()
    };
    let round_session = session.clone();
    let new_source =
        move |plan: &[Need]| -> Box<dyn FactSource> { Box::new(AwsInventory::new(round_session.clone(), plan)) };
    let (graded, account_id) = tokio::join!(engine::grade(&checks, &new_source, &options), session.account_id());

    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        labcheck_version: env!("CARGO_PKG_VERSION").to_owned(),
        lab: LabInfo { id: lab.id.clone(), title: lab.title.clone(), file: lab.file.display().to_string() },
        target: Target { account_id, region: session.region().to_owned() },
        started_at: started_at.format(&Rfc3339).unwrap_or_default(),
        duration: clock.elapsed(),
        outcome: Outcome::Pass,
        score: 0,
        max_score: 0,
        summary: Summary::default(),
        steps: steps_of(&lab, &graded.results),
        checks: graded.results,
        stats: session.stats().snapshot(graded.rounds),
    };
    report.tally();

    let human = HumanOptions { color: use_color(args.color), stats: args.stats };
    let mut stdout = std::io::stdout().lock();
    match (output, &args.output) {
        (Some(mut file), Some(path)) => {
            let plain = HumanOptions { color: false, ..human.clone() };
            let text = report::render(&report, args.format, &plain);
            let write = file.write_all(text.as_bytes()).and_then(|()| file.as_file().sync_all());
            write.map_err(|source| CliError::Output { path: path.clone(), source })?;
            file.persist(path).map_err(|e| CliError::Output { path: path.clone(), source: e.error })?;
            stdout.write_all(report::render(&report, Format::Human, &human).as_bytes())?;
        }
        _ => {
            stdout.write_all(report::render(&report, args.format, &human).as_bytes())?;
            if args.stats && args.format != Format::Human {
                eprint!(
                    "{}",
                    report::render(&report, Format::Human, &HumanOptions { color: false, stats: true })
                        .lines()
                        .last()
                        .map(|l| format!("{l}\n"))
                        .unwrap_or_default()
                );
            }
        }
    }
    stdout.flush()?;
    Ok(exit_code(report.outcome))
}

/// The steps that have graded checks, in lab order.
fn steps_of(lab: &Lab, results: &[crate::model::CheckResult]) -> Vec<StepInfo> {
    lab.steps
        .iter()
        .filter(|s| results.iter().any(|r| r.step == s.id))
        .map(|s| StepInfo { id: s.id.clone(), title: s.title.clone() })
        .collect()
}
