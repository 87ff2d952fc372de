#!/usr/bin/env bash
# The cohort of a large class in SQLite (bench/cohort.rs): seeds LEARNERS x 26 checks x GRADINGS into a fresh store,
# then times reading the class through its index, computing the figures and writing JSON and HTML, RUNS times, and
# their peak memory. KIND: recorded (verdicts the real grading path gave for the lab's cases, with their messages
# and evidence) or synthetic (bare ids). Local files only, bounded in size.
#   scripts/bench-cohort.sh [LEARNERS=10000] [GRADINGS=20] [RUNS=5] [KIND=recorded]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --release --example cohort
exec "${CARGO_TARGET_DIR:-target}/release/examples/cohort" "${1:-10000}" "${2:-20}" "${3:-5}" "${4:-recorded}"
