#!/usr/bin/env bash
# kill -9 of a running sweep at several points: mpirun before any trial finished, mpirun
# mid-sweep, rank 0 itself, a worker rank. After each kill the file opens with h5py and with
# `sweep rank` and holds every trial reported finished; the same command resumes, and at the
# end every trial of the grid is stored exactly once.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
printf 'epochs = 1\ntrain_subset = 1500\nfilters = 2\ndense_units = 8\n[grid]\nbatch_size = 32, 64, 128\nlearning_rate = 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008, 0.009, 0.01, 0.011, 0.012\n' > k.ini
GRID_TRIALS=36

start() {  # starts the sweep in the background, output in $1
  mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run k.ini --threads 1 --verbose > "$1" 2>&1 &
  MPIRUN=$!
}
wait_for() {  # wait_for TEST DESCRIPTION: polls TEST for up to 90 s
  for _ in $(seq 1 900); do eval "$1" && return 0; sleep 0.1; done
  fail "timed out waiting for $2"
}
finished() { grep -c '^\[' "$1" || true; }
ranks() { pgrep -f "$SWEEP run k.ini" || true; }
rank_pid() {  # the pid of MPI rank $1 of the running sweep
  for p in $(ranks); do
    tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1" && echo "$p"
  done
}
settle() {  # waits for every process of the sweep to be gone; after 1 s kills what is left,
            # as a batch system does when a job ends (ranks whose mpirun died linger a moment)
  wait "$MPIRUN" 2>/dev/null || true
  for _ in $(seq 1 10); do [ -z "$(ranks)" ] && return 0; sleep 0.1; done
  pkill -9 -f "$SWEEP run k.ini" || true
  for _ in $(seq 1 100); do [ -z "$(ranks)" ] && return 0; sleep 0.1; done
  fail "processes of the sweep survived kill -9"
}
stored() {  # prints the number of trials in k.h5 and fails on duplicates
  "$PY" - <<'PY'
import h5py
with h5py.File("k.h5", "r", swmr=True) as f:
    t = f["trials"][:]
t = t[t["status"] != b""]
assert len(set(t["trial_id"])) == len(t), "a trial is stored twice"
print(len(t))
PY
}
check_after_kill() {  # check_after_kill WHAT AT_LEAST
  local n
  n=$(stored) || fail "$1: h5py cannot read k.h5"
  [ "$n" -ge "$2" ] || fail "$1: $n trials stored, but $2 had finished"
  "$SWEEP" rank k.h5 > rank.log 2>&1 || { cat rank.log; fail "$1: sweep rank cannot read k.h5"; }
  echo "$1: $n trials stored ($2 reported finished before the kill)"
  BEFORE=$n
}

start run1.log
wait_for '[ -f k.h5 ]' "the results file"
kill -9 "$MPIRUN"
settle
check_after_kill "kill -9 mpirun before any trial finished" 0

start run2.log
wait_for '[ "$(finished run2.log)" -ge 3 ]' "3 finished trials"
# Readers while the sweep writes: `sweep rank` and h5py (swmr=True) see what is stored so far.
"$SWEEP" rank k.h5 --top 0 > live.log 2>&1 || { cat live.log; fail "sweep rank during the sweep"; }
live=$(sed -n 's/^ranked by .*: \([0-9]*\) of \([0-9]*\) trials.*/\2/p' live.log)
[ "${live:-0}" -ge 3 ] || { cat live.log; fail "sweep rank during the sweep saw ${live:-0} trials"; }
[ "$(stored)" -ge 3 ] || fail "h5py during the sweep"
echo "reading while the sweep writes: sweep rank and h5py see $live trials"
kill -9 "$MPIRUN"
seen=$(finished run2.log)
settle
check_after_kill "kill -9 mpirun mid-sweep" $((BEFORE + seen))
grep -q "already in k.h5" run2.log || fail "run 2 did not resume"

# kill_rank LOG N RANK WHAT: a new run; once N trials finished in it, kill -9 MPI rank RANK.
kill_rank() {
  start "$1"
  wait_for '[ "$(finished '"$1"')" -ge '"$2"' ] && [ -n "$(rank_pid '"$3"')" ]' "$2 finished trials"
  kill -9 "$(rank_pid "$3")"
  local seen
  seen=$(finished "$1")
  settle
  check_after_kill "$4" $((BEFORE + seen))
}
kill_rank run3.log 2 0 "kill -9 rank 0"
kill_rank run4.log 1 1 "kill -9 a worker rank"

mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run k.ini --threads 1 --verbose > run5.log 2>&1 ||
  { cat run5.log; fail "the resumed sweep failed"; }
grep -q "$BEFORE already in k.h5, $((GRID_TRIALS - BEFORE)) to run" run5.log || { cat run5.log; fail "run 5 did not resume from $BEFORE"; }
"$PY" - "$GRID_TRIALS" <<'PY'
import sys, h5py
t = h5py.File("k.h5", "r")["trials"][:]  # closed cleanly: a plain open works again
assert len(t) == int(sys.argv[1]) == len(set(t["trial_id"])), (len(t), sorted(t["trial_id"]))
assert (t["status"] == b"ok").all(), t["status"]
print(f"kill_sweep: after 4 kills and 5 runs, all {len(t)} trials stored exactly once")
PY
