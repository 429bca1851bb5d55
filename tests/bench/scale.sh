#!/usr/bin/env bash
# Benchmark: a results file of many trials (model = noop, each result as large as a real
# 10-class trial's: 3 epoch rows, its confusion matrix's nonzero cells (10-20 of 100), 10 per-class
# rows). For each size, one
# grid of seed x batch_size x train_subset, then every command a user runs on such a file:
#   run (mpirun -np 3, the coordinator storing), run again on the complete file (the resume
#   index, nothing to run), rank --top 3, export --format csv, export --curves (the epochs),
#   status, plan (no file), and
#   up to MERGE_MAX trials merge (the file into a new one: merge reads its inputs whole);
# each with its wall time and the peak resident memory of its largest process (GNU time), and
# the file's bytes per trial.
#   tests/bench/scale.sh              (builds first; SKIP_BUILD=1 uses build/bin/sweep as is)
# Environment: SIZES="10000 100000" (1000000 takes about 4 minutes and 5 GB of disk), SWEEP,
#              MERGE_MAX=100000
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "${SKIP_BUILD:-0}" = 1 ] || "$root/jobscripts/build.sh" > /dev/null
SWEEP=${SWEEP:-$root/build/bin/sweep}
SIZES=${SIZES:-10000 100000}
MERGE_MAX=${MERGE_MAX:-100000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

# measure LABEL CMD...: runs CMD under GNU time, prints LABEL, seconds and peak MiB.
measure() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  read -r secs kib < "$work/time"
  printf '  %-34s %8s s %8d MiB\n' "$label" "$secs" $((kib / 1024))
}

for n in $SIZES; do
  seeds=$(seq -s, 1 $(((n + 99) / 100)))
  cat > "$work/g.ini" <<INI
model = noop
epochs = 3
[grid]
seed = $seeds
batch_size = 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192
train_subset = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
INI
  rm -f "$work/g.h5"
  echo "$n trials:"
  measure "sweep run (mpirun -np 3)" mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run \
    "$work/g.ini" -q --out "$work/g.h5"
  grep -o '[0-9]* results/s stored' "$work/out" | sed 's/^/    /'
  measure "sweep run again (complete file)" "$SWEEP" run "$work/g.ini" -q --out "$work/g.h5"
  measure "sweep rank --top 3" "$SWEEP" rank "$work/g.h5" --top 3
  measure "sweep export --format csv" "$SWEEP" export "$work/g.h5" -o "$work/g.csv"
  measure "sweep export --curves" "$SWEEP" export "$work/g.h5" --curves -o "$work/g.csv"
  measure "sweep status" "$SWEEP" status "$work/g.ini" "$work/g.h5"
  measure "sweep plan (no file)" "$SWEEP" plan "$work/g.ini" --out "$work/none.h5"
  if [ "$n" -le "$MERGE_MAX" ]; then
    measure "sweep merge (one file)" "$SWEEP" merge "$work/m.h5" "$work/g.h5"
    rm -f "$work/m.h5"
  fi
  bytes=$(stat -c %s "$work/g.h5")
  printf '  %-34s %8d MB %8d bytes a trial\n' "results file" $((bytes / 1000000)) $((bytes / n))
  rm -f "$work/g.h5" "$work/g.csv"
done
