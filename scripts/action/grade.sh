#!/usr/bin/env bash
# The action's grading step (action.yml). The account is read once (labcheck snapshot), then that snapshot is graded
# for each reader, so every output holds the same verdicts: FORMAT to the log (github: annotations, and the
# checklist in the step summary), the Markdown checklist to the step summary otherwise, JUnit to JUNIT_PATH, and
# score and max-score to the step's outputs. Exits with labcheck's exit code (0 passed, 1 failed, 2 bad input,
# 3 could not read the account).
set -euo pipefail
: "${LAB:?the lab input}" "${GITHUB_OUTPUT:?set by the runner}"
steps=()
for step in ${STEPS//,/ }; do steps+=(--step "$step"); done
read -r -a reading <<<"${ARGS:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
labcheck snapshot "$LAB" "${steps[@]}" "${reading[@]}" --output "$work/snapshot.json"
grade() { labcheck run "$LAB" "${steps[@]}" --from "$work/snapshot.json" "$@"; }
status=0
grade --format "${FORMAT:-github}" || status=$?
(( status <= 1 )) || exit "$status"
# Each below grades the same snapshot again: its exit code is the one above.
grade --format junit --output "${JUNIT_PATH:-labcheck-junit.xml}" >/dev/null || true
if [[ ${FORMAT:-github} != github && -n ${GITHUB_STEP_SUMMARY:-} ]]; then
  grade --format markdown >>"$GITHUB_STEP_SUMMARY" || true
fi
grade --format json --output "$work/report.json" >/dev/null || true
python3 - "$work/report.json" >>"$GITHUB_OUTPUT" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
print(f"score={report['score']}\nmax-score={report['max_score']}")
PY
exit "$status"
