#!/usr/bin/env bash
# The deadline rush (bench/rush.rs): LEARNERS learners launched from the test LMS (tests/lms/lms.py, throttling score
# posts as Canvas does) send GRADINGS gradings in SECONDS, faster and faster to a peak of 6 x GRADINGS / SECONDS a
# second at the deadline, against a release `labcheck serve` (SQLite store) whose AWS is the replay server
# (bench/replay.rs: a complete lab recorded once from LocalStack, answered after LATENCY_MS, STS for each learner's
# own account). Each grading is of the Items lab's API Gateway steps (resources, api-keys, cors,
# caching-throttling: 6 API Gateway calls and 9 probes; LocalStack has no Lambda here to record). Loopback only,
# bounded in time.
#   scripts/bench-rush.sh [LEARNERS=20000] [GRADINGS=60000] [SECONDS=1800] [LATENCY_MS=20]
# Prints the launches, the gradings by status, their latency overall and in the last minute, when every score was
# out, what the LMS got (each learner's latest, spacing, order, posts in flight), AssumeRole calls, and the
# server's peak memory and CPU.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
learners="${1:-20000}"
gradings="${2:-60000}"
seconds="${3:-1800}"
latency="${4:-20}"
cargo build --quiet --release --bin labcheck --example replay --example rush
cargo build --quiet --example seed
[[ -x .emulators/lms/bin/python ]] || { echo "bench: needs the test LMS (scripts/test.sh installs it)" >&2; exit 2; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
export BENCH_TARGET="${CARGO_TARGET_DIR:-target}"
exec scripts/emulators.sh bash -c '
  set -euo pipefail
  learners=$1 gradings=$2 seconds=$3 latency=$4 steps=resources,api-keys,cors,caching-throttling
  release=$BENCH_TARGET/release debug=$BENCH_TARGET/debug
  work=$(mktemp -d)
  pids=()
  trap "kill \${pids[*]} 2>/dev/null || true; [[ -n \${BENCH_KEEP:-} ]] && echo kept $work || rm -rf $work" EXIT
  source scripts/bench-replay.sh
  # Exit 1 (a check failed: the authenticated GET answers 502, its function being on moto, not LocalStack) records a
  # grading as good as any for load; 2 or 3 would be one that could not read.
  replay_lab "$latency" 1 ${steps//,/ }

  # The LMS: an account per learner, score posts charged as Canvas charges requests (a bucket of 700 units
  # draining 10 a second; 50 held while a post runs, 0.05 left after it), 429 with Retry-After for the first 20.
  throttle="{\"high_water\": 700, \"outflow\": 10, \"preflight\": 50, \"cost\": 0.05}"
  lms_config="{\"tool\": \"\", \"client_id\": \"labcheck-tool\", \"deployment_id\": \"deployment-1\", \"lab\": \"apigw-items\",
    \"region\": \"$region\", \"role_arn\": \"arn:aws:iam::{account}:role/labcheck-grader\", \"too_many\": 20, \"throttle\": $throttle}"
  .emulators/lms/bin/python tests/lms/lms.py "$lms_config" >"$work/lms.out" &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q url "$work/lms.out" 2>/dev/null && break; sleep 0.1; done
  lms_url=$(grep -o "http://[0-9.:]*" "$work/lms.out" | head -1)
  issuer=$(grep -o "\"issuer\": \"[^\"]*\"" "$work/lms.out" | cut -d\" -f4)

  $release/labcheck lti keygen --output "$work/tool-key.pem" >/dev/null
  cat >"$work/lti.toml" <<TOML
[tool]
keys = ["tool-key.pem"]
allow_http = true

[[platform]]
name = "testlms"
issuer = "$issuer"
client_id = "labcheck-tool"
deployment_ids = ["deployment-1"]
auth_login_url = "$lms_url/authorize"
auth_token_url = "$lms_url/token"
jwks_url = "$lms_url/jwks"
accounts = ["arn:aws:iam::*:role/labcheck-grader"]
scores_in_flight = 2
TOML
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION="$region" AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE=/dev/null AWS_ENDPOINT_URL="$replay_url" \
  LABCHECK_INVOKE_URL_TEMPLATE="$replay_url/_aws/execute-api/{api_id}/{stage}" LABCHECK_SERVICE_TOKENS=bench-token \
    $release/labcheck serve --listen 127.0.0.1:0 --store "sqlite:$work/progress.sqlite" --lti-config "$work/lti.toml" \
      --trusted-proxy 127.0.0.0/8 --max-connections 4096 --max-connections-per-peer 4096 \
      --max-in-flight 64 --max-queue 1024 \
      2>"$work/server.log" &
  server=$!
  pids+=("$server")
  url=$(wait_url "$work/server.log")
  curl -s "$lms_url/configure?tool=$url" >/dev/null
  cpu() { awk "{print \$14 + \$15}" "/proc/$server/stat"; }
  cpu0=$(cpu)
  echo "a rush of $gradings gradings by $learners learners in $seconds s (steps $steps; AWS answers after ${latency} ms)"
  status=0
  $release/examples/rush "$url" "$lms_url" "$issuer" bench-token "$learners" "$gradings" "$seconds" "$steps" || status=$?
  ticks=$(getconf CLK_TCK)
  echo "AWS: $(curl -s "$replay_url/__replay")"
  echo "server: peak memory $(awk "/VmHWM/ {printf \"%.0f MB\", \$2 / 1024}" "/proc/$server/status"), CPU $(awk "BEGIN {printf \"%.0f s\", ($(cpu) - $cpu0) / $ticks}")"
  grep -c "" "$work/server.log" | xargs -I{} echo "server log: {} lines"
  exit $status
' bench "$learners" "$gradings" "$seconds" "$latency"
