#!/usr/bin/env bash
# Grades a lab state on the local emulators, no AWS account needed:
#   scripts/demo.sh                  # the API-keys step done right
#   scripts/demo.sh not-redeployed   # or: no-plan, dev-only, key-not-in-plan, key-disabled, open-method, empty
# Extra arguments go to `labcheck run`, e.g. scripts/demo.sh dev-only --format json
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scenario="${1:-complete}"
shift || true
cargo build --quiet --bin labcheck --example seed
exec scripts/emulators.sh bash -c '
  set -euo pipefail
  account="$(target/debug/examples/seed "$1")"
  shift
  echo "== labcheck run checks/apigw-items.toml --step api-keys (scenario: '"$scenario"', account $account on LocalStack)" >&2
  AWS_ACCESS_KEY_ID="$account" AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
  AWS_ENDPOINT_URL="$LABCHECK_TEST_LOCALSTACK_URL" \
  LABCHECK_INVOKE_URL_TEMPLATE="$LABCHECK_TEST_LOCALSTACK_URL/_aws/execute-api/{api_id}/{stage}" \
    target/debug/labcheck run checks/apigw-items.toml --step api-keys --stats "$@" || code=$?
  exit "${code:-0}"
' demo "$scenario" "$@"
