#!/usr/bin/env bash
# The project's Slurm job scripts on a real single-node Slurm (../shared/slurm starts it from
# Debian's slurm-wlm and munge): the array job over a small grid with a throttle, the merge
# after it (afterok), every trial of the grid in the merged file exactly once; the MPI job, also
# with ranks_per_trial = 2; and
# the time-limit warning (--signal=B:USR1) stopping a sweep with exit code 75.
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

# The time-limit warning: with -t 2 and --signal=B:USR1@110, slurmctld signals the batch shell
# at one of its periodic checks (seen from 3 s to 40 s after the start; Slurm warns it may be up
# to 60 s early); the script passes it on, sweep stops and exits 75. The grid holds 100 s or more
# of work (36 trials of about 5.5 s on 2 workers; with 4 epochs of 3000 images it was only 25 s
# on an idle machine, which finished before a late warning came): the warning always comes
# first, and the stop within seconds, before the 2 min limit.
printf 'epochs = 8\ntrain_subset = 6000\nfilters = 2\ndense_units = 8\n[grid]\nlearning_rate = 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008, 0.009, 0.01, 0.011, 0.012\nbatch_size = 16, 32, 64\n' > long.ini
set +e
GRID=long.ini sbatch --wait -n 3 -c 1 -t 2 --signal=B:USR1@110 -o long_%j.out "$SRC/jobscripts/slurm-mpi.sbatch" --threads 1 > long.log 2>&1
rc=$?
set -e
[ "$rc" -eq 75 ] || { cat long.log long_*.out; fail "the warned job exited $rc, expected 75"; }
# Slurm may send it so early that sweep has not started: then the script does not start it.
grep -Eq "SIGUSR1: stopping|a stop signal came before sweep started" long_*.out ||
  { cat long_*.out; fail "no SIGUSR1 stop"; }
[ ! -e long.h5 ] || "$SWEEP" rank long.h5 > /dev/null || fail "long.h5 unreadable after the stop"
echo "slurm: --signal=B:USR1 before the time limit stopped the sweep with exit 75"
