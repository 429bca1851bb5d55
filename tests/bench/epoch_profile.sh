#!/usr/bin/env bash
# Benchmark: where one training epoch of a trial spends its time, by LibTorch operator (self
# time, from LibTorch's profiler around TrialTraining::train_epoch; tests/bench/epoch_profile.cpp),
# grouped into the model (forward and backward), the optimizer step, the loss, and the batch
# work that is not the model (gathering, normalization, layout, bookkeeping).
#   tests/bench/epoch_profile.sh [KEY=VALUE ...]     (builds first)
# Default trial: the reference cnn (filters 32, dense 128, batch 64), 3,200 Fashion-MNIST
# images, 1 thread, in fp32 and bf16; profiled contiguous, and timed without the profiler in
# both memory formats. Environment: THREADS=1  SKIP_BUILD=1 (use build/ as is)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ "${SKIP_BUILD:-0}" = 1 ] || { "$root/jobscripts/build.sh" >/dev/null && TARGET=sweep_epoch_profile SKIP_INSTALL=1 "$root/jobscripts/build.sh" > /dev/null; }
PROFILE=$root/build/tests/sweep_epoch_profile
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

summarize() {  # trace.json -> table of self time by group and the top operators
  /usr/bin/python3 - "$1" <<'PY'
import json, sys, collections
doc = json.load(open(sys.argv[1]))  # LibTorch's legacy profiler writes a bare list of events
ev = [e for e in (doc if isinstance(doc, list) else doc["traceEvents"]) if e.get("ph") == "X"]
by_tid = collections.defaultdict(list)
for e in ev:
    by_tid[e.get("tid")].append(e)
self_us = collections.Counter(); calls = collections.Counter()
for es in by_tid.values():  # self time: a span's duration less its direct children's
    es.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack = []
    for e in es:
        while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
            stack.pop()
        if stack:
            self_us[stack[-1]["name"]] -= e["dur"]
        self_us[e["name"]] += e["dur"]; calls[e["name"]] += 1
        stack.append(e)
total = sum(self_us.values())
optim = {"aten::addcdiv_", "aten::addcmul_", "aten::sqrt", "aten::lerp_", "aten::mul_", "aten::div_",
         "aten::add_", "aten::div", "aten::mul", "aten::add", "aten::maximum", "aten::sub_"}
loss = {"aten::log_softmax", "aten::_log_softmax", "aten::nll_loss", "aten::nll_loss_forward",
        "aten::cross_entropy_loss", "aten::_log_softmax_backward_data", "aten::nll_loss_backward",
        "aten::nll_loss_nd", "LogSoftmaxBackward0", "NllLossBackward0"}
batch = {"aten::index_select", "aten::to", "aten::_to_copy", "aten::sub", "aten::clone",
         "aten::contiguous", "aten::argmax", "aten::eq", "aten::sum", "aten::item",
         "aten::_local_scalar_dense", "aten::randperm", "aten::narrow", "aten::slice",
         "aten::as_strided", "aten::view", "aten::reshape", "aten::empty", "aten::empty_strided",
         "aten::copy_", "aten::detach", "detach", "aten::lift_fresh", "aten::resize_"}
groups = collections.Counter()
for name, us in self_us.items():
    g = ("optimizer step and gradient bookkeeping" if name in optim or "AccumulateGrad" in name
         else "loss" if name in loss
         else "batch: gather, normalize, copy, layout, bookkeeping" if name in batch
         else "model forward and backward")
    groups[g] += us
for g, us in groups.most_common():
    print(f"  {g:55s} {100 * us / total:5.1f}%")
print("  top operators by self time:")
for name, us in self_us.most_common(12):
    print(f"    {name:45s} {100 * us / total:5.1f}%  {calls[name]:6d} calls")
PY
}

run() {  # label KEY=VALUE...
  local label=$1
  shift
  local out
  out=$("$PROFILE" "$work/t.json" "${THREADS:-1}" "$@")
  echo "== $label: $out"
  summarize "$work/t.json"
}

if [ $# -gt 0 ]; then
  run "$*" "$@"
else
  base=(train_subset=3200 val_split=0 filters=32 dense_units=128 batch_size=64 mistakes=0)
  # Profiled in NCHW only: LibTorch 1.13's profiler slows channels-last epochs 2-3x (the copies
  # and activations it records), so their shares would mislead; they are timed without it.
  for p in fp32 bf16; do
    run "reference cnn, $p, contiguous, profiled" "${base[@]}" precision=$p memory_format=contiguous
    for m in contiguous channels_last; do
      echo "   $m, not profiled: $("$PROFILE" - "${THREADS:-1}" "${base[@]}" precision=$p memory_format=$m)"
    done
  done
fi
