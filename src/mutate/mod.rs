//! Mutation analysis of a lab (`labcheck mutate`): every check proven to have teeth. From each case of the lab (a
//! snapshot of facts), mutants are made by changing one fact that a check of the lab reads ([`mutants`]); each is
//! graded in the process by the grading path of `run --from` ([`crate::grading::grade_facts`]). A check that
//! passes in a case and fails on a mutant of it is killed by that mutant; a mutant that changes no verdict is
//! uncaught, and names a field nothing checks; a mutant that makes a check `error` names a shape the reader cannot
//! take or a fact the lab must not depend on.
//!
//! Only states an account can be in are built: a mutant that breaks one of a provider's invariants (what AWS always
//! returns, [`crate::providers::Invariant`]) is left out. A kill is the check's **own** only when the mutant
//! changes what the check declares it judges ([`crate::validators::Judged`]): emptying a listing or renaming what
//! the check finds things by fails almost any check. A check with no kill of its own has no teeth. Two checks with
//! the same validator and params, or with the same kills, are duplicates.

mod mutants;
mod render;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use mutants::{Collection, Kind};
pub use render::{FORMATS, MutateFormat};

use crate::engine::EngineOptions;
use crate::providers::Facts;
use crate::grading;
use crate::lab::Lab;
use crate::model::Status;
use crate::providers::{Invariant, Never};
use crate::snapshot::Snapshot;
use crate::validators::{Change, Judged};

/// A case to mutate: its name and its snapshot.
pub struct Case {
    pub name: String,
    pub snapshot: Snapshot,
}

/// How many mutants, and which.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Mutants kept per collection of a case (a seeded sample when there are more).
    pub cap: usize,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self { cap: 200, seed: 0 }
    }
}

/// What the analysis found.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub lab: String,
    pub cases: Vec<String>,
    pub cap: usize,
    pub seed: u64,
    /// Mutants graded.
    pub mutants: usize,
    /// Changes the fact types cannot hold (a required field removed): not mutants.
    pub unrepresentable: usize,
    /// Changes that break what AWS always returns (a provider's invariants): states no account can be in, not
    /// mutants.
    pub impossible: usize,
    /// Verdicts of mutants that point at facts the snapshot never read (a role renamed where a function names it):
    /// not judged.
    pub beyond: usize,
    /// Collections that had more mutants than the cap: (case, collection, made, kept).
    pub capped: Vec<(String, String, usize, usize)>,
    /// Every check of the lab, in the lab's order.
    pub checks: Vec<Teeth>,
    /// Fields whose mutants changed no verdict, most mutants first.
    pub uncaught: Vec<Uncaught>,
    /// Mutants that made a check `error`.
    pub errors: Vec<Erred>,
    /// Checks that judge the same thing twice.
    pub duplicates: Vec<Duplicate>,
    /// What the lab accepts that needs no acceptance any more (a field some check now notices, a check with
    /// kills of its own): a reason that is no longer true.
    pub stale_acceptances: Vec<String>,
}

/// Two checks of a lab that are one: the same validator with the same params, or the same kills.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub checks: [String; 2],
    /// `same validator and params`, or `same kills`.
    pub why: &'static str,
}

/// A check's kills.
#[derive(Debug, Clone, Serialize)]
pub struct Teeth {
    pub id: String,
    pub step: String,
    /// The collections it reads.
    pub reads: Vec<String>,
    /// The cases in which it passes (only there can a mutant kill it).
    pub passes_in: Vec<String>,
    /// Mutants that made it leave `pass`.
    pub kills: usize,
    /// Those that changed what it judges: its own.
    pub own_kills: usize,
    /// A few of its own: `case: change`.
    pub examples: Vec<String>,
    /// The lab's reason to accept it with no kill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

impl Teeth {
    /// No kill of its own, and no reason given.
    pub fn toothless(&self) -> bool {
        self.own_kills == 0 && self.accepted.is_none()
    }
}

/// A field whose changes no check notices.
#[derive(Debug, Clone, Serialize)]
pub struct Uncaught {
    pub field: String,
    pub mutants: usize,
    pub example: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

/// A mutant that made a check `error`.
#[derive(Debug, Clone, Serialize)]
pub struct Erred {
    pub case: String,
    pub change: String,
    pub check: String,
    pub message: String,
}

impl Analysis {
    pub fn toothless(&self) -> impl Iterator<Item = &Teeth> {
        self.checks.iter().filter(|t| t.toothless())
    }
}

/// The collections the checks of `lab` read (mutants touch nothing else).
fn collections(lab: &Lab) -> Vec<Collection> {
    let reads = lab.checks().flat_map(|c| c.validator.reads());
    let set: BTreeSet<Collection> =
        reads.map(|r| Collection { name: r.kind().collection().to_owned(), keyed: r.kind().keyed() }).collect();
    set.into_iter().collect()
}

/// Runs the analysis over `cases` of `lab`.
pub async fn analyze(lab: &Lab, cases: &[Case], options: &Options) -> Analysis {
    let engine = EngineOptions::default();
    let targets = collections(lab);
    let mut analysis = Analysis {
        lab: lab.id.clone(),
        cases: cases.iter().map(|c| c.name.clone()).collect(),
        cap: options.cap,
        seed: options.seed,
        mutants: 0,
        unrepresentable: 0,
        impossible: 0,
        beyond: 0,
        capped: Vec::new(),
        checks: lab
            .checks()
            .map(|c| Teeth {
                id: c.id.clone(),
                step: c.step.clone(),
                reads: c
                    .validator
                    .reads()
                    .iter()
                    .map(|r| r.kind().collection().to_owned())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                passes_in: Vec::new(),
                kills: 0,
                own_kills: 0,
                examples: Vec::new(),
                accepted: lab.accepted.iter().find(|a| a.check.as_deref() == Some(&c.id)).map(|a| a.why.clone()),
            })
            .collect(),
        uncaught: Vec::new(),
        errors: Vec::new(),
        duplicates: Vec::new(),
        stale_acceptances: Vec::new(),
    };
    let (invariants, references) = (crate::providers::invariants(), crate::providers::references());
    let judged: BTreeMap<&str, Vec<Judged>> = lab.checks().map(|c| (c.id.as_str(), c.validator.judges())).collect();
    // Each check's kills, to find two checks that are one.
    let mut kill_sets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Per field: its mutants, how many any verdict noticed, and one that none did.
    let mut fields: BTreeMap<String, (usize, usize, Option<String>)> = BTreeMap::new();
    // Each case's facts as the JSON document mutants change, made once.
    let documents: Vec<serde_json::Value> =
        cases.iter().map(|c| serde_json::to_value(&c.snapshot.facts).expect("facts serialize")).collect();
    for (index, case) in cases.iter().enumerate() {
        let Ok(checks) = lab.select(&case.snapshot.steps) else { continue };
        let facts = &case.snapshot.facts;
        let target = &case.snapshot.target;
        let baseline = grading::grade_facts(lab, &checks, facts.clone(), target.clone(), &engine).await;
        let passing: BTreeSet<&str> =
            baseline.checks.iter().filter(|r| r.status == Status::Pass).map(|r| r.id.as_str()).collect();
        for teeth in analysis.checks.iter_mut().filter(|t| passing.contains(t.id.as_str())) {
            teeth.passes_in.push(case.name.clone());
        }
        let document = &documents[index];
        let others: Vec<(&str, &serde_json::Value)> = cases
            .iter()
            .zip(&documents)
            .enumerate()
            .filter(|(other, _)| *other != index)
            .map(|(_, (c, d))| (c.name.as_str(), d))
            .collect();
        for collection in &targets {
            let mut made = mutants::of_collection(document, collection, &references);
            for (other_case, other) in &others {
                made.extend(mutants::borrowed(document, other, other_case, collection));
            }
            let count = made.len();
            let kept = mutants::capped(made, options.cap, options.seed ^ seed_of(&case.name, &collection.name));
            if kept.len() < count {
                analysis.capped.push((case.name.clone(), collection.name.clone(), count, kept.len()));
            }
            for mutant in kept {
                if breaks_an_invariant(&invariants, &mutant) {
                    analysis.impossible += 1;
                    continue;
                }
                let Ok(changed) = serde_json::from_value::<Facts>(mutant.apply(document)) else {
                    analysis.unrepresentable += 1;
                    continue;
                };
                analysis.mutants += 1;
                let graded = grading::grade_facts(lab, &checks, changed, target.clone(), &engine).await;
                // Noticed: some verdict changed (a failing check that passes now notices too).
                let noticed =
                    graded.checks.iter().zip(&baseline.checks).any(|(now, before)| now.status != before.status);
                for result in graded.checks.iter().filter(|r| passing.contains(r.id.as_str())) {
                    match result.status {
                        Status::Pass | Status::Skip => {}
                        Status::Fail => {
                            let teeth = analysis.checks.iter_mut().find(|t| t.id == result.id).expect("a lab check");
                            let example = format!("{}: {}", case.name, mutant.change);
                            teeth.kills += 1;
                            let change = change_of(mutant.kind);
                            let judges = judged.get(result.id.as_str()).map_or(&[][..], Vec::as_slice);
                            if judges.iter().any(|j| j.covers(&mutant.field, change)) {
                                teeth.own_kills += 1;
                                if teeth.examples.len() < 3 {
                                    teeth.examples.push(example.clone());
                                }
                            }
                            kill_sets.entry(result.id.clone()).or_default().insert(example);
                        }
                        // A mutant that points at a fact the snapshot never read (a role renamed where it is
                        // named): what AWS would answer is not known here, so it judges nothing.
                        Status::Error if result.message.contains("was not collected") => analysis.beyond += 1,
                        Status::Error => {
                            analysis.errors.push(Erred {
                                case: case.name.clone(),
                                change: mutant.change.clone(),
                                check: result.id.clone(),
                                message: result.message.clone(),
                            });
                        }
                    }
                }
                let entry = fields.entry(mutant.field.clone()).or_insert((0, 0, None));
                entry.0 += 1;
                if noticed {
                    entry.1 += 1;
                } else {
                    entry.2.get_or_insert(mutant.change.clone());
                }
            }
        }
    }
    // A field is uncaught when no mutant of it, in any case, changed a verdict.
    let mut uncaught: Vec<Uncaught> = fields
        .into_iter()
        .filter(|(_, (_, noticed, _))| *noticed == 0)
        .map(|(field, (mutants, _, example))| {
            let example = example.unwrap_or_default();
            let accepted = lab.accepted.iter().find(|a| a.field.as_deref() == Some(&field)).map(|a| a.why.clone());
            Uncaught { field, mutants, example, accepted }
        })
        .collect();
    uncaught.sort_by(|a, b| b.mutants.cmp(&a.mutants).then_with(|| a.field.cmp(&b.field)));
    analysis.uncaught = uncaught;
    analysis.duplicates = duplicates(lab, &kill_sets);
    analysis.stale_acceptances = stale_acceptances(lab, &analysis);
    analysis
}

/// The lab's acceptances that accept nothing: a field no mutant left uncaught, a check with kills of its own.
fn stale_acceptances(lab: &Lab, analysis: &Analysis) -> Vec<String> {
    let uncaught = |field: &str| analysis.uncaught.iter().any(|u| u.field == field);
    let toothless = |check: &str| analysis.checks.iter().any(|t| t.id == check && t.own_kills == 0);
    lab.accepted
        .iter()
        .filter_map(|accepted| match (&accepted.field, &accepted.check) {
            (Some(field), _) if !uncaught(field) => Some(format!("field {field}")),
            (_, Some(check)) if !toothless(check) => Some(format!("check {check}")),
            _ => None,
        })
        .collect()
}

/// Whether a mutant makes a state AWS never gives.
fn breaks_an_invariant(invariants: &[&Invariant], mutant: &mutants::Mutant) -> bool {
    let what = match mutant.kind {
        Kind::Changed | Kind::Renamed | Kind::Dangling => Never::Changed,
        Kind::Removed => Never::Removed,
        Kind::Emptied => Never::Emptied,
        Kind::ItemRemoved | Kind::Added => return false,
    };
    invariants.iter().any(|invariant| invariant.broken_by(&mutant.field, what))
}

/// A mutant's kind as the checks' declarations tell kinds apart.
fn change_of(kind: Kind) -> Change {
    match kind {
        Kind::Changed | Kind::Removed | Kind::Renamed | Kind::Dangling => Change::Value,
        Kind::ItemRemoved => Change::ItemRemoved,
        Kind::Added => Change::ItemAdded,
        Kind::Emptied => Change::Emptied,
    }
}

/// Pairs of checks that are one: the same validator with the same params, or the same kills (at least one).
fn duplicates(lab: &Lab, kill_sets: &BTreeMap<String, BTreeSet<String>>) -> Vec<Duplicate> {
    let checks: Vec<&crate::lab::Check> = lab.checks().collect();
    let mut found = Vec::new();
    for (i, a) in checks.iter().enumerate() {
        for b in &checks[i + 1..] {
            let why = if a.validator_name == b.validator_name && a.params == b.params {
                "same validator and params"
            } else if kill_sets.get(&a.id).is_some_and(|kills| Some(kills) == kill_sets.get(&b.id)) {
                "same kills"
            } else {
                continue;
            };
            found.push(Duplicate { checks: [a.id.clone(), b.id.clone()], why });
        }
    }
    found
}

/// A stable number for a case and a collection, so that each samples its own mutants for one `--seed`.
fn seed_of(case: &str, collection: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in case.bytes().chain([0]).chain(collection.bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
