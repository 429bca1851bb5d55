#!/usr/bin/env bash
# Benchmark: what rank 0 costs per trial, with model = noop (no training; each result is as
# large as a real 10-class trial's: 3 epoch rows, 100 confusion cells, 10 per-class rows).
#  1. Throughput: TRIALS no-op trials (0 ms) through the coordinator with 1, 2, 4 and 8 worker
#     ranks: results/s from dispatch to the flushed HDF5 append (the `done:` line).
#  2. Idle cost: 8 trials that sleep 2 x 1 s on 2 workers: rank 0's CPU time over the wall time
#     of coordinating.
#   tests/bench/coordinator.sh            (builds first; SKIP_BUILD=1 uses build/bin/sweep as is)
# Environment: TRIALS=20000  SWEEP (the binary)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "${SKIP_BUILD:-0}" = 1 ] || "$root/jobscripts/build.sh" > /dev/null
SWEEP=${SWEEP:-$root/build/bin/sweep}
TRIALS=${TRIALS:-20000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seeds=$(seq -s, 1 $(((TRIALS + 99) / 100)))
cat > "$work/noop.ini" <<INI
model = noop
epochs = 3
[grid]
seed = $seeds
learning_rate = 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008, 0.009, 0.01
batch_size = 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192
INI
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "no-op trials through rank 0, HDF5 append and flush included"
printf '%-8s %-8s %12s %10s %14s\n' workers trials "results/s" writes "rank 0 CPU"
for workers in 1 2 4 8; do
  rm -f "$work/noop.h5"
  mpirun -np $((workers + 1)) --oversubscribe --bind-to none "$SWEEP" run "$work/noop.ini" -q \
    --out "$work/noop.h5" > "$work/noop.log" 2>&1 || { cat "$work/noop.log"; exit 1; }
  line=$(grep '^done:' "$work/noop.log")
  n=$(echo "$line" | sed 's/^done: \([0-9]*\) trials.*/\1/')
  rate=$(echo "$line" | sed 's/.*, \([0-9]*\) results\/s.*/\1/')
  writes=$(echo "$line" | sed 's/.* stored in \([0-9]*\) writes.*/\1/')
  cpu=$(echo "$line" | sed 's/.*coordinating (\([0-9.]*%\)).*/\1/')
  printf '%-8s %-8s %12s %10s %14s\n' "$workers" "$n" "$rate" "$writes" "$cpu"
done

cat > "$work/sleepy.ini" <<'INI'
model = noop
epochs = 2
sleep_ms = 1000
[grid]
seed = 1, 2, 3, 4, 5, 6, 7, 8
INI
mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run "$work/sleepy.ini" -q \
  --out "$work/sleepy.h5" > "$work/sleepy.log" 2>&1 || { cat "$work/sleepy.log"; exit 1; }
echo
echo "rank 0 while 2 workers run 8 trials of 2 s: $(grep '^done:' "$work/sleepy.log" | sed 's/.*coordinator CPU \([^,]*\),.*/\1/')"
