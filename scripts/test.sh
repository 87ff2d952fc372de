#!/usr/bin/env bash
# The test command: starts the local AWS emulators and runs every test against them.
#   scripts/test.sh                 # all tests
#   scripts/test.sh scenario_       # extra args go to `cargo test`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Real consumers of the output formats, pinned: tap-parser (TAP 14) by tests/consumers/package-lock.json, junitparser
# (JUnit) by tests/consumers/requirements.lock, into .emulators/consumers.
npm ci --prefix tests/consumers --no-audit --no-fund --silent
# A headless browser renders the HTML report (Debian's chromium; installing it needs root, as CI runs).
command -v chromium >/dev/null ||
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
consumers=.emulators/consumers
want="$(sha256sum tests/consumers/requirements.lock | cut -d' ' -f1)"
if [[ ! -f "$consumers/.lock.sha256" || "$(cat "$consumers/.lock.sha256")" != "$want" ]]; then
  rm -rf "$consumers"
  python3 -m venv "$consumers"
  "$consumers/bin/pip" install --quiet --disable-pip-version-check --no-deps -r tests/consumers/requirements.lock
  echo "$want" >"$consumers/.lock.sha256"
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
scripts/emulators.sh cargo test --lib --tests "$@" 2>&1 | tee "$log" || status=$?
# One closing line over every test binary.
awk '/^test result:/ { p += $4; f += $6 } END { printf "total: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
