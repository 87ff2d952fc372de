#!/usr/bin/env bash
# The action's install step (action.yml): labcheck's wheel into a venv of its own, put on PATH for the steps after.
# The wheel is this action's version (Cargo.toml's, the one version number), or WHEEL when given (CI tests the
# action with the wheel it built).
set -euo pipefail
: "${RUNNER_TEMP:?set by the runner}" "${GITHUB_PATH:?set by the runner}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -1)"
venv="$RUNNER_TEMP/labcheck-venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "${WHEEL:-labcheck==$version}"
echo "$venv/bin" >>"$GITHUB_PATH"
"$venv/bin/labcheck" --version
