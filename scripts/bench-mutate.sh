#!/usr/bin/env bash
# The mutation analysis's speed: an optimized build grades every mutant of each shipped lab's cases, in process, on
# one core (taskset), and prints mutants graded per second. Bounded: each lab once (the Items lab is ~5,500
# mutants); nothing leaves the machine.
#   scripts/bench-mutate.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --locked --quiet --bin labcheck
for lab in checks/*/; do
  lab=${lab%/}
  start=$(date +%s.%N)
  mutants=$(taskset -c 0 target/release/labcheck mutate "$lab" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["mutants"])')
  end=$(date +%s.%N)
  python3 -c "import sys; m, s = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2]); print(f'{sys.argv[4]}: {m} mutants in {s:.2f} s on one core: {m / s:.0f} mutants/s')" "$mutants" "$start" "$end" "$lab"
done
