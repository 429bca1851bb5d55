#!/usr/bin/env bash
# Benchmark: the quality grids. grids/fashion_mnist_quality.ini (60,000 Fashion-MNIST training
# images, the 10,000 test images) and grids/mnist_quality.ini (the 10,000 shared digits:
# 8,004 for training, 1,996 for testing), each a 2-trial sweep through mpirun, keeping the
# best checkpoint, then `sweep predict` of that checkpoint on the test set. Prints the test
# accuracy of the trial chosen on validation, the wall time and the CPU time each took.
#   tests/bench/quality.sh                 (builds first; about 30 min on 2 cores)
# Environment: NP=3 (MPI ranks: a coordinator and 2 workers)  THREADS=1 (per worker)
#              OUT=quality (folder for the results files, logs and checkpoints)
#              ONLY=fashion_mnist|mnist (one of the two)
#              KEYS="--precision=bf16" (grid keys set on the command line, e.g. bf16)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/jobscripts/build.sh" > /dev/null
SWEEP=$root/build/bin/sweep
NP=${NP:-3}
THREADS=${THREADS:-1}
OUT=${OUT:-quality}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$OUT"
cd "$root"  # the grids name ../shared relative to the checkout
for name in fashion_mnist mnist; do
  [ -z "${ONLY:-}" ] || [ "$ONLY" = "$name" ] || continue
  h5="$OUT/$name.h5"
  rm -rf "$h5" "$h5.checkpoints"
  /usr/bin/time -f "%e s wall, %U s user CPU, %S s system CPU" -o "$OUT/$name.time" \
    mpirun -np "$NP" --oversubscribe --bind-to none "$SWEEP" run "grids/${name}_quality.ini" \
    --threads "$THREADS" --keep-best 1 -o "$h5" ${KEYS:-} > "$OUT/$name.log" 2>&1
  data=$(grep '^data_dir' "grids/${name}_quality.ini" | sed 's/.*= *//')
  "$SWEEP" predict --from "$h5" --data "$data" > "$OUT/$name.predict.log"
  echo "== $name: $(cat "$OUT/$name.time")"
  "$SWEEP" rank "$h5"  # chosen on validation; test_acc is the held-out estimate
  grep -E '^(model|data|accuracy)' "$OUT/$name.predict.log"
done
