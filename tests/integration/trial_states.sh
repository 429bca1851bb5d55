#!/usr/bin/env bash
# Long trials resume from their last state (issue 33), through mpirun as a user runs them, each
# against the same trial run uninterrupted (--threads 1): every stored number, epoch row and
# confusion cell equal to the last bit.
#  1. kill -9 of the whole job after the state of epoch 3 exists: the next run trains the rest
#     only (epochs_restored = the state's epoch), says "resumed at epoch K".
#  2. SIGUSR1 with --grace 0 inside an epoch: the trial saves that batch, exit 75; `sweep
#     status` shows it saved mid-way; the next run hands it out first and continues the batch.
#  3. A corrupt state: told on stderr, the trial trains from the start, ends the same.
#  4. ranks_per_trial = 2: the group's leader writes, both members restore after kill -9, and
#     after SIGUSR1 inside an epoch (each member's dropout stream saved).
#  5. noop trials: states of the epoch alone, resumed after kill -9; states beside a results
#     file that is gone are removed, never resumed.
#  6. search = tpe: the saved trials are handed out again first and continue.
# After each finished sweep the state directory is gone.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
cat > s.ini <<'INI'
epochs = 6
train_subset = 4000
filters = 4
dense_units = 16
batch_size = 50
dropout = 0.3
hflip = true
schedule = cosine
learning_rate = 0.003
INI
ID=$("$SWEEP" plan s.ini | grep -Eo '\b[0-9a-f]{16}\b' | head -1) || true

kill_job() {  # kill -9 of mpirun and its ranks (its children: other tests' sweeps run beside)
  local pids p alive
  pids=$(pgrep -P "$MPIRUN" || true)
  # shellcheck disable=SC2086  # a list of pids
  kill -9 "$MPIRUN" $pids 2> /dev/null || true
  wait "$MPIRUN" 2> /dev/null || true
  for _ in $(seq 1 100); do
    alive=0
    for p in $pids; do kill -0 "$p" 2> /dev/null && alive=1; done
    [ "$alive" -eq 0 ] && return 0
    sleep 0.1
  done
  fail "processes of the sweep survived kill -9"
}
# state_field FILE OFFSET: a 4-byte field of a state file's header (24: epoch, 32: batch)
state_field() { od -An -t d4 -j "$2" -N 4 "$1" 2>/dev/null | tr -d ' ' || true; }
wait_state() {  # wait_state FILE MIN_EPOCH: polls up to 120 s for a state at MIN_EPOCH or later
  for _ in $(seq 1 2400); do
    local e; e=$(state_field "$1" 24)
    [ -n "$e" ] && [ "$e" -ge "$2" ] && return 0
    sleep 0.05
  done
  fail "no state at epoch $2 in $1"
}
# same REF FILE [RESTORED]: trial rows, epoch rows and confusion equal; epochs_restored checked
same() {
  "$PY" - "$@" <<'PY'
import sys, h5py, numpy as np, sweep_h5
ref, got = sweep_h5.trials(sys.argv[1]), sweep_h5.trials(sys.argv[2])
assert len(ref) == len(got), (len(ref), len(got))
for a, b in zip(sorted(ref, key=lambda r: r["trial_id"]), sorted(got, key=lambda r: r["trial_id"])):
    assert a["status"] == b"ok" and b["status"] == b"ok", (a["status"], b["status"], b["message"])
    for c in ("val_acc", "val_loss", "test_acc", "test_loss", "macro_f1", "best_epoch", "epochs_run"):
        assert a[c].tobytes() == b[c].tobytes(), (c, a[c], b[c])
    assert a["epochs_restored"] == 0, a["epochs_restored"]
    if len(sys.argv) > 3:
        assert b["epochs_restored"] == int(sys.argv[3]), (b["epochs_restored"], sys.argv[3])
def table(path, name, cols):
    with h5py.File(path, "r") as f:
        t = f[name][:]
    return sorted(tuple(r[c].tobytes() for c in cols) for r in t)
cols = ("trial_id", "epoch", "train_loss", "train_acc", "val_loss", "val_acc")
assert table(sys.argv[1], "epochs", cols) == table(sys.argv[2], "epochs", cols), "epoch rows differ"
cols = ("trial_id", "split", "true_label", "pred_label", "count")
assert table(sys.argv[1], "confusion", cols) == table(sys.argv[2], "confusion", cols), "confusion differs"
print("same to the last bit:", sys.argv[2], "restored", sys.argv[3] if len(sys.argv) > 3 else "-")
PY
}
# usr1_mid_epoch STATE: SIGUSR1 to mpirun inside the third epoch. The time between the states of
# epochs 1 and 2 is one epoch of this machine; the signal goes a third of it after epoch 2's
# state, when the next epoch trains (a fixed sleep raced a fast group to the epoch's end).
usr1_mid_epoch() {
  wait_state "$1" 1
  local t1 t2; t1=$(date +%s.%N)
  wait_state "$1" 2
  t2=$(date +%s.%N)
  sleep "$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f", (b - a) / 3 }')"
  kill -USR1 "$MPIRUN"
}
run_bg() {  # run_bg LOG NP ARGS...: the sweep in the background
  local log=$1 np=$2; shift 2
  mpirun -np "$np" --oversubscribe --bind-to none "$SWEEP" run "$@" --threads 1 --verbose > "$log" 2>&1 &
  MPIRUN=$!
}

sweep_mpi 2 run s.ini --out ref.h5 --threads 1 > ref.log 2>&1 || { cat ref.log; fail "uninterrupted run"; }
[ ! -e ref.h5.state ] || fail "the state directory outlived a finished sweep"

# 1. kill -9 after epoch 3's state.
run_bg k1.log 2 s.ini --out k.h5
wait_state "k.h5.state/$ID.state" 3
kill_job
E=$(state_field "k.h5.state/$ID.state" 24)
[ "$E" -ge 3 ] && [ "$E" -lt 6 ] || fail "state at epoch $E after the kill"
sweep_mpi 2 run s.ini --out k.h5 --threads 1 --verbose > k2.log 2>&1 || { cat k1.log k2.log; fail "resume after kill -9"; }
grep -q "1 trial saved mid-way continues first, from $ID epoch $E" k2.log || { cat k2.log; fail "no saved line in the header"; }
grep -q "resumed at epoch $E" k2.log || { cat k2.log; fail "no 'resumed at epoch $E' on the trial line"; }
same ref.h5 k.h5 "$E"
[ ! -e k.h5.state ] || fail "k.h5.state outlived the finished sweep"

# 2. SIGUSR1 inside epoch 3 (--grace 0: the running trial saves at its next batch).
run_bg u1.log 2 s.ini --out u.h5 --grace 0
usr1_mid_epoch "u.h5.state/$ID.state"
set +e; wait "$MPIRUN"; rc=$?; set -e
[ "$rc" -eq 75 ] || { cat u1.log; fail "exit code $rc after SIGUSR1, expected 75"; }
grep -q "1 trial saved mid-way: resume continues it" u1.log || { cat u1.log; fail "no saved-trial hint at the stop"; }
E=$(state_field "u.h5.state/$ID.state" 24); B=$(state_field "u.h5.state/$ID.state" 32)
[ "$B" -gt 0 ] || fail "the stop saved no position inside the epoch (epoch $E, batch $B)"
"$SWEEP" status s.ini u.h5 > status.log
grep -q "u.h5: 1 trial saved mid-way: resume continues it ($ID at epoch $E + $B batches)" status.log ||
  { cat status.log; fail "sweep status does not show the saved trial"; }
sweep_mpi 2 run s.ini --out u.h5 --threads 1 --verbose > u2.log 2>&1 || { cat u2.log; fail "resume after SIGUSR1"; }
grep -q "from $ID epoch $E + $B batches" u2.log || { cat u2.log; fail "the header does not name the batch"; }
same ref.h5 u.h5 "$E"
echo "SIGUSR1: saved at epoch $E + $B batches, resumed there"

# 3. A corrupt state: the trial trains from the start and ends the same.
run_bg c1.log 2 s.ini --out c.h5
wait_state "c.h5.state/$ID.state" 2
kill_job
printf 'XXXX' | dd of="c.h5.state/$ID.state" bs=1 seek=2000 conv=notrunc 2>/dev/null
sweep_mpi 2 run s.ini --out c.h5 --threads 1 > c2.log 2>&1 || { cat c2.log; fail "resume with a corrupt state"; }
grep -q "c.h5.state/$ID.state: the training state is corrupt (its checksum does not match); it trains from the start" c2.log ||
  { cat c2.log; fail "the corrupt state was not told"; }
same ref.h5 c.h5 0

# 4. ranks_per_trial = 2: kill -9 after epoch 2, both members resume.
sweep_mpi 3 run s.ini --out gref.h5 --threads 1 --ranks_per_trial=2 > gref.log 2>&1 || { cat gref.log; fail "group run"; }
run_bg g1.log 3 s.ini --out g.h5 --ranks_per_trial=2
wait_state "g.h5.state/$ID.state" 2
kill_job
E=$(state_field "g.h5.state/$ID.state" 24)
sweep_mpi 3 run s.ini --out g.h5 --threads 1 --ranks_per_trial=2 > g2.log 2>&1 || { cat g2.log; fail "group resume"; }
same gref.h5 g.h5 "$E"
# ... and SIGUSR1 inside an epoch: the group saves that batch, each member's dropout stream too.
run_bg h1.log 3 s.ini --out h.h5 --ranks_per_trial=2 --grace 0
usr1_mid_epoch "h.h5.state/$ID.state"
set +e; wait "$MPIRUN"; rc=$?; set -e
[ "$rc" -eq 75 ] || { cat h1.log; fail "group: exit code $rc after SIGUSR1, expected 75"; }
E=$(state_field "h.h5.state/$ID.state" 24); B=$(state_field "h.h5.state/$ID.state" 32)
[ "$B" -gt 0 ] || fail "the group saved no position inside the epoch (epoch $E, batch $B)"
sweep_mpi 3 run s.ini --out h.h5 --threads 1 --ranks_per_trial=2 > h2.log 2>&1 || { cat h2.log; fail "group resume after SIGUSR1"; }
same gref.h5 h.h5 "$E"
echo "group SIGUSR1: saved at epoch $E + $B batches, resumed there"

# 5. noop trials: 3 of 8 epochs x 0.3 s, killed after epoch 3's state.
printf 'model = noop\nepochs = 8\nsleep_ms = 300\n[grid]\nseed = 1, 2, 3\n' > n.ini
sweep_mpi 4 run n.ini --out nref.h5 > nref.log 2>&1 || { cat nref.log; fail "noop run"; }
run_bg n1.log 4 n.ini --out n.h5
for _ in $(seq 1 600); do [ "$(ls n.h5.state 2>/dev/null | wc -l)" -ge 3 ] && break; sleep 0.05; done
for f in n.h5.state/*.state; do wait_state "$f" 3; done
kill_job
# States beside a results file that is gone (deleted to start over) are stale: removed, unused.
cp -r n.h5.state m.h5.state
sweep_mpi 4 run n.ini --out m.h5 > m.log 2>&1 || { cat m.log; fail "a fresh file beside stale states"; }
grep -q "m.h5.state holds 3 state(s) of an earlier sweep whose results file is gone; removed" m.log ||
  { cat m.log; fail "stale states not told"; }
"$PY" -c 'import sweep_h5; assert (sweep_h5.trials("m.h5")["epochs_restored"] == 0).all()' ||
  fail "a fresh sweep resumed stale states"
sweep_mpi 4 run n.ini --out n.h5 --verbose > n2.log 2>&1 || { cat n2.log; fail "noop resume"; }
[ "$(grep -c 'resumed at epoch' n2.log)" -eq 3 ] || { cat n2.log; fail "noop trials did not resume"; }
"$PY" - <<'PY'
import sweep_h5
a, b = sweep_h5.trials("nref.h5"), sweep_h5.trials("n.h5")
assert sorted(a["val_acc"].tolist()) == sorted(b["val_acc"].tolist())
assert (b["epochs_restored"] >= 3).all(), b["epochs_restored"]
PY
# 6. search = tpe (trials made as the sweep runs): the saved trials are handed out again first,
#    from the key values their states carry, and continue there.
printf 'model = noop\nepochs = 6\nsleep_ms = 300\nsearch = tpe\nsamples = 4\nsearch_seed = 3\n[grid]\nlearning_rate = loguniform(0.001, 0.1)\n' > t.ini
run_bg t1.log 3 t.ini --out t.h5
for _ in $(seq 1 600); do [ "$(ls t.h5.state 2>/dev/null | grep -c '\.state$')" -ge 2 ] && break; sleep 0.05; done
for f in t.h5.state/*.state; do wait_state "$f" 2; done
kill_job
sweep_mpi 3 run t.ini --out t.h5 --verbose > t2.log 2>&1 || { cat t2.log; fail "tpe resume"; }
grep -q "^2 trials saved mid-way continue first, from" t2.log || { cat t1.log t2.log; fail "tpe: the saved trials were not continued first"; }
[ "$(grep -c 'resumed at epoch' t2.log)" -eq 2 ] || { cat t2.log; fail "tpe: not 2 trials resumed"; }
"$PY" - <<'PY'
import sweep_h5
t = sweep_h5.trials("t.h5")
assert len(t) == 4 == len(set(t["trial_id"])), t["trial_id"]
assert (t["status"] == b"ok").all() and sorted(t["epochs_restored"] > 0) == [False, False, True, True], t["epochs_restored"]
PY
[ ! -e t.h5.state ] || fail "t.h5.state outlived the finished TPE sweep"
echo "PASS"
