#!/usr/bin/env bash
# Capacity of `labcheck serve` with the emulator out of the way (loopback only, bounded in time). The API-keys step
# of a complete Items lab is recorded once from LocalStack through the replay server (bench/replay.rs); then the
# replay server answers every AWS request and probe from the recording after LATENCY_MS, and wrk keeps N gradings
# in flight, each of a different account (a role ARN each; STS is answered by the replay server for that account).
#   scripts/bench-capacity.sh [LATENCY_MS=20] [SECONDS=15] [CONCURRENCY="1 64 1000"] [STORES="none sqlite"] [AT_ONCE]
# AT_ONCE, when given, is serve's --max-in-flight (how many gradings run at once; the other requests in flight wait
# in its queue); by default every request in flight is graded at once.
# PROFILE=1 also samples the server with perf during each run, prints where its CPU went and keeps the samples in
# target/bench/perf-STORE-CONCURRENCY.data (for perf report -g).
# Prints one row per run: gradings/s (and per core used), p50 and p99 latency, the server's peak memory and its CPU
# time per grading; a run with a non-2xx answer or a request the recording lacks is flagged.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
latency="${1:-20}"
seconds="${2:-15}"
concurrency="${3:-1 64 1000}"
stores="${4:-none sqlite}"
at_once="${5:-}"
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
cargo build --quiet --release --bin labcheck --example replay
cargo build --quiet --example seed
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
export BENCH_TARGET="${CARGO_TARGET_DIR:-target}"
exec scripts/emulators.sh bash -c '
  set -euo pipefail
  latency=$1 seconds=$2 concurrency=$3 stores=$4 at_once=$5
  release=$BENCH_TARGET/release debug=$BENCH_TARGET/debug
  work=$(mktemp -d)
  pids=()
  trap "kill \${pids[*]} 2>/dev/null || true; rm -rf $work" EXIT
  source scripts/bench-replay.sh
  replay_lab "$latency" 1 api-keys  # exit 1: the authenticated GET answers 502 (its function is on moto)
  echo "recorded $(grep -c "\"status\"" "$work/recording.json") answers; replaying them after ${latency} ms (POST /v1/labs/apigw-items/grade, API-keys step: 6 AWS calls, 8 probes; the account read from the role ARN)"
  printf "%-8s %-6s %10s %12s %9s %9s %10s %14s %s\n" store conc gradings/s "per core" p50 p99 "peak MB" "CPU ms/grading" notes

  for store in $stores; do
    for conc in $concurrency; do
      roles=$((conc * 2)) threads=$((conc < 2 ? 1 : 2))
      cat >"$work/bench.lua" <<LUA
local threads = 0
setup = function(thread) thread:set("id", threads); threads = threads + 1 end
counter = 0
request = function()
  counter = counter + 1
  local n = (counter * 2 + id) % $roles + 1
  local learner = "$store" == "none" and "" or string.format([[,"learner":"learner-%d"]], n)
  local body = string.format([[{"steps":["api-keys"],"region":"$region","role_arn":"arn:aws:iam::%012d:role/labcheck-grader"%s}]], n, learner)
  return wrk.format("POST", "/v1/labs/apigw-items/grade", {["Content-Type"]="application/json", ["Authorization"]="Bearer bench-token"}, body)
end
LUA
      store_args=()
      [[ $store == sqlite ]] && store_args=(--store "sqlite:$work/progress-$conc.sqlite")
      AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION="$region" AWS_EC2_METADATA_DISABLED=true \
      AWS_CONFIG_FILE=/dev/null AWS_ENDPOINT_URL="$replay_url" \
      LABCHECK_INVOKE_URL_TEMPLATE="$replay_url/_aws/execute-api/{api_id}/{stage}" LABCHECK_SERVICE_TOKENS=bench-token \
        $release/labcheck serve --listen 127.0.0.1:0 --max-in-flight "${at_once:-$conc}" --max-queue $((conc * 4)) \
        --account-rate 1000 --role-cache $((roles + 16)) \
        --max-connections $((conc + 64)) --max-connections-per-peer $((conc + 8)) "${store_args[@]}" 2>"$work/server-$store-$conc.log" &
      server=$!
      pids+=("$server")
      url=$(wait_url "$work/server-$store-$conc.log")
      cpu() { awk "{print \$14 + \$15}" "/proc/$server/stat"; }
      gradings() { curl -s -H "Authorization: Bearer bench-token" "$url/metrics" | awk "/^labcheck_gradings_total/ {s += \$2} END {print s + 0}"; }
      # Warm up: every role assumed once, so the run measures gradings, not first contacts.
      wrk -t"$threads" -c"$conc" -d2s --timeout 60s -s "$work/bench.lua" "$url" >/dev/null
      cpu0=$(cpu); n0=$(gradings)
      if [[ -n ${PROFILE:-} ]]; then
        # perf samples the server while wrk runs: where its CPU goes (symbols, self time). A release build has no frame
        # pointers, so the call graph is unwound from DWARF (.eh_frame).
        perf record -q -F 199 --call-graph dwarf,16384 -p "$server" -o "$work/perf.data" -- sleep "$seconds" 2>/dev/null &
        profiler=$!
      fi
      wrk -t"$threads" -c"$conc" -d"${seconds}s" --timeout 60s --latency -s "$work/bench.lua" "$url" >"$work/wrk.out"
      if [[ -n ${PROFILE:-} ]]; then
        wait "$profiler" || true
        mkdir -p "$BENCH_TARGET/bench" && cp "$work/perf.data" "$BENCH_TARGET/bench/perf-$store-$conc.data"
        perf report -q -i "$work/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 1.5 2>/dev/null |
          grep -E "^ +[0-9.]+%" | awk "{printf \"  %7s  %-18s %s\\n\", \$1, \$2, \$4}" | head -25 >"$work/profile-$store-$conc.txt" || true
      fi
      cpu1=$(cpu); n1=$(gradings)
      ticks=$(getconf CLK_TCK)
      rate=$(awk "/Requests\/sec/ {print \$2}" "$work/wrk.out")
      p50=$(awk "/ 50%/ {print \$2}" "$work/wrk.out")
      p99=$(awk "/ 99%/ {print \$2}" "$work/wrk.out")
      peak=$(awk "/VmHWM/ {printf \"%.1f\", \$2 / 1024}" "/proc/$server/status")
      graded=$((n1 - n0))
      cpu_ms=$(awk "BEGIN {printf \"%.2f\", ($cpu1 - $cpu0) * 1000 / $ticks / ($graded > 0 ? $graded : 1)}")
      cores=$(awk "BEGIN {printf \"%.2f\", ($cpu1 - $cpu0) / $ticks / $seconds}")
      per_core=$(awk "BEGIN {printf \"%.0f\", ($cores > 0 ? $rate / $cores : 0)}")
      notes=""
      [[ -n $at_once ]] && notes="$at_once graded at once"
      grep -q "Non-2xx" "$work/wrk.out" && notes="$notes $(grep "Non-2xx" "$work/wrk.out" | tr -s " ")"
      missed=$(curl -s "$replay_url/__replay" | grep -o "\"missed\":[0-9]*" | cut -d: -f2)
      [[ $missed != 0 ]] && notes="$notes replay misses: $missed"
      printf "%-8s %-6s %10s %12s %9s %9s %10s %14s %s\n" "$store" "$conc" "$rate" "$per_core ($cores cores)" "$p50" "$p99" "$peak" "$cpu_ms" "$notes"
      if [[ -n ${PROFILE:-} ]]; then echo "-- where the server CPU went (perf, self time):"; cat "$work/profile-$store-$conc.txt"; fi
      kill "$server"; wait "$server" 2>/dev/null || true
    done
  done
' bench "$latency" "$seconds" "$concurrency" "$stores" "$at_once"
