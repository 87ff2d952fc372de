#!/usr/bin/env bash
# Runs a command with local AWS emulators up:
#   moto (server mode)      - AWS control plane and Lambda          -> LABCHECK_TEST_MOTO_URL
#   LocalStack (on the host) - API Gateway incl. invoking stages, S3 with website endpoints -> LABCHECK_TEST_LOCALSTACK_URL
#   cargo-lambda (installed, started by the tests) - Lambda runtime  -> LABCHECK_TEST_CARGO_LAMBDA
# Installs both from PyPI into venvs under .emulators/ (pinned by tests/emulators/*.lock, reinstalled when a lock
# file changes), starts them on free loopback ports, waits until they answer, runs "$@", and stops them by PID.
#
#   scripts/emulators.sh cargo test
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.emulators"
locks="$root/tests/emulators"
mkdir -p "$state"

log() { printf 'emulators: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# A Python >= 3.12 for LocalStack (3.13 is under pyenv on these machines); any python3 for moto.
find_python312() {
  local candidates=()
  if command -v pyenv >/dev/null 2>&1; then
    candidates+=("$(pyenv root)/versions/3.13.0/bin/python3")
    for p in "$(pyenv root)"/versions/3.1[2-9]*/bin/python3; do candidates+=("$p"); done
  fi
  candidates+=(python3.13 python3.12 python3)
  for p in "${candidates[@]}"; do
    if command -v "$p" >/dev/null 2>&1 &&
      "$p" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      command -v "$p"; return 0
    fi
  done
  return 1
}

# ensure_venv NAME PYTHON LOCKFILE: a venv with exactly the locked packages (uv resolves nothing, installs the pins).
ensure_venv() {
  local name=$1 python=$2 lock=$3 venv="$state/$1"
  local stamp="$venv/.lock.sha256" want
  want="$(sha256sum "$lock" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  log "installing $name into $venv (pinned by ${lock#"$root"/})"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'uv==0.13.9'
  "$venv/bin/uv" pip install --quiet --python "$venv/bin/python" --no-deps -r "$lock"
  echo "$want" >"$stamp"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for URL PID NAME LOG SECONDS
wait_for() {
  local url=$1 pid=$2 name=$3 logfile=$4 limit=$5 i
  for ((i = 0; i < limit * 4; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$logfile" >&2 || true
      die "$name exited while starting (log: $logfile)"
    fi
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  tail -n 30 "$logfile" >&2 || true
  die "$name did not answer $url within ${limit}s (log: $logfile)"
}

py312="$(find_python312)" || die "LocalStack needs Python >= 3.12 (python3.12/python3.13 or pyenv) and none was found"
ensure_venv moto "$(command -v python3)" "$locks/moto-requirements.lock"
ensure_venv localstack "$py312" "$locks/localstack-requirements.lock"
# The Lambda runtime emulator (`cargo lambda watch`); its zig dependency is only for cross builds, not installed.
ensure_venv cargo-lambda "$(command -v python3)" "$locks/cargo-lambda-requirements.lock"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_dir="$state/run"
rm -rf "$run_dir"
mkdir -p "$run_dir/localstack-fs"

moto_port="$(free_port)"
# AWS managed policies (AWSLambdaBasicExecutionRole, ...) exist on AWS; moto loads them only when asked.
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$state/moto/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$run_dir/moto.log" 2>&1 &
pids+=("$!")
moto_pid=$!

ls_port="$(free_port)"
(
  cd "$run_dir"
  export OVERRIDE_IN_DOCKER=0 GATEWAY_SERVER=hypercorn GATEWAY_LISTEN="127.0.0.1:$ls_port" \
    SERVICES=apigateway,sts,s3,s3control,kms DISABLE_EVENTS=1 SKIP_SSL_CERT_DOWNLOAD=1 \
    FILESYSTEM_ROOT="$run_dir/localstack-fs" LOCALSTACK_HOST="127.0.0.1:$ls_port"
  exec "$state/localstack/bin/python" -m localstack.runtime.main
) >"$run_dir/localstack.log" 2>&1 &
pids+=("$!")
ls_pid=$!

wait_for "http://127.0.0.1:$moto_port/moto-api/" "$moto_pid" moto "$run_dir/moto.log" 30
wait_for "http://127.0.0.1:$ls_port/_localstack/health" "$ls_pid" LocalStack "$run_dir/localstack.log" 90
log "moto on :$moto_port, LocalStack on :$ls_port (logs in ${run_dir#"$root"/})"

export LABCHECK_TEST_MOTO_URL="http://127.0.0.1:$moto_port"
export LABCHECK_TEST_LOCALSTACK_URL="http://127.0.0.1:$ls_port"
export LABCHECK_TEST_CARGO_LAMBDA="$state/cargo-lambda/bin/cargo-lambda"
status=0
"$@" || status=$?
exit "$status"
