#!/usr/bin/env bash
# Benchmark: one trial trained by a group of ranks (ranks_per_trial), against one rank with one
# thread and one rank with two threads, on this machine:
#  1. the reference cnn (filters 32, dense 128, Adam 1e-3) at global batch 128 over SUBSET
#     Fashion-MNIST images, one epoch: training samples/s (best of REPEATS) and the share of the
#     training time the group's leader waited for gradient sums (sync_seconds);
#  2. retina-size images: a resnet (depth 18, width 0.25) on 3x128x128 photographs of an image
#     cache made by `sweep prepare` from synthetic fundus photographs (make_fundus): seconds per
#     epoch, the retinopathy study's node experiment in miniature.
#   tests/bench/data_parallel.sh          (builds first)
# Environment: SUBSET=6400  REPEATS=2  PATIENTS=500 (photographs: 2 per patient)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/jobscripts/build.sh" > /dev/null
SWEEP=$root/build/bin/sweep
PY=/usr/bin/python3
SUBSET=${SUBSET:-6400}
REPEATS=${REPEATS:-2}
PATIENTS=${PATIENTS:-500}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# run NAME GRID NP THREADS R: one trial; prints "samples/s epoch_seconds sync_share"
run() {
  local best="" line
  for _ in $(seq 1 "$REPEATS"); do
    rm -f "$1.h5"
    mpirun -np "$3" --oversubscribe --bind-to none "$SWEEP" run "$2" --threads "$4" \
      --ranks_per_trial="$5" -q -o "$1.h5" > "$1.log" 2>&1 || { cat "$1.log"; exit 1; }
    line=$("$PY" - "$1.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
t, e = f["trials"][0], f["epochs"][:]
train = e["seconds"].sum()
print(f"{t['train_samples_per_s']:.1f} {e['seconds'].mean():.2f} {100 * t['sync_seconds'] / train:.1f}")
PY
)
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a > b) }'; then best=$line; fi
  done
  echo "$best"
}
table() {  # table GRID: the three layouts
  printf '%-28s %12s %12s %10s\n' layout samples/s s/epoch sync%
  read -r s1 e1 _ < <(run one "$1" 2 1 1)
  printf '%-28s %12s %12s %10s\n' "1 rank x 1 thread" "$s1" "$e1" "-"
  read -r s2 e2 w2 < <(run two "$1" 3 1 2)
  printf '%-28s %12s %12s %10s  (%.2fx)\n' "ranks_per_trial 2 x 1 thread" "$s2" "$e2" "$w2" "$(echo "$s2 / $s1" | awk '{print $1 / $3}')"
  read -r s3 e3 _ < <(run thr "$1" 2 2 1)
  printf '%-28s %12s %12s %10s  (%.2fx)\n' "1 rank x 2 threads" "$s3" "$e3" "-" "$(echo "$s3 / $s1" | awk '{print $1 / $3}')"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cat > cnn.ini <<INI
epochs = 1
train_subset = $SUBSET
val_split = 0
filters = 32
dense_units = 128
batch_size = 128
learning_rate = 0.001
dropout = 0
INI
echo "== reference cnn, global batch 128, $SUBSET Fashion-MNIST images (best of $REPEATS)"
table cnn.ini

"$root/build/tests/make_fundus" photos "$PATIENTS" 512 384 > /dev/null
"$SWEEP" prepare --images photos/images --labels photos/trainLabels.csv --size 128 --out cache.h5 > prepare.log 2>&1
cat > retina.ini <<INI
dataset = hdf5
cache = cache.h5
epochs = 1
model = resnet
depth = 18
width = 0.25
batch_size = 32
INI
echo "== resnet-18 x 0.25 on 3x128x128 retina photographs, batch 32; $("$SWEEP" plan retina.ini | grep '^data:')"
table retina.ini
