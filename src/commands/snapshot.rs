//! `labcheck snapshot`: read what the lab's checks need and write it, with no secret, for `run --from`.

use std::path::PathBuf;

use clap::Args;
use super::common::{AwsArgs, Verbosity};
use std::io::Write;
use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{CliError, connect, exit, prepare_output, write_output};
use crate::providers::Read;
use crate::inventory::{AwsInventory, FactSource};
use crate::lab::Lab;
use crate::model::Target;
use crate::snapshot::{Snapshot, SnapshotLab};

pub async fn snapshot(args: SnapshotArgs) -> Result<u8, CliError> {
    let lab = Lab::load(&args.lab)?;
    let checks = lab.select(&args.steps)?;
    let output = args.output.as_deref().map(prepare_output).transpose()?;
    let session = std::sync::Arc::new(connect(&args.aws).await?);

    // Every need of every selected check, whatever its prerequisites turn out to be, so that grading the
    // snapshot sees what grading the account would.
    let mut reads: Vec<Read> = checks.iter().flat_map(|c| c.validator.reads()).collect();
    reads.sort();
    reads.dedup();
    let taken_at = OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default();
    let inventory = AwsInventory::new(session.clone(), &reads);
    let timeout = Duration::from_secs(args.timeout.max(1));
    let (facts, account_id) =
        tokio::join!(tokio::time::timeout(timeout, inventory.collect(&reads)), session.account_id(timeout));
    let facts = std::sync::Arc::unwrap_or_clone(facts.map_err(|_| CliError::Timeout(timeout))?);

    let snapshot = Snapshot::new(
        SnapshotLab { id: lab.id.clone(), file: lab.file.display().to_string() },
        args.steps.clone(),
        taken_at,
        Target { account_id, region: session.region().to_owned() },
        facts,
    );
    let text = snapshot.to_json();
    let stats = session.stats().snapshot(1);
    match (output, &args.output) {
        (Some(file), Some(path)) => {
            write_output(file, path, &text)?;
            eprintln!(
                "labcheck: wrote {} ({} AWS API calls, {} probes)",
                path.display(),
                stats.api_calls_total,
                stats.probes
            );
        }
        _ => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(exit::PASS)
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Lab: a lab folder (checks/apigw-items) or its lab.toml
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

    #[command(flatten)]
    pub verbosity: Verbosity,
}
