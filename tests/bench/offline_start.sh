#!/usr/bin/env bash
# Benchmark: how fast the offline commands answer. `sweep` (no LibTorch, no MPI) against
# `sweep-torch` (every command, LibTorch loaded) on the same ten-trial results file: the median
# wall time of RUNS calls and the largest resident memory, per command.
#   tests/bench/offline_start.sh          (builds the sweep target first)
# Environment: RUNS=5
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=sweep_bin "$root/jobscripts/build.sh" > /dev/null
bin=$root/build/bin
RUNS=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > g.ini <<'INI'
model = noop
epochs = 2
sleep_ms = 0
dataset = idx
data_dir = /nonexistent/noop-needs-no-data
[grid]
learning_rate = 0.1, 0.05, 0.01, 0.005, 0.001
batch_size = 32, 64
INI
"$bin/sweep" run g.ini -q --out r.h5 > run.log 2>&1 || { cat run.log; exit 1; }
# median of RUNS wall times (s) and the largest RSS (MiB) of one command line
measure() {
  local times=() peak=0 line t kib
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o time.txt -f '%e %M' "$@" > /dev/null 2>&1
    line=$(tail -1 time.txt)
    t=${line% *} kib=${line#* }
    times+=("$t")
    [ "$kib" -gt "$peak" ] && peak=$kib
  done
  printf '%8s s %6d MiB' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")" \
    "$((peak / 1024))"
}
printf '%-22s %-20s %-20s\n' command "sweep" "sweep-torch"
for cmd in "--version" "rank r.h5" "export r.h5 -o r.csv" "status g.ini r.h5"; do
  # shellcheck disable=SC2086
  printf '%-22s %-20s %-20s\n' "$cmd" "$(measure "$bin/sweep" $cmd)" "$(measure "$bin/sweep-torch" $cmd)"
done
echo "(${RUNS} runs each, $(nproc) cores; sweep-torch is what every command loaded before the split)"
