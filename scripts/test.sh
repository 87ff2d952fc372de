#!/usr/bin/env bash
# The test command: starts the local AWS emulators and runs every test against them.
#   scripts/test.sh                 # all tests
#   scripts/test.sh scenario_       # extra args go to `cargo test`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec scripts/emulators.sh cargo test --all-targets "$@"
