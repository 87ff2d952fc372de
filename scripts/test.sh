#!/usr/bin/env bash
# The test command: starts the local AWS emulators and runs every test against them.
#   scripts/test.sh                 # all tests
#   scripts/test.sh scenario_       # extra args go to `cargo test`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Real consumers of the output formats, pinned: tap-parser (TAP 14) and playwright-core (drives Chromium through the
# learner page) by tests/consumers/package-lock.json, junitparser (JUnit) by tests/consumers/requirements.lock, into
# .emulators/consumers.
npm ci --prefix tests/consumers --no-audit --no-fund --silent
# A headless browser renders the HTML report (Debian's chromium; installing it needs root, as CI runs).
command -v chromium >/dev/null ||
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
# pinned_venv DIR LOCKFILE: a venv with exactly the locked packages, reinstalled when the lock file changes.
pinned_venv() {
  local venv=$1 lock=$2 want
  want="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [[ -f "$venv/.lock.sha256" && "$(cat "$venv/.lock.sha256")" == "$want" ]]; then return 0; fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$lock"
  echo "$want" >"$venv/.lock.sha256"
}
pinned_venv .emulators/consumers tests/consumers/requirements.lock
# The OpenAPI tools: openapi-spec-validator and schemathesis (pinned by tests/api/requirements.lock).
pinned_venv .emulators/api-tools tests/api/requirements.lock
# The test LMS: a real LTI 1.3 platform library (lti1p3platform, pinned by tests/lms/requirements.lock).
pinned_venv .emulators/lms tests/lms/requirements.lock
# The Lambda deployment template, linted by cfn-lint with the SAM translator (pinned by deploy/lint-requirements.lock).
pinned_venv .emulators/cfn-lint deploy/lint-requirements.lock
.emulators/cfn-lint/bin/cfn-lint deploy/template.yaml
echo "cfn-lint: deploy/template.yaml is clean"
# The GitHub Action's checks: check-jsonschema (GitHub's schemas built in) and ruamel.yaml, pinned by
# tests/action/requirements.lock (tests/it/action.rs).
pinned_venv .emulators/action tests/action/requirements.lock
# The book's builder, mdBook, pinned with its own lock file; tests/it/docs.rs builds docs/ and checks every link.
mdbook_version=0.5.4
if [[ "$(.emulators/mdbook/bin/mdbook --version 2>/dev/null)" != "mdbook v$mdbook_version" ]]; then
  cargo install --quiet --locked mdbook --version "$mdbook_version" --no-default-features --features search \
    --root .emulators/mdbook --target-dir target/tools
fi
# The wheel (pyproject.toml), built from the debug build by maturin (pinned by tests/dist/requirements.lock): a test
# installs it into a fresh venv and grades with it (tests/it/wheel.rs).
pinned_venv .emulators/dist tests/dist/requirements.lock
rm -rf target/test-wheel
.emulators/dist/bin/maturin build --profile dev --compatibility linux --out target/test-wheel >target/test-wheel.log 2>&1 ||
  { cat target/test-wheel.log; exit 1; }
LABCHECK_TEST_WHEEL="$(echo "$PWD"/target/test-wheel/labcheck-*.whl)"
export LABCHECK_TEST_WHEEL
echo "maturin: built $LABCHECK_TEST_WHEEL"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
scripts/emulators.sh cargo test --lib --tests "$@" 2>&1 | tee "$log" || status=$?
# One closing line over every test binary.
awk '/^test result:/ { p += $4; f += $6 } END { printf "total: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
