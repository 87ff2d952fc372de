#!/usr/bin/env bash
# Rebuilds the Items lab's regression cases (checks/apigw-items/cases/): for each scenario of tests/support/seed.rs,
# creates the lab state on the local emulators (probes through the stage stand-in, which answers as the lab's
# function where LocalStack cannot run it: tests/it/common/stage_stand_in.rs), snapshots the whole lab with `labcheck snapshot` into
# cases/SCENARIO.json. Expected statuses (cases/SCENARIO.expected.toml) are written for new scenarios only; review
# them, then `labcheck test checks`.
#   scripts/make-cases.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --bin labcheck --example seed
scenarios=(complete not-redeployed no-plan dev-only key-not-in-plan key-disabled open-method prod-on-latest cors-not-deployed integration-get cleaned-up fresh)
exec scripts/emulators.sh bash -c '
  set -euo pipefail
  lab=checks/apigw-items
  # Probes go through the stage stand-in, which answers as the lab function where LocalStack cannot run it.
  coproc STANDIN { exec target/debug/examples/seed stand-in; }
  trap "kill $STANDIN_PID" EXIT
  read -r standin <&"${STANDIN[0]}"
  slot=0
  for scenario in "$@"; do
    read -r account region < <(target/debug/examples/seed "$scenario" "$slot")
    slot=$((slot + 1))
    AWS_ACCESS_KEY_ID="$account" AWS_SECRET_ACCESS_KEY=test AWS_REGION="$region" AWS_EC2_METADATA_DISABLED=true \
    AWS_ENDPOINT_URL="$LABCHECK_TEST_LOCALSTACK_URL" AWS_ENDPOINT_URL_LAMBDA="$LABCHECK_TEST_MOTO_URL" \
    LABCHECK_INVOKE_URL_TEMPLATE="$standin/$account/{region}/{api_id}/{stage}" \
      target/debug/labcheck snapshot "$lab" --output "$lab/cases/$scenario.json"
    if [[ ! -f "$lab/cases/$scenario.expected.toml" ]]; then
      printf "# %s\n" "$scenario" >"$lab/cases/$scenario.expected.toml"
      target/debug/labcheck test "$lab" --bless --only "$scenario"
    fi
  done
' make-cases "${scenarios[@]}"
