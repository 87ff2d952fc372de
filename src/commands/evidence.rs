//! `labcheck evidence`: one recorded grading's evidence, as the snapshot `run --from` grades again.

use std::path::PathBuf;

use clap::Args;
use super::common::StoreArgs;
use std::io::Write;

use super::{CliError, exit, prepare_output, write_output};

pub async fn evidence(args: EvidenceArgs) -> Result<u8, CliError> {
    let output = args.output.as_deref().map(prepare_output).transpose()?;
    let spec = args.store.spec().map_err(CliError::Store)?;
    let store = spec.open_existing().await?;
    let Some(grading) = store.grading(&args.grading).await? else {
        return Err(CliError::NotFound(format!("no grading {} in store {spec}", args.grading)));
    };
    let Some(snapshot) = grading.evidence else {
        return Err(CliError::NotFound(format!(
            "the evidence of grading {} ({}) was dropped (older than --evidence-days); its report is kept",
            grading.id, grading.graded_at
        )));
    };
    let text = snapshot.to_json();
    match (output, &args.output) {
        (Some(file), Some(path)) => write_output(file, path, &text)?,
        _ => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(exit::PASS)
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// The grading's id (`run --learner` prints it; the JSON report has it under `recorded`).
    #[arg(value_parser = grading_id)]
    pub grading: String,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Write the snapshot to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn grading_id(id: &str) -> Result<String, String> {
    crate::ids::check_grading_id(id).map(|()| id.to_owned())
}
