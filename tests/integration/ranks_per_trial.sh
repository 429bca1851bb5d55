#!/usr/bin/env bash
# ranks_per_trial: one trial trained by a group of ranks, data parallel, as a user runs it.
# - R = 2 under mpirun -np 3 against R = 1 (-np 2), threads pinned, dropout 0, no batch norm:
#   the same trial ids, per-epoch training losses within 1e-4 relative (Adam), test accuracy
#   within 0.5 points (every epoch the members also check that their weights are identical,
#   and fail the trial if not: every trial must be ok); with plain SGD, class weights and
#   label smoothing, every epoch's training and validation losses within 1e-6 relative;
# - over two emulated nodes (../shared/multinode): groups of 2 within the nodes, a group of 4
#   across them, with the same checks;
# - a worker left over is reported idle; too few workers for one group is exit 2;
# - a member that fails (an injected fault) fails the trial on every member, and the sweep goes
#   on; a diverging trial diverges on all members at the same batch; neither hangs;
# - SIGUSR1 stops the group at the same batch (exit 75); the same command resumes and gives
#   what an uninterrupted run gives;
# - successive halving with two groups, --keep-best, and predict of the kept checkpoint.
# - --shard 1/2 and 2/2 with groups: each trial once, with the whole run's metrics.
source "$(dirname "$0")/common.sh"
DIGITS=$SHARED/data/mnist-digits
[ -f "$DIGITS/train-images-idx3-ubyte.gz" ] || skip "the shared MNIST digits are not at $DIGITS (a plain clone has no ../shared)"
cat > g.ini <<INI
dataset = mnist
data_dir = $DIGITS
epochs = 2
train_subset = 800
batch_size = 33
filters = 4
dense_units = 16
dropout = 0
[grid]
learning_rate = 0.001, 0.003
INI
sweep_mpi 2 run g.ini --threads 1 -q -o one.h5 > one.log 2>&1 || { cat one.log; fail "R = 1"; }
sweep_mpi 3 run g.ini --threads 1 --ranks_per_trial=2 -o two.h5 > two.log 2>&1 || { cat two.log; fail "R = 2"; }
grep -q "2 to run on 1 group(s) of 2 ranks$" two.log || { cat two.log; fail "the start line does not show the group"; }
compare() {  # compare REFERENCE OTHER: same ids, losses within 1e-4, test accuracy within 0.005
  "$PY" - "$@" <<'PY'
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1], "r"); b = h5py.File(sys.argv[2], "r")
import sweep_h5
ta = np.sort(sweep_h5.trials(sys.argv[1]), order="trial_id"); tb = np.sort(sweep_h5.trials(sys.argv[2]), order="trial_id")
assert (ta["trial_id"] == tb["trial_id"]).all(), "ranks_per_trial changed the trial ids"
assert (tb["status"] == b"ok").all(), (tb["status"], tb["message"])
assert abs(ta["test_acc"] - tb["test_acc"]).max() <= 0.005, (ta["test_acc"], tb["test_acc"])
ea = np.sort(a["epochs"][:], order=["trial_id", "epoch"]); eb = np.sort(b["epochs"][:], order=["trial_id", "epoch"])
rel = abs(ea["train_loss"] - eb["train_loss"]) / ea["train_loss"]
assert rel.max() < 1e-4, rel
# The most confident mistakes, gathered from every member: as many, most confident first, and
# mostly the same images as one rank's (the weights agree to about 1e-4).
ma = a["mistakes"][:]; mb = b["mistakes"][:]
for tid in ta["trial_id"]:
    ra = ma[ma["trial_id"] == tid]; rb = mb[mb["trial_id"] == tid]
    assert len(rb) == len(ra) > 0, (len(ra), len(rb))
    assert (np.diff(rb["probability"]) <= 0).all(), rb["probability"]
    assert len(set(ra["row"]) & set(rb["row"])) >= len(ra) // 2, (ra["row"], rb["row"])
print(f"ranks_per_trial: {sys.argv[2]} as {sys.argv[1]}: train loss within {rel.max():.1e}, test accuracy {tb['test_acc']}")
PY
}
compare one.h5 two.h5
"$PY" -c 'import h5py; t = h5py.File("two.h5")["trials"][:]; assert (t["ranks_per_trial"] == 2).all() and (t["rank"] == 1).all(), t[["rank", "ranks_per_trial"]]'
# Shards with groups: --shard 1/2 and 2/2 train each trial once between them, as the whole run.
for i in 1 2; do
  sweep_mpi 3 run g.ini --threads 1 --ranks_per_trial=2 --shard "$i/2" -q -o "shard$i.h5" > "shard$i.log" 2>&1 || { cat "shard$i.log"; fail "shard $i/2 with a group"; }
done
"$PY" - <<'PY'
import numpy as np, sweep_h5
whole = {int(r["trial_id"]): r["test_acc"] for r in sweep_h5.trials("two.h5")}
got = [(int(r["trial_id"]), r["test_acc"]) for f in ("shard1.h5", "shard2.h5") for r in sweep_h5.trials(f)]
assert sorted(i for i, _ in got) == sorted(whole), (got, whole)
assert all(whole[i] == acc for i, acc in got), (got, whole)
PY
echo "ranks_per_trial: two shards with groups train each trial once, with the whole run's metrics"

# Plain SGD (no momentum) follows the gradient's size, which Adam hides: R = 2 against R = 1 with
# class weights and label smoothing (the normalizer is the batch's summed class weights) and an
# uneven last batch (720 rows in batches of 33): every epoch's losses within 1e-6 relative.
SGD="--optimizer=sgd --momentum=0 --learning_rate=0.1,0.5 --class_weights=balanced --label_smoothing=0.1"
sweep_mpi 2 run g.ini --threads 1 $SGD -q -o sgd1.h5 > sgd1.log 2>&1 || { cat sgd1.log; fail "R = 1 with sgd"; }
sweep_mpi 3 run g.ini --threads 1 --ranks_per_trial=2 $SGD -q -o sgd2.h5 > sgd2.log 2>&1 || { cat sgd2.log; fail "R = 2 with sgd"; }
"$PY" - <<'PY'
import h5py, numpy as np, sweep_h5
a = np.sort(h5py.File("sgd1.h5", "r")["epochs"][:], order=["trial_id", "epoch"])
b = np.sort(h5py.File("sgd2.h5", "r")["epochs"][:], order=["trial_id", "epoch"])
assert (a["trial_id"] == b["trial_id"]).all() and len(a) == 4, (a["trial_id"], b["trial_id"])
worst = max((abs(a[m] - b[m]) / a[m]).max() for m in ("train_loss", "val_loss"))
assert worst < 1e-6, worst
ta = np.sort(sweep_h5.trials("sgd1.h5"), order="trial_id"); tb = np.sort(sweep_h5.trials("sgd2.h5"), order="trial_id")
assert (tb["status"] == b"ok").all() and abs(ta["test_acc"] - tb["test_acc"]).max() <= 0.005, (ta["test_acc"], tb["test_acc"])
print(f"ranks_per_trial: plain SGD, R = 2 as R = 1: epoch losses within {worst:.1e} relative")
PY

"$SWEEP" plan g.ini --ranks_per_trial=2 --ranks 4 > plan.log 2>&1 || { cat plan.log; fail "plan"; }
grep -q "groups: ranks_per_trial = 2: 4 ranks make 1 group(s) of 2, 1 worker rank(s) idle" plan.log || { cat plan.log; fail "plan does not show the groups"; }
sweep_mpi 4 run g.ini --threads 1 --ranks_per_trial=2 -q -o idle.h5 > idle.log 2>&1 || { cat idle.log; fail "R = 2 with 3 workers"; }
grep -q "on 1 group(s) of 2 ranks, 1 worker rank(s) idle (not enough for a group of 2)" idle.log || { cat idle.log; fail "the idle worker is not reported"; }
expect_exit 2 sweep_mpi 2 run g.ini --ranks_per_trial=2 -o never.h5
expect_err "ranks_per_trial = 2 needs at least 2 worker ranks, and this job has 1"
[ ! -e never.h5 ] || fail "a refused group sweep wrote a results file"

NODES=$SHARED/multinode/mpirun-nodes
if [ -x "$NODES" ]; then
  for r in 2 4; do
    "$NODES" 2x3 -np 5 --oversubscribe --bind-to none "$SWEEP" run g.ini --threads 1 --ranks_per_trial=$r -o "nodes$r.h5" > "nodes$r.log" 2>&1 || { cat "nodes$r.log"; fail "R = $r over 2 nodes"; }
    compare one.h5 "nodes$r.h5"
  done
  grep -q "on 2 group(s) of 2 ranks$" nodes2.log || { cat nodes2.log; fail "groups of 2 within the nodes"; }
  grep -q "on 1 group(s) of 4 ranks (1 across nodes)$" nodes4.log || { cat nodes4.log; fail "the group across nodes"; }
  # The group across nodes holds one copy of the data on each node: 2 members there, 2 copies.
  [ "$(grep -c "pixels held once by the 2 ranks of this node that train together" nodes4.log)" -eq 2 ] ||
    { cat nodes4.log; fail "not one copy of the data on each of the 2 nodes"; }
  "$PY" -c 'import sweep_h5; t = sweep_h5.trials("nodes2.h5"); assert set(t["host"]) == {b"node1", b"node2"}, t["host"]'
else
  echo "SKIP: groups over emulated nodes: no $NODES"
fi

# An injected fault on member 2 fails that trial on both members; the sweep goes on.
SWEEP_FAULT_INJECT=member=1,agree=3 expect_exit 3 timeout 120 mpirun -np 3 -x SWEEP_FAULT_INJECT --oversubscribe --bind-to none "$SWEEP" run g.ini --threads 1 --ranks_per_trial=2 --verbose -o fault.h5
expect_err "1 x on rank 2 (member 2 of 2 training it): injected fault (SWEEP_FAULT_INJECT) at agreement 3"
grep -q "ok " "$WORK/out" || { cat "$WORK/out"; fail "the other trial did not run after the fault"; }
timeout 120 mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run g.ini --threads 1 --ranks_per_trial=2 --verbose --optimizer=sgd --learning_rate=10,0.001 --dense_units=1024 --filters=32 -o diverge.h5 > diverge.log 2>&1 || { cat diverge.log; fail "the diverging sweep"; }
grep -q "diverged .*non-finite training loss at epoch 1" diverge.log || { cat diverge.log; fail "no diverged trial"; }
echo "ranks_per_trial: a member's fault fails the trial on all, divergence is shared, no hang"

# SIGUSR1 stops the group mid-trial; the same command resumes; metrics as uninterrupted.
sed -e 's/^epochs = 2/epochs = 3/' -e 's/^train_subset = 800/train_subset = 4000/' g.ini > s.ini
sweep_mpi 3 run s.ini --threads 1 --ranks_per_trial=2 -q -o whole.h5 > whole.log 2>&1 || { cat whole.log; fail "the uninterrupted run"; }
mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run s.ini --threads 1 --ranks_per_trial=2 --verbose --grace 0 -o stopped.h5 > stop1.log 2>&1 &
job=$!
for _ in $(seq 1 600); do grep -q '^\[1/' stop1.log && break; sleep 0.1; done
kill -USR1 "$job"
set +e
timeout 120 tail --pid="$job" -f /dev/null
wait "$job"
rc=$?
set -e
[ "$rc" -eq 75 ] || { cat stop1.log; fail "the stopped group exited $rc, expected 75"; }
sweep_mpi 3 run s.ini --threads 1 --ranks_per_trial=2 -q -o stopped.h5 > stop2.log 2>&1 || { cat stop2.log; fail "the resumed run"; }
"$PY" - <<'PY'
import h5py, numpy as np
a = np.sort(h5py.File("whole.h5", "r")["trials"][:], order="trial_id")
b = np.sort(h5py.File("stopped.h5", "r")["trials"][:], order="trial_id")
assert (a["trial_id"] == b["trial_id"]).all() and (b["status"] == b"ok").all(), b["status"]
for m in ("val_loss", "val_acc", "test_loss", "test_acc"):
    assert (a[m] == b[m]).all(), (m, a[m], b[m])
print("ranks_per_trial: stopped by SIGUSR1 with exit 75, resumed to the uninterrupted metrics")
PY

cat > a.ini <<INI
dataset = mnist
data_dir = $DIGITS
train_subset = 1000
batch_size = 32
filters = 4
dense_units = 16
search = asha
samples = 4
max_epochs = 4
min_epochs = 1
reduction_factor = 2
[grid]
learning_rate = loguniform(1e-4, 1e-2)
INI
# Two groups (-np 5: ranks 1-2 and 3-4), each taking rungs as they come.
sweep_mpi 5 run a.ini --threads 1 --ranks_per_trial=2 --keep-best 1 -q -o asha.h5 > asha.log 2>&1 || { cat asha.log; fail "asha with two groups"; }
"$PY" - <<'PY'
import sweep_h5
t = sweep_h5.trials("asha.h5")
assert (t["status"] == b"ok").all(), t["message"]
assert len(set(t["trial_id"])) == 4 and t["rung"].max() >= 1, t[["trial_id", "rung"]]
# Both groups trained, each reported by its leader (rank 1 or 3).
assert set(t["rank"]) == {1, 3}, t[["trial_id", "rung", "rank"]]
PY
"$SWEEP" predict --from asha.h5 --data "$DIGITS" --threads 1 > predict.log 2>&1 || { cat predict.log; fail "predict of the group's checkpoint"; }
kept=$(sed -n 's/^model: .*(trial \([0-9a-f]*\),.*/\1/p' predict.log)
best=$("$PY" - "$kept" <<'PY'
import sys, h5py
t = h5py.File("asha.h5", "r")["trials"][:]
mine = t[t["trial_id"] == int(sys.argv[1], 16)]
print(f"{mine[mine['rung'].argmax()]['test_acc']:.4f}")
PY
)
grep -q "^accuracy $best " predict.log || { cat predict.log; fail "predict did not reproduce the kept trial's $best"; }
echo "ranks_per_trial: successive halving with two groups, --keep-best and predict"
