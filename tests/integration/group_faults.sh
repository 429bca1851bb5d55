#!/usr/bin/env bash
# group_faults: a trial group (ranks_per_trial = 2, mpirun -np 3) never hangs.
# - A fault injected (SWEEP_FAULT_INJECT=member=M,at=POINT) at points of a step and an epoch, on
#   the leader and on the member (at the optimizer step, LibTorch's out-of-memory error): that
#   trial is stored failed with the member and the point named, the other trial of the sweep
#   trains on, exit 3.
# - A member stopped by SIGSTOP (as a hung node would), in a job of two groups: the leader's wait
#   ends past its deadline (SWEEP_GROUP_TIMEOUT, shortened here), the trial is stored failed
#   naming the rank waited for, the other group trains every trial left, every result is stored
#   and the job ends (MPI_Abort, exit 3) instead of hanging; the same command with
#   --retry-failed then completes the sweep.
# - A member killed by SIGKILL: Open MPI ends the job; nothing finished is lost and the same
#   command completes the sweep.
# - A member that cannot use the trial's saved state (SWEEP_FAULT_INJECT=member=1,agree=2):
#   every member trains it from the start, and it does not fail.
# - The members hold one copy of the data (stderr says so); SWEEP_SHARE_DATA=yes exits 2; a
#   data set larger than the node's /dev/shm is held by each member (said on stderr).
source "$(dirname "$0")/common.sh"
DIGITS=$SHARED/data/mnist-digits
[ -f "$DIGITS/train-images-idx3-ubyte.gz" ] || skip "the shared MNIST digits are not at $DIGITS (a plain clone has no ../shared)"
cat > g.ini <<INI
dataset = mnist
data_dir = $DIGITS
epochs = 2
train_subset = 300
batch_size = 32
filters = 4
dense_units = 16
batch_norm = true
[grid]
learning_rate = 0.001, 0.003
INI
run_group() { timeout 180 mpirun -np 3 -x SWEEP_FAULT_INJECT --oversubscribe --bind-to none "$SWEEP" run g.ini --threads 1 --ranks_per_trial=2 --verbose "$@"; }

# step:0:oom: LibTorch's own out-of-memory error at the leader's optimizer step (where Adam
# allocates its state), as running out of memory there gives.
for fault in forward:1 backward:0 reduce:1 step:0:oom buffers:1 evaluate:0 epoch_end:1 checkpoint:1; do
  IFS=: read -r point member oom <<< "$fault"
  SWEEP_FAULT_INJECT="member=$member,at=$point${oom:+,oom}" expect_exit 3 run_group --keep-best 1 -o "f_$point.h5"
  if [ -n "$oom" ]; then
    expect_err "(member $((member + 1)) of 2 training it): [enforce fail at "
    expect_err "DefaultCPUAllocator: can't allocate memory"
  else
    expect_err "(member $((member + 1)) of 2 training it): injected fault (SWEEP_FAULT_INJECT) at $point"
  fi
  "$PY" - "f_$point.h5" "$point" <<'PY'
import sys, sweep_h5
t = sweep_h5.trials(sys.argv[1])
status = sorted(s.decode() for s in t["status"])
assert status == ["failed", "ok"], (sys.argv[2], status, t["message"])
PY
done
echo "group_faults: a fault at 8 points of a step or an epoch (one of them running out of memory), on the leader or the member, fails that trial on both; the sweep goes on"
# A trial's second agreement: whether every member could read the trial's saved state. When one
# could not, all of them train it from the start (the leader says so) and nothing fails.
SWEEP_FAULT_INJECT="member=1,agree=2" expect_exit 0 run_group -o agree2.h5
expect_err "injected fault (SWEEP_FAULT_INJECT) at agreement 2; it trains from the start"
"$PY" -c 'import sweep_h5; t = sweep_h5.trials("agree2.h5"); assert len(t) == 2 and (t["status"] == b"ok").all(), t["message"]'
# The two members of this node load the digits once between them (stderr says so, in the last
# run above); SWEEP_SHARE_DATA=0 gives each member its own copy (no such line); it takes 0 or 1
# only: another value exits 2, nothing written.
expect_err "of pixels held once by the 2 ranks of this node that train together"
SWEEP_SHARE_DATA=0 expect_exit 0 mpirun -np 3 -x SWEEP_SHARE_DATA --oversubscribe --bind-to none "$SWEEP" run g.ini --threads 1 --ranks_per_trial=2 -o copies.h5
if grep -q "held once" "$WORK/err"; then cat "$WORK/err"; fail "SWEEP_SHARE_DATA=0 still shared the data"; fi
"$PY" -c 'import sweep_h5; t = sweep_h5.trials("copies.h5"); assert len(t) == 2 and (t["status"] == b"ok").all(), t["message"]'
SWEEP_SHARE_DATA=yes expect_exit 2 mpirun -np 3 -x SWEEP_SHARE_DATA --oversubscribe --bind-to none "$SWEEP" run g.ini --threads 1 --ranks_per_trial=2 -o share.h5
expect_err "SWEEP_SHARE_DATA: expected 0 or 1, not 'yes'"
[ ! -e share.h5 ] || fail "a bad SWEEP_SHARE_DATA wrote share.h5"
# A SWEEP_FAULT_INJECT that would never fire (a misspelt point) exits 2 naming the points.
SWEEP_FAULT_INJECT="member=1,at=stepp" expect_exit 2 run_group -o typo.h5
expect_err "POINT one of forward, backward, reduce, clip, step, buffers, evaluate, epoch_end, state, checkpoint, share), not 'member=1,at=stepp'"
[ ! -e typo.h5 ] || fail "a bad SWEEP_FAULT_INJECT wrote typo.h5"

# A node whose shared memory is too small for the data set (a container's small /dev/shm, where
# Open MPI backs shared windows; a window larger than it makes Open MPI hang, as it did for a
# 55 MiB data set and a 24 MiB /dev/shm before sweep checked the room): each member holds
# its own copy, said on stderr, and the trials train. /dev/shm is replaced by a 6 MiB tmpfs in
# a mount namespace of the job alone (unshare -m, as root); then /dev/shm is left alone and
# Open MPI is told to back its windows in another 6 MiB tmpfs (--mca osc_sm_backing_directory,
# which sweep reads through MPI_T).
small_shm() {  # small_shm DIR OUT.h5 [MPIRUN OPTIONS...]: the group sweep with a 6 MiB tmpfs on DIR
  local dir=$1 out=$2
  shift 2
  expect_exit 0 timeout 180 unshare -m sh -c 'mount -t tmpfs -o size=6m tmpfs "$1" && out=$2 && shift 2 && exec mpirun -np 3 --oversubscribe --bind-to none "$@" "$0" run g.ini --threads 1 --ranks_per_trial=2 -o "$out"' "$SWEEP" "$dir" "$out" "$@"
  expect_err "of pixels do not fit in $dir ("
  expect_err "each of the 2 ranks of this node that train together holds its own copy"
  "$PY" -c 'import sys, sweep_h5; t = sweep_h5.trials(sys.argv[1]); assert len(t) == 2 and (t["status"] == b"ok").all(), t["message"]' "$out"
}
if unshare -m sh -c 'mount -t tmpfs -o size=6m tmpfs /dev/shm' 2> /dev/null; then
  small_shm /dev/shm smallshm.h5
  mkdir -p "$WORK/backing"
  small_shm "$WORK/backing" backing.h5 --mca osc_sm_backing_directory "$WORK/backing"
  echo "group_faults: a data set larger than the room where Open MPI backs shared memory (/dev/shm, or its MCA parameter) is held by each member; it trains"
else
  echo "group_faults: SKIPPED the small shared-memory checks: unshare -m with a tmpfs mount needs root (CAP_SYS_ADMIN)"
fi

# The member's process, by its rank in the job (2), among mpirun's children.
member_pid() {
  local pid
  for pid in $(pgrep -P "$1"); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=2'; then echo "$pid"; return; fi
  done
}
# long.ini: 3 trials long enough to be hit inside one; stall.ini: 4 of them.
sed -e 's/^epochs = 2/epochs = 6/' -e 's/^train_subset = 300/train_subset = 2000/' g.ini > long.ini
sed -i '/^learning_rate = 0.001, 0.003$/d' long.ini
cp long.ini stall.ini
echo "learning_rate = 0.001, 0.002, 0.003" >> long.ini
echo "learning_rate = 0.001, 0.002, 0.003, 0.004" >> stall.ini
start_and_hit() {  # start_and_hit SIGNAL INI OUT.h5 LOG NP: the group sweep of INI on NP ranks; SIGNAL to rank 2 (member 2 of the first group) inside a trial
  local sig=$1 ini=$2 out=$3 log=$4 np=$5
  SWEEP_GROUP_TIMEOUT=2 timeout 300 mpirun -np "$np" -x SWEEP_GROUP_TIMEOUT --oversubscribe --bind-to none "$SWEEP" run "$ini" --threads 1 --ranks_per_trial=2 --verbose -o "$out" > "$log" 2>&1 &
  job=$!
  for _ in $(seq 1 900); do grep -q '^\[1/' "$log" && break; sleep 0.1; done
  grep -q '^\[1/' "$log" || { cat "$log"; fail "no trial finished before the $sig"; }
  sleep 1  # inside the next trial
  victim=$(member_pid "$(pgrep -P "$job" mpirun || echo "$job")")
  [ -n "$victim" ] || victim=$(member_pid "$job")
  [ -n "$victim" ] || { cat "$log"; fail "no process of rank 2 found"; }
  kill "-$sig" "$victim"
  set +e
  wait "$job"
  rc=$?
  set -e
  kill -CONT "$victim" 2>/dev/null || true
  kill -9 "$victim" 2>/dev/null || true
}

start_and_hit STOP stall.ini stall.h5 stall.log 5
[ "$rc" -eq 3 ] || { cat stall.log; fail "the job with a stopped member exited $rc, expected 3 (124: it hung)"; }
grep -q "waited [0-9]* s for rank(s) 2 (member(s) 2 of 2)" stall.log || { cat stall.log; fail "the leader did not name the member it waited for"; }
grep -q "a trial group broke (.*every result is stored; the job ends with MPI_Abort (exit 3)" stall.log || { cat stall.log; fail "rank 0 did not say why the job ends"; }
"$PY" - <<'PY'
import sweep_h5
t = sweep_h5.trials("stall.h5")
status = sorted(s.decode() for s in t["status"])
# The other group (ranks 3, 4) trained every trial the broken one did not.
assert status == ["failed", "ok", "ok", "ok"], (status, t["message"])
failed = t[t["status"] == b"failed"][0]
msg = failed["message"].decode()
# The whole message: where the leader waited (a step's gradient sum or small sum, another sum
# or an agreement, wherever rank 2 stopped), the deadline and where it comes from.
import re
assert re.fullmatch(r"the trial group broke: rank 1 \(member 1 of 2\) waited \d+ s for rank\(s\) 2 "
                    r"\(member\(s\) 2 of 2\) in the (gradient sum|step's sum|group's sum|agreement|node's data share) \(deadline "
                    r"\d+ s, from SWEEP_GROUP_TIMEOUT = 2 s and the trial's step times\); the group "
                    r"cannot go on", msg), msg
# The row is the leader's (it reported): its rank, threads and host.
assert failed["rank"] == 1 and failed["threads"] == 1 and failed["host"] != b"", failed[["rank", "threads", "host"]]
PY
sweep_mpi 3 run stall.ini --threads 1 --ranks_per_trial=2 --retry-failed -q -o stall.h5 > stall2.log 2>&1 || { cat stall2.log; fail "the sweep after the stalled member"; }
"$PY" -c 'import sweep_h5; t = sweep_h5.trials("stall.h5"); import collections; s = collections.Counter(t["status"]); assert s[b"ok"] == 4, s'
echo "group_faults: a stopped member breaks its group past the deadline; the other group trains the rest; the job ends (exit 3) with every result stored; --retry-failed completes it"

start_and_hit KILL long.ini killed.h5 killed.log 3
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || { cat killed.log; fail "the job with a killed member exited $rc (124: it hung)"; }
# The killed job's file is read as a resume reads it (its writer was killed: h5py refuses it).
sweep_mpi 3 run long.ini --threads 1 --ranks_per_trial=2 -o killed.h5 > killed2.log 2>&1 || { cat killed2.log; fail "the sweep after the killed member"; }
grep -q "3 trials in long.ini, 1 already in killed.h5, 2 to run" killed2.log || { cat killed.log killed2.log; fail "the finished trial was not kept"; }
"$PY" -c 'import sweep_h5; t = sweep_h5.trials("killed.h5"); assert len(t) == 3 and (t["status"] == b"ok").all(), t["status"]'
echo "group_faults: a killed member ends the job (exit $rc) with the finished trial kept; the same command completes it"
