#!/usr/bin/env bash
# The test command: starts the local AWS emulators and runs every test against them.
#   scripts/test.sh                 # all tests
#   scripts/test.sh scenario_       # extra args go to `cargo test`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Real consumers of the output formats (TAP: tap-parser), pinned by tests/consumers/package-lock.json.
npm ci --prefix tests/consumers --no-audit --no-fund --silent
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
scripts/emulators.sh cargo test --lib --tests "$@" 2>&1 | tee "$log" || status=$?
# One closing line over every test binary.
awk '/^test result:/ { p += $4; f += $6 } END { printf "total: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
