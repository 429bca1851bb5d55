#!/usr/bin/env bash
# Benchmark: successive halving (search = asha) against the full grid on the same Fashion-MNIST
# space of 27 configurations (learning rate x filters x dropout, 9 epochs each at most), both
# with the same number of ranks: best test accuracy reached, epochs trained, wall time, and the
# curve of the best accuracy so far against epochs spent (written as CSV).
#   tests/bench/asha_vs_grid.sh            (builds first)
# Environment: NP=3 (MPI ranks)  SUBSET=10000 (training images)  VAL_SPLIT=0.2 (their share
#              held out for validation, which ASHA ranks by)  ETA=3 (reduction factor)
#              OUT=asha-vs-grid (folder for the results files and curves.csv)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/jobscripts/build.sh" > /dev/null
SWEEP=$root/build/bin/sweep
NP=${NP:-3}
SUBSET=${SUBSET:-10000}
VAL_SPLIT=${VAL_SPLIT:-0.2}
ETA=${ETA:-3}
OUT=${OUT:-asha-vs-grid}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$OUT"
common="train_subset = $SUBSET
val_split = $VAL_SPLIT
dense_units = 64
batch_size = 64"
space="learning_rate = 0.0001, 0.001, 0.01
filters = 8, 16, 32
dropout = 0, 0.25, 0.5"
printf '%s\nepochs = 9\n[grid]\n%s\n' "$common" "$space" > "$OUT/grid.ini"
# samples = 27 over a space of 27 points: the sampler draws until it has all of them.
printf 'search = asha\nsamples = 27\nmin_epochs = 1\nmax_epochs = 9\nreduction_factor = %s\n%s\n[grid]\n%s\n' \
  "$ETA" "$common" "$space" > "$OUT/asha.ini"
run() {  # run NAME: the sweep of NAME.ini into NAME.h5, timed
  rm -rf "$OUT/$1.h5" "$OUT/$1.h5.state"
  local t0=$SECONDS
  mpirun -np "$NP" --oversubscribe --bind-to none "$SWEEP" run "$OUT/$1.ini" --out "$OUT/$1.h5" \
    --threads 1 -q > "$OUT/$1.log" 2>&1
  echo "$1: $((SECONDS - t0)) s wall with $NP ranks"
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
run grid
run asha
grep '^ASHA:' "$OUT/asha.log"
/usr/bin/python3 "$root/tests/bench/asha_curves.py" "$OUT/grid.h5" "$OUT/asha.h5" "$OUT/curves.csv"
