#!/usr/bin/env bash
# Benchmark: one trial trained by a group of ranks (ranks_per_trial = 2 x 1 thread), against one
# rank with one thread, one rank with two threads, and two trials at once on one rank each (what
# two processes of this machine can do at most), on this machine:
#  1. the reference cnn (filters 32, dense 128, Adam 1e-3) at global batch 128 over SUBSET
#     Fashion-MNIST images, one epoch: training samples/s and the share of the training time the
#     group's leader waited in its sums (sync_seconds: gradient sums and steps' agreements);
#  2. retina-size images: a resnet (depth 18, width 0.25) on 3x128x128 photographs of an image
#     cache made by `sweep prepare` from synthetic fundus photographs (make_fundus), batch 32.
# Also: the group leader's training time outside its waits in sums against one rank's training
# time (how well the work itself divides, apart from waiting for the slower member).
# The layouts run in turn in each of REPEATS rounds; each speed-up is the median over the
# rounds of the ratio within a round (with its range), as the speed of a shared machine drifts.
#   tests/bench/data_parallel.sh          (builds first)
# Environment: SUBSET=6400  REPEATS=3  PATIENTS=500 (photographs: 2 per patient)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/jobscripts/build.sh" > /dev/null
SWEEP=$root/build/bin/sweep
PY=/usr/bin/python3
SUBSET=${SUBSET:-6400}
REPEATS=${REPEATS:-3}
PATIENTS=${PATIENTS:-500}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# once NAME GRID NP THREADS R: one run; prints "samples/s epoch_seconds sync_share sync_seconds"
# (samples/s summed over the trials: a grid of 2 trials run at once gives the machine's
# 2-process rate)
once() {
  rm -f "$1.h5"
  mpirun -np "$3" --oversubscribe --bind-to none "$SWEEP" run "$2" --threads "$4" \
    --ranks_per_trial="$5" -q -o "$1.h5" > "$1.log" 2>&1 || { cat "$1.log"; exit 1; }
  "$PY" - "$1.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
t, e = f["trials"][:], f["epochs"][:]
print(f"{t['train_samples_per_s'].sum():.1f} {e['seconds'].mean():.2f} "
      f"{100 * t['sync_seconds'].sum() / e['seconds'].sum():.1f} {t['sync_seconds'].sum():.3f}")
PY
}
# table GRID ROWS: the layouts, run in turn in each of REPEATS rounds (a shared machine's speed drifts
# by 20% from one minute to the next: a ratio is taken within a round, then the median over the
# rounds; samples/s and s/epoch are medians too).
table() {
  sed 's/^\[grid\]$//' "$1" > pair.ini
  printf '[grid]\nseed = 1, 2\n' >> pair.ini
  : > rounds.txt
  for round in $(seq 1 "$REPEATS"); do
    echo "$round one $(once one "$1" 2 1 1)" >> rounds.txt
    echo "$round two $(once two "$1" 3 1 2)" >> rounds.txt
    echo "$round thr $(once thr "$1" 2 2 1)" >> rounds.txt
    echo "$round pair $(once pair pair.ini 3 1 1)" >> rounds.txt
  done
  "$PY" - rounds.txt "$2" <<'PY'
import statistics, sys
runs = {}
rows_trained = int(sys.argv[2])  # training rows of one epoch
for line in open(sys.argv[1]):
    r, name, sps, sec, sync, sync_s = line.split()
    runs.setdefault(name, {})[r] = (float(sps), float(sec), float(sync), float(sync_s))
med = lambda xs: statistics.median(xs)
rows = [("one", "1 rank x 1 thread"), ("two", "ranks_per_trial 2 x 1 thread"),
        ("thr", "1 rank x 2 threads"), ("pair", "2 trials at once, 1 rank each")]
print(f"{'layout':<31} {'samples/s':>10} {'s/epoch':>8} {'sync%':>6}  x 1 rank (each round's, median; range)")
for name, label in rows:
    v = runs[name]
    ratios = [v[r][0] / runs["one"][r][0] for r in v]
    sync = f"{med([x[2] for x in v.values()]):.1f}" if name == "two" else "-"
    extra = "" if name == "one" else f"  {med(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
    print(f"{label:<31} {med([x[0] for x in v.values()]):>10.1f} {med([x[1] for x in v.values()]):>8.2f} {sync:>6}{extra}")
# What the group's leader spent outside its waits (its training time less the time it waited in
# sums: its own forward, backward and optimizer steps), against one rank's training time: how
# well the work itself divides, whatever the waits for the slower member cost.
busy = [(rows_trained / runs["one"][r][0]) / (rows_trained / runs["two"][r][0] - runs["two"][r][3])
        for r in runs["two"]]
print(f"ranks_per_trial 2, the leader's training time outside its waits: {med(busy):.2f}x less than 1 rank's ({min(busy):.2f}-{max(busy):.2f})")
if "two" in runs and "pair" in runs:
    eff = [runs["two"][r][0] / runs["pair"][r][0] for r in runs["two"]]
    print(f"ranks_per_trial 2 against 2 trials at once: {med(eff):.2f} ({min(eff):.2f}-{max(eff):.2f})")
PY
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
echo "== reference cnn, global batch 128, $SUBSET Fashion-MNIST images ($REPEATS rounds)"
table cnn.ini "$SUBSET"

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
plan=$("$SWEEP" plan retina.ini | grep '^data:')
echo "== resnet-18 x 0.25 on 3x128x128 retina photographs, batch 32; $plan"
table retina.ini "$(echo "$plan" | sed -n 's/.* \([0-9][0-9]*\) training.*/\1/p')"
