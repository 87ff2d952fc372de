//! The cohort benchmark (scripts/bench-cohort.sh): how long `labcheck cohort` takes for a large class in SQLite.
//!
//!   cargo run --release --example cohort -- [LEARNERS=10000] [GRADINGS=20] [RUNS=5]
//!
//! Seeds a fresh SQLite store with the synthetic class of tests/support/synthetic.rs in the Items lab (26 checks):
//! each learner's gradings merged in memory by the store's own rules, and the resulting progress documents written
//! as the store keeps them. Then times, RUNS times, what the command does: open the store, read the class through its
//! index, compute the figures, write them as JSON and as HTML. Prints the seed's size and each phase's median.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use labcheck::cohort::{self, CohortFormat, Filter};
use labcheck::i18n::english;
use labcheck::lab::Lab;
use labcheck::progress::{SqliteStore, merge};

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
    let (learners, gradings, runs) = (arg(1, 10_000), arg(2, 20), arg(3, 5));
    let lab = Arc::new(Lab::load(Path::new("checks/apigw-items")).expect("run from the repository"));
    let class = synthetic::Class::of(&lab, learners, gradings);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.sqlite");
    drop(SqliteStore::open(&path).await.unwrap());

    let seeding = Instant::now();
    let mut connection = rusqlite::Connection::open(&path).unwrap();
    let transaction = connection.transaction().unwrap();
    let mut bytes = 0;
    for i in 0..class.learners {
        let progress = (0..gradings).fold(None, |progress, g| Some(merge(progress, &lab, &class.grading(&lab, i, g))));
        let body = serde_json::to_string(&progress.unwrap()).unwrap();
        bytes += body.len();
        transaction
            .execute(
                "INSERT INTO progress (learner, lab, body) VALUES (?1, ?2, ?3)",
                rusqlite::params![class.learner(i), lab.id, body],
            )
            .unwrap();
    }
    transaction.commit().unwrap();
    drop(connection);
    println!(
        "seeded {learners} learners x {} checks x {gradings} gradings in {:.1} s: {:.1} MB of progress",
        class.checks,
        seeding.elapsed().as_secs_f64(),
        bytes as f64 / 1e6
    );

    let (mut read, mut compute, mut write, mut total) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let started = Instant::now();
        let store = SqliteStore::open(&path).await.unwrap();
        let progress = labcheck::cohort::Cohorts::progress_of_lab(&store, &lab.id, None).await.unwrap();
        let after_read = Instant::now();
        let figures = cohort::compute(&lab, &progress, &Filter::default(), &cohort::now(), &english());
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
}
