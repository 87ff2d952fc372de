//! `labcheck mutate LAB`: the mutation analysis of a lab's checks over its cases ([`crate::mutate`]).

use std::path::PathBuf;

use clap::Args;
use std::io::Write;
use std::path::Path;

use super::{CliError, exit};
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

#[derive(Debug, Args)]
pub struct MutateArgs {
    /// Lab: a lab folder (checks/apigw-items) with its cases/
    pub lab: PathBuf,
    /// Only this case (repeatable; default every case of the lab).
    #[arg(long = "case", value_name = "NAME")]
    pub cases: Vec<String>,
    /// human, json or junit.
    #[arg(long, default_value = "human", value_parser = ["human", "json", "junit"])]
    pub format: String,
    /// Exit 1 when a check has no kill of its own and no accepted reason, or two checks are duplicates.
    #[arg(long)]
    pub require_teeth: bool,
    /// Which mutants when a collection has more than --cap (the same ones for the same seed).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Mutants graded per collection of a case at most.
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub cap: u64,
}
