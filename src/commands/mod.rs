//! One module per subcommand. Each returns the process exit code or a [`CliError`] (exit 2).

pub mod common;
pub mod explain;
pub mod list;
pub mod policy;
pub mod run;
pub mod test;
pub mod validators;

crate::with_aws! {
    pub mod cohort;
    pub mod evidence;
    pub mod learner_data;
    pub mod lti;
    pub mod mutate;
    pub mod progress;
    pub mod serve;
    pub mod session;
    pub mod snapshot;
    pub mod watch;
}

use std::io::Write;
use std::path::{Path, PathBuf};
#[cfg(feature = "aws")]
use std::time::Duration;

#[cfg(feature = "aws")]
use crate::aws::{AwsSession, InvokeUrlTemplate, SessionError, SessionOptions};
use crate::lab::LabError;
use crate::model::Outcome;
#[cfg(feature = "aws")]
use common::AwsArgs;

/// Exit codes (also in `labcheck --help` and the book).
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
    #[cfg(feature = "aws")]
    #[error("{0}")]
    Session(#[from] SessionError),
    #[cfg(feature = "aws")]
    #[error("--invoke-url-template: {0}")]
    InvokeUrlTemplate(String),
    #[error("cannot write {}: {source}", path.display())]
    Output { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Snapshot(#[from] crate::snapshot::SnapshotError),
    #[cfg(feature = "aws")]
    #[error("reading the account took longer than {0:?} (--timeout)")]
    Timeout(Duration),
    #[cfg(feature = "aws")]
    #[error("{0}")]
    Service(#[from] crate::service::ServiceError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[cfg(feature = "aws")]
    #[error("{0}")]
    Store(String),
    #[cfg(feature = "aws")]
    #[error("{0}")]
    StoreUnusable(#[from] crate::db::StoreError),
    #[cfg(feature = "aws")]
    #[error("the grading was not recorded: {0}")]
    NotKept(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Usage(String),
}

/// Connects to the account `args` name (credentials and region checked before anything is read).
#[cfg(feature = "aws")]
async fn connect(args: &AwsArgs) -> Result<AwsSession, CliError> {
    let invoke = InvokeUrlTemplate::parse(&args.invoke_url_template).map_err(CliError::InvokeUrlTemplate)?;
    let options = SessionOptions {
        profile: args.profile.clone(),
        region: args.region.clone(),
        invoke_url_template: invoke,
        probe_timeout: None,
    };
    Ok(AwsSession::connect(options).await?)
}

/// A temp file beside `path`, made before any work so an unwritable path fails fast and nothing is half-written.
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

/// Writes `text` to the prepared temp file and renames it over `path`.
fn write_output(mut file: tempfile::NamedTempFile, path: &Path, text: &str) -> Result<(), CliError> {
    let written = file.write_all(text.as_bytes()).and_then(|()| file.as_file().sync_all());
    written.map_err(|source| CliError::Output { path: path.to_owned(), source })?;
    file.persist(path).map_err(|e| CliError::Output { path: path.to_owned(), source: e.error })?;
    Ok(())
}
