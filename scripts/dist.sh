#!/usr/bin/env bash
# The release artifacts, into dist/:
# - a manylinux wheel of the labcheck binary per target (glibc 2.17 and later; zig links it, so one machine makes
#   both), for `pip install labcheck`, pipx and uvx;
# - labcheck-lambda-arm64.zip, the bootstrap (with checks/) that deploy/template.yaml deploys.
#   scripts/dist.sh [TARGET ...]     # default: x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu
# The tools are pinned by deploy/dist-requirements.lock, in .emulators/dist-tools; each Rust target needs its
# standard library (rustup target add TARGET).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)
installed="$(rustup target list --installed 2>/dev/null || rustc --print target-list)"
for target in "${targets[@]}" aarch64-unknown-linux-gnu; do
  grep -qx "$target" <<<"$installed" ||
    { echo "dist: no Rust standard library for $target: run rustup target add $target" >&2; exit 2; }
done

tools=.emulators/dist-tools
want="$(sha256sum deploy/dist-requirements.lock | cut -d' ' -f1)"
if [[ ! -f "$tools/.lock.sha256" || "$(cat "$tools/.lock.sha256")" != "$want" ]]; then
  rm -rf "$tools"
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check --no-deps -r deploy/dist-requirements.lock
  echo "$want" >"$tools/.lock.sha256"
fi
export PATH="$PWD/$tools/bin:$PATH"

mkdir -p dist
rm -f dist/labcheck-*.whl dist/labcheck-lambda-*.zip
for target in "${targets[@]}"; do
  maturin build --release --zig --target "$target" --compatibility manylinux_2_17 --out dist
done
cargo lambda build --release --arm64 --bin labcheck-lambda --include checks --output-format zip
cp target/lambda/labcheck-lambda/bootstrap.zip dist/labcheck-lambda-arm64.zip
ls -l dist
