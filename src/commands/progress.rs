//! `labcheck progress`: a learner's progress in a lab, from the store, in any report format.

use std::io::Write;
use std::sync::Arc;

use super::run::use_color;
use super::{CliError, exit_code};
use crate::cli::ProgressArgs;
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
