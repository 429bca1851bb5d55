#!/usr/bin/env bash
# Benchmark: sweep prepare on synthetic fundus photographs of a realistic size (default 300
# JPEGs/PNGs of 2048x1536, as large as typical Kaggle retina images), with 1, 2 and 3 ranks:
# images/s; then a short sweep trained from the cache, against the same sweep paying the
# decoding in every trial (its wall time plus, per trial, the 1-rank prepare time: decoding is
# the same work wherever it happens).
#   tests/bench/prepare_speed.sh            (builds first)
# Environment: PATIENTS=150  WIDTH=2048 HEIGHT=1536  SIZE=128  TRIALS=4 (of the sweep)
#              OUT=prepare-speed (folder)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/jobscripts/build.sh" > /dev/null
SWEEP=$root/build/bin/sweep
PATIENTS=${PATIENTS:-150}
WIDTH=${WIDTH:-2048}
HEIGHT=${HEIGHT:-1536}
SIZE=${SIZE:-128}
TRIALS=${TRIALS:-4}
OUT=${OUT:-prepare-speed}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$OUT"
cd "$OUT"
[ -d data/images ] || "$root/build/tests/make_fundus" data "$PATIENTS" "$WIDTH" "$HEIGHT"
echo "images: $(ls data/images | wc -l) files, $(du -sh data/images | cut -f1)"
for np in 1 2 3; do
  rm -f "cache-$np.h5"
  start=$(date +%s.%N)
  mpirun -np "$np" --oversubscribe --bind-to none "$SWEEP" prepare --images data/images \
    --labels data/trainLabels.csv --size "$SIZE" --lcn --out "cache-$np.h5" > "prepare-$np.log" 2>&1
  end=$(date +%s.%N)
  echo "prepare, $np rank(s): $(grep "^prepared" "prepare-$np.log")"
  [ "$np" = 1 ] && decode=$(echo "$end - $start" | bc)
done
lrs=$(seq -s, 1 "$TRIALS" | sed 's/[0-9]\+/0.00&/g')
printf 'dataset = hdf5\ncache = cache-1.h5\nepochs = 3\nbatch_size = 32\nfilters = 16\nconv_blocks = 4\nbatch_norm = true\n[grid]\nlearning_rate = %s\n' "$lrs" > sweep.ini
rm -f sweep.h5
start=$(date +%s.%N)
mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run sweep.ini --threads 1 -q > sweep.log 2>&1
end=$(date +%s.%N)
wall=$(echo "$end - $start" | bc)
echo "sweep of $TRIALS trials from the cache: $wall s; decoding inside each trial would add $TRIALS x $decode s: $(echo "$wall + $TRIALS * $decode" | bc) s"
