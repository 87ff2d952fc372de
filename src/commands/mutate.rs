//! `labcheck mutate LAB`: the mutation analysis of a lab's checks over its cases ([`crate::mutate`]).

use std::io::Write;
use std::path::Path;

use super::{CliError, exit};
use crate::cli::MutateArgs;
use crate::lab::Lab;
use crate::mutate::{self, FORMATS, Options};

/// The lab folder a path names (a folder, or its `lab.toml`).
pub(super) fn lab_folder(path: &Path) -> &Path {
    if path.is_file() { path.parent().unwrap_or(Path::new(".")) } else { path }
}

pub async fn mutate(args: MutateArgs) -> Result<u8, CliError> {
    let folder = lab_folder(&args.lab);
    let lab = Lab::load(&folder.join(crate::lab::LAB_FILE))?;
    let cases = super::test::lab_cases(folder, &args.cases)?;
    let options = Options { cap: usize::try_from(args.cap).unwrap_or(usize::MAX), seed: args.seed };
    let analysis = mutate::analyze(&lab, &cases, &options).await;
    let format = FORMATS.iter().find(|f| f.name == args.format).expect("clap checks the format");
    std::io::stdout().lock().write_all((format.write)(&analysis).as_bytes())?;
    let faulty = analysis.toothless().count() + analysis.duplicates.len();
    Ok(if args.require_teeth && faulty > 0 { exit::FAIL } else { exit::PASS })
}
