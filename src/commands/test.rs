//! `labcheck test PATH`: grade each case's snapshot and compare with the statuses expected for it, so a lab author
//! keeps regression cases beside the lab (in the spirit of `cfn-guard test`).
//!
//! A lab is a folder, `checks/<lab-id>/`, with `lab.toml` and `cases/`. A case is `cases/NAME.expected.toml` with the
//! snapshot `cases/NAME.json` beside it:
//!
//! ```toml
//! lab = "../lab.toml"    # relative to this file; this is the default
//! [expect]
//! usage-plan-created = "pass"
//! ```
//! Every check the snapshot grades must be listed, and nothing else. An optional `[messages]` table names, by check,
//! words its message must contain (the fault a broken state shows). `--bless` writes the statuses it gets.
//! PATH is a folder of lab folders (`checks`: every lab), one lab folder, or a folder of cases.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{CliError, exit};
use crate::engine::EngineOptions;
use crate::grading;
use crate::lab::{Lab, LabError};
use crate::model::{CheckResult, Status};
use crate::snapshot::Snapshot;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// The lab file, relative to the expected file (default `../lab.toml`: the lab folder's).
    #[serde(default = "lab_beside_cases", skip_serializing_if = "is_lab_beside_cases")]
    lab: PathBuf,
    /// The snapshot, relative to the expected file (default `NAME.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    snapshot: Option<PathBuf>,
    /// Status per check id.
    #[serde(default)]
    expect: BTreeMap<String, Status>,
    /// Words a check's message must contain, per check id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    messages: BTreeMap<String, String>,
}

fn lab_beside_cases() -> PathBuf {
    Path::new("..").join(crate::lab::LAB_FILE)
}

fn is_lab_beside_cases(lab: &Path) -> bool {
    lab == lab_beside_cases()
}

fn bad(file: &Path, message: impl Into<String>) -> CliError {
    LabError { file: file.to_owned(), line: None, message: message.into() }.into()
}

/// The case folders PATH stands for, each with the prefix its cases are named with: a folder of lab folders gives
/// each lab's `cases/` (named `LAB/CASE`), a lab folder its `cases/`, any other folder itself.
fn case_folders(path: &Path) -> Result<Vec<(String, PathBuf)>, CliError> {
    if path.join(crate::lab::LAB_FILE).is_file() {
        return Ok(vec![(String::new(), path.join("cases"))]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| bad(path, format!("cannot read the folder: {e}")))?;
    let mut labs: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join(crate::lab::LAB_FILE).is_file() && p.join("cases").is_dir())
        .filter_map(|p| Some((format!("{}/", p.file_name()?.to_str()?), p.join("cases"))))
        .collect();
    labs.sort();
    if labs.is_empty() {
        return Ok(vec![(String::new(), path.to_owned())]);
    }
    Ok(labs)
}

/// The cases PATH stands for, sorted by name.
fn cases(path: &Path, only: &[String]) -> Result<Vec<(String, PathBuf)>, CliError> {
    let mut cases: Vec<(String, PathBuf)> = Vec::new();
    for (prefix, dir) in case_folders(path)? {
        let entries = std::fs::read_dir(&dir).map_err(|e| bad(&dir, format!("cannot read the folder: {e}")))?;
        cases.extend(entries.filter_map(Result::ok).map(|e| e.path()).filter_map(|p| {
            let name = p.file_name()?.to_str()?.strip_suffix(".expected.toml")?.to_owned();
            Some((format!("{prefix}{name}"), p))
        }));
    }
    let dir = path;
    let mut cases: Vec<(String, PathBuf)> =
        cases.into_iter().filter(|(name, _)| only.is_empty() || only.contains(name)).collect();
    for name in only {
        if !cases.iter().any(|(n, _)| n == name) {
            return Err(bad(dir, format!("no case `{name}` (no {name}.expected.toml)")));
        }
    }
    cases.sort();
    if cases.is_empty() {
        return Err(bad(
            dir,
            "no *.expected.toml cases here (each names its lab and the statuses a snapshot must get)",
        ));
    }
    Ok(cases)
}

fn read_expected(path: &Path) -> Result<Expected, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| bad(path, format!("cannot read: {e}")))?;
    toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        let message = e.message().trim().replace('\n', " ");
        CliError::Lab(LabError { file: path.to_owned(), line, message })
    })
}

/// The lab and the snapshot of the case whose expected file is `path`.
fn load_case(path: &Path, expected: &Expected) -> Result<(Lab, Snapshot), CliError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let lab = Lab::load(&dir.join(&expected.lab))?;
    let file = path.file_name().and_then(|f| f.to_str()).unwrap_or_default();
    let name = file.strip_suffix(".expected.toml").unwrap_or(file);
    let snapshot_path = dir.join(expected.snapshot.clone().unwrap_or_else(|| PathBuf::from(format!("{name}.json"))));
    let snapshot = Snapshot::load(&snapshot_path)?;
    if snapshot.lab.id != lab.id {
        return Err(bad(&snapshot_path, format!("taken for lab `{}`, not `{}`", snapshot.lab.id, lab.id)));
    }
    Ok((lab, snapshot))
}

/// The cases of the lab folder `dir` (`dir/cases/*.expected.toml`), each with its snapshot; `only` these if given.
#[cfg(feature = "aws")]
pub(crate) fn lab_cases(dir: &Path, only: &[String]) -> Result<Vec<crate::mutate::Case>, CliError> {
    let mut loaded = Vec::new();
    for (name, path) in cases(dir, only)? {
        let (_, snapshot) = load_case(&path, &read_expected(&path)?)?;
        loaded.push(crate::mutate::Case { name, snapshot });
    }
    Ok(loaded)
}

/// Grades one case; `Ok(problems)` (empty when it matches).
async fn run_case(path: &Path, expected: &Expected) -> Result<(Vec<CheckResult>, Vec<String>), CliError> {
    let (lab, snapshot) = load_case(path, expected)?;
    let checks = lab.select(&snapshot.steps)?;
    let graded = grading::grade_facts(&lab, &checks, snapshot.facts, snapshot.target, &EngineOptions::default()).await;
    let mut problems = Vec::new();
    for result in &graded.checks {
        match expected.expect.get(&result.id) {
            None => {
                problems.push(format!("{}: not in the expected statuses (got {})", result.id, result.status.as_str()))
            }
            Some(status) if *status != result.status => problems.push(format!(
                "{}: expected {}, got {}: {}",
                result.id,
                status.as_str(),
                result.status.as_str(),
                result.message
            )),
            Some(_) => {}
        }
    }
    for id in expected.expect.keys() {
        if !graded.checks.iter().any(|r| &r.id == id) {
            problems.push(format!("{id}: expected, but the snapshot does not grade it"));
        }
    }
    for (id, words) in &expected.messages {
        match graded.checks.iter().find(|r| &r.id == id) {
            Some(result) if !result.message.contains(words.as_str()) => {
                problems.push(format!("{id}: the message does not say \"{words}\": {}", result.message));
            }
            Some(_) => {}
            None => problems.push(format!("{id}: a message is expected, but the snapshot does not grade it")),
        }
    }
    Ok((graded.checks, problems))
}

/// The lab folders PATH stands for: itself, or the folders in it that hold a `lab.toml`.
fn lab_folders(path: &Path) -> Vec<PathBuf> {
    if path.join(crate::lab::LAB_FILE).is_file() {
        return vec![path.to_owned()];
    }
    let mut labs: Vec<PathBuf> = std::fs::read_dir(path)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    labs.retain(|p| p.join(crate::lab::LAB_FILE).is_file());
    labs.sort();
    labs
}

/// The author's protocol: a lab ships a `fresh` case (nothing done: no check passes, none is an error) and a
/// solved case (every check passes). Checks of a step that takes the others apart (a cleanup) are left out of both:
/// they pass on nothing, and fail while the lab stands. One line naming what is missing.
fn protocol(folder: &Path) -> Result<(), CliError> {
    let lab = Lab::load(&folder.join(crate::lab::LAB_FILE))?;
    let cases = folder.join("cases");
    let fresh = cases.join("fresh.expected.toml");
    let missing = |what: &str| {
        bad(folder, format!("{what}: a lab ships a `fresh` case (nothing done) and a solved one (every check passes)"))
    };
    if !fresh.is_file() {
        return Err(missing("no cases/fresh.expected.toml"));
    }
    let undoing: Vec<&str> = lab.steps.iter().filter(|s| !s.undoes.is_empty()).map(|s| s.id.as_str()).collect();
    let taken_apart = |id: &str| lab.checks().any(|c| c.id == id && undoing.contains(&c.step.as_str()));
    let fresh_expect = read_expected(&fresh)?.expect;
    let done =
        |(id, status): &(&String, &Status)| **status == Status::Error || (**status == Status::Pass && !taken_apart(id));
    if let Some((id, status)) = fresh_expect.iter().find(done) {
        return Err(bad(&fresh, format!("the fresh case expects {id} to {}: nothing is done yet", status.as_str())));
    }
    let solved = cases_of(&cases)
        .into_iter()
        .filter_map(|path| read_expected(&path).ok())
        .any(|e| !e.expect.is_empty() && e.expect.iter().all(|(id, s)| *s == Status::Pass || taken_apart(id)));
    if !solved {
        return Err(missing("no solved case"));
    }
    Ok(())
}

/// The expected files in a cases folder.
fn cases_of(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".expected.toml")))
        .collect()
}

/// `--mutate`: the analysis of each lab; the labs with a check with no teeth.
#[cfg(feature = "aws")]
async fn mutate_labs(dir: &Path, out: &mut impl Write) -> Result<usize, CliError> {
    let mut toothless_labs = 0;
    for folder in lab_folders(dir) {
        let lab = Lab::load(&folder.join(crate::lab::LAB_FILE))?;
        let cases = lab_cases(&folder, &[])?;
        let analysis = crate::mutate::analyze(&lab, &cases, &crate::mutate::Options::default()).await;
        let toothless: Vec<&str> = analysis.toothless().map(|t| t.id.as_str()).collect();
        let accepted = analysis.uncaught.iter().filter(|u| u.accepted.is_some()).count();
        let failed = !toothless.is_empty() || !analysis.duplicates.is_empty() || !analysis.stale_acceptances.is_empty();
        let mark = if failed { "FAILED " } else { "ok     " };
        writeln!(
            out,
            "{mark} mutate {}: {} mutants, {} checks, {} with no teeth, {} duplicates, {} uncaught fields ({accepted} accepted), {} errors",
            lab.id,
            analysis.mutants,
            analysis.checks.len(),
            toothless.len(),
            analysis.duplicates.len(),
            analysis.uncaught.len(),
            analysis.errors.len()
        )?;
        for id in &toothless {
            writeln!(out, "        {id}: no teeth (labcheck mutate {} names what it judges)", folder.display())?;
        }
        for duplicate in &analysis.duplicates {
            let [a, b] = &duplicate.checks;
            writeln!(out, "        {a} and {b}: duplicates ({})", duplicate.why)?;
        }
        for stale in &analysis.stale_acceptances {
            writeln!(
                out,
                "        accepts {stale}, which needs no acceptance any more: take it out of [mutate] accept"
            )?;
        }
        if failed {
            toothless_labs += 1;
        }
    }
    Ok(toothless_labs)
}

pub async fn test(
    dir: &Path,
    bless: bool,
    only: &[String],
    #[cfg(feature = "aws")] mutate: bool,
) -> Result<u8, CliError> {
    if only.is_empty() && !bless {
        for folder in lab_folders(dir) {
            protocol(&folder)?;
        }
    }
    let cases = cases(dir, only)?;
    let mut out = std::io::stdout().lock();
    let (mut passed, mut failed) = (0, 0);
    for (name, path) in &cases {
        let expected = read_expected(path)?;
        let (results, problems) = run_case(path, &expected).await?;
        if bless {
            let statuses = results.iter().map(|r| (r.id.clone(), r.status)).collect();
            let blessed = Expected { expect: statuses, ..expected };
            let text = toml::to_string(&blessed).expect("expected statuses serialize");
            std::fs::write(path, text).map_err(|source| CliError::Output { path: path.clone(), source })?;
            writeln!(out, "blessed {name} ({} checks)", results.len())?;
            passed += 1;
        } else if problems.is_empty() {
            writeln!(out, "ok      {name} ({} checks)", results.len())?;
            passed += 1;
        } else {
            writeln!(out, "FAILED  {name}")?;
            for problem in problems {
                writeln!(out, "        {problem}")?;
            }
            failed += 1;
        }
    }
    writeln!(out, "labcheck test: {passed} passed, {failed} failed")?;
    #[cfg(feature = "aws")]
    let toothless = if mutate { mutate_labs(dir, &mut out).await? } else { 0 };
    #[cfg(not(feature = "aws"))]
    let toothless = 0;
    Ok(if failed == 0 && toothless == 0 { exit::PASS } else { exit::FAIL })
}
