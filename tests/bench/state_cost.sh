#!/usr/bin/env bash
# Benchmark: what saving a running trial's state costs and what an interruption loses, for cnn,
# resnet-18 and vit (one thread, as a single-thread worker trains). Per model: the state's size,
# the seconds one write takes (temp file, fsync, rename; the median of 5), one training step's
# seconds at the model's batch (the median of 5), and from them, for an epoch of EPOCH images:
# the epoch's seconds, the state's cost as a share of it at the default state_every = 1, the
# work a graceful stop loses (at most one batch) and the work kill -9 loses (at most
# state_every = 1 epoch, and at most state_minutes = 10 for a trial alone on the CPU). The epoch is estimated as steps x step seconds (evaluation left out, so
# the share is an upper bound).
#   tests/bench/state_cost.sh        (builds sweep_state_cost first)
# Environment: DIR (where the states are written; default: a temporary folder under /tmp, so
# pass the file system a sweep writes to, e.g. a Lustre scratch folder).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=sweep_state_cost SKIP_INSTALL=1 "$root/jobscripts/build.sh" > /dev/null
bin=$root/build/tests/sweep_state_cost
DIR=${DIR:-$(mktemp -d)}
echo "CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); states written to $DIR ($(df -T "$DIR" | awk 'NR == 2 {print $2}'))"
printf '%-34s %10s %8s %8s %9s %8s %8s %10s\n' model state_MiB save_s step_s epoch_s share stop_s kill9_s
row() {  # row NAME EPOCH_IMAGES C H W BATCH KEY=VALUE...
  local name=$1 images=$2 c=$3 h=$4 w=$5 batch=$6; shift 6
  local out bytes save step
  out=$("$bin" "$DIR" "$c" "$h" "$w" "$batch" "$@")
  bytes=$(awk '$1 == "state_bytes" {print $2}' <<< "$out")
  save=$(awk '$1 == "save_seconds" {print $2}' <<< "$out")
  step=$(awk '$1 == "step_seconds" {print $2}' <<< "$out")
  awk -v n="$name" -v b="$bytes" -v s="$save" -v t="$step" -v i="$images" -v bs="$batch" 'BEGIN {
    e = int((i + bs - 1) / bs) * t
    k = e < 600 ? e : 600  # state_minutes = 10 bounds it inside long epochs (alone on the CPU)
    printf "%-34s %10.2f %8.4f %8.4f %9.1f %7.3f%% %8.4f %10.1f\n", n, b / 1048576, s, t, e, 100 * s / e, t, k
  }'
}
row "cnn, 1x28x28, 54000 images" 54000 1 28 28 64 model=cnn
row "resnet-18, 3x128x128, 10000 images" 10000 3 128 128 32 model=resnet depth=18
row "vit, 3x64x64, 10000 images" 10000 3 64 64 32 model=vit
