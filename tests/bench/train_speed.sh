#!/usr/bin/env bash
# Benchmark: training samples/s of the reference cnn (filters 32, dense 128, batch 64,
# Adam 1e-3, Fashion-MNIST) in sweep and in plain PyTorch (train_cnn.py, same model and
# settings), side by side at 1 and 2 threads; then a whole sweep of 4 trials: sweep with 3 ranks
# (2 workers x 1 thread) against the Python script running the same trials one after another
# at 2 threads.
#   tests/bench/train_speed.sh            (builds first; installs python3-torch if missing)
# Environment: SUBSET=6400 (training images per trial)  REPEATS=2
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
SWEEP_EXTRA_PACKAGES=python3-torch "$root/jobscripts/build.sh" >/dev/null
SWEEP=$root/build/bin/sweep
PY=/usr/bin/python3
SUBSET=${SUBSET:-6400}
REPEATS=${REPEATS:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/bench.ini" <<INI
epochs = 1
train_subset = $SUBSET
val_split = 0
filters = 32
dense_units = 128
batch_size = 64
learning_rate = 0.001
INI

sweep_speed() {  # threads -> samples/s of one trial, read back from the results file
  rm -f "$work/b.h5"
  "$SWEEP" run "$work/bench.ini" --threads "$1" --out "$work/b.h5" >/dev/null
  "$PY" -c "import h5py; print('%.1f' % h5py.File('$work/b.h5')['trials']['train_samples_per_s'][0])"
}
python_speed() { "$PY" "$root/tests/bench/train_cnn.py" --threads "$1" --subset "$SUBSET" | sed 's/samples\/s=\([0-9.]*\).*/\1/'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "cnn filters 32, dense 128, batch 64, $SUBSET Fashion-MNIST images per epoch; training samples/s (best of $REPEATS)"
printf '%-8s %12s %12s\n' threads sweep python
for t in 1 2; do
  best_s=0 best_p=0
  for _ in $(seq "$REPEATS"); do
    s=$(sweep_speed "$t"); p=$(python_speed "$t")
    best_s=$(echo "$s $best_s" | awk '{print ($1>$2)?$1:$2}')
    best_p=$(echo "$p $best_p" | awk '{print ($1>$2)?$1:$2}')
  done
  printf '%-8s %12s %12s\n' "$t" "$best_s" "$best_p"
done

echo
echo "whole sweep: 4 trials (learning_rate 0.001, 0.002, 0.003, 0.004), wall seconds"
t0=$(date +%s.%N)
rm -f "$work/s.h5"
mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run "$work/bench.ini" --learning_rate=0.001,0.002,0.003,0.004 \
  --out "$work/s.h5" > "$work/s.log"
t1=$(date +%s.%N)
for lr in 0.001 0.002 0.003 0.004; do "$PY" "$root/tests/bench/train_cnn.py" --threads 2 --subset "$SUBSET" --lr "$lr" >/dev/null; done
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "sweep, mpirun -np 3 (2 workers x 1 thread): %6.1f s\n", b - a }'
awk -v a="$t1" -v b="$t2" 'BEGIN { printf "python, 4 trials in turn at 2 threads:      %6.1f s\n", b - a }'
grep coordinator "$work/s.log" || true
