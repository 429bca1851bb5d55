#!/usr/bin/env bash
# Benchmark: a whole sweep against the peer MPI users write today (tests/bench/mpi4py_peer.py:
# mpi4py scatter of equal slices of the grid + PyTorch), the same uniform grid on the same
# cores in the same run: the reference cnn (filters 32, dense 128, batch 64, Adam), learning
# rate 0.001-0.004 x dropout 0.25/0.5 (8 trials of equal cost), one epoch over SUBSET
# Fashion-MNIST images each, then the 10,000 test images. sweep: mpirun -np 3 (a coordinator
# and 2 single-thread workers, its defaults otherwise); the peer: mpirun -np 2 single-thread
# ranks. Wall seconds of each whole command, best of REPEATS (runs alternate).
#   tests/bench/peer_sweep.sh      (builds first; installs python3-torch and python3-mpi4py)
# Environment: SUBSET=6400  REPEATS=2  SKIP_BUILD=1 (use build/ as it is)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "${SKIP_BUILD:-0}" = 1 ] ||
  SWEEP_EXTRA_PACKAGES="python3-torch python3-mpi4py" "$root/jobscripts/build.sh" >/dev/null
SWEEP=$root/build/bin/sweep
SUBSET=${SUBSET:-6400}
REPEATS=${REPEATS:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > grid.ini <<INI
epochs = 1
train_subset = $SUBSET
val_split = 0
filters = 32
dense_units = 128
batch_size = 64
[grid]
learning_rate = 0.001, 0.002, 0.003, 0.004
dropout = 0.25, 0.5
INI
wall() {  # command... -> wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > run.log 2>&1 || { cat run.log; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}
best_s=999999 best_p=999999
for _ in $(seq "$REPEATS"); do
  rm -f s.h5
  s=$(wall mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run grid.ini --threads 1 --out s.h5)
  p=$(wall mpirun -np 2 --oversubscribe --bind-to none /usr/bin/python3 \
    "$root/tests/bench/mpi4py_peer.py" --threads 1 --subset "$SUBSET" --out peer.csv)
  best_s=$(awk -v a="$s" -v b="$best_s" 'BEGIN { print (a < b) ? a : b }')
  best_p=$(awk -v a="$p" -v b="$best_p" 'BEGIN { print (a < b) ? a : b }')
done
acc_s=$(/usr/bin/python3 -c "import h5py; t = h5py.File('s.h5')['trials']; print('%.4f' % t['test_acc'].mean())")
acc_p=$(/usr/bin/python3 -c "import csv; r = list(csv.DictReader(open('peer.csv'))); print('%.4f' % (sum(float(x['test_acc']) for x in r) / len(r)))")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "8 trials, $SUBSET images each, wall seconds (best of $REPEATS) and mean test accuracy:"
echo "  sweep, mpirun -np 3 (2 workers x 1 thread):   $best_s s  test_acc $acc_s"
echo "  mpi4py scatter + PyTorch, mpirun -np 2 x 1:   $best_p s  test_acc $acc_p"
awk -v s="$best_s" -v p="$best_p" 'BEGIN { printf "  sweep is %.2fx faster\n", p / s }'
