//! `labcheck run`: load the lab, read the account (or a snapshot), grade, report.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{CliError, connect, exit_code, prepare_output, write_output};
use crate::cli::{ColorChoice, RunArgs};
use crate::engine::{self, EngineOptions, Graded};
use crate::facts::Need;
use crate::inventory::{AwsInventory, FactSource};
use crate::lab::{Lab, LabError};
use crate::model::{CheckResult, LabInfo, Outcome, REPORT_SCHEMA_VERSION, Report, Stats, StepInfo, Summary, Target};
use crate::report::{self, Format, HumanOptions};
use crate::snapshot::{Snapshot, SnapshotSource};

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

pub async fn run(args: RunArgs) -> Result<u8, CliError> {
    let lab = Lab::load(&args.lab)?;
    let checks = lab.select(&args.steps)?;
    let output = args.output.as_deref().map(prepare_output).transpose()?;
    let options = EngineOptions {
        check_timeout: Duration::from_secs(args.timeout.max(1)),
        wait: args.wait.map(Duration::from_secs),
        ..EngineOptions::default()
    };

    let started_at = OffsetDateTime::now_utc();
    let clock = Instant::now();
    let (graded, target, stats): (Graded, Target, Stats) = match &args.from {
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
            let facts = snapshot.facts;
            let new_source = move |_: &[Need]| -> Box<dyn FactSource> { Box::new(SnapshotSource::new(facts.clone())) };
            let graded = engine::grade(&checks, &new_source, &options).await;
            let stats = Stats { rounds: graded.rounds, ..Stats::default() };
            (graded, snapshot.target, stats)
        }
        None => {
            let session = Arc::new(connect(&args.aws).await?);
            let round_session = session.clone();
            let new_source = move |plan: &[Need]| -> Box<dyn FactSource> {
                Box::new(AwsInventory::new(round_session.clone(), plan))
            };
            let (graded, account_id) =
                tokio::join!(engine::grade(&checks, &new_source, &options), session.account_id());
            let target = Target { account_id, region: session.region().to_owned() };
            let stats = session.stats().snapshot(graded.rounds);
            (graded, target, stats)
        }
    };

    let mut report = Report {
        schema_version: REPORT_SCHEMA_VERSION,
        labcheck_version: env!("CARGO_PKG_VERSION").to_owned(),
        lab: LabInfo { id: lab.id.clone(), title: lab.title.clone(), file: lab.file.display().to_string() },
        target,
        started_at: started_at.format(&Rfc3339).unwrap_or_default(),
        duration: clock.elapsed(),
        outcome: Outcome::Pass,
        score: 0,
        max_score: 0,
        summary: Summary::default(),
        steps: steps_of(&lab, &graded.results),
        checks: graded.results,
        stats,
    };
    report.tally();

    let human = HumanOptions { color: use_color(args.color), stats: args.stats };
    let mut stdout = std::io::stdout().lock();
    match (output, &args.output) {
        (Some(file), Some(path)) => {
            let plain = HumanOptions { color: false, ..human.clone() };
            write_output(file, path, &report::render(&report, args.format, &plain))?;
            stdout.write_all(report::render(&report, Format::Human, &human).as_bytes())?;
        }
        _ => {
            stdout.write_all(report::render(&report, args.format, &human).as_bytes())?;
            if args.stats && args.format != Format::Human {
                let text = report::render(&report, Format::Human, &HumanOptions { color: false, stats: true });
                eprintln!("{}", text.lines().last().unwrap_or_default());
            }
        }
    }
    stdout.flush()?;
    Ok(exit_code(report.outcome))
}

/// The steps that have graded checks, in lab order.
fn steps_of(lab: &Lab, results: &[CheckResult]) -> Vec<StepInfo> {
    lab.steps
        .iter()
        .filter(|s| results.iter().any(|r| r.step == s.id))
        .map(|s| StepInfo { id: s.id.clone(), title: s.title.clone() })
        .collect()
}
