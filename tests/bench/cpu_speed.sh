#!/usr/bin/env bash
# Benchmark: training samples/s on the CPU per model, precision, memory format and thread count,
# for sweep (the trial's train_samples_per_s from its results file, real images) and for the
# same model in plain PyTorch (tests/bench/cpu_models.py, random batches in memory), in one run.
# Its table backs the rule of memory_format = auto (worker/config/memory_format_rule.cpp, docs/benchmarks.md).
#   tests/bench/cpu_speed.sh      (builds first; installs python3-torch if missing)
# Environment: SECONDS_PER=5 (PyTorch's timed seconds per cell)  THREADS="1 2"  REPEATS=2 (best of)
#   MODELS="cnn16 cnn32 resnet32 resnet128 vit"  SKIP_BUILD=1 (use build/ as it is)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "${SKIP_BUILD:-0}" = 1 ] || SWEEP_EXTRA_PACKAGES=python3-torch "$root/jobscripts/build.sh" >/dev/null
SWEEP=$root/build/bin/sweep
PY=/usr/bin/python3
SECONDS_PER=${SECONDS_PER:-5}
REPEATS=${REPEATS:-2}
THREADS=${THREADS:-1 2}
MODELS=${MODELS:-cnn16 cnn32 resnet32 resnet128 vit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# RGB photographs for resnet: 3x32x32 and 3x128x128 image caches of synthetic fundus images.
"$root/build/tests/make_fundus" photos 120 256 192 >/dev/null
for s in 32 128; do
  "$SWEEP" prepare --images photos/images --labels photos/trainLabels.csv --size "$s" \
    --out "c$s.h5" >/dev/null 2>&1
done

grid() {  # model -> grid file on stdout; sets py_args
  local common="epochs = 1
val_split = 0
mistakes = 0"
  case $1 in
    cnn16 | cnn32)
      printf '%s\ntrain_subset = %s\nfilters = %s\ndense_units = 128\nbatch_size = 64\n' \
        "$common" "$([ "$1" = cnn16 ] && echo 9600 || echo 4800)" "${1#cnn}"
      py_args="--model cnn --filters ${1#cnn} --side 28 --channels 1 --batch 64" ;;
    resnet32 | resnet128)
      printf 'dataset = hdf5\ncache = c%s.h5\nepochs = 1\nmistakes = 0\nmodel = resnet\ndepth = 18\nbatch_size = 32\n' "${1#resnet}"
      py_args="--model resnet --side ${1#resnet} --channels 3 --batch 32" ;;
    vit)
      printf '%s\ntrain_subset = 1920\nmodel = vit\nbatch_size = 64\n' "$common"
      py_args="--model vit --side 28 --channels 1 --batch 64" ;;
  esac
}

sweep_speed() {  # grid threads precision layout -> samples/s
  rm -f o.h5
  "$SWEEP" run "$1" --threads "$2" --precision="$3" --memory_format="$4" --out o.h5 >/dev/null 2>&1
  "$PY" -c "import h5py; t = h5py.File('o.h5')['trials']; print('%.0f' % t['train_samples_per_s'][0])"
}
py_speed() {  # threads precision layout -> samples/s
  # shellcheck disable=SC2086
  "$PY" "$root/tests/bench/cpu_models.py" $py_args --threads "$1" --precision "$2" --layout "$3" \
    --seconds "$SECONDS_PER" | sed 's/samples\/s=\([0-9]*\).*/\1/'
}
best_of() {  # command... -> the largest of REPEATS runs
  local b=0 v
  for _ in $(seq "$REPEATS"); do v=$("$@"); b=$(( v > b ? v : b )); done
  echo "$b"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "bf16 instructions: $(grep -qw avx512_bf16 /proc/cpuinfo && echo avx512_bf16 || echo none)$(grep -qw amx_bf16 /proc/cpuinfo && echo ', amx_bf16' || true)"
echo "training samples/s, best of $REPEATS; sweep: real images, its own train_samples_per_s; PyTorch: random batches"
echo "cl/nchw: channels-last over contiguous, same tool"
echo
echo "| model | threads | precision | sweep NCHW | sweep channels-last | cl/nchw | PyTorch NCHW | PyTorch channels-last | cl/nchw | sweep best / PyTorch NCHW | sweep best / PyTorch best |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for m in $MODELS; do
  grid "$m" > "$m.ini"
  for t in $THREADS; do
    for p in fp32 bf16; do
      sc=$(best_of sweep_speed "$m.ini" "$t" "$p" contiguous)
      sl=$(best_of sweep_speed "$m.ini" "$t" "$p" channels_last)
      pc=$(best_of py_speed "$t" "$p" contiguous)
      pl=$(best_of py_speed "$t" "$p" channels_last)
      best=$(( sc > sl ? sc : sl ))
      pbest=$(( pc > pl ? pc : pl ))
      echo "| $m | $t | $p | $sc | $sl | $(ratio "$sl" "$sc") | $pc | $pl | $(ratio "$pl" "$pc") | $(ratio "$best" "$pc") | $(ratio "$best" "$pbest") |"
    done
  done
done
