//! One module per subcommand. Each returns the process exit code or a [`CliError`] (exit 2).

mod explain;
mod list;
mod run;
mod validators;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::inventory::SessionError;
use crate::lab::LabError;
use crate::model::Outcome;

/// Exit codes (also in `labcheck --help` and the README).
pub mod exit {
    /// Every selected check passed.
    pub const PASS: u8 = 0;
    /// At least one check failed (or was skipped), none errored.
    pub const FAIL: u8 = 1;
    /// Bad invocation, invalid lab file, no credentials/region: nothing was checked.
    pub const USAGE: u8 = 2;
    /// At least one check could not be evaluated: the grade is incomplete.
    pub const INCOMPLETE: u8 = 3;
}

pub fn exit_code(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Pass => exit::PASS,
        Outcome::Fail => exit::FAIL,
        Outcome::Error => exit::INCOMPLETE,
    }
}

/// Everything that stops a command before or instead of grading. Printed as one line; exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Lab(#[from] LabError),
    #[error("{0}")]
    Session(#[from] SessionError),
    #[error("--invoke-url-template: {0}")]
    InvokeUrlTemplate(String),
    #[error("cannot write {}: {source}", path.display())]
    Output { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub async fn dispatch(cli: Cli) -> Result<ExitCode, CliError> {
    let code = match cli.command {
        Command::Run(args) => run::run(args).await?,
        Command::List { lab } => list::list(&lab)?,
        Command::Explain { lab, check } => explain::explain(&lab, &check)?,
        Command::Validators { verbose } => validators::validators(verbose)?,
    };
    Ok(ExitCode::from(code))
}
