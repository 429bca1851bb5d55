#!/usr/bin/env bash
# Benchmark: the memory a node's ranks hold for one trial group (ranks_per_trial = R = 1, 2, 4)
# on one emulated node (../shared/multinode), training a resnet-18 x 0.25 on a 3x128x128 image
# cache made by `sweep prepare` from synthetic fundus photographs. The members of a group on a
# node hold the cache's pixels once between them (worker/tensors/shared_data.h), so the data
# part stays one copy as R grows; what grows is each rank's own LibTorch, model and batches.
# Printed per R: the peak over the run of the summed proportional set size (PSS: a page shared
# by k processes counts 1/k in each, so the sum is what the node really holds) and of the summed
# resident set size (RSS: shared pages counted in every process) of the worker ranks; for R > 1
# also with SWEEP_SHARE_DATA=0 (each member its own copy, as before the sharing).
#   tests/bench/group_memory.sh          (builds first)
# Environment: PATIENTS=990 (photographs: 2 per patient; at most 990)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/jobscripts/build.sh" > /dev/null
SWEEP=$root/build/bin/sweep
NODES=$root/../shared/multinode/mpirun-nodes
PY=/usr/bin/python3
PATIENTS=${PATIENTS:-990}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
[ -x "$NODES" ] || { echo "no $NODES: cannot emulate a node"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$root/build/tests/make_fundus" photos "$PATIENTS" 512 384 > /dev/null
"$SWEEP" prepare --images photos/images --labels photos/trainLabels.csv --size 128 --out cache.h5 > prepare.log 2>&1
cat > retina.ini <<INI
dataset = hdf5
cache = cache.h5
cache_memory = load
epochs = 1
model = resnet
depth = 18
width = 0.25
batch_size = 32
INI
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "data: $("$SWEEP" plan retina.ini | grep '^data:')"
"$PY" - <<'PY'
import h5py
f = h5py.File("cache.h5", "r")
n = sum(d.size for d in f.values() if isinstance(d, h5py.Dataset) and d.dtype == "uint8")
print(f"pixels in the cache: {n / 2**20:.1f} MiB")
PY
printf '%-4s %-26s %24s %24s\n' R data "peak PSS, worker ranks" "peak RSS, worker ranks"
for r in 1 2 4; do
 for share in 1 0; do
  [ "$r" = 1 ] && [ "$share" = 0 ] && continue
  "$PY" - "$NODES" "$SWEEP" "$r" "$share" <<'PY'
import os, subprocess, sys, time
nodes, sweep, r, share = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
os.environ["SWEEP_SHARE_DATA"] = share
cmd = [nodes, f"1x{r + 1}", "-np", str(r + 1), "-x", "SWEEP_SHARE_DATA", "--oversubscribe", "--bind-to", "none", sweep, "run",
       "retina.ini", "--threads", "1", f"--ranks_per_trial={r}", "-q", "-o", f"r{r}s{share}.h5"]
job = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(f"r{r}s{share}.log", "w"))

def workers():  # the pids of ranks >= 1 of this job
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        except OSError:
            continue
        if b"OMPI_COMM_WORLD_RANK=0" in env or not any(e.startswith(b"OMPI_COMM_WORLD_RANK=") for e in env):
            continue
        try:
            if b"sweep" in open(f"/proc/{pid}/cmdline", "rb").read():
                yield pid
        except OSError:
            pass

def kib(pid, field):
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0

peak_pss = peak_rss = 0
while job.poll() is None:
    pids = list(workers())
    peak_pss = max(peak_pss, sum(kib(p, "Pss") for p in pids))
    peak_rss = max(peak_rss, sum(kib(p, "Rss") for p in pids))
    time.sleep(0.2)
if job.returncode != 0:
    sys.exit(f"R = {r}: the sweep exited {job.returncode}; see r{r}s{share}.log")
what = "alone" if r == 1 else "one copy per node" if share == "1" else "a copy per member (=0)"
print(f"{r:<4} {what:<26} {peak_pss / 1024:20.0f} MiB {peak_rss / 1024:20.0f} MiB")
PY
 done
done
