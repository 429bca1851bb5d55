#!/usr/bin/env bash
# Benchmark: makespan of a grid of uneven trials with 1 to 16 worker ranks against the lower
# bound max(longest trial, total work / workers). The trials are model = noop sleeping
# 50 ms x k (k = 1..32: 26.4 s of work, the longest 1.6 s), so that the ranks do not compete
# for the 2 cores and what is measured is the scheduling: longest first, dynamic hand-out.
#   tests/bench/scaling.sh            (builds first; SKIP_BUILD=1 uses build/bin/sweep as is)
# Environment: WORKERS="1 2 4 8 16"  SWEEP (the binary)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "${SKIP_BUILD:-0}" = 1 ] || "$root/jobscripts/build.sh" > /dev/null
SWEEP=${SWEEP:-$root/build/bin/sweep}
WORKERS=${WORKERS:-1 2 4 8 16}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sleeps=$(seq -s, 50 50 1600)
cat > "$work/uneven.ini" <<INI
model = noop
epochs = 1
[grid]
sleep_ms = $sleeps
INI
total=$(seq 50 50 1600 | awk '{s += $1} END {print s / 1000}')
echo "32 no-op trials sleeping 0.05-1.6 s (total $total s of work)"
printf '%-8s %10s %12s %10s\n' workers "makespan" "lower bound" "ratio"
for w in $WORKERS; do
  rm -f "$work/u.h5"
  mpirun -np $((w + 1)) --oversubscribe --bind-to none "$SWEEP" run "$work/uneven.ini" -q \
    --out "$work/u.h5" > "$work/u.log" 2>&1 || { cat "$work/u.log"; exit 1; }
  span=$(grep '^done:' "$work/u.log" | sed 's/.* over \([0-9.]*\) s of coordinating.*/\1/')
  awk -v w="$w" -v s="$span" -v t="$total" 'BEGIN {
    lb = t / w; if (lb < 1.6) lb = 1.6
    printf "%-8s %9.2fs %11.2fs %10.3f\n", w, s, lb, s / lb }'
done
