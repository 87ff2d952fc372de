#!/usr/bin/env bash
# labcheck against the common way lab checks are written (bench/peer_grader.py: one boto3 function per check, each on
# its own client, run one after another), grading the API-keys step of a complete lab on LocalStack through
# bench/delay_proxy.py, which adds DELAY_MS to every request (control plane and probes alike). Whole processes timed
# from outside, median of RUNS each; loopback only. The release build of labcheck is measured.
#   scripts/bench-peer.sh [DELAY_MS] [RUNS]        # default 50 ms, 5 runs
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
delay="${1:-50}"
runs="${2:-5}"
cargo build --release --quiet --bin labcheck
cargo build --quiet --example seed

# The peer and the proxy need boto3 and aiohttp: a venv pinned by bench/requirements.lock.
venv=".emulators/bench"
want="$(sha256sum bench/requirements.lock | cut -d' ' -f1)"
if [[ ! -f "$venv/.lock.sha256" || "$(cat "$venv/.lock.sha256")" != "$want" ]]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r bench/requirements.lock
  echo "$want" >"$venv/.lock.sha256"
fi

exec scripts/emulators.sh bash -c '
  set -euo pipefail
  delay="$1" runs="$2" venv="$3"
  read -r account region < <(target/debug/examples/seed complete 0)
  port="$(python3 -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])")"
  "$venv/bin/python" bench/delay_proxy.py "$port" "$LABCHECK_TEST_LOCALSTACK_URL" "$delay" &
  proxy_pid=$!
  trap "kill $proxy_pid 2>/dev/null || true" EXIT
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/__stats" 2>/dev/null && break; sleep 0.1; done
  echo "API-keys step, ${delay} ms added per request, median of ${runs} runs:"
  "$venv/bin/python" bench/compare.py "http://127.0.0.1:$port" "$account" "$region" "$runs" target/release/labcheck
' bench-peer "$delay" "$runs" "$venv"
