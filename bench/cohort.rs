//! The cohort benchmark (scripts/bench-cohort.sh): how long `labcheck cohort` takes for a large class in SQLite.
//!
//!   cargo run --release --example cohort -- [LEARNERS=10000] [GRADINGS=20] [RUNS=5] [recorded|synthetic]
//!
//! Seeds a fresh SQLite store with the synthetic class of tests/support/synthetic.rs in the Items lab (26 checks):
//! each learner's gradings merged in memory by the store's own rules, and the resulting progress documents written
//! as the store keeps them. With `recorded` (the default), each verdict is one the real grading path gave: the lab's
//! cases (snapshots recorded from real accounts) graded by the engine and its validators, a check's pass taken from
//! a case where it passes and its failure from one where it fails, with their messages, message sources and
//! evidence, so the documents are the size the service really writes (about 15 KB); `synthetic` leaves messages as
//! bare ids and evidence empty (about 7 KB). Then times, RUNS times, what the command does: open the store, read the
//! class through its index, compute the figures, write them as JSON and as HTML, in a process of its own. Prints the
//! seed's size, each phase's median, and the peak memory (resident) of the measuring process.
//!
//! With BENCH_KEEP=1 the seeded store is kept (its path printed); `cohort measure PATH LEARNERS RUNS` measures it
//! again (under a profiler, say).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use labcheck::cohort::{self, CohortFormat, Filter};
use labcheck::db::SqliteStore;
use labcheck::engine::EngineOptions;
use labcheck::i18n::english;
use labcheck::lab::Lab;
use labcheck::model::{CheckResult, Status};
use labcheck::progress::{Grading, merge};
use labcheck::snapshot::Snapshot;

#[path = "../tests/support/synthetic.rs"]
mod synthetic;

fn arg(n: usize, default: usize) -> usize {
    std::env::args().nth(n).map_or(default, |a| a.parse().expect("a number"))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len().div_ceil(2) - 1]
}

#[tokio::main]
async fn main() {
    if std::env::args().nth(1).as_deref() == Some("measure") {
        let path = std::env::args().nth(2).expect("the store's path");
        return measure(Path::new(&path), arg(3, 0), arg(4, 5)).await;
    }
    let (learners, gradings, runs) = (arg(1, 10_000), arg(2, 20), arg(3, 5));
    let recorded = std::env::args().nth(4).is_none_or(|kind| kind != "synthetic");
    let lab = Arc::new(Lab::load(Path::new("checks/apigw-items")).expect("run from the repository"));
    let class = synthetic::Class::of(&lab, learners, gradings);
    let verdicts = if recorded { Some(Verdicts::graded(&lab).await) } else { None };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.sqlite");
    drop(SqliteStore::open(&path).await.unwrap());

    let seeding = Instant::now();
    let mut connection = rusqlite::Connection::open(&path).unwrap();
    let transaction = connection.transaction().unwrap();
    let (mut bytes, mut outlines) = (0, 0);
    for i in 0..class.learners {
        let progress = (0..gradings).fold(None, |progress, g| {
            let grading = class.grading(&lab, i, g);
            let grading = match &verdicts {
                Some(verdicts) => verdicts.recorded(grading, i),
                None => grading,
            };
            Some(merge(progress, &lab, &grading))
        });
        let progress = progress.unwrap();
        let (body, outline) = (serde_json::to_string(&progress).unwrap(), labcheck::progress::outline(&progress));
        (bytes, outlines) = (bytes + body.len(), outlines + outline.len());
        let (learner, lab) = (class.learner(i), &lab.id);
        let insert = |sql: &str, text: &str| transaction.execute(sql, rusqlite::params![learner, lab, text]).unwrap();
        insert("INSERT INTO progress (learner, lab, body) VALUES (?1, ?2, ?3)", &body);
        insert("INSERT INTO progress_outlines (learner, lab, outline) VALUES (?1, ?2, ?3)", &outline);
    }
    transaction.commit().unwrap();
    drop(connection);
    println!(
        "seeded {learners} learners x {} checks x {gradings} gradings in {:.1} s: {:.1} MB of progress",
        class.checks,
        seeding.elapsed().as_secs_f64(),
        bytes as f64 / 1e6
    );

    println!(
        "each document {:.1} KB on average, its outline {:.1} KB",
        bytes as f64 / learners as f64 / 1e3,
        outlines as f64 / learners as f64 / 1e3
    );
    let path = if std::env::var_os("BENCH_KEEP").is_some() { dir.keep().join("class.sqlite") } else { path };
    println!("the store: {}", path.display());
    // Measured in a process of its own, so that its peak memory is the cohort's, not the seed's.
    let measured = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["measure", path.to_str().unwrap(), &learners.to_string(), &runs.to_string()])
        .status()
        .unwrap();
    assert!(measured.success(), "the measuring process failed");
}

/// Times `labcheck cohort` on the store at `path`, `runs` times, from a fresh process: open the store, read the
/// class through its index one document at a time, compute the figures, write them as JSON and as HTML.
async fn measure(path: &Path, learners: usize, runs: usize) {
    let lab = Lab::load(Path::new("checks/apigw-items")).expect("run from the repository");
    let (mut read, mut compute, mut write, mut total) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let started = Instant::now();
        let store = SqliteStore::open(path).await.unwrap();
        let class = cohort::Class::new(&lab, Filter::default(), &labcheck::clock::now(), &english());
        let class = cohort::Cohorts::read_class(&store, class).await.unwrap();
        let after_read = Instant::now();
        let figures = class.finish();
        let after_compute = Instant::now();
        let json = CohortFormat::Json.write(&figures, &lab, &english()).unwrap();
        let html = CohortFormat::Html.write(&figures, &lab, &english()).unwrap();
        let done = Instant::now();
        assert_eq!(figures.learners, learners);
        std::hint::black_box((json, html));
        read.push(after_read - started);
        compute.push(after_compute - after_read);
        write.push(done - after_compute);
        total.push(done - started);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "median of {runs}: read {:.0} ms, compute {:.0} ms, write JSON+HTML {:.0} ms, total {:.0} ms",
        ms(median(read)),
        ms(median(compute)),
        ms(median(write)),
        ms(median(total))
    );
    println!("peak resident memory of the measuring process: {:.0} MB", peak_memory_kib() as f64 / 1024.0);
}

/// Each check's verdicts as the real grading path gives them: the lab's recorded cases graded by the engine.
struct Verdicts {
    passes: BTreeMap<String, CheckResult>,
    failures: BTreeMap<String, Vec<CheckResult>>,
}

impl Verdicts {
    async fn graded(lab: &Lab) -> Self {
        let (mut passes, mut failures) = (BTreeMap::new(), BTreeMap::<String, Vec<CheckResult>>::new());
        let checks = lab.select(&[]).expect("every step");
        let cases_dir = lab.file.parent().expect("the lab's folder").join("cases");
        let mut cases: Vec<_> = std::fs::read_dir(cases_dir)
            .expect("the lab's cases")
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        cases.sort();
        for case in cases {
            let snapshot = Snapshot::load(&case).expect("a recorded case");
            let report = labcheck::grading::grade_facts(
                lab,
                &checks,
                snapshot.facts,
                snapshot.target,
                &EngineOptions::default(),
            )
            .await;
            for result in report.checks {
                match result.status {
                    Status::Pass => {
                        passes.entry(result.id.clone()).or_insert(result);
                    }
                    Status::Fail => failures.entry(result.id.clone()).or_default().push(result),
                    Status::Error | Status::Skip => {}
                }
            }
        }
        Self { passes, failures }
    }

    /// `grading` (learner `i`'s) with each verdict replaced by a recorded one of the same status, where there is.
    fn recorded(&self, mut grading: Grading, i: usize) -> Grading {
        for result in &mut grading.report.checks {
            let recorded = match result.status {
                Status::Pass => self.passes.get(&result.id),
                Status::Fail => self.failures.get(&result.id).and_then(|all| all.get(i % all.len())),
                Status::Error | Status::Skip => None,
            };
            if let Some(recorded) = recorded {
                *result = CheckResult { points: result.points, ..recorded.clone() };
            }
        }
        grading
    }
}

/// The process's peak resident memory, in KiB.
fn peak_memory_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: 0 kB");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}
