//! `labcheck watch`: a live checklist for a student working through a lab. Every `--interval` seconds it re-reads and
//! re-checks what has not passed yet (each collection once per round, only what is pending), and shows the result:
//! redrawn in place on a terminal, the changes only when piped. It ends when everything passes, or on Ctrl-C, with
//! the exit code `run` would give for the last round.

use std::path::PathBuf;

use clap::Args;
use super::common::{AwsArgs, LangArg, Verbosity};
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{CliError, connect, exit_code};
use crate::engine::EngineOptions;
use crate::grading;
use crate::lab::Lab;
use crate::model::Report;
use crate::report::live;

/// Clears the screen and puts the cursor home, for the in-place redraw.
const REDRAW: &str = "\x1b[H\x1b[2J";

pub async fn watch(args: WatchArgs) -> Result<u8, CliError> {
    let lab = Lab::load(&args.lab)?;
    let checks = lab.select(&args.steps)?;
    let interval = Duration::from_secs(args.interval.max(2));
    let options = EngineOptions {
        check_timeout: Duration::from_secs(args.timeout.max(1)),
        wait: Some(Duration::MAX),
        poll_interval: interval,
        locale: lab.locale_for(&args.lang.requested()),
    };
    let session = Arc::new(connect(&args.aws).await?);
    let terminal = std::io::stdout().is_terminal();
    let last: Arc<Mutex<Option<Report>>> = Arc::new(Mutex::new(None));
    let seen = last.clone();
    let mut show = move |report: &Report| {
        let mut previous = seen.lock().expect("last report");
        let text = if terminal {
            format!("{REDRAW}{}", live::screen(report, interval))
        } else {
            live::changes(previous.as_ref(), report)
        };
        let mut stdout = std::io::stdout().lock();
        // A closed stdout (the reader went away) ends the watch.
        let shown = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).is_ok();
        *previous = Some(report.clone());
        shown
    };
    let grading = grading::watch_account(&lab, &checks, session, &options, &mut show);
    let report = tokio::select! {
        report = grading => report,
        _ = tokio::signal::ctrl_c() => match last.lock().expect("last report").take() {
            Some(report) => report,
            // Stopped before the first round ended: nothing was graded.
            None => return Ok(super::exit::INCOMPLETE),
        },
    };
    Ok(exit_code(report.outcome))
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

    #[command(flatten)]
    pub verbosity: Verbosity,
}
