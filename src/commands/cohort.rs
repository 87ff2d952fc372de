//! `labcheck cohort LAB --store STORE`: a class's figures in a lab (per check, per step, per learner), from the
//! store's index of progress by lab, as JSON.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{CliError, exit};
use super::common::{LangArg, StoreArgs};
use crate::cohort::{self, CohortFormat, Filter};
use crate::lab::Lab;

#[derive(Debug, Args)]
pub struct CohortArgs {
    /// Lab: a lab folder (checks/apigw-items) or its lab.toml
    lab: PathBuf,
    /// Only learners whose id starts with this (a class, e.g. cs101-)
    #[arg(long, value_name = "PREFIX")]
    learner_prefix: Option<String>,
    /// Only learners last graded at or after this time (RFC 3339, e.g. 2026-11-01T00:00:00Z)
    #[arg(long, value_name = "TIME", value_parser = rfc3339)]
    since: Option<String>,
    /// Only learners last graded at or before this time (RFC 3339)
    #[arg(long, value_name = "TIME", value_parser = rfc3339)]
    until: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    lang: LangArg,
    /// Output format: json; checks-csv or learners-csv (a row per check or per learner); html (one page)
    #[arg(long, short, value_name = "FORMAT", default_value = "json", value_parser = CohortFormat::parse)]
    format: CohortFormat,
}

fn rfc3339(text: &str) -> Result<String, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(|_| text.to_owned())
        .map_err(|_| format!("`{}` is not an RFC 3339 time (2026-11-01T00:00:00Z)", text.escape_debug()))
}

pub async fn cohort(args: CohortArgs) -> Result<u8, CliError> {
    let lab = Lab::load(&args.lab)?;
    let store = args.store.spec().map_err(CliError::Store)?.open_existing().await?;
    let filter = Filter { learner_prefix: args.learner_prefix, since: args.since, until: args.until };
    let locale = lab.locale_for(&args.lang.requested());
    let figures = cohort::read(&*store, &lab, filter, &locale).await?;
    let text = args.format.write(&figures, &lab, &locale).map_err(std::io::Error::other)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    Ok(exit::PASS)
}
