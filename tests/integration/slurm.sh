#!/usr/bin/env bash
# The project's Slurm job scripts on a real single-node Slurm (../shared/slurm starts it from
# Debian's slurm-wlm and munge): the array job over a small grid with a throttle, the merge
# after it (afterok), every trial of the grid in the merged file exactly once; the MPI job, also
# with ranks_per_trial = 2; and a trial longer than its job's time limit finishing across
# requeued jobs (the warning, --signal=B:USR1, stops the sweep with exit code 75 and the job
# requeues itself).
source "$(dirname "$0")/common.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
START="$SHARED/slurm/start-local-slurm.sh"
[ -f "$START" ] || skip "no $START to start a local Slurm"
[ "$(id -u)" -eq 0 ] || skip "starting a local Slurm needs root (slurmd launches the jobs)"
CLUSTER="$WORK/cluster"
stop_cluster() { bash "$SHARED/slurm/stop-local-slurm.sh" "$CLUSTER" > /dev/null 2>&1 || true; }
trap stop_cluster EXIT
# 4 CPUs on this 2-core machine: two array tasks of 2 ranks at a time. MinJobAge 5 makes
# `sbatch --wait` poll every 2 s.
env_line=$(SLURM_LOCAL_CPUS=4 SLURM_LOCAL_MIN_JOB_AGE=5 SLURM_LOCAL_AUTO_INSTALL=1 \
  bash "$START" "$CLUSTER" 2> start.log) || skip "the local Slurm did not start: $(tail -n 5 start.log | tr '\n' ' ')"
eval "$env_line"
sinfo > /dev/null || skip "sinfo cannot reach the local Slurm"

printf 'epochs = 1\ntrain_subset = 500\nfilters = 2\ndense_units = 8\n[grid]\nbatch_size = 32, 64\nlearning_rate = 0.001, 0.01, 0.1\n' > g.ini
export SWEEP SWEEP_HOME="$SRC" GRID=g.ini GRACE=5

SHARDS=3 THROTTLE=2 WAIT=1 SBATCH_ARGS="-n 2 -c 1" bash "$SRC/jobscripts/slurm-submit-array.sh" --threads 1 > submit.log 2>&1 ||
  { cat submit.log sweep_*.out 2>/dev/null; fail "the array job or its merge failed"; }
array=$(sed -n 's/^array job \([0-9]*\):.*/\1/p' submit.log)
for i in 1 2 3; do
  [ -f "sweep_${array}_$i.out" ] || { ls; fail "no log sweep_${array}_$i.out (%A_%a)"; }
  grep -q "shard $i of 3 (Slurm array)" "sweep_${array}_$i.out" || { cat "sweep_${array}_$i.out"; fail "task $i did not run shard $i"; }
done
grep -q "grid: 6 trials: 6 done, 0 failed, 0 missing" g.h5.status || { cat g.h5.status; fail "merge status"; }
"$PY" - <<'PY'
import h5py
t = h5py.File("g.h5", "r")["trials"][:]
assert len(t) == 6 == len(set(t["trial_id"])), t["trial_id"]
assert (t["status"] == b"ok").all(), t["status"]
assert len(h5py.File("g.h5", "r").attrs["merged_from"].splitlines()) == 3
PY
echo "slurm: array job of 3 shards (2 at a time) and the merge after it: 6 trials, each once"

OUT=mpi.h5 sbatch --wait -n 3 -c 1 -o mpi_%j.out "$SRC/jobscripts/slurm-mpi.sbatch" --threads 1 > mpi.log 2>&1 ||
  { cat mpi.log mpi_*.out; fail "the MPI job failed"; }
grep -q "6 to run on 2 worker rank(s)" mpi_*.out || { cat mpi_*.out; fail "the MPI job did not use 3 ranks"; }
"$SWEEP" status g.ini mpi.h5 | grep -q "6 done, 0 failed, 0 missing" || fail "mpi.h5 is incomplete"
echo "slurm: MPI job with 3 ranks: 6 trials"

# ranks_per_trial = 2: the MPI job's 2 workers train each trial together.
OUT=group.h5 sbatch --wait -n 3 -c 1 -o group_%j.out "$SRC/jobscripts/slurm-mpi.sbatch" --threads 1 --ranks_per_trial=2 > group.log 2>&1 ||
  { cat group.log group_*.out; fail "the MPI job with ranks_per_trial = 2 failed"; }
grep -q "6 to run on 1 group(s) of 2 ranks" group_*.out || { cat group_*.out; fail "the job did not form a group of 2"; }
"$SWEEP" status g.ini group.h5 | grep -q "6 done, 0 failed, 0 missing" || fail "group.h5 is incomplete"
echo "slurm: MPI job with ranks_per_trial = 2: 6 trials, each trained by a group of 2"

# A trial longer than its job's time limit finishes across requeued jobs (issue 33): a noop
# trial of 10 epochs x 9 s (90 s) in jobs of 1 minute, warned by --signal=B:USR1@45 (slurmctld
# sends it at one of its periodic checks, seen 10 to 35 s into a job), GRACE 5 s. Each job saves
# the trial where it stopped (the milliseconds a noop slept), exits 75 and requeues itself
# (slurm-mpi.sbatch, REQUEUE=1 by default); the next continues from there. Slurm holds a
# requeued job for 120 s (cred_expire); the test releases it at once (scontrol update
# StartTime=now), as an impatient user would. The log (--open-mode=append) holds every run,
# each but the first naming where it resumed; the result is stored once.
printf 'model = noop\nepochs = 10\nsleep_ms = 9000\n' > long.ini
ID=$("$SWEEP" plan long.ini | grep -Eo '\b[0-9a-f]{16}\b' | head -1)
GRID=long.ini OUT=long.h5 sbatch --parsable -n 2 -c 1 -t 1 --signal=B:USR1@45 -o long.out \
  "$SRC/jobscripts/slurm-mpi.sbatch" --threads 1 --verbose > long.id 2> long.err || { cat long.err; fail "sbatch"; }
job=$(cut -d';' -f1 long.id)
held=0
for _ in $(seq 1 600); do  # up to 10 min
  state=$(scontrol show job "$job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z]*\) Reason=\([A-Za-z]*\).*/\1 \2/p' || true)
  case "$state" in
    # Released 3 s into the hold: at once, slurmd refuses the new start as it still holds the
    # requeued run's credential as revoked (to the second).
    "PENDING BeginTime") held=$((held + 1)); [ "$held" -ge 3 ] && { scontrol update JobId="$job" StartTime=now || true; } ;;
    PENDING* | RUNNING* | REQUEUE* | COMPLETING* | "") held=0 ;;
    *) break ;;
  esac
  grep -q "^sweep: done$" long.out 2>/dev/null && break
  sleep 1
done
grep -q "^sweep: done$" long.out || { cat long.out; scontrol show job "$job"; fail "the long trial did not finish across requeues"; }
runs=$(grep -c "^sweep 0" long.out)
resumed=$(grep -c "1 trial saved mid-way continues first, from $ID epoch" long.out || true)
requeued=$(grep -c "^sweep: requeueing job $job to resume (requeue [0-9]* of at most 10)" long.out || true)
[ "$runs" -ge 2 ] && [ "$resumed" -eq $((runs - 1)) ] && [ "$requeued" -eq $((runs - 1)) ] ||
  { cat long.out; fail "$runs runs, $resumed resumed, $requeued requeued"; }
grep -q "resumed at epoch" long.out || { cat long.out; fail "no 'resumed at epoch' on the trial's line"; }
"$SWEEP" status long.ini long.h5 | grep -q "1 trials: 1 done, 0 failed, 0 missing" || fail "long.h5 does not hold the trial"
"$PY" - <<'PY'
import sweep_h5
t = sweep_h5.trials("long.h5")
assert len(t) == 1 and t["status"][0] == b"ok" and t["epochs_run"][0] == 10, t
assert t["epochs_restored"][0] >= 1, t["epochs_restored"]
PY
[ ! -e long.h5.state ] || fail "the state directory outlived the finished sweep"
grep "saved mid-way continues first" long.out
echo "slurm: a 90 s trial in 1-minute jobs finished across $runs runs ($requeued requeues), stored once"
