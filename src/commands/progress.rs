//! `labcheck progress`: a learner's progress in a lab, from the store, in any report format.

use std::path::PathBuf;

use clap::Args;
use super::common::{ColorChoice, LangArg, StoreArgs, format_names, learner_name};
use std::io::Write;
use std::sync::Arc;

use super::run::use_color;
use super::{CliError, exit_code};
use crate::lab::Lab;
use crate::progress::{self, Progress};
use crate::report::{self, Style};

pub async fn progress(args: ProgressArgs) -> Result<u8, CliError> {
    let lab = Arc::new(Lab::load(&args.lab)?);
    let store = args.store.spec().map_err(CliError::Store)?.open_existing().await?;
    let locale = lab.locale_for(&args.lang.requested());
    let progress =
        store.progress(&args.learner, &lab.id).await?.unwrap_or_else(|| Progress::new(&args.learner, &lab.id));
    let report = progress::report(&lab, &progress, &locale);
    let format = report::named(&args.format).expect("clap allows only listed formats");
    let mut stdout = std::io::stdout().lock();
    format.write(&report, Style { color: use_color(args.color), stats: false }, &mut stdout)?;
    stdout.flush()?;
    Ok(exit_code(report.outcome))
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Lab: a lab folder (checks/apigw-items) or its lab.toml
    pub lab: PathBuf,

    /// The learner, as given to `run --learner`.
    #[arg(long, value_name = "NAME", value_parser = learner_name)]
    pub learner: String,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Output format.
    #[arg(long, short, value_parser = format_names(), default_value = "human")]
    pub format: String,

    #[command(flatten)]
    pub lang: LangArg,

    /// When to colour the checklist.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}
