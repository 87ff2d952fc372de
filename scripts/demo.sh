#!/usr/bin/env bash
# Grades the whole lab in a fresh account on the local emulators (API Gateway on LocalStack, Lambda on moto);
# no AWS account needed.
#   scripts/demo.sh                   # every step done (the cleanup step then fails: everything still exists)
#   scripts/demo.sh not-redeployed    # one typical mistake; also: no-plan, dev-only, key-not-in-plan, key-disabled,
#                                     # open-method, prod-on-latest, cors-not-deployed, integration-get, cleaned-up
# Probes go through the stage stand-in (tests/it/common/stage_stand_in.rs), which answers as the lab's function
# where LocalStack cannot run it.
# Extra arguments go to `labcheck run`, e.g. scripts/demo.sh complete --step cors --format json
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scenario="${1:-complete}"
shift || true
cargo build --quiet --bin labcheck --example seed
exec scripts/emulators.sh bash -c '
  set -euo pipefail
  scenario="$1"; shift
  read -r account region < <(target/debug/examples/seed "$scenario")
  coproc STANDIN { exec target/debug/examples/seed stand-in; }
  trap "kill $STANDIN_PID" EXIT
  read -r standin <&"${STANDIN[0]}"
  echo "== scenario $scenario: account $account ($region) on LocalStack, Lambda on moto" >&2
  code=0
  AWS_ACCESS_KEY_ID="$account" AWS_SECRET_ACCESS_KEY=test AWS_REGION="$region" AWS_EC2_METADATA_DISABLED=true \
  AWS_ENDPOINT_URL="$LABCHECK_TEST_LOCALSTACK_URL" AWS_ENDPOINT_URL_LAMBDA="$LABCHECK_TEST_MOTO_URL" \
  LABCHECK_INVOKE_URL_TEMPLATE="$standin/$account/{region}/{api_id}/{stage}" \
    target/debug/labcheck run checks/apigw-items --stats "$@" || code=$?
  echo "== labcheck exited $code" >&2
' demo "$scenario" "$@"
