#!/usr/bin/env bash
# The cohort of a large class in SQLite (bench/cohort.rs): seeds LEARNERS x 26 checks x GRADINGS into a fresh store,
# then times reading the class through its index, computing the figures and writing JSON and HTML, RUNS times.
# Local files only, bounded in size.
#   scripts/bench-cohort.sh [LEARNERS=10000] [GRADINGS=20] [RUNS=5]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --release --example cohort
exec "${CARGO_TARGET_DIR:-target}/release/examples/cohort" "${1:-10000}" "${2:-20}" "${3:-5}"
