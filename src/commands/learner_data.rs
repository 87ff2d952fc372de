//! `labcheck export --learner ID` and `labcheck forget --learner ID [--lab LAB]`: a data-subject request and an
//! erasure, straight on a store (the service's `DELETE /v1/learners/{id}` erases too).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{CliError, exit, prepare_output, write_output};
use super::common::StoreArgs;
use crate::privacy;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The learner (the id the platform gave)
    #[arg(long, value_parser = learner_id)]
    learner: String,
    /// Write the export to FILE (atomically, readable by you alone) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// The learner (the id the platform gave)
    #[arg(long, value_parser = learner_id)]
    learner: String,
    /// Only their records in this lab (its id, e.g. apigw-items); every lab without it
    #[arg(long, value_name = "LAB_ID", value_parser = lab_id)]
    lab: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

fn learner_id(id: &str) -> Result<String, String> {
    crate::ids::check_learner(id).map(|()| id.to_owned())
}

fn lab_id(id: &str) -> Result<String, String> {
    crate::ids::check_lab_id(id).map(|()| id.to_owned()).map_err(|e| format!("`{}` is {e}", id.escape_debug()))
}

/// Everything kept about the learner, as JSON.
pub async fn export(args: ExportArgs) -> Result<u8, CliError> {
    let output = args.output.as_deref().map(prepare_output).transpose()?;
    let store = args.store.spec().map_err(CliError::Store)?.open_existing().await?;
    let export = privacy::export(store.as_ref(), &args.learner).await?;
    let text = serde_json::to_string_pretty(&export).map_err(std::io::Error::from)? + "\n";
    match (output, &args.output) {
        (Some(file), Some(path)) => write_output(file, path, &text)?,
        _ => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(exit::PASS)
}

/// Erases the learner's records and prints what went, as JSON.
pub async fn forget(args: ForgetArgs) -> Result<u8, CliError> {
    let spec = args.store.spec().map_err(CliError::Store)?;
    let store = spec.open_existing().await?;
    let forgotten = store.forget_learner(&args.learner, args.lab.as_deref()).await?;
    let text = serde_json::to_string(&forgotten).map_err(std::io::Error::from)?;
    writeln!(std::io::stdout().lock(), "{text}")?;
    let gone = forgotten.progress + forgotten.gradings + forgotten.sessions;
    eprintln!("labcheck: forgot learner {:?} in store {spec}: {gone} records", args.learner);
    Ok(exit::PASS)
}
