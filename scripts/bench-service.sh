#!/usr/bin/env bash
# Load benchmark of `labcheck serve` (loopback only, bounded in time): N concurrent gradings of different accounts
# (one role ARN each, assumed with STS on moto), API Gateway and probes on LocalStack, with wrk.
#   scripts/bench-service.sh [CONNECTIONS=16] [SECONDS=20] [ROLES=64] [STORE=none|sqlite|dynamodb]
# With a STORE every request carries a learner (one per account) and the service keeps each grading and merges
# it into that learner's progress (SQLite in a temp folder, or a DynamoDB table on moto).
# Prints throughput, latency percentiles, non-2xx answers and the server's peak memory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
connections="${1:-16}"
seconds="${2:-20}"
roles="${3:-64}"
store="${4:-none}"
case "$store" in none|sqlite|dynamodb) ;; *) echo "bench: STORE is none, sqlite or dynamodb" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
cargo build --quiet --release --bin labcheck
cargo build --quiet --example seed
exec scripts/emulators.sh bash -c '
  set -euo pipefail
  connections=$1 seconds=$2 roles=$3 store=$4
  # Assumed-role credentials from moto map to LocalStack'"'"'s default account: the lab lives there.
  read -r _ region < <(target/debug/examples/seed complete 0 000000000000)
  work=$(mktemp -d)
  trap "kill \$server 2>/dev/null || true; rm -rf $work" EXIT
  cat >"$work/bench.lua" <<LUA
-- Each wrk thread takes every other role, so no two requests in flight name the same account.
local threads = 0
setup = function(thread) thread:set("id", threads); threads = threads + 1 end
counter = 0
request = function()
  counter = counter + 1
  local n = (counter * 2 + id) % $roles
  local learner = "$store" == "none" and "" or string.format([[,"learner":"learner-%d"]], n)
  local body = string.format([[{"steps":["api-keys"],"region":"$region","role_arn":"arn:aws:iam::%012d:role/labcheck-grader"%s}]], n, learner)
  return wrk.format("POST", "/v1/labs/apigw-items/grade", {["Content-Type"]="application/json", ["Authorization"]="Bearer bench-token"}, body)
end
LUA
  store_args=()
  export AWS_ENDPOINT_URL_DYNAMODB="$LABCHECK_TEST_MOTO_URL"
  case "$store" in
    sqlite) store_args=(--store "sqlite:$work/progress.sqlite") ;;
    dynamodb)
      store_args=(--store "dynamodb:labcheck-bench-$$")
      AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION="$region" \
        target/release/labcheck store-init "${store_args[@]}" ;;
  esac
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION="$region" AWS_EC2_METADATA_DISABLED=true \
  AWS_ENDPOINT_URL="$LABCHECK_TEST_LOCALSTACK_URL" AWS_ENDPOINT_URL_STS="$LABCHECK_TEST_MOTO_URL" \
  LABCHECK_INVOKE_URL_TEMPLATE="$LABCHECK_TEST_LOCALSTACK_URL/_aws/execute-api/{api_id}/{stage}" \
  LABCHECK_SERVICE_TOKENS=bench-token \
    target/release/labcheck serve --listen 127.0.0.1:0 --max-in-flight 16 --max-queue 256 --account-rate 50 \
    "${store_args[@]}" 2>"$work/server.log" &
  server=$!
  for _ in $(seq 1 50); do grep -q "on http://" "$work/server.log" 2>/dev/null && break; sleep 0.1; done
  url=$(grep -o "http://[0-9.:]*" "$work/server.log" | head -1)
  echo "== wrk: $connections connections, ${seconds}s, $roles accounts, store $store, POST $url/v1/labs/apigw-items/grade (API-keys step)"
  wrk -t2 -c"$connections" -d"${seconds}s" --timeout 60s --latency -s "$work/bench.lua" "$url"
  echo "== server peak memory: $(grep VmHWM /proc/$server/status | tr -s " ")"
  grep -i "not kept" "$work/server.log" | head -3 || true
  curl -s -H "Authorization: Bearer bench-token" "$url/metrics" | grep -E "^labcheck_(gradings_total|gradings_kept|gradings_not_kept|store_duration|aws_calls_total|aws_retries_total|refused_total|shared|probes)"
' bench "$connections" "$seconds" "$roles" "$store"
