# Sourced by the replay benchmarks (bench-capacity.sh, bench-rush.sh), inside scripts/emulators.sh, with $release,
# $debug, $work and the array pids set.
# wait_url FILE: the URL a process printed as "listening on http://..." or "on http://...".
wait_url() { for _ in $(seq 1 100); do grep -q "http://" "$1" 2>/dev/null && break; sleep 0.1; done; grep -o "http://[0-9.:]*" "$1" | head -1; }

# replay_lab LATENCY_MS MAX_EXIT STEP...: a complete Items lab seeded on LocalStack, its grading of STEPs recorded
# once through the replay server (bench/replay.rs), then answered from the recording after LATENCY_MS. A recorded
# grading exiting above MAX_EXIT stops the benchmark. Sets account, region and replay_url.
replay_lab() {
  local latency=$1 max_exit=$2 code=0 record_url
  shift 2
  read -r account region < <($debug/examples/seed complete 0)
  $release/examples/replay record "$LABCHECK_TEST_LOCALSTACK_URL" "$work/recording.json" >"$work/record.out" &
  local recorder=$!
  record_url=$(wait_url "$work/record.out")
  AWS_ACCESS_KEY_ID="$account" AWS_SECRET_ACCESS_KEY=test AWS_REGION="$region" AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE=/dev/null AWS_ENDPOINT_URL="$record_url" \
  LABCHECK_INVOKE_URL_TEMPLATE="$record_url/_aws/execute-api/{api_id}/{stage}" \
    $release/labcheck run checks/apigw-items $(printf -- "--step %s " "$@") --format json >"$work/recorded.json" || code=$?
  kill "$recorder"
  [[ $code -le $max_exit ]] || { echo "bench: the recorded grading exited $code" >&2; exit 1; }
  $release/examples/replay serve "$work/recording.json" "$latency" >"$work/replay.out" &
  pids+=($!)
  replay_url=$(wait_url "$work/replay.out")
}
