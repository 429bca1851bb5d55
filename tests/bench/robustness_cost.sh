#!/usr/bin/env bash
# Benchmark: what key robustness costs. The reference cnn (2 blocks, 32 filters, dense 128) is
# trained for one epoch on Fashion-MNIST, its checkpoint kept; then `sweep predict` runs it on
# the 10,000 test images plain and with one perturbation level at a time, in turn within each
# round (this VM's speed drifts: only runs made close together compare), and the median extra
# seconds of one level is that level's evaluation pass. Also the whole trial's wall seconds with
# robustness = none and with every perturbation at its default levels (24 passes).
#   tests/bench/robustness_cost.sh      (builds first)
# Environment: REPEATS=3 (rounds)  THREADS=1  SKIP_BUILD=1 (use build/ as it is)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "${SKIP_BUILD:-0}" = 1 ] || "$root/jobscripts/build.sh" >/dev/null
SWEEP=$root/build/bin/sweep
PY=/usr/bin/python3
FASHION=/usr/share/datasets/fashion-mnist
REPEATS=${REPEATS:-3}
THREADS=${THREADS:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; --threads $THREADS"
base='dataset = fashion_mnist\nepochs = 1\ntrain_subset = 6000\nfilters = 32\ndense_units = 128\n'
printf "${base}robustness = none\n" > none.ini
printf "${base}robustness = brightness, contrast, noise, blur, rotation\n" > all.ini
"$SWEEP" run none.ini --threads "$THREADS" --keep-best 1 -q > none.log 2>&1 || { cat none.log; exit 1; }
"$SWEEP" run all.ini --threads "$THREADS" -q > all.log 2>&1 || { cat all.log; exit 1; }

levels=(brightness:1 brightness:0.5 contrast:0.5 noise:0.1 blur:1 blur:2 rotation:15)
: > times
for ((r = 1; r <= REPEATS; r++)); do
  for what in plain "${levels[@]}"; do
    args=()
    [ "$what" = plain ] || args=(--robustness "$what" -o "out-$r")
    start=$(date +%s.%N)
    "$SWEEP" predict --from none.h5 --data "$FASHION" --threads "$THREADS" "${args[@]}" > p.log 2>&1 || { cat p.log; exit 1; }
    end=$(date +%s.%N)
    echo "$r $what $(echo "$end - $start" | bc)" >> times
  done
done
"$PY" - <<'PY'
import statistics, h5py
rows = [l.split() for l in open("times")]
by = {}
for r, what, s in rows:
    by.setdefault(r, {})[what] = float(s)
plain = statistics.median(v["plain"] for v in by.values())
print(f"predict plain (load the model and 10,000 images, one clean pass): {plain:.2f} s, median of {len(by)}")
print("one perturbation level = one evaluation pass of the 10,000 test images:")
print(f"{'level':16} {'seconds':>8} {'range':>14}")
for what in [w for w in by["1"] if w != "plain"]:
    extra = [v[what] - v["plain"] for v in by.values()]
    print(f"{what:16} {statistics.median(extra):8.2f} {min(extra):6.2f}-{max(extra):5.2f}")
for name in ("none", "all"):
    t = h5py.File(f"{name}.h5", "r")["trials"][0]
    print(f"robustness = {name}: trial wall {t['wall_seconds']:.1f} s, "
          f"{len(h5py.File(f'{name}.h5', 'r')['robustness'])} robustness rows")
PY
