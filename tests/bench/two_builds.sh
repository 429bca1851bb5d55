#!/usr/bin/env bash
# Benchmark: the same trial trained by two builds of sweep, alternated, to measure what a change
# of the training code costs: training samples/s of the reference cnn (filters 32, dense 128,
# batch 64, Adam 1e-3) on Fashion-MNIST, one thread, read back from each results file, and the
# trial's validation accuracy (equal when the change keeps the arithmetic).
#   tests/bench/two_builds.sh BIN_DIR_A BIN_DIR_B     (folders holding sweep and sweep-torch)
# Environment: SUBSET=6400 (training images)  REPEATS=3  EPOCHS=1  EXTRA= (more grid lines, e.g.
#              "label_smoothing = 0.1")
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,9p' "$0"; exit 2; }
SUBSET=${SUBSET:-6400}
REPEATS=${REPEATS:-3}
EPOCHS=${EPOCHS:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/bench.ini" <<INI
dataset = fashion_mnist
data_dir = /usr/share/datasets/fashion-mnist
epochs = $EPOCHS
train_subset = $SUBSET
filters = 32
dense_units = 128
batch_size = 64
learning_rate = 0.001
${EXTRA:-}
INI
one() {  # bin dir -> "samples/s val_acc"
  rm -f "$work/b.h5"
  "$1/sweep" run "$work/bench.ini" -q --threads 1 --out "$work/b.h5" > /dev/null
  "$1/sweep" export "$work/b.h5" --format csv | python3 -c '
import csv, sys
r = next(csv.DictReader(sys.stdin))
print("%.0f %.4f" % (float(r["train_samples_per_s"]), float(r["val_acc"])))'
}
printf '%-6s %-40s %12s %8s\n' run build samples/s val_acc
for i in $(seq "$REPEATS"); do
  for b in "$1" "$2"; do
    read -r speed acc < <(one "$b")
    printf '%-6s %-40s %12s %8s\n' "$i" "$b" "$speed" "$acc"
  done
done
