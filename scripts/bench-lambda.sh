#!/usr/bin/env bash
# Cold start and memory of the Lambda function (release build) on the Lambda runtime emulator (`cargo lambda
# watch --only-lambda-apis`), loopback only, bounded: RUNS fresh starts of the function, each timed from the
# process starting to its first answer, then one API-keys grading by direct invocation, then its peak memory.
#   scripts/bench-lambda.sh [RUNS=10]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-10}"
cargo build --quiet --release --bin labcheck-lambda
cargo build --quiet --example seed
exec scripts/emulators.sh bash -c '
  set -euo pipefail
  runs=$1
  read -r _ region < <(target/debug/examples/seed complete 0 000000000000)
  port=$(python3 -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])")
  "$LABCHECK_TEST_CARGO_LAMBDA" lambda watch --only-lambda-apis --invoke-address 127.0.0.1 --invoke-port "$port" \
    >/dev/null 2>&1 &
  emulator=$!
  trap "kill \$emulator 2>/dev/null || true" EXIT
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
  starts=() peaks=()
  for i in $(seq 1 "$runs"); do
    begin=$(date +%s%N)
    AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$port/.rt" AWS_LAMBDA_FUNCTION_NAME=_ AWS_LAMBDA_FUNCTION_VERSION=1 \
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512 LABCHECK_LABS=checks LABCHECK_SERVICE_TOKENS=bench LABCHECK_ALLOW_OWN_ACCOUNT=true \
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION="$region" AWS_EC2_METADATA_DISABLED=true \
    AWS_ENDPOINT_URL="$LABCHECK_TEST_LOCALSTACK_URL" \
    LABCHECK_INVOKE_URL_TEMPLATE="$LABCHECK_TEST_LOCALSTACK_URL/_aws/execute-api/{api_id}/{stage}" \
      target/release/labcheck-lambda >/dev/null 2>&1 &
    function=$!
    until curl -sf -o /dev/null --max-time 5 "http://127.0.0.1:$port/lambda-url/_/healthz"; do sleep 0.002; done
    starts+=($(( ($(date +%s%N) - begin) / 1000000 )))
    answer=$(curl -sf -X POST "http://127.0.0.1:$port/2015-03-31/functions/_/invocations" \
      -d "{\"lab\":\"apigw-items\",\"steps\":[\"api-keys\"],\"answer\":\"jam\"}")
    [[ "$answer" == *"\"completed\":true"* ]] || { echo "bench: the grading did not pass: $answer" >&2; exit 1; }
    peaks+=($(awk "/VmHWM/ {print \$2}" /proc/$function/status))
    kill "$function"; wait "$function" 2>/dev/null || true
  done
  sorted=$(printf "%s\n" "${starts[@]}" | sort -n)
  echo "== $runs cold starts (process start to first answer, ms): $(echo $sorted | tr "\n" " ")"
  echo "   median $(echo "$sorted" | awk "{a[NR]=\$1} END {print a[int((NR+1)/2)]}") ms"
  echo "== peak memory after one API-keys grading (VmHWM, KiB): $(printf "%s " "${peaks[@]}")"
  echo "== binary: $(du -h target/release/labcheck-lambda | cut -f1) (x86_64, release)"
' bench "$runs"
